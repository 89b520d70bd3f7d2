// What the command-line tests share: running `cairn` in-process with today fixed, a temporary
// folder per test, and small builders. Test code only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "cli/commands.h"
#include "model/chronology.h"
#include "store/test_database.h"

namespace cairn::cli::testing {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

// Runs `cairn args...` as if today were `today`.
inline Outcome RunCairn(std::vector<std::string> args, Date today) {
  args.insert(args.begin(), "cairn");
  std::ostringstream out;
  std::ostringstream err;
  FixedClock clock(today);
  Environment env{out, err, clock};
  const int code = Run(args, env);
  return {code, out.str(), err.str()};
}

inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

// A fresh empty folder named after the running test and this process (CTest runs tests in
// parallel, one process each).
inline std::filesystem::path FreshTestFolder(std::string_view prefix) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (std::string(prefix) + ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
       std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Removes a test's folder (FreshTestFolder) when the test ends, passed or failed: for tests
// without a fixture whose TearDown would.
class RemovedAtEnd {
 public:
  explicit RemovedAtEnd(std::filesystem::path folder) : folder_(std::move(folder)) {}
  ~RemovedAtEnd() {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }
  RemovedAtEnd(const RemovedAtEnd&) = delete;
  RemovedAtEnd& operator=(const RemovedAtEnd&) = delete;

 private:
  std::filesystem::path folder_;
};

// The backend the command-line tests run on. CTest runs most of them twice: on SQLite files, and
// with CAIRN_TEST_BACKEND=postgresql on the throwaway cluster (src/CMakeLists.txt says which).
inline bool OnPostgres() { return store::BackendOfThisRun() == store::Backend::kPostgres; }

// New empty databases for one test: files in its folder, or on PostgreSQL a schema each in the
// test cluster, dropped when this object goes.
class TestDatabases {
 public:
  explicit TestDatabases(std::filesystem::path folder) : folder_(std::move(folder)) {}
  // What --db takes for a database named `name` ("cairn.db").
  std::string Target(std::string_view name) {
    if (!OnPostgres()) return (folder_ / name).string();
    schemas_.push_back(std::make_unique<store::TestPostgresDatabase>());
    return schemas_.back()->url();
  }

  // Makes `target` (from Target()) new again: the SQLite file and its journals removed, or the
  // schema emptied.
  void Remove(const std::string& target) {
    for (const auto& schema : schemas_) {
      if (schema->url() == target) return schema->Empty();
    }
    for (const char* suffix : {"", "-wal", "-shm", "-writer"}) std::filesystem::remove(target + suffix);
  }

 private:
  std::filesystem::path folder_;
  std::vector<std::unique_ptr<store::TestPostgresDatabase>> schemas_;
};

// An event recorded in Cairn (source "cairn"), with its fields.
inline model::Event MakeEvent(model::EventKind kind, Date start, std::optional<Date> end = std::nullopt,
                              int32_t parent = -1, std::vector<std::pair<std::string, std::string>> fields = {}) {
  model::Event event{.kind = kind, .start = start, .end = end, .parent = parent};
  for (auto& [name, value] : fields) event.Set(name, value);
  event.provenance.source = "cairn";
  return event;
}

}  // namespace cairn::cli::testing
