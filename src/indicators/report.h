// Indicator values as a reader sees them: a table row, a CSV row or a JSON line, with the
// DfE's published figures beside them.
//
// JSON lines:
//   {"indicator":"cp-31-march-rate","year":2024,"value":51.3,"numerator":278,"denominator":54154,
//    "england":41.4,"region":48.5,"neighbours":47.2,"published":51.3}
// null where there is no figure; "note" says why Cairn has no value; "withheld" gives the DfE's
// mark ("c" suppressed, "z" not applicable, ...) for each comparison it withheld.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "indicators/compute.h"

namespace cairn::indicators {

// What the DfE published for the same indicator and year.
struct Comparisons {
  PublishedFigure england, region, neighbours;
  PublishedFigure published;  // the council's own published figure, when its LA code is set
};

// Rates and percentages to 1 decimal place (the DfE's precision), counts whole.
std::string FormatNumber(Unit unit, double value);

std::string IndicatorJson(const IndicatorValue& value, const Comparisons& comparisons);
std::string IndicatorCsvHeader();
std::string IndicatorCsv(const IndicatorValue& value, const Comparisons& comparisons);
// Cells for the table: indicator, year, value, numerator/denominator, England, region,
// neighbours, published, note.
std::vector<std::string> IndicatorCells(const IndicatorValue& value, const Comparisons& comparisons);

}  // namespace cairn::indicators
