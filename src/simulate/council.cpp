#include "simulate/council.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cairn::simulate::internal {
namespace {

constexpr double kDaysPerYear = 365.25;
constexpr double kTwoPi = 6.283185307179586;

// Children born this long before the simulation starts are 22 or older when the window opens,
// so they can only matter to the history; they are left out (see README: burn-in).
constexpr int kYearsBornBeforeStart = 4;

}  // namespace

std::string FormatSerial(const char* prefix, int council, uint32_t serial, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%s%03d%0*u", prefix, council, digits, serial);
  return text;
}

char UpnCheckLetter(std::string_view last_twelve) {
  static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPQRTUVWXYZ";
  int sum = 0;
  for (size_t i = 0; i < last_twelve.size(); ++i) sum += (last_twelve[i] - '0') * static_cast<int>(i + 2);
  return kLetters[static_cast<size_t>(sum % 23)];
}

std::string MakeUpn(std::string_view la_code, uint64_t number) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%.3s%09llu", std::string(la_code).c_str(),
                static_cast<unsigned long long>(number % 1000000000ULL));
  return std::string(1, UpnCheckLetter(digits)) + digits;
}

Council::Council(const Profile& profile, const WorkingDayCalendar& calendar, const NameLists& names,
                 CouncilSpec spec)
    : profile_(profile),
      calendar_(calendar),
      names_(names),
      spec_(std::move(spec)),
      council_rng_(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), 0xC0FFEE)),
      workforce_rng_(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), 0xBEEF)) {
  // A plan ends at the first review conference after its intended length: the k-th review is
  // about 3 + 6(k-1) months after the plan starts.
  const QuantileTable& lengths = profile_.protection.plan_duration_days;
  double below = 0;
  for (int k = 1;; ++k) {
    const double review_day = 91.3 + 182.6 * (k - 1);
    const double upto = lengths.Max() <= review_day ? 1.0 : lengths.Cdf(review_day);
    plan_review_shares_.push_back(upto - below);
    below = upto;
    if (upto >= 1) break;
  }
  plan_reviews_.Seed(council_rng_, plan_review_shares_.size());
}

std::string Council::ChildId(uint32_t index) const {
  // A bijection of (council, index) onto 9 digits, so ids look like a case system's and never
  // repeat: councils get 10 million numbers each; the multiplier is coprime with 10.
  const uint64_t n = static_cast<uint64_t>(spec_.number) * 10000000ULL + index;
  const uint64_t scrambled = (n * 738197347ULL + 193847011ULL) % 1000000000ULL;
  char text[16];
  std::snprintf(text, sizeof text, "S%09llu", static_cast<unsigned long long>(scrambled));
  return text;
}

std::string Council::WorkerId(uint32_t worker) const {
  // Shaped like a Social Work England registration number ("SW" and digits), which is what the
  // SSDA903 asks for in SW_ID (DfE rule SW02STG1).
  return FormatSerial("SW", spec_.number, workers_[worker].serial, 5);
}

std::string Council::TeamId(uint32_t team) const { return FormatSerial("T", spec_.number, team + 1, 3); }

std::optional<uint32_t> Council::ManagerOn(uint32_t team, Date date) const {
  const auto& history = teams_[team].manager_history;
  auto after = std::upper_bound(history.begin(), history.end(), date,
                                [](Date d, const std::pair<Date, uint32_t>& entry) { return d < entry.first; });
  if (after == history.begin()) return std::nullopt;
  return std::prev(after)->second;
}

double Council::DemandMultiplier(Date date) const {
  const auto& r = profile_.referrals;
  // A cosine over the year: highest on 15 November (the autumn term), lowest six months later, in
  // mid-May.
  const Date november = Date::FromYmdOrDie(date.year(), 11, 15);
  const double season = std::cos(kTwoPi * date.DaysSince(november) / kDaysPerYear);
  const double cycle = std::sin(kTwoPi * date.DaysSince(spec_.window_start) / (r.cycle_years * kDaysPerYear));
  return 1 + r.seasonal_percent / 100 * season + r.cycle_percent / 100 * cycle;
}

Date Council::AdjustReferralDate(Date date, Rng& rng) const {
  if (calendar_.IsWorkingDay(date)) return date;
  // About 31 % of days are not working days; keep the share the profile asks for on them.
  const double keep = std::min(1.0, profile_.referrals.weekend_percent / 100 / 0.31);
  if (rng.Chance(keep)) return date;
  return calendar_.Add(date, 1);
}

void Council::Push(Date date, Order order, uint32_t subject, Service service) {
  queue_.push(
      QueuedEvent{date.day_number(), static_cast<uint8_t>(order), static_cast<uint8_t>(service), subject, seq_++});
}

uint32_t Council::SlotFor(uint32_t index, Date birth, bool uasc) {
  if (slot_of_[index] >= 0) return static_cast<uint32_t>(slot_of_[index]);
  ChildRec child;
  child.index = index;
  child.birth = birth;
  child.uasc = uasc;
  child.rng = Rng(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), index, 1));
  // A postcode-shaped home postcode in a made-up area: "X" starts no real UK postcode.
  Rng place(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), index, 2));
  char postcode[12];
  std::snprintf(postcode, sizeof postcode, "XH%d %d%c%c", place.Between(1, 29), place.Between(0, 9),
                "ABDEFGHJLNPQRSTUWXYZ"[place.Below(20)], "ABDEFGHJLNPQRSTUWXYZ"[place.Below(20)]);
  child.home_postcode = postcode;
  // With real postcodes, one of the council's own, picked by a hash of the child (the made-up
  // one's draws come from a stream of their own, so nothing else moves).
  if (spec_.postcodes != nullptr && !spec_.postcodes->council.empty()) {
    const std::vector<std::string>& own = spec_.postcodes->council;
    child.home_postcode = own[MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), index, 6) % own.size()];
  }
  children_.push_back(std::move(child));
  slot_of_[index] = static_cast<int32_t>(children_.size() - 1);
  return static_cast<uint32_t>(children_.size() - 1);
}

void Council::SeedPopulation() {
  const Profile& p = profile_;
  first_birth_ = spec_.simulation_start.AddYears(-kYearsBornBeforeStart);
  const int32_t span_days = spec_.as_at.DaysSince(first_birth_) + 1;
  const double births_per_day = static_cast<double>(spec_.population) / (18 * kDaysPerYear);
  cohort_children_ = static_cast<uint32_t>(std::ceil(span_days * births_per_day));
  birth_spacing_days_ = static_cast<double>(span_days) / std::max<uint32_t>(cohort_children_, 1);

  const double sim_years = spec_.as_at.DaysSince(spec_.simulation_start) / kDaysPerYear;
  const auto uasc_count = static_cast<uint32_t>(
      std::llround(p.uasc.starts_per_10k * static_cast<double>(spec_.population) / 10000 * sim_years));
  slot_of_.assign(static_cast<size_t>(cohort_children_) + uasc_count, -1);

  const double peak = 1 + p.referrals.seasonal_percent / 100 + p.referrals.cycle_percent / 100;
  const double first_share = p.referrals.first_referral_percent / 100;
  const double window_years = (spec_.as_at.DaysSince(spec_.window_start) + 1) / kDaysPerYear;
  const double ehc_share = p.ehc.requests_per_10k / 10000 * window_years;
  const int32_t window_days = spec_.as_at.DaysSince(spec_.window_start) + 1;

  for (uint32_t i = 0; i < cohort_children_; ++i) {
    const Date birth = first_birth_.AddDays(static_cast<int32_t>((i + 0.5) * birth_spacing_days_));
    Rng rng(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), i, 0));
    const double u = rng.Uniform();
    const double age_u = rng.Uniform();
    const double thin_u = rng.Uniform();
    const double ehc_u = rng.Uniform();
    if (u < first_share * peak) {
      const double age_years = p.referrals.first_referral_age_years.Sample(age_u);
      Date referral = birth.AddDays(static_cast<int32_t>(std::lround(age_years * kDaysPerYear)));
      // Thinning by the demand curve gives referrals their seasons and slow cycles; dividing by
      // the peak above keeps the lifetime share at first_referral_percent.
      if (referral >= spec_.simulation_start && referral <= spec_.as_at && referral < birth.AddYears(18) &&
          thin_u * peak < DemandMultiplier(referral)) {
        referral = AdjustReferralDate(referral, rng);
        if (referral <= spec_.as_at) Push(referral, kReferral, i);
      }
    }
    if (ehc_u < ehc_share) {
      // The child's age is taken on the drawn day; the request itself on the next working day.
      // (The draw was once wrapped in calendar_.Add(..., 0), which changes nothing: Add(D, 0) == D.)
      const Date request =
          spec_.window_start.AddDays(static_cast<int32_t>(rng.Below(static_cast<uint32_t>(window_days))));
      const int age = request.AgeInYears(birth);
      if (request >= birth && age >= 2 && age <= 15) {
        const uint32_t slot = SlotFor(i, birth, false);
        ChildRec& child = children_[slot];
        Rng& crng = child.rng;
        EhcRec ehc;
        ehc.request = calendar_.OnOrAfter(request);
        const bool decision_on_time = crng.Chance(p.ehc.decision_on_time_percent / 100);
        ehc.decision = ehc.request.AddDays(decision_on_time ? crng.Between(20, 42) : crng.Between(43, 80));
        ehc.assess = crng.Chance(p.ehc.assess_percent / 100);
        if (ehc.assess && crng.Chance(p.ehc.plan_percent / 100)) {
          const bool plan_on_time = crng.Chance(p.ehc.plan_on_time_percent / 100);
          const int days = plan_on_time ? crng.Between(100, 140)
                                        : 140 + static_cast<int>(std::lround(
                                                    7 * std::max(0.2, p.ehc.plan_weeks_late.Sample(crng.Uniform()))));
          ehc.plan = ehc.request.AddDays(days);
        }
        child.ehc = ehc;
      }
    }
  }

  // Unaccompanied asylum-seeking children arrive from outside the birth cohorts.
  uasc_births_.reserve(uasc_count);
  const int32_t sim_days = spec_.as_at.DaysSince(spec_.simulation_start) + 1;
  for (uint32_t k = 0; k < uasc_count; ++k) {
    const uint32_t index = cohort_children_ + k;
    Rng rng(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), index, 0));
    const Date arrival =
        spec_.simulation_start.AddDays(static_cast<int32_t>(rng.Below(static_cast<uint32_t>(sim_days))));
    const double age_years = p.uasc.arrival_age_years.Sample(rng.Uniform());
    const Date birth = arrival.AddDays(-static_cast<int32_t>(std::lround(age_years * kDaysPerYear)));
    uasc_births_.push_back(birth);
    Push(arrival, kUascArrival, index);
  }
}

Date Council::BirthOf(uint32_t index) const {
  if (index >= cohort_children_) return uasc_births_[index - cohort_children_];
  return first_birth_.AddDays(static_cast<int32_t>((index + 0.5) * birth_spacing_days_));
}

void Council::Run(const std::function<void(Date)>& progress) {
  SeedPopulation();
  // The weekly HR cycle runs on Mondays.
  Date monday = spec_.simulation_start;
  while (monday.weekday() != Weekday::kMonday) monday = monday.AddDays(1);
  Push(monday, kHrCycle, 0);

  int reported_year = spec_.simulation_start.year();
  while (!queue_.empty()) {
    const QueuedEvent event = queue_.top();
    queue_.pop();
    const Date date = Date::FromDayNumber(event.day);
    if (date > spec_.as_at) break;
    if (progress && date.year() != reported_year) {
      reported_year = date.year();
      progress(date);
    }
    switch (static_cast<Order>(event.order)) {
      case kWorkerLeaves:
        OnWorkerLeaves(event.subject, date);
        break;
      case kServiceChange:
        OnServiceChange(event.subject, date, static_cast<Service>(event.service));
        break;
      case kReferral:
      case kUascArrival: {
        const bool uasc = event.order == kUascArrival;
        const uint32_t slot = SlotFor(event.subject, BirthOf(event.subject), uasc);
        OnReferral(slot, date, uasc);
        break;
      }
      case kHrCycle:
        OnHrCycle(date);
        Push(date.AddDays(7), kHrCycle, 0);
        break;
    }
  }
}

Status Council::Emit(const std::function<Status(model::Chronology&&)>& sink) {
  for (const ChildRec& child : children_) {
    std::optional<model::Chronology> chronology = Chronicle(child);
    if (!chronology) continue;
    CAIRN_RETURN_IF_ERROR(sink(std::move(*chronology)));
  }
  return Status::Ok();
}

void Council::AppendWorkforce(std::vector<model::Team>& teams, std::vector<model::Worker>& workers) const {
  static constexpr std::string_view kServiceIds[] = {
      "", "front-door", "assessment", "cin-cp", "children-in-care", "care-leavers", "disabled-children"};
  static constexpr std::string_view kServiceNames[] = {"",
                                                       "Front door (MASH)",
                                                       "Assessment",
                                                       "Child in need and protection",
                                                       "Children in care",
                                                       "Care leavers",
                                                       "Disabled children"};
  for (uint32_t t = 0; t < teams_.size(); ++t) {
    const auto service = static_cast<size_t>(teams_[t].service);
    teams.push_back({TeamId(t), std::string(kServiceNames[service]) + " team " + std::to_string(teams_[t].number),
                     std::string(kServiceIds[service])});
  }
  static constexpr std::string_view kRoles[] = {"social-worker", "team-manager", "personal-adviser"};
  for (uint32_t w = 0; w < workers_.size(); ++w) {
    const WorkerRec& rec = workers_[w];
    // A stream of the worker's own, so naming shifts no allocation or staffing draw.
    Rng naming(MixSeed(spec_.seed, static_cast<uint64_t>(spec_.number), rec.serial, 7));
    workers.push_back({WorkerId(w), DrawWorkerName(names_, naming), std::string(kRoles[static_cast<size_t>(rec.role)]),
                       TeamId(rec.team), rec.agency, rec.started, rec.left});
  }
}

}  // namespace cairn::simulate::internal
