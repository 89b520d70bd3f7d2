// What the benchmarks share: a database file in the temporary folder, named for the benchmark
// and this process, removed (with its -wal and -shm files) when it goes, even when a benchmark
// stops early.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "base/status.h"
#include "store/database.h"
#include "store/migrations.h"

namespace cairn::bench {

class TempDatabase {
 public:
  enum class Schema { kEmpty, kMigrated };

  TempDatabase(std::string_view name, Schema schema)
      : path_((std::filesystem::temp_directory_path() /
               ("cairn_bench_" + std::string(name) + "_" + std::to_string(::getpid()) + ".db"))
                  .string()),
        schema_(schema) {}
  ~TempDatabase() {
    db_.reset();
    Remove();
  }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  // Removes any earlier file and opens a fresh one (migrated, when asked for).
  Status Reset() {
    db_.reset();
    Remove();
    CAIRN_ASSIGN_OR_RETURN(db_, store::Connection::Open(path_));
    if (schema_ == Schema::kMigrated) {
      CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
      CAIRN_RETURN_IF_ERROR(store::Migrate(*db_, migrations).status());
    }
    return Status::Ok();
  }

  store::Connection& db() { return *db_; }
  const std::string& path() const { return path_; }

 private:
  void Remove() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ignored);
  }

  std::string path_;
  Schema schema_;
  std::unique_ptr<store::Connection> db_;
};

}  // namespace cairn::bench
