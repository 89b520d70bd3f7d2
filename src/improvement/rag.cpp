#include "improvement/rag.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "base/display_text.h"

namespace cairn::improvement {
namespace {

// Worst first: red, amber, green, then not measured (which hides nothing).
int Severity(Rag rag) {
  switch (rag) {
    case Rag::kRed: return 3;
    case Rag::kAmber: return 2;
    case Rag::kGreen: return 1;
    case Rag::kNotMeasured: return 0;
  }
  return 0;
}

struct RuleCounts {
  int64_t due = 0;
  int64_t on_time = 0;
};

}  // namespace

std::string_view RagName(Rag rag) {
  switch (rag) {
    case Rag::kGreen: return "green";
    case Rag::kAmber: return "amber";
    case Rag::kRed: return "red";
    case Rag::kNotMeasured: return "not-measured";
  }
  return "not-measured";
}

std::string_view RagMeaning(Rag rag) {
  switch (rag) {
    case Rag::kGreen: return "on or better than trajectory";
    case Rag::kAmber: return "off trajectory, within tolerance";
    case Rag::kRed: return "off trajectory";
    case Rag::kNotMeasured: return "not measured";
  }
  return "not measured";
}

Rag Worse(Rag a, Rag b) { return Severity(b) > Severity(a) ? b : a; }

double ExpectedValue(const Measure& measure, Date date) {
  const std::vector<TrajectoryPoint>& points = measure.trajectory;
  if (points.empty()) return measure.target;
  if (date <= points.front().date) return points.front().value;
  if (date >= points.back().date) return date == points.back().date ? points.back().value : measure.target;
  for (size_t i = 1; i < points.size(); ++i) {
    if (date > points[i].date) continue;
    const TrajectoryPoint& from = points[i - 1];
    const TrajectoryPoint& to = points[i];
    const double fraction = static_cast<double>(date.DaysSince(from.date)) / static_cast<double>(to.date.DaysSince(from.date));
    return from.value + (to.value - from.value) * fraction;
  }
  return measure.target;
}

Rag RateAgainst(double measured, double expected, double tolerance, bool higher_is_better) {
  // How far the measured value falls short of the expected one, in the measure's direction.
  const double shortfall = higher_is_better ? expected - measured : measured - expected;
  // A hair's breadth of rounding (a share computed as 17/20) is not a shortfall.
  constexpr double kEpsilon = 1e-9;
  if (shortfall <= kEpsilon) return Rag::kGreen;
  if (shortfall <= tolerance + kEpsilon) return Rag::kAmber;
  return Rag::kRed;
}

std::string FormatValue(double value, std::string_view unit) {
  if (unit == "percent") return OneDecimal(value) + "%";
  if (unit == "count") return fmt::format("{:.0f}", value);
  return OneDecimal(value);
}

Result<Measurements> MeasurePlan(const Plan& plan, const CouncilRecord& record, Date as_at) {
  Measurements measured;
  bool any_indicator = false, any_rule = false;
  for (const Recommendation& recommendation : plan.recommendations) {
    for (const Measure& measure : recommendation.measures) {
      (measure.indicator.empty() ? any_rule : any_indicator) = true;
    }
  }

  if (any_indicator) {
    if (record.engine == nullptr) return Status::Internal("measuring an indicator needs the indicator engine");
    const indicators::CouncilData council{record.chronologies, record.workers, record.population};
    const Date ends[] = {as_at};
    const std::vector<indicators::IndicatorValue> values = record.engine->ComputeTwelveMonthsTo(council, ends, record.threads);
    for (const Recommendation& recommendation : plan.recommendations) {
      for (const Measure& measure : recommendation.measures) {
        if (measure.indicator.empty()) continue;
        auto found = std::find_if(values.begin(), values.end(), [&](const indicators::IndicatorValue& value) {
          return value.spec->id == measure.indicator;
        });
        MeasuredValue value;
        if (found == values.end()) {
          value.why = "indicator '" + measure.indicator + "' is not in this Cairn's catalogue";
        } else {
          value.value = found->value;
          value.numerator = found->numerator;
          value.denominator = found->denominator;
          value.why = found->unsupported;
        }
        measured[measure.id] = std::move(value);
      }
    }
  }

  if (any_rule) {
    if (record.evaluator == nullptr) return Status::Internal("measuring a rule needs the timescales evaluator");
    const timescales::RuleSet& rules = record.evaluator->rules();
    // For each rule, the measures on it and the first day of each one's window.
    struct Window {
      std::string id;
      size_t rule;
      Date from;  // deadlines due after this day and on or before as_at
    };
    std::vector<Window> windows;
    for (const Recommendation& recommendation : plan.recommendations) {
      for (const Measure& measure : recommendation.measures) {
        if (measure.rule.empty()) continue;
        const std::optional<size_t> rule = rules.FindRule(measure.rule);
        if (!rule) {
          measured[measure.id] = MeasuredValue{{}, {}, {}, "rule '" + measure.rule + "' is not in this Cairn's rules"};
          continue;
        }
        windows.push_back({measure.id, *rule, as_at.AddMonths(-measure.window_months)});
      }
    }
    const int threads = std::max(1, record.threads);
    std::vector<std::vector<RuleCounts>> by_thread(static_cast<size_t>(threads), std::vector<RuleCounts>(windows.size()));
    auto tally = [&](int thread, const timescales::ChildEvaluation& result) {
      std::vector<RuleCounts>& counts = by_thread[static_cast<size_t>(thread)];
      for (const timescales::Obligation& obligation : result.obligations) {
        const bool judged = obligation.status == timescales::ObligationStatus::kMet ||
                            obligation.status == timescales::ObligationStatus::kMetLate ||
                            obligation.status == timescales::ObligationStatus::kOverdue;
        if (!judged || obligation.due > as_at) continue;
        for (size_t w = 0; w < windows.size(); ++w) {
          if (windows[w].rule != obligation.rule || obligation.due <= windows[w].from) continue;
          ++counts[w].due;
          if (obligation.status == timescales::ObligationStatus::kMet) ++counts[w].on_time;
        }
      }
    };
    if (!windows.empty()) {
      if (record.evaluation) {
        for (size_t i = 0; i < record.chronologies.size(); ++i) tally(0, record.evaluation(i));
      } else {
        const std::vector<timescales::CompactChronology> compact =
            timescales::CompactAll(*record.evaluator, record.chronologies, threads);
        timescales::EvaluateCouncil(*record.evaluator, compact, as_at, threads,
                                    [&](int thread, size_t, const timescales::ChildEvaluation& result) {
                                      tally(thread, result);
                                    });
      }
    }
    for (size_t w = 0; w < windows.size(); ++w) {
      RuleCounts total;
      for (const auto& counts : by_thread) total.due += counts[w].due, total.on_time += counts[w].on_time;
      MeasuredValue value;
      value.numerator = static_cast<double>(total.on_time);
      value.denominator = static_cast<double>(total.due);
      if (total.due > 0) {
        value.value = 100.0 * static_cast<double>(total.on_time) / static_cast<double>(total.due);
      } else {
        value.why = "no deadline under this rule fell due between " + windows[w].from.AddDays(1).ToIso() + " and " +
                    as_at.ToIso();
      }
      measured[windows[w].id] = std::move(value);
    }
  }
  return measured;
}

PlanStatus EvaluatePlan(const Plan& plan, const Measurements& measured, Date as_at,
                        const std::function<std::string(const Measure&)>& titles) {
  PlanStatus status;
  status.title = plan.title;
  status.as_at = as_at;
  for (const Recommendation& recommendation : plan.recommendations) {
    RecommendationStatus rec;
    rec.id = recommendation.id;
    rec.text = recommendation.text;
    for (const Measure& measure : recommendation.measures) {
      MeasureStatus m;
      m.recommendation_id = recommendation.id;
      m.id = measure.id;
      m.what = measure.indicator.empty()
                   ? fmt::format("rule {} ({} month{})", measure.rule, measure.window_months,
                                 measure.window_months == 1 ? "" : "s")
                   : "indicator " + measure.indicator + " (12 months)";
      if (titles) m.title = titles(measure);
      m.unit = measure.unit;
      m.higher_is_better = measure.higher_is_better;
      m.expected = ExpectedValue(measure, as_at);
      m.target = measure.target;
      m.tolerance = measure.tolerance;
      m.baseline = measure.baseline;
      auto found = measured.find(measure.id);
      if (found == measured.end()) {
        m.why = "not measured";
      } else {
        m.measured = found->second.value;
        m.numerator = found->second.numerator;
        m.denominator = found->second.denominator;
        m.why = found->second.why;
      }
      if (m.measured) {
        m.rag = RateAgainst(*m.measured, m.expected, m.tolerance, m.higher_is_better);
        m.why.clear();
      } else if (m.why.empty()) {
        m.why = "no value";
      }
      switch (m.rag) {
        case Rag::kGreen: ++status.green; break;
        case Rag::kAmber: ++status.amber; break;
        case Rag::kRed: ++status.red; break;
        case Rag::kNotMeasured: ++status.not_measured; break;
      }
      rec.rag = Worse(rec.rag, m.rag);
      rec.measures.push_back(std::move(m));
    }
    for (const Action& action : recommendation.actions) {
      ActionStatus a;
      a.recommendation_id = recommendation.id;
      a.id = action.id;
      a.text = action.text;
      a.owner = action.owner;
      a.due = action.due;
      a.reported = action.status;
      for (const Note& note : action.notes) {
        if (note.date <= as_at) a.notes.push_back(note);
      }
      const MeasureStatus* worst = nullptr;
      for (const MeasureStatus& m : rec.measures) {
        const bool named = action.measures.empty() ||
                           std::find(action.measures.begin(), action.measures.end(), m.id) != action.measures.end();
        if (!named) continue;
        a.measures.push_back(m.id);
        if (worst == nullptr || Severity(m.rag) > Severity(worst->rag)) worst = &m;
      }
      if (worst != nullptr && worst->rag != Rag::kNotMeasured) {
        a.rag = worst->rag;
        a.worst_measure = worst->id;
      }
      const bool says_well = action.status == SelfReported::kComplete || action.status == SelfReported::kOnTrack;
      if (says_well && a.rag == Rag::kRed) {
        a.mismatch = true;
        a.mismatch_reason = fmt::format("reported {} but measure {} is off trajectory: {} against {} expected by {}",
                                        SelfReportedName(action.status), worst->id,
                                        FormatValue(*worst->measured, worst->unit),
                                        FormatValue(worst->expected, worst->unit), as_at.ToIso());
        ++status.mismatches;
      }
      rec.rag = Worse(rec.rag, a.rag);
      rec.actions.push_back(std::move(a));
    }
    status.recommendations.push_back(std::move(rec));
  }
  return status;
}

Result<PlanStatus> EvaluatePlan(const Plan& plan, const CouncilRecord& record, Date as_at) {
  CAIRN_ASSIGN_OR_RETURN(Measurements measured, MeasurePlan(plan, record, as_at));
  auto titles = [&record](const Measure& measure) -> std::string {
    if (!measure.indicator.empty() && record.engine != nullptr) {
      const indicators::IndicatorSpec* spec = record.engine->catalogue().Find(measure.indicator);
      return spec == nullptr ? std::string() : spec->title;
    }
    if (!measure.rule.empty() && record.evaluator != nullptr) {
      const std::optional<size_t> rule = record.evaluator->rules().FindRule(measure.rule);
      return rule ? record.evaluator->rules().rules()[*rule].title : std::string();
    }
    return "";
  };
  return EvaluatePlan(plan, measured, as_at, titles);
}

}  // namespace cairn::improvement
