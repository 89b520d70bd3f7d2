#include "store/migrations.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <set>
#include <string_view>

#include "store/chronology_store.h"
#include "store/postgres/postgres_database.h"

namespace cairn::store {
namespace {

constexpr std::string_view kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, "
    "checksum TEXT NOT NULL, "
    "applied_at TEXT NOT NULL)";

Result<std::string> Sha256Hex(std::string_view text) {
  // sodium_init is idempotent but not free; once per process is enough.
  static const int kSodiumReady = sodium_init();
  if (kSodiumReady < 0) return Status::Internal("the libsodium library could not start, so migrations cannot be checked");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

std::string Abbreviated(std::string_view checksum) { return std::string(checksum.substr(0, 8)) + "…"; }

// Makes the open transaction the only one migrating this database until it ends. On SQLite the
// transaction already holds the write lock (BEGIN IMMEDIATE); on PostgreSQL, where writers run
// side by side, a transaction-scoped advisory lock queues a second Cairn behind the first.
Status HoldMigrationLock(Connection& connection) {
  if (connection.backend_name() != "postgresql") return Status::Ok();
  constexpr int64_t kMigrationLockKey = 0x6361697226d6967;  // "cairn-mig", any fixed number will do
  CAIRN_ASSIGN_OR_RETURN(auto lock, connection.Prepare("SELECT pg_advisory_xact_lock($1)"));
  CAIRN_RETURN_IF_ERROR(lock->Bind(1, kMigrationLockKey));
  return lock->Run();
}

// The migrations as this connection's backend runs them: on PostgreSQL, a migration's own
// postgresql/ version where there is one, else its SQLite text adapted (postgres::AdaptSchema),
// each with the checksum of the text actually applied.
std::vector<Migration> ForBackend(const Connection& connection, const std::vector<Migration>& migrations) {
  if (connection.backend_name() != "postgresql") return migrations;
  std::vector<Migration> adapted = migrations;
  for (Migration& migration : adapted) {
    migration.sql = migration.postgresql_sql;
    migration.checksum = migration.postgresql_checksum;
  }
  return adapted;
}

std::string UtcNowIso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[sizeof "2024-01-31T23:59:59Z"];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Result<Migration> ParseMigration(const embedded::Resource& resource) {
  const std::string_view name = resource.path;
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("migration file " + std::string(name) + " " + why +
                                   " (migration files are named like 0001_initial.sql)");
  };
  size_t digits = 0;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
  if (digits == 0) return bad("does not start with a version number");
  constexpr std::string_view kSuffix = ".sql";
  if (name.size() < kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return bad("does not end in .sql");
  }
  if (name[digits] != '_' || digits + 1 + kSuffix.size() >= name.size()) {
    return bad("has no '_' and name after its version number");
  }
  int version = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + digits, version);
  if (error != std::errc() || end != name.data() + digits) return bad("has a version number too large to use");
  if (version == 0) return bad("has version 0; versions start at 1");

  Migration migration;
  migration.version = version;
  migration.name = std::string(name);
  migration.sql = std::string(resource.text);
  CAIRN_ASSIGN_OR_RETURN(migration.checksum, Sha256Hex(resource.text));
  return migration;
}

Status CheckInputOrder(const std::vector<Migration>& migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version < 1 || (i > 0 && migrations[i].version <= migrations[i - 1].version)) {
      return Status::InvalidArgument("migrations must be given in rising version order from 1, but " +
                                     migrations[i].name + " is out of place");
    }
  }
  return Status::Ok();
}

const Migration* FindVersion(const std::vector<Migration>& migrations, int64_t version) {
  const auto it = std::lower_bound(migrations.begin(), migrations.end(), version,
                                   [](const Migration& m, int64_t v) { return m.version < v; });
  return it != migrations.end() && it->version == version ? &*it : nullptr;
}

// Whether a recorded migration is one this binary holds, unchanged.
Status CheckRecorded(const std::vector<Migration>& migrations, int64_t version, std::string_view recorded_name,
                     std::string_view recorded_checksum) {
  const Migration* migration = FindVersion(migrations, version);
  if (migration == nullptr) {
    const int newest = migrations.empty() ? 0 : migrations.back().version;
    if (version > newest) {
      return Status::FailedPrecondition("this database was migrated by a newer Cairn (version " +
                                        std::to_string(version) + ", " + std::string(recorded_name) +
                                        "); use that Cairn or a later one");
    }
    return Status::FailedPrecondition("this database records migration " + std::string(recorded_name) +
                                      ", which this Cairn does not have; it was built by a different Cairn. "
                                      "Use that Cairn or rebuild the database");
  }
  if (recorded_checksum != migration->checksum) {
    return Status::DataLoss("migration " + migration->name +
                            " was changed after it was applied to this database (recorded checksum " +
                            Abbreviated(recorded_checksum) + ", this Cairn has " + Abbreviated(migration->checksum) +
                            "); restore the original file or rebuild the database");
  }
  return Status::Ok();
}

// Checks every recorded migration and sorts `migrations` into already applied and pending.
Result<MigrationReport> Inspect(Connection& connection, const std::vector<Migration>& migrations) {
  CAIRN_RETURN_IF_ERROR(CheckInputOrder(migrations));
  MigrationReport report;
  std::set<int64_t> recorded;
  CAIRN_ASSIGN_OR_RETURN(bool has_table, connection.TableExists("schema_migrations"));
  if (has_table) {
    CAIRN_ASSIGN_OR_RETURN(auto rows,
                           connection.Prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version"));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool has_row, rows->Step());
      if (!has_row) break;
      const int64_t version = rows->ColumnInt(0);
      CAIRN_RETURN_IF_ERROR(CheckRecorded(migrations, version, rows->ColumnText(1), rows->ColumnText(2)));
      recorded.insert(version);
    }
  }
  for (const Migration& migration : migrations) {
    if (recorded.count(migration.version) != 0) {
      report.already_applied.push_back(migration.name);
      report.schema_version = migration.version;
    } else {
      report.pending.push_back(migration.name);
    }
  }
  return report;
}

// Applies one migration unless, between the check and now, another process already did.
// Returns whether this call applied it.
Result<bool> ApplyOne(Connection& connection, const Migration& migration) {
  CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection));
  CAIRN_RETURN_IF_ERROR(HoldMigrationLock(connection));
  CAIRN_ASSIGN_OR_RETURN(auto existing,
                         connection.Prepare("SELECT name, checksum FROM schema_migrations WHERE version = $1"));
  CAIRN_RETURN_IF_ERROR(existing->Bind(1, migration.version));
  CAIRN_ASSIGN_OR_RETURN(bool recorded, existing->Step());
  if (recorded) {
    CAIRN_RETURN_IF_ERROR(CheckRecorded({migration}, migration.version, existing->ColumnText(0),
                                        existing->ColumnText(1)));
    return false;
  }
  CAIRN_RETURN_IF_ERROR(existing->Reset());
  CAIRN_RETURN_IF_ERROR(connection.ExecuteScript(migration.sql));
  CAIRN_RETURN_IF_ERROR(connection.Execute(
      "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
      {int64_t{migration.version}, migration.name, migration.checksum, UtcNowIso8601()}));
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return true;
}

}  // namespace

Result<std::vector<Migration>> LoadMigrations(const std::vector<embedded::Resource>& resources) {
  constexpr std::string_view kPostgresFolder = "postgresql/";
  std::vector<Migration> migrations;
  std::vector<embedded::Resource> postgres_versions;
  migrations.reserve(resources.size());
  for (const embedded::Resource& resource : resources) {
    if (resource.path.substr(0, kPostgresFolder.size()) == kPostgresFolder) {
      postgres_versions.push_back(resource);
      continue;
    }
    CAIRN_ASSIGN_OR_RETURN(Migration migration, ParseMigration(resource));
    migrations.push_back(std::move(migration));
  }
  std::stable_sort(migrations.begin(), migrations.end(),
                   [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      return Status::InvalidArgument("migration files " + migrations[i - 1].name + " and " + migrations[i].name +
                                     " both have version " + std::to_string(migrations[i].version) +
                                     "; give each migration its own number");
    }
  }
  for (Migration& migration : migrations) {
    migration.postgresql_sql = postgres::AdaptSchema(migration.sql);
  }
  for (const embedded::Resource& resource : postgres_versions) {
    const std::string_view name = resource.path.substr(kPostgresFolder.size());
    auto same = std::find_if(migrations.begin(), migrations.end(),
                             [&](const Migration& migration) { return migration.name == name; });
    if (same == migrations.end()) {
      return Status::InvalidArgument("migration file " + std::string(resource.path) +
                                     " has no migration of the same name beside it to stand in for on PostgreSQL");
    }
    same->postgresql_sql = std::string(resource.text);
  }
  for (Migration& migration : migrations) {
    CAIRN_ASSIGN_OR_RETURN(migration.postgresql_checksum, Sha256Hex(migration.postgresql_sql));
  }
  return migrations;
}

Result<std::vector<Migration>> BuiltInMigrations() { return LoadMigrations(embedded::Migrations()); }

Result<MigrationReport> Migrate(Connection& connection, const std::vector<Migration>& given) {
  const std::vector<Migration> migrations = ForBackend(connection, given);
  CAIRN_RETURN_IF_ERROR(CheckInputOrder(migrations));
  {
    CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection));
    CAIRN_RETURN_IF_ERROR(HoldMigrationLock(connection));
    CAIRN_RETURN_IF_ERROR(connection.ExecuteScript(kCreateSchemaMigrations)
                              .WithContext("preparing the database for migrations"));
    CAIRN_RETURN_IF_ERROR(transaction.Commit());
  }
  CAIRN_ASSIGN_OR_RETURN(MigrationReport report, Inspect(connection, migrations));
  const std::vector<std::string> pending = std::move(report.pending);
  report.pending.clear();
  size_t next_pending = 0;
  for (const Migration& migration : migrations) {
    if (next_pending == pending.size()) break;
    if (migration.name != pending[next_pending]) continue;
    ++next_pending;
    Result<bool> applied_now = ApplyOne(connection, migration);
    if (!applied_now.ok()) return applied_now.status().WithContext("applying migration " + migration.name);
    (*applied_now ? report.applied : report.already_applied).push_back(migration.name);
    report.schema_version = std::max(report.schema_version, migration.version);
  }
  // A database that had children before it had chronology images (migration 0011) gets them now,
  // so that its next load need not read every event row.
  if (!report.applied.empty()) {
    CAIRN_ASSIGN_OR_RETURN(bool has_images, connection.TableExists("chronology_image"));
    if (has_images) {
      CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection));
      CAIRN_RETURN_IF_ERROR(
          WriteMissingChronologyImages(connection).status().WithContext("making the chronology images"));
      CAIRN_RETURN_IF_ERROR(transaction.Commit());
    }
  }
  return report;
}

Result<MigrationReport> CheckMigrations(Connection& connection, const std::vector<Migration>& migrations) {
  return Inspect(connection, ForBackend(connection, migrations));
}

}  // namespace cairn::store
