#include "indicators/compute.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "timescales/evaluator.h"

namespace cairn::indicators {
namespace {

using model::Chronology;
using model::Event;
using model::EventKind;

// Counts for one reporting year, added up child by child.
struct YearTally {
  int64_t referrals = 0, rereferrals = 0, cin_at_31 = 0;
  int64_t assessments = 0, assessments_45 = 0;
  int64_t section_47s = 0, icpcs = 0, icpcs_after_s47 = 0, icpcs_within_15 = 0;
  int64_t cp_at_31 = 0, cp_at_31_two_years = 0, cp_starts = 0, cp_second = 0, cp_second_within_2y = 0;
  int64_t cla_at_31 = 0, cla_starts = 0, cla_three_placements = 0, cla_three_workers = 0;
  int64_t stability_cohort = 0, stability_same_placement = 0;
  // Of the children looked after at 31 March, those whose home and placement postcodes are both in
  // the directory with a grid reference, and of them those placed more than 20 miles from home.
  int64_t cla_distance_known = 0, cla_placed_over_20_miles = 0;
  int64_t reviews_due = 0, reviews_on_time = 0, reviews = 0, reviews_participated = 0;
  int64_t care_leavers = 0, care_leavers_eet = 0, care_leavers_suitable = 0;
  // The workforce census on 30 September.
  int64_t allocated_children = 0, case_holders = 0;
  int64_t social_workers = 0, employed = 0, agency = 0, leavers = 0;  // in post; employed leavers in 12 months
  // Whether the chronology holds any record of the kind in this year at all.
  bool cin_data = false, cla_data = false, allocation_data = false, care_leaver_data = false;
};

// The dates of one window of twelve months: a reporting year (1 April to 31 March) or the twelve
// months ending on any day. Every indicator is counted over [start, end] with its snapshots taken
// at `end`, so a window ending on 31 March is exactly the reporting year.
struct Year {
  int year = 0;          // the reporting year holding `end` (for the population and messages)
  Date start, end;       // the window's first and last days: 1 April and 31 March for a reporting year
  Date census;           // the workforce snapshot: six months before the end (30 September for a year)
  Date end_less_2y;      // the end two years earlier
  Date end_less_30m;     // 2.5 years before the end
  std::string period;    // "2024/25", or "the 12 months to 2025-06-30", for messages
};

Year MakeWindow(Date end) {
  Year y;
  y.year = model::CollectionYear::Containing(end).year;
  y.end = end;
  y.start = end.AddMonths(-12).AddDays(1);
  // The DfE's workforce census sits half way through the reporting year (30 September); a window
  // ending on another day takes its snapshot the same distance before its end.
  y.census = end.AddMonths(-6);
  y.end_less_2y = end.AddMonths(-24);
  y.end_less_30m = end.AddMonths(-30);
  y.period = "the 12 months to " + end.ToIso();
  return y;
}

Year MakeYear(int year) {
  const model::CollectionYear collection{year};
  Year y = MakeWindow(collection.end());
  y.period = fmt::format("{}/{:02}", year - 1, year % 100);
  return y;
}

// Open at the end of `day`: started on or before it and not ended by it. A plan or episode that
// ends on 31 March is not open at 31 March, as in the DfE's counts "at 31 March".
bool OpenAt(const Event& event, Date day) { return event.start <= day && (!event.end || *event.end > day); }
bool Overlaps(const Event& event, Date from, Date to) {
  return event.start <= to && (!event.end || *event.end >= from);
}
bool In(Date day, const Year& y) { return day >= y.start && day <= y.end; }

template <typename Codes>
bool IsOneOf(std::string_view value, const Codes& codes) {
  return std::find(std::begin(codes), std::end(codes), value) != std::end(codes);
}
bool IsOneOf(std::string_view value, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), value) != codes.end();
}

// One child's events, sorted into the kinds the indicators read. Reused from child to child.
struct ChildEvents {
  std::vector<const Event*> cin, assessments, section_47s, cp_plans, icpc_meetings;
  std::vector<const Event*> looked_after;  // short breaks left out
  std::vector<const Event*> any_looked_after, reviews, allocations, care_leaver_outcomes;
  std::vector<Date> icpc_dates;
  std::vector<std::string_view> workers;

  void Fill(const Chronology& chronology, const std::vector<std::string>& short_breaks) {
    for (auto* list : {&cin, &assessments, &section_47s, &cp_plans, &icpc_meetings, &looked_after, &any_looked_after,
                       &reviews, &allocations, &care_leaver_outcomes}) {
      list->clear();
    }
    for (const Event& event : chronology.events()) {
      switch (event.kind) {
        case EventKind::kCinEpisode: cin.push_back(&event); break;
        case EventKind::kAssessment: assessments.push_back(&event); break;
        case EventKind::kSection47: section_47s.push_back(&event); break;
        case EventKind::kCpPlan: cp_plans.push_back(&event); break;
        case EventKind::kInitialCpConference: icpc_meetings.push_back(&event); break;
        case EventKind::kLookedAfterEpisode:
          any_looked_after.push_back(&event);
          if (std::find(short_breaks.begin(), short_breaks.end(), event.Get("LS")) == short_breaks.end()) {
            looked_after.push_back(&event);
          }
          break;
        case EventKind::kClaReview: reviews.push_back(&event); break;
        case EventKind::kSocialWorkerAllocation: allocations.push_back(&event); break;
        case EventKind::kCareLeaverOutcomes: care_leaver_outcomes.push_back(&event); break;
        default: break;
      }
    }
    auto by_start = [](const Event* a, const Event* b) { return a->start < b->start; };
    for (auto* list : {&cin, &cp_plans, &looked_after}) std::stable_sort(list->begin(), list->end(), by_start);
    // Every ICPC once: the CIN census records its date on the section 47 enquiry and on the
    // episode; Cairn may also record the conference itself.
    icpc_dates.clear();
    for (const Event* s47 : section_47s) {
      if (auto date = s47->GetDate("DateOfInitialCPC")) icpc_dates.push_back(*date);
    }
    for (const Event* episode : cin) {
      if (auto date = episode->GetDate("DateOfInitialCPC")) icpc_dates.push_back(*date);
    }
    for (const Event* meeting : icpc_meetings) icpc_dates.push_back(meeting->start);
    std::sort(icpc_dates.begin(), icpc_dates.end());
    icpc_dates.erase(std::unique(icpc_dates.begin(), icpc_dates.end()), icpc_dates.end());
  }
};

constexpr std::array<std::string_view, 3> kNewPlacement = {"S", "P", "B"};
constexpr std::array<std::string_view, 7> kParticipated = {"PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"};
constexpr std::array<std::string_view, 8> kInEducationEmploymentOrTraining = {"F1", "P1", "F2", "P2",
                                                                                     "F4", "P4", "F5", "P5"};

void TallyCin(const Chronology& chronology, const ChildEvents& e, const Year& y, const WorkingDayCalendar& calendar,
              YearTally& t) {
  bool in_need_at_31 = false;
  for (size_t i = 0; i < e.cin.size(); ++i) {
    const Event& episode = *e.cin[i];
    if (Overlaps(episode, y.start, y.end)) t.cin_data = true;
    if (OpenAt(episode, y.end)) in_need_at_31 = true;
    if (!In(episode.start, y)) continue;
    ++t.referrals;
    const Date twelve_months_before = episode.start.AddMonths(-12);
    for (size_t j = 0; j < i; ++j) {
      if (e.cin[j]->start < episode.start && e.cin[j]->start >= twelve_months_before) {
        ++t.rereferrals;
        break;
      }
    }
  }
  if (in_need_at_31) ++t.cin_at_31;

  for (const Event* assessment : e.assessments) {
    if (!assessment->end || !In(*assessment->end, y)) continue;
    ++t.assessments;
    const std::vector<Event>& events = chronology.events();
    const bool has_referral = assessment->parent >= 0 && events[assessment->parent].kind == EventKind::kCinEpisode;
    const Date referral = has_referral ? events[assessment->parent].start : assessment->start;
    if (*assessment->end <= calendar.Add(referral, 45)) ++t.assessments_45;
  }

  for (const Event* s47 : e.section_47s) {
    if (Overlaps(*s47, y.start, y.end)) t.cin_data = true;
    if (In(s47->start, y)) ++t.section_47s;
    if (auto icpc = s47->GetDate("DateOfInitialCPC"); icpc && In(*icpc, y)) {
      ++t.icpcs_after_s47;
      if (*icpc <= calendar.Add(s47->start, 15)) ++t.icpcs_within_15;
    }
  }
  for (Date icpc : e.icpc_dates) {
    if (In(icpc, y)) ++t.icpcs;
  }

  bool on_plan_at_31 = false, two_years_at_31 = false;
  for (size_t i = 0; i < e.cp_plans.size(); ++i) {
    const Event& plan = *e.cp_plans[i];
    if (Overlaps(plan, y.start, y.end)) t.cin_data = true;
    if (OpenAt(plan, y.end)) {
      on_plan_at_31 = true;
      if (plan.start <= y.end_less_2y) two_years_at_31 = true;
    }
    if (!In(plan.start, y)) continue;
    ++t.cp_starts;
    const Event* previous = nullptr;
    for (size_t j = 0; j < i; ++j) {
      if (e.cp_plans[j]->start < plan.start) previous = e.cp_plans[j];
    }
    int previous_plans = 0;
    const std::string_view recorded = plan.Get("NumberOfPreviousCPP");
    std::from_chars(recorded.data(), recorded.data() + recorded.size(), previous_plans);
    if (previous != nullptr || previous_plans > 0) ++t.cp_second;
    if (previous != nullptr && (!previous->end || plan.start <= previous->end->AddMonths(24))) ++t.cp_second_within_2y;
  }
  if (on_plan_at_31) ++t.cp_at_31;
  if (two_years_at_31) ++t.cp_at_31_two_years;
}

// Placed more than 20 miles from home, as the DfE counts it from its derived PL_DISTANCE: the
// straight line between the grid references of HOME_POST and PL_POST, in miles rounded to one
// decimal (half to even, as the DfE's SSDA903 validator rounds it; validate/inputs.h), so that
// 20.04 miles is "20 miles or less" and 20.06 is "over 20 miles". nullopt when either postcode
// is blank, not in the directory, or has no grid reference (the DfE's "not known or not
// recorded": mostly unaccompanied asylum-seeking children, whose home is not recorded).
std::optional<bool> PlacedOver20Miles(const Event& episode, const geography::PostcodeDirectory& postcodes) {
  const std::optional<double> miles = postcodes.MilesBetween(episode.Get("HOME_POST"), episode.Get("PL_POST"));
  if (!miles) return std::nullopt;
  return std::nearbyint(*miles * 10) > 200;
}

void TallyLookedAfter(const Chronology& chronology, ChildEvents& e, const Year& y,
                      const geography::PostcodeDirectory* postcodes, YearTally& t) {
  for (const Event* episode : e.any_looked_after) {
    if (Overlaps(*episode, y.start, y.end)) {
      t.cla_data = true;
      break;
    }
  }
  bool looked_after_at_31 = false, started = false;
  int placements = 0;
  const Event* period_start = nullptr;
  const Event* placement_start = nullptr;
  const Event* open_at_31 = nullptr;  // the episode open at 31 March: the latest to start, if the record has two
  for (const Event* episode : e.looked_after) {
    if (OpenAt(*episode, y.end)) {
      looked_after_at_31 = true;
      open_at_31 = episode;
    }
    const std::string_view reason = episode->Get("RNE");
    if (In(episode->start, y) && reason == "S") started = true;
    if (episode->start <= y.end) {
      if (reason == "S") period_start = episode;
      if (IsOneOf(reason, kNewPlacement)) placement_start = episode;
    }
    if (Overlaps(*episode, y.start, y.end)) {
      // The placement the year opens with, then every move to new carers: not a change of
      // legal status alone (L), nor a change of placement type with the same carers (T, U).
      if (placements == 0 || IsOneOf(reason, kNewPlacement)) ++placements;
    }
  }
  if (started) ++t.cla_starts;
  if (!looked_after_at_31) return;
  ++t.cla_at_31;
  if (placements >= 3) ++t.cla_three_placements;
  if (postcodes != nullptr) {
    if (const std::optional<bool> over = PlacedOver20Miles(*open_at_31, *postcodes)) {
      ++t.cla_distance_known;
      if (*over) ++t.cla_placed_over_20_miles;
    }
  }

  const std::optional<int> age = chronology.child().AgeOn(y.end);
  if (age && *age < 16 && period_start != nullptr && period_start->start <= y.end_less_30m) {
    ++t.stability_cohort;
    if (placement_start != nullptr && placement_start->start <= y.end_less_2y) ++t.stability_same_placement;
  }

  e.workers.clear();
  for (const Event* allocation : e.allocations) {
    if (!Overlaps(*allocation, y.start, y.end)) continue;
    const std::string_view worker = allocation->Get("SW_ID");
    if (!worker.empty() && std::find(e.workers.begin(), e.workers.end(), worker) == e.workers.end()) {
      e.workers.push_back(worker);
    }
  }
  if (e.workers.size() >= 3) ++t.cla_three_workers;
}

void TallyRest(const Chronology& chronology, const ChildEvents& e, const Year& y, YearTally& t,
               std::unordered_set<std::string_view>& case_holders) {
  // A child looked after in the year only under short breaks is left out of the looked-after
  // counts (catalogue, "Children looked after"), and so are their reviews.
  auto in_year = [&](const Event* episode) { return Overlaps(*episode, y.start, y.end); };
  const bool short_breaks_only = std::any_of(e.any_looked_after.begin(), e.any_looked_after.end(), in_year) &&
                                 std::none_of(e.looked_after.begin(), e.looked_after.end(), in_year);
  for (const Event* review : e.reviews) {
    if (short_breaks_only || !In(review->start, y)) continue;
    ++t.reviews;
    if (IsOneOf(review->Get("REVIEW_CODE"), kParticipated)) ++t.reviews_participated;
  }
  bool allocated = false;
  for (const Event* allocation : e.allocations) {
    if (Overlaps(*allocation, y.start, y.end)) t.allocation_data = true;
    if (OpenAt(*allocation, y.census)) {
      allocated = true;
      const std::string_view worker = allocation->Get("SW_ID");
      if (!worker.empty()) case_holders.insert(worker);
    }
  }
  if (allocated) ++t.allocated_children;

  for (const Event* outcome : e.care_leaver_outcomes) {
    if (!In(outcome->start, y)) continue;
    t.care_leaver_data = true;
    const std::optional<int> age = chronology.child().AgeOn(y.end);
    if (!age || *age < 19 || *age > 21) continue;
    if (IsOneOf(outcome->Get("IN_TOUCH"), {"DIED", "RHOM"})) continue;
    ++t.care_leavers;
    if (IsOneOf(outcome->Get("ACTIV"), kInEducationEmploymentOrTraining)) ++t.care_leavers_eet;
    const std::string_view accommodation = outcome->Get("ACCOM");
    if (accommodation.size() == 2 && accommodation[1] == '1') ++t.care_leavers_suitable;
  }
}

void CountWorkforce(std::span<const model::Worker> workers, const Year& y, YearTally& t) {
  const Date year_before = y.census.AddMonths(-12);
  for (const model::Worker& worker : workers) {
    if (worker.role == "personal-adviser") continue;  // not social workers
    const bool in_post = (!worker.started || *worker.started <= y.census) && (!worker.left || *worker.left > y.census);
    if (in_post) ++(worker.agency ? t.agency : t.employed);
    if (!worker.agency && worker.left && *worker.left > year_before && *worker.left <= y.census) ++t.leavers;
  }
  t.social_workers = t.employed + t.agency;
}

// What an indicator needs from the data, and how its value is made from the tallies.
enum class Needs { kCin, kLookedAfter, kAllocations, kCareLeavers, kWorkforce, kCaseload, kPostcodes, kEstablishment };

// How each indicator is counted. Its unit in the catalogue says what is made of the counts: a
// count is the numerator; a rate divides it by the population; a percentage or an average by
// the denominator, which only they have (IndicatorEngine::Create checks the two agree).
struct Computation {
  std::string_view id;
  Needs needs;
  int64_t YearTally::*numerator;
  int64_t YearTally::*denominator;
};

using T = YearTally;
constexpr Computation kComputations[] = {
    {"referrals", Needs::kCin, &T::referrals, nullptr},
    {"referrals-rate", Needs::kCin, &T::referrals, nullptr},
    {"re-referrals-12-months", Needs::kCin, &T::rereferrals, &T::referrals},
    {"cin-31-march", Needs::kCin, &T::cin_at_31, nullptr},
    {"cin-31-march-rate", Needs::kCin, &T::cin_at_31, nullptr},
    {"assessments-completed", Needs::kCin, &T::assessments, nullptr},
    {"assessments-within-45-days", Needs::kCin, &T::assessments_45, &T::assessments},
    {"section-47-rate", Needs::kCin, &T::section_47s, nullptr},
    {"icpc-rate", Needs::kCin, &T::icpcs, nullptr},
    {"icpc-within-15-days", Needs::kCin, &T::icpcs_within_15, &T::icpcs_after_s47},
    {"icpc-per-section-47", Needs::kCin, &T::icpcs, &T::section_47s},
    {"cp-31-march", Needs::kCin, &T::cp_at_31, nullptr},
    {"cp-31-march-rate", Needs::kCin, &T::cp_at_31, nullptr},
    {"cp-starts-rate", Needs::kCin, &T::cp_starts, nullptr},
    {"cp-second-or-subsequent", Needs::kCin, &T::cp_second, &T::cp_starts},
    {"cp-second-within-2-years", Needs::kCin, &T::cp_second_within_2y, &T::cp_starts},
    {"cp-2-years-or-more", Needs::kCin, &T::cp_at_31_two_years, &T::cp_at_31},
    {"cla-31-march", Needs::kLookedAfter, &T::cla_at_31, nullptr},
    {"cla-31-march-rate", Needs::kLookedAfter, &T::cla_at_31, nullptr},
    {"cla-starts-rate", Needs::kLookedAfter, &T::cla_starts, nullptr},
    {"cla-3-placements", Needs::kLookedAfter, &T::cla_three_placements, &T::cla_at_31},
    {"cla-long-term-stability", Needs::kLookedAfter, &T::stability_same_placement,
     &T::stability_cohort},
    {"cla-3-social-workers", Needs::kAllocations, &T::cla_three_workers, &T::cla_at_31},
    {"cla-placed-over-20-miles", Needs::kPostcodes, &T::cla_placed_over_20_miles, &T::cla_distance_known},
    {"cla-reviews-on-time", Needs::kLookedAfter, &T::reviews_on_time, &T::reviews_due},
    {"cla-review-participation", Needs::kLookedAfter, &T::reviews_participated, &T::reviews},
    {"care-leavers-19-21-eet", Needs::kCareLeavers, &T::care_leavers_eet, &T::care_leavers},
    {"care-leavers-19-21-suitable-accommodation", Needs::kCareLeavers, &T::care_leavers_suitable,
     &T::care_leavers},
    {"sw-turnover", Needs::kWorkforce, &T::leavers, &T::employed},
    {"sw-agency-rate", Needs::kWorkforce, &T::agency, &T::social_workers},
    {"sw-vacancy-rate", Needs::kEstablishment, nullptr, nullptr},
    {"sw-average-caseload", Needs::kCaseload, &T::allocated_children, &T::case_holders},
};

const Computation* FindComputation(std::string_view id) {
  for (const Computation& computation : kComputations) {
    if (computation.id == id) return &computation;
  }
  return nullptr;
}

// Why the data cannot support the indicator this year, or "" when it can.
std::string Unsupported(const Computation& c, const YearTally& t, bool has_workers, bool has_postcodes,
                        const Year& y) {
  const std::string& period = y.period;
  switch (c.needs) {
    case Needs::kCin:
      if (!t.cin_data) {
        return "no children in need records for " + period + ": import that year's CIN census, or record referrals";
      }
      return "";
    case Needs::kLookedAfter:
      if (!t.cla_data) return "no looked-after episodes for " + period + ": import that year's SSDA903";
      return "";
    case Needs::kAllocations:
      if (!t.cla_data) return "no looked-after episodes for " + period + ": import that year's SSDA903";
      if (!t.allocation_data) {
        return "no social worker allocations for " + period + " (the SSDA903 carries them from 2023/24)";
      }
      return "";
    case Needs::kCareLeavers:
      if (!t.care_leaver_data) return "no care leaver outcomes (OC3) for " + period;
      return "";
    case Needs::kWorkforce:
      if (!has_workers) return "no workforce recorded: returns imports carry no staff records";
      if (t.social_workers == 0) return "no social workers in post on " + y.census.ToIso();
      return "";
    case Needs::kCaseload:
      if (!has_workers) return "no workforce recorded: returns imports carry no staff records";
      if (t.case_holders == 0) return "no children allocated to a social worker on " + y.census.ToIso();
      return "";
    case Needs::kPostcodes:
      if (!has_postcodes) {
        return "no postcode directory to measure the distance between home and placement postcodes: import the ONS "
               "Postcode Directory with `cairn postcodes import`";
      }
      if (!t.cla_data) return "no looked-after episodes for " + period + ": import that year's SSDA903";
      if (t.cla_at_31 > 0 && t.cla_distance_known == 0) {
        return "none of the children looked after on " + y.end.ToIso() + " (" + std::to_string(t.cla_at_31) +
               ") has both a home and a placement postcode with a grid reference in the postcode directory";
      }
      return "";
    case Needs::kEstablishment: return "needs the council's establishment (funded posts), which Cairn does not record";
  }
  return "";
}

std::vector<IndicatorValue> ComputeWindows(const Catalogue& catalogue, const timescales::Evaluator& evaluator,
                                           const CouncilData& council, const std::vector<Year>& dates, int threads);

}  // namespace

std::set<std::string, std::less<>> PlacementPostcodes(std::span<const model::Chronology> chronologies) {
  std::set<std::string, std::less<>> postcodes;
  for (const Chronology& chronology : chronologies) {
    for (const Event& event : chronology.events()) {
      if (event.kind != EventKind::kLookedAfterEpisode) continue;
      for (std::string_view field : {"HOME_POST", "PL_POST"}) {
        std::string postcode = geography::NormalisePostcode(event.Get(field));
        if (!postcode.empty()) postcodes.insert(std::move(postcode));
      }
    }
  }
  return postcodes;
}

std::vector<std::string_view> IndicatorEngine::ComputableIds() {
  std::vector<std::string_view> ids;
  for (const Computation& computation : kComputations) ids.push_back(computation.id);
  return ids;
}

Result<IndicatorEngine> IndicatorEngine::Create(Catalogue catalogue, WorkingDayCalendar calendar,
                                                timescales::RuleSet rules) {
  for (const IndicatorSpec& spec : catalogue.indicators()) {
    const Computation* computation = FindComputation(spec.id);
    const std::string where = "indicator '" + spec.id + "' (line " + std::to_string(spec.line) + ")";
    if (computation == nullptr) {
      return Status::InvalidArgument(where + " has no computation in this Cairn; its id must be one Cairn knows");
    }
    const bool divides = spec.unit == Unit::kPercent || spec.unit == Unit::kAverage;
    if (computation->numerator != nullptr && divides != (computation->denominator != nullptr)) {
      return Status::InvalidArgument(where + " is counted " +
                                     (computation->denominator != nullptr ? "as a share of something"
                                                                          : "as a count") +
                                     ", so its unit cannot be '" + std::string(UnitName(spec.unit)) + "'");
    }
  }
  CAIRN_ASSIGN_OR_RETURN(timescales::Evaluator evaluator,
                         timescales::Evaluator::Create(std::move(rules), std::move(calendar)));
  return IndicatorEngine(std::move(catalogue), std::move(evaluator));
}

std::vector<IndicatorValue> IndicatorEngine::Compute(const CouncilData& council, std::span<const int> years,
                                                     int threads) const {
  std::vector<Year> dates;
  for (int year : years) dates.push_back(MakeYear(year));
  return ComputeWindows(catalogue_, evaluator_, council, dates, threads);
}

std::vector<IndicatorValue> IndicatorEngine::ComputeTwelveMonthsTo(const CouncilData& council,
                                                                   std::span<const Date> ends, int threads) const {
  std::vector<Year> dates;
  for (Date end : ends) dates.push_back(MakeWindow(end));
  return ComputeWindows(catalogue_, evaluator_, council, dates, threads);
}

namespace {

std::vector<IndicatorValue> ComputeWindows(const Catalogue& catalogue, const timescales::Evaluator& evaluator,
                                           const CouncilData& council, const std::vector<Year>& dates, int threads) {
  const timescales::RuleSet& rules = evaluator.rules();
  std::vector<YearTally> tallies(dates.size());
  std::vector<std::unordered_set<std::string_view>> case_holders(dates.size());

  ChildEvents events;
  const std::vector<std::string>& short_breaks = rules.settings().short_break_legal_statuses;
  for (const Chronology& chronology : council.chronologies) {
    events.Fill(chronology, short_breaks);
    for (size_t i = 0; i < dates.size(); ++i) {
      TallyCin(chronology, events, dates[i], evaluator.calendar(), tallies[i]);
      TallyLookedAfter(chronology, events, dates[i], council.postcodes, tallies[i]);
      TallyRest(chronology, events, dates[i], tallies[i], case_holders[i]);
    }
  }
  for (size_t i = 0; i < dates.size(); ++i) {
    CountWorkforce(council.workers, dates[i], tallies[i]);
    tallies[i].case_holders = static_cast<int64_t>(case_holders[i].size());
  }

  // Review timeliness is the timescales evaluator's answer, as at the last year's end: whether a
  // review due in an earlier year was on time no longer changes by then. Each evaluating thread
  // keeps its own counts (due, on time) per year, added up afterwards.
  const bool any_looked_after = std::any_of(tallies.begin(), tallies.end(), [](const T& t) { return t.cla_data; });
  if (!dates.empty() && any_looked_after) {
    std::vector<bool> is_review(rules.rules().size());
    for (size_t r = 0; r < rules.rules().size(); ++r) is_review[r] = rules.rules()[r].id.starts_with("cla.review-");
    const Date as_at =
        std::max_element(dates.begin(), dates.end(), [](const Year& a, const Year& b) { return a.end < b.end; })->end;
    const std::vector<timescales::CompactChronology> compact =
        timescales::CompactAll(evaluator, council.chronologies, threads);
    using DueAndOnTime = std::pair<int64_t, int64_t>;
    std::vector<std::vector<DueAndOnTime>> by_worker(static_cast<size_t>(threads),
                                                     std::vector<DueAndOnTime>(dates.size()));
    timescales::EvaluateCouncil(
        evaluator, compact, as_at, threads, [&](int worker, size_t, const timescales::ChildEvaluation& result) {
          for (const timescales::Obligation& obligation : result.obligations) {
            if (!is_review[obligation.rule]) continue;
            const bool counted = obligation.status == timescales::ObligationStatus::kMet ||
                                 obligation.status == timescales::ObligationStatus::kMetLate ||
                                 obligation.status == timescales::ObligationStatus::kOverdue;
            if (!counted) continue;
            for (size_t i = 0; i < dates.size(); ++i) {
              if (!In(obligation.due, dates[i])) continue;
              DueAndOnTime& counts = by_worker[static_cast<size_t>(worker)][i];
              ++counts.first;
              if (obligation.status == timescales::ObligationStatus::kMet) ++counts.second;
            }
          }
        });
    for (const auto& worker_counts : by_worker) {
      for (size_t i = 0; i < dates.size(); ++i) {
        tallies[i].reviews_due += worker_counts[i].first;
        tallies[i].reviews_on_time += worker_counts[i].second;
      }
    }
  }

  std::vector<IndicatorValue> values;
  values.reserve(dates.size() * catalogue.indicators().size());
  for (size_t i = 0; i < dates.size(); ++i) {
    const YearTally& t = tallies[i];
    const std::optional<double> population = council.population ? council.population(dates[i].year) : std::nullopt;
    for (const IndicatorSpec& spec : catalogue.indicators()) {
      const Computation& c = *FindComputation(spec.id);
      IndicatorValue value{&spec, dates[i].year, std::nullopt, std::nullopt, std::nullopt, ""};
      value.unsupported = Unsupported(c, t, !council.workers.empty(), council.postcodes != nullptr, dates[i]);
      if (!value.unsupported.empty()) {
        values.push_back(std::move(value));
        continue;
      }
      const double numerator = static_cast<double>(t.*c.numerator);
      value.numerator = numerator;
      switch (spec.unit) {
        case Unit::kCount: value.value = numerator; break;
        case Unit::kRatePer10000:
          if (!population || *population <= 0) {
            value.unsupported = "no 0-17 population for the rate: import the DfE files (cairn benchmarks import) or "
                                "set one (cairn settings set population N)";
            break;
          }
          value.denominator = *population;
          value.value = numerator / *population * 10000.0;
          break;
        case Unit::kPercent:
        case Unit::kAverage: {
          const double denominator = static_cast<double>(t.*c.denominator);
          value.denominator = denominator;
          if (denominator <= 0) {
            value.unsupported = "nothing to measure: the denominator is 0";
            break;
          }
          value.value = numerator / denominator * (spec.unit == Unit::kPercent ? 100.0 : 1.0);
          break;
        }
      }
      values.push_back(std::move(value));
    }
  }
  return values;
}

}  // namespace

}  // namespace cairn::indicators
