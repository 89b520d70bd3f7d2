// Turning a child's compact records into a chronology, with the routine events a council records
// around them: visits, reviews, core groups, health checks, PEPs, missing episodes, supervision
// and care leavers' contact. Routine events come from the child's own random stream, so they
// never change what the simulation decided, and stop at the as-at date (or the child's death).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "simulate/council.h"

namespace cairn::simulate::internal {
namespace {

using model::EventKind;
using model::Field;

// Builds the chronology, dropping what falls after the as-at date or the child's death.
class Builder {
 public:
  Builder(model::Child child, Date as_at, Date limit) : chronology_(std::move(child)), as_at_(as_at), limit_(limit) {}

  // Adds an event unless it starts after the limit; an end after the as-at date is left open.
  // Fields with empty values are left out. Returns the event's index, or -1.
  int32_t Add(EventKind kind, Date start, std::optional<Date> end, int32_t parent, std::vector<Field> fields = {}) {
    if (start > limit_ || start < *chronology_.child().birth_date) return -1;
    if (end && *end > as_at_) end.reset();
    std::erase_if(fields, [](const Field& field) { return field.value.empty(); });
    model::Event event;
    event.kind = kind;
    event.start = start;
    event.end = end;
    event.parent = parent;
    event.fields = std::move(fields);
    event.provenance.source = "simulation";
    return chronology_.Add(std::move(event));
  }

  const model::Chronology& chronology() const { return chronology_; }
  Date as_at() const { return as_at_; }
  Date limit() const { return limit_; }
  // ISO text of a date known by the as-at date, or "" (an empty field is left out).
  std::string Known(std::optional<Date> date) const { return date && *date <= as_at_ ? date->ToIso() : std::string(); }
  model::Chronology Take() {
    chronology_.Sort();
    return std::move(chronology_);
  }

 private:
  model::Chronology chronology_;
  Date as_at_;
  Date limit_;
};

}  // namespace

std::optional<model::Chronology> Council::Chronicle(const ChildRec& child) const {
  const Profile& p = profile_;
  const WorkingDayCalendar& cal = calendar_;
  const Date window_start = spec_.window_start;
  const Date as_at = spec_.as_at;
  const Date limit = child.death && *child.death < as_at ? *child.death : as_at;

  // What overlaps the window, and from when to tell the story.
  std::optional<Date> earliest;
  auto consider = [&](Date start, Date end) {
    if (start <= as_at && end >= window_start) earliest = earliest ? std::min(*earliest, start) : start;
  };
  for (const CinEpisodeRec& episode : child.episodes) consider(episode.referral, episode.closure);
  for (const CarePeriodRec& period : child.care) consider(period.start, period.end);
  if (child.leaver_from) consider(*child.leaver_from, *child.leaver_to);
  if (child.ehc) consider(child.ehc->request, as_at);
  if (!earliest) return std::nullopt;
  // Everything that ends on or after that start is told whole, so tell it from its own start.
  Date from = *earliest;
  for (const CinEpisodeRec& episode : child.episodes) {
    if (episode.closure >= *earliest) from = std::min(from, episode.referral);
  }
  for (const CarePeriodRec& period : child.care) {
    if (period.end >= *earliest) from = std::min(from, period.start);
  }

  // The child.
  Rng details(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), child.index, 3));
  model::Child person;
  person.la_child_id = ChildId(child.index);
  person.birth_date = child.birth;
  const double sex_u = details.Uniform();
  const double male = (child.uasc ? p.uasc.male_percent : p.population.male_percent) / 100;
  const double unknown = p.population.unknown_sex_percent / 100;
  person.sex = sex_u < unknown ? "U" : sex_u < unknown + male * (1 - unknown) ? "M" : "F";
  // A child looked after has a recorded sex (the SSDA903 refuses "unknown": DfE rule 232); the
  // same draw decides which, in the same proportion.
  if (person.sex == "U" && !child.care.empty()) person.sex = sex_u < unknown * male ? "M" : "F";
  person.ethnicity = (child.uasc ? p.uasc.ethnicity : p.population.ethnicity).Sample(details.Uniform());
  if (as_at.AgeInYears(child.birth) >= 5 || child.uasc) {
    const uint64_t n = static_cast<uint64_t>(spec_.number) * 10000000ULL + child.index;
    person.upn = MakeUpn(spec_.la_code, (n * 435918827ULL + 71234567ULL) % 1000000000ULL);
  } else {
    person.upn_unknown = "UN1";  // not yet of school age
  }
  const bool referred_for_disability =
      std::any_of(child.episodes.begin(), child.episodes.end(), [](const CinEpisodeRec& e) { return e.need == "N2"; });
  if (referred_for_disability || details.Chance(p.population.disability_percent / 100)) {
    const int count = referred_for_disability && details.Chance(0.5) ? 2 : 1;
    for (int i = 0; i < count; ++i) {
      const std::string& code = p.population.disability.Sample(details.Uniform());
      if (std::find(person.disabilities.begin(), person.disabilities.end(), code) == person.disabilities.end()) {
        person.disabilities.push_back(code);
      }
    }
  } else {
    person.disabilities.push_back("NONE");
  }
  if (child.uasc) {
    person.uasc = true;
    person.uasc_ceased = child.birth.AddYears(18);
  }
  if (child.death && *child.death <= as_at) person.death_date = child.death;
  // Every girl looked after has MOTHER (DfE rules 393, 607; no simulated child is a mother).
  if (person.sex == "F" && !child.care.empty()) person.mother = "0";
  // Names come from a stream of their own, so naming a child shifts none of their other draws.
  Rng naming(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), child.index, 5));
  PersonName name = DrawChildName(names_, person.sex, naming);
  person.given_name = std::move(name.given);
  person.family_name = std::move(name.family);
  person.preferred_name = std::move(name.preferred);

  Builder out(std::move(person), as_at, limit);
  const std::string la_code = spec_.la_code;
  // Routine events come from their own stream.
  Rng rng(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), child.index, 4));
  auto age_on = [&](Date date) { return date.AgeInYears(child.birth); };
  auto seen_alone = [&](Date date, double percent) {
    return age_on(date) >= 4 && rng.Chance(percent / 100) ? "1" : "0";
  };
  // Visits of one purpose on strictly increasing dates.
  std::optional<Date> last_visit[4];
  auto visit = [&](int purpose, Date date, double alone_percent) {
    static constexpr std::string_view kPurposes[] = {"cp", "cin", "cla", "leaver"};
    if (last_visit[purpose] && date <= *last_visit[purpose]) date = last_visit[purpose]->AddDays(1);
    if (date > limit) return;
    last_visit[purpose] = date;
    out.Add(EventKind::kVisit, date, std::nullopt, -1,
            {{"purpose", std::string(kPurposes[purpose])},
             {"child_seen", "1"},
             {"seen_alone", seen_alone(date, alone_percent)}});
  };

  // ---- Children in need and child protection ---------------------------------------------------
  for (const CinEpisodeRec& episode : child.episodes) {
    if (episode.closure < from) continue;
    const std::optional<Date> icpc = episode.s47 ? episode.s47->icpc : std::nullopt;
    const bool closed = episode.closure <= as_at;
    const int32_t e = out.Add(EventKind::kCinEpisode, episode.referral, episode.closure, -1,
                              {{"ReferralSource", episode.source},
                               {"PrimaryNeedCode", episode.need},
                               {"ReasonForClosure", closed ? episode.closure_reason : ""},
                               {"DateOfInitialCPC", out.Known(icpc)},
                               {"ReferralNFA", episode.nfa ? "1" : "0"}});
    if (e < 0) continue;
    if (episode.assessment) {
      const AssessmentRec& a = *episode.assessment;
      out.Add(EventKind::kAssessment, a.start, a.end, e,
              {{"AssessmentFactors", a.end <= as_at ? a.factors : std::string()}});
    }
    if (episode.s47) {
      const Section47Rec& s = *episode.s47;
      out.Add(EventKind::kStrategyDiscussion, s.strategy, std::nullopt, -1, {{"outcome", "section-47"}});
      // Whether a conference is needed is the enquiry's conclusion, due by the conference target
      // (15 working days from the strategy discussion), or sooner when the assessment ends first.
      // An enquiry going to a conference waits for it. (Reading this from the assessment alone
      // left enquiries begun months before 31 March undecided: DfE query 8675Q.) An episode that
      // has closed, at the 18th birthday say, before its conference needed none (DfE rule 8868).
      const bool decided =
          s.icpc ? *s.icpc <= as_at
                 : std::min({s.target, episode.assessment ? episode.assessment->end : s.target, episode.closure}) <=
                       as_at;
      out.Add(EventKind::kSection47, s.strategy, std::nullopt, e,
              {{"InitialCPCtarget", s.target.ToIso()},
               {"DateOfInitialCPC", out.Known(s.icpc)},
               {"ICPCnotRequired", !s.icpc && decided ? "true" : "false"}});
      if (s.icpc) {
        out.Add(EventKind::kInitialCpConference, *s.icpc, std::nullopt, -1, {{"outcome", s.plan ? "plan" : "no-plan"}});
      }
    }
    for (const CinPlanRec& plan : episode.cin_plans) {
      if (out.Add(EventKind::kCinPlan, plan.start, plan.end, e) < 0) continue;
      // Visits to a child in need: at the interval the plan sets (local practice; Cairn uses
      // the profile's interval), some late.
      Date next = plan.start.AddDays(rng.Between(3, 15));
      while (next <= std::min(plan.end, limit)) {
        visit(1, cal.OnOrAfter(next), p.protection.seen_alone_percent / 2);
        const bool late = rng.Chance(p.child_in_need.visit_late_percent / 100);
        next = next.AddDays(p.child_in_need.visit_interval_days - rng.Between(0, 7) +
                            (late ? Days(p.child_in_need.visit_late_days.Sample(rng.Uniform())) : 0));
      }
    }
    if (episode.cp) {
      const CpPlanRec& plan = *episode.cp;
      const int32_t c = out.Add(EventKind::kCpPlan, plan.start, plan.end, e,
                                {{"InitialCategoryOfAbuse", plan.initial_category},
                                 {"LatestCategoryOfAbuse", plan.latest_category},
                                 {"NumberOfPreviousCPP", std::to_string(plan.previous)}});
      if (c >= 0) {
        for (Date review : plan.reviews) out.Add(EventKind::kCpReview, review, std::nullopt, c);
        const Date stop = std::min(plan.end, limit);
        // Core groups: the first within 10 WD of the conference, then about monthly.
        Date core = rng.Chance(p.protection.core_group_late_percent / 100)
                        ? cal.Add(plan.start, p.protection.core_group_first_wd + rng.Between(1, 10))
                        : cal.Add(plan.start, std::max(1, p.protection.core_group_first_wd - rng.Between(0, 4)));
        std::optional<Date> last_core;
        while (core <= stop) {
          if (!last_core || core > *last_core) {
            out.Add(EventKind::kCoreGroup, core, std::nullopt, -1);
            last_core = core;
          }
          const bool late = rng.Chance(p.protection.core_group_late_percent / 100);
          core = cal.OnOrAfter(core.AddDays(p.protection.core_group_interval_days - rng.Between(0, 5) +
                                                    (late ? rng.Between(5, 25) : 0)));
        }
        // Statutory visits while the plan lasts (the plan sets the frequency; profile's interval).
        Date next = cal.Add(plan.start, rng.Between(1, 5));
        while (next <= stop) {
          visit(0, next, p.protection.seen_alone_percent);
          const bool late = rng.Chance(p.protection.visit_late_percent / 100);
          next = cal.Add(next, p.protection.visit_interval_wd - rng.Between(0, 2) +
                                   (late ? std::max(1, Days(p.protection.visit_late_wd.Sample(rng.Uniform()))) : 0));
        }
      }
    }
  }

  // ---- Children looked after ------------------------------------------------------------------
  std::set<int> prev_perm_years;
  // Health assessments are told apart by date alone, so no two share a day.
  std::set<int32_t> health_days;
  auto health_check = [&](Date date, Date stop, std::string_view type) {
    while (health_days.contains(date.day_number())) date = date.AddDays(1);
    if (date >= stop) return std::optional<Date>();
    health_days.insert(date.day_number());
    out.Add(EventKind::kHealthAssessment, date, std::nullopt, -1, {{"assessment_type", std::string(type)}});
    return std::optional<Date>(date);
  };
  std::vector<std::pair<Date, Date>> looked_after;  // periods, for OC2
  for (const CarePeriodRec& period : child.care) {
    if (period.end < from) continue;
    looked_after.emplace_back(period.start, period.end);
    // Episodes: a new one at every change of placement or legal status (SSDA903 guide).
    std::vector<Date> breaks;
    for (const PlacementRec& placement : period.placements) breaks.push_back(placement.start);
    for (const auto& [date, status] : period.legal) breaks.push_back(date);
    std::sort(breaks.begin(), breaks.end());
    breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
    std::erase_if(breaks, [&](Date date) { return date < period.start || date >= period.end; });
    size_t placement_index = 0;
    size_t legal_index = 0;
    for (size_t b = 0; b < breaks.size(); ++b) {
      const Date start = breaks[b];
      const Date end = b + 1 < breaks.size() ? breaks[b + 1] : period.end;
      bool placement_changed = false;
      while (placement_index + 1 < period.placements.size() && period.placements[placement_index + 1].start <= start) {
        ++placement_index;
        placement_changed = true;
      }
      bool legal_changed = false;
      while (legal_index + 1 < period.legal.size() && period.legal[legal_index + 1].first <= start) {
        ++legal_index;
        legal_changed = true;
      }
      const PlacementRec& placement = period.placements[placement_index];
      // SSDA903 reasons for a new episode: P a new placement with new carers, T a change of
      // placement with the same carers, L a new legal status alone; U and B both at once, with
      // new carers (U) or the same ones (B) (DfE rules 435, 436).
      std::string rne = "S";
      if (b > 0) {
        if (placement_changed && legal_changed)
          rne = placement.same_carers ? "B" : "U";
        else if (placement_changed)
          rne = placement.same_carers ? "T" : "P";
        else
          rne = "L";
      }
      const bool last = b + 1 == breaks.size();
      const bool ended = end <= as_at;
      std::string rec = ended ? (last ? period.rec : "X1") : "";
      // The reason for a placement change goes on the episode that ends with it.
      std::string change_reason;
      if (ended && !last && placement_index + 1 < period.placements.size() &&
          period.placements[placement_index + 1].start == end) {
        change_reason = placement.end_reason;
      }
      out.Add(EventKind::kLookedAfterEpisode, start, end, -1,
              {{"RNE", rne},
               {"LS", period.legal[legal_index].second},
               {"CIN", period.cin_code},
               {"PLACE", placement.place},
               {"PLACE_PROVIDER", placement.provider},
               {"REC", rec},
               {"REASON_PLACE_CHANGE", change_reason},
               {"HOME_POST", child.uasc ? std::string() : child.home_postcode},
               {"PL_POST", placement.postcode},
               {"URN", placement.urn}});
    }

    // Permanence before this period (PrevPerm), reported with the year the period started: on its
    // 31 March, or on the last day the record reaches (the child's death) if that comes first,
    // so a child who died in the year still has it (DfE rule 630).
    {
      const model::CollectionYear year = model::CollectionYear::Containing(period.start);
      if (prev_perm_years.insert(year.year).second) {
        const bool known = period.prev_perm != "Z1" && period.prev_perm_date;
        out.Add(EventKind::kPreviousPermanence, std::max(period.start, std::min(year.end(), limit)), std::nullopt, -1,
                {{"PREV_PERM", period.prev_perm},
                 {"LA_PERM", known ? la_code : ""},
                 {"DATE_PERM", known ? period.prev_perm_date->ToDmy() : ""}});
      }
    }

    // Adoption.
    if (period.adoption_decision) {
      out.Add(EventKind::kPlacedForAdoption, *period.adoption_decision, period.reversal, -1,
              {{"REASON_PLACED_CEASED", period.reversal && *period.reversal <= as_at ? period.reversal_reason : ""}});
      if (period.adopted && period.end <= as_at) {
        const bool couple = rng.Chance(0.85);
        const double u = rng.Uniform();
        out.Add(EventKind::kAdoptionDecision, *period.adoption_decision, std::nullopt, -1,
                {{"DATE_MATCH", out.Known(period.match)},
                 {"FOSTER_CARE", period.adopted_by_foster_carers ? "1" : "0"},
                 {"NB_ADOPTR", couple ? "2" : "1"},
                 {"SEX_ADOPTR", couple ? (u < 0.86   ? "MF"
                                          : u < 0.94 ? "FF"
                                                     : "MM")
                                       : (u < 0.85 ? "F1" : "M1")},
                 // A single adopter L0; a married couple L11 (man and woman) or L12 (same sex),
                 // civil partners L4 (same sex), any other couple L2 (DfE rules 514, 518-520, 524).
                 {"LS_ADOPTR", !couple    ? "L0"
                               : u < 0.6  ? "L11"
                               : u < 0.86 ? "L2"
                               : u < 0.9  ? "L12"
                               : u < 0.92 ? "L4"
                                          : "L2"}});
      }
    }

    const Date stop = std::min(period.end, limit);
    // Reviews: within 20 WD, then 3 months, then every 6 months (CPPCR reg 33).
    {
      Date due = cal.Add(period.start, 20);
      bool first = true;
      std::optional<Date> last_review;
      while (true) {
        const double on_time =
            first ? p.looked_after.first_review_on_time_percent : p.looked_after.review_on_time_percent;
        Date held =
            rng.Chance(on_time / 100)
                ? cal.OnOrBefore(due.AddDays(-rng.Between(0, 10)))
                : cal.OnOrAfter(due.AddDays(Days(p.looked_after.review_late_days.Sample(rng.Uniform()))));
        if (last_review && held <= *last_review) held = cal.OnOrAfter(last_review->AddDays(1));
        if (held <= period.start) held = period.start.AddDays(1);
        if (held >= stop) break;
        const std::string code = age_on(held) < 4 ? "PN0" : p.looked_after.participation.Sample(rng.Uniform());
        out.Add(EventKind::kClaReview, held, std::nullopt, -1, {{"REVIEW_CODE", code}});
        last_review = held;
        due = held.AddMonths(first ? 3 : 6);
        first = false;
      }
    }
    // Social worker visits: within a week of each placement, then at most 6 weeks apart (reg 28).
    for (const PlacementRec& placement : period.placements) {
      const Date placement_stop = std::min(placement.end, stop);
      Date next = placement.start.AddDays(rng.Chance(p.looked_after.visit_late_percent / 100) ? rng.Between(8, 20)
                                                                                              : rng.Between(1, 7));
      while (next < placement_stop) {
        if (const Date day = cal.OnOrAfter(next); day < placement_stop)
          visit(2, day, p.protection.seen_alone_percent);
        const bool late = rng.Chance(p.looked_after.visit_late_percent / 100);
        next = next.AddDays(late ? p.looked_after.visit_interval_days +
                                       std::max(1, Days(p.looked_after.visit_late_days.Sample(rng.Uniform())))
                                 : p.looked_after.visit_interval_days - rng.Between(0, 14));
      }
    }
    // Health: initial assessment within 20 WD, reviews every 6 months under 5 and yearly after;
    // a dental check most years.
    {
      Date due = cal.Add(period.start, 20);
      std::string type = "initial";
      std::optional<Date> last;
      while (true) {
        Date held = rng.Chance(p.looked_after.health_on_time_percent / 100) ? due.AddDays(-rng.Between(0, 10))
                                                                            : due.AddDays(rng.Between(1, 60));
        if (held <= period.start) held = period.start.AddDays(1);
        if (last && held <= *last) held = last->AddDays(1);
        if (held >= stop) break;
        const std::optional<Date> done = health_check(held, stop, type);
        if (!done) break;
        last = *done;
        due = held.AddMonths(age_on(held) < 5 ? 6 : 12);
        type = "review";
      }
      for (Date dental = period.start.AddDays(rng.Between(30, 200)); dental < stop;
           dental = dental.AddDays(rng.Between(330, 400))) {
        if (age_on(dental) >= 1 && rng.Chance(p.looked_after.dental_percent / 100))
          health_check(dental, stop, "dental");
      }
    }
    // Personal education plans for children of school age: the first within 10 WD, then termly.
    {
      Date next = rng.Chance(p.looked_after.pep_on_time_percent / 100) ? cal.Add(period.start, rng.Between(3, 10))
                                                                       : cal.Add(period.start, rng.Between(11, 40));
      while (next < stop) {
        const int age = age_on(next);
        if (age >= 4 && age < 18) out.Add(EventKind::kPersonalEducationPlan, next, std::nullopt, -1);
        next = cal.OnOrAfter(next.AddDays(rng.Between(100, 135)));
      }
    }
    // Missing and away-without-authorisation episodes, mostly teenagers, with return interviews.
    {
      std::optional<Date> last_end;
      std::optional<Date> last_interview;
      for (Date block = period.start; block < stop; block = block.AddYears(1)) {
        if (age_on(block) < 11 || !rng.Chance(p.missing.children_percent / 100)) continue;
        const Date block_end = std::min(block.AddYears(1), stop);
        const int span = block_end.DaysSince(block);
        if (span < 2) continue;
        const int count = std::max(1, static_cast<int>(std::ceil(rng.Exponential(p.missing.episodes_per_year))));
        std::vector<Date> starts;
        for (int i = 0; i < count; ++i)
          starts.push_back(block.AddDays(static_cast<int32_t>(rng.Below(static_cast<uint32_t>(span)))));
        std::sort(starts.begin(), starts.end());
        for (Date start : starts) {
          if (last_end && start <= *last_end) start = last_end->AddDays(1);
          if (start >= block_end) break;
          const bool away = rng.Chance(p.missing.away_percent / 100);
          Date end = std::min(start.AddDays(Days(p.missing.duration_days.Sample(rng.Uniform()))), stop);
          // A child goes missing from one placement and is found before it ends: an episode running
          // past a move would be missing from two placements at once (DfE rules 575, 578 and 581),
          // and one still missing on the day care ends leaves care as missing (E8), which the
          // simulator does not draw (580). None starts on the day of a move.
          const PlacementRec* missing_from = nullptr;
          for (const PlacementRec& placement : period.placements) {
            if (placement.start < start && start < placement.end) missing_from = &placement;
          }
          if (missing_from == nullptr) continue;
          end = std::min(end, missing_from->end.AddDays(-1));
          out.Add(EventKind::kMissing, start, end, -1, {{"MISSING", away ? "A" : "M"}});
          last_end = end;
          if (!away && end <= limit && end < period.end) {
            const bool offered = rng.Chance(p.missing.interview_offered_percent / 100);
            Date date = end.AddDays(rng.Between(0, 3));
            if (last_interview && date <= *last_interview) date = last_interview->AddDays(1);
            if (date <= limit) {
              out.Add(EventKind::kReturnInterview, date, std::nullopt, -1,
                      {{"offered", offered ? "1" : "0"},
                       {"accepted", offered && rng.Chance(p.missing.interview_accepted_percent / 100) ? "1" : "0"}});
              last_interview = date;
            }
          }
        }
      }
    }
  }

  // OC2: children looked after continuously for 12 months at 31 March, as the DfE counts them:
  // in care from 1 April (a child who came into care that day included) to 31 March (one whose
  // care ended that day included).
  for (int year = model::CollectionYear::Containing(window_start).year; year <= as_at.year(); ++year) {
    const model::CollectionYear collection{year};
    const Date census = collection.end();
    if (census > as_at || census < window_start) continue;
    const bool continuous = std::any_of(looked_after.begin(), looked_after.end(), [&](const auto& span) {
      return span.first <= collection.start() && span.second >= census;
    });
    if (!continuous) continue;
    const int age = age_on(census);
    // An SDQ (or the reason for none) for every child who was 4 to 16 in the year: 17 on 31 March
    // was 16 for part of it (DfE rule 197B).
    const bool sdq_age = age >= 4 && age <= 17;
    const bool sdq_done = sdq_age && rng.Chance(0.8);
    const bool substance = age >= 10 && rng.Chance(0.03);
    const bool received = substance && rng.Chance(0.6);
    const bool offered = substance && rng.Chance(0.8);
    // Health and dental checks in the year, from the events above.
    bool health = false;
    bool teeth = false;
    for (const model::Event& event : out.chronology().events()) {
      if (event.kind != EventKind::kHealthAssessment || !collection.Contains(event.start)) continue;
      if (event.Get("assessment_type") == "dental")
        teeth = true;
      else
        health = true;
    }
    out.Add(EventKind::kHealthOutcomes, census, std::nullopt, -1,
            {{"SDQ_SCORE", sdq_done ? std::to_string(rng.Between(2, 30)) : ""},
             {"SDQ_REASON", sdq_age && !sdq_done ? std::string("SDQ") + static_cast<char>('2' + rng.Below(4)) : ""},
             {"CONVICTED", age >= 10 ? (rng.Chance(0.03) ? "1" : "0") : ""},
             {"HEALTH_CHECK", age < 5 ? (rng.Chance(0.9) ? "1" : "0") : ""},
             {"IMMUNISATIONS", rng.Chance(0.86) ? "1" : "0"},
             {"TEETH_CHECK", teeth ? "1" : "0"},
             {"HEALTH_ASSESSMENT", health ? "1" : "0"},
             {"SUBSTANCE_MISUSE", substance ? "1" : "0"},
             // Whether an intervention was offered is asked only of those who did not receive
             // one (DfE rule 158).
             {"INTERVENTION_RECEIVED", substance ? (received ? "1" : "0") : ""},
             {"INTERVENTION_OFFERED", substance && !received ? (offered ? "1" : "0") : ""}});
  }

  // ---- Care leavers -----------------------------------------------------------------------------
  if (child.leaver_from && *child.leaver_to >= from) {
    const Date leaver_to = *child.leaver_to;
    const Date sixteen = child.birth.AddYears(16);
    // Pathway plans from 16 (or 13 weeks into care, if later), reviewed every 6 months.
    Date plan_start = sixteen;
    if (!child.care.empty()) plan_start = std::max(plan_start, child.care.back().start.AddDays(91));
    for (Date next = cal.OnOrAfter(plan_start.AddDays(rng.Between(0, 60)));
         next < std::min(leaver_to, limit.AddDays(1));
         next = cal.OnOrAfter(next.AddDays(p.care_leavers.pathway_interval_days - rng.Between(0, 20) +
                                                   (rng.Chance(0.2) ? rng.Between(5, 60) : 0)))) {
      out.Add(EventKind::kPathwayPlan, next, std::nullopt, -1);
    }
    // Personal adviser contact (Care Leavers (England) Regs 2010 reg 8: at most 2 months apart);
    // every other contact a visit.
    bool face_to_face = true;
    std::optional<Date> last_contact;
    for (Date next = child.leaver_from->AddDays(rng.Between(1, 7)); next < std::min(leaver_to, limit.AddDays(1));) {
      const Date date = cal.OnOrAfter(next);
      if ((!last_contact || date > *last_contact) && date <= std::min(leaver_to, limit)) {
        out.Add(EventKind::kCareLeaverContact, date, std::nullopt, -1);
        if (face_to_face) visit(3, date, 100);
        last_contact = date;
      }
      face_to_face = !face_to_face;
      const bool late = rng.Chance(p.care_leavers.contact_late_percent / 100);
      next =
          next.AddDays(p.care_leavers.contact_interval_days / 2 - rng.Between(0, 7) + (late ? rng.Between(10, 60) : 0));
    }
    // OC3: on or around the 18th to 21st birthdays, reported with the year.
    // A young person still looked after on their 18th birthday is not in the cohort that year
    // (DfE rule 1016: OC3 at 17 or 18 only for those who left care before the birthday).
    const bool left_before_18 = child.care.empty() || child.care.back().end < child.birth.AddYears(18);
    for (int age = 18; age <= 21; ++age) {
      const Date birthday = child.birth.AddYears(age);
      if (birthday < *child.leaver_from || birthday > limit || birthday < window_start) continue;
      if (age == 18 && !left_before_18) continue;
      const Date census = model::CollectionYear::Containing(birthday).end();
      if (census > as_at) continue;
      const bool in_touch = rng.Chance(p.care_leavers.in_touch_percent / 100);
      out.Add(EventKind::kCareLeaverOutcomes, census, std::nullopt, -1,
              {{"IN_TOUCH", in_touch ? "YES" : (rng.Chance(0.6) ? "NO" : "REFU")},
               {"ACTIV", in_touch ? p.care_leavers.activity.Sample(rng.Uniform()) : "0"},
               {"ACCOM", in_touch ? p.care_leavers.accommodation.Sample(rng.Uniform()) : "0"}});
    }
  }

  // ---- Allocations and supervision ----------------------------------------------------------------
  std::optional<Date> last_supervision;
  for (const AllocationRec& allocation : child.allocations) {
    const Date end = allocation.end.value_or(as_at);
    if (end < from || (allocation.end && *allocation.end == allocation.start)) continue;
    const WorkerRec& worker = workers_[allocation.worker];
    out.Add(EventKind::kSocialWorkerAllocation, allocation.start, allocation.end, -1,
            {{"SW_ID", WorkerId(allocation.worker)}, {"SW_REASON", std::string(allocation.reason)}});
    // Case supervision by the worker's team manager, about monthly, sometimes missed.
    const Date stop = std::min(end, limit);
    for (Date next = allocation.start.AddDays(rng.Between(5, p.workforce.supervision_interval_days)); next <= stop;
         next = next.AddDays(p.workforce.supervision_interval_days - 5 + rng.Between(0, 10))) {
      const Date date = cal.OnOrAfter(next);
      if (date > stop || (last_supervision && date <= *last_supervision)) continue;
      if (rng.Chance(p.workforce.supervision_missed_percent / 100)) continue;
      const std::optional<uint32_t> manager = ManagerOn(worker.team, date);
      if (!manager) continue;
      out.Add(EventKind::kSupervision, date, std::nullopt, -1, {{"manager_id", WorkerId(*manager)}});
      last_supervision = date;
    }
  }

  // ---- SEND: an EHC needs assessment ------------------------------------------------------------
  if (child.ehc) {
    const EhcRec& ehc = *child.ehc;
    const bool decided = ehc.decision <= limit;
    out.Add(EventKind::kEhcRequest, ehc.request, std::nullopt, -1,
            {{"decision_date", decided ? ehc.decision.ToIso() : ""},
             {"decision", decided ? (ehc.assess ? "yes" : "no") : ""}});
    if (ehc.plan && *ehc.plan <= limit) {
      out.Add(EventKind::kEhcPlan, *ehc.plan, std::nullopt, -1);
      for (Date review = ehc.plan->AddMonths(12); review <= limit; review = review.AddMonths(12)) {
        const Date held =
            cal.OnOrAfter(rng.Chance(0.7) ? review.AddDays(-rng.Between(0, 20)) : review.AddDays(rng.Between(1, 60)));
        if (held > limit) break;
        out.Add(EventKind::kEhcReview, held, std::nullopt, -1);
        review = held;
      }
    }
  }

  return out.Take();
}

}  // namespace cairn::simulate::internal
