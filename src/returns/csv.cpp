#include "returns/csv.h"

#include "base/atomic_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace cairn {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// What the reader trims from header names (and the writer therefore refuses around them).
constexpr std::string_view kHeaderWhitespace = " \t\r\n\v\f";
// Line numbers are ints; refusing texts this large keeps every line number representable.
constexpr std::size_t kMaxTextBytes = static_cast<std::size_t>(std::numeric_limits<int>::max()) - 1;
// Messages list at most this many names, so that a pathological header cannot bloat them.
constexpr std::size_t kMaxNamesInMessage = 20;

bool IsLineBreak(char c) { return c == '\n' || c == '\r'; }

std::string_view TrimHeaderName(std::string_view name) {
  const std::size_t first = name.find_first_not_of(kHeaderWhitespace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = name.find_last_not_of(kHeaderWhitespace);
  return name.substr(first, last - first + 1);
}

std::string FieldCount(std::size_t n) { return n == 1 ? "1 field" : fmt::format("{} fields", n); }

// "CHILD, DOB and SEX", or "A, B, ... and 7 more" past the limit.
std::string ListNames(const std::vector<std::string>& names) {
  std::string out;
  const std::size_t shown = std::min(names.size(), kMaxNamesInMessage);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? " and " : ", ";
    out += names[i];
  }
  if (shown < names.size()) out += fmt::format(" and {} more", names.size() - shown);
  return out;
}

// One pass over the text. pos_ only moves forward and every loop advances it, which is what
// keeps the parser linear in the size of its input.
class Parser {
 public:
  Parser(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  Result<CsvTable> Run() {
    CsvTable table;
    table.source = std::string(source_);
    if (text_.size() > kMaxTextBytes) {
      return Status::InvalidArgument(
          fmt::format("{} is 2 GB or larger, too large to read as one CSV file", source_));
    }
    // UTF-32 first: its little-endian byte order mark starts as UTF-16's does.
    if (text_.starts_with(std::string_view("\xFF\xFE\x00\x00", 4)) ||
        text_.starts_with(std::string_view("\x00\x00\xFE\xFF", 4))) {
      return Status::InvalidArgument(fmt::format(
          "{} is saved as UTF-32 text; save it as \"CSV UTF-8 (comma delimited)\" and try again", source_));
    }
    if (text_.starts_with("\xFF\xFE") || text_.starts_with("\xFE\xFF")) {
      return Status::InvalidArgument(fmt::format(
          "{} is saved as UTF-16 text; save it as \"CSV UTF-8 (comma delimited)\" and try again", source_));
    }
    while (text_.substr(pos_).starts_with(kUtf8Bom)) pos_ += kUtf8Bom.size();
    const bool empty = pos_ == text_.size();

    std::vector<std::string> fields;
    bool have_header = false;
    while (pos_ < text_.size()) {
      if (IsLineBreak(text_[pos_])) {  // a blank line: skipped, wherever it is
        SkipLineBreak();
        continue;
      }
      const int record_line = line_;
      if (!have_header) {
        CAIRN_RETURN_IF_ERROR(ReadRecord(fields, /*bounded=*/false));
        CAIRN_RETURN_IF_ERROR(TakeHeader(record_line, fields, table));
        header_ = &table.header;
        have_header = true;
        continue;
      }
      fields.clear();
      fields.reserve(header_->size());
      CAIRN_RETURN_IF_ERROR(ReadRecord(fields, /*bounded=*/true));
      if (oversized_) {
        // Dropped as it is read, never copied: kept, one absurd value would be copied into every
        // record and problem downstream (a 100 MB value once took 500 MB to refuse).
        table.problems.push_back(CsvProblem{
            record_line, fmt::format("{} line {}: {} is {} bytes long; Cairn reads values of at most {} bytes, and no "
                                     "field of a return comes near that",
                                     source_, record_line, DescribeField(oversized_->index), oversized_->bytes,
                                     kMaxCsvFieldBytes)});
        fields = {};
        continue;
      }
      if (fields.size() == header_->size()) {
        table.records.push_back(CsvRecord{record_line, std::move(fields)});
        fields = {};
      } else {
        table.problems.push_back(CsvProblem{
            record_line, fmt::format("{} line {}: {}, but the header has {}", source_, record_line,
                                     FieldCount(fields.size()), header_->size())});
      }
    }
    if (!have_header) {
      return Status::InvalidArgument(
          empty ? fmt::format("{} is empty; a CSV file must start with a header line naming its columns", source_)
                : fmt::format("{} holds only blank lines; a CSV file must start with a header line naming its columns",
                              source_));
    }
    return table;
  }

 private:
  // The first value of the last record read that was longer than kMaxCsvFieldBytes.
  struct Oversized {
    std::size_t index = 0;
    std::size_t bytes = 0;
  };

  // Reads the record starting at pos_ (not at a line break) into `fields`, leaving pos_ just
  // past its line ending or at the end of the text. `bounded`: a value longer than
  // kMaxCsvFieldBytes is not kept (left empty) but measured, and the first such is oversized_.
  Status ReadRecord(std::vector<std::string>& fields, bool bounded) {
    fields.clear();
    oversized_.reset();
    const std::size_t n = text_.size();
    while (true) {
      const std::size_t index = fields.size();
      std::string& value = fields.emplace_back();
      std::size_t length = 0;  // the value's length as written, kept or not
      auto keep = [&](std::string_view piece) {
        length += piece.size();
        if (bounded && length > kMaxCsvFieldBytes) {
          if (!oversized_ || oversized_->index == index) oversized_ = Oversized{index, length};
          std::string().swap(value);
          return;
        }
        value.append(piece);
      };
      if (pos_ < n && text_[pos_] == '"') {
        const std::size_t open_pos = pos_;
        const int open_line = line_;
        ++pos_;
        while (true) {
          std::size_t run = pos_;
          while (run < n && text_[run] != '"' && !IsLineBreak(text_[run]) && text_[run] != '\0') ++run;
          keep(text_.substr(pos_, run - pos_));
          pos_ = run;
          if (pos_ >= n) {
            return Error(open_pos, open_line, index,
                         "this value opens with a double quote that is never closed, so the rest of the file "
                         "cannot be read; close the quote, or double any quote inside the value (\"\")");
          }
          const char c = text_[pos_];
          if (c == '"') {
            if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
              keep("\"");
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          if (c == '\0') return NulError(index);
          // A line break inside quotes belongs to the value, kept exactly as written.
          keep(std::string_view(&text_[pos_], 1));
          ++pos_;
          if (c == '\r' && pos_ < n && text_[pos_] == '\n') {
            keep("\n");
            ++pos_;
          }
          ++line_;
        }
        if (pos_ >= n) return Status::Ok();
        const char after = text_[pos_];
        if (after == ',') {
          ++pos_;
          continue;
        }
        if (IsLineBreak(after)) {
          SkipLineBreak();
          return Status::Ok();
        }
        if (after == '\0') return NulError(index);
        return Error(pos_, line_, index,
                     "text follows the closing double quote of a quoted value; a quoted value must be followed "
                     "by a comma or the end of the line");
      }

      std::size_t run = pos_;
      while (run < n) {
        const char c = text_[run];
        if (c == ',' || c == '"' || c == '\0' || IsLineBreak(c)) break;
        ++run;
      }
      keep(text_.substr(pos_, run - pos_));
      pos_ = run;
      if (pos_ >= n) return Status::Ok();
      const char stop = text_[pos_];
      if (stop == ',') {
        ++pos_;
        continue;
      }
      if (IsLineBreak(stop)) {
        SkipLineBreak();
        return Status::Ok();
      }
      if (stop == '"') {
        return Error(pos_, line_, index,
                     "a double quote inside a value that does not start with one; enclose the whole value in "
                     "double quotes and double each quote inside it (\"\")");
      }
      return NulError(index);
    }
  }

  // pos_ is at "\r\n", "\n" or a lone "\r": one line ending either way.
  void SkipLineBreak() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  Status TakeHeader(int line, std::vector<std::string>& names, CsvTable& table) {
    for (std::string& name : names) name = std::string(TrimHeaderName(name));
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i].empty()) {
        return Status::InvalidArgument(fmt::format(
            "{} line {}: column {} of the header has no name; every column in the header needs one", source_,
            line, i + 1));
      }
    }
    // Names in order of first appearance, each with every column (1-based) it appears in.
    std::unordered_map<std::string_view, std::size_t> slot_of;
    std::vector<std::pair<std::string_view, std::vector<std::size_t>>> columns_of;
    for (std::size_t i = 0; i < names.size(); ++i) {
      auto [it, inserted] = slot_of.try_emplace(names[i], columns_of.size());
      if (inserted) columns_of.emplace_back(names[i], std::vector<std::size_t>{});
      columns_of[it->second].second.push_back(i + 1);
    }
    std::vector<std::string> repeats;
    for (const auto& [name, columns] : columns_of) {
      if (columns.size() < 2) continue;
      std::string where;
      for (std::size_t k = 0; k < columns.size() && k < kMaxNamesInMessage; ++k) {
        if (k > 0) where += (k + 1 == columns.size()) ? " and " : ", ";
        where += std::to_string(columns[k]);
      }
      if (columns.size() > kMaxNamesInMessage) where += fmt::format(" and {} more", columns.size() - kMaxNamesInMessage);
      repeats.push_back(fmt::format("{} (columns {})", name, where));
    }
    if (!repeats.empty()) {
      return Status::InvalidArgument(fmt::format(
          "{} line {}: the header repeats {} {}; each column name must be unique", source_, line,
          repeats.size() == 1 ? "the column name" : "the column names", ListNames(repeats)));
    }
    table.header_line = line;
    table.header = std::move(names);
    names = {};
    return Status::Ok();
  }

  Status NulError(std::size_t field_index) const {
    return Error(pos_, line_, field_index,
                 "the file contains a NUL byte, so it is not a CSV text file (is it a spreadsheet, or saved as "
                 "UTF-16?)");
  }

  // "episodes.csv line 17, column 23 (field DECOM): <what>".
  Status Error(std::size_t at, int line, std::size_t field_index, std::string_view what) const {
    return Status::InvalidArgument(
        fmt::format("{} line {}, column {} ({}): {}", source_, line, ColumnOf(at), DescribeField(field_index), what));
  }

  std::string DescribeField(std::size_t index) const {
    if (header_ == nullptr) return fmt::format("header field {}", index + 1);
    if (index < header_->size()) return fmt::format("field {}", (*header_)[index]);
    return fmt::format("field {}, beyond the header's {}", index + 1, header_->size());
  }

  // 1-based column of byte `at` on its physical line, counting UTF-8 code points (a byte that
  // is not a continuation byte starts a character). Only called once, on the way out.
  std::size_t ColumnOf(std::size_t at) const {
    std::size_t start = at;
    while (start > 0 && !IsLineBreak(text_[start - 1])) --start;
    std::size_t column = 1;
    for (std::size_t i = start; i < at; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }

  std::string_view text_;
  std::string_view source_;
  std::size_t pos_ = 0;
  int line_ = 1;
  const std::vector<std::string>* header_ = nullptr;  // set once the header is read
  std::optional<Oversized> oversized_;                 // see ReadRecord
};

bool NeedsQuotes(std::string_view value, bool only_value) {
  if (value.empty()) return only_value;
  const auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  if (is_blank(value.front()) || is_blank(value.back())) return true;
  // At the start of a file these would be taken for a byte order mark (UTF-8, or UTF-16 in
  // either byte order); quoting them anywhere is simpler than knowing where the value lands.
  if (value.starts_with(kUtf8Bom) || value.starts_with("\xFF\xFE") || value.starts_with("\xFE\xFF")) return true;
  for (const char c : value) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

void AppendValue(std::string_view value, bool only_value, std::string& out) {
  if (!NeedsQuotes(value, only_value)) {
    out += value;
    return;
  }
  out += '"';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::optional<std::size_t> CsvTable::FindColumn(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

Result<std::size_t> CsvTable::ColumnIndex(std::string_view name) const {
  if (std::optional<std::size_t> index = FindColumn(name)) return *index;
  return Status::NotFound(
      fmt::format("{} line {}: the header has no column {} (it has {})", source, header_line, name, ListNames(header)));
}

Result<CsvTable> ParseCsv(std::string_view text, std::string_view source_name) {
  return Parser(text, source_name).Run();
}

Result<CsvTable> ReadCsvFile(const std::string& path) {
  const std::filesystem::path fs_path(path);
  std::string name = fs_path.filename().string();
  if (name.empty()) name = path;

  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(fs_path, ec);
  if (!std::filesystem::exists(status)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Status::IoError(fmt::format("{} could not be read ({}): {}", name, path, ec.message()));
    }
    return Status::NotFound(fmt::format("{} was not found ({})", name, path));
  }
  if (std::filesystem::is_directory(status)) {
    return Status::IoError(fmt::format("{} is a folder, not a CSV file ({})", name, path));
  }

  std::ifstream in(fs_path, std::ios::binary);
  if (!in) {
    return Status::IoError(fmt::format("{} could not be opened ({}): {}", name, path, std::strerror(errno)));
  }
  std::string text;
  // The whole file at once, not doubled on the way (a 100 MB file held in 200 MB while it grows).
  if (const std::uintmax_t size = std::filesystem::file_size(fs_path, ec); !ec) {
    text.reserve(static_cast<std::size_t>(std::min<std::uintmax_t>(size, kMaxTextBytes + 1)));
  }
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxTextBytes) break;  // ParseCsv explains why it stops here
  }
  if (in.bad()) {
    return Status::IoError(fmt::format("{} could not be read to the end ({})", name, path));
  }
  return ParseCsv(text, name);
}

namespace {

void AppendCsvFields(const std::vector<std::string>& fields, std::string& out) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    AppendValue(fields[i], fields.size() == 1, out);
  }
}

}  // namespace

void AppendCsvRow(const std::vector<std::string>& fields, std::string& out) {
  AppendCsvFields(fields, out);
  out += kCsvLineEnding;
}

std::string FormatCsvFields(const std::vector<std::string>& fields) {
  std::string out;
  AppendCsvFields(fields, out);
  return out;
}

std::string FormatCsvRow(const std::vector<std::string>& fields) {
  std::string out;
  AppendCsvRow(fields, out);
  return out;
}

bool LooksLikeSpreadsheetFormula(std::string_view value) {
  if (value.empty()) return false;
  const char first = value.front();
  if (first == '\t' || first == '\r') return true;
  if (first != '=' && first != '+' && first != '-' && first != '@') return false;
  if (first == '=' || first == '@') return true;
  // "+44", "-3", "-0.5", "-1e5": a sign, digits with at most one point, an optional exponent.
  size_t i = 1;
  size_t digits = 0;
  bool point = false;
  for (; i < value.size(); ++i) {
    const char c = value[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits == 0) return true;
  if (i < value.size() && (value[i] == 'e' || value[i] == 'E')) {
    ++i;
    if (i < value.size() && (value[i] == '+' || value[i] == '-')) ++i;
    const size_t exponent_start = i;
    while (i < value.size() && value[i] >= '0' && value[i] <= '9') ++i;
    if (i == exponent_start) return true;
  }
  return i != value.size();
}

std::string NeutraliseForSpreadsheet(std::string_view value) {
  if (!LooksLikeSpreadsheetFormula(value)) return std::string(value);
  std::string safe;
  safe.reserve(value.size() + 1);
  safe += '\'';
  safe += value;
  return safe;
}

CsvWriter::CsvWriter(std::vector<std::string> header) : header_(std::move(header)) {
  if (header_.empty()) throw std::invalid_argument("CsvWriter: the header needs at least one column");
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t i = 0; i < header_.size(); ++i) {
    const std::string& name = header_[i];
    if (name.empty() || TrimHeaderName(name).size() != name.size() || name.find('\0') != std::string::npos) {
      throw std::invalid_argument(fmt::format(
          "CsvWriter: header column {} ('{}') must be non-empty, without NUL bytes or surrounding whitespace", i + 1,
          name));
    }
    if (!seen.emplace(name, i).second) {
      throw std::invalid_argument(fmt::format("CsvWriter: the header repeats the column name '{}'", name));
    }
  }
  AppendCsvRow(header_, text_);
}

Status CsvWriter::AddRow(const std::vector<std::string>& fields) {
  if (fields.size() != header_.size()) {
    return Status::InvalidArgument(fmt::format("cannot write a CSV row of {} under a header of {} (first column {})",
                                               FieldCount(fields.size()), FieldCount(header_.size()), header_[0]));
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].find('\0') != std::string::npos) {
      return Status::InvalidArgument(fmt::format(
          "cannot write a CSV row whose field {} holds a NUL byte; the file could not be read back", header_[i]));
    }
  }
  AppendCsvRow(fields, text_);
  ++row_count_;
  return Status::Ok();
}

Status CsvWriter::WriteFile(const std::string& path) const { return WriteFileAtomically(path, text_); }

}  // namespace cairn
