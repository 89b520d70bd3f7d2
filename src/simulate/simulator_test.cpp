#include "simulate/simulator.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <unordered_map>

#include "base/clock.h"
#include "cli/commands.h"
#include "returns/cin_census/cin_census.h"
#include "returns/csv.h"
#include "returns/importer.h"
#include "returns/ssda903/ssda903.h"
#include "simulate/council.h"
#include "simulate/names.h"
#include "simulate/random.h"
#include "store/chronology_store.h"
#include "store/migrations.h"
#include "store/postcode_store.h"
#include "store/test_database.h"
#include "store/workforce_store.h"
#include "timescales/evaluator.h"
#include "validate/record.h"

namespace cairn::simulate {
namespace {

using model::Chronology;
using model::Event;
using model::EventKind;

const Date kAsAt = Date::FromYmdOrDie(2024, 3, 31);

struct SimRun {
  std::vector<Chronology> children;
  SimulationSummary summary;
};

SimRun Simulated(const std::string& profile_name, int64_t population, int years, uint64_t seed, int threads = 1) {
  Result<Profile> profile = LoadBuiltInProfile(profile_name);
  EXPECT_TRUE(profile.ok()) << profile.status().message();
  SimulationOptions options;
  options.population = population;
  options.years = years;
  options.seed = seed;
  options.as_at = kAsAt;
  options.threads = threads;
  SimRun run;
  Result<SimulationSummary> summary = Simulate(*profile, options, [&](Chronology&& child) {
    run.children.push_back(std::move(child));
    return Status::Ok();
  });
  EXPECT_TRUE(summary.ok()) << summary.status().message();
  if (summary.ok()) run.summary = std::move(summary).value();
  return run;
}

// One simulation of each size, shared by the tests that only read it.
//
// The calibration seed: at 200,000 children most figures move by 1-5 % between seeds, but "CP
// plans open 2+ years" rests on about 23 plans, so it moves by up to about 10 % (over seeds 1-12
// it ran from -5 % to +10 %; run DISABLED_SpreadOverSeeds to see them all). Seed 7 sits near the
// middle of every figure's spread.
const SimRun& England200k() {
  static const SimRun run = Simulated("england", 200000, 5, 7);
  return run;
}
const SimRun& England50k() {
  static const SimRun run = Simulated("england", 50000, 5, 11);
  return run;
}
const SimRun& Struggling50k() {
  static const SimRun run = Simulated("struggling", 50000, 5, 11);
  return run;
}
const SimRun& Small() {
  static const SimRun run = Simulated("struggling", 20000, 5, 7);
  return run;
}

// ---- The calibrated figures, computed from the chronologies by plain code ------------------
//
// Definitions (DfE, as in section 5 of ../shared/reference/facts/timescales-and-indicators.md),
// for the collection year ending on the as-at date (31 March) and the workforce census on the
// 30 September inside it:
//  * CIN, CP and CLA rates: children with a CIN episode / CP plan / looked-after episode open on
//    31 March (started on or before it, not ended by it), per 10,000 of the 0-17 population.
//  * Re-referrals: referrals (CIN episodes) starting in the year whose child had another referral
//    in the 12 months before, as a % of referrals in the year.
//  * Repeat CP: plans starting in the year with NumberOfPreviousCPP of 1 or more, as a % of plans
//    starting in the year (the DfE's "second or subsequent plan, ever").
//  * CP 2+ years: plans open on 31 March that started two years or more before, % of those open.
//  * 3+ placements: children looked after on 31 March with 3 or more placements in the year; a
//    placement is an episode overlapping the year, except a legal-status-only change (RNE L)
//    starting in the year, which continues the placement before it.
//  * Agency: agency social workers and managers in post on 30 September, % of all in post.
//  * Turnover: permanent social workers and managers who left in the 12 months to 30 September,
//    % of permanent ones in post on 30 September.
//  * Caseload: children allocated to a social worker on 30 September, divided by the social
//    workers in post then outside the front door (who hold no cases).
//  * 3+ social workers (reported, not calibrated): children looked after on 31 March who had 3 or
//    more different workers allocated during the year.
struct Figures {
  double cin_rate = 0, cp_rate = 0, cla_rate = 0, re_referral = 0, repeat_cp = 0, cp_two_years = 0,
         three_placements = 0, agency = 0, turnover = 0, caseload = 0;
  double three_workers = 0, referrals_per_10k = 0, assessments_in_45 = 0, icpc_in_15 = 0, cla_starts_per_10k = 0,
         cp_starts_per_10k = 0, s47_per_10k = 0, icpc_per_10k = 0;
};

bool OpenOn(const Event& event, Date date) { return event.start <= date && (!event.end || *event.end > date); }

Figures Measure(const SimRun& run, int64_t population) {
  const model::CollectionYear year = model::CollectionYear::Containing(kAsAt);
  const Date census = year.end();
  const Date workforce_day = Date::FromYmdOrDie(year.year - 1, 9, 30);
  Result<WorkingDayCalendar> calendar = WorkingDayCalendar::EnglandAndWales();
  Figures f;
  int64_t cin = 0, cp = 0, cla = 0, referrals = 0, re_referrals = 0, cp_starts = 0, repeat_starts = 0, cp_old = 0,
          three_placements = 0, three_workers = 0, assessments = 0, assessments_on_time = 0, icpcs = 0,
          icpcs_on_time = 0, cla_starts = 0, s47s = 0;
  std::unordered_map<std::string, int64_t> cases_by_worker;
  for (const Chronology& child : run.children) {
    bool in_need = false, protected_ = false, looked_after = false;
    std::vector<Date> referral_dates;
    int placements = 0;
    std::set<std::string> workers;
    for (const Event& event : child.events()) {
      switch (event.kind) {
        case EventKind::kCinEpisode:
          in_need |= OpenOn(event, census);
          referral_dates.push_back(event.start);
          break;
        case EventKind::kCpPlan:
          if (OpenOn(event, census)) {
            protected_ = true;
            if (event.start <= census.AddYears(-2)) ++cp_old;
          }
          if (year.Contains(event.start)) {
            ++cp_starts;
            if (event.Get("NumberOfPreviousCPP") != "0") ++repeat_starts;
          }
          break;
        case EventKind::kLookedAfterEpisode:
          looked_after |= OpenOn(event, census);
          if (event.start <= census && (!event.end || *event.end >= year.start())) {
            if (!(event.Get("RNE") == "L" && event.start >= year.start())) ++placements;
          }
          if (event.Get("RNE") == "S" && year.Contains(event.start)) ++cla_starts;
          break;
        case EventKind::kSocialWorkerAllocation:
          if (event.start <= census && (!event.end || *event.end >= year.start()))
            workers.insert(std::string(event.Get("SW_ID")));
          if (OpenOn(event, workforce_day)) ++cases_by_worker[std::string(event.Get("SW_ID"))];
          break;
        case EventKind::kAssessment:
          if (event.end && year.Contains(*event.end)) {
            ++assessments;
            const Event& episode = child.events()[static_cast<size_t>(event.parent)];
            if (*event.end <= calendar->Add(episode.start, 45)) ++assessments_on_time;
          }
          break;
        case EventKind::kSection47:
          if (year.Contains(event.start)) ++s47s;
          if (!event.Get("DateOfInitialCPC").empty()) {
            const Date icpc = *event.GetDate("DateOfInitialCPC");
            if (year.Contains(icpc)) {
              ++icpcs;
              if (icpc <= *event.GetDate("InitialCPCtarget")) ++icpcs_on_time;
            }
          }
          break;
        default:
          break;
      }
    }
    std::sort(referral_dates.begin(), referral_dates.end());
    for (size_t i = 0; i < referral_dates.size(); ++i) {
      if (!year.Contains(referral_dates[i])) continue;
      ++referrals;
      if (i > 0 && referral_dates[i - 1] >= referral_dates[i].AddMonths(-12)) ++re_referrals;
    }
    cin += in_need;
    cp += protected_;
    if (looked_after) {
      ++cla;
      if (placements >= 3) ++three_placements;
      if (workers.size() >= 3) ++three_workers;
    }
  }
  std::set<std::string> front_door_teams;
  for (const model::Team& team : run.summary.teams) {
    if (team.service == "front-door") front_door_teams.insert(team.id);
  }
  std::set<std::string> social_workers;
  int64_t in_post = 0, agency = 0, permanent = 0, permanent_leavers = 0, case_holders = 0;
  for (const model::Worker& worker : run.summary.workers) {
    if (worker.role == "personal-adviser") continue;
    const bool there = *worker.started <= workforce_day && (!worker.left || *worker.left > workforce_day);
    if (worker.role == "social-worker") social_workers.insert(worker.id);
    if (there) {
      ++in_post;
      agency += worker.agency;
      permanent += !worker.agency;
      if (worker.role == "social-worker" && !front_door_teams.contains(worker.team_id)) ++case_holders;
    }
    if (!worker.agency && worker.left && *worker.left <= workforce_day && *worker.left > workforce_day.AddYears(-1)) {
      ++permanent_leavers;
    }
  }
  int64_t cases = 0;
  for (const auto& [id, count] : cases_by_worker) {
    if (social_workers.contains(id)) cases += count;
  }
  const double per_10k = 10000.0 / static_cast<double>(population);
  auto percent = [](int64_t part, int64_t whole) {
    return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  };
  f.cin_rate = static_cast<double>(cin) * per_10k;
  f.cp_rate = static_cast<double>(cp) * per_10k;
  f.cla_rate = static_cast<double>(cla) * per_10k;
  f.re_referral = percent(re_referrals, referrals);
  f.repeat_cp = percent(repeat_starts, cp_starts);
  f.cp_two_years = percent(cp_old, cp);
  f.three_placements = percent(three_placements, cla);
  f.agency = percent(agency, in_post);
  f.turnover = percent(permanent_leavers, permanent);
  f.caseload = case_holders == 0 ? 0 : static_cast<double>(cases) / static_cast<double>(case_holders);
  f.three_workers = percent(three_workers, cla);
  f.referrals_per_10k = static_cast<double>(referrals) * per_10k;
  f.assessments_in_45 = percent(assessments_on_time, assessments);
  f.icpc_in_15 = percent(icpcs_on_time, icpcs);
  f.cla_starts_per_10k = static_cast<double>(cla_starts) * per_10k;
  f.cp_starts_per_10k = static_cast<double>(cp_starts) * per_10k;
  f.s47_per_10k = static_cast<double>(s47s) * per_10k;
  f.icpc_per_10k = static_cast<double>(icpcs) * per_10k;
  return f;
}

struct Row {
  const char* name;
  double target;
  double got;
};

std::vector<Row> Rows(const Calibration& c, const Figures& f) {
  return {{"CIN rate per 10k at 31 March", c.cin_rate_per_10k, f.cin_rate},
          {"CP rate per 10k at 31 March", c.cp_rate_per_10k, f.cp_rate},
          {"CLA rate per 10k at 31 March", c.cla_rate_per_10k, f.cla_rate},
          {"re-referrals within 12 months %", c.re_referral_percent, f.re_referral},
          {"CP starts second or later %", c.repeat_cp_percent, f.repeat_cp},
          {"CP at 31 March 2+ years %", c.cp_two_years_percent, f.cp_two_years},
          {"CLA with 3+ placements %", c.three_placements_percent, f.three_placements},
          {"agency social workers %", c.agency_percent, f.agency},
          {"turnover %", c.turnover_percent, f.turnover},
          {"caseload", c.caseload, f.caseload}};
}

void Print(const std::string& title, const Calibration& c, const Figures& f) {
  std::printf("%s\n", title.c_str());
  for (const Row& row : Rows(c, f)) {
    std::printf("  %-34s target %7.1f  got %7.1f  (%+5.1f %%)\n", row.name, row.target, row.got,
                row.target == 0 ? 0 : 100 * (row.got - row.target) / row.target);
  }
  const std::pair<const char*, double> others[] = {{"CLA with 3+ social workers %", f.three_workers},
                                                   {"referrals per 10k", f.referrals_per_10k},
                                                   {"assessments within 45 WD %", f.assessments_in_45},
                                                   {"ICPCs within 15 WD %", f.icpc_in_15},
                                                   {"starting care per 10k", f.cla_starts_per_10k},
                                                   {"CP plans starting per 10k", f.cp_starts_per_10k},
                                                   {"S47 enquiries per 10k", f.s47_per_10k},
                                                   {"ICPCs per 10k", f.icpc_per_10k}};
  for (const auto& [name, value] : others) std::printf("  %-34s %7.1f\n", name, value);
}

// ---- Calibration --------------------------------------------------------------------------

TEST(SimulationCalibration, EnglandLandsWithinTenPercentOfEachPublishedFigure) {
  const SimRun& run = England200k();
  Result<Profile> profile = LoadBuiltInProfile("england");
  ASSERT_TRUE(profile.ok());
  const Figures figures = Measure(run, 200000);
  Print("england, population 200,000, 5 years to " + kAsAt.ToIso(), profile->calibration, figures);
  for (const Row& row : Rows(profile->calibration, figures)) {
    EXPECT_NEAR(row.got, row.target, 0.10 * row.target) << row.name;
  }
}

// For recalibrating a profile: how far each figure moves between seeds. Run by hand:
//   CAIRN_PROFILE=england cairn_tests --gtest_also_run_disabled_tests
//     --gtest_filter='*DISABLED_SpreadOverSeeds'
TEST(SimulationCalibration, DISABLED_SpreadOverSeeds) {
  const char* name = std::getenv("CAIRN_PROFILE");
  const std::string profile_name = name ? name : "england";
  Result<Profile> profile = LoadBuiltInProfile(profile_name);
  ASSERT_TRUE(profile.ok());
  std::vector<std::vector<double>> values;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const Figures figures = Measure(Simulated(profile_name, 200000, 5, seed), 200000);
    std::vector<double> row;
    std::printf("  seed %2llu:", static_cast<unsigned long long>(seed));
    for (const Row& r : Rows(profile->calibration, figures)) {
      row.push_back(r.got);
      std::printf(" %+5.1f%%", 100 * (r.got - r.target) / r.target);
    }
    std::printf("\n");
    values.push_back(row);
  }
  const std::vector<Row> rows = Rows(profile->calibration, Figures{});
  for (size_t i = 0; i < rows.size(); ++i) {
    double lo = 1e9, hi = -1e9, sum = 0;
    for (const auto& row : values) {
      lo = std::min(lo, row[i]);
      hi = std::max(hi, row[i]);
      sum += row[i];
    }
    std::printf("  %-34s target %7.1f  mean %7.2f  min %7.2f  max %7.2f\n", rows[i].name, rows[i].target,
                sum / static_cast<double>(values.size()), lo, hi);
  }
}

TEST(SimulationCalibration, StrugglingCouncilIsWorseThanEngland) {
  Result<Profile> profile = LoadBuiltInProfile("struggling");
  ASSERT_TRUE(profile.ok());
  const Figures england = Measure(England50k(), 50000);
  const Figures struggling = Measure(Struggling50k(), 50000);
  Print("struggling, population 50,000, 5 years to " + kAsAt.ToIso(), profile->calibration, struggling);
  EXPECT_GT(struggling.cin_rate, england.cin_rate * 1.2);
  EXPECT_GT(struggling.cla_rate, england.cla_rate * 1.2);
  EXPECT_LT(struggling.assessments_in_45, england.assessments_in_45 - 10);
  EXPECT_LT(struggling.icpc_in_15, england.icpc_in_15 - 10);
  EXPECT_GT(struggling.cp_two_years, england.cp_two_years);
  EXPECT_NEAR(struggling.agency, 38, 4);
  EXPECT_NEAR(struggling.turnover, 20, 3);
  EXPECT_GT(struggling.three_workers, england.three_workers + 5);
}

// ---- Consistency of every chronology --------------------------------------------------------

void ExpectConsistent(const SimRun& run) {
  std::map<std::string, const model::Worker*> workers;
  for (const model::Worker& worker : run.summary.workers) workers[worker.id] = &worker;
  std::set<std::string> team_ids;
  for (const model::Team& team : run.summary.teams) team_ids.insert(team.id);
  std::set<std::string> child_ids;
  int failures = 0;
  auto fail = [&](const Chronology& child, const std::string& what) {
    if (++failures <= 200) ADD_FAILURE() << child.child().la_child_id << ": " << what;
  };
  for (const model::Worker& worker : run.summary.workers) {
    EXPECT_TRUE(team_ids.contains(worker.team_id)) << worker.id;
    if (worker.left) {
      EXPECT_GE(*worker.left, *worker.started) << worker.id;
    }
  }
  for (const Chronology& child : run.children) {
    const model::Child& c = child.child();
    EXPECT_TRUE(child_ids.insert(c.la_child_id).second) << "duplicate child id " << c.la_child_id;
    EXPECT_EQ(c.la_child_id.size(), 10u);
    ASSERT_TRUE(c.birth_date.has_value());
    const Date birth = *c.birth_date;
    if (!c.upn.empty()) {
      EXPECT_EQ(c.upn.size(), 13u);
      EXPECT_EQ(c.upn[0], internal::UpnCheckLetter(std::string_view(c.upn).substr(1))) << c.upn;
    }
    std::set<std::string> keys;
    const Event* last_episode = nullptr;
    const Event* last_allocation = nullptr;
    for (int32_t i = 0; i < static_cast<int32_t>(child.events().size()); ++i) {
      const Event& event = child.events()[static_cast<size_t>(i)];
      const std::string kind(model::IdOf(event.kind));
      if (event.start < birth) fail(child, kind + " before birth");
      if (event.start > kAsAt || (event.end && *event.end > kAsAt)) fail(child, kind + " after the as-at date");
      if (c.death_date && (event.start > *c.death_date || (event.end && *event.end > *c.death_date))) {
        fail(child, kind + " after death");
      }
      if (event.end && *event.end < event.start) fail(child, kind + " ends before it starts");
      if (!keys.insert(child.NaturalKey(i)).second) fail(child, "two events with one key: " + child.NaturalKey(i));
      if (event.provenance.source != "simulation") fail(child, kind + " has source " + event.provenance.source);
      // Fields are the kind's own, in its order.
      const auto specs = model::Spec(event.kind).fields;
      size_t rank = 0;
      for (const model::Field& field : event.fields) {
        size_t found = specs.size();
        for (size_t s = 0; s < specs.size(); ++s) {
          if (specs[s].name == field.name) found = s;
        }
        if (found == specs.size() || found < rank)
          fail(child, kind + " field " + field.name + " unknown or out of order");
        rank = found;
        if (field.value.empty()) fail(child, kind + " has an empty field " + field.name);
      }
      if (event.parent >= 0) {
        const Event& parent = child.events()[static_cast<size_t>(event.parent)];
        if (event.start < parent.start || (parent.end && event.start > *parent.end)) {
          fail(child, kind + " outside its " + std::string(model::IdOf(parent.kind)));
        }
        if (event.kind != EventKind::kCpReview && parent.end && event.end && *event.end > *parent.end) {
          fail(child, kind + " ends after its " + std::string(model::IdOf(parent.kind)));
        }
        if (!model::Spec(event.kind).end_field.empty() && parent.end && !event.end) {
          fail(child, kind + " open in a closed parent");
        }
      }
      switch (event.kind) {
        case EventKind::kLookedAfterEpisode: {
          // One placement at a time; episodes of a period of care chain with X1.
          if (last_episode) {
            if (!last_episode->end)
              fail(child, "an episode follows an open one");
            else if (event.start < *last_episode->end)
              fail(child, "episodes overlap at " + event.start.ToIso());
            else if (event.start == *last_episode->end) {
              if (last_episode->Get("REC") != "X1")
                fail(child, "a continuing episode after REC " + std::string(last_episode->Get("REC")));
              if (event.Get("RNE") == "S") fail(child, "RNE S the day the last episode ended");
            } else if (event.Get("RNE") != "S") {
              fail(child, "a new period of care not starting with S");
            }
          } else if (event.Get("RNE") != "S") {
            // The first episode told may continue a period; only a first-ever one must be S.
          }
          if (last_episode && last_episode->end && event.start > *last_episode->end &&
              last_episode->Get("REC") == "X1") {
            fail(child, "REC X1 with no episode following");
          }
          const int age = event.start.AgeInYears(birth);
          const std::string_view ls = event.Get("LS");
          if (age >= 18) fail(child, "looked after at 18");
          if ((ls == "J1" || ls == "J2" || ls == "J3") && age < 10) fail(child, "remanded under 10");
          if (ls == "E1" && age >= 18) fail(child, "placement order at 18");
          if (event.end && !event.Get("REC").empty()) {
            const int age_out = event.end->AgeInYears(birth);
            const std::string_view rec = event.Get("REC");
            if ((rec == "E11" || rec == "E12" || rec == "E45" || rec == "E46") && age_out >= 18)
              fail(child, "adopted or SGO at 18");
            if ((rec == "E5" || rec == "E6") && age_out < 14) fail(child, "independent living under 14");
            if (rec == "E17" && age_out < 18) fail(child, "staying put under 18");
          }
          if (event.Get("PLACE") == "P1" && event.Get("PLACE_PROVIDER") != "PR0") fail(child, "P1 without PR0");
          if (event.Get("PLACE") != "P1" && event.Get("PLACE_PROVIDER") == "PR0") fail(child, "PR0 without P1");
          last_episode = &event;
          break;
        }
        case EventKind::kSocialWorkerAllocation: {
          if (last_allocation && (!last_allocation->end || event.start < *last_allocation->end)) {
            fail(child, "two allocations at once on " + event.start.ToIso());
          }
          last_allocation = &event;
          auto found = workers.find(std::string(event.Get("SW_ID")));
          if (found == workers.end()) {
            fail(child, "allocated to an unknown worker " + std::string(event.Get("SW_ID")));
            break;
          }
          const model::Worker& worker = *found->second;
          if (*worker.started > event.start || (worker.left && (!event.end || *event.end > *worker.left))) {
            fail(child, "allocated to " + worker.id + " outside their employment");
          }
          break;
        }
        case EventKind::kSupervision: {
          auto found = workers.find(std::string(event.Get("manager_id")));
          if (found == workers.end() || found->second->role != "team-manager" ||
              *found->second->started > event.start || (found->second->left && *found->second->left < event.start)) {
            fail(child, "supervision by someone not managing on " + event.start.ToIso());
          }
          break;
        }
        case EventKind::kClaReview: {
          const bool under_four = event.start.AgeInYears(birth) < 4;
          if (under_four != (event.Get("REVIEW_CODE") == "PN0"))
            fail(child, "review participation code does not match age");
          break;
        }
        case EventKind::kCpPlan:
        case EventKind::kCinEpisode:
          if (event.start.AgeInYears(birth) >= 18) fail(child, kind + " for an adult");
          break;
        default:
          break;
      }
    }
    // UASC: ceased on the 18th birthday.
    if (c.uasc) {
      EXPECT_EQ(c.uasc_ceased, birth.AddYears(18)) << c.la_child_id;
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(SimulationConsistency, EnglandChronologiesAreInternallyConsistent) { ExpectConsistent(England50k()); }

TEST(SimulationConsistency, StrugglingChronologiesAreInternallyConsistent) { ExpectConsistent(Small()); }

TEST(SimulationConsistency, CountsAndSummaryAgree) {
  const SimRun& run = Small();
  int64_t events = 0;
  for (const Chronology& child : run.children) events += static_cast<int64_t>(child.events().size());
  EXPECT_EQ(run.summary.children, static_cast<int64_t>(run.children.size()));
  EXPECT_EQ(run.summary.events, events);
  EXPECT_EQ(run.summary.as_at, kAsAt);
  EXPECT_EQ(run.summary.window_start, Date::FromYmdOrDie(2019, 4, 1));
  EXPECT_GT(run.children.size(), 1000u);
  // Every kind the timescales engine reads is there.
  std::set<EventKind> kinds;
  for (const Chronology& child : run.children) {
    for (const Event& event : child.events()) kinds.insert(event.kind);
  }
  for (EventKind kind : {EventKind::kCinEpisode,
                         EventKind::kAssessment,
                         EventKind::kCinPlan,
                         EventKind::kSection47,
                         EventKind::kCpPlan,
                         EventKind::kCpReview,
                         EventKind::kLookedAfterEpisode,
                         EventKind::kClaReview,
                         EventKind::kMissing,
                         EventKind::kHealthOutcomes,
                         EventKind::kCareLeaverOutcomes,
                         EventKind::kAdoptionDecision,
                         EventKind::kPlacedForAdoption,
                         EventKind::kPreviousPermanence,
                         EventKind::kSocialWorkerAllocation,
                         EventKind::kStrategyDiscussion,
                         EventKind::kInitialCpConference,
                         EventKind::kCoreGroup,
                         EventKind::kVisit,
                         EventKind::kSupervision,
                         EventKind::kHealthAssessment,
                         EventKind::kPersonalEducationPlan,
                         EventKind::kPathwayPlan,
                         EventKind::kCareLeaverContact,
                         EventKind::kReturnInterview,
                         EventKind::kEhcRequest,
                         EventKind::kEhcPlan}) {
    EXPECT_TRUE(kinds.contains(kind)) << model::IdOf(kind);
  }
}

// ---- Determinism and the returns ---------------------------------------------------------

// Compares two (large) texts without gtest's line diff, which needs memory quadratic in their size.
void ExpectSameText(const std::string& got, const std::string& want, const std::string& what) {
  if (got == want) return;
  size_t at = 0;
  while (at < got.size() && at < want.size() && got[at] == want[at]) ++at;
  const size_t from = at > 300 ? at - 300 : 0;
  ADD_FAILURE() << what << " differs at byte " << at << ":\n--- got:\n"
                << got.substr(from, 600) << "\n--- want:\n"
                << want.substr(from, 600);
}

// Puts chronologies back in the order of `reference` (by LA child id).
void InOrderOf(const std::vector<Chronology>& reference, std::vector<Chronology>& children) {
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < reference.size(); ++i) order[reference[i].child().la_child_id] = i;
  std::stable_sort(children.begin(), children.end(), [&](const Chronology& a, const Chronology& b) {
    return order[a.child().la_child_id] < order[b.child().la_child_id];
  });
}

// The simulator records adoption as the SSDA903 does (PlacedAdoption for the decision, an A5 or
// A6 episode for the placement), so the timescales engine's adoption signals fire for children
// still waiting, as the DfE's scorecard thresholds (426 and 121 days) say many do.
TEST(SimulationTimescales, ChildrenWaitingForAdoptionRaiseTheAdoptionSignals) {
  const WorkingDayCalendar calendar = WorkingDayCalendar::EnglandAndWales().value();
  const timescales::Evaluator evaluator =
      timescales::Evaluator::Create(timescales::RuleSet::England(calendar).value(), calendar).value();
  std::map<std::string, int> children_with;
  for (const Chronology& child : England50k().children) {
    const timescales::ChildEvaluation result = evaluator.Evaluate(child, kAsAt);
    for (const timescales::DriftSignal& signal : result.signals) {
      ++children_with[evaluator.rules().signals()[signal.signal].id];
    }
  }
  EXPECT_GT(children_with["drift.adoption-entry-to-placement-426d"], 0);
  EXPECT_GT(children_with["drift.adoption-order-to-match-121d"], 0);
}

struct Exports {
  std::vector<returns::Ssda903CsvText> ssda903;
  std::string cin_census;
};

Exports Export(const std::vector<Chronology>& children, int year) {
  Exports exports;
  Result<std::vector<returns::Ssda903CsvText>> tables = returns::FormatSsda903Csv(children, year);
  EXPECT_TRUE(tables.ok()) << tables.status().message();
  if (tables.ok()) exports.ssda903 = std::move(tables).value();
  returns::cin_census::WriteOptions options;
  options.lea = "999";
  options.date_time = "2024-05-01T09:00:00";
  Result<std::string> xml = returns::cin_census::WriteCinCensusText(children, year, options);
  EXPECT_TRUE(xml.ok()) << xml.status().message();
  if (xml.ok()) exports.cin_census = std::move(xml).value();
  return exports;
}

TEST(SimulationDeterminism, SameSeedGivesByteIdenticalReturnsAndOtherSeedsDiffer) {
  const SimRun a = Simulated("england", 20000, 3, 42);
  const SimRun b = Simulated("england", 20000, 3, 42);
  const SimRun c = Simulated("england", 20000, 3, 43);
  const Exports ea = Export(a.children, 2024);
  const Exports eb = Export(b.children, 2024);
  const Exports ec = Export(c.children, 2024);
  ASSERT_EQ(ea.ssda903.size(), 12u);
  ASSERT_EQ(eb.ssda903.size(), 12u);
  for (size_t i = 0; i < ea.ssda903.size(); ++i)
    ExpectSameText(eb.ssda903[i].text, ea.ssda903[i].text, ea.ssda903[i].name);
  ExpectSameText(eb.cin_census, ea.cin_census, "CIN census");
  EXPECT_TRUE(ea.ssda903 != ec.ssda903);
  EXPECT_TRUE(ea.cin_census != ec.cin_census);
  EXPECT_EQ(a.summary.workers, b.summary.workers);
  // Something in every table that should have rows.
  for (const returns::Ssda903CsvText& table : ea.ssda903) {
    const auto lines = std::count(table.text.begin(), table.text.end(), '\n');
    if (table.name != "dolo.csv") {
      EXPECT_GT(lines, 1) << table.name << " has no rows";
    }
  }
}

TEST(SimulationDeterminism, ThreadsAndCouncilSplittingNeverChangeTheResult) {
  // Above split_above the population is split into councils; the threads running them must not
  // change a byte.
  Result<Profile> profile = LoadBuiltInProfile("england");
  ASSERT_TRUE(profile.ok());
  auto digest = [&](int threads) {
    SimulationOptions options;
    options.population = 25000;
    options.split_above = 20000;
    options.council_population = 5000;
    options.years = 2;
    options.seed = 5;
    options.as_at = kAsAt;
    options.threads = threads;
    uint64_t hash = 1469598103934665603ULL;
    auto mix = [&](std::string_view text) {
      for (char ch : text) hash = (hash ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
    };
    std::set<std::string> ids;
    Result<SimulationSummary> summary = Simulate(*profile, options, [&](Chronology&& child) {
      EXPECT_TRUE(ids.insert(child.child().la_child_id).second) << child.child().la_child_id;
      mix(child.child().la_child_id);
      for (const Event& event : child.events()) {
        mix(model::IdOf(event.kind));
        mix(event.start.ToIso());
        for (const model::Field& field : event.fields) mix(field.value);
      }
      return Status::Ok();
    });
    EXPECT_TRUE(summary.ok());
    EXPECT_EQ(summary->councils, 5);
    std::set<std::string> worker_ids;
    for (const model::Worker& worker : summary->workers) {
      EXPECT_TRUE(worker_ids.insert(worker.id).second) << worker.id;
      mix(worker.id);
    }
    return hash;
  };
  EXPECT_EQ(digest(1), digest(3));
}

TEST(SimulationExports, ReturnsImportBackUnchanged) {
  const SimRun& run = Small();
  const int year = 2024;
  const Exports original = Export(run.children, year);

  // Read both returns back, as the importer does, and write them again.
  Result<returns::ImportBatch> ssda903 = returns::ReadSsda903CsvTexts(original.ssda903, year);
  ASSERT_TRUE(ssda903.ok()) << ssda903.status().message();
  EXPECT_TRUE(ssda903->rejected.empty()) << ssda903->rejected.front().ToString();
  Result<returns::ImportBatch> cin = returns::cin_census::ReadCinCensusText(original.cin_census, "cin.xml");
  ASSERT_TRUE(cin.ok()) << cin.status().message();
  EXPECT_TRUE(cin->rejected.empty()) << cin->rejected.front().ToString();
  std::vector<returns::Problem> findings;
  std::vector<Chronology> merged = ssda903->children;
  merged.insert(merged.end(), cin->children.begin(), cin->children.end());
  merged = returns::MergeChildren(std::move(merged), findings);
  for (Chronology& child : merged) child.Sort();
  InOrderOf(run.children, merged);
  const Exports again = Export(merged, year);
  ASSERT_EQ(again.ssda903.size(), original.ssda903.size());
  for (size_t i = 0; i < original.ssda903.size(); ++i) {
    ExpectSameText(again.ssda903[i].text, original.ssda903[i].text, original.ssda903[i].name);
  }
  ExpectSameText(again.cin_census, original.cin_census, "CIN census");
}

// ---- Issue 13: the DfE's validation rules that Cairn's own returns used to fail -----------------

// One SSDA903 table of an export, each row a map from column to value.
std::vector<std::map<std::string, std::string>> TableOf(const Exports& exports, std::string_view name) {
  std::vector<std::map<std::string, std::string>> rows;
  for (const returns::Ssda903CsvText& file : exports.ssda903) {
    if (file.name != name) continue;
    Result<CsvTable> table = ParseCsv(file.text, file.name);
    EXPECT_TRUE(table.ok()) << table.status().message();
    if (!table.ok()) break;
    for (const CsvRecord& record : table->records) {
      std::map<std::string, std::string>& row = rows.emplace_back();
      for (size_t i = 0; i < record.fields.size(); ++i) row[table->header[i]] = record.fields[i];
    }
  }
  return rows;
}

std::optional<Date> Dmy(const std::string& text) {
  Result<Date> date = Date::ParseDmy(text);
  return date.ok() ? std::optional<Date>(*date) : std::nullopt;
}

// Social worker episodes (DfE rules SW02STG1, SW01bSTG1, SW13STG1, SW10STG2, SW11bSTG2): ids
// shaped like a Social Work England number, a reason on every episode saying why the worker's
// episode began, a change of worker within 7 days of the last one ending unless it is a new start
// (FCONTA), and a worker for every child in care on 31 March.
TEST(SimulationExports, SocialWorkerEpisodesMeetTheDfeRules) {
  const Exports exports = Export(Small().children, 2024);
  const std::set<std::string> reasons = {"MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC",
                                         "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS"};
  std::map<std::string, std::vector<std::map<std::string, std::string>>> by_child;
  const auto sw_episodes = TableOf(exports, "sw_episodes.csv");
  ASSERT_GT(sw_episodes.size(), 300u);
  std::map<std::string, int> reason_count;
  for (const auto& row : sw_episodes) {
    EXPECT_EQ(row.at("SW_ID").substr(0, 2), "SW") << row.at("CHILD");
    EXPECT_TRUE(reasons.contains(row.at("SW_REASON"))) << row.at("CHILD") << " '" << row.at("SW_REASON") << "'";
    ++reason_count[row.at("SW_REASON")];
    by_child[row.at("CHILD")].push_back(row);
  }
  EXPECT_GT(reason_count["LEFTRL"], 0);
  EXPECT_GT(reason_count["TSPROC"], 0);
  for (auto& [child, rows] : by_child) {
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return *Dmy(a.at("SW_DECOM")) < *Dmy(b.at("SW_DECOM"));
    });
    for (size_t i = 1; i < rows.size(); ++i) {
      if (rows[i].at("SW_REASON") == "FCONTA") continue;
      const std::optional<Date> ended = Dmy(rows[i - 1].at("SW_DEC"));
      ASSERT_TRUE(ended.has_value()) << child;
      EXPECT_LE(std::abs(Dmy(rows[i].at("SW_DECOM"))->DaysSince(*ended)), 7) << child;
    }
  }
  int in_care = 0;
  for (const auto& row : TableOf(exports, "episodes.csv")) {
    if (!row.at("DEC").empty()) continue;
    ++in_care;
    const auto& rows = by_child[row.at("CHILD")];
    EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [](const auto& sw) { return sw.at("SW_DEC").empty(); }))
        << row.at("CHILD") << " is looked after on 31 March with no social worker";
  }
  EXPECT_GT(in_care, 100);
}

// Episodes (DfE rules 218, 361, 435, 436): an Ofsted number wherever the placement type needs
// one; police protection no longer than 72 hours; a change of placement (P, T) keeps the legal
// status and a change of both (U, B) does not, and both move something about the placement.
TEST(SimulationExports, CareEpisodesMeetTheDfeRules) {
  const Exports exports = Export(Small().children, 2024);
  const std::set<std::string> no_urn = {"P1", "P3", "R1", "R2", "R5", "T0", "T1",
                                        "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"};
  std::map<std::string, std::vector<std::map<std::string, std::string>>> by_child;
  for (const auto& row : TableOf(exports, "episodes.csv")) {
    if (!no_urn.contains(row.at("PLACE"))) {
      EXPECT_FALSE(row.at("URN").empty()) << row.at("CHILD") << " " << row.at("PLACE");
    }
    by_child[row.at("CHILD")].push_back(row);
  }
  std::map<std::string, int> reasons;
  for (const auto& [child, rows] : by_child) {
    std::optional<Date> police_from;
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& row = rows[i];
      if (row.at("LS") == "L1") {
        if (!police_from) police_from = Dmy(row.at("DECOM"));
        const Date until = Dmy(row.at("DEC")).value_or(Date::FromYmdOrDie(2024, 3, 31));
        EXPECT_LE(until.DaysSince(*police_from), 3) << child << ": police protection from " << police_from->ToIso();
      } else {
        police_from.reset();
      }
      if (i == 0) continue;
      const auto& before = rows[i - 1];
      const std::string& rne = row.at("RNE");
      ++reasons[rne];
      const bool placement_moved = before.at("PLACE") != row.at("PLACE") || before.at("PL_POST") != row.at("PL_POST") ||
                                   before.at("URN") != row.at("URN") ||
                                   before.at("PLACE_PROVIDER") != row.at("PLACE_PROVIDER");
      if (rne == "P" || rne == "T") {
        EXPECT_TRUE(placement_moved) << child << " " << row.at("DECOM");
        EXPECT_EQ(before.at("LS"), row.at("LS")) << child << " " << row.at("DECOM") << " RNE " << rne;
      } else if (rne == "U" || rne == "B") {
        EXPECT_TRUE(placement_moved) << child << " " << row.at("DECOM");
        EXPECT_NE(before.at("LS"), row.at("LS")) << child << " " << row.at("DECOM") << " RNE " << rne;
      }
    }
  }
  for (const char* rne : {"P", "T", "L"}) EXPECT_GT(reasons[rne], 0) << rne;
}

// Sex (DfE rule 232): every child in the SSDA903 has one recorded, though the CIN census has
// children whose sex is not known.
TEST(SimulationExports, EveryChildLookedAfterHasARecordedSex) {
  int children = 0;
  for (const auto& row : TableOf(Export(Small().children, 2024), "header.csv")) {
    ++children;
    EXPECT_TRUE(row.at("SEX") == "M" || row.at("SEX") == "F") << row.at("CHILD") << " SEX " << row.at("SEX");
  }
  EXPECT_GT(children, 50);
}

// Health outcomes and missing episodes (DfE rules 197B, 158, 580): an SDQ or the reason for none
// for every child 4 to 17 on 31 March; whether an intervention was offered left blank when one was
// received; no missing episode ending on the day care ends (the child would leave care missing).
TEST(SimulationExports, HealthOutcomesAndMissingEpisodesMeetTheDfeRules) {
  int outcomes = 0;
  int missing_episodes = 0;
  for (int year : {2023, 2024}) {
    const Exports exports = Export(Small().children, year);
    const Date census = Date::FromYmdOrDie(year, 3, 31);
    for (const auto& row : TableOf(exports, "oc2.csv")) {
      ++outcomes;
      const std::optional<Date> dob = Dmy(row.at("DOB"));
      ASSERT_TRUE(dob.has_value()) << row.at("CHILD");
      const int age = census.AgeInYears(*dob);
      if (age >= 4 && age <= 17) {
        EXPECT_FALSE(row.at("SDQ_SCORE").empty() && row.at("SDQ_REASON").empty()) << row.at("CHILD") << " aged " << age;
      }
      if (row.at("INTERVENTION_RECEIVED") == "1") {
        EXPECT_EQ(row.at("INTERVENTION_OFFERED"), "") << row.at("CHILD");
      }
    }
    std::map<std::string, std::set<std::string>> care_ends;  // child -> DEC of episodes not ending E8
    for (const auto& row : TableOf(exports, "episodes.csv")) {
      if (!row.at("DEC").empty() && row.at("REC") != "E8" && row.at("REC") != "X1") {
        care_ends[row.at("CHILD")].insert(row.at("DEC"));
      }
    }
    for (const auto& row : TableOf(exports, "missing.csv")) {
      ++missing_episodes;
      const auto ends = care_ends.find(row.at("CHILD"));
      if (ends == care_ends.end() || row.at("MIS_END").empty()) continue;
      EXPECT_FALSE(ends->second.contains(row.at("MIS_END"))) << row.at("CHILD") << " missing until care ends, "
                                                               << row.at("MIS_END");
    }
  }
  EXPECT_GT(outcomes, 20);
  EXPECT_GT(missing_episodes, 5);
}

// Adopters (DfE rules 514, 518-520, 524): a single adopter L0 (M1, F1); married L11 (MF) or L12
// (MM, FF); civil partners L4 (MM, FF); another couple L2.
TEST(SimulationExports, AdoptersLegalStatusFitsTheirNumberAndSex) {
  const std::map<std::string, std::set<std::string>> allowed = {
      {"L0", {"M1", "F1"}}, {"L11", {"MF"}}, {"L12", {"MM", "FF"}}, {"L4", {"MM", "FF"}}, {"L2", {"MM", "FF", "MF"}}};
  std::map<std::string, int> seen;
  for (int year : {2023, 2024}) {
    for (const auto& row : TableOf(Export(Small().children, year), "ad1.csv")) {
      const std::string& status = row.at("LS_ADOPTR");
      ++seen[status];
      ASSERT_TRUE(allowed.contains(status)) << row.at("CHILD") << " LS_ADOPTR " << status;
      EXPECT_TRUE(allowed.at(status).contains(row.at("SEX_ADOPTR")))
          << row.at("CHILD") << " " << status << " with " << row.at("SEX_ADOPTR");
      EXPECT_EQ(row.at("NB_ADOPTR"), status == "L0" ? "1" : "2") << row.at("CHILD");
    }
  }
  EXPECT_GT(seen["L0"], 0);
  EXPECT_GT(seen["L11"], 0);
}

// Real postcodes (cairn simulate --postcodes): every home and placement postcode is one of the
// council's own or of its region's, the council's own provision is in its own area (DfE rule
// 1015), and nothing but the postcodes differs from the same council with made-up ones.
TEST(SimulationExports, RealPostcodesChangeOnlyThePostcodes) {
  auto postcodes = std::make_shared<geography::RegionPostcodes>();
  for (int sector = 1; sector <= 9; ++sector) {
    for (const char* unit : {"AA", "AB", "BD", "EF", "GH", "JL", "NP", "QR", "ST", "UW", "XY", "ZZ"}) {
      postcodes->council.push_back("L20 " + std::to_string(sector) + unit);
      postcodes->rest_of_region.push_back("BB11 " + std::to_string(sector) + unit);
    }
  }
  std::sort(postcodes->council.begin(), postcodes->council.end());
  std::sort(postcodes->rest_of_region.begin(), postcodes->rest_of_region.end());
  Result<Profile> profile = LoadBuiltInProfile("struggling");
  ASSERT_TRUE(profile.ok());
  auto simulate = [&](std::shared_ptr<const geography::RegionPostcodes> real) {
    SimulationOptions options;
    options.population = 8000;
    options.years = 2;
    options.seed = 3;
    options.as_at = kAsAt;
    options.la_code = "343";
    options.postcodes = std::move(real);
    std::vector<Chronology> children;
    Result<SimulationSummary> summary = Simulate(*profile, options, [&](Chronology&& child) {
      children.push_back(std::move(child));
      return Status::Ok();
    });
    EXPECT_TRUE(summary.ok()) << summary.status().message();
    return children;
  };
  const std::vector<Chronology> made_up = simulate(nullptr);
  const std::vector<Chronology> real = simulate(postcodes);
  ASSERT_EQ(made_up.size(), real.size());
  auto is_postcode = [](const std::string& name) { return name == "HOME_POST" || name == "PL_POST"; };
  int postcodes_seen = 0;
  for (std::size_t i = 0; i < real.size(); ++i) {
    ASSERT_EQ(made_up[i].child().la_child_id, real[i].child().la_child_id);
    ASSERT_EQ(made_up[i].events().size(), real[i].events().size()) << real[i].child().la_child_id;
    for (std::size_t e = 0; e < real[i].events().size(); ++e) {
      const Event& a = made_up[i].events()[e];
      const Event& b = real[i].events()[e];
      ASSERT_EQ(model::IdOf(a.kind), model::IdOf(b.kind));
      ASSERT_EQ(a.start, b.start);
      ASSERT_EQ(a.fields.size(), b.fields.size());
      for (std::size_t f = 0; f < a.fields.size(); ++f) {
        ASSERT_EQ(a.fields[f].name, b.fields[f].name);
        if (is_postcode(a.fields[f].name)) {
          if (!b.fields[f].value.empty()) ++postcodes_seen;
        } else {
          ASSERT_EQ(a.fields[f].value, b.fields[f].value) << real[i].child().la_child_id << " " << a.fields[f].name;
        }
      }
    }
  }
  EXPECT_GT(postcodes_seen, 100);
  auto in = [](const std::vector<std::string>& list, const std::string& postcode) {
    return std::binary_search(list.begin(), list.end(), postcode);
  };
  const auto episodes = TableOf(Export(real, 2024), "episodes.csv");
  ASSERT_FALSE(episodes.empty());
  int in_area = 0;
  int out_of_area = 0;
  for (const auto& row : episodes) {
    const std::string& home = row.at("HOME_POST");
    const std::string& placed = row.at("PL_POST");
    if (!home.empty()) {
      EXPECT_TRUE(in(postcodes->council, home)) << row.at("CHILD") << " HOME_POST " << home;
    }
    if (placed.empty()) continue;
    const bool own_area = in(postcodes->council, placed);
    EXPECT_TRUE(own_area || in(postcodes->rest_of_region, placed)) << row.at("CHILD") << " PL_POST " << placed;
    if (row.at("PLACE_PROVIDER") == "PR1") {
      EXPECT_TRUE(own_area) << row.at("CHILD") << " PR1 at " << placed;
    }
    ++(own_area ? in_area : out_of_area);
  }
  EXPECT_GT(in_area, 0);
  EXPECT_GT(out_of_area, 0);
  // Made up, the council's own provision is in the council's made-up area (XH) too.
  for (const auto& row : TableOf(Export(made_up, 2024), "episodes.csv")) {
    if (row.at("PLACE_PROVIDER") == "PR1") {
      EXPECT_TRUE(row.at("PL_POST").starts_with("XH")) << row.at("CHILD");
    }
  }
}

// Motherhood (DfE rules 393, 607, 628): every girl looked after in the year has MOTHER (it was
// given only from 12), and a care leaver in the return for OC3 alone has none.
TEST(SimulationExports, MotherhoodIsGivenForGirlsLookedAfterInTheYear) {
  const Exports exports = Export(Small().children, 2024);
  std::set<std::string> looked_after;
  for (const auto& row : TableOf(exports, "episodes.csv")) looked_after.insert(row.at("CHILD"));
  int girls = 0, leavers = 0;
  for (const auto& row : TableOf(exports, "header.csv")) {
    if (!looked_after.contains(row.at("CHILD"))) {
      ++leavers;
      EXPECT_EQ(row.at("MOTHER"), "") << row.at("CHILD");
    } else if (row.at("SEX") == "F") {
      ++girls;
      EXPECT_EQ(row.at("MOTHER"), "0") << row.at("CHILD");
    }
  }
  EXPECT_GT(girls, 100);
  EXPECT_GT(leavers, 10);
}

// OC3 (DfE rule 1016): a young person who turned 18 in the year and was looked after on their
// birthday is not in that year's cohort (they are from 19).
TEST(SimulationExports, CareLeaversAreInTheOc3CohortOnlyWhenTheReturnWantsThem) {
  const Exports exports = Export(Small().children, 2024);
  std::map<std::string, std::vector<Date>> ends;
  for (const auto& row : TableOf(exports, "episodes.csv")) {
    if (std::optional<Date> dec = Dmy(row.at("DEC"))) ends[row.at("CHILD")].push_back(*dec);
  }
  const Date census = Date::FromYmdOrDie(2024, 3, 31);
  const auto oc3 = TableOf(exports, "oc3.csv");
  ASSERT_GT(oc3.size(), 20u);
  for (const auto& row : oc3) {
    const Date birth = *Dmy(row.at("DOB"));
    if (census.AgeInYears(birth) != 18) continue;
    for (Date dec : ends[row.at("CHILD")]) EXPECT_LT(dec, birth.AddYears(18)) << row.at("CHILD");
  }
}

// The CIN census (DfE rules 2990, 4016 and query 8675Q): a case closed RC8 or RC9 had an
// assessment and nothing after it; a CIN plan never starts inside a CP plan; and an enquiry
// whose conference target is long past has its conference or is marked as needing none.
TEST(SimulationExports, CinCensusMeetsTheDfeRules) {
  const Exports exports = Export(Small().children, 2024);
  Result<returns::ImportBatch> read = returns::cin_census::ReadCinCensusText(exports.cin_census, "cin.xml");
  ASSERT_TRUE(read.ok()) << read.status().message();
  const Date census = Date::FromYmdOrDie(2024, 3, 31);
  int closed_after_assessment = 0, enquiries = 0;
  for (const Chronology& child : read->children) {
    const std::string& id = child.child().la_child_id;
    const std::vector<Event>& events = child.events();
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& event = events[i];
      if (event.kind == EventKind::kCinEpisode &&
          (event.Get("ReasonForClosure") == "RC8" || event.Get("ReasonForClosure") == "RC9")) {
        ++closed_after_assessment;
        EXPECT_TRUE(event.Get("DateOfInitialCPC").empty()) << id;
        for (const Event& module : events) {
          if (module.parent != static_cast<int32_t>(i)) continue;
          EXPECT_TRUE(module.kind == EventKind::kAssessment) << id << ": " << model::IdOf(module.kind);
        }
      }
      if (event.kind == EventKind::kCinPlan) {
        for (const Event* plan : child.OfKind(EventKind::kCpPlan)) {
          const bool inside = event.start >= plan->start && (plan->end ? event.start < *plan->end : true);
          EXPECT_FALSE(inside) << id << ": CIN plan from " << event.start.ToIso() << " inside a CP plan";
        }
      }
      if (event.kind == EventKind::kSection47) {
        ++enquiries;
        if (!event.Get("DateOfInitialCPC").empty() || event.Get("ICPCnotRequired") != "false") continue;
        const std::optional<Date> target = event.GetDate("InitialCPCtarget");
        ASSERT_TRUE(target.has_value()) << id;
        // A late conference can still be to come, but not three months after its target.
        EXPECT_GT(target->AddDays(90), census) << id << ": enquiry from " << event.start.ToIso() << " undecided";
      }
    }
  }
  EXPECT_GT(closed_after_assessment, 100);
  EXPECT_GT(enquiries, 100);
}

// Cairn's own returns pass its validator: every DfE rule of both returns, on the record as
// `cairn validate --db` checks it, for the last two collection years of eight councils of each
// profile (15,000 children; seeds 1 to 40 were tried when this test was written), raises no
// error (queries are allowed: src/simulate/README.md lists those synthetic practice raises,
// and why). Without a postcode directory the placement distance rules do not
// run; SimulationExports.RealPostcodesChangeOnlyThePostcodes covers the postcodes.
TEST(SimulationExports, TheRecordRaisesNoDfeValidationError) {
  const Date as_at = Date::FromYmdOrDie(2026, 3, 31);
  std::vector<std::pair<std::string, uint64_t>> councils;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    councils.emplace_back("struggling", seed);
    councils.emplace_back("england", seed);
  }
  for (const auto& [profile_name, seed] : councils) {
    SCOPED_TRACE(fmt::format("{} council, seed {}", profile_name, seed));
    Result<Profile> profile = LoadBuiltInProfile(profile_name);
    ASSERT_TRUE(profile.ok()) << profile.status().message();
    SimulationOptions options;
    options.population = 15000;
    options.years = 5;
    options.seed = seed;
    options.as_at = as_at;
    options.la_code = "343";
    std::vector<Chronology> children;
    ASSERT_TRUE(Simulate(*profile, options, [&](Chronology&& child) {
                  children.push_back(std::move(child));
                  return Status::Ok();
                }).ok());
    for (int year : {2026, 2025}) {
      validate::RecordOptions check;
      check.year = year;
      check.la_number = "343";
      Result<validate::RecordReport> report = validate::ValidateRecord(children, check);
      ASSERT_TRUE(report.ok()) << report.status().message();
      EXPECT_TRUE(report->cin_checked) << year;
      std::map<std::string, std::vector<std::string>> errors;  // rule: children
      int queries = 0;
      for (const validate::Finding& finding : report->report.findings) {
        if (finding.rule->type == validate::RuleType::kQuery) {
          ++queries;
        } else {
          errors[finding.rule->code].emplace_back(finding.child_id());
        }
      }
      for (const auto& [code, flagged] : errors) {
        ADD_FAILURE() << year << ": rule " << code << " flags " << flagged.size() << " rows, first child "
                      << flagged.front();
      }
      // Queries are raised, so the rules did run on the record.
      EXPECT_GT(queries, 0) << year;
    }
  }
}

// UPNs carry the council's LA number, given to `cairn simulate --la` (CIN rule 1530 refuses
// 999, which is no council's and was all the command could make).
TEST(SimulationExports, UpnsCarryTheCouncilsLaNumber) {
  const std::string path = (std::filesystem::temp_directory_path() / "cairn_simulate_la.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::ostringstream out, err;
  FixedClock clock(Date::FromYmdOrDie(2024, 11, 22));
  cli::Environment env{out, err, clock};
  const std::vector<std::string> args = {"cairn",   "simulate", "--db",   path, "--population", "2000",
                                         "--years", "1",        "--la",   "343"};
  ASSERT_EQ(cli::Run(args, env), 0) << err.str();
  auto db = store::Connection::OpenExisting(path);
  ASSERT_TRUE(db.ok());
  Result<std::vector<Chronology>> loaded = store::LoadAllChronologies(**db);
  ASSERT_TRUE(loaded.ok());
  int upns = 0;
  for (const Chronology& child : *loaded) {
    if (child.child().upn.empty()) continue;
    ++upns;
    EXPECT_EQ(child.child().upn.substr(1, 3), "343") << child.child().la_child_id;
  }
  EXPECT_GT(upns, 50);
  db->reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

TEST(SimulationExports, ReturnsImportIntoADatabaseAndExportUnchanged) {
  const SimRun& run = Small();
  const int year = 2024;
  const Exports original = Export(run.children, year);
  const auto folder = std::filesystem::temp_directory_path() / "cairn_simulation_exports";
  std::filesystem::remove_all(folder);
  ASSERT_TRUE(returns::WriteSsda903Csv(run.children, year, folder.string()).ok());
  returns::cin_census::WriteOptions options;
  options.lea = "999";
  options.date_time = "2024-05-01T09:00:00";
  ASSERT_TRUE(returns::cin_census::WriteCinCensus(run.children, year, (folder / "cin.xml").string(), options).ok());
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());

  auto db = store::Connection::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto migrations = store::BuiltInMigrations();
  ASSERT_TRUE(migrations.ok() && store::Migrate(**db, *migrations).ok());
  returns::ImportOptions import_options;
  import_options.ssda903_year = year;
  Result<returns::ImportResult> imported = returns::ImportFiles(**db, files, import_options);
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  EXPECT_TRUE(imported->saved);
  EXPECT_TRUE(imported->rejected.empty()) << imported->rejected.front().ToString();
  Result<std::vector<Chronology>> loaded = store::LoadAllChronologies(**db);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  // Back in the order they were exported, so rows come out in the same order.
  InOrderOf(run.children, *loaded);
  const Exports again = Export(*loaded, year);
  ASSERT_EQ(again.ssda903.size(), original.ssda903.size());
  for (size_t i = 0; i < original.ssda903.size(); ++i) {
    ExpectSameText(again.ssda903[i].text, original.ssda903[i].text, original.ssda903[i].name);
  }
  ExpectSameText(again.cin_census, original.cin_census, "CIN census");
  std::filesystem::remove_all(folder);
}

// ---- Names -----------------------------------------------------------------------------------

std::string FullName(const model::Child& child) {
  return child.given_name + "|" + child.preferred_name + "|" + child.family_name;
}

TEST(SimulationNames, EveryChildAndWorkerIsNamedFromTheLists) {
  const NameLists names = LoadBuiltInNameLists().value();
  const std::set<std::string> female(names.female_given.begin(), names.female_given.end());
  const std::set<std::string> male(names.male_given.begin(), names.male_given.end());
  const std::set<std::string> family(names.family.begin(), names.family.end());
  const SimRun& run = Small();
  int preferred = 0, failures = 0;
  std::set<std::string> distinct;
  for (const Chronology& chronology : run.children) {
    const model::Child& child = chronology.child();
    const bool given_ok = child.sex == "F"   ? female.contains(child.given_name)
                          : child.sex == "M" ? male.contains(child.given_name)
                                             : female.contains(child.given_name) || male.contains(child.given_name);
    const bool preferred_ok = child.preferred_name.empty() ||
                              (child.preferred_name != child.given_name &&
                               (female.contains(child.given_name) ? female : male).contains(child.preferred_name));
    if ((!given_ok || !preferred_ok || !family.contains(child.family_name)) && ++failures <= 20) {
      ADD_FAILURE() << child.la_child_id << " (sex " << child.sex << ") is named " << FullName(child);
    }
    preferred += !child.preferred_name.empty();
    distinct.insert(FullName(child));
  }
  const double children = static_cast<double>(run.children.size());
  EXPECT_NEAR(preferred / children, names.preferred_name_percent / 100, 0.02);
  EXPECT_GT(distinct.size() / children, 0.9) << "names are spread over the lists";
  for (const model::Worker& worker : run.summary.workers) {
    const size_t space = worker.name.find(' ');
    ASSERT_NE(space, std::string::npos) << worker.id << " " << worker.name;
    const std::string given = worker.name.substr(0, space);
    EXPECT_TRUE((female.contains(given) || male.contains(given)) && family.contains(worker.name.substr(space + 1)))
        << worker.name;
  }
}

TEST(SimulationNames, TheSameSeedGivesTheSameNamesAndAnotherSeedOthers) {
  const SimRun a = Simulated("england", 5000, 2, 21);
  const SimRun b = Simulated("england", 5000, 2, 21);
  const SimRun c = Simulated("england", 5000, 2, 22);
  ASSERT_EQ(a.children.size(), b.children.size());
  for (size_t i = 0; i < a.children.size(); ++i) {
    ASSERT_EQ(FullName(a.children[i].child()), FullName(b.children[i].child())) << a.children[i].child().la_child_id;
  }
  EXPECT_EQ(a.summary.workers, b.summary.workers);
  // Children with the same id under another seed: nearly all named otherwise.
  std::map<std::string, std::string> by_id;
  for (const Chronology& child : a.children) by_id[child.child().la_child_id] = FullName(child.child());
  int common = 0, same = 0;
  for (const Chronology& child : c.children) {
    auto found = by_id.find(child.child().la_child_id);
    if (found == by_id.end()) continue;
    ++common;
    same += found->second == FullName(child.child());
  }
  ASSERT_GT(common, 20);
  EXPECT_LT(same, common / 10);
  std::map<std::string, std::string> worker_names;
  for (const model::Worker& worker : a.summary.workers) worker_names[worker.id] = worker.name;
  int common_workers = 0, same_workers = 0;
  for (const model::Worker& worker : c.summary.workers) {
    auto found = worker_names.find(worker.id);
    if (found == worker_names.end()) continue;
    ++common_workers;
    same_workers += found->second == worker.name;
  }
  ASSERT_GT(common_workers, 20);
  EXPECT_LT(same_workers, common_workers / 10);
}

// The returns carry no names: not one simulated child's name is a value in a return, and the
// names with an apostrophe, a hyphen or an accent (which no code or date has) appear nowhere.
TEST(SimulationNames, ExportedReturnsHoldNoName) {
  const SimRun& run = Small();
  const Exports exports = Export(run.children, 2024);
  std::set<std::string> values;
  for (const returns::Ssda903CsvText& table : exports.ssda903) {
    size_t begin = 0;
    for (size_t i = 0; i <= table.text.size(); ++i) {
      if (i == table.text.size() || table.text[i] == ',' || table.text[i] == '\r' || table.text[i] == '\n') {
        values.insert(table.text.substr(begin, i - begin));
        begin = i + 1;
      }
    }
  }
  const std::string& xml = exports.cin_census;
  for (size_t open = xml.find('>'); open != std::string::npos; open = xml.find('>', open + 1)) {
    const size_t close = xml.find('<', open);
    if (close == std::string::npos) break;
    values.insert(xml.substr(open + 1, close - open - 1));
  }
  ASSERT_GT(values.size(), 1000u);
  int checked = 0, distinctive = 0;
  for (const Chronology& chronology : run.children) {
    const model::Child& child = chronology.child();
    for (const std::string* name : {&child.given_name, &child.family_name, &child.preferred_name}) {
      if (name->empty()) continue;
      ++checked;
      EXPECT_FALSE(values.contains(*name)) << child.la_child_id << ": a name is a value in a return";
      if (std::any_of(name->begin(), name->end(),
                      [](char c) { return c == '\'' || c == '-' || static_cast<unsigned char>(c) >= 0x80; })) {
        ++distinctive;
        bool anywhere = xml.find(*name) != std::string::npos;
        for (const returns::Ssda903CsvText& table : exports.ssda903) {
          anywhere = anywhere || table.text.find(*name) != std::string::npos;
        }
        EXPECT_FALSE(anywhere) << child.la_child_id << ": a name is in a return";
      }
    }
  }
  EXPECT_GT(checked, 2000);
  EXPECT_GT(distinctive, 20);
}

// ---- Saving ----------------------------------------------------------------------------------

TEST(SimulatorApi, SavesChildrenAndWorkforceInOneTransaction) {
  auto db = store::Connection::Open(":memory:");
  ASSERT_TRUE(db.ok());
  Result<Profile> profile = LoadBuiltInProfile("struggling");
  ASSERT_TRUE(profile.ok());
  SimulationOptions options;
  options.population = 3000;
  options.years = 2;
  options.seed = 3;
  options.as_at = kAsAt;
  Result<SimulationSummary> summary = SimulateToDatabase(**db, *profile, options, {}, 100);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  Result<std::vector<Chronology>> loaded = store::LoadAllChronologies(**db);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(static_cast<int64_t>(loaded->size()), summary->children);
  int64_t events = 0;
  for (const Chronology& child : *loaded) events += static_cast<int64_t>(child.events().size());
  EXPECT_EQ(events, summary->events);
  Result<store::Workforce> workforce = store::LoadWorkforce(**db);
  ASSERT_TRUE(workforce.ok());
  EXPECT_EQ(workforce->workers.size(), summary->workers.size());
  EXPECT_EQ(workforce->teams.size(), summary->teams.size());
}

// The command-line tests below run on SQLite and again on PostgreSQL (src/CMakeLists.txt).
TEST(SimulatorApi, CommandLineBuildsADatabase) {
  const store::TestDatabase database("cairn_simulate_cli_", store::BackendOfThisRun());
  const std::string path = database.target();
  std::ostringstream out, err;
  FixedClock clock(Date::FromYmdOrDie(2024, 11, 22));
  cli::Environment env{out, err, clock};
  const std::vector<std::string> args = {"cairn",   "simulate", "--db",   path, "--population", "2000",
                                         "--years", "2",        "--seed", "9",  "--profile",    "struggling"};
  ASSERT_EQ(cli::Run(args, env), 0) << err.str();
  EXPECT_NE(out.str().find("Window 2022-04-01 to 2024-03-31, profile struggling, seed 9"), std::string::npos)
      << out.str();
  EXPECT_NE(err.str().find("simulating"), std::string::npos);
  auto db = store::Connection::OpenExisting(path);
  ASSERT_TRUE(db.ok());
  Result<std::vector<Chronology>> loaded = store::LoadAllChronologies(**db);
  ASSERT_TRUE(loaded.ok());
  EXPECT_GT(loaded->size(), 100u);
  db->reset();
  std::ostringstream out2, err2;
  cli::Environment env2{out2, err2, clock};
  const std::vector<std::string> wales = {"cairn",        "simulate", "--db",      path,
                                          "--population", "2000",     "--profile", "wales"};
  EXPECT_EQ(cli::Run(wales, env2), 1);
  EXPECT_NE(err2.str().find("no simulation profile called 'wales'"), std::string::npos) << err2.str();
}

TEST(SimulatorApi, CommandLineDrawsPostcodesFromTheOnsFile) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  const store::Backend backend = store::BackendOfThisRun();
  const store::TestDatabase database("cairn_simulate_postcodes_", backend);
  const std::string path = database.target();
  const std::string ons = (dir / ("cairn_simulate_postcodes_" + std::to_string(::getpid()) + ".csv")).string();
  std::ofstream(ons) << "pcd,oseast1m,osnrth1m,laua\n"
                        "L20 3AA,334467,394739,E08000014\nL20 3AB,334470,394740,E08000014\n"
                        "L1 0AA,334000,390000,E08000012\nNW1 0AA,529000,183000,E09000007\n";
  FixedClock clock(Date::FromYmdOrDie(2024, 11, 22));
  auto run = [&](std::vector<std::string> args, std::string* err_text) {
    std::ostringstream out, err;
    cli::Environment env{out, err, clock};
    const int code = cli::Run(args, env);
    *err_text = err.str();
    return code;
  };
  std::string err;
  ASSERT_EQ(run({"cairn", "simulate", "--db", path, "--population", "2000", "--years", "2", "--la", "343",
                 "--postcodes", ons},
                &err),
            0)
      << err;
  EXPECT_NE(err.find("2 in the council's area, 1 in the rest of its region"), std::string::npos) << err;
  auto db = store::Connection::OpenExisting(path);
  ASSERT_TRUE(db.ok());
  Result<std::vector<Chronology>> loaded = store::LoadAllChronologies(**db);
  ASSERT_TRUE(loaded.ok());
  const std::set<std::string> known = {"L20 3AA", "L20 3AB", "L1 0AA"};
  int placements = 0;
  for (const Chronology& child : *loaded) {
    for (const Event& event : child.events()) {
      for (const model::Field& field : event.fields) {
        if ((field.name == "PL_POST" || field.name == "HOME_POST") && !field.value.empty()) {
          EXPECT_TRUE(known.contains(field.value)) << child.child().la_child_id << " " << field.name << " " << field.value;
          placements += field.name == "PL_POST";
        }
      }
    }
  }
  EXPECT_GT(placements, 0);
  db->reset();
  // Every placement postcode in the database is one of the file's, and there are some.
  auto ExpectPlacementsDrawnFrom = [&](store::Connection& simulated) {
    Result<std::vector<Chronology>> children = store::LoadAllChronologies(simulated);
    ASSERT_TRUE(children.ok());
    int drawn = 0;
    for (const Chronology& child : *children) {
      for (const Event& event : child.events()) {
        const std::string postcode(event.Get("PL_POST"));
        if (postcode.empty()) continue;
        EXPECT_TRUE(known.contains(postcode)) << child.child().la_child_id << " " << postcode;
        ++drawn;
      }
    }
    EXPECT_GT(drawn, 0);
  };
  // Without --postcodes, the directory imported into the database is drawn from.
  const store::TestDatabase imported_database("cairn_simulate_postcodes_imported_", backend);
  const std::string imported = imported_database.target();
  ASSERT_EQ(run({"cairn", "postcodes", "import", "--db", imported, ons}, &err), 0) << err;
  ASSERT_EQ(run({"cairn", "simulate", "--db", imported, "--population", "2000", "--years", "2", "--la", "343"}, &err),
            0)
      << err;
  EXPECT_NE(err.find("2 in the council's area, 1 in the rest of its region"), std::string::npos) << err;
  {
    auto again = store::Connection::OpenExisting(imported);
    ASSERT_TRUE(again.ok());
    ExpectPlacementsDrawnFrom(**again);
  }
  // --replace removes a SQLite file, directory and all: the new simulation still draws from its
  // postcodes, and says the directory must be imported again. A PostgreSQL database is emptied of
  // records in place, and its directory stays.
  ASSERT_EQ(run({"cairn", "simulate", "--db", imported, "--population", "2000", "--years", "2", "--la", "343",
                 "--seed", "2", "--replace"},
                &err),
            0)
      << err;
  const bool directory_stays = backend == store::Backend::kPostgres;
  EXPECT_EQ(err.find("held an imported postcode directory (4 postcodes), which --replace removes") == std::string::npos,
            directory_stays)
      << err;
  EXPECT_NE(err.find("2 in the council's area, 1 in the rest of its region"), std::string::npos) << err;
  // The audit trail holds together after the replacement (on PostgreSQL it is kept, with a row
  // saying the earlier simulation went).
  EXPECT_EQ(run({"cairn", "audit", "verify", "--db", imported}, &err), 0) << err;
  {
    auto again = store::Connection::OpenExisting(imported);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*store::CountPostcodes(**again), directory_stays ? 4 : 0);
    if (directory_stays) {
      auto replaced_row = (*again)->Prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'replace'");
      ASSERT_TRUE(replaced_row.ok() && *(*replaced_row)->Step());
      EXPECT_EQ((*replaced_row)->ColumnInt(0), 1);
    }
    ExpectPlacementsDrawnFrom(**again);
    // The earlier simulation is gone, not added to: the same seed alone gives the same children.
    const store::TestDatabase fresh_database("cairn_simulate_postcodes_fresh_", backend);
    ASSERT_EQ(run({"cairn", "postcodes", "import", "--db", fresh_database.target(), ons}, &err), 0) << err;
    ASSERT_EQ(run({"cairn", "simulate", "--db", fresh_database.target(), "--population", "2000", "--years", "2", "--la",
                   "343", "--seed", "2"},
                  &err),
              0)
        << err;
    auto fresh = store::Connection::OpenExisting(fresh_database.target());
    ASSERT_TRUE(fresh.ok());
    Result<std::vector<Chronology>> replaced = store::LoadAllChronologies(**again);
    Result<std::vector<Chronology>> simulated = store::LoadAllChronologies(**fresh);
    ASSERT_TRUE(replaced.ok() && simulated.ok());
    EXPECT_EQ(replaced->size(), simulated->size());
    int64_t replaced_events = 0, simulated_events = 0;
    for (const Chronology& child : *replaced) replaced_events += static_cast<int64_t>(child.events().size());
    for (const Chronology& child : *simulated) simulated_events += static_cast<int64_t>(child.events().size());
    EXPECT_EQ(replaced_events, simulated_events);
  }
  // A council the file has no postcode of, and a file that is not there, are named.
  EXPECT_EQ(run({"cairn", "simulate", "--db", path, "--population", "2000", "--la", "203", "--postcodes", ons,
                 "--replace"},
                &err),
            1);
  EXPECT_NE(err.find("--postcodes: " + ons + " holds no postcode with a grid reference in Greenwich"), std::string::npos)
      << err;
  std::filesystem::remove(ons);
  EXPECT_EQ(run({"cairn", "simulate", "--db", path, "--population", "2000", "--la", "343", "--postcodes", ons,
                 "--replace"},
                &err),
            1);
  EXPECT_NE(err.find(ons), std::string::npos) << err;
}

TEST(SimulatorApi, OptionsOutOfRangeAreNamed) {
  SimulationOptions options;
  options.population = 10;
  options.as_at = kAsAt;
  EXPECT_NE(ValidateOptions(options).message().find("population"), std::string::npos);
  options.population = 1000;
  options.years = 0;
  EXPECT_NE(ValidateOptions(options).message().find("years"), std::string::npos);
  options.years = 5;
  options.la_code = "12";
  EXPECT_NE(ValidateOptions(options).message().find("LA code"), std::string::npos);
}

TEST(SimulatorApi, LatestThirtyFirstMarch) {
  EXPECT_EQ(LatestThirtyFirstMarch(Date::FromYmdOrDie(2026, 11, 22)), Date::FromYmdOrDie(2026, 3, 31));
  EXPECT_EQ(LatestThirtyFirstMarch(Date::FromYmdOrDie(2026, 3, 31)), Date::FromYmdOrDie(2026, 3, 31));
  EXPECT_EQ(LatestThirtyFirstMarch(Date::FromYmdOrDie(2026, 3, 30)), Date::FromYmdOrDie(2025, 3, 31));
}

// ---- Profiles -------------------------------------------------------------------------------

TEST(SimulationProfile, BuiltInProfilesLoad) {
  EXPECT_EQ(BuiltInProfileNames(), (std::vector<std::string>{"england", "struggling"}));
  for (const std::string& name : BuiltInProfileNames()) {
    Result<Profile> profile = LoadBuiltInProfile(name);
    ASSERT_TRUE(profile.ok()) << profile.status().message();
    EXPECT_EQ(profile->name, name);
  }
  Result<Profile> missing = LoadBuiltInProfile("wales");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("england, struggling"), std::string::npos);
}

std::string EnglandText() {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "profiles/england.toml");
  return resource ? std::string(resource->text) : std::string();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(SimulationProfile, ErrorsNameTheFileTableAndKey) {
  const std::string text = EnglandText();
  ASSERT_FALSE(text.empty());
  struct Case {
    std::string from, to, expected;
  };
  const Case cases[] = {
      {"caseload = 15.4", "caseload = 0.5", "[calibration] caseload: must be between 1 and 100"},
      {"turnover_percent = 13.9           # [CSWW] turnover rate 2024", "turnover_percent = \"high\"",
       "[workforce] turnover_percent: must be a number"},
      {"plan_duration_days = [[0, 20],", "plan_duration_days = [[0, 20], [0.1, 5000],",
       "[protection] plan_duration_days: the values must never fall"},
      {"category = { NEG = 49", "category = { NEGLECT = 49", "[protection] category: 'NEGLECT' is not a code"},
      {"seen_alone_percent = 75", "seen_alone_pct = 75", "[protection] seen_alone_percent: is missing"},
      {"[missing]\n", "[missing]\nspeling = 3\n", "[missing] speling: is not a key Cairn knows"},
      // Codes that go into a return are checked against the return's own lists (data/codes).
      {"participation = { PN1 = 35", "participation = { PN0 = 5, PN1 = 35",
       "[looked_after] participation: 'PN0' is not a code"},
      {"\"18C\" = 2.5", "\"18A\" = 2.5", "[assessment] factors: '18A' is not a code"},
      {"other_change_reason = { MANAGE = 40", "other_change_reason = { MANAGED = 40",
       "[workforce] other_change_reason: 'MANAGED' is not a code"},
      {"first_referral_percent = ", "first_referral_percent = 1", "first_referral_percent: must be between 0 and 100"},
  };
  for (const Case& c : cases) {
    Result<Profile> parsed = ParseProfile(Replace(text, c.from, c.to), "england.toml");
    ASSERT_FALSE(parsed.ok()) << c.expected;
    EXPECT_NE(parsed.status().message().find(c.expected), std::string::npos) << parsed.status().message();
    EXPECT_EQ(parsed.status().message().rfind("england.toml", 0), 0u) << parsed.status().message();
  }
  Result<Profile> broken = ParseProfile("name = \"x\"\nsummary = [", "broken.toml");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("broken.toml line 2"), std::string::npos) << broken.status().message();
}

TEST(SimulationProfile, QuantileTablesAndWeights) {
  Result<QuantileTable> table = QuantileTable::FromPoints({{0, 1}, {0.5, 33}, {1, 120}});
  ASSERT_TRUE(table.ok());
  EXPECT_DOUBLE_EQ(table->Sample(0.5), 33);
  EXPECT_DOUBLE_EQ(table->Sample(0.25), 17);
  EXPECT_DOUBLE_EQ(table->Sample(0), 1);
  EXPECT_DOUBLE_EQ(table->Cdf(33), 0.5);
  EXPECT_FALSE(QuantileTable::FromPoints({{0.1, 1}, {1, 2}}).ok());
  EXPECT_FALSE(QuantileTable::FromPoints({{0, 1}, {0.9, 2}}).ok());
  Result<Weights> weights = Weights::FromPairs({{"a", 1}, {"b", 3}});
  ASSERT_TRUE(weights.ok());
  EXPECT_DOUBLE_EQ(weights->Share("b"), 0.75);
  EXPECT_EQ(weights->Sample(0.2), "a");
  EXPECT_EQ(weights->Sample(0.3), "b");
  EXPECT_FALSE(Weights::FromPairs({{"a", 0}}).ok());
}

// ---- The random numbers ------------------------------------------------------------------

TEST(SimulationRandom, StreamsAreFixedAndStratifiedBlocksCoverTheRange) {
  // The generator's output is part of Cairn's contract: these values must never change, or
  // every synthetic council (and every benchmark baseline) changes with them.
  Rng rng(MixSeed(1, 2, 3));
  const uint64_t first = rng.Next();
  Rng again(MixSeed(1, 2, 3));
  EXPECT_EQ(again.Next(), first);
  EXPECT_NE(Rng(MixSeed(1, 2, 4)).Next(), first);
  Stratified stratified;
  std::vector<int> slices(Stratified::kBlock, 0);
  for (int i = 0; i < Stratified::kBlock * 10; ++i) {
    const double u = stratified.Next(rng);
    ASSERT_GE(u, 0);
    ASSERT_LT(u, 1);
    ++slices[static_cast<size_t>(u * Stratified::kBlock)];
  }
  for (int count : slices) EXPECT_EQ(count, 10);
  EXPECT_EQ(internal::UpnCheckLetter("999123456789"), internal::MakeUpn("999", 123456789)[0]);
}

}  // namespace
}  // namespace cairn::simulate
