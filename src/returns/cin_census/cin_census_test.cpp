#include "returns/cin_census/cin_census.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::returns::cin_census {
namespace {

using model::Chronology;
using model::Event;
using model::EventKind;

std::string Reference(std::string_view name) { return std::string(CAIRN_REFERENCE_DIR "/cin/") + std::string(name); }

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Occurrences of `needle` in `text`: an independent count to check the reader against.
size_t CountOf(std::string_view text, std::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

std::string DateText(const std::optional<Date>& date) { return date ? date->ToIso() : "-"; }

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string row;
  for (std::string_view part : parts) {
    if (!row.empty()) row += '|';
    row += part;
  }
  return row;
}

// Every module as a set of rows, each row naming its child and the chain of records it sits in,
// so two batches can be compared regardless of order.
using Rows = std::map<std::string, std::set<std::string>>;

Rows Normalise(const std::vector<Chronology>& children) {
  Rows rows;
  for (const Chronology& chronology : children) {
    const model::Child& child = chronology.child();
    const std::string& id = child.la_child_id;
    rows["identifiers"].insert(Join({id, child.upn, child.former_upn, child.upn_unknown, DateText(child.birth_date),
                                     DateText(child.expected_birth_date), child.sex, DateText(child.death_date)}));
    rows["characteristics"].insert(Join({id, child.ethnicity}));
    for (const std::string& disability : child.disabilities) rows["disabilities"].insert(Join({id, disability}));
    const std::vector<Event>& events = chronology.events();
    for (size_t i = 0; i < events.size(); ++i) {
      std::vector<size_t> chain;
      for (int32_t at = static_cast<int32_t>(i); at >= 0; at = events[static_cast<size_t>(at)].parent) {
        chain.push_back(static_cast<size_t>(at));
      }
      std::string row = id;
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        row += "|" + std::string(model::IdOf(events[*it].kind)) + ":" + events[*it].start.ToIso();
      }
      row += "|end=" + DateText(events[i].end);
      for (const model::Field& field : events[i].fields) row += "|" + field.name + "=" + field.value;
      rows[std::string(model::IdOf(events[i].kind))].insert(row);
    }
  }
  return rows;
}

size_t CountKind(const std::vector<Chronology>& children, EventKind kind) {
  size_t count = 0;
  for (const Chronology& chronology : children) count += chronology.OfKind(kind).size();
  return count;
}

const Problem* FindProblem(const std::vector<Problem>& problems, std::string_view field,
                           std::string_view message_part = "") {
  for (const Problem& problem : problems) {
    if (problem.field == field && problem.message.find(message_part) != std::string::npos) return &problem;
  }
  return nullptr;
}

std::string Describe(const std::vector<Problem>& problems) {
  std::string text;
  for (const Problem& problem : problems) text += "  " + problem.location + " " + problem.ToString() + "\n";
  return text;
}

WriteOptions Options() {
  WriteOptions options;
  options.lea = "201";
  return options;
}

// A header for `reference_date`, then `children` inside <Children>.
std::string Census(std::string_view reference_date, std::string_view children) {
  std::string text =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<Message>\n"
      "  <Header>\n"
      "    <CollectionDetails>\n"
      "      <Collection>CIN</Collection>\n"
      "      <Year>2024</Year>\n";
  if (!reference_date.empty()) text += "      <ReferenceDate>" + std::string(reference_date) + "</ReferenceDate>\n";
  text +=
      "    </CollectionDetails>\n"
      "    <Source>\n"
      "      <SourceLevel>L</SourceLevel>\n"
      "      <LEA>201</LEA>\n"
      "    </Source>\n"
      "  </Header>\n"
      "  <Children>\n";
  text += children;
  text += "  </Children>\n</Message>\n";
  return text;
}

// "<name>2024-05-01</name>" and a line break.
std::string DateElement(std::string_view name, int year, int month, int day) {
  return "<" + std::string(name) + ">" + Date::FromYmdOrDie(year, month, day).ToIso() + "</" + std::string(name) +
         ">\n";
}

// A clean child in the layout of `year`: every module, every value valid.
std::string CleanChild(int year, std::string_view id = "C1") {
  const Layout layout = LayoutFor(year);
  const int y = year - 1;  // the collection year starts in April of this year
  std::string child = "    <Child>\n      <ChildIdentifiers>\n        <LAchildID>" + std::string(id) +
                      "</LAchildID>\n        <UPN>A123456789012</UPN>\n"
                      "        <PersonBirthDate>2015-06-01</PersonBirthDate>\n";
  child += layout.sex_element == "Sex" ? "        <Sex>F</Sex>\n" : "        <GenderCurrent>2</GenderCurrent>\n";
  child +=
      "      </ChildIdentifiers>\n"
      "      <ChildCharacteristics>\n        <Ethnicity>WBRI</Ethnicity>\n"
      "        <Disabilities><Disability>AUT</Disability><Disability>COMM</Disability></Disabilities>\n"
      "      </ChildCharacteristics>\n"
      "      <CINdetails>\n" +
      DateElement("CINreferralDate", y, 5, 1) + "        <ReferralSource>2A</ReferralSource>\n" +
      "        <PrimaryNeedCode>N1</PrimaryNeedCode>\n" + DateElement("CINclosureDate", y + 1, 2, 1) +
      "        <ReasonForClosure>RC7</ReasonForClosure>\n" + DateElement("DateOfInitialCPC", y, 5, 20) +
      "        <Assessments>\n  " + DateElement("AssessmentActualStartDate", y, 5, 2) + "  " +
      DateElement("AssessmentAuthorisationDate", y, 6, 10) +
      "          <FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors>"
      "<AssessmentFactors>4B</AssessmentFactors></FactorsIdentifiedAtAssessment>\n"
      "        </Assessments>\n"
      "        <CINPlanDates>" +
      DateElement("CINPlanStartDate", y, 6, 15) + DateElement("CINPlanEndDate", y, 8, 1) +
      "        </CINPlanDates>\n"
      "        <Section47>" +
      DateElement("S47ActualStartDate", y, 5, 3) + DateElement("InitialCPCtarget", y, 5, 24) +
      DateElement("DateOfInitialCPC", y, 5, 20) + "<ICPCnotRequired>false</ICPCnotRequired></Section47>\n" +
      "        <ReferralNFA>0</ReferralNFA>\n"
      "        <ChildProtectionPlans>" +
      DateElement("CPPstartDate", y, 8, 2) + DateElement("CPPendDate", y + 1, 1, 30) +
      "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>"
      "<NumberOfPreviousCPP>1</NumberOfPreviousCPP>"
      "<Reviews>" +
      DateElement("CPPreviewDate", y, 10, 20) + DateElement("CPPreviewDate", y + 1, 1, 15) +
      "</Reviews></ChildProtectionPlans>\n";
  if (layout.pre_proceedings) {
    child += "        <PreProceedingsandFGDM>" + DateElement("PPStartDate", y, 9, 1) +
             DateElement("LBPSentDate", y, 9, 5) +
             "<FGDMMeetingOffer>1</FGDMMeetingOffer><FGDMMeetingFac>0</FGDMMeetingFac>" +
             DateElement("InitialPPMeetingDate", y, 9, 20) + "<ReviewMeetingsCount>2</ReviewMeetingsCount>" +
             DateElement("StepDecisionDate", y, 12, 1) + "<PPOutcome>A</PPOutcome></PreProceedingsandFGDM>\n";
  }
  child += "      </CINdetails>\n    </Child>\n";
  return child;
}

// A child with the given identifiers and one CINdetails of the given inner XML.
std::string ChildWith(std::string_view id, std::string_view episode_xml,
                      std::string_view sex = "<GenderCurrent>1</GenderCurrent>") {
  std::string child = "    <Child>\n      <ChildIdentifiers>\n";
  if (!id.empty()) child += "        <LAchildID>" + std::string(id) + "</LAchildID>\n";
  child += "        <PersonBirthDate>2012-01-01</PersonBirthDate>\n        " + std::string(sex) +
           "\n      </ChildIdentifiers>\n"
           "      <ChildCharacteristics>\n        <Ethnicity>WBRI</Ethnicity>\n      </ChildCharacteristics>\n"
           "      <CINdetails>\n" +
           std::string(episode_xml) + "      </CINdetails>\n    </Child>\n";
  return child;
}

constexpr std::string_view kPlainEpisode =
    "        <CINreferralDate>2023-05-01</CINreferralDate>\n"
    "        <ReferralSource>1A</ReferralSource>\n"
    "        <ReferralNFA>false</ReferralNFA>\n";

// ------------------------------------------------------------------------------------------------
// Layouts

TEST(CinCensusLayout, SexReplacesGenderCurrentFrom2024To25AndPreProceedingsStartIn2025To26) {
  EXPECT_EQ(LayoutFor(2023).sex_element, "GenderCurrent");
  EXPECT_EQ(LayoutFor(2024).sex_element, "GenderCurrent");
  EXPECT_EQ(LayoutFor(2025).sex_element, "Sex");
  EXPECT_EQ(LayoutFor(2026).sex_element, "Sex");
  EXPECT_FALSE(LayoutFor(2025).pre_proceedings);
  EXPECT_TRUE(LayoutFor(2026).pre_proceedings);
  EXPECT_EQ(LayoutFor(2019).collection_year, 2023);
  EXPECT_EQ(LayoutFor(2030).collection_year, 2026);
  EXPECT_EQ(CollectionYearLabel(2024), "2023/24");
  EXPECT_EQ(CollectionYearLabel(2000), "1999/00");
}

TEST(CinCensusCodes, ListsLoadWithTheirSources) {
  const Result<CodeLists>& lists = CinCensusCodeLists();
  ASSERT_TRUE(lists.ok()) << lists.status().ToString();
  const CodeList* referral = lists->ForField("ReferralSource");
  ASSERT_NE(referral, nullptr);
  EXPECT_TRUE(referral->Contains("5D"));
  EXPECT_FALSE(referral->Contains("5E"));
  EXPECT_FALSE(referral->source.empty());
  const CodeList* categories = lists->ForField("LatestCategoryOfAbuse");
  ASSERT_NE(categories, nullptr);
  EXPECT_TRUE(categories->Contains("MUL"));
  const CodeList* factors = lists->ForField("AssessmentFactors");
  ASSERT_NE(factors, nullptr);
  EXPECT_FALSE(factors->Contains("18A"));
  EXPECT_NE(factors->RetiredBecause("18A").find("8945Q"), std::string_view::npos);
  EXPECT_EQ(factors->RetiredBecause("18B"), "");
  EXPECT_EQ(lists->ForField("PPOutcome"), nullptr);
}

// ------------------------------------------------------------------------------------------------
// The DfE validator's sample files

TEST(CinCensusRead, FakeCinDataHas332ChildrenAnd402Episodes) {
  const std::string path = Reference("fake_CIN_data.xml");
  const std::string text = Slurp(path);
  ASSERT_FALSE(text.empty()) << "missing reference file " << path;
  ASSERT_EQ(CountOf(text, "<Child>"), 332u);
  ASSERT_EQ(CountOf(text, "<CINdetails>"), 402u);
  // Disabilities counted per child, a code given twice for one child counting once.
  size_t disabilities = 0;
  size_t repeated_disabilities = 0;
  for (size_t at = text.find("<Child>"); at != std::string::npos;) {
    const size_t next = text.find("<Child>", at + 1);
    const std::string_view block = std::string_view(text).substr(at, next == std::string::npos ? next : next - at);
    std::set<std::string> codes;
    size_t given = 0;
    for (size_t d = block.find("<Disability>"); d != std::string_view::npos; d = block.find("<Disability>", d + 1)) {
      const size_t begin = d + std::string_view("<Disability>").size();
      codes.insert(std::string(block.substr(begin, block.find('<', begin) - begin)));
      ++given;
    }
    disabilities += codes.size();
    repeated_disabilities += given - codes.size();
    at = next;
  }
  ASSERT_EQ(CountOf(text, "<Disability>"), 117u);
  ASSERT_EQ(repeated_disabilities, 5u);

  Result<ImportBatch> batch = ReadCinCensus(path);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->source, "cin-census");
  EXPECT_EQ(batch->files, std::vector<std::string>{path});
  // ReferenceDate 2022-07-21 falls in 2022/23.
  EXPECT_EQ(batch->collection_year, 2023);
  EXPECT_NE(batch->year_basis.find("2022-07-21"), std::string::npos);
  EXPECT_TRUE(batch->rejected.empty()) << Describe(batch->rejected);
  EXPECT_EQ(batch->children.size(), 332u);
  EXPECT_EQ(CountKind(batch->children, EventKind::kCinEpisode), 402u);
  EXPECT_EQ(CountKind(batch->children, EventKind::kAssessment), 0u);
  EXPECT_EQ(CountKind(batch->children, EventKind::kCpPlan), 0u);
  size_t read_disabilities = 0;
  for (const Chronology& chronology : batch->children) read_disabilities += chronology.child().disabilities.size();
  EXPECT_EQ(read_disabilities, disabilities);
  size_t repeat_findings = 0;
  for (const Problem& problem : batch->findings) repeat_findings += problem.message.find("8794") != std::string::npos;
  EXPECT_EQ(repeat_findings, repeated_disabilities);

  const Problem* reference = FindProblem(batch->findings, "ReferenceDate", "31 March");
  ASSERT_NE(reference, nullptr);
  EXPECT_EQ(reference->line, 6);
  EXPECT_EQ(reference->file, "fake_CIN_data.xml");

  for (const Chronology& chronology : batch->children) {
    for (const Event& event : chronology.events()) {
      EXPECT_EQ(event.provenance.source, "cin-census");
      EXPECT_EQ(event.provenance.reported_in_years, std::vector<int>{2023});
    }
  }
  // A child spot-checked against the file: two episodes, the second still open.
  auto it = std::find_if(batch->children.begin(), batch->children.end(),
                         [](const Chronology& c) { return c.child().la_child_id == "RND000824303014"; });
  ASSERT_NE(it, batch->children.end());
  EXPECT_EQ(it->child().sex, "9");
  EXPECT_EQ(it->child().ethnicity, "WROM");
  EXPECT_EQ(it->child().birth_date, Date::FromYmdOrDie(2011, 4, 27));
  const std::vector<const Event*> episodes = it->OfKind(EventKind::kCinEpisode);
  ASSERT_EQ(episodes.size(), 2u);
  EXPECT_EQ(episodes[0]->start, Date::FromYmdOrDie(2013, 10, 25));
  EXPECT_EQ(episodes[0]->end, Date::FromYmdOrDie(2014, 1, 1));
  EXPECT_EQ(episodes[0]->Get("ReasonForClosure"), "RC1");
  EXPECT_EQ(episodes[1]->start, Date::FromYmdOrDie(2017, 10, 22));
  EXPECT_FALSE(episodes[1]->end.has_value());
  EXPECT_EQ(episodes[1]->Get("ReferralSource"), "3A");
  EXPECT_EQ(episodes[1]->Get("ReferralNFA"), "true");
  EXPECT_EQ(episodes[1]->Get("DateOfInitialCPC"), "2017-11-05");
}

TEST(CinCensusRead, Census2024SampleKeepsOddValuesAndReportsThem) {
  Result<ImportBatch> batch = ReadCinCensus(Reference("CIN_Census_2024.xml"));
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->collection_year, 2024);
  EXPECT_TRUE(batch->rejected.empty()) << Describe(batch->rejected);
  ASSERT_EQ(batch->children.size(), 2u);

  // The stray text node "PersonBirthDate" inside ChildIdentifiers.
  const Problem* stray = nullptr;
  for (const Problem& problem : batch->findings) {
    if (problem.value == "PersonBirthDate") stray = &problem;
  }
  ASSERT_NE(stray, nullptr) << Describe(batch->findings);
  EXPECT_EQ(stray->location, "/Message/Children/Child[1]/ChildIdentifiers");
  EXPECT_EQ(stray->line, 23);
  EXPECT_EQ(stray->child, "DfEX0000001");

  // Sex in a 2023/24 file: kept, reported; "1" is not a Sex code.
  const model::Child& first = batch->children[0].child();
  EXPECT_EQ(first.sex, "1");
  EXPECT_EQ(batch->children[1].child().sex, "M");
  EXPECT_NE(FindProblem(batch->findings, "Sex", "<GenderCurrent>"), nullptr);
  EXPECT_NE(FindProblem(batch->findings, "Sex", "not a CIN census code"), nullptr);
  EXPECT_EQ(first.disabilities, (std::vector<std::string>{"HAND", "HEAR"}));

  // The assessment authorised (2020) before it started (2028), with factor RB: kept as given.
  const std::vector<const Event*> assessments = batch->children[0].OfKind(EventKind::kAssessment);
  ASSERT_EQ(assessments.size(), 1u);
  EXPECT_EQ(assessments[0]->start, Date::FromYmdOrDie(2028, 4, 28));
  EXPECT_EQ(assessments[0]->end, Date::FromYmdOrDie(2020, 9, 19));
  EXPECT_EQ(assessments[0]->Get("AssessmentFactors"), "1C,RB,6B");
  const Problem* factor = FindProblem(batch->findings, "AssessmentFactors", "not a CIN census code");
  ASSERT_NE(factor, nullptr);
  EXPECT_EQ(factor->value, "RB");
  EXPECT_EQ(
      factor->location,
      "/Message/Children/Child[1]/CINdetails[1]/Assessments[1]/FactorsIdentifiedAtAssessment/AssessmentFactors[2]");
  EXPECT_NE(FindProblem(batch->findings, "AssessmentAuthorisationDate", "ends before it starts"), nullptr);
  EXPECT_NE(FindProblem(batch->findings, "AssessmentActualStartDate", "after the census ReferenceDate"), nullptr);
  // The CP plan (2022-02-17) starts before its episode's referral (2022-10-06), DfE rule 1105.
  EXPECT_NE(FindProblem(batch->findings, "CPPstartDate", "before its CIN episode's referral"), nullptr);

  const Chronology& second = batch->children[1];
  ASSERT_EQ(second.OfKind(EventKind::kAssessment).size(), 1u);
  EXPECT_EQ(second.OfKind(EventKind::kAssessment)[0]->Get("AssessmentFactors"), "");
  EXPECT_EQ(second.OfKind(EventKind::kCinEpisode)[0]->Get("ReasonForClosure"), "RC9");
  // Parent links: the review hangs on the plan, the plan on the episode.
  const std::vector<Event>& events = batch->children[0].events();
  for (const Event& event : events) {
    if (event.kind == EventKind::kCpReview) {
      ASSERT_GE(event.parent, 0);
      EXPECT_EQ(events[static_cast<size_t>(event.parent)].kind, EventKind::kCpPlan);
    } else if (event.kind != EventKind::kCinEpisode) {
      ASSERT_GE(event.parent, 0);
      EXPECT_EQ(events[static_cast<size_t>(event.parent)].kind, EventKind::kCinEpisode);
    }
  }
}

TEST(CinCensusRead, RepeatedChildProtectionPlanIsReadOnce) {
  Result<ImportBatch> batch = ReadCinCensus(Reference("CIN2rows.xml"));
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->rejected.empty()) << Describe(batch->rejected);
  ASSERT_EQ(batch->children.size(), 1u);
  EXPECT_EQ(CountKind(batch->children, EventKind::kCpPlan), 1u);
  EXPECT_EQ(CountKind(batch->children, EventKind::kCpReview), 1u);
  const Problem* repeat = FindProblem(batch->findings, "CPPstartDate", "repeats");
  ASSERT_NE(repeat, nullptr);
  EXPECT_EQ(repeat->location, "/Message/Children/Child[1]/CINdetails[1]/ChildProtectionPlans[2]");
  EXPECT_NE(repeat->message.find("ChildProtectionPlans[1]"), std::string::npos);
}

// Three samples give an expected birth date of 1066-04-13: outside the dates Cairn holds, so the
// child cannot be read.
TEST(CinCensusRead, SamplesWithAnImpossibleBirthDateRejectTheChild) {
  for (const char* name : {"CIN_Census_2021.xml", "CIN_header_issues_100.xml", "CIN_la_issues_2887Q.xml"}) {
    SCOPED_TRACE(name);
    Result<ImportBatch> batch = ReadCinCensus(Reference(name));
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    EXPECT_EQ(batch->collection_year, 2023);
    EXPECT_TRUE(batch->children.empty());
    ASSERT_EQ(batch->rejected.size(), 1u);
    const Problem& rejected = batch->rejected[0];
    EXPECT_EQ(rejected.location, "/Message/Children/Child[1]");
    EXPECT_EQ(rejected.field, "ExpectedPersonBirthDate");
    EXPECT_EQ(rejected.value, "1066-04-13");
    EXPECT_EQ(rejected.child, "DfEX0000001");
    EXPECT_EQ(rejected.line, 18);
    EXPECT_EQ(rejected.record.rfind("<Child>", 0), 0u);
    EXPECT_EQ(rejected.record.substr(rejected.record.size() - 8), "</Child>");
  }
  Result<ImportBatch> header = ReadCinCensus(Reference("CIN_header_issues_100.xml"));
  ASSERT_TRUE(header.ok());
  const Problem* reference = FindProblem(header->findings, "ReferenceDate", "rule 100");
  ASSERT_NE(reference, nullptr);
  EXPECT_EQ(reference->value, "2023-03-28");
}

TEST(CinCensusRead, Liia2022SampleIsReadWithTheNearestLayout) {
  Result<ImportBatch> batch = ReadCinCensus(Reference("liia-cin-2022.xml"));
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->collection_year, 2022);
  EXPECT_TRUE(batch->rejected.empty()) << Describe(batch->rejected);
  ASSERT_EQ(batch->children.size(), 1u);
  EXPECT_NE(FindProblem(batch->findings, "ReferenceDate", "outside the layouts"), nullptr);
  EXPECT_NE(FindProblem(batch->findings, "ExpectedPersonBirthDate", "rule 8525"), nullptr);
  EXPECT_NE(FindProblem(batch->findings, "AssessmentActualStartDate", "before its CIN episode's referral"), nullptr);
  EXPECT_EQ(CountKind(batch->children, EventKind::kCpReview), 1u);
  const Event* assessment = batch->children[0].OfKind(EventKind::kAssessment)[0];
  EXPECT_EQ(assessment->Get("AssessmentInternalReviewDate"), "1970-06-22");
  EXPECT_EQ(assessment->Get("AssessmentFactors"), "2A,2B");
  // 2021/22 is not a year Cairn writes.
  EXPECT_EQ(WriteCinCensusText(batch->children, 2022, Options()).status().code(), Status::Code::kInvalidArgument);
}

// Read, write the same year, read again: every module's rows are the same set. The samples
// leave these empty, so they are not exercised here (the hand-written files below cover them):
// fake_CIN_data.xml has no Assessments, CINPlanDates, Section47, ChildProtectionPlans, Reviews,
// ExpectedPersonBirthDate, FormerUPN or UPNunknown; CIN_Census_2024.xml and CIN2rows.xml have no
// AssessmentInternalReviewDate, ExpectedPersonBirthDate or PersonDeathDate; none has
// PreProceedingsandFGDM.
class CinCensusRoundTrip : public testing::TestWithParam<std::pair<const char*, int>> {};

TEST_P(CinCensusRoundTrip, SameRowsAfterWritingTheSameYear) {
  const auto& [name, year] = GetParam();
  Result<ImportBatch> first = ReadCinCensus(Reference(name));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->collection_year, year);
  ASSERT_FALSE(first->children.empty());
  Result<std::string> written = WriteCinCensusText(first->children, year, Options());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  Result<ImportBatch> second = ReadCinCensusText(*written, "written.xml");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->collection_year, year);
  EXPECT_TRUE(second->rejected.empty()) << Describe(second->rejected);
  EXPECT_EQ(second->children.size(), first->children.size());
  const Rows before = Normalise(first->children);
  const Rows after = Normalise(second->children);
  for (const auto& [module, rows] : before) {
    EXPECT_EQ(after.count(module) ? after.at(module) : std::set<std::string>(), rows) << "module " << module;
  }
  EXPECT_EQ(after, before);
  EXPECT_EQ(CountOf(*written, "<GenderCurrent>"), year <= 2024 ? first->children.size() : 0u);
}

INSTANTIATE_TEST_SUITE_P(Samples, CinCensusRoundTrip,
                         testing::Values(std::make_pair("CIN_Census_2024.xml", 2024),
                                         std::make_pair("CIN2rows.xml", 2024),
                                         std::make_pair("fake_CIN_data.xml", 2023)),
                         [](const testing::TestParamInfo<std::pair<const char*, int>>& param) {
                           std::string test_name = param.param.first;
                           test_name.erase(
                               std::remove_if(test_name.begin(), test_name.end(),
                                              [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }),
                               test_name.end());
                           return test_name;
                         });

// ------------------------------------------------------------------------------------------------
// One small hand-written file per layout

class CinCensusLayouts : public testing::TestWithParam<int> {};

TEST_P(CinCensusLayouts, CleanFileReadsWithoutFindingsAndWritesBack) {
  const int year = GetParam();
  const std::string reference = std::to_string(year) + "-03-31";
  const std::string text = Census(reference, CleanChild(year));
  Result<ImportBatch> batch = ReadCinCensusText(text, "layout.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->collection_year, year);
  EXPECT_TRUE(batch->rejected.empty()) << Describe(batch->rejected);
  EXPECT_TRUE(batch->findings.empty()) << Describe(batch->findings);
  ASSERT_EQ(batch->children.size(), 1u);
  const Chronology& child = batch->children[0];
  EXPECT_EQ(child.child().sex, year <= 2024 ? "2" : "F");
  EXPECT_EQ(child.child().disabilities, (std::vector<std::string>{"AUT", "COMM"}));
  EXPECT_EQ(child.OfKind(EventKind::kCinEpisode).size(), 1u);
  EXPECT_EQ(child.OfKind(EventKind::kAssessment).size(), 1u);
  EXPECT_EQ(child.OfKind(EventKind::kCinPlan).size(), 1u);
  EXPECT_EQ(child.OfKind(EventKind::kSection47).size(), 1u);
  EXPECT_EQ(child.OfKind(EventKind::kCpPlan).size(), 1u);
  EXPECT_EQ(child.OfKind(EventKind::kCpReview).size(), 2u);
  EXPECT_EQ(child.OfKind(EventKind::kPreProceedings).size(), year >= 2026 ? 1u : 0u);
  if (year >= 2026) {
    const Event* pre = child.OfKind(EventKind::kPreProceedings)[0];
    EXPECT_EQ(pre->Get("FGDMMeetingOffer"), "1");
    EXPECT_EQ(pre->Get("ReviewMeetingsCount"), "2");
    EXPECT_EQ(pre->Get("PPOutcome"), "A");
  }
  EXPECT_EQ(child.OfKind(EventKind::kSection47)[0]->Get("ICPCnotRequired"), "false");
  EXPECT_EQ(child.OfKind(EventKind::kCinEpisode)[0]->Get("ReferralNFA"), "0");

  Result<std::string> written = WriteCinCensusText(batch->children, year, Options());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_NE(written->find("<ReferenceDate>" + reference + "</ReferenceDate>"), std::string::npos);
  EXPECT_NE(written->find("<Year>" + std::to_string(year) + "</Year>"), std::string::npos);
  EXPECT_NE(written->find("<Collection>CIN</Collection>"), std::string::npos);
  EXPECT_NE(written->find("<LEA>201</LEA>"), std::string::npos);
  EXPECT_NE(written->find(year <= 2024 ? "<GenderCurrent>2</GenderCurrent>" : "<Sex>F</Sex>"), std::string::npos);
  EXPECT_EQ(written->find(year <= 2024 ? "<Sex>" : "<GenderCurrent>"), std::string::npos);
  EXPECT_EQ(written->find("<PreProceedingsandFGDM>") != std::string::npos, year >= 2026);

  Result<ImportBatch> again = ReadCinCensusText(*written, "again.xml");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->findings.empty()) << Describe(again->findings);
  EXPECT_EQ(Normalise(again->children), Normalise(batch->children));
}

INSTANTIATE_TEST_SUITE_P(Years, CinCensusLayouts, testing::Values(2023, 2024, 2025, 2026));

TEST(CinCensusWrite, AnotherYearGetsThatYearsLayoutWithValuesAsStored) {
  Result<ImportBatch> batch = ReadCinCensusText(Census("2026-03-31", CleanChild(2026)), "2026.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  // Written for 2025/26's neighbour years: no pre-proceedings before 2025/26, and the sex
  // element of the year carrying the value as stored.
  model::Chronology moved = batch->children[0];
  for (Event& event : moved.mutable_events()) event.provenance.reported_in_years = {2024, 2025, 2026};
  Result<std::string> in_2025 = WriteCinCensusText({moved}, 2025, Options());
  ASSERT_TRUE(in_2025.ok());
  EXPECT_EQ(in_2025->find("PreProceedingsandFGDM"), std::string::npos);
  EXPECT_NE(in_2025->find("<Sex>F</Sex>"), std::string::npos);
  Result<std::string> in_2024 = WriteCinCensusText({moved}, 2024, Options());
  ASSERT_TRUE(in_2024.ok());
  EXPECT_NE(in_2024->find("<GenderCurrent>F</GenderCurrent>"), std::string::npos);
  Result<ImportBatch> reread = ReadCinCensusText(*in_2024, "2024.xml");
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(reread->children[0].child().sex, "F");
  EXPECT_NE(FindProblem(reread->findings, "GenderCurrent", "not a CIN census code"), nullptr);
}

// ------------------------------------------------------------------------------------------------
// Files that cannot be read at all

TEST(CinCensusRead, NotWellFormedNamesFileAndLine) {
  // Lines 15-17: <Child>, <ChildIdentifiers>, then </Child> closing the wrong element.
  Result<ImportBatch> mismatch =
      ReadCinCensusText(Census("2024-03-31", "    <Child>\n      <ChildIdentifiers>\n    </Child>\n"), "bad.xml");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(mismatch.status().message().find("bad.xml line 17"), std::string::npos) << mismatch.status().message();
  EXPECT_NE(mismatch.status().message().find("not well-formed"), std::string::npos);
  EXPECT_NE(mismatch.status().message().find("<ChildIdentifiers> on line 16"), std::string::npos);

  // Found by pugixml inside a Child: an attribute without quotes on line 16.
  Result<ImportBatch> attribute = ReadCinCensusText(
      Census("2024-03-31", "    <Child>\n      <ChildIdentifiers a=1>\n      </ChildIdentifiers>\n    </Child>\n"),
      "attr.xml");
  ASSERT_FALSE(attribute.ok());
  EXPECT_NE(attribute.status().message().find("attr.xml line 16"), std::string::npos) << attribute.status().message();
  EXPECT_NE(attribute.status().message().find("attribute"), std::string::npos);

  Result<ImportBatch> unclosed = ReadCinCensusText("<Message>\n<Header>\n", "cut.xml");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.status().message().find("ends before <Header> (opened on line 2)"), std::string::npos)
      << unclosed.status().message();

  Result<ImportBatch> trailing = ReadCinCensusText(Census("2024-03-31", "") + "oops", "tail.xml");
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("after the end of the <Message>"), std::string::npos);

  Result<ImportBatch> comment = ReadCinCensusText("<Message><!-- never closed </Message>", "c.xml");
  ASSERT_FALSE(comment.ok());
  EXPECT_NE(comment.status().message().find("c.xml line 1"), std::string::npos);
}

TEST(CinCensusRead, EmptyOrForeignFilesAreErrors) {
  Result<ImportBatch> empty = ReadCinCensusText("", "empty.xml");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty.xml is empty"), std::string::npos);
  Result<ImportBatch> blank = ReadCinCensusText("  \n<!-- nothing -->\n", "blank.xml");
  ASSERT_FALSE(blank.ok());
  EXPECT_NE(blank.status().message().find("holds no XML element"), std::string::npos);
  Result<ImportBatch> utf16 = ReadCinCensusText(std::string("\xFF\xFE<\0M\0", 6), "wide.xml");
  ASSERT_FALSE(utf16.ok());
  EXPECT_NE(utf16.status().message().find("UTF-16"), std::string::npos);
  Result<ImportBatch> other = ReadCinCensusText("<EXPSSDA903><CHILD/></EXPSSDA903>", "903.xml");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("not a CIN census file"), std::string::npos);
  Result<ImportBatch> missing = ReadCinCensus("/nonexistent/cairn/cin.xml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/cairn/cin.xml"), std::string::npos);
}

TEST(CinCensusRead, ReferenceDateIsRequired) {
  Result<ImportBatch> missing = ReadCinCensusText(Census("", CleanChild(2024)), "noref.xml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("noref.xml"), std::string::npos);
  EXPECT_NE(missing.status().message().find("no ReferenceDate"), std::string::npos);
  EXPECT_NE(missing.status().message().find("Nothing was read"), std::string::npos);

  Result<ImportBatch> invalid = ReadCinCensusText(Census("2024-02-30", CleanChild(2024)), "badref.xml");
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.status().message().find("badref.xml line 7"), std::string::npos) << invalid.status().message();
  EXPECT_NE(invalid.status().message().find("'2024-02-30'"), std::string::npos);

  Result<ImportBatch> no_header = ReadCinCensusText("<Message><Children/></Message>", "nohead.xml");
  ASSERT_FALSE(no_header.ok());
  EXPECT_NE(no_header.status().message().find("no <Header>"), std::string::npos);

  Result<ImportBatch> no_children = ReadCinCensusText(
      "<Message><Header><CollectionDetails><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails></Header>"
      "</Message>",
      "nokids.xml");
  ASSERT_FALSE(no_children.ok());
  EXPECT_NE(no_children.status().message().find("no <Children>"), std::string::npos);
}

TEST(CinCensusRead, HugeDeeplyNestedDocumentDoesNotCrash) {
  constexpr int kDepth = 200000;
  std::string deep;
  deep.reserve(kDepth * 8 + 64);
  for (int i = 0; i < kDepth; ++i) deep += "<Junk>";
  deep += "x";
  for (int i = 0; i < kDepth; ++i) deep += "</Junk>";
  Result<ImportBatch> inside_child =
      ReadCinCensusText(Census("2024-03-31", ChildWith("D1", std::string(kPlainEpisode) + deep + "\n")), "deep.xml");
  ASSERT_TRUE(inside_child.ok()) << inside_child.status().ToString();
  ASSERT_EQ(inside_child->children.size(), 1u);
  EXPECT_NE(FindProblem(inside_child->findings, "Junk", "not part of a CIN census <CINdetails>"), nullptr);

  Result<ImportBatch> under_message =
      ReadCinCensusText("<Message>" + deep +
                            "<Header><CollectionDetails><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>"
                            "</Header><Children/></Message>",
                        "deep2.xml");
  ASSERT_TRUE(under_message.ok()) << under_message.status().ToString();
  EXPECT_NE(FindProblem(under_message->findings, "Junk"), nullptr);

  Result<ImportBatch> unclosed = ReadCinCensusText("<Message>" + deep.substr(0, kDepth * 6), "deep3.xml");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.status().message().find("deep3.xml line 1"), std::string::npos);
}

// ------------------------------------------------------------------------------------------------
// Records that cannot be read: the smallest record is left out, the rest kept

TEST(CinCensusRead, InvalidDateRejectsOnlyThatAssessment) {
  const std::string episode = std::string(kPlainEpisode) +
                              "        <Assessments>\n"
                              "          <AssessmentActualStartDate>2023-05-02</AssessmentActualStartDate>\n"
                              "        </Assessments>\n"
                              "        <Assessments>\n"
                              "          <AssessmentActualStartDate>2023-02-30</AssessmentActualStartDate>\n"
                              "          <FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors>"
                              "</FactorsIdentifiedAtAssessment>\n"
                              "        </Assessments>\n"
                              "        <CINPlanDates><CINPlanStartDate>2023-06-01</CINPlanStartDate></CINPlanDates>\n";
  Result<ImportBatch> batch = ReadCinCensusText(Census("2024-03-31", ChildWith("A1", episode)), "one.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->rejected.size(), 1u) << Describe(batch->rejected);
  const Problem& rejected = batch->rejected[0];
  EXPECT_EQ(rejected.file, "one.xml");
  EXPECT_EQ(rejected.location, "/Message/Children/Child[1]/CINdetails[1]/Assessments[2]");
  EXPECT_EQ(rejected.field, "AssessmentActualStartDate");
  EXPECT_EQ(rejected.value, "2023-02-30");
  EXPECT_EQ(rejected.child, "A1");
  EXPECT_EQ(rejected.line, 31);
  EXPECT_EQ(rejected.record,
            "<Assessments>\n"
            "          <AssessmentActualStartDate>2023-02-30</AssessmentActualStartDate>\n"
            "          <FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors>"
            "</FactorsIdentifiedAtAssessment>\n"
            "        </Assessments>");
  EXPECT_NE(rejected.message.find("not a date"), std::string::npos);
  ASSERT_EQ(batch->children.size(), 1u);
  const Chronology& child = batch->children[0];
  EXPECT_EQ(child.OfKind(EventKind::kCinEpisode).size(), 1u);
  ASSERT_EQ(child.OfKind(EventKind::kAssessment).size(), 1u);
  EXPECT_EQ(child.OfKind(EventKind::kAssessment)[0]->start, Date::FromYmdOrDie(2023, 5, 2));
  EXPECT_EQ(child.OfKind(EventKind::kCinPlan).size(), 1u);
}

TEST(CinCensusRead, MissingLAchildIDRejectsThatChildOnly) {
  Result<ImportBatch> batch =
      ReadCinCensusText(Census("2024-03-31", ChildWith("", kPlainEpisode) + ChildWith("B2", kPlainEpisode)), "ids.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->rejected.size(), 1u);
  EXPECT_EQ(batch->rejected[0].location, "/Message/Children/Child[1]");
  EXPECT_EQ(batch->rejected[0].field, "LAchildID");
  EXPECT_EQ(batch->rejected[0].line, 15);
  ASSERT_EQ(batch->children.size(), 1u);
  EXPECT_EQ(batch->children[0].child().la_child_id, "B2");
}

TEST(CinCensusRead, DuplicateChildWithDifferentContentRejectsBoth) {
  const std::string later_episode =
      "        <CINreferralDate>2023-09-01</CINreferralDate>\n        <ReferralSource>6</ReferralSource>\n"
      "        <ReferralNFA>false</ReferralNFA>\n";
  Result<ImportBatch> batch =
      ReadCinCensusText(Census("2024-03-31", ChildWith("X1", kPlainEpisode) + ChildWith("Y2", kPlainEpisode) +
                                                 ChildWith("X1", later_episode)),
                        "dup.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->children.size(), 1u);
  EXPECT_EQ(batch->children[0].child().la_child_id, "Y2");
  ASSERT_EQ(batch->rejected.size(), 2u) << Describe(batch->rejected);
  std::set<std::string> locations;
  for (const Problem& problem : batch->rejected) {
    locations.insert(problem.location);
    EXPECT_EQ(problem.field, "LAchildID");
    EXPECT_EQ(problem.value, "X1");
    EXPECT_EQ(problem.record.rfind("<Child>", 0), 0u);
    const std::string other = problem.location.ends_with("Child[1]") ? "Child[3]" : "Child[1]";
    EXPECT_NE(problem.message.find(other), std::string::npos) << problem.message;
  }
  EXPECT_EQ(locations, (std::set<std::string>{"/Message/Children/Child[1]", "/Message/Children/Child[3]"}));
}

TEST(CinCensusRead, ExactDuplicateChildIsReadOnce) {
  Result<ImportBatch> batch = ReadCinCensusText(
      Census("2024-03-31", ChildWith("X1", kPlainEpisode) + ChildWith("X1", kPlainEpisode)), "twice.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->rejected.empty()) << Describe(batch->rejected);
  ASSERT_EQ(batch->children.size(), 1u);
  EXPECT_EQ(CountKind(batch->children, EventKind::kCinEpisode), 1u);
  const Problem* repeat = FindProblem(batch->findings, "LAchildID", "repeats Child[1]");
  ASSERT_NE(repeat, nullptr) << Describe(batch->findings);
  EXPECT_EQ(repeat->location, "/Message/Children/Child[2]");
}

TEST(CinCensusRead, EpisodesSharingAReferralDate) {
  // ChildWith wraps its XML in one CINdetails; closing it early makes room for a second.
  const std::string second_differs =
      "      </CINdetails>\n      <CINdetails>\n        <CINreferralDate>2023-05-01</CINreferralDate>\n"
      "        <ReferralSource>9</ReferralSource>\n        <ReferralNFA>true</ReferralNFA>\n";
  const std::string different = ChildWith("E1", std::string(kPlainEpisode) + second_differs);
  Result<ImportBatch> conflict = ReadCinCensusText(Census("2024-03-31", different), "episodes.xml");
  ASSERT_TRUE(conflict.ok()) << conflict.status().ToString();
  ASSERT_EQ(conflict->children.size(), 1u);
  EXPECT_EQ(CountKind(conflict->children, EventKind::kCinEpisode), 0u);
  ASSERT_EQ(conflict->rejected.size(), 2u) << Describe(conflict->rejected);
  EXPECT_EQ(conflict->rejected[0].location, "/Message/Children/Child[1]/CINdetails[1]");
  EXPECT_NE(conflict->rejected[0].message.find("CINdetails[2]"), std::string::npos);
  EXPECT_EQ(conflict->rejected[1].location, "/Message/Children/Child[1]/CINdetails[2]");
  EXPECT_NE(conflict->rejected[1].message.find("CINdetails[1]"), std::string::npos);

  const std::string same = ChildWith(
      "E2", std::string(kPlainEpisode) + "      </CINdetails>\n      <CINdetails>\n" + std::string(kPlainEpisode));
  Result<ImportBatch> repeat = ReadCinCensusText(Census("2024-03-31", same), "episodes.xml");
  ASSERT_TRUE(repeat.ok());
  EXPECT_TRUE(repeat->rejected.empty());
  EXPECT_EQ(CountKind(repeat->children, EventKind::kCinEpisode), 1u);
  EXPECT_NE(FindProblem(repeat->findings, "CINreferralDate", "repeats"), nullptr);
}

TEST(CinCensusRead, EpisodeWithoutReferralDateIsRejectedWithEverythingInIt) {
  const std::string episode =
      "        <ReferralSource>1A</ReferralSource>\n"
      "        <Assessments><AssessmentActualStartDate>2023-05-02</AssessmentActualStartDate></Assessments>\n"
      "        <ReferralNFA>false</ReferralNFA>\n";
  Result<ImportBatch> batch = ReadCinCensusText(Census("2024-03-31", ChildWith("R1", episode)), "noref.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->rejected.size(), 1u);
  EXPECT_EQ(batch->rejected[0].location, "/Message/Children/Child[1]/CINdetails[1]");
  EXPECT_EQ(batch->rejected[0].field, "CINreferralDate");
  EXPECT_NE(batch->rejected[0].record.find("<AssessmentActualStartDate>2023-05-02"), std::string::npos);
  ASSERT_EQ(batch->children.size(), 1u);
  EXPECT_TRUE(batch->children[0].events().empty());
}

TEST(CinCensusRead, PlanWithoutStartAndReviewWithBadDateAreLeftOutAlone) {
  const std::string episode = std::string(kPlainEpisode) +
                              "        <ChildProtectionPlans><CPPendDate>2023-09-01</CPPendDate>"
                              "<Reviews><CPPreviewDate>2023-07-01</CPPreviewDate></Reviews></ChildProtectionPlans>\n"
                              "        <ChildProtectionPlans><CPPstartDate>2023-06-01</CPPstartDate>"
                              "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
                              "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
                              "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
                              "<Reviews><CPPreviewDate>2023-07-01</CPPreviewDate>"
                              "<CPPreviewDate>01/08/2023</CPPreviewDate></Reviews></ChildProtectionPlans>\n";
  Result<ImportBatch> batch = ReadCinCensusText(Census("2024-03-31", ChildWith("P1", episode)), "plans.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->rejected.size(), 2u) << Describe(batch->rejected);
  EXPECT_EQ(batch->rejected[0].location, "/Message/Children/Child[1]/CINdetails[1]/ChildProtectionPlans[1]");
  EXPECT_EQ(batch->rejected[0].field, "CPPstartDate");
  EXPECT_EQ(batch->rejected[1].location,
            "/Message/Children/Child[1]/CINdetails[1]/ChildProtectionPlans[2]/Reviews/CPPreviewDate[2]");
  EXPECT_EQ(batch->rejected[1].value, "01/08/2023");
  EXPECT_EQ(batch->rejected[1].record, "<CPPreviewDate>01/08/2023</CPPreviewDate>");
  EXPECT_EQ(CountKind(batch->children, EventKind::kCpPlan), 1u);
  EXPECT_EQ(CountKind(batch->children, EventKind::kCpReview), 1u);
}

// ------------------------------------------------------------------------------------------------
// Readable values that break DfE rules: reported, kept as given

TEST(CinCensusRead, UnknownCodesAreReportedAndKept) {
  const std::string child =
      "    <Child>\n      <ChildIdentifiers>\n        <LAchildID>U1</LAchildID>\n"
      "        <PersonBirthDate>2012-01-01</PersonBirthDate>\n        <GenderCurrent>1</GenderCurrent>\n"
      "      </ChildIdentifiers>\n      <ChildCharacteristics>\n        <Ethnicity>WBRI</Ethnicity>\n"
      "        <Disabilities><Disability>XYZ</Disability></Disabilities>\n      </ChildCharacteristics>\n"
      "      <CINdetails>\n        <CINreferralDate>2023-05-01</CINreferralDate>\n"
      "        <ReferralSource>ZZ</ReferralSource>\n        <PrimaryNeedCode>N1</PrimaryNeedCode>\n"
      "        <Assessments><AssessmentActualStartDate>2023-05-02</AssessmentActualStartDate>"
      "<FactorsIdentifiedAtAssessment><AssessmentFactors>18A</AssessmentFactors></FactorsIdentifiedAtAssessment>"
      "</Assessments>\n"
      "        <ReferralNFA>yes</ReferralNFA>\n        <Foo>bar</Foo>\n"
      "      </CINdetails>\n    </Child>\n";
  Result<ImportBatch> batch = ReadCinCensusText(Census("2024-03-31", child), "codes.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->rejected.empty()) << Describe(batch->rejected);
  ASSERT_EQ(batch->children.size(), 1u);
  const Chronology& chronology = batch->children[0];
  const Event* episode = chronology.OfKind(EventKind::kCinEpisode)[0];
  EXPECT_EQ(episode->Get("ReferralSource"), "ZZ");
  EXPECT_EQ(episode->Get("ReferralNFA"), "yes");
  EXPECT_EQ(chronology.child().disabilities, std::vector<std::string>{"XYZ"});
  EXPECT_EQ(chronology.OfKind(EventKind::kAssessment)[0]->Get("AssessmentFactors"), "18A");

  const Problem* source = FindProblem(batch->findings, "ReferralSource", "not a CIN census code");
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->value, "ZZ");
  EXPECT_EQ(source->location, "/Message/Children/Child[1]/CINdetails[1]");
  EXPECT_EQ(source->line, 27);
  EXPECT_EQ(source->child, "U1");
  EXPECT_NE(FindProblem(batch->findings, "Disability", "not a CIN census code"), nullptr);
  EXPECT_NE(FindProblem(batch->findings, "AssessmentFactors", "8945Q"), nullptr);
  EXPECT_NE(FindProblem(batch->findings, "ReferralNFA", "yes/no"), nullptr);
  EXPECT_NE(FindProblem(batch->findings, "Foo", "not part of a CIN census <CINdetails>"), nullptr);
}

TEST(CinCensusRead, DatesOutOfOrderAreReportedAndKept) {
  const std::string episode =
      "        <CINreferralDate>2023-05-01</CINreferralDate>\n        <ReferralSource>1A</ReferralSource>\n"
      "        <CINclosureDate>2023-04-01</CINclosureDate>\n"
      "        <Assessments><AssessmentActualStartDate>2023-06-10</AssessmentActualStartDate>"
      "<AssessmentAuthorisationDate>2023-06-01</AssessmentAuthorisationDate></Assessments>\n"
      "        <ReferralNFA>false</ReferralNFA>\n"
      "        <ChildProtectionPlans><CPPstartDate>2023-07-01</CPPstartDate><CPPendDate>2023-06-30</CPPendDate>"
      "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
      "<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>\n";
  Result<ImportBatch> batch = ReadCinCensusText(Census("2024-03-31", ChildWith("O1", episode)), "order.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->rejected.empty()) << Describe(batch->rejected);
  const Chronology& child = batch->children[0];
  EXPECT_EQ(child.OfKind(EventKind::kCinEpisode)[0]->end, Date::FromYmdOrDie(2023, 4, 1));
  EXPECT_EQ(child.OfKind(EventKind::kAssessment)[0]->end, Date::FromYmdOrDie(2023, 6, 1));
  EXPECT_EQ(child.OfKind(EventKind::kCpPlan)[0]->end, Date::FromYmdOrDie(2023, 6, 30));
  const Problem* closure = FindProblem(batch->findings, "CINclosureDate", "before CINreferralDate");
  ASSERT_NE(closure, nullptr) << Describe(batch->findings);
  EXPECT_EQ(closure->value, "2023-04-01 (CINreferralDate: 2023-05-01)");
  EXPECT_EQ(closure->message.find("2023-0"), std::string::npos) << closure->message;
  EXPECT_NE(FindProblem(batch->findings, "AssessmentAuthorisationDate", "before AssessmentActualStartDate"), nullptr);
  EXPECT_NE(FindProblem(batch->findings, "CPPendDate", "before CPPstartDate"), nullptr);
  EXPECT_EQ(batch->findings.size(), 3u) << Describe(batch->findings);
}

// ------------------------------------------------------------------------------------------------
// Writing

Event MakeEvent(EventKind kind, Date start, std::optional<Date> end, int32_t parent) {
  Event event;
  event.kind = kind;
  event.start = start;
  event.end = end;
  event.parent = parent;
  event.provenance.source = "cairn";
  return event;
}

Chronology MakeChild(const std::string& id) {
  model::Child child;
  child.la_child_id = id;
  child.birth_date = Date::FromYmdOrDie(2015, 1, 1);
  child.sex = "M";
  child.ethnicity = "WBRI";
  return Chronology(child);
}

TEST(CinCensusWrite, ScopeFollowsTheCollectionYear) {
  const auto d = [](int y, int m, int day) { return Date::FromYmdOrDie(y, m, day); };
  // 2024/25: 1 April 2024 to 31 March 2025.
  Chronology a = MakeChild("A");
  const int32_t episode = a.Add(MakeEvent(EventKind::kCinEpisode, d(2024, 1, 1), d(2024, 6, 30), -1));
  a.Add(MakeEvent(EventKind::kAssessment, d(2024, 1, 5), d(2024, 2, 10), episode));  // before the year
  a.Add(MakeEvent(EventKind::kCinPlan, d(2024, 3, 1), std::nullopt, episode));       // open: in
  a.Add(MakeEvent(EventKind::kSection47, d(2024, 1, 2), std::nullopt, episode));     // one day, before: out
  const int32_t plan = a.Add(MakeEvent(EventKind::kCpPlan, d(2024, 3, 1), d(2024, 5, 30), episode));  // in
  a.Add(MakeEvent(EventKind::kCpReview, d(2024, 3, 20), std::nullopt, plan));          // before the year: out
  a.Add(MakeEvent(EventKind::kCpReview, d(2024, 5, 15), std::nullopt, plan));          // in
  a.Add(MakeEvent(EventKind::kPreProceedings, d(2024, 5, 1), std::nullopt, episode));  // not in the 2024/25 layout
  Chronology b = MakeChild("B");
  b.Add(MakeEvent(EventKind::kCinEpisode, d(2020, 1, 1), d(2020, 6, 1), -1));  // long closed: child left out
  Chronology c = MakeChild("C");
  Event reported = MakeEvent(EventKind::kCinEpisode, d(2019, 1, 1), d(2019, 2, 1), -1);
  reported.provenance.AddReportedYear(2025);  // read from the 2024/25 return: written back whatever its dates
  c.Add(reported);
  Chronology d_child = MakeChild("D");
  d_child.Add(MakeEvent(EventKind::kCinEpisode, d(2018, 1, 1), std::nullopt, -1));  // still open
  Chronology e = MakeChild("E");
  e.Add(MakeEvent(EventKind::kLookedAfterEpisode, d(2024, 6, 1), std::nullopt, -1));  // not a CIN record

  Result<std::string> written = WriteCinCensusText({a, b, c, d_child, e}, 2025, Options());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  Result<ImportBatch> batch = ReadCinCensusText(*written, "scope.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  std::vector<std::string> ids;
  for (const Chronology& chronology : batch->children) ids.push_back(chronology.child().la_child_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"A", "C", "D"}));
  const Chronology& read_a = batch->children[0];
  EXPECT_EQ(read_a.OfKind(EventKind::kAssessment).size(), 0u);
  EXPECT_EQ(read_a.OfKind(EventKind::kCinPlan).size(), 1u);
  EXPECT_EQ(read_a.OfKind(EventKind::kSection47).size(), 0u);
  EXPECT_EQ(read_a.OfKind(EventKind::kCpPlan).size(), 1u);
  ASSERT_EQ(read_a.OfKind(EventKind::kCpReview).size(), 1u);
  EXPECT_EQ(read_a.OfKind(EventKind::kCpReview)[0]->start, d(2024, 5, 15));
  EXPECT_EQ(read_a.OfKind(EventKind::kPreProceedings).size(), 0u);
  EXPECT_EQ(batch->children[1].OfKind(EventKind::kCinEpisode)[0]->start, d(2019, 1, 1));

  // The same children in 2025/26: A's episode closed in June 2024, so A is left out.
  Result<std::string> next = WriteCinCensusText({a, b, c, d_child, e}, 2026, Options());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->find("<LAchildID>A</LAchildID>"), std::string::npos);
  EXPECT_EQ(next->find("<LAchildID>C</LAchildID>"), std::string::npos);
  EXPECT_NE(next->find("<LAchildID>D</LAchildID>"), std::string::npos);
}

// Every <element>YYYY-MM-DD</element> of a written file: (element, date).
std::vector<std::pair<std::string, Date>> DatesIn(std::string_view xml) {
  std::vector<std::pair<std::string, Date>> dates;
  for (size_t open = xml.find('<'); open != std::string_view::npos; open = xml.find('<', open + 1)) {
    const size_t close = xml.find('>', open);
    if (close == std::string_view::npos || xml[open + 1] == '/' || xml[open + 1] == '?') continue;
    const std::string_view name = xml.substr(open + 1, close - open - 1);
    const std::string_view value = xml.substr(close + 1, 10);
    const std::string end_tag = "</" + std::string(name) + ">";
    if (close + 11 > xml.size() || xml.substr(close + 11, end_tag.size()) != end_tag) continue;
    if (Result<Date> date = Date::ParseIso(value); date.ok()) dates.emplace_back(std::string(name), *date);
  }
  return dates;
}

// One child whose records run past 31 March 2024: the episode closes, the assessment is
// authorised, the plans end and the conference is held in April or May 2024.
Chronology ChildPastTheYearEnd() {
  const auto d = [](int y, int m, int day) { return Date::FromYmdOrDie(y, m, day); };
  Chronology child = MakeChild("A");
  Event episode = MakeEvent(EventKind::kCinEpisode, d(2023, 6, 1), d(2024, 5, 10), -1);
  episode.Set("ReferralSource", "1A");
  episode.Set("PrimaryNeedCode", "N1");
  episode.Set("ReasonForClosure", "RC1");
  episode.Set("DateOfInitialCPC", "2024-04-15");
  episode.Set("ReferralNFA", "0");
  const int32_t e = child.Add(episode);
  Event assessment = MakeEvent(EventKind::kAssessment, d(2024, 3, 1), d(2024, 4, 20), e);
  assessment.Set("AssessmentInternalReviewDate", "2024-04-05");
  assessment.Set("AssessmentFactors", "2B,3A");
  child.Add(assessment);
  child.Add(MakeEvent(EventKind::kCinPlan, d(2023, 7, 1), d(2024, 4, 30), e));
  Event enquiry = MakeEvent(EventKind::kSection47, d(2024, 3, 25), std::nullopt, e);
  enquiry.Set("InitialCPCtarget", "2024-04-16");
  enquiry.Set("DateOfInitialCPC", "2024-04-15");
  enquiry.Set("ICPCnotRequired", "false");
  child.Add(enquiry);
  Event plan = MakeEvent(EventKind::kCpPlan, d(2023, 9, 1), d(2024, 4, 2), e);
  plan.Set("InitialCategoryOfAbuse", "NEG");
  plan.Set("LatestCategoryOfAbuse", "NEG");
  plan.Set("NumberOfPreviousCPP", "0");
  const int32_t p = child.Add(plan);
  child.Add(MakeEvent(EventKind::kCpReview, d(2024, 2, 1), std::nullopt, p));
  child.Add(MakeEvent(EventKind::kCpReview, d(2024, 4, 1), std::nullopt, p));  // after the year
  return child;
}

TEST(CinCensusWrite, CairnRecordsAreWrittenAsTheyStoodAtTheYearEnd) {
  const auto d = [](int y, int m, int day) { return Date::FromYmdOrDie(y, m, day); };
  const Chronology child = ChildPastTheYearEnd();
  Result<std::string> written = WriteCinCensusText({child}, 2024, Options());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  // Nothing dated after 31 March 2024 but the conference's target, set when the enquiry began.
  const std::vector<std::pair<std::string, Date>> dates = DatesIn(*written);
  EXPECT_GE(dates.size(), 8u);  // birth, referral, starts, a review: the scan does see dates
  for (const auto& [element, date] : dates) {
    if (element != "InitialCPCtarget") {
      EXPECT_LE(date, d(2024, 3, 31)) << element << " " << date.ToIso();
    }
  }
  for (const char* absent : {"<CINclosureDate>", "<ReasonForClosure>", "<DateOfInitialCPC>",
                             "<AssessmentAuthorisationDate>", "<AssessmentInternalReviewDate>",
                             "<FactorsIdentifiedAtAssessment>", "<CINPlanEndDate>", "<CPPendDate>"}) {
    EXPECT_EQ(written->find(absent), std::string::npos) << absent;
  }
  EXPECT_NE(written->find("<InitialCPCtarget>2024-04-16</InitialCPCtarget>"), std::string::npos);

  Result<ImportBatch> batch = ReadCinCensusText(*written, "2024.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->children.size(), 1u);
  const Chronology& read = batch->children[0];
  ASSERT_EQ(read.OfKind(EventKind::kCinEpisode).size(), 1u);
  const Event& episode = *read.OfKind(EventKind::kCinEpisode)[0];
  EXPECT_FALSE(episode.end.has_value());
  EXPECT_EQ(episode.Get("PrimaryNeedCode"), "N1");  // known from the referral: kept
  ASSERT_EQ(read.OfKind(EventKind::kAssessment).size(), 1u);
  EXPECT_FALSE(read.OfKind(EventKind::kAssessment)[0]->end.has_value());
  ASSERT_EQ(read.OfKind(EventKind::kSection47).size(), 1u);
  EXPECT_EQ(read.OfKind(EventKind::kSection47)[0]->Get("ICPCnotRequired"), "false");
  ASSERT_EQ(read.OfKind(EventKind::kCpPlan).size(), 1u);
  EXPECT_EQ(read.OfKind(EventKind::kCpPlan)[0]->Get("LatestCategoryOfAbuse"), "NEG");
  EXPECT_EQ(read.OfKind(EventKind::kCpReview).size(), 1u);

  // 2024/25 has what happened in April and May, with what was recorded then.
  Result<std::string> next = WriteCinCensusText({child}, 2025, Options());
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  for (const char* present :
       {"<CINclosureDate>2024-05-10</CINclosureDate>", "<ReasonForClosure>RC1</ReasonForClosure>",
        "<AssessmentAuthorisationDate>2024-04-20</AssessmentAuthorisationDate>",
        "<AssessmentInternalReviewDate>2024-04-05</AssessmentInternalReviewDate>",
        "<AssessmentFactors>2B</AssessmentFactors>", "<AssessmentFactors>3A</AssessmentFactors>",
        "<CINPlanEndDate>2024-04-30</CINPlanEndDate>", "<CPPendDate>2024-04-02</CPPendDate>",
        "<CPPreviewDate>2024-04-01</CPPreviewDate>"}) {
    EXPECT_NE(next->find(present), std::string::npos) << present;
  }
  // The enquiry begun in March with its April conference; the conference is written there and
  // not again at CINdetails level (DfE rule 2884).
  EXPECT_EQ(CountOf(*next, "<DateOfInitialCPC>2024-04-15</DateOfInitialCPC>"), 1u);
  EXPECT_NE(next->find("<S47ActualStartDate>2024-03-25</S47ActualStartDate>"), std::string::npos);
}

// Issue 13: an initial conference is recorded in one place (DfE rule 2884). Cairn keeps the date
// on the episode and on the enquiry; the census has it in the Section47 module, and at CINdetails
// level only for a conference with no enquiry in the return.
TEST(CinCensusWrite, AnInitialConferenceIsWrittenOnce) {
  const auto d = [](int y, int m, int day) { return Date::FromYmdOrDie(y, m, day); };
  Chronology child = MakeChild("A");
  Event with_enquiry = MakeEvent(EventKind::kCinEpisode, d(2023, 5, 1), std::nullopt, -1);
  with_enquiry.Set("DateOfInitialCPC", "2023-05-20");
  const int32_t first = child.Add(with_enquiry);
  Event enquiry = MakeEvent(EventKind::kSection47, d(2023, 5, 2), std::nullopt, first);
  enquiry.Set("InitialCPCtarget", "2023-05-23");
  enquiry.Set("DateOfInitialCPC", "2023-05-20");
  enquiry.Set("ICPCnotRequired", "false");
  child.Add(enquiry);
  Chronology transferred = MakeChild("B");  // conference held with no enquiry of this council's
  Event conference_only = MakeEvent(EventKind::kCinEpisode, d(2023, 6, 1), std::nullopt, -1);
  conference_only.Set("DateOfInitialCPC", "2023-06-10");
  transferred.Add(conference_only);
  Result<std::string> written = WriteCinCensusText({child, transferred}, 2024, Options());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(CountOf(*written, "<DateOfInitialCPC>2023-05-20</DateOfInitialCPC>"), 1u) << *written;
  const size_t section47 = written->find("<Section47>");
  ASSERT_NE(section47, std::string::npos);
  EXPECT_GT(written->find("<DateOfInitialCPC>2023-05-20</DateOfInitialCPC>"), section47);
  EXPECT_EQ(CountOf(*written, "<DateOfInitialCPC>2023-06-10</DateOfInitialCPC>"), 1u);
}

TEST(CinCensusWrite, EnquiryBegunBeforeTheYearIsInTheYearOfItsConference) {
  const auto d = [](int y, int m, int day) { return Date::FromYmdOrDie(y, m, day); };
  Chronology child = MakeChild("A");
  Event episode_record = MakeEvent(EventKind::kCinEpisode, d(2023, 3, 20), std::nullopt, -1);
  episode_record.Set("DateOfInitialCPC", "2023-04-20");
  const int32_t episode = child.Add(episode_record);
  Event enquiry = MakeEvent(EventKind::kSection47, d(2023, 3, 29), std::nullopt, episode);
  enquiry.Set("InitialCPCtarget", "2023-04-19");
  enquiry.Set("DateOfInitialCPC", "2023-04-20");
  enquiry.Set("ICPCnotRequired", "false");
  child.Add(enquiry);
  // Begun before 2023/24 and conferenced before it too; and begun before it with no conference.
  Event earlier = MakeEvent(EventKind::kSection47, d(2023, 3, 1), std::nullopt, episode);
  earlier.Set("DateOfInitialCPC", "2023-03-20");
  child.Add(earlier);
  Event unconferenced = MakeEvent(EventKind::kSection47, d(2023, 3, 10), std::nullopt, episode);
  unconferenced.Set("ICPCnotRequired", "true");
  child.Add(unconferenced);

  // 2022/23: the enquiry as it stood on 31 March 2023, conference not yet held.
  Result<std::string> first = WriteCinCensusText({child}, 2023, Options());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Result<ImportBatch> first_read = ReadCinCensusText(*first, "2023.xml");
  ASSERT_TRUE(first_read.ok()) << first_read.status().ToString();
  ASSERT_EQ(first_read->children.size(), 1u);
  std::map<Date, std::string> conference_of;
  for (const Event* read : first_read->children[0].OfKind(EventKind::kSection47)) {
    conference_of[read->start] = std::string(read->Get("DateOfInitialCPC"));
  }
  EXPECT_EQ(conference_of, (std::map<Date, std::string>{
                               {d(2023, 3, 1), "2023-03-20"}, {d(2023, 3, 10), ""}, {d(2023, 3, 29), ""}}));
  EXPECT_EQ(first_read->children[0].OfKind(EventKind::kCinEpisode)[0]->Get("DateOfInitialCPC"), "");

  // 2023/24: the enquiry again, with the conference held in the year; the others are not in it.
  Result<std::string> second = WriteCinCensusText({child}, 2024, Options());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  Result<ImportBatch> second_read = ReadCinCensusText(*second, "2024.xml");
  ASSERT_TRUE(second_read.ok()) << second_read.status().ToString();
  ASSERT_EQ(second_read->children.size(), 1u);
  const std::vector<const Event*> enquiries = second_read->children[0].OfKind(EventKind::kSection47);
  ASSERT_EQ(enquiries.size(), 1u);
  EXPECT_EQ(enquiries[0]->start, d(2023, 3, 29));
  EXPECT_EQ(enquiries[0]->Get("DateOfInitialCPC"), "2023-04-20");
  EXPECT_EQ(enquiries[0]->Get("InitialCPCtarget"), "2023-04-19");
  // Written with the enquiry only, not at CINdetails level as well (DfE rule 2884).
  EXPECT_EQ(second_read->children[0].OfKind(EventKind::kCinEpisode)[0]->Get("DateOfInitialCPC"), "");

  // Not in 2024/25: neither begun nor conferenced in it.
  Result<std::string> third = WriteCinCensusText({child}, 2025, Options());
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->find("<Section47>"), std::string::npos);
}

TEST(CinCensusWrite, RecordsReadFromTheYearsReturnGoBackAsTheyCame) {
  // A council's 2023/24 file with dates after 31 March 2024 (DfE rules would query them): what
  // that year's file reported goes back into 2023/24 exactly as read.
  const std::string episode =
      "        <CINreferralDate>2023-05-01</CINreferralDate>\n"
      "        <ReferralSource>1A</ReferralSource>\n"
      "        <PrimaryNeedCode>N1</PrimaryNeedCode>\n"
      "        <CINclosureDate>2024-05-01</CINclosureDate>\n"
      "        <ReasonForClosure>RC1</ReasonForClosure>\n"
      "        <Assessments><AssessmentActualStartDate>2024-03-01</AssessmentActualStartDate>"
      "<AssessmentAuthorisationDate>2024-04-20</AssessmentAuthorisationDate>"
      "<FactorsIdentifiedAtAssessment><AssessmentFactors>2B</AssessmentFactors>"
      "</FactorsIdentifiedAtAssessment></Assessments>\n"
      "        <Section47><S47ActualStartDate>2024-03-25</S47ActualStartDate>"
      "<DateOfInitialCPC>2024-04-15</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>\n"
      "        <ReferralNFA>false</ReferralNFA>\n";
  Result<ImportBatch> batch = ReadCinCensusText(Census("2024-03-31", ChildWith("A", episode)), "2024.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->children.size(), 1u);
  Result<std::string> written = WriteCinCensusText(batch->children, 2024, Options());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_NE(written->find("<CINclosureDate>2024-05-01</CINclosureDate>"), std::string::npos);
  EXPECT_NE(written->find("<AssessmentFactors>2B</AssessmentFactors>"), std::string::npos);
  Result<ImportBatch> again = ReadCinCensusText(*written, "again.xml");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Normalise(again->children), Normalise(batch->children));
}

TEST(CinCensusWrite, HeaderAndArguments) {
  WriteOptions options = Options();
  options.date_time = "2025-05-01T10:00:00";
  options.release = "9.9";
  Result<std::string> written = WriteCinCensusText({}, 2025, options);
  ASSERT_TRUE(written.ok());
  for (const char* expected :
       {"<Collection>CIN</Collection>", "<Year>2025</Year>", "<ReferenceDate>2025-03-31</ReferenceDate>",
        "<SourceLevel>L</SourceLevel>", "<LEA>201</LEA>", "<SoftwareCode>Cairn</SoftwareCode>",
        "<Release>9.9</Release>", "<SerialNo>001</SerialNo>", "<DateTime>2025-05-01T10:00:00</DateTime>"}) {
    EXPECT_NE(written->find(expected), std::string::npos) << expected;
  }
  Result<ImportBatch> empty = ReadCinCensusText(*written, "empty-return.xml");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->children.empty());
  EXPECT_TRUE(empty->findings.empty()) << Describe(empty->findings);

  WriteOptions no_lea;
  EXPECT_EQ(WriteCinCensusText({}, 2025, no_lea).status().code(), Status::Code::kInvalidArgument);
  no_lea.lea = "20A";
  EXPECT_EQ(WriteCinCensusText({}, 2025, no_lea).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(WriteCinCensusText({}, 2022, Options()).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(WriteCinCensusText({}, 2027, Options()).status().code(), Status::Code::kInvalidArgument);
}

TEST(CinCensusWrite, ValuesAreEscapedAndComeBackUnchanged) {
  Chronology child = MakeChild("A&B <1>");
  child.mutable_child().ethnicity = "W\rB";
  Event episode = MakeEvent(EventKind::kCinEpisode, Date::FromYmdOrDie(2024, 5, 1), std::nullopt, -1);
  episode.Set("ReferralSource", "x&y");
  child.Add(episode);
  Result<std::string> written = WriteCinCensusText({child}, 2025, Options());
  ASSERT_TRUE(written.ok());
  EXPECT_NE(written->find("<LAchildID>A&amp;B &lt;1&gt;</LAchildID>"), std::string::npos);
  Result<ImportBatch> batch = ReadCinCensusText(*written, "escaped.xml");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->children.size(), 1u);
  EXPECT_EQ(batch->children[0].child().la_child_id, "A&B <1>");
  EXPECT_EQ(batch->children[0].child().ethnicity, "W\rB");
  EXPECT_EQ(batch->children[0].OfKind(EventKind::kCinEpisode)[0]->Get("ReferralSource"), "x&y");
}

// Names are special category data and the CIN census has no place for them: a named child's
// record holds their identifier and not one of their names.
TEST(CinCensusWrite, ANamedChildsRecordHoldsNoName) {
  Chronology child = MakeChild("N1");
  child.mutable_child().given_name = "Zo\xC3\xAB-Quillan";
  child.mutable_child().family_name = "O'Brien-Ravensworth";
  child.mutable_child().preferred_name = "Bluebell";
  const int32_t episode =
      child.Add(MakeEvent(EventKind::kCinEpisode, Date::FromYmdOrDie(2024, 5, 1), std::nullopt, -1));
  child.Add(MakeEvent(EventKind::kAssessment, Date::FromYmdOrDie(2024, 5, 2), Date::FromYmdOrDie(2024, 6, 1), episode));
  child.Add(MakeEvent(EventKind::kCpPlan, Date::FromYmdOrDie(2024, 7, 1), std::nullopt, episode));
  Result<std::string> written = WriteCinCensusText({child}, 2025, Options());
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_NE(written->find("<LAchildID>N1</LAchildID>"), std::string::npos) << *written;
  for (const std::string& name : {std::string("Quillan"), std::string("Zo\xC3\xAB"), std::string("O'Brien"),
                                  std::string("O&apos;Brien"), std::string("Ravensworth"), std::string("Bluebell")}) {
    EXPECT_EQ(written->find(name), std::string::npos) << name << " is in the return:\n" << *written;
  }
}

TEST(CinCensusWrite, FileIsWrittenWholeIntoANewFolder) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("cairn_cin_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  const std::filesystem::path target = folder / "returns" / "2025" / "cin.xml";
  Result<ImportBatch> batch = ReadCinCensusText(Census("2025-03-31", CleanChild(2025)), "clean.xml");
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE(WriteCinCensus(batch->children, 2025, target.string(), Options()).ok());
  Result<ImportBatch> back = ReadCinCensus(target.string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Normalise(back->children), Normalise(batch->children));
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(target.parent_path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "cin.xml");
  }
  EXPECT_EQ(files, 1u);
  // Rewriting replaces the file; a folder that cannot be made is an I/O error naming it.
  ASSERT_TRUE(WriteCinCensus({}, 2025, target.string(), Options()).ok());
  Result<ImportBatch> replaced = ReadCinCensus(target.string());
  ASSERT_TRUE(replaced.ok());
  EXPECT_TRUE(replaced->children.empty());
  const Status blocked = WriteCinCensus({}, 2025, (target / "under-a-file.xml").string(), Options());
  EXPECT_EQ(blocked.code(), Status::Code::kIoError);
  EXPECT_NE(blocked.message().find("cin.xml"), std::string::npos) << blocked.message();
  std::filesystem::remove_all(folder);
}

// The writer's temporary name was once PATH.tmp-PID, which anyone could plant a link at.
TEST(CinCensusWrite, APlantedLinkIsNeverWrittenThrough) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("cairn_cin_link_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  const std::filesystem::path victim = folder / "victim.txt";
  std::ofstream(victim) << "keep me";
  const std::filesystem::path target = folder / "cin.xml";
  std::filesystem::create_symlink(victim, target.string() + ".tmp-" + std::to_string(::getpid()));
  Result<ImportBatch> batch = ReadCinCensusText(Census("2025-03-31", CleanChild(2025)), "clean.xml");
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE(WriteCinCensus(batch->children, 2025, target.string(), Options()).ok());
  std::ifstream in(victim);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "keep me");
  EXPECT_FALSE(std::filesystem::is_symlink(target));
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace cairn::returns::cin_census
