#include "validate/grouping.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <functional>

#include "validate/table.h"

namespace cairn::validate {
namespace {

std::uint64_t Mix(std::uint64_t hash, std::string_view value) {
  // Boost's hash_combine with a 64-bit constant: enough spread for open addressing, and the
  // separator-free combination cannot confuse ("ab", "c") with ("a", "bc") because each value
  // is hashed whole before it is mixed in.
  return hash ^ (std::hash<std::string_view>()(value) + 0x9E3779B97F4A7C15ull + (hash << 6) + (hash >> 2));
}

}  // namespace

Grouping::Grouping(const Table& table, std::span<const std::string> columns)
    : table_(&table), column_names_(columns.begin(), columns.end()) {
  for (const std::string& column : columns) key_columns_.push_back(&table.Column(column));
  const std::size_t rows = table.rows();
  group_of_row_.resize(rows);
  // At least twice the most groups there can be, so probes stay short and nothing is rehashed.
  slots_.assign(std::bit_ceil(std::max<std::size_t>(2 * rows, 16)), kEmpty);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t row = 0; row < rows; ++row) {
    const std::uint64_t hash = HashOfRow(row);
    std::size_t slot = hash & mask;
    while (true) {
      const std::uint32_t group = slots_[slot];
      if (group == kEmpty) {
        slots_[slot] = static_cast<std::uint32_t>(first_row_.size());
        group_of_row_[row] = static_cast<std::uint32_t>(first_row_.size());
        first_row_.push_back(static_cast<std::uint32_t>(row));
        group_hash_.push_back(hash);
        break;
      }
      if (group_hash_[group] == hash && SameKey(first_row_[group], row)) {
        group_of_row_[row] = group;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  // The rows of each group, in row order: a counting sort on the group numbers.
  starts_.assign(first_row_.size() + 1, 0);
  for (std::uint32_t group : group_of_row_) ++starts_[group + 1];
  for (std::size_t group = 0; group < first_row_.size(); ++group) starts_[group + 1] += starts_[group];
  rows_.resize(rows);
  std::vector<std::uint32_t> next(starts_.begin(), starts_.end() - 1);
  for (std::size_t row = 0; row < rows; ++row) rows_[next[group_of_row_[row]]++] = static_cast<std::uint32_t>(row);
}

Grouping::Group Grouping::At(std::size_t group) const {
  const std::string_view first = key_columns_.empty() ? std::string_view() : (*key_columns_[0])[first_row_[group]];
  return Group{first, RowsOf(group)};
}

Grouping::RowList Grouping::RowsOf(std::size_t group) const {
  return RowList(rows_.data() + starts_[group], starts_[group + 1] - starts_[group]);
}

Grouping::RowList Grouping::Find(std::span<const std::string_view> key) const {
  // A key of the wrong length is a mistake in a rule, not in the data.
  assert(key.size() == key_columns_.size());
  if (key.size() != key_columns_.size()) return {};
  const std::uint32_t group = FindGroup(key, HashOf(key));
  return group == kEmpty ? RowList() : RowsOf(group);
}

std::uint32_t Grouping::FindGroup(std::span<const std::string_view> key, std::uint64_t hash) const {
  if (first_row_.empty()) return kEmpty;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t group = slots_[slot];
    if (group == kEmpty) return kEmpty;
    if (group_hash_[group] == hash && RowHasKey(first_row_[group], key)) return group;
  }
}

Grouping::RowList Grouping::Matching(const Table& other, std::size_t row) const {
  if (&other == table_) return RowsOf(group_of_row_[row]);
  std::uint32_t group = kEmpty;
  if (const std::vector<std::uint32_t>* groups = GroupsOfRows(other)) {
    group = (*groups)[row];
  } else {
    std::vector<std::string_view> key;
    for (const std::string& name : column_names_) key.push_back(other.Text(name, row));
    group = FindGroup(key, HashOf(key));
  }
  return group == kEmpty ? RowList() : RowsOf(group);
}

const std::vector<std::uint32_t>* Grouping::GroupsOfRows(const Table& other) const {
  std::size_t known = matched_count_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < known; ++i) {
    if (matched_[i].table == &other) return matched_[i].groups.get();
  }
  const std::lock_guard lock(matched_mutex_);
  known = matched_count_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < known; ++i) {
    if (matched_[i].table == &other) return matched_[i].groups.get();
  }
  // More tables than a return has would only happen by mistake; their rows are matched one by
  // one instead.
  if (known == kMatchedTables) return nullptr;
  auto groups = std::make_unique<std::vector<std::uint32_t>>(other.rows(), kEmpty);
  std::vector<const std::vector<std::string>*> columns;
  for (const std::string& name : column_names_) columns.push_back(&other.Column(name));
  std::vector<std::string_view> key(columns.size());
  for (std::size_t row = 0; row < other.rows(); ++row) {
    for (std::size_t i = 0; i < columns.size(); ++i) key[i] = (*columns[i])[row];
    (*groups)[row] = FindGroup(key, HashOf(key));
  }
  matched_[known].table = &other;
  matched_[known].groups = std::move(groups);
  matched_count_.store(known + 1, std::memory_order_release);
  return matched_[known].groups.get();
}

std::uint64_t Grouping::HashOf(std::span<const std::string_view> key) const {
  std::uint64_t hash = 0;
  for (std::string_view value : key) hash = Mix(hash, value);
  return hash;
}

std::uint64_t Grouping::HashOfRow(std::size_t row) const {
  std::uint64_t hash = 0;
  for (const std::vector<std::string>* column : key_columns_) hash = Mix(hash, (*column)[row]);
  return hash;
}

bool Grouping::RowHasKey(std::size_t row, std::span<const std::string_view> key) const {
  for (std::size_t i = 0; i < key_columns_.size(); ++i) {
    if ((*key_columns_[i])[row] != key[i]) return false;
  }
  return true;
}

bool Grouping::SameKey(std::size_t a, std::size_t b) const {
  for (const std::vector<std::string>* column : key_columns_) {
    if ((*column)[a] != (*column)[b]) return false;
  }
  return true;
}

}  // namespace cairn::validate
