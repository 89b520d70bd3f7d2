#include "store/chronology_image.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::store {
namespace {

using model::Event;
using model::EventKind;
using ::testing::HasSubstr;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

// Events with everything an image must carry, including what is awkward: dates before 1970 and
// far ahead, an end before its start, ids that go down as well as up, bytes that are not text.
std::vector<Event> AwkwardEvents() {
  std::vector<Event> events;
  Event episode{.kind = EventKind::kCinEpisode, .start = D(1969, 12, 31), .end = D(2024, 2, 29)};
  episode.fields = {{"ReferralSource", "1A"}, {"PrimaryNeedCode", ""}, {"Note", std::string("nul\0byte", 8)}};
  episode.provenance = {"cin-census", {2023, 2024}};
  episode.id = 9'000'000'000;
  episode.revision = 7;
  events.push_back(episode);
  Event plan{.kind = EventKind::kCpPlan, .start = D(2099, 1, 1), .end = D(2098, 12, 31), .parent = 0};
  plan.fields = {{"InitialCategoryOfAbuse", "NEG"}, {"Zoë", "Ørsted \"quoted\"\n\t"}};
  plan.provenance = {"", {}};
  plan.id = 3;
  plan.revision = 1;
  events.push_back(plan);
  Event review{.kind = EventKind::kCpReview, .start = D(2024, 1, 30), .parent = 1};
  review.provenance = {"cin-census", {-5}};
  review.id = 4;
  events.push_back(review);
  return events;
}

void ExpectSame(const std::vector<Event>& got, const std::vector<Event>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    EXPECT_TRUE(got[i].SameContent(want[i]));
    EXPECT_EQ(got[i].parent, want[i].parent);
    EXPECT_EQ(got[i].id, want[i].id);
    EXPECT_EQ(got[i].revision, want[i].revision);
    EXPECT_EQ(got[i].provenance, want[i].provenance);
  }
}

TEST(ChronologyImageTest, EventsComeBackExactly) {
  const std::vector<Event> events = AwkwardEvents();
  std::vector<Event> decoded = {Event{}};  // replaced, not added to
  ASSERT_TRUE(DecodeChronologyImage(EncodeChronologyImage(events), decoded).ok());
  ExpectSame(decoded, events);
}

// In date order a nested event can come before the one it sits under (an assessment recorded as
// starting before its episode); such a chronology's image reads back as it was. Parents that go
// round in a circle are damage.
TEST(ChronologyImageTest, AParentAfterItsEventReadsBackAndACircleIsDataLoss) {
  std::vector<Event> events;
  events.push_back(Event{.kind = EventKind::kAssessment, .start = D(2024, 1, 1), .parent = 1});
  events.push_back(Event{.kind = EventKind::kCinEpisode, .start = D(2024, 1, 5)});
  std::vector<Event> decoded;
  ASSERT_TRUE(DecodeChronologyImage(EncodeChronologyImage(events), decoded).ok());
  ExpectSame(decoded, events);

  events[1].parent = 0;
  const Status status = DecodeChronologyImage(EncodeChronologyImage(events), decoded);
  EXPECT_EQ(status.code(), Status::Code::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("circle"));
  events[1].parent = 1;
  EXPECT_EQ(DecodeChronologyImage(EncodeChronologyImage(events), decoded).code(), Status::Code::kDataLoss);
}

TEST(ChronologyImageTest, NoEventsIsAnImageToo) {
  std::vector<Event> decoded = AwkwardEvents();
  ASSERT_TRUE(DecodeChronologyImage(EncodeChronologyImage({}), decoded).ok());
  EXPECT_TRUE(decoded.empty());
}

TEST(ChronologyImageTest, AFieldGivenTwiceKeepsItsFirstPlaceAndLastValueAndYearsAreSortedOnce) {
  Event event{.kind = EventKind::kVisit, .start = D(2024, 3, 1)};
  event.fields = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  ChronologyImageBuilder builder;
  const std::vector<int> years = {2025, 2024, 2025};
  builder.Add(event, -1, 12, 1, "cairn", years);
  std::vector<Event> decoded;
  ASSERT_TRUE(DecodeChronologyImage(builder.Finish(), decoded).ok());
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].fields, (std::vector<model::Field>{{"a", "3"}, {"b", "2"}}));
  EXPECT_EQ(decoded[0].provenance.reported_in_years, (std::vector<int>{2024, 2025}));
  EXPECT_EQ(decoded[0].provenance.source, "cairn");
  EXPECT_EQ(decoded[0].id, 12);
}

TEST(ChronologyImageTest, EveryCutShortImageIsDataLoss) {
  const std::string image = EncodeChronologyImage(AwkwardEvents());
  for (size_t size = 0; size < image.size(); ++size) {
    std::vector<Event> decoded;
    const Status status = DecodeChronologyImage(image.substr(0, size), decoded);
    ASSERT_FALSE(status.ok()) << "cut to " << size << " bytes";
    EXPECT_EQ(status.code(), Status::Code::kDataLoss);
  }
  std::vector<Event> decoded;
  EXPECT_FALSE(DecodeChronologyImage(image + '\0', decoded).ok());
}

// A changed byte may still read as some image; it must never read out of bounds or throw (the
// sanitizer build runs this), and what it refuses it refuses as DataLoss.
TEST(ChronologyImageTest, AChangedByteIsReadSafely) {
  const std::string image = EncodeChronologyImage(AwkwardEvents());
  for (size_t at = 0; at < image.size(); ++at) {
    for (unsigned char value : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::string changed = image;
      changed[at] = static_cast<char>(value);
      std::vector<Event> decoded;
      const Status status = DecodeChronologyImage(changed, decoded);
      if (!status.ok()) {
        EXPECT_EQ(status.code(), Status::Code::kDataLoss) << at;
      }
      for (size_t i = 0; status.ok() && i < decoded.size(); ++i) {
        EXPECT_LT(decoded[i].parent, static_cast<int32_t>(decoded.size()));
        EXPECT_NE(decoded[i].parent, static_cast<int32_t>(i));
      }
    }
  }
}

TEST(ChronologyImageTest, AnotherVersionOrAnUnknownKindIsDataLoss) {
  std::string image = EncodeChronologyImage(AwkwardEvents());
  image[0] = 2;
  std::vector<Event> decoded;
  Status status = DecodeChronologyImage(image, decoded);
  EXPECT_EQ(status.code(), Status::Code::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("version 2"));

  image = EncodeChronologyImage(AwkwardEvents());
  const size_t kind = image.find("cin-episode");
  ASSERT_NE(kind, std::string::npos);
  image.replace(kind, 11, "cin-episodX");
  status = DecodeChronologyImage(image, decoded);
  EXPECT_EQ(status.code(), Status::Code::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("unknown event kind"));
}

// Made by hand, as the builder never writes these: the same field twice, and an end date too far
// from its start for any date.
TEST(ChronologyImageTest, AFieldTwiceOrAnEndOutOfRangeIsDataLoss) {
  // version 1; strings "visit", "cairn", "a"; one event: kind 0, start 0, end `end`, no parent,
  // id 0, revision 1, source 1, no years, then its fields.
  const auto image = [](std::string end, std::string fields) {
    return std::string("\x01\x03\x05visit\x05" "cairn\x01" "a\x01\x00\x00", 19) + end + std::string("\x00\x00\x01\x01\x00", 5) +
           fields;
  };
  std::vector<Event> decoded;
  ASSERT_TRUE(DecodeChronologyImage(image(std::string(1, '\0'), std::string("\x01\x02\x01x", 4)), decoded).ok());
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].Get("a"), "x");
  Status status = DecodeChronologyImage(image(std::string(1, '\0'), std::string("\x02\x02\x01x\x02\x01y", 7)), decoded);
  EXPECT_EQ(status.code(), Status::Code::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("a field twice"));
  status = DecodeChronologyImage(image(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10), std::string(1, '\0')), decoded);
  EXPECT_EQ(status.code(), Status::Code::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("end date out of range"));
}

}  // namespace
}  // namespace cairn::store
