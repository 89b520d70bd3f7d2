#include "indicators/monthly.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

namespace cairn::indicators {
namespace {

using model::EventKind;
using timescales::ObligationStatus;

constexpr int kMostMonths = 64;  // one bit per month in the masks below

// A share in percent, when there is anything to share.
void SetShare(MonthlyPoint& point) {
  if (point.denominator > 0) point.value = 100.0 * point.numerator / point.denominator;
}

Date MonthEnd(int year, int month) { return Date::FromYmdOrDie(year, month, DaysInMonth(year, month)); }

// Which deadlines each timeliness series counts, by rule id (data/timescales/england.toml).
struct TimelinessSeries {
  const char* id;
  const char* title;
  std::vector<std::string_view> rules;
  bool visits = false;  // also every rule met by a visit
  const char* comparable = "";
};

const std::vector<TimelinessSeries>& Timeliness() {
  static const std::vector<TimelinessSeries> series = {
      {"assessments-45wd", "Assessments authorised within 45 working days", {"referral.assessment-45wd"}, false,
       "assessments-within-45-days"},
      {"icpc-15wd", "Initial conferences within 15 working days", {"s47.icpc-15wd"}, false, "icpc-within-15-days"},
      {"cp-reviews", "Child protection reviews on time", {"cp.review-first-3m", "cp.review-next-6m"}},
      {"cla-reviews", "Looked-after reviews on time",
       {"cla.review-first-20wd", "cla.review-second-3m", "cla.review-next-6m"}, false, "cla-reviews-on-time"},
      {"visits", "Statutory visits on time", {}, true},
      {"supervision", "Case supervision on time", {"oversight.supervision"}},
  };
  return series;
}

bool Counts(const TimelinessSeries& series, const timescales::Rule& rule) {
  const bool named = std::find(series.rules.begin(), series.rules.end(), rule.id) != series.rules.end();
  return named || (series.visits && std::any_of(rule.satisfied_by.begin(), rule.satisfied_by.end(), [](const auto& satisfier) {
                     return !satisfier.trigger_field && satisfier.kind == EventKind::kVisit;
                   }));
}

}  // namespace

bool TimelinessCounts(std::string_view series_id, const timescales::Rule& rule) {
  for (const TimelinessSeries& series : Timeliness()) {
    if (series.id == series_id) return Counts(series, rule);
  }
  return false;
}

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
    for (int i = 0; i < std::min(input.months, kMostMonths); ++i) {
      const Date end = i == 0 ? input.as_at : MonthEnd(year, month);
      if (first && end < *first) break;
      ends.push_back(end);
      if (--month == 0) month = 12, --year;
    }
    std::reverse(ends.begin(), ends.end());
  }
  const size_t n = ends.size();
  const Date first_day = n == 0 ? input.as_at : Date::FromYmdOrDie(ends[0].year(), ends[0].month(), 1);
  // The month holding `date`, by binary search on the month ends (Date::year() is dear, and this
  // runs for every deadline of every child).
  auto month_of = [&](Date date) -> std::optional<size_t> {
    if (n == 0 || date < first_day || date > input.as_at) return std::nullopt;
    return static_cast<size_t>(std::lower_bound(ends.begin(), ends.end(), date) - ends.begin());
  };
  // The months whose end falls within [from, until]: [begin, end).
  auto months_within = [&](Date from, Date until) -> std::pair<size_t, size_t> {
    const size_t begin = static_cast<size_t>(std::lower_bound(ends.begin(), ends.end(), from) - ends.begin());
    const size_t end = static_cast<size_t>(std::upper_bound(ends.begin(), ends.end(), until) - ends.begin());
    return {begin, std::max(begin, end)};
  };

  // A deque: the references series() hands out stay valid as more series are added.
  std::deque<MonthlySeries> out;
  auto series = [&](std::string id, std::string title, std::string definition, MonthlyUnit unit) -> MonthlySeries& {
    MonthlySeries s{std::move(id), std::move(title), std::move(definition), unit, {}};
    s.points.resize(n);
    for (size_t i = 0; i < n; ++i) s.points[i].month_end = ends[i];
    out.push_back(std::move(s));
    return out.back();
  };

  // Timeliness: of the deadlines that fell due in the month, the share met by the due date.
  const size_t series_count = Timeliness().size();
  std::vector<std::vector<bool>> counts_rule(rules.rules().size(), std::vector<bool>(series_count, false));
  std::vector<bool> counted_anywhere(rules.rules().size(), false);
  for (size_t r = 0; r < rules.rules().size(); ++r) {
    const timescales::Rule& rule = rules.rules()[r];
    for (size_t s = 0; s < series_count; ++s) {
      const bool counted = Counts(Timeliness()[s], rule);
      counts_rule[r][s] = counted;
      if (counted) counted_anywhere[r] = true;
    }
  }
  const size_t timeliness_begin = out.size();
  for (const TimelinessSeries& t : Timeliness()) {
    series(t.id, t.title,
           "Of the deadlines under these rules that fell due in the month, the share met by the due date "
           "(deadlines the record cannot judge are left out).",
           MonthlyUnit::kPercent)
        .comparable = t.comparable;
  }
  for (size_t index : input.children) {
    for (const timescales::Obligation& obligation : input.result(index).obligations) {
      if (!counted_anywhere[obligation.rule]) continue;
      if (obligation.status == ObligationStatus::kUnknown || obligation.status == ObligationStatus::kDue) continue;
      const std::optional<size_t> month = month_of(obligation.due);
      if (!month) continue;
      for (size_t s = 0; s < series_count; ++s) {
        if (!counts_rule[obligation.rule][s]) continue;
        MonthlyPoint& point = out[timeliness_begin + s].points[*month];
        point.denominator += 1;
        if (obligation.status == ObligationStatus::kMet) point.numerator += 1;
      }
    }
  }
  for (size_t s = timeliness_begin; s < out.size(); ++s) {
    for (MonthlyPoint& point : out[s].points) {
      SetShare(point);
    }
  }

  // Counts at each month's end (added up over ranges of months), and referrals in each month.
  const size_t cp_at = out.size();
  series("cp-plans", "Children on a child protection plan", "Open at the month's end.", MonthlyUnit::kCount);
  series("cp-plans-2y", "Child protection plans lasting 2 years or more",
         "Of the plans open at the month's end, the share that started 2 years or more before it.",
         MonthlyUnit::kPercent)
      .comparable = "cp-2-years-or-more";
  series("cla", "Children looked after", "In care at the month's end.", MonthlyUnit::kCount);
  series("referrals", "Referrals", "Referrals (children in need episodes) starting in the month.", MonthlyUnit::kCount);
  series("re-referrals", "Re-referrals within 12 months",
         "Of the month's referrals, the share within 12 months of the child's previous referral.",
         MonthlyUnit::kPercent)
      .comparable = "re-referrals-12-months";
  auto at = [&](size_t offset) -> MonthlySeries& { return out[cp_at + offset]; };
  std::vector<double> cp(n + 1, 0), cp_2y(n + 1, 0), cla(n + 1, 0);  // differences, month to month
  std::vector<Date> referrals, placements;
  std::vector<MonthlyPoint> placed_3(n);  // children in care at the month's end with 3+ placements in 12 months
  // Caseloads: allocations open at each month's end, and which workers held them.
  std::vector<double> allocations(n + 1, 0);
  std::unordered_map<std::string_view, uint64_t> worker_months;  // bit m: held a child at month m's end
  for (size_t index : input.children) {
    const model::Chronology& chronology = input.chronologies[index];
    uint64_t in_care = 0;  // months the child was in care at the end of (one count per child)
    referrals.clear();
    placements.clear();
    for (const model::Event& event : chronology.events()) {
      if (event.start > input.as_at) continue;
      // Open (or ending after the as-at date): open at every month's end from its start.
      const Date until = event.end && *event.end <= input.as_at ? *event.end : input.as_at;
      switch (event.kind) {
        case EventKind::kCpPlan: {
          const auto [begin, end] = months_within(event.start, until);
          cp[begin] += 1, cp[end] -= 1;
          const auto [begin_2y, end_2y] = months_within(event.start.AddYears(2), until);
          cp_2y[begin_2y] += 1, cp_2y[end_2y] -= 1;
          break;
        }
        case EventKind::kLookedAfterEpisode: {
          placements.push_back(event.start);
          const auto [begin, end] = months_within(event.start, until);
          for (size_t m = begin; m < end; ++m) in_care |= uint64_t{1} << m;
          break;
        }
        case EventKind::kCinEpisode: referrals.push_back(event.start); break;
        case EventKind::kSocialWorkerAllocation: {
          const auto [begin, end] = months_within(event.start, until);
          if (begin == end) break;
          allocations[begin] += 1, allocations[end] -= 1;
          uint64_t& months = worker_months[event.Get("SW_ID")];
          for (size_t m = begin; m < end; ++m) months |= uint64_t{1} << m;
          break;
        }
        default: break;
      }
    }
    std::sort(placements.begin(), placements.end());
    for (size_t m = 0; m < n; ++m) {
      if (!(in_care & (uint64_t{1} << m))) continue;
      cla[m] += 1, cla[m + 1] -= 1;
      // Placements (periods of care) starting in the 12 months to the month's end.
      const auto from = std::upper_bound(placements.begin(), placements.end(), ends[m].AddMonths(-12));
      const auto to = std::upper_bound(placements.begin(), placements.end(), ends[m]);
      placed_3[m].denominator += 1;
      if (to - from >= 3) placed_3[m].numerator += 1;
    }
    std::sort(referrals.begin(), referrals.end());
    for (size_t r = 0; r < referrals.size(); ++r) {
      const std::optional<size_t> month = month_of(referrals[r]);
      if (!month) continue;
      at(3).points[*month].numerator += 1;
      at(4).points[*month].denominator += 1;
      if (r > 0 && referrals[r - 1] >= referrals[r].AddMonths(-12)) at(4).points[*month].numerator += 1;
    }
  }
  double running_cp = 0, running_cp_2y = 0, running_cla = 0;
  for (size_t m = 0; m < n; ++m) {
    running_cp += cp[m], running_cp_2y += cp_2y[m], running_cla += cla[m];
    at(0).points[m].numerator = running_cp;
    at(1).points[m].numerator = running_cp_2y;
    at(2).points[m].numerator = running_cla;
  }
  for (size_t s : {0, 2, 3}) {
    for (MonthlyPoint& point : at(s).points) point.value = point.numerator;
  }
  for (size_t m = 0; m < n; ++m) {  // plans lasting 2 years, as a share of the plans open
    MonthlyPoint& point = at(1).points[m];
    point.denominator = at(0).points[m].numerator;
    SetShare(point);
  }
  for (MonthlyPoint& point : at(4).points) {
    SetShare(point);
  }

  MonthlySeries& moves = series("cla-3-placements", "Children looked after with 3 or more placements in 12 months",
                                "Of the children in care at the month's end, the share with 3 or more periods of care "
                                "(placements) starting in the 12 months to it.",
                                MonthlyUnit::kPercent);
  moves.comparable = "cla-3-placements";
  for (size_t m = 0; m < n; ++m) {
    moves.points[m].numerator = placed_3[m].numerator;
    moves.points[m].denominator = placed_3[m].denominator;
    SetShare(moves.points[m]);
  }

  // Rates per 10,000 children aged 0-17, when the population is known.
  if (input.population && *input.population > 0) {
    const double per = 10000.0 / *input.population;
    for (auto [from, id, title, comparable] :
         {std::tuple{size_t{0}, "cp-rate", "Child protection plans per 10,000 children", "cp-31-march-rate"},
          std::tuple{size_t{2}, "cla-rate", "Children looked after per 10,000 children", "cla-31-march-rate"}}) {
      MonthlySeries& rate = series(id, title, "At the month's end, per 10,000 children aged 0-17.", MonthlyUnit::kRate);
      rate.comparable = comparable;
      for (size_t m = 0; m < n; ++m) {
        rate.points[m].numerator = out[cp_at + from].points[m].numerator;
        rate.points[m].denominator = *input.population;
        rate.points[m].value = rate.points[m].numerator * per;
      }
    }
  }

  MonthlySeries& caseload = series("caseload", "Average caseload",
                                   "Children allocated at the month's end, per worker with at least one.",
                                   MonthlyUnit::kAverage);
  caseload.comparable = "sw-average-caseload";
  double running = 0;
  for (size_t m = 0; m < n; ++m) {
    running += allocations[m];
    MonthlyPoint& point = caseload.points[m];
    point.numerator = running;
    for (const auto& [worker, months] : worker_months) {
      if (months & (uint64_t{1} << m)) point.denominator += 1;
    }
    if (point.denominator > 0) point.value = point.numerator / point.denominator;
  }

  // The workforce in post at each month's end: its agency share, and its turnover (the workers
  // who left in the 12 months to the month's end, per worker in post).
  MonthlySeries& agency = series("agency-share", "Agency workers",
                                 "Of the workers in post at the month's end, the share employed through an agency.",
                                 MonthlyUnit::kPercent);
  agency.comparable = "sw-agency-rate";
  MonthlySeries& turnover = series("turnover", "Worker turnover",
                                   "Workers who left in the 12 months to the month's end, as a share of the workers "
                                   "in post at its end.",
                                   MonthlyUnit::kPercent);
  turnover.comparable = "sw-turnover";
  for (size_t m = 0; m < n; ++m) {
    for (const model::Worker& worker : input.workers) {
      if (worker.left && *worker.left <= ends[m] && *worker.left > ends[m].AddMonths(-12)) {
        turnover.points[m].numerator += 1;
      }
      if ((worker.started && *worker.started > ends[m]) || (worker.left && *worker.left < ends[m])) continue;
      agency.points[m].denominator += 1;
      turnover.points[m].denominator += 1;
      if (worker.agency) agency.points[m].numerator += 1;
    }
    SetShare(agency.points[m]);
    SetShare(turnover.points[m]);
  }
  return {std::make_move_iterator(out.begin()), std::make_move_iterator(out.end())};
}

}  // namespace cairn::indicators
