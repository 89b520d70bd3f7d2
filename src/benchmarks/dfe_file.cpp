#include "benchmarks/dfe_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <utility>

#include "returns/csv.h"

namespace cairn::benchmarks {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kSymbols = "c, k, low, u, x, z, :, .., ~";

// Columns that say when and where a row is, never a figure. Those Cairn needs are required.
constexpr std::string_view kRequiredKeyColumns[] = {"time_period",  "geographic_level", "country_code", "region_code",
                                                    "region_name",  "old_la_code",      "la_name"};
constexpr std::string_view kOtherKeyColumns[] = {"time_identifier", "country_name", "new_la_code", "lad_code",
                                                 "lad_name"};

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsLaCode(std::string_view text) { return text.size() == 3 && AllDigits(text); }

std::string StripBoms(std::string_view text) {
  while (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  return std::string(text);
}

// The header line split at commas (it is read before the CSV parser, to recognise a file and to
// rename the neighbours file's repeated columns); nullopt when it is quoted, which no header Cairn
// recognises this way is.
std::optional<std::vector<std::string>> SplitPlainHeader(std::string_view line) {
  if (line.find('"') != std::string_view::npos) return std::nullopt;
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    names.emplace_back(Trim(line.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return names;
}

// The first physical line of `text`, without BOMs or its line ending.
std::string_view FirstLine(std::string_view text) {
  while (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  return text.substr(0, text.find_first_of("\r\n"));
}

// The neighbours file's header repeats "SNP" after every SNk and ends with an empty name. Each
// repeat becomes "SNP (N)" and each empty name "(column N)" (N counting columns from 1), in the
// text itself, so the CSV reader accepts the header and every line keeps its number.
std::string RenameRepeatedColumns(std::string text) {
  const std::string_view line = FirstLine(text);
  const auto names = SplitPlainHeader(line);
  if (!names) return text;
  std::vector<std::string> renamed;
  for (size_t i = 0; i < names->size(); ++i) {
    std::string name = (*names)[i];
    if (name.empty()) {
      name = fmt::format("(column {})", i + 1);
    } else if (std::find(renamed.begin(), renamed.end(), name) != renamed.end()) {
      name = fmt::format("{} ({})", name, i + 1);
    }
    renamed.push_back(std::move(name));
  }
  std::string header;
  for (size_t i = 0; i < renamed.size(); ++i) header += (i == 0 ? "" : ",") + renamed[i];
  const size_t start = static_cast<size_t>(line.data() - text.data());
  text.replace(start, line.size(), header);
  return text;
}

// The number of fields of the record starting on physical line `line` (1-based), counted as the
// CSV reader counts them; 0 if the text has no such line. Used only to say where a short or long
// row goes wrong, since the reader reports the row but not its fields.
size_t FieldsOnLine(std::string_view text, int line) {
  size_t pos = 0;
  for (int current = 1; current < line; ++current) {
    const size_t brk = text.find_first_of("\r\n", pos);
    if (brk == std::string_view::npos) return 0;
    pos = brk + ((text[brk] == '\r' && brk + 1 < text.size() && text[brk + 1] == '\n') ? 2 : 1);
  }
  size_t fields = 1;
  bool quoted = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == ',') {
      ++fields;
    } else if (!quoted && (c == '\r' || c == '\n')) {
      break;
    }
  }
  return fields;
}

Status FieldCountError(const CsvTable& table, const CsvProblem& problem, std::string_view text) {
  const size_t columns = table.header.size();
  const size_t fields = FieldsOnLine(text, problem.line);
  if (fields > 0 && fields < columns) {
    return Status::InvalidArgument(fmt::format("{} line {}, column {} ({}): the row ends after {} value{}, but the "
                                               "header has {} columns",
                                               table.source, problem.line, fields + 1, table.header[fields], fields,
                                               fields == 1 ? "" : "s", columns));
  }
  if (fields > columns) {
    return Status::InvalidArgument(fmt::format("{} line {}, column {}: the row has {} values, but the header has only "
                                               "{} columns (the last is {})",
                                               table.source, problem.line, columns + 1, fields, columns,
                                               table.header.back()));
  }
  return Status::InvalidArgument(problem.message);
}

std::string ColumnRef(const CsvTable& table, const CsvRecord& record, size_t column) {
  return fmt::format("{} line {}, column {} ({})", table.source, record.line, column + 1, table.header[column]);
}

// A whole row of empty values (a spreadsheet's trailing ",,,,") says nothing; it is skipped.
bool AllEmpty(const CsvRecord& record) {
  return std::all_of(record.fields.begin(), record.fields.end(),
                     [](const std::string& field) { return Trim(field).empty(); });
}

// "314 / 318" -> {"314", "318"}; "343" -> {"343"}; "" -> {""}. Each part trimmed.
std::vector<std::string_view> SplitJoint(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t slash = text.find('/');
    parts.push_back(Trim(text.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  return parts;
}

std::optional<int> ParseYear(std::string_view text) {
  text = Trim(text);
  if (text.size() != 4 || !AllDigits(text)) return std::nullopt;
  int year = 0;
  std::from_chars(text.data(), text.data() + text.size(), year);
  return year;
}

std::optional<double> ParseNumber(std::string_view text) {
  // Plain decimals only: from_chars alone would also take "inf", "nan" and hexadecimal.
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    size_t exponent_digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++exponent_digits;
    if (exponent_digits == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  const char* begin = text.data() + (text.front() == '+' ? 1 : 0);
  double value = 0;
  const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

Result<DfeFile> ReadStatistics(const KnownDfeFile& known, const CsvTable& table, DfeFile file) {
  std::vector<size_t> key;
  for (std::string_view name : kRequiredKeyColumns) {
    CAIRN_ASSIGN_OR_RETURN(size_t index, table.ColumnIndex(name));
    key.push_back(index);
  }
  const size_t time_column = key[0], level_column = key[1], country_column = key[2], region_column = key[3],
               region_name_column = key[4], la_column = key[5], la_name_column = key[6];
  const auto country_name_column = table.FindColumn("country_name");
  const auto new_la_column = table.FindColumn("new_la_code");

  std::vector<size_t> filter_columns;
  for (std::string_view name : known.filters) {
    CAIRN_ASSIGN_OR_RETURN(size_t index, table.ColumnIndex(name));
    filter_columns.push_back(index);
    file.filters.emplace_back(name);
  }
  std::vector<size_t> measure_columns;
  for (size_t i = 0; i < table.header.size(); ++i) {
    const std::string& name = table.header[i];
    const auto is = [&](std::string_view other) { return other == name; };
    if (std::any_of(std::begin(kRequiredKeyColumns), std::end(kRequiredKeyColumns), is) ||
        std::any_of(std::begin(kOtherKeyColumns), std::end(kOtherKeyColumns), is) ||
        std::any_of(known.filters.begin(), known.filters.end(), is)) {
      continue;
    }
    measure_columns.push_back(i);
    file.measures.push_back(name);
  }
  if (measure_columns.empty()) {
    return Status::InvalidArgument(fmt::format("{} line {}: the header has no column of figures, only when, where "
                                               "and breakdown columns",
                                               table.source, table.header_line));
  }

  std::map<std::pair<std::string_view, std::string>, DfeArea> areas;
  std::unordered_map<std::string, int> first_line_of;  // period, level, area, breakdown -> line
  file.rows.reserve(table.records.size());
  for (const CsvRecord& record : table.records) {
    if (AllEmpty(record)) continue;
    const auto field = [&](size_t column) { return Trim(record.fields[column]); };

    const std::optional<int> year = ParseYear(record.fields[time_column]);
    if (!year) {
      return Status::InvalidArgument(fmt::format("{}: '{}' is not a year (four digits, e.g. 2025)",
                                                 ColumnRef(table, record, time_column), record.fields[time_column]));
    }
    const std::string_view level_text = field(level_column);
    if (level_text.empty()) {
      return Status::InvalidArgument(ColumnRef(table, record, level_column) + ": the geographic level is empty");
    }
    DfeRow row;
    row.line = record.line;
    row.time_period = *year;
    size_t code_column = 0;
    if (level_text == kNational) {
      row.level = kNational;
      code_column = country_column;
    } else if (level_text == kRegional) {
      row.level = kRegional;
      code_column = region_column;
    } else if (level_text == kLocalAuthority) {
      row.level = kLocalAuthority;
      code_column = la_column;
    } else {
      ++file.skipped_rows;  // a level Cairn does not compare, e.g. local authority district
      continue;
    }
    // A children's service two councils share is published as one row: "314 / 318" (Kingston upon
    // Thames / Richmond upon Thames). Its figures are the service's, so each council gets them.
    const std::vector<std::string_view> codes =
        row.level == kLocalAuthority ? SplitJoint(field(code_column)) : std::vector<std::string_view>{field(code_column)};
    if (row.level == kLocalAuthority && !std::all_of(codes.begin(), codes.end(), IsLaCode)) {
      return Status::InvalidArgument(fmt::format("{}: '{}' is not a three-digit LA number (or several joined by "
                                                 "' / '), which every local authority row needs",
                                                 ColumnRef(table, record, code_column), record.fields[code_column]));
    }
    if (codes.front().empty()) {
      return Status::InvalidArgument(fmt::format("{}: empty, but every {} row needs its area's code",
                                                 ColumnRef(table, record, code_column), row.level));
    }

    std::vector<std::pair<std::string, std::string>> breakdown;
    for (size_t i = 0; i < filter_columns.size(); ++i) {
      breakdown.emplace_back(file.filters[i], record.fields[filter_columns[i]]);
    }
    row.breakdown = BreakdownText(breakdown);

    row.cells.reserve(measure_columns.size());
    for (size_t column : measure_columns) {
      std::optional<DfeCell> cell = ParseDfeCell(record.fields[column]);
      if (!cell) {
        return Status::InvalidArgument(fmt::format("{}: '{}' is neither a number nor one of the DfE's symbols ({})",
                                                   ColumnRef(table, record, column), record.fields[column], kSymbols));
      }
      row.cells.push_back(std::move(*cell));
    }

    const std::vector<std::string_view> names = SplitJoint(field(la_name_column));
    const std::vector<std::string_view> new_codes =
        new_la_column ? SplitJoint(field(*new_la_column)) : std::vector<std::string_view>{};
    for (size_t part = 0; part < codes.size(); ++part) {
      DfeRow own = part + 1 == codes.size() ? std::move(row) : row;
      own.area_code = std::string(codes[part]);
      std::string row_key =
          fmt::format("{}\x1f{}\x1f{}\x1f{}", own.time_period, own.level, own.area_code, own.breakdown);
      const auto [seen, inserted] = first_line_of.emplace(std::move(row_key), record.line);
      if (!inserted) {
        return Status::InvalidArgument(fmt::format("{} line {}, column {} (time_period): a second row for {} {} in {}{} "
                                                   "(the first is on line {})",
                                                   table.source, record.line, time_column + 1, own.level,
                                                   own.area_code, own.time_period,
                                                   filter_columns.empty() ? "" : " with the same breakdown",
                                                   seen->second));
      }

      DfeArea& area = areas[{own.level, own.area_code}];
      if (area.code.empty() || own.time_period >= area.time_period) {
        area.level = own.level;
        area.code = own.area_code;
        area.time_period = own.time_period;
        if (own.level == kNational) {
          area.name = country_name_column ? std::string(field(*country_name_column)) : std::string();
        } else if (own.level == kRegional) {
          area.name = std::string(field(region_name_column));
        } else {
          const bool named_each = names.size() == codes.size();
          area.name = std::string(named_each ? names[part] : field(la_name_column));
          area.new_code = new_codes.size() == codes.size() ? std::string(new_codes[part]) : std::string();
          area.region_code = std::string(field(region_column));
          area.region_name = std::string(field(region_name_column));
        }
      }
      file.first_year = file.rows.empty() ? own.time_period : std::min(file.first_year, own.time_period);
      file.last_year = file.rows.empty() ? own.time_period : std::max(file.last_year, own.time_period);
      file.rows.push_back(std::move(own));
    }
  }
  for (auto& entry : areas) file.areas.push_back(std::move(entry.second));
  return file;
}

Result<DfeFile> ReadNeighbours(const CsvTable& table, DfeFile file) {
  const auto la_number = table.FindColumn("LA number");
  CAIRN_ASSIGN_OR_RETURN(const size_t la_column, la_number ? Result<size_t>(*la_number) : table.ColumnIndex("LA num"));
  const auto name_column = table.FindColumn("LA Name");
  const auto region_column = table.FindColumn("GOReg");
  std::vector<std::pair<size_t, std::optional<size_t>>> neighbour_columns;  // SNk, and its SNP
  CAIRN_RETURN_IF_ERROR(table.ColumnIndex("SN1").status());
  for (int rank = 1;; ++rank) {
    const auto column = table.FindColumn("SN" + std::to_string(rank));
    if (!column) break;
    std::optional<size_t> closeness;
    if (*column + 1 < table.header.size() && table.header[*column + 1].starts_with("SNP")) closeness = *column + 1;
    neighbour_columns.emplace_back(*column, closeness);
  }

  std::unordered_map<std::string, int> first_line_of;
  for (const CsvRecord& record : table.records) {
    if (AllEmpty(record)) continue;
    DfeNeighbours la;
    la.line = record.line;
    la.la_code = std::string(Trim(record.fields[la_column]));
    // The published file has a heading row ("Old SNs:") before the authorities replaced since 2019.
    const bool no_neighbours = std::all_of(neighbour_columns.begin(), neighbour_columns.end(),
                                           [&](const auto& columns) { return Trim(record.fields[columns.first]).empty(); });
    if (la.la_code.empty() && no_neighbours) continue;
    if (!IsLaCode(la.la_code)) {
      return Status::InvalidArgument(fmt::format("{}: '{}' is not a three-digit LA number",
                                                 ColumnRef(table, record, la_column), record.fields[la_column]));
    }
    const auto [seen, inserted] = first_line_of.emplace(la.la_code, record.line);
    if (!inserted) {
      return Status::InvalidArgument(fmt::format("{}: LA {} appears twice (first on line {})",
                                                 ColumnRef(table, record, la_column), la.la_code, seen->second));
    }
    if (name_column) la.la_name = std::string(Trim(record.fields[*name_column]));
    if (region_column) la.region_name = std::string(Trim(record.fields[*region_column]));
    for (const auto& [column, closeness] : neighbour_columns) {
      const std::string_view code = Trim(record.fields[column]);
      if (code.empty()) continue;
      if (!IsLaCode(code)) {
        return Status::InvalidArgument(fmt::format("{}: '{}' is not a three-digit LA number",
                                                   ColumnRef(table, record, column), record.fields[column]));
      }
      la.neighbours.emplace_back(std::string(code),
                                 closeness ? std::string(Trim(record.fields[*closeness])) : std::string());
    }
    file.neighbours.push_back(std::move(la));
  }
  return file;
}

}  // namespace

const std::vector<KnownDfeFile>& KnownDfeFiles() {
  static const std::vector<KnownDfeFile> known = {
      {"b1_children_in_need", DfeFileKind::kStatistics, {"category"}},
      {"c1_children_in_need_referrals", DfeFileKind::kStatistics, {"category"}},
      {"d3_cpps_subsequent_plan", DfeFileKind::kStatistics, {"category"}},
      {"d5_cpps_at31march_by_duration", DfeFileKind::kStatistics, {"category"}},
      {"cla_number_and_rate_per_10k_children", DfeFileKind::kStatistics, {"population_type"}},
      {"la_cla_placement_stability", DfeFileKind::kStatistics, {"cla_group", "placement_stability"}},
      {"la_cla_swcount", DfeFileKind::kStatistics, {"cla_group", "sw_stability"}},
      {"la_care_leavers_activity", DfeFileKind::kStatistics, {"care_leaver_age", "breakdown"}},
      {"la_care_leavers_accommodation_suitability", DfeFileKind::kStatistics, {"care_leaver_age", "breakdown"}},
      {"csww_indicators", DfeFileKind::kStatistics, {}},
      {kPopulationPrefix, DfeFileKind::kStatistics, {"age_group"}},
      {"statistical_neighbours", DfeFileKind::kNeighbours, {}},
  };
  return known;
}

const KnownDfeFile* RecogniseDfeFile(std::string_view file_name, std::string_view first_line) {
  std::string lower(file_name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  // The statistics service's downloads hold a .meta.csv beside each data file: not figures.
  const bool data_csv = lower.ends_with(".csv") && !lower.ends_with(".meta.csv");
  const KnownDfeFile* best = nullptr;
  for (const KnownDfeFile& known : KnownDfeFiles()) {
    if (data_csv && known.kind == DfeFileKind::kStatistics && lower.starts_with(known.prefix) &&
        (best == nullptr || known.prefix.size() > best->prefix.size())) {
      best = &known;
    }
  }
  if (best != nullptr) return best;
  const auto names = SplitPlainHeader(FirstLine(first_line));
  if (names) {
    const auto has = [&](std::string_view name) { return std::find(names->begin(), names->end(), name) != names->end(); };
    if ((has("LA number") || has("LA num")) && has("SN1")) {
      return &*std::find_if(KnownDfeFiles().begin(), KnownDfeFiles().end(),
                            [](const KnownDfeFile& known) { return known.kind == DfeFileKind::kNeighbours; });
    }
  }
  return nullptr;
}

std::string BreakdownText(const std::vector<std::pair<std::string, std::string>>& values) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [column, value] : values) object[column] = value;
  // Invalid UTF-8 in a value becomes U+FFFD rather than an exception.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<DfeCell> ParseDfeCell(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return DfeCell{};
  if (const std::optional<double> number = ParseNumber(text)) return DfeCell{number, ""};
  if (text.size() > 5) return std::nullopt;
  if (text.size() >= 3 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  std::string mark(text);
  std::transform(mark.begin(), mark.end(), mark.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  static constexpr std::string_view kMarks[] = {"c", "k", "low", "u", "x", "z", ":", "..", "~"};
  if (std::find(std::begin(kMarks), std::end(kMarks), mark) == std::end(kMarks)) return std::nullopt;
  return DfeCell{std::nullopt, std::move(mark)};
}

Result<DfeFile> ReadDfeFile(const KnownDfeFile& known, std::string_view file_name, std::string_view text) {
  const std::string prepared =
      known.kind == DfeFileKind::kNeighbours ? RenameRepeatedColumns(StripBoms(text)) : std::string();
  const std::string_view parsed_text = known.kind == DfeFileKind::kNeighbours ? std::string_view(prepared) : text;
  CAIRN_ASSIGN_OR_RETURN(CsvTable table, ParseCsv(parsed_text, file_name));
  if (!table.problems.empty()) return FieldCountError(table, table.problems.front(), parsed_text);

  DfeFile file;
  file.known = &known;
  file.file_name = std::string(file_name);
  if (known.kind == DfeFileKind::kNeighbours) return ReadNeighbours(table, std::move(file));
  return ReadStatistics(known, table, std::move(file));
}

}  // namespace cairn::benchmarks
