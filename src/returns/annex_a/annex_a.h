// Ofsted's Annex A: the lists of children a council gives inspectors on the first morning of an
// inspection of local authority children's services (ILACS), made from the chronology.
//
// What each list holds, its columns in the guidance's order and its coded values are data
// (data/annex-a/lists.toml); the code here says how each column is filled from the record, one
// named filler per column source. A column Cairn cannot fill is still written, empty, and the
// workbook's cover sheet says why, so an inspector never mistakes "not recorded" for "none".
//
//   CAIRN_ASSIGN_OR_RETURN(annex_a::Guidance guidance, annex_a::LoadGuidance());
//   annex_a::Lists lists = annex_a::BuildLists(guidance, council, as_at);
//   CAIRN_ASSIGN_OR_RETURN(std::string xlsx, annex_a::WriteWorkbook(lists, about));
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "model/chronology.h"

namespace cairn::returns::annex_a {

struct ColumnSpec {
  std::string heading;
  std::string source;  // the filler's name; "" when `blank` says why Cairn cannot fill it
  std::string blank;
  std::string codes;   // the [codes.NAME] its values are shown through; "" for none
};

struct ListSpec {
  int number = 0;
  std::string sheet;  // "List 3"
  std::string title;
  int months = 6;     // how far back the list reaches before the as-at date
  std::string covers;
  std::string unfilled;  // why the list has no rows from Cairn's record, or ""
  std::vector<ColumnSpec> columns;
};

struct Guidance {
  std::vector<ListSpec> lists;  // in list-number order
  // code list name -> (Cairn's code -> the template's value)
  std::map<std::string, std::map<std::string, std::string>> codes;
};

// Parses the lists file. Errors name the file, line and field: a missing heading, a column with
// neither a source nor a blank reason (or both), a source no filler knows, a `codes` table that
// does not exist, list numbers out of order or repeated.
Result<Guidance> ParseGuidance(std::string_view toml_text, std::string_view source_name);
// data/annex-a/lists.toml, as compiled into Cairn.
Result<Guidance> LoadGuidance();

// The column sources the fillers know (for tests that hold the data file and the code together).
std::vector<std::string_view> KnownSources();

// A cell as written: empty, text, a date or a number.
struct Value {
  enum class Kind { kEmpty, kText, kDate, kNumber };
  Kind kind = Kind::kEmpty;
  std::string text;  // kText
  Date date;         // kDate
  double number = 0; // kNumber
  static Value Text(std::string text) { return {Kind::kText, std::move(text), {}, 0}; }
  static Value Of(Date date) { return {Kind::kDate, {}, date, 0}; }
  static Value Number(double number) { return {Kind::kNumber, {}, {}, number}; }
};

struct Sheet {
  const ListSpec* spec = nullptr;
  Date from;  // the first day the list reaches back to (as_at less spec->months, plus a day)
  std::vector<std::vector<Value>> rows;  // one Value per spec column
  std::vector<std::string> children;     // the LA child id of each row (for the audit)
  std::vector<Date> dates;               // while building: each row's record's date, to order by
};

// The council as the lists read it.
struct CouncilRecord {
  std::span<const model::Chronology> chronologies;
  // The indices of the children to list (the reader's scope), or nullopt for every child.
  std::optional<std::vector<size_t>> children;
  std::span<const model::Worker> workers;
  std::span<const model::Team> teams;
};

struct Lists {
  Date as_at;
  std::vector<Sheet> sheets;  // one per guidance list, in order
  // Codes met that the list's code table has no value for: (list, heading, code) written as
  // recorded, each once.
  struct UnmappedCode {
    int list = 0;
    std::string heading;
    std::string code;
  };
  std::vector<UnmappedCode> unmapped;
};

// Every list as at `as_at`. `months`, when given, replaces each list's own period (an analyst
// comparing a list with a reporting year asks for 12). Rows are ordered by child id, then date.
Lists BuildLists(const Guidance& guidance, const CouncilRecord& council, Date as_at,
                 std::optional<int> months = std::nullopt);

// What the cover sheet says about the workbook.
struct About {
  std::string council_name;  // "" when not set
  std::string la_code;
  std::string made_by;       // who asked for it ("cairn annex-a", a user name)
  std::string made_on;       // when, as text
};

// The workbook: a cover sheet (the council, the as-at date, each list's period and row count,
// every column left empty and why, codes written as recorded), then one sheet per list named
// "List N" with the guidance's headings on row 1. Dates are Excel dates shown dd/mm/yyyy.
// Errors: Internal when the workbook cannot be written (a temporary folder, the disk).
Result<std::string> WriteWorkbook(const Lists& lists, const About& about);

}  // namespace cairn::returns::annex_a
