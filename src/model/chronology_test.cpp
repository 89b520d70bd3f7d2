#include "model/chronology.h"

#include <gtest/gtest.h>

#include <set>

namespace cairn::model {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

TEST(EventKindTest, TableIsIndexedByKindAndIdsAreUnique) {
  std::set<std::string_view> ids;
  for (size_t i = 0; i < AllEventKinds().size(); ++i) {
    const EventKindSpec& spec = AllEventKinds()[i];
    EXPECT_EQ(static_cast<size_t>(spec.kind), i) << spec.id;
    EXPECT_TRUE(ids.insert(spec.id).second) << "duplicate id " << spec.id;
    EXPECT_EQ(EventKindFromId(spec.id).value(), spec.kind);
    for (std::string_view key : spec.key) EXPECT_TRUE(FieldTypeOf(spec.kind, key).has_value()) << spec.id << " " << key;
    // A value is recorded with one of the kind's own dates, which is itself a date of its own.
    for (const FieldSpec& field : spec.fields) {
      if (field.recorded_with.empty()) continue;
      EXPECT_EQ(FieldTypeOf(spec.kind, field.recorded_with), FieldType::kDate) << spec.id << " " << field.name;
      for (const FieldSpec& anchor : spec.fields) {
        if (anchor.name == field.recorded_with) {
          EXPECT_TRUE(anchor.recorded_with.empty()) << spec.id << " " << field.name;
        }
      }
    }
  }
  EXPECT_EQ(static_cast<size_t>(kLastEventKind) + 1, AllEventKinds().size());
  EXPECT_FALSE(EventKindFromId("no-such-kind").ok());
}

TEST(EventKindTest, FieldTypes) {
  EXPECT_EQ(FieldTypeOf(EventKind::kLookedAfterEpisode, "DECOM"), FieldType::kDate);
  EXPECT_EQ(FieldTypeOf(EventKind::kLookedAfterEpisode, "DEC"), FieldType::kDate);
  EXPECT_EQ(FieldTypeOf(EventKind::kLookedAfterEpisode, "PLACE"), FieldType::kCode);
  EXPECT_EQ(FieldTypeOf(EventKind::kCpPlan, "NumberOfPreviousCPP"), FieldType::kInteger);
  EXPECT_FALSE(FieldTypeOf(EventKind::kCpPlan, "PLACE").has_value());
}

TEST(EventTest, SetKeepsDeclaredOrderAndEmptyRemoves) {
  Event a{.kind = EventKind::kLookedAfterEpisode, .start = D(2024, 1, 1)};
  a.Set("PLACE", "U1");
  a.Set("RNE", "S");
  a.Set("LS", "C2");
  Event b{.kind = EventKind::kLookedAfterEpisode, .start = D(2024, 1, 1)};
  b.Set("RNE", "S");
  b.Set("LS", "C2");
  b.Set("PLACE", "U1");
  EXPECT_TRUE(a.SameContent(b));
  ASSERT_EQ(a.fields.size(), 3u);
  EXPECT_EQ(a.fields[0].name, "RNE");
  EXPECT_EQ(a.Get("PLACE"), "U1");
  a.Set("PLACE", "");
  EXPECT_EQ(a.Get("PLACE"), "");
  EXPECT_FALSE(a.SameContent(b));
}

TEST(EventTest, OpenOn) {
  Event e{.kind = EventKind::kCpPlan, .start = D(2024, 3, 31), .end = D(2024, 6, 1)};
  EXPECT_TRUE(e.IsOpenOn(D(2024, 3, 31)));
  EXPECT_TRUE(e.IsOpenOn(D(2024, 6, 1)));
  EXPECT_FALSE(e.IsOpenOn(D(2024, 6, 2)));
  EXPECT_FALSE(e.IsOpenOn(D(2024, 3, 30)));
  e.end.reset();
  EXPECT_TRUE(e.IsOpenOn(D(2030, 1, 1)));
}

TEST(EventTest, AsAtLeavesOutWhatHadNotHappenedYet) {
  Event episode{.kind = EventKind::kLookedAfterEpisode, .start = D(2023, 5, 1), .end = D(2024, 4, 3)};
  episode.Set("PLACE", "U1");
  episode.Set("REC", "X1");
  episode.Set("REASON_PLACE_CHANGE", "CARPL");
  episode.provenance = {"cairn", {}};
  const Event open = episode.AsAt(D(2024, 3, 31));
  EXPECT_EQ(open.start, D(2023, 5, 1));
  EXPECT_FALSE(open.end.has_value());
  EXPECT_EQ(open.Get("PLACE"), "U1");
  EXPECT_EQ(open.Get("REC"), "");
  EXPECT_EQ(open.Get("REASON_PLACE_CHANGE"), "");
  EXPECT_EQ(open.provenance, episode.provenance);
  EXPECT_TRUE(episode.HasDateAfter(D(2024, 3, 31)));
  // On the day it ended, and after, it is as stored.
  EXPECT_TRUE(episode.AsAt(D(2024, 4, 3)).SameContent(episode));
  EXPECT_FALSE(episode.HasDateAfter(D(2024, 4, 3)));

  // A date field after the day goes, with what is recorded on it; a target set at the start stays.
  Event enquiry{.kind = EventKind::kSection47, .start = D(2023, 3, 29)};
  enquiry.Set("InitialCPCtarget", "2023-04-19");
  enquiry.Set("DateOfInitialCPC", "2023-04-20");
  enquiry.Set("ICPCnotRequired", "false");
  const Event before = enquiry.AsAt(D(2023, 3, 31));
  EXPECT_EQ(before.Get("DateOfInitialCPC"), "");
  EXPECT_EQ(before.Get("InitialCPCtarget"), "2023-04-19");
  EXPECT_EQ(before.Get("ICPCnotRequired"), "false");
  EXPECT_TRUE(enquiry.AsAt(D(2024, 3, 31)).SameContent(enquiry));

  Event assessment{.kind = EventKind::kAssessment, .start = D(2024, 3, 1), .end = D(2024, 4, 20)};
  assessment.Set("AssessmentInternalReviewDate", "2024-03-20");
  assessment.Set("AssessmentFactors", "2B,3A");
  const Event unfinished = assessment.AsAt(D(2024, 3, 31));
  EXPECT_FALSE(unfinished.end.has_value());
  EXPECT_EQ(unfinished.Get("AssessmentFactors"), "");
  EXPECT_EQ(unfinished.Get("AssessmentInternalReviewDate"), "2024-03-20");
  EXPECT_EQ(assessment.AsAt(D(2024, 3, 10)).Get("AssessmentInternalReviewDate"), "");
}

TEST(ChronologyTest, SortKeepsParentLinks) {
  Chronology chronology(Child{.la_child_id = "C1"});
  const int32_t later = chronology.Add({.kind = EventKind::kCinEpisode, .start = D(2024, 5, 1)});
  const int32_t earlier = chronology.Add({.kind = EventKind::kCinEpisode, .start = D(2023, 5, 1)});
  chronology.Add({.kind = EventKind::kCpPlan, .start = D(2024, 6, 1), .parent = later});
  chronology.Add({.kind = EventKind::kAssessment, .start = D(2023, 5, 1), .parent = earlier});
  chronology.Sort();
  const auto& events = chronology.events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].start, D(2023, 5, 1));
  EXPECT_EQ(events[0].kind, EventKind::kCinEpisode);  // parent before child on the same date
  EXPECT_EQ(events[1].parent, 0);
  EXPECT_EQ(events[2].kind, EventKind::kCinEpisode);
  EXPECT_EQ(events[3].kind, EventKind::kCpPlan);
  EXPECT_EQ(events[3].parent, 2);
  EXPECT_EQ(chronology.ChildrenOf(2), std::vector<int32_t>{3});
}

TEST(ChronologyTest, NaturalKeysAreEveryNaturalKey) {
  Chronology chronology(Child{.la_child_id = "C1"});
  const int32_t episode = chronology.Add({.kind = EventKind::kCinEpisode, .start = D(2024, 5, 1)});
  Event plan{.kind = EventKind::kCpPlan, .start = D(2024, 6, 1), .parent = episode};
  plan.Set("InitialCategoryOfAbuse", "NEG");
  const int32_t plan_index = chronology.Add(plan);
  chronology.Add({.kind = EventKind::kCpReview, .start = D(2024, 9, 1), .parent = plan_index});
  chronology.Add({.kind = EventKind::kCinEpisode, .start = D(2023, 1, 1)});
  chronology.Sort();  // a parent may now sit after its children in index order
  chronology.mutable_events().insert(chronology.mutable_events().begin(),
                                     Event{.kind = EventKind::kCpReview, .start = D(2024, 12, 1), .parent = 3});
  for (Event& event : chronology.mutable_events()) {
    if (&event != &chronology.mutable_events()[0] && event.parent >= 0) ++event.parent;
  }
  const std::vector<std::string> keys = chronology.NaturalKeys();
  ASSERT_EQ(keys.size(), chronology.events().size());
  for (int32_t i = 0; i < static_cast<int32_t>(keys.size()); ++i) {
    EXPECT_EQ(keys[static_cast<size_t>(i)], chronology.NaturalKey(i)) << i;
  }
  EXPECT_NE(keys[0].find(" > "), std::string::npos);
}

TEST(CollectionYearTest, Boundaries) {
  EXPECT_EQ(CollectionYear::Containing(D(2024, 4, 1)).year, 2025);
  EXPECT_EQ(CollectionYear::Containing(D(2025, 3, 31)).year, 2025);
  const CollectionYear year{2025};
  EXPECT_EQ(year.start(), D(2024, 4, 1));
  EXPECT_EQ(year.end(), D(2025, 3, 31));
  EXPECT_FALSE(year.Contains(D(2024, 3, 31)));
}

TEST(ChildTest, AgeOn) {
  Child child{.birth_date = D(2008, 2, 29)};
  EXPECT_EQ(child.AgeOn(D(2026, 2, 28)), 17);
  EXPECT_EQ(child.AgeOn(D(2026, 3, 1)), 18);
  EXPECT_FALSE(Child{}.AgeOn(D(2026, 3, 1)).has_value());
}

TEST(ProvenanceTest, ReportedYearsStaySortedAndUnique) {
  Provenance provenance{.source = "ssda903"};
  provenance.AddReportedYear(2025);
  provenance.AddReportedYear(2023);
  provenance.AddReportedYear(2025);
  EXPECT_EQ(provenance.reported_in_years, (std::vector<int>{2023, 2025}));
  EXPECT_TRUE(provenance.ReportedIn(2023));
  EXPECT_FALSE(provenance.ReportedIn(2024));
}

}  // namespace
}  // namespace cairn::model

namespace cairn::model {
namespace {

TEST(ChronologyTest, AsAtKeepsWhatHadHappenedWithItsParents) {
  Chronology chronology(Child{.la_child_id = "C1"});
  const int32_t first = chronology.Add(Event{.kind = EventKind::kCinEpisode, .start = D(2023, 1, 5), .end = D(2023, 6, 1)});
  chronology.Add(Event{.kind = EventKind::kAssessment, .start = D(2023, 1, 6), .end = D(2023, 2, 20), .parent = first});
  const int32_t second = chronology.Add(Event{.kind = EventKind::kCinEpisode, .start = D(2024, 2, 1), .end = D(2024, 9, 1)});
  const int32_t plan = chronology.Add(Event{.kind = EventKind::kCpPlan, .start = D(2024, 3, 1), .parent = second});
  chronology.Add(Event{.kind = EventKind::kCpReview, .start = D(2024, 5, 1), .parent = plan});
  chronology.Add(Event{.kind = EventKind::kAssessment, .start = D(2024, 2, 2), .end = D(2024, 3, 20), .parent = second});

  const Chronology stood = chronology.AsAt(D(2024, 3, 10));
  EXPECT_EQ(stood.child(), chronology.child());
  ASSERT_EQ(stood.events().size(), 5u);  // the review (1 May) had not happened
  EXPECT_EQ(stood.events()[2].end, std::nullopt) << "the second referral was still open";
  EXPECT_EQ(stood.events()[3].kind, EventKind::kCpPlan);
  EXPECT_EQ(stood.events()[3].parent, 2);
  EXPECT_EQ(stood.events()[4].kind, EventKind::kAssessment);
  EXPECT_EQ(stood.events()[4].parent, 2) << "re-linked to the referral's new position";
  EXPECT_EQ(stood.events()[4].end, std::nullopt) << "not yet authorised on 10 March";
  EXPECT_EQ(stood.events()[1].parent, 0);
  // On or after the last date, the chronology is as stored.
  const Chronology whole = chronology.AsAt(D(2024, 9, 1));
  ASSERT_EQ(whole.events().size(), chronology.events().size());
  for (size_t i = 0; i < whole.events().size(); ++i) {
    EXPECT_TRUE(whole.events()[i].SameContent(chronology.events()[i])) << i;
    EXPECT_EQ(whole.events()[i].parent, chronology.events()[i].parent) << i;
  }
  EXPECT_TRUE(chronology.AsAt(D(2022, 12, 31)).events().empty());
}

}  // namespace
}  // namespace cairn::model
