// The kinds of event a child's chronology holds, and what each carries.
//
// One table (event_kind.cpp) describes every kind: a stable id, a title, which return (if any)
// carries it, the kind it nests under, its fields, and which fields identify it among its
// siblings (its natural key, so re-importing a return is idempotent). Field names are the
// returns' own element names (DECOM, CPPstartDate, ...) so a council's analyst recognises them;
// kinds only Cairn records use plain names. Adding a kind is one enum value and one table row.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace cairn::model {

enum class EventKind : uint8_t {
  // CIN census (children in need and child protection)
  kCinEpisode,           // CINdetails: referral (start) to closure (end)
  kAssessment,           // Assessments: start to authorisation
  kCinPlan,              // CINPlanDates
  kSection47,            // Section47: enquiry start; holds its initial conference date
  kCpPlan,               // ChildProtectionPlans: start to end
  kCpReview,             // Reviews > CPPreviewDate: a review child protection conference
  kPreProceedings,       // PreProceedingsandFGDM (2025/26)
  // SSDA903 (children looked after)
  kLookedAfterEpisode,   // Episodes: one legal status and placement, DECOM to DEC
  kClaReview,            // Reviews: a looked-after child's statutory review
  kMissing,              // Missing: a missing or absent episode
  kHealthOutcomes,       // OC2: the year's health and offending outcomes
  kCareLeaverOutcomes,   // OC3: a care leaver's contact, activity and accommodation
  kAdoptionDecision,     // AD1: should-be-placed decision and match
  kPlacedForAdoption,    // PlacedAdoption
  kPreviousPermanence,   // PrevPerm: permanence before this period of care
  kSocialWorkerAllocation,  // SWEpisodes, and every allocation Cairn records
  kDeprivationOfLiberty, // DoLo (2026/27)
  // Recorded by Cairn only
  kStrategyDiscussion,
  kInitialCpConference,
  kCoreGroup,
  kVisit,
  kSupervision,
  kHealthAssessment,
  kPersonalEducationPlan,
  kPathwayPlan,
  kCareLeaverContact,
  kReturnInterview,
  kEhcRequest,
  kEhcPlan,
  kEhcReview,
  kOversight,   // management oversight of the case: a manager's decision
  kDirection,   // a direction given at oversight: an owner, a due date, done when marked so
  kCaseAudit,         // a case audit (quality assurance): a grade per theme of the template, and overall
  kAuditModeration,   // a second grade for a case audit, and the grade agreed
  kAuditAction,       // an action set by a case audit: like a direction, an owner and a due date
};
// The last kind, for tables sized by kind.
inline constexpr EventKind kLastEventKind = EventKind::kAuditAction;

// Whether events of `kind` are actions given to someone (a direction from oversight, an action
// from a case audit): an owner (a worker id), a due date, done when the owner marks it so.
constexpr bool IsAssignedAction(EventKind kind) {
  return kind == EventKind::kDirection || kind == EventKind::kAuditAction;
}

enum class FieldType : uint8_t {
  kText,      // free text or an identifier, kept as given
  kCode,      // a value from a DfE code list, kept as given (validation reports, never rewrites)
  kDate,      // a date, stored ISO; the returns write dd/mm/YYYY or ISO as their layout demands
  kInteger,
  kFlag,      // yes/no as the source wrote it (1/0, true/false)
  kCodeList,  // several codes (assessment factors), stored comma-separated in order
};

struct FieldSpec {
  std::string_view name;
  FieldType type;
  // The date (the kind's start or end field, or one of its date fields) on which this value is
  // recorded: it has a value only once that date has come, like REC with DEC. Empty: a date field
  // is the date of what it names, and any other value is known from the event's start.
  std::string_view recorded_with = {};
  // Free text about the child (notes, a manager's decision): special category data, shown only
  // in scope, never in a log, an audit row, a return or a download.
  bool free_text = false;
};

struct EventKindSpec {
  EventKind kind;
  std::string_view id;     // stable, used in the database and in rules: "cp-plan"
  std::string_view title;  // "Child protection plan"
  // The field holding the event's date (its start). Empty for yearly records that carry no
  // date of their own (OC2, OC3, PrevPerm): their date is the 31 March of the year reported.
  std::string_view start_field;
  std::string_view end_field;    // the field holding its end date; empty for one-day events
  std::optional<EventKind> parent;  // the kind this nests under (an assessment within a CIN episode)
  std::span<const FieldSpec> fields;      // every field other than start and end
  std::span<const std::string_view> key;  // fields beyond the start date that tell siblings apart
};

const EventKindSpec& Spec(EventKind kind);
std::span<const EventKindSpec> AllEventKinds();
// The kind with this id ("cla-review"); NotFound names the id.
Result<EventKind> EventKindFromId(std::string_view id);
std::string_view IdOf(EventKind kind);
// The type of `field` in `kind`, or nullopt when the kind has no such field.
std::optional<FieldType> FieldTypeOf(EventKind kind, std::string_view field);
// Whether `field` of `kind` is free text (FieldSpec::free_text).
bool IsFreeText(EventKind kind, std::string_view field);

// A field made of named parts (a case audit's grade for each theme) holds them as
// "name=value;name=value", in the order given. Names and values are identifiers (no ';' or '=').
std::vector<std::pair<std::string, std::string>> SplitNamedParts(std::string_view text);
std::string JoinNamedParts(const std::vector<std::pair<std::string, std::string>>& parts);

}  // namespace cairn::model
