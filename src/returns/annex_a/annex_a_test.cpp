#include "returns/annex_a/annex_a.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "base/xlsx_test_support.h"

namespace cairn::returns::annex_a {
namespace {

using model::Event;
using model::EventKind;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

Event Make(EventKind kind, Date start, std::optional<Date> end = std::nullopt, int32_t parent = -1,
           std::vector<std::pair<std::string, std::string>> fields = {}) {
  Event event{.kind = kind, .start = start, .end = end, .parent = parent};
  for (auto& [name, value] : fields) event.Set(name, value);
  return event;
}

const Guidance& TheGuidance() {
  static const Guidance guidance = [] {
    Result<Guidance> loaded = LoadGuidance();
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? *loaded : Guidance{};
  }();
  return guidance;
}

const ListSpec& ListNumber(int number) { return TheGuidance().lists.at(static_cast<size_t>(number - 1)); }

// The cell under `heading` in row `row` of list `number`.
const Value& Cell(const Lists& lists, int number, size_t row, std::string_view heading) {
  const Sheet& sheet = lists.sheets.at(static_cast<size_t>(number - 1));
  const auto& columns = sheet.spec->columns;
  auto at = std::find_if(columns.begin(), columns.end(), [&](const ColumnSpec& c) { return c.heading == heading; });
  EXPECT_NE(at, columns.end()) << heading;
  return sheet.rows.at(row).at(static_cast<size_t>(at - columns.begin()));
}

std::string Text(const Value& value) { return value.kind == Value::Kind::kText ? value.text : "(not text)"; }
std::optional<Date> DateOf(const Value& value) {
  return value.kind == Value::Kind::kDate ? std::optional<Date>(value.date) : std::nullopt;
}

// Letters and digits only, lower case: headings compared as a reader compares them.
std::string Plain(std::string_view text) {
  std::string plain;
  for (unsigned char c : text) {
    if (std::isalnum(c)) plain += static_cast<char>(std::tolower(c));
  }
  return plain;
}

TEST(AnnexATest, TheGuidanceHasElevenListsAndEveryColumnIsFilledOrSaysWhyNot) {
  const Guidance& guidance = TheGuidance();
  ASSERT_EQ(guidance.lists.size(), 11u);
  const std::vector<std::string_view> known = KnownSources();
  std::set<std::string_view> used;
  for (const ListSpec& list : guidance.lists) {
    EXPECT_EQ(list.sheet, "List " + std::to_string(list.number));
    EXPECT_EQ(list.columns.front().heading, list.number == 11 ? "Individual adopter identifier" : "Child Unique ID");
    for (const ColumnSpec& column : list.columns) {
      EXPECT_NE(column.source.empty(), column.blank.empty()) << list.sheet << " " << column.heading;
      if (!column.source.empty()) used.insert(column.source);
    }
  }
  // Every filler is used by some column: none is dead code the data forgot.
  for (std::string_view source : known) EXPECT_TRUE(used.contains(source)) << source;
}

// The structure is the template's: every heading of the reference sample workbook appears in
// Cairn's list of the same number, in the same order (the sample predates a few columns the
// current guidance added, such as the care leaver's personal adviser, and shortens "Age of Child
// (Years)" to "Age").
TEST(AnnexATest, EveryListHasTheSampleWorkbooksHeadingsInItsOrder) {
  std::ifstream in(CAIRN_REFERENCE_DIR "/annex-a/Annex_A_sample.xlsx", std::ios::binary);
  ASSERT_TRUE(in.good()) << "the reference sample workbook is missing";
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::vector<cairn::testing::SheetText> sample = cairn::testing::ReadWorkbook(bytes.str());
  ASSERT_EQ(sample.size(), 11u);
  for (const cairn::testing::SheetText& sheet : sample) {
    const ListSpec* list = nullptr;
    for (const ListSpec& candidate : TheGuidance().lists) {
      if (candidate.sheet == sheet.name) list = &candidate;
    }
    ASSERT_NE(list, nullptr) << sheet.name;
    ASSERT_FALSE(sheet.rows.empty());
    size_t at = 0;
    for (const std::string& heading : sheet.rows[0]) {
      std::string wanted = Plain(heading);
      if (wanted == "age") wanted = "ageofchildyears";
      while (at < list->columns.size() && Plain(list->columns[at].heading).rfind(wanted.substr(0, 30), 0) != 0) ++at;
      EXPECT_LT(at, list->columns.size()) << sheet.name << ": the sample's heading '" << heading
                                          << "' is not among Cairn's, or not in the same order";
      if (at < list->columns.size()) ++at;
    }
  }
}

TEST(AnnexATest, AColumnWithNeitherSourceNorReasonIsRefusedNamingTheLine) {
  const std::string text =
      "[[list]]\nnumber = 1\ntitle = \"Contacts\"\nmonths = 6\ncovers = \"c\"\n"
      "[[list.column]]\nheading = \"Child Unique ID\"\n";
  Result<Guidance> parsed = ParseGuidance(text, "lists.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("lists.toml line 6: list 1, column 1"), std::string::npos)
      << parsed.status().message();
  Result<Guidance> unknown = ParseGuidance(
      "[[list]]\nnumber = 1\ntitle = \"t\"\nmonths = 6\ncovers = \"c\"\n[[list.column]]\nheading = \"h\"\nsource = \"shoe-size\"\n",
      "lists.toml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'shoe-size' is not a source"), std::string::npos) << unknown.status().message();
  Result<Guidance> skipped = ParseGuidance(
      "[[list]]\nnumber = 2\ntitle = \"t\"\nmonths = 6\ncovers = \"c\"\n[[list.column]]\nheading = \"h\"\nblank = \"b\"\n",
      "lists.toml");
  ASSERT_FALSE(skipped.ok());
  EXPECT_NE(skipped.status().message().find("should be 1"), std::string::npos) << skipped.status().message();
}

// One child's journey: referred, assessed, an enquiry and a conference, a plan, then care.
model::Chronology Journey() {
  model::Child child;
  child.la_child_id = "C1";
  child.sex = "2";
  child.ethnicity = "WBRI";
  child.birth_date = D(2015, 6, 1);
  child.disabilities = {"NONE"};
  model::Chronology c(child);
  const int32_t episode = c.Add(Make(EventKind::kCinEpisode, D(2024, 11, 4), std::nullopt, -1,
                                     {{"ReferralSource", "6"}, {"PrimaryNeedCode", "N1"}, {"ReferralNFA", "0"}}));
  c.Add(Make(EventKind::kAssessment, D(2024, 11, 5), D(2024, 12, 20), episode));
  c.Add(Make(EventKind::kSection47, D(2024, 11, 6), std::nullopt, episode,
             {{"DateOfInitialCPC", "2024-11-25"}, {"ICPCnotRequired", "false"}}));
  const int32_t plan = c.Add(Make(EventKind::kCpPlan, D(2024, 11, 25), D(2025, 2, 10), episode,
                                  {{"InitialCategoryOfAbuse", "NEG"}, {"LatestCategoryOfAbuse", "EMO"}}));
  c.Add(Make(EventKind::kCpReview, D(2025, 2, 3), std::nullopt, plan));
  c.Add(Make(EventKind::kVisit, D(2025, 1, 20), std::nullopt, -1, {{"purpose", "cp"}, {"child_seen", "1"}, {"seen_alone", "0"}}));
  // Care: police protection, then a care order, then a move.
  c.Add(Make(EventKind::kLookedAfterEpisode, D(2025, 2, 10), D(2025, 2, 12), -1,
             {{"RNE", "S"}, {"LS", "L1"}, {"CIN", "N1"}, {"PLACE", "U6"}, {"PLACE_PROVIDER", "PR1"}, {"REC", "X1"}}));
  c.Add(Make(EventKind::kLookedAfterEpisode, D(2025, 2, 12), D(2025, 3, 1), -1,
             {{"RNE", "L"}, {"LS", "C1"}, {"CIN", "N1"}, {"PLACE", "U6"}, {"PLACE_PROVIDER", "PR1"}, {"REC", "X1"}}));
  c.Add(Make(EventKind::kLookedAfterEpisode, D(2025, 3, 1), std::nullopt, -1,
             {{"RNE", "P"}, {"LS", "C1"}, {"CIN", "N1"}, {"PLACE", "K2"}, {"PLACE_PROVIDER", "PR4"}, {"PL_POST", "AB1 2CD"}}));
  c.Add(Make(EventKind::kClaReview, D(2025, 3, 10), std::nullopt, -1, {{"REVIEW_CODE", "PN1"}}));
  c.Add(Make(EventKind::kMissing, D(2025, 3, 12), D(2025, 3, 13), -1, {{"MISSING", "M"}}));
  c.Add(Make(EventKind::kReturnInterview, D(2025, 3, 14), std::nullopt, -1, {{"offered", "1"}, {"accepted", "0"}}));
  // After the as-at date: never in the lists.
  c.Add(Make(EventKind::kCinEpisode, D(2025, 4, 2)));
  c.Sort();
  return c;
}

TEST(AnnexATest, OneChildsJourneyFillsEachListFromTheRecord) {
  const std::vector<model::Chronology> chronologies = {Journey()};
  const std::vector<model::Worker> workers = {{"W1", "Maya Harding", "social-worker", "T1", false, {}, {}}};
  const std::vector<model::Team> teams = {{"T1", "Children in care team 1", "children-in-care"}};
  const Lists lists = BuildLists(TheGuidance(), {chronologies, std::nullopt, workers, teams}, D(2025, 3, 31));
  ASSERT_EQ(lists.sheets.size(), 11u);
  std::vector<size_t> rows;
  for (const Sheet& sheet : lists.sheets) rows.push_back(sheet.rows.size());
  // Contacts, early help and adopters: nothing Cairn records. The referral after the as-at date
  // is not there; the care leavers' list is for young people who have left.
  EXPECT_EQ(rows, (std::vector<size_t>{0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0}));

  EXPECT_EQ(Text(Cell(lists, 3, 0, "Gender")), "b) Female");
  EXPECT_EQ(Text(Cell(lists, 3, 0, "Ethnicity")), "a) WBRI");
  EXPECT_EQ(Cell(lists, 3, 0, "Age of Child (Years)").number, 9);
  EXPECT_EQ(Text(Cell(lists, 3, 0, "Referral Source")), "q) 6: Police");
  EXPECT_EQ(Text(Cell(lists, 3, 0, "Referral NFA?")), "b) No");
  EXPECT_EQ(Cell(lists, 3, 0, "Number of Referrals in Last 12 Months").number, 0);

  EXPECT_EQ(DateOf(Cell(lists, 4, 0, "Continuous Assessment Date of Authorisation")), D(2024, 12, 20));
  EXPECT_EQ(Text(Cell(lists, 4, 0, "Does the Child have a Disability")), "b) No");
  EXPECT_EQ(Text(Cell(lists, 4, 0, "Was the child assessed as requiring LA children's social care support?")), "a) Yes");

  EXPECT_EQ(DateOf(Cell(lists, 5, 0, "Date of Initial Child Protection Conference")), D(2024, 11, 25));
  EXPECT_EQ(Text(Cell(lists, 5, 0, "Did the Initial Child Protection Conference Result in a Child Protection Plan")), "a) Yes");
  EXPECT_EQ(Text(Cell(lists, 5, 0, "Was an Initial Child Protection Conference deemed unnecessary?")), "b) No");

  EXPECT_EQ(Text(Cell(lists, 6, 0, "Case Status")), "a) Looked after child");
  EXPECT_EQ(Text(Cell(lists, 6, 0, "Primary Need Code")), "N1 - Abuse or neglect");
  EXPECT_EQ(DateOf(Cell(lists, 6, 0, "Date Child Was Last Seen")), D(2025, 1, 20));

  EXPECT_EQ(Text(Cell(lists, 7, 0, "Initial Category of Abuse")), "a) Neglect");
  EXPECT_EQ(Text(Cell(lists, 7, 0, "Latest Category of Abuse")), "d) Emotional abuse");
  EXPECT_EQ(DateOf(Cell(lists, 7, 0, "Date of latest review conference")), D(2025, 2, 3));
  EXPECT_EQ(DateOf(Cell(lists, 7, 0, "Child Protection Plan End Date")), D(2025, 2, 10));
  EXPECT_EQ(Text(Cell(lists, 7, 0, "Was the Child Seen Alone?")), "b) No");
  EXPECT_EQ(Text(Cell(lists, 7, 0, "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)")),
            "a) Yes");

  // Care: the period began with police protection on 10 February; the care order on 12
  // February is the current legal status; the move on 1 March the current placement.
  EXPECT_EQ(DateOf(Cell(lists, 8, 0, "Date Started to be Looked After")), D(2025, 2, 10));
  EXPECT_EQ(DateOf(Cell(lists, 8, 0, "Start date of current legal status")), D(2025, 2, 12));
  EXPECT_EQ(Text(Cell(lists, 8, 0, "Child's Legal Status")), "C1: ICO");
  EXPECT_EQ(DateOf(Cell(lists, 8, 0, "Start Date of Most Recent Placement")), D(2025, 3, 1));
  EXPECT_EQ(Text(Cell(lists, 8, 0, "Placement Type")), "p) K2: Children's Homes");
  EXPECT_EQ(Text(Cell(lists, 8, 0, "Placement Provider")), "e) PR4: Private provision");
  EXPECT_EQ(Cell(lists, 8, 0, "Number of Placements in the Last 12 months").number, 2);
  EXPECT_EQ(Cell(lists, 8, 0, "Date Ceased to be Looked After").kind, Value::Kind::kEmpty);
  EXPECT_EQ(Cell(lists, 8, 0, "Date of Last IRO Visit / Contact to the Child").kind, Value::Kind::kEmpty);
  EXPECT_EQ(Cell(lists, 8, 0, "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months").number, 1);
  EXPECT_EQ(Text(Cell(lists, 8, 0, "Was the child offered a Return Interview after their last missing episode (Y/N)?")), "a) Yes");
  EXPECT_EQ(Text(Cell(lists, 8, 0, "Did the child accept a Return Interview after their last missing episode (Y/N)?")), "b) No");
  EXPECT_TRUE(lists.unmapped.empty());
}

TEST(AnnexATest, AsAtAnEarlierDateTheListsShowTheRecordAsItStoodThen) {
  const std::vector<model::Chronology> chronologies = {Journey()};
  const Lists lists = BuildLists(TheGuidance(), {chronologies, std::nullopt, {}, {}}, D(2025, 1, 31));
  EXPECT_EQ(lists.sheets[7].rows.size(), 0u) << "not yet in care";
  ASSERT_EQ(lists.sheets[6].rows.size(), 1u);
  EXPECT_EQ(Cell(lists, 7, 0, "Child Protection Plan End Date").kind, Value::Kind::kEmpty) << "the plan had not ended";
  EXPECT_EQ(Text(Cell(lists, 6, 0, "Case Status")), "b) Child Protection plan");
  EXPECT_EQ(Cell(lists, 7, 0, "Date of latest review conference").kind, Value::Kind::kEmpty);
  // A wider window reaches further back; a narrower one leaves the referral out.
  EXPECT_EQ(BuildLists(TheGuidance(), {chronologies, std::nullopt, {}, {}}, D(2025, 7, 31), 6).sheets[2].rows.size(), 1u)
      << "the April referral";
  EXPECT_EQ(BuildLists(TheGuidance(), {chronologies, std::nullopt, {}, {}}, D(2025, 7, 31), 12).sheets[2].rows.size(), 2u);
}

TEST(AnnexATest, ACodeTheTemplateDoesNotListIsWrittenAsRecordedAndNamed) {
  model::Chronology c = Journey();
  c.mutable_child().ethnicity = "XXXX";
  const std::vector<model::Chronology> chronologies = {c};
  const Lists lists = BuildLists(TheGuidance(), {chronologies, std::nullopt, {}, {}}, D(2025, 3, 31));
  EXPECT_EQ(Text(Cell(lists, 3, 0, "Ethnicity")), "XXXX");
  ASSERT_FALSE(lists.unmapped.empty());
  EXPECT_EQ(lists.unmapped[0].code, "XXXX");
}

TEST(AnnexATest, TheScopeDecidesWhichChildrenAreListed) {
  model::Chronology other = Journey();
  other.mutable_child().la_child_id = "C2";
  const std::vector<model::Chronology> chronologies = {Journey(), other};
  const Lists all = BuildLists(TheGuidance(), {chronologies, std::nullopt, {}, {}}, D(2025, 3, 31));
  EXPECT_EQ(all.sheets[2].children, (std::vector<std::string>{"C1", "C2"}));
  const Lists one = BuildLists(TheGuidance(), {chronologies, std::vector<size_t>{1}, {}, {}}, D(2025, 3, 31));
  EXPECT_EQ(one.sheets[2].children, (std::vector<std::string>{"C2"}));
  // No child in scope is an empty workbook, never the whole council.
  const Lists none = BuildLists(TheGuidance(), {chronologies, std::vector<size_t>{}, {}, {}}, D(2025, 3, 31));
  for (const Sheet& sheet : none.sheets) EXPECT_TRUE(sheet.rows.empty()) << sheet.spec->sheet;
}

TEST(AnnexATest, TheWorkbookReadsBackWithACoverSheetAndTheGuidancesHeadings) {
  const std::vector<model::Chronology> chronologies = {Journey()};
  const Lists lists = BuildLists(TheGuidance(), {chronologies, std::nullopt, {}, {}}, D(2025, 3, 31));
  Result<std::string> workbook = WriteWorkbook(lists, {"Demo council", "999", "test", "now"});
  ASSERT_TRUE(workbook.ok()) << workbook.status().message();
  const std::vector<cairn::testing::SheetText> sheets = cairn::testing::ReadWorkbook(*workbook);
  ASSERT_EQ(sheets.size(), 12u);
  EXPECT_EQ(sheets[0].name, "Cover");
  for (int number = 1; number <= 11; ++number) {
    const cairn::testing::SheetText& sheet = sheets[static_cast<size_t>(number)];
    EXPECT_EQ(sheet.name, "List " + std::to_string(number));
    std::vector<std::string> headings;
    for (const ColumnSpec& column : ListNumber(number).columns) headings.push_back(column.heading);
    ASSERT_FALSE(sheet.rows.empty());
    EXPECT_EQ(sheet.rows[0], headings);
    EXPECT_EQ(sheet.rows.size(), 1 + lists.sheets[static_cast<size_t>(number - 1)].rows.size());
  }
  // A date is an Excel date (day 1 is 1 January 1900, and Excel counts a 29 February 1900), not text.
  EXPECT_EQ(sheets[3].rows[1][5], std::to_string(D(2024, 11, 4).DaysSince(D(1900, 1, 1)) + 2));
  // The cover sheet says why each empty column is empty.
  std::string cover;
  for (const auto& row : sheets[0].rows) {
    for (const std::string& cell : row) cover += cell + "\n";
  }
  EXPECT_NE(cover.find("Cairn does not record the independent reviewing officer"), std::string::npos);
  EXPECT_NE(cover.find("Demo council"), std::string::npos);
}

}  // namespace
}  // namespace cairn::returns::annex_a
