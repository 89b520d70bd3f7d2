#include "validate/inputs.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "base/working_day_calendar.h"
#include "geography/local_authorities.h"
#include "geography/postcode_directory.h"
#include "returns/csv.h"
#include "validate/catalogue.h"

namespace cairn::validate {
namespace {

void UpperInPlace(std::string& text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
}

std::string Upper(std::string_view text) {
  std::string upper(text);
  UpperInPlace(upper);
  return upper;
}

std::string FileNameOf(const std::string& path) { return std::filesystem::path(path).filename().string(); }

bool EndsWithIgnoringCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return Upper(text.substr(text.size() - suffix.size())) == Upper(suffix);
}

const WorkingDayCalendar* Calendar() {
  static const Result<WorkingDayCalendar> calendar = WorkingDayCalendar::EnglandAndWales();
  return calendar.ok() ? &calendar.value() : nullptr;
}

// --- SSDA903 CSV -----------------------------------------------------------------------------

// An SSDA903 CSV file parsed, its values upper-cased as the validator reads them.
Result<CsvTable> ParseSsda903Csv(const ReturnText& input) {
  CAIRN_ASSIGN_OR_RETURN(CsvTable csv, ParseCsv(input.text, input.name));
  for (CsvRecord& record : csv.records) {
    for (std::string& value : record.fields) UpperInPlace(value);
  }
  return csv;
}

// `parsed` is ParseSsda903Csv(input).
Status AddSsda903Csv(const ReturnText& input, Result<CsvTable> parsed, Return& ssda903) {
  if (!parsed.ok()) return parsed.status();
  CsvTable csv = std::move(*parsed);
  if (!csv.problems.empty()) {
    return Status::InvalidArgument(csv.problems.front().message +
                                   (csv.problems.size() > 1
                                        ? fmt::format(" (and {} more records like it)", csv.problems.size() - 1)
                                        : std::string()));
  }
  std::vector<std::string> header;
  for (const std::string& name : csv.header) header.push_back(Upper(name));
  std::set<std::string> given(header.begin(), header.end());
  const std::pair<std::string, std::vector<std::string>>* best = nullptr;
  std::size_t best_differences = 0;
  for (const auto& table : Ssda903TableColumns()) {
    std::set<std::string> expected(table.second.begin(), table.second.end());
    std::size_t differences = 0;
    for (const std::string& name : expected) differences += given.count(name) == 0 ? 1 : 0;
    for (const std::string& name : given) differences += expected.count(name) == 0 ? 1 : 0;
    if (best == nullptr || differences < best_differences) {
      best = &table;
      best_differences = differences;
    }
  }
  if (best_differences != 0) {
    std::vector<std::string> missing;
    std::vector<std::string> extra;
    for (const std::string& name : best->second) {
      if (given.count(name) == 0) missing.push_back(name);
    }
    for (const std::string& name : header) {
      if (std::find(best->second.begin(), best->second.end(), name) == best->second.end()) extra.push_back(name);
    }
    std::string detail;
    if (!missing.empty()) detail += fmt::format("it lacks {}", fmt::join(missing, ", "));
    if (!extra.empty()) detail += fmt::format("{}it has {} as well", detail.empty() ? "" : "; ", fmt::join(extra, ", "));
    return Status::InvalidArgument(fmt::format(
        "{} line {}: these columns are not those of any SSDA903 table; the nearest is {} ({})", input.name,
        csv.header_line, best->first, detail));
  }
  const std::string name = best->first + (input.previous_year ? "_last" : "");
  if (const Table* earlier = ssda903.Find(name)) {
    return Status::InvalidArgument(fmt::format("{} and {} are both the {} table{}; give each table once",
                                               earlier->source(), input.name, best->first,
                                               input.previous_year ? " of the previous year" : ""));
  }
  Table table(name, input.name, header, DateForm::kDayMonthYear);
  table.Reserve(csv.records.size());
  for (CsvRecord& record : csv.records) table.AddRow(std::move(record.fields), record.line);
  ssda903.tables.push_back(std::move(table));
  return Status::Ok();
}

void AddUascColumn(Return& ssda903, std::string_view header_name, std::string_view uasc_name) {
  Table* header = ssda903.FindMutable(header_name);
  const Table* uasc = ssda903.Find(uasc_name);
  if (header == nullptr || uasc == nullptr) return;
  std::set<std::string, std::less<>> children(uasc->Column("CHILD").begin(), uasc->Column("CHILD").end());
  std::vector<std::string> flags;
  flags.reserve(header->rows());
  for (const std::string& child : header->Column("CHILD")) flags.push_back(children.count(child) ? "1" : "0");
  header->SetColumn("UASC", std::move(flags));
}

// --- CIN census XML --------------------------------------------------------------------------

struct CinTables {
  Table header{"Header", "", {"Collection", "Year", "ReferenceDate", "SourceLevel", "LEA", "SoftwareCode", "Release",
                              "SerialNo", "DateTime"},
               DateForm::kIso};
  Table identifiers{"ChildIdentifiers", "", {"LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
                                             "ExpectedPersonBirthDate", "GenderCurrent", "Sex", "PersonDeathDate"},
                    DateForm::kIso};
  Table characteristics{"ChildCharacteristics", "", {"LAchildID", "Ethnicity"}, DateForm::kIso};
  Table disabilities{"Disabilities", "", {"LAchildID", "Disability"}, DateForm::kIso};
  Table cin_details{"CINdetails", "", {"LAchildID", "CINdetailsID", "CINreferralDate", "ReferralSource",
                                       "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure", "DateOfInitialCPC",
                                       "ReferralNFA"},
                    DateForm::kIso};
  Table assessments{"Assessments", "", {"LAchildID", "CINdetailsID", "AssessmentID", "AssessmentActualStartDate",
                                        "AssessmentInternalReviewDate", "AssessmentAuthorisationDate",
                                        "AssessmentFactors"},
                    DateForm::kIso};
  Table factors{"AssessmentFactorsList", "", {"LAchildID", "CINdetailsID", "AssessmentID", "AssessmentFactor"},
                DateForm::kIso};
  Table plan_dates{"CINplanDates", "", {"LAchildID", "CINdetailsID", "CINPlanStartDate", "CINPlanEndDate"},
                   DateForm::kIso};
  Table section47{"Section47", "", {"LAchildID", "CINdetailsID", "S47ActualStartDate", "InitialCPCtarget",
                                    "DateOfInitialCPC", "ICPCnotRequired"},
                  DateForm::kIso};
  Table plans{"ChildProtectionPlans", "", {"LAchildID", "CINdetailsID", "CPPID", "CPPstartDate", "CPPendDate",
                                           "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP"},
              DateForm::kIso};
  Table reviews{"Reviews", "", {"LAchildID", "CINdetailsID", "CPPID", "CPPreviewDate"}, DateForm::kIso};
};

// The text of the first child element called `name`, as ElementTree's find(name).text gives it.
std::string ChildText(const pugi::xml_node& parent, const char* name) {
  const pugi::xml_node node = parent.child(name);
  return node ? std::string(node.child_value()) : std::string();
}

std::vector<std::string> Values(const pugi::xml_node& parent, const std::vector<std::string>& columns,
                                std::size_t from) {
  std::vector<std::string> values;
  for (std::size_t i = from; i < columns.size(); ++i) values.push_back(ChildText(parent, columns[i].c_str()));
  return values;
}

template <typename... Prefix>
std::vector<std::string> Row(const pugi::xml_node& parent, const Table& table, Prefix... prefix) {
  std::vector<std::string> values{std::string(prefix)...};
  std::vector<std::string> rest = Values(parent, table.columns(), sizeof...(prefix));
  values.insert(values.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return values;
}

int LineAt(std::string_view text, std::size_t offset, std::size_t& counted_to, int& line) {
  const std::size_t to = std::min(offset, text.size());
  if (counted_to < to) {
    line += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted_to),
                                        text.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
    counted_to = to;
  }
  return line;
}

void FlattenChild(const pugi::xml_node& child, int line, CinTables& t) {
  const pugi::xml_node identifiers = child.child("ChildIdentifiers");
  std::vector<std::string> identifier_values = Values(identifiers, t.identifiers.columns(), 0);
  const std::string child_id = identifier_values[0];
  t.identifiers.AddRow(std::move(identifier_values), line);
  const pugi::xml_node characteristics = child.child("ChildCharacteristics");
  t.characteristics.AddRow(Row(characteristics, t.characteristics, child_id), line);
  if (const pugi::xml_node disabilities = characteristics.child("Disabilities")) {
    for (const pugi::xml_node& disability : disabilities.children()) {
      if (disability.type() != pugi::node_element) continue;
      t.disabilities.AddRow({child_id, disability.child_value()}, line);
    }
  }
  int cin_details_id = 0;
  for (const pugi::xml_node& details : child.children("CINdetails")) {
    const std::string details_id = std::to_string(++cin_details_id);
    t.cin_details.AddRow(Row(details, t.cin_details, child_id, details_id), line);
    int assessment_id = 0;
    for (const pugi::xml_node& assessment : details.children("Assessments")) {
      const std::string id = std::to_string(++assessment_id);
      std::vector<std::string> values = Row(assessment, t.assessments, child_id, details_id, id);
      std::string factors;
      if (const pugi::xml_node list = assessment.child("FactorsIdentifiedAtAssessment")) {
        for (const pugi::xml_node& factor : list.children()) {
          if (factor.type() != pugi::node_element) continue;
          t.factors.AddRow({child_id, details_id, id, factor.child_value()}, line);
          if (!factors.empty()) factors += ',';
          factors += factor.child_value();
        }
      }
      values.back() = factors;
      t.assessments.AddRow(std::move(values), line);
    }
    for (const pugi::xml_node& plan : details.children("CINPlanDates")) {
      t.plan_dates.AddRow(Row(plan, t.plan_dates, child_id, details_id), line);
    }
    for (const pugi::xml_node& enquiry : details.children("Section47")) {
      t.section47.AddRow(Row(enquiry, t.section47, child_id, details_id), line);
    }
    int plan_id = 0;
    for (const pugi::xml_node& plan : details.children("ChildProtectionPlans")) {
      const std::string id = std::to_string(++plan_id);
      t.plans.AddRow(Row(plan, t.plans, child_id, details_id, id), line);
      for (const pugi::xml_node& reviews : plan.children("Reviews")) {
        for (const pugi::xml_node& review : reviews.children("CPPreviewDate")) {
          t.reviews.AddRow({child_id, details_id, id, review.child_value()}, line);
        }
      }
    }
  }
}

bool IsChildStart(std::string_view text, std::size_t at) {
  // "<Child" followed by '>', '/' or whitespace: not <Children>, <ChildIdentifiers>, ...
  const std::size_t next = at + 6;
  if (next >= text.size()) return false;
  const char c = text[next];
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

Status XmlError(const std::string& name, int line, const pugi::xml_parse_result& result, std::string_view fragment,
                int fragment_line) {
  int error_line = fragment_line;
  for (std::ptrdiff_t i = 0; i < result.offset && static_cast<std::size_t>(i) < fragment.size(); ++i) {
    if (fragment[static_cast<std::size_t>(i)] == '\n') ++error_line;
  }
  (void)line;
  return Status::InvalidArgument(
      fmt::format("{} line {}: the XML is not well formed ({})", name, error_line, result.description()));
}

// Where one <Child> element of a CIN census file lies: its bytes and its first line.
struct ChildSpan {
  std::size_t start;
  std::size_t end;
  int line;
};

// Every table of `t`, the header first.
std::vector<Table*> TablesOf(CinTables& t) {
  return {&t.header, &t.identifiers, &t.characteristics, &t.disabilities, &t.cin_details, &t.assessments,
          &t.factors, &t.plan_dates, &t.section47, &t.plans, &t.reviews};
}

// Empty tables that name `source` in their messages.
void StartTables(CinTables& t, const std::string& source) {
  for (Table* table : TablesOf(t)) *table = Table(table->name(), source, table->columns(), DateForm::kIso);
}

// Flattens the children at `spans` (in file order) into `t`. They are parsed a run at a time
// (about a megabyte of text each), so memory holds the file's text and the tables, never a tree
// of the whole file, and the parser's set-up is paid once a run rather than once a child.
// `room_for_bytes` says how much text the tables will hold in the end (the second half of a
// file is appended to the first's tables).
Status FlattenChildren(const std::string& name, std::string_view text, std::span<const ChildSpan> spans,
                       std::size_t room_for_bytes, CinTables& t) {
  constexpr std::size_t kRunBytes = 1 << 20;
  pugi::xml_document children;
  std::size_t from = 0;
  while (from < spans.size()) {
    std::size_t to = from + 1;
    while (to < spans.size() && spans[to - 1].end - spans[from].start < kRunBytes) ++to;
    const std::string_view fragment = text.substr(spans[from].start, spans[to - 1].end - spans[from].start);
    const pugi::xml_parse_result parsed =
        children.load_buffer(fragment.data(), fragment.size(), pugi::parse_default | pugi::parse_fragment);
    if (!parsed) return XmlError(name, spans[from].line, parsed, fragment, spans[from].line);
    std::size_t index = from;
    for (const pugi::xml_node& child : children.children("Child")) {
      if (index == to) break;
      FlattenChild(child, spans[index++].line, t);
    }
    if (from == 0 && to < spans.size()) {
      // Room for all these children, judged from the first run: growing a column of a few
      // hundred thousand values by doubling would copy it again and again.
      const double scale = 1.1 * static_cast<double>(room_for_bytes) /
                           static_cast<double>(spans[to - 1].end - spans.front().start);
      for (Table* table : TablesOf(t)) {
        table->Reserve(static_cast<std::size_t>(static_cast<double>(table->rows()) * scale) + 16);
      }
    }
    from = to;
  }
  return Status::Ok();
}

// Finds the children that start in text[from, to) and flattens them into `t`; `line` is the
// line `from` is on. A child never closed ends the search, but the children before it are still
// read, so an earlier fault in the file is the one reported.
Status ReadChildren(const std::string& name, std::string_view text, std::size_t from, std::size_t to, int line,
                    std::size_t room_for_bytes, CinTables& t) {
  std::vector<ChildSpan> spans;
  Status unclosed = Status::Ok();
  std::size_t counted_to = from;
  std::size_t at = from;
  while (true) {
    at = text.find("<Child", at);
    if (at == std::string_view::npos || at >= to) break;
    if (!IsChildStart(text, at)) {
      at += 6;
      continue;
    }
    const std::size_t close = text.find('>', at);
    if (close == std::string_view::npos) break;
    std::size_t end;
    if (text[close - 1] == '/') {
      end = close + 1;
    } else {
      const std::size_t closing = text.find("</Child>", close);
      if (closing == std::string_view::npos) {
        unclosed = Status::InvalidArgument(
            fmt::format("{} line {}: this <Child> is never closed", name, LineAt(text, at, counted_to, line)));
        break;
      }
      end = closing + 8;
    }
    spans.push_back({at, end, LineAt(text, at, counted_to, line)});
    at = end;
  }
  CAIRN_RETURN_IF_ERROR(FlattenChildren(name, text, spans, room_for_bytes, t));
  return unclosed;
}

// A CIN census file: the header parsed alone, then the children found by their tags and
// flattened. A large file is read in two halves on two threads, each into tables of its own,
// and the second half's rows appended to the first's, so the rows keep the file's order.
Status AddCinXml(const ReturnText& input, Return& cin) {
  const std::string_view text = input.text;
  CinTables t;
  StartTables(t, input.name);
  std::size_t counted_to = 0;
  int line = 1;
  const std::size_t header_start = text.find("<Header");
  const std::size_t header_end = text.find("</Header>");
  if (header_start == std::string_view::npos || header_end == std::string_view::npos || header_end < header_start) {
    return Status::InvalidArgument(fmt::format("{}: this is not a CIN census file: it has no <Header> element",
                                               input.name));
  }
  {
    const std::string_view fragment = text.substr(header_start, header_end + 9 - header_start);
    const int fragment_line = LineAt(text, header_start, counted_to, line);
    pugi::xml_document document;
    const pugi::xml_parse_result parsed = document.load_buffer(fragment.data(), fragment.size());
    if (!parsed) return XmlError(input.name, line, parsed, fragment, fragment_line);
    const pugi::xml_node header = document.child("Header");
    std::vector<std::string> values = Values(header.child("CollectionDetails"), t.header.columns(), 0);
    std::vector<std::string> source = Values(header.child("Source"), t.header.columns(), 0);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i].empty()) values[i] = source[i];
    }
    t.header.AddRow(std::move(values), fragment_line);
  }
  // A large file is read in two halves on two threads, split where a child starts.
  constexpr std::size_t kHalvesFromBytes = 1 << 20;
  std::size_t boundary = text.size();
  if (text.size() - header_end >= kHalvesFromBytes) {
    boundary = header_end + (text.size() - header_end) / 2;
    while ((boundary = text.find("<Child", boundary)) != std::string_view::npos && !IsChildStart(text, boundary)) {
      boundary += 6;
    }
    if (boundary == std::string_view::npos) boundary = text.size();
  }
  const int first_line = LineAt(text, header_end, counted_to, line);
  CinTables second;
  Status second_status = Status::Ok();
  std::thread second_half;
  if (boundary < text.size()) {
    StartTables(second, input.name);
    const int boundary_line = LineAt(text, boundary, counted_to, line);
    second_half = std::thread([&, boundary_line] {
      second_status = ReadChildren(input.name, text, boundary, text.size(), boundary_line, text.size() - boundary,
                                   second);
    });
  }
  const Status first_status =
      ReadChildren(input.name, text, header_end, boundary, first_line, text.size() - header_end, t);
  if (second_half.joinable()) second_half.join();
  CAIRN_RETURN_IF_ERROR(first_status);
  CAIRN_RETURN_IF_ERROR(second_status);
  if (boundary < text.size()) {
    // Each table's second half appended to its first, the tables shared between two threads.
    const std::vector<Table*> into = TablesOf(t);
    const std::vector<Table*> from = TablesOf(second);
    auto append = [&](std::size_t parity) {
      for (std::size_t i = 1; i < into.size(); ++i) {
        if (i % 2 == parity) into[i]->Append(std::move(*from[i]));
      }
    };
    std::thread odd(append, 1);
    append(0);
    odd.join();
  }
  const std::optional<Date> reference = t.header.DateAt("ReferenceDate", 0);
  if (!reference) {
    return Status::InvalidArgument(fmt::format(
        "{} line {}: the header's ReferenceDate '{}' is not a date (YYYY-MM-DD); the census period comes from it",
        input.name, t.header.Line(0), t.header.Text("ReferenceDate", 0)));
  }
  cin.collection_end = *reference;
  cin.collection_start = reference->AddYears(-1).AddDays(1);
  for (Table* table : TablesOf(t)) cin.tables.push_back(std::move(*table));
  return Status::Ok();
}

// --- SSDA903 XML -----------------------------------------------------------------------------

// An SSDA903 XML file (EXPSSDA903 > CHILD > HEADER with AREVIEW, AMISSING, OC2, PERMANENCE and
// AD_PLACED inside it, and EPISODE beside it) read into the CSV tables as the SSDA903 validator
// reads it: the leaf elements of the child's HEADER give the child's values by name (CHILDID is
// CHILD, PL is PLACE), and each table's row takes its own element's leaves over the child's.
// UASC, OC3 and AD1 rows exist when UASC, IN_TOUCH or DATE_INT has text. Header keeps the file's
// UASC. There is no social-worker or DoLo table in the XML.
// One difference, on purpose: the validator takes the child's values from every leaf of the
// CHILD, episodes included, so an episode without PL_POST inherits another episode's; here an
// element the episode does not have is blank, as the DfE's schema means.
Status AddSsda903Xml(const ReturnText& input, Return& ssda903) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_buffer(input.text.data(), input.text.size());
  if (!parsed) {
    int line = 1;
    for (std::ptrdiff_t i = 0; i < parsed.offset && static_cast<std::size_t>(i) < input.text.size(); ++i) {
      if (input.text[static_cast<std::size_t>(i)] == '\n') ++line;
    }
    return Status::InvalidArgument(
        fmt::format("{} line {}: the XML is not well formed ({})", input.name, line, parsed.description()));
  }
  // Lines: pugixml gives offsets; lines are counted once, in order.
  std::vector<std::size_t> line_starts{0};
  for (std::size_t i = 0; i < input.text.size(); ++i) {
    if (input.text[i] == '\n') line_starts.push_back(i + 1);
  }
  auto line_of = [&line_starts](const pugi::xml_node& node) {
    const auto offset = static_cast<std::size_t>(node.offset_debug());
    return static_cast<int>(std::upper_bound(line_starts.begin(), line_starts.end(), offset) - line_starts.begin());
  };
  using Values = std::map<std::string, std::string, std::less<>>;
  auto leaves = [](const pugi::xml_node& node, Values& into) {
    for (const pugi::xpath_node& hit : node.select_nodes(".//*[not(*)]")) {
      const pugi::xml_node leaf = hit.node();
      std::string name = leaf.name();
      if (name == "CHILDID") name = "CHILD";
      if (name == "PL") name = "PLACE";
      into[name] = Upper(leaf.child_value());
    }
  };
  std::map<std::string, Table> tables;
  for (const auto& [name, columns] : Ssda903TableColumns()) {
    if (name == "SWEpisodes" || name == "DoLo") continue;
    std::vector<std::string> with = columns;
    if (name == "Header") with.push_back("UASC");
    const std::string table_name = name + (input.previous_year ? "_last" : "");
    tables.emplace(name, Table(table_name, input.name, with, DateForm::kDayMonthYear));
  }
  auto add = [&tables](const std::string& table, const Values& values, int line) {
    Table& into = tables.at(table);
    std::vector<std::string> row;
    for (const std::string& column : into.columns()) {
      const auto found = values.find(column);
      row.push_back(found == values.end() ? std::string() : found->second);
    }
    into.AddRow(std::move(row), line);
  };
  auto has_text = [](const Values& values, std::string_view key) {
    const auto found = values.find(key);
    return found != values.end() && !found->second.empty();
  };
  for (const pugi::xml_node& child : document.document_element().children()) {
    if (child.type() != pugi::node_element) continue;
    Values all;
    for (const pugi::xml_node& header : child.children("HEADER")) leaves(header, all);
    const int line = line_of(child);
    add("Header", all, line);
    if (has_text(all, "UASC")) add("UASC", all, line);
    if (has_text(all, "IN_TOUCH")) add("OC3", all, line);
    if (has_text(all, "DATE_INT")) add("AD1", all, line);
    for (const pugi::xml_node& part : child.children()) {
      const std::string_view tag = part.name();
      if (tag == "EPISODE") {
        Values values = all;
        leaves(part, values);
        add("Episodes", values, line_of(part));
      } else if (tag == "HEADER") {
        for (const pugi::xml_node& item : part.children()) {
          static const std::map<std::string_view, std::string_view> kTables = {
              {"AREVIEW", "Reviews"}, {"AMISSING", "Missing"}, {"OC2", "OC2"}, {"PERMANENCE", "PrevPerm"},
              {"AD_PLACED", "PlacedAdoption"}};
          const auto table = kTables.find(item.name());
          if (table == kTables.end()) continue;
          Values values = all;
          leaves(item, values);
          add(std::string(table->second), values, line_of(item));
        }
      }
    }
  }
  for (auto& [name, table] : tables) {
    if (ssda903.Find(table.name()) != nullptr) {
      return Status::InvalidArgument(fmt::format("{}: the {} table is given twice; give each table once", input.name,
                                                 table.name()));
    }
    ssda903.tables.push_back(std::move(table));
  }
  return Status::Ok();
}

enum class XmlKind { kCin, kSsda903, kUnknown };

XmlKind SniffXml(std::string_view text) {
  const std::size_t root = text.find_first_of('<', 0);
  std::size_t at = root;
  // Skip the declaration and comments to the first element.
  while (at != std::string_view::npos && at + 1 < text.size() && (text[at + 1] == '?' || text[at + 1] == '!')) {
    at = text.find('<', at + 1);
  }
  if (at == std::string_view::npos) return XmlKind::kUnknown;
  const std::string_view rest = text.substr(at + 1);
  if (rest.starts_with("Message")) return XmlKind::kCin;
  if (rest.starts_with("EXPSSDA903")) return XmlKind::kSsda903;
  return XmlKind::kUnknown;
}

// --- Postcode-derived columns -------------------------------------------------------------

void AddPostcodeColumnsTo(Table& episodes, const geography::PostcodeDirectory& postcodes,
                          const geography::LocalAuthorities& authorities, const std::string& la_ons) {
  const std::vector<std::string>& home = episodes.Column("HOME_POST");
  const std::vector<std::string>& placed = episodes.Column("PL_POST");
  std::vector<std::string> pl_la(episodes.rows());
  std::vector<std::string> pl_location(episodes.rows());
  std::vector<std::string> pl_distance(episodes.rows());
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const geography::PostcodeEntry* placement = placed[row].empty() ? nullptr : postcodes.Find(placed[row]);
    const geography::PostcodeEntry* home_entry = home[row].empty() ? nullptr : postcodes.Find(home[row]);
    if (placement != nullptr && !placement->district.empty()) {
      pl_la[row] = std::string(authorities.UpperTierOf(placement->district));
      // The validator sets OUT wherever PL_LA differs from the council's code, a missing PL_LA
      // included, and IN only where they are equal.
      pl_location[row] = !pl_la[row].empty() && pl_la[row] == la_ons ? "IN" : "OUT";
      switch (placement->district[0]) {
        case 'S': case 's': pl_la[row] = "SCO"; pl_location[row] = "OUT"; break;
        case 'N': case 'n': pl_la[row] = "NIR"; pl_location[row] = "OUT"; break;
        case 'W': case 'w': pl_la[row] = "WAL"; pl_location[row] = "OUT"; break;
        default: break;
      }
    }
    if (placement != nullptr && home_entry != nullptr && placement->easting && placement->northing &&
        home_entry->easting && home_entry->northing) {
      pl_distance[row] = FormatPlacementDistance(geography::DistanceInMiles(
          *home_entry->easting, *home_entry->northing, *placement->easting, *placement->northing));
    }
  }
  episodes.SetColumn("PL_LA", std::move(pl_la));
  episodes.SetColumn("PL_LOCATION", std::move(pl_location));
  episodes.SetColumn("PL_DISTANCE", std::move(pl_distance));
}

}  // namespace

const std::vector<std::pair<std::string, std::vector<std::string>>>& Ssda903TableColumns() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> tables = {
      {"Header", {"CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"}},
      {"Episodes", {"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"}},
      {"Reviews", {"CHILD", "DOB", "REVIEW", "REVIEW_CODE"}},
      {"UASC", {"CHILD", "SEX", "DOB", "DUC"}},
      {"OC2", {"CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
               "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"}},
      {"OC3", {"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"}},
      {"AD1", {"CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}},
      {"PlacedAdoption", {"CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"}},
      {"PrevPerm", {"CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"}},
      {"Missing", {"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"}},
      {"SWEpisodes", {"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}},
      {"DoLo", {"CHILD", "DOB", "DOLO_START", "DOLO_END"}},
  };
  return tables;
}

std::string FormatPlacementDistance(double miles) {
  // numpy's round(x, 1): scale, round half to even, scale back.
  const double rounded = std::nearbyint(miles * 10) / 10;
  // fmt's "{}" is the shortest text that reads back as the same double, as Python's repr is;
  // Python keeps ".0" on a whole number.
  std::string text = fmt::format("{}", rounded);
  if (text.find_first_of(".enai") == std::string::npos) text += ".0";
  return text;
}

std::set<std::string, std::less<>> PostcodesNeeded(const LoadedReturns& loaded) {
  std::set<std::string, std::less<>> postcodes;
  if (!loaded.ssda903) return postcodes;
  for (std::string_view name : {"Episodes", "Episodes_last"}) {
    const Table* episodes = loaded.ssda903->Find(name);
    if (episodes == nullptr) continue;
    for (std::string_view column : {"HOME_POST", "PL_POST"}) {
      for (const std::string& value : episodes->Column(column)) {
        std::string postcode = geography::NormalisePostcode(value);
        if (!postcode.empty()) postcodes.insert(std::move(postcode));
      }
    }
  }
  return postcodes;
}

Status AddPostcodeColumns(Return& ssda903, const geography::PostcodeDirectory& postcodes) {
  CAIRN_ASSIGN_OR_RETURN(const geography::LocalAuthorities* authorities, geography::LocalAuthorities::Embedded());
  ssda903.postcodes = std::make_shared<const geography::PostcodeDirectory>(postcodes);
  for (std::string_view name : {"Episodes", "Episodes_last"}) {
    if (Table* episodes = ssda903.FindMutable(name)) AddPostcodeColumnsTo(*episodes, postcodes, *authorities, ssda903.la_ons);
  }
  return Status::Ok();
}

Result<LoadedReturns> LoadReturnTexts(const std::vector<ReturnText>& texts, int year, const std::string& la_ons,
                                      const std::string& la_number, const geography::PostcodeDirectory* postcodes) {
  LoadedReturns loaded;
  Return ssda903;
  ssda903.kind = ReturnKind::kSsda903;
  bool any_ssda903 = false;
  bool ssda903_xml = false;
  bool ssda903_csv = false;
  // The CSV tables are parsed on two threads (each file alone), then taken in order.
  std::vector<std::optional<Result<CsvTable>>> csv(texts.size());
  {
    std::atomic<std::size_t> next{0};
    auto parse = [&] {
      for (std::size_t i = next++; i < texts.size(); i = next++) {
        if (EndsWithIgnoringCase(texts[i].name, ".csv")) csv[i].emplace(ParseSsda903Csv(texts[i]));
      }
    };
    std::thread other(parse);
    parse();
    other.join();
  }
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const ReturnText& input = texts[i];
    if (EndsWithIgnoringCase(input.name, ".csv")) {
      if (ssda903_xml) {
        return Status::InvalidArgument(fmt::format(
            "{}: give the SSDA903 return either as CSV tables or as one XML file, not both", input.name));
      }
      CAIRN_RETURN_IF_ERROR(AddSsda903Csv(input, std::move(*csv[i]), ssda903));
      any_ssda903 = true;
      ssda903_csv = true;
      continue;
    }
    if (!EndsWithIgnoringCase(input.name, ".xml")) {
      return Status::InvalidArgument(fmt::format(
          "{}: Cairn validates SSDA903 CSV tables (.csv) and CIN census or SSDA903 XML files (.xml)", input.name));
    }
    switch (SniffXml(input.text)) {
      case XmlKind::kCin: {
        if (input.previous_year) {
          return Status::InvalidArgument(fmt::format(
              "{}: a previous year's return is given as SSDA903 CSV tables; a CIN census file is validated alone",
              input.name));
        }
        if (loaded.cin) {
          return Status::InvalidArgument(fmt::format("{}: give one CIN census file at a time", input.name));
        }
        Return cin;
        cin.kind = ReturnKind::kCinCensus;
        CAIRN_RETURN_IF_ERROR(AddCinXml(input, cin));
        loaded.cin = std::move(cin);
        break;
      }
      case XmlKind::kSsda903:
        if (ssda903_csv) {
          return Status::InvalidArgument(fmt::format(
              "{}: give the SSDA903 return either as CSV tables or as one XML file, not both", input.name));
        }
        CAIRN_RETURN_IF_ERROR(AddSsda903Xml(input, ssda903));
        any_ssda903 = true;
        ssda903_xml = true;
        break;
      case XmlKind::kUnknown:
        return Status::InvalidArgument(fmt::format(
            "{}: this is neither a CIN census file (root element Message) nor an SSDA903 file (EXPSSDA903)",
            input.name));
    }
  }
  const WorkingDayCalendar* calendar = Calendar();
  if (calendar == nullptr) return Status::Internal("the calendar built into Cairn cannot be read");
  if (any_ssda903) {
    if (!ssda903_xml) {  // XML carries each child's UASC in its header
      AddUascColumn(ssda903, "Header", "UASC");
      AddUascColumn(ssda903, "Header_last", "UASC_last");
    }
    ssda903.collection_year = year;
    ssda903.collection_start = Date::FromYmdOrDie(year - 1, 4, 1);
    ssda903.collection_end = Date::FromYmdOrDie(year, 3, 31);
    ssda903.la_ons = la_ons;
    ssda903.la_number = la_number;
    ssda903.calendar = calendar;
    if (postcodes != nullptr) CAIRN_RETURN_IF_ERROR(AddPostcodeColumns(ssda903, *postcodes));
    loaded.ssda903 = std::move(ssda903);
  }
  if (loaded.cin) {
    loaded.cin->collection_year = year;
    loaded.cin->la_ons = la_ons;
    loaded.cin->la_number = la_number;
    loaded.cin->calendar = calendar;
  }
  return loaded;
}

Result<LoadedReturns> LoadReturnFiles(const ReturnFiles& files) {
  std::vector<ReturnText> texts;
  auto read = [&texts](const std::string& path, bool previous) -> Status {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound(fmt::format("{}: cannot open this file", path));
    // Read at its size in one go: growing a buffer as a stream fills it copies a large file
    // many times over.
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    std::string text;
    if (!error && size < (std::uintmax_t{1} << 34)) {
      text.resize(static_cast<std::size_t>(size));
      in.read(text.data(), static_cast<std::streamsize>(text.size()));
      text.resize(static_cast<std::size_t>(in.gcount()));
    }
    // A pipe or a file that grew: what is left, in pieces.
    char piece[1 << 16];
    while (in.read(piece, sizeof piece) || in.gcount() > 0) text.append(piece, static_cast<std::size_t>(in.gcount()));
    if (in.bad()) return Status::IoError(fmt::format("{}: cannot read this file", path));
    texts.push_back({FileNameOf(path), std::move(text), previous});
    return Status::Ok();
  };
  for (const std::string& path : files.files) CAIRN_RETURN_IF_ERROR(read(path, false));
  for (const std::string& path : files.previous_files) CAIRN_RETURN_IF_ERROR(read(path, true));
  return LoadReturnTexts(texts, files.year, files.la_ons, files.la_number, files.postcodes);
}

Status AddEarlierEpisodes(Return& ssda903, const std::vector<ReturnText>& episodes) {
  Return read;
  Table earlier;
  bool started = false;
  for (const ReturnText& text : episodes) {
    read.tables.clear();
    CAIRN_RETURN_IF_ERROR(AddSsda903Csv(text, ParseSsda903Csv(text), read));
    Table& table = read.tables.front();
    if (table.name() != "Episodes") {
      return Status::InvalidArgument(fmt::format("{}: this is the {} table, not Episodes", text.name, table.name()));
    }
    if (!started) {
      earlier = Table("Episodes_earlier", text.name, table.columns(), DateForm::kDayMonthYear);
      started = true;
    }
    // The writer gives every year's table the same columns in the same order.
    if (table.columns() != earlier.columns()) {
      return Status::InvalidArgument(fmt::format("{}: its columns are not in the order of the first", text.name));
    }
    earlier.Append(std::move(table));
  }
  if (started) ssda903.tables.push_back(std::move(earlier));
  return Status::Ok();
}

}  // namespace cairn::validate
