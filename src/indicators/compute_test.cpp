#include "indicators/compute.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace cairn::indicators {
namespace {

using model::Chronology;
using model::Event;
using model::EventKind;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

Event Make(EventKind kind, Date start, std::optional<Date> end = std::nullopt,
           std::initializer_list<std::pair<std::string_view, std::string>> fields = {}, int32_t parent = -1) {
  Event event;
  event.kind = kind;
  event.start = start;
  event.end = end;
  event.parent = parent;
  for (const auto& [name, value] : fields) event.Set(name, value);
  return event;
}

Chronology ChildBorn(std::string id, Date birth) {
  model::Child child;
  child.la_child_id = std::move(id);
  child.birth_date = birth;
  return Chronology(child);
}

class ComputeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalogue = Catalogue::England();
    ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
    auto calendar = WorkingDayCalendar::EnglandAndWales();
    ASSERT_TRUE(calendar.ok());
    auto rules = timescales::RuleSet::England();
    ASSERT_TRUE(rules.ok());
    auto engine = IndicatorEngine::Create(*std::move(catalogue), *std::move(calendar), *std::move(rules));
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_.emplace(std::move(engine).value());
  }

  // Computes every indicator for `year` and returns them by id.
  std::map<std::string, IndicatorValue> Run(std::vector<Chronology> children, int year,
                                            std::vector<model::Worker> workers = {},
                                            std::optional<double> population = 10000.0,
                                            const geography::PostcodeDirectory* postcodes = nullptr) {
    children_ = std::move(children);
    workers_ = std::move(workers);
    CouncilData council{children_, workers_, [population](int) { return population; }};
    council.postcodes = postcodes;
    const int years[] = {year};
    std::map<std::string, IndicatorValue> by_id;
    for (IndicatorValue& value : engine_->Compute(council, years, 1)) by_id[value.spec->id] = std::move(value);
    return by_id;
  }

  std::optional<IndicatorEngine> engine_;
  std::vector<Chronology> children_;
  std::vector<model::Worker> workers_;
};

TEST_F(ComputeTest, EveryCatalogueIndicatorHasAComputationAndTheReverse) {
  std::set<std::string_view> catalogue_ids, computed_ids;
  for (const IndicatorSpec& spec : engine_->catalogue().indicators()) catalogue_ids.insert(spec.id);
  for (std::string_view id : IndicatorEngine::ComputableIds()) computed_ids.insert(id);
  EXPECT_EQ(catalogue_ids, computed_ids);
}

TEST_F(ComputeTest, ACatalogueEntryWithoutComputationIsRefused) {
  auto catalogue = Catalogue::FromToml(R"(
[[indicator]]
id = "made-up"
title = "x"
definition = "x"
source = "x"
unit = "count"
period = "year"
)",
                                       "test.toml");
  ASSERT_TRUE(catalogue.ok());
  auto engine = IndicatorEngine::Create(*std::move(catalogue), *WorkingDayCalendar::EnglandAndWales(),
                                        *timescales::RuleSet::England());
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("'made-up'"), std::string::npos);
}

TEST_F(ComputeTest, AUnitTheComputationCannotProduceIsRefused) {
  auto catalogue = Catalogue::FromToml(R"(
[[indicator]]
id = "re-referrals-12-months"
title = "x"
definition = "x"
source = "x"
unit = "count"
period = "year"
)",
                                       "test.toml");
  ASSERT_TRUE(catalogue.ok());
  auto engine = IndicatorEngine::Create(*std::move(catalogue), *WorkingDayCalendar::EnglandAndWales(),
                                        *timescales::RuleSet::England());
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("unit cannot be 'count'"), std::string::npos) << engine.status().message();
}

TEST_F(ComputeTest, ReferralOnFirstAprilBelongsToThatYearAndReReferralsCountTwelveMonthsInclusive) {
  Chronology a = ChildBorn("A", D(2015, 1, 1));
  a.Add(Make(EventKind::kCinEpisode, D(2023, 4, 1), D(2023, 5, 1)));
  a.Add(Make(EventKind::kCinEpisode, D(2024, 4, 1), D(2024, 6, 1)));  // exactly 12 months later: a re-referral
  Chronology b = ChildBorn("B", D(2015, 1, 1));
  b.Add(Make(EventKind::kCinEpisode, D(2023, 3, 31), D(2023, 5, 1)));
  b.Add(Make(EventKind::kCinEpisode, D(2024, 4, 1), std::nullopt));  // 12 months and 1 day: not one
  auto values = Run({a, b}, 2025);
  EXPECT_EQ(values["referrals"].value, 2);
  EXPECT_EQ(values["re-referrals-12-months"].numerator, 1);
  EXPECT_EQ(values["re-referrals-12-months"].denominator, 2);
  EXPECT_DOUBLE_EQ(*values["re-referrals-12-months"].value, 50.0);
  EXPECT_EQ(values["cin-31-march"].value, 1);  // B is still open; A closed in June 2024
  EXPECT_DOUBLE_EQ(*values["cin-31-march-rate"].value, 1.0);  // 1 per 10,000

  auto previous = Run({a, b}, 2024);
  EXPECT_EQ(previous["referrals"].value, 1);  // A's 1 April 2023; B's 31 March 2023 is 2022/23
  EXPECT_EQ(previous["re-referrals-12-months"].numerator, 0);
}

TEST_F(ComputeTest, PlanStartingOn31MarchIsAStartAndOpenAt31MarchButOneEndingThenIsNot) {
  Chronology starts = ChildBorn("A", D(2015, 1, 1));
  int32_t episode = starts.Add(Make(EventKind::kCinEpisode, D(2025, 3, 1)));
  starts.Add(Make(EventKind::kCpPlan, D(2025, 3, 31), std::nullopt, {}, episode));
  Chronology ends = ChildBorn("B", D(2015, 1, 1));
  episode = ends.Add(Make(EventKind::kCinEpisode, D(2024, 1, 1)));
  ends.Add(Make(EventKind::kCpPlan, D(2024, 2, 1), D(2025, 3, 31), {}, episode));
  auto values = Run({starts, ends}, 2025);
  EXPECT_EQ(values["cp-31-march"].value, 1);
  EXPECT_EQ(values["cp-starts-rate"].numerator, 1);
  EXPECT_EQ(values["cp-2-years-or-more"].numerator, 0);
  EXPECT_EQ(values["cp-2-years-or-more"].denominator, 1);
}

TEST_F(ComputeTest, SecondPlanTwoYearsAndOneDayAfterTheFirstIsSubsequentButNotWithinTwoYears) {
  Chronology late = ChildBorn("A", D(2012, 1, 1));
  int32_t episode = late.Add(Make(EventKind::kCinEpisode, D(2021, 1, 1)));
  late.Add(Make(EventKind::kCpPlan, D(2021, 6, 1), D(2022, 6, 1), {}, episode));
  late.Add(Make(EventKind::kCpPlan, D(2024, 6, 2), std::nullopt, {}, episode));  // 2 years + 1 day
  Chronology exact = ChildBorn("B", D(2012, 1, 1));
  episode = exact.Add(Make(EventKind::kCinEpisode, D(2021, 1, 1)));
  exact.Add(Make(EventKind::kCpPlan, D(2021, 6, 1), D(2022, 7, 1), {}, episode));
  exact.Add(Make(EventKind::kCpPlan, D(2024, 7, 1), std::nullopt, {}, episode));  // exactly 2 years
  Chronology reported = ChildBorn("C", D(2012, 1, 1));  // an earlier plan known only from the return
  episode = reported.Add(Make(EventKind::kCinEpisode, D(2024, 5, 1)));
  reported.Add(Make(EventKind::kCpPlan, D(2024, 8, 1), std::nullopt, {{"NumberOfPreviousCPP", "1"}}, episode));
  Chronology first = ChildBorn("D", D(2012, 1, 1));
  episode = first.Add(Make(EventKind::kCinEpisode, D(2024, 5, 1)));
  first.Add(Make(EventKind::kCpPlan, D(2024, 9, 1), std::nullopt, {{"NumberOfPreviousCPP", "0"}}, episode));
  auto values = Run({late, exact, reported, first}, 2025);
  EXPECT_EQ(values["cp-second-or-subsequent"].numerator, 3);
  EXPECT_EQ(values["cp-second-or-subsequent"].denominator, 4);
  EXPECT_EQ(values["cp-second-within-2-years"].numerator, 1);  // only B
  EXPECT_DOUBLE_EQ(*values["cp-second-within-2-years"].value, 25.0);
  EXPECT_EQ(values["cp-31-march"].value, 4);
  // A's first plan from June 2021 is long over; nobody at 31 March 2025 has been on a plan 2+ years.
  EXPECT_EQ(values["cp-2-years-or-more"].numerator, 0);
}

TEST_F(ComputeTest, AssessmentsCountFromTheReferralInWorkingDays) {
  // Referral Monday 5 September 2022; the state funeral (19 September) is not a working day, so
  // 45 working days end on 8 November 2022.
  Chronology on_time = ChildBorn("A", D(2015, 1, 1));
  int32_t episode = on_time.Add(Make(EventKind::kCinEpisode, D(2022, 9, 5)));
  on_time.Add(Make(EventKind::kAssessment, D(2022, 9, 10), D(2022, 11, 8), {}, episode));
  Chronology late = ChildBorn("B", D(2015, 1, 1));
  episode = late.Add(Make(EventKind::kCinEpisode, D(2022, 9, 5)));
  late.Add(Make(EventKind::kAssessment, D(2022, 9, 10), D(2022, 11, 9), {}, episode));
  auto values = Run({on_time, late}, 2023);
  EXPECT_EQ(values["assessments-completed"].value, 2);
  EXPECT_EQ(values["assessments-within-45-days"].numerator, 1);
  EXPECT_DOUBLE_EQ(*values["assessments-within-45-days"].value, 50.0);
}

TEST_F(ComputeTest, IcpcsAreCountedOnceAndTimedFromTheSection47) {
  // S47 Monday 5 September 2022 + 15 working days (the funeral day skipped) = 27 September.
  Chronology a = ChildBorn("A", D(2015, 1, 1));
  int32_t episode = a.Add(Make(EventKind::kCinEpisode, D(2022, 9, 1), std::nullopt,
                               {{"DateOfInitialCPC", "2022-09-27"}}));
  a.Add(Make(EventKind::kSection47, D(2022, 9, 5), std::nullopt, {{"DateOfInitialCPC", "2022-09-27"}}, episode));
  a.Add(Make(EventKind::kInitialCpConference, D(2022, 9, 27)));
  Chronology b = ChildBorn("B", D(2015, 1, 1));
  episode = b.Add(Make(EventKind::kCinEpisode, D(2022, 9, 1)));
  b.Add(Make(EventKind::kSection47, D(2022, 9, 5), std::nullopt, {{"DateOfInitialCPC", "2022-09-28"}}, episode));
  Chronology c = ChildBorn("C", D(2015, 1, 1));  // an enquiry with no conference
  episode = c.Add(Make(EventKind::kCinEpisode, D(2022, 9, 1)));
  c.Add(Make(EventKind::kSection47, D(2022, 10, 5), std::nullopt, {{"ICPCnotRequired", "true"}}, episode));
  auto values = Run({a, b, c}, 2023);
  EXPECT_EQ(values["section-47-rate"].numerator, 3);
  EXPECT_EQ(values["icpc-rate"].numerator, 2);
  EXPECT_EQ(values["icpc-within-15-days"].numerator, 1);
  EXPECT_EQ(values["icpc-within-15-days"].denominator, 2);
  EXPECT_NEAR(*values["icpc-per-section-47"].value, 200.0 / 3.0, 1e-9);
}

TEST_F(ComputeTest, ChildTurning18On31MarchIsNotLookedAfterThen) {
  Chronology leaves = ChildBorn("A", D(2007, 3, 31));
  leaves.Add(Make(EventKind::kLookedAfterEpisode, D(2020, 1, 1), D(2025, 3, 31),
                  {{"RNE", "S"}, {"LS", "C2"}, {"PLACE", "U4"}, {"REC", "E8"}}));
  Chronology stays = ChildBorn("B", D(2007, 4, 1));  // 18 tomorrow
  stays.Add(Make(EventKind::kLookedAfterEpisode, D(2020, 1, 1), std::nullopt, {{"RNE", "S"}, {"LS", "C2"}}));
  Chronology short_breaks = ChildBorn("C", D(2015, 1, 1));
  short_breaks.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 6, 1), std::nullopt, {{"RNE", "S"}, {"LS", "V4"}}));
  auto values = Run({leaves, stays, short_breaks}, 2025);
  EXPECT_EQ(values["cla-31-march"].value, 1);
  EXPECT_EQ(values["cla-starts-rate"].numerator, 0);  // V4 short breaks do not count
}

TEST_F(ComputeTest, PlacementsStabilityAndSocialWorkers) {
  // Three placements in 2024/25: the one open on 1 April, a move (P), a legal-status change only
  // (L, not a placement), another move (B). Three social workers.
  Chronology moves = ChildBorn("A", D(2012, 1, 1));
  moves.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 1, 1), D(2024, 5, 1), {{"RNE", "S"}, {"LS", "C2"}}));
  moves.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 5, 1), D(2024, 8, 1), {{"RNE", "P"}, {"LS", "C2"}}));
  moves.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 8, 1), D(2024, 9, 1), {{"RNE", "L"}, {"LS", "C1"}}));
  moves.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 9, 1), std::nullopt, {{"RNE", "B"}, {"LS", "C2"}}));
  moves.Add(Make(EventKind::kSocialWorkerAllocation, D(2024, 1, 1), D(2024, 6, 1), {{"SW_ID", "W1"}}));
  moves.Add(Make(EventKind::kSocialWorkerAllocation, D(2024, 6, 1), D(2024, 7, 1), {{"SW_ID", "W2"}}));
  moves.Add(Make(EventKind::kSocialWorkerAllocation, D(2024, 7, 1), D(2024, 8, 1), {{"SW_ID", "W1"}}));
  moves.Add(Make(EventKind::kSocialWorkerAllocation, D(2024, 8, 1), std::nullopt, {{"SW_ID", "W3"}}));
  // In care since 30 September 2022 (exactly 2.5 years at 31 March 2025), same placement since
  // 31 March 2023 (exactly 2 years) with a legal status change since, aged 15.
  Chronology settled = ChildBorn("B", D(2009, 6, 1));
  settled.Add(Make(EventKind::kLookedAfterEpisode, D(2022, 9, 30), D(2023, 3, 31), {{"RNE", "S"}, {"LS", "V2"}}));
  settled.Add(Make(EventKind::kLookedAfterEpisode, D(2023, 3, 31), D(2024, 1, 1), {{"RNE", "P"}, {"LS", "C2"}}));
  settled.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 1, 1), std::nullopt, {{"RNE", "L"}, {"LS", "E1"}}));
  settled.Add(Make(EventKind::kSocialWorkerAllocation, D(2022, 9, 30), std::nullopt, {{"SW_ID", "W1"}}));
  // In care 2.5 years but moved a year ago; and a 16-year-old who is out of the cohort.
  Chronology moved = ChildBorn("C", D(2012, 1, 1));
  moved.Add(Make(EventKind::kLookedAfterEpisode, D(2022, 1, 1), D(2024, 4, 1), {{"RNE", "S"}, {"LS", "C2"}}));
  moved.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 4, 1), std::nullopt, {{"RNE", "P"}, {"LS", "C2"}}));
  Chronology sixteen = ChildBorn("D", D(2009, 3, 31));
  sixteen.Add(Make(EventKind::kLookedAfterEpisode, D(2015, 1, 1), std::nullopt, {{"RNE", "S"}, {"LS", "C2"}}));
  auto values = Run({moves, settled, moved, sixteen}, 2025);
  EXPECT_EQ(values["cla-31-march"].value, 4);
  EXPECT_EQ(values["cla-3-placements"].numerator, 1);  // A: three; C: two (1 April move)
  EXPECT_EQ(values["cla-long-term-stability"].denominator, 2);  // B and C (D is 16)
  EXPECT_EQ(values["cla-long-term-stability"].numerator, 1);    // B
  EXPECT_EQ(values["cla-3-social-workers"].numerator, 1);
  EXPECT_EQ(values["cla-3-social-workers"].denominator, 4);
  // No postcode directory: no distance, and the reason says how to get one.
  EXPECT_EQ(values["cla-placed-over-20-miles"].value, std::nullopt);
  EXPECT_EQ(values["cla-placed-over-20-miles"].numerator, std::nullopt);
  EXPECT_NE(values["cla-placed-over-20-miles"].unsupported.find("import the ONS Postcode Directory with `cairn "
                                                                  "postcodes import`"),
            std::string::npos)
      << values["cla-placed-over-20-miles"].unsupported;
}

// A directory of a few postcodes with known grid references (metres; 1 mile = 1,609.3 m as the
// DfE's distance takes it).
geography::PostcodeDirectory SmallDirectory() {
  geography::PostcodeDirectory directory;
  const int32_t e = 334467, n = 394739;
  directory.Add("L20 3AA", {"E08000014", e, n});                   // home
  directory.Add("M1 1AE", {"E08000003", e + 48280, n});            // 30.0006 miles east
  directory.Add("L21 1AA", {"E08000014", e, n + 8047});            // 5.0003 miles north
  directory.Add("WN1 1AA", {"E08000010", e + 19312, n + 25750});   // 32,187 m: 20.0007 miles, "20.0"
  directory.Add("WN2 1AA", {"E08000010", e + 19331, n + 25774});   // 32,218 m: 20.0198 miles, "20.0"
  directory.Add("WA1 1AA", {"E06000007", e + 19350, n + 25800});   // 32,250 m: 20.0398 miles, "20.0"
  directory.Add("WA2 1AA", {"E06000007", e + 19370, n + 25827});   // 32,284 m: 20.0606 miles, "20.1"
  directory.Add("BT1 1AA", {"N09000003", std::nullopt, std::nullopt});  // no grid reference
  return directory;
}

TEST_F(ComputeTest, PlacedOver20MilesMeasuresTheOpenEpisodeAgainstTheDirectory) {
  const geography::PostcodeDirectory directory = SmallDirectory();
  ASSERT_NEAR(*directory.MilesBetween("L20 3AA", "M1 1AE"), 30.0, 0.001);
  ASSERT_NEAR(*directory.MilesBetween("L20 3AA", "L21 1AA"), 5.0, 0.001);
  auto episode = [](Date start, std::optional<Date> end, std::string rne, std::string home, std::string placed,
                    std::string legal_status = "C2") {
    return Make(EventKind::kLookedAfterEpisode, start, end,
                {{"RNE", std::move(rne)}, {"LS", std::move(legal_status)}, {"HOME_POST", std::move(home)},
                 {"PL_POST", std::move(placed)}});
  };
  std::vector<Chronology> children;
  auto child = [&](std::string id) -> Chronology& {
    return children.emplace_back(ChildBorn(std::move(id), D(2012, 1, 1)));
  };
  // Counted, 30 miles: over 20.
  child("far").Add(episode(D(2024, 6, 1), std::nullopt, "S", "L20 3AA", "M1 1AE"));
  // Counted, 5 miles; postcodes written any way (case and spaces) are the directory's.
  child("near").Add(episode(D(2023, 1, 1), std::nullopt, "S", "l203aa", "L 21 1AA"));
  // Moved from 30 miles away to 5 during the year: the placement at 31 March is the one measured.
  Chronology& moved = child("moved");
  moved.Add(episode(D(2023, 5, 1), D(2024, 9, 1), "S", "L20 3AA", "M1 1AE"));
  moved.Add(episode(D(2024, 9, 1), std::nullopt, "P", "L20 3AA", "L21 1AA"));
  // Not counted: the placement postcode is not in the directory; no home postcode (as for an
  // unaccompanied asylum-seeking child); a postcode with no grid reference.
  child("unknown").Add(episode(D(2024, 2, 1), std::nullopt, "S", "L20 3AA", "ZZ99 9ZZ"));
  child("no home").Add(episode(D(2024, 2, 1), std::nullopt, "S", "", "M1 1AE"));
  child("no grid").Add(episode(D(2024, 2, 1), std::nullopt, "S", "BT1 1AA", "M1 1AE"));
  // Not looked after at 31 March: left care that day; placed 30 miles away under short breaks.
  child("left").Add(episode(D(2024, 4, 2), D(2025, 3, 31), "S", "L20 3AA", "M1 1AE"));
  child("breaks").Add(episode(D(2025, 3, 30), std::nullopt, "S", "L20 3AA", "M1 1AE", "V3"));
  // Close to the line: the DfE's distance is rounded to one decimal, so 20.0007, 20.0198 and
  // 20.0398 miles are 20.0, not over 20; 20.0606 is 20.1.
  child("edge 1").Add(episode(D(2024, 2, 1), std::nullopt, "S", "L20 3AA", "WN1 1AA"));
  child("edge 2").Add(episode(D(2024, 2, 1), std::nullopt, "S", "L20 3AA", "WN2 1AA"));
  child("edge 3").Add(episode(D(2024, 2, 1), std::nullopt, "S", "L20 3AA", "WA1 1AA"));
  child("edge 4").Add(episode(D(2024, 2, 1), std::nullopt, "S", "L20 3AA", "WA2 1AA"));

  auto values = Run(children, 2025, {}, 10000.0, &directory);
  EXPECT_EQ(values["cla-31-march"].value, 10);
  const IndicatorValue& placed = values["cla-placed-over-20-miles"];
  ASSERT_TRUE(placed.unsupported.empty()) << placed.unsupported;
  EXPECT_EQ(placed.numerator, 2);    // far, edge 4
  EXPECT_EQ(placed.denominator, 7);  // far, near, moved, edge 1-4
  EXPECT_DOUBLE_EQ(*placed.value, 200.0 / 7);

  // Twelve months to 31 August 2024: "moved" was still 30 miles away; "far" was placed in June.
  const Date ends[] = {D(2024, 8, 31)};
  CouncilData council{children_, workers_, [](int) { return std::optional<double>(10000.0); }};
  council.postcodes = &directory;
  int measured = 0;
  for (const IndicatorValue& value : engine_->ComputeTwelveMonthsTo(council, ends, 1)) {
    if (value.spec->id != "cla-placed-over-20-miles") continue;
    ++measured;
    EXPECT_EQ(value.numerator, 4);    // far, moved, left (in care until 31 March 2025), edge 4
    EXPECT_EQ(value.denominator, 8);  // and near, edge 1-3
  }
  EXPECT_EQ(measured, 1);

  // The postcodes to read from the database: every looked-after episode's, normalised.
  const std::set<std::string, std::less<>> wanted = PlacementPostcodes(children);
  EXPECT_EQ(wanted, (std::set<std::string, std::less<>>{"BT11AA", "L203AA", "L211AA", "M11AE", "WA11AA", "WA21AA",
                                                        "WN11AA", "WN21AA", "ZZ999ZZ"}));
}

TEST_F(ComputeTest, PlacedOver20MilesWithADirectoryThatKnowsNoneOfThePostcodes) {
  const geography::PostcodeDirectory directory = SmallDirectory();
  Chronology child = ChildBorn("A", D(2012, 1, 1));
  child.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 2, 1), std::nullopt,
                 {{"RNE", "S"}, {"LS", "C2"}, {"HOME_POST", "XH1 1AA"}, {"PL_POST", "XP2 2BB"}}));
  auto values = Run({child}, 2025, {}, 10000.0, &directory);
  const IndicatorValue& placed = values["cla-placed-over-20-miles"];
  EXPECT_EQ(placed.value, std::nullopt);
  EXPECT_EQ(placed.unsupported,
            "none of the children looked after on 2025-03-31 (1) has both a home and a placement postcode with a "
            "grid reference in the postcode directory");
  // With no looked-after child at all, it says that first.
  values = Run({ChildBorn("B", D(2012, 1, 1))}, 2025, {}, 10000.0, &directory);
  EXPECT_NE(values["cla-placed-over-20-miles"].unsupported.find("no looked-after episodes"), std::string::npos);
}

TEST_F(ComputeTest, ReviewsParticipationAndTimeliness) {
  Chronology child = ChildBorn("A", D(2012, 1, 1));
  // Looked after from 1 July 2024: first review due within 20 working days (29 July), second 3
  // months after the first, then every 6 months.
  child.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 7, 1), std::nullopt, {{"RNE", "S"}, {"LS", "C2"}}));
  child.Add(Make(EventKind::kClaReview, D(2024, 7, 20), std::nullopt, {{"REVIEW_CODE", "PN1"}}));   // on time
  child.Add(Make(EventKind::kClaReview, D(2024, 11, 20), std::nullopt, {{"REVIEW_CODE", "PN0"}}));  // due 20 Oct
  Chronology little = ChildBorn("B", D(2023, 1, 1));
  auto values = Run({child, little}, 2025);
  EXPECT_EQ(values["cla-review-participation"].numerator, 1);
  EXPECT_EQ(values["cla-review-participation"].denominator, 2);
  // Due in 2024/25: 29 July (met), 20 October (met late), 20 May 2025 is next year's.
  EXPECT_EQ(values["cla-reviews-on-time"].numerator, 1);
  EXPECT_EQ(values["cla-reviews-on-time"].denominator, 2);
}

TEST_F(ComputeTest, ReviewsOfAChildLookedAfterOnlyUnderShortBreaksAreLeftOut) {
  // The catalogue leaves children looked after only under short breaks (V3, V4) out of every
  // looked-after count, reviews included; a child who comes into care after short breaks in the
  // year is in, with every review of that year.
  Chronology breaks = ChildBorn("A", D(2014, 1, 1));
  breaks.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 5, 1), D(2024, 5, 4), {{"RNE", "S"}, {"LS", "V3"}}));
  breaks.Add(Make(EventKind::kClaReview, D(2024, 6, 1), std::nullopt, {{"REVIEW_CODE", "PN1"}}));
  Chronology open = ChildBorn("B", D(2014, 1, 1));
  open.Add(Make(EventKind::kLookedAfterEpisode, D(2023, 1, 1), std::nullopt, {{"RNE", "S"}, {"LS", "V4"}}));
  open.Add(Make(EventKind::kClaReview, D(2024, 7, 1), std::nullopt, {{"REVIEW_CODE", "PN2"}}));
  Chronology into_care = ChildBorn("C", D(2014, 1, 1));
  into_care.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 4, 10), D(2024, 4, 13), {{"RNE", "S"}, {"LS", "V3"}}));
  into_care.Add(Make(EventKind::kClaReview, D(2024, 5, 1), std::nullopt, {{"REVIEW_CODE", "PN0"}}));
  into_care.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 9, 1), std::nullopt, {{"RNE", "S"}, {"LS", "C2"}}));
  into_care.Add(Make(EventKind::kClaReview, D(2024, 10, 1), std::nullopt, {{"REVIEW_CODE", "PN3"}}));
  auto values = Run({breaks, open, into_care}, 2025);
  EXPECT_EQ(values["cla-31-march"].value, 1);
  EXPECT_EQ(values["cla-review-participation"].numerator, 1);    // C's October review
  EXPECT_EQ(values["cla-review-participation"].denominator, 2);  // C's two; none of A's or B's
}

TEST_F(ComputeTest, CareLeaversAgedNineteenToTwentyOne) {
  auto leaver = [](std::string id, Date birth, std::string activity, std::string accommodation,
                   std::string in_touch = "YES") {
    Chronology c = ChildBorn(std::move(id), birth);
    c.Add(Make(EventKind::kCareLeaverOutcomes, D(2025, 3, 31), std::nullopt,
               {{"IN_TOUCH", in_touch}, {"ACTIV", activity}, {"ACCOM", accommodation}}));
    return c;
  };
  auto values = Run({leaver("A", D(2006, 3, 31), "F1", "B1"),   // 19 on 31 March 2025
                     leaver("B", D(2006, 4, 1), "F1", "B1"),    // exactly 18 until tomorrow: 17-18 group
                     leaver("C", D(2004, 2, 1), "G4", "B2"),    // 21
                     leaver("D", D(2003, 2, 1), "F1", "B1"),    // 22: out
                     leaver("E", D(2005, 5, 1), "0", "0"),      // 19, no information: in the total
                     leaver("F", D(2005, 5, 1), "F1", "B1", "DIED")},
                    2025);
  EXPECT_EQ(values["care-leavers-19-21-eet"].denominator, 3);
  EXPECT_EQ(values["care-leavers-19-21-eet"].numerator, 1);
  EXPECT_EQ(values["care-leavers-19-21-suitable-accommodation"].numerator, 1);
}

TEST_F(ComputeTest, WorkforceAtThirtiethSeptember) {
  auto worker = [](std::string id, bool agency, std::optional<Date> started, std::optional<Date> left,
                   std::string role = "social-worker") {
    model::Worker w;
    w.id = std::move(id);
    w.agency = agency;
    w.started = started;
    w.left = left;
    w.role = std::move(role);
    return w;
  };
  std::vector<model::Worker> staff = {
      worker("W1", false, D(2020, 1, 1), std::nullopt),
      worker("W2", false, D(2020, 1, 1), std::nullopt),
      worker("W3", false, D(2020, 1, 1), D(2024, 9, 30)),  // left on census day: a leaver, not in post
      worker("W4", false, D(2020, 1, 1), D(2023, 9, 30)),  // left a year and a day before: not counted
      worker("W5", true, D(2024, 1, 1), std::nullopt),
      worker("P1", false, D(2020, 1, 1), std::nullopt, "personal-adviser"),
  };
  Chronology a = ChildBorn("A", D(2015, 1, 1));
  a.Add(Make(EventKind::kSocialWorkerAllocation, D(2024, 1, 1), std::nullopt, {{"SW_ID", "W1"}}));
  Chronology b = ChildBorn("B", D(2015, 1, 1));
  b.Add(Make(EventKind::kSocialWorkerAllocation, D(2024, 1, 1), std::nullopt, {{"SW_ID", "W1"}}));
  Chronology c = ChildBorn("C", D(2015, 1, 1));
  c.Add(Make(EventKind::kSocialWorkerAllocation, D(2024, 1, 1), std::nullopt, {{"SW_ID", "W5"}}));
  auto values = Run({a, b, c}, 2025, staff);
  EXPECT_EQ(values["sw-turnover"].numerator, 1);
  EXPECT_EQ(values["sw-turnover"].denominator, 2);
  EXPECT_EQ(values["sw-agency-rate"].numerator, 1);
  EXPECT_EQ(values["sw-agency-rate"].denominator, 3);
  EXPECT_DOUBLE_EQ(*values["sw-average-caseload"].value, 1.5);  // 3 children, 2 case holders
  EXPECT_EQ(values["sw-vacancy-rate"].value, std::nullopt);
  EXPECT_FALSE(values["sw-vacancy-rate"].unsupported.empty());
}

TEST_F(ComputeTest, WhatTheDataCannotSupportSaysSo) {
  // A council that sent only an SSDA903: no CIN records, no workforce.
  Chronology child = ChildBorn("A", D(2012, 1, 1));
  child.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 7, 1), std::nullopt, {{"RNE", "S"}, {"LS", "C2"}}));
  auto values = Run({child}, 2025, {}, std::nullopt);
  for (std::string_view id : {"referrals", "cin-31-march", "cp-31-march-rate", "assessments-within-45-days"}) {
    EXPECT_EQ(values[std::string(id)].value, std::nullopt) << id;
    EXPECT_NE(values[std::string(id)].unsupported.find("children in need records for 2024/25"), std::string::npos)
        << values[std::string(id)].unsupported;
  }
  EXPECT_NE(values["sw-turnover"].unsupported.find("no workforce"), std::string::npos);
  EXPECT_EQ(values["cla-31-march"].value, 1);
  EXPECT_EQ(values["cla-31-march-rate"].value, std::nullopt);  // no population
  EXPECT_EQ(values["cla-31-march-rate"].numerator, 1);
  EXPECT_NE(values["cla-31-march-rate"].unsupported.find("population"), std::string::npos);
  EXPECT_NE(values["cla-3-social-workers"].unsupported.find("allocations"), std::string::npos);
  EXPECT_NE(values["care-leavers-19-21-eet"].unsupported.find("OC3"), std::string::npos);
}

}  // namespace
}  // namespace cairn::indicators
