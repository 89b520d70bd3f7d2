#include "returns/ssda903/ssda903.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "returns/csv.h"
#include "returns/ssda903/tables.h"

namespace cairn::returns {
namespace {

using model::EventKind;

const std::string kSampleDir = std::string(CAIRN_REFERENCE_DIR) + "/ssda903";

// Every table CSV of the sample (the rule list is not a table).
std::vector<std::string> SampleCsvPaths() {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(kSampleDir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".csv" && name != "903_2024_25_rule_info.csv") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ImportBatch ReadOk(const std::vector<Ssda903CsvText>& files, std::optional<int> year = std::nullopt) {
  Result<ImportBatch> batch = ReadSsda903CsvTexts(files, year);
  EXPECT_TRUE(batch.ok()) << batch.status().message();
  if (!batch.ok()) return ImportBatch{};
  return std::move(batch).value();
}

size_t CountKind(const ImportBatch& batch, EventKind kind) {
  size_t count = 0;
  for (const model::Chronology& chronology : batch.children) count += chronology.OfKind(kind).size();
  return count;
}

const model::Chronology* FindChild(const ImportBatch& batch, std::string_view id) {
  for (const model::Chronology& chronology : batch.children) {
    if (chronology.child().la_child_id == id) return &chronology;
  }
  return nullptr;
}

std::string AllMessages(const std::vector<Problem>& problems) {
  std::string text;
  for (const Problem& problem : problems) text += problem.ToString() + "\n";
  return text;
}

// Problems whose message contains `text`.
std::vector<Problem> With(const std::vector<Problem>& problems, std::string_view text) {
  std::vector<Problem> found;
  for (const Problem& problem : problems) {
    if (problem.message.find(text) != std::string::npos) found.push_back(problem);
  }
  return found;
}

// A small, clean return: two children, a few records, written as the DfE lays the files out.
constexpr std::string_view kHeaderCsv =
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
    "1001,1,01/02/2010,WBRI,A123456789012,,\n"
    "1002,2,15/06/2012,BAFR,UN1,,\n";
constexpr std::string_view kEpisodesHeader =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";

std::vector<Ssda903CsvText> SmallReturn(std::string episodes_rows) {
  return {{"header.csv", std::string(kHeaderCsv)}, {"episodes.csv", std::string(kEpisodesHeader) + episodes_rows}};
}

// ---------------------------------------------------------------------------------------------
// The sample return

TEST(Ssda903CsvTest, ReadsTheSampleReturn) {
  // Timed for the report, not asserted: wall time on a shared machine says little, so the
  // processor time is printed too.
  const auto started = std::chrono::steady_clock::now();
  const std::clock_t cpu_started = std::clock();
  Result<ImportBatch> read = ReadSsda903Csv(SampleCsvPaths(), std::nullopt);
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(read.ok()) << read.status().message();
  const ImportBatch& batch = *read;
  std::printf("[ timing ] ReadSsda903Csv on the sample (%zu files): %.3f s wall, %.3f s processor; %zu findings\n",
              batch.files.size(), seconds, cpu_seconds, batch.findings.size());

  EXPECT_EQ(batch.source, "ssda903");
  EXPECT_EQ(batch.collection_year, 2018);
  EXPECT_EQ(batch.year_basis, "latest episode start 31/03/2018, so the year ending 31 March 2018");
  EXPECT_EQ(batch.children.size(), 2675u);
  EXPECT_EQ(CountKind(batch, EventKind::kLookedAfterEpisode), 5050u);
  // reviews.csv has 12,582 rows: 2 exact repeats, loaded once each.
  EXPECT_EQ(CountKind(batch, EventKind::kClaReview), 12580u);
  EXPECT_EQ(CountKind(batch, EventKind::kHealthOutcomes), 2675u);
  EXPECT_EQ(CountKind(batch, EventKind::kPreviousPermanence), 2675u);
  EXPECT_EQ(CountKind(batch, EventKind::kCareLeaverOutcomes), 53u);
  EXPECT_EQ(CountKind(batch, EventKind::kAdoptionDecision), 29u);
  EXPECT_EQ(CountKind(batch, EventKind::kPlacedForAdoption), 29u);
  EXPECT_EQ(CountKind(batch, EventKind::kMissing), 43u);
  EXPECT_EQ(std::count_if(batch.children.begin(), batch.children.end(),
                          [](const model::Chronology& c) { return c.child().uasc; }),
            132);

  // sw_episodes.csv and DoLo.csv hold one row each, for CHILD10, who is not in header.csv.
  ASSERT_EQ(batch.rejected.size(), 2u) << AllMessages(batch.rejected);
  for (const Problem& problem : batch.rejected) {
    EXPECT_EQ(problem.child, "CHILD10");
    EXPECT_EQ(problem.line, 2);
    EXPECT_NE(problem.message.find("child CHILD10 appears in " + problem.file + " but not in the Header table"),
              std::string::npos)
        << problem.ToString();
  }
  EXPECT_EQ(CountKind(batch, EventKind::kSocialWorkerAllocation), 0u);

  const std::vector<Problem> repeats = With(batch.findings, "exactly; it is loaded once");
  ASSERT_EQ(repeats.size(), 2u) << AllMessages(repeats);
  for (const Problem& problem : repeats) EXPECT_EQ(problem.file, "reviews.csv");

  // Provenance and the yearly records' date.
  const model::Chronology* child = FindChild(batch, "566910");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->child().birth_date, Date::FromYmdOrDie(2008, 3, 27));
  EXPECT_EQ(child->child().ethnicity, "WROM");
  for (const model::Event& event : child->events()) {
    EXPECT_EQ(event.provenance.source, "ssda903");
    EXPECT_EQ(event.provenance.reported_in_years, std::vector<int>{2018});
  }
  ASSERT_EQ(child->OfKind(EventKind::kHealthOutcomes).size(), 1u);
  EXPECT_EQ(child->OfKind(EventKind::kHealthOutcomes)[0]->start, Date::FromYmdOrDie(2018, 3, 31));
  const std::vector<const model::Event*> episodes = child->OfKind(EventKind::kLookedAfterEpisode);
  ASSERT_EQ(episodes.size(), 2u);
  EXPECT_EQ(episodes[0]->start, Date::FromYmdOrDie(2016, 2, 15));
  EXPECT_EQ(episodes[0]->end, Date::FromYmdOrDie(2017, 8, 14));
  EXPECT_EQ(episodes[0]->Get("PLACE"), "T2");
  EXPECT_EQ(episodes[0]->Get("HOME_POST"), "");
  EXPECT_EQ(episodes[1]->Get("PL_POST"), "WV27 9FW");
}

TEST(Ssda903CsvTest, SameDayReviewsWithDifferentCodesAreDistinct) {
  ImportBatch batch = ReadOk({{"header.csv", std::string(kHeaderCsv)},
                              {"reviews.csv",
                               "CHILD,DOB,REVIEW,REVIEW_CODE\n"
                               "1001,01/02/2010,03/05/2017,PN1\n"
                               "1001,01/02/2010,03/05/2017,PN2\n"
                               "1001,01/02/2010,03/05/2017,PN1\n"}},
                             2018);
  EXPECT_TRUE(batch.rejected.empty()) << AllMessages(batch.rejected);
  EXPECT_EQ(CountKind(batch, EventKind::kClaReview), 2u);
  const std::vector<Problem> repeats = With(batch.findings, "repeats line 2 exactly");
  ASSERT_EQ(repeats.size(), 1u) << AllMessages(batch.findings);
  EXPECT_EQ(repeats[0].line, 4);
}

// Normalised rows of a CSV table: values trimmed, dates as dd/mm/YYYY, in `order` (the DfE
// column order, taken from the written file's header).
std::set<std::vector<std::string>> NormalisedRows(const CsvTable& table, const std::vector<std::string>& order,
                                                  const std::set<int>& skip_lines) {
  std::vector<size_t> positions;
  for (const std::string& column : order) {
    size_t found = table.header.size();
    for (size_t i = 0; i < table.header.size(); ++i) {
      if (ssda903::UpperAscii(table.header[i]) == column) found = i;
    }
    EXPECT_LT(found, table.header.size()) << table.source << " has no " << column;
    positions.push_back(found);
  }
  std::set<std::vector<std::string>> rows;
  for (const CsvRecord& record : table.records) {
    if (skip_lines.contains(record.line)) continue;
    std::vector<std::string> row;
    for (size_t position : positions) {
      std::string value(position < record.fields.size() ? ssda903::TrimSpace(record.fields[position]) : "");
      if (Result<Date> date = Date::ParseDmy(value); date.ok()) value = date->ToDmy();
      row.push_back(value);
    }
    rows.insert(row);
  }
  return rows;
}

std::set<std::string> ColumnSet(const std::vector<std::string>& header) {
  std::set<std::string> names;
  for (const std::string& name : header) names.insert(ssda903::UpperAscii(name));
  return names;
}

// Read every sample table, write the year read, and compare each table as a set of rows. The
// sample leaves LA_PERM and DATE_PERM (previous_permanence.csv) empty throughout, so the round
// trip says nothing about how those two are kept; the tests below with DATE_PERM do.
TEST(Ssda903CsvTest, SampleRoundTripsTableByTable) {
  Result<ImportBatch> read = ReadSsda903Csv(SampleCsvPaths(), std::nullopt);
  ASSERT_TRUE(read.ok()) << read.status().message();
  Result<std::vector<Ssda903CsvText>> written = FormatSsda903Csv(read->children, read->collection_year);
  ASSERT_TRUE(written.ok()) << written.status().message();
  ASSERT_EQ(written->size(), 12u);

  // Lines the reader refused, by file: the round trip is of everything that was loaded.
  std::map<std::string, std::set<int>> refused;
  for (const Problem& problem : read->rejected) refused[problem.file].insert(problem.line);

  std::set<std::string> matched_outputs;
  for (const std::string& path : SampleCsvPaths()) {
    Result<CsvTable> input = ReadCsvFile(path);
    ASSERT_TRUE(input.ok()) << input.status().message();
    const Ssda903CsvText* output = nullptr;
    CsvTable output_table;
    for (const Ssda903CsvText& file : *written) {
      Result<CsvTable> parsed = ParseCsv(file.text, file.name);
      ASSERT_TRUE(parsed.ok()) << parsed.status().message();
      if (ColumnSet(parsed->header) == ColumnSet(input->header)) {
        output = &file;
        output_table = std::move(parsed).value();
      }
    }
    ASSERT_NE(output, nullptr) << "no written table has the columns of " << input->source;
    matched_outputs.insert(output->name);
    const std::vector<std::string>& order = output_table.header;
    const auto expected = NormalisedRows(*input, order, refused[input->source]);
    const auto actual = NormalisedRows(output_table, order, {});
    EXPECT_EQ(actual.size(), expected.size()) << input->source << " vs " << output->name;
    EXPECT_TRUE(actual == expected) << input->source << " vs " << output->name;
  }
  EXPECT_EQ(matched_outputs.size(), 12u);
}

// ---------------------------------------------------------------------------------------------
// XML

struct XmlCounts {
  size_t children = 0;
  size_t episodes = 0;
  std::set<std::tuple<std::string, std::string, std::string>> reviews;  // distinct (child, date, code)
};

// Counted straight from the XML, independently of the reader.
XmlCounts CountXml(const std::string& text) {
  XmlCounts counts;
  pugi::xml_document document;
  EXPECT_TRUE(document.load_buffer(text.data(), text.size()));
  for (pugi::xml_node child : document.child("EXPSSDA903").children("CHILD")) {
    ++counts.children;
    for ([[maybe_unused]] pugi::xml_node episode : child.children("EPISODE")) ++counts.episodes;
    const std::string id = child.child("HEADER").child_value("CHILDID");
    for (pugi::xml_node review : child.child("HEADER").children("AREVIEW")) {
      counts.reviews.emplace(id, review.child_value("REVIEW"), review.child_value("REVIEW_CODE"));
    }
  }
  return counts;
}

TEST(Ssda903XmlTest, ReadsTheSampleXml) {
  const std::string text = ReadText(kSampleDir + "/fake_903.xml");
  const XmlCounts counts = CountXml(text);
  ASSERT_GT(counts.children, 0u);
  const std::clock_t cpu_started = std::clock();
  Result<ImportBatch> read = ReadSsda903Xml(kSampleDir + "/fake_903.xml", std::nullopt);
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  ASSERT_TRUE(read.ok()) << read.status().message();
  std::printf("[ timing ] ReadSsda903Xml on fake_903.xml: %.3f s processor\n", cpu_seconds);
  EXPECT_TRUE(read->rejected.empty()) << AllMessages(read->rejected);
  EXPECT_EQ(read->children.size(), counts.children);
  EXPECT_EQ(CountKind(*read, EventKind::kLookedAfterEpisode), counts.episodes);
  EXPECT_EQ(CountKind(*read, EventKind::kClaReview), counts.reviews.size());
  EXPECT_EQ(read->files, std::vector<std::string>{kSampleDir + "/fake_903.xml"});
  // The first child of the file, as written there.
  const model::Chronology* child = FindChild(*read, "907440");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->child().upn, "O013219285333");
  EXPECT_EQ(child->child().sex, "2");
  EXPECT_FALSE(child->child().uasc);
  const std::vector<const model::Event*> episodes = child->OfKind(EventKind::kLookedAfterEpisode);
  ASSERT_EQ(episodes.size(), 2u);
  EXPECT_EQ(episodes[1]->Get("PLACE"), "P2");  // <PL> in the XML
  EXPECT_EQ(episodes[1]->Get("REC"), "E11");
  EXPECT_EQ(episodes[1]->Get("REASON_PLACE_CHANGE"), "");  // <REASON_PLACE_CHANGE />
  const model::Chronology* uasc = FindChild(*read, "996322");
  ASSERT_NE(uasc, nullptr);
  EXPECT_TRUE(uasc->child().uasc);
  EXPECT_EQ(uasc->child().uasc_ceased, Date::FromYmdOrDie(2020, 9, 28));
}

void ExpectSameChronologies(const std::vector<model::Chronology>& a, const std::vector<model::Chronology>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].child(), b[i].child()) << "child " << a[i].child().la_child_id;
    ASSERT_EQ(a[i].events().size(), b[i].events().size()) << "child " << a[i].child().la_child_id;
    for (size_t e = 0; e < a[i].events().size(); ++e) {
      EXPECT_TRUE(a[i].events()[e].SameContent(b[i].events()[e]))
          << "child " << a[i].child().la_child_id << " event " << e << " (" << model::IdOf(a[i].events()[e].kind)
          << ")";
      EXPECT_EQ(a[i].events()[e].provenance, b[i].events()[e].provenance);
    }
  }
}

TEST(Ssda903XmlTest, XmlToCsvAndBackGivesTheSameChronologies) {
  Result<ImportBatch> from_xml = ReadSsda903Xml(kSampleDir + "/fake_903.xml", std::nullopt);
  ASSERT_TRUE(from_xml.ok()) << from_xml.status().message();
  Result<std::vector<Ssda903CsvText>> csv = FormatSsda903Csv(from_xml->children, from_xml->collection_year);
  ASSERT_TRUE(csv.ok()) << csv.status().message();
  Result<ImportBatch> from_csv = ReadSsda903CsvTexts(*csv, std::nullopt);
  ASSERT_TRUE(from_csv.ok()) << from_csv.status().message();
  EXPECT_EQ(from_csv->collection_year, from_xml->collection_year);
  EXPECT_TRUE(from_csv->rejected.empty()) << AllMessages(from_csv->rejected);
  ExpectSameChronologies(from_xml->children, from_csv->children);
}

constexpr std::string_view kSmallXml = R"(<?xml version="1.0"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>2001</CHILDID><UPN>A123456789012</UPN><SEX>1</SEX><DOB>01/02/2010</DOB><ETHNIC>WBRI</ETHNIC>
      <UASC>1</UASC><DUC>01/02/2028</DUC>
      <DATE_INT>01/05/2017</DATE_INT><DATE_MATCH>01/06/2017</DATE_MATCH><FOSTER_CARE>0</FOSTER_CARE>
      <NB_ADOPTR>2</NB_ADOPTR><SEX_ADOPTR>MF</SEX_ADOPTR><LS_ADOPTR>L0</LS_ADOPTR>
      <AMISSING><MISSING>M</MISSING><MIS_START>03/06/2017</MIS_START><MIS_END>04/06/2017</MIS_END></AMISSING>
      <AREVIEW><REVIEW>10/07/2017</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
      <MOTHER>0</MOTHER><MC_DOB />
      <PERMANENCE><PREV_PERM>P1</PREV_PERM><LA_PERM>123</LA_PERM><DATE_PERM>zz/zz/2012</DATE_PERM></PERMANENCE>
      <OC2><CONVICTED>0</CONVICTED></OC2>
      <AD_PLACED><DATE_PLACED>01/05/2017</DATE_PLACED><DATE_PLACED_CEASED /><REASON_PLACED_CEASED /></AD_PLACED>
    </HEADER>
    <EPISODE><DECOM>01/04/2017</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL><PL_POST>AB1 2CD</PL_POST>
      <HOME_POST>EF3 4GH</HOME_POST><URN /><PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>01/03/2018</DEC><REC>E11</REC>
      <REASON_PLACE_CHANGE /></EPISODE>
  </CHILD>
  <CHILD>
    <HEADER><CHILDID>2002</CHILDID><UPN>UN2</UPN><SEX>2</SEX><DOB>01/02/2011</DOB><ETHNIC>WBRI</ETHNIC><UASC />
      <IN_TOUCH>YES</IN_TOUCH><ACTIV>F1</ACTIV><ACCOM>B1</ACCOM></HEADER>
    <EPISODE><DECOM>31/02/2018</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL></EPISODE>
    <EPISODE><DECOM>01/03/2018</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL><COLOUR>blue</COLOUR></EPISODE>
  </CHILD>
</EXPSSDA903>
)";

TEST(Ssda903XmlTest, ReadsEveryPartOfAChild) {
  Result<ImportBatch> read = ReadSsda903XmlText(kSmallXml, "small.xml", std::nullopt);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->collection_year, 2018);
  ASSERT_EQ(read->children.size(), 2u);
  const model::Chronology& first = read->children[0];
  EXPECT_TRUE(first.child().uasc);
  EXPECT_EQ(first.child().mother, "0");
  EXPECT_FALSE(first.child().mother_child_birth_date.has_value());
  for (EventKind kind : {EventKind::kLookedAfterEpisode, EventKind::kClaReview, EventKind::kMissing,
                         EventKind::kHealthOutcomes, EventKind::kAdoptionDecision, EventKind::kPlacedForAdoption,
                         EventKind::kPreviousPermanence}) {
    EXPECT_EQ(first.OfKind(kind).size(), 1u) << model::IdOf(kind);
  }
  EXPECT_EQ(first.OfKind(EventKind::kPreviousPermanence)[0]->Get("DATE_PERM"), "zz/zz/2012");
  EXPECT_EQ(first.OfKind(EventKind::kAdoptionDecision)[0]->Get("DATE_MATCH"), "2017-06-01");
  EXPECT_EQ(read->children[1].OfKind(EventKind::kCareLeaverOutcomes).size(), 1u);

  // The bad DECOM is refused, located by line and path; the other episode is read.
  ASSERT_EQ(read->rejected.size(), 1u) << AllMessages(read->rejected);
  const Problem& bad = read->rejected[0];
  EXPECT_EQ(bad.file, "small.xml");
  EXPECT_EQ(bad.location, "/EXPSSDA903/CHILD[2]/EPISODE[1]");
  EXPECT_EQ(bad.line, 23);
  EXPECT_EQ(bad.field, "DECOM");
  EXPECT_EQ(bad.value, "31/02/2018");
  EXPECT_NE(bad.record.find("<DECOM>31/02/2018</DECOM>"), std::string::npos) << bad.record;
  EXPECT_EQ(read->children[1].OfKind(EventKind::kLookedAfterEpisode).size(), 1u);

  // An element the return does not have is reported and ignored.
  const std::vector<Problem> unknown = With(read->findings, "<COLOUR> is not part of the SSDA903 return");
  ASSERT_EQ(unknown.size(), 1u) << AllMessages(read->findings);
  EXPECT_EQ(unknown[0].location, "/EXPSSDA903/CHILD[2]/EPISODE[2]");
}

TEST(Ssda903XmlTest, NotWellFormedXmlIsAnErrorNamingFileAndLine) {
  Result<ImportBatch> read =
      ReadSsda903XmlText("<EXPSSDA903>\n<CHILD>\n<HEADER></CHILD>\n</EXPSSDA903>\n", "broken.xml", 2018);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(read.status().message().find("broken.xml is not well-formed XML at line 3"), std::string::npos)
      << read.status().message();
  EXPECT_NE(read.status().message().find("(byte "), std::string::npos);

  Result<ImportBatch> empty = ReadSsda903XmlText("", "empty.xml", 2018);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty.xml"), std::string::npos) << empty.status().message();

  Result<ImportBatch> wrong_root = ReadSsda903XmlText("<Message><Children/></Message>", "cin.xml", 2018);
  ASSERT_FALSE(wrong_root.ok());
  EXPECT_NE(wrong_root.status().message().find("<EXPSSDA903>"), std::string::npos);

  Result<ImportBatch> missing = ReadSsda903Xml(kSampleDir + "/no_such_file.xml", 2018);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST(Ssda903XmlTest, ChildWithoutHeaderIsRefusedAndTheRestRead) {
  Result<ImportBatch> read = ReadSsda903XmlText(
      "<EXPSSDA903><CHILD><EPISODE><DECOM>01/04/2017</DECOM></EPISODE></CHILD>"
      "<CHILD><HEADER><CHILDID>7</CHILDID><DOB>01/01/2010</DOB></HEADER></CHILD></EXPSSDA903>",
      "x.xml", 2018);
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->rejected.size(), 1u) << AllMessages(read->rejected);
  EXPECT_EQ(read->rejected[0].location, "/EXPSSDA903/CHILD[1]");
  EXPECT_NE(read->rejected[0].message.find("no HEADER"), std::string::npos);
  ASSERT_EQ(read->children.size(), 1u);
  EXPECT_EQ(read->children[0].child().la_child_id, "7");
}

// ---------------------------------------------------------------------------------------------
// Bad input

TEST(Ssda903CsvTest, DateThatIsNotADateIsRejectedWithFileLineFieldAndValue) {
  ImportBatch batch = ReadOk(SmallReturn("1001,01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"
                                         "1001,31/02/2018,P,C2,N1,U2,PR1,,,,AB1 2CD,EF3 4GH,\n"
                                         "1002,1/5/2017,S,C2,N1,U1,PR1,02/06/2017,E11,,AB1 2CD,EF3 4GH,\n"));
  ASSERT_EQ(batch.rejected.size(), 1u) << AllMessages(batch.rejected);
  const Problem& problem = batch.rejected[0];
  EXPECT_EQ(problem.file, "episodes.csv");
  EXPECT_EQ(problem.line, 3);
  EXPECT_EQ(problem.field, "DECOM");
  EXPECT_EQ(problem.value, "31/02/2018");
  EXPECT_EQ(problem.child, "1001");
  EXPECT_EQ(problem.record, "1001,31/02/2018,P,C2,N1,U2,PR1,,,,AB1 2CD,EF3 4GH,");
  // The value is in the rejects file, not in the message the terminal shows.
  EXPECT_EQ(problem.message, "DECOM is not a day that exists; this episode is not loaded");
  // The rest is read; one-digit days and months are dates too.
  EXPECT_EQ(CountKind(batch, EventKind::kLookedAfterEpisode), 2u);
  EXPECT_EQ(FindChild(batch, "1002")->events()[0].start, Date::FromYmdOrDie(2017, 5, 1));
}

TEST(Ssda903CsvTest, BlankChildAndBlankKeyDateAreRejected) {
  ImportBatch batch = ReadOk(SmallReturn(",01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"
                                         "1001,,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"
                                         "1001,01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"));
  ASSERT_EQ(batch.rejected.size(), 2u) << AllMessages(batch.rejected);
  EXPECT_EQ(batch.rejected[0].field, "CHILD");
  EXPECT_EQ(batch.rejected[0].line, 2);
  EXPECT_EQ(batch.rejected[1].field, "DECOM");
  EXPECT_EQ(batch.rejected[1].line, 3);
  EXPECT_EQ(CountKind(batch, EventKind::kLookedAfterEpisode), 1u);
}

TEST(Ssda903CsvTest, WrongFieldCountIsRejectedAndTheRestRead) {
  ImportBatch batch = ReadOk(SmallReturn("1001,01/04/2017,S,C2,N1,U1,PR1\n"
                                         "1001,01/05/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"));
  ASSERT_EQ(batch.rejected.size(), 1u) << AllMessages(batch.rejected);
  EXPECT_EQ(batch.rejected[0].file, "episodes.csv");
  EXPECT_EQ(batch.rejected[0].line, 2);
  EXPECT_EQ(batch.rejected[0].record, "1001,01/04/2017,S,C2,N1,U1,PR1");
  EXPECT_NE(batch.rejected[0].message.find("7 fields"), std::string::npos) << batch.rejected[0].message;
  EXPECT_EQ(CountKind(batch, EventKind::kLookedAfterEpisode), 1u);
}

TEST(Ssda903CsvTest, UnknownColumnsNameTheClosestTable) {
  ImportBatch batch = ReadOk({{"header.csv", std::string(kHeaderCsv)},
                              {"eps.csv",
                               "CHILD,DECOMM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
                               "PL_POST,URN\n1001,01/04/2017,S,C2,N1,U1,PR1,,,,,,\n"},
                              {"reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\n1001,01/02/2010,03/05/2017,PN1\n"}},
                             2018);
  ASSERT_EQ(batch.rejected.size(), 1u) << AllMessages(batch.rejected);
  const Problem& problem = batch.rejected[0];
  EXPECT_EQ(problem.file, "eps.csv");
  EXPECT_EQ(problem.line, 1);
  EXPECT_NE(problem.message.find("The closest is the Episodes table"), std::string::npos) << problem.message;
  EXPECT_NE(problem.message.find("lacks its column(s) DECOM"), std::string::npos) << problem.message;
  EXPECT_NE(problem.message.find("has column(s) it does not: DECOMM"), std::string::npos) << problem.message;
  EXPECT_EQ(batch.children.size(), 2u);
  EXPECT_EQ(CountKind(batch, EventKind::kClaReview), 1u);
}

TEST(Ssda903CsvTest, TablesAreKnownByColumnsInAnyOrderAndCase) {
  ImportBatch batch = ReadOk({{"a.csv", "review_code , Review,dob,child\n pn1 ,03/05/2017,01/02/2010,1001\n"},
                              {"b.csv", std::string(kHeaderCsv)}},
                             2018);
  EXPECT_TRUE(batch.rejected.empty()) << AllMessages(batch.rejected);
  ASSERT_EQ(CountKind(batch, EventKind::kClaReview), 1u);
  // Trimmed, but kept as given: not upper-cased into the store.
  EXPECT_EQ(FindChild(batch, "1001")->OfKind(EventKind::kClaReview)[0]->Get("REVIEW_CODE"), "pn1");
  // ... and compared ignoring case, so it is not an unknown code.
  EXPECT_TRUE(With(batch.findings, "REVIEW_CODE codes").empty()) << AllMessages(batch.findings);
}

TEST(Ssda903CsvTest, SameKeyDifferentContentRejectsBothNamingEachOther) {
  ImportBatch batch = ReadOk(SmallReturn("1001,01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"
                                         "1002,01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"
                                         "1001,01/04/2017,S,C2,N1,U2,PR1,,,,AB1 2CD,EF3 4GH,\n"));
  ASSERT_EQ(batch.rejected.size(), 2u) << AllMessages(batch.rejected);
  EXPECT_EQ(batch.rejected[0].line, 2);
  EXPECT_NE(batch.rejected[0].message.find("is also at line 4 with different values"), std::string::npos)
      << batch.rejected[0].message;
  EXPECT_NE(batch.rejected[0].message.find("PLACE is 'U2' at line 4 but 'U1' here"), std::string::npos)
      << batch.rejected[0].message;
  EXPECT_EQ(batch.rejected[1].line, 4);
  EXPECT_NE(batch.rejected[1].message.find("is also at line 2"), std::string::npos);
  EXPECT_TRUE(FindChild(batch, "1001")->events().empty());
  EXPECT_EQ(FindChild(batch, "1002")->events().size(), 1u);
}

TEST(Ssda903CsvTest, DifferingHeaderRowsRefuseTheChildAndSayWhyForTheirRecords) {
  ImportBatch batch = ReadOk({{"header.csv", std::string(kHeaderCsv) + "1001,2,01/02/2010,WBRI,A123456789012,,\n"},
                              {"reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\n1001,01/02/2010,03/05/2017,PN1\n"}},
                             2018);
  ASSERT_EQ(batch.rejected.size(), 3u) << AllMessages(batch.rejected);
  EXPECT_NE(batch.rejected[0].message.find("is also at line 4"), std::string::npos) << batch.rejected[0].message;
  EXPECT_NE(batch.rejected[1].message.find("is also at line 2"), std::string::npos) << batch.rejected[1].message;
  EXPECT_EQ(batch.rejected[2].file, "reviews.csv");
  EXPECT_NE(batch.rejected[2].message.find("child 1001's Header record (header.csv line 2) was not loaded"),
            std::string::npos)
      << batch.rejected[2].message;
  ASSERT_EQ(batch.children.size(), 1u);
  EXPECT_EQ(batch.children[0].child().la_child_id, "1002");
}

TEST(Ssda903CsvTest, ChildMissingFromHeaderIsRejected) {
  ImportBatch batch = ReadOk(SmallReturn("9999,01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"));
  ASSERT_EQ(batch.rejected.size(), 1u) << AllMessages(batch.rejected);
  EXPECT_EQ(batch.rejected[0].message, "child 9999 appears in episodes.csv but not in the Header table; this "
                                       "episode is not loaded");
  EXPECT_EQ(batch.rejected[0].field, "CHILD");
  EXPECT_EQ(batch.rejected[0].value, "9999");
}

TEST(Ssda903CsvTest, EmptyAndUnparseableFilesAreRejectedAndTheRestRead) {
  ImportBatch batch = ReadOk({{"header.csv", std::string(kHeaderCsv)},
                              {"empty.csv", ""},
                              {"quote.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\n1001,\"01/02/2010,x,y\n"},
                              {"episodes.csv", std::string(kEpisodesHeader) +
                                                   "1001,01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"}});
  ASSERT_EQ(batch.rejected.size(), 2u) << AllMessages(batch.rejected);
  EXPECT_EQ(batch.rejected[0].file, "empty.csv");
  EXPECT_NE(batch.rejected[0].message.find("none of this file was loaded"), std::string::npos);
  EXPECT_EQ(batch.rejected[1].file, "quote.csv");
  EXPECT_EQ(batch.children.size(), 2u);
  EXPECT_EQ(CountKind(batch, EventKind::kLookedAfterEpisode), 1u);
}

TEST(Ssda903CsvTest, ErrorsWhenNothingCanBeRead) {
  EXPECT_EQ(ReadSsda903Csv({}, 2018).status().code(), Status::Code::kInvalidArgument);
  Result<ImportBatch> missing = ReadSsda903Csv({kSampleDir + "/no_such_table.csv"}, 2018);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("no_such_table.csv"), std::string::npos);
  // No year given, and no episode to infer it from.
  Result<ImportBatch> no_year = ReadSsda903CsvTexts({{"header.csv", std::string(kHeaderCsv)}}, std::nullopt);
  ASSERT_FALSE(no_year.ok());
  EXPECT_NE(no_year.status().message().find("cannot tell which collection year header.csv is for"), std::string::npos)
      << no_year.status().message();
  EXPECT_EQ(ReadSsda903CsvTexts({{"header.csv", std::string(kHeaderCsv)}}, 1066).status().code(),
            Status::Code::kInvalidArgument);
  // With the year given, a Header alone reads.
  Result<ImportBatch> given = ReadSsda903CsvTexts({{"header.csv", std::string(kHeaderCsv)}}, 2018);
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->year_basis, "the collection year 2017/18 (1 April 2017 to 31 March 2018) was given");
}

// ---------------------------------------------------------------------------------------------
// Findings

// Issue 14: without --year, a file that cannot be read reported only "cannot tell which
// collection year"; the problem that made the year unknowable is what the analyst must fix.
TEST(Ssda903CsvTest, AnUnknowableYearSaysWhatWasWrongWithTheFiles) {
  Result<ImportBatch> quoting = ReadSsda903CsvTexts(
      {{"header.csv", std::string(kHeaderCsv)},
       {"episodes.csv", std::string(kEpisodesHeader) + "1001,01/04/2017,S,C2,N1,U1,PR1,,,,\"AB1 2CD,EF3 4GH,\n"}},
      std::nullopt);
  ASSERT_FALSE(quoting.ok());
  EXPECT_NE(quoting.status().message().find("cannot tell which collection year"), std::string::npos);
  EXPECT_NE(quoting.status().message().find("episodes.csv"), std::string::npos) << quoting.status().message();
  EXPECT_NE(quoting.status().message().find("double quote"), std::string::npos) << quoting.status().message();

  Result<ImportBatch> unknown = ReadSsda903CsvTexts(
      {{"header.csv", std::string(kHeaderCsv)}, {"episodes.csv", "CHILD,DECOMM,RNE\n1001,01/04/2017,S\n"}},
      std::nullopt);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("DECOMM"), std::string::npos) << unknown.status().message();
}

TEST(Ssda903CsvTest, UnknownCodeIsAFindingAndTheValueIsKept) {
  ImportBatch batch = ReadOk(SmallReturn("1001,01/04/2017,S,C2,N1,Q9,PR1,,,,AB1 2CD,EF3 4GH,\n"));
  EXPECT_TRUE(batch.rejected.empty()) << AllMessages(batch.rejected);
  const std::vector<Problem> found = With(batch.findings, "is not one of the DfE's PLACE codes for 2017/18");
  ASSERT_EQ(found.size(), 1u) << AllMessages(batch.findings);
  EXPECT_EQ(found[0].field, "PLACE");
  EXPECT_EQ(found[0].value, "Q9");
  EXPECT_EQ(found[0].line, 2);
  EXPECT_NE(found[0].message.find("rule 146"), std::string::npos);
  EXPECT_EQ(FindChild(batch, "1001")->events()[0].Get("PLACE"), "Q9");
}

TEST(Ssda903CsvTest, PlacementCodesFollowTheYear) {
  const std::string row = "1001,01/04/2025,S,C2,N1,Z11,PR1,,,,AB1 2CD,EF3 4GH,\n";
  ImportBatch new_codes = ReadOk(SmallReturn(row), 2026);
  EXPECT_TRUE(With(new_codes.findings, "PLACE codes").empty()) << AllMessages(new_codes.findings);
  ImportBatch old_codes = ReadOk(SmallReturn(row), 2024);
  EXPECT_EQ(With(old_codes.findings, "PLACE codes").size(), 1u) << AllMessages(old_codes.findings);
}

TEST(Ssda903CsvTest, DecBeforeDecomIsAFindingAndTheDatesAreKept) {
  ImportBatch batch = ReadOk(SmallReturn("1001,01/06/2017,S,C2,N1,U1,PR1,01/05/2017,E11,,AB1 2CD,EF3 4GH,\n"));
  EXPECT_TRUE(batch.rejected.empty()) << AllMessages(batch.rejected);
  const std::vector<Problem> found = With(batch.findings, "DEC is before DECOM");
  ASSERT_EQ(found.size(), 1u) << AllMessages(batch.findings);
  EXPECT_EQ(found[0].field, "DEC");
  // Both dates in the value (the findings file); neither in the message (the terminal).
  EXPECT_EQ(found[0].value, "01/05/2017 (DECOM: 01/06/2017)");
  EXPECT_EQ(found[0].message.find("2017"), std::string::npos) << found[0].message;
  EXPECT_NE(found[0].message.find("rule 356"), std::string::npos);
  const model::Event& episode = FindChild(batch, "1001")->events()[0];
  EXPECT_EQ(episode.start, Date::FromYmdOrDie(2017, 6, 1));
  EXPECT_EQ(episode.end, Date::FromYmdOrDie(2017, 5, 1));
}

TEST(Ssda903CsvTest, OtherFindings) {
  ImportBatch batch = ReadOk(
      {{"header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1001,1,01/02/2019,XXXX,12,,\n"},
       {"episodes.csv", std::string(kEpisodesHeader) + "1001,01/04/2017,S,C2,N1,U1,PR1,,X1,,,,\n"},
       {"reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\n1001,02/02/2010,03/05/2017,PN1\n"}},
      2018);
  EXPECT_TRUE(batch.rejected.empty()) << AllMessages(batch.rejected);
  EXPECT_EQ(With(batch.findings, "'XXXX' is not one of the DfE's ETHNIC codes").size(), 1u);
  EXPECT_EQ(With(batch.findings, "date of birth is after the end of the collection year").size(), 1u);
  EXPECT_EQ(With(batch.findings, "rule 168").size(), 1u);  // UPN
  EXPECT_EQ(With(batch.findings, "REVIEW is before the child's date of birth").size(), 1u);
  EXPECT_EQ(With(batch.findings, "DECOM is before the child's date of birth").size(), 1u);
  EXPECT_EQ(With(batch.findings, "DOB differs from the Header's").size(), 1u);
  // Dates of birth are in the findings' values (the findings file), never their messages (the
  // terminal).
  for (const Problem& finding : batch.findings) {
    EXPECT_EQ(finding.message.find("01/02/2019"), std::string::npos) << finding.message;
    EXPECT_EQ(finding.message.find("02/02/2010"), std::string::npos) << finding.message;
  }
  EXPECT_EQ(With(batch.findings, "DOB differs from the Header's")[0].value, "02/02/2010 (Header: 01/02/2019)");
  EXPECT_EQ(With(batch.findings, "REC is given but DEC is blank").size(), 1u);
  EXPECT_EQ(With(batch.findings, "PL_POST is blank").size(), 1u);
  EXPECT_EQ(With(batch.findings, "HOME_POST is blank").size(), 1u);
  // All of it kept.
  const model::Chronology* child = FindChild(batch, "1001");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->child().ethnicity, "XXXX");
  EXPECT_EQ(child->events().size(), 2u);
}

TEST(Ssda903CodeListsTest, EmbeddedListsParse) {
  Result<const ssda903::CodeLists*> codes = ssda903::CodeLists::Embedded();
  ASSERT_TRUE(codes.ok()) << codes.status().message();
  ASSERT_NE((*codes)->For("PLACE", 2018), nullptr);
  EXPECT_TRUE((*codes)->For("PLACE", 2018)->Contains("h5"));
  EXPECT_FALSE((*codes)->For("PLACE", 2026)->Contains("H5"));
  EXPECT_TRUE((*codes)->For("SEX", 2026)->Contains("U"));
  EXPECT_EQ((*codes)->For("SW_REASON", 2020), nullptr);
  EXPECT_FALSE(ssda903::CodeLists::Parse("[[list]]\nfield = \"X\"\n", "bad.toml").ok());
  EXPECT_FALSE(ssda903::CodeLists::Parse("[[list]\n", "bad.toml").ok());
}

// Every column of every event table lands in a field of its kind, so nothing is dropped.
TEST(Ssda903TablesTest, EveryColumnHasAHome) {
  for (const ssda903::TableSpec& table : ssda903::AllTables()) {
    EXPECT_EQ(table.columns[0], "CHILD") << table.name;
    if (!table.kind) continue;
    for (std::string_view column : table.columns) {
      if (column == "CHILD" || column == "DOB") continue;
      EXPECT_TRUE(model::FieldTypeOf(*table.kind, column).has_value()) << table.name << " " << column;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

model::Event Recorded(EventKind kind, Date start, std::optional<Date> end = std::nullopt) {
  model::Event event{.kind = kind, .start = start, .end = end};
  event.provenance.source = "cairn";
  return event;
}

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

// Rows of one written table, without the header line.
std::vector<std::vector<std::string>> RowsOf(const std::vector<Ssda903CsvText>& files, std::string_view name) {
  for (const Ssda903CsvText& file : files) {
    if (file.name != name) continue;
    Result<CsvTable> table = ParseCsv(file.text, file.name);
    EXPECT_TRUE(table.ok()) << table.status().message();
    std::vector<std::vector<std::string>> rows;
    for (const CsvRecord& record : table->records) rows.push_back(record.fields);
    return rows;
  }
  ADD_FAILURE() << "no " << name;
  return {};
}

TEST(Ssda903WriterTest, ScopesCairnRecordsToTheYear) {
  model::Chronology looked_after(model::Child{.la_child_id = "A", .birth_date = D(2010, 1, 2), .sex = "1"});
  looked_after.mutable_child().uasc = true;
  model::Event episode = Recorded(EventKind::kLookedAfterEpisode, D(2016, 5, 1), D(2017, 4, 3));
  episode.Set("PLACE", "U1");
  episode.Set("REC", "E11");
  looked_after.Add(episode);
  looked_after.Add(Recorded(EventKind::kLookedAfterEpisode, D(2015, 1, 1), D(2016, 5, 1)));  // before the year
  looked_after.Add(Recorded(EventKind::kClaReview, D(2017, 6, 1)));
  looked_after.Add(Recorded(EventKind::kClaReview, D(2018, 6, 1)));  // after it
  looked_after.Add(Recorded(EventKind::kHealthOutcomes, D(2018, 3, 31)));
  looked_after.Add(Recorded(EventKind::kHealthOutcomes, D(2017, 3, 31)));  // last year's
  model::Event decision = Recorded(EventKind::kAdoptionDecision, D(2016, 9, 1));  // before, but adopted this year
  decision.Set("DATE_MATCH", "2016-10-01");
  looked_after.Add(decision);
  looked_after.Add(Recorded(EventKind::kSocialWorkerAllocation, D(2017, 1, 1)));
  model::Event old_return = Recorded(EventKind::kClaReview, D(2017, 7, 1));
  old_return.provenance = {"ssda903", {2019}};  // reported in another year only
  looked_after.Add(old_return);

  model::Chronology in_need_only(model::Child{.la_child_id = "B"});
  in_need_only.Add(Recorded(EventKind::kSocialWorkerAllocation, D(2017, 1, 1)));
  in_need_only.Add(Recorded(EventKind::kCinEpisode, D(2017, 1, 1)));

  Result<std::vector<Ssda903CsvText>> files = FormatSsda903Csv({looked_after, in_need_only}, 2018);
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), 12u);
  EXPECT_EQ(RowsOf(*files, "header.csv"), (std::vector<std::vector<std::string>>{{"A", "1", "02/01/2010", "", "", "", ""}}));
  EXPECT_EQ(RowsOf(*files, "uasc.csv"), (std::vector<std::vector<std::string>>{{"A", "1", "02/01/2010", ""}}));
  const auto episodes = RowsOf(*files, "episodes.csv");
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0], (std::vector<std::string>{"A", "01/05/2016", "", "", "", "U1", "", "03/04/2017", "E11", "",
                                                   "", "", ""}));
  EXPECT_EQ(RowsOf(*files, "reviews.csv"), (std::vector<std::vector<std::string>>{{"A", "02/01/2010", "01/06/2017", ""}}));
  EXPECT_EQ(RowsOf(*files, "oc2.csv").size(), 1u);
  EXPECT_EQ(RowsOf(*files, "ad1.csv"),
            (std::vector<std::vector<std::string>>{{"A", "02/01/2010", "01/09/2016", "01/10/2016", "", "", "", ""}}));
  EXPECT_EQ(RowsOf(*files, "sw_episodes.csv").size(), 1u);  // B is not looked after
  EXPECT_TRUE(RowsOf(*files, "dolo.csv").empty());
  EXPECT_EQ(files->back().text, "CHILD,DOB,DOLO_START,DOLO_END\r\n");
}

// ---- Issue 13: what the DfE's validation rules found in Cairn's own returns ---------------------

model::Event Allocation(Date start, std::optional<Date> end, std::string id, std::string ended_because = "") {
  model::Event worker = Recorded(EventKind::kSocialWorkerAllocation, start, end);
  worker.Set("SW_ID", std::move(id));
  worker.Set("SW_REASON", std::move(ended_because));
  return worker;
}

// SW_REASON is why a worker's episode began (DfE rules SW01bSTG1, SW13STG1, SW10STG2): every
// episode has one, the reason recorded when the last worker's allocation ended goes on the next
// worker's episode, and a child coming back to the service after a gap starts again with FCONTA.
// It was written on the ending episode, so every open episode had none.
TEST(Ssda903WriterTest, SocialWorkerReasonIsWhyTheNewWorkerWasAllocated) {
  model::Chronology child(model::Child{.la_child_id = "A", .birth_date = D(2010, 1, 2), .sex = "1"});
  child.Add(Recorded(EventKind::kLookedAfterEpisode, D(2016, 5, 1)));
  child.Add(Allocation(D(2016, 5, 1), D(2017, 5, 10), "SW1", "LEFTRL"));
  child.Add(Allocation(D(2017, 5, 10), D(2017, 9, 1), "SW2", "TSPROC"));
  child.Add(Allocation(D(2017, 9, 4), D(2017, 12, 1), "SW3"));  // 3 days after: still a change
  child.Add(Allocation(D(2018, 1, 15), std::nullopt, "SW4"));   // six weeks later: a new start
  child.Add(Allocation(D(2018, 2, 1), D(2018, 4, 20), "SW5", "MANAGE"));  // ends after the year
  child.Sort();
  using Rows = std::vector<std::vector<std::string>>;
  Result<std::vector<Ssda903CsvText>> files = FormatSsda903Csv({child}, 2018);
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(RowsOf(*files, "sw_episodes.csv"),
            (Rows{{"A", "02/01/2010", "SW1", "01/05/2016", "10/05/2017", "FCONTA"},
                  {"A", "02/01/2010", "SW2", "10/05/2017", "01/09/2017", "LEFTRL"},
                  {"A", "02/01/2010", "SW3", "04/09/2017", "01/12/2017", "TSPROC"},
                  {"A", "02/01/2010", "SW4", "15/01/2018", "", "FCONTA"},
                  {"A", "02/01/2010", "SW5", "01/02/2018", "", "FCONTA"}}));
  // A council's own return keeps its SW_REASON as it came.
  ImportBatch batch = ReadOk({{"header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1001,1,02/01/2010,WBRI,,,\n"},
                              {"episodes.csv", std::string(kEpisodesHeader) + "1001,01/05/2017,S,C2,N1,U1,PR1,,,,,,\n"},
                              {"sw_episodes.csv", "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
                                                  "1001,02/01/2010,SW9,01/05/2017,,MANAGE\n"}},
                             2018);
  Result<std::vector<Ssda903CsvText>> again = FormatSsda903Csv(batch.children, 2018);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(RowsOf(*again, "sw_episodes.csv"), (Rows{{"1001", "02/01/2010", "SW9", "01/05/2017", "", "MANAGE"}}));
}

// A child under five has no UPN but a code saying why (DfE rule 442): the Header's UPN holds it,
// and reading it back puts it where the CIN census keeps it, not in the UPN.
TEST(Ssda903WriterTest, AChildWithoutAUpnHasTheCodeForWhy) {
  model::Chronology young(model::Child{.la_child_id = "Y", .birth_date = D(2016, 1, 2), .sex = "2"});
  young.mutable_child().upn_unknown = "UN1";
  young.Add(Recorded(EventKind::kLookedAfterEpisode, D(2017, 5, 1)));
  Result<std::vector<Ssda903CsvText>> files = FormatSsda903Csv({young}, 2018);
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(RowsOf(*files, "header.csv"),
            (std::vector<std::vector<std::string>>{{"Y", "2", "02/01/2016", "", "UN1", "", ""}}));
  ImportBatch batch = ReadOk(*files, 2018);
  ASSERT_EQ(batch.children.size(), 1u);
  EXPECT_EQ(batch.children[0].child().upn, "");
  EXPECT_EQ(batch.children[0].child().upn_unknown, "UN1");
}

// Tables about a period of care are for children looked after in the year (DfE rules 1012 and
// EPI): a child adopted years ago, whose placement order has no end, is in no later return, nor
// is that decision in the return of a later period of care (rules 1003, 559); and a care leaver
// in the return for OC3 alone has no motherhood details (rule 628).
TEST(Ssda903WriterTest, ChildrenNotLookedAfterInTheYearHaveOnlyWhatTheReturnAsksOfThem) {
  model::Chronology adopted(model::Child{.la_child_id = "A", .birth_date = D(2010, 1, 2), .sex = "1"});
  model::Event episode = Recorded(EventKind::kLookedAfterEpisode, D(2012, 5, 1), D(2014, 6, 1));
  episode.Set("REC", "E11");
  adopted.Add(episode);
  adopted.Add(Recorded(EventKind::kPlacedForAdoption, D(2013, 1, 10)));  // no end: adopted, not revoked
  adopted.Add(Recorded(EventKind::kAdoptionDecision, D(2013, 1, 10)));

  model::Chronology leaver(model::Child{.la_child_id = "L", .birth_date = D(1998, 7, 1), .sex = "2", .mother = "0"});
  leaver.Add(Recorded(EventKind::kLookedAfterEpisode, D(2014, 5, 1), D(2016, 7, 1)));
  model::Event oc3 = Recorded(EventKind::kCareLeaverOutcomes, D(2018, 3, 31));
  oc3.Set("IN_TOUCH", "YES");
  leaver.Add(oc3);

  model::Chronology in_care(model::Child{.la_child_id = "C", .birth_date = D(2003, 7, 1), .sex = "2", .mother = "0"});
  in_care.Add(Recorded(EventKind::kLookedAfterEpisode, D(2005, 5, 1), D(2007, 6, 1)));  // adopted
  in_care.Add(Recorded(EventKind::kPlacedForAdoption, D(2006, 1, 10)));  // that period's decision
  in_care.Add(Recorded(EventKind::kLookedAfterEpisode, D(2017, 3, 1), D(2017, 5, 1)));  // back in care
  in_care.Add(Recorded(EventKind::kLookedAfterEpisode, D(2017, 5, 1)));
  in_care.Add(Recorded(EventKind::kPlacedForAdoption, D(2017, 3, 20)));  // this period's
  in_care.Sort();

  Result<std::vector<Ssda903CsvText>> files = FormatSsda903Csv({adopted, leaver, in_care}, 2018);
  ASSERT_TRUE(files.ok()) << files.status().message();
  using Rows = std::vector<std::vector<std::string>>;
  EXPECT_EQ(RowsOf(*files, "header.csv"),
            (Rows{{"L", "2", "01/07/1998", "", "", "", ""}, {"C", "2", "01/07/2003", "", "", "0", ""}}));
  EXPECT_EQ(RowsOf(*files, "placed_for_adoption.csv"), (Rows{{"C", "01/07/2003", "20/03/2017", "", ""}}));
  EXPECT_TRUE(RowsOf(*files, "ad1.csv").empty());
  EXPECT_EQ(RowsOf(*files, "oc3.csv").size(), 1u);
}

// UASC is for children whose status lasted into the year (DfE rule 104: a DUC before the year is
// an error), not for every child who was ever UASC.
TEST(Ssda903WriterTest, UascOnlyWhileTheStatusLastedIntoTheYear) {
  auto child_with_duc = [](std::string id, Date duc) {
    model::Chronology child(model::Child{.la_child_id = std::move(id), .birth_date = duc.AddYears(-18), .sex = "1"});
    child.mutable_child().uasc_ceased = duc;
    child.Add(Recorded(EventKind::kLookedAfterEpisode, D(2016, 5, 1)));
    return child;
  };
  Result<std::vector<Ssda903CsvText>> files =
      FormatSsda903Csv({child_with_duc("OLD", D(2017, 3, 31)), child_with_duc("NOW", D(2017, 4, 1))}, 2018);
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(RowsOf(*files, "uasc.csv"),
            (std::vector<std::vector<std::string>>{{"NOW", "1", "01/04/1999", "01/04/2017"}}));
}

// Semi-independent living (H5) became supported accommodation (K3) in the 2025/26 code list: a
// placement open across 1 April 2025 is H5 in 2024/25's return and K3 from 2025/26's, in the same
// episode, so each year has only its own list's codes (DfE rule 146; rule 503D allows the change).
// A K3 placement (Cairn's simulator records K3 from April 2024) is H5 in 2024/25.
TEST(Ssda903WriterTest, PlacementTypesAreWrittenUnderTheYearsCodeList) {
  model::Chronology child(model::Child{.la_child_id = "A", .birth_date = D(2007, 1, 2), .sex = "1"});
  model::Event episode = Recorded(EventKind::kLookedAfterEpisode, D(2023, 10, 1), D(2024, 6, 1));
  episode.Set("PLACE", "H5");
  child.Add(episode);
  model::Event supported = Recorded(EventKind::kLookedAfterEpisode, D(2024, 6, 1), D(2025, 5, 1));
  supported.Set("PLACE", "K3");
  child.Add(supported);
  using Places = std::vector<std::string>;
  for (const auto& [year, places] : {std::pair{2024, Places{"H5"}}, std::pair{2025, Places{"H5", "H5"}},
                                     std::pair{2026, Places{"K3"}}}) {
    Result<std::vector<Ssda903CsvText>> files = FormatSsda903Csv({child}, year);
    ASSERT_TRUE(files.ok()) << files.status().message();
    Places written;
    for (const auto& row : RowsOf(*files, "episodes.csv")) written.push_back(row[5]);
    EXPECT_EQ(written, places) << year;
  }
}

// Every cell of every written table that is a dd/mm/YYYY date, with where it is.
std::vector<std::pair<Date, std::string>> DatesIn(const std::vector<Ssda903CsvText>& files) {
  std::vector<std::pair<Date, std::string>> dates;
  for (const Ssda903CsvText& file : files) {
    Result<CsvTable> table = ParseCsv(file.text, file.name);
    EXPECT_TRUE(table.ok()) << table.status().message();
    if (!table.ok()) continue;
    for (const CsvRecord& record : table->records) {
      for (size_t i = 0; i < record.fields.size(); ++i) {
        if (Result<Date> date = Date::ParseDmy(record.fields[i]); date.ok()) {
          dates.emplace_back(*date, file.name + " " + table->header[i] + " line " + std::to_string(record.line));
        }
      }
    }
  }
  return dates;
}

// A looked-after child whose records run past 31 March 2018: each ends, or is matched, in April
// or May 2018.
model::Chronology ChildPastTheYearEnd() {
  model::Chronology child(model::Child{.la_child_id = "A", .birth_date = D(2010, 1, 2), .sex = "1"});
  model::Event first = Recorded(EventKind::kLookedAfterEpisode, D(2017, 5, 1), D(2018, 4, 3));
  first.Set("RNE", "S");
  first.Set("PLACE", "U1");
  first.Set("REC", "X1");
  first.Set("REASON_PLACE_CHANGE", "CARPL");
  child.Add(first);
  model::Event second = Recorded(EventKind::kLookedAfterEpisode, D(2018, 4, 3));  // after the year
  second.Set("RNE", "P");
  second.Set("PLACE", "U2");
  child.Add(second);
  model::Event missing = Recorded(EventKind::kMissing, D(2018, 3, 30), D(2018, 4, 2));
  missing.Set("MISSING", "M");
  child.Add(missing);
  model::Event worker = Recorded(EventKind::kSocialWorkerAllocation, D(2017, 6, 1), D(2018, 5, 1));
  worker.Set("SW_ID", "SW1");
  worker.Set("SW_REASON", "MANAGE");
  child.Add(worker);
  child.Add(Recorded(EventKind::kDeprivationOfLiberty, D(2018, 3, 1), D(2018, 4, 15)));
  model::Event placed = Recorded(EventKind::kPlacedForAdoption, D(2018, 1, 10), D(2018, 4, 20));
  placed.Set("REASON_PLACED_CEASED", "RD1");
  child.Add(placed);
  model::Event decision = Recorded(EventKind::kAdoptionDecision, D(2017, 12, 1));
  decision.Set("DATE_MATCH", "2018-05-01");
  decision.Set("NB_ADOPTR", "2");
  child.Add(decision);
  child.Add(Recorded(EventKind::kClaReview, D(2018, 4, 10)));  // after the year
  child.Sort();
  return child;
}

TEST(Ssda903WriterTest, CairnRecordsAreWrittenAsTheyStoodAtTheYearEnd) {
  const model::Chronology child = ChildPastTheYearEnd();
  Result<std::vector<Ssda903CsvText>> files = FormatSsda903Csv({child}, 2018);
  ASSERT_TRUE(files.ok()) << files.status().message();
  using Rows = std::vector<std::vector<std::string>>;
  // Open on 31 March: no DEC, so no REC or reason for a placement change either.
  EXPECT_EQ(RowsOf(*files, "episodes.csv"),
            (Rows{{"A", "01/05/2017", "S", "", "", "U1", "", "", "", "", "", "", ""}}));
  EXPECT_EQ(RowsOf(*files, "missing.csv"), (Rows{{"A", "02/01/2010", "M", "30/03/2018", ""}}));
  // SW_REASON says why the worker's episode began (the child's first worker: FCONTA); the reason
  // recorded on the allocation, why it ended, belongs to the next worker's episode.
  EXPECT_EQ(RowsOf(*files, "sw_episodes.csv"), (Rows{{"A", "02/01/2010", "SW1", "01/06/2017", "", "FCONTA"}}));
  EXPECT_EQ(RowsOf(*files, "dolo.csv"), (Rows{{"A", "02/01/2010", "01/03/2018", ""}}));
  EXPECT_EQ(RowsOf(*files, "placed_for_adoption.csv"), (Rows{{"A", "02/01/2010", "10/01/2018", "", ""}}));
  // The decision to adopt is not AD1 until the adoption (DfE rule 602).
  EXPECT_TRUE(RowsOf(*files, "ad1.csv").empty());
  EXPECT_TRUE(RowsOf(*files, "reviews.csv").empty());
  const std::vector<std::pair<Date, std::string>> dates = DatesIn(*files);
  EXPECT_GE(dates.size(), 10u);  // DOBs and start dates: the scan does see dates
  for (const auto& [date, where] : dates) EXPECT_LE(date, D(2018, 3, 31)) << where;

  // The next year's return has the ends, and what was recorded with them.
  Result<std::vector<Ssda903CsvText>> next = FormatSsda903Csv({child}, 2019);
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_EQ(RowsOf(*next, "episodes.csv"),
            (Rows{{"A", "01/05/2017", "S", "", "", "U1", "", "03/04/2018", "X1", "CARPL", "", "", ""},
                  {"A", "03/04/2018", "P", "", "", "U2", "", "", "", "", "", "", ""}}));
  EXPECT_EQ(RowsOf(*next, "missing.csv"), (Rows{{"A", "02/01/2010", "M", "30/03/2018", "02/04/2018"}}));
  EXPECT_EQ(RowsOf(*next, "sw_episodes.csv"),
            (Rows{{"A", "02/01/2010", "SW1", "01/06/2017", "01/05/2018", "FCONTA"}}));
  EXPECT_EQ(RowsOf(*next, "dolo.csv"), (Rows{{"A", "02/01/2010", "01/03/2018", "15/04/2018"}}));
  EXPECT_EQ(RowsOf(*next, "placed_for_adoption.csv"),
            (Rows{{"A", "02/01/2010", "10/01/2018", "20/04/2018", "RD1"}}));
  EXPECT_EQ(RowsOf(*next, "reviews.csv"), (Rows{{"A", "02/01/2010", "10/04/2018", ""}}));
}

// AD1 is written in the return of the year the child is adopted, whatever year the decision was
// (DfE rules 602 and 187: an AD1 without the adoption is an error).
TEST(Ssda903WriterTest, Ad1IsInTheReturnOfTheYearOfTheAdoption) {
  model::Chronology child(model::Child{.la_child_id = "B", .birth_date = D(2015, 3, 2), .sex = "2"});
  model::Event episode = Recorded(EventKind::kLookedAfterEpisode, D(2016, 9, 1), D(2018, 6, 1));
  episode.Set("RNE", "S");
  episode.Set("PLACE", "A3");
  episode.Set("REC", "E11");
  child.Add(episode);
  model::Event decision = Recorded(EventKind::kAdoptionDecision, D(2017, 12, 1));
  decision.Set("DATE_MATCH", "2018-02-01");
  decision.Set("NB_ADOPTR", "1");
  decision.Set("SEX_ADOPTR", "F1");
  decision.Set("LS_ADOPTR", "L0");
  child.Add(decision);
  child.Sort();
  using Rows = std::vector<std::vector<std::string>>;
  Result<std::vector<Ssda903CsvText>> decided = FormatSsda903Csv({child}, 2018);
  ASSERT_TRUE(decided.ok()) << decided.status().message();
  EXPECT_TRUE(RowsOf(*decided, "ad1.csv").empty());
  Result<std::vector<Ssda903CsvText>> adopted = FormatSsda903Csv({child}, 2019);
  ASSERT_TRUE(adopted.ok()) << adopted.status().message();
  EXPECT_EQ(RowsOf(*adopted, "ad1.csv"), (Rows{{"B", "02/03/2015", "01/12/2017", "01/02/2018", "", "1", "F1", "L0"}}));
}

TEST(Ssda903WriterTest, RecordsReadFromTheYearsReturnGoBackAsTheyCame) {
  // A council's 2017/18 return with a DEC after 31 March 2018 (a DfE rule would query it): the
  // records it reported go back into 2017/18 exactly as read, even past the year end.
  const std::string rows =
      "1001,01/05/2017,S,C2,N1,U1,PR1,03/04/2018,X1,CARPL,AB1 2CD,EF3 4GH,\n"
      "1002,01/06/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n";
  ImportBatch batch = ReadOk(SmallReturn(rows), 2018);
  ASSERT_EQ(CountKind(batch, EventKind::kLookedAfterEpisode), 2u);
  Result<std::vector<Ssda903CsvText>> files = FormatSsda903Csv(batch.children, 2018);
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(RowsOf(*files, "episodes.csv"),
            (std::vector<std::vector<std::string>>{
                {"1001", "01/05/2017", "S", "C2", "N1", "U1", "PR1", "03/04/2018", "X1", "CARPL", "AB1 2CD", "EF3 4GH",
                 ""},
                {"1002", "01/06/2017", "S", "C2", "N1", "U1", "PR1", "", "", "", "AB1 2CD", "EF3 4GH", ""}}));
}

// Names are special category data and the SSDA903 has no place for them: a named child's tables
// hold their identifier and not one of their names.
TEST(Ssda903WriterTest, ANamedChildsTablesHoldNoName) {
  model::Chronology named(model::Child{.la_child_id = "N1", .birth_date = D(2010, 1, 2), .sex = "2"});
  named.mutable_child().uasc = true;
  named.mutable_child().given_name = "Zo\xC3\xAB-Quillan";
  named.mutable_child().family_name = "O'Brien-Ravensworth";
  named.mutable_child().preferred_name = "Bluebell";
  model::Event episode = Recorded(EventKind::kLookedAfterEpisode, D(2017, 5, 1));
  episode.Set("PLACE", "U1");
  named.Add(episode);
  named.Add(Recorded(EventKind::kClaReview, D(2017, 6, 1)));
  named.Add(Recorded(EventKind::kHealthOutcomes, D(2018, 3, 31)));
  named.Add(Recorded(EventKind::kSocialWorkerAllocation, D(2017, 5, 1)));
  named.Add(Recorded(EventKind::kMissing, D(2017, 8, 1), D(2017, 8, 2)));
  Result<std::vector<Ssda903CsvText>> files = FormatSsda903Csv({named}, 2018);
  ASSERT_TRUE(files.ok()) << files.status().message();
  std::string all;
  for (const Ssda903CsvText& file : *files) all += file.text;
  EXPECT_NE(all.find("N1,"), std::string::npos) << all;
  for (const std::string& name : {std::string("Quillan"), std::string("Zo\xC3\xAB"), std::string("O'Brien"),
                                  std::string("Ravensworth"), std::string("Bluebell")}) {
    EXPECT_EQ(all.find(name), std::string::npos) << name << " is in the return:\n" << all;
  }
}

TEST(Ssda903WriterTest, WritesEveryFileIntoANewFolder) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("cairn_ssda903_test_" + std::to_string(::getpid())) / "2018";
  std::filesystem::remove_all(folder.parent_path());
  ImportBatch batch = ReadOk(SmallReturn("1001,01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"));
  ASSERT_TRUE(WriteSsda903Csv(batch.children, 2018, folder.string()).ok());
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    EXPECT_EQ(entry.path().extension(), ".csv") << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 12u);
  EXPECT_EQ(ReadText((folder / "episodes.csv").string()),
            std::string("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"
                        "1001,01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\r\n"));

  // A file where the folder should be.
  const std::filesystem::path blocked = folder.parent_path() / "blocked";
  std::ofstream(blocked) << "x";
  Status status = WriteSsda903Csv(batch.children, 2018, blocked.string());
  EXPECT_EQ(status.code(), Status::Code::kIoError);
  EXPECT_NE(status.message().find(blocked.string()), std::string::npos) << status.message();
  std::filesystem::remove_all(folder.parent_path());
}

// A link planted where the writer once put its temporary file (header.csv.tmp) must not make
// Cairn write children's records through it.
TEST(Ssda903WriterTest, APlantedLinkIsNeverWrittenThrough) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("cairn_ssda903_link_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  const std::filesystem::path victim = folder / "victim.txt";
  std::ofstream(victim) << "keep me";
  for (const char* name : {"header.csv.tmp", "episodes.csv.tmp"}) std::filesystem::create_symlink(victim, folder / name);
  ImportBatch batch = ReadOk(SmallReturn("1001,01/04/2017,S,C2,N1,U1,PR1,,,,AB1 2CD,EF3 4GH,\n"));
  ASSERT_TRUE(WriteSsda903Csv(batch.children, 2018, folder.string()).ok());
  EXPECT_EQ(ReadText(victim.string()), "keep me");
  EXPECT_TRUE(std::filesystem::is_symlink(folder / "header.csv.tmp"));
  EXPECT_FALSE(std::filesystem::is_symlink(folder / "header.csv"));
  EXPECT_NE(ReadText((folder / "header.csv").string()).find("1001"), std::string::npos);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace cairn::returns
