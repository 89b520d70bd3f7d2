// The pages that look across teams: the service and the council (teams side by side, overdue
// deadlines by rule, monthly trends), elected members' figures (counts only, small numbers
// suppressed, the national indicators beside England, the region and statistical neighbours, and
// what moved since the last meeting), and the workforce.
#include <algorithm>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "base/display_text.h"
#include "base/working_day_calendar.h"
#include "benchmarks/published.h"
#include "http/message.h"
#include "indicators/catalogue.h"
#include "indicators/compute.h"
#include "indicators/monthly.h"
#include "indicators/report.h"
#include "store/settings.h"
#include "web/handlers.h"
#include "web/page_kit.h"

namespace cairn::web {
namespace {

// Teams within the principal's reach, by name.
std::vector<const model::Team*> TeamsInReach(const Context& context, const access::CouncilDirectory& directory) {
  std::vector<const model::Team*> teams;
  for (const model::Team& team : directory.teams()) {
    if (access::CanSeeTeam(context.session->principal, team)) teams.push_back(&team);
  }
  std::sort(teams.begin(), teams.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  return teams;
}

// The last reporting year (1 April to 31 March) complete by the end of `date`.
int LastCompleteYear(Date date) {
  const model::CollectionYear holding = model::CollectionYear::Containing(date);
  return date == holding.end() ? holding.year : holding.year - 1;
}

bool InPost(const model::Worker& worker, Date date) {
  return (!worker.started || *worker.started <= date) && (!worker.left || *worker.left >= date);
}

std::string Percent(double numerator, double denominator) {
  if (denominator <= 0) return "";
  return OneDecimal(100.0 * numerator / denominator);
}

Cell PercentCell(double numerator, double denominator) {
  if (denominator <= 0) return Cell::Text("");
  return Cell::Decimal(100.0 * numerator / denominator);
}

Cell FigureCell(const indicators::PublishedFigure& figure) {
  if (figure.value) return Cell::Decimal(*figure.value);
  return Cell::Text(figure.mark);
}

std::string UnitLabel(indicators::MonthlyUnit unit) {
  switch (unit) {
    case indicators::MonthlyUnit::kPercent: return "%";
    case indicators::MonthlyUnit::kCount: return "children";
    case indicators::MonthlyUnit::kAverage: return "children per worker";
    case indicators::MonthlyUnit::kRate: return "per 10,000 children";
  }
  return "";
}

// A month's value as shown: members see no count from 1 to 4, nor a share made from fewer than
// 5 children.
Cell MonthlyCell(const indicators::MonthlyPoint& point, indicators::MonthlyUnit unit, bool suppress) {
  if (!point.value) return Cell::Text("");
  if (suppress) {
    if (unit == indicators::MonthlyUnit::kCount && *point.value >= 1 && *point.value <= 4) return Cell::Text("fewer than 5");
    // A share of fewer than 5 children, or a rate made from fewer than 5, would give them away.
    const double base = unit == indicators::MonthlyUnit::kRate ? point.numerator : point.denominator;
    if (unit != indicators::MonthlyUnit::kCount && base >= 1 && base <= 4) return Cell::Text("withheld");
  }
  if (unit != indicators::MonthlyUnit::kCount) return Cell::Decimal(*point.value);
  return Cell::Number(*point.value);
}

// The monthly figures for these children and workers as at the view's date. They read every
// deadline and event of the scope (tens of milliseconds for a whole council), and a manager's
// home page asks for them on every visit, so the last few are kept while the council is unchanged.
std::shared_ptr<const std::vector<indicators::MonthlySeries>> MonthlyFor(Context& context, const CouncilView& view,
                                                                          std::vector<size_t> children,
                                                                          std::vector<model::Worker> workers) {
  // The exact children and workers counted are part of the key: figures for one scope are never
  // handed to another.
  std::vector<std::string> worker_ids;
  for (const model::Worker& worker : workers) worker_ids.push_back(worker.id);
  struct Key {
    uint64_t generation;
    Date as_at;
    std::vector<size_t> children;
    std::vector<std::string> workers;
    bool operator==(const Key&) const = default;
  };
  const Key key{context.council.generation(), view.as_at(), children, std::move(worker_ids)};
  static std::mutex mutex;
  static std::list<std::pair<Key, std::shared_ptr<const std::vector<indicators::MonthlySeries>>>> cache;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = cache.begin(); it != cache.end(); ++it) {
      if (it->first == key) {
        cache.splice(cache.begin(), cache, it);
        return cache.front().second;
      }
    }
  }
  indicators::MonthlyInput input{view.chronologies(),
                                 [&view](size_t i) -> const timescales::ChildEvaluation& { return view.result(i); },
                                 std::move(children), workers, &context.evaluator.rules(), view.as_at(), 60};
  // The 0-17 population for the rates: the council's setting, else the ONS estimate the DfE
  // would use for the year holding the as-at date. Rates are left out when neither is known.
  if (Result<std::optional<std::string>> setting = store::GetSetting(context.db, "population");
      setting.ok() && *setting) {
    input.population = std::strtod((*setting)->c_str(), nullptr);
  } else if (Result<std::optional<std::string>> la_code = store::GetSetting(context.db, "la-code"); la_code.ok() && *la_code) {
    const int year = model::CollectionYear::Containing(view.as_at()).year;
    if (Result<std::optional<double>> ons = benchmarks::Population(context.db, **la_code, benchmarks::PopulationYearFor(year));
        ons.ok()) {
      input.population = *ons;
    }
  }
  auto computed = std::make_shared<const std::vector<indicators::MonthlySeries>>(indicators::ComputeMonthly(input));
  std::lock_guard<std::mutex> lock(mutex);
  cache.emplace_front(key, computed);
  if (cache.size() > 16) cache.pop_back();
  return computed;
}

// What the DfE published for a catalogue indicator, year by year (the year ending 31 March), for
// England, the council's region and its statistical neighbours. Read from the imported figures
// (`cairn benchmarks import`) for the council's LA code; empty when either is missing. Kept until
// the council changes: an import or a new LA code is seen then, or when the server starts.
struct Published {
  int year = 0;
  indicators::PublishedFigure england, region, neighbours;
};

std::vector<Published> PublishedFor(Context& context, std::string_view indicator_id, int first_year, int last_year) {
  static std::mutex mutex;
  // For the council as it is now: a change (a new generation) empties it, so it stays small.
  static uint64_t generation = 0;
  static std::map<std::pair<std::string, int>, std::optional<Published>> cache;
  static std::optional<indicators::Catalogue> catalogue;
  std::lock_guard<std::mutex> lock(mutex);
  if (generation != context.council.generation()) {
    generation = context.council.generation();
    cache.clear();
  }
  if (!catalogue) {
    Result<indicators::Catalogue> loaded = indicators::Catalogue::England();
    if (!loaded.ok()) return {};
    catalogue.emplace(std::move(*loaded));
  }
  const indicators::IndicatorSpec* spec = catalogue->Find(indicator_id);
  if (spec == nullptr || !spec->published) return {};
  // Read from the database only for what is not kept yet: a page asks for a dozen measures.
  std::optional<std::optional<std::string>> la_code;
  std::vector<Published> out;
  for (int year = first_year; year <= last_year; ++year) {
    const auto key = std::make_pair(std::string(indicator_id), year);
    auto found = cache.find(key);
    if (found == cache.end()) {
      if (!la_code) {
        Result<std::optional<std::string>> read = store::GetSetting(context.db, "la-code");
        la_code = read.ok() ? *read : std::nullopt;
      }
      std::optional<Published> figure;
      if (*la_code) {
        Result<benchmarks::Comparison> compared = benchmarks::Compare(context.db, *spec->published, year, **la_code);
        if (compared.ok()) figure = Published{year, compared->england, compared->region, compared->neighbours};
      }
      found = cache.emplace(key, figure).first;
    }
    if (found->second && (found->second->england.value || found->second->region.value ||
                          found->second->neighbours.value)) {
      out.push_back(*found->second);
    }
  }
  return out;
}

// The monthly trends of the given children and workers: a chart for each figure, and one table
// of every figure by month (the chart's numbers, downloadable).
void AddTrends(Context& context, const CouncilView& view, std::vector<size_t> children,
               std::vector<model::Worker> workers, bool suppress, Dashboard& page) {
  const std::shared_ptr<const std::vector<indicators::MonthlySeries>> computed =
      MonthlyFor(context, view, std::move(children), std::move(workers));
  const std::vector<indicators::MonthlySeries>& all = *computed;
  if (all.empty() || all.front().points.empty()) return;

  std::vector<Column> columns = {{"month", "Month ending", ColumnKind::kDate}};
  for (const auto& series : all) {
    columns.push_back({series.id,
                       series.unit == indicators::MonthlyUnit::kRate ? series.title
                                                                     : series.title + " (" + UnitLabel(series.unit) + ")",
                       ColumnKind::kNumber, Shown::kEverywhere, series.definition});
  }
  Table table("trends", "Month by month", std::move(columns));
  table.TestId("trends-table");
  const size_t months = all.front().points.size();
  for (size_t m = 0; m < months; ++m) {
    std::vector<Cell> row = {Cell::Text(all.front().points[m].month_end.ToIso())};
    for (const auto& series : all) row.push_back(MonthlyCell(series.points[m], series.unit, suppress));
    table.AddRow(std::move(row));
  }

  // England, the region and the neighbours beside the series the DfE publishes, at each 31 March
  // in the months shown.
  const Date first_month = all.front().points.front().month_end;
  const int first_year = first_month.month() <= 3 ? first_month.year() : first_month.year() + 1;
  const int last_year = LastCompleteYear(view.as_at());
  Table beside("beside-england", "Beside England, the region and the statistical neighbours, at 31 March",
               {{"measure", "Measure"},
                {"year", "Year ending 31 March", ColumnKind::kNumber},
                {"value", "This council", ColumnKind::kNumber},
                {"england", "England", ColumnKind::kNumber},
                {"region", "Region", ColumnKind::kNumber},
                {"neighbours", "Statistical neighbours", ColumnKind::kNumber}});
  beside.TestId("beside-england-table");
  std::string charts = "<div class=\"chart-grid\">\n";
  for (size_t s = 0; s < all.size(); ++s) {
    const auto& series = all[s];
    const std::vector<Published> published =
        series.comparable.empty() ? std::vector<Published>{} : PublishedFor(context, series.comparable, first_year, last_year);
    JsonWriter spec;
    spec.BeginObject()
        .Field("type", "line")
        .Field("title", series.title)
        .Field("description", series.definition +
                                  (published.empty() ? "" : " Dashed lines: England, the region and the statistical "
                                                            "neighbours at each 31 March.") +
                                  " The figures are in the tables below.")
        .Field("xLabel", "Month")
        .Field("yLabel", UnitLabel(series.unit));
    spec.Key("data").BeginArray();
    for (size_t m = 0; m < months; ++m) {
      spec.BeginObject().Field("x", series.points[m].month_end.ToIso()).Key("y");
      const Cell cell = MonthlyCell(series.points[m], series.unit, suppress);
      if (cell.number) {
        spec.Double(*cell.number);
      } else {
        spec.Null();
      }
      spec.EndObject();
    }
    spec.EndArray();
    if (!published.empty()) {
      spec.Key("comparisons").BeginArray();
      for (auto [label, pick] : {std::pair{"England", &Published::england}, std::pair{"Region", &Published::region},
                                 std::pair{"Neighbours", &Published::neighbours}}) {
        spec.BeginObject().Field("label", label).Key("data").BeginArray();
        for (const Published& figure : published) {
          if (!(figure.*pick).value) continue;
          spec.BeginObject()
              .Field("x", Date::FromYmdOrDie(figure.year, 3, 31).ToIso())
              .Key("y")
              .Double(std::round(*(figure.*pick).value * 10) / 10)
              .EndObject();
        }
        spec.EndArray().EndObject();
      }
      spec.EndArray();
      for (const Published& figure : published) {
        const Date march = Date::FromYmdOrDie(figure.year, 3, 31);
        Cell mine = Cell::Text("");
        for (const indicators::MonthlyPoint& point : series.points) {
          if (point.month_end == march) mine = MonthlyCell(point, series.unit, suppress);
        }
        Cell title = Cell::Text(series.unit == indicators::MonthlyUnit::kRate ? series.title
                                                                               : series.title + " (" + UnitLabel(series.unit) + ")");
        beside.AddRow({std::move(title), Cell::Number(figure.year), std::move(mine), FigureCell(figure.england),
                       FigureCell(figure.region), FigureCell(figure.neighbours)});
      }
    }
    spec.EndObject();
    charts += "<div class=\"chart-cell\"><h3>" + http::EscapeHtml(series.title) + "</h3>" +
              ChartHtml(spec.Take(), "chart-" + series.id) + "</div>\n";
  }
  charts += "</div>\n";
  page.tables.push_back(std::move(table));
  page.sections.push_back({"Trends", "Month by month over up to five years, as at " + view.as_at().ToIso() + ".",
                           "trends", charts, "", "Show the figures month by month (hover over a heading for how it is counted)"});
  if (beside.size() > 0) {
    page.tables.push_back(std::move(beside));
    page.sections.push_back({"Beside England", "Where the DfE publishes the same measure: this council at 31 March "
                                               "beside England, the region and the statistical neighbours.",
                             "beside-england", "", ""});
  }
}

// The national indicators, worked out once per council state and date (they read every
// chronology: a few hundred milliseconds), with the DfE's published figures beside them.
struct IndicatorRow {
  indicators::IndicatorValue value;
  indicators::Comparisons comparisons;
};

Result<std::vector<IndicatorRow>> NationalIndicators(Context& context, const CouncilView& view) {
  struct Cached {
    uint64_t generation = 0;
    Date as_at;
    std::vector<IndicatorRow> rows;
  };
  static std::mutex mutex;
  static std::vector<Cached> cache;  // the last few dates
  static std::optional<indicators::IndicatorEngine> engine;
  std::lock_guard<std::mutex> lock(mutex);
  for (const Cached& cached : cache) {
    if (cached.generation == context.council.generation() &&
        cached.as_at == view.as_at()) {
      return cached.rows;
    }
  }
  if (!engine) {
    CAIRN_ASSIGN_OR_RETURN(indicators::Catalogue catalogue, indicators::Catalogue::England());
    CAIRN_ASSIGN_OR_RETURN(indicators::IndicatorEngine created,
                           indicators::IndicatorEngine::Create(std::move(catalogue), context.evaluator.calendar(),
                                                               context.evaluator.rules()));
    engine.emplace(std::move(created));
  }
  // The five reporting years complete by the end of the as-at date.
  const int last = LastCompleteYear(view.as_at());
  std::vector<int> years;
  for (int year = last - 4; year <= last; ++year) years.push_back(year);

  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> la_code, store::GetSetting(context.db, "la-code"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> population_setting, store::GetSetting(context.db, "population"));
  std::map<int, std::optional<double>> populations;
  for (int year : years) {
    std::optional<double> population;
    if (population_setting) {
      population = std::stod(*population_setting);
    } else if (la_code) {
      CAIRN_ASSIGN_OR_RETURN(population, benchmarks::Population(context.db, *la_code, benchmarks::PopulationYearFor(year)));
    }
    populations[year] = population;
  }
  CAIRN_ASSIGN_OR_RETURN(bool has_published, benchmarks::HasPublished(context.db));

  // The record as it stands: a reporting year complete by the as-at date depends only on what is
  // dated within it, so what came after changes none of its figures (indicators/as_at_test.cpp
  // holds this on a simulated council) and no copy of the record as it stood is needed.
  const std::span<const model::Chronology> chronologies = view.chronologies();
  const std::vector<model::Worker>& workers = view.directory().workers();
  indicators::CouncilData data{chronologies, workers, [&populations](int year) {
                                 auto found = populations.find(year);
                                 return found == populations.end() ? std::nullopt : found->second;
                               }};
  std::vector<IndicatorRow> rows;
  for (indicators::IndicatorValue& value : engine->Compute(data, years, context.threads)) {
    IndicatorRow row{std::move(value), {}};
    if (has_published && la_code && row.value.spec->published) {
      Result<benchmarks::Comparison> published =
          benchmarks::Compare(context.db, *row.value.spec->published, row.value.year, *la_code);
      if (published.ok()) {
        row.comparisons.england = published->england;
        row.comparisons.region = published->region;
        row.comparisons.neighbours = published->neighbours;
        row.comparisons.published = published->council;
      } else if (published.status().code() != Status::Code::kNotFound) {
        return published.status();
      }
    }
    rows.push_back(std::move(row));
  }
  cache.push_back({context.council.generation(), view.as_at(), rows});
  if (cache.size() > 4) cache.erase(cache.begin());
  return rows;
}


// The indicators table: one row per indicator, its value in each of the five years, and the
// latest year the DfE has published beside England, the region and the statistical neighbours.
// Members see a count from 1 to 4 as "fewer than 5" and no rate or share made from one.
Cell ValueCell(const indicators::IndicatorValue& value, bool suppress) {
  if (!value.value) return Cell::Text(value.unsupported.empty() ? "" : "no value");
  if (suppress && value.spec->unit == indicators::Unit::kCount && *value.value >= 1 && *value.value <= 4) {
    return Cell::Text("fewer than 5");
  }
  if (suppress && value.spec->unit != indicators::Unit::kCount && value.numerator && *value.numerator >= 1 &&
      *value.numerator <= 4) {
    return Cell::Text("withheld");
  }
  return value.spec->unit == indicators::Unit::kCount ? Cell::Number(*value.value) : Cell::Decimal(*value.value);
}

Table IndicatorsTable(const std::vector<IndicatorRow>& rows, bool suppress) {
  std::vector<int> years;
  for (const IndicatorRow& row : rows) {
    if (std::find(years.begin(), years.end(), row.value.year) == years.end()) years.push_back(row.value.year);
  }
  std::sort(years.begin(), years.end());
  std::vector<Column> columns = {{"indicator_id", "Indicator id", ColumnKind::kText, Shown::kDownloadOnly},
                                 {"indicator", "Indicator"}};
  for (int year : years) {
    columns.push_back({"y" + std::to_string(year), std::to_string(year - 1) + "-" + std::to_string(year % 100),
                       ColumnKind::kNumber});
  }
  for (auto [key, heading] : {std::pair{"compared_year", "Compared year"}, {"england", "England"},
                              {"region", "Region"}, {"neighbours", "Statistical neighbours"}}) {
    columns.push_back({key, heading, ColumnKind::kNumber});
  }
  columns.push_back({"note", "Note"});
  Table table("indicators", "National indicators, year ending 31 March", std::move(columns));
  table.TestId("indicators-table");
  // Rows arrive by year, then catalogue order: gather each indicator's years.
  std::vector<const indicators::IndicatorSpec*> order;
  std::map<const indicators::IndicatorSpec*, std::map<int, const IndicatorRow*>> by_indicator;
  for (const IndicatorRow& row : rows) {
    if (by_indicator.find(row.value.spec) == by_indicator.end()) order.push_back(row.value.spec);
    by_indicator[row.value.spec][row.value.year] = &row;
  }
  for (const indicators::IndicatorSpec* spec : order) {
    const auto& found = by_indicator[spec];
    Cell title = Cell::Text(spec->title);
    title.note = spec->source;
    std::vector<Cell> cells = {Cell::Text(spec->id), std::move(title)};
    std::string note;
    const IndicatorRow* compared = nullptr;
    for (int year : years) {
      auto it = found.find(year);
      if (it == found.end()) {
        cells.push_back(Cell::Text(""));
        continue;
      }
      cells.push_back(ValueCell(it->second->value, suppress));
      if (!it->second->value.unsupported.empty()) note = it->second->value.unsupported;
      if (it->second->comparisons.england.value || it->second->comparisons.region.value) compared = it->second;
    }
    if (compared != nullptr) {
      cells.push_back(Cell::Number(compared->value.year));
      cells.push_back(FigureCell(compared->comparisons.england));
      cells.push_back(FigureCell(compared->comparisons.region));
      cells.push_back(FigureCell(compared->comparisons.neighbours));
    } else {
      for (int i = 0; i < 4; ++i) cells.push_back(Cell::Text(""));
    }
    cells.push_back(Cell::Text(note));
    table.AddRow(std::move(cells));
  }
  return table;
}

// Headline counts of the whole council on a date.
struct Headline {
  int64_t cla = 0, cp = 0, cp_2y = 0, cin = 0, overdue = 0, drifting = 0, unallocated = 0;
  std::map<uint16_t, int64_t> by_rule;
};

Headline CountHeadline(const CouncilView& view) {
  Headline h;
  const Date as_at = view.as_at();
  for (size_t i = 0; i < view.size(); ++i) {
    const Situation& situation = view.situation(i);
    switch (situation.kind) {
      case Situation::Kind::kLookedAfter: ++h.cla; break;
      case Situation::Kind::kChildProtection:
        ++h.cp;
        if (situation.event->start <= as_at.AddYears(-2)) ++h.cp_2y;
        break;
      case Situation::Kind::kChildInNeedPlan:
      case Situation::Kind::kChildInNeed: ++h.cin; break;
      case Situation::Kind::kNone: break;
    }
    const timescales::ChildEvaluation& result = view.result(i);
    CountOverdueRules(result, h.by_rule);
    if (std::any_of(result.obligations.begin(), result.obligations.end(), IsLiveOverdue)) ++h.overdue;
    if (!result.signals.empty()) ++h.drifting;
    const access::ChildPlace& place = view.place(i);
    if (place.open_case && !place.allocated) ++h.unallocated;
  }
  return h;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The service, or the whole council

http::Response ServiceDashboard(Context& context, bool own_home) {
  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  const Date as_at = view.as_at();
  const access::CouncilDirectory& directory = view.directory();
  const access::Principal& who = context.session->principal;
  const bool whole_council = who.role->scope == access::Scope::kAll;

  const std::vector<const model::Team*> teams = TeamsInReach(context, directory);
  std::set<std::string> team_ids;
  for (const model::Team* team : teams) team_ids.insert(team->id);
  // One pass over the children in reach, counting; a list row is made only for the children
  // with a deadline overdue (a whole council has thousands of open cases).
  struct TeamLine {
    int children = 0, cp = 0, cla = 0, cin_plan = 0, overdue_children = 0, overdue = 0, drifting = 0, unallocated = 0;
    int workers = 0, agency = 0;
    TeamLine& operator+=(const TeamLine& other) {
      children += other.children, cp += other.cp, cla += other.cla, cin_plan += other.cin_plan;
      overdue_children += other.overdue_children, overdue += other.overdue, drifting += other.drifting;
      unallocated += other.unallocated, workers += other.workers, agency += other.agency;
      return *this;
    }
  };
  std::map<std::string, TeamLine> by_team;
  for (const model::Team* team : teams) by_team[team->id];
  for (const model::Worker& worker : directory.workers()) {
    auto found = by_team.find(worker.team_id);
    if (found == by_team.end() || !InPost(worker, as_at)) continue;
    ++found->second.workers;
    if (worker.agency) ++found->second.agency;
  }
  std::vector<size_t> open_cases, overdue_cases;
  int overdue_children = 0, drifting = 0, cp = 0, cla = 0;
  for (size_t i = 0; i < view.size(); ++i) {
    const access::ChildPlace& place = view.place(i);
    if (!(place.allocated || place.open_case) || (!whole_council && team_ids.count(place.team) == 0)) continue;
    if (!access::CanSee(who, view.chronology(i).child().la_child_id, view.current_place(i), context.restrictions)) continue;
    open_cases.push_back(i);
    const timescales::ChildEvaluation& result = view.result(i);
    const int overdue = static_cast<int>(std::count_if(result.obligations.begin(), result.obligations.end(), IsLiveOverdue));
    TeamLine& line = by_team[place.team];
    ++line.children;
    switch (view.situation(i).kind) {
      case Situation::Kind::kLookedAfter: ++line.cla, ++cla; break;
      case Situation::Kind::kChildProtection: ++line.cp, ++cp; break;
      case Situation::Kind::kChildInNeedPlan: ++line.cin_plan; break;
      default: break;
    }
    line.overdue += overdue;
    if (overdue > 0) {
      ++line.overdue_children, ++overdue_children;
      overdue_cases.push_back(i);
    }
    if (!result.signals.empty()) ++line.drifting, ++drifting;
    if (!place.allocated) ++line.unallocated;
  }
  // The page shows the most urgent children with a deadline overdue (each row shown is a look at
  // a child, and audited); a download holds every one.
  constexpr size_t kShown = 50;
  Result<Format> format = RequestedFormat(context);
  const bool download = format.ok() && *format != Format::kPage;
  // Every open case, as a file only (a council's thousands of rows are no page): made when asked.
  if (download && context.request.Query("table") == "open-cases") {
    return Download(context, ChildrenTable(context, MostUrgent(context, view, open_cases, 0), "open-cases", "Open cases"),
                    *format);
  }
  const std::vector<ChildRow> overdue_rows = MostUrgent(context, view, overdue_cases, download ? 0 : kShown);

  Table teams_table("teams", "Teams",
                    {{"team_id", "Team id", ColumnKind::kText, Shown::kDownloadOnly},
                     {"team", "Team"},
                     {"service", "Service"},
                     {"children", "Open cases", ColumnKind::kNumber},
                     {"cp", "Child protection", ColumnKind::kNumber},
                     {"cla", "Looked after", ColumnKind::kNumber},
                     {"cin_plan", "Child in need plan", ColumnKind::kNumber},
                     {"overdue_children", "Children overdue", ColumnKind::kNumber},
                     {"overdue", "Overdue deadlines", ColumnKind::kNumber},
                     {"drifting", "Children drifting", ColumnKind::kNumber},
                     {"unallocated", "Unallocated", ColumnKind::kNumber},
                     {"workers", "Workers", ColumnKind::kNumber},
                     {"agency_share", "Agency %", ColumnKind::kNumber}});
  teams_table.TestId("teams-table").Sortable().Filterable();
  int workers = 0, agency = 0;
  for (const auto& [id, line] : by_team) {
    const model::Team* team = directory.FindTeam(id);
    workers += line.workers;
    agency += line.agency;
    Cell name = team != nullptr ? Cell::Link(team->name, Link(context, "/teams/" + http::PercentEncode(id)), "team-link")
                                : Cell::Text(TeamLabel(directory, id));
    Cell overdue = Cell::Number(line.overdue_children);
    if (line.overdue_children > 0) overdue.status = "overdue";
    teams_table.AddRow({Cell::Text(id), std::move(name), Cell::Text(team ? team->service : ""),
                        Cell::Number(line.children), Cell::Number(line.cp), Cell::Number(line.cla),
                        Cell::Number(line.cin_plan), std::move(overdue), Cell::Number(line.overdue),
                        Cell::Number(line.drifting), Cell::Number(line.unallocated), Cell::Number(line.workers),
                        PercentCell(line.agency, line.workers)});
  }

  Dashboard page;
  page.testid = own_home ? (whole_council ? "home-council" : "home-service") : "service-page";
  page.figures = true;  // counts by team or worker, whether or not a child is listed
  page.heading = whole_council ? "The council" : "My service";
  if (!whole_council && !who.service.empty()) page.heading += ": " + who.service;
  page.intro = "Open cases, overdue deadlines and drift by team, and how the work has gone month by month, as at " +
               as_at.ToIso() + ". Select a team to see its workers.";
  page.summary = {{std::to_string(open_cases.size()), "open cases"},
                  {std::to_string(overdue_children), "children with a deadline overdue"},
                  {std::to_string(drifting), "children drifting"},
                  {std::to_string(cp), "on a child protection plan"},
                  {std::to_string(cla), "looked after"},
                  {workers > 0 ? Percent(agency, workers) + "%" : "none", "of workers from agencies"}};
  // The council's services side by side, for those who see more than one.
  std::map<std::string, TeamLine> by_service;
  for (const auto& [id, line] : by_team) {
    const model::Team* team = directory.FindTeam(id);
    by_service[team != nullptr ? team->service : ""] += line;
  }
  page.tables.push_back(std::move(teams_table));
  if (by_service.size() > 1) {
    Table services("services", "Services",
                   {{"service", "Service"},
                    {"children", "Open cases", ColumnKind::kNumber},
                    {"cp", "Child protection", ColumnKind::kNumber},
                    {"cla", "Looked after", ColumnKind::kNumber},
                    {"overdue_children", "Children overdue", ColumnKind::kNumber},
                    {"drifting", "Children drifting", ColumnKind::kNumber},
                    {"unallocated", "Unallocated", ColumnKind::kNumber},
                    {"workers", "Workers", ColumnKind::kNumber},
                    {"agency_share", "Agency %", ColumnKind::kNumber}});
    services.TestId("services-table").Sortable();
    for (const auto& [name, line] : by_service) {
      services.AddRow({Cell::Text(name.empty() ? "No team" : name), Cell::Number(line.children), Cell::Number(line.cp),
                       Cell::Number(line.cla), Cell::Number(line.overdue_children), Cell::Number(line.drifting),
                       Cell::Number(line.unallocated), Cell::Number(line.workers), PercentCell(line.agency, line.workers)});
    }
    page.tables.push_back(std::move(services));
    page.sections.push_back({"Services", "", "services", "", ""});
  }
  page.sections.push_back({"Teams", "", "teams", "", ""});
  // The rule table of the page's children (suppression is for members only).
  {
    std::map<uint16_t, int64_t> by_rule;
    for (size_t index : overdue_cases) CountOverdueRules(view.result(index), by_rule);
    Table rules_table("overdue-by-rule", "Children with a deadline overdue, by rule",
                      {{"rule_id", "Rule id", ColumnKind::kText, Shown::kDownloadOnly},
                       {"rule", "Deadline"},
                       {"source", "Source", ColumnKind::kText, Shown::kDownloadOnly},
                       {"children", "Children overdue", ColumnKind::kNumber}});
    rules_table.TestId("rules-table");
    for (const auto& [rule_index, count] : by_rule) {
      const timescales::Rule& rule = context.evaluator.rules().rules()[rule_index];
      Cell title = Cell::Text(rule.title);
      title.note = rule.source;
      rules_table.AddRow({Cell::Text(rule.id), std::move(title), Cell::Text(rule.source), Cell::Number(count)});
    }
    page.tables.push_back(std::move(rules_table));
    page.sections.push_back({"Overdue deadlines by rule", "", "overdue-by-rule", "", ""});
  }
  // The children with a deadline overdue, most urgent first: where a manager starts.
  page.tables.push_back(ChildrenTable(context, overdue_rows, "overdue-children", "Children with a deadline overdue"));
  page.tables.back().TestId("children-table").Sortable().Filterable().PageLimit(kShown).Total(overdue_cases.size());
  page.sections.push_back({"Children with a deadline overdue",
                           "Most overdue first. Select a team above to see its children, or download the list.",
                           "overdue-children", "", ""});
  if (std::string links = DownloadLinks(context, "open-cases",
                                       "All " + std::to_string(open_cases.size()) + " open cases, most urgent first: ");
      !links.empty()) {
    page.sections.push_back({"Every open case", "", "", "", std::move(links)});
  }
  std::vector<model::Worker> scope_workers;
  for (const model::Worker& worker : directory.workers()) {
    if (whole_council || team_ids.count(worker.team_id) > 0) scope_workers.push_back(worker);
  }
  // Trends count every child in reach, closed cases included (last year's referrals are closed).
  std::vector<size_t> reach;
  for (size_t i = 0; i < view.size(); ++i) {
    if (!access::CanSee(who, view.chronology(i).child().la_child_id, view.current_place(i), context.restrictions)) continue;
    if (!whole_council && team_ids.count(view.place(i).team) == 0) continue;
    reach.push_back(i);
  }
  AddTrends(context, view, std::move(reach), std::move(scope_workers), false, page);
  std::vector<GroupCount> groups;
  for (const auto& [id, line] : by_team) groups.push_back({TeamLabel(directory, id), line.children, line.overdue, line.drifting});
  page.extra_json = HomeJson(overdue_rows, kShown, std::move(groups));
  return Respond(context, page);
}

http::Response ServicePage(Context& context) { return ServiceDashboard(context, false); }

// ---------------------------------------------------------------------------------------------
// Elected members

http::Response MembersPage(Context& context) {
  const std::optional<std::string_view> since_text = context.request.Query("since");
  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  const Date as_at = view.as_at();
  Date since = as_at.AddMonths(-3);
  if (since_text && !since_text->empty()) {
    Result<Date> parsed = Date::ParseIso(*since_text);
    if (!parsed.ok() || *parsed >= as_at || *parsed < Date::FromYmdOrDie(1990, 1, 1)) {
      return ErrorResponse(400, "since (the last meeting's date) must be a date written YYYY-MM-DD, before " +
                                    as_at.ToIso() + ".",
                           context.api);
    }
    since = *parsed;
  }
  const CouncilView then_view = context.council.At(since, context.threads);
  const Headline now = CountHeadline(view);
  const Headline then = CountHeadline(then_view);

  Table moved("since-last-meeting", "What moved since the last meeting",
              {{"measure", "Measure"},
               {"then", "On " + since.ToIso(), ColumnKind::kNumber},
               {"now", "On " + as_at.ToIso(), ColumnKind::kNumber},
               {"change", "Change", ColumnKind::kNumber}});
  moved.TestId("moved-table");
  auto add = [&moved](std::string label, int64_t before, int64_t after) {
    const bool hidden = (before >= 1 && before <= 4) || (after >= 1 && after <= 4);
    // A change is signed ("+2", "-3", "no change"): it is a difference, not a count of children.
    Cell change = Cell::Text("withheld");
    if (!hidden) {
      change = Cell::Number(static_cast<double>(after - before));
      change.text = after == before ? "no change" : (after > before ? "+" : "") + std::to_string(after - before);
    }
    moved.AddRow({Cell::Text(std::move(label)), Cell::Suppressed(before), Cell::Suppressed(after), std::move(change)});
  };
  add("Children looked after", then.cla, now.cla);
  add("Children on a child protection plan", then.cp, now.cp);
  add("Child protection plans lasting 2 years or more", then.cp_2y, now.cp_2y);
  add("Other children in need", then.cin, now.cin);
  add("Children with a statutory deadline overdue", then.overdue, now.overdue);
  add("Children with a drift or delay signal", then.drifting, now.drifting);
  add("Open cases with no allocated worker", then.unallocated, now.unallocated);

  Table rules_table("overdue-by-rule", "Children with a deadline overdue, by rule",
                    {{"rule_id", "Rule id", ColumnKind::kText, Shown::kDownloadOnly},
                     {"rule", "Deadline"},
                     {"then", "On " + since.ToIso(), ColumnKind::kNumber},
                     {"now", "On " + as_at.ToIso(), ColumnKind::kNumber}});
  rules_table.TestId("rules-table");
  std::set<uint16_t> rule_ids;
  for (const auto& [rule, count] : now.by_rule) rule_ids.insert(rule);
  for (const auto& [rule, count] : then.by_rule) rule_ids.insert(rule);
  for (uint16_t rule_index : rule_ids) {
    const timescales::Rule& rule = context.evaluator.rules().rules()[rule_index];
    Cell title = Cell::Text(rule.title);
    title.note = rule.source;
    auto count = [rule_index](const Headline& h) {
      auto found = h.by_rule.find(rule_index);
      return found == h.by_rule.end() ? int64_t{0} : found->second;
    };
    rules_table.AddRow({Cell::Text(rule.id), std::move(title), Cell::Suppressed(count(then)), Cell::Suppressed(count(now))});
  }

  Dashboard page;
  page.aggregates = true;
  page.testid = context.session->principal.role->home == "members" ? "home-members" : "members-page";
  page.heading = "The council's children's services at a glance";
  page.intro = "Counts as at " + as_at.ToIso() + ", beside the last meeting (" + since.ToIso() +
               "). No child can be identified from these figures.";
  page.summary = {{Suppressed(now.cla), "children looked after"},
                  {Suppressed(now.cp), "children on a child protection plan"},
                  {Suppressed(now.cin), "other children in need"},
                  {Suppressed(now.overdue), "children with a statutory deadline overdue"},
                  {Suppressed(now.drifting), "children with a drift or delay signal"}};
  page.tables.push_back(std::move(moved));
  page.tables.push_back(std::move(rules_table));
  page.sections.push_back({"Since the last meeting",
                           "", "since-last-meeting", "",
                           // htmx fetches the page for the new date and swaps in its main part only (the
                           // address bar follows); without script the form simply loads the page.
                           "<form method=\"get\" class=\"inline-form\" data-testid=\"since-form\" hx-get=\"" +
                               http::EscapeHtml(context.request.path) +
                               "\" hx-target=\"#main\" hx-select=\"#main\" hx-swap=\"outerHTML\" hx-push-url=\"true\">"
                               "<div class=\"field\">"
                           "<label for=\"since\">Date of the last meeting</label><input type=\"date\" id=\"since\" "
                           "name=\"since\" value=\"" + since.ToIso() + "\" required></div>" +
                               (context.past ? "<input type=\"hidden\" name=\"as-at\" value=\"" + as_at.ToIso() + "\">"
                                             : std::string()) +
                               "<button type=\"submit\">Compare</button></form>\n"});
  page.sections.push_back({"Overdue deadlines by rule", "", "overdue-by-rule", "", ""});

  Result<std::vector<IndicatorRow>> indicator_rows = NationalIndicators(context, view);
  if (indicator_rows.ok()) {
    page.tables.push_back(IndicatorsTable(*indicator_rows, true));
    page.sections.push_back({"National indicators",
                             "The five reporting years complete by " + as_at.ToIso() +
                                 ", beside England, the region and the statistical neighbours where the DfE has "
                                 "published the figure (and its figures have been imported).",
                             "indicators", "", ""});
  } else {
    page.notice = "The national indicators could not be worked out: " + indicator_rows.status().message();
  }
  std::vector<size_t> everyone(view.size());
  for (size_t i = 0; i < everyone.size(); ++i) everyone[i] = i;
  AddTrends(context, view, std::move(everyone), view.directory().workers(), true, page);
  if (page.notice.empty()) {
    page.notice = "Counts from 1 to 4 are shown as \"fewer than 5\", and shares made from fewer than 5 children are "
                  "withheld, so that no child can be identified.";
  }
  return Respond(context, page);
}

// ---------------------------------------------------------------------------------------------
// The workforce

http::Response WorkforcePage(Context& context) {
  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  const Date as_at = view.as_at();
  const Date year_ago = as_at.AddMonths(-12);
  const access::CouncilDirectory& directory = view.directory();
  const std::vector<const model::Team*> teams = TeamsInReach(context, directory);
  std::set<std::string> team_ids;
  for (const model::Team* team : teams) team_ids.insert(team->id);

  // Caseloads now, and the workers each child had in the last 12 months.
  std::map<std::string, int> caseload;
  int64_t children_counted = 0, worker_spells = 0, three_or_more = 0;
  for (size_t i = 0; i < view.size(); ++i) {
    if (!access::CanSee(context.session->principal, view.chronology(i).child().la_child_id, view.current_place(i),
                        context.restrictions)) {
      continue;
    }
    const access::ChildPlace& place = view.place(i);
    if (team_ids.count(place.team) == 0) continue;
    if (place.allocated) ++caseload[place.worker];
    if (!place.open_case) continue;
    std::set<std::string_view> workers;
    for (const model::Event& event : view.chronology(i).events()) {
      if (event.kind != model::EventKind::kSocialWorkerAllocation || event.start > as_at) continue;
      if (event.end && *event.end < year_ago) continue;
      workers.insert(event.Get("SW_ID"));
    }
    ++children_counted;
    worker_spells += static_cast<int64_t>(workers.size());
    if (workers.size() >= 3) ++three_or_more;
  }

  Table workers_table("workers", "Workers",
                      {{"worker_id", "Worker id"},
                       {"name", "Name"},
                       {"team", "Team"},
                       {"role", "Role"},
                       {"employment", "Employment"},
                       {"started", "Started", ColumnKind::kDate},
                       {"left", "Left", ColumnKind::kDate},
                       {"caseload", "Children allocated", ColumnKind::kNumber}});
  workers_table.TestId("workers-table").Sortable().Filterable();
  struct TeamLine {
    int in_post = 0, agency = 0, joiners = 0, leavers = 0, children = 0;
  };
  std::map<std::string, TeamLine> by_team;
  int in_post = 0, agency = 0, joiners = 0, leavers = 0;
  for (const model::Worker& worker : directory.workers()) {
    if (team_ids.count(worker.team_id) == 0) continue;
    if (worker.started && *worker.started > as_at) continue;  // not yet joined on the date
    TeamLine& line = by_team[worker.team_id];
    const bool posted = InPost(worker, as_at);
    if (posted) ++line.in_post, ++in_post;
    if (posted && worker.agency) ++line.agency, ++agency;
    if (worker.started && *worker.started > year_ago) ++line.joiners, ++joiners;
    if (worker.left && *worker.left > year_ago && *worker.left <= as_at) ++line.leavers, ++leavers;
    if (worker.left && *worker.left < year_ago) continue;  // long gone: not listed
    const int children = caseload.count(worker.id) ? caseload[worker.id] : 0;
    line.children += children;
    Cell name = Cell::Link(worker.name.empty() ? worker.id : worker.name,
                           Link(context, "/workers/" + http::PercentEncode(worker.id)), "worker-link");
    workers_table.AddRow({Cell::Text(worker.id), std::move(name), Cell::Text(TeamLabel(directory, worker.team_id)),
                          Cell::Text(worker.role), Cell::Text(worker.agency ? "Agency" : "Employed"),
                          Cell::Text(worker.started ? worker.started->ToIso() : ""),
                          Cell::Text(worker.left && *worker.left <= as_at ? worker.left->ToIso() : ""),
                          Cell::Number(children)});
  }
  Table teams_table("teams", "Teams",
                    {{"team", "Team"},
                     {"in_post", "Workers in post", ColumnKind::kNumber},
                     {"agency_share", "Agency %", ColumnKind::kNumber},
                     {"joiners", "Joined in 12 months", ColumnKind::kNumber},
                     {"leavers", "Left in 12 months", ColumnKind::kNumber},
                     {"caseload", "Average caseload", ColumnKind::kNumber}});
  teams_table.TestId("workforce-teams-table").Sortable();
  for (const model::Team* team : teams) {
    const TeamLine& line = by_team[team->id];
    Cell average = Cell::Text("");
    if (line.in_post > 0) average = Cell::Decimal(static_cast<double>(line.children) / line.in_post);
    teams_table.AddRow({Cell::Link(team->name, Link(context, "/teams/" + http::PercentEncode(team->id)), "team-link"),
                        Cell::Number(line.in_post), PercentCell(line.agency, line.in_post), Cell::Number(line.joiners),
                        Cell::Number(line.leavers), std::move(average)});
  }

  Dashboard page;
  page.testid = "workforce-page";
  page.heading = "Workforce";
  page.intro = "Workers, teams, caseloads, agency staff, joiners and leavers as at " + as_at.ToIso() +
               ", from the record (the figures behind the children's social work workforce census).";
  char changes[32];
  std::snprintf(changes, sizeof changes, "%.2f",
                children_counted > 0 ? static_cast<double>(worker_spells) / children_counted : 0.0);
  page.summary = {{std::to_string(in_post), "workers in post"},
                  {in_post > 0 ? Percent(agency, in_post) + "%" : "none", "from agencies"},
                  {std::to_string(joiners), "joined in the last 12 months"},
                  {std::to_string(leavers), "left in the last 12 months"},
                  {changes, "social workers per open case in 12 months"},
                  {std::to_string(three_or_more), "open cases with 3 or more workers in 12 months"}};
  page.tables.push_back(std::move(workers_table));
  page.tables.push_back(std::move(teams_table));
  page.sections = {{"Workers", "Workers in post, and those who left in the last 12 months.", "workers", "", ""},
                   {"Teams", "", "teams", "", ""}};
  page.figures = true;
  return Respond(context, page);
}

}  // namespace cairn::web
