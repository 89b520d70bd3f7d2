// Schema migrations: numbered SQL files (store/migrations/NNNN_name.sql) compiled into the
// binary and applied in order, each in its own transaction, recorded in schema_migrations with
// a SHA-256 checksum of its text. A migration already applied whose text has since changed is
// refused: the database was built from different SQL than this binary holds.
#pragma once

#include <string>
#include <vector>

#include "base/embedded.h"
#include "base/status.h"
#include "store/database.h"

namespace cairn::store {

struct Migration {
  int version = 0;         // from the file name's leading digits
  std::string name;        // the file name, e.g. "0001_initial.sql"
  std::string sql;
  std::string checksum;    // lowercase hex SHA-256 of `sql`
};

struct MigrationReport {
  std::vector<std::string> applied;          // names applied by this call, in order
  std::vector<std::string> already_applied;  // names found recorded and unchanged
  int schema_version = 0;                    // highest version now applied
};

// Migrations from resources named NNNN_*.sql; an unnumbered name or a repeated number is an error.
Result<std::vector<Migration>> LoadMigrations(const std::vector<embedded::Resource>& resources);
// The migrations compiled into Cairn.
Result<std::vector<Migration>> BuiltInMigrations();

// Applies every migration not yet recorded. Fails, changing nothing further, if a recorded
// migration's checksum differs or the database records a version this binary does not know.
Result<MigrationReport> Migrate(Connection& connection, const std::vector<Migration>& migrations);

// The report Migrate would give without applying anything (for `cairn status`-style checks).
Result<MigrationReport> CheckMigrations(Connection& connection, const std::vector<Migration>& migrations);

}  // namespace cairn::store
