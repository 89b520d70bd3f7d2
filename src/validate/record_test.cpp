#include "validate/record.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>

namespace cairn::validate {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

// A child looked after through 2025/26: one episode from 3 June 2025 with a placement code no
// rule set knows, and, unless `sex` is given, a valid sex.
model::Chronology LookedAfter(std::string id, std::string sex, std::string place, int64_t event_id,
                              Date start = D(2025, 6, 3)) {
  model::Child child;
  child.la_child_id = std::move(id);
  child.birth_date = D(2015, 5, 1);
  child.sex = std::move(sex);
  child.ethnicity = "WBRI";
  child.upn_unknown = "UN3";
  model::Chronology chronology(child);
  model::Event episode;
  episode.kind = model::EventKind::kLookedAfterEpisode;
  episode.start = start;
  episode.Set("RNE", "S");
  episode.Set("LS", "C2");
  episode.Set("CIN", "N1");
  episode.Set("PLACE", std::move(place));
  episode.Set("PLACE_PROVIDER", "PR1");
  episode.id = event_id;
  chronology.Add(std::move(episode));
  return chronology;
}

const Finding* FindingOf(const RecordReport& report, std::string_view code, std::string_view child,
                         const FindingPlace** place = nullptr) {
  for (std::size_t i = 0; i < report.report.findings.size(); ++i) {
    const Finding& finding = report.report.findings[i];
    if (finding.rule->code == code && finding.child_id() == child) {
      if (place != nullptr) *place = &report.places[i];
      return &finding;
    }
  }
  return nullptr;
}

TEST(ValidateRecord, FindsTheChildBreakingARuleAndTheEventItCameFrom) {
  const std::vector<model::Chronology> children = {LookedAfter("A1", "M", "ZZ", 41), LookedAfter("B2", "7", "U1", 42)};
  RecordOptions options;
  options.year = 2026;
  options.la_number = "343";
  Result<RecordReport> report = ValidateRecord(children, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->year, 2026);
  EXPECT_TRUE(report->cin_checked);
  EXPECT_TRUE(report->without_postcodes);
  ASSERT_EQ(report->places.size(), report->report.findings.size());
  EXPECT_FALSE(report->report.run.empty());

  // 101: B2's sex is not M, F or U. The row is the child's (Header), not an event's.
  const FindingPlace* place = nullptr;
  const Finding* sex = FindingOf(*report, "101", "B2", &place);
  ASSERT_NE(sex, nullptr);
  EXPECT_EQ(sex->table(), "Header");
  ASSERT_EQ(sex->values().size(), 1u);
  EXPECT_EQ(sex->values()[0], "7");
  EXPECT_EQ(FindingOf(*report, "101", "A1"), nullptr);
  EXPECT_FALSE(place->event_kind.has_value());
  EXPECT_EQ(place->event_id, 0);

  // 146: A1's placement code is not one the DfE knows: the episode starting 3 June 2025.
  const Finding* placement = FindingOf(*report, "146", "A1", &place);
  ASSERT_NE(placement, nullptr);
  EXPECT_EQ(placement->table(), "Episodes");
  ASSERT_FALSE(placement->columns().empty());
  EXPECT_EQ(placement->columns()[0], "PLACE");
  EXPECT_EQ(placement->values()[0], "ZZ");
  EXPECT_EQ(place->kind, ReturnKind::kSsda903);
  EXPECT_FALSE(place->previous_year);
  EXPECT_EQ(place->date_column, "DECOM");
  EXPECT_EQ(place->date, D(2025, 6, 3));
  EXPECT_EQ(place->event_kind, model::EventKind::kLookedAfterEpisode);
  EXPECT_EQ(place->event_id, 41);
  EXPECT_EQ(FindingOf(*report, "146", "B2"), nullptr);
}

TEST(ValidateRecord, UsesThePostcodesTheCallerLooksUp) {
  const std::vector<model::Chronology> children = {LookedAfter("A1", "M", "U1", 1)};
  RecordOptions options;
  options.year = 2026;
  size_t asked = 0;
  options.look_up_postcodes = [&asked](const std::set<std::string, std::less<>>&) -> Result<geography::PostcodeDirectory> {
    ++asked;
    return geography::PostcodeDirectory();
  };
  Result<RecordReport> report = ValidateRecord(children, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(asked, 1u);
  // An empty directory adds nothing: the report says the placement rules could not run.
  EXPECT_TRUE(report->without_postcodes);
}

TEST(ValidateRecord, TheCinCensusIsCheckedOnlyInItsYears) {
  const std::vector<model::Chronology> children = {LookedAfter("A1", "M", "U1", 1)};
  RecordOptions options;
  options.year = 2027;
  Result<RecordReport> report = ValidateRecord(children, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_FALSE(report->cin_checked);
  EXPECT_TRUE(std::none_of(report->report.run.begin(), report->report.run.end(),
                           [](const RuleInfo* rule) { return rule->kind == ReturnKind::kCinCensus; }));
}

// A young person (19 in 2025/26 unless born otherwise) with a care leaver (OC3) row that year, looked after from
// `care_from` to `care_to` (none when not given).
model::Chronology CareLeaver(std::string id, std::optional<Date> care_from, std::optional<Date> care_to,
                             Date birth = D(2006, 6, 1)) {
  model::Child child;
  child.la_child_id = std::move(id);
  child.birth_date = birth;
  child.sex = "F";
  child.ethnicity = "WBRI";
  child.upn_unknown = "UN3";
  model::Chronology chronology(child);
  if (care_from) {
    model::Event episode;
    episode.kind = model::EventKind::kLookedAfterEpisode;
    episode.start = *care_from;
    episode.end = care_to;
    episode.Set("RNE", "S");
    episode.Set("LS", "C2");
    episode.Set("CIN", "N1");
    episode.Set("PLACE", "U1");
    episode.Set("PLACE_PROVIDER", "PR1");
    episode.Set("REC", "E8");
    episode.id = 7;
    chronology.Add(std::move(episode));
  }
  model::Event outcomes;
  outcomes.kind = model::EventKind::kCareLeaverOutcomes;
  outcomes.start = D(2026, 3, 31);
  outcomes.Set("IN_TOUCH", "YES");
  outcomes.Set("ACTIV", "F2");
  outcomes.Set("ACCOM", "S");
  outcomes.id = 8;
  chronology.Add(std::move(outcomes));
  return chronology;
}

// The public validator sees two years of returns, so it takes a young person who left care
// three years ago for one never looked after (rules 1001 and 1002, which say they may be wrong
// there); the record knows the whole history and judges as the DfE's rules mean.
TEST(ValidateRecord, CareLeaversAreJudgedOnTheirWholeHistory) {
  const std::vector<model::Chronology> children = {
      CareLeaver("LEFT", D(2020, 9, 1), D(2022, 9, 30)),  // from 14 to 16: a former relevant child
      CareLeaver("NEVER", std::nullopt, std::nullopt),
      // 21 in 2025/26: the validator leaves out those over 20 and so flags them all.
      CareLeaver("OLDER", D(2021, 3, 9), D(2022, 3, 23), D(2004, 11, 10)),
      // Looked after in both years, so that the validator's rule 1001 has episodes to run on.
      LookedAfter("STAYING", "M", "U1", 9, D(2024, 5, 1))};
  RecordOptions options;
  options.year = 2026;
  options.la_number = "343";
  Result<RecordReport> report = ValidateRecord(children, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(FindingOf(*report, "1002", "LEFT"), nullptr);
  EXPECT_EQ(FindingOf(*report, "1001", "LEFT"), nullptr);
  EXPECT_EQ(FindingOf(*report, "1001", "OLDER"), nullptr);
  EXPECT_EQ(FindingOf(*report, "1002", "OLDER"), nullptr);
  EXPECT_NE(FindingOf(*report, "1002", "NEVER"), nullptr);
  EXPECT_NE(FindingOf(*report, "1001", "NEVER"), nullptr);
  const Table* earlier = report->returns->ssda903->Find("Episodes_earlier");
  ASSERT_NE(earlier, nullptr);
  EXPECT_GE(earlier->rows(), 1u);
  EXPECT_EQ(earlier->Text("CHILD", 0), "LEFT");
}

TEST(ValidateRecord, LatestCompleteYear) {
  EXPECT_EQ(LatestCompleteYear(D(2026, 12, 7)), 2026);
  EXPECT_EQ(LatestCompleteYear(D(2026, 3, 30)), 2025);
  EXPECT_EQ(LatestCompleteYear(D(2026, 3, 31)), 2026);
  EXPECT_EQ(LatestCompleteYear(D(2026, 4, 1)), 2026);
}

}  // namespace
}  // namespace cairn::validate
