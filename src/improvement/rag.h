// How an improvement plan is doing as at a date: each measure's value measured from the record,
// the value its trajectory expected by then, and a RAG rating computed from the two (never typed
// by anyone); each action and recommendation rated from its measures; and a flag wherever the
// self-reported status says all is well while the measures say otherwise.
//
//   improvement::CouncilRecord record{chronologies, workers, population, &engine, &evaluator, threads};
//   CAIRN_ASSIGN_OR_RETURN(improvement::Measurements measured, improvement::MeasurePlan(plan, record, as_at));
//   improvement::PlanStatus status = improvement::EvaluatePlan(plan, measured, as_at);
//
// RAG of a measure as at D, with E its expected value at D (ExpectedValue) and T its tolerance:
//   green         the measured value is on or better than E (better: higher, or lower for a
//                 measure where lower is better, as the catalogue says)
//   amber         worse than E by no more than T
//   red           worse than E by more than T
//   not measured  the record gives no value (no deadlines fell due in the window, the data cannot
//                 support the indicator): `why` says which
// An action is rated the worst of its measures (those it names, else all its recommendation's);
// a recommendation the worst of its measures and actions. Not measured counts as better than
// green when taking the worst, so one unmeasurable measure does not hide the others; an item
// with nothing measured is not measured.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "improvement/plan.h"
#include "indicators/compute.h"
#include "model/chronology.h"
#include "timescales/evaluator.h"

namespace cairn::improvement {

enum class Rag { kGreen, kAmber, kRed, kNotMeasured };
std::string_view RagName(Rag rag);  // "green", "amber", "red", "not-measured"
// What the rating means, in words: "on or better than trajectory", "off trajectory, within
// tolerance", "off trajectory", "not measured".
std::string_view RagMeaning(Rag rag);
// The worse of two ratings (red, then amber, then green, then not measured).
Rag Worse(Rag a, Rag b);

// The value the trajectory expects on `date`: linear between its points; before the first point,
// the first point's value; after the last, the target (a measure with no trajectory expects its
// target all along).
double ExpectedValue(const Measure& measure, Date date);

// The rating of a measured value against the expected one (see above).
Rag RateAgainst(double measured, double expected, double tolerance, bool higher_is_better);

// What was measured for one measure as at a date.
struct MeasuredValue {
  std::optional<double> value;
  std::optional<double> numerator;    // deadlines met on time, or the indicator's numerator
  std::optional<double> denominator;  // deadlines that fell due, or the indicator's denominator
  std::string why;                    // why there is no value; empty when there is one
};
using Measurements = std::map<std::string, MeasuredValue, std::less<>>;  // by measure id

// The record a plan is measured against.
struct CouncilRecord {
  std::span<const model::Chronology> chronologies;
  std::span<const model::Worker> workers;
  // The 0-17 population for a reporting year's rates, or nullopt when unknown.
  std::function<std::optional<double>(int reporting_year)> population;
  const indicators::IndicatorEngine* engine = nullptr;
  const timescales::Evaluator* evaluator = nullptr;
  int threads = 1;
  // Each child's evaluation as at the date measured, when the caller already holds one (the web
  // pages' council view); empty: MeasurePlan evaluates every child itself.
  std::function<const timescales::ChildEvaluation&(size_t)> evaluation;
};

// Measures every measure of the plan as at `as_at`:
//   an indicator: the catalogue's computation over the twelve months ending on `as_at`
//     (IndicatorEngine::ComputeTwelveMonthsTo);
//   a rule: of the rule's deadlines that fell due in the `window_months` months ending on `as_at`
//     (after the day that many months before it), as the timescales evaluator sees them as at
//     `as_at`, the percentage met by their due date (met late and overdue count against; deadlines
//     the record cannot judge, and those not yet due, are left out), as the monthly timeliness
//     figures count them.
Result<Measurements> MeasurePlan(const Plan& plan, const CouncilRecord& record, Date as_at);

struct MeasureStatus {
  std::string recommendation_id;
  std::string id;
  std::string what;    // "indicator assessments-within-45-days" or "rule s47.icpc-15wd (3 months)"
  std::string title;   // the indicator's or rule's title
  std::string unit;    // "percent", ...
  bool higher_is_better = true;
  Rag rag = Rag::kNotMeasured;
  std::optional<double> measured;
  std::optional<double> numerator, denominator;
  double expected = 0;  // ExpectedValue on the as-at date
  double target = 0;
  double tolerance = 0;
  std::optional<double> baseline;
  std::string why;  // not measured: why
};

struct ActionStatus {
  std::string recommendation_id;
  std::string id;
  std::string text;
  std::string owner;
  Date due;
  SelfReported reported = SelfReported::kNotStarted;
  std::vector<Note> notes;  // those dated on or before the as-at date
  Rag rag = Rag::kNotMeasured;
  std::vector<std::string> measures;  // the measures it is rated on
  std::string worst_measure;          // the measure that set its rating ("" when not measured)
  // Self-reported complete or on-track while its computed RAG is red; `mismatch_reason` says
  // which measure and by how much.
  bool mismatch = false;
  std::string mismatch_reason;
};

struct RecommendationStatus {
  std::string id;
  std::string text;
  Rag rag = Rag::kNotMeasured;
  std::vector<MeasureStatus> measures;
  std::vector<ActionStatus> actions;
};

// The plan as at one date, as plain values (the improvement board page and pack read this).
struct PlanStatus {
  std::string title;
  Date as_at;
  std::vector<RecommendationStatus> recommendations;
  int green = 0, amber = 0, red = 0, not_measured = 0;  // measures, by rating
  int mismatches = 0;                                    // actions flagged
};

// Rates the plan from what was measured (a measure missing from `measured` is not measured).
// `titles` gives a measure's indicator or rule title, when known. Pure: no record is read.
PlanStatus EvaluatePlan(const Plan& plan, const Measurements& measured, Date as_at,
                        const std::function<std::string(const Measure&)>& titles = {});

// The two together: measure, then rate. The catalogue and rules give the titles.
Result<PlanStatus> EvaluatePlan(const Plan& plan, const CouncilRecord& record, Date as_at);

// A value as the plan shows it: "72.4%" for a percentage, "31.5" otherwise.
std::string FormatValue(double value, std::string_view unit);

}  // namespace cairn::improvement
