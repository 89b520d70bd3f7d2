// The same council on SQLite and on PostgreSQL gives the same answers: every command that reads
// the record prints the same lines (with the database's name taken out), the returns it writes
// are the same bytes, and a return read back in lands the same on both.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "store/test_database.h"

namespace cairn::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::FreshTestFolder;
using testing::Outcome;
using testing::RunCairn;

const Date kToday = Date::FromYmdOrDie(2026, 4, 20);

// What a command printed, with the database's own name put as DB so that both backends compare.
std::string Printed(const Outcome& outcome, const std::string& target) {
  std::string text = outcome.out + "\n--- stderr ---\n" + outcome.err;
  for (size_t at = text.find(target); at != std::string::npos; at = text.find(target, at)) {
    text.replace(at, target.size(), "DB");
  }
  return text;
}

std::string FileText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every file in `folder`, by name, with its text.
std::vector<std::pair<std::string, std::string>> Files(const std::filesystem::path& folder) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    files.emplace_back(entry.path().filename().string(), FileText(entry.path()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(BothBackendsCli, TheSameCouncilGivesTheSameAnswersAndReturnsOnBothBackends) {
  const store::TestDatabase sqlite("cairn_cli_both_", store::Backend::kSqlite);
  const store::TestDatabase postgres("cairn_cli_both_", store::Backend::kPostgres);
  const std::filesystem::path folder = FreshTestFolder("cairn_cli_both_");
  const std::vector<std::string> targets = {sqlite.target(), postgres.target()};
  ASSERT_FALSE(postgres.target().empty());

  for (const std::string& db : targets) {
    const Outcome made = RunCairn({"simulate", "--db", db, "--population", "2500", "--years", "2", "--seed", "3",
                                   "--profile", "struggling", "--as-at", "2026-03-31"},
                                  kToday);
    ASSERT_EQ(made.code, 0) << db << "\n" << made.err;
  }

  const std::vector<std::vector<std::string>> reads = {
      {"status"},
      {"due", "--as-at", "2026-03-31"},
      {"drift", "--as-at", "2026-03-31"},
      {"indicators", "--year", "2026"},
      {"audit", "verify"},
  };
  for (const std::vector<std::string>& read : reads) {
    std::vector<std::string> printed;
    for (const std::string& db : targets) {
      std::vector<std::string> args = read;
      args.insert(args.begin() + 1, {"--db", db});
      if (read[0] == "audit") args = {"audit", "verify", "--db", db};
      const Outcome outcome = RunCairn(args, kToday);
      EXPECT_EQ(outcome.code, 0) << read[0] << " on " << db << "\n" << outcome.err;
      printed.push_back(Printed(outcome, db));
    }
    std::string sqlite_text = printed[0];
    // status names the backend; everything else must match.
    if (read[0] == "status") {
      const size_t at = sqlite_text.find("sqlite)");
      ASSERT_NE(at, std::string::npos);
      sqlite_text.replace(at, 6, "postgresql");
    }
    EXPECT_EQ(sqlite_text, printed[1]) << "cairn " << read[0] << " differs between SQLite and PostgreSQL";
    EXPECT_GT(printed[1].size(), read[0] == "audit" ? 40u : 400u) << read[0] << " printed almost nothing";
  }

  // The returns written from each are the same bytes.
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::filesystem::path out = folder / ("ssda903-" + std::to_string(i));
    const Outcome exported = RunCairn({"export", "ssda903", "--db", targets[i], "--year", "2026", "--out", out.string()},
                                      kToday);
    ASSERT_EQ(exported.code, 0) << exported.err;
    const Outcome census = RunCairn({"export", "cin", "--db", targets[i], "--year", "2026", "--lea", "343", "--out",
                                     (folder / ("cin-" + std::to_string(i) + ".xml")).string()},
                                    kToday);
    ASSERT_EQ(census.code, 0) << census.err;
  }
  const auto sqlite_files = Files(folder / "ssda903-0");
  ASSERT_FALSE(sqlite_files.empty());
  EXPECT_EQ(sqlite_files, Files(folder / "ssda903-1"));
  const std::string sqlite_census = FileText(folder / "cin-0.xml");
  EXPECT_GT(sqlite_census.size(), 1000u);
  EXPECT_EQ(sqlite_census, FileText(folder / "cin-1.xml"));

  // Read back into a fresh database of each kind: the same children, the same deadlines.
  const store::TestDatabase sqlite_again("cairn_cli_again_", store::Backend::kSqlite);
  const store::TestDatabase postgres_again("cairn_cli_again_", store::Backend::kPostgres);
  std::vector<std::string> due;
  for (const std::string& db : {sqlite_again.target(), postgres_again.target()}) {
    std::vector<std::string> args = {"import", "--db", db, "--year", "2026"};
    for (const auto& [name, text] : sqlite_files) {
      if (name.ends_with(".csv")) args.push_back((folder / "ssda903-0" / name).string());
    }
    args.push_back((folder / "cin-0.xml").string());
    const Outcome imported = RunCairn(args, kToday);
    ASSERT_EQ(imported.code, 0) << db << "\n" << imported.err;
    due.push_back(Printed(RunCairn({"due", "--db", db, "--as-at", "2026-03-31"}, kToday), db));
  }
  EXPECT_EQ(due[0], due[1]);
  EXPECT_THAT(due[1], HasSubstr("overdue"));
}

TEST(BothBackendsCli, APasswordInAPostgresUrlIsRefusedBeforeAnythingRuns) {
  for (const std::string& url : {std::string("postgresql://cairn:s3cret@/cairn?host=/nonexistent"),
                                 std::string("postgresql:///cairn?host=/nonexistent&password=s3cret")}) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"status", "--db", url}, std::vector<std::string>{"init", "--db=" + url}}) {
      const Outcome outcome = RunCairn(args, kToday);
      EXPECT_EQ(outcome.code, 2) << url;
      EXPECT_THAT(outcome.err, HasSubstr("PGPASSWORD"));
      EXPECT_THAT(outcome.err + outcome.out, Not(HasSubstr("s3cret")));
    }
  }
}

}  // namespace
}  // namespace cairn::cli
