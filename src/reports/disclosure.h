// Disclosure control for published counts: no count from 1 to 4 is shown, and no such count can
// be worked out from what is shown beside it.
//
// A CountTable is a grid of counts, with or without its row and column totals (the margins).
// Suppress() marks
//   * every count from 1 to 4 (primary suppression), totals included: a total of 3 is as
//     telling as a cell of 3;
//   * then, where totals are published, enough further cells that no suppressed value can be
//     worked out from the totals (secondary suppression): while any row or column (the totals
//     row and column included) holds exactly one suppressed cell, the smallest non-zero shown
//     cell of that line is suppressed too, preferring a cell over a total (a total is often a
//     headline figure printed elsewhere); and then, because "no line with exactly one" does not
//     stop every linear attack (two blocks of suppressed cells joined by one cell: adding up the
//     lines on one side of it gives that cell), each suppressed cell that the published totals
//     still determine exactly (checked by Gaussian elimination) has a further cell in one of
//     its lines suppressed, until none is determined.
// Zeros are shown (a zero names nobody), except where a zero is the only cell left that can stop
// a line giving another away: then it is withheld like any other cell, and nobody can tell it is
// a zero.
//
//   CountTable table(3, 2, /*with_totals=*/true);
//   table.Set(0, 0, 12); ...
//   DisclosedTable shown = Suppress(table);
//   if (shown.Hidden(row, column)) ... // print the mark, not the count
//
// The test (disclosure_test.cpp) plays the adversary against every table: iterative elimination
// from the row, column and grand totals, and the same by linear algebra.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::reports {

// The mark printed in place of a suppressed count, and what a footnote says it means.
inline constexpr std::string_view kSuppressedMark = "[c]";
inline constexpr std::string_view kSuppressedMeaning =
    "[c]: fewer than 5, or withheld so that a figure of fewer than 5 cannot be worked out from the totals.";

// Whether a count on its own must not be shown: 1 to 4.
constexpr bool IsSmallCount(int64_t count) { return count >= 1 && count <= 4; }

// A grid of counts. With totals, row r's total is at column `columns()` and column c's total at
// row `rows()`, the grand total at (rows(), columns()): the table is held as its extended grid,
// so a total is addressed like any cell. The totals are worked out, never set.
class CountTable {
 public:
  CountTable(size_t rows, size_t columns, bool with_totals);

  size_t rows() const { return rows_; }
  size_t columns() const { return columns_; }
  bool with_totals() const { return with_totals_; }
  // The extended grid's size: rows() + 1 and columns() + 1 with totals, else rows() and columns().
  size_t grid_rows() const { return rows_ + (with_totals_ ? 1 : 0); }
  size_t grid_columns() const { return columns_ + (with_totals_ ? 1 : 0); }

  // A cell's count (row < rows(), column < columns()); negative counts are refused (they are 0).
  void Set(size_t row, size_t column, int64_t count);
  void Add(size_t row, size_t column, int64_t count) { Set(row, column, Get(row, column) + count); }
  // Any cell of the extended grid, totals included.
  int64_t Get(size_t row, size_t column) const;
  bool IsTotal(size_t row, size_t column) const {
    return with_totals_ && (row == rows_ || column == columns_);
  }

 private:
  size_t rows_, columns_;
  bool with_totals_;
  std::vector<int64_t> grid_;  // grid_rows() x grid_columns(), row-major; totals kept up to date
};

// A table with the cells that must not be shown marked.
class DisclosedTable {
 public:
  DisclosedTable() : DisclosedTable(CountTable(0, 0, false)) {}
  explicit DisclosedTable(CountTable counts)
      : counts_(std::move(counts)), hidden_(counts_.grid_rows() * counts_.grid_columns(), 0) {}

  const CountTable& counts() const { return counts_; }
  bool Hidden(size_t row, size_t column) const { return hidden_[row * counts_.grid_columns() + column] != 0; }
  // Why a cell is hidden: 1 its own count is 1 to 4 (primary), 2 it hides another (secondary).
  bool Primary(size_t row, size_t column) const { return hidden_[row * counts_.grid_columns() + column] == 1; }
  void Hide(size_t row, size_t column, bool primary) {
    uint8_t& mark = hidden_[row * counts_.grid_columns() + column];
    if (mark == 0) mark = primary ? 1 : 2;
  }
  size_t HiddenCount() const;

 private:
  CountTable counts_;
  std::vector<uint8_t> hidden_;
};

// Primary and, for a table with totals, secondary suppression, as the header describes.
// `also_hide`: cells (of the extended grid) to withhold before the secondary pass, because a
// figure printed elsewhere would otherwise let a count of 1 to 4 be worked out from them (a
// column total that differs from a headline figure by a few children); they are protected like
// any other withheld cell.
DisclosedTable Suppress(CountTable table, const std::vector<std::pair<size_t, size_t>>& also_hide = {});

// The published equations of a table with totals: each row and column of the extended grid
// (each says its cells add up to its total). For the adversary and the suppression alike.
struct Line {
  std::vector<std::pair<size_t, size_t>> cells;  // the line's cells, its total last
};
std::vector<Line> PublishedLines(const CountTable& table);

// The hidden cells whose values the shown cells and totals determine exactly, by linear algebra
// over the published lines (a hidden cell no equation can pin down is safe). Empty for a table
// whose suppression holds.
std::vector<std::pair<size_t, size_t>> DeterminedCells(const DisclosedTable& table);

}  // namespace cairn::reports
