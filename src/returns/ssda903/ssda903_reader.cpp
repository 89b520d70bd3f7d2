// The two forms of the SSDA903 return, CSV tables and XML, each turned into RawRecords for the
// shared BatchBuilder (batch_builder.h), which does everything after reading.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "returns/csv.h"
#include "returns/ssda903/batch_builder.h"
#include "returns/ssda903/ssda903.h"
#include "returns/ssda903/tables.h"

namespace cairn::returns {
namespace {

using ssda903::BatchBuilder;
using ssda903::RawRecord;
using ssda903::Table;
using ssda903::TableSpec;

// Records kept for a rejects file are cut here: one absurd record cannot bloat a report.
constexpr std::size_t kMaxRecordText = 4000;

// Cut before it is copied: a record the reader refused may be a 100 MB line.
std::string Clip(std::string_view text) {
  if (text.size() > kMaxRecordText) return std::string(text.substr(0, kMaxRecordText)) + "...";
  return std::string(text);
}

std::string Clip(std::string text) {
  if (text.size() > kMaxRecordText) {
    text.resize(kMaxRecordText);
    text += "...";
  }
  return text;
}

std::string FileNameOf(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  return name.empty() ? path : name;
}

// The whole file as bytes; kNotFound or kIoError naming the file and its path.
Result<std::string> ReadFileText(const std::string& path) {
  const std::string name = FileNameOf(path);
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Status::IoError(fmt::format("{} could not be read ({}): {}", name, path, ec.message()));
    }
    return Status::NotFound(fmt::format("{} was not found ({})", name, path));
  }
  if (std::filesystem::is_directory(status)) {
    return Status::IoError(fmt::format("{} is a folder, not a file ({})", name, path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("{} could not be opened ({}): {}", name, path, std::strerror(errno)));
  std::string text;
  // Reserved whole, so a large file is not held twice while the string grows.
  if (const std::uintmax_t size = std::filesystem::file_size(path, ec); !ec) {
    text.reserve(static_cast<std::size_t>(std::min<std::uintmax_t>(size, std::uintmax_t{1} << 31)));
  }
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) text.append(buffer, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return Status::IoError(fmt::format("{} could not be read to the end ({})", name, path));
  return text;
}

// Where each physical line starts ("\r\n", "\n" and a lone "\r" each end one), for line numbers
// from byte offsets and for quoting a CSV line the parser refused.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
        starts_.push_back(i + 1);
      }
    }
  }

  // 1-based line holding byte `offset` (clamped to the text).
  int LineOf(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    return static_cast<int>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin());
  }
  int ColumnOf(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    return static_cast<int>(offset - starts_[static_cast<std::size_t>(LineOf(offset) - 1)]) + 1;
  }
  // The text of 1-based `line`, without its ending; empty when out of range.
  std::string_view Line(int line) const {
    if (line < 1 || static_cast<std::size_t>(line) > starts_.size()) return {};
    const std::size_t begin = starts_[static_cast<std::size_t>(line - 1)];
    std::size_t end = static_cast<std::size_t>(line) < starts_.size() ? starts_[static_cast<std::size_t>(line)]
                                                                       : text_.size();
    while (end > begin && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
    return text_.substr(begin, end - begin);
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

Problem FileProblem(std::string file, int line, std::string location, std::string message) {
  Problem problem;
  problem.file = std::move(file);
  problem.line = line;
  problem.location = std::move(location);
  problem.message = std::move(message);
  return problem;
}

// ---------------------------------------------------------------------------------------------
// CSV

// Strips "<file> line N: " or "<file> " from a message of the CSV reader, which names the file
// itself; Problem::ToString names it again.
std::string WithoutFilePrefix(const std::string& message, const std::string& file, int line) {
  const std::string with_line = file + " line " + std::to_string(line) + ": ";
  if (message.starts_with(with_line)) return message.substr(with_line.size());
  if (message.starts_with(file + " ")) return message.substr(file.size() + 1);
  return message;
}

void AddCsvFile(const Ssda903CsvText& file, BatchBuilder& builder,
                std::unordered_map<Table, std::string>& table_files) {
  Result<CsvTable> parsed = ParseCsv(file.text, file.name);
  if (!parsed.ok()) {
    std::string why = WithoutFilePrefix(parsed.status().message(), file.name, 0);
    if (why.starts_with("is ") || why.starts_with("holds ")) why = "the file " + why;  // "is empty; ..."
    builder.Reject(FileProblem(file.name, 0, "", "none of this file was loaded: " + why));
    return;
  }
  CsvTable& table = *parsed;
  std::vector<std::string> columns;
  columns.reserve(table.header.size());
  for (const std::string& name : table.header) columns.push_back(ssda903::UpperAscii(name));

  const ssda903::TableMatch match = ssda903::MatchTable(columns);
  if (!match.exact()) {
    std::string message = "the columns of this file (" + ssda903::JoinAnd(columns) +
                          ") are not those of any SSDA903 table, so none of it was loaded. The closest is the " +
                          std::string(match.table->name) + " table";
    if (!match.missing.empty()) message += "; the file lacks its column(s) " + ssda903::JoinAnd(match.missing);
    if (!match.extra.empty()) message += "; the file has column(s) it does not: " + ssda903::JoinAnd(match.extra);
    builder.Reject(FileProblem(file.name, table.header_line, "", message));
    return;
  }
  const TableSpec& spec = *match.table;
  if (auto [first, inserted] = table_files.try_emplace(spec.table, file.name); !inserted) {
    builder.Finding(FileProblem(file.name, table.header_line, std::string(spec.name),
                                "this file and " + first->second + " both hold the " + std::string(spec.name) +
                                    " table; their records are read together"));
  }

  // Column i of the table is column positions[i] of the file.
  std::vector<std::size_t> positions(spec.columns.size());
  for (std::size_t i = 0; i < spec.columns.size(); ++i) {
    positions[i] = static_cast<std::size_t>(std::find(columns.begin(), columns.end(), spec.columns[i]) - columns.begin());
  }

  if (!table.problems.empty()) {
    const LineIndex lines(file.text);
    for (const CsvProblem& problem : table.problems) {
      Problem rejected = FileProblem(file.name, problem.line, std::string(spec.name),
                                     WithoutFilePrefix(problem.message, file.name, problem.line) +
                                         "; this record is not loaded");
      rejected.record = Clip(lines.Line(problem.line));
      builder.Reject(std::move(rejected));
    }
  }

  // Each row's values move into its record, and the row's memory goes with it: the file is not
  // held twice over.
  for (CsvRecord& row : table.records) {
    RawRecord record;
    record.file = file.name;
    record.line = row.line;
    record.location = std::string(spec.name);
    std::string text = FormatCsvRow(row.fields);
    if (text.ends_with(kCsvLineEnding)) text.resize(text.size() - kCsvLineEnding.size());
    record.text = Clip(std::move(text));
    record.values.reserve(spec.columns.size());
    for (std::size_t position : positions) {
      std::string& value = row.fields[position];
      const std::string_view trimmed = ssda903::TrimSpace(value);
      if (trimmed.size() == value.size()) {
        record.values.push_back(std::move(value));
      } else {
        record.values.emplace_back(trimmed);
      }
    }
    std::vector<std::string>().swap(row.fields);
    builder.Add(spec.table, std::move(record));
  }
}

// ---------------------------------------------------------------------------------------------
// XML

class StringWriter : public pugi::xml_writer {
 public:
  void write(const void* data, size_t size) override {
    if (text.size() >= kMaxRecordText) return;
    text.append(static_cast<const char*>(data), std::min(size, kMaxRecordText + 1 - text.size()));
  }
  std::string text;
};

// The element name that carries each column in the XML form, where it differs from the CSV.
std::string_view XmlNameOf(std::string_view column) {
  if (column == "CHILD") return "CHILDID";
  if (column == "PLACE") return "PL";
  return column;
}

// Items of HEADER that are not Header columns but make up UASC, AD1 and OC3.
constexpr std::string_view kHeaderItems[] = {"CHILDID",    "UPN",        "SEX",       "DOB",       "ETHNIC",
                                             "UASC",       "DUC",        "DATE_INT",  "DATE_MATCH", "FOSTER_CARE",
                                             "NB_ADOPTR",  "SEX_ADOPTR", "LS_ADOPTR", "IN_TOUCH",  "ACTIV",
                                             "ACCOM",      "MOTHER",     "MC_DOB"};

struct NestedKind {
  std::string_view element;
  Table table;
};
constexpr NestedKind kNested[] = {
    {"AMISSING", Table::kMissing}, {"AREVIEW", Table::kReviews},        {"PERMANENCE", Table::kPrevPerm},
    {"OC2", Table::kOc2},          {"AD_PLACED", Table::kPlacedAdoption},
};

class XmlReader {
 public:
  XmlReader(std::string_view text, std::string source, BatchBuilder& builder)
      : text_(text), lines_(text), source_(std::move(source)), builder_(builder) {}

  // Reads the whole document into the builder; an error only when it is not SSDA903 XML at all.
  Status Read() {
    pugi::xml_document document;
    // pugixml does not fetch external entities or expand DTDs, and parses without recursion,
    // so no input can make it reach outside the text or overflow the stack.
    const pugi::xml_parse_result result =
        document.load_buffer(text_.data(), text_.size(), pugi::parse_default, pugi::encoding_auto);
    if (!result) {
      const std::size_t offset = result.offset < 0 ? 0 : static_cast<std::size_t>(result.offset);
      if (result.status == pugi::status_no_document_element) {
        return Status::InvalidArgument(fmt::format(
            "{} is not an SSDA903 XML file: it has no elements at all{}", source_, text_.empty() ? " (it is empty)" : ""));
      }
      return Status::InvalidArgument(fmt::format("{} is not well-formed XML at line {}, column {} (byte {}): {}",
                                                 source_, lines_.LineOf(offset), lines_.ColumnOf(offset), offset,
                                                 result.description()));
    }
    const pugi::xml_node root = document.document_element();
    if (std::string_view(root.name()) != "EXPSSDA903") {
      return Status::InvalidArgument(fmt::format(
          "{} line {}: the root element is <{}>, but an SSDA903 XML file starts with <EXPSSDA903>", source_,
          LineOf(root), root.name()));
    }
    int child_number = 0;
    for (const pugi::xml_node node : root.children()) {
      if (node.type() != pugi::node_element) continue;
      if (std::string_view(node.name()) != "CHILD") {
        Unknown(node, "/EXPSSDA903");
        continue;
      }
      ReadChild(node, "/EXPSSDA903/CHILD[" + std::to_string(++child_number) + "]");
    }
    return Status::Ok();
  }

 private:
  std::string_view text_;
  LineIndex lines_;
  std::string source_;
  BatchBuilder& builder_;

  int LineOf(const pugi::xml_node& node) const {
    const std::ptrdiff_t offset = node.offset_debug();
    return offset < 0 ? 0 : lines_.LineOf(static_cast<std::size_t>(offset));
  }

  static std::string Print(const pugi::xml_node& node) {
    StringWriter writer;
    node.print(writer, "", pugi::format_raw);
    return Clip(std::move(writer.text));
  }

  static std::string ValueOf(const pugi::xml_node& node) { return std::string(ssda903::TrimSpace(node.child_value())); }

  void Unknown(const pugi::xml_node& node, const std::string& parent_path) {
    Problem problem = FileProblem(source_, LineOf(node), parent_path,
                                  fmt::format("<{}> is not part of the SSDA903 return here; it was ignored", node.name()));
    problem.field = node.name();
    builder_.Finding(std::move(problem));
  }

  void Repeated(const pugi::xml_node& node, const std::string& parent_path, const std::string& child) {
    Problem problem = FileProblem(source_, LineOf(node), parent_path,
                                  fmt::format("<{}> appears more than once; the first is used", node.name()));
    problem.field = node.name();
    problem.value = ValueOf(node);
    problem.child = child;
    builder_.Finding(std::move(problem));
  }

  // The simple items (elements holding text) of `element` by name, first occurrence only.
  // Items not in `known` and not nested elements are reported and ignored.
  std::unordered_map<std::string_view, std::string> Items(const pugi::xml_node& element, const std::string& path,
                                                          std::span<const std::string_view> known,
                                                          bool allow_nested, const std::string& child) {
    std::unordered_map<std::string_view, std::string> items;
    for (const pugi::xml_node node : element.children()) {
      if (node.type() != pugi::node_element) continue;
      const std::string_view name = node.name();
      auto found = std::find(known.begin(), known.end(), name);
      if (found == known.end()) {
        const bool nested = std::any_of(std::begin(kNested), std::end(kNested),
                                        [&](const NestedKind& kind) { return kind.element == name; });
        if (!(allow_nested && nested)) Unknown(node, path);
        continue;
      }
      if (!items.try_emplace(*found, ValueOf(node)).second) Repeated(node, path, child);
    }
    return items;
  }

  static std::string Get(const std::unordered_map<std::string_view, std::string>& items, std::string_view name) {
    auto found = items.find(name);
    return found == items.end() ? std::string() : found->second;
  }

  // A record of `table` from item values (by XML name), with CHILD and DOB from the HEADER.
  RawRecord Record(Table table, const std::unordered_map<std::string_view, std::string>& items,
                   const std::string& child, const std::string& dob, const pugi::xml_node& node, std::string path) {
    const TableSpec& spec = ssda903::SpecOf(table);
    RawRecord record;
    for (std::string_view column : spec.columns) {
      if (column == "CHILD") {
        record.values.push_back(child);
      } else if (column == "DOB" && table != Table::kHeader) {
        record.values.push_back(dob);
      } else {
        record.values.push_back(Get(items, XmlNameOf(column)));
      }
    }
    record.file = source_;
    record.line = LineOf(node);
    record.location = std::move(path);
    record.text = Print(node);
    return record;
  }

  // The element names a table's record is made of (all its columns but CHILD and DOB).
  static std::vector<std::string_view> ItemNames(Table table) {
    std::vector<std::string_view> names;
    for (std::string_view column : ssda903::SpecOf(table).columns) {
      if (column != "CHILD" && column != "DOB") names.push_back(XmlNameOf(column));
    }
    return names;
  }

  void ReadChild(const pugi::xml_node& child_node, const std::string& path) {
    pugi::xml_node header;
    int episode_number = 0;
    std::vector<std::pair<pugi::xml_node, std::string>> episodes;
    for (const pugi::xml_node node : child_node.children()) {
      if (node.type() != pugi::node_element) continue;
      const std::string_view name = node.name();
      if (name == "HEADER") {
        if (!header) {
          header = node;
        } else {
          Problem problem = FileProblem(source_, LineOf(node), path + "/HEADER",
                                        "this CHILD has a second HEADER; only the first is read, and this one is not loaded");
          problem.record = Print(node);
          builder_.Reject(std::move(problem));
        }
      } else if (name == "EPISODE") {
        episodes.emplace_back(node, path + "/EPISODE[" + std::to_string(++episode_number) + "]");
      } else {
        Unknown(node, path);
      }
    }
    if (!header) {
      Problem problem = FileProblem(source_, LineOf(child_node), path,
                                    "this CHILD has no HEADER, so it cannot be matched to a child; none of it is loaded");
      problem.field = "HEADER";
      problem.record = Print(child_node);
      builder_.Reject(std::move(problem));
      return;
    }

    const std::string header_path = path + "/HEADER";
    std::unordered_map<std::string_view, std::string> items =
        Items(header, header_path, kHeaderItems, /*allow_nested=*/true, "");
    const std::string child = Get(items, "CHILDID");
    const std::string dob = Get(items, "DOB");

    builder_.Add(Table::kHeader, Record(Table::kHeader, items, child, dob, header, header_path));

    // UASC: the flag is 1, or a DUC is given. Rules 105 and 303 check the two agree.
    const std::string uasc = Get(items, "UASC");
    const std::string duc = Get(items, "DUC");
    if (!uasc.empty() && uasc != "0" && uasc != "1") {
      Problem problem = FileProblem(source_, LineOf(header), header_path,
                                    "UASC must be 1 (an unaccompanied asylum-seeking child) or 0 (DfE rule 105); "
                                    "the child is not read as UASC");
      problem.field = "UASC";
      problem.value = uasc;
      problem.child = child;
      builder_.Finding(std::move(problem));
    }
    if (!duc.empty() && uasc != "1") {
      Problem problem = FileProblem(source_, LineOf(header), header_path,
                                    "DUC is given, so UASC should be 1 (DfE rule 303); the child is read as UASC");
      problem.field = "UASC";
      problem.value = uasc;
      problem.child = child;
      builder_.Finding(std::move(problem));
    }
    if (uasc == "1" || !duc.empty()) builder_.Add(Table::kUasc, Record(Table::kUasc, items, child, dob, header, header_path));

    // AD1 and OC3 items sit directly in HEADER; a record exists when any of them is given.
    for (Table table : {Table::kAd1, Table::kOc3}) {
      const std::vector<std::string_view> names = ItemNames(table);
      if (std::any_of(names.begin(), names.end(), [&](std::string_view name) { return !Get(items, name).empty(); })) {
        builder_.Add(table, Record(table, items, child, dob, header, header_path));
      }
    }

    // Nested records of HEADER, numbered per element name.
    std::unordered_map<std::string_view, int> numbers;
    for (const pugi::xml_node node : header.children()) {
      if (node.type() != pugi::node_element) continue;
      const std::string_view name = node.name();
      for (const NestedKind& kind : kNested) {
        if (kind.element != name) continue;
        const std::string nested_path = header_path + "/" + std::string(name) + "[" + std::to_string(++numbers[name]) + "]";
        const std::vector<std::string_view> names = ItemNames(kind.table);
        const auto nested_items = Items(node, nested_path, names, /*allow_nested=*/false, child);
        builder_.Add(kind.table, Record(kind.table, nested_items, child, dob, node, nested_path));
      }
    }

    const std::vector<std::string_view> episode_names = ItemNames(Table::kEpisodes);
    for (const auto& [node, episode_path] : episodes) {
      const auto episode_items = Items(node, episode_path, episode_names, /*allow_nested=*/false, child);
      builder_.Add(Table::kEpisodes, Record(Table::kEpisodes, episode_items, child, dob, node, episode_path));
    }
  }
};

}  // namespace

Result<ImportBatch> ReadSsda903CsvTexts(const std::vector<Ssda903CsvText>& files, std::optional<int> collection_year) {
  if (files.empty()) return Status::InvalidArgument("no SSDA903 files were given to read");
  BatchBuilder builder;
  std::unordered_map<Table, std::string> table_files;
  std::vector<std::string> names;
  for (const Ssda903CsvText& file : files) {
    AddCsvFile(file, builder, table_files);
    names.push_back(file.name);
  }
  return builder.Finish(collection_year, std::move(names));
}

Result<ImportBatch> ReadSsda903Csv(const std::vector<std::string>& paths, std::optional<int> collection_year) {
  if (paths.empty()) return Status::InvalidArgument("no SSDA903 files were given to read");
  BatchBuilder builder;
  std::unordered_map<Table, std::string> table_files;
  for (const std::string& path : paths) {
    CAIRN_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
    AddCsvFile(Ssda903CsvText{FileNameOf(path), std::move(text)}, builder, table_files);
  }
  return builder.Finish(collection_year, paths);
}

Result<ImportBatch> ReadSsda903XmlText(std::string_view text, std::string_view source_name,
                                       std::optional<int> collection_year) {
  BatchBuilder builder;
  XmlReader reader(text, std::string(source_name), builder);
  CAIRN_RETURN_IF_ERROR(reader.Read());
  return builder.Finish(collection_year, {std::string(source_name)});
}

Result<ImportBatch> ReadSsda903Xml(const std::string& path, std::optional<int> collection_year) {
  CAIRN_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  Result<ImportBatch> batch = ReadSsda903XmlText(text, FileNameOf(path), collection_year);
  if (batch.ok()) batch->files = {path};
  return batch;
}

}  // namespace cairn::returns
