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
  Finding finding;
  finding.rule = &rule_;
  finding.table = table->name();
  finding.row = row;
  // The SSDA903 validator points a row's finding at every field of the rule the table has.
  for (const std::string& field : rule_.fields) {
    if (table->Has(field)) {
      finding.columns.push_back(field);
      finding.values.push_back(table->Text(field, row));
    }
  }
  finding.child_id = table->Text(data_.ChildColumn(), row);
  finding.source = table->source();
  finding.line = table->Line(row);
  findings_.push_back(std::move(finding));
}

void RuleOutput::Flag(std::string_view table_name, std::string_view column, std::size_t row) {
  const Table* table = TableNamed(table_name);
  if (table == nullptr || row >= table->rows()) return;
  Finding finding;
  finding.rule = &rule_;
  finding.table = table->name();
  finding.row = row;
  finding.columns.emplace_back(column);
  finding.values.push_back(table->Text(column, row));
  finding.child_id = table->Text(data_.ChildColumn(), row);
  finding.source = table->source();
  finding.line = table->Line(row);
  findings_.push_back(std::move(finding));
}

void RuleOutput::FlagReturn() {
  Finding finding;
  finding.rule = &rule_;
  if (!data_.tables.empty()) finding.source = data_.tables.front().source();
  findings_.push_back(std::move(finding));
}

}  // namespace cairn::validate
