#include "store/improvement_store.h"

#include <gtest/gtest.h>

#include "store/audit.h"
#include "store/test_database.h"

namespace cairn::store {
namespace {

StoredPlan Sample(std::string title, std::string toml) {
  StoredPlan plan;
  plan.title = std::move(title);
  plan.source_name = "plan.toml";
  plan.toml = std::move(toml);
  plan.recommendations = 2;
  plan.actions = 5;
  plan.measures = 3;
  plan.imported_by = "os:tester";
  return plan;
}

class ImprovementStore : public ::testing::TestWithParam<Backend> {};

TEST_P(ImprovementStore, NoPlanUntilOneIsImported) {
  TestDatabase database("cairn_plan_store_", GetParam());
  auto db = database.Open();
  ASSERT_NE(db, nullptr);
  Result<std::optional<StoredPlan>> none = LoadPlan(*db);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value());
}

TEST_P(ImprovementStore, RoundTripsAndReplacesWithAnAuditRowEach) {
  TestDatabase database("cairn_plan_store_", GetParam());
  auto db = database.Open();
  ASSERT_NE(db, nullptr);
  // Text kept exactly: quotes, a line break, non-ASCII.
  const std::string first_text = "title = \"Plan 'one'\"\n# Ofsted’s words\n";
  ASSERT_TRUE(SavePlan(*db, Sample("Plan one", first_text)).ok());
  Result<std::optional<StoredPlan>> first = LoadPlan(*db);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->title, "Plan one");
  EXPECT_EQ((*first)->toml, first_text);
  EXPECT_EQ((*first)->source_name, "plan.toml");
  EXPECT_EQ((*first)->recommendations, 2);
  EXPECT_EQ((*first)->actions, 5);
  EXPECT_EQ((*first)->measures, 3);
  EXPECT_EQ((*first)->imported_by, "os:tester");
  EXPECT_FALSE((*first)->imported_at.empty());

  ASSERT_TRUE(SavePlan(*db, Sample("Plan two", "title = \"Plan two\"\n")).ok());
  Result<std::optional<StoredPlan>> second = LoadPlan(*db);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->title, "Plan two");
  auto count = db->Prepare("SELECT COUNT(*) FROM improvement_plan");
  ASSERT_TRUE(count.ok() && *(*count)->Step());
  EXPECT_EQ((*count)->ColumnInt(0), 1) << "the second replaces the first";

  AuditQuery query;
  query.actor = "os:tester";
  Result<std::vector<StoredAuditEntry>> rows = QueryAudit(*db, query);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entry.action, "plan-import");
  EXPECT_EQ((*rows)[0].entry.detail, "improvement plan from plan.toml: 2 recommendations, 5 actions, 3 measures");
  Result<AuditVerdict> verdict = VerifyAudit(*db);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->intact) << verdict->problem;
}

CAIRN_TEST_ON_BOTH_BACKENDS(ImprovementStore);

}  // namespace
}  // namespace cairn::store
