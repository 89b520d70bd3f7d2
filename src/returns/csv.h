// Reading and writing the comma-separated files of the DfE returns (the SSDA903 tables, and
// anything else a council sends us as CSV).
//
// The reader follows RFC 4180 and is forgiving where real files differ from it, strict where
// guessing would silently change data:
//
//  * Bytes, not characters. The text is read as bytes; UTF-8 passes through untouched and
//    invalid UTF-8 is NOT rejected (it is handed on as it is, for the caller to judge per
//    field). UTF-8 byte order marks at the very start are removed (some tools add a second).
//    A UTF-16 file is refused with a message saying how to re-save it.
//  * Line endings "\r\n", "\n" and a lone "\r" (old Mac exports) are all accepted, mixed too.
//  * A field may be enclosed in double quotes; inside quotes a comma or a line break is part of
//    the value and "" stands for one ". Quoted line breaks are kept exactly as written. Line
//    numbers count physical lines, so a record after a quoted line break gets the right one.
//  * Values are NOT trimmed: " 12 " stays " 12 ". Header names ARE trimmed of surrounding
//    whitespace (spaces, tabs, line breaks), because nobody means a column called " DOB".
//  * Blank lines (no characters at all) are skipped wherever they are, as the DfE's own
//    validator (pandas) does; trailing blank lines are therefore ignored. A record holding one
//    empty value must be written as "" to be seen (the writer does so).
//  * The first non-blank line is the header. Every header name must be non-empty and unique.
//
// Two kinds of trouble, two answers:
//  * A record whose field count differs from the header's affects that record only: it is
//    left out of `records` and described in `problems`. The caller decides whether that fails
//    the import or is reported and skipped.
//  * Trouble after which the rest of the file cannot be read reliably is an error Status
//    (code kInvalidArgument) naming the file, line, column and field: a quoted value with no
//    closing quote, a double quote inside an unquoted value, text after a closing quote, a NUL
//    byte. So are an empty file, a header with an empty or repeated name, and a file of 2 GiB
//    or more.
//
// A record with a value longer than kMaxCsvFieldBytes is left out and described in `problems`
// (its values are not kept), so one absurd value cannot multiply memory downstream.
//
// Columns in messages count characters (UTF-8 code points) from 1. Parsing is one linear pass:
// no input can make it slow, crash or loop.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn {

// The longest value the reader keeps: far beyond any field of the DfE's returns or statistics.
inline constexpr std::size_t kMaxCsvFieldBytes = 64 * 1024;

// One data record: its values in header order, and where it starts in the file.
struct CsvRecord {
  int line = 0;  // 1-based physical line on which the record starts
  std::vector<std::string> fields;

  friend bool operator==(const CsvRecord&, const CsvRecord&) = default;
};

// Something wrong with one record, which was left out of CsvTable::records.
struct CsvProblem {
  int line = 0;         // 1-based physical line on which the record starts
  std::string message;  // a whole sentence naming file and line, e.g.
                        // "episodes.csv line 17: 12 fields, but the header has 13"

  friend bool operator==(const CsvProblem&, const CsvProblem&) = default;
};

// A parsed CSV file.
struct CsvTable {
  std::string source;               // the name used in messages, e.g. "episodes.csv"
  int header_line = 0;              // 1-based line of the header (1 unless blank lines precede it)
  std::vector<std::string> header;  // trimmed, non-empty, unique; never empty itself
  std::vector<CsvRecord> records;   // each has exactly header.size() fields, in file order
  std::vector<CsvProblem> problems; // records left out, in file order

  // The index of the column whose header name is exactly `name` (case-sensitive; the header
  // is trimmed, `name` is not), or nullopt.
  std::optional<std::size_t> FindColumn(std::string_view name) const;

  // The same, as a Result whose error an analyst can act on:
  // "episodes.csv line 1: the header has no column DECOM (it has CHILD, RNE, ...)".
  // Status code kNotFound.
  Result<std::size_t> ColumnIndex(std::string_view name) const;
};

// Parses `text` as a CSV file with a header line. `source_name` names the file in messages.
Result<CsvTable> ParseCsv(std::string_view text, std::string_view source_name);

// Reads and parses the file at `path`. Messages name the file by its file name alone
// ("episodes.csv"), which is also CsvTable::source; a file that cannot be read is kNotFound
// (missing) or kIoError (anything else), and that message carries the full path.
Result<CsvTable> ReadCsvFile(const std::string& path);

// The writer's line ending: "\r\n", because RFC 4180 says so and Excel writes it, so a file we
// produce looks like the files councils already handle. Our reader accepts every ending, so the
// choice costs nothing on the way back in.
inline constexpr std::string_view kCsvLineEnding = "\r\n";

// One record as a CSV line, ending with kCsvLineEnding. A value is quoted only when it must be:
// when it contains a comma, a double quote, "\r" or "\n"; starts or ends with a space or tab
// (so tools that trim cannot change it); starts with bytes that would pass for a byte order
// mark at the start of a file (UTF-8 EF BB BF, UTF-16 FF FE or FE FF); or is the record's only
// value and empty (an unquoted blank line is skipped by the reader). Inner double quotes are
// doubled. Values are written byte for byte; a NUL byte is written too, but the reader refuses
// it, so do not write one (CsvWriter::AddRow checks).
std::string FormatCsvRow(const std::vector<std::string>& fields);

// FormatCsvRow without the line ending, for output whose lines the caller ends (a command
// printing CSV to a terminal ends them with "\n").
std::string FormatCsvFields(const std::vector<std::string>& fields);

// Appends FormatCsvRow(fields) to `out`, without the temporary.
void AppendCsvRow(const std::vector<std::string>& fields, std::string& out);

// Whether a spreadsheet opening a CSV file might take `value` for a formula: it starts with
// =, +, - or @, or with a tab or carriage return (which some spreadsheets skip before reading
// one). A plain number ("-3", "+44", "-0.5", "1e-3") is not: spreadsheets read it as a number.
bool LooksLikeSpreadsheetFormula(std::string_view value);

// `value` made safe for a file meant for a spreadsheet (findings, rejects, page downloads): a
// value LooksLikeSpreadsheetFormula is prefixed with a single quote, which spreadsheets take as
// "this cell is text" and do not show; anything else is returned unchanged. Negative numbers
// stay numbers, so a numeric column still sums. The price: a reader of the raw CSV sees the
// quote, and reading the file back gives "'=..." rather than "=...". Files meant for the DfE
// (the returns) are never neutralised: they carry the council's values exactly, and the
// importer raises a finding for any value that starts like a formula instead.
std::string NeutraliseForSpreadsheet(std::string_view value);

// Builds a CSV file in memory: the header line, then one line per AddRow, so that
// ParseCsv(writer.text()) gives back the same header and records.
//
//   CsvWriter writer({"CHILD", "DOB"});
//   CAIRN_RETURN_IF_ERROR(writer.AddRow({"566910", "27/03/2008"}));
//   CAIRN_RETURN_IF_ERROR(writer.WriteFile(path));
class CsvWriter {
 public:
  // The header comes from code, not data, so a bad one is a programmer error: throws
  // std::invalid_argument unless there is at least one name and every name is non-empty,
  // unique, free of NUL bytes and of surrounding whitespace (which the reader would trim).
  explicit CsvWriter(std::vector<std::string> header);

  const std::vector<std::string>& header() const { return header_; }

  // Appends one record. kInvalidArgument, and nothing appended, if it does not have one value
  // per header column or a value contains a NUL byte.
  Status AddRow(const std::vector<std::string>& fields);

  int row_count() const { return row_count_; }  // records added, not counting the header

  // The file so far: header line plus every added row, each ending in kCsvLineEnding.
  const std::string& text() const { return text_; }

  // Writes text() to `path` through AtomicFile (base/atomic_file.h): the file is replaced only
  // once the whole text is on disk, is created mode 0600, and a link, device or folder at
  // `path` is refused. kIoError naming the path if that fails.
  Status WriteFile(const std::string& path) const;

 private:
  std::vector<std::string> header_;
  std::string text_;
  int row_count_ = 0;
};

}  // namespace cairn
