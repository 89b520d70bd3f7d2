#include "validate/table.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace cairn::validate {
namespace {

// A column name's length and first seven bytes in one word. Rules ask for columns by name in
// their loops, and names mostly differ in those bytes, so finding a column compares words; only
// names of eight bytes or more are compared in full once their words agree.
std::uint64_t NameKey(std::string_view name) {
  std::uint64_t key = static_cast<std::uint64_t>(std::min<std::size_t>(name.size(), 255)) << 56;
  for (std::size_t i = 0; i < name.size() && i < 7; ++i) {
    key |= static_cast<std::uint64_t>(static_cast<unsigned char>(name[i])) << (8 * i);
  }
  return key;
}

}  // namespace

Table::Table(std::string name, std::string source, std::vector<std::string> columns, DateForm date_form)
    : name_(std::move(name)),
      source_(std::move(source)),
      date_form_(date_form),
      column_names_(std::move(columns)),
      values_(column_names_.size()) {
  for (const std::string& column : column_names_) column_keys_.push_back(NameKey(column));
  child_column_ = IndexOf("CHILD");
  if (!child_column_) child_column_ = IndexOf("LAchildID");
}

Table::Table(const Table& other)
    : name_(other.name_),
      source_(other.source_),
      date_form_(other.date_form_),
      column_names_(other.column_names_),
      column_keys_(other.column_keys_),
      child_column_(other.child_column_),
      values_(other.values_),
      lines_(other.lines_),
      blank_(other.blank_) {}

Table& Table::operator=(const Table& other) {
  if (this == &other) return *this;
  name_ = other.name_;
  source_ = other.source_;
  date_form_ = other.date_form_;
  column_names_ = other.column_names_;
  column_keys_ = other.column_keys_;
  child_column_ = other.child_column_;
  values_ = other.values_;
  lines_ = other.lines_;
  blank_ = other.blank_;
  DropDerived();
  return *this;
}

Table::Table(Table&& other) noexcept
    : name_(std::move(other.name_)),
      source_(std::move(other.source_)),
      date_form_(other.date_form_),
      column_names_(std::move(other.column_names_)),
      column_keys_(std::move(other.column_keys_)),
      child_column_(other.child_column_),
      values_(std::move(other.values_)),
      lines_(std::move(other.lines_)),
      blank_(std::move(other.blank_)) {
  other.DropDerived();
}

Table& Table::operator=(Table&& other) noexcept {
  if (this == &other) return *this;
  name_ = std::move(other.name_);
  source_ = std::move(other.source_);
  date_form_ = other.date_form_;
  column_names_ = std::move(other.column_names_);
  column_keys_ = std::move(other.column_keys_);
  child_column_ = other.child_column_;
  values_ = std::move(other.values_);
  lines_ = std::move(other.lines_);
  blank_ = std::move(other.blank_);
  DropDerived();
  other.DropDerived();
  return *this;
}

std::optional<std::size_t> Table::IndexOf(std::string_view column) const {
  // Rules ask for the same few columns of the same tables row after row, by names that sit at
  // one address (literals), so each thread remembers recent answers by table and address. An
  // answer is used only after checking the name at that index, so a table or a name that has
  // since moved to that address can only miss.
  struct Recent {
    const Table* table = nullptr;
    const char* name = nullptr;
    std::size_t index = 0;
  };
  thread_local std::array<Recent, 64> recent;
  Recent& slot = recent[(reinterpret_cast<std::uintptr_t>(column.data()) >> 2 ^
                         reinterpret_cast<std::uintptr_t>(this) >> 4) % recent.size()];
  // The name is checked by its NameKey, which for a name under 8 bytes is the whole name, and
  // only a longer one compared byte by byte.
  if (slot.table == this && slot.name == column.data() && slot.index < column_names_.size() &&
      column_keys_[slot.index] == NameKey(column) && (column.size() < 8 || column_names_[slot.index] == column)) {
    return slot.index;
  }
  const std::optional<std::size_t> found = FindColumn(column);
  if (found) slot = Recent{this, column.data(), *found};
  return found;
}

std::optional<std::size_t> Table::FindColumn(std::string_view column) const {
  const std::uint64_t key = NameKey(column);
  for (std::size_t i = 0; i < column_keys_.size(); ++i) {
    if (column_keys_[i] == key && (column.size() < 8 || column_names_[i] == column)) return i;
  }
  return std::nullopt;
}

const std::vector<std::string>& Table::Column(std::string_view column) const {
  const std::optional<std::size_t> index = IndexOf(column);
  return index ? values_[*index] : blank_;
}

const std::vector<std::optional<Date>>& Table::Dates(std::string_view column) const {
  const std::lock_guard lock(dates_mutex_);
  auto found = dates_.find(column);
  if (found != dates_.end()) return *found->second;
  const std::vector<std::string>& text = Column(column);
  auto parsed = std::make_unique<std::vector<std::optional<Date>>>();
  parsed->reserve(text.size());
  for (const std::string& value : text) parsed->push_back(ParseReturnDate(value, date_form_));
  return *dates_.emplace(std::string(column), std::move(parsed)).first->second;
}

const Grouping& Table::GroupedBy(std::initializer_list<std::string_view> columns) const {
  std::string key;
  for (std::string_view column : columns) {
    if (!key.empty()) key += '\x1f';
    key += column;
  }
  const std::lock_guard lock(groupings_mutex_);
  auto found = groupings_.find(key);
  if (found != groupings_.end()) return *found->second;
  const std::vector<std::string> names(columns.begin(), columns.end());
  auto grouping = std::make_unique<Grouping>(*this, names);
  return *groupings_.emplace(std::move(key), std::move(grouping)).first->second;
}

void Table::DropDerived() {
  {
    const std::lock_guard lock(dates_mutex_);
    dates_.clear();
  }
  {
    const std::lock_guard lock(shared_mutex_);
    shared_.clear();
  }
  const std::lock_guard lock(groupings_mutex_);
  groupings_.clear();
}

void Table::AddRow(std::vector<std::string> values, int line) {
  // Tables are built before any rule reads them, so the common case needs no lock.
  if (!dates_.empty() || !groupings_.empty() || !shared_.empty()) DropDerived();
  values.resize(column_names_.size());
  for (std::size_t i = 0; i < values.size(); ++i) values_[i].push_back(std::move(values[i]));
  lines_.push_back(line);
  blank_.emplace_back();
}

void Table::SetColumn(const std::string& column, std::vector<std::string> values) {
  DropDerived();
  values.resize(rows());
  if (std::optional<std::size_t> index = IndexOf(column)) {
    values_[*index] = std::move(values);
  } else {
    column_names_.push_back(column);
    column_keys_.push_back(NameKey(column));
    values_.push_back(std::move(values));
  }
}

void Table::Append(Table&& other) {
  DropDerived();
  for (std::size_t column = 0; column < values_.size() && column < other.values_.size(); ++column) {
    std::vector<std::string>& into = values_[column];
    std::vector<std::string>& from = other.values_[column];
    into.insert(into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }
  const std::size_t added = other.rows();
  for (std::size_t column = other.values_.size(); column < values_.size(); ++column) {
    values_[column].resize(values_[column].size() + added);
  }
  lines_.insert(lines_.end(), other.lines_.begin(), other.lines_.end());
  blank_.resize(lines_.size());
  other = Table(other.name_, other.source_, other.column_names_, other.date_form_);
}

void Table::Reserve(std::size_t rows) {
  DropDerived();
  for (auto& column : values_) column.reserve(rows);
  lines_.reserve(rows);
  blank_.reserve(rows);
}

namespace {

std::optional<int> Digits(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<Date> ParseReturnDate(std::string_view text, DateForm form) {
  if (text.empty()) return std::nullopt;
  if (form == DateForm::kIso) {
    // pandas reads "2024-03-31", "2024-03-31T00:00:00" and "2024-03-31 00:00:00" alike.
    if (text.size() > 10 && (text[10] == 'T' || text[10] == ' ')) text = text.substr(0, 10);
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const auto year = Digits(text.substr(0, 4));
    const auto month = Digits(text.substr(5, 2));
    const auto day = Digits(text.substr(8, 2));
    if (!year || !month || !day) return std::nullopt;
    Result<Date> date = Date::FromYmd(*year, *month, *day);
    if (!date.ok()) return std::nullopt;
    return date.value();
  }
  const std::size_t first = text.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = text.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view day_text = text.substr(0, first);
  const std::string_view month_text = text.substr(first + 1, second - first - 1);
  const std::string_view year_text = text.substr(second + 1);
  if (day_text.empty() || day_text.size() > 2 || month_text.empty() || month_text.size() > 2 ||
      year_text.size() != 4) {
    return std::nullopt;
  }
  const auto day = Digits(day_text);
  const auto month = Digits(month_text);
  const auto year = Digits(year_text);
  if (!day || !month || !year) return std::nullopt;
  Result<Date> date = Date::FromYmd(*year, *month, *day);
  if (!date.ok()) return std::nullopt;
  return date.value();
}

}  // namespace cairn::validate
