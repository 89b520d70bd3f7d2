#include "validate/grouping.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "validate/table.h"

namespace cairn::validate {
namespace {

std::vector<std::uint32_t> Rows(Grouping::RowList rows) { return {rows.begin(), rows.end()}; }

Table Episodes() {
  Table table("CINdetails", "cin.xml", {"LAchildID", "CINdetailsID", "ReasonForClosure"}, DateForm::kIso);
  table.AddRow({"A", "1", "RC1"}, 10);
  table.AddRow({"B", "1", ""}, 20);
  table.AddRow({"A", "2", "RC8"}, 30);
  table.AddRow({"A", "1", ""}, 40);
  table.AddRow({"", "", ""}, 50);
  table.AddRow({"", "", "RC2"}, 60);
  return table;
}

TEST(GroupingTest, GroupsRowsByTheKeyColumnsInRowOrder) {
  const Table table = Episodes();
  const Grouping& by_episode = table.GroupedBy({"LAchildID", "CINdetailsID"});
  ASSERT_EQ(by_episode.size(), 4u);
  EXPECT_EQ(Rows(by_episode.Find({"A", "1"})), (std::vector<std::uint32_t>{0, 3}));
  EXPECT_EQ(Rows(by_episode.Find({"B", "1"})), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(Rows(by_episode.Find({"A", "2"})), (std::vector<std::uint32_t>{2}));
  // A blank key is a key, as pandas merges blank with blank.
  EXPECT_EQ(Rows(by_episode.Find({"", ""})), (std::vector<std::uint32_t>{4, 5}));
  EXPECT_TRUE(by_episode.Find({"B", "2"}).empty());
  EXPECT_EQ(by_episode.GroupOf(3), by_episode.GroupOf(0));
  EXPECT_NE(by_episode.GroupOf(2), by_episode.GroupOf(0));
}

TEST(GroupingTest, KeysMadeOfTheSameTextSplitDifferentlyAreDifferent) {
  Table table("T", "t.csv", {"a", "b"}, DateForm::kIso);
  table.AddRow({"ab", "c"}, 1);
  table.AddRow({"a", "bc"}, 2);
  const Grouping& grouping = table.GroupedBy({"a", "b"});
  EXPECT_EQ(grouping.size(), 2u);
  EXPECT_EQ(Rows(grouping.Find({"a", "bc"})), (std::vector<std::uint32_t>{1}));
}

TEST(GroupingTest, IteratesGroupsInTheOrderOfTheirFirstRows) {
  const Table table = Episodes();
  std::vector<std::string> children;
  std::vector<std::size_t> sizes;
  for (const auto& [child, rows] : table.GroupedBy({"LAchildID"})) {
    children.emplace_back(child);
    sizes.push_back(rows.size());
  }
  EXPECT_EQ(children, (std::vector<std::string>{"A", "B", ""}));
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 1, 2}));
  EXPECT_TRUE(table.GroupedBy({"LAchildID"}).contains("B"));
  EXPECT_EQ(table.GroupedBy({"LAchildID"}).count("C"), 0u);
}

TEST(GroupingTest, AColumnTheTableLacksIsBlankEverywhere) {
  const Table table = Episodes();
  const Grouping& grouping = table.GroupedBy({"LAchildID", "AssessmentID"});
  EXPECT_EQ(Rows(grouping.Find({"A", ""})), (std::vector<std::uint32_t>{0, 2, 3}));
}

TEST(GroupingTest, IsBuiltOnceAndDroppedWhenTheTableChanges) {
  Table table = Episodes();
  const Grouping* first = &table.GroupedBy({"LAchildID"});
  EXPECT_EQ(first, &table.GroupedBy({"LAchildID"}));
  table.AddRow({"C", "1", ""}, 70);
  const Grouping& after = table.GroupedBy({"LAchildID"});
  EXPECT_EQ(Rows(after.Find("C")), (std::vector<std::uint32_t>{6}));
  table.SetColumn("LAchildID", {"Z", "Z", "Z", "Z", "Z", "Z", "Z"});
  EXPECT_EQ(table.GroupedBy({"LAchildID"}).size(), 1u);
  const Table copy = table;
  EXPECT_EQ(Rows(copy.GroupedBy({"LAchildID"}).Find("Z")).size(), 7u);
}

// Rules on two threads ask for the same grouping at once: both get the one grouping.
TEST(GroupingTest, IsSharedSafelyAcrossThreads) {
  Table table("T", "t.csv", {"CHILD"}, DateForm::kDayMonthYear);
  for (int row = 0; row < 20000; ++row) table.AddRow({std::to_string(row % 997)}, row + 2);
  const Grouping* seen[2] = {nullptr, nullptr};
  std::thread other([&] { seen[1] = &table.GroupedBy({"CHILD"}); });
  seen[0] = &table.GroupedBy({"CHILD"});
  other.join();
  EXPECT_EQ(seen[0], seen[1]);
  EXPECT_EQ(seen[0]->size(), 997u);
}

// Against a std::map built the plain way, on keys that collide often in a small table.
TEST(GroupingTest, AgreesWithAPlainMapOnManyKeys) {
  Table table("T", "t.csv", {"a", "b"}, DateForm::kIso);
  std::map<std::pair<std::string, std::string>, std::vector<std::uint32_t>> expected;
  std::uint32_t state = 12345;
  for (std::uint32_t row = 0; row < 5000; ++row) {
    state = state * 1103515245u + 12345u;
    const std::string a = std::to_string((state >> 8) % 300);
    const std::string b = (state >> 20) % 3 == 0 ? "" : std::to_string((state >> 16) % 7);
    table.AddRow({a, b}, static_cast<int>(row));
    expected[{a, b}].push_back(row);
  }
  const Grouping& grouping = table.GroupedBy({"a", "b"});
  EXPECT_EQ(grouping.size(), expected.size());
  for (const auto& [key, rows] : expected) {
    EXPECT_EQ(Rows(grouping.Find({key.first, key.second})), rows) << key.first << "/" << key.second;
  }
}

}  // namespace
}  // namespace cairn::validate
