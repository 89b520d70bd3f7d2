#include "model/event_kind.h"

#include <algorithm>
#include <array>
#include <string>

namespace cairn::model {
namespace {

using T = FieldType;
using Key = std::string_view;

// CIN census 2022/23-2025/26 (DfE CIN census guide; XSD in the DfE's returns pack). The
// factors are those identified by the assessment, so only a completed one has them (rule 8614);
// the conference target is set when the enquiry starts.
constexpr FieldSpec kCinEpisodeFields[] = {{"ReferralSource", T::kCode},
                                           {"PrimaryNeedCode", T::kCode},
                                           {"ReasonForClosure", T::kCode, "CINclosureDate"},
                                           {"DateOfInitialCPC", T::kDate},
                                           {"ReferralNFA", T::kFlag}};
constexpr FieldSpec kAssessmentFields[] = {{"AssessmentInternalReviewDate", T::kDate},
                                           {"AssessmentFactors", T::kCodeList, "AssessmentAuthorisationDate"}};
constexpr FieldSpec kSection47Fields[] = {{"InitialCPCtarget", T::kDate, "S47ActualStartDate"},
                                          {"DateOfInitialCPC", T::kDate},
                                          {"ICPCnotRequired", T::kFlag}};
constexpr FieldSpec kCpPlanFields[] = {{"InitialCategoryOfAbuse", T::kCode},
                                       {"LatestCategoryOfAbuse", T::kCode},
                                       {"NumberOfPreviousCPP", T::kInteger}};
constexpr FieldSpec kPreProceedingsFields[] = {
    {"LBPSentDate", T::kDate},      {"FGDMMeetingOffer", T::kFlag},   {"FGDMMeetingFac", T::kFlag},
    {"InitialPPMeetingDate", T::kDate}, {"ReviewMeetingsCount", T::kInteger}, {"StepDecisionDate", T::kDate},
    {"PPOutcome", T::kCode},        {"CourtAppDate", T::kDate},       {"LetterInitCPDate", T::kDate}};

// SSDA903 (DfE "Children looked after return" guide).
// The reason an episode ended and the reason for the placement change that ended it are
// recorded with DEC; the reason a social worker changed with SW_DEC.
constexpr FieldSpec kEpisodeFields[] = {
    {"RNE", T::kCode},      {"LS", T::kCode},       {"CIN", T::kCode},      {"PLACE", T::kCode},
    {"PLACE_PROVIDER", T::kCode}, {"REC", T::kCode, "DEC"}, {"REASON_PLACE_CHANGE", T::kCode, "DEC"},
    {"HOME_POST", T::kText}, {"PL_POST", T::kText}, {"URN", T::kText}};
constexpr FieldSpec kClaReviewFields[] = {{"REVIEW_CODE", T::kCode}};
constexpr FieldSpec kMissingFields[] = {{"MISSING", T::kCode}};
constexpr FieldSpec kOc2Fields[] = {
    {"SDQ_SCORE", T::kText},     {"SDQ_REASON", T::kCode},        {"CONVICTED", T::kFlag},
    {"HEALTH_CHECK", T::kFlag},  {"IMMUNISATIONS", T::kFlag},     {"TEETH_CHECK", T::kFlag},
    {"HEALTH_ASSESSMENT", T::kFlag}, {"SUBSTANCE_MISUSE", T::kFlag}, {"INTERVENTION_RECEIVED", T::kFlag},
    {"INTERVENTION_OFFERED", T::kFlag}};
constexpr FieldSpec kOc3Fields[] = {{"IN_TOUCH", T::kCode}, {"ACTIV", T::kCode}, {"ACCOM", T::kCode}};
constexpr FieldSpec kAd1Fields[] = {{"DATE_MATCH", T::kDate},  {"FOSTER_CARE", T::kFlag}, {"NB_ADOPTR", T::kCode},
                                    {"SEX_ADOPTR", T::kCode}, {"LS_ADOPTR", T::kCode}};
constexpr FieldSpec kPlacedForAdoptionFields[] = {{"REASON_PLACED_CEASED", T::kCode, "DATE_PLACED_CEASED"}};
// DATE_PERM is text: the guide allows a partly known date ("zz/zz/2010").
constexpr FieldSpec kPrevPermFields[] = {{"PREV_PERM", T::kCode}, {"LA_PERM", T::kText}, {"DATE_PERM", T::kText}};
constexpr FieldSpec kAllocationFields[] = {{"SW_ID", T::kText}, {"SW_REASON", T::kCode, "SW_DEC"}};

// Recorded by Cairn.
constexpr FieldSpec kMeetingFields[] = {{"outcome", T::kCode}, {"notes", T::kText, {}, true}};
constexpr FieldSpec kVisitFields[] = {{"purpose", T::kCode}, {"child_seen", T::kFlag}, {"seen_alone", T::kFlag}};
constexpr FieldSpec kSupervisionFields[] = {{"manager_id", T::kText}, {"notes", T::kText, {}, true}};
constexpr FieldSpec kHealthAssessmentFields[] = {{"assessment_type", T::kCode}};
constexpr FieldSpec kReturnInterviewFields[] = {{"offered", T::kFlag}, {"accepted", T::kFlag}};
constexpr FieldSpec kEhcRequestFields[] = {{"decision_date", T::kDate}, {"decision", T::kCode}};
constexpr FieldSpec kNoFields[] = {{"notes", T::kText, {}, true}};
// Management oversight: what kind of decision, and the decision itself. A direction given at it:
// whose it is (a worker id), when it is due, what to do; done when its owner records the date
// and a note.
constexpr FieldSpec kOversightFields[] = {{"type", T::kCode}, {"decision", T::kText, {}, true}};
constexpr FieldSpec kDirectionFields[] = {{"owner", T::kText},
                                          {"due_date", T::kDate},
                                          {"action", T::kText, {}, true},
                                          {"done_note", T::kText, "done_date", true}};

// A case audit: the template it was graded against, who audited, a grade for each of the
// template's themes (named parts), the overall grade and the findings. Its moderation: who
// moderated, their own grade and the grade agreed. An action it sets is a direction in all but
// its parent.
constexpr FieldSpec kCaseAuditFields[] = {{"template", T::kText},
                                          {"auditor", T::kText},
                                          {"theme_grades", T::kText},
                                          {"grade", T::kCode},
                                          {"findings", T::kText, {}, true}};
constexpr FieldSpec kAuditModerationFields[] = {{"moderator", T::kText},
                                                {"grade", T::kCode},
                                                {"agreed_grade", T::kCode},
                                                {"note", T::kText, {}, true}};

constexpr Key kReviewKey[] = {"REVIEW_CODE"};
constexpr Key kMissingKey[] = {"MISSING"};
constexpr Key kAllocationKey[] = {"SW_ID"};
constexpr Key kVisitKey[] = {"purpose"};
constexpr Key kDirectionKey[] = {"owner", "due_date"};

const std::array<EventKindSpec, 35> kSpecs = {{
    {EventKind::kCinEpisode, "cin-episode", "Child in need episode (referral to closure)", "CINreferralDate",
     "CINclosureDate", std::nullopt, kCinEpisodeFields, {}},
    {EventKind::kAssessment, "assessment", "Child and family assessment", "AssessmentActualStartDate",
     "AssessmentAuthorisationDate", EventKind::kCinEpisode, kAssessmentFields, {}},
    {EventKind::kCinPlan, "cin-plan", "Child in need plan", "CINPlanStartDate", "CINPlanEndDate",
     EventKind::kCinEpisode, {}, {}},
    {EventKind::kSection47, "section-47", "Section 47 enquiry", "S47ActualStartDate", "", EventKind::kCinEpisode,
     kSection47Fields, {}},
    {EventKind::kCpPlan, "cp-plan", "Child protection plan", "CPPstartDate", "CPPendDate", EventKind::kCinEpisode,
     kCpPlanFields, {}},
    {EventKind::kCpReview, "cp-review", "Review child protection conference", "CPPreviewDate", "",
     EventKind::kCpPlan, {}, {}},
    {EventKind::kPreProceedings, "pre-proceedings", "Pre-proceedings and family group decision making",
     "PPStartDate", "", EventKind::kCinEpisode, kPreProceedingsFields, {}},
    {EventKind::kLookedAfterEpisode, "looked-after-episode", "Looked-after episode (legal status and placement)",
     "DECOM", "DEC", std::nullopt, kEpisodeFields, {}},
    {EventKind::kClaReview, "cla-review", "Looked-after child review", "REVIEW", "", std::nullopt, kClaReviewFields,
     kReviewKey},
    {EventKind::kMissing, "missing", "Missing or absent episode", "MIS_START", "MIS_END", std::nullopt,
     kMissingFields, kMissingKey},
    {EventKind::kHealthOutcomes, "health-outcomes", "Health and offending outcomes for the year (OC2)", "", "",
     std::nullopt, kOc2Fields, {}},
    {EventKind::kCareLeaverOutcomes, "care-leaver-outcomes", "Care leaver outcomes for the year (OC3)", "", "",
     std::nullopt, kOc3Fields, {}},
    {EventKind::kAdoptionDecision, "adoption-decision", "Decision that the child should be placed for adoption",
     "DATE_INT", "", std::nullopt, kAd1Fields, {}},
    {EventKind::kPlacedForAdoption, "placed-for-adoption", "Placed for adoption", "DATE_PLACED",
     "DATE_PLACED_CEASED", std::nullopt, kPlacedForAdoptionFields, {}},
    {EventKind::kPreviousPermanence, "previous-permanence", "Permanence before this period of care", "", "",
     std::nullopt, kPrevPermFields, {}},
    {EventKind::kSocialWorkerAllocation, "allocation", "Allocation of a social worker", "SW_DECOM", "SW_DEC",
     std::nullopt, kAllocationFields, kAllocationKey},
    {EventKind::kDeprivationOfLiberty, "deprivation-of-liberty", "Deprivation of liberty order", "DOLO_START",
     "DOLO_END", std::nullopt, {}, {}},
    {EventKind::kStrategyDiscussion, "strategy-discussion", "Strategy discussion", "date", "", std::nullopt,
     kMeetingFields, {}},
    {EventKind::kInitialCpConference, "initial-cp-conference", "Initial child protection conference", "date", "",
     std::nullopt, kMeetingFields, {}},
    {EventKind::kCoreGroup, "core-group", "Core group meeting", "date", "", std::nullopt, kMeetingFields, {}},
    {EventKind::kVisit, "visit", "Statutory visit", "date", "", std::nullopt, kVisitFields, kVisitKey},
    {EventKind::kSupervision, "supervision", "Supervision or management oversight", "date", "", std::nullopt,
     kSupervisionFields, {}},
    {EventKind::kHealthAssessment, "health-assessment", "Health assessment", "date", "", std::nullopt,
     kHealthAssessmentFields, {}},
    {EventKind::kPersonalEducationPlan, "pep", "Personal education plan", "date", "", std::nullopt, kNoFields,
     {}},
    {EventKind::kPathwayPlan, "pathway-plan", "Pathway plan or its review", "date", "", std::nullopt, kNoFields,
     {}},
    {EventKind::kCareLeaverContact, "care-leaver-contact", "Contact with a care leaver", "date", "", std::nullopt,
     kNoFields, {}},
    {EventKind::kReturnInterview, "return-interview", "Return home interview", "date", "", std::nullopt,
     kReturnInterviewFields, {}},
    {EventKind::kEhcRequest, "ehc-request", "Request for an EHC needs assessment", "date", "", std::nullopt,
     kEhcRequestFields, {}},
    {EventKind::kEhcPlan, "ehc-plan", "Education, health and care plan issued", "date", "end_date", std::nullopt,
     kNoFields, {}},
    {EventKind::kEhcReview, "ehc-review", "EHC plan annual review", "date", "", std::nullopt, kNoFields, {}},
    {EventKind::kOversight, "oversight", "Management oversight", "date", "", std::nullopt, kOversightFields, {}},
    {EventKind::kDirection, "direction", "Direction from management oversight", "date", "done_date",
     EventKind::kOversight, kDirectionFields, kDirectionKey},
    {EventKind::kCaseAudit, "case-audit", "Case audit", "date", "", std::nullopt, kCaseAuditFields, {}},
    {EventKind::kAuditModeration, "audit-moderation", "Moderation of a case audit", "date", "",
     EventKind::kCaseAudit, kAuditModerationFields, {}},
    {EventKind::kAuditAction, "audit-action", "Action from a case audit", "date", "done_date", EventKind::kCaseAudit,
     kDirectionFields, kDirectionKey},
}};

}  // namespace

std::span<const EventKindSpec> AllEventKinds() { return kSpecs; }

const EventKindSpec& Spec(EventKind kind) { return kSpecs[static_cast<size_t>(kind)]; }

Result<EventKind> EventKindFromId(std::string_view id) {
  for (const EventKindSpec& spec : kSpecs) {
    if (spec.id == id) return spec.kind;
  }
  return Status::NotFound("'" + std::string(id) + "' is not a kind of event Cairn knows");
}

std::string_view IdOf(EventKind kind) { return Spec(kind).id; }

bool IsFreeText(EventKind kind, std::string_view field) {
  for (const FieldSpec& candidate : Spec(kind).fields) {
    if (candidate.name == field) return candidate.free_text;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> SplitNamedParts(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> parts;
  size_t from = 0;
  while (from < text.size()) {
    const size_t end = std::min(text.find(';', from), text.size());
    const std::string_view part = text.substr(from, end - from);
    const size_t equals = part.find('=');
    if (equals != std::string_view::npos) parts.emplace_back(part.substr(0, equals), part.substr(equals + 1));
    from = end + 1;
  }
  return parts;
}

std::string JoinNamedParts(const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string text;
  for (const auto& [name, value] : parts) {
    if (!text.empty()) text += ';';
    text += name + "=" + value;
  }
  return text;
}

std::optional<FieldType> FieldTypeOf(EventKind kind, std::string_view field) {
  const EventKindSpec& spec = Spec(kind);
  if (field == spec.start_field || (!spec.end_field.empty() && field == spec.end_field)) return FieldType::kDate;
  for (const FieldSpec& candidate : spec.fields) {
    if (candidate.name == field) return candidate.type;
  }
  return std::nullopt;
}

}  // namespace cairn::model
