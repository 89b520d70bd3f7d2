// The Annex A workbook: a cover sheet, then "List 1" to "List 11" as the guidance lays them out.
#include <xlsxwriter.h>

#include <fstream>
#include <sstream>

#include "base/display_text.h"
#include "base/private_temp_dir.h"
#include "returns/annex_a/annex_a.h"

namespace cairn::returns::annex_a {
namespace {

// libxlsxwriter keeps the first error; the rest of the writing goes on harmlessly.
struct Writer {
  lxw_error error = LXW_NO_ERROR;
  void Keep(lxw_error result) {
    if (error == LXW_NO_ERROR) error = result;
  }
};

// Text as a cell holds it. Written as a string cell, it is never read as a formula, whatever it
// begins with; only the bytes XML cannot carry are replaced.
std::string CellText(std::string_view text) { return XmlSafeText(text); }

}  // namespace

Result<std::string> WriteWorkbook(const Lists& lists, const About& about) {
  PrivateTempDir folder("cairn-annex-a-");
  if (folder.path().empty()) return Status::Internal("Cairn could not make a private folder to write the workbook in");
  const std::string path = folder.path() + "/annex-a.xlsx";
  struct Remove {
    const std::string& path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{path};

  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;  // rows go to disk as written
  options.tmpdir = const_cast<char*>(folder.path().c_str());
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  if (workbook == nullptr) return Status::Internal("Cairn could not start the Annex A workbook");
  Writer w;
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  lxw_format* wrap = workbook_add_format(workbook);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* heading = workbook_add_format(workbook);
  format_set_bold(heading);
  format_set_text_wrap(heading);
  format_set_align(heading, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* date = workbook_add_format(workbook);
  format_set_num_format(date, "dd/mm/yyyy");

  // The cover sheet: what the workbook is, then each list and each column left empty.
  lxw_worksheet* cover = workbook_add_worksheet(workbook, "Cover");
  w.Keep(worksheet_set_column(cover, 0, 0, 14, nullptr));
  w.Keep(worksheet_set_column(cover, 1, 1, 48, wrap));
  w.Keep(worksheet_set_column(cover, 2, 2, 10, nullptr));
  w.Keep(worksheet_set_column(cover, 3, 3, 90, wrap));
  lxw_row_t r = 0;
  auto line = [&](std::string_view a, std::string_view b, lxw_format* format = nullptr) {
    w.Keep(worksheet_write_string(cover, r, 0, CellText(a).c_str(), format));
    if (!b.empty()) w.Keep(worksheet_write_string(cover, r, 1, CellText(b).c_str(), nullptr));
    ++r;
  };
  line("Ofsted Annex A: child-level data for an inspection of local authority children's services", "", bold);
  line("Council", about.council_name.empty() ? "(not set: cairn settings set la-name)" : about.council_name);
  line("LA code", about.la_code.empty() ? "(not set)" : about.la_code);
  line("As at", lists.as_at.ToDmy());
  line("Made by", about.made_by);
  line("Made on", about.made_on);
  line("Contains", "Children's personal data: special category data. Share only with the inspection team, "
                   "through the inspection's secure channel.");
  ++r;
  w.Keep(worksheet_write_string(cover, r, 0, "List", bold));
  w.Keep(worksheet_write_string(cover, r, 1, "What it holds", bold));
  w.Keep(worksheet_write_string(cover, r, 2, "Rows", bold));
  w.Keep(worksheet_write_string(cover, r, 3, "Period and what makes a row", bold));
  ++r;
  for (const Sheet& sheet : lists.sheets) {
    const ListSpec& spec = *sheet.spec;
    w.Keep(worksheet_write_string(cover, r, 0, spec.sheet.c_str(), nullptr));
    w.Keep(worksheet_write_string(cover, r, 1, CellText(spec.title).c_str(), nullptr));
    w.Keep(worksheet_write_number(cover, r, 2, static_cast<double>(sheet.rows.size()), nullptr));
    std::string period = "From " + sheet.from.ToDmy() + " to " + lists.as_at.ToDmy() + ". " + spec.covers;
    if (!spec.unfilled.empty()) period += " No rows: " + spec.unfilled;
    w.Keep(worksheet_write_string(cover, r, 3, CellText(period).c_str(), nullptr));
    ++r;
  }
  ++r;
  w.Keep(worksheet_write_string(cover, r, 0, "List", bold));
  w.Keep(worksheet_write_string(cover, r, 1, "Column left empty", bold));
  w.Keep(worksheet_write_string(cover, r, 3, "Why", bold));
  ++r;
  for (const Sheet& sheet : lists.sheets) {
    for (const ColumnSpec& column : sheet.spec->columns) {
      if (column.blank.empty()) continue;
      w.Keep(worksheet_write_string(cover, r, 0, sheet.spec->sheet.c_str(), nullptr));
      w.Keep(worksheet_write_string(cover, r, 1, CellText(column.heading).c_str(), nullptr));
      w.Keep(worksheet_write_string(cover, r, 3, CellText(column.blank).c_str(), nullptr));
      ++r;
    }
  }
  if (!lists.unmapped.empty()) {
    ++r;
    w.Keep(worksheet_write_string(cover, r, 0, "List", bold));
    w.Keep(worksheet_write_string(cover, r, 1, "Column with a code the template does not list", bold));
    w.Keep(worksheet_write_string(cover, r, 3, "Code, written as recorded", bold));
    ++r;
    for (const Lists::UnmappedCode& code : lists.unmapped) {
      w.Keep(worksheet_write_string(cover, r, 0, ("List " + std::to_string(code.list)).c_str(), nullptr));
      w.Keep(worksheet_write_string(cover, r, 1, CellText(code.heading).c_str(), nullptr));
      w.Keep(worksheet_write_string(cover, r, 3, CellText(code.code).c_str(), nullptr));
      ++r;
    }
  }

  for (const Sheet& sheet : lists.sheets) {
    lxw_worksheet* out = workbook_add_worksheet(workbook, sheet.spec->sheet.c_str());
    const std::vector<ColumnSpec>& columns = sheet.spec->columns;
    for (size_t c = 0; c < columns.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      w.Keep(worksheet_set_column(out, col, col, columns[c].heading.size() > 40 ? 24 : 16, nullptr));
      w.Keep(worksheet_write_string(out, 0, col, CellText(columns[c].heading).c_str(), heading));
    }
    worksheet_freeze_panes(out, 1, 1);
    lxw_row_t row_number = 1;
    for (const std::vector<Value>& row : sheet.rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        const Value& value = row[c];
        const auto col = static_cast<lxw_col_t>(c);
        switch (value.kind) {
          case Value::Kind::kEmpty: break;
          case Value::Kind::kText: w.Keep(worksheet_write_string(out, row_number, col, CellText(value.text).c_str(), nullptr)); break;
          case Value::Kind::kNumber: w.Keep(worksheet_write_number(out, row_number, col, value.number, nullptr)); break;
          case Value::Kind::kDate: {
            lxw_datetime when{value.date.year(), static_cast<uint8_t>(value.date.month()),
                              static_cast<uint8_t>(value.date.day()), 0, 0, 0.0};
            w.Keep(worksheet_write_datetime(out, row_number, col, &when, date));
            break;
          }
        }
      }
      ++row_number;
    }
  }
  const lxw_error closed = workbook_close(workbook);
  if (w.error != LXW_NO_ERROR) return Status::Internal(std::string("Cairn could not write the Annex A workbook: ") + lxw_strerror(w.error));
  if (closed != LXW_NO_ERROR) return Status::Internal(std::string("Cairn could not write the Annex A workbook: ") + lxw_strerror(closed));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Internal("Cairn could not read back the Annex A workbook it wrote");
  return bytes.str();
}

}  // namespace cairn::returns::annex_a
