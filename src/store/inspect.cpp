#include "store/inspect.h"

namespace cairn::store {
namespace {

// Table names come from the catalogue, never from users, so quoting them into SQL is safe.
std::string TableListSql(std::string_view backend) {
  if (backend == "sqlite") {
    return "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
  }
  return "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
         "AND table_type = 'BASE TABLE' ORDER BY table_name";
}

}  // namespace

Result<DatabaseSummary> Describe(Connection& connection) {
  DatabaseSummary summary;
  summary.backend = std::string(connection.backend_name());

  CAIRN_ASSIGN_OR_RETURN(auto list, connection.Prepare(TableListSql(summary.backend)));
  std::vector<std::string> names;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool has_row, list->Step());
    if (!has_row) break;
    names.emplace_back(list->ColumnText(0));
  }

  for (const std::string& name : names) {
    CAIRN_ASSIGN_OR_RETURN(auto count, connection.Prepare("SELECT COUNT(*) FROM \"" + name + "\""));
    CAIRN_ASSIGN_OR_RETURN(bool has_row, count->Step());
    summary.tables.push_back({name, has_row ? count->ColumnInt(0) : 0});
    if (name == "schema_migrations") {
      CAIRN_ASSIGN_OR_RETURN(auto applied, connection.Prepare("SELECT version, name FROM schema_migrations ORDER BY version"));
      while (true) {
        CAIRN_ASSIGN_OR_RETURN(bool row, applied->Step());
        if (!row) break;
        summary.schema_version = static_cast<int>(applied->ColumnInt(0));
        summary.applied.emplace_back(applied->ColumnText(1));
      }
    }
  }
  return summary;
}

}  // namespace cairn::store
