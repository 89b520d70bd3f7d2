#include "geography/region_postcodes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace cairn::geography {
namespace {

namespace fs = std::filesystem;

RegionPostcodes Collect(std::string_view council_number, std::string_view text) {
  const LocalAuthorities* authorities = *LocalAuthorities::Embedded();
  const Council* council = authorities->CouncilByNumber(council_number);
  EXPECT_NE(council, nullptr) << council_number;
  RegionPostcodeCollector collector(*authorities, *council);
  Result<int64_t> read = ReadOnsPostcodeText(text, "ons.csv", {}, [&collector](const OnsPostcodeRow& row) {
    collector.Add(row);
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.status().message();
  Result<RegionPostcodes> postcodes = std::move(collector).Finish("ons.csv");
  EXPECT_TRUE(postcodes.ok()) << postcodes.status().message();
  return postcodes.ok() ? std::move(postcodes).value() : RegionPostcodes{};
}

TEST(RegionPostcodes, WritesThePostcodeAsAnAddressDoes) {
  EXPECT_EQ(PostcodeAsWritten("L201AA"), "L20 1AA");
  EXPECT_EQ(PostcodeAsWritten("EC1A1BB"), "EC1A 1BB");
  EXPECT_EQ(PostcodeAsWritten("M11AE"), "M1 1AE");
  EXPECT_EQ(PostcodeAsWritten("AB1"), "AB1");
}

TEST(RegionPostcodes, SortsTheCouncilsOwnFromTheRestOfItsRegion) {
  // Sefton (343, a metropolitan borough: its own district) in the North West; Liverpool
  // (E08000012) and Burnley (a district of Lancashire, E10000017) are the same region, Camden
  // and Edinburgh are not; a postcode without a grid reference cannot give a distance.
  const RegionPostcodes postcodes = Collect("343",
                                            "pcd,oseast1m,osnrth1m,laua\n"
                                            "L20 3AB,334470,394740,E08000014\n"
                                            "L20 3AA,334467,394739,E08000014\n"
                                            "L20 3AA,334467,394739,E08000014\n"
                                            "PR8 9ZZ,,,E08000014\n"
                                            "L1 0AA,334000,390000,E08000012\n"
                                            "BB11 1AA,384000,432000,E07000117\n"
                                            "NW1 0AA,529000,183000,E09000007\n"
                                            "EH1 1AA,325910,674040,S12000036\n");
  EXPECT_EQ(postcodes.council, (std::vector<std::string>{"L20 3AA", "L20 3AB"}));
  EXPECT_EQ(postcodes.rest_of_region, (std::vector<std::string>{"BB11 1AA", "L1 0AA"}));
}

TEST(RegionPostcodes, ACountysOwnAreaIsItsDistricts) {
  const RegionPostcodes postcodes = Collect("888",  // Lancashire
                                            "pcd,oseast1m,osnrth1m,laua\n"
                                            "BB11 1AA,384000,432000,E07000117\n"
                                            "L20 3AA,334467,394739,E08000014\n");
  EXPECT_EQ(postcodes.council, std::vector<std::string>{"BB11 1AA"});
  EXPECT_EQ(postcodes.rest_of_region, std::vector<std::string>{"L20 3AA"});
}

TEST(RegionPostcodes, ReadingNamesAnUnknownCouncilAndAFileWithNoneOfItsPostcodes) {
  const fs::path file = fs::temp_directory_path() / ("cairn_region_postcodes_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(file) << "pcd,oseast1m,osnrth1m,laua\nEH1 1AA,325910,674040,S12000036\n";
  Result<RegionPostcodes> unknown = ReadRegionPostcodes(file.string(), "998");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("no council in England has the LA number '998'"), std::string::npos)
      << unknown.status().message();
  Result<RegionPostcodes> none = ReadRegionPostcodes(file.string(), "343");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("holds no postcode with a grid reference in Sefton"), std::string::npos)
      << none.status().message();
  fs::remove(file);
  Result<RegionPostcodes> missing = ReadRegionPostcodes(file.string(), "343");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(file.string()), std::string::npos) << missing.status().message();
}

TEST(RegionPostcodes, TheOnsExtractHoldsSeftonAndTheNorthWest) {
  const fs::path extract = fs::path(CAIRN_REFERENCE_DIR) / "postcodes" / "ons-postcodes.csv.gz";
  ASSERT_TRUE(fs::exists(extract)) << extract;
  Result<RegionPostcodes> postcodes = ReadRegionPostcodes(extract.string(), "343");
  ASSERT_TRUE(postcodes.ok()) << postcodes.status().message();
  // Sefton has some thousands of postcodes, the rest of the North West (its other councils) many
  // times more.
  EXPECT_GT(postcodes->council.size(), 3000u);
  EXPECT_GT(postcodes->rest_of_region.size(), 10 * postcodes->council.size());
  // Sefton's postcodes are Liverpool's (L) and Preston's (PR, Southport) areas'.
  for (const std::string& postcode : postcodes->council) {
    ASSERT_TRUE(postcode.starts_with("L") || postcode.starts_with("PR")) << postcode;
  }
}

}  // namespace
}  // namespace cairn::geography
