// `cairn due` and `cairn drift` end to end: a database with three children, a workforce of two
// teams, and the command line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "cli/commands.h"
#include "store/chronology_store.h"
#include "store/database.h"
#include "store/workforce_store.h"

namespace cairn::cli {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

using testing::MakeEvent;
using testing::Outcome;
using testing::SplitLines;

class TimescaleCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_timescales_cli_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("cairn.db");
    ASSERT_EQ(Run({"init", "--db", db_}).code, 0);

    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    std::vector<model::Chronology> children;
    {
      // A1: a CP plan from Monday 8 Jan 2024, core group 19 Jan (due 22 Jan), no visits; SW1.
      model::Chronology a(model::Child{.la_child_id = "A1", .birth_date = D(2016, 4, 1)});
      const int32_t episode = a.Add(MakeEvent(model::EventKind::kCinEpisode, D(2024, 1, 2)));
      a.Add(MakeEvent(model::EventKind::kCpPlan, D(2024, 1, 8), std::nullopt, episode));
      a.Add(MakeEvent(model::EventKind::kCoreGroup, D(2024, 1, 19)));
      a.Add(MakeEvent(model::EventKind::kSocialWorkerAllocation, D(2024, 1, 2), std::nullopt, -1, {{"SW_ID", "SW1"}}));
      children.push_back(std::move(a));
    }
    {
      // B2: looked after from 1 June 2023; SW2.
      model::Chronology b(model::Child{.la_child_id = "B2", .birth_date = D(2012, 9, 1)});
      b.Add(MakeEvent(model::EventKind::kLookedAfterEpisode, D(2023, 6, 1), std::nullopt, -1,
                 {{"RNE", "S"}, {"LS", "C2"}, {"PLACE", "U3"}}));
      b.Add(MakeEvent(model::EventKind::kClaReview, D(2023, 6, 20)));
      b.Add(MakeEvent(model::EventKind::kSocialWorkerAllocation, D(2023, 6, 1), std::nullopt, -1, {{"SW_ID", "SW2"}}));
      children.push_back(std::move(b));
    }
    {
      // C3: a referral, never allocated.
      model::Chronology c(model::Child{.la_child_id = "C3", .birth_date = D(2019, 2, 2)});
      c.Add(MakeEvent(model::EventKind::kCinEpisode, D(2024, 2, 1)));
      children.push_back(std::move(c));
    }
    ASSERT_TRUE(store::SaveChronologies(**db, children, {"test", "setup"}).ok());
    const std::vector<model::Team> teams = {{"T1", "Child protection", "cin-cp"}, {"T2", "Children in care", "children-in-care"}};
    const std::vector<model::Worker> workers = {{.id = "SW1", .name = "One", .role = "social-worker", .team_id = "T1"},
                                                {.id = "SW2", .name = "Two", .role = "social-worker", .team_id = "T2"}};
    ASSERT_TRUE(store::SaveWorkforce(**db, teams, workers).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Outcome Run(std::vector<std::string> args) { return testing::RunCairn(std::move(args), D(2024, 3, 1)); }

  std::filesystem::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
  std::string db_;
};

TEST_F(TimescaleCli, DueJsonLinesHaveExactlyTheKeysInOrder) {
  const Outcome outcome = Run({"due", "--db", db_, "--as-at", "2024-03-01", "--format", "json"});
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  const std::vector<std::string> lines = SplitLines(outcome.out);
  ASSERT_GT(lines.size(), 5u);
  for (const std::string& line : lines) {
    const nlohmann::ordered_json object = nlohmann::ordered_json::parse(line);
    std::vector<std::string> keys;
    for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"child", "rule", "trigger", "due", "done", "status", "days"})) << line;
    EXPECT_TRUE(object["done"].is_null() || object["done"].is_string()) << line;
    EXPECT_TRUE(object["days"].is_number_integer()) << line;
  }
  // The hand-worked one: 10 working days after Monday 8 January 2024 is Monday 22 January.
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      R"({"child":"A1","rule":"cp.core-group-first-10wd","trigger":"2024-01-08","due":"2024-01-22","done":"2024-01-19","status":"met","days":0})"),
            lines.end())
      << outcome.out;
}

TEST_F(TimescaleCli, FiltersByChildRuleStatusWorkerAndTeam) {
  auto json_lines = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"due", "--db", db_, "--as-at", "2024-03-01", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Outcome outcome = Run(args);
    EXPECT_EQ(outcome.code, 0) << outcome.err;
    std::vector<nlohmann::json> objects;
    for (const std::string& line : SplitLines(outcome.out)) objects.push_back(nlohmann::json::parse(line));
    return objects;
  };
  const auto a1 = json_lines({"--child", "A1"});
  ASSERT_FALSE(a1.empty());
  for (const auto& object : a1) EXPECT_EQ(object["child"], "A1");

  const auto visits = json_lines({"--rule", "cp.visit"});
  ASSERT_EQ(visits.size(), 1u);
  EXPECT_EQ(visits[0]["child"], "A1");
  EXPECT_EQ(visits[0]["due"], "2024-01-22");
  EXPECT_EQ(visits[0]["status"], "overdue");
  EXPECT_EQ(visits[0]["days"], 39);

  const auto overdue = json_lines({"--status", "overdue"});
  ASSERT_FALSE(overdue.empty());
  for (const auto& object : overdue) EXPECT_EQ(object["status"], "overdue");

  const auto sw1 = json_lines({"--worker", "SW1"});
  ASSERT_FALSE(sw1.empty());
  for (const auto& object : sw1) EXPECT_EQ(object["child"], "A1");

  const auto team2 = json_lines({"--team", "T2"});
  ASSERT_FALSE(team2.empty());
  for (const auto& object : team2) EXPECT_EQ(object["child"], "B2");

  EXPECT_TRUE(json_lines({"--worker", "SW9"}).empty());
}

TEST_F(TimescaleCli, LiveLeavesOutMissesUnderEndedDuties) {
  // D4's plan ran 8 Jan - 29 Mar 2024 with no visit: the missed visit stays overdue (frozen at
  // the plan's end) in the full list, and is left out of the live one.
  {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    model::Chronology d(model::Child{.la_child_id = "D4", .birth_date = D(2016, 4, 1)});
    const int32_t episode = d.Add(MakeEvent(model::EventKind::kCinEpisode, D(2024, 1, 2)));
    d.Add(MakeEvent(model::EventKind::kCpPlan, D(2024, 1, 8), D(2024, 3, 29), episode));
    ASSERT_TRUE(store::SaveChronologies(**db, std::vector<model::Chronology>{d}, {"test", "setup"}).ok());
  }
  const Outcome all = Run({"due", "--db", db_, "--as-at", "2024-06-01", "--child", "D4", "--rule", "cp.visit",
                           "--format", "csv"});
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(all.out, "child,rule,trigger,due,done,status,days\nD4,cp.visit,2024-01-08,2024-01-22,,overdue,67\n");
  const Outcome live = Run({"due", "--db", db_, "--as-at", "2024-06-01", "--child", "D4", "--rule", "cp.visit",
                            "--format", "csv", "--live"});
  ASSERT_EQ(live.code, 0) << live.err;
  EXPECT_EQ(live.out, "child,rule,trigger,due,done,status,days\n");
}

TEST_F(TimescaleCli, BadAsAtIsAUsageError) {
  const Outcome outcome = Run({"due", "--db", db_, "--as-at", "2024-13-01"});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_TRUE(outcome.out.empty());
  EXPECT_NE(outcome.err.find("--as-at"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("'2024-13-01' is not a valid date: month 13 is not 1-12"), std::string::npos) << outcome.err;
  EXPECT_EQ(Run({"drift", "--db", db_, "--as-at", "1/3/2024"}).code, 2);
}

TEST_F(TimescaleCli, UnknownRuleSignalTeamOrChildIsAnErrorNamingIt) {
  const Outcome rule = Run({"due", "--db", db_, "--rule", "cp.vist"});
  EXPECT_EQ(rule.code, 1);
  EXPECT_NE(rule.err.find("there is no rule 'cp.vist'"), std::string::npos) << rule.err;
  EXPECT_NE(rule.err.find("cp.visit"), std::string::npos) << "the message lists the rules";
  EXPECT_EQ(rule.err.find('\n'), rule.err.size() - 1) << "one line: " << rule.err;

  const Outcome signal = Run({"drift", "--db", db_, "--rule", "drift.cp-plan-3y"});
  EXPECT_EQ(signal.code, 1);
  EXPECT_NE(signal.err.find("there is no drift signal 'drift.cp-plan-3y'"), std::string::npos) << signal.err;

  const Outcome team = Run({"due", "--db", db_, "--team", "T9"});
  EXPECT_EQ(team.code, 1);
  EXPECT_NE(team.err.find("there is no team 'T9'"), std::string::npos) << team.err;

  const Outcome child = Run({"due", "--db", db_, "--child", "Z9"});
  EXPECT_EQ(child.code, 1);
  EXPECT_NE(child.err.find("there is no child 'Z9'"), std::string::npos) << child.err;

  EXPECT_EQ(Run({"due", "--db", db_, "--status", "late"}).code, 2);
  EXPECT_EQ(Run({"due", "--db", db_, "--format", "xml"}).code, 2);
  EXPECT_EQ(Run({"due", "--as-at", "2024-03-01"}).code, 2);  // --db is required
}

TEST_F(TimescaleCli, AsAtDefaultsToTodayAndTableAndCsvWork) {
  const Outcome table = Run({"due", "--db", db_});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("child", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("for 3 children as at 2024-03-01"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("cp.core-group-first-10wd"), std::string::npos);

  const Outcome csv = Run({"due", "--db", db_, "--format", "csv", "--child", "A1", "--rule", "cp.visit"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out, "child,rule,trigger,due,done,status,days\nA1,cp.visit,2024-01-08,2024-01-22,,overdue,39\n");
}

TEST_F(TimescaleCli, LocalRulesChangeTheVisitFrequency) {
  const std::string local = (dir_ / "anytown.toml").string();
  std::ofstream(local) << "[rule.\"cp.visit\"]\ninterval = \"15 working days\"\n";
  // 15 working days after 8 Jan 2024: 29 Jan; as at 1 Mar, 32 days overdue.
  const Outcome outcome = Run({"due", "--db", db_, "--as-at", "2024-03-01", "--rule", "cp.visit", "--format", "csv",
                               "--local-rules", local});
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "child,rule,trigger,due,done,status,days\nA1,cp.visit,2024-01-08,2024-01-29,,overdue,32\n");

  std::ofstream(local) << "[rule.\"cla.review-first-20wd\"]\ninterval = \"30 working days\"\n";
  const Outcome refused = Run({"due", "--db", db_, "--local-rules", local});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("rule 'cla.review-first-20wd'"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("set nationally"), std::string::npos) << refused.err;
}

TEST_F(TimescaleCli, DriftJsonLinesAndAudit) {
  // As at 1 March 2024, A1 has two live overdue obligations (the plan's first visit and the
  // referral's supervision), so drift.many-overdue; C3 has been unallocated since referral.
  const Outcome outcome = Run({"drift", "--db", db_, "--as-at", "2024-03-01", "--format", "json"});
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  const std::vector<std::string> lines = SplitLines(outcome.out);
  ASSERT_FALSE(lines.empty());
  bool many_overdue = false;
  bool unallocated = false;
  for (const std::string& line : lines) {
    const nlohmann::ordered_json object = nlohmann::ordered_json::parse(line);
    std::vector<std::string> keys;
    for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"child", "signal", "since", "evidence"})) << line;
    ASSERT_TRUE(object["evidence"].is_array());
    EXPECT_FALSE(object["evidence"].empty()) << line;
    if (object["child"] == "A1" && object["signal"] == "drift.many-overdue") many_overdue = true;
    if (object["child"] == "C3" && object["signal"] == "drift.unallocated-5wd") unallocated = true;
  }
  EXPECT_TRUE(many_overdue) << outcome.out;
  EXPECT_TRUE(unallocated) << outcome.out;

  const Outcome filtered = Run({"drift", "--db", db_, "--as-at", "2024-03-01", "--format", "json", "--rule",
                                "drift.unallocated-5wd"});
  ASSERT_EQ(filtered.code, 0) << filtered.err;
  ASSERT_EQ(SplitLines(filtered.out).size(), 1u) << filtered.out;
  // Allocated nobody from 1 Feb 2024 (Thursday): 5 working days to Thursday 8 Feb; from Friday 9th.
  EXPECT_NE(filtered.out.find(R"("child":"C3","signal":"drift.unallocated-5wd","since":"2024-02-09")"), std::string::npos)
      << filtered.out;

  auto db = store::Connection::OpenExisting(db_);
  ASSERT_TRUE(db.ok());
  auto statement = (*db)->Prepare("SELECT count(*) FROM audit_log WHERE action = 'read' AND detail LIKE 'cairn drift%'");
  ASSERT_TRUE(statement.ok());
  ASSERT_TRUE((*statement)->Step().value());
  EXPECT_EQ((*statement)->ColumnInt(0), 2);
}

}  // namespace
}  // namespace cairn::cli
