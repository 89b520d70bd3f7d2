// The timescale rules and drift signals, as data: read from data/timescales/england.toml (or a
// council's own file) and validated, then adjusted by a council's local override file.
//
// The file's schema is described at the top of data/timescales/england.toml. In short, a rule
// has a stable id, a title, its source in law or guidance, a trigger (one of a fixed vocabulary
// the evaluator understands: "referral", "cp-plan", "period-of-care", ...), what satisfies it
// (event kinds with field conditions, or a date on the triggering event), an interval ("20
// working days", "6 months"), a recurrence ("once" or "after-each") and what stops it. A signal
// names a kind of drift whose logic is Cairn's and whose numbers (threshold, count, window) are
// data.
//
// Every error names the file, the line, the rule id and the field:
//   "england.toml line 88: rule 'cp.visit', field 'interval': '10 workdays' is not an interval;
//    write a number and a unit, such as \"20 working days\" or \"6 months\"."
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "base/working_day_calendar.h"
#include "model/event_kind.h"

namespace cairn::timescales {

enum class IntervalUnit : uint8_t { kWorkingDays, kDays, kWeeks, kMonths, kYears, kHours };

// A length of time as the law writes it.
struct Interval {
  int count = 0;
  IntervalUnit unit = IntervalUnit::kDays;

  // "20 working days", "1 week", "6 months", "72 hours": a whole number (0-10000) and a unit.
  // Units: working day(s), day(s), week(s), month(s), year(s), hour(s).
  static Result<Interval> Parse(std::string_view text);
  // The last day of the interval that starts on `from`:
  //   working days  calendar.Add(from, count)      (from is day 0)
  //   days, weeks   from + count days, from + 7 * count days
  //   months, years calendar months, clamped to the end of the month (31 Aug + 6 months = 28 Feb)
  //   hours         from + ceil(count / 24) days (Cairn records dates, not times)
  Date After(Date from, const WorkingDayCalendar& calendar) const;
  // The day the interval ending on `to` started: the inverse of After (for a window "the last
  // 12 months" up to a date). Months clamp as in After.
  Date Before(Date to, const WorkingDayCalendar& calendar) const;
  std::string ToString() const;  // "20 working days"

  friend bool operator==(const Interval&, const Interval&) = default;
};

// What starts a rule's clock. Each is defined in data/timescales/england.toml's header.
enum class Trigger : uint8_t {
  kReferral,
  kSection47,
  kCpPlan,
  kPeriodOfCare,
  kPlacement,
  kMissingReturn,
  kLeftCare,
  kEhcRequest,
  kEhcPlan,
  kOpenCase,
  kChild,
  kDirection,
  kAuditAction,
};
inline constexpr int kTriggerCount = 13;
std::string_view TriggerName(Trigger trigger);
// The kind of event a trigger is (its fields are what trigger_where tests), or nullopt for
// triggers that are not one event ("open-case", "child").
std::optional<model::EventKind> TriggerEventKind(Trigger trigger);

enum class Recurrence : uint8_t { kOnce, kAfterEach };
enum class PlacementFilter : uint8_t { kAny, kLongTerm, kNotLongTerm };

// "field has one of these values" on an event of a given kind. Values compare exactly, except
// that letter case is ignored ("True" == "true").
struct FieldCondition {
  std::string field;
  std::vector<std::string> values;
};

// One way of satisfying a rule.
struct Satisfier {
  // A date field on the triggering event itself (DateOfInitialCPC on a section-47), when set;
  // otherwise an event of `kind`.
  std::optional<std::string> trigger_field;
  model::EventKind kind = model::EventKind::kVisit;
  std::vector<FieldCondition> where;   // every condition must hold
  std::vector<FieldCondition> unless;  // none may hold
  bool use_end_date = false;           // the event's end is when it was done (an assessment)
  bool nested_in_trigger = false;      // must be nested under the triggering event
  // Sources that can carry this satisfier; empty means "as [sources] says for the kind".
  std::optional<std::vector<std::string>> carried_by;
};

struct AgeInterval {
  int under = 0;  // applies while the child is under this age on the day the interval starts
  Interval interval;
};

struct Rule {
  std::string id;
  std::string title;
  std::string source;
  bool local = false;
  std::optional<Interval> maximum;  // for local rules: the longest interval the law allows
  Trigger trigger = Trigger::kReferral;
  std::vector<FieldCondition> trigger_where;
  std::vector<FieldCondition> trigger_unless;
  PlacementFilter placements = PlacementFilter::kAny;
  std::optional<int> age_from;
  std::optional<int> age_under;
  int starts_at = 0;  // 0: the trigger; n: the nth satisfying event after it
  std::optional<model::EventKind> starts_at_kind;  // count these events instead of satisfying ones
  std::vector<Satisfier> satisfied_by;
  Interval interval;
  std::vector<AgeInterval> interval_under_age;  // youngest band first
  Recurrence recurrence = Recurrence::kOnce;
  std::optional<Interval> applies_from;
  std::optional<Interval> applies_until;
  bool applies_until_long_term_only = false;
  bool stops_with_trigger = false;  // the trigger's own end ("plan-ends") stops it
  std::optional<int> stops_at_age;
  uint32_t line = 0;  // where it was defined, for messages

  // The interval that starts on `from` for a child born on `birth` (unknown: the plain interval).
  const Interval& IntervalStarting(Date from, std::optional<Date> birth) const;
};

// A drift signal's definition: its logic is in the evaluator, keyed by id; its numbers are here.
enum class SignalKind : uint8_t {
  kCpPlan18m,
  kCpPlan2y,
  kRepeatCp2y,
  kReReferral12m,
  kPlacementMoves,
  kSocialWorkerChanges,
  kUnallocated,
  kSection20,
  kMissing,
  kAdoptionEntryToPlacement,
  kAdoptionDecisionToMatch,
  kManyOverdue,
};
inline constexpr int kSignalKindCount = 12;

struct Signal {
  std::string id;
  std::string title;
  std::string source;
  bool local = false;
  SignalKind kind = SignalKind::kManyOverdue;
  std::optional<Interval> threshold;
  std::optional<int> count;
  std::optional<Interval> window;
  uint32_t line = 0;
};

// The [settings] table: definitions the rules and signals share.
struct Settings {
  std::vector<std::string> short_break_legal_statuses;
  std::vector<std::string> section20_legal_statuses;
  std::vector<std::string> new_period_reasons;
  std::vector<std::string> continuing_reasons_ceased;
  std::vector<std::string> placement_change_reasons;
  std::vector<std::string> long_term_placements;
  std::vector<std::string> adoption_placements;  // PLACE values for a placement for adoption
  std::vector<std::string> missing_codes;
};

class RuleSet {
 public:
  // Parses and validates a rules file. `source_name` (a file name) starts every message.
  // Unknown keys, unknown triggers, stops that do not belong to the trigger, event kinds or
  // fields Cairn does not know, malformed intervals, duplicate ids, a signal id Cairn has no
  // logic for, a missing signal parameter: all kInvalidArgument naming the line, id and field.
  // `calendar` counts working days when a local rule's interval is checked against its maximum
  // (the calendar the rules will be evaluated with).
  static Result<RuleSet> FromToml(std::string_view toml_text, std::string_view source_name,
                                  const WorkingDayCalendar& calendar);
  // The rules compiled into Cairn from data/timescales/england.toml.
  static Result<RuleSet> England(const WorkingDayCalendar& calendar);
  // The same, checked with WorkingDayCalendar::EnglandAndWales() (built for the call).
  static Result<RuleSet> England();

  // Applies a council's override file (see "LOCAL OVERRIDES" in england.toml): only the
  // interval of a rule marked local (never beyond its `maximum`, in working days of `calendar`)
  // and the threshold, count and window of a signal marked local. Nothing changes unless the
  // whole file is valid.
  Status ApplyOverrides(std::string_view toml_text, std::string_view source_name, const WorkingDayCalendar& calendar);
  // The same with WorkingDayCalendar::EnglandAndWales(), for callers that have no calendar to hand.
  Status ApplyOverrides(std::string_view toml_text, std::string_view source_name);

  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<Signal>& signals() const { return signals_; }
  const Settings& settings() const { return settings_; }
  // Index of the rule (signal) with this id, or nullopt.
  std::optional<size_t> FindRule(std::string_view id) const;
  std::optional<size_t> FindSignal(std::string_view id) const;
  // The signal of this kind; every kind is defined once in a valid rule set.
  const Signal& SignalOf(SignalKind kind) const { return signals_[signal_by_kind_[static_cast<size_t>(kind)]]; }
  size_t SignalIndex(SignalKind kind) const { return signal_by_kind_[static_cast<size_t>(kind)]; }

  // Source names ([sources] keys), in file order, and whether `source` can carry `kind`.
  const std::vector<std::string>& source_names() const { return source_names_; }
  bool Carries(size_t source, model::EventKind kind) const;

 private:
  std::vector<Rule> rules_;
  std::vector<Signal> signals_;
  std::vector<size_t> signal_by_kind_;
  Settings settings_;
  std::vector<std::string> source_names_;
  std::vector<std::vector<bool>> carries_;  // [source][kind]
};

}  // namespace cairn::timescales
