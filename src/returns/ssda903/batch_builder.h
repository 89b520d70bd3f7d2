// Turns the records of the SSDA903 tables, however they were read (CSV rows or XML elements),
// into an ImportBatch: one place for keys, duplicates, the Header join, dates, events and the
// validation findings, so the CSV and XML readers cannot drift apart. Internal to
// returns/ssda903.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "returns/import_batch.h"
#include "returns/ssda903/tables.h"

namespace cairn::returns::ssda903 {

// One record of one table as read.
struct RawRecord {
  std::vector<std::string> values;  // one per table column, in TableSpec::columns order, trimmed
  std::string file;                 // as named in messages
  int line = 0;                     // 1-based line where it starts
  std::string location;             // the table name (CSV) or the element's path (XML)
  std::string text;                 // the record as found, for a rejects file
};

class BatchBuilder {
 public:
  BatchBuilder() = default;

  void Add(Table table, RawRecord record) { records_[static_cast<std::size_t>(table)].push_back(std::move(record)); }
  // A problem found while reading (a whole file refused, a CSV row of the wrong width, ...).
  void Reject(Problem problem) { rejected_.push_back(std::move(problem)); }
  void Finding(Problem problem) { findings_.push_back(std::move(problem)); }

  // Builds the batch; the builder is spent. Errors as ReadSsda903Csv describes (the year).
  Result<ImportBatch> Finish(std::optional<int> collection_year, std::vector<std::string> files);

 private:
  std::array<std::vector<RawRecord>, kTableCount> records_;
  std::vector<Problem> rejected_;
  std::vector<Problem> findings_;
};

// "a, b and c": a list as a sentence names it, for messages.
std::string JoinAnd(const std::vector<std::string>& items);

}  // namespace cairn::returns::ssda903
