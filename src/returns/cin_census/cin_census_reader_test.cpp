// Reading a CIN census file in windows (cin_census_reader_internal.h): whatever the window, the
// batch is the one reading the file's text whole gives.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "returns/cin_census/cin_census.h"
#include "returns/cin_census/cin_census_reader_internal.h"
#include "returns/cin_census/cin_census_runs.h"

namespace cairn::returns::cin_census {
namespace {

std::string Reference(std::string_view name) { return std::string(CAIRN_REFERENCE_DIR "/cin/") + std::string(name); }

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class TempFile {
 public:
  explicit TempFile(std::string_view text) {
    path_ = (std::filesystem::temp_directory_path() /
             ("cairn-cin-window-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ".xml"))
                .string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

void ExpectSameProblems(const std::vector<Problem>& got, const std::vector<Problem>& want, std::string_view what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(std::string(what) + " " + std::to_string(i) + ": " + want[i].ToString());
    EXPECT_EQ(got[i].file, want[i].file);
    EXPECT_EQ(got[i].line, want[i].line);
    EXPECT_EQ(got[i].location, want[i].location);
    EXPECT_EQ(got[i].field, want[i].field);
    EXPECT_EQ(got[i].value, want[i].value);
    EXPECT_EQ(got[i].message, want[i].message);
    EXPECT_EQ(got[i].child, want[i].child);
    EXPECT_EQ(got[i].record, want[i].record);
  }
}

void ExpectSameBatch(const ImportBatch& got, const ImportBatch& want) {
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.collection_year, want.collection_year);
  EXPECT_EQ(got.year_basis, want.year_basis);
  ASSERT_EQ(got.children.size(), want.children.size());
  for (size_t i = 0; i < got.children.size(); ++i) {
    SCOPED_TRACE("child " + want.children[i].child().la_child_id);
    EXPECT_EQ(got.children[i].child(), want.children[i].child());
    const auto& got_events = got.children[i].events();
    const auto& want_events = want.children[i].events();
    ASSERT_EQ(got_events.size(), want_events.size());
    for (size_t e = 0; e < got_events.size(); ++e) {
      EXPECT_EQ(got_events[e].kind, want_events[e].kind);
      EXPECT_EQ(got_events[e].start, want_events[e].start);
      EXPECT_EQ(got_events[e].end, want_events[e].end);
      EXPECT_EQ(got_events[e].parent, want_events[e].parent);
      EXPECT_EQ(got_events[e].fields, want_events[e].fields);
      EXPECT_EQ(got_events[e].provenance, want_events[e].provenance);
    }
  }
  ASSERT_EQ(got.detail_sources.size(), want.detail_sources.size());
  for (size_t i = 0; i < got.detail_sources.size(); ++i) {
    EXPECT_EQ(got.detail_sources[i].file, want.detail_sources[i].file);
    EXPECT_EQ(got.detail_sources[i].line, want.detail_sources[i].line);
  }
  ExpectSameProblems(got.rejected, want.rejected, "rejected");
  ExpectSameProblems(got.findings, want.findings, "finding");
}

// Reads `path` whole (as text) and in windows of several sizes, the smallest a single byte (a
// page at a time), with the outline scanned all at once or a byte or a few kilobytes ahead of the
// children read; every reading must give the same batch.
void ExpectWindowsChangeNothing(const std::string& path) {
  const std::string text = Slurp(path);
  Result<ImportBatch> whole = ReadCinCensusText(text, std::filesystem::path(path).filename().string());
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  whole->files = {path};
  for (size_t window : {size_t{1}, size_t{4096}, size_t{10000}, size_t{1} << 20, size_t{16} << 20}) {
    SCOPED_TRACE("window " + std::to_string(window));
    Result<ImportBatch> windowed = ReadCinCensusInWindows(path, window);
    ASSERT_TRUE(windowed.ok()) << windowed.status().ToString();
    EXPECT_EQ(windowed->files, whole->files);
    ExpectSameBatch(*windowed, *whole);
  }
  for (size_t stretch : {size_t{1}, size_t{4096}, std::numeric_limits<size_t>::max()}) {
    SCOPED_TRACE("scanned " + std::to_string(stretch) + " bytes ahead");
    Result<ImportBatch> stretched = ReadCinCensusInWindows(path, 1, {}, 0, stretch);
    ASSERT_TRUE(stretched.ok()) << stretched.status().ToString();
    ExpectSameBatch(*stretched, *whole);
  }
  Result<ImportBatch> read = ReadCinCensus(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameBatch(*read, *whole);
}

std::string Header() {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n"
         "      <Collection>CIN</Collection>\n      <Year>2024</Year>\n"
         "      <ReferenceDate>2024-03-31</ReferenceDate>\n    </CollectionDetails>\n"
         "    <Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source>\n  </Header>\n  <Children>\n";
}

// A child of about a kilobyte, with an assessment and a CP plan with reviews; `referral` varies
// its content.
std::string Child(std::string_view id, std::string_view referral, std::string_view birth = "2015-06-01",
                  std::string_view ethnicity = "WBRI") {
  std::string child = "    <Child>\n      <ChildIdentifiers>\n        <LAchildID>" + std::string(id) +
                      "</LAchildID>\n        <UPN>A123456789012</UPN>\n        <PersonBirthDate>" +
                      std::string(birth) +
                      "</PersonBirthDate>\n        <GenderCurrent>1</GenderCurrent>\n      </ChildIdentifiers>\n"
                      "      <ChildCharacteristics>\n        <Ethnicity>" +
                      std::string(ethnicity) +
                      "</Ethnicity>\n      </ChildCharacteristics>\n      <CINdetails>\n        <CINreferralDate>" +
                      std::string(referral) +
                      "</CINreferralDate>\n        <ReferralSource>1A</ReferralSource>\n"
                      "        <PrimaryNeedCode>N1</PrimaryNeedCode>\n        <ReferralNFA>false</ReferralNFA>\n"
                      "        <Assessments>\n          <AssessmentActualStartDate>2023-06-02"
                      "</AssessmentActualStartDate>\n          <AssessmentAuthorisationDate>2023-06-20"
                      "</AssessmentAuthorisationDate>\n          <FactorsIdentifiedAtAssessment>\n"
                      "            <AssessmentFactors>2A</AssessmentFactors>\n"
                      "          </FactorsIdentifiedAtAssessment>\n        </Assessments>\n"
                      "        <ChildProtectionPlans>\n          <CPPstartDate>2023-07-01</CPPstartDate>\n"
                      "          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>\n"
                      "          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>\n"
                      "          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>\n          <Reviews>\n"
                      "            <CPPreviewDate>2023-09-01</CPPreviewDate>\n"
                      "            <CPPreviewDate>2023-12-01</CPPreviewDate>\n          </Reviews>\n"
                      "        </ChildProtectionPlans>\n      </CINdetails>\n    </Child>\n";
  return child;
}

TEST(CinCensusWindows, SamplesReadInWindowsAsWhole) {
  for (const char* name : {"fake_CIN_data.xml", "CIN_Census_2024.xml", "CIN_Census_2021.xml", "liia-cin-2022.xml",
                           "CIN_la_issues_2887Q.xml", "CIN_header_issues_100.xml", "CIN2rows.xml"}) {
    SCOPED_TRACE(name);
    if (!std::filesystem::exists(Reference(name))) continue;
    ExpectWindowsChangeNothing(Reference(name));
  }
}

// Many children, so that small windows cut through children, with repeats and conflicts far
// apart (in windows long given back), rejected records quoted from the file, and findings whose
// lines must be counted across windows.
TEST(CinCensusWindows, RepeatsConflictsAndProblemsAcrossWindows) {
  std::string text = Header();
  for (int i = 0; i < 300; ++i) {
    const std::string id = "W" + std::to_string(i);
    if (i == 150) {
      text += Child("W3", "2023-05-01");  // repeats W3 exactly: a finding
    } else if (i == 200) {
      text += Child("W5", "2023-05-02");  // W5 with other content: both rejected
    } else if (i == 250) {
      text += Child(id, "2023-05-01", "2015-02-30");  // not a date: rejected, quoted
    } else if (i == 260) {
      text += Child(id, "2023-05-01", "2015-06-01", "ZZZZ");  // an unknown code: a finding
    } else if (i == 270) {
      text += "<!-- a comment between children -->\n  stray text\n";
      text += Child(id, "2023-05-01");
    } else {
      text += Child(id, "2023-05-01");
    }
  }
  text += "  </Children>\n</Message>\n";
  const TempFile file(text);
  ExpectWindowsChangeNothing(file.path());

  Result<ImportBatch> read = ReadCinCensusInWindows(file.path(), 1);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->children.size(), 300u - 1 /*W3 again*/ - 1 /*W5 again*/ - 1 /*W5*/ - 1 /*bad date*/);
  ASSERT_EQ(read->rejected.size(), 3u);
  // The earlier W5 is quoted exactly from the file, far behind the window.
  bool quoted_earlier = false;
  for (const Problem& problem : read->rejected) {
    if (problem.location == "/Message/Children/Child[6]") {
      quoted_earlier = true;
      EXPECT_EQ(problem.record, Child("W5", "2023-05-01").substr(4, Child("W5", "2023-05-01").size() - 5));
    }
  }
  EXPECT_TRUE(quoted_earlier);
}

// Handed over in runs, the children are those of the whole read, in order, with their detail
// sources; a child a later duplicate rejects is left out when it is still in the run being read,
// and reported (so the batch has something rejected) when it was handed over already.
TEST(CinCensusRuns, RunsHoldTheChildrenOfTheWholeReadInOrder) {
  std::string text = Header();
  // About 3 MB: the reader parses a megabyte at a time, and a run ends with one.
  for (int i = 0; i < 2500; ++i) {
    if (i == 12) {
      text += Child("R10", "2023-05-02");  // R10 again, other content, in the same run
    } else if (i == 2000) {
      text += Child("R3", "2023-05-02");  // R3 again, other content, runs later
    } else {
      text += Child("R" + std::to_string(i), "2023-05-01");
    }
  }
  text += "  </Children>\n</Message>\n";
  const TempFile file(text);
  Result<ImportBatch> whole = ReadCinCensus(file.path());
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();

  std::vector<model::Chronology> handed;
  std::vector<DetailSource> sources;
  std::vector<size_t> run_sizes;
  std::vector<size_t> rejected_seen;
  Result<ImportBatch> runs = ReadCinCensusInRuns(
      file.path(), 5,
      [&](std::vector<model::Chronology>& run, std::vector<DetailSource>& run_sources, size_t rejected_so_far) {
        EXPECT_EQ(run.size(), run_sources.size());
        run_sizes.push_back(run.size());
        rejected_seen.push_back(rejected_so_far);
        for (auto& child : run) handed.push_back(std::move(child));
        for (auto& source : run_sources) sources.push_back(std::move(source));
        return Status::Ok();
      });
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  EXPECT_TRUE(runs->children.empty());
  EXPECT_TRUE(runs->detail_sources.empty());
  ExpectSameProblems(runs->rejected, whole->rejected, "rejected");
  ExpectSameProblems(runs->findings, whole->findings, "finding");
  EXPECT_EQ(runs->collection_year, whole->collection_year);
  EXPECT_EQ(runs->files, whole->files);
  EXPECT_GE(run_sizes.size(), 3u);
  EXPECT_EQ(rejected_seen.front(), 2u);  // the two R10s, in the first megabyte
  EXPECT_EQ(rejected_seen.back(), 4u);   // and the two R3s

  // The whole read leaves out R10 (both, rejected in its run) and R3 (both); the runs hand over
  // the first R3, read before its duplicate, and nothing else the whole read leaves out.
  std::vector<std::string> want;
  for (const auto& child : whole->children) want.push_back(child.child().la_child_id);
  std::vector<std::string> got;
  for (const auto& child : handed) got.push_back(child.child().la_child_id);
  std::vector<std::string> want_with_r3 = want;
  want_with_r3.insert(want_with_r3.begin() + 3, "R3");
  EXPECT_EQ(got, want_with_r3);
  ASSERT_EQ(sources.size(), handed.size());
  for (size_t i = 0, w = 0; i < handed.size(); ++i) {
    if (handed[i].child().la_child_id == "R3") continue;
    EXPECT_EQ(sources[i].line, whole->detail_sources[w].line) << handed[i].child().la_child_id;
    ++w;
  }

  // An error from the sink stops the reading and is returned.
  int calls = 0;
  Result<ImportBatch> stopped = ReadCinCensusInRuns(
      file.path(), 5, [&](std::vector<model::Chronology>&, std::vector<DetailSource>&, size_t) -> Status {
        return ++calls == 2 ? Status::Internal("the database is gone") : Status::Ok();
      });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().message(), "the database is gone");
  EXPECT_EQ(calls, 2);
}

// The outline is scanned a few megabytes at a time, and the children found so far are read in
// between; the findings still come in the order of the file's outline first: the message's own
// parts and text (here at the end of a six-megabyte file) before any child's.
TEST(CinCensusRuns, AFileScannedAStretchAtATimeListsTheMessagesFindingsFirst) {
  std::string text = Header();
  text += Child("R0", "2023-05-01");
  text += Child("R0", "2023-05-01");  // an exact repeat: a finding on child R0
  for (int i = 1; i < 6000; ++i) text += Child("R" + std::to_string(i), "2023-05-01");
  text += "    stray words\n  </Children>\n" + Header().substr(Header().find("  <Header>"));
  text = text.substr(0, text.rfind("  <Children>"));  // the second Header, without a second Children
  text += "  <Extra/>\n</Message>\n";
  ASSERT_GT(text.size(), size_t{6} << 20);
  const TempFile file(text);
  for (const bool in_runs : {false, true}) {
    SCOPED_TRACE(in_runs ? "in runs" : "whole");
    size_t handed = 0;
    Result<ImportBatch> read =
        in_runs ? ReadCinCensusInRuns(file.path(), 500,
                                      [&](std::vector<model::Chronology>& run, std::vector<DetailSource>&, size_t) {
                                        handed += run.size();
                                        return Status::Ok();
                                      })
                : ReadCinCensus(file.path());
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(in_runs ? handed : read->children.size(), 6000u);
    ASSERT_EQ(read->findings.size(), 4u);
    EXPECT_EQ(read->findings[0].location, "/Message/Header[2]");
    EXPECT_EQ(read->findings[1].location, "/Message/Extra[1]");
    EXPECT_EQ(read->findings[2].location, "/Message/Children");
    EXPECT_EQ(read->findings[2].value, "stray words");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(read->findings[static_cast<size_t>(i)].child, "") << i;
    EXPECT_NE(read->findings[3].message.find("repeats"), std::string::npos) << read->findings[3].message;
    EXPECT_EQ(read->findings[3].child, "R0");
  }
}

// A file broken at its end, after megabytes of children: the children already read are handed
// over (an import saves them inside its transaction), and the reading ends with the error, naming
// the line, as a reading of the outline first would.
TEST(CinCensusRuns, AFileBrokenAtItsEndEndsWithTheErrorAfterTheChildrenBeforeIt) {
  std::string text = Header();
  for (int i = 0; i < 6000; ++i) text += Child("B" + std::to_string(i), "2023-05-01");
  text += "  </Children>\n</Mesage>\n";
  const int last_line = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  const TempFile file(text);
  size_t handed = 0;
  Result<ImportBatch> read =
      ReadCinCensusInRuns(file.path(), 500, [&](std::vector<model::Chronology>& run, std::vector<DetailSource>&, size_t) {
        handed += run.size();
        return Status::Ok();
      });
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("line " + std::to_string(last_line) + ": the file is not well-formed XML"),
            std::string::npos)
      << read.status().message();
  EXPECT_GT(handed, 0u);
  EXPECT_LT(handed, 6000u);
  Result<ImportBatch> whole = ReadCinCensusText(text, std::filesystem::path(file.path()).filename().string());
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.status().message(), read.status().message());
}

// A file with more than one fault gives the error a scan of the whole outline first gives,
// however far ahead the outline is scanned: a later fault the scan finds, then a message part
// that does not parse, come before a fault in the Header or in a child.
TEST(CinCensusWindows, AFileWithSeveralFaultsSaysWhatAWholeScanFirstSays) {
  std::string children;
  for (int i = 0; i < 40; ++i) children += Child("F" + std::to_string(i), "2023-05-01");
  const std::string bad_date_header =
      "<?xml version=\"1.0\"?>\n<Message>\n  <Header>\n    <CollectionDetails><Collection>CIN</Collection>"
      "<Year>2024</Year><ReferenceDate>2024-13-01</ReferenceDate></CollectionDetails>\n  </Header>\n";
  const std::vector<std::pair<std::string, std::string>> files = {
      // An extra part whose attribute does not parse, and a Header whose date is no date.
      {"extra and header", "<?xml version=\"1.0\"?>\n<Message>\n  <Extra a></Extra>\n" +
                               bad_date_header.substr(bad_date_header.find("  <Header>")) + "  <Children>\n" +
                               children + "  </Children>\n</Message>\n"},
      // A child that does not parse early, and an extra part that does not parse at the end.
      {"child and extra", Header() + "    <Child a>\n    </Child>\n" + children +
                              "  </Children>\n  <Extra b></Extra>\n</Message>\n"},
      // A child that does not parse early, and the file's end tag wrong.
      {"child and end", Header() + "    <Child a>\n    </Child>\n" + children + "  </Children>\n</Mesage>\n"},
  };
  for (const auto& [what, text] : files) {
    SCOPED_TRACE(what);
    const TempFile file(text);
    Result<ImportBatch> whole_first =
        ReadCinCensusInWindows(file.path(), 1, {}, 0, std::numeric_limits<size_t>::max());
    ASSERT_FALSE(whole_first.ok());
    for (size_t stretch : {size_t{1}, size_t{64}, size_t{4096}}) {
      Result<ImportBatch> stretched = ReadCinCensusInWindows(file.path(), 1, {}, 0, stretch);
      ASSERT_FALSE(stretched.ok()) << stretch;
      EXPECT_EQ(stretched.status().message(), whole_first.status().message()) << stretch;
    }
  }
}

TEST(CinCensusWindows, ErrorsNameTheSameLine) {
  std::string text = Header();
  for (int i = 0; i < 100; ++i) text += Child("E" + std::to_string(i), "2023-05-01");
  text += "    <Child><Oops></Child>\n  </Children>\n</Message>\n";
  const TempFile file(text);
  Result<ImportBatch> whole = ReadCinCensusText(text, std::filesystem::path(file.path()).filename().string());
  ASSERT_FALSE(whole.ok());
  for (size_t window : {size_t{1}, size_t{4096}}) {
    Result<ImportBatch> windowed = ReadCinCensusInWindows(file.path(), window);
    ASSERT_FALSE(windowed.ok());
    EXPECT_EQ(windowed.status().message(), whole.status().message());
  }
}

TEST(CinCensusWindows, EmptyAndMissingFiles) {
  const TempFile empty("");
  Result<ImportBatch> read = ReadCinCensus(empty.path());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("is empty"), std::string::npos);
  Result<ImportBatch> missing = ReadCinCensus(empty.path() + ".not-there");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST(CinCensusWindows, ReleasedTextReadsBackTheSame) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + "\n";
  const TempFile file(text);
  Result<MappedText> mapped = MappedText::Open(file.path());
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  EXPECT_EQ(mapped->text(), text);
  mapped->Release(0, text.size());
  EXPECT_EQ(mapped->text(), text);
  mapped->Release(100, 9000, /*whole_pages_around=*/true);
  mapped->Release(text.size() - 10, text.size() + 100, true);
  EXPECT_EQ(mapped->text(), text);
}

}  // namespace
}  // namespace cairn::returns::cin_census
