// The import pipeline: any mix of SSDA903 CSV tables, SSDA903 XML and CIN census XML files,
// read, merged into one chronology per child (a child in both returns is one child, matched on
// the LA child id) and saved in one transaction.
//
// All-or-nothing by default: if any record cannot be read, nothing is saved and the result lists
// every problem. With skip_invalid the readable records are saved and every rejected one is
// written, with its reason, to a rejects file. Data-quality findings never stop an import.
//
// One CIN census file imported all or nothing (an England-scale one has 400,000 children) is
// read on a thread of its own and saved a run of children at a time as it is read, in the one
// transaction, which anything rejected rolls back: the result is the same as reading it whole
// first (the same problems in the same order), but the import never holds the file's text or
// every chronology at once. Anything else is read whole, merged, and saved.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "returns/import_batch.h"
#include "store/chronology_store.h"
#include "store/database.h"

namespace cairn::returns {

// Output files: both paths are checked before anything is read (a missing folder, a link or a
// device there refuses the import), both files are written out in full before the database
// commits, and renamed into place after it (base/atomic_file.h), so a failure to write either
// leaves the database unchanged. Both are created mode 0600: they hold children's records.
struct ImportOptions {
  bool skip_invalid = false;
  std::string rejects_path;            // required with skip_invalid when anything is rejected
  std::string findings_path;           // every finding as CSV (WriteProblemsCsv); empty: none
  std::optional<int> ssda903_year;     // the 903 collection year, when it should not be inferred
  std::string actor = "import";        // recorded in revisions and the audit log
  std::function<void(const std::string& message)> progress;  // long-running steps report here
  // Input of at least this many bytes is saved in a bulk transaction (store::Transaction::
  // BeginBulk: on SQLite, pages written once, other programs kept out until it ends); smaller
  // imports keep the write-ahead log, so that others can read and queue beside them.
  std::uintmax_t bulk_from_bytes = std::uintmax_t{64} << 20;
};

struct BatchSummary {
  std::string source;       // "ssda903" or "cin-census"
  int collection_year = 0;
  std::string year_basis;
  std::vector<std::string> files;
  size_t children = 0;
  std::vector<std::pair<std::string, size_t>> events_by_kind;  // kind id -> count, in kind order
  size_t findings = 0;
  size_t rejected = 0;
};

struct ImportResult {
  std::vector<BatchSummary> batches;
  std::vector<Problem> rejected;   // every record that could not be read
  std::vector<Problem> findings;   // every data-quality finding
  std::vector<std::string> unreadable_files;  // whole files that could not be read, with why
  size_t children = 0;             // distinct children after merging the batches
  bool saved = false;              // false when the import was refused and nothing changed
  store::SaveReport save;
  // An output file that could not be put in place after the database committed (the import
  // stands; only renaming failed), with why.
  std::vector<std::string> unwritten_files;
};

// Reads, merges and (unless refused) saves. A Status error means Cairn could not do its job
// (the database failed); problems with the files are in the result, with saved == false.
Result<ImportResult> ImportFiles(store::Connection& db, const std::vector<std::string>& files,
                                 const ImportOptions& options);

// Merges chronologies of the same child (same la_child_id) from several returns into one,
// filling blank details from later ones; conflicting details become findings. An event two
// returns both report (same natural key: an episode open across 31 March is in both years'
// census) is one event, reported in both years, with the latest year's content; so importing
// several years at once gives what importing them one at a time, in order, gives.
// `sources`, when given, says where each chronology's child details were read (one per
// chronology), so that a finding about conflicting details names the file and line whose value was
// not kept, and the one whose value was.
std::vector<model::Chronology> MergeChildren(std::vector<model::Chronology> chronologies,
                                             std::vector<Problem>& findings,
                                             const std::vector<DetailSource>& sources = {});

// Problems as CSV: file, line, location, field, value, reason, child, record. Meant for a
// spreadsheet, so every value goes through NeutraliseForSpreadsheet (returns/csv.h).
Result<std::string> FormatProblemsCsv(const std::vector<Problem>& problems);
// FormatProblemsCsv written to `path` through AtomicFile.
Status WriteProblemsCsv(const std::vector<Problem>& problems, const std::string& path);

}  // namespace cairn::returns
