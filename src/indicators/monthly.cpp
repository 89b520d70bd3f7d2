#include "indicators/monthly.h"

#include <algorithm>
#include <map>
#include <set>

namespace cairn::indicators {
namespace {

using model::EventKind;
using timescales::ObligationStatus;

Date MonthEnd(int year, int month) { return Date::FromYmdOrDie(year, month, DaysInMonth(year, month)); }

// Which deadlines each timeliness series counts, by rule id (data/timescales/england.toml).
struct TimelinessSeries {
  const char* id;
  const char* title;
  std::vector<std::string_view> rules;
  bool visits = false;  // also every rule met by a visit
};

const std::vector<TimelinessSeries>& Timeliness() {
  static const std::vector<TimelinessSeries> series = {
      {"assessments-45wd", "Assessments authorised within 45 working days", {"referral.assessment-45wd"}},
      {"icpc-15wd", "Initial conferences within 15 working days", {"s47.icpc-15wd"}},
      {"cp-reviews", "Child protection reviews on time", {"cp.review-first-3m", "cp.review-next-6m"}},
      {"cla-reviews", "Looked-after reviews on time",
       {"cla.review-first-20wd", "cla.review-second-3m", "cla.review-next-6m"}},
      {"visits", "Statutory visits on time", {}, true},
      {"supervision", "Case supervision on time", {"oversight.supervision"}},
  };
  return series;
}

}  // namespace

std::vector<MonthlySeries> ComputeMonthly(const MonthlyInput& input) {
  const timescales::RuleSet& rules = *input.rules;
  // The months: from `months` back (or the first recorded event, if later) to the as-at month.
  std::optional<Date> first;
  for (size_t index : input.children) {
    for (const model::Event& event : input.chronologies[index].events()) {
      if (event.start <= input.as_at && (!first || event.start < *first)) first = event.start;
    }
  }
  std::vector<Date> ends;
  {
    int year = input.as_at.year(), month = input.as_at.month();
    for (int i = 0; i < input.months; ++i) {
      const Date end = i == 0 ? input.as_at : MonthEnd(year, month);
      if (first && end < *first) break;
      ends.push_back(end);
      if (--month == 0) month = 12, --year;
    }
    std::reverse(ends.begin(), ends.end());
  }
  const size_t n = ends.size();
  auto month_of = [&](Date date) -> std::optional<size_t> {
    if (n == 0 || date > input.as_at) return std::nullopt;
    const int offset = (input.as_at.year() - date.year()) * 12 + (input.as_at.month() - date.month());
    if (offset < 0 || offset >= static_cast<int>(n)) return std::nullopt;
    return n - 1 - static_cast<size_t>(offset);
  };

  std::vector<MonthlySeries> out;
  auto series = [&](std::string id, std::string title, std::string definition, MonthlyUnit unit) -> MonthlySeries& {
    MonthlySeries s{std::move(id), std::move(title), std::move(definition), unit, {}};
    s.points.resize(n);
    for (size_t i = 0; i < n; ++i) s.points[i].month_end = ends[i];
    out.push_back(std::move(s));
    return out.back();
  };

  // Timeliness: of the deadlines that fell due in the month, the share met by the due date.
  std::vector<std::vector<bool>> counts_rule(Timeliness().size(), std::vector<bool>(rules.rules().size(), false));
  for (size_t s = 0; s < Timeliness().size(); ++s) {
    for (size_t r = 0; r < rules.rules().size(); ++r) {
      const timescales::Rule& rule = rules.rules()[r];
      bool counted = std::find(Timeliness()[s].rules.begin(), Timeliness()[s].rules.end(), rule.id) !=
                     Timeliness()[s].rules.end();
      if (Timeliness()[s].visits) {
        counted = counted || std::any_of(rule.satisfied_by.begin(), rule.satisfied_by.end(), [](const auto& satisfier) {
                    return !satisfier.trigger_field && satisfier.kind == EventKind::kVisit;
                  });
      }
      counts_rule[s][r] = counted;
    }
  }
  const size_t timeliness_begin = out.size();
  for (const TimelinessSeries& t : Timeliness()) {
    series(t.id, t.title,
           "Of the deadlines under these rules that fell due in the month, the share met by the due date "
           "(deadlines the record cannot judge are left out).",
           MonthlyUnit::kPercent);
  }
  for (size_t index : input.children) {
    for (const timescales::Obligation& obligation : input.result(index).obligations) {
      if (obligation.status == ObligationStatus::kUnknown || obligation.status == ObligationStatus::kDue) continue;
      const std::optional<size_t> month = month_of(obligation.due);
      if (!month) continue;
      for (size_t s = 0; s < Timeliness().size(); ++s) {
        if (!counts_rule[s][obligation.rule]) continue;
        MonthlyPoint& point = out[timeliness_begin + s].points[*month];
        point.denominator += 1;
        if (obligation.status == ObligationStatus::kMet) point.numerator += 1;
      }
    }
  }
  for (size_t s = timeliness_begin; s < out.size(); ++s) {
    for (MonthlyPoint& point : out[s].points) {
      if (point.denominator > 0) point.value = 100.0 * point.numerator / point.denominator;
    }
  }

  // Counts at each month's end, and referrals in each month.
  const size_t cp_at = out.size();
  series("cp-plans", "Children on a child protection plan", "Open at the month's end.", MonthlyUnit::kCount);
  series("cp-plans-2y", "Child protection plans lasting 2 years or more",
         "Plans open at the month's end that started 2 years or more before it.", MonthlyUnit::kCount);
  series("cla", "Children looked after", "In care at the month's end.", MonthlyUnit::kCount);
  series("referrals", "Referrals", "Referrals (children in need episodes) starting in the month.", MonthlyUnit::kCount);
  series("re-referrals", "Re-referrals within 12 months",
         "Of the month's referrals, the share within 12 months of the child's previous referral.",
         MonthlyUnit::kPercent);
  auto at = [&](size_t offset) -> MonthlySeries& { return out[cp_at + offset]; };
  for (size_t index : input.children) {
    const model::Chronology& chronology = input.chronologies[index];
    std::set<size_t> in_care;  // months the child was in care at the end of (one count per child)
    std::vector<Date> referrals;
    for (const model::Event& event : chronology.events()) {
      if (event.start > input.as_at) continue;
      // Open (or ending after the as-at date): open at every month's end from its start.
      const Date until = event.end && *event.end <= input.as_at ? *event.end : input.as_at;
      if (event.kind == EventKind::kCpPlan || event.kind == EventKind::kLookedAfterEpisode) {
        for (size_t m = 0; m < n; ++m) {
          if (event.start > ends[m] || until < ends[m]) continue;
          if (event.kind == EventKind::kCpPlan) {
            at(0).points[m].numerator += 1;
            if (event.start <= ends[m].AddYears(-2)) at(1).points[m].numerator += 1;
          } else {
            in_care.insert(m);
          }
        }
      } else if (event.kind == EventKind::kCinEpisode) {
        referrals.push_back(event.start);
      }
    }
    for (size_t m : in_care) at(2).points[m].numerator += 1;
    std::sort(referrals.begin(), referrals.end());
    for (size_t r = 0; r < referrals.size(); ++r) {
      const std::optional<size_t> month = month_of(referrals[r]);
      if (!month) continue;
      at(3).points[*month].numerator += 1;
      at(4).points[*month].denominator += 1;
      if (r > 0 && referrals[r - 1] >= referrals[r].AddMonths(-12)) at(4).points[*month].numerator += 1;
    }
  }
  for (size_t s = 0; s < 4; ++s) {
    for (MonthlyPoint& point : at(s).points) point.value = point.numerator;
  }
  for (MonthlyPoint& point : at(4).points) {
    if (point.denominator > 0) point.value = 100.0 * point.numerator / point.denominator;
  }

  // Caseloads: children allocated at the month's end per worker holding any.
  MonthlySeries& caseload = series("caseload", "Average caseload",
                                   "Children allocated at the month's end, per worker with at least one.",
                                   MonthlyUnit::kAverage);
  std::vector<std::map<std::string_view, int>> by_worker(n);
  for (size_t index : input.children) {
    for (const model::Event& event : input.chronologies[index].events()) {
      if (event.kind != EventKind::kSocialWorkerAllocation || event.start > input.as_at) continue;
      const Date until = event.end && *event.end <= input.as_at ? *event.end : input.as_at;
      for (size_t m = 0; m < n; ++m) {
        if (event.start <= ends[m] && until >= ends[m]) ++by_worker[m][event.Get("SW_ID")];
      }
    }
  }
  for (size_t m = 0; m < n; ++m) {
    MonthlyPoint& point = caseload.points[m];
    for (const auto& [worker, children] : by_worker[m]) point.numerator += children;
    point.denominator = static_cast<double>(by_worker[m].size());
    if (point.denominator > 0) point.value = point.numerator / point.denominator;
  }

  // The agency share of the workforce in post at the month's end.
  MonthlySeries& agency = series("agency-share", "Agency workers",
                                 "Of the workers in post at the month's end, the share employed through an agency.",
                                 MonthlyUnit::kPercent);
  for (size_t m = 0; m < n; ++m) {
    MonthlyPoint& point = agency.points[m];
    for (const model::Worker& worker : input.workers) {
      if (worker.started && *worker.started > ends[m]) continue;
      if (worker.left && *worker.left < ends[m]) continue;
      point.denominator += 1;
      if (worker.agency) point.numerator += 1;
    }
    if (point.denominator > 0) point.value = 100.0 * point.numerator / point.denominator;
  }
  return out;
}

}  // namespace cairn::indicators
