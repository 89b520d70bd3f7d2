#include "store/record_changes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/chronology_store.h"
#include "store/test_database.h"
#include "store/workforce_store.h"

namespace cairn::store {
namespace {

using model::Child;
using model::Chronology;
using model::Event;
using model::EventKind;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

Chronology ChildWithReferral(const std::string& id) {
  Chronology chronology(Child{.la_child_id = id, .birth_date = D(2015, 3, 27), .sex = "F"});
  Event cin{.kind = EventKind::kCinEpisode, .start = D(2023, 10, 6)};
  cin.Set("ReferralSource", "1A");
  chronology.Add(cin);
  return chronology;
}

Event Assessment(Date start) {
  Event event{.kind = EventKind::kAssessment, .start = start};
  return event;
}

class RecordChangesTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = database_.Open();
    ASSERT_NE(db_, nullptr);
  }

  void Save(const std::vector<Chronology>& chronologies) {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    auto report = SaveChronologies(*db_, chronologies, {"tester", "test"});
    ASSERT_TRUE(report.ok()) << report.status().message();
    ASSERT_TRUE(transaction->Commit().ok());
  }

  int64_t Generation() {
    auto generation = RecordGeneration(*db_);
    EXPECT_TRUE(generation.ok()) << generation.status().message();
    return generation.ok() ? *generation : -1;
  }

  RecordChanges Since(int64_t since, size_t most = 100) {
    auto changes = RecordChangesSince(*db_, since, most);
    EXPECT_TRUE(changes.ok()) << changes.status().message();
    return changes.ok() ? *changes : RecordChanges{};
  }

  // The id of the child's first event.
  int64_t FirstEventId(const std::string& la_child_id) {
    auto chronology = LoadChronology(*db_, la_child_id);
    EXPECT_TRUE(chronology.ok() && chronology->has_value());
    return (*chronology)->events().front().id;
  }

  TestDatabase database_{"cairn_record_changes_", GetParam()};
  std::unique_ptr<Connection> db_;
};

TEST_P(RecordChangesTest, ABulkSaveAsksForTheWholeCouncilAndAnUnchangedOneMovesNothing) {
  EXPECT_EQ(Generation(), 0);
  RecordChanges none = Since(0);
  EXPECT_FALSE(none.everything);
  EXPECT_TRUE(none.children.empty());

  Save({ChildWithReferral("C1"), ChildWithReferral("C2")});
  const int64_t after_import = Generation();
  EXPECT_EQ(after_import, 1) << "one save is one change, however many children it holds";
  RecordChanges imported = Since(0);
  EXPECT_TRUE(imported.everything);
  EXPECT_EQ(imported.generation, after_import);

  Save({ChildWithReferral("C1"), ChildWithReferral("C2")});
  EXPECT_EQ(Generation(), after_import) << "the same return again changes nothing";
}

TEST_P(RecordChangesTest, EachRecordedChangeNamesItsChild) {
  Save({ChildWithReferral("C1"), ChildWithReferral("C2"), ChildWithReferral("C3")});
  const int64_t start = Generation();
  const ChangeContext context{"worker", "corrected"};

  ASSERT_TRUE(AddEvent(*db_, "C1", Assessment(D(2023, 10, 9)), 0, "assessment|2023-10-09", context).ok());
  RecordChanges first = Since(start);
  EXPECT_FALSE(first.everything);
  EXPECT_EQ(first.children, std::vector<std::string>{"C1"});
  EXPECT_EQ(first.generation, start + 1);

  Event amended = ChildWithReferral("C2").events().front();
  amended.start = D(2023, 10, 7);
  ASSERT_TRUE(AmendEvent(*db_, FirstEventId("C2"), amended, context).ok());
  ASSERT_TRUE(WithdrawEvent(*db_, FirstEventId("C3"), context).ok());
  ASSERT_TRUE(AddEvent(*db_, "C1", Assessment(D(2023, 11, 9)), 0, "assessment|2023-11-09", context).ok());

  RecordChanges all = Since(start);
  EXPECT_FALSE(all.everything);
  EXPECT_EQ(all.children, (std::vector<std::string>{"C1", "C2", "C3"})) << "each child once";
  EXPECT_EQ(all.generation, start + 4);
  EXPECT_EQ(Since(start + 1).children, (std::vector<std::string>{"C1", "C2", "C3"}));
  EXPECT_EQ(Since(start + 2).children, (std::vector<std::string>{"C1", "C3"}));
  EXPECT_TRUE(Since(start + 4).children.empty());
  EXPECT_TRUE(Since(start, 2).everything) << "more changes than are worth loading one by one";
  EXPECT_TRUE(Since(start + 10).everything) << "a database behind the reader (restored) is loaded again whole";
}

TEST_P(RecordChangesTest, AChangeRolledBackLeavesTheGenerationAlone) {
  Save({ChildWithReferral("C1")});
  const int64_t start = Generation();
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(AddEvent(*db_, "C1", Assessment(D(2023, 10, 9)), 0, "assessment|2023-10-09", {"w", "r"}).ok());
  }  // not committed
  EXPECT_EQ(Generation(), start);
  EXPECT_TRUE(Since(start).children.empty());
}

TEST_P(RecordChangesTest, TheWorkforceChangingAsksForTheWholeCouncil) {
  Save({ChildWithReferral("C1")});
  const int64_t start = Generation();
  const model::Team team{.id = "T1", .name = "Assessment 1", .service = "assessment"};
  ASSERT_TRUE(SaveWorkforce(*db_, std::span(&team, 1), {}).ok());
  EXPECT_TRUE(Since(start).everything);
}

CAIRN_TEST_ON_BOTH_BACKENDS(RecordChangesTest);

// On PostgreSQL two servers write side by side: the second writer of a record waits for the
// first to commit, so generations follow the order of commits and a reader never sees a later
// generation before an earlier one's change.
TEST(RecordChangesOnPostgres, WritersTakeTurnsSoGenerationsFollowCommits) {
  TestDatabase database("cairn_record_changes_turns_", Backend::kPostgres);
  std::unique_ptr<Connection> first = database.Open();
  ASSERT_NE(first, nullptr);
  auto second = Connection::Open(database.target());
  ASSERT_TRUE(second.ok());
  {
    auto transaction = Transaction::Begin(*first);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(SaveChronologies(*first, std::vector<Chronology>{ChildWithReferral("C1"), ChildWithReferral("C2")},
                                 {"tester", "test"})
                    .ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  const int64_t start = *RecordGeneration(*first);

  auto holding = Transaction::Begin(*first);
  ASSERT_TRUE(holding.ok());
  ASSERT_TRUE(AddEvent(*first, "C1", Assessment(D(2023, 10, 9)), 0, "assessment|2023-10-09", {"w", "r"}).ok());

  std::atomic<bool> second_done{false};
  Status second_status;
  std::thread other([&] {
    auto transaction = Transaction::Begin(**second);
    second_status = transaction.status();
    if (transaction.ok()) {
      Result<int64_t> added = AddEvent(**second, "C2", Assessment(D(2023, 10, 9)), 0, "assessment|2023-10-09", {"w", "r"});
      second_status = added.ok() ? transaction->Commit() : added.status();
    }
    second_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(second_done) << "the second writer went ahead while the first held the generation";
  ASSERT_TRUE(holding->Commit().ok());
  other.join();
  ASSERT_TRUE(second_status.ok()) << second_status.message();

  auto changes = RecordChangesSince(*first, start, 100);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->generation, start + 2);
  EXPECT_EQ(changes->children, (std::vector<std::string>{"C1", "C2"}));
  auto after_first = RecordChangesSince(*first, start + 1, 100);
  ASSERT_TRUE(after_first.ok());
  EXPECT_EQ(after_first->children, std::vector<std::string>{"C2"}) << "the first to commit took the first number";
}

}  // namespace
}  // namespace cairn::store
