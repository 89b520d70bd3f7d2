#include "validate/rule.h"

#include <algorithm>

namespace cairn::validate {

std::string_view ReturnKindName(ReturnKind kind) {
  return kind == ReturnKind::kSsda903 ? "SSDA903" : "CIN census";
}

std::string_view RuleTypeName(RuleType type) { return type == RuleType::kError ? "error" : "query"; }

const Table* Return::Find(std::string_view name) const {
  for (const Table& table : tables) {
    if (table.name() == name) return &table;
  }
  return nullptr;
}

Table* Return::FindMutable(std::string_view name) {
  for (Table& table : tables) {
    if (table.name() == name) return &table;
  }
  return nullptr;
}

const Table* RuleOutput::TableNamed(std::string_view table) const { return data_.Find(table); }

void RuleOutput::Flag(std::string_view table_name, std::size_t row) {
  const Table* table = TableNamed(table_name);
  if (table == nullptr || row >= table->rows()) return;  // a rule's mistake must not crash a run
  // The SSDA903 validator points a row's finding at every field of the rule the table has.
  findings_.push_back({&rule_, table, row, Finding::kRuleFields, nullptr});
}

void RuleOutput::Flag(std::string_view table_name, std::string_view column, std::size_t row) {
  const Table* table = TableNamed(table_name);
  if (table == nullptr || row >= table->rows()) return;
  const std::optional<std::size_t> index = table->ColumnIndex(column);
  // A column the table lacks (a rule's own derived name) points at the rule's fields instead.
  findings_.push_back({&rule_, table, row, index ? static_cast<int>(*index) : Finding::kRuleFields, nullptr});
}

void RuleOutput::FlagReturn() {
  findings_.push_back({&rule_, nullptr, 0, Finding::kRuleFields, data_.tables.empty() ? nullptr : &data_.tables.front()});
}

std::string_view Finding::table() const { return where == nullptr ? std::string_view() : std::string_view(where->name()); }

std::optional<std::size_t> Finding::row() const {
  if (where == nullptr) return std::nullopt;
  return at_row;
}

std::vector<std::string_view> Finding::columns() const {
  std::vector<std::string_view> names;
  if (where == nullptr) return names;
  if (column != kRuleFields) {
    names.emplace_back(where->columns()[static_cast<std::size_t>(column)]);
    return names;
  }
  for (const std::string& field : rule->fields) {
    if (where->Has(field)) names.emplace_back(field);
  }
  return names;
}

std::vector<std::string_view> Finding::values() const {
  std::vector<std::string_view> values;
  for (std::string_view name : columns()) values.emplace_back(where->Text(name, at_row));
  return values;
}

std::string_view Finding::child_id() const { return where == nullptr ? std::string_view() : where->ChildId(at_row); }

std::string_view Finding::source() const {
  if (where != nullptr) return where->source();
  return return_first == nullptr ? std::string_view() : std::string_view(return_first->source());
}

int Finding::line() const { return where == nullptr ? 0 : where->Line(at_row); }

}  // namespace cairn::validate
