// For tests: a database of their own, migrated to this Cairn's schema and removed when the object
// goes. On SQLite, a file in the temporary folder (with its write-ahead log); on PostgreSQL, a
// schema of its own in the test cluster CTest starts (scripts/postgres-cluster), named to the
// cluster by the CAIRN_TEST_POSTGRES variable. Test code only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "store/database.h"
#include "store/migrations.h"

namespace cairn::store {

enum class Backend { kSqlite, kPostgres };

inline std::string BackendName(Backend backend) { return backend == Backend::kSqlite ? "sqlite" : "postgresql"; }

// Names a parameterised test's instance after its backend: Suite/Test/sqlite, .../postgresql.
inline std::string BackendTestName(const ::testing::TestParamInfo<Backend>& instance) {
  return BackendName(instance.param);
}

// The backend a whole run asks for: PostgreSQL when CAIRN_TEST_BACKEND=postgresql (CTest runs the
// command-line, web and account suites a second time so, as "postgresql:Suite.Test"), else SQLite.
inline Backend BackendOfThisRun() {
  const char* backend = std::getenv("CAIRN_TEST_BACKEND");
  return backend != nullptr && std::string_view(backend) == "postgresql" ? Backend::kPostgres : Backend::kSqlite;
}

// The test cluster's URL, or "" after a test failure that says how to get one.
inline std::string TestPostgresUrl() {
  const char* url = std::getenv("CAIRN_TEST_POSTGRES");
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << "CAIRN_TEST_POSTGRES is not set: run the tests through ctest, which starts a throwaway "
                     "PostgreSQL cluster (scripts/postgres-cluster) and names it there";
    return "";
  }
  return url;
}

// A schema of this test's own in the test cluster, dropped with everything in it at the end.
class TestPostgresDatabase {
 public:
  TestPostgresDatabase() {
    static std::atomic<int> counter{0};
    const std::string base = TestPostgresUrl();
    if (base.empty()) return;
    schema_ = "test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    Empty();
  }
  ~TestPostgresDatabase() {
    if (schema_.empty()) return;
    auto admin = Connection::Open(TestPostgresUrl());
    if (admin.ok()) (void)(*admin)->ExecuteScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  TestPostgresDatabase(const TestPostgresDatabase&) = delete;
  TestPostgresDatabase& operator=(const TestPostgresDatabase&) = delete;

  // The URL of the schema (its search_path set), for Connection::Open and the --db option.
  const std::string& url() const { return url_; }

  // Drops everything in the schema: as new, like a removed SQLite file.
  void Empty() {
    if (schema_.empty()) return;
    auto admin = Connection::Open(TestPostgresUrl());
    EXPECT_TRUE(admin.ok()) << admin.status().message();
    if (!admin.ok()) return;
    const Status made = (*admin)->ExecuteScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
    EXPECT_TRUE(made.ok()) << made.message();
  }

 private:
  std::string schema_;
  std::string url_;
};

// A database of its own in the test cluster, for a region (one schema a council, so it cannot
// share the cluster's database with other tests), dropped with the object.
class TestPostgresRegion {
 public:
  TestPostgresRegion() {
    static std::atomic<int> counter{0};
    const std::string base = TestPostgresUrl();
    if (base.empty()) return;
    name_ = "region_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    // postgresql://user@host/DBNAME?query: the database's name is between the first '/' after the
    // authority and the '?'.
    const size_t path = base.find('/', base.find("://") + 3);
    const size_t query = base.find('?', path);
    url_ = base.substr(0, path + 1) + name_ + (query == std::string::npos ? "" : base.substr(query));
    auto admin = Connection::Open(base);
    EXPECT_TRUE(admin.ok()) << admin.status().message();
    if (!admin.ok()) return;
    const Status made = (*admin)->ExecuteScript("DROP DATABASE IF EXISTS " + name_ + "; CREATE DATABASE " + name_);
    EXPECT_TRUE(made.ok()) << made.message();
  }
  ~TestPostgresRegion() {
    if (name_.empty()) return;
    auto admin = Connection::Open(TestPostgresUrl());
    if (admin.ok()) (void)(*admin)->ExecuteScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  TestPostgresRegion(const TestPostgresRegion&) = delete;
  TestPostgresRegion& operator=(const TestPostgresRegion&) = delete;

  // The region's URL, without a council.
  const std::string& url() const { return url_; }

 private:
  std::string name_;
  std::string url_;
};

class TestDatabase {
 public:
  // The running test's name as a file name: a parameterised test's "Name/sqlite" has a '/'.
  static std::string FileNameOfThisTest() {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    return name;
  }

  // Named after the running test and this process (CTest runs tests in parallel, one process each).
  explicit TestDatabase(std::string_view prefix)
      : path_(std::filesystem::temp_directory_path() / (std::string(prefix) + FileNameOfThisTest() + "_" +
                                                        std::to_string(::getpid()) + ".db")) {
    Remove();
  }
  ~TestDatabase() { Remove(); }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // On PostgreSQL, a schema of its own in the test cluster instead of a file.
  TestDatabase(std::string_view prefix, Backend backend) : TestDatabase(prefix) {
    if (backend == Backend::kPostgres) postgres_ = std::make_unique<TestPostgresDatabase>();
  }

  const std::filesystem::path& path() const { return path_; }
  // What Connection::Open and --db take: the file's path or the schema's URL.
  std::string target() const { return postgres_ ? postgres_->url() : path_.string(); }

  // A new connection to the database, created and migrated on first use.
  std::unique_ptr<Connection> Open() const {
    auto opened = Connection::Open(target());
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    if (!opened.ok()) return nullptr;
    auto migrations = BuiltInMigrations();
    EXPECT_TRUE(migrations.ok());
    if (migrations.ok()) {
      auto migrated = Migrate(**opened, *migrations);
      EXPECT_TRUE(migrated.ok()) << migrated.status().message();
    }
    return std::move(opened).value();
  }

  // Deletes the files (close every connection first), for a test that starts again from nothing.
  void Remove() const {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

 private:
  std::filesystem::path path_;
  std::unique_ptr<TestPostgresDatabase> postgres_;
};

}  // namespace cairn::store

// Runs every TEST_P of a fixture parameterised by store::Backend on SQLite and on PostgreSQL.
#define CAIRN_TEST_ON_BOTH_BACKENDS(fixture)                                                             \
  INSTANTIATE_TEST_SUITE_P(Backends, fixture,                                                            \
                           ::testing::Values(::cairn::store::Backend::kSqlite, ::cairn::store::Backend::kPostgres), \
                           ::cairn::store::BackendTestName)
