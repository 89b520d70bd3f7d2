// A child's chronology: who the child is, and every dated event of their journey through
// children's services, as one value that the returns readers build, the store saves and loads,
// and the timescales and indicators read.
//
// Values are kept as the council recorded them (codes are not rewritten, even when they break a
// DfE rule: that is a data-quality finding, not something to fix silently). Dates are parsed, so
// a date that is not a date never gets this far.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/date.h"
#include "model/event_kind.h"

namespace cairn::model {

struct Child {
  std::string la_child_id{};  // the council's own child identifier (LAchildID / CHILD)
  std::string upn{};          // unique pupil number
  std::string former_upn{};
  std::string upn_unknown{};  // UN1-UN7 reason the UPN is not known
  std::optional<Date> birth_date{};
  std::optional<Date> expected_birth_date{};  // unborn children
  std::optional<Date> death_date{};
  // As recorded: SSDA903 1/2 (to 2023/24) or M/F/U; CIN GenderCurrent 1/2/0/9 or Sex M/F/U.
  std::string sex{};
  std::string ethnicity{};
  std::vector<std::string> disabilities{};  // CIN Disability codes, in the order given
  bool uasc = false;                      // ever an unaccompanied asylum-seeking child (903 UASC)
  std::optional<Date> uasc_ceased{};        // DUC: date UASC status ceased or will cease
  std::string mother{};                     // 903 MOTHER: 1 if the child is a mother, 0 if not
  std::optional<Date> mother_child_birth_date{};  // 903 MC_DOB
  // Names are special category data: shown only to users whose scope covers the child, never
  // logged, never in an audit row, never in a return (the returns carry none, so an imported
  // child has none until the council records them).
  std::string given_name{};
  std::string family_name{};
  std::string preferred_name{};  // what the child likes to be called, when not their given name

  // Age in completed years on `date`, if the birth date is known.
  std::optional<int> AgeOn(Date date) const;

  friend bool operator==(const Child&, const Child&) = default;
};

// Where a record came from, and the returns that reported it. An event read from a return is
// written back into that year's return exactly as it came, whatever the DfE's scoping rules
// would say of it, so a council's submitted data survives a round trip.
struct Provenance {
  std::string source{};                  // "ssda903", "cin-census", "cairn", "simulation"
  std::vector<int> reported_in_years{};  // collection years (the year the collection ends), sorted

  bool ReportedIn(int year) const;
  void AddReportedYear(int year);

  friend bool operator==(const Provenance&, const Provenance&) = default;
};

struct Field {
  std::string name{};
  std::string value{};

  friend bool operator==(const Field&, const Field&) = default;
};

struct Event {
  EventKind kind = EventKind::kCinEpisode;
  Date start{};
  std::optional<Date> end{};
  // Index of the parent event within the same chronology (a CP plan's CIN episode); -1 if none.
  int32_t parent = -1;
  // Every field but start and end, by name, in the kind's field order; dates as ISO text.
  std::vector<Field> fields{};
  Provenance provenance{};
  int64_t id = 0;  // the store's id once saved; 0 before
  // The store's version of the event, 1 when first saved and one more with each correction: a
  // correction made against an older version is refused rather than losing the newer one.
  int64_t revision = 0;

  // The field's value, or "" when absent.
  std::string_view Get(std::string_view name) const;
  // A date field's value; nullopt when absent or empty.
  std::optional<Date> GetDate(std::string_view name) const;
  // Sets a field, keeping the kind's field order; an empty value removes it.
  void Set(std::string_view name, std::string value);
  bool IsOpenOn(Date date) const { return start <= date && (!end || *end >= date); }

  // The event as it stood at the end of `date`, for an event that had started by then: an end
  // after `date` is left out, as is every date field after it, and with them each value recorded
  // on a date left out (FieldSpec::recorded_with: REC with DEC, AssessmentFactors with the
  // authorisation). The rest is kept, the initial conference's target date included: it is set
  // when the enquiry starts, however far ahead it lies.
  Event AsAt(Date date) const;
  // Whether its start, end or a date field falls after `date`: false means AsAt(date) is the
  // event unchanged.
  bool HasDateAfter(Date date) const;

  // Same content (ids and provenance aside).
  bool SameContent(const Event& other) const {
    return kind == other.kind && start == other.start && end == other.end && fields == other.fields;
  }
};

class Chronology {
 public:
  Chronology() = default;
  explicit Chronology(Child child) : child_(std::move(child)) {}

  const Child& child() const { return child_; }
  Child& mutable_child() { return child_; }
  const std::vector<Event>& events() const { return events_; }
  std::vector<Event>& mutable_events() { return events_; }

  // Adds an event and returns its index. Its parent, if any, must already be in the chronology.
  int32_t Add(Event event);

  // Events of one kind, in order of addition (the readers add them in date order).
  std::vector<const Event*> OfKind(EventKind kind) const;
  // Children of the event at `index`.
  std::vector<int32_t> ChildrenOf(int32_t index) const;

  // What tells the event at `index` apart from this child's other events: its kind, its
  // parent's key, its start date and its kind's key fields. Two events with the same key in one
  // chronology are the same event recorded twice.
  std::string NaturalKey(int32_t index) const;
  // Every event's NaturalKey, in index order, building each parent's key once rather than once
  // per descendant (the store needs them all for every child it saves).
  std::vector<std::string> NaturalKeys() const;

  // Puts events in date order (parents before their children on the same date), keeping parent
  // links right. Stable for events that compare equal.
  void Sort();

  // The chronology as it stood at the end of `date`: events that start after it left out, the
  // rest as Event::AsAt gives them, parent links kept (an event's parent always starts on or
  // before it, so a kept event's parent is kept).
  Chronology AsAt(Date date) const;

 private:
  Child child_;
  std::vector<Event> events_;
};

// A social worker, manager or personal adviser.
struct Worker {
  std::string id{};    // the council's staff id (SW_ID in the 903)
  std::string name{};
  std::string role{};  // "social-worker", "team-manager", "personal-adviser"
  std::string team_id{};
  bool agency = false;
  std::optional<Date> started{};
  std::optional<Date> left{};

  friend bool operator==(const Worker&, const Worker&) = default;
};

struct Team {
  std::string id{};
  std::string name{};
  std::string service{};  // "front-door", "assessment", "cin-cp", "children-in-care", "care-leavers", "disabled-children"

  friend bool operator==(const Team&, const Team&) = default;
};

// "1 April YYYY-1 to 31 March YYYY": the reporting year of both returns.
struct CollectionYear {
  int year = 0;  // the year the collection ends
  Date start() const { return Date::FromYmdOrDie(year - 1, 4, 1); }
  Date end() const { return Date::FromYmdOrDie(year, 3, 31); }
  bool Contains(Date date) const { return date >= start() && date <= end(); }
  // The collection year that contains `date`.
  static CollectionYear Containing(Date date) { return {date.month() >= 4 ? date.year() + 1 : date.year()}; }
};

}  // namespace cairn::model
