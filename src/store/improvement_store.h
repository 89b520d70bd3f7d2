// The improvement plan as stored (migration 0009): the file's text, kept whole, and who imported
// it when. Parsing and rating are improvement/'s; this holds the SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "store/database.h"

namespace cairn::store {

struct StoredPlan {
  std::string title;
  std::string source_name;  // the file's name as imported
  std::string toml;         // its text, exactly
  int64_t recommendations = 0, actions = 0, measures = 0;
  std::string imported_by;
  std::string imported_at;  // UTC ISO 8601; SavePlan fills it when empty
};

// Replaces the plan held (if any) with `plan` and writes an audit row ("plan-import", naming the
// file and the counts; never its text), in one transaction: either both or neither.
Status SavePlan(Connection& db, StoredPlan plan);
// The plan held, or nullopt when none was imported.
Result<std::optional<StoredPlan>> LoadPlan(Connection& db);

}  // namespace cairn::store
