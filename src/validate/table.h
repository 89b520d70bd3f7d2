// One table of a return as the DfE's validators see it: every value is text, a blank value is
// "not given", and a row is known by its position (0-based, as the public validators number
// their findings) and by the line of the file it came from (for messages).
//
// The SSDA903 tables are the twelve CSV tables (or the same tables built from 903 XML); the CIN
// census is flattened into eleven tables exactly as the public validator flattens it
// (ChildIdentifiers, CINdetails, Assessments, ...). Rules read columns by name; a column the
// table does not have reads as blank everywhere, as a rule that asks for one in pandas gets NaN
// only after a merge, so rules that need a column check Has() first.
//
// Values are stored by column, so a rule that scans one column touches only that column, and
// dates are parsed once per column, on first use, in the return's own form (dd/mm/yyyy for the
// SSDA903, yyyy-mm-dd for the CIN census).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"

namespace cairn::validate {

enum class DateForm { kDayMonthYear, kIso };

class Table {
 public:
  Table() = default;
  // `source` names the file in messages; `columns` are the table's columns in order.
  Table(std::string name, std::string source, std::vector<std::string> columns, DateForm date_form);
  Table(const Table& other);
  Table& operator=(const Table& other);
  // Moves take the values, not the date cache's lock (a mutex cannot move).
  Table(Table&& other) noexcept;
  Table& operator=(Table&& other) noexcept;

  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  const std::vector<std::string>& columns() const { return column_names_; }
  std::size_t rows() const { return lines_.size(); }
  DateForm date_form() const { return date_form_; }

  bool Has(std::string_view column) const { return IndexOf(column).has_value(); }
  std::optional<std::size_t> ColumnIndex(std::string_view column) const { return IndexOf(column); }
  // The child the row is about: its CHILD (SSDA903) or LAchildID (CIN census); "" when the
  // table has neither (the CIN census header).
  std::string_view ChildId(std::size_t row) const {
    return child_column_ ? std::string_view(values_[*child_column_][row]) : std::string_view();
  }
  // Every value of `column`, one per row; "" where not given. A column the table lacks reads as
  // blank in every row.
  const std::vector<std::string>& Column(std::string_view column) const;
  const std::string& Text(std::string_view column, std::size_t row) const { return Column(column)[row]; }
  // The column read as dates in the table's form; nullopt where blank or not a date.
  const std::vector<std::optional<Date>>& Dates(std::string_view column) const;
  std::optional<Date> DateAt(std::string_view column, std::size_t row) const { return Dates(column)[row]; }
  // The 1-based line of the source the row came from (0 when it came from nowhere in a file).
  int Line(std::size_t row) const { return lines_[row]; }

  // Building. AddRow takes values in columns() order (missing trailing values are blank).
  void AddRow(std::vector<std::string> values, int line);
  // Adds a derived column (Header's UASC, Episodes' PL_LA, ...) or replaces one.
  void SetColumn(const std::string& column, std::vector<std::string> values);
  void Reserve(std::size_t rows);

 private:
  std::optional<std::size_t> IndexOf(std::string_view column) const;

  std::string name_;
  std::string source_;
  DateForm date_form_ = DateForm::kDayMonthYear;
  std::vector<std::string> column_names_;
  std::optional<std::size_t> child_column_;
  std::vector<std::vector<std::string>> values_;  // values_[column][row]
  std::vector<int> lines_;
  std::vector<std::string> blank_;  // rows() blanks, for columns the table lacks

  // Dates parsed on first use. Rules may run on several threads, so the cache is guarded.
  mutable std::mutex dates_mutex_;
  mutable std::map<std::string, std::unique_ptr<std::vector<std::optional<Date>>>, std::less<>> dates_;
};

// The date `text` stands for in `form`, or nullopt. dd/mm/yyyy takes one- or two-digit days
// and months, as pandas' "%d/%m/%Y" does; yyyy-mm-dd may be followed by a time
// ("2024-03-31T00:00:00"), as pandas reads it.
std::optional<Date> ParseReturnDate(std::string_view text, DateForm form);

}  // namespace cairn::validate
