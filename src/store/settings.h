// A council's settings (its DfE LA code, its 0-17 population): the `setting` table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace cairn::store {

// The settings Cairn knows, with what each means; SetSetting refuses any other key.
struct SettingSpec {
  std::string_view key;
  std::string_view meaning;
};
std::vector<SettingSpec> KnownSettings();

Result<std::optional<std::string>> GetSetting(Connection& db, std::string_view key);
// Validates the value for its key (an LA code is three digits, a population a positive number).
Status SetSetting(Connection& db, std::string_view key, std::string_view value);
Result<std::vector<std::pair<std::string, std::string>>> AllSettings(Connection& db);

// Whether the database is marked as holding a simulated council (`synthetic = true`, set by
// cairn simulate). Every export, and every page, says so when it is.
Result<bool> IsSynthetic(Connection& db);

}  // namespace cairn::store
