// For tests: a database file of their own in the temporary folder, migrated to this Cairn's
// schema, removed (with its write-ahead log) when the object goes. Test code only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/database.h"
#include "store/migrations.h"

namespace cairn::store {

class TestDatabase {
 public:
  // Named after the running test and this process (CTest runs tests in parallel, one process each).
  explicit TestDatabase(std::string_view prefix)
      : path_(std::filesystem::temp_directory_path() /
              (std::string(prefix) + ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
               std::to_string(::getpid()) + ".db")) {
    Remove();
  }
  ~TestDatabase() { Remove(); }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // A new connection to the database, created and migrated on first use.
  std::unique_ptr<Connection> Open() const {
    auto opened = Connection::Open(path_.string());
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    if (!opened.ok()) return nullptr;
    auto migrations = BuiltInMigrations();
    EXPECT_TRUE(migrations.ok());
    if (migrations.ok()) {
      EXPECT_TRUE(Migrate(**opened, *migrations).ok());
    }
    return std::move(opened).value();
  }

  // Deletes the files (close every connection first), for a test that starts again from nothing.
  void Remove() const {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace cairn::store
