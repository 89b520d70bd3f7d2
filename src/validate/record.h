// Validating the record itself: the SSDA903 and CIN census returns Cairn would export for a
// collection year, checked against the DfE's rules of that year, with each finding traced back
// to the child and the event it came from.
//
// The returns are made in memory exactly as `cairn returns export` writes them (the SSDA903
// tables of the year and of the year before, returns::FormatSsda903Csv; the CIN census,
// returns::cin_census::WriteCinCensusText, for the years it exists, 2023 to 2026) and read back
// as the validators read files (LoadReturnTexts), so a finding here is one the DfE's validator
// would raise on the file the council sends.
//
// Nothing here reads the database or writes the audit trail: a caller that reads the record
// audits the read (every child's record is read) before calling.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "geography/postcode_directory.h"
#include "model/chronology.h"
#include "validate/inputs.h"
#include "validate/validator.h"

namespace cairn::validate {

struct RecordOptions {
  int year = 0;           // collection year: 2026 = April 2025 to March 2026
  std::string la_number;  // the council's three-digit DfE number ("343"); may be empty
  std::string la_ons;     // its ONS code ("E08000014"); found from the number when empty
  // The postcodes the SSDA903 episodes name, from wherever the caller keeps them (the database's
  // imported directory): asked once with every postcode needed. Without it (or when it gives
  // nothing) the rules on a placement's authority and distance are not checked, and
  // RecordReport::without_postcodes says so.
  std::function<Result<geography::PostcodeDirectory>(const std::set<std::string, std::less<>>&)> look_up_postcodes;
  int threads = 2;
};

// Where in the record a finding came from.
struct FindingPlace {
  ReturnKind kind = ReturnKind::kSsda903;
  bool previous_year = false;  // a row of last year's SSDA903 tables ("Episodes_last")
  // The column holding the row's date ("DECOM", "CINreferralDate"), and the date; empty and
  // nullopt for rows about the child (Header, ChildIdentifiers) or the whole return.
  std::string date_column;
  std::optional<Date> date;
  // The event the row was written from: its kind, and its id on the child's record when an
  // event of that kind starts on that date (0 when none is found: the row is about the child,
  // or the return, or the record changed since).
  std::optional<model::EventKind> event_kind;
  int64_t event_id = 0;
};

struct RecordReport {
  int year = 0;
  // The returns as read: the findings point into their tables, so they live as long as the report.
  std::shared_ptr<const LoadedReturns> returns;
  Report report;                     // findings in catalogue order; rules run, skipped, not yet written
  std::vector<FindingPlace> places;  // one per report.findings, in the same order
  bool cin_checked = false;          // the CIN census exists for the year (2023 to 2026)
  bool without_postcodes = false;    // the placement authority and distance rules could not run
};

// The returns of `year` as Cairn would export them for `children` (this year's and last year's
// SSDA903 tables, the CIN census in its years), read back as the rules read them, with the care
// leavers' earlier episodes (Episodes_earlier) that only the record knows. `la_number` is the
// census header's LEA ("000" written when it is not a three-digit number); `la_ons` the
// council's ONS code for the placement rules.
Result<LoadedReturns> ReturnsFromRecord(const std::vector<model::Chronology>& children, int year,
                                        const std::string& la_number, const std::string& la_ons);

// Checks `children` as the returns of `options.year` would report them. An error only when the
// returns cannot be made or read back (a year outside the DfE's, a value no return can hold).
Result<RecordReport> ValidateRecord(const std::vector<model::Chronology>& children, const RecordOptions& options);

// The latest collection year complete by the end of `today`: on 7 December 2026, 2026 (April
// 2025 to March 2026); on 31 March 2026, 2026 too.
int LatestCompleteYear(Date today);

}  // namespace cairn::validate
