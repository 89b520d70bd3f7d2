// `cairn validate` end to end: on files, on the record, and refusing what it cannot do.
#include <gtest/gtest.h>

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

Outcome RunCairn(std::vector<std::string> args) {
  return testing::RunCairn(std::move(args), Date::FromYmdOrDie(2026, 5, 1));
}

class ValidateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_validate_cli_test_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  fs::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;
};

TEST_F(ValidateCli, RulesListsEveryRuleWithItsYears) {
  const Outcome listed = RunCairn({"validate", "--rules"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_NE(listed.out.find("8675Q"), std::string::npos);
  EXPECT_NE(listed.out.find("query"), std::string::npos);
  // 445 was dropped from 2024/25: its one version ends in 2023/24.
  bool found = false;
  for (const std::string& line : testing::SplitLines(listed.out)) {
    if (line.rfind("445 ", 0) == 0) {
      found = true;
      EXPECT_NE(line.find("2023/24"), std::string::npos) << line;
      EXPECT_EQ(line.find("2024/25"), std::string::npos) << line;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(ValidateCli, FindingsNameTheChildTheRuleTheFileAndTheLine) {
  const std::string header = Write("children.csv",
                                   "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                                   "A1,1,01/01/2012,WBRI,UN1,,\n"
                                   "A2,7,01/01/2013,WBRI,UN1,,\n");
  const fs::path out = dir_ / "findings.csv";
  const Outcome run =
      RunCairn({"validate", "--year", "2023", "--la", "E08000014", header, "--format", "csv", "--out", out.string()});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("101"), std::string::npos) << run.out;  // the summary by rule
  Result<CsvTable> findings = ReadCsvFile(out.string());
  ASSERT_TRUE(findings.ok()) << findings.status().message();
  for (const char* column : {"child_id", "tables_affected", "columns_affected", "row_id", "rule_code", "rule_type",
                             "rule_description", "value_flagged", "file", "line"}) {
    EXPECT_TRUE(findings->FindColumn(column).has_value()) << column;
  }
  bool found = false;
  for (const CsvRecord& record : findings->records) {
    if (record.fields[*findings->FindColumn("rule_code")] != "101") continue;
    found = true;
    EXPECT_EQ(record.fields[*findings->FindColumn("child_id")], "A2");
    EXPECT_EQ(record.fields[*findings->FindColumn("row_id")], "1");
    EXPECT_EQ(record.fields[*findings->FindColumn("value_flagged")], "7");
    EXPECT_EQ(record.fields[*findings->FindColumn("file")], "children.csv");
    EXPECT_EQ(record.fields[*findings->FindColumn("line")], "3");
  }
  EXPECT_TRUE(found);
  // JSON carries the same finding.
  const Outcome json = RunCairn({"validate", "--year", "2023", header, "--format", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_NE(json.out.find("\"rule_code\":\"101\""), std::string::npos);
  EXPECT_NE(json.out.find("\"rules_not_written\""), std::string::npos);
}

TEST_F(ValidateCli, WhatCannotBeCheckedIsRefusedWithAReason) {
  const std::string header = Write("header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n");
  const Outcome no_year = RunCairn({"validate", header});
  EXPECT_EQ(no_year.code, 1);
  EXPECT_NE(no_year.err.find("--year"), std::string::npos) << no_year.err;
  const Outcome bad_la = RunCairn({"validate", "--year", "2026", "--la", "Sefton", header});
  EXPECT_EQ(bad_la.code, 1);
  EXPECT_NE(bad_la.err.find("Sefton"), std::string::npos) << bad_la.err;
  const Outcome nothing = RunCairn({"validate", "--year", "2026"});
  EXPECT_EQ(nothing.code, 1);
  const Outcome previous_only = RunCairn({"validate", "--year", "2026", "--previous", header});
  EXPECT_EQ(previous_only.code, 1);
  EXPECT_NE(previous_only.err.find("this year's files first"), std::string::npos) << previous_only.err;
  const Outcome workbook = RunCairn({"validate", "--year", "2026", header, "--format", "xlsx"});
  EXPECT_EQ(workbook.code, 1);
  EXPECT_NE(workbook.err.find("--out"), std::string::npos) << workbook.err;
  const std::string odd = Write("odd.csv", "CHILD,COLOUR\nA1,blue\n");
  const Outcome unknown = RunCairn({"validate", "--year", "2026", odd});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("odd.csv line 1"), std::string::npos) << unknown.err;
  const Outcome missing = RunCairn({"validate", "--year", "2026", (dir_ / "absent.csv").string()});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("absent.csv"), std::string::npos) << missing.err;
}

TEST_F(ValidateCli, TheRecordIsCheckedAsItWouldBeExportedAndTheReadIsAudited) {
  const std::string db = databases_->Target("cairn.db");
  ASSERT_EQ(RunCairn({"init", "--db", db}).code, 0);
  {
    auto connection = store::Connection::OpenExisting(db);
    ASSERT_TRUE(connection.ok());
    // A child whose SEX the SSDA903 cannot carry is still exported; rule 101 finds it.
    model::Chronology chronology(
        model::Child{.la_child_id = "C42", .birth_date = Date::FromYmdOrDie(2012, 5, 1), .sex = "9"});
    chronology.Add(testing::MakeEvent(model::EventKind::kLookedAfterEpisode, Date::FromYmdOrDie(2022, 6, 3), std::nullopt, -1,
                                      {{"RNE", "S"}, {"LS", "C2"}, {"CIN", "N1"}, {"PLACE", "U1"}}));
    auto saved = store::SaveChronologies(**connection, std::vector<model::Chronology>{chronology}, {"test", "setup"});
    ASSERT_TRUE(saved.ok()) << saved.status().message();
  }
  const Outcome run = RunCairn({"validate", "--db", db, "--year", "2023", "--la", "343", "--format", "csv"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("C42,Header,SEX"), std::string::npos) << run.out;
  auto connection = store::Connection::OpenExisting(db);
  ASSERT_TRUE(connection.ok());
  auto audited = (*connection)->Prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'validate'");
  ASSERT_TRUE(audited.ok()) << audited.status().message();
  ASSERT_TRUE(*(*audited)->Step());
  EXPECT_EQ((*audited)->ColumnInt(0), 1);
  const Outcome both = RunCairn({"validate", "--db", db, "--year", "2023", (dir_ / "x.csv").string()});
  EXPECT_EQ(both.code, 1);
}

}  // namespace
}  // namespace cairn::cli
