// What a Cairn database holds, for `cairn status` and `make demo`: its schema version and the
// row count of every table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace cairn::store {

struct TableSummary {
  std::string name;
  int64_t rows = 0;
};

struct DatabaseSummary {
  std::string backend;               // "sqlite"
  int schema_version = 0;            // highest applied migration, 0 when none
  std::vector<std::string> applied;  // migration names in order
  std::vector<TableSummary> tables;  // user tables, by name
};

Result<DatabaseSummary> Describe(Connection& connection);

}  // namespace cairn::store
