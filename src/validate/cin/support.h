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

// The CIN episode a row belongs to: the child and the CINdetailsID.
std::string EpisodeKey(const Table& table, std::size_t row);
// The rows of `table` by EpisodeKey.
std::unordered_map<std::string, Rows> RowsByEpisode(const Table& table);
// The rows under `key`, none when there are none.
const Rows& Lookup(const std::unordered_map<std::string, Rows>& groups, const std::string& key);

}  // namespace cairn::validate::cin
