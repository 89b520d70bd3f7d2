#include "benchmarks/dfe_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace cairn::benchmarks {
namespace {

using ::testing::HasSubstr;

const KnownDfeFile& Known(std::string_view prefix) {
  for (const KnownDfeFile& known : KnownDfeFiles()) {
    if (known.prefix == prefix) return known;
  }
  ADD_FAILURE() << "no known file " << prefix;
  return KnownDfeFiles().front();
}

const KnownDfeFile& Neighbours() {
  const KnownDfeFile* known = RecogniseDfeFile("groups.csv", "LA num,LA Name,LA number,GOInd,GOReg,SN1,SNP");
  EXPECT_NE(known, nullptr);
  return *known;
}

constexpr std::string_view kClaHeader =
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
    "la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000\n";

TEST(PublishedCellTest, NumbersSymbolsAndEmpty) {
  EXPECT_EQ(ParseDfeCell("12")->value, 12.0);
  EXPECT_EQ(ParseDfeCell(" 36.9 ")->value, 36.9);
  EXPECT_EQ(ParseDfeCell("-0.5")->value, -0.5);
  EXPECT_EQ(ParseDfeCell("1e3")->value, 1000.0);
  EXPECT_EQ(ParseDfeCell("12")->mark, "");
  for (std::string_view mark : {"c", "z", "x", "u", "k", "low", ":", "..", "~"}) {
    const auto cell = ParseDfeCell(mark);
    ASSERT_TRUE(cell.has_value()) << mark;
    EXPECT_FALSE(cell->value.has_value()) << mark;
    EXPECT_EQ(cell->mark, mark);
  }
  EXPECT_EQ(ParseDfeCell("[c]")->mark, "c");
  EXPECT_EQ(ParseDfeCell("C")->mark, "c");
  EXPECT_EQ(ParseDfeCell("[low]")->mark, "low");
  const auto empty = ParseDfeCell("  ");
  ASSERT_TRUE(empty.has_value());
  EXPECT_FALSE(empty->value.has_value());
  EXPECT_EQ(empty->mark, "");
  for (std::string_view bad : {"12a", "nan", "inf", "0x10", "1,234", "cc", "-", ".", "1e", "[]", "e5", "c c"}) {
    EXPECT_FALSE(ParseDfeCell(bad).has_value()) << bad;
  }
}

TEST(PublishedFileTest, RecognisesFilesByNameAndTheNeighboursFileByHeader) {
  EXPECT_EQ(RecogniseDfeFile("b1_children_in_need_2013_to_2025.csv", "")->prefix, "b1_children_in_need");
  EXPECT_EQ(RecogniseDfeFile("la_care_leavers_activity.csv", "")->prefix, "la_care_leavers_activity");
  // A file renamed with capitals is still the same DfE file.
  ASSERT_NE(RecogniseDfeFile("B1_Children_In_Need_2013_to_2025.CSV", ""), nullptr);
  EXPECT_EQ(RecogniseDfeFile("B1_Children_In_Need_2013_to_2025.CSV", "")->prefix, "b1_children_in_need");
  EXPECT_EQ(RecogniseDfeFile("ons_mid-year_population_estimates_2012_to_2024.csv", "")->prefix, kPopulationPrefix);
  EXPECT_EQ(RecogniseDfeFile("b1_children_in_need_2013_to_2025.meta.csv", ""), nullptr);
  EXPECT_EQ(RecogniseDfeFile("b1_children_in_need.xlsx", ""), nullptr);
  EXPECT_EQ(RecogniseDfeFile("LA-codes.yml", "data_codes:"), nullptr);
  EXPECT_EQ(RecogniseDfeFile("LTLA-UTLA_Apr23_Lookup_England-Wales.csv", "\xEF\xBB\xBFLTLA23CD,LTLA23NM"), nullptr);
  const KnownDfeFile* neighbours =
      RecogniseDfeFile("New_Statistical_Neighbour_Groupings_April_2021.csv",
                       "\xEF\xBB\xBFLA num,LA Name,LA number,GOInd,GOReg,SN1,SNP,SN2,SNP,\r\n201,City");
  ASSERT_NE(neighbours, nullptr);
  EXPECT_EQ(neighbours->kind, DfeFileKind::kNeighbours);
}

TEST(PublishedFileTest, ReadsRowsByColumnNameWithBreakdownsMarksAndAreas) {
  const std::string text = std::string("\xEF\xBB\xBF") + std::string(kClaHeader) +
                           "2025,Reporting year,National,E92000001,England,,,,,,Children looked after on 31 March "
                           "each year,12183016,81770,67\r\n"
                           "2025,Reporting year,Regional,E92000001,England,E12000002,North West,,,,Children looked "
                           "after on 31 March each year,1627558,15070,93\r\n"
                           "2024,Reporting year,Local authority,E92000001,England,E12000002,North West,343,Sefton,"
                           "E08000014,\"Children looked after on 31 March each year\",54154,581,107\r\n"
                           "2025,Reporting year,Local authority,E92000001,England,E12000002,North West,343,Sefton,"
                           "E08000014,Children looked after on 31 March each year,54760,\"506\",[c]\r\n"
                           "2025,Reporting year,Local authority district,E92000001,England,E12000002,North West,,,,"
                           "Children looked after on 31 March each year,1,2,3\r\n";
  auto file = ReadDfeFile(Known("cla_number_and_rate_per_10k_children"), "cla.csv", text);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->measures, (std::vector<std::string>{"population_estimate", "children_count", "rate_per_10000"}));
  EXPECT_EQ(file->filters, (std::vector<std::string>{"population_type"}));
  ASSERT_EQ(file->rows.size(), 4u);
  EXPECT_EQ(file->skipped_rows, 1);
  EXPECT_EQ(file->first_year, 2024);
  EXPECT_EQ(file->last_year, 2025);

  const DfeRow& england = file->rows[0];
  EXPECT_EQ(england.level, kNational);
  EXPECT_EQ(england.area_code, "E92000001");
  EXPECT_EQ(england.line, 2);
  EXPECT_EQ(nlohmann::json::parse(england.breakdown)["population_type"], "Children looked after on 31 March each year");
  EXPECT_EQ(file->rows[1].area_code, "E12000002");

  const DfeRow& sefton = file->rows[3];
  EXPECT_EQ(sefton.level, kLocalAuthority);
  EXPECT_EQ(sefton.area_code, "343");
  EXPECT_EQ(sefton.time_period, 2025);
  ASSERT_EQ(sefton.cells.size(), 3u);
  EXPECT_EQ(sefton.cells[1].value, 506.0);
  EXPECT_FALSE(sefton.cells[2].value.has_value());
  EXPECT_EQ(sefton.cells[2].mark, "c");

  ASSERT_EQ(file->areas.size(), 3u);
  const auto la = std::find_if(file->areas.begin(), file->areas.end(), [](const DfeArea& a) { return a.code == "343"; });
  ASSERT_NE(la, file->areas.end());
  EXPECT_EQ(la->name, "Sefton");
  EXPECT_EQ(la->new_code, "E08000014");  // found by name although la_name comes first in this file
  EXPECT_EQ(la->region_code, "E12000002");
  EXPECT_EQ(la->region_name, "North West");
  EXPECT_EQ(la->time_period, 2025);
}

struct Malformed {
  std::string name;
  std::string row;  // one row after kClaHeader, on line 2
  std::vector<std::string> message_parts;
};

TEST(PublishedFileTest, MalformedRowsNameFileLineAndColumn) {
  const std::string good_start = "2025,Reporting year,Local authority,E92000001,England,E12000002,North West,343,Sefton,"
                                 "E08000014,Children looked after on 31 March each year,";
  const std::vector<Malformed> cases = {
      {"short row", good_start + "54760,506", {"cla.csv line 3, column 14 (rate_per_10000)", "ends after 13 values"}},
      {"long row", good_start + "54760,506,92,7", {"cla.csv line 3, column 15", "15 values", "only 14 columns"}},
      {"not a year",
       "2024/25,Reporting year,Local authority,E92000001,England,E12000002,North West,343,Sefton,E08000014,x,1,2,3",
       {"cla.csv line 3, column 1 (time_period)", "'2024/25' is not a year"}},
      {"not a number", good_start + "54760,5O6,92",
       {"cla.csv line 3, column 13 (children_count)", "'5O6' is neither a number nor one of the DfE's symbols"}},
      {"LA code",
       "2025,Reporting year,Local authority,E92000001,England,E12000002,North West,E08000014,Sefton,E08000014,x,1,2,3",
       {"cla.csv line 3, column 8 (old_la_code)", "not a three-digit LA number"}},
      {"empty region code", "2025,Reporting year,Regional,E92000001,England,,North West,,,,x,1,2,3",
       {"cla.csv line 3, column 6 (region_code)", "empty"}},
      {"empty level", "2025,Reporting year,,E92000001,England,,,,,,x,1,2,3",
       {"cla.csv line 3, column 3 (geographic_level)", "empty"}},
      {"duplicate", good_start + "54760,506,92",
       {"cla.csv line 3, column 1 (time_period)", "a second row for Local authority 343 in 2025", "line 2"}},
  };
  for (const Malformed& c : cases) {
    // Line 2 is a good row (the duplicate case repeats it); the malformed one is line 3.
    const std::string text = std::string(kClaHeader) + good_start + "54760,506,92\n" + c.row + "\n";
    auto file = ReadDfeFile(Known("cla_number_and_rate_per_10k_children"), "cla.csv", text);
    ASSERT_FALSE(file.ok()) << c.name;
    EXPECT_EQ(file.status().code(), Status::Code::kInvalidArgument) << c.name;
    for (const std::string& part : c.message_parts) EXPECT_THAT(file.status().message(), HasSubstr(part)) << c.name;
  }
}

TEST(PublishedFileTest, MissingKeyColumnIsNamed) {
  std::string header(kClaHeader);
  header.replace(header.find("old_la_code"), 11, "la_number");
  auto file = ReadDfeFile(Known("cla_number_and_rate_per_10k_children"), "cla.csv", header + "\n");
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.status().message(), HasSubstr("cla.csv line 1"));
  EXPECT_THAT(file.status().message(), HasSubstr("old_la_code"));

  auto no_filter = ReadDfeFile(Known("la_cla_swcount"), "sw.csv", std::string(kClaHeader));
  ASSERT_FALSE(no_filter.ok());
  EXPECT_THAT(no_filter.status().message(), HasSubstr("cla_group"));
}

TEST(PublishedFileTest, ReadsTheNeighboursFileDespiteItsRepeatedColumns) {
  const std::string text =
      "\xEF\xBB\xBFLA num,LA Name,LA number,GOInd,GOReg,SN1,SNP,SN2,SNP,SN3,SNP,\r\n"
      "343,Sefton,343,5,North West,344,Very Close,888,Close,,,\r\n"
      "801,\"Bristol, City of\",801,7,South West,851,Very Close,852,Close,870,Close,\r\n";
  auto file = ReadDfeFile(Neighbours(), "groups.csv", text);
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_EQ(file->neighbours.size(), 2u);
  EXPECT_EQ(file->neighbours[0].la_code, "343");
  EXPECT_EQ(file->neighbours[0].region_name, "North West");
  EXPECT_EQ(file->neighbours[0].neighbours,
            (std::vector<std::pair<std::string, std::string>>{{"344", "Very Close"}, {"888", "Close"}}));
  EXPECT_EQ(file->neighbours[1].la_name, "Bristol, City of");
  EXPECT_EQ(file->neighbours[1].neighbours.size(), 3u);

  auto bad = ReadDfeFile(Neighbours(), "groups.csv",
                         "LA num,LA Name,LA number,GOInd,GOReg,SN1,SNP\n343,Sefton,343,5,North West,Wirral,Close\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("groups.csv line 2, column 6 (SN1)"));
}

}  // namespace
}  // namespace cairn::benchmarks
