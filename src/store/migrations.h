// Schema migrations: numbered SQL files (store/migrations/NNNN_name.sql) compiled into the
// binary and applied in order, each in its own transaction, recorded in schema_migrations with
// a SHA-256 checksum of its text. A migration already applied whose text has since changed is
// refused: the database was built from different SQL than this binary holds.
//
// A migration file holds plain SQL statements written for SQLite; PostgreSQL runs the same text
// with its types adapted (postgres::AdaptSchema), or, where SQLite's dialect has no PostgreSQL
// reading (triggers), a file of the same name under store/migrations/postgresql/. A migration
// must not BEGIN or COMMIT itself, and takes no $N parameters.
#pragma once

#include <string>
#include <vector>

#include "base/embedded.h"
#include "base/status.h"
#include "store/database.h"

namespace cairn::store {

struct Migration {
  int version = 0;         // from the file name's leading digits; 1 or more
  std::string name;        // the file name, e.g. "0001_initial.sql"
  std::string sql;
  std::string checksum;    // lowercase hex SHA-256 of `sql`
  // As PostgreSQL runs it: store/migrations/postgresql/<name> when that file exists, else `sql`
  // adapted by postgres::AdaptSchema; and the checksum recorded for it there.
  std::string postgresql_sql;
  std::string postgresql_checksum;
};

struct MigrationReport {
  std::vector<std::string> applied;          // names applied by this call, in order
  std::vector<std::string> already_applied;  // names found recorded and unchanged
  std::vector<std::string> pending;          // names not yet applied (always empty after Migrate)
  int schema_version = 0;                    // highest version now applied; 0 for none
};

// Migrations from resources named NNNN_name.sql (digits, '_', a name, ".sql"), sorted by
// version. A name of another shape, version 0, or a number used twice is InvalidArgument
// naming the file(s); so is a postgresql/ file with no migration of its name.
Result<std::vector<Migration>> LoadMigrations(const std::vector<embedded::Resource>& resources);
// The migrations compiled into Cairn.
Result<std::vector<Migration>> BuiltInMigrations();

// Creates schema_migrations if absent, then checks every recorded migration before applying
// anything: a recorded checksum that differs from `migrations` is DataLoss ("migration
// 0001_initial.sql was changed after it was applied to this database (recorded checksum
// abcd1234…, this Cairn has ef56…); ..."); a recorded version `migrations` does not hold is
// FailedPrecondition ("this database was migrated by a newer Cairn (version N, NAME); ..." when
// it is above them all). Then applies each pending migration, in version order, in its own
// transaction together with its schema_migrations row, so a failing migration leaves nothing of
// itself behind (earlier ones stay applied) and the error names its file.
// `migrations` must be as LoadMigrations gives them: versions rising, checksums filled in.
// Another process migrating the same database at the same time is waited for (up to the busy
// timeout; longer is an IoError) and a migration is never applied twice.
Result<MigrationReport> Migrate(Connection& connection, const std::vector<Migration>& migrations);

// The same checks without applying or creating anything: `applied` stays empty and `pending`
// lists what Migrate would apply (for `cairn status`-style checks).
Result<MigrationReport> CheckMigrations(Connection& connection, const std::vector<Migration>& migrations);

}  // namespace cairn::store
