#include "cli/table.h"

#include <algorithm>
#include <ostream>
#include <thread>

namespace cairn::cli {

void PrintRow(std::ostream& out, const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    line += cells[i];
    if (i + 1 == cells.size()) break;
    const size_t width = i < widths.size() ? widths[i] : 0;
    line += std::string(width > cells[i].size() ? width - cells[i].size() + 2 : 2, ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out << line << "\n";
}

std::vector<size_t> ColumnWidths(const std::vector<std::string>& headings,
                                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(headings.size());
  for (size_t i = 0; i < headings.size(); ++i) widths[i] = headings[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  return widths;
}

void PrintTable(std::ostream& out, const std::vector<std::string>& headings,
                const std::vector<std::vector<std::string>>& rows) {
  const std::vector<size_t> widths = ColumnWidths(headings, rows);
  PrintRow(out, headings, widths);
  for (const auto& row : rows) PrintRow(out, row, widths);
}

int Threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

}  // namespace cairn::cli
