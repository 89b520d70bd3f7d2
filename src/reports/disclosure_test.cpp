#include "reports/disclosure.h"

#include <gtest/gtest.h>

#include <random>

#include "reports/adversary_test_support.h"

namespace cairn::reports {
namespace {

CountTable FromRows(const std::vector<std::vector<int64_t>>& rows, bool with_totals = true) {
  CountTable table(rows.size(), rows.empty() ? 0 : rows.front().size(), with_totals);
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) table.Set(r, c, rows[r][c]);
  }
  return table;
}

// Every count from 1 to 4 hidden, and the adversary (elimination and linear algebra) finds none.
void ExpectSafe(const DisclosedTable& shown) {
  const CountTable& table = shown.counts();
  for (size_t r = 0; r < table.grid_rows(); ++r) {
    for (size_t c = 0; c < table.grid_columns(); ++c) {
      if (IsSmallCount(table.Get(r, c))) {
        EXPECT_TRUE(shown.Hidden(r, c)) << "cell " << r << "," << c << " shown";
      }
      if (shown.Primary(r, c)) {
        EXPECT_NE(table.Get(r, c), 0) << "a zero hidden for its own sake at " << r << "," << c;
      }
    }
  }
  EXPECT_TRUE(testing::ReconstructByElimination(shown).empty());
  EXPECT_TRUE(DeterminedCells(shown).empty());
}

TEST(DisclosureTest, TotalsAreWorkedOutFromTheCells) {
  const CountTable table = FromRows({{1, 2}, {3, 10}});
  EXPECT_EQ(table.Get(0, 2), 3);
  EXPECT_EQ(table.Get(1, 2), 13);
  EXPECT_EQ(table.Get(2, 0), 4);
  EXPECT_EQ(table.Get(2, 1), 12);
  EXPECT_EQ(table.Get(2, 2), 16);
  EXPECT_TRUE(table.IsTotal(2, 0));
  EXPECT_FALSE(table.IsTotal(1, 1));
}

TEST(DisclosureTest, CountsFromOneToFourAreHiddenAndZerosAndFivesShown) {
  const DisclosedTable shown = Suppress(FromRows({{0, 1, 4, 5, 100}}, false));
  EXPECT_FALSE(shown.Hidden(0, 0));
  EXPECT_TRUE(shown.Primary(0, 1));
  EXPECT_TRUE(shown.Primary(0, 2));
  EXPECT_FALSE(shown.Hidden(0, 3));
  EXPECT_FALSE(shown.Hidden(0, 4));
  EXPECT_EQ(shown.HiddenCount(), 2u);
}

TEST(DisclosureTest, ALoneSmallCountInALineHidesAnotherSoTheTotalCannotGiveItAway) {
  // Row 0 holds a 3 among large counts: hiding it alone, 3 = 40 - 12 - 25.
  const DisclosedTable shown = Suppress(FromRows({{3, 12, 25}, {20, 30, 40}, {15, 16, 17}}));
  EXPECT_TRUE(shown.Primary(0, 0));
  EXPECT_TRUE(shown.Hidden(0, 1)) << "the smallest other count of the row hides the 3";
  EXPECT_FALSE(shown.Hidden(0, 2));
  ExpectSafe(shown);
}

TEST(DisclosureTest, ASmallTotalIsHiddenToo) {
  const DisclosedTable shown = Suppress(FromRows({{2, 0, 1}, {50, 60, 70}}));
  EXPECT_TRUE(shown.Primary(0, 3)) << "the row's total, 3";
  ExpectSafe(shown);
}

TEST(DisclosureTest, TheAdversaryFindsACellLeftAloneInItsLine) {
  // Played against a table hidden by hand, the adversary must succeed, or the tests prove nothing.
  DisclosedTable naive(FromRows({{3, 12, 25}, {20, 30, 40}}));
  naive.Hide(0, 0, true);
  const auto found = testing::ReconstructByElimination(naive);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.begin()->second, 3);
  EXPECT_FALSE(DeterminedCells(naive).empty());
}

TEST(DisclosureTest, LinearAlgebraFindsACellThatEliminationCannot) {
  // Two hidden rectangles joined by one hidden cell at (1,2): every line holds 0 or 2+ hidden
  // cells, so elimination stalls, but the lines of rows 0-1 less those of columns 0-1 leave it.
  DisclosedTable bridged(FromRows({{1, 2, 0, 0, 9}, {3, 4, 7, 0, 9}, {0, 0, 6, 1, 9}, {0, 0, 2, 3, 9}, {9, 9, 9, 9, 9}}));
  for (auto [r, c] : std::vector<std::pair<size_t, size_t>>{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 2}, {2, 2}, {2, 3}, {3, 2}, {3, 3}}) {
    bridged.Hide(r, c, true);
  }
  EXPECT_TRUE(testing::ReconstructByElimination(bridged).empty());
  const auto determined = DeterminedCells(bridged);
  ASSERT_FALSE(determined.empty());
  EXPECT_NE(std::find(determined.begin(), determined.end(), std::make_pair(size_t{1}, size_t{2})), determined.end());
  // Suppress() on the same counts hides more and leaves nothing to find.
  ExpectSafe(Suppress(bridged.counts()));
}

TEST(DisclosureTest, ACellAFigureElsewhereWouldGiveAwayIsWithheldAndProtected) {
  // The column total 46 (say a headline elsewhere counts 49 in all, 3 of them not in this table)
  // is withheld, and so is another total of the totals row and a cell of its column.
  const DisclosedTable shown = Suppress(FromRows({{20, 30, 40}, {26, 35, 45}}), {{2, 0}});
  EXPECT_TRUE(shown.Hidden(2, 0));
  EXPECT_FALSE(shown.Primary(2, 0));
  EXPECT_GE(shown.HiddenCount(), 4u);
  ExpectSafe(shown);
}

TEST(DisclosureTest, RandomTablesFullOfSmallCountsGiveNothingAway) {
  std::mt19937 random(20260401);
  for (int trial = 0; trial < 400; ++trial) {
    const size_t rows = 1 + random() % 7, columns = 1 + random() % 6;
    CountTable table(rows, columns, trial % 5 != 0);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < columns; ++c) {
        const unsigned kind = random() % 4;  // zeros, small counts and larger ones in equal parts
        table.Set(r, c, kind == 0 ? 0 : kind == 1 ? 1 + random() % 4 : 5 + random() % 60);
      }
    }
    SCOPED_TRACE("trial " + std::to_string(trial));
    ExpectSafe(Suppress(table));
  }
}

}  // namespace
}  // namespace cairn::reports
