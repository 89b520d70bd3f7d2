#include "validate/table.h"

#include <utility>

namespace cairn::validate {

Table::Table(std::string name, std::string source, std::vector<std::string> columns, DateForm date_form)
    : name_(std::move(name)),
      source_(std::move(source)),
      date_form_(date_form),
      column_names_(std::move(columns)),
      values_(column_names_.size()) {
  child_column_ = IndexOf("CHILD");
  if (!child_column_) child_column_ = IndexOf("LAchildID");
}

Table::Table(const Table& other)
    : name_(other.name_),
      source_(other.source_),
      date_form_(other.date_form_),
      column_names_(other.column_names_),
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
  child_column_ = other.child_column_;
  values_ = other.values_;
  lines_ = other.lines_;
  blank_ = other.blank_;
  const std::lock_guard lock(dates_mutex_);
  dates_.clear();
  return *this;
}

Table::Table(Table&& other) noexcept
    : name_(std::move(other.name_)),
      source_(std::move(other.source_)),
      date_form_(other.date_form_),
      column_names_(std::move(other.column_names_)),
      child_column_(other.child_column_),
      values_(std::move(other.values_)),
      lines_(std::move(other.lines_)),
      blank_(std::move(other.blank_)) {
  const std::lock_guard lock(other.dates_mutex_);
  dates_ = std::move(other.dates_);
}

Table& Table::operator=(Table&& other) noexcept {
  if (this == &other) return *this;
  name_ = std::move(other.name_);
  source_ = std::move(other.source_);
  date_form_ = other.date_form_;
  column_names_ = std::move(other.column_names_);
  child_column_ = other.child_column_;
  values_ = std::move(other.values_);
  lines_ = std::move(other.lines_);
  blank_ = std::move(other.blank_);
  const std::scoped_lock lock(dates_mutex_, other.dates_mutex_);
  dates_ = std::move(other.dates_);
  return *this;
}

std::optional<std::size_t> Table::IndexOf(std::string_view column) const {
  for (std::size_t i = 0; i < column_names_.size(); ++i) {
    if (column_names_[i] == column) return i;
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

void Table::AddRow(std::vector<std::string> values, int line) {
  values.resize(column_names_.size());
  for (std::size_t i = 0; i < values.size(); ++i) values_[i].push_back(std::move(values[i]));
  lines_.push_back(line);
  blank_.emplace_back();
}

void Table::SetColumn(const std::string& column, std::vector<std::string> values) {
  values.resize(rows());
  if (std::optional<std::size_t> index = IndexOf(column)) {
    values_[*index] = std::move(values);
  } else {
    column_names_.push_back(column);
    values_.push_back(std::move(values));
  }
  const std::lock_guard lock(dates_mutex_);
  dates_.erase(column);
}

void Table::Reserve(std::size_t rows) {
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
