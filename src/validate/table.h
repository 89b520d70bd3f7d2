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

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <vector>

#include "base/date.h"
#include "validate/grouping.h"

namespace cairn::validate {

enum class DateForm { kDayMonthYear, kIso };

class Table {
 public:
  Table() = default;
  // `source` names the file in messages; `columns` are the table's columns in order.
  Table(std::string name, std::string source, std::vector<std::string> columns, DateForm date_form);
  Table(const Table& other);
  Table& operator=(const Table& other);
  // Copies and moves take the values; what is derived from them (dates, groupings, shared
  // values) is built again on first use (DropDerived).
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
  // The rows grouped by the values of `columns` (grouping.h), built on first use and shared by
  // every rule until the table changes.
  const Grouping& GroupedBy(std::initializer_list<std::string_view> columns) const;
  // Something rules derive from this table alone (a sort order, say), built by the first rule
  // that asks for it under `key` and shared with the rest until the table changes. `key` names
  // everything the value depends on; building holds a lock, so `build` may ask for others.
  template <typename T, typename Build>
  const T& Shared(std::string_view key, Build build) const {
    const std::lock_guard lock(shared_mutex_);
    auto found = shared_.find(key);
    if (found == shared_.end()) {
      std::shared_ptr<const void> value = std::make_shared<const T>(build());
      found = shared_.emplace(std::string(key), SharedValue{std::type_index(typeid(T)), std::move(value)}).first;
    }
    assert(found->second.type == std::type_index(typeid(T)));
    return *static_cast<const T*>(found->second.value.get());
  }
  // The 1-based line of the source the row came from (0 when it came from nowhere in a file).
  int Line(std::size_t row) const { return lines_[row]; }

  // Building. AddRow takes values in columns() order (missing trailing values are blank).
  void AddRow(std::vector<std::string> values, int line);
  // Adds a derived column (Header's UASC, Episodes' PL_LA, ...) or replaces one.
  void SetColumn(const std::string& column, std::vector<std::string> values);
  void Reserve(std::size_t rows);
  // Appends `other`'s rows, which has the same columns in the same order.
  void Append(Table&& other);

 private:
  std::optional<std::size_t> IndexOf(std::string_view column) const;
  std::optional<std::size_t> FindColumn(std::string_view column) const;
  void DropDerived();

  std::string name_;
  std::string source_;
  DateForm date_form_ = DateForm::kDayMonthYear;
  std::vector<std::string> column_names_;
  std::vector<std::uint64_t> column_keys_;  // NameKey of each name, for IndexOf
  std::optional<std::size_t> child_column_;
  std::vector<std::vector<std::string>> values_;  // values_[column][row]
  std::vector<int> lines_;
  std::vector<std::string> blank_;  // rows() blanks, for columns the table lacks

  // What is derived from the values, each built on first use and guarded, as rules run on
  // several threads; any change to the table drops all of it (DropDerived), and copies and
  // moves start without. Dates parsed by column:
  mutable std::mutex dates_mutex_;
  mutable std::map<std::string, std::unique_ptr<std::vector<std::optional<Date>>>, std::less<>> dates_;
  // Groupings by their columns joined with '\x1f' (they point into values_), and shared values:
  mutable std::mutex groupings_mutex_;
  mutable std::map<std::string, std::unique_ptr<Grouping>, std::less<>> groupings_;
  struct SharedValue {
    std::type_index type;
    std::shared_ptr<const void> value;
  };
  mutable std::recursive_mutex shared_mutex_;
  mutable std::map<std::string, SharedValue, std::less<>> shared_;
};

// The date `text` stands for in `form`, or nullopt. dd/mm/yyyy takes one- or two-digit days
// and months, as pandas' "%d/%m/%Y" does; yyyy-mm-dd may be followed by a time
// ("2024-03-31T00:00:00"), as pandas reads it.
std::optional<Date> ParseReturnDate(std::string_view text, DateForm form);

}  // namespace cairn::validate
