// `cairn region` on a region's PostgreSQL database (one schema a council).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

#include "cli/cli_test_support.h"

namespace cairn::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunCairn;
using testing::SplitLines;

Date Today() { return Date::FromYmdOrDie(2025, 6, 1); }

// The value column of `cairn indicators`' table row for `indicator`, or of the region's table for
// `council` (its column), from the printed text.
std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream stream(line);
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

std::string RowStarting(const std::string& text, const std::string& first) {
  for (const std::string& line : SplitLines(text)) {
    const auto words = Words(line);
    if (!words.empty() && words[0] == first) return line;
  }
  return "";
}

TEST(RegionCli, SimulatesCouncilsSideBySideAndEachCouncilIsADatabaseOfItsOwn) {
  store::TestPostgresRegion region;
  ASSERT_FALSE(region.url().empty());
  auto simulated = RunCairn({"region", "simulate", "--db", region.url(), "--councils", "344,343", "--population", "2000",
                             "--years", "1", "--seed", "5", "--as-at", "2025-03-31"},
                            Today());
  ASSERT_EQ(simulated.code, 0) << simulated.err;
  EXPECT_THAT(simulated.out, HasSubstr("Simulated 2 councils"));
  EXPECT_THAT(simulated.err, HasSubstr("council 343"));

  auto list = RunCairn({"region", "list", "--db", region.url()}, Today());
  ASSERT_EQ(list.code, 0) << list.err;
  const auto row_343 = Words(RowStarting(list.out, "343"));
  const auto row_344 = Words(RowStarting(list.out, "344"));
  ASSERT_EQ(row_343.size(), 4u) << list.out;
  ASSERT_EQ(row_344.size(), 4u) << list.out;
  EXPECT_EQ(row_343[3], "synthetic");
  // Different sizes: 344 is given first, at 60% of the population; 343 at 140%.
  EXPECT_LT(std::stoi(row_344[1]), std::stoi(row_343[1]));

  // Each council's figures in the region's table are what that council's own database gives.
  auto side_by_side = RunCairn({"region", "indicators", "--db", region.url(), "--year", "2025"}, Today());
  ASSERT_EQ(side_by_side.code, 0) << side_by_side.err;
  const auto headings = Words(SplitLines(side_by_side.out).front());
  ASSERT_EQ(headings, (std::vector<std::string>{"indicator", "343", "344"}));
  for (const std::string council : {"343", "344"}) {
    auto own = RunCairn({"indicators", "--db", region.url() + "&council=" + council, "--year", "2025"}, Today());
    ASSERT_EQ(own.code, 0) << own.err;
    for (const char* indicator : {"cin-31-march", "referrals-rate", "cla-31-march"}) {
      const auto own_row = Words(RowStarting(own.out, indicator));
      const auto region_row = Words(RowStarting(side_by_side.out, indicator));
      ASSERT_GE(own_row.size(), 3u) << own.out;
      ASSERT_EQ(region_row.size(), 3u) << side_by_side.out;
      EXPECT_EQ(region_row[council == "343" ? 1 : 2], own_row[2]) << indicator << " for " << council;
    }
    // The read is in that council's own audit trail.
    auto audit = RunCairn({"audit", "verify", "--db", region.url() + "&council=" + council}, Today());
    EXPECT_EQ(audit.code, 0) << audit.out << audit.err;
  }

  // The pooled, pseudonymised extract: every council's active children, none by the council's own
  // identifier, the same pseudonyms each time (the region keeps its key).
  const auto folder = testing::FreshTestFolder("cairn_region_pool_");
  const testing::RemovedAtEnd remove_folder(folder);
  const std::string first = (folder / "pooled.csv").string();
  const std::string second = (folder / "again.csv").string();
  for (const std::string& out : {first, second}) {
    auto extract = RunCairn({"region", "children", "--db", region.url(), "--as-at", "2025-03-31", "--out", out}, Today());
    ASSERT_EQ(extract.code, 0) << extract.err;
    EXPECT_THAT(extract.out, HasSubstr("of 2 councils"));
  }
  auto read = [](const std::string& path) {
    std::ifstream file(path);
    return std::string(std::istreambuf_iterator<char>(file), {});
  };
  const std::string pooled = read(first);
  EXPECT_EQ(pooled, read(second));
  auto lines = SplitLines(pooled);
  for (std::string& line : lines) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CSV lines end CRLF (RFC 4180)
  }
  ASSERT_GT(lines.size(), 10u);
  EXPECT_EQ(lines[0], "pseudonym,council,age_band,sex,ethnicity,child_in_need,protection_plan,looked_after,"
                      "referrals_in_year,placements_in_year");
  std::set<std::string> pseudonyms;
  std::set<std::string> councils_seen;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string pseudonym = lines[i].substr(0, lines[i].find(','));
    EXPECT_EQ(pseudonym.size(), 32u) << lines[i];
    pseudonyms.insert(pseudonym);
    councils_seen.insert(lines[i].substr(33, 3));
  }
  EXPECT_EQ(pseudonyms.size(), lines.size() - 1);
  EXPECT_EQ(councils_seen, (std::set<std::string>{"343", "344"}));
  auto due = RunCairn({"due", "--db", region.url() + "&council=343", "--as-at", "2025-03-31"}, Today());
  ASSERT_EQ(due.code, 0) << due.err;
  const std::string some_child = Words(SplitLines(due.out)[1])[0];
  ASSERT_FALSE(some_child.empty());
  EXPECT_THAT(pooled, Not(HasSubstr(some_child)));
  // Each council's trail records the export, naming its children.
  auto trail = RunCairn({"audit", "--db", region.url() + "&council=343", "--child", some_child}, Today());
  EXPECT_THAT(trail.out + trail.err, HasSubstr("cairn region children"));

  // An extract that cannot be written is refused before anything is read or audited.
  auto nowhere = RunCairn({"region", "children", "--db", region.url(), "--out", (folder / "no/such/folder/x.csv").string()},
                          Today());
  EXPECT_NE(nowhere.code, 0);
  EXPECT_THAT(nowhere.err, HasSubstr("pooled extract"));
  auto trail_after = RunCairn({"audit", "--db", region.url() + "&council=343", "--child", some_child}, Today());
  EXPECT_EQ(trail_after.out, trail.out);

  // A region is simulated into a new database only.
  auto again = RunCairn({"region", "simulate", "--db", region.url(), "--councils", "343", "--population", "2000"},
                        Today());
  EXPECT_NE(again.code, 0);
  EXPECT_THAT(again.err, HasSubstr("already holds council 343"));
  auto bad = RunCairn({"region", "simulate", "--db", region.url(), "--councils", "343,34"}, Today());
  EXPECT_NE(bad.code, 0);
  EXPECT_THAT(bad.err, HasSubstr("'34' is not a three-digit DfE number"));
}

TEST(RegionCli, TheRegionsUsersAndAuditTrailAreInItsOwnSchema) {
  store::TestPostgresRegion region;
  ASSERT_FALSE(region.url().empty());
  ASSERT_EQ(RunCairn({"init", "--db", region.url() + "&council=343"}, Today()).code, 0);
  auto added = RunCairn({"user", "add", "--db", region.url(), "--username", "ra1", "--role", "regional-analyst"}, Today());
  ASSERT_EQ(added.code, 0) << added.err;
  EXPECT_THAT(added.out, HasSubstr("One-time password"));
  // The region's users are not the council's, nor the other way round.
  EXPECT_THAT(RunCairn({"user", "list", "--db", region.url()}, Today()).out, HasSubstr("ra1"));
  EXPECT_THAT(RunCairn({"user", "list", "--db", region.url() + "&council=343"}, Today()).out, Not(HasSubstr("ra1")));
  auto practitioner = RunCairn({"user", "add", "--db", region.url(), "--username", "sw1", "--role", "practitioner"},
                               Today());
  EXPECT_NE(practitioner.code, 0);
  EXPECT_THAT(practitioner.err, HasSubstr("regional analysts and administrators only"));
  auto stray = RunCairn({"user", "add", "--db", region.url() + "&council=343", "--username", "ra2", "--role",
                         "regional-analyst"},
                        Today());
  EXPECT_NE(stray.code, 0);
  EXPECT_THAT(stray.err, HasSubstr("region's database URL"));
  // The user added is in the region's own trail.
  auto verified = RunCairn({"audit", "verify", "--db", region.url()}, Today());
  EXPECT_EQ(verified.code, 0) << verified.err;
  EXPECT_THAT(verified.out, Not(HasSubstr(": 0 row(s)")));
}

TEST(RegionCli, ASqliteFileHoldsNoRegion) {
  const auto folder = testing::FreshTestFolder("cairn_region_cli_");
  const testing::RemovedAtEnd remove_folder(folder);
  const std::string db = (folder / "cairn.db").string();
  ASSERT_EQ(RunCairn({"init", "--db", db}, Today()).code, 0);
  auto list = RunCairn({"region", "list", "--db", db}, Today());
  EXPECT_NE(list.code, 0);
  EXPECT_THAT(list.err, HasSubstr("PostgreSQL"));
}

}  // namespace
}  // namespace cairn::cli
