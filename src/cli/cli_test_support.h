// What the command-line tests share: running `cairn` in-process with today fixed, a temporary
// folder per test, and small builders. Test code only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "cli/commands.h"
#include "model/chronology.h"

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

// An event recorded in Cairn (source "cairn"), with its fields.
inline model::Event MakeEvent(model::EventKind kind, Date start, std::optional<Date> end = std::nullopt,
                              int32_t parent = -1, std::vector<std::pair<std::string, std::string>> fields = {}) {
  model::Event event{.kind = kind, .start = start, .end = end, .parent = parent};
  for (auto& [name, value] : fields) event.Set(name, value);
  event.provenance.source = "cairn";
  return event;
}

}  // namespace cairn::cli::testing
