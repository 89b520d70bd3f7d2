// The built `cairn` binary under the two things a council's server does to it that no unit test
// can: a process killed at any moment (kill -9, a power cut as far as SQLite can tell), and
// several commands started at once on one new database. Each runs the real binary (fork/exec
// CAIRN_BINARY), so what is tested is what councils run. CTest runs them on SQLite files and
// again on PostgreSQL (a new database there is an empty schema).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_test_support.h"
#include "store/database.h"

namespace cairn::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Starts `cairn args...` with its output in `log` (thrown away by default); returns its process id.
pid_t Start(const std::vector<std::string>& args, const std::string& log = "/dev/null") {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  std::vector<char*> argv;
  static const std::string binary = CAIRN_BINARY;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // Quiet: progress lines from a dozen processes would bury the test's own output.
  if (FILE* sink = std::fopen(log.c_str(), "w")) {
    ::dup2(::fileno(sink), 1);
    ::dup2(::fileno(sink), 2);
  }
  ::execv(binary.c_str(), argv.data());
  ::_exit(127);
}

std::string ReadLog(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Waits for `pid`; its exit code, or 128 + signal.
int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct Whole {
  std::string integrity;  // SQLite's integrity_check ("ok"); on PostgreSQL, the server keeps its own
  std::string audit;      // "intact", or what `cairn audit verify` said
  int64_t children = 0;   // 0 also when the table is not there yet
  int64_t events = 0;
  int64_t reports = 0;
};

Whole Inspect(const std::string& target) {
  Whole whole;
  whole.audit = "intact";
  auto db = store::Connection::OpenExisting(target);
  if (!db.ok()) {
    whole.integrity = db.status().code() == Status::Code::kNotFound ? "ok" : db.status().message();
    return whole;
  }
  whole.integrity = "ok";
  if ((*db)->backend_name() == "sqlite") {
    auto check = (*db)->Prepare("PRAGMA integrity_check");
    whole.integrity = check.ok() && *(*check)->Step() ? std::string((*check)->ColumnText(0)) : "not checked";
  }
  auto has_child = (*db)->TableExists("child");
  if (!has_child.ok() || !*has_child) return whole;
  auto count = [&](const char* sql) -> int64_t {
    auto stmt = (*db)->Prepare(sql);
    return stmt.ok() && *(*stmt)->Step() ? (*stmt)->ColumnInt(0) : -1;
  };
  whole.children = count("SELECT COUNT(*) FROM child");
  whole.events = count("SELECT COUNT(*) FROM event");
  whole.reports = count("SELECT COUNT(*) FROM event_report");
  // Whatever was cut short, the audit trail's chain still holds from its first row to its last,
  // once `cairn migrate` has finished any migration the kill stopped.
  const Date today = Date::FromYmdOrDie(2025, 3, 31);
  const testing::Outcome migrated = testing::RunCairn({"migrate", "--db", target}, today);
  if (migrated.code != 0) whole.audit = migrated.out + migrated.err;
  const testing::Outcome verified = testing::RunCairn({"audit", "verify", "--db", target}, today);
  if (verified.code != 0) whole.audit = verified.out + verified.err;
  return whole;
}

class CairnBinary : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_binary_test_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    // Two years of a simulated council's CIN census, to import.
    const std::string council = (dir_ / "council.db").string();
    const auto today = Date::FromYmdOrDie(2025, 3, 31);
    ASSERT_EQ(testing::RunCairn({"simulate", "--db", council, "--population", "20000", "--years", "2", "--seed", "5",
                                 "--as-at", "2025-03-31"},
                                today)
                  .code,
              0);
    for (const char* year : {"2024", "2025"}) {
      files_.push_back((dir_ / (std::string("cin-") + year + ".xml")).string());
      ASSERT_EQ(
          testing::RunCairn({"export", "cin", "--db", council, "--year", year, "--lea", "343", "--out", files_.back()},
                            today)
              .code,
          0);
    }
  }
  void TearDown() override {
    databases_.reset();
    fs::remove_all(dir_);
  }

  // Kills `args` at random moments within the time a whole run takes; every time the database
  // passes SQLite's integrity check, its audit chain holds and it has the whole result or nothing
  // of it.
  void KillAtRandomMoments(const std::string& db, const std::vector<std::string>& args, int times,
                           std::mt19937& random);

  fs::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
  std::vector<std::string> files_;
};

void CairnBinary::KillAtRandomMoments(const std::string& db, const std::vector<std::string>& args, int times,
                                      std::mt19937& random) {
  databases_->Remove(db);
  const auto started = Clock::now();
  ASSERT_EQ(Wait(Start(args)), 0) << "a run that is not killed succeeds";
  const auto whole_run = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  const Whole full = Inspect(db);
  ASSERT_EQ(full.integrity, "ok");
  ASSERT_EQ(full.audit, "intact");
  ASSERT_GT(full.children, 0);
  for (int i = 0; i < times; ++i) {
    databases_->Remove(db);
    std::uniform_int_distribution<int64_t> moment(0, whole_run.count());
    const auto at = std::chrono::microseconds(moment(random));
    const pid_t pid = Start(args);
    std::this_thread::sleep_for(at);
    ::kill(pid, SIGKILL);
    const int code = Wait(pid);
    const Whole after = Inspect(db);
    SCOPED_TRACE("killed after " + std::to_string(at.count()) + " us (exit " + std::to_string(code) + ")");
    EXPECT_EQ(after.integrity, "ok");
    EXPECT_EQ(after.audit, "intact");
    const bool whole = after.children == full.children && after.events == full.events && after.reports == full.reports;
    const bool absent = after.children == 0 && after.events == 0 && after.reports == 0;
    EXPECT_TRUE(whole || absent) << after.children << " children, " << after.events << " events, " << after.reports
                                 << " reports; whole is " << full.children << ", " << full.events << ", "
                                 << full.reports;
  }
}

TEST_F(CairnBinary, AnImportOrSimulationKilledAtAnyMomentLeavesTheDatabaseWholeOrUntouched) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("random seed " + std::to_string(seed));
  std::mt19937 random(seed);
  const std::string imported = databases_->Target("imported.db");
  KillAtRandomMoments(imported, {"import", "--db", imported, files_[0], files_[1]}, 6, random);
  const std::string simulated = databases_->Target("simulated.db");
  KillAtRandomMoments(simulated,
                      {"simulate", "--db", simulated, "--population", "15000", "--years", "2", "--seed", "7",
                       "--as-at", "2025-03-31"},
                      5, random);
}

// Several imports and an init started at once on a database that does not exist yet: every one
// succeeds (each waits its turn), and the totals are those of the same imports run one by one.
TEST_F(CairnBinary, ImportsAndInitStartedAtOnceOnANewDatabaseAllSucceed) {
  const std::string sequential = databases_->Target("sequential.db");
  for (const std::string& file : files_) ASSERT_EQ(Wait(Start({"import", "--db", sequential, file})), 0);
  ASSERT_EQ(Wait(Start({"import", "--db", sequential, files_[0], files_[1]})), 0);
  const Whole expected = Inspect(sequential);

  const std::string together = databases_->Target("together.db");
  for (int round = 0; round < 3; ++round) {
    databases_->Remove(together);
    const std::vector<std::vector<std::string>> commands = {{"import", "--db", together, files_[0]},
                                                            {"init", "--db", together},
                                                            {"import", "--db", together, files_[1]},
                                                            {"import", "--db", together, files_[0], files_[1]}};
    std::vector<pid_t> started;
    std::vector<std::string> logs;
    for (const auto& command : commands) {
      logs.push_back((dir_ / ("command-" + std::to_string(logs.size()) + ".log")).string());
      started.push_back(Start(command, logs.back()));
    }
    for (size_t i = 0; i < started.size(); ++i) {
      EXPECT_EQ(Wait(started[i]), 0) << "round " << round << ", cairn " << commands[i][0] << " said:\n"
                                     << ReadLog(logs[i]);
    }
    const Whole got = Inspect(together);
    EXPECT_EQ(got.integrity, "ok");
    EXPECT_EQ(got.audit, "intact");
    EXPECT_EQ(got.children, expected.children) << "round " << round;
    EXPECT_EQ(got.events, expected.events) << "round " << round;
    EXPECT_EQ(got.reports, expected.reports) << "round " << round;
  }
}

// A simulation and an import started at once on a new database: one of them wins, whole, and
// the other is refused (a simulated council is never mixed with real records, nor real records
// with a simulation), whichever commits first.
TEST_F(CairnBinary, ASimulationAndAnImportStartedAtOnceNeverMix) {
  const std::vector<std::string> simulate_args = {"simulate", "--population", "8000", "--years", "2",
                                                  "--seed", "7", "--as-at", "2025-03-31"};
  auto with_db = [](std::vector<std::string> args, const std::string& db) {
    args.insert(args.begin() + 1, {"--db", db});
    return args;
  };
  const std::string simulated_alone = databases_->Target("simulated-alone.db");
  ASSERT_EQ(Wait(Start(with_db(simulate_args, simulated_alone))), 0);
  const Whole simulation = Inspect(simulated_alone);
  const std::string imported_alone = databases_->Target("imported-alone.db");
  ASSERT_EQ(Wait(Start({"import", "--db", imported_alone, files_[0], files_[1]})), 0);
  const Whole import = Inspect(imported_alone);
  ASSERT_NE(simulation.children, import.children) << "the two results must be told apart";

  const std::string together = databases_->Target("together.db");
  for (int round = 0; round < 4; ++round) {
    databases_->Remove(together);
    const std::string simulate_log = (dir_ / "simulate.log").string();
    const std::string import_log = (dir_ / "import.log").string();
    // Alternately first, so that each has the chance to commit before the other.
    pid_t simulating = 0, importing = 0;
    if (round % 2 == 0) {
      simulating = Start(with_db(simulate_args, together), simulate_log);
      importing = Start({"import", "--db", together, files_[0], files_[1]}, import_log);
    } else {
      importing = Start({"import", "--db", together, files_[0], files_[1]}, import_log);
      simulating = Start(with_db(simulate_args, together), simulate_log);
    }
    const int simulated = Wait(simulating);
    const int imported = Wait(importing);
    SCOPED_TRACE("round " + std::to_string(round) + "; simulate said: " + ReadLog(simulate_log) +
                 "; import said: " + ReadLog(import_log));
    EXPECT_TRUE((simulated == 0) != (imported == 0)) << "exit codes " << simulated << " and " << imported;
    const Whole got = Inspect(together);
    EXPECT_EQ(got.audit, "intact");
    const Whole& winner = simulated == 0 ? simulation : import;
    EXPECT_EQ(got.children, winner.children);
    EXPECT_EQ(got.events, winner.events);
  }
}

}  // namespace
}  // namespace cairn::cli
