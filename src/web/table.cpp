#include "web/table.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "base/display_text.h"
#include "base/private_temp_dir.h"
#include "base/json_text.h"
#include "http/message.h"
#include "returns/csv.h"

namespace cairn::web {
namespace {

std::string NumberText(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) return std::to_string(static_cast<int64_t>(value));
  return OneDecimal(value);
}

// Excel refuses a sheet name over 31 characters or holding any of []:*?/\ .
std::string SheetName(std::string_view name) {
  std::string sheet;
  for (char c : name) {
    if (sheet.size() == 31) break;
    sheet += std::string_view("[]:*?/\\").find(c) == std::string_view::npos ? c : '-';
  }
  return sheet.empty() ? "Table" : sheet;
}

}  // namespace

Cell Cell::Number(double value) {
  Cell cell;
  cell.text = NumberText(value);
  cell.number = value;
  return cell;
}

Cell Cell::Decimal(double value) {
  Cell cell;
  cell.text = OneDecimal(value);
  cell.number = std::strtod(cell.text.c_str(), nullptr);
  return cell;
}

Cell Cell::Suppressed(int64_t count) {
  if (count >= 1 && count <= 4) return Cell::Text("fewer than 5");
  return Cell::Number(static_cast<double>(count));
}

Cell Cell::Link(std::string text, std::string href, std::string testid) {
  Cell cell;
  cell.text = std::move(text);
  cell.href = std::move(href);
  cell.testid = std::move(testid);
  return cell;
}

Table::Table(std::string name, std::string caption, std::vector<Column> columns)
    : name_(std::move(name)), caption_(std::move(caption)), columns_(std::move(columns)) {}

void Table::AddRow(std::vector<Cell> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::vector<std::string> Table::ChildIds(bool shown_only) const {
  std::vector<std::string> ids;
  const size_t rows = shown_only ? ShownRows() : rows_.size();
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (columns_[c].key != child_column_ || child_column_.empty()) continue;
    ids.reserve(rows);
    for (size_t r = 0; r < rows; ++r) {
      if (!rows_[r][c].text.empty()) ids.push_back(rows_[r][c].text);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::string Table::Html() const {
  const size_t shown = ShownRows();
  std::string html;
  html.reserve(512 + shown * 80 * columns_.size());
  const std::string id = http::EscapeHtml(testid_.empty() ? name_ : testid_);
  const std::string caption = http::EscapeHtml(caption_);
  if (filterable_) {
    html += "<div class=\"field table-filter\"><label for=\"filter-" + id + "\">Filter these rows</label>";
    html += "<input type=\"search\" id=\"filter-" + id + "\" data-filter-table=\"" + id +
            "\" autocomplete=\"off\"></div>\n";
  }
  html += "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"" + caption + "\">\n";
  html += "<table class=\"table\" id=\"" + id + "\" data-testid=\"" + id + "\"";
  if (sortable_) html += " data-sortable";
  const size_t all = std::max(total_, rows_.size());
  html += ">\n<caption>" + caption + " (" + std::to_string(all) + ")</caption>\n<thead><tr>";
  for (const Column& column : columns_) {
    if (!InPage(column)) continue;
    html += "<th scope=\"col\"";
    if (column.kind == ColumnKind::kNumber) html += " class=\"num\"";
    if (sortable_) html += column.kind == ColumnKind::kText ? " data-sort=\"text\"" : " data-sort=\"number\"";
    html += ">";
    if (!column.help.empty()) {
      html += "<abbr title=\"" + http::EscapeHtml(column.help) + "\">" + http::EscapeHtml(column.heading) + "</abbr>";
    } else {
      html += http::EscapeHtml(column.heading);
    }
    html += "</th>";
  }
  html += "</tr></thead>\n<tbody>\n";
  for (size_t r = 0; r < shown; ++r) {
    const std::vector<Cell>& row = rows_[r];
    html += "<tr>";
    for (size_t c = 0; c < columns_.size(); ++c) {
      const Column& column = columns_[c];
      if (!InPage(column)) continue;
      const Cell& cell = row[c];
      const std::string& shown_text = cell.label.empty() ? cell.text : cell.label;
      html += "<td";
      if (column.kind == ColumnKind::kNumber) html += " class=\"num\"";
      if (!cell.note.empty()) html += " class=\"wide\"";
      if (sortable_ && cell.number) html += " data-value=\"" + NumberText(*cell.number) + "\"";
      if (!cell.testid.empty() && cell.href.empty()) html += " data-testid=\"" + http::EscapeHtml(cell.testid) + "\"";
      html += ">";
      if (!cell.href.empty()) {
        html += "<a href=\"" + http::EscapeHtml(cell.href) + "\"";
        if (!cell.testid.empty()) html += " data-testid=\"" + http::EscapeHtml(cell.testid) + "\"";
        html += ">" + http::EscapeHtml(shown_text) + "</a>";
      } else if (!cell.status.empty()) {
        html += "<span class=\"status status-" + http::EscapeHtml(cell.status) + "\">" + http::EscapeHtml(shown_text) +
                "</span>";
      } else if (column.kind == ColumnKind::kDate && !shown_text.empty()) {
        html += "<span class=\"date\">" + http::EscapeHtml(shown_text) + "</span>";
      } else {
        html += http::EscapeHtml(shown_text);
      }
      for (const auto& [css, text] : cell.badges) {
        html += " <span class=\"" + http::EscapeHtml(css) + "\">" + http::EscapeHtml(text) + "</span>";
      }
      if (!cell.note.empty()) html += "<br>" + http::EscapeHtml(cell.note);
      html += "</td>";
    }
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n</div>\n";
  if (shown < all) {
    html += "<p class=\"muted\" data-testid=\"" + id + "-limited\">The first " + std::to_string(shown) + " of " +
            std::to_string(all) + " rows are shown here; the downloads hold them all.</p>\n";
  }
  return html;
}

void Table::Json(JsonWriter& json) const {
  json.BeginArray();
  const size_t shown = ShownRows();
  for (size_t r = 0; r < shown; ++r) {
    const std::vector<Cell>& row = rows_[r];
    json.BeginObject();
    for (size_t c = 0; c < columns_.size(); ++c) {
      const Column& column = columns_[c];
      if (!InDownload(column)) continue;
      const Cell& cell = row[c];
      json.Key(column.key);
      if (cell.number) {
        json.Double(*cell.number);
      } else if (cell.text.empty()) {
        json.Null();
      } else {
        json.String(cell.text);
      }
    }
    json.EndObject();
  }
  json.EndArray();
}

std::string Table::Csv() const {
  std::string csv;
  std::vector<std::string> fields;
  for (const Column& column : columns_) {
    if (InDownload(column)) fields.push_back(NeutraliseForSpreadsheet(column.heading));
  }
  AppendCsvRow(fields, csv);
  for (const std::vector<Cell>& row : rows_) {
    fields.clear();
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (InDownload(columns_[c])) fields.push_back(NeutraliseForSpreadsheet(row[c].text));
    }
    AppendCsvRow(fields, csv);
  }
  return csv;
}

Result<std::string> Table::Xlsx() const {
  PrivateTempDir folder("cairn-xlsx-");
  if (folder.path().empty()) return Status::Internal("Cairn could not make a private folder to write the workbook in");
  const std::string path = folder.path() + "/" + SheetName(name_) + ".xlsx";
  struct Remove {
    const std::string& path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{path};

  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;  // rows go to disk as written: a big table stays small
  options.tmpdir = const_cast<char*>(folder.path().c_str());
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  if (workbook == nullptr) return Status::Internal("Cairn could not start a workbook");
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, SheetName(name_).c_str());
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  lxw_error error = LXW_NO_ERROR;
  auto keep = [&error](lxw_error result) {
    if (error == LXW_NO_ERROR) error = result;
  };
  lxw_col_t out_column = 0;
  for (const Column& column : columns_) {
    if (!InDownload(column)) continue;
    keep(worksheet_write_string(sheet, 0, out_column, XmlSafeText(column.heading).c_str(), bold));
    const double width = column.kind == ColumnKind::kText ? 28 : column.kind == ColumnKind::kDate ? 12 : 10;
    keep(worksheet_set_column(sheet, out_column, out_column, width, nullptr));
    ++out_column;
  }
  worksheet_freeze_panes(sheet, 1, 0);
  lxw_row_t out_row = 1;
  for (const std::vector<Cell>& row : rows_) {
    out_column = 0;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!InDownload(columns_[c])) continue;
      const Cell& cell = row[c];
      if (cell.number) {
        keep(worksheet_write_number(sheet, out_row, out_column, *cell.number, nullptr));
      } else if (!cell.text.empty()) {
        keep(worksheet_write_string(sheet, out_row, out_column, XmlSafeText(cell.text).c_str(), nullptr));
      }
      ++out_column;
    }
    ++out_row;
  }
  const lxw_error closed = workbook_close(workbook);
  if (error != LXW_NO_ERROR) return Status::Internal(std::string("Cairn could not write the workbook: ") + lxw_strerror(error));
  if (closed != LXW_NO_ERROR) return Status::Internal(std::string("Cairn could not write the workbook: ") + lxw_strerror(closed));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Internal("Cairn could not read back the workbook it wrote");
  return bytes.str();
}

}  // namespace cairn::web
