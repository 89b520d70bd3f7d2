// A table as a page shows it and as people take it away: the same rows as HTML in the page,
// as JSON, as CSV and as an Excel workbook. A page builds its main table once and the request's
// ?format= decides how it leaves, so a download always holds exactly the rows the page shows.
//
//   Table table("caseload", "My children", {{"child", "Child"}, {"age", "Age", ColumnKind::kNumber}});
//   table.AddRow({Cell::Link(name, "/children/" + id), Cell::Number(age)});
//   std::string csv = table.Csv();
//
// HTML is written here, not by Mustache: a team's table has hundreds of rows and the renderer
// cost more than the rest of the page. Every value goes through http::EscapeHtml.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/display_text.h"  // XmlSafeText, for workbooks
#include "base/status.h"
#include "web/json_writer.h"

namespace cairn::web {

enum class ColumnKind { kText, kNumber, kDate };
// Where a column appears: some say in one cell on the page what a download splits in two.
enum class Shown { kEverywhere, kPageOnly, kDownloadOnly };

struct Column {
  std::string key{};    // the JSON field name; letters, digits and _
  std::string heading{};  // the column's heading on the page and in downloads
  ColumnKind kind = ColumnKind::kText;
  Shown shown = Shown::kEverywhere;
  std::string help{};   // shown on hover over the heading (a rule's statutory source)
};

struct Cell {
  std::string text{};                // as downloaded, and shown unless `label` says otherwise
  std::string label{};               // what the page shows instead ("2 overdue" for 2), if anything
  std::optional<double> number{};    // a number column's value, when it has one
  std::string href{};                // the page links the text here (downloads carry the text)
  std::string status{};              // "overdue", "met", ...: shown as a status word with its shape
  std::string note{};                // a second line on the page (a deadline's rule under its date)
  std::vector<std::pair<std::string, std::string>> badges{};  // (class, text) after the text, page only
  std::string testid{};              // data-testid on the link or cell

  static Cell Text(std::string text) { return Cell{std::move(text)}; }
  static Cell Number(double value);
  // A rate, share or average: always one decimal place ("2.0"), so it is never read as a count.
  static Cell Decimal(double value);
  // A count shown to elected members: 1 to 4 as "fewer than 5", with no number behind it.
  static Cell Suppressed(int64_t count);
  static Cell Link(std::string text, std::string href, std::string testid = "");
};

class Table {
 public:
  // `name` becomes the download's file name (name.csv) and the workbook's sheet; `caption`
  // says what the rows are.
  Table(std::string name, std::string caption, std::vector<Column> columns);

  void AddRow(std::vector<Cell> cells);  // one cell per column, in column order
  size_t size() const { return rows_.size(); }
  const std::string& name() const { return name_; }
  const std::string& caption() const { return caption_; }
  const std::vector<Column>& columns() const { return columns_; }
  const std::vector<std::vector<Cell>>& rows() const { return rows_; }

  // Options for the page's table.
  Table& Sortable(bool on = true) { sortable_ = on; return *this; }  // headings sort (tables.js)
  Table& Filterable(bool on = true) { filterable_ = on; return *this; }  // a box above filters rows
  Table& TestId(std::string id) { testid_ = std::move(id); return *this; }
  // The column holding each row's LA child id, when the rows are children's: a download's audit
  // row names exactly the children in the file.
  Table& ChildColumn(std::string key) { child_column_ = std::move(key); return *this; }
  // The LA child ids in the ChildColumn, sorted, each once (empty without one): of every row, or
  // only of those the page shows (PageLimit).
  std::vector<std::string> ChildIds(bool shown_only) const;
  // The rows held are the first of `total` (a page that shows only the most urgent need not make
  // the rest): the caption and the note count them all.
  Table& Total(size_t total) { total_ = total; return *this; }
  // At most this many rows on the page (the downloads hold every row); a note says so.
  Table& PageLimit(size_t limit) { page_limit_ = limit; return *this; }

  std::string Html() const;
  // [{key: value, ...}, ...]: numbers as numbers, empty cells as null, the rest as text; the
  // rows the page shows (PageLimit), as the page's data.
  void Json(JsonWriter& json) const;
  // A heading line and one line per row; every value that a spreadsheet could take for a
  // formula is neutralised (returns/csv.h NeutraliseForSpreadsheet).
  std::string Csv() const;
  // An .xlsx workbook of one sheet: bold headings, numbers as numbers, the heading row frozen.
  // Text cells are text, never formulas, so no value is ever evaluated.
  Result<std::string> Xlsx() const;

 private:
  bool InPage(const Column& column) const { return column.shown != Shown::kDownloadOnly; }
  bool InDownload(const Column& column) const { return column.shown != Shown::kPageOnly; }
  size_t ShownRows() const { return page_limit_ == 0 ? rows_.size() : std::min(rows_.size(), page_limit_); }

  std::string name_;
  std::string caption_;
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
  bool sortable_ = false;
  bool filterable_ = false;
  std::string testid_;
  std::string child_column_;
  size_t page_limit_ = 0;  // 0: no limit
  size_t total_ = 0;       // 0: the rows held are all there are
};

}  // namespace cairn::web
