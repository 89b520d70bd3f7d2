#include "reports/pack_sources.h"

#include "store/improvement_store.h"

#include "improvement/rag.h"

#include "improvement/plan.h"

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

Status ReadImprovementPlan(store::Connection& db, PackInput& input) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<store::StoredPlan> stored, store::LoadPlan(db));
  if (!stored) return Status::Ok();
  Result<improvement::Plan> plan =
      improvement::ParsePlan(stored->toml, stored->source_name, input.engine->catalogue(), input.evaluator->rules());
  if (!plan.ok()) {
    return plan.status().WithContext("the improvement plan held (imported " + stored->imported_at +
                                     ") no longer reads in this Cairn; import it again");
  }
  const improvement::CouncilRecord record{input.chronologies, input.workers, input.population,
                                          input.engine,       input.evaluator, input.threads, {}};
  CAIRN_ASSIGN_OR_RETURN(improvement::PlanStatus status, improvement::EvaluatePlan(*plan, record, input.period.to));
  input.improvement_plan.clear();
  for (const improvement::RecommendationStatus& recommendation : status.recommendations) {
    for (const improvement::ActionStatus& action : recommendation.actions) {
      PlanRow row;
      row.priority = recommendation.id + ": " + recommendation.text;
      row.action = action.id + ": " + action.text;
      row.owner = action.owner;
      row.due = action.due;
      row.status = std::string(improvement::SelfReportedName(action.reported));
      row.rag = action.rag == improvement::Rag::kNotMeasured ? "not measured" : std::string(improvement::RagName(action.rag));
      for (const improvement::MeasureStatus& measure : recommendation.measures) {
        if (measure.id != action.worst_measure) continue;
        row.measured = measure.id + " " + measure.title + ": " +
                       (measure.measured ? improvement::FormatValue(*measure.measured, measure.unit) : "not measured") +
                       " against " + improvement::FormatValue(measure.expected, measure.unit) + " expected";
      }
      row.mismatch = action.mismatch ? action.mismatch_reason : "";
      input.improvement_plan.push_back(std::move(row));
    }
  }
  return Status::Ok();
}

Result<std::string> ImprovementPlanVersion(store::Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<store::StoredPlan> stored, store::LoadPlan(db));
  return stored ? stored->imported_at + " " + std::to_string(std::hash<std::string>{}(stored->toml)) : std::string();
}

}  // namespace cairn::reports
