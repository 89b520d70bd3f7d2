// `cairn indicators`: the national indicators computed from a database's chronology for one or
// more reporting years, beside the DfE's published figures for England, the council's region and
// its statistical neighbours (`cairn benchmarks import` loads those). One audit row: the command
// reads every child's record.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>

#include "benchmarks/published.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "indicators/report.h"
#include "store/chronology_store.h"
#include "store/postcode_store.h"
#include "store/settings.h"
#include "store/workforce_store.h"

namespace cairn::cli {
namespace {

struct IndicatorArgs {
  std::string db;
  std::string years;
  std::string compare;
  std::string format = "table";
  std::string indicator;
};

struct Wanted {
  bool england = false, region = false, neighbours = false;
  bool any() const { return england || region || neighbours; }
};

Result<Wanted> ParseCompare(std::string_view text) {
  Wanted wanted;
  std::stringstream list{std::string(text)};
  std::string name;
  while (std::getline(list, name, ',')) {
    if (name == "england") {
      wanted.england = true;
    } else if (name == "region") {
      wanted.region = true;
    } else if (name == "neighbours") {
      wanted.neighbours = true;
    } else {
      return Status::InvalidArgument("--compare: '" + name + "' is not a comparison; use england, region, neighbours");
    }
  }
  return wanted;
}

// "2025" or "2021-2025": the years the reporting years end in.
Result<std::vector<int>> ParseYears(std::string_view text) {
  auto number = [&](std::string_view part) -> std::optional<int> {
    int year = 0;
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), year);
    if (error != std::errc() || end != part.data() + part.size() || year < 1990 || year > 2199) return std::nullopt;
    return year;
  };
  const size_t dash = text.find('-');
  const std::optional<int> first = number(text.substr(0, dash));
  const std::optional<int> last = dash == std::string_view::npos ? first : number(text.substr(dash + 1));
  if (!first || !last || *last < *first || *last - *first > 30) {
    return Status::InvalidArgument("--year: '" + std::string(text) +
                                   "' is not a year such as 2025 (April 2024 to March 2025) or a range such as "
                                   "2021-2025");
  }
  std::vector<int> years;
  for (int year = *first; year <= *last; ++year) years.push_back(year);
  return years;
}

}  // namespace

Action DefineIndicators(CLI::App& app) {
  auto args = std::make_shared<IndicatorArgs>();
  app.add_option("--db", args->db, "Cairn database")->required();
  app.add_option("--year", args->years,
                 "Reporting year, named by the year it ends (2025 = April 2024 to March 2025), or a range such as "
                 "2021-2025 (default: the last year that has ended)");
  app.add_option("--compare", args->compare,
                 "Set the DfE's published figures beside Cairn's: any of england,region,neighbours (needs "
                 "`cairn benchmarks import` and `cairn settings set la-code NNN`)");
  app.add_option("--format", args->format, "table (default), json (one object per line) or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_option("--indicator", args->indicator, "Only this indicator (e.g. cp-31-march-rate)");
  app.footer(
      "Rates are per 10,000 children aged 0-17: the population is the `population` setting if set, otherwise the "
      "imported ONS mid-year estimate of the year before the reporting year, as the DfE uses. An indicator the "
      "data cannot support (no CIN census imported, no workforce, no postcode directory for the distance between "
      "home and placement: `cairn postcodes import`) has no value and a note saying why.");
  return [args](Environment& env) -> Status {
    std::vector<int> years;
    if (args->years.empty()) {
      years.push_back(model::CollectionYear::Containing(env.clock.Today()).year - 1);
    } else {
      CAIRN_ASSIGN_OR_RETURN(years, ParseYears(args->years));
    }
    CAIRN_ASSIGN_OR_RETURN(Wanted wanted, ParseCompare(args->compare));

    CAIRN_ASSIGN_OR_RETURN(indicators::Catalogue catalogue, indicators::Catalogue::England());
    if (!args->indicator.empty() && catalogue.Find(args->indicator) == nullptr) {
      std::string known;
      for (const auto& spec : catalogue.indicators()) known += (known.empty() ? "" : ", ") + spec.id;
      return Status::NotFound("there is no indicator '" + args->indicator + "'; the indicators are " + known);
    }
    CAIRN_ASSIGN_OR_RETURN(WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
    CAIRN_ASSIGN_OR_RETURN(timescales::RuleSet rules, timescales::RuleSet::England(calendar));
    CAIRN_ASSIGN_OR_RETURN(indicators::IndicatorEngine engine,
                           indicators::IndicatorEngine::Create(std::move(catalogue), std::move(calendar),
                                                               std::move(rules)));

    CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args->db));

    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> la_code, store::GetSetting(*db, "la-code"));
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> population_setting, store::GetSetting(*db, "population"));
    CAIRN_ASSIGN_OR_RETURN(bool has_published, benchmarks::HasPublished(*db));
    if (wanted.any() && !has_published) {
      return Status::FailedPrecondition("--compare needs the DfE's published figures; run `cairn benchmarks import --db " +
                                        args->db + " DIR` first");
    }
    if (wanted.any() && !la_code) {
      return Status::FailedPrecondition("--compare needs the council's LA code; run `cairn settings set --db " +
                                        args->db + " la-code NNN` first");
    }

    // The population for each year's rates: the setting, else the ONS estimate for the year before.
    std::map<int, std::optional<double>> populations;
    for (int year : years) {
      std::optional<double> population;
      if (population_setting) {
        population = std::stod(*population_setting);  // validated when set
      } else if (la_code) {
        CAIRN_ASSIGN_OR_RETURN(population, benchmarks::Population(*db, *la_code, benchmarks::PopulationYearFor(year)));
      }
      populations[year] = population;
    }

    env.err << "Loading children from " << args->db << "...\n";
    CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(*db));
    CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(*db));
    // The distance between home and placement: only the postcodes the episodes name, read from
    // the directory `cairn postcodes import` loaded; without one that indicator says so.
    CAIRN_ASSIGN_OR_RETURN(int64_t postcodes_held, store::CountPostcodes(*db));
    std::optional<geography::PostcodeDirectory> postcodes;
    if (postcodes_held > 0) {
      CAIRN_ASSIGN_OR_RETURN(postcodes, store::LookUpPostcodes(*db, indicators::PlacementPostcodes(chronologies)));
    }
    indicators::CouncilData council{chronologies, workforce.workers, [&populations](int year) {
                                      auto found = populations.find(year);
                                      return found == populations.end() ? std::nullopt : found->second;
                                    }};
    if (postcodes) council.postcodes = &*postcodes;
    const std::vector<indicators::IndicatorValue> values = engine.Compute(council, years, Threads());
    std::string detail = "cairn indicators for " + std::to_string(years.front());
    if (years.size() > 1) detail += "-" + std::to_string(years.back());
    CAIRN_RETURN_IF_ERROR(store::RecordAudit(*db, env.actor, "read", "", detail));

    // Table columns: indicator, year, value, fraction, then the comparisons asked for, then note.
    std::vector<size_t> columns = {0, 1, 2, 3};
    std::vector<std::string> headings = {"indicator", "year", "value", "num/den"};
    if (wanted.england) columns.push_back(4), headings.push_back("england");
    if (wanted.region) columns.push_back(5), headings.push_back("region");
    if (wanted.neighbours) columns.push_back(6), headings.push_back("neighbours");
    if (wanted.any()) columns.push_back(7), headings.push_back("published");
    columns.push_back(8), headings.push_back("note");

    std::vector<std::vector<std::string>> rows;
    if (args->format == "csv") env.out << indicators::IndicatorCsvHeader() << "\n";
    for (const indicators::IndicatorValue& value : values) {
      if (!args->indicator.empty() && value.spec->id != args->indicator) continue;
      indicators::Comparisons comparisons;
      if (wanted.any() && value.spec->published) {
        Result<benchmarks::Comparison> published = benchmarks::Compare(*db, *value.spec->published, value.year, *la_code);
        if (published.ok()) {
          if (wanted.england) comparisons.england = published->england;
          if (wanted.region) comparisons.region = published->region;
          if (wanted.neighbours) comparisons.neighbours = published->neighbours;
          comparisons.published = published->council;
        } else if (published.status().code() != Status::Code::kNotFound) {
          return published.status();
        }  // NotFound: that DfE file was not among those imported; the comparison stays empty
      }
      if (args->format == "json") {
        env.out << indicators::IndicatorJson(value, comparisons) << "\n";
      } else if (args->format == "csv") {
        env.out << indicators::IndicatorCsv(value, comparisons) << "\n";
      } else {
        const std::vector<std::string> cells = indicators::IndicatorCells(value, comparisons);
        std::vector<std::string> row;
        for (size_t column : columns) row.push_back(cells[column]);
        rows.push_back(std::move(row));
      }
    }
    if (args->format == "table") {
      PrintTable(env.out, headings, rows);
      env.out << chronologies.size() << " children; rates per 10,000 children aged 0-17";
      if (population_setting) env.out << " (population " << *population_setting << ", from settings)";
      env.out << "\n";
    }
    return Status::Ok();
  };
}

}  // namespace cairn::cli
