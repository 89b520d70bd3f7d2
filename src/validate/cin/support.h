// What the CIN census rules share: the validator joins its tables as pandas merges on LAchildID
// and CINdetailsID (a blank key matching a blank key), and a rule that compares rows of two
// tables flags every row of both that takes part in a failing pair, each once.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "validate/rule.h"
#include "validate/table.h"

namespace cairn::validate::cin {

using Rows = std::vector<std::size_t>;

// The rows of one table that break a rule, each flagged once.
class Marks {
 public:
  explicit Marks(const Table& table) : marked_(table.rows(), false) {}
  void Mark(std::size_t row) { marked_[row] = true; }
  // Flags every marked row at `column`, or at each of `columns`.
  void Flag(RuleOutput& out, std::string_view table, std::string_view column) const;
  void Flag(RuleOutput& out, std::string_view table, std::initializer_list<std::string_view> columns) const;

 private:
  std::vector<bool> marked_;
};

// A group of rows (grouping.h).
using RowList = Grouping::RowList;

// The CIN episode a row belongs to: the child and the CINdetailsID, as one string for maps a
// rule builds itself.
std::string EpisodeKey(const Table& table, std::size_t row);
// The rows of `table` by CIN episode (LAchildID, CINdetailsID): the table's shared grouping.
const Grouping& RowsByEpisode(const Table& table);
// The rows of `episodes` (RowsByEpisode of another table) in the CIN episode of `table`'s `row`.
RowList InEpisode(const Grouping& episodes, const Table& table, std::size_t row);
// The rows of `by_assessment` (another table grouped by LAchildID, CINdetailsID and
// AssessmentID) of the assessment `table`'s `row` names.
RowList OfAssessment(const Grouping& by_assessment, const Table& table, std::size_t row);
// The rows of `table` by assessment (LAchildID, CINdetailsID, AssessmentID).
const Grouping& RowsByAssessment(const Table& table);
// The rows of `by_child` (a grouping by LAchildID) of the child `table`'s `row` names.
RowList OfChild(const Grouping& by_child, const Table& table, std::size_t row);
// The rows under `key` of a map a rule built itself, none when there are none.
const Rows& Lookup(const std::unordered_map<std::string, Rows>& groups, const std::string& key);
// The rows under the one-column `key` of a grouping.
inline RowList Lookup(const Grouping& groups, std::string_view key) { return groups.Find(key); }

}  // namespace cairn::validate::cin
