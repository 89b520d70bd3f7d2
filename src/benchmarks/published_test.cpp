#include "benchmarks/published.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "indicators/catalogue.h"
#include "returns/csv.h"
#include "store/migrations.h"

namespace cairn::benchmarks {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

const fs::path kReference = CAIRN_REFERENCE_DIR;
const fs::path kDfe = kReference / "dfe";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// One database file and one scratch folder per test and process (CTest runs tests in parallel).
class PublishedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
                             std::to_string(::getpid());
    dir_ = fs::temp_directory_path() / ("cairn_published_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto opened = store::Connection::Open((dir_ / "cairn.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    db_ = std::move(opened).value();
    auto migrations = store::BuiltInMigrations();
    ASSERT_TRUE(migrations.ok()) << migrations.status().message();
    ASSERT_TRUE(store::Migrate(*db_, *migrations).ok());
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  void ImportReference() {
    auto summary = ImportPublished(*db_, kDfe);
    ASSERT_TRUE(summary.ok()) << summary.status().message();
  }

  int64_t Count(const std::string& sql) {
    auto select = db_->Prepare(sql);
    EXPECT_TRUE(select.ok()) << select.status().message();
    auto row = (*select)->Step();
    EXPECT_TRUE(row.ok() && *row);
    return (*select)->ColumnInt(0);
  }

  // A folder under the scratch folder holding copies of the named reference files.
  fs::path FolderWith(const std::string& name, const std::vector<std::string>& reference_files) {
    const fs::path folder = dir_ / name;
    fs::create_directories(folder);
    for (const std::string& file : reference_files) fs::copy_file(kDfe / file, folder / file);
    return folder;
  }

  fs::path dir_;
  std::unique_ptr<store::Connection> db_;
};

const indicators::Catalogue& England() {
  static const indicators::Catalogue catalogue = [] {
    auto read = indicators::Catalogue::England();
    if (!read.ok()) ADD_FAILURE() << read.status().message();
    return read.ok() ? *read : indicators::Catalogue();
  }();
  return catalogue;
}

// ---- Sefton against section 5b of the facts file ---------------------------------------------

struct Cell {
  std::string who;  // "Eng", "NW", "Sefton"
  int year = 0;     // the table's year (the census year for workforce rows)
  std::string text;
};

struct TableRow {
  std::string label;
  std::vector<Cell> cells;
};

std::string Trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string> SplitCells(const std::string& line) {
  std::vector<std::string> cells;
  std::string inner = Trim(line);
  if (inner.starts_with("|")) inner.erase(0, 1);
  if (inner.ends_with("|")) inner.pop_back();
  std::stringstream stream(inner);
  for (std::string cell; std::getline(stream, cell, '|');) cells.push_back(Trim(cell));
  return cells;
}

// The first table after the "5b. Values" heading: its header names who and which year each column is.
std::vector<TableRow> ReadValuesTable() {
  std::ifstream in(kReference / "facts" / "timescales-and-indicators.md");
  std::vector<std::string> lines;
  bool in_section = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("### 5b. Values")) {
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    if (line.starts_with("|")) {
      lines.push_back(line);
    } else if (!lines.empty() || line.starts_with("#")) {
      break;
    }
  }
  std::vector<TableRow> rows;
  if (lines.size() < 3) return rows;
  const std::vector<std::string> header = SplitCells(lines[0]);
  for (size_t i = 2; i < lines.size(); ++i) {
    const std::vector<std::string> cells = SplitCells(lines[i]);
    TableRow row{cells.at(0), {}};
    for (size_t c = 1; c < cells.size() && c < header.size(); ++c) {
      std::istringstream title(header[c]);
      Cell cell;
      title >> cell.who >> cell.year;
      cell.text = cells[c];
      row.cells.push_back(cell);
    }
    rows.push_back(row);
  }
  return rows;
}

const std::map<std::string, std::string>& LabelToIndicator() {
  static const std::map<std::string, std::string> labels = {
      {"Referrals (count)", "referrals"},
      {"Re-referrals within 12 months (% of referrals)", "re-referrals-12-months"},
      {"CIN at 31 Mar (count)", "cin-31-march"},
      {"CIN rate per 10k*", "cin-31-march-rate"},
      {"CP plans at 31 Mar (count)", "cp-31-march"},
      {"CP rate per 10k*", "cp-31-march-rate"},
      {"CP plans starting in year per 10k*", "cp-starts-rate"},
      {"% CP starts that are a 2nd+ plan", "cp-second-or-subsequent"},
      {"% CP plans at 31 Mar lasting 2+ years", "cp-2-years-or-more"},
      {"CLA at 31 Mar (count)", "cla-31-march"},
      {"CLA rate per 10k", "cla-31-march-rate"},
      {"Starting care, rate per 10k", "cla-starts-rate"},
      {"% CLA with 3+ placements in year", "cla-3-placements"},
      {"% long-term stability (under 16, in care 2.5+ yrs, same placement 2+ yrs)", "cla-long-term-stability"},
      {"% CLA with 3+ social workers in year", "cla-3-social-workers"},
      {"Care leavers 19\xE2\x80\x93" "21 in EET (%)", "care-leavers-19-21-eet"},
      {"SW turnover rate FTE % (30 Sept)", "sw-turnover"},
      {"Agency worker rate FTE %", "sw-agency-rate"},
      {"Vacancy rate FTE %", "sw-vacancy-rate"},
      {"Average caseload per case-holding FTE", "sw-average-caseload"},
  };
  return labels;
}

// What the table's cell says must come back: "c" withheld, "–" not published, else the number
// to the precision it is written in.
::testing::AssertionResult Reproduces(const Figure& figure, std::string text) {
  for (const std::string& noise : {std::string("**"), std::string(",")}) {
    for (size_t at = text.find(noise); at != std::string::npos; at = text.find(noise)) text.erase(at, noise.size());
  }
  if (text == "c") {
    if (!figure.value && figure.mark == "c") return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected withheld 'c', got " << figure.value.value_or(NAN) << " mark '"
                                         << figure.mark << "'";
  }
  if (text == "\xE2\x80\x93") {  // an en dash: not published
    if (!figure.value && figure.mark == "missing") return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected missing, got " << figure.value.value_or(NAN) << " mark '"
                                         << figure.mark << "'";
  }
  const double expected = std::stod(text);
  if (!figure.value) return ::testing::AssertionFailure() << "expected " << text << ", got mark '" << figure.mark << "'";
  const bool decimal = text.find('.') != std::string::npos;
  const bool close = decimal ? std::fabs(*figure.value - expected) <= 0.05 + 1e-9 : *figure.value == expected;
  if (close) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected " << text << ", got " << *figure.value;
}

TEST_F(PublishedTest, SeftonReproducesThePublishedTable) {
  ImportReference();
  const std::vector<TableRow> table = ReadValuesTable();
  ASSERT_GE(table.size(), LabelToIndicator().size());

  std::set<std::string> labels_seen;
  std::set<std::pair<std::string, int>> sefton_reproduced;  // (indicator, reporting year)
  int checked = 0;
  int reproduced = 0;
  int sefton_cells = 0;
  for (const TableRow& row : table) {
    const auto mapped = LabelToIndicator().find(row.label);
    if (mapped == LabelToIndicator().end()) continue;  // rows without a catalogue indicator
    labels_seen.insert(row.label);
    const indicators::IndicatorSpec* spec = England().Find(mapped->second);
    ASSERT_NE(spec, nullptr) << mapped->second;
    ASSERT_TRUE(spec->published.has_value()) << mapped->second;
    for (const Cell& cell : row.cells) {
      // The table labels workforce figures by the September census; Cairn's year is the one it falls in.
      const int reporting_year =
          spec->period == indicators::Period::kThirtiethSeptember ? cell.year + 1 : cell.year;
      auto comparison = Compare(*db_, *spec->published, reporting_year, "343");
      ASSERT_TRUE(comparison.ok()) << spec->id << ": " << comparison.status().message();
      const Figure& figure = cell.who == "Eng"  ? comparison->england
                             : cell.who == "NW" ? comparison->region
                                                : comparison->council;
      ASSERT_TRUE(cell.who == "Eng" || cell.who == "NW" || cell.who == "Sefton") << cell.who;
      ++checked;
      const auto result = Reproduces(figure, cell.text);
      EXPECT_TRUE(result) << spec->id << " " << cell.who << " " << cell.year << " (reporting year " << reporting_year
                          << ")";
      if (result) ++reproduced;
      if (cell.who == "Sefton" && cell.text != "\xE2\x80\x93") {
        ++sefton_cells;
        if (result) sefton_reproduced.insert({spec->id, reporting_year});
      }
      if (cell.who == "NW") {
        EXPECT_EQ(comparison->region_name, "North West");
      }
    }
  }
  EXPECT_EQ(labels_seen.size(), LabelToIndicator().size()) << "a row of the table was not found";
  EXPECT_EQ(reproduced, checked);
  EXPECT_EQ(static_cast<int>(sefton_reproduced.size()), sefton_cells);

  std::set<std::string> indicators;
  std::set<int> years;
  for (const auto& [id, year] : sefton_reproduced) {
    indicators.insert(id);
    years.insert(year);
  }
  // The acceptance: at least ten indicators and three years of Sefton's own values.
  EXPECT_GE(indicators.size(), 10u);
  EXPECT_GE(years.size(), 3u);
  EXPECT_TRUE(sefton_reproduced.contains({"cp-31-march-rate", 2024}));
  EXPECT_TRUE(sefton_reproduced.contains({"re-referrals-12-months", 2024}));
  std::cout << "Sefton: " << sefton_reproduced.size() << " (indicator, year) values reproduced, over "
            << indicators.size() << " indicators and " << years.size() << " years; " << reproduced << " of "
            << checked << " table cells (England, North West, Sefton)\n";
}

// ---- Neighbours, computed here from the CSV rows ---------------------------------------------

CsvTable ReadReferenceCsv(const std::string& prefix) {
  for (const auto& entry : fs::directory_iterator(kDfe)) {
    if (entry.path().filename().string().starts_with(prefix)) {
      auto table = ReadCsvFile(entry.path().string());
      if (!table.ok()) ADD_FAILURE() << table.status().message();
      return table.ok() ? *table : CsvTable();
    }
  }
  ADD_FAILURE() << "no reference file " << prefix;
  return {};
}

// Sefton's ten neighbours, read from the groupings file by position (its header repeats names).
std::vector<std::string> SeftonNeighboursFromCsv() {
  std::ifstream in(kDfe / "New_Statistical_Neighbour_Groupings_April_2021.csv");
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("343,")) continue;
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
    std::vector<std::string> neighbours;
    for (size_t i = 5; i + 1 < fields.size(); i += 2) neighbours.push_back(fields[i]);
    return neighbours;
  }
  return {};
}

// The value of `column` in the LA row of `table` for `year`, or nullopt when withheld or absent.
std::optional<double> LaValue(const CsvTable& table, const std::string& column, const std::string& la, int year) {
  const size_t value = *table.FindColumn(column);
  const size_t period = *table.FindColumn("time_period");
  const size_t level = *table.FindColumn("geographic_level");
  const size_t code = *table.FindColumn("old_la_code");
  for (const CsvRecord& record : table.records) {
    if (record.fields[level] == "Local authority" && record.fields[code] == la &&
        record.fields[period] == std::to_string(year)) {
      try {
        return std::stod(record.fields[value]);
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

TEST_F(PublishedTest, NeighboursAreTheMeanOfTheirPublishedFigures) {
  ImportReference();
  const std::vector<std::string> neighbours = SeftonNeighboursFromCsv();
  ASSERT_EQ(neighbours.size(), 10u);
  auto stored = StatisticalNeighbours(*db_, "343");
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(*stored, neighbours);

  // A published percentage: re-referrals, 2024.
  {
    const CsvTable c1 = ReadReferenceCsv("c1_children_in_need_referrals");
    double sum = 0;
    int counted = 0;
    for (const std::string& la : neighbours) {
      if (auto value = LaValue(c1, "rereferral_percent", la, 2024)) {
        sum += *value;
        ++counted;
      }
    }
    ASSERT_GT(counted, 0);
    auto comparison = Compare(*db_, *England().Find("re-referrals-12-months")->published, 2024, "343");
    ASSERT_TRUE(comparison.ok()) << comparison.status().message();
    EXPECT_EQ(comparison->neighbours_counted, counted);
    ASSERT_TRUE(comparison->neighbours.value.has_value());
    EXPECT_NEAR(*comparison->neighbours.value, sum / counted, 1e-9);
  }
  // A rate Cairn computes: CP plans at 31 March 2025 per 10,000, over the ONS mid-2024 estimate.
  {
    const CsvTable d5 = ReadReferenceCsv("d5_cpps_at31march_by_duration");
    const CsvTable ons = ReadReferenceCsv("ons_mid-year_population_estimates");
    double sum = 0;
    int counted = 0;
    for (const std::string& la : neighbours) {
      const auto plans = LaValue(d5, "CPP_At31", la, 2025);
      const auto children = LaValue(ons, "population_estimate", la, 2024);
      if (plans && children) {
        sum += *plans / *children * 10000;
        ++counted;
      }
    }
    ASSERT_GT(counted, 0);
    auto comparison = Compare(*db_, *England().Find("cp-31-march-rate")->published, 2025, "343");
    ASSERT_TRUE(comparison.ok()) << comparison.status().message();
    EXPECT_EQ(comparison->neighbours_counted, counted);
    ASSERT_TRUE(comparison->neighbours.value.has_value());
    EXPECT_NEAR(*comparison->neighbours.value, sum / counted, 1e-9);
  }
}

TEST_F(PublishedTest, PopulationIsTheOnsEstimate) {
  ImportReference();
  auto sefton = Population(*db_, "343", 2023);
  ASSERT_TRUE(sefton.ok()) << sefton.status().message();
  ASSERT_TRUE(sefton->has_value());
  EXPECT_EQ(**sefton, 54154);
  auto absent = Population(*db_, "343", 1999);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TEST_F(PublishedTest, ImportSummaryCountsWhatWasStoredAndListsIgnoredFiles) {
  std::vector<std::string> progress;
  auto summary = ImportPublished(*db_, kDfe, [&](std::string_view line) { progress.emplace_back(line); });
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  int files_in_folder = 0;
  for (const auto& entry : fs::directory_iterator(kDfe)) files_in_folder += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(static_cast<int>(progress.size()), files_in_folder);
  EXPECT_EQ(summary->files + static_cast<int>(summary->ignored_files.size()), files_in_folder);
  EXPECT_EQ(summary->ignored_files,
            (std::vector<std::string>{"LA-codes.yml", "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"}));
  EXPECT_EQ(summary->figures, Count("SELECT count(*) FROM published_figure"));
  EXPECT_EQ(summary->areas, Count("SELECT count(*) FROM published_area"));
  EXPECT_EQ(summary->first_year, Count("SELECT min(time_period) FROM published_figure"));
  EXPECT_EQ(summary->last_year, Count("SELECT max(time_period) FROM published_figure"));
  EXPECT_EQ(Count("SELECT count(*) FROM published_dataset"), summary->files - 1);  // all but the neighbours file
  auto has = HasPublished(*db_);
  ASSERT_TRUE(has.ok());
  EXPECT_TRUE(*has);
}

TEST_F(PublishedTest, ReimportReplacesAndGivesTheSameFigures) {
  auto empty = HasPublished(*db_);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(*empty);
  auto first = ImportPublished(*db_, kDfe);
  ASSERT_TRUE(first.ok()) << first.status().message();
  const int64_t figures = Count("SELECT count(*) FROM published_figure");
  const int64_t neighbours = Count("SELECT count(*) FROM statistical_neighbour");
  auto second = ImportPublished(*db_, kDfe);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->figures, first->figures);
  EXPECT_EQ(Count("SELECT count(*) FROM published_figure"), figures);
  EXPECT_EQ(Count("SELECT count(*) FROM statistical_neighbour"), neighbours);

  // A smaller folder replaces everything the first import loaded.
  auto smaller = ImportPublished(*db_, FolderWith("small", {"la_cla_swcount.csv"}));
  ASSERT_TRUE(smaller.ok()) << smaller.status().message();
  EXPECT_EQ(Count("SELECT count(*) FROM published_figure"), smaller->figures);
  EXPECT_EQ(Count("SELECT count(*) FROM statistical_neighbour"), 0);
}

TEST_F(PublishedTest, MalformedFileRefusesTheImportAndChangesNothing) {
  ImportReference();
  const int64_t figures = Count("SELECT count(*) FROM published_figure");
  const int64_t areas = Count("SELECT count(*) FROM published_area");

  // The real la_cla_swcount file, with one value on line 5 made unreadable; b1 before it is fine.
  std::string text = ReadFile(kDfe / "la_cla_swcount.csv");
  size_t line_start = 0;
  for (int line = 1; line < 5; ++line) line_start = text.find('\n', line_start) + 1;
  const size_t line_end = text.find_first_of("\r\n", line_start);
  const size_t last_comma = text.rfind(',', line_end);
  text.replace(last_comma + 1, line_end - last_comma - 1, "twenty");

  const fs::path folder = FolderWith("bad", {"b1_children_in_need_2013_to_2025.csv"});
  WriteFile(folder / "la_cla_swcount.csv", text);
  auto result = ImportPublished(*db_, folder);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("la_cla_swcount.csv line 5, column 14 (percentage)"));
  EXPECT_THAT(result.status().message(), HasSubstr("'twenty'"));

  EXPECT_EQ(Count("SELECT count(*) FROM published_figure"), figures);
  EXPECT_EQ(Count("SELECT count(*) FROM published_area"), areas);
  auto sefton = Population(*db_, "343", 2023);
  ASSERT_TRUE(sefton.ok());
  EXPECT_EQ(sefton->value_or(0), 54154);

  // A row cut short, and a period that is not a year: the same refusal, naming where.
  const std::string header = text.substr(0, text.find('\n') + 1);
  WriteFile(folder / "la_cla_swcount.csv",
            header + "2024,Reporting year,Local authority,E92000001,England,E12000002,North West,343,Sefton\n");
  result = ImportPublished(*db_, folder);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("la_cla_swcount.csv line 2, column 10 (new_la_code)"));
  WriteFile(folder / "la_cla_swcount.csv", header + "2023-24,Reporting year,National,E92000001,England,,,,,,CLA on 31 "
                                                    "March,Total children,83300,100\n");
  result = ImportPublished(*db_, folder);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("la_cla_swcount.csv line 2, column 1 (time_period)"));
  EXPECT_EQ(Count("SELECT count(*) FROM published_figure"), figures);
}

TEST_F(PublishedTest, FolderWithoutDfeFilesOrWithTwoReleasesIsRefused) {
  ImportReference();
  const int64_t figures = Count("SELECT count(*) FROM published_figure");
  const fs::path none = FolderWith("none", {"LA-codes.yml"});
  auto result = ImportPublished(*db_, none);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("none of the DfE files"));

  const fs::path two = FolderWith("two", {"la_cla_swcount.csv"});
  fs::copy_file(kDfe / "la_cla_swcount.csv", two / "la_cla_swcount_2025.csv");
  result = ImportPublished(*db_, two);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("la_cla_swcount.csv and la_cla_swcount_2025.csv"));

  result = ImportPublished(*db_, dir_ / "no-such-folder");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(Count("SELECT count(*) FROM published_figure"), figures);
}

TEST_F(PublishedTest, AnLaOnlyTheNeighboursFileNamesTakesItsRegionFromGoReg) {
  const fs::path folder = dir_ / "small";
  fs::create_directories(folder);
  WriteFile(folder / "csww_indicators_test.csv",
            "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
            "old_la_code,new_la_code,la_name,caseload_fte\n"
            "2024,Reporting year,National,E92000001,England,,,,,,15.4\n"
            "2024,Reporting year,Regional,E92000001,England,E13000001,Inner London,,,,13.1\n"
            "2024,Reporting year,Local authority,E92000001,England,E13000001,Inner London,201,E09000001,City,9\n");
  WriteFile(folder / "neighbours.csv",
            "LA num,LA Name,LA number,GOInd,GOReg,SN1,SNP,SN2,SNP,\n"
            "201,City of London,201,3,London (Inner),202,Not Close,,,\n"
            ",Old SNs:,,,,,,,,\n"
            "202,Camden,202,3,London (Inner),201,Close,203,Close,\n");
  auto summary = ImportPublished(*db_, folder);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->files, 2);
  EXPECT_EQ(summary->areas, 4);  // England, Inner London, 201 from the rows, 202 from the neighbours

  indicators::PublishedSource caseload{.file = "csww_indicators", .column = "caseload_fte", .where = {}};
  auto camden = Compare(*db_, caseload, 2024, "202");
  ASSERT_TRUE(camden.ok()) << camden.status().message();
  EXPECT_EQ(camden->region_code, "E13000001");
  EXPECT_EQ(camden->region_name, "Inner London");
  EXPECT_EQ(camden->region.value, 13.1);
  EXPECT_EQ(camden->council.mark, "missing");
  EXPECT_EQ(camden->neighbours.value, 9.0);  // 201 has a figure, 203 none
  EXPECT_EQ(camden->neighbours_counted, 1);
  auto neighbours = StatisticalNeighbours(*db_, "202");
  ASSERT_TRUE(neighbours.ok());
  EXPECT_EQ(*neighbours, (std::vector<std::string>{"201", "203"}));
}

// ---- Compare on sources the catalogue does not (yet) have -----------------------------------

TEST_F(PublishedTest, AnyColumnAndBreakdownOfAnImportedFileCanBeCompared) {
  ImportReference();
  // Not in the catalogue: children with 3 or more placements, as a count. The figures are all
  // there already, so an indicator reading them would need no re-import.
  indicators::PublishedSource source{.file = "la_cla_placement_stability",
                                     .column = "children_count",
                                     .where = {{"cla_group", "CLA on 31 March"},
                                               {"placement_stability", "With 3 or more placements during the year"}}};
  auto comparison = Compare(*db_, source, 2024, "343");
  ASSERT_TRUE(comparison.ok()) << comparison.status().message();
  const CsvTable csv = ReadReferenceCsv("la_cla_placement_stability");
  std::optional<double> expected;
  for (const CsvRecord& record : csv.records) {
    if (record.fields[*csv.FindColumn("old_la_code")] == "343" && record.fields[*csv.FindColumn("time_period")] == "2024" &&
        record.fields[*csv.FindColumn("cla_group")] == "CLA on 31 March" &&
        record.fields[*csv.FindColumn("placement_stability")] == "With 3 or more placements during the year") {
      expected = std::stod(record.fields[*csv.FindColumn("children_count")]);
    }
  }
  ASSERT_TRUE(expected.has_value());
  EXPECT_EQ(comparison->council.value, expected);
  EXPECT_EQ(comparison->council.mark, "");
}

TEST_F(PublishedTest, CompareExplainsWhatItCannotLookUp) {
  ImportReference();
  indicators::PublishedSource source{.file = "b1_children_in_need", .column = "At31_episodes", .where = {}};

  auto bad_la = Compare(*db_, source, 2024, "E08000014");
  ASSERT_FALSE(bad_la.ok());
  EXPECT_EQ(bad_la.status().code(), Status::Code::kInvalidArgument);

  indicators::PublishedSource absent = source;
  absent.file = "c2_assessments";
  auto not_imported = Compare(*db_, absent, 2024, "343");
  ASSERT_FALSE(not_imported.ok());
  EXPECT_EQ(not_imported.status().code(), Status::Code::kNotFound);

  indicators::PublishedSource no_column = source;
  no_column.column = "At31_children";
  auto column = Compare(*db_, no_column, 2024, "343");
  ASSERT_FALSE(column.ok());
  EXPECT_THAT(column.status().message(), HasSubstr("no column of figures called At31_children"));

  indicators::PublishedSource ambiguous{.file = "la_cla_placement_stability", .column = "children_percent",
                                        .where = {}};
  auto several = Compare(*db_, ambiguous, 2024, "343");
  ASSERT_FALSE(several.ok());
  EXPECT_THAT(several.status().message(), HasSubstr("more than one row"));

  // Before the first year the DfE published, and for an LA it does not list: missing, not an error.
  auto early = Compare(*db_, source, 2001, "343");
  ASSERT_TRUE(early.ok()) << early.status().message();
  EXPECT_EQ(early->council.mark, "missing");
  EXPECT_EQ(early->england.mark, "missing");
  EXPECT_EQ(early->neighbours.mark, "missing");  // none published: not the same as withheld
  EXPECT_EQ(early->neighbours_counted, 0);
  auto unknown = Compare(*db_, source, 2024, "999");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->council.mark, "missing");
  EXPECT_EQ(unknown->region.mark, "missing");
  EXPECT_EQ(unknown->neighbours.mark, "missing");
  EXPECT_TRUE(unknown->england.value.has_value());
}

}  // namespace
}  // namespace cairn::benchmarks
