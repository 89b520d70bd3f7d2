// The improvement board (/plan): the council's improvement plan as at the page's date, each
// measure's RAG computed from the record (improvement/rag.h) with its measured, expected and
// target values, each action's computed RAG beside its self-reported status, and a flag where
// an action reported complete or on track is off trajectory. The plan holds no child-level data:
// figures only (elected members see a share made from fewer than 5 children withheld).
#include <map>
#include <memory>
#include <mutex>

#include "benchmarks/published.h"
#include "http/message.h"
#include "improvement/plan.h"
#include "improvement/rag.h"
#include "indicators/compute.h"
#include "store/improvement_store.h"
#include "store/settings.h"
#include "web/handlers.h"
#include "web/page_kit.h"

namespace cairn::web {
namespace {

// A RAG as a status word with its shape and colour (cairn.css .status-rag-*), never colour alone.
Cell RagCell(improvement::Rag rag, std::string testid) {
  Cell cell;
  const std::string_view name = improvement::RagName(rag);
  switch (rag) {
    case improvement::Rag::kGreen: cell.text = "Green"; break;
    case improvement::Rag::kAmber: cell.text = "Amber"; break;
    case improvement::Rag::kRed: cell.text = "Red"; break;
    case improvement::Rag::kNotMeasured: cell.text = "Not measured"; break;
  }
  cell.status = "rag-" + std::string(name);
  cell.note = std::string(improvement::RagMeaning(rag));
  cell.testid = std::move(testid);
  return cell;
}

Cell ValueCell(const std::optional<double>& value, const std::string& unit) {
  if (!value) return Cell::Text("");
  Cell cell = Cell::Decimal(*value);
  cell.label = improvement::FormatValue(*value, unit);
  return cell;
}

// The plan as at a date, worked out once per council state, date and import (measuring reads
// every chronology: a few hundred milliseconds for a large council).
Result<improvement::PlanStatus> PlanAsAt(Context& context, const CouncilView& view, const store::StoredPlan& stored,
                                         const improvement::Plan& plan) {
  struct Cached {
    uint64_t generation = 0;
    Date as_at;
    std::string imported_at;
    std::string toml;  // the plan's text: two imports within a second differ here
    improvement::PlanStatus status;
  };
  static std::mutex mutex;
  static std::vector<Cached> cache;  // the last few
  static std::optional<indicators::IndicatorEngine> engine;
  std::lock_guard<std::mutex> lock(mutex);
  for (const Cached& cached : cache) {
    if (cached.generation == context.council.generation() && cached.as_at == view.as_at() &&
        cached.imported_at == stored.imported_at && cached.toml == stored.toml) {
      return cached.status;
    }
  }
  if (!engine) {
    CAIRN_ASSIGN_OR_RETURN(indicators::Catalogue catalogue, indicators::Catalogue::England());
    CAIRN_ASSIGN_OR_RETURN(indicators::IndicatorEngine created,
                           indicators::IndicatorEngine::Create(std::move(catalogue), context.evaluator.calendar(),
                                                               context.evaluator.rules()));
    engine.emplace(std::move(created));
  }
  // The population for rates: the setting, else the ONS estimate for the reporting year holding the date.
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> la_code, store::GetSetting(context.db, "la-code"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> population_setting, store::GetSetting(context.db, "population"));
  std::optional<double> population;
  if (population_setting) {
    population = std::stod(*population_setting);
  } else if (la_code) {
    const int year = model::CollectionYear::Containing(view.as_at()).year;
    CAIRN_ASSIGN_OR_RETURN(population, benchmarks::Population(context.db, *la_code, benchmarks::PopulationYearFor(year)));
  }
  improvement::CouncilRecord record{view.chronologies(),
                                    view.directory().workers(),
                                    [population](int) { return population; },
                                    &*engine,
                                    &context.evaluator,
                                    context.threads,
                                    [&view](size_t index) -> const timescales::ChildEvaluation& {
                                      return view.result(index);
                                    }};
  CAIRN_ASSIGN_OR_RETURN(improvement::PlanStatus status, improvement::EvaluatePlan(plan, record, view.as_at()));
  cache.push_back({context.council.generation(), view.as_at(), stored.imported_at, stored.toml, status});
  if (cache.size() > 4) cache.erase(cache.begin());
  return status;
}

}  // namespace

http::Response PlanPage(Context& context) {
  const bool members = context.session->principal.role->aggregates_only;
  Dashboard page;
  page.testid = "plan-page";
  page.heading = "Improvement board";
  page.figures = true;
  page.aggregates = members;

  Result<std::optional<store::StoredPlan>> stored = store::LoadPlan(context.db);
  if (!stored.ok()) return ErrorResponse(500, stored.status().message(), context.api);
  if (!*stored) {
    page.intro = "No improvement plan has been imported yet.";
    page.notice = "An analyst imports the plan from its file with: cairn plan import --db DB plan.toml "
                  "(docs/examples/improvement-plan.toml is an example).";
    return Respond(context, page);
  }
  Result<indicators::Catalogue> catalogue = indicators::Catalogue::England();
  if (!catalogue.ok()) return ErrorResponse(500, catalogue.status().message(), context.api);
  Result<improvement::Plan> plan =
      improvement::ParsePlan((*stored)->toml, (*stored)->source_name, *catalogue, context.evaluator.rules());
  if (!plan.ok()) {
    return ErrorResponse(500, "The improvement plan held no longer reads in this Cairn; import it again. " +
                                  plan.status().message(),
                         context.api);
  }

  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  Result<improvement::PlanStatus> evaluated = PlanAsAt(context, view, **stored, *plan);
  if (!evaluated.ok()) return ErrorResponse(500, evaluated.status().message(), context.api);
  const improvement::PlanStatus& status = *evaluated;

  page.heading = status.title;
  page.intro = "Each measure's rating is worked out from the record as at " + view.as_at().ToIso() +
               " against the value its trajectory expected by then; nobody types it. Each action is rated by the "
               "worst of its measures, beside what its owner reports.";
  page.summary = {{std::to_string(status.green), "measures on or better than trajectory (green)"},
                  {std::to_string(status.amber), "measures off trajectory within tolerance (amber)"},
                  {std::to_string(status.red), "measures off trajectory (red)"},
                  {std::to_string(status.not_measured), "measures not measured"},
                  {std::to_string(status.mismatches), "actions reported complete or on track while off trajectory"}};

  Table measures("plan-measures", "Measures as at " + view.as_at().ToIso(),
                 {{"recommendation", "Recommendation"},
                  {"measure", "Measure"},
                  {"what", "What is measured"},
                  {"rag", "RAG (computed)"},
                  {"measured", "Measured", ColumnKind::kNumber},
                  {"expected", "Expected by now", ColumnKind::kNumber},
                  {"target", "Target", ColumnKind::kNumber},
                  {"note", "Note"}});
  measures.TestId("plan-measures");
  Table actions("plan-actions", "Actions as at " + view.as_at().ToIso(),
                {{"recommendation", "Recommendation"},
                 {"action", "Action"},
                 {"owner", "Owner"},
                 {"due", "Due", ColumnKind::kDate},
                 {"rag", "RAG (computed)"},
                 {"reported", "Self-reported"},
                 {"flag", "Flag"}});
  actions.TestId("plan-actions");
  std::string recommendations_html = "<ol class=\"plan-recommendations\" data-testid=\"plan-recommendations\">";
  for (const improvement::RecommendationStatus& rec : status.recommendations) {
    const std::string rag(improvement::RagName(rec.rag));
    recommendations_html += "<li><p><strong>" + http::EscapeHtml(rec.id) + "</strong> " +
                            http::EscapeHtml(rec.text) + "</p><p><span class=\"status status-rag-" + rag +
                            "\" data-testid=\"rag-" + http::EscapeHtml(rec.id) + "\">" +
                            http::EscapeHtml(RagCell(rec.rag, "").text) + "</span> " +
                            http::EscapeHtml(improvement::RagMeaning(rec.rag)) + "</p></li>";
    for (const improvement::MeasureStatus& m : rec.measures) {
      Cell what = Cell::Text(m.title.empty() ? m.what : m.title);
      what.note = m.what;
      Cell measured = ValueCell(m.measured, m.unit);
      // Members see no share made from fewer than 5 children (or deadlines).
      if (members && m.measured && m.numerator && *m.numerator >= 1 && *m.numerator <= 4) measured = Cell::Text("withheld");
      std::string note = m.why;
      if (m.measured && m.unit == "percent" && m.numerator && m.denominator && !members) {
        note = improvement::FormatValue(*m.numerator, "count") + " of " +
               improvement::FormatValue(*m.denominator, "count");
      }
      measures.AddRow({Cell::Text(rec.id), Cell::Text(m.id), std::move(what), RagCell(m.rag, "rag-" + m.id),
                       std::move(measured), ValueCell(m.expected, m.unit), ValueCell(m.target, m.unit),
                       Cell::Text(std::move(note))});
    }
    for (const improvement::ActionStatus& a : rec.actions) {
      Cell action = Cell::Text(a.id);
      action.note = a.text;
      Cell due = Cell::Text(a.due.ToIso());
      Cell flag = Cell::Text(a.mismatch ? "Mismatch: " + a.mismatch_reason : "");
      if (a.mismatch) {
        flag.badges.push_back({"badge mismatch", "Check"});
        flag.testid = "mismatch-" + a.id;
      }
      actions.AddRow({Cell::Text(rec.id), std::move(action), Cell::Text(a.owner), std::move(due),
                      RagCell(a.rag, "rag-" + a.id), Cell::Text(std::string(improvement::SelfReportedName(a.reported))),
                      std::move(flag)});
    }
  }
  recommendations_html += "</ol>\n";
  page.tables.push_back(std::move(measures));
  page.tables.push_back(std::move(actions));
  page.sections.push_back({"Recommendations", "As the inspection report words them, each rated the worst of its "
                                              "measures and actions.",
                           "", "", recommendations_html});
  page.sections.push_back({"Measures",
                           "Indicators over the 12 months to the date; timescales rules as the share of their "
                           "deadlines falling due in the months before it that were met on time. Green: on or better "
                           "than the trajectory; amber: worse, within tolerance; red: worse beyond it.",
                           "plan-measures", "", ""});
  page.sections.push_back({"Actions", "Rated by the worst of their measures, beside what their owners report.",
                           "plan-actions", "", ""});
  page.notice = "Plan imported from " + (*stored)->source_name + " on " + (*stored)->imported_at.substr(0, 10) +
                ". Use the date at the foot of the page to see the board as it stood on an earlier day.";
  return Respond(context, page);
}

}  // namespace cairn::web
