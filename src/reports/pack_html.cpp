// The pack as HTML: headings, tables and inline SVG charts drawn here, so the file needs nothing
// beside it (no script, no image, no font, no stylesheet to fetch). The stylesheet is Cairn's own
// (web/src/cairn.css, compiled in), whose `.pack` rules include the printed page's breaks; the
// browser page links it, the file carries it inline.
#include <algorithm>
#include <cmath>
#include <string>

#include "base/display_text.h"
#include "base/embedded.h"
#include "reports/pack.h"

namespace cairn::reports {
namespace {

using indicators::MonthlyUnit;

// A table's box: on a narrow screen it scrolls sideways, so it is a named region that takes the
// keyboard's focus (as the browser pages' tables are, web/table.cpp).
std::string TableBox(std::string_view caption) {
  return "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"" + EscapeHtml(caption) + "\">";
}

MonthlyUnit UnitOf(indicators::Unit unit) {
  switch (unit) {
    case indicators::Unit::kCount: return MonthlyUnit::kCount;
    case indicators::Unit::kPercent: return MonthlyUnit::kPercent;
    case indicators::Unit::kRatePer10000: return MonthlyUnit::kRate;
    case indicators::Unit::kAverage: return MonthlyUnit::kAverage;
  }
  return MonthlyUnit::kCount;
}

std::string MovementText(Movement movement) {
  switch (movement) {
    case Movement::kImproved: return "Improved";
    case Movement::kWorsened: return "Worsened";
    case Movement::kUnchanged: return "No change";
    case Movement::kMoved: return "Changed";
    case Movement::kUnknown: return "";
  }
  return "";
}

std::string Cell(const Shown& shown, MonthlyUnit unit) {
  if (shown.withheld) return "<td class=\"num pack-withheld\">" + std::string(kSuppressedMark) + "</td>";
  return "<td class=\"num\">" + EscapeHtml(FormatShown(shown, unit)) + "</td>";
}

std::string FigureCell(const indicators::PublishedFigure& figure, MonthlyUnit unit) {
  if (figure.value) return Cell(Shown{figure.value, false}, unit);
  // The DfE's own marks ("c", "x", ...) are theirs: shown as published.
  return "<td class=\"num\">" + EscapeHtml(figure.mark == "missing" ? "" : figure.mark) + "</td>";
}

// A small line chart of a figure's values, gaps where a value is withheld or absent; `split` is
// the index of the first value of the current period (a faint line marks it), or npos.
std::string Sparkline(const std::vector<Shown>& values, size_t split, std::string_view label) {
  constexpr double kWidth = 120, kHeight = 28, kPad = 3;
  std::optional<double> low, high;
  size_t shown = 0;
  for (const Shown& value : values) {
    if (!value.value) continue;
    ++shown;
    low = low ? std::min(*low, *value.value) : *value.value;
    high = high ? std::max(*high, *value.value) : *value.value;
  }
  if (shown < 2) return "";
  const double span = *high - *low > 0 ? *high - *low : 1;
  const double step = values.size() > 1 ? (kWidth - 2 * kPad) / static_cast<double>(values.size() - 1) : 0;
  auto x = [&](size_t i) { return kPad + step * static_cast<double>(i); };
  auto y = [&](double v) { return kHeight - kPad - (v - *low) / span * (kHeight - 2 * kPad); };
  char number[64];
  std::string svg = "<svg class=\"pack-spark\" width=\"120\" height=\"28\" viewBox=\"0 0 120 28\" role=\"img\" aria-label=\"" +
                    EscapeHtml(label) + "\">";
  if (split != std::string::npos && split > 0 && split < values.size()) {
    std::snprintf(number, sizeof number, "%.1f", x(split) - step / 2);
    svg += std::string("<line x1=\"") + number + "\" x2=\"" + number +
           "\" y1=\"0\" y2=\"28\" stroke=\"#b1b4b6\" stroke-width=\"1\" stroke-dasharray=\"2 2\"/>";
  }
  std::string points;
  auto flush = [&]() {
    if (points.empty()) return;
    svg += "<polyline fill=\"none\" stroke=\"#1d70b8\" stroke-width=\"1.5\" points=\"" + points + "\"/>";
    points.clear();
  };
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i].value) {
      flush();
      continue;
    }
    std::snprintf(number, sizeof number, "%.1f,%.1f ", x(i), y(*values[i].value));
    points += number;
  }
  flush();
  // The last value as a dot, so a single month's change shows.
  for (size_t i = values.size(); i-- > 0;) {
    if (!values[i].value) continue;
    std::snprintf(number, sizeof number, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#1d70b8\"/>", x(i), y(*values[i].value));
    svg += number;
    break;
  }
  return svg + "</svg>";
}

std::string MeasuresTable(const Pack& pack, const std::vector<const MeasureRow*>& rows, std::string_view caption,
                          std::string_view testid) {
  std::string html = TableBox(caption) + "<table class=\"table pack-table\" data-testid=\"" + std::string(testid) +
                     "\"><caption>" + EscapeHtml(caption) + "</caption><thead><tr><th scope=\"col\">Measure</th>"
                     "<th scope=\"col\" class=\"num\">Previous period</th><th scope=\"col\" class=\"num\">This period</th>"
                     "<th scope=\"col\">Change</th><th scope=\"col\">Month by month</th></tr></thead><tbody>";
  for (const MeasureRow* row : rows) {
    size_t split = std::string::npos;
    for (size_t i = 0; i < row->month_ends.size(); ++i) {
      if (row->month_ends[i] >= pack.period.from) {
        split = i;
        break;
      }
    }
    html += "<tr><th scope=\"row\"><span title=\"" + EscapeHtml(row->definition) + "\">" + EscapeHtml(row->title) + "</span>" +
            (row->over_period ? "" : " <span class=\"pack-note\">(at the period's end)</span>") + "</th>" +
            Cell(row->before, row->unit) + Cell(row->after, row->unit) + "<td class=\"pack-" +
            (row->movement == Movement::kImproved ? "improved" : row->movement == Movement::kWorsened ? "worsened" : "level") +
            "\">" + MovementText(row->movement) + "</td><td>" +
            Sparkline(row->months, split, row->title + ", month by month; the dashed line marks this period's start") +
            "</td></tr>";
  }
  return html + "</tbody></table></div>";
}

std::string CountTableHtml(const CountSection& section) {
  const CountTable& counts = section.table.counts();
  const bool totals = counts.with_totals();
  std::string html = TableBox(section.caption) + "<table class=\"table pack-table\" data-testid=\"pack-table-" + section.id +
                     "\"><caption>" + EscapeHtml(section.caption) + "</caption><thead><tr><th scope=\"col\">" +
                     EscapeHtml(section.row_heading) + "</th>";
  for (const std::string& label : section.column_labels) html += "<th scope=\"col\" class=\"num\">" + EscapeHtml(label) + "</th>";
  if (totals) html += "<th scope=\"col\" class=\"num\">Total</th>";
  if (!section.share_heading.empty()) html += "<th scope=\"col\" class=\"num\">" + EscapeHtml(section.share_heading) + "</th>";
  html += "</tr></thead><tbody>";
  auto count_cell = [&](size_t r, size_t c) {
    if (section.table.Hidden(r, c)) return "<td class=\"num pack-withheld\">" + std::string(kSuppressedMark) + "</td>";
    return "<td class=\"num\">" + std::to_string(counts.Get(r, c)) + "</td>";
  };
  for (size_t r = 0; r < counts.grid_rows(); ++r) {
    const bool total_row = totals && r == counts.rows();
    html += total_row ? "<tr class=\"pack-total\"><th scope=\"row\">Total</th>"
                      : "<tr><th scope=\"row\">" + EscapeHtml(section.row_labels[r]) + "</th>";
    for (size_t c = 0; c < counts.grid_columns(); ++c) html += count_cell(r, c);
    if (!section.share_heading.empty()) {
      const size_t n = section.share_numerator, d = section.share_denominator;
      Shown share;
      if (section.table.Hidden(r, n) || section.table.Hidden(r, d)) {
        share.withheld = true;
      } else if (counts.Get(r, d) > 0) {
        share.value = 100.0 * static_cast<double>(counts.Get(r, n)) / static_cast<double>(counts.Get(r, d));
      }
      html += Cell(share, MonthlyUnit::kPercent);
    }
    html += "</tr>";
  }
  return html + "</tbody></table></div>";
}

const CountSection* FindTable(const Pack& pack, std::string_view id) {
  for (const CountSection& section : pack.tables) {
    if (section.id == id) return &section;
  }
  return nullptr;
}

std::vector<const MeasureRow*> MeasuresWhere(const Pack& pack, bool (*keep)(std::string_view)) {
  std::vector<const MeasureRow*> rows;
  for (const MeasureRow& row : pack.measures) {
    if (keep(row.id)) rows.push_back(&row);
  }
  return rows;
}

bool IsWorkforce(std::string_view id) { return id == "caseload" || id == "agency-share" || id == "turnover"; }
bool IsLookedAfter(std::string_view id) { return id.rfind("cla", 0) == 0; }
bool IsAny(std::string_view) { return true; }

std::string Section(std::string_view id, std::string_view heading, const std::string& content) {
  return "<section class=\"pack-section\" id=\"pack-" + std::string(id) + "\" aria-labelledby=\"pack-" + std::string(id) +
         "-heading\"><h2 id=\"pack-" + std::string(id) + "-heading\">" + EscapeHtml(heading) + "</h2>" + content + "</section>";
}

std::string List(const std::vector<std::string>& items, std::string_view none, std::string_view tag, std::string_view testid) {
  if (items.empty()) return "<p data-testid=\"" + std::string(testid) + "\">" + EscapeHtml(none) + "</p>";
  std::string html = "<" + std::string(tag) + " data-testid=\"" + std::string(testid) + "\">";
  for (const std::string& item : items) html += "<li>" + EscapeHtml(item) + "</li>";
  return html + "</" + std::string(tag) + ">";
}

std::string Summary(const Pack& pack) {
  std::string html = "<p>This period, " + EscapeHtml(pack.period.Text()) + ", beside the previous period of the same length, " +
                     EscapeHtml(pack.previous.Text()) + ". Shares of deadlines met and referrals are over each period; "
                     "children on plans, in care and the workforce as at each period's end.</p>";
  html += "<div class=\"pack-columns\"><div><h3>What improved</h3>" +
          List(pack.improved, "No measure improved.", "ul", "pack-improved") + "</div><div><h3>What worsened</h3>" +
          List(pack.worsened, "No measure worsened.", "ul", "pack-worsened") + "</div></div>";
  html += "<h3>Questions members may wish to ask</h3>" +
          List(pack.questions, "No figure moved enough to suggest a question.", "ol", "pack-questions");
  return html;
}

std::string IndicatorsSection(const Pack& pack) {
  std::string html;
  if (!pack.has_published) {
    html += "<p class=\"pack-notice\" data-testid=\"pack-no-published\">No DfE published figures have been imported "
            "(or the council's LA code is not set), so England, the region and the statistical neighbours are not "
            "shown. Run <code>cairn benchmarks import</code> and <code>cairn settings set la-code</code> to add "
            "them.</p>";
  }
  html += TableBox("National indicators, years ending 31 March") +
          "<table class=\"table pack-table\" data-testid=\"pack-indicators\"><caption>National "
          "indicators, years ending 31 March</caption><thead><tr><th scope=\"col\">Indicator</th>";
  for (int year : pack.indicator_years) {
    html += "<th scope=\"col\" class=\"num\">" + std::to_string(year - 1) + "-" + std::to_string(year % 100) + "</th>";
  }
  html += "<th scope=\"col\">Trend</th><th scope=\"col\">Change</th>";
  if (pack.has_published) {
    html += "<th scope=\"col\" class=\"num\">Compared year</th><th scope=\"col\" class=\"num\">This council</th>"
            "<th scope=\"col\" class=\"num\">England</th><th scope=\"col\" class=\"num\">Region</th>"
            "<th scope=\"col\" class=\"num\">Statistical neighbours</th>";
  }
  html += "</tr></thead><tbody>";
  // An indicator the record cannot support in any year is named below the table with the reason,
  // once per reason, rather than as a row of blanks.
  std::vector<std::pair<std::string, std::string>> unsupported;  // reason, titles
  for (const IndicatorRow& row : pack.indicators) {
    const bool any = std::any_of(row.values.begin(), row.values.end(),
                                 [](const Shown& shown) { return shown.value || shown.withheld; });
    if (!any) {
      const std::string reason = row.note.empty() ? "no value in these years" : row.note;
      auto found = std::find_if(unsupported.begin(), unsupported.end(), [&](const auto& entry) { return entry.first == reason; });
      if (found == unsupported.end()) {
        unsupported.emplace_back(reason, row.spec->title);
      } else {
        found->second += "; " + row.spec->title;
      }
      continue;
    }
    const MonthlyUnit unit = UnitOf(row.spec->unit);
    html += "<tr><th scope=\"row\"><span title=\"" + EscapeHtml(row.spec->definition) + "\">" + EscapeHtml(row.spec->title) +
            "</span></th>";
    for (int year : pack.indicator_years) {
      Shown value;
      for (size_t i = 0; i < row.years.size(); ++i) {
        if (row.years[i] == year) value = row.values[i];
      }
      html += Cell(value, unit);
    }
    html += "<td>" + Sparkline(row.values, std::string::npos, row.spec->title + ", year by year") + "</td><td>" +
            MovementText(row.movement) + "</td>";
    if (pack.has_published) {
      if (row.compared_year > 0) {
        html += "<td class=\"num\">" + std::to_string(row.compared_year - 1) + "-" +
                std::to_string(row.compared_year % 100) + "</td>" + Cell(row.latest, unit) +
                FigureCell(row.comparisons.england, unit) + FigureCell(row.comparisons.region, unit) +
                FigureCell(row.comparisons.neighbours, unit);
      } else {
        html += "<td></td><td></td><td></td><td></td><td></td>";
      }
    }
    html += "</tr>";
  }
  html += "</tbody></table></div>";
  if (!unsupported.empty()) {
    html += "<h3>Not shown</h3><ul data-testid=\"pack-unsupported\">";
    for (const auto& [reason, titles] : unsupported) html += "<li>" + EscapeHtml(titles) + ": " + EscapeHtml(reason) + ".</li>";
    html += "</ul>";
  }
  return html;
}

std::string PlanSection(const Pack& pack) {
  if (pack.improvement_plan.empty()) {
    return "<p data-testid=\"pack-no-plan\">No improvement plan has been imported, so none is shown.</p>";
  }
  std::string html = TableBox("The improvement plan's actions") +
                     "<table class=\"table pack-table\" data-testid=\"pack-plan\"><caption>The "
                     "improvement plan's actions</caption><thead><tr><th scope=\"col\">Priority</th><th scope=\"col\">"
                     "Action</th><th scope=\"col\">Owner</th><th scope=\"col\">Due</th><th scope=\"col\">Status "
                     "reported</th><th scope=\"col\">Measured (RAG)</th><th scope=\"col\">What set it</th>"
                     "</tr></thead><tbody>";
  for (const PlanRow& row : pack.improvement_plan) {
    // The rating is a word and a colour, never colour alone; a disagreement is said in words.
    std::string measured = "<span class=\"status status-rag-" + EscapeHtml(row.rag == "not measured" ? "not-measured" : row.rag) +
                           "\" data-testid=\"pack-plan-rag\">" + EscapeHtml(row.rag) + "</span>";
    if (!row.mismatch.empty()) {
      measured += "<br><strong data-testid=\"pack-plan-mismatch\">Does not match the reported status:</strong> " +
                  EscapeHtml(row.mismatch);
    }
    html += "<tr><td>" + EscapeHtml(row.priority) + "</td><th scope=\"row\">" + EscapeHtml(row.action) + "</th><td>" +
            EscapeHtml(row.owner) + "</td><td>" + (row.due ? row.due->ToIso() : "") + "</td><td>" + EscapeHtml(row.status) +
            "</td><td>" + measured + "</td><td>" + EscapeHtml(row.measured) + "</td></tr>";
  }
  return html + "</tbody></table></div>";
}

}  // namespace

std::string RenderPackBody(const Pack& pack) {
  std::string html = "<article class=\"pack\" data-testid=\"pack\"><header class=\"pack-header\"><h1 data-testid=\"pack-title\">" +
                     EscapeHtml(pack.audience.title) + "</h1>";
  if (!pack.council_name.empty()) html += "<p class=\"pack-council\">" + EscapeHtml(pack.council_name) + "</p>";
  html += "<p>" + EscapeHtml(pack.audience.intro) + "</p><p data-testid=\"pack-period\"><strong>Period:</strong> " +
          EscapeHtml(pack.period.Text()) + ". <strong>Compared with:</strong> " + EscapeHtml(pack.previous.Text()) + ".</p>";
  if (pack.synthetic) {
    html += "<p class=\"pack-notice\" data-testid=\"pack-synthetic\">These figures are from a simulated council: no real "
            "child's record.</p>";
  }
  html += "<p class=\"pack-notice\">No child can be identified from this pack: counts from 1 to 4 are shown as " +
          std::string(kSuppressedMark) + ", and so is any figure from which one could be worked out.</p></header>";
  for (const std::string& id : pack.audience.sections) {
    if (id == "summary") {
      html += Section(id, "Summary", Summary(pack));
    } else if (id == "measures") {
      html += Section(id, "Management figures, this period and the previous one",
                      MeasuresTable(pack, MeasuresWhere(pack, IsAny), "Month-by-month figures over each period",
                                    "pack-measures"));
    } else if (id == "indicators") {
      html += Section(id, "National indicators beside England, the region and the statistical neighbours",
                      IndicatorsSection(pack));
    } else if (id == "timeliness" || id == "drift" || id == "children") {
      const CountSection* section = FindTable(pack, id);
      const char* heading = id == "timeliness" ? "Timeliness by rule"
                            : id == "drift"    ? "Drift and delay"
                                               : "Children by team";
      if (section != nullptr) html += Section(id, heading, CountTableHtml(*section));
    } else if (id == "looked-after") {
      std::string content = MeasuresTable(pack, MeasuresWhere(pack, IsLookedAfter), "Children looked after, this period and the previous one",
                                          "pack-looked-after-measures");
      if (const CountSection* section = FindTable(pack, "looked-after")) content += CountTableHtml(*section);
      html += Section(id, "Children looked after and care leavers", content +
                              "<p>The care leavers' indicators (in education, employment or training; in suitable "
                              "accommodation) are among the national indicators.</p>");
    } else if (id == "workforce") {
      std::string content = MeasuresTable(pack, MeasuresWhere(pack, IsWorkforce), "Caseloads, agency share and turnover",
                                          "pack-workforce-measures");
      if (const CountSection* section = FindTable(pack, "workforce")) content += CountTableHtml(*section);
      if (const CountSection* section = FindTable(pack, "workforce-movement")) content += CountTableHtml(*section);
      html += Section(id, "Workforce", content);
    } else if (id == "improvement-plan") {
      html += Section(id, "Improvement plan", PlanSection(pack));
    }
  }
  html += "<footer class=\"pack-footer\"><p>" + EscapeHtml(kSuppressedMeaning) +
          " A share or rate made from a count of 1 to 4 is withheld in the same way. Figures are worked out by Cairn "
          "from the council's own record of " +
          (IsSmallCount(pack.children_counted) ? std::string(kSuppressedMark) : std::to_string(pack.children_counted)) +
          " children; a month counts in the period its last day falls in.</p></footer></article>";
  return html;
}

std::string RenderPackDocument(const Pack& pack) {
  std::string css;
  if (const embedded::Resource* resource = embedded::Find(embedded::Static(), "cairn.css")) css = resource->text;
  return "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
         "content=\"width=device-width, initial-scale=1\">\n<title>" +
         EscapeHtml(pack.audience.title) + " · " + EscapeHtml(pack.period.Text()) + "</title>\n<style>\n" + css +
         "\n</style>\n</head>\n<body class=\"pack-document\">\n<main class=\"page\" id=\"main\">\n" + RenderPackBody(pack) +
         "\n</main>\n</body>\n</html>\n";
}

}  // namespace cairn::reports
