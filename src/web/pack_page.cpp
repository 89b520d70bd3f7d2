// /members/pack: the scrutiny and corporate parenting pack as a page, for elected members, the
// director and analysts. The same figures and the same HTML as the file `cairn pack` writes
// (reports/pack.h), inside the page frame; counts only, small ones suppressed, no child named.
// Audited as a read of aggregates.
#include <list>
#include <mutex>
#include <optional>

#include "http/message.h"
#include "indicators/compute.h"
#include "reports/pack.h"
#include "reports/pack_sources.h"
#include "web/handlers.h"
#include "web/page_kit.h"

namespace cairn::web {
namespace {

Result<std::optional<Date>> QueryDate(const Context& context, std::string_view name) {
  const std::optional<std::string_view> text = context.request.Query(name);
  if (!text || text->empty()) return std::optional<Date>();
  Result<Date> date = Date::ParseIso(*text);
  if (!date.ok()) return Status::InvalidArgument(std::string(name) + " must be a date written YYYY-MM-DD, such as 2025-03-31.");
  return std::optional<Date>(*date);
}

}  // namespace

http::Response MembersPackPage(Context& context) {
  static std::mutex mutex;
  static std::optional<reports::PackDefinition> definition;
  static std::optional<indicators::IndicatorEngine> engine;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!definition) {
      Result<reports::PackDefinition> loaded = reports::PackDefinition::Builtin();
      if (!loaded.ok()) return ErrorResponse(500, loaded.status().message(), false);
      definition.emplace(std::move(*loaded));
    }
    if (!engine) {
      Result<indicators::Catalogue> catalogue = indicators::Catalogue::England();
      if (!catalogue.ok()) return ErrorResponse(500, catalogue.status().message(), false);
      Result<indicators::IndicatorEngine> created = indicators::IndicatorEngine::Create(
          std::move(*catalogue), context.evaluator.calendar(), context.evaluator.rules());
      if (!created.ok()) return ErrorResponse(500, created.status().message(), false);
      engine.emplace(std::move(*created));
    }
  }

  const std::string audience(context.request.Query("audience").value_or("scrutiny"));
  if (definition->FindAudience(audience) == nullptr) {
    return ErrorResponse(400, "audience must be " + definition->AudienceNames() + ".", false);
  }
  Result<std::optional<Date>> from = QueryDate(context, "from");
  Result<std::optional<Date>> to = QueryDate(context, "to");
  if (!from.ok()) return ErrorResponse(400, from.status().message(), false);
  if (!to.ok()) return ErrorResponse(400, to.status().message(), false);
  // By default the twelve months to the page's date.
  reports::Period period;
  period.to = to->value_or(context.as_at);
  period.from = from->value_or(period.to.AddYears(-1).AddDays(1));
  if (period.to > context.as_at) {
    return ErrorResponse(400, "to cannot be after " + context.as_at.ToIso() + ": the pack shows the record as it stood.",
                         false);
  }
  Result<reports::Period> checked = reports::ParsePeriod(period.from.ToIso() + ".." + period.to.ToIso());
  if (!checked.ok()) {
    return ErrorResponse(400, "from and to must be dates with from not after to, at most two years apart, from "
                              "1990 on.", false);
  }

  // A pack reads every child twice over (a second or so for a large council): the last few made
  // are kept while the council is unchanged.
  struct Kept {
    uint64_t generation;
    std::string plan;  // ImprovementPlanVersion: an import makes the improvement board's pack again
    std::string audience;
    Date from, to;
    std::string html;
  };
  static std::list<Kept> kept;
  const bool shows_plan = reports::ShowsPlan(*definition->FindAudience(audience));
  std::string plan_version;
  if (shows_plan) {
    Result<std::string> version = reports::ImprovementPlanVersion(context.db);
    if (!version.ok()) return ErrorResponse(500, "The pack could not be made: " + version.status().message(), false);
    plan_version = *version;
  }
  std::string body;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (const Kept& entry : kept) {
      if (entry.generation == context.council.generation() && entry.plan == plan_version && entry.audience == audience && entry.from == period.from &&
          entry.to == period.to) {
        body = entry.html;
      }
    }
  }
  if (body.empty()) {
    std::shared_lock lock(context.council_mutex);
    const CouncilView view = context.council.At(context.as_at, context.threads);
    reports::PackInput input;
    input.chronologies = view.chronologies();
    input.workers = view.directory().workers();
    input.teams = view.directory().teams();
    input.evaluator = &context.evaluator;
    input.engine = &*engine;
    input.audience = audience;
    input.period = period;
    input.threads = context.threads;
    if (Status read = reports::ReadPackSettings(context.db, input); !read.ok()) {
      return ErrorResponse(500, "The pack could not be made: " + read.message(), false);
    }
    if (shows_plan) {
      if (Status plan = reports::ReadImprovementPlan(context.db, input); !plan.ok()) {
        return ErrorResponse(500, "The pack could not be made: " + plan.message(), false);
      }
    }
    Result<reports::Pack> pack = reports::BuildPack(input, *definition);
    if (!pack.ok()) return ErrorResponse(500, "The pack could not be made: " + pack.status().message(), false);
    body = reports::RenderPackBody(*pack);
    std::lock_guard<std::mutex> keep(mutex);
    kept.push_front({context.council.generation(), plan_version, audience, period.from, period.to, body});
    if (kept.size() > 4) kept.pop_back();
  }

  Data data;
  Data audiences = List();
  for (const reports::Audience& each : definition->audiences) {
    Data option;
    option.set("id", each.id);
    option.set("title", each.title);
    option.set("selected", Data(each.id == audience));
    audiences.push_back(option);
  }
  data.set("audiences", audiences);
  data.set("from", period.from.ToIso());
  data.set("to", period.to.ToIso());
  data.set("past", Data(context.past));
  data.set("pack", body);
  context.audit_action = "read-aggregates";
  context.audit_detail = "pack " + audience + " " + period.from.ToIso() + ".." + period.to.ToIso();
  return Html(RenderPage(context, "members_pack", std::move(data), definition->FindAudience(audience)->title));
}

}  // namespace cairn::web
