// What the commands that print tables share: aligned columns, and how many threads to use.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cairn::cli {

// Writes one row: each cell but the last padded to its column's width, two spaces between
// columns, no trailing spaces. A cell wider than its column pushes the rest along.
void PrintRow(std::ostream& out, const std::vector<std::string>& cells, const std::vector<size_t>& widths);

// The widths that fit the headings and every row.
std::vector<size_t> ColumnWidths(const std::vector<std::string>& headings,
                                 const std::vector<std::vector<std::string>>& rows);

// The headings and every row, in columns that fit them all.
void PrintTable(std::ostream& out, const std::vector<std::string>& headings,
                const std::vector<std::vector<std::string>>& rows);

// Threads for whole-council work: one per core.
int Threads();

}  // namespace cairn::cli
