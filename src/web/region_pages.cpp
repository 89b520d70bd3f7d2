#include "web/region_pages.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "benchmarks/published.h"
#include "http/router.h"
#include "indicators/catalogue.h"
#include "model/chronology.h"
#include "store/audit.h"
#include "store/chronology_store.h"
#include "store/record_changes.h"
#include "store/region.h"
#include "store/settings.h"
#include "store/workforce_store.h"
#include "web/page_kit.h"

namespace cairn::web {
namespace {

constexpr std::string_view kNotARegion =
    "This is one council's server. The region's pages are served by cairn serve given the region's database URL "
    "without council=.";

// The last reporting year (1 April to 31 March) complete by the end of `date`.
int LastCompleteYear(Date date) {
  const model::CollectionYear holding = model::CollectionYear::Containing(date);
  return date == holding.end() ? holding.year : holding.year - 1;
}

std::string YearLabel(int year) { return std::to_string(year - 1) + "-" + std::to_string(year % 100); }

// The row a council's audit trail gets for what the region's server read of it: by the region's
// user, named as such, so nobody takes them for one of the council's own.
store::AuditEntry CouncilAuditEntry(const Context& context, std::string_view action, std::vector<std::string> children,
                                    std::string_view detail) {
  store::AuditEntry entry = context.actor.Entry(action, "ok", std::move(children), detail);
  entry.actor = "region:" + entry.actor;
  return entry;
}

Cell ValueCell(const indicators::IndicatorValue& value) {
  if (!value.value) return Cell::Text(value.unsupported.empty() ? "" : "no value");
  return value.spec->unit == indicators::Unit::kCount ? Cell::Number(*value.value) : Cell::Decimal(*value.value);
}

}  // namespace

bool ServedOnRegion(std::string_view pattern) {
  static constexpr std::array<std::string_view, 17> kServed = {
      "/login",          "/static/{file}",       "/healthz",
      "/favicon.ico",    "/logout",              "/password",
      "/",               "/api/v1/home",         "/region",
      "/api/v1/region",  "/region/children.csv", "/admin/users",
      "/api/v1/admin/users", "/admin/users/{username}/{action}", "/admin/role",
      "/audit",          "/api/v1/audit"};
  return std::find(kServed.begin(), kServed.end(), pattern) != kServed.end();
}

Result<store::Connection*> Region::CouncilDb(const std::string& council) {
  std::unique_ptr<store::Connection>& kept = connections_[council];
  // One whose server has gone (PostgreSQL restarted) is replaced; one a failure left inside a
  // transaction is rolled back.
  if (kept != nullptr && kept->lost()) kept.reset();
  if (kept == nullptr) {
    CAIRN_ASSIGN_OR_RETURN(std::string target, store::CouncilTarget(url_, council));
    CAIRN_ASSIGN_OR_RETURN(kept, store::Connection::OpenExisting(target));
  } else if (kept->InTransaction()) {
    CAIRN_RETURN_IF_ERROR(kept->Rollback());
  }
  return kept.get();
}

Result<std::vector<Region::CouncilColumn>> Region::Indicators(Context& context, int year) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!engine_) {
    CAIRN_ASSIGN_OR_RETURN(indicators::Catalogue catalogue, indicators::Catalogue::England());
    CAIRN_ASSIGN_OR_RETURN(indicators::IndicatorEngine created,
                           indicators::IndicatorEngine::Create(std::move(catalogue), context.evaluator.calendar(),
                                                               context.evaluator.rules()));
    engine_.emplace(std::move(created));
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> councils, store::CouncilsIn(context.db));
  std::vector<CouncilColumn> columns;
  for (const std::string& council : councils) {
    Status done = [&]() -> Status {
      CAIRN_ASSIGN_OR_RETURN(store::Connection* db, CouncilDb(council));
      CAIRN_ASSIGN_OR_RETURN(int64_t generation, store::RecordGeneration(*db));
      CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> population, store::GetSetting(*db, "population"));
      const auto key = std::make_pair(council, year);
      auto found = cache_.find(key);
      if (found == cache_.end() || found->second.generation != generation || found->second.population != population) {
        // A council's figures for the years not asked for again since it changed go too.
        std::erase_if(cache_, [&](const auto& kept) {
          return kept.first.first == council && kept.second.generation != generation;
        });
        Cached fresh{generation, population, {council, 0, {}, {}}};
        CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(*db));
        CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(*db));
        std::optional<double> rate_base;
        if (population) {
          char* end = nullptr;
          const double value = std::strtod(population->c_str(), &end);
          if (end == population->c_str() || *end != '\0' || value <= 0) {
            return Status::InvalidArgument("the council's population setting '" + *population +
                                           "' is not a number of children; set it with `cairn settings set`");
          }
          rate_base = value;
        }
        const indicators::CouncilData data{chronologies, workforce.workers, [&](int) { return rate_base; }};
        const std::vector<int> years = {year};
        fresh.column.values = engine_->Compute(data, years, context.threads);
        fresh.column.children = chronologies.size();
        CAIRN_ASSIGN_OR_RETURN(bool has_published, benchmarks::HasPublished(*db));
        CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> la_code, store::GetSetting(*db, "la-code"));
        if (has_published && la_code) {
          for (const indicators::IndicatorValue& value : fresh.column.values) {
            if (!value.spec->published) continue;
            Result<benchmarks::Comparison> compared = benchmarks::Compare(*db, *value.spec->published, year, *la_code);
            if (compared.ok()) {
              fresh.column.england[value.spec->id] = compared->england.value;
            } else if (compared.status().code() != Status::Code::kNotFound) {
              return compared.status();
            }
          }
        }
        found = cache_.insert_or_assign(key, std::move(fresh)).first;
      }
      columns.push_back(found->second.column);
      // The council's record of who read its figures, before the page leaves.
      return store::AppendAudit(*db, CouncilAuditEntry(context, "read-aggregates", {},
                                                       "the region's indicators for " + YearLabel(year)));
    }();
    if (!done.ok()) return done.WithContext("council " + council);
  }
  return columns;
}

http::Response RegionPage(Context& context) {
  if (context.region == nullptr) return ErrorResponse(404, std::string(kNotARegion), context.api, "not-a-region");
  const int last = LastCompleteYear(context.as_at);
  int year = last;
  if (std::optional<std::string_view> asked = context.request.Query("year"); asked && !asked->empty()) {
    const std::string text(*asked);
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value < 1991 || value > last) {
      return ErrorResponse(400, "year must be a reporting year by the year it ends, from 1991 to " +
                                    std::to_string(last) + " (the last complete by " + context.as_at.ToIso() + ").",
                           context.api);
    }
    year = static_cast<int>(value);
  }
  Result<std::vector<Region::CouncilColumn>> columns = context.region->Indicators(context, year);
  if (!columns.ok()) {
    return ErrorResponse(503, "Cairn could not read every council's figures just now: " + columns.status().message() + ".",
                         context.api);
  }

  Dashboard page;
  page.testid = "region-heading";
  page.heading = "The region's councils side by side";
  page.intro = "Every council's national indicators for the year " + YearLabel(year) +
               " (1 April to 31 March), worked out from each council's own record as its own server would. Figures "
               "only: no child is named. Rates are per 10,000 children aged 0-17.";
  page.figures = true;
  size_t children = 0;
  for (const Region::CouncilColumn& column : *columns) children += column.children;
  page.summary.push_back({std::to_string(columns->size()), "councils"});
  page.summary.push_back({std::to_string(children), "children in their records"});

  bool england = false;
  for (const Region::CouncilColumn& column : *columns) england = england || !column.england.empty();
  std::vector<Column> headings = {{"indicator_id", "Indicator id", ColumnKind::kText, Shown::kDownloadOnly},
                                  {"indicator", "Indicator"}};
  for (const Region::CouncilColumn& column : *columns) {
    headings.push_back({"c" + column.council, "Council " + column.council, ColumnKind::kNumber});
  }
  if (england) headings.push_back({"england", "England (published)", ColumnKind::kNumber});
  Table table("region-indicators", "National indicators, year ending 31 March " + std::to_string(year),
              std::move(headings));
  table.TestId("region-indicators-table").Sortable();
  if (!columns->empty()) {
    const std::vector<indicators::IndicatorValue>& first = columns->front().values;
    for (size_t i = 0; i < first.size(); ++i) {
      const indicators::IndicatorSpec& spec = *first[i].spec;
      std::vector<Cell> row = {Cell::Text(spec.id), Cell::Text(spec.title)};
      for (const Region::CouncilColumn& column : *columns) {
        row.push_back(i < column.values.size() ? ValueCell(column.values[i]) : Cell::Text(""));
      }
      if (england) {
        std::optional<double> figure;
        for (const Region::CouncilColumn& column : *columns) {
          auto found = column.england.find(spec.id);
          if (found != column.england.end() && found->second) {
            figure = found->second;
            break;
          }
        }
        row.push_back(!figure ? Cell::Text("")
                              : spec.unit == indicators::Unit::kCount ? Cell::Number(*figure) : Cell::Decimal(*figure));
      }
      table.AddRow(std::move(row));
    }
  }
  page.tables.push_back(std::move(table));

  std::string years_html = "<p data-testid=\"region-years\">Other years:";
  for (int other = last - 4; other <= last; ++other) {
    if (other == year) continue;
    years_html += " <a href=\"" + http::EscapeHtml(Link(context, "/region?year=" + std::to_string(other))) + "\">" +
                  YearLabel(other) + "</a>";
  }
  years_html += "</p>\n";
  page.sections.push_back({"Indicators", england ? "" : "England's figures are shown once a council has imported the "
                                                        "DfE's published statistics (cairn benchmarks import).",
                           "region-indicators", "", years_html});

  const std::string as_at = context.as_at.ToIso();
  std::string extract =
      "<p>One row for each child whose record was open at some point in the year to the date you choose, from every "
      "council: the council, age band, sex, ethnicity, whether the child was in need, on a protection plan or looked "
      "after on that date, and the referrals and placements that started in the year.</p>\n"
      "<p><strong>Pseudonymised</strong> means each child is shown by a code rather than by anything that names "
      "them. The code is the same for the same child in every extract of the region, so a child can be followed "
      "from one year to the next, but it cannot be turned back into the council's identifier without the region's "
      "key, which never leaves its database. There are no names, no council identifiers (LA child id, UPN) and no "
      "dates of birth in it.</p>\n"
      "<p>It is still personal data: keep and share it only as the region's data-sharing agreement says. Each "
      "council's audit trail records every child of theirs in the file, and the region's records the "
      "download.</p>\n"
      "<form method=\"get\" action=\"/region/children.csv\" data-testid=\"region-extract-form\">"
      "<label for=\"extract-as-at\">Statuses as at</label> "
      "<input type=\"date\" id=\"extract-as-at\" name=\"as-at\" value=\"" + as_at + "\" max=\"" +
      http::EscapeHtml(as_at) + "\" required> "
      "<button type=\"submit\" data-testid=\"region-extract-download\">Download the extract (CSV)</button></form>\n";
  page.sections.push_back({"Pooled, pseudonymised child-level data", "", "", "", extract});
  page.notice = "This is the region's server: the councils' own pages (children, teams, services) are on each "
                "council's server.";
  return Respond(context, page);
}

Result<std::vector<reports::PooledChild>> Region::Pool(Context& context, Date as_at, std::string& per_council) {
  std::lock_guard<std::mutex> lock(mutex_);
  CAIRN_ASSIGN_OR_RETURN(std::string key, store::RegionPseudonymKey(context.db));
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> councils, store::CouncilsIn(context.db));
  std::vector<reports::PooledChild> all;
  per_council.clear();
  for (const std::string& council : councils) {
    Status done = [&]() -> Status {
      CAIRN_ASSIGN_OR_RETURN(store::Connection* db, CouncilDb(council));
      CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(*db));
      std::vector<reports::PooledChild> pooled = reports::PoolChildren(council, chronologies, as_at, key);
      std::vector<std::string> ids;
      ids.reserve(pooled.size());
      for (const reports::PooledChild& child : pooled) ids.push_back(child.la_child_id);
      // The council's record of what left it, before the file does (as `cairn region children`).
      const std::string detail = "pooled pseudonymised extract for the region as at " + as_at.ToIso() + ": " +
                                 std::to_string(ids.size()) + " children";
      CAIRN_RETURN_IF_ERROR(store::AppendAudit(*db, CouncilAuditEntry(context, "export", std::move(ids), detail)));
      per_council += (per_council.empty() ? "" : ", ") + council + ": " + std::to_string(pooled.size());
      all.insert(all.end(), std::make_move_iterator(pooled.begin()), std::make_move_iterator(pooled.end()));
      return Status::Ok();
    }();
    if (!done.ok()) return done.WithContext("council " + council);
  }
  return all;
}

http::Response RegionChildrenDownload(Context& context) {
  if (context.region == nullptr) return ErrorResponse(404, std::string(kNotARegion), context.api, "not-a-region");
  const Date as_at = context.as_at;
  std::string per_council;
  Result<std::vector<reports::PooledChild>> all = context.region->Pool(context, as_at, per_council);
  if (!all.ok()) {
    return ErrorResponse(503, "Cairn could not make the extract just now (" + all.status().message() +
                                  "), so nothing was sent.",
                         context.api);
  }
  Result<std::string> csv = reports::PooledChildrenCsv(*all);
  if (!csv.ok()) return ErrorResponse(500, csv.status().message(), context.api);
  http::Response response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = std::move(*csv);
  response.SetHeader("Content-Disposition", "attachment; filename=\"region-children-" + as_at.ToIso() + ".csv\"");
  // The region's own trail: counts only, as the region holds none of the councils' identifiers.
  context.audit_action = "export";
  context.audit_detail = "pooled pseudonymised extract as at " + as_at.ToIso() + ": " + std::to_string(all->size()) +
                         " children (" + per_council + ")";
  return response;
}

http::Response RegionHome(Context& context) {
  if (context.session->principal.role->Has("region.read")) return RegionPage(context);
  Dashboard page;
  page.testid = "region-not-here";
  page.heading = "This is the region's server";
  page.intro = "It serves the region's analysts: every council's figures side by side and the pooled, "
               "pseudonymised extract. Your role's pages are on your council's own server.";
  return Respond(context, page);
}

}  // namespace cairn::web
