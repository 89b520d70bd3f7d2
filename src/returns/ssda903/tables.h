// The twelve tables of the SSDA903 return, their columns in the DfE's order, the event kind each
// table's records become, and the code lists that validation findings are checked against.
// Internal to returns/ssda903: the reader and the writer share these descriptions, so a column
// is named in one place only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/event_kind.h"

namespace cairn::returns::ssda903 {

enum class Table : uint8_t {
  kHeader,
  kEpisodes,
  kReviews,
  kUasc,
  kOc2,
  kOc3,
  kAd1,
  kPlacedAdoption,
  kPrevPerm,
  kMissing,
  kSwEpisodes,
  kDoLo,
};
inline constexpr std::size_t kTableCount = 12;

struct TableSpec {
  Table table;
  std::string_view name;       // the DfE validator's name for it: "Episodes", "PlacedAdoption"
  std::string_view file_name;  // the name the writer gives it: "episodes.csv"
  std::string_view noun;       // one record, for messages: "episode", "review"
  // Every column in the DfE's order. CHILD is always first; DOB, where present, is a copy of
  // the Header's DOB.
  std::span<const std::string_view> columns;
  // The event each record becomes; nullopt for Header and UASC, which describe the child.
  std::optional<model::EventKind> kind;
};

// All tables, in Table order (also the order the writer writes them and the reader reads them).
std::span<const TableSpec> AllTables();
const TableSpec& SpecOf(Table table);
// The index of `column` in the table's columns, or nullopt.
std::optional<std::size_t> ColumnIndex(const TableSpec& table, std::string_view column);

// The table a CSV header describes. `columns` are the header names, trimmed and upper-cased.
// An exact match (same set of names, any order, none repeated) leaves `missing` and `extra`
// empty; otherwise `table` is the closest table (fewest differences; the earlier in Table order
// on a tie) and the two lists say how the header differs from it, in the order met.
struct TableMatch {
  const TableSpec* table = nullptr;
  std::vector<std::string> missing;  // the table's columns the header lacks
  std::vector<std::string> extra;    // header names the table does not have (repeats included)
  bool exact() const { return missing.empty() && extra.empty(); }
};
TableMatch MatchTable(const std::vector<std::string>& columns);

// One field's accepted codes over a run of collection years (data/codes/ssda903.toml).
struct CodeList {
  std::string field;
  std::string rule;  // the DfE validation rule, e.g. "146"
  int first_year = 0;
  int last_year = 9999;
  std::vector<std::string> codes;  // upper-cased

  // Whether `value` (compared ignoring case) is one of the codes.
  bool Contains(std::string_view value) const;
};

// Everything data/codes/ssda903.toml says.
struct CodeLists {
  std::vector<CodeList> lists;
  std::vector<std::string> legal_status_without_postcodes;  // upper-cased
  std::size_t upn_length = 13;
  std::vector<std::string> upn_unknown_codes;  // upper-cased
  std::vector<std::string> adopted_reasons;    // upper-cased

  // The list for `field` in collection `year`, or nullptr when the field is not checked then.
  const CodeList* For(std::string_view field, int year) const;

  // Parses the TOML text; kInvalidArgument naming `source_name`, line and key when it is wrong.
  static Result<CodeLists> Parse(std::string_view toml_text, std::string_view source_name);
  // The lists compiled into Cairn (codes/ssda903.toml), parsed once. kInternal if they are
  // missing or broken, which is a fault in the build, not in anyone's data.
  static Result<const CodeLists*> Embedded();
};

// Upper-cases ASCII letters; other bytes are kept.
std::string UpperAscii(std::string_view text);
// Whether `list` (upper-cased) holds `value`, ignoring case.
bool ContainsIgnoringCase(const std::vector<std::string>& list, std::string_view value);
// Removes spaces, tabs and line breaks from both ends.
std::string_view TrimSpace(std::string_view text);
// "2017/18" for the collection year 2018.
std::string YearLabel(int collection_year);

}  // namespace cairn::returns::ssda903
