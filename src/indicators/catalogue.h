// The indicator catalogue: what each national indicator means and where the DfE publishes it,
// read from data/indicators/catalogue.toml (its header documents every key). The computation of
// each indicator is code in indicators/compute.cpp, keyed by id; IndicatorEngine::Create refuses
// a catalogue entry without a computation or with a unit its computation cannot produce (and a
// test holds every computation to a catalogue entry).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace cairn::indicators {

enum class Unit { kCount, kRatePer10000, kPercent, kAverage };
enum class Period { kYear, kThirtyFirstMarch, kThirtiethSeptember };

std::string_view UnitName(Unit unit);      // "count", "rate-per-10000", "percent", "average"

// Where the DfE's figure for this indicator is, in the files `cairn benchmarks import` reads.
struct PublishedSource {
  std::string file;    // the start of the file's name, e.g. "c1_children_in_need_referrals"
  std::string column;  // the column holding the figure (or the count, when per_10000)
  // The column is a count the DfE does not publish as a rate: divide by the ONS 0-17 population
  // of the year before the reporting year, x 10,000.
  bool per_10000 = false;
  std::vector<std::pair<std::string, std::string>> where;  // column = value, to pick the row
  int year_offset = 0;  // published time_period = reporting year + year_offset
};

// One published figure. mark: the DfE's symbol when the value is withheld ("c" suppressed, "z" not
// applicable, "x" not available, "u" low reliability, "k" or "low" rounds to zero, ":" ...); "" when
// a value is present, or when nothing was looked up; "missing" when no row was published (or its
// cell was empty).
struct PublishedFigure {
  std::optional<double> value;
  std::string mark;
};

struct IndicatorSpec {
  std::string id;
  std::string title;
  std::string definition;
  std::string source;
  Unit unit = Unit::kCount;
  Period period = Period::kYear;
  std::optional<bool> higher_is_better;  // nullopt: neither direction is better
  std::optional<PublishedSource> published;
  uint32_t line = 0;  // where it was defined, for messages
};

class Catalogue {
 public:
  // Parses and validates a catalogue file; every error names the file, line, indicator and field.
  static Result<Catalogue> FromToml(std::string_view toml_text, std::string_view source_name);
  // The catalogue compiled into Cairn from data/indicators/catalogue.toml.
  static Result<Catalogue> England();

  const std::vector<IndicatorSpec>& indicators() const { return indicators_; }
  const IndicatorSpec* Find(std::string_view id) const;

 private:
  std::vector<IndicatorSpec> indicators_;
};

}  // namespace cairn::indicators
