// What the benchmarks share: a database file in the temporary folder, named for the benchmark
// and this process, removed (with its -wal and -shm files) when it goes, even when a benchmark
// stops early.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "base/status.h"
#include "store/database.h"
#include "store/migrations.h"

namespace cairn::bench {

// The PostgreSQL database the side-by-side benchmarks use (scripts/bench-backends starts a
// throwaway cluster and names it here), or "" when none was given.
inline std::string BenchPostgresUrl() {
  const char* url = std::getenv("CAIRN_BENCH_POSTGRES");
  return url == nullptr ? std::string() : std::string(url);
}

class TempDatabase {
 public:
  enum class Schema { kEmpty, kMigrated };
  enum class Backend { kSqlite, kPostgres };

  // On PostgreSQL, a schema of its own in the CAIRN_BENCH_POSTGRES database, dropped at the end.
  TempDatabase(std::string_view name, Schema schema, Backend backend = Backend::kSqlite)
      : path_((std::filesystem::temp_directory_path() /
               ("cairn_bench_" + std::string(name) + "_" + std::to_string(::getpid()) + ".db"))
                  .string()),
        schema_(schema),
        backend_(backend),
        schema_name_("bench_" + std::string(name) + "_" + std::to_string(::getpid())) {}
  ~TempDatabase() {
    db_.reset();
    Remove();
  }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  // Removes any earlier database and opens a fresh one (migrated, when asked for).
  Status Reset() {
    db_.reset();
    Remove();
    if (backend_ == Backend::kPostgres) {
      const std::string base = BenchPostgresUrl();
      if (base.empty()) return Status::FailedPrecondition("CAIRN_BENCH_POSTGRES names no database (scripts/bench-backends)");
      CAIRN_ASSIGN_OR_RETURN(auto admin, store::Connection::Open(base));
      CAIRN_RETURN_IF_ERROR(admin->ExecuteScript("CREATE SCHEMA " + schema_name_));
    }
    CAIRN_ASSIGN_OR_RETURN(db_, store::Connection::Open(target()));
    if (schema_ == Schema::kMigrated) {
      CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
      CAIRN_RETURN_IF_ERROR(store::Migrate(*db_, migrations).status());
    }
    return Status::Ok();
  }

  store::Connection& db() { return *db_; }
  const std::string& path() const { return path_; }
  // What Connection::Open and --db take.
  std::string target() const {
    if (backend_ == Backend::kSqlite) return path_;
    const std::string base = BenchPostgresUrl();
    return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_name_;
  }

 private:
  void Remove() {
    if (backend_ == Backend::kPostgres) {
      if (BenchPostgresUrl().empty()) return;
      auto admin = store::Connection::Open(BenchPostgresUrl());
      if (admin.ok()) (void)(*admin)->ExecuteScript("DROP SCHEMA IF EXISTS " + schema_name_ + " CASCADE");
      return;
    }
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ignored);
  }

  std::string path_;
  Schema schema_;
  Backend backend_;
  std::string schema_name_;
  std::unique_ptr<store::Connection> db_;
};

}  // namespace cairn::bench
