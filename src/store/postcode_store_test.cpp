#include "store/postcode_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "store/test_database.h"

namespace cairn::store {
namespace {

namespace fs = std::filesystem;

class PostcodeStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  fs::path Write(const std::string& name, const std::string& text) {
    const fs::path path = fs::temp_directory_path() / ("cairn_postcode_store_" + std::to_string(::getpid()) + "_" +
                                                       TestDatabase::FileNameOfThisTest() + "_" + name);
    std::ofstream(path, std::ios::binary) << text;
    files_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const fs::path& path : files_) fs::remove(path);
  }
  std::vector<fs::path> files_;
};

TEST_P(PostcodeStoreTest, AnImportReplacesEveryPostcodeAndLookUpFindsThoseAsked) {
  TestDatabase database("cairn_postcodes_", GetParam());
  std::unique_ptr<Connection> db = database.Open();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountPostcodes(*db).value_or(-1), 0);
  const fs::path first = Write("first.csv", "pcd,oseast1m,osnrth1m,laua\nOLD 1AA,1,2,E1\nL20 3AA,1,1,E1\n");
  ASSERT_TRUE(ImportPostcodes(*db, first.string(), nullptr).ok());
  const fs::path second = Write("second.csv",
                                "pcd,oseast1m,osnrth1m,laua\n"
                                "L20 3AA,334467,394739,E08000014\n"
                                "BB11 1AA,384179,432756,E07000117\n"
                                "AB11 3AG,,,nan\n");
  std::vector<int64_t> heard;
  Result<PostcodeImport> imported = ImportPostcodes(*db, second.string(), [&heard](int64_t rows) { heard.push_back(rows); });
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  EXPECT_EQ(imported->rows, 3);
  EXPECT_EQ(imported->with_grid, 2);
  EXPECT_EQ(imported->with_district, 2);
  EXPECT_TRUE(heard.empty()) << "progress every 500,000 rows";
  EXPECT_EQ(CountPostcodes(*db).value_or(-1), 3);

  Result<geography::PostcodeDirectory> found = LookUpPostcodes(*db, {"L203AA", "AB113AG", "OLD1AA", "ZZ11ZZ", ""});
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->size(), 2u);
  ASSERT_NE(found->Find("L20 3AA"), nullptr);
  EXPECT_EQ(found->Find("L20 3AA")->district, "E08000014");
  EXPECT_EQ(found->Find("L20 3AA")->easting, 334467);
  EXPECT_EQ(found->Find("L20 3AA")->northing, 394739);
  EXPECT_EQ(found->Find("AB11 3AG")->district, "");
  EXPECT_FALSE(found->Find("AB11 3AG")->easting.has_value());
  EXPECT_EQ(found->Find("OLD 1AA"), nullptr) << "replaced by the second import";

  // More postcodes than one statement asks for.
  std::set<std::string, std::less<>> many;
  for (int i = 0; i < 600; ++i) many.insert("X" + std::to_string(i));
  many.insert("BB111AA");
  Result<geography::PostcodeDirectory> batched = LookUpPostcodes(*db, many);
  ASSERT_TRUE(batched.ok()) << batched.status().message();
  EXPECT_EQ(batched->size(), 1u);

  // Every postcode with a grid reference, for the simulator (AB11 3AG has none).
  std::set<std::string> with_grid;
  ASSERT_TRUE(ForEachPostcodeWithGrid(*db, [&with_grid](const geography::OnsPostcodeRow& row) {
                with_grid.insert(std::string(row.postcode) + "|" + std::string(row.district) + "|" +
                                 std::to_string(*row.easting) + "|" + std::to_string(*row.northing));
              }).ok());
  EXPECT_EQ(with_grid, (std::set<std::string>{"BB111AA|E07000117|384179|432756", "L203AA|E08000014|334467|394739"}));
}

TEST_P(PostcodeStoreTest, AFileThatCannotBeReadLeavesTheTableAsItWas) {
  TestDatabase database("cairn_postcodes_", GetParam());
  std::unique_ptr<Connection> db = database.Open();
  ASSERT_NE(db, nullptr);
  const fs::path good = Write("good.csv", "pcd,oseast1m,osnrth1m,laua\nL20 3AA,334467,394739,E08000014\n");
  ASSERT_TRUE(ImportPostcodes(*db, good.string(), nullptr).ok());
  const fs::path bad = Write("bad.csv", "pcd,oseast1m,osnrth1m,laua\nBB11 1AA,1,2,E1\nBB11 1AB,x,2,E1\n");
  Result<PostcodeImport> refused = ImportPostcodes(*db, bad.string(), nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("line 3, field oseast1m"), std::string::npos)
      << refused.status().message();
  const fs::path twice = Write("twice.csv", "pcd,oseast1m,osnrth1m,laua\nBB11 1AA,1,2,E1\nBB111AA,1,2,E1\n");
  Result<PostcodeImport> duplicated = ImportPostcodes(*db, twice.string(), nullptr);
  ASSERT_FALSE(duplicated.ok());
  EXPECT_NE(duplicated.status().message().find("twice"), std::string::npos) << duplicated.status().message();
  EXPECT_EQ(CountPostcodes(*db).value_or(-1), 1);
  Result<geography::PostcodeDirectory> found = LookUpPostcodes(*db, {"L203AA", "BB111AA"});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 1u);
  EXPECT_NE(found->Find("L203AA"), nullptr);
}

CAIRN_TEST_ON_BOTH_BACKENDS(PostcodeStoreTest);

}  // namespace
}  // namespace cairn::store
