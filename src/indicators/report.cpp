#include "indicators/report.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "base/display_text.h"
#include "returns/csv.h"

namespace cairn::indicators {
namespace {

// The value as JSON shows it: counts whole, the rest to the DfE's one decimal place.
nlohmann::ordered_json Number(Unit unit, const std::optional<double>& value) {
  if (!value) return nullptr;
  if (unit == Unit::kCount) return static_cast<int64_t>(std::llround(*value));
  return RoundToOneDecimal(*value);
}

nlohmann::ordered_json Whole(const std::optional<double>& value) {
  if (!value) return nullptr;
  if (std::floor(*value) == *value && std::abs(*value) < 9e15) return static_cast<int64_t>(*value);
  return *value;
}

// Published figures come rounded already (or are averages of rounded figures): one decimal.
std::string Published(Unit unit, const PublishedFigure& figure) {
  if (figure.value) return FormatNumber(unit, *figure.value);
  return figure.mark == "missing" ? "" : figure.mark;
}

std::string WholeText(const std::optional<double>& value) {
  if (!value) return "";
  if (std::floor(*value) == *value) return fmt::format("{:.0f}", *value);
  return OneDecimal(*value);
}

}  // namespace

std::string FormatNumber(Unit unit, double value) {
  if (unit == Unit::kCount) return fmt::format("{:.0f}", value);
  return OneDecimal(value);
}

std::string IndicatorJson(const IndicatorValue& value, const Comparisons& comparisons) {
  const Unit unit = value.spec->unit;
  nlohmann::ordered_json line;
  line["indicator"] = value.spec->id;
  line["year"] = value.year;
  line["value"] = Number(unit, value.value);
  line["numerator"] = Whole(value.numerator);
  line["denominator"] = Whole(value.denominator);
  line["england"] = Number(unit, comparisons.england.value);
  line["region"] = Number(unit, comparisons.region.value);
  line["neighbours"] = Number(unit, comparisons.neighbours.value);
  line["published"] = Number(unit, comparisons.published.value);
  nlohmann::ordered_json withheld = nlohmann::ordered_json::object();
  auto mark = [&](std::string_view name, const PublishedFigure& figure) {
    if (!figure.value && !figure.mark.empty() && figure.mark != "missing") withheld[std::string(name)] = figure.mark;
  };
  mark("england", comparisons.england);
  mark("region", comparisons.region);
  mark("neighbours", comparisons.neighbours);
  mark("published", comparisons.published);
  if (!withheld.empty()) line["withheld"] = withheld;
  if (!value.unsupported.empty()) line["note"] = value.unsupported;
  return line.dump();
}

std::string IndicatorCsvHeader() {
  return "indicator,year,value,numerator,denominator,england,region,neighbours,published,note";
}

std::string IndicatorCsv(const IndicatorValue& value, const Comparisons& comparisons) {
  const Unit unit = value.spec->unit;
  return FormatCsvFields({value.spec->id, std::to_string(value.year),
                       value.value ? FormatNumber(unit, *value.value) : "", WholeText(value.numerator),
                       WholeText(value.denominator), Published(unit, comparisons.england),
                       Published(unit, comparisons.region), Published(unit, comparisons.neighbours),
                       Published(unit, comparisons.published), value.unsupported});
}

std::vector<std::string> IndicatorCells(const IndicatorValue& value, const Comparisons& comparisons) {
  const Unit unit = value.spec->unit;
  std::string fraction;
  if (value.numerator && value.denominator && unit != Unit::kCount) {
    fraction = WholeText(value.numerator) + "/" + WholeText(value.denominator);
  }
  auto or_dash = [](std::string text) { return text.empty() ? std::string("-") : text; };
  return {value.spec->id,
          std::to_string(value.year),
          value.value ? FormatNumber(unit, *value.value) : "-",
          or_dash(fraction),
          or_dash(Published(unit, comparisons.england)),
          or_dash(Published(unit, comparisons.region)),
          or_dash(Published(unit, comparisons.neighbours)),
          or_dash(Published(unit, comparisons.published)),
          value.unsupported};
}

}  // namespace cairn::indicators
