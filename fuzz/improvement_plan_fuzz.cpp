// Fuzz target for an improvement plan file: improvement::ParsePlan (src/improvement/plan.h), which
// reads the file `cairn plan import` is given, from outside Cairn's own data.
//
// Any bytes go to ParsePlan with the England catalogue and rules. It must return (never crash or
// hang), and keep the header's promises; on a violation the target prints what broke and aborts.
//  * An error is kInvalidArgument and starts with the file's name.
//  * A plan read has a title and at least one recommendation, each with at least one measure and
//    one action; every id in the plan differs from every other; each measure is exactly one of a
//    catalogue indicator or a timescales rule that exist, its window 1 to 24 months, its tolerance
//    0 or more, its trajectory's dates strictly rising; each status one of the four; each measure
//    an action names is one of its recommendation's.
//  * Rating the plan (with nothing measured, and with every measure measured at its target) gives
//    one rating per measure and action; the expected value on any date is finite.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "improvement/plan.h"
#include "improvement/rag.h"

namespace {

using cairn::improvement::Plan;

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "improvement_plan_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

const cairn::indicators::Catalogue& Catalogue() {
  static const cairn::indicators::Catalogue catalogue = [] {
    auto built = cairn::indicators::Catalogue::England();
    if (!built.ok()) Fail("the embedded catalogue loads", built.status().message());
    return std::move(built).value();
  }();
  return catalogue;
}

const cairn::timescales::RuleSet& Rules() {
  static const cairn::timescales::RuleSet rules = [] {
    auto built = cairn::timescales::RuleSet::England();
    if (!built.ok()) Fail("the embedded rules load", built.status().message());
    return std::move(built).value();
  }();
  return rules;
}

void CheckPlan(const Plan& plan) {
  Check(!plan.title.empty(), "a title");
  Check(!plan.recommendations.empty(), "a recommendation");
  std::set<std::string> ids;
  size_t measures = 0, actions = 0;
  for (const auto& r : plan.recommendations) {
    Check(ids.insert(r.id).second, "ids differ", r.id);
    Check(!r.measures.empty() && !r.actions.empty(), "measures and actions", r.id);
    for (const auto& m : r.measures) {
      ++measures;
      Check(ids.insert(m.id).second, "ids differ", m.id);
      Check(m.indicator.empty() != m.rule.empty(), "indicator or rule", m.id);
      if (!m.indicator.empty()) Check(Catalogue().Find(m.indicator) != nullptr, "a known indicator", m.indicator);
      if (!m.rule.empty()) Check(Rules().FindRule(m.rule).has_value(), "a known rule", m.rule);
      Check(m.window_months >= 1 && m.window_months <= 24, "a window of 1 to 24 months", m.id);
      Check(m.tolerance >= 0 && std::isfinite(m.tolerance) && std::isfinite(m.target), "finite numbers", m.id);
      for (size_t i = 1; i < m.trajectory.size(); ++i) {
        Check(m.trajectory[i - 1].date < m.trajectory[i].date, "trajectory dates rise", m.id);
      }
      for (const auto& point : m.trajectory) {
        Check(std::isfinite(cairn::improvement::ExpectedValue(m, point.date.AddDays(1))), "a finite expectation");
      }
    }
    for (const auto& a : r.actions) {
      ++actions;
      Check(ids.insert(a.id).second, "ids differ", a.id);
      const std::string_view status = cairn::improvement::SelfReportedName(a.status);
      Check(cairn::improvement::SelfReportedFromName(status) == a.status, "a status of the four", a.id);
      for (const std::string& named : a.measures) {
        bool found = false;
        for (const auto& m : r.measures) found = found || m.id == named;
        Check(found, "an action names its recommendation's measures", named);
      }
    }
  }
  const cairn::Date day = cairn::Date::FromYmdOrDie(2025, 6, 30);
  cairn::improvement::Measurements at_target;
  for (const auto& r : plan.recommendations) {
    for (const auto& m : r.measures) at_target[m.id] = {m.target, std::nullopt, std::nullopt, ""};
  }
  const cairn::improvement::Measurements* const cases[] = {&at_target, nullptr};
  for (const cairn::improvement::Measurements* measured : cases) {
    const cairn::improvement::Measurements none;
    const auto status = cairn::improvement::EvaluatePlan(plan, measured ? *measured : none, day);
    Check(status.green + status.amber + status.red + status.not_measured == static_cast<int>(measures),
          "one rating per measure");
    size_t rated = 0;
    for (const auto& r : status.recommendations) rated += r.actions.size();
    Check(rated == actions, "one rating per action");
    if (!measured) Check(status.not_measured == static_cast<int>(measures), "nothing measured is not measured");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cairn::Result<Plan> plan = cairn::improvement::ParsePlan(text, "plan.toml", Catalogue(), Rules());
  if (!plan.ok()) {
    Check(plan.status().code() == cairn::Status::Code::kInvalidArgument, "an error is InvalidArgument",
          plan.status().message());
    Check(plan.status().message().starts_with("plan.toml"), "an error names the file", plan.status().message());
    return 0;
  }
  CheckPlan(*plan);
  return 0;
}
