// `cairn plan` end to end: a small simulated struggling council, a plan whose trajectory is set
// from what was measured on two dates, and the RAG moving as the as-at date moves.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "store/database.h"

namespace cairn::cli {
namespace {

using testing::Outcome;
using testing::RunCairn;
using testing::SplitLines;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

class PlanCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One council for the suite (FreshTestFolder names a folder after a running test; none runs yet).
    folder_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                        ("cairn_plan_cli_" + std::to_string(::getpid())));
    std::filesystem::remove_all(*folder_);
    std::filesystem::create_directories(*folder_);
    databases_ = new testing::TestDatabases(*folder_);
    council_ = new std::string(databases_->Target("council.db"));
    const Outcome simulated = RunCairn({"simulate", "--db", *council_, "--population", "5000", "--years", "3",
                                        "--seed", "4", "--profile", "struggling", "--as-at", "2025-03-31"},
                                       D(2025, 4, 1));
    ASSERT_EQ(simulated.code, 0) << simulated.err;
    ASSERT_EQ(RunCairn({"settings", "set", "--db", *council_, "population", "5000"}, D(2025, 4, 1)).code, 0);
  }
  static void TearDownTestSuite() {
    delete databases_;  // on PostgreSQL, drops the schemas
    std::filesystem::remove_all(*folder_);
    delete folder_;
    delete council_;
  }

  Outcome Run(std::vector<std::string> args) { return RunCairn(std::move(args), D(2025, 4, 1)); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (*folder_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  // measure id -> its JSON line, from `plan show --format json` as at `as_at`.
  std::map<std::string, nlohmann::json> Show(const std::string& as_at) {
    const Outcome shown = Run({"plan", "show", "--db", *council_, "--as-at", as_at, "--format", "json"});
    EXPECT_EQ(shown.code, 0) << shown.err;
    std::map<std::string, nlohmann::json> by_id;
    for (const std::string& line : SplitLines(shown.out)) {
      nlohmann::json json = nlohmann::json::parse(line);
      by_id[json["id"].get<std::string>()] = json;
    }
    return by_id;
  }

  static std::filesystem::path* folder_;
  static testing::TestDatabases* databases_;
  static std::string* council_;
};
std::filesystem::path* PlanCli::folder_ = nullptr;
testing::TestDatabases* PlanCli::databases_ = nullptr;
std::string* PlanCli::council_ = nullptr;

// A measure for each candidate, with no trajectory, to see what the record measures.
const char* kCandidates[][2] = {{"indicator", "assessments-within-45-days"},
                                {"indicator", "cla-3-placements"},
                                {"rule", "cla.visit-6w"},
                                {"rule", "referral.assessment-45wd"},
                                {"indicator", "re-referrals-12-months"}};

// A number written so it reads back exactly (a trajectory met "exactly" must be).
std::string Exact(double value) { return nlohmann::json(value).dump(); }

std::string ProbePlan() {
  std::string text = "title = \"Probe\"\n[[recommendation]]\nid = \"R1\"\ntext = \"Probe.\"\n";
  for (size_t i = 0; i < std::size(kCandidates); ++i) {
    text += "[[recommendation.measure]]\nid = \"P" + std::to_string(i) + "\"\n" + kCandidates[i][0] + " = \"" +
            kCandidates[i][1] + "\"\ntarget = 50\n";
  }
  text += "[[recommendation.action]]\nid = \"R1.A1\"\ntext = \"x\"\nowner = \"x\"\ndue = 2025-03-31\nstatus = "
          "\"on-track\"\n";
  return text;
}

TEST_F(PlanCli, TheRagMovesWithTheAsAtDateAndAMismatchIsFlagged) {
  const Date first = D(2024, 9, 30), second = D(2025, 3, 31);
  // 1. What the record measures on the two dates.
  const Outcome probe = Run({"plan", "import", "--db", *council_, Write("probe.toml", ProbePlan())});
  ASSERT_EQ(probe.code, 0) << probe.err;
  std::map<std::string, nlohmann::json> then = Show(first.ToIso()), now = Show(second.ToIso());
  std::string chosen;
  size_t chosen_index = 0;
  for (size_t i = 0; i < std::size(kCandidates) && chosen.empty(); ++i) {
    const std::string id = "P" + std::to_string(i);
    ASSERT_TRUE(then.count(id) && now.count(id)) << id;
    if (then[id]["measured"].is_null() || now[id]["measured"].is_null()) continue;
    if (then[id]["measured"].get<double>() != now[id]["measured"].get<double>()) chosen = id, chosen_index = i;
  }
  ASSERT_FALSE(chosen.empty()) << "some measure's value moves between " << first.ToIso() << " and " << second.ToIso();
  const double value_then = then[chosen]["measured"].get<double>();
  const double value_now = now[chosen]["measured"].get<double>();
  const bool higher_is_better = now[chosen]["higher_is_better"].get<bool>();

  // 2. A plan whose trajectory is met exactly on the first date and missed by far on the second.
  const double miss = higher_is_better ? value_now + 20 : value_now - 20;
  const std::string plan =
      "title = \"Improvement plan\"\n[[recommendation]]\nid = \"R1\"\ntext = \"Leaders should improve.\"\n"
      "[[recommendation.measure]]\nid = \"M1\"\n" +
      std::string(kCandidates[chosen_index][0]) + " = \"" + kCandidates[chosen_index][1] +
      "\"\ntarget = " + Exact(miss) + "\ntolerance = 1\ntrajectory = [{ date = " + first.ToIso() +
      ", value = " + Exact(value_then) + " }, { date = " + second.ToIso() + ", value = " +
      Exact(miss) + " }]\n"
      "[[recommendation.action]]\nid = \"A1\"\ntext = \"Done.\"\nowner = \"Head of service\"\ndue = 2024-12-31\n"
      "status = \"complete\"\nmeasures = [\"M1\"]\n";
  const Outcome imported = Run({"plan", "import", "--db", *council_, Write("plan.toml", plan)});
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_NE(imported.out.find("1 recommendations, 1 actions, 1 measures"), std::string::npos) << imported.out;

  then = Show(first.ToIso());
  now = Show(second.ToIso());
  EXPECT_EQ(then["M1"]["rag"], "green") << then["M1"].dump();
  EXPECT_EQ(now["M1"]["rag"], "red") << now["M1"].dump();
  EXPECT_DOUBLE_EQ(then["M1"]["measured"].get<double>(), value_then);
  EXPECT_DOUBLE_EQ(now["M1"]["measured"].get<double>(), value_now);
  EXPECT_EQ(then["A1"]["rag"], "green");
  EXPECT_EQ(then["A1"]["mismatch"], false);
  EXPECT_EQ(now["A1"]["rag"], "red");
  EXPECT_EQ(now["A1"]["self_reported"], "complete");
  EXPECT_EQ(now["A1"]["mismatch"], true);
  EXPECT_NE(now["A1"]["mismatch_reason"].get<std::string>().find("measure M1 is off trajectory"), std::string::npos);

  // The table says the same, one line per measure and action.
  const Outcome table = Run({"plan", "show", "--db", *council_, "--as-at", second.ToIso()});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("MISMATCH"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("0 green, 0 amber, 1 red, 0 not measured; 1 action"), std::string::npos) << table.out;
}

TEST_F(PlanCli, AFileWithAnErrorStoresNothing) {
  const std::string good = "title = \"Kept\"\n[[recommendation]]\nid = \"R1\"\ntext = \"x\"\n"
                           "[[recommendation.measure]]\nid = \"M1\"\nrule = \"cla.visit-6w\"\ntarget = 90\n"
                           "[[recommendation.action]]\nid = \"A1\"\ntext = \"x\"\nowner = \"x\"\ndue = 2025-01-01\n"
                           "status = \"on-track\"\n";
  ASSERT_EQ(Run({"plan", "import", "--db", *council_, Write("good.toml", good)}).code, 0);
  std::string bad = good;
  bad.replace(bad.find("on-track"), 8, "finished");
  const Outcome refused = Run({"plan", "import", "--db", *council_, Write("bad.toml", bad)});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("bad.toml line 14: recommendation 'R1', action 'A1', field 'status': 'finished' is not a "
                             "status"),
            std::string::npos)
      << refused.err;
  const Outcome shown = Run({"plan", "show", "--db", *council_, "--as-at", "2025-03-31"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_EQ(shown.out.rfind("Kept as at 2025-03-31", 0), 0u) << shown.out;
}

TEST_F(PlanCli, ShowWithoutAPlanSaysHowToImportOne) {
  const std::string empty = databases_->Target("empty.db");
  ASSERT_EQ(Run({"init", "--db", empty}).code, 0);
  const Outcome shown = Run({"plan", "show", "--db", empty});
  EXPECT_EQ(shown.code, 1);
  EXPECT_NE(shown.err.find("cairn plan import"), std::string::npos) << shown.err;
  const Outcome help = Run({"plan", "show", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--as-at"), std::string::npos);
  EXPECT_NE(help.out.find("Amber"), std::string::npos) << "the help says how the RAG is worked out";
}

}  // namespace
}  // namespace cairn::cli
