// The rows of one table grouped by the values of some of its columns, as the public validators'
// pandas groupby and merge group them: a blank value is a value (blank matches blank), and a
// column the table lacks reads as blank in every row.
//
// Most rules group the same tables the same way (the CIN census by child and by CIN episode,
// the SSDA903 by CHILD), and a return of 400,000 children has a million rows to group, so a
// grouping is built once per table and column list (Table::GroupedBy) and shared by every rule
// on every thread. It is compact for the same reason: keys are not copied (a key is found by
// hashing the values it is made of and comparing them with its group's first row), and each
// group is a run of row numbers in one array.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::validate {

class Table;

class Grouping {
 public:
  // A group's rows, in row order.
  using RowList = std::span<const std::uint32_t>;

  // One group, as a map's entry reads: `first` the value of the first key column (the whole key
  // when there is one column), `second` the rows.
  struct Group {
    std::string_view first;
    RowList second;
  };

  class Iterator {
   public:
    Iterator(const Grouping* grouping, std::size_t group) : grouping_(grouping), group_(group) {}
    Group operator*() const { return grouping_->At(group_); }
    Iterator& operator++() {
      ++group_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return group_ == other.group_; }

   private:
    const Grouping* grouping_;
    std::size_t group_;
  };

  // Groups `table`'s rows by `columns`. The table must outlive the grouping and not change.
  Grouping(const Table& table, std::span<const std::string> columns);
  Grouping(const Grouping&) = delete;
  Grouping& operator=(const Grouping&) = delete;

  // The groups, in the order of their first rows.
  std::size_t size() const { return first_row_.size(); }
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, size()); }
  Group At(std::size_t group) const;

  // The group `row` belongs to.
  std::size_t GroupOf(std::size_t row) const { return group_of_row_[row]; }
  RowList RowsOf(std::size_t group) const;

  // The rows whose key is `key` (one value per key column, in order); none when no row has it.
  RowList Find(std::initializer_list<std::string_view> key) const { return Find(std::span(key.begin(), key.size())); }
  RowList Find(std::span<const std::string_view> key) const;
  // The rows whose one-column key is `key`.
  RowList Find(std::string_view key) const { return Find(std::span(&key, 1)); }
  bool contains(std::string_view key) const { return !Find(key).empty(); }
  std::size_t count(std::string_view key) const { return contains(key) ? 1 : 0; }

  // The rows whose key is `other`'s values at `row` in the same-named columns (a column `other`
  // lacks reads as blank): the rows a pandas merge on the key pairs with it. The first call for
  // a table matches all its rows at once and keeps the answer, so a rule that looks up every
  // row of one table in another's grouping reads one array instead of hashing every key;
  // `other` must not change while this grouping lasts.
  RowList Matching(const Table& other, std::size_t row) const;

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;

  // Each row of a table matched to its group (kEmpty where none), kept per table. Read without
  // a lock (rules on several threads match rows in hot loops); added under `matched_mutex_`.
  struct MatchedTable {
    const Table* table = nullptr;
    std::unique_ptr<std::vector<std::uint32_t>> groups;
  };
  static constexpr std::size_t kMatchedTables = 32;

  // Null when kMatchedTables tables are kept already.
  const std::vector<std::uint32_t>* GroupsOfRows(const Table& other) const;
  std::uint32_t FindGroup(std::span<const std::string_view> key, std::uint64_t hash) const;
  std::uint64_t HashOf(std::span<const std::string_view> key) const;
  std::uint64_t HashOfRow(std::size_t row) const;
  bool RowHasKey(std::size_t row, std::span<const std::string_view> key) const;
  bool SameKey(std::size_t a, std::size_t b) const;

  const Table* table_;
  std::vector<std::string> column_names_;
  std::vector<const std::vector<std::string>*> key_columns_;
  std::vector<std::uint32_t> group_of_row_;  // per row
  std::vector<std::uint32_t> first_row_;     // per group
  std::vector<std::uint64_t> group_hash_;    // per group
  std::vector<std::uint32_t> starts_;        // per group, then the end: offsets into rows_
  std::vector<std::uint32_t> rows_;          // every row, group by group
  std::vector<std::uint32_t> slots_;         // open addressing over groups; kEmpty where free

  mutable std::mutex matched_mutex_;
  mutable std::array<MatchedTable, kMatchedTables> matched_;
  mutable std::atomic<std::size_t> matched_count_{0};
};

}  // namespace cairn::validate
