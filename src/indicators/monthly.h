// Month-by-month figures for the service and director pages: how timely the statutory work was
// (of the deadlines that fell due in each month, the share met on time), how many children were
// on plans and in care at each month's end, referrals and re-referrals, caseloads and the agency
// share of the workforce. Read from the same chronology and timescales evaluation as every other
// page, for the children a user's scope covers.
//
// Unlike the national indicators (annual, DfE definitions: compute.h) these are Cairn's own
// management figures; each says how it is counted in its `definition`.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "model/chronology.h"
#include "timescales/evaluator.h"
#include "timescales/rules.h"

namespace cairn::indicators {

enum class MonthlyUnit { kPercent, kCount, kAverage, kRate };  // kRate: per 10,000 children

struct MonthlyPoint {
  Date month_end;  // the month's last day, or the as-at date for the month that holds it
  std::optional<double> value;  // nullopt: nothing to count that month
  double numerator = 0;
  double denominator = 0;
};

struct MonthlySeries {
  std::string id;
  std::string title;
  std::string definition;
  MonthlyUnit unit = MonthlyUnit::kCount;
  std::vector<MonthlyPoint> points;  // oldest first, one per month
  // The catalogue indicator (data/indicators/catalogue.toml) the DfE publishes for the same
  // measure at 31 March, to set England, the region and the neighbours beside; "" for none.
  std::string comparable = "";
};

struct MonthlyInput {
  std::span<const model::Chronology> chronologies;
  // The evaluation of the child at this index as at `as_at`.
  std::function<const timescales::ChildEvaluation&(size_t)> result;
  std::vector<size_t> children;  // the indices counted (the scope)
  std::span<const model::Worker> workers;  // the workforce counted (the scope's teams)
  const timescales::RuleSet* rules = nullptr;
  Date as_at;
  int months = 60;  // how far back, at most (64 at the most); months before the first event are left out
  // The 0-17 population, for rates per 10,000 (the CP and CLA rates are left out without it).
  std::optional<double> population = std::nullopt;
};

std::vector<MonthlySeries> ComputeMonthly(const MonthlyInput& input);

// Whether the timeliness series `series_id` ("assessments-45wd", "visits", ...) counts the
// deadlines of `rule`; false for any other series. For a report that shows deadlines by rule
// beside these shares, and must withhold a share its table's withheld cells would be worked out
// from.
bool TimelinessCounts(std::string_view series_id, const timescales::Rule& rule);

}  // namespace cairn::indicators
