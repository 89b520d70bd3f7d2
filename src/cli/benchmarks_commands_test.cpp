// `cairn benchmarks import` end to end: the reference DfE folder, a malformed folder, and help.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/published.h"
#include "cli/cli_test_support.h"
#include "cli/commands.h"
#include "store/database.h"

namespace cairn::cli {
namespace {

namespace fs = std::filesystem;

const fs::path kDfe = fs::path(CAIRN_REFERENCE_DIR) / "dfe";

using testing::Outcome;

int CountLines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

class BenchmarksCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_benchmarks_cli_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("cairn.db");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome Run(std::vector<std::string> args) {
    return testing::RunCairn(std::move(args), Date::FromYmdOrDie(2025, 3, 31));
  }

  int64_t Figures() {
    auto db = store::Connection::OpenExisting(db_);
    EXPECT_TRUE(db.ok()) << db.status().message();
    auto select = (*db)->Prepare("SELECT count(*) FROM published_figure");
    EXPECT_TRUE(select.ok());
    EXPECT_TRUE((*select)->Step().ok());
    return (*select)->ColumnInt(0);
  }

  fs::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
  std::string db_;
};

TEST_F(BenchmarksCli, ImportsTheReferenceFolderWithProgressPerFile) {
  const Outcome outcome = Run({"benchmarks", "import", "--db", db_, kDfe.string()});
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kDfe)) files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(CountLines(outcome.err), files) << outcome.err;
  EXPECT_NE(outcome.err.find("b1_children_in_need_2013_to_2025.csv: 2132 rows"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("LA-codes.yml: not a DfE file Cairn reads; ignored"), std::string::npos) << outcome.err;

  const int64_t figures = Figures();
  EXPECT_GT(figures, 0);
  EXPECT_NE(outcome.out.find("Imported " + std::to_string(files - 2) + " DfE files"), std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find(std::to_string(figures) + " figures"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("2012 to 2025"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("Ignored 2 files that are not DfE files Cairn reads: LA-codes.yml "
                             "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"),
            std::string::npos)
      << outcome.out;
}

TEST_F(BenchmarksCli, MalformedFolderFailsWithExitOneAndLeavesTheDatabase) {
  ASSERT_EQ(Run({"benchmarks", "import", "--db", db_, kDfe.string()}).code, 0);
  const int64_t figures = Figures();

  const fs::path bad = dir_ / "bad";
  fs::create_directories(bad);
  std::ofstream(bad / "csww_indicators_2017_to_2025.csv")
      << "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
         "new_la_code,la_name,turnover_rate_fte\n"
         "2025,Reporting year,National,E92000001,England,,,,,,11.8\n"
         "2025,Reporting year,Local authority,E92000001,England,E12000002,North West,343,E08000014,Sefton,high\n";
  const Outcome outcome = Run({"benchmarks", "import", "--db", db_, bad.string()});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("csww_indicators_2017_to_2025.csv line 3, column 11 (turnover_rate_fte)"),
            std::string::npos)
      << outcome.err;
  EXPECT_NE(outcome.err.find("unchanged"), std::string::npos) << outcome.err;
  EXPECT_EQ(Figures(), figures);
}

TEST_F(BenchmarksCli, WrongCommandLinesExitTwo) {
  EXPECT_EQ(Run({"benchmarks"}).code, 2);
  EXPECT_EQ(Run({"benchmarks", "import", kDfe.string()}).code, 2);  // no --db
  const Outcome missing = Run({"benchmarks", "import", "--db", db_, (dir_ / "nowhere").string()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("nowhere"), std::string::npos) << missing.err;
}

TEST_F(BenchmarksCli, HelpSaysWhatToDownload) {
  const Outcome top = Run({"benchmarks", "--help"});
  EXPECT_EQ(top.code, 0);
  EXPECT_NE(top.out.find("import"), std::string::npos) << top.out;
  const Outcome help = Run({"benchmarks", "import", "--help"});
  EXPECT_EQ(help.code, 0);
  for (const char* part : {"--db", "b1_children_in_need", "ons_mid-year_population_estimates", "neighbour",
                           "explore-education-statistics"}) {
    EXPECT_NE(help.out.find(part), std::string::npos) << part << "\n" << help.out;
  }
}

}  // namespace
}  // namespace cairn::cli
