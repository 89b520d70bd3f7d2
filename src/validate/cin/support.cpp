#include "validate/cin/support.h"

namespace cairn::validate::cin {

void Marks::Flag(RuleOutput& out, std::string_view table, std::string_view column) const {
  for (std::size_t row = 0; row < marked_.size(); ++row) {
    if (marked_[row]) out.Flag(table, column, row);
  }
}

void Marks::Flag(RuleOutput& out, std::string_view table, std::initializer_list<std::string_view> columns) const {
  for (std::size_t row = 0; row < marked_.size(); ++row) {
    if (!marked_[row]) continue;
    for (std::string_view column : columns) out.Flag(table, column, row);
  }
}

std::string EpisodeKey(const Table& table, std::size_t row) {
  std::string key = table.Text("LAchildID", row);
  key += '\x1f';
  key += table.Text("CINdetailsID", row);
  return key;
}

const Grouping& RowsByEpisode(const Table& table) { return table.GroupedBy({"LAchildID", "CINdetailsID"}); }

RowList InEpisode(const Grouping& episodes, const Table& table, std::size_t row) {
  return episodes.Matching(table, row);
}

const Grouping& RowsByAssessment(const Table& table) {
  return table.GroupedBy({"LAchildID", "CINdetailsID", "AssessmentID"});
}

RowList OfAssessment(const Grouping& by_assessment, const Table& table, std::size_t row) {
  return by_assessment.Matching(table, row);
}

RowList OfChild(const Grouping& by_child, const Table& table, std::size_t row) {
  return by_child.Matching(table, row);
}

const Rows& Lookup(const std::unordered_map<std::string, Rows>& groups, const std::string& key) {
  static const Rows kNone;
  const auto found = groups.find(key);
  return found == groups.end() ? kNone : found->second;
}

}  // namespace cairn::validate::cin
