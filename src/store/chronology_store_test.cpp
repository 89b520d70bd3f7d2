#include "store/chronology_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "store/migrations.h"
#include "store/record_changes.h"
#include "store/test_database.h"

namespace cairn::store {
namespace {

using model::Child;
using model::Chronology;
using model::Event;
using model::EventKind;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

class ChronologyStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = database_.Open();
    ASSERT_NE(db_, nullptr);
  }
  // Whatever a test wrote through the store, every child has a current chronology image and it
  // reads back as the child's rows do.
  void TearDown() override {
    if (db_ != nullptr && check_images_) {
      const Status images = CheckChronologyImages(*db_);
      EXPECT_TRUE(images.ok()) << images.message();
      EXPECT_EQ(Count(kChildrenWithoutACurrentImage), 0);
    }
    db_.reset();
  }

  static constexpr const char* kChildrenWithoutACurrentImage =
      "SELECT count(*) FROM child c LEFT JOIN chronology_image i ON i.child_id = c.id WHERE i.child_id IS NULL "
      "OR i.generation < (SELECT COALESCE(max(h.generation), 0) FROM child_change h WHERE h.child_id = c.id)";

  Result<SaveReport> Save(const std::vector<Chronology>& chronologies, const std::string& reason = "test") {
    auto transaction = Transaction::Begin(*db_);
    if (!transaction.ok()) return transaction.status();
    auto report = SaveChronologies(*db_, chronologies, {"tester", reason});
    if (report.ok()) {
      Status committed = transaction->Commit();
      if (!committed.ok()) return committed;
    }
    return report;
  }

  int64_t Count(const std::string& sql) {
    auto statement = db_->Prepare(sql);
    EXPECT_TRUE(statement.ok()) << statement.status().message();
    auto row = (*statement)->Step();
    EXPECT_TRUE(row.ok() && *row);
    return (*statement)->ColumnInt(0);
  }

  TestDatabase database_{"cairn_chronology_", GetParam()};
  std::unique_ptr<Connection> db_;
  bool check_images_ = true;  // off in tests that damage rows on purpose
};

Chronology SampleChild() {
  Chronology chronology(Child{.la_child_id = "C001",
                              .upn = "A123456789012",
                              .birth_date = D(2015, 3, 27),
                              .sex = "F",
                              .ethnicity = "WBRI",
                              .disabilities = {"HAND", "HEAR"}});
  Event cin{.kind = EventKind::kCinEpisode, .start = D(2023, 10, 6), .end = D(2024, 2, 27)};
  cin.Set("ReferralSource", "1A");
  cin.Set("PrimaryNeedCode", "N4");
  cin.provenance = {"cin-census", {2024}};
  const int32_t episode = chronology.Add(cin);
  Event plan{.kind = EventKind::kCpPlan, .start = D(2023, 11, 1), .end = D(2024, 2, 20), .parent = episode};
  plan.Set("InitialCategoryOfAbuse", "NEG");
  plan.provenance = {"cin-census", {2024}};
  const int32_t plan_index = chronology.Add(plan);
  Event review{.kind = EventKind::kCpReview, .start = D(2024, 1, 30), .parent = plan_index};
  review.provenance = {"cin-census", {2024}};
  chronology.Add(review);
  return chronology;
}

TEST_P(ChronologyStoreTest, SavesAndLoadsAChronologyExactly) {
  const Chronology original = SampleChild();
  auto report = Save({original});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->children_added, 1);
  EXPECT_EQ(report->events_added, 3);

  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  const Chronology& back = **loaded;
  EXPECT_EQ(back.child(), original.child());
  ASSERT_EQ(back.events().size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(back.events()[i].SameContent(original.events()[i])) << i;
    EXPECT_EQ(back.events()[i].parent, original.events()[i].parent) << i;
    EXPECT_EQ(back.events()[i].provenance, original.events()[i].provenance) << i;
    EXPECT_GT(back.events()[i].id, 0);
  }
  auto missing = LoadChronology(*db_, "nobody");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(ChronologyStoreTest, ReSavingIsIdempotent) {
  ASSERT_TRUE(Save({SampleChild()}).ok());
  auto again = Save({SampleChild()});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->children_added, 0);
  EXPECT_EQ(again->children_updated, 0);
  EXPECT_EQ(again->events_added, 0);
  EXPECT_EQ(again->events_unchanged, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event_revision"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 1) << "only the first save changed the record";
}

TEST_P(ChronologyStoreTest, ChangedContentIsAnAmendmentThatKeepsHistory) {
  ASSERT_TRUE(Save({SampleChild()}).ok());
  Chronology changed = SampleChild();
  changed.mutable_events()[1].end = D(2024, 3, 5);  // the plan ended later than first reported
  changed.mutable_events()[1].provenance = {"cin-census", {2025}};
  auto report = Save({changed}, "imported from cin-2025.xml");
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->events_amended, 1);
  EXPECT_EQ(report->events_unchanged, 2);

  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  const Event& plan = (**loaded).events()[1];
  EXPECT_EQ(plan.end, D(2024, 3, 5));
  EXPECT_EQ(plan.provenance.reported_in_years, (std::vector<int>{2024, 2025}));
  auto history = EventHistory(*db_, plan.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].action, "amended");
  EXPECT_EQ((*history)[0].recorded_by, "tester");
  EXPECT_EQ((*history)[0].reason, "imported from cin-2025.xml");
  const auto previous = nlohmann::json::parse((*history)[0].previous);
  EXPECT_EQ(previous["end"], "2024-02-20");

  // The child's page reads the same history in one query, naming the event it belongs to.
  auto child_history = ChildEventHistory(*db_, "C001");
  ASSERT_TRUE(child_history.ok()) << child_history.status().message();
  ASSERT_EQ(child_history->size(), 1u);
  EXPECT_EQ((*child_history)[0].event_id, plan.id);
  EXPECT_EQ((*child_history)[0].kind, "cp-plan");
  EXPECT_EQ((*child_history)[0].revision.reason, "imported from cin-2025.xml");
  EXPECT_EQ((*child_history)[0].revision.previous, (*history)[0].previous);
  auto other = ChildEventHistory(*db_, "NOBODY");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TEST_P(ChronologyStoreTest, ChildDetailsMergeWithoutBlankingAndKeepHistory) {
  ASSERT_TRUE(Save({SampleChild()}).ok());
  Chronology from_903(Child{.la_child_id = "C001", .upn = "", .ethnicity = "WIRI", .uasc = true});
  auto report = Save({from_903});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->children_updated, 1);
  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((**loaded).child().upn, "A123456789012");  // not blanked
  EXPECT_EQ((**loaded).child().ethnicity, "WIRI");
  EXPECT_TRUE((**loaded).child().uasc);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child_revision"), 1);
}

Chronology NamedChild() {
  Chronology chronology = SampleChild();
  chronology.mutable_child().given_name = "Jessica";
  chronology.mutable_child().family_name = "Okafor";
  chronology.mutable_child().preferred_name = "Jess";
  return chronology;
}

// Every text in the audit log, for checking that no name went into it.
std::string AuditText(Connection& db) {
  auto select = db.Prepare("SELECT actor || '|' || action || '|' || detail FROM audit_log ORDER BY id");
  EXPECT_TRUE(select.ok());
  std::string text;
  while (true) {
    auto row = (*select)->Step();
    if (!row.ok() || !*row) break;
    text += std::string((*select)->ColumnText(0)) + "\n";
  }
  return text;
}

TEST_P(ChronologyStoreTest, NamesAreSavedAndLoaded) {
  const Chronology named = NamedChild();
  ASSERT_TRUE(Save({named, Chronology(Child{.la_child_id = "A999"})}).ok());
  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value()) << loaded.status().message();
  EXPECT_EQ((**loaded).child(), named.child());
  auto all = LoadAllChronologies(*db_);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].child().given_name, "") << "a child saved without names has none";
  EXPECT_EQ((*all)[1].child().given_name, "Jessica");
  EXPECT_EQ((*all)[1].child().family_name, "Okafor");
  EXPECT_EQ((*all)[1].child().preferred_name, "Jess");
  EXPECT_EQ(AuditText(*db_).find("Jess"), std::string::npos) << AuditText(*db_);
  EXPECT_EQ(AuditText(*db_).find("Okafor"), std::string::npos);
}

TEST_P(ChronologyStoreTest, AChangedNameKeepsThePreviousNamesInTheRevision) {
  ASSERT_TRUE(Save({NamedChild()}).ok());
  Chronology renamed = NamedChild();
  renamed.mutable_child().family_name = "Okafor-Hughes";
  renamed.mutable_child().preferred_name = "";  // not given: the held one stays
  auto report = Save({renamed}, "surname changed by deed poll");
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->children_updated, 1);
  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((**loaded).child().family_name, "Okafor-Hughes");
  EXPECT_EQ((**loaded).child().preferred_name, "Jess");

  // A later change that leaves the names alone does not copy them into its revision.
  Chronology moved = NamedChild();
  moved.mutable_child().family_name = "";
  moved.mutable_child().ethnicity = "WIRI";
  ASSERT_TRUE(Save({moved}).ok());

  auto revisions = db_->Prepare("SELECT reason, previous FROM child_revision ORDER BY id");
  ASSERT_TRUE(revisions.ok());
  ASSERT_TRUE(*(*revisions)->Step());
  EXPECT_EQ((*revisions)->ColumnText(0), "surname changed by deed poll");
  const auto before_rename = nlohmann::json::parse((*revisions)->ColumnText(1));
  EXPECT_EQ(before_rename["given_name"], "Jessica");
  EXPECT_EQ(before_rename["family_name"], "Okafor");
  EXPECT_EQ(before_rename["preferred_name"], "Jess");
  ASSERT_TRUE(*(*revisions)->Step());
  const auto before_move = nlohmann::json::parse((*revisions)->ColumnText(1));
  EXPECT_EQ(before_move["ethnicity"], "WBRI");
  EXPECT_FALSE(before_move.contains("given_name")) << before_move.dump();
  EXPECT_FALSE(before_move.contains("family_name"));
  EXPECT_FALSE(before_move.contains("preferred_name"));
  EXPECT_FALSE(*(*revisions)->Step());
  EXPECT_EQ(AuditText(*db_).find("Okafor"), std::string::npos) << AuditText(*db_);
}

TEST_P(ChronologyStoreTest, AReturnWithoutNamesNeverBlanksThem) {
  ASSERT_TRUE(Save({NamedChild()}).ok());
  // As an SSDA903 or CIN import brings the child: no names at all.
  auto report = Save({SampleChild()}, "imported from header.csv");
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->children_updated, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child_revision"), 0);
  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((**loaded).child(), NamedChild().child());
}

TEST_P(ChronologyStoreTest, AwkwardNamesSurviveByteForByte) {
  Chronology awkward(Child{.la_child_id = "C004"});
  awkward.mutable_child().given_name = "<script>alert('x')</script>";
  awkward.mutable_child().family_name = "O'Brien \"Bobby\" Smith-Jones \\ ; DROP TABLE child; --";
  awkward.mutable_child().preferred_name = "Zo\xC3\xAB \xC3\x91\xC3\xBA\xC3\xB1" "ez \xE6\x9D\x8E \xF0\x9F\x98\x80";
  ASSERT_TRUE(Save({awkward}).ok());
  auto stored = db_->Prepare("SELECT given_name, family_name, preferred_name FROM child WHERE la_child_id = 'C004'");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(*(*stored)->Step());
  EXPECT_EQ((*stored)->ColumnText(0), awkward.child().given_name);
  EXPECT_EQ((*stored)->ColumnText(1), awkward.child().family_name);
  EXPECT_EQ((*stored)->ColumnText(2), awkward.child().preferred_name);
  stored->reset();
  auto loaded = LoadChronology(*db_, "C004");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((**loaded).child(), awkward.child());

  // And through a revision's JSON.
  Chronology renamed = awkward;
  renamed.mutable_child().given_name = "Zo\xC3\xAB";
  ASSERT_TRUE(Save({renamed}).ok());
  auto previous = db_->Prepare("SELECT previous FROM child_revision");
  ASSERT_TRUE(previous.ok());
  ASSERT_TRUE(*(*previous)->Step());
  const auto json = nlohmann::json::parse((*previous)->ColumnText(0));
  EXPECT_EQ(json["given_name"], awkward.child().given_name);
  EXPECT_EQ(json["family_name"], awkward.child().family_name);
  EXPECT_EQ(json["preferred_name"], awkward.child().preferred_name);
}

TEST_P(ChronologyStoreTest, ANameThatIsNotUtf8IsRefusedWithoutRepeatingIt) {
  Chronology bad = NamedChild();
  bad.mutable_child().family_name = "Okaf\xFFor";
  auto report = Save({bad});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(report.status().message().find("family name of child C001"), std::string::npos)
      << report.status().message();
  EXPECT_EQ(report.status().message().find("Okaf"), std::string::npos) << report.status().message();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 0);
}

TEST_P(ChronologyStoreTest, ChildrenSavedBeforeNamesWereKeptHaveNone) {
  auto migrations = BuiltInMigrations();
  ASSERT_TRUE(migrations.ok());
  auto names = std::find_if(migrations->begin(), migrations->end(),
                            [](const Migration& m) { return m.name == "0004_child_names.sql"; });
  ASSERT_NE(names, migrations->end());
  // A database as it was before the names migration, with a child in it.
  TestDatabase older("cairn_chronology_older_", GetParam());
  auto opened = Connection::Open(older.target());
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  db_ = std::move(opened).value();
  const std::vector<Migration> before(migrations->begin(), names);
  ASSERT_TRUE(Migrate(*db_, before).ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO child (la_child_id, sex, created_at, updated_at) "
                           "VALUES ('C009', 'F', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')")
                  .ok());
  auto migrated = Migrate(*db_, *migrations);
  ASSERT_TRUE(migrated.ok()) << migrated.status().message();
  auto loaded = LoadChronology(*db_, "C009");
  ASSERT_TRUE(loaded.ok() && loaded->has_value()) << loaded.status().message();
  EXPECT_EQ((**loaded).child().sex, "F");
  EXPECT_EQ((**loaded).child().given_name, "");
  EXPECT_EQ((**loaded).child().family_name, "");
  EXPECT_EQ((**loaded).child().preferred_name, "");
  // Migrating also made the child's chronology image (migration 0011 came after it).
  EXPECT_EQ(Count("SELECT count(*) FROM chronology_image"), 1);
  EXPECT_EQ(Count(kChildrenWithoutACurrentImage), 0);
  EXPECT_TRUE(CheckChronologyImages(*db_).ok());
  db_.reset();  // `older` goes before TearDown would look at it
}

TEST_P(ChronologyStoreTest, WithdrawnEventsLeaveTheChronologyButNotHistoryAndStayWithdrawn) {
  ASSERT_TRUE(Save({SampleChild()}).ok());
  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  const int64_t review_id = (**loaded).events()[2].id;
  ASSERT_TRUE(WithdrawEvent(*db_, review_id, {"tester", "entered on the wrong child"}).ok());
  EXPECT_FALSE(WithdrawEvent(*db_, review_id, {"tester", "again"}).ok());
  EXPECT_FALSE(WithdrawEvent(*db_, review_id + 1000, {"tester", "no such"}).ok());

  auto after = LoadChronology(*db_, "C001");
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((**after).events().size(), 2u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event"), 3);

  // Importing the old return again does not bring it back.
  auto report = Save({SampleChild()});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->events_added, 0);
  auto still = LoadChronology(*db_, "C001");
  ASSERT_TRUE(still.ok() && still->has_value());
  EXPECT_EQ((**still).events().size(), 2u);
}

TEST_P(ChronologyStoreTest, AmendEventValidatesAndRecords) {
  ASSERT_TRUE(Save({SampleChild()}).ok());
  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  Event plan = (**loaded).events()[1];
  plan.Set("LatestCategoryOfAbuse", "EMO");
  EXPECT_FALSE(AmendEvent(*db_, plan.id, plan, {"tester", ""}).ok()) << "a reason is required";
  Event backwards = plan;
  backwards.end = D(2020, 1, 1);
  EXPECT_FALSE(AmendEvent(*db_, plan.id, backwards, {"tester", "typo"}).ok());
  Event wrong_kind = plan;
  wrong_kind.kind = EventKind::kCinPlan;
  EXPECT_FALSE(AmendEvent(*db_, plan.id, wrong_kind, {"tester", "typo"}).ok());
  ASSERT_TRUE(AmendEvent(*db_, plan.id, plan, {"tester", "category changed at review"}).ok());
  auto after = LoadChronology(*db_, "C001");
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((**after).events()[1].Get("LatestCategoryOfAbuse"), "EMO");
  auto history = EventHistory(*db_, plan.id);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 1u);
}

TEST_P(ChronologyStoreTest, DuplicateEventsInOneChronologyAreRefused) {
  Chronology chronology = SampleChild();
  chronology.Add(chronology.events()[0]);  // the same CIN episode twice
  auto report = Save({chronology});
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("C001"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 0) << "the failed save rolled back";
}

TEST_P(ChronologyStoreTest, AuditRecordsIdentifiersOnly) {
  ASSERT_TRUE(Save({SampleChild()}).ok());
  ASSERT_TRUE(RecordAudit(*db_, "tester", "read", "C001", "cairn child show").ok());
  ASSERT_TRUE(RecordAudit(*db_, "tester", "export", "", "ssda903 2024").ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'create'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND children = 'C001'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND children = ''"), 1);
}

TEST_P(ChronologyStoreTest, LoadAllOrdersChildrenById) {
  Chronology a = SampleChild();
  Chronology b(Child{.la_child_id = "A999"});
  ASSERT_TRUE(Save({a, b}).ok());
  auto all = LoadAllChronologies(*db_);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].child().la_child_id, "A999");
  EXPECT_EQ((*all)[1].events().size(), 3u);
}

TEST_P(ChronologyStoreTest, AChildWhoseEventsAreSavedAtDifferentTimesLoadsWhole) {
  // A's first events, then B's, then more of A's: A's events are not side by side in the table.
  Chronology a = SampleChild();
  Chronology b(Child{.la_child_id = "B002"});
  b.Add(Event{.kind = EventKind::kCinEpisode, .start = D(2023, 5, 1)});
  ASSERT_TRUE(Save({a, b}).ok());
  Event visit{.kind = EventKind::kCpReview, .start = D(2023, 12, 15), .parent = 1};
  visit.provenance = {"cin-census", {2024}};
  a.Add(visit);
  ASSERT_TRUE(Save({a}).ok());
  auto all = LoadAllChronologies(*db_);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  const Chronology& loaded = (*all)[1].child().la_child_id == "C001" ? (*all)[1] : (*all)[0];
  ASSERT_EQ(loaded.events().size(), 4u);
  // In date order, each review under the plan, as one child's own load gives it.
  auto alone = LoadChronology(*db_, "C001");
  ASSERT_TRUE(alone.ok() && alone->has_value());
  ASSERT_EQ((*alone)->events().size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(loaded.events()[i].SameContent((*alone)->events()[i])) << i;
    EXPECT_EQ(loaded.events()[i].parent, (*alone)->events()[i].parent) << i;
  }
  EXPECT_EQ(loaded.events()[2].start, D(2023, 12, 15));
  EXPECT_EQ(loaded.events()[2].parent, 1) << "the later review sits under the plan";
}

// The indexes of the tables a load fills, as the database's catalogue holds them.
std::vector<std::string> IndexSql(Connection& db) {
  auto select = db.Prepare(db.backend_name() == "sqlite"
                               ? "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                 "ORDER BY name"
                               : "SELECT indexname || ': ' || indexdef FROM pg_indexes "
                                 "WHERE schemaname = current_schema() ORDER BY indexname");
  EXPECT_TRUE(select.ok());
  std::vector<std::string> indexes;
  while (true) {
    auto row = (*select)->Step();
    if (!row.ok() || !*row) break;
    indexes.emplace_back((*select)->ColumnText(0));
  }
  return indexes;
}

int64_t CacheSize(Connection& db) {
  auto select = db.Prepare("PRAGMA cache_size");
  EXPECT_TRUE(select.ok());
  auto row = (*select)->Step();
  EXPECT_TRUE(row.ok() && *row);
  return (*select)->ColumnInt(0);
}

// SQLite only: a load into an empty SQLite database drops the indexes and builds them once at the
// end (PostgreSQL loads with COPY instead).
class ChronologyStoreOnSqliteTest : public ChronologyStoreTest {};
INSTANTIATE_TEST_SUITE_P(Sqlite, ChronologyStoreOnSqliteTest, ::testing::Values(Backend::kSqlite), BackendTestName);

TEST_P(ChronologyStoreOnSqliteTest, WriterIntoAnEmptyDatabaseBuildsTheIndexesOnceAtTheEnd) {
  const std::vector<std::string> indexes = IndexSql(*db_);
  ASSERT_GE(indexes.size(), 3u);
  const int64_t cache_size = CacheSize(*db_);
  auto transaction = Transaction::Begin(*db_);
  ASSERT_TRUE(transaction.ok());
  auto writer = ChronologyWriter::Start(*db_, {"tester", "load"});
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  EXPECT_TRUE(writer->deferring_indexes());
  EXPECT_LT(IndexSql(*db_).size(), indexes.size());
  Chronology b = SampleChild();
  b.mutable_child().la_child_id = "C002";
  ASSERT_TRUE(writer->Save(std::vector<Chronology>{SampleChild()}).ok());
  ASSERT_TRUE(writer->Save(std::vector<Chronology>{b}).ok());
  auto report = writer->Finish();
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->children_added, 2);
  EXPECT_EQ(report->events_added, 6);
  EXPECT_FALSE(writer->deferring_indexes());
  EXPECT_EQ(IndexSql(*db_), indexes) << "re-created exactly as the migrations declared them";
  EXPECT_EQ(CacheSize(*db_), cache_size);
  EXPECT_EQ(writer->Save(std::vector<Chronology>{b}).code(), Status::Code::kFailedPrecondition);
  ASSERT_TRUE(transaction->Commit().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event_report"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 2);
}

TEST_P(ChronologyStoreTest, WriterKeepsIndexesWhenTheDatabaseHoldsChildrenOrNoTransactionIsOpen) {
  {
    auto writer = ChronologyWriter::Start(*db_, {"tester", "outside a transaction"});
    ASSERT_TRUE(writer.ok());
    EXPECT_FALSE(writer->deferring_indexes());
    ASSERT_TRUE(writer->Save(std::vector<Chronology>{SampleChild()}).ok());
    ASSERT_TRUE(writer->Finish().ok());
  }
  auto transaction = Transaction::Begin(*db_);
  ASSERT_TRUE(transaction.ok());
  auto writer = ChronologyWriter::Start(*db_, {"tester", "not empty"});
  ASSERT_TRUE(writer.ok());
  EXPECT_FALSE(writer->deferring_indexes());
}

TEST_P(ChronologyStoreTest, AChildGivenTwiceInALoadIntoAnEmptyDatabaseIsMatched) {
  const std::vector<std::string> indexes = IndexSql(*db_);
  Chronology again = SampleChild();
  again.mutable_events()[1].end = D(2024, 3, 5);
  auto report = Save({SampleChild(), Chronology(Child{.la_child_id = "C003"}), again});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->children_added, 2);
  EXPECT_EQ(report->events_added, 3);
  EXPECT_EQ(report->events_amended, 1);
  EXPECT_EQ(report->events_unchanged, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event_revision"), 1);
  EXPECT_EQ(IndexSql(*db_), indexes);
}

TEST_P(ChronologyStoreOnSqliteTest, AWriterDroppedWithoutFinishingPutsTheIndexesBack) {
  const std::vector<std::string> indexes = IndexSql(*db_);
  auto transaction = Transaction::Begin(*db_);
  ASSERT_TRUE(transaction.ok());
  {
    auto writer = ChronologyWriter::Start(*db_, {"tester", "load"});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->deferring_indexes());
    ASSERT_TRUE(writer->Save(std::vector<Chronology>{SampleChild()}).ok());
  }
  EXPECT_EQ(IndexSql(*db_), indexes);
  ASSERT_TRUE(transaction->Commit().ok());
  EXPECT_EQ(IndexSql(*db_), indexes);
}

TEST_P(ChronologyStoreTest, ReportedYearsAreAddedOnceHoweverManyAreSaved) {
  // More events than one multi-row insert of event_report takes, and an odd remainder.
  auto many = [](std::vector<int> years) {
    Chronology chronology = SampleChild();
    for (int i = 0; i < 150; ++i) {
      Event review{.kind = EventKind::kCpReview, .start = D(2024, 2, 1).AddDays(i), .parent = 1};
      review.provenance = {"cin-census", years};
      chronology.Add(review);
    }
    return chronology;
  };
  ASSERT_TRUE(Save({many({2024})}).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event_report"), 153);
  auto again = Save({many({2024, 2025})});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->events_unchanged, 153);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event_report"), 153 + 150);
  ASSERT_TRUE(Save({many({2024, 2025})}).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event_report"), 153 + 150);
  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  int both = 0;
  for (const Event& event : (**loaded).events()) both += event.provenance.reported_in_years == std::vector<int>{2024, 2025};
  EXPECT_EQ(both, 150);
}

TEST_P(ChronologyStoreTest, StoredFieldsAreTheJsonThatNlohmannWrites) {
  Chronology chronology(Child{.la_child_id = "C001"});
  Event cin{.kind = EventKind::kCinEpisode, .start = D(2023, 10, 6)};
  std::string every_control;
  for (char c = 1; c < 0x20; ++c) every_control += c;
  const std::vector<model::Field> fields = {{"ReferralSource", "quote \" backslash \\ slash / tab \t"},
                                            {"PrimaryNeedCode", every_control + "\x7f"},
                                            {"ReasonForClosure", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
                                            {"Empty", ""},
                                            {"ReferralSource", "given twice: last value, first place"}};
  cin.fields = fields;
  chronology.Add(cin);
  ASSERT_TRUE(Save({chronology}).ok());
  nlohmann::ordered_json expected = nlohmann::ordered_json::object();
  for (const model::Field& field : fields) expected[field.name] = field.value;
  auto stored = db_->Prepare("SELECT fields FROM event");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(*(*stored)->Step());
  EXPECT_EQ((*stored)->ColumnText(0), expected.dump());

  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value()) << loaded.status().message();
  EXPECT_EQ((**loaded).events()[0].Get("PrimaryNeedCode"), every_control + "\x7f");
}

TEST_P(ChronologyStoreTest, FieldsThatAreNotUtf8AreRefusedNotStored) {
  for (const char* bad : {"\xff", "caf\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    Chronology chronology(Child{.la_child_id = "C001"});
    Event cin{.kind = EventKind::kCinEpisode, .start = D(2023, 10, 6)};
    cin.Set("ReferralSource", bad);
    chronology.Add(cin);
    auto report = Save({chronology});
    ASSERT_FALSE(report.ok()) << bad;
    EXPECT_EQ(report.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(report.status().message().find("ReferralSource"), std::string::npos) << report.status().message();
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event"), 0);
}

}  // namespace
}  // namespace cairn::store

namespace cairn::store {
namespace {

TEST_P(ChronologyStoreTest, AwkwardFieldValuesLoadBackExactly) {
  Chronology chronology(Child{.la_child_id = "C002", .birth_date = D(2015, 3, 27)});
  Event visit{.kind = EventKind::kVisit, .start = D(2024, 1, 5)};
  visit.Set("purpose", "quote \" backslash \\ slash / tab \t newline \n return \r");
  visit.Set("child_seen", "caf\xC3\xA9 \xF0\x9F\x98\x80");  // UTF-8 is stored as it is
  visit.Set("seen_alone", std::string("control \x01 and \x1f", 15));  // written as \u escapes
  chronology.Add(visit);
  Event empty{.kind = EventKind::kSupervision, .start = D(2024, 1, 6)};  // no fields at all
  chronology.Add(empty);
  ASSERT_TRUE(Save({chronology}).ok());
  auto loaded = LoadChronology(*db_, "C002");
  ASSERT_TRUE(loaded.ok() && loaded->has_value()) << loaded.status().message();
  ASSERT_EQ((*loaded)->events().size(), 2u);
  EXPECT_EQ((*loaded)->events()[0].fields, chronology.events()[0].fields);
  EXPECT_TRUE((*loaded)->events()[1].fields.empty());
}

TEST_P(ChronologyStoreTest, DamagedStoredFieldsAreDataLossNotACrash) {
  ASSERT_TRUE(Save({SampleChild()}).ok());
  // Without images the rows are read.
  ASSERT_TRUE(db_->Execute("DELETE FROM chronology_image").ok());
  check_images_ = false;
  for (const char* damaged : {"{\"ReferralSource\":\"1A\"", "{\"ReferralSource\":1}", "[]", "", "{\"a\":\"\\q\"}"}) {
    ASSERT_TRUE(db_->Execute("UPDATE event SET fields = $1 WHERE kind = 'cin-episode'", {std::string(damaged)}).ok());
    auto loaded = LoadAllChronologies(*db_);
    ASSERT_FALSE(loaded.ok()) << damaged;
    EXPECT_EQ(loaded.status().code(), Status::Code::kDataLoss) << damaged;
  }
}

// Filling an empty database in one transaction takes the bulk way (PostgreSQL: COPY with ids
// handed out by the writer); what reads back, and what the next ordinary save does, must not show it.
TEST_P(ChronologyStoreTest, ALoadIntoAnEmptyDatabaseReadsBackAsSavedAndLaterSavesCarryOn) {
  std::vector<Chronology> batch;
  for (int i = 0; i < 300; ++i) {
    Chronology chronology = SampleChild();
    chronology.mutable_child().la_child_id = "B" + std::to_string(1000 + i);
    chronology.mutable_child().given_name = i % 2 == 0 ? "Tab\tand\\slash" : "";
    batch.push_back(std::move(chronology));
  }
  // A year given twice is reported once.
  Event visit{.kind = EventKind::kVisit, .start = D(2024, 1, 10)};
  visit.provenance = {"cairn", {2023, 2023, 2024}};
  batch[7].Add(visit);
  // The same child again later in the load, with one more event: found and amended, not doubled.
  Chronology again = SampleChild();
  again.mutable_child().la_child_id = "B1005";
  Event other_visit{.kind = EventKind::kVisit, .start = D(2024, 1, 11)};
  other_visit.provenance = {"cairn", {2024}};
  again.Add(other_visit);
  batch.push_back(again);

  auto saved = Save(batch);
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  EXPECT_EQ(saved->children_added, 300);
  EXPECT_EQ(saved->events_added, 902);
  EXPECT_EQ(Count("SELECT count(*) FROM child"), 300);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log"), 301);

  auto loaded = LoadAllChronologies(*db_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ(loaded->size(), 300u);
  for (const Chronology& chronology : *loaded) {
    const bool twice = chronology.child().la_child_id == "B1005";
    const bool visited = twice || chronology.child().la_child_id == "B1007";
    ASSERT_EQ(chronology.events().size(), visited ? 4u : 3u) << chronology.child().la_child_id;
    const Chronology& sent = twice ? again : batch[static_cast<size_t>(std::stoi(chronology.child().la_child_id.substr(1)) - 1000)];
    EXPECT_EQ(chronology.child(), sent.child());
    for (const Event& event : chronology.events()) {
      EXPECT_GT(event.id, 0);
      if (event.kind == EventKind::kCpPlan) {
        ASSERT_GE(event.parent, 0);
        EXPECT_EQ(chronology.events()[static_cast<size_t>(event.parent)].kind, EventKind::kCinEpisode);
      }
      if (event.kind == EventKind::kVisit) {
        EXPECT_EQ(event.provenance.reported_in_years, twice ? std::vector<int>{2024} : (std::vector<int>{2023, 2024}));
      }
    }
  }
  auto verdict = VerifyAudit(*db_);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->intact) << verdict->problem;

  // Afterwards the ordinary way: new ids follow the loaded ones.
  Chronology later = SampleChild();
  later.mutable_child().la_child_id = "B9999";
  ASSERT_TRUE(Save({later}).ok());
  const int64_t event_id = *AddEvent(*db_, "B1000", Event{.kind = EventKind::kVisit, .start = D(2024, 2, 1)}, 0,
                                     "visit|2024-02-01", {"tester", "test"});
  EXPECT_EQ(event_id, Count("SELECT max(id) FROM event"));
  EXPECT_EQ(Count("SELECT count(*) FROM event"), 906);
}

// A load reads each child's image only while it is current: one made before a change that named
// the child, or one that cannot be read, gives way to the rows; the missing ones can be made again.
TEST_P(ChronologyStoreTest, AnImageIsUsedOnlyWhileItIsCurrentAndCanBeMadeAgain) {
  Chronology first = SampleChild();
  Chronology second = SampleChild();
  second.mutable_child().la_child_id = "C002";
  ASSERT_TRUE(Save({first, second}).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM chronology_image"), 2);

  // The rows change behind the image's back, as a change noted for the child (a server of an
  // older Cairn) would leave them: the image is no longer current and the rows are read.
  ASSERT_TRUE(db_->Execute("UPDATE event SET fields = '{\"ReferralSource\":\"9Z\"}' WHERE kind = 'cin-episode' "
                           "AND child_id = (SELECT id FROM child WHERE la_child_id = 'C001')").ok());
  ASSERT_TRUE(NoteChildChanged(*db_, Count("SELECT id FROM child WHERE la_child_id = 'C001'")).ok());
  // A damaged image is read past too.
  ASSERT_TRUE(db_->Execute("UPDATE chronology_image SET image = $1 WHERE child_id = (SELECT id FROM child WHERE "
                           "la_child_id = 'C002')", {std::string("\x01\x05")}).ok());
  auto loaded = LoadAllChronologies(*db_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].events()[0].Get("ReferralSource"), "9Z");
  EXPECT_EQ((*loaded)[1].events().size(), 3u);
  auto one = LoadChronology(*db_, "C001");
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((**one).events()[0].Get("ReferralSource"), "9Z");

  // Made again: the changed child's, and the damaged one (current, but it cannot be read).
  EXPECT_EQ(Count(kChildrenWithoutACurrentImage), 1);
  auto made = WriteMissingChronologyImages(*db_);
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_EQ(*made, 2);
  ASSERT_TRUE(db_->Execute("DELETE FROM chronology_image WHERE child_id = (SELECT id FROM child WHERE "
                           "la_child_id = 'C002')").ok());
  made = WriteMissingChronologyImages(*db_);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(*made, 1);
  EXPECT_EQ(*WriteMissingChronologyImages(*db_), 0);

  // An image that disagrees with the rows while it is current is what CheckChronologyImages finds.
  ASSERT_TRUE(db_->Execute("UPDATE event SET start_date = '2023-10-07' WHERE kind = 'cin-episode'").ok());
  const Status check = CheckChronologyImages(*db_);
  EXPECT_EQ(check.code(), Status::Code::kDataLoss);
  EXPECT_NE(check.message().find("C001, C002"), std::string::npos) << check.message();
  ASSERT_TRUE(db_->Execute("UPDATE event SET start_date = '2023-10-06' WHERE kind = 'cin-episode'").ok());
}

// A load into an empty database drops indexes (and on PostgreSQL foreign keys) while it fills the
// tables, and every one is back, the same, when it ends; a key still refuses a row after.
TEST_P(ChronologyStoreTest, ALoadIntoAnEmptyDatabaseLeavesEveryIndexAndKeyAsItWas) {
  const bool postgres = db_->backend_name() == "postgresql";
  const std::string schema_sql =
      postgres ? "SELECT string_agg(d, ' | ' ORDER BY d) FROM ("
                 "SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() UNION ALL "
                 "SELECT t.relname || ': ' || pg_get_constraintdef(c.oid) FROM pg_constraint c "
                 "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relnamespace = current_schema()::regnamespace) x"
               : "SELECT group_concat(sql, ' | ') FROM (SELECT sql FROM sqlite_master WHERE type = 'index' "
                 "AND sql IS NOT NULL ORDER BY name)";
  auto schema = [&]() {
    auto statement = db_->Prepare(schema_sql);
    EXPECT_TRUE(statement.ok()) << statement.status().message();
    auto row = (*statement)->Step();
    EXPECT_TRUE(row.ok() && *row);
    return std::string((*statement)->ColumnText(0));
  };
  const std::string before = schema();
  EXPECT_NE(before.find("event_natural_key"), std::string::npos) << before;
  std::vector<Chronology> saved;
  for (int i = 0; i < 50; ++i) {
    Chronology child = SampleChild();
    child.mutable_child().la_child_id = "C" + std::to_string(500 + i);
    saved.push_back(std::move(child));
  }
  ASSERT_TRUE(Save(saved).ok());
  EXPECT_EQ(schema(), before);
  // The keys hold: an event of no child is refused.
  Status orphan = db_->Execute(
      "INSERT INTO event (child_id, kind, start_date, natural_key, fields, source, created_at, updated_at) "
      "VALUES (999999, 'cin-episode', '2024-01-01', 'k', '{}', 'cairn', 'now', 'now')");
  EXPECT_FALSE(orphan.ok());
  // So does a primary key the load dropped on PostgreSQL: the same year's report of an event twice.
  Status twice = db_->Execute("INSERT INTO event_report (event_id, collection_year) "
                              "SELECT event_id, collection_year FROM event_report LIMIT 1");
  EXPECT_FALSE(twice.ok());
}

// A whole council's load decodes its images on several threads: every child comes back whole and
// in order, and one whose image cannot be read is read from its rows, wherever it falls.
TEST_P(ChronologyStoreTest, ManyChildrenLoadExactlyWithADamagedImageAmongThem) {
  constexpr int kChildren = 700;
  std::vector<Chronology> saved;
  for (int i = 0; i < kChildren; ++i) {
    Chronology child = SampleChild();
    child.mutable_child().la_child_id = "C" + std::to_string(10000 + i);
    saved.push_back(std::move(child));
  }
  ASSERT_TRUE(Save(saved).ok());
  ASSERT_TRUE(db_->Execute("UPDATE chronology_image SET image = $1 WHERE child_id = (SELECT id FROM child WHERE "
                           "la_child_id = 'C10350')", {std::string("\x01\x05")}).ok());
  auto loaded = LoadAllChronologies(*db_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ(loaded->size(), saved.size());
  for (size_t c = 0; c < saved.size(); ++c) {
    const Chronology& back = (*loaded)[c];
    EXPECT_EQ(back.child(), saved[c].child());
    ASSERT_EQ(back.events().size(), saved[c].events().size()) << back.child().la_child_id;
    for (size_t i = 0; i < back.events().size(); ++i) {
      EXPECT_TRUE(back.events()[i].SameContent(saved[c].events()[i])) << back.child().la_child_id << " " << i;
      EXPECT_EQ(back.events()[i].parent, saved[c].events()[i].parent) << back.child().la_child_id << " " << i;
    }
  }
}

// Every way the store changes a child's events leaves a current image behind (the fixture's
// TearDown checks each against the rows): recording, correcting and withdrawing one event, and a
// later import that amends, adds, and reports the same events in another year.
TEST_P(ChronologyStoreTest, EveryChangeLeavesACurrentImage) {
  ASSERT_TRUE(Save({SampleChild()}).ok());
  const int64_t visit = *AddEvent(*db_, "C001", Event{.kind = EventKind::kVisit, .start = D(2024, 2, 1)}, 0,
                                  "visit|2024-02-01", {"tester", "test"});
  EXPECT_EQ(Count(kChildrenWithoutACurrentImage), 0);
  Event corrected{.kind = EventKind::kVisit, .start = D(2024, 2, 2)};
  ASSERT_TRUE(AmendEvent(*db_, visit, corrected, {"tester", "wrong date"}, 1, "visit|2024-02-02").ok());
  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  ASSERT_EQ((**loaded).events().size(), 4u);
  EXPECT_EQ((**loaded).events().back().start, D(2024, 2, 2));
  EXPECT_EQ((**loaded).events().back().revision, 2);
  ASSERT_TRUE(WithdrawEvent(*db_, visit, {"tester", "entered in error"}, 2).ok());
  loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((**loaded).events().size(), 3u);
  EXPECT_EQ(Count(kChildrenWithoutACurrentImage), 0);

  Chronology next_year = SampleChild();
  for (Event& event : next_year.mutable_events()) event.provenance.reported_in_years = {2025};
  next_year.mutable_events()[0].Set("PrimaryNeedCode", "N1");
  Event review{.kind = EventKind::kCpReview, .start = D(2024, 2, 10), .parent = 1};
  review.provenance = {"cin-census", {2025}};
  next_year.Add(review);
  ASSERT_TRUE(Save({next_year}).ok());
  loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  ASSERT_EQ((**loaded).events().size(), 4u);
  EXPECT_EQ((**loaded).events()[0].Get("PrimaryNeedCode"), "N1");
  EXPECT_EQ((**loaded).events()[0].provenance.reported_in_years, (std::vector<int>{2024, 2025}));

  // The plan corrected to start before its episode: in date order it now comes first, before the
  // event it sits under, and its image is still one a load reads (none needs making again).
  const Event* plan = (**loaded).OfKind(EventKind::kCpPlan).front();
  Event earlier = *plan;
  earlier.start = D(2023, 10, 1);
  ASSERT_TRUE(AmendEvent(*db_, plan->id, earlier, {"tester", "started earlier"}, plan->revision).ok());
  loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((**loaded).events()[0].kind, EventKind::kCpPlan);
  EXPECT_EQ((**loaded).events()[0].parent, 1);
  EXPECT_EQ(*WriteMissingChronologyImages(*db_), 0);
}

// Importing again a return already held, reported years and all, changes nothing: no change is
// noted for other servers and no image is made again.
TEST_P(ChronologyStoreTest, AnUnchangedReimportChangesNothing) {
  ASSERT_TRUE(Save({SampleChild()}).ok());
  const int64_t generation = *RecordGeneration(*db_);
  const int64_t image_generation = Count("SELECT generation FROM chronology_image");
  auto again = Save({SampleChild()});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->events_unchanged, 3);
  EXPECT_EQ(*RecordGeneration(*db_), generation);
  EXPECT_EQ(Count("SELECT generation FROM chronology_image"), image_generation);

  // A year more of returns reporting the same events is a change.
  Chronology next_year = SampleChild();
  for (Event& event : next_year.mutable_events()) event.provenance.reported_in_years = {2025};
  ASSERT_TRUE(Save({next_year}).ok());
  EXPECT_GT(*RecordGeneration(*db_), generation);
  auto loaded = LoadChronology(*db_, "C001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((**loaded).events()[0].provenance.reported_in_years, (std::vector<int>{2024, 2025}));
}

CAIRN_TEST_ON_BOTH_BACKENDS(ChronologyStoreTest);

}  // namespace
}  // namespace cairn::store
