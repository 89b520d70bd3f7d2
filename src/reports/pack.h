// The scrutiny and corporate parenting pack: the council's figures for a period, gathered for
// elected members and boards (`cairn pack`, and /members/pack in the browser).
//
//   CAIRN_ASSIGN_OR_RETURN(PackDefinition definition, PackDefinition::Builtin());
//   CAIRN_ASSIGN_OR_RETURN(Pack pack, BuildPack(input, definition));
//   std::string html = RenderPackDocument(pack);   // pack_html.cpp: a self-contained HTML file
//
// BuildPack gathers plain figures (no HTML): a summary of what improved and what worsened since
// the previous period (the period of the same length just before), the month-by-month
// management figures for both periods (indicators::ComputeMonthly), every national indicator for
// the reporting years to the period's end beside England, the region and the statistical
// neighbours (indicators::IndicatorEngine, benchmarks::Compare through PackInput::compare),
// deadlines by rule that fell due in the period and drift signals at its end (the timescales
// evaluator), children by team and service, children looked after by age and placement, the
// workforce by team, and, for the improvement board, the improvement plan's rows as handed in.
//
// Disclosure: no child is named or identified anywhere in a pack. Every count passes through
// reports::Suppress (disclosure.h): 1 to 4 withheld, and tables with totals protected by
// secondary suppression; a share or rate made from a withheld count is withheld too
// (`Shown::withheld`). Figures in two places are kept from giving each other away: a share of
// deadlines met on time over the period is withheld when a row of the timeliness table it adds
// up has a withheld cell, and the children-by-team table's child protection total is withheld
// when it is 1 to 4 short of the plans the management figures count (the difference would count
// children both on a plan and in care). The renderer prints what the Pack holds and nothing else,
// so the tests check the Pack's tables and the HTML alike.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "indicators/compute.h"
#include "indicators/monthly.h"
#include "indicators/report.h"
#include "model/chronology.h"
#include "reports/disclosure.h"
#include "timescales/evaluator.h"

namespace cairn::reports {

// ---------------------------------------------------------------------------------------------
// What data/reports/pack.toml says

struct Audience {
  std::string id;
  std::string title;
  std::string intro;
  std::vector<std::string> sections;  // in order; see kSectionIds
  std::vector<std::string> first;     // id prefixes of measures and indicators shown first
};

// Whether the audience's pack has the improvement plan's section (worth rating the plan for).
inline bool ShowsPlan(const Audience& audience) {
  for (const std::string& section : audience.sections) {
    if (section == "improvement-plan") return true;
  }
  return false;
}

struct MeasureReading {
  std::string id;
  std::optional<bool> higher_is_better;
  bool over_period = false;  // added up over the period's months; else as at the period's end
  std::string question;      // "" for the generic sentences
};

// The section ids an audience may list.
inline constexpr std::string_view kSectionIds[] = {"summary",  "measures", "indicators",    "timeliness",
                                                   "drift",    "children", "looked-after", "workforce",
                                                   "improvement-plan"};

struct PackDefinition {
  std::vector<Audience> audiences;
  std::vector<MeasureReading> measures;
  int questions_asked = 5;
  std::string worsened_question, improved_question, neither_question;

  // Errors name the file, line and field (an unknown section, a measure without `over`, ...).
  static Result<PackDefinition> FromToml(std::string_view text, std::string_view source_name);
  // data/reports/pack.toml, compiled in.
  static Result<PackDefinition> Builtin();
  const Audience* FindAudience(std::string_view id) const;
  const MeasureReading* FindMeasure(std::string_view id) const;
  // "scrutiny, corporate-parenting or improvement-board", for messages.
  std::string AudienceNames() const;
};

// "2024-04-01..2025-03-31": both dates, the first not after the second, at most two years
// apart. InvalidArgument saying how to write it otherwise.
struct Period {
  Date from, to;
  int Days() const { return to.DaysSince(from) + 1; }
  // The period of the same length that ends the day before this one starts: as many whole
  // months when the period is whole months (a reporting year's previous year is the one before,
  // leap day or not), else as many days.
  Period Previous() const;
  std::string Text() const;  // "1 April 2024 to 31 March 2025"
};
Result<Period> ParsePeriod(std::string_view text);

// ---------------------------------------------------------------------------------------------
// The figures

// A figure as it may be shown: withheld when it is, or is made from, a count of 1 to 4.
struct Shown {
  std::optional<double> value;  // nullopt: nothing to show (nothing counted, or withheld)
  bool withheld = false;
};

enum class Movement { kImproved, kWorsened, kUnchanged, kMoved, kUnknown };  // kMoved: neither is better

// A management figure for the period beside the previous one.
struct MeasureRow {
  std::string id, title, definition;
  indicators::MonthlyUnit unit = indicators::MonthlyUnit::kCount;
  bool over_period = false;
  Shown before, after;
  Movement movement = Movement::kUnknown;
  std::vector<Shown> months;  // every month of both periods, oldest first (for the sparkline)
  std::vector<Date> month_ends;
};

// A national indicator over the reporting years to the period's end.
struct IndicatorRow {
  const indicators::IndicatorSpec* spec = nullptr;  // in PackInput::engine's catalogue: keep it while the pack lives
  std::vector<int> years;
  std::vector<Shown> values;     // one a year
  int compared_year = 0;         // the latest year with a published figure beside it; 0 none
  Shown latest;                  // this council in compared_year (or the last year)
  indicators::Comparisons comparisons;
  Movement movement = Movement::kUnknown;  // the last year against the one before
  std::string note;              // why there is no value, when there is none
};

// A table of counts, already suppressed.
struct CountSection {
  std::string id;  // "timeliness", "drift", "children", "looked-after", "workforce"
  std::string caption;
  std::string row_heading;
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  DisclosedTable table;
  // Optional last column: a share worked out from two columns of each row (numerator and
  // denominator; the denominator may be the row's total), withheld when either is.
  std::string share_heading;
  size_t share_numerator = 0, share_denominator = 0;
};

// One row of the improvement plan, as the improvement plan's own module hands it over. Built
// elsewhere; the pack only shows it.
struct PlanRow {
  std::string priority;
  std::string action;
  std::string owner;
  std::optional<Date> due;
  std::string status;    // as its owner reports it
  std::string rag;       // as measured at the period's end: "green", "amber", "red", "not measured"
  std::string measured;  // what set the rating: the measure, its value and what was expected
  std::string mismatch;  // why the reported status and the measure disagree, or ""
};

struct Pack {
  Audience audience;
  std::string council_name;
  bool synthetic = false;
  Period period, previous;
  std::vector<MeasureRow> measures;      // audience's order
  std::vector<std::string> improved;     // summary lines
  std::vector<std::string> worsened;
  std::vector<std::string> questions;
  std::vector<IndicatorRow> indicators;  // audience's order
  std::vector<int> indicator_years;
  bool has_published = false;            // DfE figures imported and the LA code known
  std::vector<CountSection> tables;
  std::vector<PlanRow> improvement_plan;
  int64_t children_counted = 0;          // the council's children (for the intro)
};

// ---------------------------------------------------------------------------------------------
// What BuildPack reads

struct PackInput {
  std::span<const model::Chronology> chronologies;
  std::span<const model::Worker> workers;
  std::span<const model::Team> teams;
  const timescales::Evaluator* evaluator = nullptr;
  const indicators::IndicatorEngine* engine = nullptr;
  std::string audience;
  Period period;
  std::string council_name;
  bool synthetic = false;
  // The 0-17 population for a reporting year's rates (nullopt: unknown).
  std::function<std::optional<double>(int reporting_year)> population;
  // The DfE's figures beside an indicator for a reporting year; empty when none were imported
  // (the pack then says so). NotFound from it means that file was not imported.
  std::function<Result<indicators::Comparisons>(const indicators::IndicatorSpec&, int reporting_year)> compare;
  // The improvement plan's rows (filled by whoever holds the plan); empty: the pack says no
  // improvement plan has been imported.
  std::vector<PlanRow> improvement_plan;
  int threads = 2;
  std::function<void(std::string_view)> progress;  // one line per slow step, or empty
};

// InvalidArgument for an unknown audience (naming the known ones); the DfE comparison's own
// errors otherwise (a comparison not imported is not an error: the pack goes without it).
Result<Pack> BuildPack(const PackInput& input, const PackDefinition& definition);

// pack_html.cpp: the pack as HTML. The body (headings, tables, inline SVG charts) is the same in
// the file and in the browser; the document adds the stylesheet inline and nothing else, so the
// file opens anywhere with no network.
std::string RenderPackBody(const Pack& pack);
std::string RenderPackDocument(const Pack& pack);

// How a figure is written in the pack: "[c]" when withheld, "" when absent, else counts whole,
// shares and rates to one decimal place ("42.5%").
std::string FormatShown(const Shown& shown, indicators::MonthlyUnit unit);

}  // namespace cairn::reports
