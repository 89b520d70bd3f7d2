// Small tools the rules share. Each rule is a function of a Return and a RuleOutput; these
// keep the functions short and say what the pandas idioms of the public validators mean.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/date.h"
#include "validate/rule.h"
#include "validate/table.h"

namespace cairn::validate {

// Whether `value` is one of `codes` (exact comparison; SSDA903 values are already upper-case).
inline bool OneOf(std::string_view value, std::initializer_list<std::string_view> codes) {
  for (std::string_view code : codes) {
    if (value == code) return true;
  }
  return false;
}

// Every table the rule needs is present; otherwise the rule is marked skipped, as the
// validators return {} when a table is missing.
inline bool Need(const Return& data, RuleOutput& out, std::initializer_list<std::string_view> tables) {
  for (std::string_view table : tables) {
    if (data.Find(table) == nullptr) {
      out.Skip();
      return false;
    }
  }
  return true;
}

// The rows of `table` grouped by the value of `column` (blank values included, as one group),
// each group in row order: the table's shared grouping (Table::GroupedBy).
const Grouping& RowsBy(const Table& table, std::string_view column);

// The row numbers of `table` whose `column` value is `value`.
std::vector<std::size_t> RowsWhere(const Table& table, std::string_view column, std::string_view value);

// Whether `text` is a whole number written in digits only ("0", "12"), as rules that check
// counts and scores mean it.
bool IsDigits(std::string_view text);

// `text` as a number the way pandas' to_numeric(errors="coerce") reads it ("1", "1.0", " 2 ",
// "-3", "1e2"), or nullopt.
std::optional<double> ToNumber(std::string_view text);

}  // namespace cairn::validate
