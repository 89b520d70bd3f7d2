// The DfE validation rules Cairn checks while reading an SSDA903 return: a modest,
// table-driven set, each reported as a finding (the value is kept exactly as read). The rule
// numbers are those of the DfE's validator, so an analyst can match them to its error report.
// Internal to returns/ssda903.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/chronology.h"
#include "returns/import_batch.h"
#include "returns/ssda903/batch_builder.h"
#include "returns/ssda903/tables.h"

namespace cairn::returns::ssda903 {

class RecordChecks {
 public:
  RecordChecks(const CodeLists& codes, int collection_year);

  // The Header record that made `child`.
  void CheckHeader(const model::Child& child, const RawRecord& record, std::vector<Problem>& findings) const;
  // A UASC record, against the child's Header.
  void CheckUasc(const model::Child& child, const RawRecord& record, std::vector<Problem>& findings) const;
  // A record of an event table (`table.kind` set) that became `event`.
  void CheckEvent(const TableSpec& table, const model::Event& event, const model::Child& child,
                  const RawRecord& record, std::vector<Problem>& findings) const;

 private:
  // The code list for each column of each table this year (nullptr where none applies).
  std::vector<std::vector<const CodeList*>> lists_;
  const CodeLists& codes_;
  int year_;
  Date year_end_;

  void CheckCodes(const TableSpec& table, const RawRecord& record, const std::string& child,
                  std::vector<Problem>& findings) const;
};

// A finding or rejection about one field of `record`.
Problem ProblemAt(const RawRecord& record, std::string field, std::string value, std::string message,
                  std::string child);

}  // namespace cairn::returns::ssda903
