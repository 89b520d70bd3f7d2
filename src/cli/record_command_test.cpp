// `cairn oversight add` end to end: what reaches the child's record, and that nothing does when
// any part of the oversight would be refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "store/audit.h"
#include "store/chronology_store.h"
#include "store/database.h"

namespace cairn::cli {
namespace {

using testing::Outcome;
namespace fs = std::filesystem;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

Outcome RunCairn(std::vector<std::string> args) { return testing::RunCairn(std::move(args), D(2025, 3, 31)); }

class OversightCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_record_cli_test_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("cairn.db");
    ASSERT_EQ(RunCairn({"init", "--db", db_}).code, 0);
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    model::Chronology chronology(model::Child{.la_child_id = "C42", .birth_date = D(2014, 2, 3)});
    chronology.Add(testing::MakeEvent(model::EventKind::kCinEpisode, D(2024, 10, 1), std::nullopt, -1,
                                      {{"ReferralSource", "2A"}, {"PrimaryNeedCode", "N1"}}));
    auto saved = store::SaveChronologies(**db, std::vector<model::Chronology>{chronology}, {"test", "setup"});
    ASSERT_TRUE(saved.ok()) << saved.status().message();
  }
  void TearDown() override { fs::remove_all(dir_); }

  model::Chronology Load() {
    auto db = store::Connection::OpenExisting(db_);
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return {};
    auto chronology = store::LoadChronology(**db, "C42");
    EXPECT_TRUE(chronology.ok() && chronology->has_value());
    return chronology.ok() && *chronology ? **chronology : model::Chronology();
  }

  std::vector<std::string> Add(std::vector<std::string> rest) {
    std::vector<std::string> args = {"oversight", "add",  "--db",   db_,          "--child",
                                     "C42",       "--date", "2025-03-20", "--type", "case-direction"};
    args.insert(args.end(), rest.begin(), rest.end());
    return args;
  }

  fs::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
  std::string db_;
};

size_t CountOf(const model::Chronology& chronology, model::EventKind kind) {
  return chronology.OfKind(kind).size();
}

TEST_F(OversightCli, AnOversightAndItsTwoDirectionsAreSavedUnderIt) {
  const Outcome outcome = RunCairn(Add({"--decision", "Escalate to a legal planning meeting",  //
                                        "--direction", "SW1,2025-04-04,Book the meeting, then tell the school",
                                        "--direction", " SW2 , 2025-04-11 , Update the plan "}));
  ASSERT_EQ(outcome.code, 0) << outcome.err;

  const model::Chronology chronology = Load();
  const auto& events = chronology.events();
  int32_t oversight = -1;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind == model::EventKind::kOversight) oversight = static_cast<int32_t>(i);
  }
  ASSERT_GE(oversight, 0);
  const model::Event& decision = events[static_cast<size_t>(oversight)];
  EXPECT_EQ(decision.start, D(2025, 3, 20));
  EXPECT_EQ(decision.Get("type"), "case-direction");
  EXPECT_EQ(decision.Get("decision"), "Escalate to a legal planning meeting");
  EXPECT_EQ(decision.provenance.source, "cairn");

  std::vector<const model::Event*> directions;
  for (const model::Event& event : events) {
    if (event.kind != model::EventKind::kDirection) continue;
    directions.push_back(&event);
    EXPECT_EQ(event.parent, oversight) << "a direction nests under the oversight that gave it";
    EXPECT_EQ(event.start, D(2025, 3, 20)) << "a direction is dated as its oversight";
  }
  ASSERT_EQ(directions.size(), 2u);
  std::sort(directions.begin(), directions.end(),
            [](const model::Event* a, const model::Event* b) { return a->Get("owner") < b->Get("owner"); });
  EXPECT_EQ(directions[0]->Get("owner"), "SW1");
  EXPECT_EQ(directions[0]->Get("due_date"), "2025-04-04");
  EXPECT_EQ(directions[0]->Get("action"), "Book the meeting, then tell the school") << "an action may hold commas";
  EXPECT_EQ(directions[1]->Get("owner"), "SW2");
  EXPECT_EQ(directions[1]->Get("due_date"), "2025-04-11");
  EXPECT_EQ(directions[1]->Get("action"), "Update the plan");

  // Each saved event's id is printed.
  EXPECT_NE(outcome.out.find("Recorded oversight event " + std::to_string(decision.id)), std::string::npos)
      << outcome.out;
  for (const model::Event* direction : directions) {
    EXPECT_NE(outcome.out.find("Recorded direction event " + std::to_string(direction->id)), std::string::npos)
        << outcome.out;
  }

  // Audited as the browser's saves are: one row per event, by the local operator's command,
  // naming the child and the event, never what was decided.
  auto db = store::Connection::OpenExisting(db_);
  ASSERT_TRUE(db.ok());
  store::AuditQuery query;
  query.child = "C42";
  auto rows = store::QueryAudit(**db, query);
  ASSERT_TRUE(rows.ok());
  int recorded = 0;
  for (const auto& row : *rows) {
    EXPECT_EQ(row.entry.detail.find("legal planning"), std::string::npos);
    EXPECT_EQ(row.entry.detail.find("Book the meeting"), std::string::npos);
    if (row.entry.action != "record") continue;
    ++recorded;
    EXPECT_EQ(row.entry.route, "cairn oversight add");
    EXPECT_EQ(row.entry.client, "local");
  }
  EXPECT_EQ(recorded, 3);
}

TEST_F(OversightCli, AnOversightWithoutDirectionsIsSaved) {
  const Outcome outcome = RunCairn(Add({"--decision", "Carry on"}));
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  const model::Chronology chronology = Load();
  EXPECT_EQ(CountOf(chronology, model::EventKind::kOversight), 1u);
  EXPECT_EQ(CountOf(chronology, model::EventKind::kDirection), 0u);
}

TEST_F(OversightCli, AMalformedDirectionIsNamedAndNothingIsSaved) {
  const size_t before = Load().events().size();

  const Outcome no_commas = RunCairn(Add({"--decision", "Escalate", "--direction", "SW1,2025-04-04,Book the meeting",
                                          "--direction", "SW2 by 2025-04-11 update the plan"}));
  EXPECT_EQ(no_commas.code, 1);
  EXPECT_NE(no_commas.err.find("--direction 2 'SW2 by 2025-04-11"), std::string::npos) << no_commas.err;
  EXPECT_NE(no_commas.err.find("OWNER,DUE_DATE,ACTION"), std::string::npos) << no_commas.err;
  EXPECT_NE(no_commas.err.find("nothing was saved"), std::string::npos) << no_commas.err;

  const Outcome bad_date = RunCairn(Add({"--decision", "Escalate", "--direction", "SW1,2025-04-04,Book the meeting",
                                         "--direction", "SW2,2025-13-01,Update the plan"}));
  EXPECT_EQ(bad_date.code, 1);
  EXPECT_NE(bad_date.err.find("--direction 2 for 'SW2', due_date"), std::string::npos) << bad_date.err;
  EXPECT_NE(bad_date.err.find("'2025-13-01' is not a date"), std::string::npos) << bad_date.err;

  // Due before it was given, with no owner: both problems of the one direction, each by field.
  const Outcome before_given = RunCairn(Add({"--decision", "Escalate", "--direction", ",2025-03-01,Update the plan"}));
  EXPECT_EQ(before_given.code, 1);
  EXPECT_NE(before_given.err.find("--direction 1, owner"), std::string::npos) << before_given.err;
  EXPECT_NE(before_given.err.find("--direction 1, due_date"), std::string::npos) << before_given.err;

  // The same owner and due date twice at one oversight: the store would keep only one.
  const Outcome twice = RunCairn(Add({"--decision", "Escalate", "--direction", "SW1,2025-04-04,Book the meeting",
                                      "--direction", "SW1,2025-04-04,Tell the school"}));
  EXPECT_EQ(twice.code, 1);
  EXPECT_NE(twice.err.find("--direction 2 for 'SW1', due_date"), std::string::npos) << twice.err;

  // A problem with the oversight itself is reported beside the directions'.
  const Outcome bad_type =
      RunCairn({"oversight", "add", "--db", db_, "--child", "C42", "--date", "2025-03-20", "--type", "chat",
                "--decision", "Escalate", "--direction", "SW1,soon,Book the meeting"});
  EXPECT_EQ(bad_type.code, 1);
  EXPECT_NE(bad_type.err.find("oversight, type"), std::string::npos) << bad_type.err;
  EXPECT_NE(bad_type.err.find("--direction 1 for 'SW1', due_date"), std::string::npos) << bad_type.err;

  for (const Outcome* refused : {&no_commas, &bad_date, &before_given, &twice, &bad_type}) {
    EXPECT_TRUE(refused->out.empty()) << refused->out;
  }
  const model::Chronology chronology = Load();
  EXPECT_EQ(chronology.events().size(), before);
  EXPECT_EQ(CountOf(chronology, model::EventKind::kOversight), 0u);
  EXPECT_EQ(CountOf(chronology, model::EventKind::kDirection), 0u);
}

TEST_F(OversightCli, ASecondOversightOnTheSameDayIsRefusedBeforeItsDirections) {
  ASSERT_EQ(RunCairn(Add({"--decision", "Carry on"})).code, 0);
  const Outcome again = RunCairn(Add({"--decision", "Escalate", "--direction", "SW1,2025-04-04,Book the meeting"}));
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already recorded on 2025-03-20"), std::string::npos) << again.err;
  const model::Chronology chronology = Load();
  EXPECT_EQ(CountOf(chronology, model::EventKind::kOversight), 1u);
  EXPECT_EQ(CountOf(chronology, model::EventKind::kDirection), 0u);
}

// Checked up front, a direction can still fail as it is saved (a locked or full database): by
// then the oversight is on the record, and the operator is told exactly what was and was not saved.
TEST_F(OversightCli, ADirectionThatFailsAfterTheOversightWasSavedSaysSo) {
  {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->ExecuteScript("CREATE TRIGGER refuse_second_direction BEFORE INSERT ON event "
                                     "WHEN NEW.kind = 'direction' AND (SELECT COUNT(*) FROM event WHERE kind = "
                                     "'direction') >= 1 BEGIN SELECT RAISE(ABORT, 'database is locked'); END;")
                    .ok());
  }
  const Outcome outcome = RunCairn(Add({"--decision", "Escalate", "--direction", "SW1,2025-04-04,Book the meeting",
                                        "--direction", "SW2,2025-04-11,Update the plan", "--direction",
                                        "SW3,2025-04-18,Tell the school"}));
  EXPECT_EQ(outcome.code, 1);
  const model::Chronology chronology = Load();
  ASSERT_EQ(CountOf(chronology, model::EventKind::kOversight), 1u);
  ASSERT_EQ(CountOf(chronology, model::EventKind::kDirection), 1u);
  const int64_t oversight = chronology.OfKind(model::EventKind::kOversight)[0]->id;
  EXPECT_NE(outcome.out.find("Recorded oversight event " + std::to_string(oversight)), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("Recorded direction event"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.err.find("the oversight WAS saved (event " + std::to_string(oversight) +
                             ") with its first 1 direction(s), but --direction 2 for 'SW2' could not be saved"),
            std::string::npos)
      << outcome.err;
  EXPECT_NE(outcome.err.find("the 1 after it were not tried"), std::string::npos) << outcome.err;
}

TEST_F(OversightCli, AnUnknownChildIsRefused) {
  const Outcome outcome =
      RunCairn({"oversight", "add", "--db", db_, "--child", "NOBODY", "--date", "2025-03-20", "--type", "supervision",
                "--decision", "Carry on", "--direction", "SW1,2025-04-04,Book the meeting"});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("no child 'NOBODY'"), std::string::npos) << outcome.err;
  EXPECT_TRUE(outcome.out.empty());
  auto db = store::Connection::OpenExisting(db_);
  ASSERT_TRUE(db.ok());
  auto nobody = store::LoadChronology(**db, "NOBODY");
  ASSERT_TRUE(nobody.ok());
  EXPECT_FALSE(nobody->has_value());
  EXPECT_EQ(CountOf(Load(), model::EventKind::kOversight), 0u);
}

TEST_F(OversightCli, AMissingDecisionIsAUsageError) {
  EXPECT_EQ(RunCairn({"oversight", "add", "--db", db_, "--child", "C42", "--date", "2025-03-20", "--type",
                      "supervision"})
                .code,
            2);
}

TEST_F(OversightCli, HelpShowsTheDirectionFormatAndExamples) {
  const Outcome outcome = RunCairn({"oversight", "add", "--help"});
  EXPECT_EQ(outcome.code, 0);
  EXPECT_NE(outcome.out.find("--direction"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("OWNER,DUE_DATE,ACTION"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("Examples:"), std::string::npos) << outcome.out;
}

}  // namespace
}  // namespace cairn::cli
