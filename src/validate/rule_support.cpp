#include "validate/rule_support.h"

#include <charconv>
#include <cmath>

namespace cairn::validate {

const Grouping& RowsBy(const Table& table, std::string_view column) { return table.GroupedBy({column}); }

std::vector<std::size_t> RowsWhere(const Table& table, std::string_view column, std::string_view value) {
  std::vector<std::size_t> rows;
  const std::vector<std::string>& values = table.Column(column);
  for (std::size_t row = 0; row < values.size(); ++row) {
    if (values[row] == value) rows.push_back(row);
  }
  return rows;
}

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<double> ToNumber(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace cairn::validate
