// The adversary the disclosure tests play against every published table: it knows every shown
// cell and total and tries to work out each suppressed one. Test code only.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "reports/disclosure.h"

namespace cairn::reports::testing {

// Iterative elimination: while some published line (a row or column with its total, the grand
// total included) has exactly one unknown cell, that cell is the total less the rest (or, for a
// total, the sum of the rest). Returns every hidden cell it worked out, with the value it found.
inline std::map<std::pair<size_t, size_t>, int64_t> ReconstructByElimination(const DisclosedTable& shown) {
  const CountTable& table = shown.counts();
  std::map<std::pair<size_t, size_t>, int64_t> known;  // what the adversary knows
  for (size_t r = 0; r < table.grid_rows(); ++r) {
    for (size_t c = 0; c < table.grid_columns(); ++c) {
      if (!shown.Hidden(r, c)) known[{r, c}] = table.Get(r, c);
    }
  }
  std::map<std::pair<size_t, size_t>, int64_t> found;
  const std::vector<Line> lines = PublishedLines(table);
  bool progress = true;
  while (progress) {
    progress = false;
    for (const Line& line : lines) {
      std::vector<std::pair<size_t, size_t>> unknown;
      for (const auto& cell : line.cells) {
        if (!known.count(cell)) unknown.push_back(cell);
      }
      if (unknown.size() != 1) continue;
      const auto target = unknown.front();
      const auto total = line.cells.back();
      int64_t value = 0;
      if (target == total) {
        for (size_t i = 0; i + 1 < line.cells.size(); ++i) value += known.at(line.cells[i]);
      } else {
        value = known.at(total);
        for (size_t i = 0; i + 1 < line.cells.size(); ++i) {
          if (line.cells[i] != target) value -= known.at(line.cells[i]);
        }
      }
      known[target] = value;
      found[target] = value;
      progress = true;
    }
  }
  return found;
}

}  // namespace cairn::reports::testing
