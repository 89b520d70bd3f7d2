#include "reports/disclosure.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace cairn::reports {

CountTable::CountTable(size_t rows, size_t columns, bool with_totals)
    : rows_(rows), columns_(columns), with_totals_(with_totals), grid_(grid_rows() * grid_columns(), 0) {}

void CountTable::Set(size_t row, size_t column, int64_t count) {
  count = std::max<int64_t>(count, 0);
  const size_t width = grid_columns();
  const int64_t change = count - grid_[row * width + column];
  grid_[row * width + column] = count;
  if (with_totals_) {
    grid_[row * width + columns_] += change;
    grid_[rows_ * width + column] += change;
    grid_[rows_ * width + columns_] += change;
  }
}

int64_t CountTable::Get(size_t row, size_t column) const { return grid_[row * grid_columns() + column]; }

size_t DisclosedTable::HiddenCount() const {
  return static_cast<size_t>(std::count_if(hidden_.begin(), hidden_.end(), [](uint8_t mark) { return mark != 0; }));
}

std::vector<Line> PublishedLines(const CountTable& table) {
  std::vector<Line> lines;
  if (!table.with_totals()) return lines;
  // Every row of the extended grid (the totals row too), then every column.
  for (size_t r = 0; r < table.grid_rows(); ++r) {
    Line line;
    for (size_t c = 0; c < table.grid_columns(); ++c) line.cells.emplace_back(r, c);
    lines.push_back(std::move(line));
  }
  for (size_t c = 0; c < table.grid_columns(); ++c) {
    Line line;
    for (size_t r = 0; r < table.grid_rows(); ++r) line.cells.emplace_back(r, c);
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::pair<size_t, size_t>> DeterminedCells(const DisclosedTable& shown) {
  const CountTable& table = shown.counts();
  const std::vector<Line> lines = PublishedLines(table);
  // The unknowns: the hidden cells, numbered.
  std::vector<std::pair<size_t, size_t>> unknowns;
  std::vector<int> number(table.grid_rows() * table.grid_columns(), -1);
  for (size_t r = 0; r < table.grid_rows(); ++r) {
    for (size_t c = 0; c < table.grid_columns(); ++c) {
      if (!shown.Hidden(r, c)) continue;
      number[r * table.grid_columns() + c] = static_cast<int>(unknowns.size());
      unknowns.emplace_back(r, c);
    }
  }
  if (unknowns.empty() || lines.empty()) return {};
  // One equation a line: its cells (+1) less its total (-1), over the unknowns only; what is
  // shown moves to the right-hand side, which does not decide whether a cell is determined.
  const size_t width = unknowns.size();
  std::vector<std::vector<double>> matrix;
  for (const Line& line : lines) {
    std::vector<double> row(width, 0.0);
    bool any = false;
    for (size_t i = 0; i < line.cells.size(); ++i) {
      const auto [r, c] = line.cells[i];
      const int n = number[r * table.grid_columns() + c];
      if (n < 0) continue;
      row[static_cast<size_t>(n)] += i + 1 == line.cells.size() ? -1.0 : 1.0;
      any = true;
    }
    if (any) matrix.push_back(std::move(row));
  }
  // Reduced row echelon form. The coefficients are small integers and the systems small, so
  // doubles with a tolerance are exact enough.
  constexpr double kTiny = 1e-9;
  std::vector<std::optional<size_t>> pivot_row(width);
  size_t next = 0;
  for (size_t column = 0; column < width && next < matrix.size(); ++column) {
    size_t best = next;
    for (size_t r = next; r < matrix.size(); ++r) {
      if (std::fabs(matrix[r][column]) > std::fabs(matrix[best][column])) best = r;
    }
    if (std::fabs(matrix[best][column]) < kTiny) continue;
    std::swap(matrix[best], matrix[next]);
    const double scale = matrix[next][column];
    for (double& value : matrix[next]) value /= scale;
    for (size_t r = 0; r < matrix.size(); ++r) {
      if (r == next || std::fabs(matrix[r][column]) < kTiny) continue;
      const double factor = matrix[r][column];
      for (size_t k = 0; k < width; ++k) matrix[r][k] -= factor * matrix[next][k];
    }
    pivot_row[column] = next++;
  }
  // A pivot unknown is determined when its row has nothing in any free column: every solution
  // of the published equations then gives it the same value.
  std::vector<std::pair<size_t, size_t>> determined;
  for (size_t column = 0; column < width; ++column) {
    if (!pivot_row[column]) continue;
    const std::vector<double>& row = matrix[*pivot_row[column]];
    bool free_part = false;
    for (size_t k = 0; k < width && !free_part; ++k) {
      if (!pivot_row[k] && std::fabs(row[k]) > kTiny) free_part = true;
    }
    if (!free_part) determined.push_back(unknowns[column]);
  }
  return determined;
}

namespace {

// The shown cell of `line` to suppress next: the smallest non-zero, a cell before a total; a
// zero only when the line has nothing else (hiding it still stops the line giving a value away).
std::optional<std::pair<size_t, size_t>> NextToHide(const DisclosedTable& shown, const Line& line) {
  const CountTable& table = shown.counts();
  std::optional<std::pair<size_t, size_t>> best;
  auto rank = [&](std::pair<size_t, size_t> cell) {
    const int64_t count = table.Get(cell.first, cell.second);
    // Lower is better: non-zero cells, then non-zero totals, then zeros.
    const int kind = count == 0 ? 2 : (table.IsTotal(cell.first, cell.second) ? 1 : 0);
    return std::make_pair(kind, count);
  };
  for (const auto& cell : line.cells) {
    if (shown.Hidden(cell.first, cell.second)) continue;
    if (!best || rank(cell) < rank(*best)) best = cell;
  }
  return best;
}

}  // namespace

DisclosedTable Suppress(CountTable table, const std::vector<std::pair<size_t, size_t>>& also_hide) {
  DisclosedTable shown(std::move(table));
  const CountTable& counts = shown.counts();
  for (size_t r = 0; r < counts.grid_rows(); ++r) {
    for (size_t c = 0; c < counts.grid_columns(); ++c) {
      if (IsSmallCount(counts.Get(r, c))) shown.Hide(r, c, true);
    }
  }
  for (const auto& [r, c] : also_hide) {
    if (r < counts.grid_rows() && c < counts.grid_columns() && counts.Get(r, c) != 0) shown.Hide(r, c, false);
  }
  const std::vector<Line> lines = PublishedLines(counts);
  if (lines.empty()) return shown;
  while (true) {
    // A line with one hidden cell gives it away by subtraction.
    bool changed = true;
    while (changed) {
      changed = false;
      for (const Line& line : lines) {
        const auto hidden = std::count_if(line.cells.begin(), line.cells.end(),
                                          [&](const auto& cell) { return shown.Hidden(cell.first, cell.second); });
        if (hidden != 1) continue;
        if (auto cell = NextToHide(shown, line)) {
          shown.Hide(cell->first, cell->second, false);
          changed = true;
        }
      }
    }
    // What subtraction line by line cannot reach, adding lines together may.
    const std::vector<std::pair<size_t, size_t>> determined = DeterminedCells(shown);
    if (determined.empty()) break;
    const auto [r, c] = determined.front();
    std::optional<std::pair<size_t, size_t>> cell;
    for (const Line& line : lines) {
      const bool holds = std::find(line.cells.begin(), line.cells.end(), std::make_pair(r, c)) != line.cells.end();
      if (!holds) continue;
      std::optional<std::pair<size_t, size_t>> candidate = NextToHide(shown, line);
      if (candidate && (!cell || counts.Get(candidate->first, candidate->second) < counts.Get(cell->first, cell->second))) {
        cell = candidate;
      }
    }
    if (!cell) {  // both its lines wholly hidden: hide anything still shown
      for (const Line& line : lines) {
        if ((cell = NextToHide(shown, line))) break;
      }
    }
    if (!cell) break;  // nothing left to hide
    shown.Hide(cell->first, cell->second, false);
  }
  return shown;
}

}  // namespace cairn::reports
