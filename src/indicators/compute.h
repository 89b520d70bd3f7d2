// Computing the national indicators from the chronology, for one or more reporting years
// (1 April to 31 March; "year 2025" ends on 31 March 2025), each with its numerator and
// denominator. Definitions are in data/indicators/catalogue.toml; the code for each is in
// compute.cpp, keyed by the catalogue's id.
//
//   CAIRN_ASSIGN_OR_RETURN(IndicatorEngine engine, IndicatorEngine::Create(catalogue, calendar, rules));
//   const int years[] = {2024, 2025};
//   std::vector<IndicatorValue> values = engine.Compute(council, years);
//
// Where the chronology cannot support an indicator (no CIN records for a council that sent only
// an SSDA903, no workforce, no population for a rate, no postcode directory for the distance
// between home and placement) the value is empty and `unsupported` says why, so a number is
// never printed that the data cannot back.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/working_day_calendar.h"
#include "geography/postcode_directory.h"
#include "indicators/catalogue.h"
#include "model/chronology.h"
#include "timescales/evaluator.h"
#include "timescales/rules.h"

namespace cairn::indicators {

// What the computation reads: every child's chronology and the workforce.
struct CouncilData {
  std::span<const model::Chronology> chronologies;
  std::span<const model::Worker> workers;  // empty: no workforce recorded
  // The 0-17 population to use for a reporting year's rates (the DfE uses the ONS mid-year
  // estimate of the year before), or nullopt when unknown.
  std::function<std::optional<double>(int reporting_year)> population;
  // The postcode directory for the distance between a looked-after child's home (HOME_POST) and
  // placement (PL_POST), which cla-placed-over-20-miles measures: it need hold only the postcodes
  // PlacementPostcodes names (store::LookUpPostcodes reads just those from the database). Null
  // when the database holds no directory: that indicator is then unsupported and says how to
  // import one. Not owned; must outlive the computation.
  const geography::PostcodeDirectory* postcodes = nullptr;
};

// Every postcode, normalised (geography::NormalisePostcode), that the looked-after episodes of
// `chronologies` give as the child's home (HOME_POST) or placement (PL_POST): what
// CouncilData::postcodes needs to hold. Blank fields are left out.
std::set<std::string, std::less<>> PlacementPostcodes(std::span<const model::Chronology> chronologies);

struct IndicatorValue {
  const IndicatorSpec* spec = nullptr;
  int year = 0;  // the reporting year
  std::optional<double> value;
  std::optional<double> numerator;
  std::optional<double> denominator;
  std::string unsupported;  // why there is no value; empty when there is one
};

class IndicatorEngine {
 public:
  // Fails when the catalogue has an indicator Cairn has no computation for, or gives one a unit
  // its computation cannot produce (a share of something as a count), or the rules cannot be
  // compiled for the review timeliness.
  static Result<IndicatorEngine> Create(Catalogue catalogue, WorkingDayCalendar calendar, timescales::RuleSet rules);

  const Catalogue& catalogue() const { return catalogue_; }

  // Every catalogue indicator for each year, ordered by year, then catalogue order. `threads`
  // is used for the review timeliness, which runs the timescales evaluator.
  std::vector<IndicatorValue> Compute(const CouncilData& council, std::span<const int> years, int threads = 2) const;

  // Every catalogue indicator over the twelve months ending on each of `ends` (an improvement
  // plan measures progress on any day, not only at the year's end), ordered by end, then
  // catalogue order. Each window is counted as a reporting year is, with the year's dates moved:
  // it starts the day after the end a year earlier; snapshots "at 31 March" are taken at its end;
  // the workforce snapshot six months before its end (30 September for a year ending 31 March),
  // so a window ending on 31 March gives exactly Compute's figure for that reporting year.
  // `IndicatorValue::year` is the reporting year holding the end (whose population a rate
  // uses); an unsupported value's reason names "the 12 months to END". Events dated after an
  // end are not counted in its window, and review timeliness is evaluated as at the last end.
  std::vector<IndicatorValue> ComputeTwelveMonthsTo(const CouncilData& council, std::span<const Date> ends,
                                                    int threads = 2) const;

  // The ids compute.cpp can compute (for tests that hold the catalogue and the code together).
  static std::vector<std::string_view> ComputableIds();

 private:
  IndicatorEngine(Catalogue catalogue, timescales::Evaluator evaluator)
      : catalogue_(std::move(catalogue)), evaluator_(std::move(evaluator)) {}

  Catalogue catalogue_;
  timescales::Evaluator evaluator_;  // for review timeliness; holds the rules and the calendar
};

}  // namespace cairn::indicators
