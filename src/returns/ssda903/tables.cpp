#include "returns/ssda903/tables.h"

#include <toml++/toml.h>

#include <algorithm>
#include <array>

#include "base/embedded.h"

namespace cairn::returns::ssda903 {
namespace {

using Column = std::string_view;
using model::EventKind;

// Column names and order: the DfE validator's table definitions (lac_validator config.py,
// `column_names`), which follow the SSDA903 guide's file specification.
constexpr Column kHeaderColumns[] = {"CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"};
constexpr Column kEpisodesColumns[] = {"CHILD", "DECOM",   "RNE",   "LS",      "CIN",      "PLACE", "PLACE_PROVIDER",
                                       "DEC",   "REC",     "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"};
constexpr Column kReviewsColumns[] = {"CHILD", "DOB", "REVIEW", "REVIEW_CODE"};
constexpr Column kUascColumns[] = {"CHILD", "SEX", "DOB", "DUC"};
constexpr Column kOc2Columns[] = {"CHILD",         "DOB",          "SDQ_SCORE",         "SDQ_REASON",
                                  "CONVICTED",     "HEALTH_CHECK", "IMMUNISATIONS",     "TEETH_CHECK",
                                  "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                                  "INTERVENTION_OFFERED"};
constexpr Column kOc3Columns[] = {"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"};
constexpr Column kAd1Columns[] = {"CHILD",     "DOB",       "DATE_INT",   "DATE_MATCH",
                                  "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"};
constexpr Column kPlacedAdoptionColumns[] = {"CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                                             "REASON_PLACED_CEASED"};
constexpr Column kPrevPermColumns[] = {"CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"};
constexpr Column kMissingColumns[] = {"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"};
constexpr Column kSwEpisodesColumns[] = {"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"};
constexpr Column kDoLoColumns[] = {"CHILD", "DOB", "DOLO_START", "DOLO_END"};

const std::array<TableSpec, kTableCount> kTables = {{
    {Table::kHeader, "Header", "header.csv", "Header record", kHeaderColumns, std::nullopt},
    {Table::kEpisodes, "Episodes", "episodes.csv", "episode", kEpisodesColumns, EventKind::kLookedAfterEpisode},
    {Table::kReviews, "Reviews", "reviews.csv", "review", kReviewsColumns, EventKind::kClaReview},
    {Table::kUasc, "UASC", "uasc.csv", "UASC record", kUascColumns, std::nullopt},
    {Table::kOc2, "OC2", "oc2.csv", "OC2 record", kOc2Columns, EventKind::kHealthOutcomes},
    {Table::kOc3, "OC3", "oc3.csv", "OC3 record", kOc3Columns, EventKind::kCareLeaverOutcomes},
    {Table::kAd1, "AD1", "ad1.csv", "AD1 record", kAd1Columns, EventKind::kAdoptionDecision},
    {Table::kPlacedAdoption, "PlacedAdoption", "placed_for_adoption.csv", "placed-for-adoption record",
     kPlacedAdoptionColumns, EventKind::kPlacedForAdoption},
    {Table::kPrevPerm, "PrevPerm", "previous_permanence.csv", "previous permanence record", kPrevPermColumns,
     EventKind::kPreviousPermanence},
    {Table::kMissing, "Missing", "missing.csv", "missing episode", kMissingColumns, EventKind::kMissing},
    {Table::kSwEpisodes, "SWEpisodes", "sw_episodes.csv", "social worker episode", kSwEpisodesColumns,
     EventKind::kSocialWorkerAllocation},
    {Table::kDoLo, "DoLo", "dolo.csv", "deprivation of liberty order", kDoLoColumns,
     EventKind::kDeprivationOfLiberty},
}};

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

// Reads a list of strings; kInvalidArgument naming the line when it is anything else.
Result<std::vector<std::string>> StringList(const toml::table& table, std::string_view key, std::string_view where,
                                            std::string_view source) {
  std::vector<std::string> values;
  const toml::node* node = table.get(key);
  if (node == nullptr) return values;
  const toml::array* array = node->as_array();
  const std::string at = std::string(source) + " line " + std::to_string(node->source().begin.line) + ": " +
                         std::string(where) + ", " + Quote(key);
  if (array == nullptr) return Status::InvalidArgument(at + " must be a list of codes in double quotes");
  for (const toml::node& item : *array) {
    const auto* text = item.as_string();
    if (text == nullptr || text->get().empty()) {
      return Status::InvalidArgument(at + " must hold only codes in double quotes, none empty");
    }
    values.push_back(UpperAscii(text->get()));
  }
  return values;
}

Result<std::string> RequiredText(const toml::table& table, std::string_view key, std::string_view where,
                                 std::string_view source) {
  const toml::node* node = table.get(key);
  const auto* text = node == nullptr ? nullptr : node->as_string();
  if (text == nullptr || text->get().empty()) {
    return Status::InvalidArgument(std::string(source) + " line " + std::to_string(table.source().begin.line) + ": " +
                                   std::string(where) + " needs " + Quote(key) + " as text in double quotes");
  }
  return std::string(text->get());
}

Result<int> OptionalYear(const toml::table& table, std::string_view key, int fallback, std::string_view where,
                         std::string_view source) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return fallback;
  const auto* number = node->as_integer();
  if (number == nullptr || number->get() < 1901 || number->get() > 2199) {
    return Status::InvalidArgument(std::string(source) + " line " + std::to_string(node->source().begin.line) + ": " +
                                   std::string(where) + ", " + Quote(key) +
                                   " must be a collection year such as 2024 (the year the collection ends)");
  }
  return static_cast<int>(number->get());
}

}  // namespace

std::span<const TableSpec> AllTables() { return kTables; }

const TableSpec& SpecOf(Table table) { return kTables[static_cast<std::size_t>(table)]; }

std::optional<std::size_t> ColumnIndex(const TableSpec& table, std::string_view column) {
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i] == column) return i;
  }
  return std::nullopt;
}

TableMatch MatchTable(const std::vector<std::string>& columns) {
  TableMatch best;
  std::size_t best_differences = 0;
  for (const TableSpec& spec : kTables) {
    TableMatch match;
    match.table = &spec;
    std::vector<bool> seen(spec.columns.size(), false);
    for (const std::string& name : columns) {
      const std::optional<std::size_t> index = ColumnIndex(spec, name);
      if (!index || seen[*index]) {
        match.extra.push_back(name);
      } else {
        seen[*index] = true;
      }
    }
    for (std::size_t i = 0; i < spec.columns.size(); ++i) {
      if (!seen[i]) match.missing.emplace_back(spec.columns[i]);
    }
    const std::size_t differences = match.missing.size() + match.extra.size();
    if (best.table == nullptr || differences < best_differences) {
      best = std::move(match);
      best_differences = differences;
    }
  }
  return best;
}

bool CodeList::Contains(std::string_view value) const { return ContainsIgnoringCase(codes, value); }

const CodeList* CodeLists::For(std::string_view field, int year) const {
  for (const CodeList& list : lists) {
    if (list.field == field && year >= list.first_year && year <= list.last_year) return &list;
  }
  return nullptr;
}

Result<CodeLists> CodeLists::Parse(std::string_view toml_text, std::string_view source_name) {
  // toml++ reports syntax errors by exception; this is the edge where they become a Status.
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& error) {
    return Status::InvalidArgument(std::string(source_name) + " line " +
                                   std::to_string(error.source().begin.line) + ": " +
                                   std::string(error.description()));
  }
  CodeLists result;
  if (const toml::node* node = root.get("list")) {
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      return Status::InvalidArgument(std::string(source_name) + ": 'list' must be a list of [[list]] entries");
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::table* entry = array->get(i)->as_table();
      const std::string where = "[[list]] " + std::to_string(i + 1);
      if (entry == nullptr) return Status::InvalidArgument(std::string(source_name) + ": " + where + " is not a table");
      CodeList list;
      CAIRN_ASSIGN_OR_RETURN(list.field, RequiredText(*entry, "field", where, source_name));
      CAIRN_ASSIGN_OR_RETURN(list.rule, RequiredText(*entry, "rule", where, source_name));
      CAIRN_ASSIGN_OR_RETURN(list.first_year, OptionalYear(*entry, "first_year", 0, where, source_name));
      CAIRN_ASSIGN_OR_RETURN(list.last_year, OptionalYear(*entry, "last_year", 9999, where, source_name));
      CAIRN_ASSIGN_OR_RETURN(list.codes, StringList(*entry, "codes", where, source_name));
      if (list.codes.empty()) {
        return Status::InvalidArgument(std::string(source_name) + " line " +
                                       std::to_string(entry->source().begin.line) + ": " + where +
                                       " needs a non-empty 'codes' list");
      }
      for (const CodeList& other : result.lists) {
        if (other.field == list.field && other.first_year <= list.last_year && list.first_year <= other.last_year) {
          return Status::InvalidArgument(std::string(source_name) + " line " +
                                         std::to_string(entry->source().begin.line) + ": " + where + " (" +
                                         list.field + ") covers years another list for the same field covers");
        }
      }
      result.lists.push_back(std::move(list));
    }
  }
  if (const toml::table* postcodes = root["postcodes"].as_table()) {
    CAIRN_ASSIGN_OR_RETURN(result.legal_status_without_postcodes,
                           StringList(*postcodes, "not_needed_for_legal_status", "[postcodes]", source_name));
  }
  if (const toml::table* upn = root["upn"].as_table()) {
    if (const auto* length = (*upn)["length"].as_integer(); length != nullptr && length->get() > 0) {
      result.upn_length = static_cast<std::size_t>(length->get());
    }
    CAIRN_ASSIGN_OR_RETURN(result.upn_unknown_codes, StringList(*upn, "unknown_codes", "[upn]", source_name));
  }
  if (const toml::table* adoption = root["adoption"].as_table()) {
    CAIRN_ASSIGN_OR_RETURN(result.adopted_reasons, StringList(*adoption, "adopted_reasons", "[adoption]", source_name));
  }
  return result;
}

Result<const CodeLists*> CodeLists::Embedded() {
  // Parsed once, on first use (thread-safe static initialisation).
  static const Result<CodeLists> parsed = []() -> Result<CodeLists> {
    constexpr std::string_view kPath = "codes/ssda903.toml";
    const embedded::Resource* resource = embedded::Find(embedded::Data(), kPath);
    if (resource == nullptr) {
      return Status::Internal("the SSDA903 code lists (data/codes/ssda903.toml) are missing from this build of Cairn");
    }
    Result<CodeLists> embedded_lists = Parse(resource->text, "data/codes/ssda903.toml");
    if (!embedded_lists.ok()) {
      return Status::Internal("the SSDA903 code lists built into Cairn are broken: " +
                              embedded_lists.status().message());
    }
    return embedded_lists;
  }();
  if (!parsed.ok()) return parsed.status();
  return &parsed.value();
}

std::string UpperAscii(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return upper;
}

bool ContainsIgnoringCase(const std::vector<std::string>& list, std::string_view value) {
  const std::string upper = UpperAscii(value);
  return std::find(list.begin(), list.end(), upper) != list.end();
}

std::string_view TrimSpace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

std::string YearLabel(int collection_year) {
  const int end = collection_year % 100;
  return std::to_string(collection_year - 1) + "/" + (end < 10 ? "0" : "") + std::to_string(end);
}

}  // namespace cairn::returns::ssda903
