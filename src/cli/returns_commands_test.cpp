// `cairn import` and `cairn export` end to end: what reaches the disk and the database when
// something goes wrong part way.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "store/chronology_store.h"
#include "store/database.h"

namespace cairn::cli {
namespace {

using testing::Outcome;
namespace fs = std::filesystem;

const fs::path kReference = CAIRN_REFERENCE_DIR;

Outcome RunCairn(std::vector<std::string> args) {
  return testing::RunCairn(std::move(args), Date::FromYmdOrDie(2025, 3, 31));
}

class ReturnsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_returns_cli_test_");
    db_ = (dir_ / "cairn.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  int64_t Count(const std::string& db, const std::string& sql) {
    auto connection = store::Connection::OpenExisting(db);
    if (!connection.ok()) return -1;
    auto stmt = (*connection)->Prepare(sql);
    if (!stmt.ok() || !*(*stmt)->Step()) return -1;
    return (*stmt)->ColumnInt(0);
  }

  // A small council of one child in care, held in db_.
  void SaveOneChild() {
    ASSERT_EQ(RunCairn({"init", "--db", db_}).code, 0);
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    model::Chronology chronology(model::Child{.la_child_id = "C42", .birth_date = Date::FromYmdOrDie(2012, 5, 1)});
    chronology.Add(testing::MakeEvent(model::EventKind::kCinEpisode, Date::FromYmdOrDie(2024, 6, 3), std::nullopt, -1,
                                      {{"ReferralSource", "3A"}, {"PrimaryNeedCode", "N1"}}));
    auto saved = store::SaveChronologies(**db, std::vector<model::Chronology>{chronology}, {"test", "setup"});
    ASSERT_TRUE(saved.ok()) << saved.status().message();
  }

  // Makes every later audit row fail, as a locked or full database would.
  void RefuseAuditRows() {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->ExecuteScript("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
                                     "BEGIN SELECT RAISE(ABORT, 'database is locked'); END;")
                    .ok());
  }

  fs::path dir_;
  std::string db_;
};

// Issue 14, defect 1: no audited data leaves Cairn unrecorded.
TEST_F(ReturnsCli, AnExportWhoseAuditRowFailsLeavesNoFile) {
  SaveOneChild();
  RefuseAuditRows();
  const fs::path cin = dir_ / "cin.xml";
  const Outcome cin_export = RunCairn({"export", "cin", "--db", db_, "--year", "2025", "--lea", "343", "--out", cin});
  EXPECT_EQ(cin_export.code, 1);
  EXPECT_FALSE(fs::exists(cin));
  const fs::path folder = dir_ / "903";
  const Outcome ssda903_export = RunCairn({"export", "ssda903", "--db", db_, "--year", "2025", "--out", folder});
  EXPECT_EQ(ssda903_export.code, 1);
  EXPECT_FALSE(fs::exists(folder / "header.csv"));
  EXPECT_FALSE(fs::exists(folder / "episodes.csv"));
  for (const fs::path& where : {dir_, folder}) {
    if (!fs::exists(where)) continue;
    for (const auto& entry : fs::directory_iterator(where)) {
      EXPECT_EQ(entry.path().filename().string().find("cairn-"), std::string::npos) << "a temporary file is left: "
                                                                                   << entry.path();
    }
  }
}

TEST_F(ReturnsCli, AnExportIsAuditedAndItsFileIsPrivate) {
  SaveOneChild();
  const fs::path cin = dir_ / "cin.xml";
  const Outcome exported = RunCairn({"export", "cin", "--db", db_, "--year", "2025", "--lea", "343", "--out", cin});
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM audit_log WHERE action = 'export'"), 1);
  struct stat info {};
  ASSERT_EQ(::stat(cin.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

// Issue 14, defect 7: exit 1 means nothing was saved.
TEST_F(ReturnsCli, AnUnwritableFindingsPathRefusesTheImportBeforeAnythingIsSaved) {
  const std::vector<std::string> files = {(kReference / "ssda903" / "header.csv").string(),
                                          (kReference / "ssda903" / "episodes.csv").string()};
  std::vector<std::string> args = {"import", "--db", db_, "--findings", (dir_ / "no-such-folder" / "f.csv").string()};
  args.insert(args.end(), files.begin(), files.end());
  const Outcome refused = RunCairn(args);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("no-such-folder"), std::string::npos) << refused.err;
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM child"), 0);

  // A folder given as the findings file, likewise.
  args[4] = dir_.string();
  EXPECT_EQ(RunCairn(args).code, 1);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM child"), 0);

  args[4] = (dir_ / "findings.csv").string();
  const Outcome saved = RunCairn(args);
  ASSERT_EQ(saved.code, 0) << saved.err;
  EXPECT_GT(Count(db_, "SELECT COUNT(*) FROM child"), 0);
  struct stat info {};
  ASSERT_EQ(::stat(args[4].c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(ReturnsCli, AnUnwritableRejectsPathRefusesTheImportBeforeAnythingIsSaved) {
  const fs::path header = dir_ / "header.csv";
  std::ofstream(header) << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                           "1,1,01/01/2010,WBRI,A123456789012,,\n"
                           "2,1,not a date,WBRI,A123456789013,,\n";
  const Outcome refused = RunCairn({"import", "--db", db_, "--skip-invalid", "--rejects",
                                    (dir_ / "missing" / "r.csv").string(), header.string(), "--year", "2025"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM child"), 0);
}

}  // namespace
}  // namespace cairn::cli
