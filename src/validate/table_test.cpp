#include "validate/table.h"

#include <gtest/gtest.h>

#include <cstdio>

#include <string>
#include <thread>
#include <vector>

namespace cairn::validate {
namespace {

Table Episodes() {
  Table table("Episodes", "episodes.csv", {"CHILD", "DECOM", "PLACE_PROVIDER"}, DateForm::kDayMonthYear);
  table.AddRow({"1", "01/04/2025", "PR1"}, 2);
  table.AddRow({"2", "02/04/2025", "PR2"}, 3);
  return table;
}

TEST(TableTest, AppendAddsTheOtherTablesRowsInOrder) {
  Table first = Episodes();
  Table second("Episodes", "episodes.csv", first.columns(), DateForm::kDayMonthYear);
  second.AddRow({"3", "not a date", "PR0"}, 4);
  ASSERT_EQ(first.DateAt("DECOM", 1), Date::FromYmdOrDie(2025, 4, 2));  // parsed and kept
  ASSERT_EQ(first.GroupedBy({"CHILD"}).size(), 2u);
  first.Append(std::move(second));
  ASSERT_EQ(first.rows(), 3u);
  EXPECT_EQ(first.Text("CHILD", 2), "3");
  EXPECT_EQ(first.Line(2), 4);
  EXPECT_FALSE(first.DateAt("DECOM", 2).has_value()) << "dates are read again after the table grows";
  EXPECT_EQ(first.GroupedBy({"CHILD"}).size(), 3u) << "groupings are built again after the table grows";
  EXPECT_EQ(second.rows(), 0u);
}

TEST(TableTest, ColumnsAreFoundByNameWhateverTheirLength) {
  const Table table = Episodes();
  EXPECT_EQ(table.Text("PLACE_PROVIDER", 1), "PR2");  // eight bytes or more: compared in full
  EXPECT_EQ(table.Text("CHILD", 0), "1");
  EXPECT_FALSE(table.Has("PLACE_PROVIDEX"));  // same length and first bytes, another name
  const std::string name = "DECOM";
  EXPECT_EQ(table.Text(name, 0), "01/04/2025");
  EXPECT_TRUE(table.Text("NOT_THERE", 0).empty());
}

TEST(TableTest, ANameAskedForAtAnAddressThatNowHoldsAnotherNameIsFoundAfresh) {
  const Table table = Episodes();
  char name[16] = "CHILD";
  EXPECT_EQ(table.ColumnIndex(name), 0u);
  std::snprintf(name, sizeof name, "%s", "DECOM");  // same address, another column
  EXPECT_EQ(table.ColumnIndex(name), 1u);
  std::snprintf(name, sizeof name, "%s", "UPN");
  EXPECT_FALSE(table.ColumnIndex(name).has_value());
}

TEST(TableTest, SharedValuesAreBuiltOnceAndDroppedWhenTheTableChanges) {
  Table table = Episodes();
  int built = 0;
  auto count_rows = [&] {
    ++built;
    return table.rows();
  };
  std::size_t seen[2] = {0, 0};
  std::thread other([&] { seen[1] = table.Shared<std::size_t>("rows", count_rows); });
  seen[0] = table.Shared<std::size_t>("rows", count_rows);
  other.join();
  EXPECT_EQ(built, 1);
  EXPECT_EQ(seen[0], 2u);
  EXPECT_EQ(seen[1], 2u);
  table.AddRow({"3", "", ""}, 4);
  EXPECT_EQ(table.Shared<std::size_t>("rows", count_rows), 3u);
  EXPECT_EQ(built, 2);
}

}  // namespace
}  // namespace cairn::validate
