// `cairn postcodes import` end to end: a gzip and a plain file, a malformed file, and help.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "cli/commands.h"
#include "model/chronology.h"
#include "returns/csv.h"
#include "store/chronology_store.h"
#include "store/database.h"
#include "store/postcode_store.h"

namespace cairn::cli {
namespace {

namespace fs = std::filesystem;

using testing::Outcome;

class PostcodesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_postcodes_cli_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("cairn.db");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome Run(std::vector<std::string> args) {
    return testing::RunCairn(std::move(args), Date::FromYmdOrDie(2026, 3, 31));
  }

  fs::path WriteGzip(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    gzFile file = gzopen(path.string().c_str(), "wb");
    EXPECT_NE(file, nullptr);
    EXPECT_EQ(gzwrite(file, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
    EXPECT_EQ(gzclose(file), Z_OK);
    return path;
  }

  // Children flagged by `rule` in a findings CSV.
  static std::set<std::string> Flagged(const std::string& csv, const std::string& rule) {
    std::set<std::string> children;
    Result<CsvTable> table = ParseCsv(csv, "findings.csv");
    EXPECT_TRUE(table.ok()) << table.status().message();
    if (!table.ok()) return children;
    const std::optional<std::size_t> child = table->FindColumn("child_id");
    const std::optional<std::size_t> code = table->FindColumn("rule_code");
    EXPECT_TRUE(child && code) << csv;
    if (!child || !code) return children;
    for (const CsvRecord& record : table->records) {
      if (record.fields[*code] == rule) children.insert(record.fields[*child]);
    }
    return children;
  }

  fs::path WriteDirectory() {
    const fs::path path = dir_ / "directory.csv";
    std::ofstream(path) << "pcd,oseast1m,osnrth1m,laua\n"
                           "L20 3AA,334467,394739,E08000014\n"
                           "BB11 1AA,384179,432756,E07000117\n";
    return path;
  }

  int64_t Postcodes() {
    auto db = store::Connection::OpenExisting(db_);
    EXPECT_TRUE(db.ok()) << db.status().message();
    if (!db.ok()) return -1;
    return store::CountPostcodes(**db).value_or(-1);
  }

  fs::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;
  std::string db_;
};

TEST_F(PostcodesCli, ImportsAGzipFileAndReplacesItWithAPlainOne) {
  const fs::path zipped = WriteGzip("onspd.csv.gz",
                                    "\"pcd\",\"oseast1m\",\"osnrth1m\",\"laua\"\n"
                                    "\"L20 3AA\",\"334467\",\"394739\",\"E08000014\"\n"
                                    "\"BB11 1AA\",\"384179\",\"432756\",\"E07000117\"\n"
                                    "\"AB11 3AG\",\"\",\"\",\"\"\n");
  const Outcome first = Run({"postcodes", "import", "--db", db_, zipped.string()});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("Imported 3 postcodes from " + zipped.string()), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("2 with a grid reference, 2 with a local authority district"), std::string::npos)
      << first.out;
  EXPECT_EQ(Postcodes(), 3);
  const fs::path plain = dir_ / "extract.csv";
  std::ofstream(plain) << "pcd,oseast1m,osnrth1m,laua\nL20 3AA,334467,394739,E08000014\n";
  const Outcome second = Run({"postcodes", "import", "--db", db_, plain.string()});
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(Postcodes(), 1);
}

TEST_F(PostcodesCli, AMalformedRowRefusesTheImportNamingTheLine) {
  const fs::path good = dir_ / "good.csv";
  std::ofstream(good) << "pcd,oseast1m,osnrth1m,laua\nL20 3AA,334467,394739,E08000014\n";
  ASSERT_EQ(Run({"postcodes", "import", "--db", db_, good.string()}).code, 0);
  const fs::path bad = dir_ / "bad.csv";
  std::ofstream(bad) << "pcd,oseast1m,osnrth1m,laua\nBB11 1AA,384179,432756,E07000117\nBB11 1AB,north,1,E1\n";
  const Outcome refused = Run({"postcodes", "import", "--db", db_, bad.string()});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find(bad.string() + " line 3, field oseast1m: 'north' is not a grid reference"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("unchanged"), std::string::npos) << refused.err;
  EXPECT_EQ(Postcodes(), 1);
  const Outcome missing = Run({"postcodes", "import", "--db", db_, (dir_ / "none.csv").string()});
  EXPECT_EQ(missing.code, 2) << "CLI11 checks that the file exists";
}

TEST_F(PostcodesCli, HelpSaysWhatTheFileIsAndWhatUsesIt) {
  const Outcome help = Run({"postcodes", "import", "--help"});
  EXPECT_EQ(help.code, 0);
  const std::string text = help.out + help.err;
  EXPECT_NE(text.find("ONS Postcode Directory"), std::string::npos) << text;
  EXPECT_NE(text.find("oseast1m"), std::string::npos) << text;
  EXPECT_NE(text.find("PL_DISTANCE"), std::string::npos) << text;
  EXPECT_NE(text.find("--db"), std::string::npos) << text;
}

// Rule 169: the placement's authority, derived from PL_POST, must be known. With the directory
// only the child placed at a postcode it does not hold is flagged; without one the rule cannot
// run, and validate says why.
TEST_F(PostcodesCli, ValidateReadsTheEpisodesPostcodesFromTheFileGiven) {
  const fs::path episodes = dir_ / "episodes.csv";
  std::ofstream(episodes) << "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
                             "C1,01/05/2025,S,C2,N1,U1,PR1,,,,L20 3AA,BB11 1AA,\n"
                             "C2,01/05/2025,S,C2,N1,U1,PR1,,,,L20 3AA,ZZ9 9ZZ,\n";
  const fs::path directory = WriteDirectory();
  const Outcome with = Run({"validate", "--year", "2026", "--la", "343", "--postcodes", directory.string(),
                            episodes.string(), "--format", "csv"});
  ASSERT_EQ(with.code, 0) << with.err;
  EXPECT_EQ(Flagged(with.out, "169"), (std::set<std::string>{"C2"})) << with.out;
  EXPECT_EQ(with.err.find("No postcode directory"), std::string::npos) << with.err;
  const Outcome without = Run({"validate", "--year", "2026", "--la", "343", episodes.string(), "--format", "csv"});
  ASSERT_EQ(without.code, 0) << without.err;
  EXPECT_TRUE(Flagged(without.out, "169").empty()) << without.out;
  EXPECT_NE(without.err.find("No postcode directory"), std::string::npos) << without.err;
  const fs::path bad = dir_ / "bad.csv";
  std::ofstream(bad) << "pcd,oseast1m,osnrth1m,laua\nL20 3AA,x,1,E1\n";
  const Outcome refused = Run({"validate", "--year", "2026", "--postcodes", bad.string(), episodes.string()});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find(bad.string() + " line 2, field oseast1m"), std::string::npos) << refused.err;
}

TEST_F(PostcodesCli, ValidatingTheRecordUsesThePostcodesImported) {
  ASSERT_EQ(Run({"init", "--db", db_}).code, 0);
  {
    auto connection = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(connection.ok());
    std::vector<model::Chronology> children;
    for (const auto& [id, placed] : {std::pair{"C1", "BB11 1AA"}, std::pair{"C2", "ZZ9 9ZZ"}}) {
      model::Chronology chronology(
          model::Child{.la_child_id = id, .birth_date = Date::FromYmdOrDie(2012, 5, 1), .sex = "1"});
      chronology.Add(testing::MakeEvent(
          model::EventKind::kLookedAfterEpisode, Date::FromYmdOrDie(2025, 5, 1), std::nullopt, -1,
          {{"RNE", "S"}, {"LS", "C2"}, {"CIN", "N1"}, {"PLACE", "U1"}, {"HOME_POST", "L20 3AA"}, {"PL_POST", placed}}));
      children.push_back(std::move(chronology));
    }
    auto saved = store::SaveChronologies(**connection, children, {"test", "setup"});
    ASSERT_TRUE(saved.ok()) << saved.status().message();
  }
  const Outcome before = Run({"validate", "--db", db_, "--year", "2026", "--la", "343", "--format", "csv"});
  ASSERT_EQ(before.code, 0) << before.err;
  EXPECT_NE(before.err.find("No postcode directory"), std::string::npos) << before.err;
  ASSERT_EQ(Run({"postcodes", "import", "--db", db_, WriteDirectory().string()}).code, 0);
  const Outcome after = Run({"validate", "--db", db_, "--year", "2026", "--la", "343", "--format", "csv"});
  ASSERT_EQ(after.code, 0) << after.err;
  EXPECT_EQ(after.err.find("No postcode directory"), std::string::npos) << after.err;
  EXPECT_EQ(Flagged(after.out, "169"), (std::set<std::string>{"C2"})) << after.out;
}

}  // namespace
}  // namespace cairn::cli
