#include "access/scope.h"

#include <gtest/gtest.h>

namespace cairn::access {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

model::Chronology WithAllocations(std::string id, std::vector<std::tuple<std::string, Date, std::optional<Date>>> spans) {
  model::Chronology chronology(model::Child{.la_child_id = std::move(id)});
  for (auto& [worker, start, end] : spans) {
    model::Event event;
    event.kind = model::EventKind::kSocialWorkerAllocation;
    event.start = start;
    event.end = end;
    event.Set("SW_ID", worker);
    chronology.Add(std::move(event));
  }
  return chronology;
}

class ScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = RoleCatalogue::BuiltIn();
    ASSERT_TRUE(loaded.ok());
    roles_ = std::move(*loaded);
    directory_ = CouncilDirectory(
        {{"SW1", "Sam", "social-worker", "T1", false, {}, {}}, {"SW2", "Kim", "social-worker", "T2", true, {}, {}}},
        {{"T1", "Assessment North", "assessment"}, {"T2", "Children in care", "children-in-care"}});
  }
  Principal Who(std::string role, std::string worker = "", std::string team = "", std::string service = "") {
    Principal principal;
    principal.username = "u-" + role;
    principal.role = roles_.Find(role);
    principal.worker_id = std::move(worker);
    principal.team_id = std::move(team);
    principal.service = std::move(service);
    return principal;
  }
  RoleCatalogue roles_;
  CouncilDirectory directory_;
  Restrictions none_;
};

TEST_F(ScopeTest, PlaceFollowsTheAllocationOpenOnTheDate) {
  auto child = WithAllocations("C1", {{"SW1", D(2024, 1, 1), D(2024, 6, 30)}, {"SW2", D(2024, 7, 1), std::nullopt}});
  ChildPlace in_may = directory_.PlaceOf(child, D(2024, 5, 1));
  EXPECT_EQ(in_may.worker, "SW1");
  EXPECT_TRUE(in_may.allocated);
  EXPECT_EQ(in_may.team, "T1");
  EXPECT_EQ(in_may.service, "assessment");
  ChildPlace in_august = directory_.PlaceOf(child, D(2024, 8, 1));
  EXPECT_EQ(in_august.worker, "SW2");
  EXPECT_EQ(in_august.team, "T2");
  // Before any allocation: nowhere.
  EXPECT_EQ(directory_.PlaceOf(child, D(2023, 12, 31)).worker, "");
}

TEST_F(ScopeTest, AnUnallocatedChildStaysWithTheLastWorkersTeam) {
  auto child = WithAllocations("C1", {{"SW1", D(2024, 1, 1), D(2024, 6, 30)}});
  ChildPlace place = directory_.PlaceOf(child, D(2024, 9, 1));
  EXPECT_FALSE(place.allocated);
  EXPECT_EQ(place.team, "T1");
  // The worker no longer sees the child; the team manager still does.
  EXPECT_FALSE(CanSee(Who("practitioner", "SW1"), "C1", place, none_));
  EXPECT_TRUE(CanSee(Who("team-manager", "", "T1"), "C1", place, none_));
}

TEST_F(ScopeTest, EachRoleSeesItsOwnScope) {
  ChildPlace place{"SW1", "T1", "assessment", true};
  EXPECT_TRUE(CanSee(Who("practitioner", "SW1"), "C1", place, none_));
  EXPECT_FALSE(CanSee(Who("practitioner", "SW2"), "C1", place, none_));
  EXPECT_TRUE(CanSee(Who("team-manager", "", "T1"), "C1", place, none_));
  EXPECT_FALSE(CanSee(Who("team-manager", "", "T2"), "C1", place, none_));
  EXPECT_TRUE(CanSee(Who("service-manager", "", "", "assessment"), "C1", place, none_));
  EXPECT_FALSE(CanSee(Who("service-manager", "", "", "children-in-care"), "C1", place, none_));
  EXPECT_TRUE(CanSee(Who("director"), "C1", place, none_));
  EXPECT_TRUE(CanSee(Who("analyst"), "C1", place, none_));
  EXPECT_FALSE(CanSee(Who("elected-member"), "C1", place, none_));
  EXPECT_FALSE(CanSee(Who("inspector"), "C1", place, none_));
  EXPECT_FALSE(CanSee(Who("admin"), "C1", place, none_));
}

TEST_F(ScopeTest, GrantsAddChildrenButNeverToAggregateRoles) {
  ChildPlace place{"SW1", "T1", "assessment", true};
  Principal inspector = Who("inspector");
  inspector.grants.push_back({Grant::Kind::kChild, "C1", D(2030, 1, 1)});
  EXPECT_TRUE(CanSee(inspector, "C1", place, none_));
  EXPECT_FALSE(CanSee(inspector, "C2", place, none_));
  inspector.grants = {{Grant::Kind::kTeam, "T1", D(2030, 1, 1)}};
  EXPECT_TRUE(CanSee(inspector, "C2", place, none_));
  EXPECT_FALSE(CanSee(inspector, "C2", ChildPlace{"SW2", "T2", "children-in-care", true}, none_));
  inspector.grants = {{Grant::Kind::kAll, "", D(2030, 1, 1)}};
  EXPECT_TRUE(CanSee(inspector, "C9", ChildPlace{}, none_));
  Principal member = Who("elected-member");
  member.grants = {{Grant::Kind::kAll, "", D(2030, 1, 1)}};
  EXPECT_FALSE(CanSee(member, "C1", place, none_));
}

TEST_F(ScopeTest, TeamsAndWorkersAreSeenWithinTheRolesReach) {
  const model::Team& t1 = directory_.teams()[0];
  const model::Team& t2 = directory_.teams()[1];
  const model::Worker& sam = directory_.workers()[0];
  const model::Worker& kim = directory_.workers()[1];
  // A team manager: their own team and its workers, nobody else's.
  Principal manager = Who("team-manager", "", "T1");
  EXPECT_TRUE(CanSeeTeam(manager, t1));
  EXPECT_FALSE(CanSeeTeam(manager, t2));
  EXPECT_TRUE(CanSeeWorker(manager, sam, directory_));
  EXPECT_FALSE(CanSeeWorker(manager, kim, directory_));
  // A social worker: their own caseload only, not their team's page.
  Principal worker = Who("practitioner", "SW1", "T1");
  EXPECT_FALSE(CanSeeTeam(worker, t1));
  EXPECT_TRUE(CanSeeWorker(worker, sam, directory_));
  EXPECT_FALSE(CanSeeWorker(worker, kim, directory_));
  // A head of service: the teams of their service.
  Principal head = Who("service-manager", "", "", "children-in-care");
  EXPECT_FALSE(CanSeeTeam(head, t1));
  EXPECT_TRUE(CanSeeTeam(head, t2));
  EXPECT_TRUE(CanSeeWorker(head, kim, directory_));
  // The director: every team. An elected member: none, whatever they are granted.
  EXPECT_TRUE(CanSeeTeam(Who("director"), t1));
  Principal member = Who("elected-member");
  member.grants.push_back({Grant::Kind::kAll, "", D(2030, 1, 1)});
  EXPECT_FALSE(CanSeeTeam(member, t1));
  EXPECT_FALSE(CanSeeWorker(member, sam, directory_));
  // An inspector: the team they are granted.
  Principal inspector = Who("inspector");
  EXPECT_FALSE(CanSeeTeam(inspector, t2));
  inspector.grants.push_back({Grant::Kind::kTeam, "T2", D(2030, 1, 1)});
  EXPECT_TRUE(CanSeeTeam(inspector, t2));
  EXPECT_FALSE(CanSeeTeam(inspector, t1));
}

TEST_F(ScopeTest, ARestrictedRecordIsSeenByTheNamedUsersOnly) {
  ChildPlace place{"SW1", "T1", "assessment", true};
  Restrictions restrictions;
  restrictions.Add("C1", {"u-team-manager"});
  EXPECT_FALSE(CanSee(Who("director"), "C1", place, restrictions));
  EXPECT_FALSE(CanSee(Who("practitioner", "SW1"), "C1", place, restrictions));
  EXPECT_TRUE(CanSee(Who("team-manager", "", "T1"), "C1", place, restrictions));
  // Named but otherwise out of scope: the restriction decides.
  EXPECT_TRUE(CanSee(Who("team-manager", "", "T2"), "C1", place, restrictions));
  Principal granted = Who("inspector");
  granted.grants = {{Grant::Kind::kAll, "", D(2030, 1, 1)}};
  EXPECT_FALSE(CanSee(granted, "C1", place, restrictions));
  EXPECT_TRUE(CanSee(granted, "C2", place, restrictions));
}

}  // namespace
}  // namespace cairn::access
