// `cairn import` and `cairn export` end to end: what reaches the disk and the database when
// something goes wrong part way.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "returns/csv.h"
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
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("cairn.db");
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
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
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

// Issue 14, defect 4: two consecutive CIN census years in one import are one chronology, as they
// are when imported one at a time.
TEST_F(ReturnsCli, TwoCinCensusYearsImportTogetherAsTheyDoOneAtATime) {
  const std::string council = (dir_ / "council.db").string();
  const Outcome simulated = RunCairn({"simulate", "--db", council, "--population", "4000", "--years", "3", "--seed",
                                      "3", "--as-at", "2025-03-31"});
  ASSERT_EQ(simulated.code, 0) << simulated.err;
  std::vector<std::string> files;
  for (const char* year : {"2024", "2025"}) {
    files.push_back((dir_ / (std::string("cin-") + year + ".xml")).string());
    const Outcome exported =
        RunCairn({"export", "cin", "--db", council, "--year", year, "--lea", "343", "--out", files.back()});
    ASSERT_EQ(exported.code, 0) << exported.err;
  }

  const std::string together = (dir_ / "together.db").string();
  const Outcome both = RunCairn({"import", "--db", together, files[0], files[1]});
  ASSERT_EQ(both.code, 0) << both.err;

  const std::string apart = (dir_ / "apart.db").string();
  ASSERT_EQ(RunCairn({"import", "--db", apart, files[0]}).code, 0);
  ASSERT_EQ(RunCairn({"import", "--db", apart, files[1]}).code, 0);

  for (const char* sql : {"SELECT COUNT(*) FROM child", "SELECT COUNT(*) FROM event",
                          "SELECT COUNT(*) FROM event_report", "SELECT COUNT(DISTINCT event_id) FROM event_report"}) {
    EXPECT_EQ(Count(together, sql), Count(apart, sql)) << sql;
  }
  EXPECT_GT(Count(together, "SELECT COUNT(*) FROM event"), 0);
  // The two years' files read back the same from either database.
  for (const char* year : {"2024", "2025"}) {
    const fs::path a = dir_ / (std::string("a-") + year + ".xml");
    const fs::path b = dir_ / (std::string("b-") + year + ".xml");
    ASSERT_EQ(RunCairn({"export", "cin", "--db", together, "--year", year, "--lea", "343", "--out", a}).code, 0);
    ASSERT_EQ(RunCairn({"export", "cin", "--db", apart, "--year", year, "--lea", "343", "--out", b}).code, 0);
    std::ifstream ia(a), ib(b);
    std::string ta((std::istreambuf_iterator<char>(ia)), {}), tb((std::istreambuf_iterator<char>(ib)), {});
    auto strip_time = [](std::string text) {
      const size_t at = text.find("<DateTime>");
      if (at != std::string::npos) text.erase(at, text.find("</DateTime>", at) - at);
      return text;
    };
    EXPECT_TRUE(strip_time(ta) == strip_time(tb)) << year;
  }
}

// Personal data on the terminal: a problem there names the file, line, field and child id; the
// values (dates of birth, event dates, UPNs) are only in the findings and rejects files.
TEST_F(ReturnsCli, TheTerminalNamesEachProblemButShowsNoDateOrUpn) {
  const fs::path header = dir_ / "header.csv";
  std::ofstream(header) << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                           "K1,1,01/01/2009,WBRI,,,\n"
                           "K2,1,31/02/2011,WBRI,,,\n";
  const fs::path episodes = dir_ / "episodes.csv";
  std::ofstream(episodes) << "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
                             "PL_POST,URN\n"
                             "K1,05/06/2023,S,C2,N1,U1,PR1,04/06/2023,E11,,AB1 2CD,EF3 4GH,\n";
  const fs::path cin = dir_ / "cin.xml";
  std::ofstream(cin)
      << "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>"
         "2024-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>343</LEA>"
         "<SoftwareCode>x</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>2024-04-01T00:00:00"
         "</DateTime></Source></Header>\n<Children><Child><ChildIdentifiers><LAchildID>K1</LAchildID><UPN>Z99X</UPN>"
         "<PersonBirthDate>2009-01-02</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers>"
         "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\n<CINdetails><CINreferralDate>"
         "2023-05-01</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
         "<CINclosureDate>2023-04-02</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure><ReferralNFA>0"
         "</ReferralNFA></CINdetails></Child></Children></Message>\n";
  const std::vector<std::string> values = {"01/01/2009", "2009-01-02", "31/02/2011", "05/06/2023", "04/06/2023",
                                           "2023-05-01", "2023-04-02", "Z99X"};
  // Refused first (a record that cannot be read lists the problem), then with --skip-invalid.
  const Outcome refused =
      RunCairn({"import", "--db", db_, "--year", "2024", header.string(), episodes.string(), cin.string()});
  EXPECT_EQ(refused.code, 1);
  const fs::path rejects = dir_ / "rejects.csv";
  const Outcome imported = RunCairn({"import", "--db", db_, "--year", "2024", "--skip-invalid", "--rejects",
                                     rejects.string(), header.string(), episodes.string(), cin.string()});
  ASSERT_EQ(imported.code, 0) << imported.err;
  const std::string terminal = refused.out + refused.err + imported.out + imported.err;
  // Each kind of problem is on the terminal, by field and place...
  for (const char* shown : {"header.csv line 3, field DOB", "field DEC", "field UPN", "field CINclosureDate",
                            "disagree about this child's date of birth"}) {
    EXPECT_NE(terminal.find(shown), std::string::npos) << shown << "\n" << terminal;
  }
  // ...and no value is.
  for (const std::string& value : values) EXPECT_EQ(terminal.find(value), std::string::npos) << value << "\n" << terminal;

  // The files hold the detail.
  const fs::path findings = dir_ / "findings.csv";
  const Outcome again = RunCairn({"import", "--db", (dir_ / "again.db").string(), "--year", "2024", "--skip-invalid",
                                  "--rejects", rejects.string(), "--findings", findings.string(), header.string(),
                                  episodes.string(), cin.string()});
  ASSERT_EQ(again.code, 0) << again.err;
  std::ifstream findings_in(findings), rejects_in(rejects);
  const std::string detail = std::string(std::istreambuf_iterator<char>(findings_in), {}) +
                             std::string(std::istreambuf_iterator<char>(rejects_in), {});
  for (const std::string& value : values) EXPECT_NE(detail.find(value), std::string::npos) << value << "\n" << detail;
}

// Issue 14, defect 3: nothing a return holds is run by the spreadsheet that opens a findings
// or rejects file; the return itself keeps the council's value, with a finding.
TEST_F(ReturnsCli, ValuesThatStartLikeFormulasAreNeutralisedInFindingsAndReported) {
  const fs::path header = dir_ / "header.csv";
  std::ofstream(header) << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                           "1,1,01/01/2010,@SUM(A1),=HYPERLINK(A1),,\n";
  const fs::path findings = dir_ / "findings.csv";
  const Outcome imported =
      RunCairn({"import", "--db", db_, "--year", "2025", "--findings", findings.string(), header.string()});
  ASSERT_EQ(imported.code, 0) << imported.err;
  std::ifstream in(findings);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("spreadsheet formula"), std::string::npos) << text;
  // No cell of the findings file starts with a formula character.
  Result<CsvTable> table = ParseCsv(text, "findings.csv");
  ASSERT_TRUE(table.ok()) << table.status().message();
  for (const CsvRecord& record : table->records) {
    for (const std::string& cell : record.fields) EXPECT_FALSE(LooksLikeSpreadsheetFormula(cell)) << cell;
  }
  EXPECT_NE(text.find("'=HYPERLINK"), std::string::npos) << text;
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM child WHERE upn = '=HYPERLINK(A1)'"), 1);
}

// Issue 14, defect 6: text no DfE return can carry is refused where it is read, never written,
// and never echoed raw to the terminal.
TEST_F(ReturnsCli, ControlCharactersAndInvalidUtf8AreRefusedAndNeverEchoedRaw) {
  const fs::path header = dir_ / "header.csv";
  std::ofstream(header) << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                           "1,1,01/01/2010,WBRI,A12345678901\x1B[2J,,\n"
                           "2,1,01/01/2010,WBR\xFF,A123456789012,,\n";
  const Outcome refused = RunCairn({"import", "--db", db_, "--year", "2025", header.string()});
  EXPECT_EQ(refused.code, 1) << refused.out;
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM child"), 0);
  EXPECT_EQ(refused.err.find('\x1B'), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out.find('\x1B'), std::string::npos) << refused.out;
  EXPECT_NE(refused.err.find("UPN"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("ethnicity"), std::string::npos) << refused.err;

  // A value already held (saved before Cairn checked) is never written into a census file.
  ASSERT_EQ(RunCairn({"init", "--db", db_}).code, 0);
  {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    model::Chronology chronology(model::Child{.la_child_id = "C42", .birth_date = Date::FromYmdOrDie(2012, 5, 1)});
    chronology.Add(testing::MakeEvent(model::EventKind::kCinEpisode, Date::FromYmdOrDie(2024, 6, 3), std::nullopt, -1,
                                      {{"ReferralSource", "3A\x1B"}, {"PrimaryNeedCode", "N1"}}));
    ASSERT_TRUE(store::SaveChronologies(**db, std::vector<model::Chronology>{chronology}, {"test", "setup"}).ok());
  }
  const fs::path cin = dir_ / "cin.xml";
  const Outcome exported = RunCairn({"export", "cin", "--db", db_, "--year", "2025", "--lea", "343", "--out", cin});
  EXPECT_EQ(exported.code, 1);
  EXPECT_FALSE(fs::exists(cin));
  EXPECT_NE(exported.err.find("C42"), std::string::npos) << exported.err;
  EXPECT_EQ(exported.err.find('\x1B'), std::string::npos) << exported.err;
}

// Issue 14, defect 9: a simulation is never mixed with real records, and its exports say what
// they hold.
TEST_F(ReturnsCli, SimulateRefusesRealRecordsAndMarksWhatItBuilds) {
  SaveOneChild();
  const std::vector<std::string> simulate = {"--population", "2000", "--years", "1", "--seed", "2",
                                             "--as-at", "2025-03-31"};
  auto run_simulate = [&](const std::string& db, bool replace) {
    std::vector<std::string> args = {"simulate", "--db", db};
    args.insert(args.end(), simulate.begin(), simulate.end());
    if (replace) args.push_back("--replace");
    return RunCairn(args);
  };
  const Outcome mixed = run_simulate(db_, false);
  EXPECT_EQ(mixed.code, 1);
  EXPECT_NE(mixed.err.find("real"), std::string::npos) << mixed.err;
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM child"), 1);
  EXPECT_EQ(run_simulate(db_, true).code, 1) << "--replace never removes real records";
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM child"), 1);

  const std::string council = (dir_ / "council.db").string();
  ASSERT_EQ(run_simulate(council, false).code, 0);
  EXPECT_EQ(Count(council, "SELECT COUNT(*) FROM setting WHERE key = 'synthetic' AND value = 'true'"), 1);
  const int64_t children = Count(council, "SELECT COUNT(*) FROM child");
  EXPECT_EQ(run_simulate(council, false).code, 1) << "an earlier simulation is replaced only when asked";
  ASSERT_EQ(run_simulate(council, true).code, 0);
  EXPECT_EQ(Count(council, "SELECT COUNT(*) FROM child"), children);

  const fs::path cin = dir_ / "cin.xml";
  const Outcome exported = RunCairn({"export", "cin", "--db", council, "--year", "2025", "--lea", "343", "--out", cin});
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_NE(exported.out.find("SYNTHETIC"), std::string::npos) << exported.out;
  std::ifstream in(cin);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("<!-- SYNTHETIC DATA"), std::string::npos);
  const fs::path folder = dir_ / "903";
  ASSERT_EQ(RunCairn({"export", "ssda903", "--db", council, "--year", "2025", "--out", folder}).code, 0);
  EXPECT_TRUE(fs::exists(folder / "SYNTHETIC-DATA.txt"));
}

// Issue 14, lesser findings: a database is private; what cannot be imported says why; a value no
// return could hold is refused before it reaches the database.
TEST_F(ReturnsCli, TheDatabaseIsPrivateAndFilesThatCannotBeImportedSayWhy) {
  ASSERT_EQ(RunCairn({"init", "--db", db_}).code, 0);
  struct stat info {};
  ASSERT_EQ(::stat(db_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  const fs::path empty = dir_ / "empty.xml";
  std::ofstream(empty).close();
  const fs::path utf16 = dir_ / "cin16.xml";
  std::ofstream(utf16, std::ios::binary) << std::string("\xFF\xFE<\0?\0x\0m\0l\0", 12);
  const fs::path utf32 = dir_ / "header32.csv";
  std::ofstream(utf32, std::ios::binary) << std::string("\xFF\xFE\0\0C\0\0\0", 8);
  const fs::path empty_csv = dir_ / "header.csv";
  std::ofstream(empty_csv).close();
  const fs::path fifo = dir_ / "pipe.xml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  struct Case {
    fs::path file;
    const char* says;
  };
  for (const Case& c : {Case{empty, "empty"}, Case{empty_csv, "none of this file was loaded: the file is empty"},
                        Case{utf16, "UTF-16"}, Case{utf32, "UTF-32"}, Case{fifo, "pipe"}}) {
    const Outcome refused = RunCairn({"import", "--db", db_, "--year", "2025", c.file.string()});
    EXPECT_EQ(refused.code, 1) << c.file;
    EXPECT_NE(refused.err.find(c.says), std::string::npos) << refused.err;
  }
}

TEST_F(ReturnsCli, AValueNoReturnCouldHoldIsRefused) {
  const fs::path header = dir_ / "header.csv";
  std::ofstream(header) << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                        << std::string(5000, '7') << ",1,01/01/2010,WBRI,A123456789012,,\n"
                        << "2,1,01/01/2010,WBRI," << std::string(100000, 'A') << ",,\n";
  const Outcome refused = RunCairn({"import", "--db", db_, "--year", "2025", header.string()});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("child id"), std::string::npos) << refused.err.substr(0, 2000);
  EXPECT_NE(refused.err.find("UPN"), std::string::npos) << refused.err.substr(0, 2000);
  EXPECT_LT(refused.err.size(), 4000u) << "the terminal is not flooded with the value";
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM child"), 0);
}

TEST_F(ReturnsCli, AnImportReportsTheDfeRulesItsFilesBreak) {
  const fs::path header = dir_ / "header.csv";
  const fs::path episodes = dir_ / "episodes.csv";
  // 2022/23: SEX 3 is kept as recorded, and the DfE's rule 101 questions it.
  std::ofstream(header) << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                        << "7,3,01/01/2010,WBRI,A123456789012,,\n";
  std::ofstream(episodes) << "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
                             "PL_POST,URN\n"
                          << "7,01/06/2022,S,C2,N1,U1,PR1,,,,,,\n";
  const Outcome imported = RunCairn({"import", "--db", db_, "--year", "2023", header.string(), episodes.string()});
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_NE(imported.out.find("The DfE's validation rules on the SSDA903 tables"), std::string::npos) << imported.out;
  bool rule_101 = false;
  for (const std::string& line : testing::SplitLines(imported.out)) rule_101 = rule_101 || line.rfind("101 ", 0) == 0;
  EXPECT_TRUE(rule_101) << imported.out;
  const Outcome quiet =
      RunCairn({"import", "--db", db_, "--year", "2023", "--no-validate", header.string(), episodes.string()});
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_EQ(quiet.out.find("The DfE's validation rules"), std::string::npos) << quiet.out;
}

}  // namespace
}  // namespace cairn::cli
