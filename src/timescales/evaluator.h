// The timescales evaluator: for one child's chronology and an as-at date, every statutory
// obligation (each time a rule was triggered, when it fell due, whether and when it was met)
// and every drift signal in effect, each with its evidence. Evaluating a whole council runs
// children in parallel over their compact forms; a child whose chronology changed is
// re-evaluated alone.
//
//   CAIRN_ASSIGN_OR_RETURN(WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
//   CAIRN_ASSIGN_OR_RETURN(RuleSet rules, RuleSet::England(calendar));
//   CAIRN_ASSIGN_OR_RETURN(Evaluator evaluator, Evaluator::Create(rules, calendar));
//   ChildEvaluation result = evaluator.Evaluate(evaluator.Compact(chronology), as_at);
//
// As at a date: events that start after it are invisible; an end date, or a date field such as
// DateOfInitialCPC, after it has not happened yet.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "base/working_day_calendar.h"
#include "model/chronology.h"
#include "timescales/compact_chronology.h"
#include "timescales/rules.h"

namespace cairn::timescales {

enum class ObligationStatus : uint8_t {
  kMet,      // done on or before the due date
  kMetLate,  // done after the due date; days = days late
  kDue,      // not done, due date not yet passed; days = days until due (0 on the due date)
  kOverdue,  // not done, due date passed; days = days overdue as at the evaluation date, or, when
             // the duty stopped since (the plan ended), as at the day it stopped
  kUnknown,  // the record cannot say: nothing that could satisfy the rule was recorded by the due
             // date by any source that carries it (an SSDA903 import has no visits), and either
             // nothing satisfies it or only something after the due date does; days = 0
};
std::string_view StatusName(ObligationStatus status);  // "met", "met-late", "due", "overdue", "unknown"
std::optional<ObligationStatus> StatusFromName(std::string_view name);

struct Obligation {
  uint16_t rule = 0;  // index into RuleSet::rules()
  ObligationStatus status = ObligationStatus::kDue;
  // The duty stopped (its plan or placement ended, the child turned 18) on or before the
  // as-at date: an overdue obligation that is closed is a missed one, not a live one.
  bool closed = false;
  // When this deadline's clock started: the triggering event's date, or, for a deadline that
  // counts from the previous satisfying event (the last review), that event's date.
  Date trigger;
  Date due;
  std::optional<Date> done;
  int32_t days = 0;  // see ObligationStatus
  int32_t trigger_event = -1;  // index in the model::Chronology of the event that started the clock, or -1
  int32_t met_by = -1;         // index in the model::Chronology of the event that met it, or -1
};

struct Evidence {
  std::string what;  // an event kind id ("cp-plan") or, for drift.many-overdue, a rule id
  Date date;
  std::optional<Date> end;
  std::string note;  // "worker SW12", "overdue 9 days"; may be empty
};

struct DriftSignal {
  uint16_t signal = 0;  // index into RuleSet::signals()
  Date since;           // the first day the signal was in effect
  std::vector<Evidence> evidence;
};

struct ChildEvaluation {
  std::vector<Obligation> obligations;  // by rule (file order), then trigger date
  std::vector<DriftSignal> signals;     // by signal (file order)
};

class Evaluator {
 public:
  // Compiles the rule set's field conditions; fails (kInvalidArgument) when its rules test more
  // than 24 distinct field conditions (of 32 bits per event, 8 go to [settings]) or read two
  // different date fields of one kind of event.
  static Result<Evaluator> Create(RuleSet rules, WorkingDayCalendar calendar);

  const RuleSet& rules() const { return rules_; }
  const WorkingDayCalendar& calendar() const { return calendar_; }

  // The compact form of a chronology, for this rule set (its field conditions are worked out
  // once, here). Parent links must be valid (as Chronology::Add guarantees).
  CompactChronology Compact(const model::Chronology& chronology) const;

  // Every obligation and drift signal of one child as at `as_at`. `out` is cleared first and its
  // storage reused. Thread-safe: one Evaluator may evaluate many children at once.
  void Evaluate(const CompactChronology& child, Date as_at, ChildEvaluation& out) const;
  ChildEvaluation Evaluate(const CompactChronology& child, Date as_at) const;
  ChildEvaluation Evaluate(const model::Chronology& chronology, Date as_at) const;

  // The worker allocated to the child on `as_at` (the allocation open that day that started
  // last), or nullopt.
  static std::optional<std::string> AllocatedWorker(const CompactChronology& child, Date as_at);

 private:
  struct CompiledSatisfier;
  struct CompiledRule;
  struct FieldFact;
  class ChildRun;
  Evaluator(RuleSet rules, WorkingDayCalendar calendar);

  RuleSet rules_;
  WorkingDayCalendar calendar_;
  std::vector<FieldFact> facts_;
  std::vector<CompiledRule> compiled_;
  std::vector<std::string> aux_field_;  // per event kind: the date field kept in CompactEvent::aux
  uint8_t default_source_ = kNoSource;  // "cairn": what an event with no recorded source is
 public:
  // Out of line so the private structs are complete where they are used.
  ~Evaluator();
  Evaluator(Evaluator&&) noexcept;
  Evaluator& operator=(Evaluator&&) noexcept;
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;
};

// Compacts every chronology, in parallel on `threads` threads (1 or more).
std::vector<CompactChronology> CompactAll(const Evaluator& evaluator, std::span<const model::Chronology> chronologies,
                                          int threads);

// Evaluates every child as at `as_at` on `threads` threads, calling `visit(worker, index,
// result)` for each child from the thread that evaluated it. `worker` (0 to threads - 1) names
// that thread, so a caller that aggregates (counts by rule and status for a dashboard) can keep
// one tally per worker and add them up afterwards without locks; `result` is valid during the
// call only. Children are handed out in small batches, so a few very long chronologies do not
// hold up the rest.
void EvaluateCouncil(const Evaluator& evaluator, std::span<const CompactChronology> children, Date as_at, int threads,
                     const std::function<void(int worker, size_t index, const ChildEvaluation& result)>& visit);
// The same, keeping every child's result (index = the child's position in `children`).
std::vector<ChildEvaluation> EvaluateCouncil(const Evaluator& evaluator, std::span<const CompactChronology> children,
                                             Date as_at, int threads);

// A whole council evaluated as at one date and kept up to date: one child's chronology changes
// (a new event is recorded) and only that child is compacted and evaluated again.
class CouncilEvaluation {
 public:
  // Compacts and evaluates every chronology. The evaluator must outlive this object.
  CouncilEvaluation(const Evaluator& evaluator, std::span<const model::Chronology> chronologies, Date as_at,
                    int threads);

  Date as_at() const { return as_at_; }
  size_t size() const { return children_.size(); }
  const CompactChronology& child(size_t index) const { return children_[index]; }
  const ChildEvaluation& result(size_t index) const { return results_[index]; }
  std::span<const CompactChronology> children() const { return children_; }
  // Index of the child with this LA child id, or nullopt.
  std::optional<size_t> Find(std::string_view child_id) const;

  // The child's chronology changed: compact and evaluate it again. Adds the child when its id
  // is new. Returns its index.
  size_t Update(const model::Chronology& chronology);
  // Evaluates every child again as at another date.
  void EvaluateAt(Date as_at, int threads);

 private:
  const Evaluator* evaluator_;
  Date as_at_;
  std::vector<CompactChronology> children_;
  std::vector<ChildEvaluation> results_;
  std::unordered_map<std::string, size_t> by_id_;
};

}  // namespace cairn::timescales
