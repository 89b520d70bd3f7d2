// Children's journeys: what follows a referral, generated whole when the referral arrives.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string_view>

#include "simulate/council.h"

namespace cairn::simulate::internal {
namespace {

// Placement types that need no Ofsted number (the codes DfE rule 218 exempts).
bool PlacementExemptFromUrn(std::string_view place) {
  static constexpr std::string_view kExempt[] = {"P1", "P3", "R1", "R2", "R5", "T0", "T1",
                                                 "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"};
  return std::find(std::begin(kExempt), std::end(kExempt), place) != std::end(kExempt);
}

// A real postcode from `list` picked by `pick`, other than `avoid` (a child's home, when the
// placement is away from it).
const std::string& PickPostcode(const std::vector<std::string>& list, uint64_t pick, std::string_view avoid) {
  std::size_t at = pick % list.size();
  if (list[at] == avoid && list.size() > 1) at = (at + 1) % list.size();
  return list[at];
}

// Where the same carers moved: one of the next few postcodes after `before` in its sorted list,
// the same sector mostly (or the one before, at the list's end).
std::string NearbyPostcode(const geography::RegionPostcodes& pool, const std::string& before, uint64_t pick) {
  for (const std::vector<std::string>* list : {&pool.council, &pool.rest_of_region}) {
    const auto found = std::lower_bound(list->begin(), list->end(), before);
    if (found == list->end() || *found != before) continue;
    const std::size_t at = static_cast<std::size_t>(found - list->begin());
    const std::size_t step = 1 + pick % 20;
    if (at + step < list->size()) return (*list)[at + step];
    return at > 0 ? (*list)[at - 1] : before;
  }
  return before;  // not a postcode of the pool (made up, or a list of one)
}

int AgeBand(int age) {
  if (age < 1) return 0;
  if (age < 5) return 1;
  if (age < 10) return 2;
  if (age < 16) return 3;
  return 4;
}

enum class RepeatKind { kNfa, kAssessment, kPlan, kCare };

// Ends everything in an episode (and its period of care) by `limit`: the 18th birthday or death.
void CapEpisode(CinEpisodeRec& episode, Date limit, std::string_view reason) {
  if (episode.closure < limit) return;
  episode.closure = limit;
  episode.closure_reason = std::string(reason);
  if (episode.assessment && episode.assessment->start >= limit) episode.assessment.reset();
  if (episode.assessment && episode.assessment->end > limit) episode.assessment->end = limit;
  if (episode.s47 && episode.s47->strategy >= limit) {
    episode.s47.reset();
    episode.cp.reset();
  }
  if (episode.s47 && episode.s47->icpc && *episode.s47->icpc >= limit) {
    episode.s47->icpc.reset();
    episode.s47->plan = false;
    episode.cp.reset();
  }
  if (episode.cp) {
    CpPlanRec& plan = *episode.cp;
    if (plan.end > limit) plan.end = limit;
    std::erase_if(plan.reviews, [&](Date review) { return review > plan.end; });
  }
  std::erase_if(episode.cin_plans, [&](const CinPlanRec& plan) { return plan.start >= limit; });
  for (CinPlanRec& plan : episode.cin_plans) plan.end = std::min(plan.end, limit);
}

void CapCare(CarePeriodRec& period, Date limit, std::string_view rec) {
  if (period.end <= limit) return;
  period.end = limit;
  period.rec = std::string(rec);
  std::erase_if(period.legal, [&](const auto& entry) { return entry.first > limit && entry.first != period.start; });
  std::erase_if(period.placements, [&](const PlacementRec& placement) { return placement.start >= limit; });
  if (period.placements.empty()) return;
  period.placements.back().end = limit;
  period.placements.back().end_reason.clear();
  auto after = [&](std::optional<Date>& date) {
    if (date && *date > limit) date.reset();
  };
  after(period.match);
  after(period.placed);
  after(period.reversal);
  if (!period.reversal) period.reversal_reason.clear();
  period.adopted = false;
}

}  // namespace

void Council::ScheduleServices(uint32_t slot, std::vector<std::pair<Date, Service>> changes) {
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Several changes on one day: the last one stands.
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i + 1 < changes.size() && changes[i + 1].first == changes[i].first) continue;
    if (changes[i].first > spec_.as_at) break;
    Push(changes[i].first, kServiceChange, slot, changes[i].second);
  }
}

void Council::OnReferral(uint32_t slot, Date referral, bool uasc_arrival) {
  ChildRec& child = children_[slot];
  Rng& rng = child.rng;
  const Profile& p = profile_;
  const WorkingDayCalendar& cal = calendar_;
  const Date eighteen = child.birth.AddYears(18);
  if (referral >= eighteen || referral < child.birth) return;
  if (!child.episodes.empty() && referral <= child.episodes.back().closure) return;
  const int age = referral.AgeInYears(child.birth);

  CinEpisodeRec episode;
  episode.referral = referral;
  episode.source =
      uasc_arrival ? "7" : (age < 5 ? p.referrals.source_under_5 : p.referrals.source_5_plus).Sample(rng.Uniform());

  std::string path;
  if (uasc_arrival) {
    path = "care";
  } else if (child.previous_cp > 0) {
    path = p.paths.after_cp_plan.Sample(Draw(kPathAfterCp));
  } else {
    static constexpr Stream kPathStreams[] = {kPathUnder1, kPath1To4, kPath5To9, kPath10To15, kPath16To17};
    const Weights* tables[] = {&p.paths.under_1, &p.paths.age_1_to_4, &p.paths.age_5_to_9, &p.paths.age_10_to_15,
                               &p.paths.age_16_to_17};
    const int band = AgeBand(age);
    path = tables[band]->Sample(Draw(kPathStreams[band]));
  }

  std::vector<std::pair<Date, Service>> services;
  std::optional<Date> care_entry;
  RepeatKind repeat_kind = RepeatKind::kAssessment;
  const auto closure_delay = [&] { return Days(p.child_in_need.closure_delay_days.Sample(rng.Uniform())); };

  if (path == "nfa") {
    episode.nfa = true;
    episode.need = "N9";
    episode.closure = referral.AddDays(Days(p.referrals.nfa_closure_days.Sample(rng.Uniform())));
    episode.closure_reason = "RC8";
    repeat_kind = RepeatKind::kNfa;
  } else {
    const bool disabled = path == "disabled";
    const bool protection = path.starts_with("s47") || path.starts_with("icpc") || path == "cp" ||
                            (path == "care" && !uasc_arrival && rng.Chance(0.6));
    episode.need = disabled ? "N2"
                   : uasc_arrival
                       ? "N8"
                       : (protection || path == "care" ? p.needs.protection : p.needs.support).Sample(rng.Uniform());

    // The assessment: its length is counted from the referral (the 45 working day clock).
    AssessmentRec assessment;
    const int total_wd = std::max(1, Days(p.assessment.referral_to_authorisation_wd.Sample(Draw(kAssessmentDuration))));
    const int delay_wd = std::min(Days(p.assessment.start_delay_wd.Sample(rng.Uniform())), total_wd - 1);
    assessment.start = cal.Add(referral, delay_wd);
    assessment.end = cal.Add(referral, total_wd);
    const bool may_find_none = path == "close-nfa" || path == "s47-close";
    const double no_factors = p.assessment.no_factors_percent / 100;
    const double u = !uasc_arrival && may_find_none ? rng.Uniform() : 1.0;
    if (uasc_arrival) {
      assessment.factors = "9A";
    } else if (u < no_factors) {
      // "No factors identified" where the case closes after the assessment. An enquiry under
      // section 47 that closes the case found one factor after all: a case closed after an
      // enquiry is not RC8 (DfE rule 2990), which query 8873Q expects with factor 21. The factor
      // comes from the same draw (u / no_factors is uniform), so no later draw moves.
      assessment.factors = path == "close-nfa" ? "21" : p.assessment.factors.Sample(u / no_factors);
    } else {
      const int wanted = 1 + (rng.Chance(0.55) ? 1 : 0) + (rng.Chance(0.25) ? 1 : 0);
      std::vector<std::string> chosen;
      for (int attempt = 0; attempt < 8 && static_cast<int>(chosen.size()) < wanted; ++attempt) {
        const std::string& factor = p.assessment.factors.Sample(rng.Uniform());
        if (std::find(chosen.begin(), chosen.end(), factor) == chosen.end()) chosen.push_back(factor);
      }
      for (const std::string& factor : chosen) assessment.factors += (assessment.factors.empty() ? "" : ",") + factor;
    }
    services.emplace_back(assessment.start, disabled ? Service::kDisabledChildren : Service::kAssessment);
    Date moves_on = assessment.end;

    if (protection) {
      Section47Rec s47;
      s47.strategy =
          std::min(cal.Add(referral, Days(p.protection.strategy_delay_wd.Sample(rng.Uniform()))), assessment.end);
      s47.target = cal.Add(s47.strategy, 15);
      if (path.starts_with("icpc") || path == "cp") {
        const bool on_time = Draw(kIcpcTimely) < p.protection.icpc_on_time_percent / 100;
        s47.icpc = on_time
                       ? cal.Add(s47.strategy, rng.Between(7, 15))
                       : cal.Add(s47.target, std::max(1, Days(p.protection.icpc_late_extra_wd.Sample(rng.Uniform()))));
        s47.plan = path == "cp";
      }
      if (s47.icpc) moves_on = std::max(moves_on, *s47.icpc);
      episode.s47 = s47;
    }
    episode.assessment = assessment;

    if (path == "close-nfa") {
      episode.closure = moves_on.AddDays(closure_delay());
      episode.closure_reason = "RC8";
    } else if (path == "s47-close" || path == "icpc-close") {
      // Closed after a section 47 enquiry: not RC8 or RC9, which mean closed after the
      // assessment alone (DfE rule 2990), but support no longer needed.
      episode.closure = moves_on.AddDays(closure_delay());
      episode.closure_reason = "RC7";
    } else if (path == "close-early-help") {
      episode.closure = moves_on.AddDays(closure_delay());
      episode.closure_reason = "RC9";
    } else if (path == "cin" || path == "s47-cin" || path == "icpc-cin" || disabled) {
      CinPlanRec plan;
      plan.start = moves_on.AddDays(rng.Between(0, 10));
      const int days = Days(disabled ? p.child_in_need.disabled_days.Sample(Draw(kDisabledDuration))
                                     : p.child_in_need.plan_days.Sample(Draw(kCinDuration)));
      plan.end = plan.start.AddDays(std::max(1, days));
      episode.cin_plans.push_back(plan);
      episode.closure = plan.end.AddDays(closure_delay());
      episode.closure_reason = "RC7";
      if (!disabled) services.emplace_back(plan.start, Service::kCinCp);
      repeat_kind = RepeatKind::kPlan;
    } else if (path == "cp") {
      CpPlanRec plan;
      plan.start = *episode.s47->icpc;
      // How the plan ends is decided first: a child who comes into care leaves the plan early;
      // other plans end at the review conference the Quota gives them.
      const std::string& ending = p.protection.plan_end.Sample(Draw(kPlanEnd));
      std::optional<Date> entry;
      size_t reviews = 1000;
      if (ending == "care") {
        entry = plan.start.AddDays(rng.Between(14, 300));
      } else {
        // Only plans that can end before the 18th birthday (a plan's k-th review is about
        // 3 + 6(k-1) months in): long plans go to younger children.
        const int days_left = eighteen.DaysSince(plan.start);
        size_t fits = 1;
        while (fits < plan_review_shares_.size() && 91.3 + 182.6 * static_cast<double>(fits) < days_left) ++fits;
        reviews = plan_reviews_.Next(plan_review_shares_, fits) + 1;
      }
      const Date last_possible = entry ? entry->AddDays(rng.Between(7, 60)) : eighteen;
      // Review conferences: within 3 months, then every 6 months (WT 2023 ch.3).
      Date due = plan.start.AddMonths(3);
      while (true) {
        Date held;
        if (rng.Chance(p.protection.review_on_time_percent / 100)) {
          held = cal.OnOrBefore(due.AddDays(-rng.Between(0, 14)));
        } else {
          // Late days count from the due date as it falls. (This once read cal.Add(due, 0), which
          // is `due` itself; counting from the next working day instead would move late reviews
          // and the calibrated figures built on them, so the simulation keeps what it did.)
          held = cal.OnOrAfter(due.AddDays(Days(p.protection.review_late_days.Sample(rng.Uniform()))));
        }
        if (held <= (plan.reviews.empty() ? plan.start : plan.reviews.back())) held = cal.Add(due, 1);
        if (held > last_possible) break;
        plan.reviews.push_back(held);
        if (plan.reviews.size() >= reviews || held >= eighteen) break;
        due = held.AddMonths(6);
      }
      plan.end = entry ? last_possible : plan.reviews.empty() ? eighteen : plan.reviews.back();
      plan.initial_category = p.protection.category.Sample(rng.Uniform());
      plan.latest_category = rng.Chance(p.protection.category_change_percent / 100)
                                 ? p.protection.category.Sample(rng.Uniform())
                                 : plan.initial_category;
      plan.previous = child.previous_cp;
      ++child.previous_cp;
      services.emplace_back(plan.start, Service::kCinCp);
      if (entry) {
        care_entry = entry;
        episode.closure = plan.end;
      } else if (ending == "cin") {
        CinPlanRec step_down;
        step_down.start = plan.end.AddDays(1);
        step_down.end =
            step_down.start.AddDays(std::max(1, Days(p.protection.step_down_cin_days.Sample(Draw(kStepDown)))));
        episode.cin_plans.push_back(step_down);
        episode.closure = step_down.end.AddDays(closure_delay());
      } else {
        episode.closure = plan.end.AddDays(closure_delay());
      }
      episode.closure_reason = "RC7";
      episode.cp = plan;
      repeat_kind = RepeatKind::kPlan;
    } else {  // care
      const bool emergency = uasc_arrival || rng.Chance(0.45);
      care_entry = emergency ? referral.AddDays(rng.Between(0, 2)) : moves_on.AddDays(rng.Between(0, 30));
      episode.closure = *care_entry;
      episode.closure_reason = "RC7";
    }
  }

  bool care_added = false;
  bool became_leaver = false;
  if (care_entry && *care_entry < eighteen) {
    repeat_kind = RepeatKind::kCare;
    care_added = true;
    CarePeriodRec period;
    period.cin_code = episode.need >= "N1" && episode.need <= "N8" ? episode.need : "N1";
    GenerateCare(child, *care_entry, uasc_arrival, period);
    // A child who comes into care before the assessment starts has a worker from that day (the
    // SSDA903 wants a social worker episode open for every child in care; DfE rule SW11bSTG2).
    if (!services.empty() && *care_entry < services.front().first) {
      services.emplace_back(*care_entry, services.front().second);
    }
    const Date team_change =
        uasc_arrival ? period.start : std::min(cal.Add(period.start, rng.Between(5, 25)), period.end);
    services.emplace_back(team_change, Service::kChildrenInCare);
    if (period.route == "home" && rng.Chance(0.7)) {
      CinPlanRec after;
      after.start = period.end.AddDays(1);
      // A protection plan that ran on into the care period ends before the CIN plan begins (a
      // child has one plan at a time; DfE rule 4016).
      if (episode.cp && after.start <= episode.cp->end) after.start = episode.cp->end.AddDays(1);
      after.end = after.start.AddDays(std::max(1, Days(p.child_in_need.plan_days.Sample(rng.Uniform()))));
      episode.cin_plans.push_back(after);
      episode.closure = after.end.AddDays(closure_delay());
      episode.closure_reason = "RC7";
      services.emplace_back(after.start, Service::kCinCp);
    } else {
      episode.closure =
          period.route == "eighteen" || period.route == "adoption" || period.route == "sgo" || period.route == "cao"
              ? period.end
              : period.end.AddDays(rng.Between(0, 30));
      episode.closure_reason = period.rec == "E11" || period.rec == "E12"   ? "RC1"
                               : period.rec == "E45" || period.rec == "E46" ? "RC4"
                               : period.rec == "E41"                        ? "RC3"
                               : period.rec == "E3"                         ? "RC5"
                               : period.rec == "E2"                         ? "RC2"
                               : period.rec == "E47"                        ? "RC6"
                                                                            : "RC7";
    }
    // Care leavers: looked after for 13 weeks or more since 14 and still looked after at 18
    // (CPPCR reg 40, Care Leavers (England) Regs 2010) get a personal adviser to 21.
    if (period.end == eighteen) {
      const Date fourteen = child.birth.AddYears(14);
      if (period.end.DaysSince(std::max(period.start, fourteen)) >= 91) {
        child.leaver_from = eighteen;
        child.leaver_to = child.birth.AddYears(21);
        became_leaver = true;
      }
    }
    child.care.push_back(std::move(period));
  }

  // The episode closes when the last of its parts has ended.
  if (episode.assessment) episode.closure = std::max(episode.closure, episode.assessment->end);
  if (episode.cp) episode.closure = std::max(episode.closure, episode.cp->end);
  for (const CinPlanRec& plan : episode.cin_plans) episode.closure = std::max(episode.closure, plan.end);
  if (care_added) episode.closure = std::max(episode.closure, child.care.back().end);

  // Nothing runs past the 18th birthday; disabled young people may pass to adult social care.
  CapEpisode(episode, eighteen, episode.need == "N2" && rng.Chance(0.5) ? "RC6" : "RC7");
  if (episode.closure < episode.referral) episode.closure = episode.referral;

  // A few children die; everything of theirs stops that day.
  if (rng.Chance(p.population.death_per_10k_episodes / 10000) && episode.closure > episode.referral) {
    const Date death = episode.referral.AddDays(rng.Between(1, episode.closure.DaysSince(episode.referral)));
    child.death = death;
    CapEpisode(episode, death, "RC2");
    if (care_added) {
      if (child.care.back().start >= death) {
        child.care.pop_back();
      } else {
        CapCare(child.care.back(), death, "E2");
      }
    }
    if (child.leaver_from && *child.leaver_from >= death) {
      child.leaver_from.reset();
      child.leaver_to.reset();
      became_leaver = false;
    } else if (child.leaver_to && *child.leaver_to > death) {
      child.leaver_to = death;
    }
    std::erase_if(services, [&](const auto& change) { return change.first >= death; });
  }

  // Nothing is allocated after the episode closes (a conference that would have fallen after
  // the 18th birthday never happened).
  std::erase_if(services, [&](const auto& change) { return change.first >= episode.closure; });
  services.emplace_back(episode.closure, Service::kNone);
  if (became_leaver) {
    services.emplace_back(*child.leaver_from, Service::kCareLeavers);
    services.emplace_back(*child.leaver_to, Service::kNone);
  }
  ScheduleServices(slot, std::move(services));

  // Another referral later?
  const Date closure = episode.closure;
  child.episodes.push_back(std::move(episode));
  if (child.death || closure >= eighteen || closure >= spec_.as_at) return;
  double chance = 0;
  switch (repeat_kind) {
    case RepeatKind::kNfa:
      chance = p.referrals.repeat_after_nfa_percent;
      break;
    case RepeatKind::kAssessment:
      chance = p.referrals.repeat_after_assessment_percent;
      break;
    case RepeatKind::kPlan:
      chance = p.referrals.repeat_after_plan_percent;
      break;
    case RepeatKind::kCare:
      chance = p.referrals.repeat_after_care_percent;
      break;
  }
  if (Draw(kRepeat) >= chance / 100) return;
  // An adopted child who comes back to the council's attention does so under the new identity
  // the adoption gave them, never under this one (DfE rule 199); the draw above is kept so no
  // other stream moves.
  if (!child.care.empty() && child.care.back().adopted) return;
  const int gap = std::max(1, Days(p.referrals.repeat_gap_days.Sample(Draw(kRepeatGap))));
  Date next = AdjustReferralDate(closure.AddDays(gap), rng);
  if (next <= closure) next = closure.AddDays(1);
  // After a special guardianship or child arrangements order ended the child's care, they come
  // back no sooner than the next collection year: the return holds one permanence row a child,
  // which DfE rule 632 checks against the child's first episode of the year, so a child back in
  // care in the year the order was made could not be reported without an error.
  const std::string_view ended_by = child.care.empty() ? std::string_view() : child.care.back().rec;
  if (ended_by == "E41" || ended_by == "E45" || ended_by == "E46") {
    const Date year_after = model::CollectionYear::Containing(child.care.back().end).end().AddDays(1);
    if (next < year_after) next = year_after;
  }
  if (next < eighteen && next <= spec_.as_at) Push(next, kReferral, child.index);
}

void Council::GenerateCare(ChildRec& child, Date entry, bool uasc, CarePeriodRec& period) {
  Rng& rng = child.rng;
  const Profile& p = profile_;
  const Date eighteen = child.birth.AddYears(18);
  const int age = entry.AgeInYears(child.birth);
  const int band = AgeBand(age);
  period.start = entry;

  // Permanence before this period: the last period that ended in an order.
  for (const CarePeriodRec& earlier : child.care) {
    if (earlier.rec == "E11" || earlier.rec == "E12")
      period.prev_perm = "P1";
    else if (earlier.rec == "E45" || earlier.rec == "E46")
      period.prev_perm = "P2";
    else if (earlier.rec == "E41")
      period.prev_perm = "P3";
    else
      continue;
    period.prev_perm_date = earlier.end;
  }

  static constexpr Stream kRouteStreams[] = {kRouteUnder1, kRoute1To4, kRoute5To9, kRoute10To15, kRoute16To17};
  const Weights* routes[] = {&p.care.routes_under_1, &p.care.routes_1_to_4, &p.care.routes_5_to_9,
                             &p.care.routes_10_to_15, &p.care.routes_16_to_17};
  std::string route = uasc ? "eighteen" : routes[band]->Sample(Draw(kRouteStreams[band]));
  bool remand = false;
  if (!uasc && age >= 10 && rng.Chance(p.care.remand_percent_10_plus / 100)) {
    route = "other";
    remand = true;
  }
  if (route == "adoption" && age >= 8) route = age < 12 ? "sgo" : "eighteen";
  if ((route == "sgo" || route == "cao") && age >= 16) route = "home";

  // Legal status at entry, and the court timetable.
  std::string status;
  if (uasc)
    status = "V2";
  else if (remand)
    status = "J1";
  else if (route == "eighteen" && age >= 10)
    status = rng.Chance(p.care.care_order_for_teens_percent / 100) ? "C1" : "V2";
  else
    status = p.care.entry_legal_status.Sample(rng.Uniform());
  period.legal.emplace_back(entry, status);
  Date current_from = entry;
  if (status == "L1" || status == "L2" || status == "L3") {
    const bool to_court = route == "adoption" || route == "sgo" || route == "cao" || rng.Chance(0.5);
    // Police protection lasts at most 72 hours (Children Act 1989 s46(6); DfE rule 361), an
    // emergency protection order 8 days (s45(1)), a child assessment order 7 (s43(5)).
    current_from = entry.AddDays(rng.Between(1, status == "L1" ? 3 : status == "L2" ? 8 : 7));
    status = to_court ? "C1" : "V2";
    period.legal.emplace_back(current_from, status);
  }
  if (status == "V2" && !uasc && (route == "adoption" || route == "sgo" || route == "cao")) {
    current_from = current_from.AddDays(rng.Between(30, 150));
    status = "C1";
    period.legal.emplace_back(current_from, status);
  }
  std::optional<Date> hearing;
  if (status == "C1" || status == "C2") {
    hearing = current_from.AddDays(std::max(30, Days(p.care.proceedings_days.Sample(Draw(kProceedings)))));
  }

  // How and when the period ends.
  Date end;
  if (route == "home") {
    end = entry.AddDays(std::max(1, Days(p.care.home_days.Sample(Draw(kHomeDuration)))));
  } else if (route == "sgo") {
    end = std::max(entry.AddDays(Days(p.care.sgo_days.Sample(Draw(kSgoDuration)))), current_from.AddDays(30));
  } else if (route == "cao") {
    end = std::max(entry.AddDays(Days(p.care.cao_days.Sample(Draw(kCaoDuration)))), current_from.AddDays(30));
  } else if (route == "other") {
    end = entry.AddDays(std::max(1, Days(p.care.other_days.Sample(Draw(kOtherDuration)))));
  } else if (route == "adoption") {
    const Date decision = std::max(entry.AddDays(std::max(14, Days(p.adoption.decision_days.Sample(rng.Uniform())))),
                                current_from.AddDays(7));
    const Date order_made = std::max(hearing.value_or(decision), decision.AddDays(14));
    period.adoption_decision = decision;
    const Date match = order_made.AddDays(std::max(7, Days(p.adoption.match_days.Sample(rng.Uniform()))));
    Date placed = match.AddDays(std::max(1, Days(p.adoption.placed_days.Sample(rng.Uniform()))));
    Date adopted = placed.AddDays(std::max(70, Days(p.adoption.order_days.Sample(rng.Uniform()))));
    // Not on 31 March: a child adopted that day would count as looked after all year and
    // adopted in it, which the return cannot hold (DfE rule 187).
    if (adopted.month() == 3 && adopted.day() == 31) adopted = adopted.AddDays(-1);
    period.legal.emplace_back(order_made, "E1");
    if (rng.Chance(p.adoption.reversal_percent / 100)) {
      // The plan changes: long-term fostering instead, and the placement order is revoked.
      const Date reversal =
          decision.AddDays(std::max(7, static_cast<int>(match.DaysSince(decision) * rng.Uniform(0.3, 1.0))));
      period.reversal = reversal;
      static constexpr std::string_view kReasons[] = {"RD1", "RD2", "RD3", "RD4"};
      period.reversal_reason = std::string(kReasons[rng.Below(4)]);
      if (reversal <= order_made) {
        period.legal.pop_back();  // the placement order was never made
        if (hearing) period.legal.emplace_back(*hearing, "C2");
      } else {
        const Date revoked = reversal.AddDays(rng.Between(60, 180));
        period.legal.emplace_back(revoked, "C2");
        // The decision to place stands until the court revokes the placement order: a child
        // on a placement order has a decision to place in every return (DfE rule 553).
        period.reversal = std::min(revoked, eighteen);
      }
      route = "eighteen";
      end = eighteen;
    } else {
      if (placed == order_made) placed = placed.AddDays(1);
      period.match = match;
      period.placed = placed;
      period.adopted = true;
      period.adopted_by_foster_carers = rng.Chance(p.adoption.foster_carer_percent / 100);
      end = adopted;
    }
  } else {  // eighteen
    end = eighteen;
  }
  if (end >= eighteen) {
    end = eighteen;
    route = "eighteen";
    period.adopted = false;
    period.match.reset();
    period.placed.reset();
  }
  if (end <= entry) end = entry.AddDays(1);
  period.end = end;
  period.route = route;
  // Interim care orders become full care orders at the final hearing, if the child is still in care.
  if (hearing && *hearing < end && status == "C1" && !period.adoption_decision && route != "sgo" && route != "cao") {
    period.legal.emplace_back(*hearing, "C2");
  }
  std::stable_sort(period.legal.begin(), period.legal.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::erase_if(period.legal,
                [&](const auto& entry_status) { return entry_status.first >= end && entry_status.first != entry; });
  // Drop repeats and same-day changes (the later status stands).
  std::vector<std::pair<Date, std::string>> legal;
  for (const auto& change : period.legal) {
    if (!legal.empty() && legal.back().first == change.first)
      legal.back().second = change.second;
    else if (legal.empty() || legal.back().second != change.second)
      legal.push_back(change);
  }
  period.legal = std::move(legal);

  // Reason the period ended.
  if (route == "eighteen") {
    period.rec = p.care.eighteen_exit.Sample(rng.Uniform());
    if (period.rec == "E47" && period.cin_code != "N2") period.rec = "E5";
  } else if (route == "home") {
    period.rec = p.care.home_exit.Sample(rng.Uniform());
  } else if (route == "adoption") {
    period.rec = rng.Chance(p.adoption.consent_percent / 100) ? "E11" : "E12";
  } else if (route == "sgo") {
    period.rec = "E45";
  } else if (route == "cao") {
    period.rec = "E41";
  } else {
    period.rec = remand ? "E14" : p.care.other_exit.Sample(rng.Uniform());
    if (period.rec == "E14" && !remand) period.rec = "E8";
    if ((period.rec == "E48" || period.rec == "E9") && end.AgeInYears(child.birth) < 10) period.rec = "E8";
    if (period.rec == "E15" && !uasc) period.rec = "E8";
    if (period.rec == "E7" && end.AgeInYears(child.birth) < 16) period.rec = "E8";
  }

  period.placements = GeneratePlacements(child, period, uasc);
  // Staying put (E17) needs foster carers to stay with; independent living (E5, E6) needs 14+.
  const std::string& last_place = period.placements.back().place;
  if (period.rec == "E17" && last_place.front() != 'U') period.rec = "E5";
  if ((period.rec == "E5" || period.rec == "E6") && end.AgeInYears(child.birth) < 14) period.rec = "E8";
}

std::vector<PlacementRec> Council::GeneratePlacements(ChildRec& child, CarePeriodRec& period, bool uasc) {
  Rng& rng = child.rng;
  const Profile& p = profile_;
  const Date supported_from = Date::FromYmdOrDie(2024, 4, 1);
  auto age_on = [&](Date date) { return date.AgeInYears(child.birth); };
  // Why a placement that began on `start` ended: drawn from the profile, but no child under 10 is
  // taken into custody (the age of criminal responsibility). The reason is written on the episode
  // the move ends, and DfE rule 234 takes the age at that episode's start. Replaced rather than
  // drawn again, so no later draw moves.
  auto move_reason = [&](Date start) {
    std::string reason = p.placements.move_reason.Sample(rng.Uniform());
    return reason == "CUSTOD" && age_on(start) < 10 ? std::string("OTHER") : reason;
  };
  auto first_table = [&](int age) -> const Weights& {
    return age < 5 ? p.placements.first_under_5 : age < 16 ? p.placements.first_5_to_15 : p.placements.first_16_plus;
  };
  auto next_table = [&](int age) -> const Weights& {
    return age < 5 ? p.placements.next_under_5 : age < 16 ? p.placements.next_5_to_15 : p.placements.next_16_plus;
  };
  auto duration = [&](int age) {
    if (age < 5) return p.placements.days_under_5.Sample(Draw(kPlacementUnder5));
    if (age < 12) return p.placements.days_5_to_11.Sample(Draw(kPlacement5To11));
    return p.placements.days_12_plus.Sample(Draw(kPlacement12Plus));
  };
  // Placement codes valid for the child's age and route.
  auto settle = [&](std::string code, int age) {
    if (code == "K3" && age < 16) code = "K2";
    if (period.route == "sgo" && code.front() != 'U') code = "U3";
    if (period.route == "adoption" && code.front() != 'U') code = "U6";
    if (code == "S1" && age < 8) code = "U6";
    return code;
  };

  const bool foster_to_adopt = period.adopted && period.adopted_by_foster_carers;
  std::string code;
  const int entry_age = age_on(period.start);
  if (uasc)
    code = entry_age >= 16 ? "K3" : "U6";
  else if (period.route == "sgo")
    code = "U3";
  else if (period.route == "adoption")
    code = foster_to_adopt ? "U5" : "U6";
  else
    code = settle(first_table(entry_age).Sample(rng.Uniform()), entry_age);

  std::vector<PlacementRec> placements;
  Date start = period.start;
  bool same_carers = false;
  // A return home under a care order often ends with some months placed with parents (P1).
  std::optional<Date> with_parents;
  if (period.route == "home" && period.legal.back().second == "C2" && period.end.DaysSince(period.start) > 200 &&
      rng.Chance(0.6)) {
    with_parents = period.end.AddDays(-rng.Between(45, 180));
  }
  while (true) {
    Date next = start.AddDays(std::max(1, Days(duration(age_on(start)))));
    std::string next_code;
    bool next_same = false;
    if (code == "U5") next = period.placed ? std::max(*period.placed, start.AddDays(1)) : period.end;
    if (period.placed && start < *period.placed && next >= *period.placed) {
      next = *period.placed;
      next_code = foster_to_adopt ? "A5" : "A6";
      next_same = foster_to_adopt;
    } else if (period.placed && start >= *period.placed) {
      next = period.end;  // stays with the adopters
    } else if (with_parents && start < *with_parents && next >= *with_parents) {
      next = *with_parents;
      next_code = "P1";
    } else if (with_parents && start >= *with_parents) {
      next = period.end;
    }
    PlacementRec placement;
    placement.start = start;
    placement.place = code;
    placement.same_carers = same_carers;
    if (next >= period.end) {
      placement.end = period.end;
      placements.push_back(std::move(placement));
      break;
    }
    placement.end = next;
    placement.end_reason =
        next_code == "P1" || next_code.starts_with("A") ? std::string("CARPL") : move_reason(placement.start);
    const int age = age_on(next);
    placements.push_back(std::move(placement));
    if (next_code.empty()) {
      next_same = code.front() == 'U' && rng.Chance(p.placements.same_carer_percent / 100);
      next_code = next_same ? code : settle(next_table(age).Sample(rng.Uniform()), age);
      if (next_code == "U3" && rng.Chance(0.3)) next_code = "U1";
      if (next_code == "U6" && next.DaysSince(period.start) > 365 && rng.Chance(0.5)) next_code = "U4";
    }
    code = next_code;
    same_carers = next_same;
    start = next;
  }

  // Unsettled years: of the children aged 10 or more who will be in care on a 31 March, the
  // profile's share see their placement break down at least twice in the year to it (one Quota
  // per year keeps that share even). Adoption, foster-to-adopt and placements with parents are
  // left alone.
  const double unsettled = p.placements.unsettled_percent / 100;
  for (int year = period.start.year(); year <= period.end.year() + 1; ++year) {
    const Date census = Date::FromYmdOrDie(year, 3, 31);
    const Date year_start = Date::FromYmdOrDie(year - 1, 4, 1);
    if (census <= period.start || census >= period.end || age_on(census) < 10 || period.route == "adoption") continue;
    auto quota = unsettled_years_.find(year);
    if (quota == unsettled_years_.end()) {
      quota = unsettled_years_.emplace(year, Quota()).first;
      quota->second.Seed(council_rng_, 2);
    }
    if (quota->second.Next({1 - unsettled, unsettled}) != 1) continue;
    const Date from = std::max(year_start, period.start);
    const int span = census.DaysSince(from);
    if (span < 10) continue;
    auto in_year = [&] {
      return std::count_if(placements.begin(), placements.end(), [&](const PlacementRec& placement) {
        return placement.start <= census && placement.end >= year_start;
      });
    };
    for (int attempt = 0; attempt < 20 && in_year() < 3; ++attempt) {
      const Date move = from.AddDays(1 + static_cast<int32_t>(rng.Below(static_cast<uint32_t>(span - 1))));
      auto current = std::find_if(placements.begin(), placements.end(), [&](const PlacementRec& placement) {
        return placement.start < move && move < placement.end;
      });
      if (current == placements.end() || current->place == "P1" || current->place == "U5" ||
          current->place.front() == 'A') {
        continue;
      }
      PlacementRec next;
      next.start = move;
      next.end = current->end;
      next.end_reason = current->end_reason;
      next.place = settle(next_table(age_on(move)).Sample(rng.Uniform()), age_on(move));
      current->end = move;
      current->end_reason = move_reason(current->start);
      placements.insert(current + 1, std::move(next));
    }
  }

  // The Ofsted number of a placement's provider (DfE rule 218): the council's own fostering or
  // adoption service, or one of a dozen agencies and other councils' services it uses; a
  // residential school has a school's six-digit number. Children's homes get their own (below).
  // Which agency comes from a hash of the child and the placement, not the child's stream, so
  // no later draw moves.
  auto provider_urn = [&](const PlacementRec& placement) {
    char urn[12];
    const uint64_t pick = MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), child.index,
                                  static_cast<uint64_t>(placement.start.day_number()));
    if (placement.place == "S1") {
      std::snprintf(urn, sizeof urn, "%06u", static_cast<unsigned>(100000 + pick % 50000));
      return std::string(urn);
    }
    const bool fostering = placement.place.front() == 'U';
    const uint32_t own = static_cast<uint32_t>(spec_.number) * 7919U + (fostering ? 0U : 1U);
    const uint32_t service = placement.provider == "PR1" ? own : own + 2 + static_cast<uint32_t>(pick % 12) * 2;
    std::snprintf(urn, sizeof urn, "SC%06u", static_cast<unsigned>(100000 + (service * 48271U) % 900000U));
    return std::string(urn);
  };

  // With real postcodes, which one comes from a hash of the child and the placement (as the
  // Ofsted number does), after the made-up one's draws, so the stream moves as it would without.
  const geography::RegionPostcodes* real =
      spec_.postcodes != nullptr && !spec_.postcodes->council.empty() ? spec_.postcodes : nullptr;
  auto postcode_pick = [&](const PlacementRec& placement) {
    return MixSeed(spec_.seed + 1, static_cast<uint64_t>(spec_.number), child.index,
                   static_cast<uint64_t>(placement.start.day_number()));
  };

  // Providers, postcodes and Ofsted numbers, which follow the placement type (DfE rules 527-531,
  // 550: PR0 only with P1; no PR3 for foster, adoption or children's homes).
  for (PlacementRec& placement : placements) {
    std::string& place = placement.place;
    // Supported accommodation is recorded as such from April 2024 (its regulation), and as
    // semi-independent living before; the SSDA903 writer shows each under the year's code list
    // (H5 to 2024/25, K3 from 2025/26; returns/ssda903/ssda903.h).
    if (place == "K3" && placement.start < supported_from) place = "H5";
    const double u = rng.Uniform();
    if (place == "P1")
      placement.provider = "PR0";
    else if (place.front() == 'U')
      placement.provider = u < 0.55 ? "PR1" : u < 0.95 ? "PR4" : "PR2";
    else if (place.front() == 'A')
      placement.provider = u < 0.6 ? "PR1" : u < 0.8 ? "PR2" : "PR5";
    else if (place == "K1")
      placement.provider = u < 0.7 ? "PR2" : "PR1";
    else if (place == "K2")
      placement.provider = u < 0.75 ? "PR4" : u < 0.93 ? "PR1" : "PR5";
    else
      placement.provider = u < 0.8 ? "PR4" : "PR5";
    if (place == "P1") {
      placement.postcode = child.home_postcode;
    } else if (placement.same_carers && &placement != &placements.front()) {
      // Same carers: a new kind of placement in the same home (foster to adopt), or the carers
      // moved house.
      const std::string& before = (&placement - 1)->postcode;
      if ((&placement - 1)->place != place) {
        placement.postcode = before;
      } else {
        char postcode[12];
        std::snprintf(postcode, sizeof postcode, "%s %d%c%c", before.substr(0, before.find(' ')).c_str(),
                      rng.Between(0, 9), "ABDEFGHJLNPQRSTUWXYZ"[rng.Below(20)], "ABDEFGHJLNPQRSTUWXYZ"[rng.Below(20)]);
        placement.postcode = postcode;
        if (placement.postcode == before) placement.postcode.back() = placement.postcode.back() == 'A' ? 'B' : 'A';
        if (real != nullptr) placement.postcode = NearbyPostcode(*real, before, postcode_pick(placement));
      }
      // The council's own provision is in its own area (DfE rule 1015), wherever the carers were
      // before.
      if (placement.provider == "PR1") {
        if (real == nullptr) {
          placement.postcode[1] = 'H';
        } else if (!std::binary_search(real->council.begin(), real->council.end(), placement.postcode)) {
          placement.postcode = PickPostcode(real->council, postcode_pick(placement), child.home_postcode);
        }
      }
    } else {
      const bool drawn_in_area = rng.Chance(p.placements.in_area_percent / 100);
      char postcode[12];
      std::snprintf(postcode, sizeof postcode, "%s%d %d%c%c",
                    drawn_in_area ? "XH" : (rng.Chance(0.5) ? "XP" : "XR"), rng.Between(1, 29), rng.Between(0, 9),
                    "ABDEFGHJLNPQRSTUWXYZ"[rng.Below(20)], "ABDEFGHJLNPQRSTUWXYZ"[rng.Below(20)]);
      // The council's own provision is in its own area (DfE rule 1015). The draws stay as they
      // were, so that nothing else in the council moves.
      const bool in_area = drawn_in_area || placement.provider == "PR1";
      if (in_area) postcode[1] = 'H';
      placement.postcode = postcode;
      if (placement.postcode == child.home_postcode) placement.postcode[1] = 'P';
      if (real != nullptr) {
        const std::vector<std::string>& list =
            in_area || real->rest_of_region.empty() ? real->council : real->rest_of_region;
        placement.postcode = PickPostcode(list, postcode_pick(placement), child.home_postcode);
      }
    }
    if (place == "K1" || place == "K2" || place == "K3" || place == "H5") {
      char urn[12];
      std::snprintf(urn, sizeof urn, "SC%06u", static_cast<unsigned>(100000 + rng.Below(900000)));
      placement.urn = urn;
    } else if (!PlacementExemptFromUrn(place)) {
      placement.urn = provider_urn(placement);
    }
  }
  return placements;
}

}  // namespace cairn::simulate::internal
