#include "store/settings.h"

#include <algorithm>

#include "store/chronology_store.h"

namespace cairn::store {
namespace {

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<SettingSpec> KnownSettings() {
  return {
      {"la-code", "the council's three-digit DfE local authority number (e.g. 343 for Sefton)"},
      {"la-name", "the council's name, as shown on reports"},
      {"population", "the council's 0-17 population; defaults to the imported ONS estimate"},
      {"synthetic", "true when the database holds a simulated council and no real child's record (set by "
                    "cairn simulate); every export says so"},
  };
}

Result<std::optional<std::string>> GetSetting(Connection& db, std::string_view key) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT value FROM setting WHERE key = $1"));
  CAIRN_RETURN_IF_ERROR(select->Bind(1, key));
  CAIRN_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(std::string(select->ColumnText(0)));
}

Status SetSetting(Connection& db, std::string_view key, std::string_view value) {
  const auto known = KnownSettings();
  if (std::none_of(known.begin(), known.end(), [&](const SettingSpec& spec) { return spec.key == key; })) {
    std::string names;
    for (const SettingSpec& spec : known) names += (names.empty() ? "" : ", ") + std::string(spec.key);
    return Status::InvalidArgument("'" + std::string(key) + "' is not a setting Cairn knows (known: " + names + ")");
  }
  if (key == "la-code" && !(value.size() == 3 && AllDigits(value))) {
    return Status::InvalidArgument("la-code must be the three-digit DfE LA number, not '" + std::string(value) + "'");
  }
  if (key == "population" && (!AllDigits(value) || value.size() > 9 || value.find_first_not_of('0') == std::string_view::npos)) {
    return Status::InvalidArgument("population must be a whole number of children above zero, not '" +
                                   std::string(value) + "'");
  }
  if (key == "synthetic" && value != "true" && value != "false") {
    return Status::InvalidArgument("synthetic is true or false, not '" + std::string(value) + "'");
  }
  if (value.empty()) return Status::InvalidArgument(std::string(key) + " cannot be empty");
  return db.Execute("INSERT INTO setting (key, value, updated_at) VALUES ($1, $2, $3) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    {std::string(key), std::string(value), UtcTimestamp()});
}

Result<bool> IsSynthetic(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto value, GetSetting(db, "synthetic"));
  return value && *value == "true";
}

Result<std::vector<std::pair<std::string, std::string>>> AllSettings(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT key, value FROM setting ORDER BY key"));
  std::vector<std::pair<std::string, std::string>> settings;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    settings.emplace_back(std::string(select->ColumnText(0)), std::string(select->ColumnText(1)));
  }
  return settings;
}

}  // namespace cairn::store
