#include "recording/recorder.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/audit.h"
#include "store/test_database.h"
#include "store/workforce_store.h"

namespace cairn::recording {
namespace {

using model::EventKind;
using ::testing::HasSubstr;
using ::testing::Not;

const Date kToday = Date::FromYmdOrDie(2026, 11, 30);

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test_db_.Open();
    ASSERT_NE(db_, nullptr);
    model::Child child;
    child.la_child_id = "C1";
    child.birth_date = Date::FromYmdOrDie(2015, 6, 1);
    model::Chronology chronology(child);
    model::Event referral;
    referral.kind = EventKind::kCinEpisode;
    referral.start = Date::FromYmdOrDie(2026, 9, 1);
    referral.Set("ReferralSource", "6");
    referral.Set("PrimaryNeedCode", "N1");
    chronology.Add(referral);
    ASSERT_TRUE(store::SaveChronologies(*db_, {&chronology, 1}, {"import", "test"}).ok());
    Result<Recorder> recorder = Recorder::BuiltIn(kToday);
    ASSERT_TRUE(recorder.ok()) << recorder.status().message();
    recorder_.emplace(std::move(*recorder));
  }

  Outcome Record(EventKind kind, std::vector<std::pair<std::string, std::string>> values, bool confirmed = false) {
    Result<Outcome> outcome = recorder_->Record(*db_, "C1", kind, {std::move(values), confirmed}, kToday, Who("a visit"));
    EXPECT_TRUE(outcome.ok()) << outcome.status().message();
    return outcome.ok() ? *outcome : Outcome{};
  }

  static store::ChangeContext Who(std::string reason) {
    return {"sw1", std::move(reason), "practitioner", "POST /children/{id}/events", "127.0.0.1"};
  }

  // The fields the errors name, sorted.
  static std::vector<std::string> Fields(const Outcome& outcome) {
    std::vector<std::string> fields;
    for (const FieldMessage& message : outcome.errors) fields.push_back(message.field);
    std::sort(fields.begin(), fields.end());
    return fields;
  }
  using Names = std::vector<std::string>;

  int64_t EventCount() {
    auto select = db_->Prepare("SELECT count(*) FROM event");
    EXPECT_TRUE(select.ok());
    EXPECT_TRUE((*select)->Step().ok());
    return (*select)->ColumnInt(0);
  }

  // SQLite, or PostgreSQL in CTest's postgresql: run of this suite (store/test_database.h).
  store::TestDatabase test_db_{"recorder_", store::BackendOfThisRun()};
  std::unique_ptr<store::Connection> db_;
  std::optional<Recorder> recorder_;
};

TEST_F(RecorderTest, AVisitIsSavedAuditedAndInTheChronologyReturned) {
  Outcome outcome = Record(EventKind::kVisit, {{"date", "2026-11-20"}, {"purpose", "cin"}, {"child_seen", "yes"}});
  ASSERT_TRUE(outcome.saved()) << (outcome.errors.empty() ? "" : outcome.errors[0].message);
  EXPECT_GT(outcome.event_id, 0);
  EXPECT_EQ(outcome.revision, 1);
  ASSERT_TRUE(outcome.chronology.has_value());
  const auto visits = outcome.chronology->OfKind(EventKind::kVisit);
  ASSERT_EQ(visits.size(), 1u);
  EXPECT_EQ(visits[0]->start, Date::FromYmdOrDie(2026, 11, 20));
  EXPECT_EQ(visits[0]->Get("child_seen"), "true") << "yes is stored as the rules read it";
  EXPECT_EQ(visits[0]->provenance.source, "cairn");

  store::AuditQuery query;
  query.child = "C1";
  auto rows = store::QueryAudit(*db_, query);
  ASSERT_TRUE(rows.ok());
  ASSERT_FALSE(rows->empty());
  EXPECT_EQ(rows->back().entry.action, "record");
  EXPECT_EQ(rows->back().entry.actor, "sw1");
  EXPECT_EQ(rows->back().entry.detail, "visit event " + std::to_string(outcome.event_id));

  // The same visit twice is one visit.
  Outcome again = Record(EventKind::kVisit, {{"date", "2026-11-20"}, {"purpose", "cin"}, {"child_seen", "yes"}});
  EXPECT_EQ(again.kind, Outcome::Kind::kRefused);
  ASSERT_FALSE(again.errors.empty());
  EXPECT_THAT(again.errors[0].message, HasSubstr("already recorded"));
}

TEST_F(RecorderTest, EveryProblemIsNamedByItsFieldAndNothingIsSaved) {
  const int64_t before = EventCount();
  Outcome outcome = Record(EventKind::kVisit, {{"date", "31/02/2026"}, {"purpose", "holiday"}, {"colour", "red"},
                                               {"child_seen", "perhaps"}});
  EXPECT_EQ(outcome.kind, Outcome::Kind::kRefused);
  EXPECT_EQ(Fields(outcome), (Names{"child_seen", "colour", "date", "purpose"}));
  EXPECT_EQ(EventCount(), before);

  Outcome missing = Record(EventKind::kVisit, {});
  EXPECT_EQ(Fields(missing), (Names{"child_seen", "date", "purpose"}));
  EXPECT_THAT(missing.errors[0].message, HasSubstr("is required"));

  Outcome future = Record(EventKind::kVisit, {{"date", "2026-12-25"}, {"purpose", "cin"}, {"child_seen", "true"}});
  ASSERT_EQ(future.errors.size(), 1u);
  EXPECT_THAT(future.errors[0].message, HasSubstr("in the future"));

  // Listed as the form lists its fields, whichever check found them.
  Outcome in_order = Record(EventKind::kVisit, {{"date", "2099-01-01"}});
  ASSERT_EQ(in_order.errors.size(), 3u);
  EXPECT_EQ(in_order.errors[0].field, "date");
  EXPECT_EQ(in_order.errors[1].field, "purpose");
  EXPECT_EQ(in_order.errors[2].field, "child_seen");

  Outcome before_birth = Record(EventKind::kVisit, {{"date", "2014-01-01"}, {"purpose", "cin"}, {"child_seen", "true"}});
  ASSERT_EQ(before_birth.errors.size(), 1u);
  EXPECT_THAT(before_birth.errors[0].message, HasSubstr("before the child was born"));

  Outcome not_text = Record(EventKind::kPersonalEducationPlan, {{"date", "2026-11-01"}, {"notes", "caf\xe9"}});
  ASSERT_EQ(not_text.errors.size(), 1u);
  EXPECT_EQ(not_text.errors[0].field, "notes");
  EXPECT_EQ(EventCount(), before);
}

TEST_F(RecorderTest, DatesAreCheckedAgainstEachOtherAndAPlanNeedsItsReferral) {
  Outcome backwards = Record(EventKind::kAssessment,
                             {{"AssessmentActualStartDate", "2026-10-10"}, {"AssessmentAuthorisationDate", "2026-10-01"}});
  ASSERT_EQ(backwards.errors.size(), 1u);
  EXPECT_EQ(backwards.errors[0].field, "AssessmentAuthorisationDate");
  EXPECT_THAT(backwards.errors[0].message, HasSubstr("before start date"));

  Outcome factors_alone = Record(EventKind::kAssessment, {{"AssessmentActualStartDate", "2026-10-10"}, {"AssessmentFactors", "2A"}});
  ASSERT_EQ(factors_alone.errors.size(), 1u);
  EXPECT_THAT(factors_alone.errors[0].message, HasSubstr("recorded with authorisation date"));

  Outcome orphan = Record(EventKind::kCinPlan, {{"CINPlanStartDate", "2026-08-01"}});
  ASSERT_EQ(orphan.errors.size(), 1u);
  EXPECT_THAT(orphan.errors[0].message, HasSubstr("no child in need episode"));

  // Inside the referral it nests under it; the factors arrive once each, in order.
  Outcome assessment = Record(EventKind::kAssessment, {{"AssessmentActualStartDate", "2026-09-02"},
                                                       {"AssessmentAuthorisationDate", "2026-10-01"},
                                                       {"AssessmentFactors", "2A, 3A"},
                                                       {"AssessmentFactors", "2A"}});
  ASSERT_TRUE(assessment.saved()) << assessment.errors[0].message;
  const model::Event* saved = assessment.chronology->OfKind(EventKind::kAssessment)[0];
  EXPECT_EQ(saved->Get("AssessmentFactors"), "2A,3A");
  ASSERT_GE(saved->parent, 0);
  EXPECT_EQ(assessment.chronology->events()[static_cast<size_t>(saved->parent)].kind, EventKind::kCinEpisode);
}

TEST_F(RecorderTest, FindingsAreShownBeforeSavingAndSavedOnceSeen) {
  const std::vector<std::pair<std::string, std::string>> unseen = {
      {"date", "2026-11-20"}, {"purpose", "cin"}, {"child_seen", "false"}};
  Outcome first = Record(EventKind::kVisit, unseen);
  EXPECT_EQ(first.kind, Outcome::Kind::kNeedsConfirmation);
  ASSERT_EQ(first.findings.size(), 1u);
  EXPECT_EQ(first.findings[0].field, "child_seen");
  EXPECT_EQ(EventCount(), 1);
  EXPECT_TRUE(Record(EventKind::kVisit, unseen, /*confirmed=*/true).saved());
  EXPECT_EQ(EventCount(), 2);
}

TEST_F(RecorderTest, ACorrectionKeepsTheVersionItReplacedAndAStaleOneIsRefused) {
  Outcome visit = Record(EventKind::kVisit, {{"date", "2026-11-20"}, {"purpose", "cin"}, {"child_seen", "true"}});
  ASSERT_TRUE(visit.saved());
  // The reason is required.
  Result<Outcome> no_reason = recorder_->Correct(*db_, "C1", visit.event_id, 1, {{{"date", "2026-11-19"}}}, kToday, Who(""));
  ASSERT_TRUE(no_reason.ok());
  EXPECT_EQ(Fields(*no_reason), Names{"reason"});

  Result<Outcome> corrected =
      recorder_->Correct(*db_, "C1", visit.event_id, 1, {{{"date", "2026-11-19"}}}, kToday, Who("wrong day"));
  ASSERT_TRUE(corrected.ok()) << corrected.status().message();
  ASSERT_TRUE(corrected->saved());
  EXPECT_EQ(corrected->revision, 2);
  const model::Event* now = corrected->chronology->OfKind(EventKind::kVisit)[0];
  EXPECT_EQ(now->start, Date::FromYmdOrDie(2026, 11, 19));
  EXPECT_EQ(now->Get("purpose"), "cin") << "a field the correction does not name keeps its value";
  auto history = store::EventHistory(*db_, visit.event_id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].reason, "wrong day");
  EXPECT_THAT((*history)[0].previous, HasSubstr("2026-11-20"));

  // Another user, still on version 1, is refused and shown the event as it now stands.
  Result<Outcome> stale =
      recorder_->Correct(*db_, "C1", visit.event_id, 1, {{{"purpose", "cp"}}}, kToday, Who("other change"));
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->kind, Outcome::Kind::kStale);
  ASSERT_TRUE(stale->current.has_value());
  EXPECT_EQ(stale->current->start, Date::FromYmdOrDie(2026, 11, 19));
  EXPECT_EQ(stale->revision, 2);

  // The new date is the visit's key: a second visit on the old day is a different visit.
  EXPECT_TRUE(Record(EventKind::kVisit, {{"date", "2026-11-20"}, {"purpose", "cin"}, {"child_seen", "true"}}).saved());
}

TEST_F(RecorderTest, AWithdrawnEventLeavesTheChronologyButNotTheDatabase) {
  Outcome visit = Record(EventKind::kVisit, {{"date", "2026-11-20"}, {"purpose", "cin"}, {"child_seen", "true"}});
  ASSERT_TRUE(visit.saved());
  Result<Outcome> stale = recorder_->Withdraw(*db_, "C1", visit.event_id, 7, Who("wrong child"));
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->kind, Outcome::Kind::kStale);
  Result<Outcome> withdrawn = recorder_->Withdraw(*db_, "C1", visit.event_id, 1, Who("wrong child"));
  ASSERT_TRUE(withdrawn.ok());
  ASSERT_TRUE(withdrawn->saved());
  EXPECT_TRUE(withdrawn->chronology->OfKind(EventKind::kVisit).empty());
  EXPECT_EQ(EventCount(), 2);
  auto history = store::ChildEventHistory(*db_, "C1");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].revision.action, "withdrawn");
  // Correcting it now finds nothing to correct.
  Result<Outcome> late = recorder_->Correct(*db_, "C1", visit.event_id, 2, {{{"purpose", "cp"}}}, kToday, Who("late"));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->kind, Outcome::Kind::kStale);
  EXPECT_FALSE(late->current.has_value());
}

TEST_F(RecorderTest, NotesNeverReachTheAuditTrail) {
  Outcome pep = Record(EventKind::kPersonalEducationPlan, {{"date", "2026-11-01"}, {"notes", "Sensitive words\nover lines"}});
  ASSERT_TRUE(pep.saved());
  EXPECT_EQ(pep.chronology->OfKind(EventKind::kPersonalEducationPlan)[0]->Get("notes"), "Sensitive words\nover lines");
  auto rows = store::QueryAudit(*db_, {});
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) EXPECT_THAT(row.entry.detail, Not(HasSubstr("Sensitive")));
}

TEST_F(RecorderTest, AnUnknownChildIsNotFound) {
  Result<Outcome> outcome = recorder_->Record(*db_, "NOBODY", EventKind::kVisit, {}, kToday, Who(""));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kNotFound);
}


// A case audit: a grade on each theme of the template (one form field per theme, kept together
// in one field), the auditor filled from who records it, moderated by someone else.
TEST_F(RecorderTest, ACaseAuditGradesEachThemeAndIsModeratedBySomeoneElse) {
  const quality::AuditTemplate* audit_template = recorder_->forms().audit_template();
  ASSERT_NE(audit_template, nullptr);
  std::vector<std::pair<std::string, std::string>> values = {
      {"date", "2026-11-20"}, {"grade", "requires-improvement"}, {"findings", "The plan has no dates."},
      {"auditor", "someone-else"}};  // ignored: Cairn fills the auditor
  for (const quality::Theme& theme : audit_template->themes()) {
    values.emplace_back("theme_grades." + theme.id, theme.id == "planning" ? "inadequate" : "good");
  }
  // One theme missing: named by its own field, nothing saved.
  std::vector<std::pair<std::string, std::string>> missing = values;
  std::erase_if(missing, [](const auto& value) { return value.first == "theme_grades.planning"; });
  const int64_t before = EventCount();
  Outcome refused = Record(EventKind::kCaseAudit, missing);
  EXPECT_EQ(refused.kind, Outcome::Kind::kRefused);
  EXPECT_EQ(Fields(refused), Names{"theme_grades.planning"});
  EXPECT_EQ(EventCount(), before);
  // A grade the template does not have.
  std::vector<std::pair<std::string, std::string>> unknown = values;
  unknown.back().second = "adequate";
  EXPECT_EQ(Fields(Record(EventKind::kCaseAudit, unknown)), Names{unknown.back().first});

  Outcome saved = Record(EventKind::kCaseAudit, values);
  ASSERT_TRUE(saved.saved()) << (saved.errors.empty() ? "" : saved.errors.front().message);
  const model::Event& audit = saved.chronology->events().back();
  EXPECT_EQ(audit.kind, EventKind::kCaseAudit);
  EXPECT_EQ(audit.Get("auditor"), "sw1");
  EXPECT_EQ(audit.Get("template"), audit_template->id());
  const auto grades = model::SplitNamedParts(audit.Get("theme_grades"));
  ASSERT_EQ(grades.size(), audit_template->themes().size());
  EXPECT_EQ(grades.front().first, audit_template->themes().front().id);  // the template's order
  for (const auto& [theme, grade] : grades) EXPECT_EQ(grade, theme == "planning" ? "inadequate" : "good") << theme;
  // The form reads it back field by field.
  const std::vector<std::pair<std::string, std::string>> read_back =
      ValuesOf(*recorder_->forms().For(EventKind::kCaseAudit), audit);
  EXPECT_NE(std::find(read_back.begin(), read_back.end(), std::make_pair(std::string("theme_grades.planning"),
                                                                        std::string("inadequate"))),
            read_back.end());

  // Correcting one theme keeps the others, and the auditor.
  Result<Outcome> corrected = recorder_->Correct(*db_, "C1", saved.event_id, saved.revision,
                                                 {{{"theme_grades.planning", "requires-improvement"}, {"auditor", "x"}}},
                                                 kToday, {"sw2", "regraded after a second read", "auditor", "test", "local"});
  ASSERT_TRUE(corrected.ok());
  ASSERT_TRUE(corrected->saved()) << (corrected->errors.empty() ? "" : corrected->errors.front().message);
  const model::Event& regraded = corrected->chronology->events().back();
  EXPECT_EQ(regraded.Get("auditor"), "sw1");
  EXPECT_THAT(std::string(regraded.Get("theme_grades")), HasSubstr("planning=requires-improvement"));
  EXPECT_EQ(model::SplitNamedParts(regraded.Get("theme_grades")).size(), audit_template->themes().size());

  // The auditor may not moderate their own audit; someone else may.
  const std::vector<std::pair<std::string, std::string>> moderation = {
      {"date", "2026-11-25"}, {"grade", "inadequate"}, {"agreed_grade", "inadequate"}};
  Outcome own = Record(EventKind::kAuditModeration, moderation);
  EXPECT_EQ(own.kind, Outcome::Kind::kRefused);
  ASSERT_FALSE(own.errors.empty());
  EXPECT_THAT(own.errors.front().message, HasSubstr("someone other than its auditor"));
  Result<Outcome> moderated = recorder_->Record(*db_, "C1", EventKind::kAuditModeration, {moderation, false}, kToday,
                                                {"qa2", "", "auditor", "test", "local"});
  ASSERT_TRUE(moderated.ok());
  ASSERT_TRUE(moderated->saved()) << (moderated->errors.empty() ? "" : moderated->errors.front().message);
  const std::vector<quality::CaseAudit> audits = quality::CaseAuditsOf(*moderated->chronology);
  ASSERT_EQ(audits.size(), 1u);
  ASSERT_NE(audits[0].moderation, nullptr);
  EXPECT_EQ(audits[0].moderation->Get("moderator"), "qa2");
  EXPECT_EQ(audits[0].final_grade(), "inadequate");
}

// A direction's owner is someone in the council's workforce, once the workforce is known.
TEST_F(RecorderTest, ADirectionsOwnerIsAWorkerTheCouncilKnows) {
  Outcome oversight = Record(EventKind::kOversight, {{"date", "2026-11-20"}, {"type", "case-direction"}, {"decision", "Plan"}});
  ASSERT_TRUE(oversight.saved());
  const std::vector<std::pair<std::string, std::string>> direction = {
      {"date", "2026-11-20"}, {"owner", "W9"}, {"due_date", "2026-12-04"}, {"action", "See the school."}};
  // No workforce loaded (a council that imported only its returns): any staff id is taken.
  Outcome anyone = Record(EventKind::kDirection, direction);
  ASSERT_TRUE(anyone.saved());

  const model::Team team{"T1", "Team one", "assessment"};
  const model::Worker worker{"W1", "A Worker", "social-worker", "T1"};
  ASSERT_TRUE(store::SaveWorkforce(*db_, {&team, 1}, {&worker, 1}).ok());
  std::vector<std::pair<std::string, std::string>> unknown = direction;
  unknown[2].second = "2026-12-05";
  unknown[1].second = "W8";
  const int64_t before = EventCount();
  Outcome refused = Record(EventKind::kDirection, unknown);
  EXPECT_EQ(refused.kind, Outcome::Kind::kRefused);
  EXPECT_EQ(Fields(refused), Names{"owner"});
  EXPECT_EQ(EventCount(), before);
  unknown[1].second = "W1";
  EXPECT_TRUE(Record(EventKind::kDirection, unknown).saved());
}

// A target set when the enquiry starts is recorded with the start; and an episode that ends on
// the day the next begins (as the DfE's layout has a change of placement) is not a second one open.
TEST_F(RecorderTest, AnEnquirysTargetAndAChangeOfPlacementSaveWithoutFindings) {
  Outcome enquiry = Record(EventKind::kSection47, {{"S47ActualStartDate", "2026-09-10"}, {"InitialCPCtarget", "2026-10-01"}});
  ASSERT_TRUE(enquiry.saved()) << (enquiry.errors.empty() ? "" : enquiry.errors.front().message);
  EXPECT_EQ(enquiry.chronology->events().back().Get("InitialCPCtarget"), "2026-10-01");

  const std::vector<std::pair<std::string, std::string>> placement = {
      {"DECOM", "2026-09-05"}, {"RNE", "S"}, {"LS", "V2"}, {"CIN", "N1"}, {"PLACE", "U1"},
      {"PLACE_PROVIDER", "PR1"}, {"HOME_POST", "L20 3AB"}, {"PL_POST", "L21 4CD"}};
  Outcome first = Record(EventKind::kLookedAfterEpisode, placement);
  ASSERT_TRUE(first.saved()) << (first.errors.empty() ? "" : first.errors.front().message);
  Result<Outcome> ended = recorder_->Correct(*db_, "C1", first.event_id, first.revision,
                                             {{{"DEC", "2026-10-01"}, {"REC", "X1"}, {"REASON_PLACE_CHANGE", "CARPL"}}},
                                             kToday, Who("the placement changed"));
  ASSERT_TRUE(ended.ok());
  ASSERT_TRUE(ended->saved()) << (ended->errors.empty() ? "" : ended->errors.front().message);
  std::vector<std::pair<std::string, std::string>> next = placement;
  next[0].second = "2026-10-01";
  next[1].second = "P";
  Outcome second = Record(EventKind::kLookedAfterEpisode, next);
  EXPECT_TRUE(second.saved()) << (second.findings.empty() ? "" : second.findings.front().message);
  // Starting the day before the first ended is a second episode open: shown before saving.
  next[0].second = "2026-09-30";
  next[1].second = "B";
  EXPECT_EQ(Record(EventKind::kLookedAfterEpisode, next).kind, Outcome::Kind::kNeedsConfirmation);
}

}  // namespace
}  // namespace cairn::recording
