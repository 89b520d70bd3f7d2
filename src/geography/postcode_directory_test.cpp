#include "geography/postcode_directory.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace cairn::geography {
namespace {

namespace fs = std::filesystem;

const fs::path kExtract = fs::path(CAIRN_REFERENCE_DIR) / "postcodes" / "ons-postcodes.csv.gz";

fs::path TempFile(const std::string& name) {
  return fs::temp_directory_path() / ("cairn_postcodes_" + std::to_string(::getpid()) + "_" + name);
}

void WriteGzip(const fs::path& path, const std::string& text) {
  gzFile file = gzopen(path.string().c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

std::vector<std::string> Read(std::string_view text, Status* status = nullptr,
                              const std::set<std::string, std::less<>>* wanted = nullptr) {
  std::vector<std::string> rows;
  OnsReadOptions options;
  options.wanted = wanted;
  Result<int64_t> read = ReadOnsPostcodeText(text, "ons.csv", options, [&rows](const OnsPostcodeRow& row) {
    rows.push_back(std::string(row.postcode) + "|" + std::string(row.district) + "|" +
                   (row.easting ? std::to_string(*row.easting) : "-") + "|" +
                   (row.northing ? std::to_string(*row.northing) : "-") + "|" + std::to_string(row.line));
    return Status::Ok();
  });
  if (status != nullptr) *status = read.status();
  return rows;
}

TEST(PostcodeDirectory, PostcodesAreUpperCasedWithoutSpaces) {
  EXPECT_EQ(NormalisePostcode("l20 3aa"), "L203AA");
  EXPECT_EQ(NormalisePostcode("L20  3AA "), "L203AA");
  EXPECT_EQ(NormalisePostcode(""), "");
  PostcodeDirectory directory;
  directory.Add("L20 3AA", {"E08000014", 334467, 394739});
  directory.Add("bb11 1aa", {"E07000117", 384179, 432756});
  directory.Add("AB11 3AG", {"", std::nullopt, std::nullopt});
  ASSERT_NE(directory.Find("l203aa"), nullptr);
  EXPECT_EQ(directory.Find("L20 3AA")->district, "E08000014");
  EXPECT_EQ(directory.Find("L20 3AB"), nullptr);
  // The guidance's straight line: sqrt(49712^2 + 38017^2) m = 62.58 km = 38.89 miles.
  const std::optional<double> miles = directory.MilesBetween("L20 3AA", "BB11 1AA");
  ASSERT_TRUE(miles.has_value());
  EXPECT_NEAR(*miles, 38.888, 0.001);
  EXPECT_DOUBLE_EQ(*directory.MilesBetween("BB111AA", "L203AA"), *miles);
  EXPECT_FALSE(directory.MilesBetween("L20 3AA", "AB11 3AG").has_value()) << "no grid reference";
  EXPECT_FALSE(directory.MilesBetween("L20 3AA", "ZZ1 1ZZ").has_value()) << "not in the directory";
  EXPECT_DOUBLE_EQ(DistanceInMiles(0, 0, 0, 1609300), 1000.0);
}

TEST(PostcodeDirectory, ReadsTheOnsColumnsInAnyOrderQuotedOrNot) {
  Status status;
  const std::vector<std::string> rows = Read(
      "\xEF\xBB\xBF" "laua,pcd,other,osnrth1m,oseast1m\r\n"
      "E08000014,L20 3AA,x,394739,334467\r\n"
      "\"nan\",\"AB11 3AG\",\"a, b\",\"\",\"\"\r\n"
      "\n"
      "S12000036,eh1 1aa,\"say \"\"hi\"\"\",674040,325910",
      &status);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "L203AA|E08000014|334467|394739|2");
  EXPECT_EQ(rows[1], "AB113AG||-|-|3");
  EXPECT_EQ(rows[2], "EH11AA|S12000036|325910|674040|5");
  const std::set<std::string, std::less<>> wanted = {"EH11AA"};
  const std::vector<std::string> kept = Read("pcd,oseast1m,osnrth1m,laua\nL20 3AA,1,2,E1\nEH1 1AA,3,4,S1\n", &status,
                                             &wanted);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0], "EH11AA|S1|3|4|3");
}

TEST(PostcodeDirectory, MalformedRowsAreRefusedNamingTheFileLineAndField) {
  const std::string header = "pcd,oseast1m,osnrth1m,laua\n";
  auto message = [](std::string_view text) {
    Status status;
    Read(text, &status);
    EXPECT_FALSE(status.ok()) << text;
    return status.message();
  };
  EXPECT_EQ(message(header + "L20 3AA,334467,394739,E08000014\nL20 3AB,33x,394739,E08000014\n"),
            "ons.csv line 3, field oseast1m: '33x' is not a grid reference (a whole number of metres, 0 to 9999999, "
            "or blank)");
  EXPECT_NE(message(header + "L20 3AA,1,-2,E1\n").find("line 2, field osnrth1m"), std::string::npos);
  EXPECT_NE(message(header + "L20 3AA,1,2\n").find("ons.csv line 2: the row has 3 fields where the header names 4"),
            std::string::npos);
  EXPECT_NE(message(header + " ,1,2,E1\n").find("ons.csv line 2, field pcd: the postcode is blank"),
            std::string::npos);
  EXPECT_NE(message(header + "\"L20 3AA,1,2,E1\n").find("line 2: a quoted field is not closed"), std::string::npos);
  EXPECT_NE(message("postcode,easting,northing,la\nL20 3AA,1,2,E1\n").find("the header has no pcd, oseast1m"),
            std::string::npos);
  EXPECT_NE(message("").find("ons.csv: the file is empty"), std::string::npos);
}

TEST(PostcodeDirectory, ReadsPlainAndGzipFilesAndSaysWhenOneIsDamaged) {
  const std::string text = "pcd,oseast1m,osnrth1m,laua\nL20 3AA,334467,394739,E08000014\nBB11 1AA,,,nan\n";
  const fs::path plain = TempFile("plain.csv");
  const fs::path zipped = TempFile("zipped.csv.gz");
  const fs::path cut = TempFile("cut.csv.gz");
  std::ofstream(plain, std::ios::binary) << text;
  WriteGzip(zipped, text);
  for (const fs::path& path : {plain, zipped}) {
    Result<PostcodeDirectory> directory = LoadPostcodeDirectory(path.string());
    ASSERT_TRUE(directory.ok()) << directory.status().message();
    EXPECT_EQ(directory->size(), 2u);
    EXPECT_EQ(directory->Find("L203AA")->easting, 334467);
    EXPECT_EQ(directory->Find("BB11 1AA")->district, "");
  }
  std::string bytes;
  {
    std::ifstream in(zipped, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 12);
  Result<PostcodeDirectory> damaged = LoadPostcodeDirectory(cut.string());
  EXPECT_FALSE(damaged.ok());
  if (!damaged.ok()) {
    EXPECT_NE(damaged.status().message().find(cut.string()), std::string::npos);
  }
  Result<PostcodeDirectory> missing = LoadPostcodeDirectory(TempFile("missing.csv").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot open"), std::string::npos);
  for (const fs::path& path : {plain, zipped, cut}) fs::remove(path);
}

TEST(PostcodeDirectory, TheReferenceExtractRestrictedToAFewPostcodes) {
  ASSERT_TRUE(fs::exists(kExtract)) << kExtract;
  const std::set<std::string, std::less<>> wanted = {"L203AA", "L203AB", "BB111AA", "CF101AA", "EH11AA", "XH28FB"};
  int64_t progress_calls = 0;
  OnsReadOptions options;
  options.wanted = &wanted;
  options.progress = [&progress_calls](int64_t) { ++progress_calls; };
  PostcodeDirectory directory;
  Result<int64_t> rows = ReadOnsPostcodes(kExtract.string(), options, [&directory](const OnsPostcodeRow& row) {
    directory.Add(row.postcode, {std::string(row.district), row.easting, row.northing});
    return Status::Ok();
  });
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_GT(*rows, 2'700'000);
  EXPECT_EQ(progress_calls, *rows / 500000);
  EXPECT_EQ(directory.size(), 5u) << "XH2 8FB is made up";
  ASSERT_NE(directory.Find("L20 3AA"), nullptr);
  EXPECT_EQ(directory.Find("L20 3AA")->district, "E08000014");  // Sefton
  EXPECT_EQ(directory.Find("L20 3AB")->district, "E08000014");
  EXPECT_EQ(directory.Find("BB11 1AA")->district, "E07000117");  // Burnley
  EXPECT_EQ(directory.Find("CF10 1AA")->district, "W06000015");  // Cardiff
  EXPECT_EQ(directory.Find("EH1 1AA")->district, "S12000036");   // Edinburgh
  EXPECT_NEAR(*directory.MilesBetween("L20 3AA", "BB11 1AA"), 38.888, 0.001);
}

}  // namespace
}  // namespace cairn::geography
