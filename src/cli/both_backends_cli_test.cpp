// The same council on SQLite and on PostgreSQL gives the same answers: every command that reads
// the record prints the same lines (with the database's name taken out), the returns it writes
// are the same bytes, and a return read back in lands the same on both.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
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
using testing::RemovedAtEnd;
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
  const RemovedAtEnd remove_folder(folder);
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
         {std::vector<std::string>{"status", "--db", url}, std::vector<std::string>{"init", "--db=" + url},
          std::vector<std::string>{"copy", "--from", "/tmp/any.db", "--to", url},
          std::vector<std::string>{"copy", "--from=" + url, "--to", "/tmp/any.db"}}) {
      const Outcome outcome = RunCairn(args, kToday);
      EXPECT_EQ(outcome.code, 2) << url;
      EXPECT_THAT(outcome.err, HasSubstr("PGPASSWORD"));
      EXPECT_THAT(outcome.err + outcome.out, Not(HasSubstr("s3cret")));
    }
  }
}

}  // namespace
}  // namespace cairn::cli

namespace cairn::cli {
namespace {

// The lines of `cairn status` after its first (which names the database) with the backend's name
// taken out: the tables and their row counts.
std::string Tables(const std::string& db) {
  std::string text = RunCairn({"status", "--db", db}, kToday).out;
  text = text.substr(text.find('\n') + 1);
  for (const char* backend : {", sqlite)", ", postgresql)"}) {
    if (const size_t at = text.find(backend); at != std::string::npos) text.erase(at, std::strlen(backend) - 1);
  }
  return text;
}

TEST(CairnCopy, ACouncilGoesToPostgresAndBackWithTheSameAnswers) {
  const store::TestDatabase original("cairn_copy_original_", store::Backend::kSqlite);
  const store::TestDatabase postgres("cairn_copy_pg_", store::Backend::kPostgres);
  const store::TestDatabase back("cairn_copy_back_", store::Backend::kSqlite);
  ASSERT_EQ(RunCairn({"simulate", "--db", original.target(), "--population", "2000", "--years", "2", "--seed", "5",
                      "--as-at", "2026-03-31"},
                     kToday)
                .code,
            0);
  const Outcome there = RunCairn({"copy", "--from", original.target(), "--to", postgres.target()}, kToday);
  ASSERT_EQ(there.code, 0) << there.err;
  EXPECT_THAT(there.out, HasSubstr("every table's row count and hash match"));
  EXPECT_THAT(there.err, HasSubstr("  event: "));
  EXPECT_EQ(Tables(original.target()), Tables(postgres.target())) << "the copy carries the source's record of it";
  // PostgreSQL writes a changed row anew at the end of its table, so after this no-op change it
  // keeps the nested events before the events they sit under: the copy back must not depend on
  // the order PostgreSQL keeps rows in.
  {
    auto db = store::Connection::Open(postgres.target());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("UPDATE event SET fields = fields WHERE parent_id IS NULL").ok());
  }
  const Outcome home = RunCairn({"copy", "--from", postgres.target(), "--to", back.target()}, kToday);
  ASSERT_EQ(home.code, 0) << home.err;
  EXPECT_EQ(Tables(postgres.target()), Tables(back.target()));
  const std::string due = Printed(RunCairn({"due", "--db", original.target(), "--as-at", "2026-03-31"}, kToday),
                                  original.target());
  EXPECT_GT(due.size(), 1000u);
  for (const std::string& db : {postgres.target(), back.target()}) {
    EXPECT_EQ(Printed(RunCairn({"due", "--db", db, "--as-at", "2026-03-31"}, kToday), db), due) << db;
    const Outcome verified = RunCairn({"audit", "verify", "--db", db}, kToday);
    EXPECT_EQ(verified.code, 0) << verified.out << verified.err;
  }
  // The copy on PostgreSQL takes new records after the copied ones.
  const Outcome added = RunCairn({"user", "add", "--db", postgres.target(), "--username", "new.analyst", "--role",
                                  "analyst"},
                                 kToday);
  EXPECT_EQ(added.code, 0) << added.err;
}

TEST(CairnCopy, ATargetHoldingRecordsIsRefusedAndAFailurePartWayLeavesTheTargetEmpty) {
  const store::TestDatabase source("cairn_copy_source_", store::Backend::kSqlite);
  const store::TestDatabase target("cairn_copy_target_", store::Backend::kPostgres);
  ASSERT_EQ(RunCairn({"simulate", "--db", source.target(), "--population", "1500", "--years", "1", "--seed", "2",
                      "--as-at", "2026-03-31"},
                     kToday)
                .code,
            0);
  // A rule only the target has, broken by the source's events: the copy fails part way.
  {
    auto db = target.Open();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Execute("ALTER TABLE event ADD CONSTRAINT no_plans CHECK (kind <> 'cp-plan')").ok());
  }
  const Outcome failed = RunCairn({"copy", "--from", source.target(), "--to", target.target()}, kToday);
  EXPECT_EQ(failed.code, 1);
  EXPECT_THAT(failed.err, HasSubstr("event"));
  for (const char* table : {"child", "event", "audit_log", "app_user"}) {
    auto db = target.Open();
    ASSERT_NE(db, nullptr);
    auto count = db->Prepare(std::string("SELECT count(*) FROM ") + table);
    ASSERT_TRUE(count.ok());
    ASSERT_TRUE(*(*count)->Step());
    EXPECT_EQ((*count)->ColumnInt(0), 0) << table << ": nothing of a failed copy is kept";
  }
  // Once the target holds records, a copy into it is refused before anything is written.
  {
    auto db = target.Open();
    ASSERT_TRUE(db->Execute("ALTER TABLE event DROP CONSTRAINT no_plans").ok());
  }
  ASSERT_EQ(RunCairn({"copy", "--from", source.target(), "--to", target.target()}, kToday).code, 0);
  const std::string before = Tables(target.target());
  const Outcome again = RunCairn({"copy", "--from", source.target(), "--to", target.target()}, kToday);
  EXPECT_EQ(again.code, 1);
  EXPECT_THAT(again.err, HasSubstr("already holds records"));
  EXPECT_EQ(Tables(target.target()), before);
}

}  // namespace
}  // namespace cairn::cli
