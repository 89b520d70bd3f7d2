#include "timescales/evaluator.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <thread>
#include <unordered_map>
#include <utility>

#include "base/parallel.h"

namespace cairn::timescales {

static_assert(static_cast<size_t>(model::kLastEventKind) + 1 == CompactChronology::kKindCount,
              "a new event kind: update CompactChronology::kKindCount");

namespace {

using model::EventKind;

// Field conditions that come from [settings] rather than from a rule: the first bits of every
// CompactEvent::facts. Rules' own conditions follow from kFirstRuleFact.
enum SettingsFact : uint32_t {
  kShortBreak,       // looked-after-episode: LS is a series of short breaks
  kSection20,        // looked-after-episode: LS is section 20
  kNewPeriod,        // looked-after-episode: RNE starts a new period of care
  kContinues,        // looked-after-episode: REC continues into the next episode
  kPlacementChange,  // looked-after-episode: RNE is a change of placement
  kLongTerm,         // looked-after-episode: PLACE is a long-term placement
  kAdoptionPlacement,  // looked-after-episode: PLACE is a placement for adoption
  kMissingCode,      // missing: MISSING counts as missing
  kFirstRuleFact,
};
static_assert(kFirstRuleFact == 8, "update the number of rule conditions in Evaluator::Create's contract");
constexpr uint32_t Bit(uint32_t fact) { return uint32_t{1} << fact; }

constexpr size_t kMaxFacts = 32;
constexpr size_t kMaxSources = 32;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

Date Day(int32_t day_number) { return Date::FromDayNumber(day_number); }

// One time a rule's clock starts.
struct TriggerInstance {
  int32_t clock = 0;        // the day the clock starts
  int32_t window = 0;       // the earliest day a satisfying event may fall on
  int32_t end = kOpenEnd;   // the day the trigger's scope ended (on or before as-at), or kOpenEnd
  int32_t event = -1;       // compact index of the triggering event (its fields), or -1
  int32_t clock_event = -1; // compact index of the event whose date is `clock`, or -1
  bool long_term = false;   // a placement intended to last until 18
  // A deadline the triggering event names itself (a direction's due date), instead of the
  // rule's interval from the clock.
  int32_t fixed_due = kNoDay;
};

// A period of care: consecutive looked-after episodes.
struct Period {
  int32_t start = 0;
  int32_t end = kOpenEnd;
  int32_t care_start = kNoDay;  // the first episode that is not a short break
  int32_t care_event = -1;
  int32_t first = -1;  // compact indices of its first and last episodes
  int32_t last = -1;
};

struct Placement {
  int32_t start = 0;
  int32_t end = kOpenEnd;
  int32_t event = -1;
  int32_t period = 0;
  bool long_term = false;
  bool short_break = false;
  bool end_set = false;
};

struct Candidate {
  int32_t day;
  int32_t event;  // compact index
};

// Per-thread working storage, reused from child to child so evaluation allocates almost nothing.
struct Scratch {
  std::array<std::vector<TriggerInstance>, kTriggerCount> triggers;
  uint32_t computed = 0;  // bit per Trigger: triggers[t] is filled in for this child
  bool derived = false;   // periods, placements and cases are filled in
  std::vector<Period> periods;
  std::vector<Placement> placements;
  std::vector<std::pair<int32_t, int32_t>> cases;
  std::vector<Candidate> candidates;
  std::vector<int32_t> days;

  void Reset() {
    computed = 0;
    derived = false;
  }
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}


}  // namespace

struct Evaluator::FieldFact {
  EventKind kind;
  std::string field;
  std::vector<std::string> values;
};

struct Evaluator::CompiledSatisfier {
  bool trigger_field = false;
  bool trigger_end = false;  // the trigger_field is the triggering event's own end (a direction's done date)
  EventKind kind = EventKind::kVisit;
  uint32_t where = 0;
  uint32_t unless = 0;
  bool use_end = false;
  bool nested = false;
  uint32_t sources = 0;  // bit per source that can carry it
};

struct Evaluator::CompiledRule {
  uint32_t trigger_where = 0;
  uint32_t trigger_unless = 0;
  std::vector<CompiledSatisfier> satisfiers;
};

Evaluator::Evaluator(RuleSet rules, WorkingDayCalendar calendar)
    : rules_(std::move(rules)), calendar_(std::move(calendar)) {}
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;
Evaluator& Evaluator::operator=(Evaluator&&) noexcept = default;

std::string_view StatusName(ObligationStatus status) {
  switch (status) {
    case ObligationStatus::kMet: return "met";
    case ObligationStatus::kMetLate: return "met-late";
    case ObligationStatus::kDue: return "due";
    case ObligationStatus::kOverdue: return "overdue";
    case ObligationStatus::kUnknown: return "unknown";
  }
  return "unknown";
}

std::optional<ObligationStatus> StatusFromName(std::string_view name) {
  for (ObligationStatus status : {ObligationStatus::kMet, ObligationStatus::kMetLate, ObligationStatus::kDue,
                                  ObligationStatus::kOverdue, ObligationStatus::kUnknown}) {
    if (StatusName(status) == name) return status;
  }
  return std::nullopt;
}

Result<Evaluator> Evaluator::Create(RuleSet rules, WorkingDayCalendar calendar) {
  Evaluator evaluator(std::move(rules), std::move(calendar));
  const RuleSet& set = evaluator.rules_;
  if (set.source_names().size() > kMaxSources) {
    return Status::InvalidArgument("the rules list " + std::to_string(set.source_names().size()) +
                                   " sources; Cairn handles at most " + std::to_string(kMaxSources));
  }
  const Settings& settings = set.settings();
  auto& facts = evaluator.facts_;
  facts.push_back({EventKind::kLookedAfterEpisode, "LS", settings.short_break_legal_statuses});
  facts.push_back({EventKind::kLookedAfterEpisode, "LS", settings.section20_legal_statuses});
  facts.push_back({EventKind::kLookedAfterEpisode, "RNE", settings.new_period_reasons});
  facts.push_back({EventKind::kLookedAfterEpisode, "REC", settings.continuing_reasons_ceased});
  facts.push_back({EventKind::kLookedAfterEpisode, "RNE", settings.placement_change_reasons});
  facts.push_back({EventKind::kLookedAfterEpisode, "PLACE", settings.long_term_placements});
  facts.push_back({EventKind::kLookedAfterEpisode, "PLACE", settings.adoption_placements});
  facts.push_back({EventKind::kMissing, "MISSING", settings.missing_codes});

  // Each distinct (kind, field, values) condition gets one bit, shared by every rule that tests it.
  auto mask_of = [&](EventKind kind, const std::vector<FieldCondition>& conditions,
                     const Rule& rule) -> Result<uint32_t> {
    uint32_t mask = 0;
    for (const FieldCondition& condition : conditions) {
      size_t index = facts.size();
      for (size_t i = kFirstRuleFact; i < facts.size(); ++i) {
        if (facts[i].kind == kind && facts[i].field == condition.field && facts[i].values == condition.values) index = i;
      }
      if (index == facts.size()) {
        if (facts.size() == kMaxFacts) {
          return Status::InvalidArgument("rule '" + rule.id + "': the rules test more than " +
                                         std::to_string(kMaxFacts - kFirstRuleFact) +
                                         " different field conditions; Cairn handles at most that many");
        }
        facts.push_back({kind, condition.field, condition.values});
      }
      mask |= Bit(static_cast<uint32_t>(index));
    }
    return mask;
  };

  evaluator.aux_field_.assign(CompactChronology::kKindCount, "");
  auto keep_date_field = [&](EventKind kind, const std::string& field, const std::string& who) -> Status {
    std::string& slot = evaluator.aux_field_[static_cast<size_t>(kind)];
    if (!slot.empty() && slot != field) {
      return Status::InvalidArgument(who + " reads " + field + " of " + std::string(model::IdOf(kind)) +
                                     " events, but another rule reads " + slot +
                                     "; Cairn keeps one date field per kind of event");
    }
    slot = field;
    return Status::Ok();
  };
  CAIRN_RETURN_IF_ERROR(keep_date_field(EventKind::kAdoptionDecision, "DATE_MATCH",
                                        "signal '" + set.SignalOf(SignalKind::kAdoptionDecisionToMatch).id + "'"));

  for (const Rule& rule : set.rules()) {
    CompiledRule compiled;
    const std::optional<EventKind> trigger_kind = TriggerEventKind(rule.trigger);
    if (trigger_kind && model::IsAssignedAction(*trigger_kind)) {
      CAIRN_RETURN_IF_ERROR(keep_date_field(*trigger_kind, "due_date", "rule '" + rule.id + "'"));
    }
    if (trigger_kind) {
      CAIRN_ASSIGN_OR_RETURN(compiled.trigger_where, mask_of(*trigger_kind, rule.trigger_where, rule));
      CAIRN_ASSIGN_OR_RETURN(compiled.trigger_unless, mask_of(*trigger_kind, rule.trigger_unless, rule));
    }
    for (const Satisfier& satisfier : rule.satisfied_by) {
      CompiledSatisfier out;
      if (satisfier.trigger_field) {
        out.trigger_field = true;
        out.kind = *trigger_kind;  // validated: a field satisfier needs a one-event trigger
        out.trigger_end = *satisfier.trigger_field == model::Spec(*trigger_kind).end_field;
        if (!out.trigger_end) {
          CAIRN_RETURN_IF_ERROR(keep_date_field(*trigger_kind, *satisfier.trigger_field, "rule '" + rule.id + "'"));
        }
      } else {
        out.kind = satisfier.kind;
        CAIRN_ASSIGN_OR_RETURN(out.where, mask_of(satisfier.kind, satisfier.where, rule));
        CAIRN_ASSIGN_OR_RETURN(out.unless, mask_of(satisfier.kind, satisfier.unless, rule));
        out.use_end = satisfier.use_end_date;
        out.nested = satisfier.nested_in_trigger;
      }
      for (size_t s = 0; s < set.source_names().size(); ++s) {
        const bool carries = satisfier.carried_by
                                 ? std::find(satisfier.carried_by->begin(), satisfier.carried_by->end(),
                                             set.source_names()[s]) != satisfier.carried_by->end()
                                 : set.Carries(s, out.kind);
        if (carries) out.sources |= Bit(static_cast<uint32_t>(s));
      }
      compiled.satisfiers.push_back(out);
    }
    evaluator.compiled_.push_back(std::move(compiled));
  }
  for (size_t s = 0; s < set.source_names().size(); ++s) {
    if (set.source_names()[s] == "cairn") evaluator.default_source_ = static_cast<uint8_t>(s);
  }
  return evaluator;
}

CompactChronology Evaluator::Compact(const model::Chronology& chronology) const {
  CompactChronology compact;
  const model::Child& child = chronology.child();
  compact.child_id_ = child.la_child_id;
  compact.birth_ = child.birth_date;
  compact.death_ = child.death_date;
  const std::vector<model::Event>& events = chronology.events();
  const size_t n = events.size();

  // Group by kind, then date within a kind (ties keep the chronology's order).
  std::array<uint32_t, CompactChronology::kKindCount + 1> counts{};
  for (const model::Event& event : events) ++counts[static_cast<size_t>(event.kind) + 1];
  for (size_t k = 1; k < counts.size(); ++k) counts[k] += counts[k - 1];
  compact.offsets_ = counts;
  std::vector<int32_t> order(n);
  {
    std::array<uint32_t, CompactChronology::kKindCount + 1> fill = counts;
    for (size_t i = 0; i < n; ++i) order[fill[static_cast<size_t>(events[i].kind)]++] = static_cast<int32_t>(i);
  }
  for (size_t k = 0; k < CompactChronology::kKindCount; ++k) {
    std::stable_sort(order.begin() + counts[k], order.begin() + counts[k + 1], [&](int32_t a, int32_t b) {
      return events[static_cast<size_t>(a)].start < events[static_cast<size_t>(b)].start;
    });
  }
  std::vector<int32_t> rank(n);
  for (size_t i = 0; i < n; ++i) rank[static_cast<size_t>(order[i])] = static_cast<int32_t>(i);

  const std::vector<std::string>& sources = rules_.source_names();
  compact.first_by_source_.assign(sources.size(), kOpenEnd);
  compact.events_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const int32_t original = order[i];
    const model::Event& event = events[static_cast<size_t>(original)];
    CompactEvent& out = compact.events_[i];
    out.kind = event.kind;
    out.start = event.start.day_number();
    out.end = event.end ? event.end->day_number() : kOpenEnd;
    out.parent = event.parent >= 0 && static_cast<size_t>(event.parent) < n ? rank[static_cast<size_t>(event.parent)] : -1;
    out.original = original;

    const std::string& source = event.provenance.source;
    out.source = source.empty() ? default_source_ : kNoSource;
    for (size_t s = 0; s < sources.size() && !source.empty(); ++s) {
      if (sources[s] == source) out.source = static_cast<uint8_t>(s);
    }
    if (out.source != kNoSource) {
      int32_t& first = compact.first_by_source_[out.source];
      first = std::min(first, out.start);
    }

    for (size_t f = 0; f < facts_.size(); ++f) {
      const FieldFact& fact = facts_[f];
      if (fact.kind != event.kind) continue;
      const std::string_view value = event.Get(fact.field);
      if (value.empty()) continue;
      for (const std::string& wanted : fact.values) {
        if (EqualsIgnoringCase(value, wanted)) {
          out.facts |= Bit(static_cast<uint32_t>(f));
          break;
        }
      }
    }

    if (event.kind == EventKind::kSocialWorkerAllocation) {
      const std::string_view worker = event.Get("SW_ID");
      auto found = std::find(compact.workers_.begin(), compact.workers_.end(), worker);
      if (found == compact.workers_.end()) {
        compact.workers_.emplace_back(worker);
        found = compact.workers_.end() - 1;
      }
      out.aux = static_cast<int32_t>(found - compact.workers_.begin());
    } else if (const std::string& field = aux_field_[static_cast<size_t>(event.kind)]; !field.empty()) {
      const std::optional<Date> date = event.GetDate(field);
      out.aux = date ? date->day_number() : kNoDay;
    }
  }
  return compact;
}

// One child's evaluation as at one date.
class Evaluator::ChildRun {
 public:
  ChildRun(const Evaluator& evaluator, const CompactChronology& child, Date as_at, Scratch& scratch,
           ChildEvaluation& out)
      : ev_(evaluator), c_(child), a_(as_at.day_number()), s_(scratch), out_(out) {
    s_.Reset();
    birth_ = child.birth_date();
    death_ = child.death_date() && child.death_date()->day_number() <= a_ ? child.death_date()->day_number() : kOpenEnd;
  }

  void Run() {
    const std::vector<Rule>& rules = ev_.rules_.rules();
    for (size_t r = 0; r < rules.size(); ++r) {
      const Rule& rule = rules[r];
      const CompiledRule& compiled = ev_.compiled_[r];
      for (const TriggerInstance& trigger : Triggers(rule.trigger)) {
        if (!Passes(rule, compiled, trigger)) continue;
        RunRule(static_cast<uint16_t>(r), rule, compiled, trigger);
      }
    }
    Signals();
  }

 private:
  // ------------------------------------------------------------------ as-at visibility

  int32_t EndOf(const CompactEvent& event) const { return event.end <= a_ ? event.end : kOpenEnd; }
  int32_t AuxDate(const CompactEvent& event) const {
    return event.aux != kNoDay && event.aux <= a_ ? event.aux : kNoDay;
  }
  // The events of a kind that have started by the as-at date (worked out once per kind).
  std::span<const CompactEvent> Visible(EventKind kind) {
    const std::span<const CompactEvent> all = c_.OfKind(kind);
    int32_t& visible = visible_[static_cast<size_t>(kind)];
    if (visible < 0) {
      const auto end = std::upper_bound(all.begin(), all.end(), a_,
                                        [](int32_t day, const CompactEvent& event) { return day < event.start; });
      visible = static_cast<int32_t>(end - all.begin());
    }
    return all.first(static_cast<size_t>(visible));
  }
  int32_t Original(int32_t index) const { return index >= 0 ? c_.original_index(index) : -1; }
  bool Has(const CompactEvent& event, uint32_t fact) const { return (event.facts & Bit(fact)) != 0; }

  // The day the child turns `age` (worked out once per age per child).
  int32_t Birthday(int age) {
    const auto slot = static_cast<size_t>(age);
    if (slot >= birthdays_.size()) return birth_->AddYears(age).day_number();
    if (birthdays_[slot] == kNoDay) birthdays_[slot] = birth_->AddYears(age).day_number();
    return birthdays_[slot];
  }

  int32_t AddInterval(const Interval& interval, int32_t day) const {
    return interval.After(Day(day), ev_.calendar_).day_number();
  }

  // ------------------------------------------------------------------ periods of care

  void Derive() {
    if (s_.derived) return;
    s_.derived = true;
    s_.periods.clear();
    s_.placements.clear();
    s_.cases.clear();
    const std::span<const CompactEvent> episodes = Visible(EventKind::kLookedAfterEpisode);
    const int32_t base = c_.FirstOfKind(EventKind::kLookedAfterEpisode);
    for (size_t i = 0; i < episodes.size(); ++i) {
      const CompactEvent& episode = episodes[i];
      const int32_t index = base + static_cast<int32_t>(i);
      bool new_period = s_.periods.empty() || Has(episode, kNewPeriod);
      if (!new_period) {
        // An episode that ended without continuing ("X1") ends its period of care.
        const CompactEvent& previous = episodes[i - 1];
        if (EndOf(previous) != kOpenEnd && !Has(previous, kContinues)) new_period = true;
      }
      if (new_period) {
        if (!s_.placements.empty() && !s_.placements.back().end_set) {
          s_.placements.back().end = s_.periods.back().end;
          s_.placements.back().end_set = true;
        }
        s_.periods.push_back({episode.start, EndOf(episode), kNoDay, -1, index, index});
      } else {
        s_.periods.back().last = index;
        s_.periods.back().end = EndOf(episode);
      }
      Period& period = s_.periods.back();
      if (period.care_start == kNoDay && !Has(episode, kShortBreak)) {
        period.care_start = episode.start;
        period.care_event = index;
      }
      // A new placement; or, where a child on short breaks becomes looked after in the full sense
      // without moving (RNE L), the placement starts again for the visiting rules.
      const bool fully_looked_after_now =
          !new_period && !Has(episode, kShortBreak) && !s_.placements.empty() && s_.placements.back().short_break;
      if (new_period || Has(episode, kPlacementChange) || fully_looked_after_now) {
        if (!new_period && !s_.placements.empty() && !s_.placements.back().end_set) {
          s_.placements.back().end = episode.start;
          s_.placements.back().end_set = true;
        }
        Placement placement;
        placement.start = episode.start;
        placement.event = index;
        placement.period = static_cast<int32_t>(s_.periods.size() - 1);
        placement.long_term = Has(episode, kLongTerm);
        placement.short_break = Has(episode, kShortBreak);
        s_.placements.push_back(placement);
      }
    }
    if (!s_.placements.empty() && !s_.placements.back().end_set) {
      s_.placements.back().end = s_.periods.back().end;
      s_.placements.back().end_set = true;
    }

    // Open cases: CIN episodes and periods of care, joined where they meet or overlap.
    for (const CompactEvent& episode : Visible(EventKind::kCinEpisode)) s_.cases.emplace_back(episode.start, EndOf(episode));
    for (const Period& period : s_.periods) s_.cases.emplace_back(period.start, period.end);
    std::sort(s_.cases.begin(), s_.cases.end());
    size_t merged = 0;
    for (size_t i = 0; i < s_.cases.size(); ++i) {
      if (merged > 0) {
        auto& last = s_.cases[merged - 1];
        if (last.second == kOpenEnd || s_.cases[i].first <= last.second + 1) {
          last.second = std::max(last.second, s_.cases[i].second);
          continue;
        }
      }
      s_.cases[merged++] = s_.cases[i];
    }
    s_.cases.resize(merged);
  }

  // ------------------------------------------------------------------ triggers

  const std::vector<TriggerInstance>& Triggers(Trigger trigger) {
    const uint32_t bit = Bit(static_cast<uint32_t>(trigger));
    std::vector<TriggerInstance>& list = s_.triggers[static_cast<size_t>(trigger)];
    if ((s_.computed & bit) != 0) return list;
    s_.computed |= bit;
    list.clear();
    auto each_event = [&](EventKind kind, bool with_end) {
      const std::span<const CompactEvent> events = Visible(kind);
      const int32_t base = c_.FirstOfKind(kind);
      for (size_t i = 0; i < events.size(); ++i) {
        const int32_t index = base + static_cast<int32_t>(i);
        list.push_back({events[i].start, events[i].start, with_end ? EndOf(events[i]) : kOpenEnd, index, index, false});
      }
    };
    switch (trigger) {
      case Trigger::kReferral: each_event(EventKind::kCinEpisode, true); break;
      case Trigger::kCpPlan: each_event(EventKind::kCpPlan, true); break;
      case Trigger::kEhcRequest: each_event(EventKind::kEhcRequest, false); break;
      case Trigger::kEhcPlan: each_event(EventKind::kEhcPlan, true); break;
      case Trigger::kSection47: Section47Triggers(list); break;
      case Trigger::kMissingReturn: {
        const std::span<const CompactEvent> events = Visible(EventKind::kMissing);
        const int32_t base = c_.FirstOfKind(EventKind::kMissing);
        for (size_t i = 0; i < events.size(); ++i) {
          const int32_t returned = EndOf(events[i]);
          if (returned == kOpenEnd) continue;  // still missing
          const int32_t index = base + static_cast<int32_t>(i);
          list.push_back({returned, returned, kOpenEnd, index, index, false});
        }
        break;
      }
      case Trigger::kPeriodOfCare:
        Derive();
        for (const Period& period : s_.periods) {
          if (period.care_start == kNoDay) continue;  // short breaks only
          list.push_back({period.care_start, period.care_start, period.end, period.care_event, period.care_event, false});
        }
        break;
      case Trigger::kPlacement:
        Derive();
        for (const Placement& placement : s_.placements) {
          if (placement.short_break) continue;
          list.push_back({placement.start, placement.start, placement.end, placement.event, placement.event,
                          placement.long_term});
        }
        break;
      case Trigger::kLeftCare: LeftCareTriggers(list); break;
      case Trigger::kOpenCase:
        Derive();
        for (const auto& [start, end] : s_.cases) list.push_back({start, start, end, -1, -1, false});
        break;
      case Trigger::kDirection:
      case Trigger::kAuditAction: {
        // Given on its date, due on the date it names (kept as the kind's extra date, whether
        // or not that day has come).
        const EventKind kind = *TriggerEventKind(trigger);
        const std::span<const CompactEvent> events = Visible(kind);
        const int32_t base = c_.FirstOfKind(kind);
        for (size_t i = 0; i < events.size(); ++i) {
          if (events[i].aux == kNoDay) continue;
          const int32_t index = base + static_cast<int32_t>(i);
          TriggerInstance instance{events[i].start, events[i].start, kOpenEnd, index, index, false};
          instance.fixed_due = events[i].aux;
          list.push_back(instance);
        }
        break;
      }
      case Trigger::kChild: {
        int32_t first = birth_ ? birth_->day_number() : kOpenEnd;
        if (!birth_) {
          for (size_t i = 0; i < c_.size(); ++i) first = std::min(first, c_.event(static_cast<int32_t>(i)).start);
        }
        if (first != kOpenEnd && first <= a_) list.push_back({first, first, kOpenEnd, -1, -1, false});
        break;
      }
    }
    return list;
  }

  // The clock for an initial conference starts at the strategy discussion that started the
  // enquiry: the latest one on or before the S47 start, and not before the referral (Working
  // Together 2023 ch. 3). Without one, the S47 start date.
  void Section47Triggers(std::vector<TriggerInstance>& list) {
    const std::span<const CompactEvent> enquiries = Visible(EventKind::kSection47);
    const std::span<const CompactEvent> discussions = Visible(EventKind::kStrategyDiscussion);
    const int32_t base = c_.FirstOfKind(EventKind::kSection47);
    const int32_t discussion_base = c_.FirstOfKind(EventKind::kStrategyDiscussion);
    for (size_t i = 0; i < enquiries.size(); ++i) {
      const CompactEvent& enquiry = enquiries[i];
      const int32_t index = base + static_cast<int32_t>(i);
      int32_t referral = kNoDay;
      int32_t episode_end = kOpenEnd;
      if (enquiry.parent >= 0) {
        referral = c_.event(enquiry.parent).start;
        episode_end = EndOf(c_.event(enquiry.parent));
      }
      TriggerInstance trigger{enquiry.start, enquiry.start, episode_end, index, index, false};
      const auto after = std::upper_bound(discussions.begin(), discussions.end(), enquiry.start,
                                          [](int32_t day, const CompactEvent& event) { return day < event.start; });
      if (after != discussions.begin()) {
        const auto latest = after - 1;
        if (latest->start >= referral) {
          trigger.clock = latest->start;
          trigger.clock_event = discussion_base + static_cast<int32_t>(latest - discussions.begin());
        }
      }
      list.push_back(trigger);
    }
  }

  // Care leavers: a period of care that ended on or after the 16th birthday, for a child looked
  // after for 13 weeks or more since turning 14 (CPPCR 2010 reg 40, eligible child). The duty
  // lasts until the child comes back into care.
  void LeftCareTriggers(std::vector<TriggerInstance>& list) {
    if (!birth_) return;
    Derive();
    const int32_t fourteen = Birthday(14);
    const int32_t sixteen = Birthday(16);
    int64_t days_since_14 = 0;
    for (size_t p = 0; p < s_.periods.size(); ++p) {
      const Period& period = s_.periods[p];
      if (period.care_start == kNoDay) continue;
      const int32_t until = period.end == kOpenEnd ? a_ : period.end;
      const int32_t from = std::max(period.care_start, fourteen);
      if (until > from) days_since_14 += until - from;
      if (period.end == kOpenEnd || period.end < sixteen || days_since_14 < 91) continue;
      const int32_t back_in_care = p + 1 < s_.periods.size() ? s_.periods[p + 1].start : kOpenEnd;
      list.push_back({period.end, period.end, back_in_care, period.last, period.last, false});
    }
  }

  bool Passes(const Rule& rule, const CompiledRule& compiled, const TriggerInstance& trigger) const {
    if (compiled.trigger_where != 0 || compiled.trigger_unless != 0) {
      if (trigger.event < 0) return false;
      const uint32_t facts = c_.event(trigger.event).facts;
      if ((facts & compiled.trigger_where) != compiled.trigger_where) return false;
      if ((facts & compiled.trigger_unless) != 0) return false;
    }
    if (rule.placements == PlacementFilter::kLongTerm && !trigger.long_term) return false;
    if (rule.placements == PlacementFilter::kNotLongTerm && trigger.long_term) return false;
    if ((rule.age_from || rule.age_under) && birth_) {
      const int age = Day(trigger.clock).AgeInYears(*birth_);
      if (rule.age_from && age < *rule.age_from) return false;
      if (rule.age_under && age >= *rule.age_under) return false;
    }
    return true;
  }

  // ------------------------------------------------------------------ one rule, one trigger

  bool Matches(const CompactEvent& event, const CompiledSatisfier& satisfier, int32_t trigger_event) const {
    if ((event.facts & satisfier.where) != satisfier.where || (event.facts & satisfier.unless) != 0) return false;
    if (satisfier.nested) {
      if (trigger_event < 0) return false;
      for (int32_t p = event.parent, depth = 0; p >= 0 && depth < 8; p = c_.event(p).parent, ++depth) {
        if (p == trigger_event) return true;
      }
      return false;
    }
    return true;
  }

  // Every event that satisfies the rule for this trigger, on or after its window and on or
  // before `limit`, by date. A date recorded on the triggering event itself wins outright.
  void Collect(const CompiledRule& compiled, const TriggerInstance& trigger, int32_t limit) {
    std::vector<Candidate>& found = s_.candidates;
    found.clear();
    for (const CompiledSatisfier& satisfier : compiled.satisfiers) {
      if (!satisfier.trigger_field || trigger.event < 0) continue;
      const CompactEvent& triggering = c_.event(trigger.event);
      const int32_t end = EndOf(triggering);
      const int32_t day = satisfier.trigger_end ? (end == kOpenEnd ? kNoDay : end) : AuxDate(triggering);
      if (day != kNoDay && day <= limit) {
        found.push_back({day, trigger.event});
        return;
      }
    }
    size_t lists = 0;
    bool needs_sort = false;
    for (const CompiledSatisfier& satisfier : compiled.satisfiers) {
      if (satisfier.trigger_field) continue;
      ++lists;
      const std::span<const CompactEvent> events = c_.OfKind(satisfier.kind);
      const int32_t base = c_.FirstOfKind(satisfier.kind);
      if (!satisfier.use_end) {
        auto it = std::lower_bound(events.begin(), events.end(), trigger.window,
                                   [](const CompactEvent& event, int32_t day) { return event.start < day; });
        for (; it != events.end() && it->start <= limit; ++it) {
          if (Matches(*it, satisfier, trigger.event)) {
            found.push_back({it->start, base + static_cast<int32_t>(it - events.begin())});
          }
        }
      } else {
        needs_sort = true;
        for (size_t i = 0; i < events.size(); ++i) {
          const int32_t day = EndOf(events[i]);
          if (day == kOpenEnd || events[i].start > a_ || day < trigger.window || day > limit) continue;
          if (Matches(events[i], satisfier, trigger.event)) found.push_back({day, base + static_cast<int32_t>(i)});
        }
      }
    }
    if (lists > 1 || needs_sort) {
      std::sort(found.begin(), found.end(), [](const Candidate& x, const Candidate& y) {
        return x.day != y.day ? x.day < y.day : x.event < y.event;
      });
    }
  }

  // Whether any source that can carry a satisfying event had recorded something for this child
  // by `day`: if not, the record cannot say whether the duty was met.
  bool Covered(const CompiledRule& compiled, const TriggerInstance& trigger, int32_t day) const {
    const std::vector<int32_t>& first = c_.first_day_by_source();
    for (const CompiledSatisfier& satisfier : compiled.satisfiers) {
      if (satisfier.trigger_field) {
        if (trigger.event < 0) continue;
        const uint8_t source = c_.event(trigger.event).source;
        if (source != kNoSource && (satisfier.sources & Bit(source)) != 0) return true;
        continue;
      }
      for (uint32_t sources = satisfier.sources; sources != 0; sources &= sources - 1) {
        const auto s = static_cast<size_t>(std::countr_zero(sources));
        if (s < first.size() && first[s] <= day) return true;
      }
    }
    return false;
  }

  void Emit(uint16_t rule, ObligationStatus status, bool closed, int32_t trigger_day, int32_t trigger_event,
            int32_t due, const Candidate* done, int32_t days) {
    Obligation& obligation = out_.obligations.emplace_back();
    obligation.rule = rule;
    obligation.status = status;
    obligation.closed = closed;
    obligation.trigger = Day(trigger_day);
    obligation.due = Day(due);
    if (done != nullptr) {
      obligation.done = Day(done->day);
      obligation.met_by = Original(done->event);
    }
    obligation.days = days;
    obligation.trigger_event = Original(trigger_event);
  }

  void RunRule(uint16_t rule_index, const Rule& rule, const CompiledRule& compiled, const TriggerInstance& trigger) {
    // When the duty stops: its trigger's own end, an age, the child's death (all as at a_).
    int32_t stop = rule.stops_with_trigger ? trigger.end : kOpenEnd;
    if (rule.stops_at_age && birth_) {
      const int32_t birthday = Birthday(*rule.stops_at_age);
      if (birthday <= a_) stop = std::min(stop, birthday);
    }
    stop = std::min(stop, death_);
    const int32_t limit = std::min(a_, stop);
    Collect(compiled, trigger, limit);
    const std::vector<Candidate>& found = s_.candidates;

    // The first interval starts at the trigger, or at its nth satisfying event.
    int32_t anchor = trigger.clock;
    int32_t anchor_event = trigger.clock_event;
    size_t next = 0;
    bool first_link = rule.starts_at == 0;
    if (rule.starts_at > 0 && rule.starts_at_kind) {
      // The clock starts at the nth event of another kind (the first review).
      const std::span<const CompactEvent> events = c_.OfKind(*rule.starts_at_kind);
      auto it = std::lower_bound(events.begin(), events.end(), trigger.window,
                                 [](const CompactEvent& event, int32_t day) { return event.start < day; });
      const auto n = static_cast<std::ptrdiff_t>(rule.starts_at);
      if (events.end() - it < n || (it + (n - 1))->start > limit) return;
      it += n - 1;
      anchor = it->start;
      anchor_event = c_.FirstOfKind(*rule.starts_at_kind) + static_cast<int32_t>(it - events.begin());
    } else if (rule.starts_at > 0) {
      const auto n = static_cast<size_t>(rule.starts_at);
      if (found.size() < n) return;
      anchor = found[n - 1].day;
      anchor_event = found[n - 1].event;
      next = n;
    }
    const int32_t from = rule.applies_from ? AddInterval(*rule.applies_from, trigger.clock) : kNoDay;
    const int32_t until = rule.applies_until && (!rule.applies_until_long_term_only || trigger.long_term)
                              ? AddInterval(*rule.applies_until, trigger.clock)
                              : kOpenEnd;
    for (;;) {
      const Interval& interval = rule.IntervalStarting(Day(anchor), birth_);
      const int32_t due = trigger.fixed_due != kNoDay && anchor == trigger.clock ? trigger.fixed_due
                                                                                  : AddInterval(interval, anchor);
      const bool belongs = anchor >= from && anchor < until;
      // The first deadline may be met on the trigger's own day; later ones need a later event.
      if (!first_link) {
        while (next < found.size() && found[next].day <= anchor) ++next;
      }
      if (next < found.size()) {
        const Candidate& done = found[next];
        if (belongs) {
          if (done.day <= due) {
            Emit(rule_index, ObligationStatus::kMet, false, anchor, anchor_event, due, &done, 0);
          } else if (!Covered(compiled, trigger, due)) {
            // Recorded late, but by sources that began after the deadline: an earlier event may
            // simply not have been recorded, so "late" would be a guess.
            Emit(rule_index, ObligationStatus::kUnknown, false, anchor, anchor_event, due, nullptr, 0);
          } else {
            Emit(rule_index, ObligationStatus::kMetLate, false, anchor, anchor_event, due, &done, done.day - due);
          }
        }
        if (rule.recurrence == Recurrence::kOnce) return;
        anchor = done.day;
        anchor_event = done.event;
        ++next;
        first_link = false;
        continue;
      }
      if (!belongs) return;
      const bool closed = stop != kOpenEnd;
      if (closed && stop <= due) return;  // the duty stopped before its deadline passed
      if (!Covered(compiled, trigger, std::min(due, a_))) {
        Emit(rule_index, ObligationStatus::kUnknown, closed, anchor, anchor_event, due, nullptr, 0);
      } else if (due >= a_) {
        Emit(rule_index, ObligationStatus::kDue, false, anchor, anchor_event, due, nullptr, due - a_);
      } else {
        Emit(rule_index, ObligationStatus::kOverdue, closed, anchor, anchor_event, due, nullptr,
             (closed ? stop : a_) - due);
      }
      return;
    }
  }

  // ------------------------------------------------------------------ drift signals

  Evidence EventEvidence(int32_t index, std::string note = {}) const {
    const CompactEvent& event = c_.event(index);
    Evidence evidence{std::string(model::IdOf(event.kind)), Day(event.start), std::nullopt, std::move(note)};
    if (EndOf(event) != kOpenEnd) evidence.end = Day(event.end);
    return evidence;
  }

  void AddSignal(SignalKind kind, int32_t since, std::vector<Evidence> evidence) {
    out_.signals.push_back(
        {static_cast<uint16_t>(ev_.rules_.SignalIndex(kind)), Day(since), std::move(evidence)});
  }

  const Signal& SignalOf(SignalKind kind) const { return ev_.rules_.SignalOf(kind); }

  bool LookedAfterNow() {
    Derive();
    return !s_.periods.empty() && s_.periods.back().end == kOpenEnd && s_.periods.back().care_start != kNoDay;
  }

  bool CaseOpenNow() {
    Derive();
    return !s_.cases.empty() && s_.cases.back().second == kOpenEnd;
  }

  void Signals() {
    // Each signal from its own small check, then put in file order.
    const size_t before = out_.signals.size();
    CpPlanSignals();
    ReReferral();
    PlacementMoves();
    SocialWorkerChanges();
    Unallocated();
    Section20();
    Missing();
    Adoption();
    ManyOverdue();
    std::stable_sort(out_.signals.begin() + static_cast<std::ptrdiff_t>(before), out_.signals.end(),
                     [](const DriftSignal& x, const DriftSignal& y) { return x.signal < y.signal; });
  }

  void CpPlanSignals() {
    const std::span<const CompactEvent> plans = Visible(EventKind::kCpPlan);
    const int32_t base = c_.FirstOfKind(EventKind::kCpPlan);
    for (size_t i = 0; i < plans.size(); ++i) {
      const CompactEvent& plan = plans[i];
      if (EndOf(plan) != kOpenEnd) continue;
      const int32_t index = base + static_cast<int32_t>(i);
      // "Open for 18 months (2 years) or more": in effect from that anniversary.
      for (SignalKind kind : {SignalKind::kCpPlan18m, SignalKind::kCpPlan2y}) {
        const int32_t since = AddInterval(*SignalOf(kind).threshold, plan.start);
        if (since <= a_) AddSignal(kind, since, {EventEvidence(index)});
      }
      // A repeat plan: the latest earlier plan ended no more than the window before this one began.
      int32_t previous = -1;
      for (size_t j = 0; j < plans.size(); ++j) {
        const int32_t ended = EndOf(plans[j]);
        if (j == i || ended == kOpenEnd || ended > plan.start) continue;
        if (previous < 0 || ended > c_.event(previous).end) previous = base + static_cast<int32_t>(j);
      }
      if (previous >= 0 && plan.start <= AddInterval(*SignalOf(SignalKind::kRepeatCp2y).window, c_.event(previous).end)) {
        AddSignal(SignalKind::kRepeatCp2y, plan.start, {EventEvidence(previous, "previous plan"), EventEvidence(index)});
      }
    }
  }

  void ReReferral() {
    const std::span<const CompactEvent> referrals = Visible(EventKind::kCinEpisode);
    const int32_t base = c_.FirstOfKind(EventKind::kCinEpisode);
    const Interval& window = *SignalOf(SignalKind::kReReferral12m).window;
    for (size_t i = 1; i < referrals.size(); ++i) {
      if (EndOf(referrals[i]) != kOpenEnd) continue;
      const size_t previous = i - 1;  // by referral date
      if (referrals[previous].start < referrals[i].start &&
          referrals[i].start <= AddInterval(window, referrals[previous].start)) {
        AddSignal(SignalKind::kReReferral12m, referrals[i].start,
                  {EventEvidence(base + static_cast<int32_t>(previous), "previous referral"),
                   EventEvidence(base + static_cast<int32_t>(i))});
      }
    }
  }

  // The last-window-to-as-at span: (window start, a_].
  int32_t WindowStart(const Interval& window) const { return window.Before(Day(a_), ev_.calendar_).day_number(); }

  void PlacementMoves() {
    if (!LookedAfterNow()) return;
    const Signal& signal = SignalOf(SignalKind::kPlacementMoves);
    const int32_t window_start = WindowStart(*signal.window);
    auto in_window = [&](const Placement& placement) {
      return !placement.short_break && (placement.end == kOpenEnd || placement.end > window_start);
    };
    int count = 0;
    int32_t since = kNoDay;
    for (const Placement& placement : s_.placements) {
      if (!in_window(placement)) continue;
      if (++count == *signal.count) since = std::max(placement.start, window_start + 1);
    }
    if (count < *signal.count) return;
    std::vector<Evidence> evidence;
    for (const Placement& placement : s_.placements) {
      if (!in_window(placement)) continue;
      evidence.push_back(EventEvidence(placement.event, "placement"));
      evidence.back().end = placement.end == kOpenEnd ? std::nullopt : std::optional<Date>(Day(placement.end));
    }
    AddSignal(SignalKind::kPlacementMoves, since, std::move(evidence));
  }

  void SocialWorkerChanges() {
    if (!CaseOpenNow()) return;
    const Signal& signal = SignalOf(SignalKind::kSocialWorkerChanges);
    const int32_t window_start = WindowStart(*signal.window);
    const std::span<const CompactEvent> allocations = Visible(EventKind::kSocialWorkerAllocation);
    const int32_t base = c_.FirstOfKind(EventKind::kSocialWorkerAllocation);
    auto in_window = [&](const CompactEvent& allocation) {
      const int32_t end = EndOf(allocation);
      return end == kOpenEnd || end > window_start;
    };
    std::vector<int32_t>& seen = s_.days;
    seen.clear();
    int32_t since = kNoDay;
    for (const CompactEvent& allocation : allocations) {
      if (!in_window(allocation) || std::find(seen.begin(), seen.end(), allocation.aux) != seen.end()) continue;
      seen.push_back(allocation.aux);
      if (static_cast<int>(seen.size()) == *signal.count) since = std::max(allocation.start, window_start + 1);
    }
    if (static_cast<int>(seen.size()) < *signal.count) return;
    std::vector<Evidence> evidence;
    for (size_t i = 0; i < allocations.size(); ++i) {
      if (!in_window(allocations[i])) continue;
      evidence.push_back(EventEvidence(base + static_cast<int32_t>(i),
                                       "worker " + c_.workers()[static_cast<size_t>(allocations[i].aux)]));
    }
    AddSignal(SignalKind::kSocialWorkerChanges, since, std::move(evidence));
  }

  void Unallocated() {
    if (!CaseOpenNow()) return;
    // Only a record whose sources carry allocations can show a child without one.
    bool covered = false;
    for (size_t s = 0; s < c_.first_day_by_source().size(); ++s) {
      if (c_.first_day_by_source()[s] <= a_ && ev_.rules_.Carries(s, EventKind::kSocialWorkerAllocation)) covered = true;
    }
    if (!covered) return;
    const int32_t case_start = s_.cases.back().first;
    int32_t last_end = kNoDay;
    int32_t last_event = -1;
    const std::span<const CompactEvent> allocations = Visible(EventKind::kSocialWorkerAllocation);
    const int32_t base = c_.FirstOfKind(EventKind::kSocialWorkerAllocation);
    for (size_t i = 0; i < allocations.size(); ++i) {
      const int32_t end = EndOf(allocations[i]);
      if (end == kOpenEnd || end >= a_) return;  // allocated today (an allocation is held through its end date)
      if (end > last_end) {
        last_end = end;
        last_event = base + static_cast<int32_t>(i);
      }
    }
    const int32_t unallocated_from = last_end != kNoDay && last_end + 1 > case_start ? last_end + 1 : case_start;
    const int32_t since = AddInterval(*SignalOf(SignalKind::kUnallocated).threshold, unallocated_from) + 1;
    if (since > a_) return;
    std::vector<Evidence> evidence;
    evidence.push_back({"open-case", Day(case_start), std::nullopt, "case open"});
    if (last_event >= 0 && last_end + 1 > case_start) evidence.push_back(EventEvidence(last_event, "last allocation"));
    AddSignal(SignalKind::kUnallocated, since, std::move(evidence));
  }

  void Section20() {
    if (!LookedAfterNow()) return;
    const Period& period = s_.periods.back();
    // The run of section 20 episodes that reaches today.
    int32_t run_start = kNoDay;
    int32_t run_first = -1;
    for (int32_t i = period.first; i <= period.last; ++i) {
      if (Has(c_.event(i), kSection20)) {
        if (run_start == kNoDay) {
          run_start = c_.event(i).start;
          run_first = i;
        }
      } else {
        run_start = kNoDay;
      }
    }
    if (run_start == kNoDay) return;
    // "More than 6 months": in effect from the day after the 6-month point.
    const int32_t since = AddInterval(*SignalOf(SignalKind::kSection20).threshold, run_start) + 1;
    if (since <= a_) AddSignal(SignalKind::kSection20, since, {EventEvidence(run_first, "section 20 from here")});
  }

  void Missing() {
    const Signal& signal = SignalOf(SignalKind::kMissing);
    const std::span<const CompactEvent> episodes = Visible(EventKind::kMissing);
    if (static_cast<int>(episodes.size()) < *signal.count) return;
    const int32_t window_start = WindowStart(*signal.window);
    const int32_t base = c_.FirstOfKind(EventKind::kMissing);
    auto counts = [&](const CompactEvent& episode) { return episode.start > window_start && Has(episode, kMissingCode); };
    int count = 0;
    int32_t since = kNoDay;
    for (const CompactEvent& episode : episodes) {
      if (counts(episode) && ++count == *signal.count) since = episode.start;
    }
    if (count < *signal.count) return;
    std::vector<Evidence> evidence;
    for (size_t i = 0; i < episodes.size(); ++i) {
      if (counts(episodes[i])) evidence.push_back(EventEvidence(base + static_cast<int32_t>(i)));
    }
    AddSignal(SignalKind::kMissing, since, std::move(evidence));
  }

  // The SSDA903 records an adoption plan as PlacedAdoption: DATE_PLACED is the date of the
  // decision that the child should be placed for adoption, DATE_PLACED_CEASED the day that
  // decision ended (DfE validation rule 1003). The child is placed for adoption when an episode's
  // PLACE is an adoption placement (A3-A6; rule 521). AD1, with the match date, is returned only
  // for children adopted, so for a child still in care a match usually shows as the placement.
  void Adoption() {
    if (!LookedAfterNow()) return;
    const Period& period = s_.periods.back();
    const std::span<const CompactEvent> decisions = Visible(EventKind::kPlacedForAdoption);
    const int32_t base = c_.FirstOfKind(EventKind::kPlacedForAdoption);
    int32_t decision = -1;
    for (size_t i = 0; i < decisions.size(); ++i) {
      if (decisions[i].start >= period.start) decision = base + static_cast<int32_t>(i);
    }
    if (decision < 0) return;  // no adoption plan in this period of care
    const CompactEvent& should_be_placed = c_.event(decision);
    if (EndOf(should_be_placed) != kOpenEnd) return;  // the decision ceased: adopted, or no longer the plan
    for (int32_t episode = period.first; episode <= period.last; ++episode) {
      if (Has(c_.event(episode), kAdoptionPlacement)) return;  // placed: the wait is over
    }
    // "More than N days": in effect from day N + 1.
    const int32_t entry_since = AddInterval(*SignalOf(SignalKind::kAdoptionEntryToPlacement).threshold, period.start) + 1;
    if (entry_since <= a_) {
      AddSignal(SignalKind::kAdoptionEntryToPlacement, entry_since,
                {EventEvidence(period.first, "entered care"), EventEvidence(decision, "should be placed for adoption")});
    }
    for (const CompactEvent& ad1 : Visible(EventKind::kAdoptionDecision)) {
      if (ad1.start >= period.start && AuxDate(ad1) != kNoDay) return;  // a match recorded (AD1 DATE_MATCH)
    }
    const int32_t match_since =
        AddInterval(*SignalOf(SignalKind::kAdoptionDecisionToMatch).threshold, should_be_placed.start) + 1;
    if (match_since <= a_) {
      AddSignal(SignalKind::kAdoptionDecisionToMatch, match_since,
                {EventEvidence(decision, "should be placed for adoption; not matched")});
    }
  }

  void ManyOverdue() {
    std::vector<int32_t>& overdue_from = s_.days;
    overdue_from.clear();
    for (const Obligation& obligation : out_.obligations) {
      if (obligation.status == ObligationStatus::kOverdue && !obligation.closed) {
        overdue_from.push_back(obligation.due.day_number() + 1);
      }
    }
    const int count = *SignalOf(SignalKind::kManyOverdue).count;
    if (static_cast<int>(overdue_from.size()) < count) return;
    std::sort(overdue_from.begin(), overdue_from.end());
    std::vector<Evidence> evidence;
    for (const Obligation& obligation : out_.obligations) {
      if (obligation.status != ObligationStatus::kOverdue || obligation.closed) continue;
      evidence.push_back({ev_.rules_.rules()[obligation.rule].id, obligation.due, std::nullopt,
                          "overdue " + std::to_string(obligation.days) + " days"});
    }
    AddSignal(SignalKind::kManyOverdue, overdue_from[static_cast<size_t>(count - 1)], std::move(evidence));
  }

  const Evaluator& ev_;
  const CompactChronology& c_;
  const int32_t a_;
  Scratch& s_;
  ChildEvaluation& out_;
  std::optional<Date> birth_;
  int32_t death_ = kOpenEnd;
  std::array<int32_t, CompactChronology::kKindCount> visible_ = MakeUnknownVisible();
  std::array<int32_t, 32> birthdays_ = MakeNoBirthdays();

  static std::array<int32_t, 32> MakeNoBirthdays() {
    std::array<int32_t, 32> none;
    none.fill(kNoDay);
    return none;
  }

  static std::array<int32_t, CompactChronology::kKindCount> MakeUnknownVisible() {
    std::array<int32_t, CompactChronology::kKindCount> unknown;
    unknown.fill(-1);
    return unknown;
  }
};

void Evaluator::Evaluate(const CompactChronology& child, Date as_at, ChildEvaluation& out) const {
  out.obligations.clear();
  out.signals.clear();
  // Most satisfying events close one interval each: reserving about that many saves regrowing.
  if (out.obligations.capacity() < child.size() + 8) out.obligations.reserve(child.size() + 8);
  ChildRun run(*this, child, as_at, ThreadScratch(), out);
  run.Run();
}

ChildEvaluation Evaluator::Evaluate(const CompactChronology& child, Date as_at) const {
  ChildEvaluation out;
  Evaluate(child, as_at, out);
  return out;
}

ChildEvaluation Evaluator::Evaluate(const model::Chronology& chronology, Date as_at) const {
  return Evaluate(Compact(chronology), as_at);
}

std::optional<std::string> Evaluator::AllocatedWorker(const CompactChronology& child, Date as_at) {
  const int32_t day = as_at.day_number();
  std::optional<std::string> worker;
  int32_t latest = kNoDay;
  for (const CompactEvent& allocation : child.OfKind(EventKind::kSocialWorkerAllocation)) {
    if (allocation.start > day) break;
    if (allocation.end != kOpenEnd && allocation.end < day) continue;
    if (allocation.start >= latest && allocation.aux >= 0 && static_cast<size_t>(allocation.aux) < child.workers().size()) {
      latest = allocation.start;
      worker = child.workers()[static_cast<size_t>(allocation.aux)];
    }
  }
  return worker;
}

std::vector<CompactChronology> CompactAll(const Evaluator& evaluator, std::span<const model::Chronology> chronologies,
                                          int threads) {
  std::vector<CompactChronology> compact(chronologies.size());
  ParallelFor(chronologies.size(), threads, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) compact[i] = evaluator.Compact(chronologies[i]);
  });
  return compact;
}

void EvaluateCouncil(const Evaluator& evaluator, std::span<const CompactChronology> children, Date as_at, int threads,
                     const std::function<void(int worker, size_t index, const ChildEvaluation& result)>& visit) {
  ParallelFor(children.size(), threads, [&](int worker, size_t begin, size_t end) {
    thread_local ChildEvaluation result;
    for (size_t i = begin; i < end; ++i) {
      evaluator.Evaluate(children[i], as_at, result);
      visit(worker, i, result);
    }
  });
}

std::vector<ChildEvaluation> EvaluateCouncil(const Evaluator& evaluator, std::span<const CompactChronology> children,
                                             Date as_at, int threads) {
  std::vector<ChildEvaluation> results(children.size());
  ParallelFor(children.size(), threads, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) evaluator.Evaluate(children[i], as_at, results[i]);
  });
  return results;
}

CouncilEvaluation::CouncilEvaluation(const Evaluator& evaluator, std::span<const model::Chronology> chronologies,
                                     Date as_at, int threads)
    : evaluator_(&evaluator), as_at_(as_at), children_(CompactAll(evaluator, chronologies, threads)) {
  for (size_t i = 0; i < children_.size(); ++i) by_id_.emplace(children_[i].child_id(), i);
  results_ = EvaluateCouncil(evaluator, children_, as_at, threads);
}

std::optional<size_t> CouncilEvaluation::Find(std::string_view child_id) const {
  const auto found = by_id_.find(std::string(child_id));
  if (found == by_id_.end()) return std::nullopt;
  return found->second;
}

size_t CouncilEvaluation::Update(const model::Chronology& chronology) {
  const std::optional<size_t> existing = Find(chronology.child().la_child_id);
  size_t index = 0;
  if (existing) {
    index = *existing;
    children_[index] = evaluator_->Compact(chronology);
  } else {
    index = children_.size();
    children_.push_back(evaluator_->Compact(chronology));
    results_.emplace_back();
    by_id_.emplace(chronology.child().la_child_id, index);
  }
  evaluator_->Evaluate(children_[index], as_at_, results_[index]);
  return index;
}

void CouncilEvaluation::EvaluateAt(Date as_at, int threads) {
  as_at_ = as_at;
  ParallelFor(children_.size(), threads, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) evaluator_->Evaluate(children_[i], as_at_, results_[i]);
  });
}

}  // namespace cairn::timescales
