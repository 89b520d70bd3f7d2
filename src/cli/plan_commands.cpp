// `cairn plan`: the council's improvement plan. `plan import` checks a plan file against the
// indicator catalogue and the timescales rules and, when it is sound, replaces the plan held
// (nothing is stored when the file has an error); `plan show` measures every measure from the
// record as at a date and prints its computed RAG beside the self-reported status of each action.
#include <CLI/CLI.hpp>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "benchmarks/published.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "improvement/plan.h"
#include "improvement/rag.h"
#include "indicators/compute.h"
#include "store/audit.h"
#include "store/chronology_store.h"
#include "store/improvement_store.h"
#include "store/settings.h"
#include "store/workforce_store.h"

namespace cairn::cli {
namespace {

struct PlanArgs {
  std::string db;
  std::string file;
  std::string as_at;
  std::string format = "table";
};

Result<std::string> ReadPlanFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::NotFound("cannot read the plan file " + path);
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return Status::IoError("cannot read the plan file " + path);
  return text.str();
}

std::string FileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Status Import(const PlanArgs& args, Environment& env) {
  CAIRN_ASSIGN_OR_RETURN(std::string text, ReadPlanFile(args.file));
  CAIRN_ASSIGN_OR_RETURN(indicators::Catalogue catalogue, indicators::Catalogue::England());
  CAIRN_ASSIGN_OR_RETURN(timescales::RuleSet rules, timescales::RuleSet::England());
  const std::string name = FileName(args.file);
  CAIRN_ASSIGN_OR_RETURN(improvement::Plan plan, improvement::ParsePlan(text, name, catalogue, rules));
  store::StoredPlan stored;
  stored.title = plan.title;
  stored.source_name = name;
  stored.toml = std::move(text);
  for (const improvement::Recommendation& recommendation : plan.recommendations) {
    ++stored.recommendations;
    stored.actions += static_cast<int64_t>(recommendation.actions.size());
    stored.measures += static_cast<int64_t>(recommendation.measures.size());
  }
  stored.imported_by = env.actor == "cli" ? store::OperatingSystemActor() : env.actor;
  CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args.db));
  CAIRN_RETURN_IF_ERROR(store::SavePlan(*db, stored));
  env.out << "Imported the improvement plan '" << plan.title << "' from " << name << ": " << stored.recommendations
          << " recommendations, " << stored.actions << " actions, " << stored.measures
          << " measures (it replaces any plan held before).\n";
  return Status::Ok();
}

std::string Optional(const std::optional<double>& value, std::string_view unit) {
  return value ? improvement::FormatValue(*value, unit) : "-";
}

Status Show(const PlanArgs& args, Environment& env) {
  Date as_at = env.clock.Today();
  if (!args.as_at.empty()) {
    Result<Date> parsed = Date::ParseIso(args.as_at);
    if (!parsed.ok()) return Status::InvalidArgument("--as-at: " + parsed.status().message() + " (write YYYY-MM-DD)");
    as_at = *parsed;
  }
  CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args.db));
  CAIRN_ASSIGN_OR_RETURN(std::optional<store::StoredPlan> stored, store::LoadPlan(*db));
  if (!stored) {
    return Status::NotFound("no improvement plan in " + args.db + ": import one with `cairn plan import --db " +
                            args.db + " plan.toml`");
  }
  CAIRN_ASSIGN_OR_RETURN(WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
  CAIRN_ASSIGN_OR_RETURN(timescales::RuleSet rules, timescales::RuleSet::England(calendar));
  CAIRN_ASSIGN_OR_RETURN(indicators::Catalogue catalogue, indicators::Catalogue::England());
  Result<improvement::Plan> parsed = improvement::ParsePlan(stored->toml, stored->source_name, catalogue, rules);
  if (!parsed.ok()) {
    return parsed.status().WithContext("the plan held (imported " + stored->imported_at +
                                       ") no longer reads in this Cairn; import it again");
  }
  const improvement::Plan& plan = *parsed;
  CAIRN_ASSIGN_OR_RETURN(timescales::Evaluator evaluator, timescales::Evaluator::Create(rules, calendar));
  CAIRN_ASSIGN_OR_RETURN(indicators::IndicatorEngine engine,
                         indicators::IndicatorEngine::Create(std::move(catalogue), calendar, rules));

  // The population for rates: the setting, else the ONS estimate of the year before.
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> la_code, store::GetSetting(*db, "la-code"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> population_setting, store::GetSetting(*db, "population"));
  const int reporting_year = model::CollectionYear::Containing(as_at).year;
  std::optional<double> population;
  if (population_setting) {
    population = std::stod(*population_setting);  // validated when set
  } else if (la_code) {
    CAIRN_ASSIGN_OR_RETURN(population,
                           benchmarks::Population(*db, *la_code, benchmarks::PopulationYearFor(reporting_year)));
  }

  env.err << "Loading children from " << args.db << "...\n";
  CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(*db));
  CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(*db));
  improvement::CouncilRecord record{chronologies, workforce.workers,
                                    [population](int) { return population; }, &engine, &evaluator, Threads(), {}};
  CAIRN_ASSIGN_OR_RETURN(improvement::PlanStatus status, improvement::EvaluatePlan(plan, record, as_at));
  CAIRN_RETURN_IF_ERROR(store::RecordAudit(*db, env.actor, "read", "", "cairn plan show as at " + as_at.ToIso()));

  if (args.format == "json") {
    for (const improvement::RecommendationStatus& rec : status.recommendations) {
      for (const improvement::MeasureStatus& m : rec.measures) {
        nlohmann::ordered_json line;
        line["kind"] = "measure";
        line["recommendation"] = rec.id;
        line["id"] = m.id;
        line["as_at"] = as_at.ToIso();
        line["measures"] = m.what;
        line["rag"] = improvement::RagName(m.rag);
        line["meaning"] = improvement::RagMeaning(m.rag);
        line["measured"] = m.measured ? nlohmann::ordered_json(*m.measured) : nlohmann::ordered_json(nullptr);
        line["numerator"] = m.numerator ? nlohmann::ordered_json(*m.numerator) : nlohmann::ordered_json(nullptr);
        line["denominator"] = m.denominator ? nlohmann::ordered_json(*m.denominator) : nlohmann::ordered_json(nullptr);
        line["expected"] = m.expected;
        line["target"] = m.target;
        line["tolerance"] = m.tolerance;
        line["unit"] = m.unit;
        line["higher_is_better"] = m.higher_is_better;
        if (!m.why.empty()) line["why"] = m.why;
        env.out << line.dump() << "\n";
      }
      for (const improvement::ActionStatus& a : rec.actions) {
        nlohmann::ordered_json line;
        line["kind"] = "action";
        line["recommendation"] = rec.id;
        line["id"] = a.id;
        line["as_at"] = as_at.ToIso();
        line["owner"] = a.owner;
        line["due"] = a.due.ToIso();
        line["rag"] = improvement::RagName(a.rag);
        line["meaning"] = improvement::RagMeaning(a.rag);
        line["self_reported"] = improvement::SelfReportedName(a.reported);
        line["measures"] = a.measures;
        line["worst_measure"] = a.worst_measure;
        line["mismatch"] = a.mismatch;
        if (a.mismatch) line["mismatch_reason"] = a.mismatch_reason;
        env.out << line.dump() << "\n";
      }
    }
    return Status::Ok();
  }

  env.out << status.title << " as at " << as_at.ToIso() << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const improvement::RecommendationStatus& rec : status.recommendations) {
    for (const improvement::MeasureStatus& m : rec.measures) {
      rows.push_back({rec.id, "measure", m.id, std::string(improvement::RagName(m.rag)),
                      Optional(m.measured, m.unit), improvement::FormatValue(m.expected, m.unit),
                      improvement::FormatValue(m.target, m.unit), "", "",
                      m.measured ? m.what : m.what + ": " + m.why});
    }
    for (const improvement::ActionStatus& a : rec.actions) {
      rows.push_back({rec.id, "action", a.id, std::string(improvement::RagName(a.rag)), "", "", "",
                      std::string(improvement::SelfReportedName(a.reported)), a.mismatch ? "MISMATCH" : "",
                      a.mismatch ? a.mismatch_reason : "owner " + a.owner + ", due " + a.due.ToIso()});
    }
  }
  PrintTable(env.out,
             {"rec", "kind", "id", "rag", "measured", "expected", "target", "self-reported", "flag", "note"}, rows);
  env.out << "Measures: " << status.green << " green, " << status.amber << " amber, " << status.red << " red, "
          << status.not_measured << " not measured; " << status.mismatches << " action"
          << (status.mismatches == 1 ? "" : "s") << " reported complete or on track while off trajectory.\n";
  return Status::Ok();
}

}  // namespace

Action DefinePlan(CLI::App& app) {
  app.require_subcommand(1);
  auto args = std::make_shared<PlanArgs>();
  CLI::App* import = app.add_subcommand(
      "import", "Check a plan file (TOML) and make it the council's improvement plan, replacing the one held");
  import->add_option("--db", args->db, "Cairn database")->required();
  import->add_option("file", args->file, "The plan file, e.g. docs/examples/improvement-plan.toml")->required();
  import->footer(
      "The file is checked whole before anything is stored: every indicator id against the catalogue, every rule id "
      "against the timescales rules, trajectory dates rising, a target on every measure, each action's status one of "
      "not-started, on-track, at-risk or complete. An error names the file, line and field.");
  CLI::App* show = app.add_subcommand("show", "Each measure's RAG computed from the record as at a date, beside "
                                              "each action's self-reported status");
  show->add_option("--db", args->db, "Cairn database")->required();
  show->add_option("--as-at", args->as_at, "Measure as at this date, YYYY-MM-DD (default: today)");
  show->add_option("--format", args->format, "table (default) or json (one object per measure and action)")
      ->check(CLI::IsMember({"table", "json"}));
  show->footer(
      "A measure on an indicator is its value over the 12 months to the as-at date; on a timescales rule, the share "
      "of that rule's deadlines falling due in the window_months (default 3) to the as-at date that were met on "
      "time. Green: on or better than the trajectory's value for that date (linear between its points; the target "
      "after the last). Amber: worse, within the tolerance. Red: worse beyond it. An action is rated by the worst of "
      "its measures; MISMATCH marks one reported complete or on track while red.");
  return [args, import](Environment& env) -> Status {
    return import->parsed() ? Import(*args, env) : Show(*args, env);
  };
}

}  // namespace cairn::cli
