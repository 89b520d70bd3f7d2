#include "reports/pack_sources.h"

#include <map>
#include <memory>

#include "benchmarks/published.h"
#include "store/settings.h"

namespace cairn::reports {

Status ReadPackSettings(store::Connection& db, PackInput& input) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> la_code, store::GetSetting(db, "la-code"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> la_name, store::GetSetting(db, "la-name"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> population_setting, store::GetSetting(db, "population"));
  CAIRN_ASSIGN_OR_RETURN(input.synthetic, store::IsSynthetic(db));
  CAIRN_ASSIGN_OR_RETURN(bool has_published, benchmarks::HasPublished(db));
  input.council_name = la_name.value_or("");

  // The population of every reporting year a pack can ask for, read now: the indicators may ask
  // from several threads, and the database is not for them.
  auto populations = std::make_shared<std::map<int, std::optional<double>>>();
  const int last = model::CollectionYear::Containing(input.period.to).year;
  for (int year = last - 6; year <= last; ++year) {
    std::optional<double> population;
    if (population_setting) {
      population = std::strtod(population_setting->c_str(), nullptr);  // validated when set
    } else if (la_code) {
      CAIRN_ASSIGN_OR_RETURN(population, benchmarks::Population(db, *la_code, benchmarks::PopulationYearFor(year)));
    }
    (*populations)[year] = population;
  }
  input.population = [populations](int year) -> std::optional<double> {
    auto found = populations->find(year);
    return found == populations->end() ? std::nullopt : found->second;
  };
  input.compare = nullptr;
  if (has_published && la_code) {
    input.compare = [&db, code = *la_code](const indicators::IndicatorSpec& spec,
                                            int year) -> Result<indicators::Comparisons> {
      if (!spec.published) return Status::NotFound("the DfE does not publish " + spec.id);
      CAIRN_ASSIGN_OR_RETURN(benchmarks::Comparison compared, benchmarks::Compare(db, *spec.published, year, code));
      return indicators::Comparisons{compared.england, compared.region, compared.neighbours, compared.council};
    };
  }
  return Status::Ok();
}

}  // namespace cairn::reports
