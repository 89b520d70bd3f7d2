// Fuzz target for a council's local rules file: RuleSet::ApplyOverrides (src/timescales/rules.h),
// which reads the file `cairn due --local-rules` names, from outside Cairn's own data.
//
// Any bytes go to ApplyOverrides on a copy of the England rules. It must return (never crash or
// hang), and keep the header's promises; on a violation the target prints what broke and aborts,
// which libFuzzer reports as a crash and saves as a reproducer.
//  * An error names the file, and nothing changed ("nothing changes unless the whole file is
//    valid").
//  * On success only the interval of a rule marked local, and the threshold, count and window a
//    local signal already has, changed; a local rule's interval stays within its maximum on
//    every start day of a leap cycle; everything else is as shipped.
//  * Applying the same file again gives the same rules; the rules still compile into an
//    Evaluator, which evaluates a child whose record touches every local rule and signal.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/working_day_calendar.h"
#include "model/chronology.h"
#include "timescales/evaluator.h"
#include "timescales/rules.h"

namespace {

using cairn::Date;
using cairn::timescales::Interval;
using cairn::timescales::Rule;
using cairn::timescales::RuleSet;
using cairn::timescales::Signal;
using cairn::model::EventKind;

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "rules_override_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

const cairn::WorkingDayCalendar& Calendar() {
  static const cairn::WorkingDayCalendar calendar = [] {
    cairn::Result<cairn::WorkingDayCalendar> built = cairn::WorkingDayCalendar::EnglandAndWales();
    if (!built.ok()) Fail("the embedded calendar loads", built.status().message());
    return std::move(built).value();
  }();
  return calendar;
}

const RuleSet& England() {
  static const RuleSet rules = [] {
    cairn::Result<RuleSet> built = RuleSet::England(Calendar());
    if (!built.ok()) Fail("the embedded rules load", built.status().message());
    return std::move(built).value();
  }();
  return rules;
}

cairn::model::Event Make(EventKind kind, Date start, std::optional<Date> end = std::nullopt, int32_t parent = -1,
                         std::vector<std::pair<std::string, std::string>> fields = {}) {
  cairn::model::Event event{.kind = kind, .start = start, .end = end, .parent = parent};
  for (auto& [name, value] : fields) event.Set(name, value);
  event.provenance.source = "cairn";
  return event;
}

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

// A child protection plan with visits and supervision, three missing episodes, a gap between
// workers, and care left at 17 with an adviser's contacts: every local rule and signal applies.
const cairn::model::Chronology& Child() {
  static const cairn::model::Chronology chronology = [] {
    cairn::model::Chronology c(cairn::model::Child{.la_child_id = "F1", .birth_date = D(2005, 6, 1)});
    const int32_t episode = c.Add(Make(EventKind::kCinEpisode, D(2019, 1, 7)));
    c.Add(Make(EventKind::kCpPlan, D(2019, 2, 4), D(2021, 3, 1), episode));
    for (Date visit = D(2019, 2, 6); visit < D(2021, 3, 1); visit = visit.AddDays(12)) {
      c.Add(Make(EventKind::kVisit, visit, std::nullopt, -1, {{"purpose", "cp"}, {"child_seen", "1"}}));
    }
    c.Add(Make(EventKind::kSupervision, D(2019, 3, 1)));
    c.Add(Make(EventKind::kSocialWorkerAllocation, D(2019, 1, 7), D(2020, 1, 6), -1, {{"SW_ID", "W1"}}));
    c.Add(Make(EventKind::kSocialWorkerAllocation, D(2020, 2, 3), std::nullopt, -1, {{"SW_ID", "W2"}}));
    c.Add(Make(EventKind::kLookedAfterEpisode, D(2021, 3, 1), D(2022, 9, 1), -1,
               {{"RNE", "S"}, {"LS", "C2"}, {"PLACE", "U3"}, {"REC", "E8"}}));
    for (int i = 0; i < 3; ++i) {
      c.Add(Make(EventKind::kMissing, D(2021, 5, 1 + 10 * i), D(2021, 5, 2 + 10 * i), -1, {{"MISSING", "M"}}));
    }
    c.Add(Make(EventKind::kCareLeaverContact, D(2022, 10, 1)));
    return c;
  }();
  return chronology;
}

bool SameRule(const Rule& a, const Rule& b) { return a.id == b.id && a.interval == b.interval; }
bool SameSignal(const Signal& a, const Signal& b) {
  return a.id == b.id && a.threshold == b.threshold && a.count == b.count && a.window == b.window;
}

bool SameRules(const RuleSet& a, const RuleSet& b) {
  if (a.rules().size() != b.rules().size() || a.signals().size() != b.signals().size()) return false;
  for (size_t i = 0; i < a.rules().size(); ++i) {
    if (!SameRule(a.rules()[i], b.rules()[i])) return false;
  }
  for (size_t i = 0; i < a.signals().size(); ++i) {
    if (!SameSignal(a.signals()[i], b.signals()[i])) return false;
  }
  return true;
}

bool WithinMaximum(const Interval& interval, const Interval& maximum) {
  const Date first = D(2023, 1, 1);
  for (int day = 0; day < 1461; ++day) {
    const Date from = first.AddDays(day);
    if (interval.After(from, Calendar()) > maximum.After(from, Calendar())) return false;
  }
  return true;
}

void CheckChanges(const RuleSet& updated) {
  const RuleSet& shipped = England();
  Check(updated.rules().size() == shipped.rules().size(), "no rule added or removed");
  Check(updated.signals().size() == shipped.signals().size(), "no signal added or removed");
  for (size_t i = 0; i < shipped.rules().size(); ++i) {
    const Rule& before = shipped.rules()[i];
    const Rule& after = updated.rules()[i];
    Check(after.id == before.id && after.local == before.local && after.trigger == before.trigger &&
              after.recurrence == before.recurrence && after.maximum == before.maximum,
          "only a rule's interval changes", before.id);
    if (!before.local) Check(after.interval == before.interval, "a national rule is unchanged", before.id);
    if (after.maximum && !(after.interval == before.interval)) {
      Check(WithinMaximum(after.interval, *after.maximum), "a local interval stays within its maximum",
            before.id + ": " + after.interval.ToString());
    }
  }
  for (size_t i = 0; i < shipped.signals().size(); ++i) {
    const Signal& before = shipped.signals()[i];
    const Signal& after = updated.signals()[i];
    Check(after.id == before.id && after.local == before.local && after.kind == before.kind,
          "only a signal's parameters change", before.id);
    if (!before.local) Check(SameSignal(after, before), "a national signal is unchanged", before.id);
    Check(after.threshold.has_value() == before.threshold.has_value() &&
              after.count.has_value() == before.count.has_value() &&
              after.window.has_value() == before.window.has_value(),
          "a signal keeps the parameters it has", before.id);
    if (after.count) Check(*after.count >= 1 && *after.count <= 1000, "a count is 1 to 1000", before.id);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  RuleSet rules = England();
  const cairn::Status applied = rules.ApplyOverrides(text, "fuzz.toml", Calendar());
  if (!applied.ok()) {
    Check(applied.message().starts_with("fuzz.toml"), "an error names the file", applied.message());
    Check(SameRules(rules, England()), "a refused file changes nothing", applied.message());
    return 0;
  }
  CheckChanges(rules);
  RuleSet again = rules;
  const cairn::Status reapplied = again.ApplyOverrides(text, "fuzz.toml", Calendar());
  Check(reapplied.ok(), "a file applied once applies again", reapplied.message());
  Check(SameRules(again, rules), "applying a file twice is applying it once");

  cairn::Result<cairn::timescales::Evaluator> evaluator =
      cairn::timescales::Evaluator::Create(std::move(rules), Calendar());
  Check(evaluator.ok(), "overridden rules compile", evaluator.ok() ? "" : evaluator.status().message());
  const cairn::timescales::ChildEvaluation result = evaluator->Evaluate(Child(), D(2023, 3, 31));
  for (const cairn::timescales::Obligation& obligation : result.obligations) {
    Check(obligation.rule < evaluator->rules().rules().size(), "obligations name a rule");
  }
  return 0;
}
