// The import pipeline end to end through the store: files -> database -> export files.
#include "returns/importer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "returns/cin_census/cin_census.h"
#include "returns/csv.h"
#include "returns/ssda903/ssda903.h"
#include "store/chronology_store.h"
#include "store/migrations.h"
#include "store/test_database.h"

namespace cairn::returns {
namespace {

namespace fs = std::filesystem;
const fs::path kReference = CAIRN_REFERENCE_DIR;

std::vector<std::string> Ssda903SampleFiles() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(kReference / "ssda903")) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".csv" && name.find("rule_info") == std::string::npos) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A CSV's rows as a set of tuples in the order of `columns`, values trimmed and dates
// normalised to dd/mm/YYYY, so files that differ only in layout compare equal.
std::set<std::vector<std::string>> NormalisedRows(const std::string& path, const std::vector<std::string>& columns) {
  auto table = ReadCsvFile(path);
  EXPECT_TRUE(table.ok()) << path << ": " << table.status().message();
  if (!table.ok()) return {};
  std::vector<size_t> positions;
  for (const std::string& column : columns) {
    auto found = std::find_if(table->header.begin(), table->header.end(),
                              [&](const std::string& name) { return Lower(name) == Lower(column); });
    EXPECT_NE(found, table->header.end()) << path << " has no column " << column;
    positions.push_back(static_cast<size_t>(found - table->header.begin()));
  }
  std::set<std::vector<std::string>> rows;
  for (const CsvRecord& record : table->records) {
    std::vector<std::string> row;
    for (size_t position : positions) {
      std::string value = position < record.fields.size() ? record.fields[position] : "";
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t") + 1);
      if (auto date = Date::ParseDmy(value); date.ok()) value = date->ToDmy();
      row.push_back(value);
    }
    rows.insert(row);
  }
  return rows;
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // With the process id: another run of the same test at the same time has a folder of its own.
    dir_ = fs::temp_directory_path() /
           ("cairn_importer_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // SQLite, or PostgreSQL in CTest's postgresql: run of this suite (store/test_database.h).
    database_ = std::make_unique<store::TestDatabase>("cairn_importer_", store::BackendOfThisRun());
    db_ = database_->Open();
    ASSERT_NE(db_, nullptr);
  }
  void TearDown() override {
    db_.reset();
    database_.reset();
    fs::remove_all(dir_);
  }

  int64_t Count(const std::string& sql) {
    auto statement = db_->Prepare(sql);
    EXPECT_TRUE(statement.ok());
    auto row = (*statement)->Step();
    EXPECT_TRUE(row.ok() && *row);
    return (*statement)->ColumnInt(0);
  }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  fs::path dir_;
  std::unique_ptr<store::TestDatabase> database_;
  std::unique_ptr<store::Connection> db_;
};

TEST_F(ImporterTest, Ssda903SampleRoundTripsThroughTheDatabase) {
  const std::vector<std::string> files = Ssda903SampleFiles();
  ASSERT_GE(files.size(), 12u);
  ImportOptions options;
  options.skip_invalid = true;  // the sample's sw_episodes.csv and DoLo.csv name a child missing from its Header
  options.rejects_path = (dir_ / "rejects.csv").string();
  auto imported = ImportFiles(*db_, files, options);
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  ASSERT_TRUE(imported->saved);
  EXPECT_EQ(imported->children, 2675u);
  std::set<std::pair<std::string, int>> rejected;  // (file, line)
  for (const Problem& problem : imported->rejected) rejected.insert({Lower(problem.file), problem.line});
  EXPECT_EQ(rejected.size(), 2u);

  auto children = store::LoadAllChronologies(*db_);
  ASSERT_TRUE(children.ok()) << children.status().message();
  const fs::path out = dir_ / "export";
  ASSERT_TRUE(WriteSsda903Csv(*children, 2018, out.string()).ok());

  for (const std::string& input : files) {
    const std::string name = Lower(fs::path(input).filename().string());
    auto header = ReadCsvFile(input);
    ASSERT_TRUE(header.ok());
    std::set<std::vector<std::string>> expected = NormalisedRows(input, header->header);
    // Take out the rows the import rejected (and said so).
    auto table = ReadCsvFile(input);
    for (const CsvRecord& record : table->records) {
      if (rejected.count({name, record.line}) == 0) continue;
      std::vector<std::string> row = record.fields;
      for (std::string& value : row) {
        if (auto date = Date::ParseDmy(value); date.ok()) value = date->ToDmy();
      }
      expected.erase(row);
    }
    const std::set<std::vector<std::string>> exported = NormalisedRows((out / name).string(), header->header);
    EXPECT_EQ(exported.size(), expected.size()) << name;
    EXPECT_TRUE(exported == expected) << name << " differs after import and export";
  }
}

TEST_F(ImporterTest, ReimportingIsIdempotent) {
  const std::vector<std::string> files = {(kReference / "cin" / "fake_CIN_data.xml").string(),
                                          (kReference / "cin" / "CIN_Census_2024.xml").string()};
  auto first = ImportFiles(*db_, files, {});
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_TRUE(first->saved);
  const int64_t children = Count("SELECT COUNT(*) FROM child");
  const int64_t events = Count("SELECT COUNT(*) FROM event");
  EXPECT_EQ(children, 334);

  auto second = ImportFiles(*db_, files, {});
  ASSERT_TRUE(second.ok() && second->saved);
  EXPECT_EQ(second->save.children_added, 0);
  EXPECT_EQ(second->save.events_added, 0);
  EXPECT_EQ(second->save.events_amended, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), children);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event"), events);
}

TEST_F(ImporterTest, CinSampleRoundTripsThroughTheDatabase) {
  for (const char* file : {"fake_CIN_data.xml", "CIN_Census_2024.xml"}) {
    SCOPED_TRACE(file);
    const std::string path = (kReference / "cin" / file).string();
    auto direct = cin_census::ReadCinCensus(path);
    ASSERT_TRUE(direct.ok()) << direct.status().message();
    auto imported = ImportFiles(*db_, {path}, {});
    ASSERT_TRUE(imported.ok() && imported->saved);

    auto children = store::LoadAllChronologies(*db_);
    ASSERT_TRUE(children.ok());
    const std::string out = (dir_ / (std::string("out-") + file)).string();
    cin_census::WriteOptions options;
    options.lea = "343";
    ASSERT_TRUE(cin_census::WriteCinCensus(*children, direct->collection_year, out, options).ok());
    auto back = cin_census::ReadCinCensus(out);
    ASSERT_TRUE(back.ok()) << back.status().message();

    // Every child and event of the file comes back, with the same content.
    std::map<std::string, const model::Chronology*> exported;
    for (const model::Chronology& chronology : back->children) exported[chronology.child().la_child_id] = &chronology;
    for (const model::Chronology& original : direct->children) {
      auto found = exported.find(original.child().la_child_id);
      ASSERT_NE(found, exported.end()) << original.child().la_child_id;
      EXPECT_EQ(found->second->child(), original.child());
      std::multiset<std::string> want;
      std::multiset<std::string> got;
      auto describe = [](const model::Chronology& c, const model::Event& e, size_t i) {
        std::string text = c.NaturalKey(static_cast<int32_t>(i)) + "|" + (e.end ? e.end->ToIso() : "");
        for (const model::Field& field : e.fields) text += "|" + field.name + "=" + field.value;
        return text;
      };
      for (size_t i = 0; i < original.events().size(); ++i) want.insert(describe(original, original.events()[i], i));
      for (size_t i = 0; i < found->second->events().size(); ++i) {
        got.insert(describe(*found->second, found->second->events()[i], i));
      }
      EXPECT_EQ(got, want) << original.child().la_child_id;
    }
  }
}

TEST_F(ImporterTest, UnreadableRecordsRefuseTheWholeImport) {
  const std::string header = Write("header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,01/02/2010,WBRI,,,\n2,2,31/02/2011,WBRI,,,\n");
  ImportOptions strict;
  strict.ssda903_year = 2024;  // a Header alone has no episode to infer the year from
  auto result = ImportFiles(*db_, {header}, strict);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_FALSE(result->saved);
  EXPECT_TRUE(result->unreadable_files.empty());
  ASSERT_EQ(result->rejected.size(), 1u);
  EXPECT_EQ(result->rejected[0].line, 3);
  EXPECT_EQ(result->rejected[0].field, "DOB");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 0) << "nothing saved";

  ImportOptions skip = strict;
  skip.skip_invalid = true;
  skip.rejects_path = (dir_ / "rejects.csv").string();
  auto skipped = ImportFiles(*db_, {header}, skip);
  ASSERT_TRUE(skipped.ok() && skipped->saved);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 1);
  auto rejects = ReadCsvFile(skip.rejects_path);
  ASSERT_TRUE(rejects.ok());
  ASSERT_EQ(rejects->records.size(), 1u);
  EXPECT_NE(rejects->records[0].fields.back().find("31/02/2011"), std::string::npos) << "the whole record is kept";
}

TEST_F(ImporterTest, UnreadableFilesAndMixedFormsAreRefused) {
  const std::string bad_xml = Write("broken.xml", "<Message><Header>");
  auto broken = ImportFiles(*db_, {bad_xml}, {});
  ASSERT_TRUE(broken.ok());
  EXPECT_FALSE(broken->saved);
  EXPECT_EQ(broken->unreadable_files.size(), 1u);

  const std::string text = Write("notes.txt", "hello");
  auto unknown = ImportFiles(*db_, {text}, {});
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->saved);
  ASSERT_EQ(unknown->unreadable_files.size(), 1u);
  EXPECT_NE(unknown->unreadable_files[0].find("notes.txt"), std::string::npos);

  auto mixed = ImportFiles(*db_, {(kReference / "ssda903" / "header.csv").string(), (kReference / "ssda903" / "fake_903.xml").string()}, {});
  ASSERT_TRUE(mixed.ok());
  EXPECT_FALSE(mixed->saved);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 0);
}

TEST_F(ImporterTest, AChildInBothReturnsIsOneChild) {
  const std::string header = Write("header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nDFE1,2,27/03/2015,WBRI,,,\n");
  const std::string episodes = Write("episodes.csv",
                                     "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
                                     "DFE1,01/06/2023,S,C2,N1,U1,PR1,,,,L1 1AA,L2 2BB,SC123456\n");
  const std::string cin = Write("cin.xml", R"(<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>343</LEA><SoftwareCode>x</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>2024-04-01T00:00:00</DateTime></Source></Header>
<Children><Child><ChildIdentifiers><LAchildID>DFE1</LAchildID><UPNunknown>UN1</UPNunknown><PersonBirthDate>2015-03-27</PersonBirthDate><GenderCurrent>2</GenderCurrent></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
<CINdetails><CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>0</ReferralNFA></CINdetails></Child></Children></Message>)");
  auto result = ImportFiles(*db_, {header, episodes, cin}, {});
  ASSERT_TRUE(result.ok()) << result.status().message();
  ASSERT_TRUE(result->saved) << (result->rejected.empty() ? "" : result->rejected[0].ToString());
  EXPECT_EQ(result->children, 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 1);
  auto child = store::LoadChronology(*db_, "DFE1");
  ASSERT_TRUE(child.ok() && child->has_value());
  EXPECT_EQ((**child).child().upn_unknown, "UN1");  // from the CIN census
  EXPECT_EQ((**child).OfKind(model::EventKind::kLookedAfterEpisode).size(), 1u);
  EXPECT_EQ((**child).OfKind(model::EventKind::kCinEpisode).size(), 1u);
}

// Issue 14: a finding about conflicting details named no file, and printed both values (a date
// of birth) in its message, which the terminal shows.
// Both records are named by file and line (the CIN <ChildIdentifiers> on line 2, the Header record
// on line 2 of header.csv), so an analyst can open each at the right place.
TEST_F(ImporterTest, ConflictingDetailsNameBothFilesAndLinesAndKeepTheValuesOutOfTheMessage) {
  const std::string header = Write("header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nDFE1,2,27/03/2015,WBRI,,,\n");
  const std::string cin = Write("cin.xml", R"(<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>343</LEA><SoftwareCode>x</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>2024-04-01T00:00:00</DateTime></Source></Header>
<Children><Child><ChildIdentifiers><LAchildID>DFE1</LAchildID><UPNunknown>UN1</UPNunknown><PersonBirthDate>2015-03-28</PersonBirthDate><GenderCurrent>2</GenderCurrent></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
<CINdetails><CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>0</ReferralNFA></CINdetails></Child></Children></Message>)");
  ImportOptions options;
  options.ssda903_year = 2024;
  auto result = ImportFiles(*db_, {header, cin}, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  bool found = false;
  for (const Problem& finding : result->findings) {
    if (finding.message.find("disagree") == std::string::npos) continue;
    found = true;
    EXPECT_EQ(finding.file, "cin.xml");
    EXPECT_EQ(finding.line, 2);
    EXPECT_NE(finding.message.find("the value from header.csv line 2 is kept"), std::string::npos) << finding.message;
    EXPECT_NE(finding.ToString().find("cin.xml line 2"), std::string::npos) << finding.ToString();
    EXPECT_EQ(finding.field, "date of birth");
    EXPECT_EQ(finding.message.find("2015"), std::string::npos) << finding.message;
    EXPECT_NE(finding.value.find("2015-03-28"), std::string::npos) << finding.value;
  }
  EXPECT_TRUE(found);
}

// A value in a child's own details that starts like a formula is reported at the Header record
// that gave it, by line.
TEST_F(ImporterTest, AFindingAboutAChildsDetailsNamesTheLineTheyWereReadFrom) {
  const std::string header = Write("header.csv",
                                   "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,2,27/03/2015,WBRI,,,\n"
                                   "A2,1,01/02/2014,WBRI,=A123456789012,,\n");
  ImportOptions options;
  options.ssda903_year = 2024;
  auto result = ImportFiles(*db_, {header}, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  bool found = false;
  for (const Problem& finding : result->findings) {
    if (finding.field != "UPN" || finding.message.find("formula") == std::string::npos) continue;
    found = true;
    EXPECT_EQ(finding.file, "header.csv");
    EXPECT_EQ(finding.line, 3);
    EXPECT_EQ(finding.child, "A2");
  }
  EXPECT_TRUE(found);
}

// Children merged in place: each child once, in the order first seen, with every event of every
// copy, and nothing of one child on another.
// A CIN census of `count` children C0, C1, ...; `child_text` may replace any child's XML.
std::string CinCensusOf(size_t count, const std::map<size_t, std::string>& replaced = {}) {
  std::string text =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Message>\n<Header><CollectionDetails><Collection>CIN</Collection>"
      "<Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L"
      "</SourceLevel><LEA>201</LEA></Source></Header>\n<Children>\n";
  for (size_t i = 0; i < count; ++i) {
    if (auto found = replaced.find(i); found != replaced.end()) {
      text += found->second;
      continue;
    }
    text += "<Child><ChildIdentifiers><LAchildID>C" + std::to_string(i) +
            "</LAchildID><PersonBirthDate>2015-06-01</PersonBirthDate><GenderCurrent>1</GenderCurrent>"
            "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
            "<CINdetails><CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>1A</ReferralSource>"
            "<PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA><Assessments>"
            "<AssessmentActualStartDate>2023-05-02</AssessmentActualStartDate></Assessments></CINdetails>"
            "</Child>\n";
  }
  text += "</Children>\n</Message>\n";
  return text;
}

// A large CIN census imported on its own is saved a run at a time as it is read; the database
// ends as the whole-file import (the path --skip-invalid takes) leaves it.
TEST_F(ImporterTest, ALargeCinCensusSavedAsItIsReadEndsAsTheWholeFileImport) {
  const std::string path = Write("big.xml", CinCensusOf(4500));
  auto streamed = ImportFiles(*db_, {path}, {});
  ASSERT_TRUE(streamed.ok()) << streamed.status().message();
  ASSERT_TRUE(streamed->saved);
  EXPECT_EQ(streamed->children, 4500u);
  ASSERT_EQ(streamed->batches.size(), 1u);
  EXPECT_EQ(streamed->batches[0].children, 4500u);
  EXPECT_EQ(streamed->save.children_added, 4500);
  auto first = store::LoadAllChronologies(*db_);
  ASSERT_TRUE(first.ok());

  auto other_db = std::make_unique<store::TestDatabase>("cairn_importer_whole_", store::BackendOfThisRun());
  auto other = other_db->Open();
  ASSERT_NE(other, nullptr);
  ImportOptions whole;
  whole.skip_invalid = true;  // read whole, then saved
  whole.rejects_path = (dir_ / "rejects.csv").string();
  auto read_whole = ImportFiles(*other, {path}, whole);
  ASSERT_TRUE(read_whole.ok() && read_whole->saved);
  EXPECT_EQ(read_whole->batches[0].events_by_kind, streamed->batches[0].events_by_kind);
  EXPECT_EQ(read_whole->findings.size(), streamed->findings.size());
  auto second = store::LoadAllChronologies(*other);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(first->size(), second->size());
  for (size_t i = 0; i < first->size(); ++i) {
    EXPECT_EQ((*first)[i].child(), (*second)[i].child());
    ASSERT_EQ((*first)[i].events().size(), (*second)[i].events().size());
    for (size_t e = 0; e < (*first)[i].events().size(); ++e) {
      EXPECT_EQ((*first)[i].events()[e].fields, (*second)[i].events()[e].fields);
      EXPECT_EQ((*first)[i].events()[e].start, (*second)[i].events()[e].start);
    }
  }
  other.reset();
  other_db.reset();

  // Again: the same file changes nothing.
  auto again = ImportFiles(*db_, {path}, {});
  ASSERT_TRUE(again.ok() && again->saved);
  EXPECT_EQ(again->save.children_added, 0);
  EXPECT_EQ(again->save.events_added, 0);
  EXPECT_EQ(again->save.events_unchanged, 2 * 4500);
}

// A large import saved in one bulk transaction (on SQLite through a rollback journal) keeps
// everything, and a refused one nothing; the database is back on its write-ahead log after both.
TEST_F(ImporterTest, ABulkImportIsAllOrNothingToo) {
  ImportOptions bulk;
  bulk.bulk_from_bytes = 0;
  const std::string good = Write("bulk.xml", CinCensusOf(3000));
  auto saved = ImportFiles(*db_, {good}, bulk);
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  ASSERT_TRUE(saved->saved);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 3000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event"), 2 * 3000);

  auto other_db = std::make_unique<store::TestDatabase>("cairn_importer_bulk_", store::BackendOfThisRun());
  auto other = other_db->Open();
  ASSERT_NE(other, nullptr);
  const std::string control =
      "<Child><ChildIdentifiers><LAchildID>C2900</LAchildID><UPN>A12345\x1B" "6789012</UPN>"
      "<PersonBirthDate>2015-06-01</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers>"
      "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics><CINdetails><CINreferralDate>"
      "2023-05-01</CINreferralDate></CINdetails></Child>\n";
  const std::string bad = Write("bulk-bad.xml", CinCensusOf(3000, {{2900, control}}));
  auto refused = ImportFiles(*other, {bad}, bulk);
  ASSERT_TRUE(refused.ok()) << refused.status().message();
  EXPECT_FALSE(refused->saved);
  auto children = (*other).Prepare("SELECT COUNT(*) FROM child");
  ASSERT_TRUE(children.ok());
  ASSERT_TRUE((*children)->Step().ok());
  EXPECT_EQ((*children)->ColumnInt(0), 0) << "nothing saved";
  children->reset();
  for (store::Connection* db : {db_.get(), other.get()}) {
    if (db->backend_name() != "sqlite") continue;
    auto mode = db->Prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    ASSERT_TRUE((*mode)->Step().ok());
    EXPECT_EQ((*mode)->ColumnText(0), "wal");
  }
}

// All or nothing still: a record rejected after thousands of children were saved, by the reader
// (a LAchildID used again, far apart, with other content) or by the value checks (a control
// character), leaves the database as it was, and the problems are those of the whole-file path.
TEST_F(ImporterTest, ARejectionLateInALargeCinCensusSavesNothing) {
  const std::string changed_c5 =
      "<Child><ChildIdentifiers><LAchildID>C5</LAchildID><PersonBirthDate>2016-06-01</PersonBirthDate>"
      "<GenderCurrent>1</GenderCurrent></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
      "</ChildCharacteristics><CINdetails><CINreferralDate>2023-05-01</CINreferralDate></CINdetails></Child>\n";
  const std::string control =
      "<Child><ChildIdentifiers><LAchildID>C4400</LAchildID><UPN>A12345\x1B" "6789012</UPN>"
      "<PersonBirthDate>2015-06-01</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers>"
      "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics><CINdetails><CINreferralDate>"
      "2023-05-01</CINreferralDate></CINdetails></Child>\n";
  for (const auto& [name, replaced] :
       std::vector<std::pair<std::string, std::map<size_t, std::string>>>{
           {"duplicate.xml", {{4300, changed_c5}}}, {"control.xml", {{4400, control}}}}) {
    SCOPED_TRACE(name);
    const std::string path = Write(name, CinCensusOf(4500, replaced));
    ImportOptions options;
    options.findings_path = (dir_ / (name + ".findings.csv")).string();
    auto result = ImportFiles(*db_, {path}, options);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_FALSE(result->saved);
    EXPECT_TRUE(result->unreadable_files.empty());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 0) << "nothing saved";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM event"), 0);
    EXPECT_TRUE(fs::exists(options.findings_path)) << "a refused import still lists its findings";

    // The whole-file path (--skip-invalid), into a database of its own, for the problems it reports.
    auto other_db = std::make_unique<store::TestDatabase>("cairn_importer_whole_", store::BackendOfThisRun());
    auto other = other_db->Open();
    ASSERT_NE(other, nullptr);
    ImportOptions whole;
    whole.skip_invalid = true;
    whole.rejects_path = (dir_ / (name + ".rejects.csv")).string();
    auto read_whole = ImportFiles(*other, {path}, whole);
    ASSERT_TRUE(read_whole.ok());
    ASSERT_EQ(result->rejected.size(), read_whole->rejected.size());
    for (size_t i = 0; i < result->rejected.size(); ++i) {
      EXPECT_EQ(result->rejected[i].ToString(), read_whole->rejected[i].ToString());
      EXPECT_EQ(result->rejected[i].record, read_whole->rejected[i].record);
    }
    ASSERT_EQ(result->findings.size(), read_whole->findings.size());
    for (size_t i = 0; i < result->findings.size(); ++i) {
      EXPECT_EQ(result->findings[i].ToString(), read_whole->findings[i].ToString());
    }
  }
}

// A file found broken at its end, after thousands of its children were handed over and saved
// (the outline is scanned a stretch at a time, cin_census_reader.cpp): nothing is kept, and the
// file is named as unreadable.
TEST_F(ImporterTest, ALargeCinCensusBrokenAtItsEndSavesNothing) {
  std::string text = CinCensusOf(12000);
  ASSERT_GT(text.size(), size_t{5} << 20) << "larger than one stretch of the scan";
  text.replace(text.rfind("</Message>"), std::string("</Message>").size(), "</Mesage>");
  const std::string path = Write("broken-end.xml", text);
  auto result = ImportFiles(*db_, {path}, {});
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_FALSE(result->saved);
  ASSERT_EQ(result->unreadable_files.size(), 1u);
  EXPECT_NE(result->unreadable_files[0].find("not well-formed"), std::string::npos) << result->unreadable_files[0];
  EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 0) << "nothing saved";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_child"), 0);
}

TEST(MergeChildrenTest, InterleavedCopiesMergeIntoOneChildEachInFirstSeenOrder) {
  auto chronology = [](const std::string& id, int day) {
    model::Child child;
    child.la_child_id = id;
    model::Chronology result(std::move(child));
    model::Event event;
    event.kind = model::EventKind::kCinEpisode;
    event.start = Date::FromYmdOrDie(2023, 5, day);
    result.Add(std::move(event));
    return result;
  };
  std::vector<model::Chronology> input;
  input.push_back(chronology("A", 1));
  input.push_back(chronology("B", 2));
  input.push_back(chronology("A", 3));
  input.push_back(chronology("C", 4));
  input.push_back(chronology("B", 5));
  std::vector<Problem> findings;
  const std::vector<model::Chronology> merged = MergeChildren(std::move(input), findings);
  ASSERT_EQ(merged.size(), 3u);
  const std::vector<std::pair<std::string, std::vector<int>>> expected = {{"A", {1, 3}}, {"B", {2, 5}}, {"C", {4}}};
  for (size_t i = 0; i < merged.size(); ++i) {
    EXPECT_EQ(merged[i].child().la_child_id, expected[i].first);
    std::vector<int> days;
    for (const model::Event& event : merged[i].events()) days.push_back(event.start.day());
    std::sort(days.begin(), days.end());
    EXPECT_EQ(days, expected[i].second) << expected[i].first;
  }
}

}  // namespace
}  // namespace cairn::returns
