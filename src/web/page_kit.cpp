#include "web/page_kit.h"

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>

#include "base/embedded.h"
#include "http/message.h"

namespace cairn::web {

using timescales::ObligationStatus;

namespace {

const embedded::Resource* Template(std::string_view name) {
  return embedded::Find(embedded::Templates(), std::string(name) + ".mustache");
}

Data Partial(std::string_view name) {
  std::string text(Template(name) ? Template(name)->text : "");
  return Data(kainjow::mustache::partial([text] { return text; }));
}

}  // namespace


// ---------------------------------------------------------------------------------------------
// Rendering

// Compiled templates, one set per thread: kainjow's renderer keeps state while it renders.
kainjow::mustache::mustache& Compiled(std::string_view name) {
  thread_local std::unordered_map<std::string, std::unique_ptr<kainjow::mustache::mustache>> cache;
  auto found = cache.find(std::string(name));
  if (found != cache.end()) return *found->second;
  const embedded::Resource* resource = Template(name);
  auto compiled = std::make_unique<kainjow::mustache::mustache>(resource ? std::string(resource->text)
                                                                         : "Missing template " + std::string(name));
  return *cache.emplace(std::string(name), std::move(compiled)).first->second;
}

Data List() { return Data(Data::type::list); }

std::string RenderPage(const Context& context, std::string_view name, Data data, std::string_view title) {
  data.set("children_table", Partial("children_table"));
  data.set("as_at", context.as_at.ToIso());
  const std::string content = Compiled(name).render(data);
  Data layout;
  layout.set("title", std::string(title));
  layout.set("content", content);
  layout.set("synthetic", Data(context.synthetic));
  layout.set("as_at_note", "showing the record as at " + context.as_at.ToIso());
  layout.set("past", Data(context.past));
  layout.set("as_at", context.as_at.ToIso());
  layout.set("today_href", context.request.path);
  if (context.session) {
    const access::Principal& who = context.session->principal;
    layout.set("signed_in", Data(true));
    layout.set("username", who.username);
    layout.set("role_title", who.role->title);
    layout.set("csrf", context.session->csrf_token);
    layout.set("can_search", Data(who.role->Has("child.search")));
    layout.set("can_admin", Data(who.role->Has("users.manage")));
    layout.set("can_audit", Data(who.role->Has("audit.read.all")));
    // The pages this role works from, beyond its home.
    Data nav = List();
    auto add = [&nav, &context](std::string href, std::string label) {
      Data item;
      item.set("href", Link(context, std::move(href)));
      item.set("label", std::move(label));
      nav.push_back(item);
    };
    if (who.role->Has("caseload.read") && !who.worker_id.empty() && who.role->home != "caseload") {
      add("/workers/" + http::PercentEncode(who.worker_id), "My caseload");
    }
    if (who.role->Has("team.read") && !who.team_id.empty() && who.role->home != "team") {
      add("/teams/" + http::PercentEncode(who.team_id), "My team");
    }
    if (who.role->Has("service.read") && who.role->home != "service") add("/service", "Service");
    if (who.role->Has("team.read")) add("/workforce", "Workforce");
    if (who.role->Has("aggregates.read") && who.role->home != "members") add("/members", "Members' view");
    if (who.role->Has("qa.read") && who.role->home != "audits") add("/audits", "Case audits");
    if (who.role->Has("annex-a.download")) add("/annex-a", "Annex A (Excel)");
    if (who.role->Has("returns.validate")) add("/validation", "DfE return checks");
    if (who.role->Has("aggregates.read")) add("/members/pack", "Members' pack");
    if (who.role->Has("plan.read")) add("/plan", "Improvement board");
    layout.set("nav", nav);
  } else {
    layout.set("signed_in", Data(false));
  }
  return Compiled("layout").render(layout);
}

std::string Link(const Context& context, std::string path) {
  if (context.as_at_query.empty()) return path;
  return path + (path.find('?') == std::string::npos ? "?" : "&") + context.as_at_query;
}

namespace {

// The address of this page's table `table` as the file `format`: the same query, with format=
// and table= set.
std::string DownloadHref(const Context& context, std::string_view table, std::string_view format) {
  std::string href = context.request.path + "?format=" + std::string(format) + "&table=" + http::PercentEncode(table);
  for (const auto& [name, value] : context.request.query) {
    if (name == "format" || name == "table") continue;
    href += "&" + http::PercentEncode(name) + "=" + http::PercentEncode(value);
  }
  return href;
}

}  // namespace

std::string TableBlock(const Context& context, const Table& table) {
  return table.Html() + DownloadLinks(context, table.name(), "Download this table: ");
}

std::string DownloadLinks(const Context& context, std::string_view table, std::string_view lead) {
  if (!context.session || context.session->principal.role->aggregates_only || context.api) return "";
  const std::string name = http::EscapeHtml(table);
  return "<p class=\"downloads\">" + http::EscapeHtml(lead) + "<a href=\"" +
         http::EscapeHtml(DownloadHref(context, table, "csv")) + "\" data-testid=\"" + name +
         "-csv\" download>CSV</a> · <a href=\"" + http::EscapeHtml(DownloadHref(context, table, "xlsx")) +
         "\" data-testid=\"" + name + "-xlsx\" download>Excel</a></p>\n";
}

Result<Format> RequestedFormat(const Context& context) {
  const std::optional<std::string_view> format = context.request.Query("format");
  if (!format || format->empty() || *format == "html" || *format == "json") return Format::kPage;
  if (*format == "csv") return Format::kCsv;
  if (*format == "xlsx") return Format::kXlsx;
  return Status::InvalidArgument("format must be csv or xlsx (or left out for the page)");
}

http::Response Download(Context& context, const Table& table, Format format, std::vector<std::string> children) {
  if (context.session->principal.role->aggregates_only) {
    return ErrorResponse(403, "Pages for elected members have no downloads: their figures are on the page.", context.api);
  }
  http::Response response;
  std::string extension;
  if (format == Format::kCsv) {
    response.content_type = "text/csv; charset=utf-8";
    response.body = table.Csv();
    extension = "csv";
  } else {
    Result<std::string> workbook = table.Xlsx();
    if (!workbook.ok()) return ErrorResponse(500, workbook.status().message(), context.api);
    response.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    response.body = std::move(*workbook);
    extension = "xlsx";
  }
  response.SetHeader("Content-Disposition", "attachment; filename=\"" + table.name() + "-" +
                                                context.as_at.ToIso() + "." + extension + "\"");
  context.audit_action = "download-" + extension;
  context.audit_detail = std::to_string(table.size()) + " rows of " + table.name();
  std::vector<std::string> named = table.ChildIds(/*shown_only=*/false);
  context.audit_children = named.empty() ? std::move(children) : std::move(named);
  return response;
}

std::string ChartHtml(std::string_view spec_json, std::string_view testid) {
  // The spec rides in the data-chart attribute, escaped, not in a <script type="application/json">
  // block: htmx (allowScriptTags off) drops script elements from content it swaps in, and with
  // them the figures of every chart on the new part of the page.
  return "<figure class=\"chart\" data-chart=\"" + http::EscapeHtml(spec_json) + "\" data-testid=\"" +
         http::EscapeHtml(testid) + "\"></figure>\n";
}

http::Response Respond(Context& context, Dashboard& page) {
  Result<Format> format = RequestedFormat(context);
  if (!format.ok()) return ErrorResponse(400, format.status().message(), context.api);
  if (*format != Format::kPage) {
    const std::string wanted(context.request.Query("table").value_or(""));
    const Table* table = page.tables.empty() ? nullptr : &page.tables.front();
    if (!wanted.empty()) {
      table = nullptr;
      for (const Table& candidate : page.tables) {
        if (candidate.name() == wanted) table = &candidate;
      }
    }
    if (table == nullptr) return ErrorResponse(404, "This page has no table of that name to download.", context.api);
    return Download(context, *table, *format);
  }
  // What the page showed: every child in the rows its tables show (the same rows as the JSON),
  // or figures only.
  std::vector<std::string> shown;
  for (const Table& table : page.tables) {
    for (std::string& id : table.ChildIds(/*shown_only=*/true)) shown.push_back(std::move(id));
  }
  std::sort(shown.begin(), shown.end());
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  if (!shown.empty() && !page.aggregates) {
    context.audit_action = "read-list";
    context.audit_detail = std::to_string(shown.size()) + " children listed";
    context.audit_children = std::move(shown);
  } else if (page.aggregates || page.figures) {
    context.audit_action = "read-aggregates";
    context.audit_detail = page.heading;
  }
  if (context.api) {
    JsonWriter json;
    json.BeginObject()
        .Field("role", context.session->principal.role->id)
        .Field("home", context.session->principal.role->home)
        .Field("as_at", context.as_at.ToIso())
        .Field("heading", page.heading);
    json.Key("summary").BeginArray();
    for (const auto& [value, label] : page.summary) json.BeginObject().Field("label", label).Field("value", value).EndObject();
    json.EndArray().Key("tables").BeginObject();
    for (const Table& table : page.tables) {
      json.Key(table.name());
      table.Json(json);
    }
    json.EndObject();
    if (page.extra_json) page.extra_json(json);
    json.EndObject();
    return JsonBody(json);
  }
  Data data;
  data.set("testid", page.testid);
  data.set("heading", page.heading);
  data.set("intro", page.intro);
  data.set("must_change_password", Data(context.session->must_change_password));
  Data summary = List();
  for (const auto& [value, label] : page.summary) {
    Data item;
    item.set("value", value);
    item.set("label", label);
    summary.push_back(item);
  }
  data.set("has_summary", Data(!page.summary.empty()));
  data.set("summary", summary);
  Data sections = List();
  for (const Dashboard::Section& section : page.sections) {
    Data item;
    item.set("heading", section.heading);
    item.set("intro", section.intro);
    item.set("has_intro", Data(!section.intro.empty()));
    std::string html = section.chart_html + section.html;
    for (const Table& table : page.tables) {
      if (table.name() != section.table) continue;
      if (table.size() == 0) {
        html += "<p class=\"notice\" data-testid=\"" + http::EscapeHtml(table.name()) + "-empty\">Nothing to show here.</p>\n";
      } else if (!section.folded.empty()) {
        html += "<details class=\"figures\"><summary>" + http::EscapeHtml(section.folded) + "</summary>\n" +
                TableBlock(context, table) + "</details>\n";
      } else {
        html += TableBlock(context, table);
      }
    }
    item.set("html", html);
    sections.push_back(item);
  }
  data.set("sections", sections);
  data.set("notice", page.notice);
  data.set("has_notice", Data(!page.notice.empty()));
  return Html(RenderPage(context, "dashboard", std::move(data), page.heading));
}

http::Response Html(std::string body, int status) {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

http::Response JsonBody(JsonWriter& json, int status) {
  http::Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = json.Take();
  return response;
}

http::Response Redirect(std::string location) {
  http::Response response;
  response.status = 303;
  response.SetHeader("Location", std::move(location));
  return response;
}

Result<std::vector<std::pair<std::string, std::string>>> Form(const Context& context) {
  const auto type = context.request.Header("content-type");
  if (type && type->find("application/x-www-form-urlencoded") == std::string_view::npos) {
    return Status::InvalidArgument("Cairn's forms are sent as application/x-www-form-urlencoded");
  }
  return http::ParseForm(context.request.body);
}

std::string Field(const std::vector<std::pair<std::string, std::string>>& form, std::string_view name) {
  auto value = http::FormValue(form, name);
  return value ? std::string(*value) : std::string();
}

// ---------------------------------------------------------------------------------------------
// What the pages say about children

std::string DisplayName(const model::Child& child) {
  const std::string given = child.preferred_name.empty() ? child.given_name : child.preferred_name;
  std::string name = given;
  if (!child.family_name.empty()) name += (name.empty() ? "" : " ") + child.family_name;
  return name.empty() ? "Child " + child.la_child_id : name;
}

std::string AgeText(const model::Child& child, Date as_at) {
  std::optional<int> age = child.AgeOn(as_at);
  if (!age) return child.expected_birth_date ? "unborn" : "not known";
  return std::to_string(*age);
}

std::string_view StatusLabel(ObligationStatus status) {
  switch (status) {
    case ObligationStatus::kMet: return "Met";
    case ObligationStatus::kMetLate: return "Met late";
    case ObligationStatus::kDue: return "Due";
    case ObligationStatus::kOverdue: return "Overdue";
    case ObligationStatus::kUnknown: return "Not recorded";
  }
  return "";
}

// "Maya Harding (W00000014)", or the id alone when the workforce does not name them.
std::string WorkerLabel(const access::CouncilDirectory& directory, const std::string& id) {
  if (id.empty()) return "none";
  const model::Worker* worker = directory.FindWorker(id);
  return worker == nullptr || worker->name.empty() ? id : worker->name + " (" + id + ")";
}

std::string TeamLabel(const access::CouncilDirectory& directory, const std::string& id) {
  if (id.empty()) return "No team";
  const model::Team* team = directory.FindTeam(id);
  return team == nullptr || team->name.empty() ? id : team->name;
}

std::string CurrentSituation(const model::Chronology& chronology, Date as_at) {
  const Situation situation = SituationOn(chronology, as_at);
  const model::Event* event = situation.event;
  switch (situation.kind) {
    case Situation::Kind::kLookedAfter:
      return "Looked after since " + event->start.ToIso() + " (legal status " + std::string(event->Get("LS")) +
             ", placement " + std::string(event->Get("PLACE")) + ")";
    case Situation::Kind::kChildProtection: return "Child protection plan since " + event->start.ToIso();
    case Situation::Kind::kChildInNeedPlan: return "Child in need plan since " + event->start.ToIso();
    case Situation::Kind::kChildInNeed: return "Child in need (referred " + event->start.ToIso() + ")";
    case Situation::Kind::kNone: break;
  }
  return "No open case";
}

std::string_view PlanLabel(Situation::Kind kind) {
  switch (kind) {
    case Situation::Kind::kLookedAfter: return "Looked after";
    case Situation::Kind::kChildProtection: return "Child protection";
    case Situation::Kind::kChildInNeedPlan: return "Child in need plan";
    case Situation::Kind::kChildInNeed: return "Child in need";
    case Situation::Kind::kNone: break;
  }
  return "None";
}

std::string LegalStatus(const Situation& situation) {
  if (situation.kind != Situation::Kind::kLookedAfter) return "";
  return std::string(situation.event->Get("LS"));
}

// An overdue deadline whose duty still runs (not one missed under a plan that has since ended).
bool IsLiveOverdue(const timescales::Obligation& obligation) {
  return obligation.status == ObligationStatus::kOverdue && !obligation.closed;
}

// Counts, for each rule, the child once if any of its deadlines under that rule is live overdue.
void CountOverdueRules(const timescales::ChildEvaluation& result, std::map<uint16_t, int64_t>& by_rule) {
  std::set<uint16_t> rules;
  for (const auto& obligation : result.obligations) {
    if (IsLiveOverdue(obligation)) rules.insert(obligation.rule);
  }
  for (uint16_t rule : rules) ++by_rule[rule];
}

namespace {

// What makes a child's case urgent: deadlines overdue, and the soonest one still due.
struct Urgency {
  int overdue = 0;
  int due_soon = 0;  // due within 14 days
  const timescales::Obligation* next = nullptr;
};

Urgency UrgencyOf(const timescales::ChildEvaluation& result) {
  Urgency urgency;
  for (const timescales::Obligation& obligation : result.obligations) {
    if (IsLiveOverdue(obligation)) ++urgency.overdue;
    if (obligation.status != ObligationStatus::kDue) continue;
    if (obligation.days <= 14) ++urgency.due_soon;
    if (urgency.next == nullptr || obligation.due < urgency.next->due) urgency.next = &obligation;
  }
  return urgency;
}

// Most urgent sorts first: most overdue, then the soonest next deadline (none: last), then id.
using UrgencyKey = std::tuple<int, int32_t, std::string_view>;
UrgencyKey KeyOf(int overdue, std::optional<Date> next_due, std::string_view id) {
  return {-overdue, next_due ? next_due->day_number() : std::numeric_limits<int32_t>::max(), id};
}

}  // namespace

ChildRow MakeRow(const Context& context, const CouncilView& view, size_t index) {
  const model::Chronology& chronology = view.chronology(index);
  const timescales::ChildEvaluation& result = view.result(index);
  const Date as_at = view.as_at();
  ChildRow row;
  row.index = index;
  row.id = chronology.child().la_child_id;
  row.display_name = DisplayName(chronology.child());
  row.age = AgeText(chronology.child(), as_at);
  const Situation& situation = view.situation(index);
  row.situation = situation.kind;
  row.plan = std::string(PlanLabel(situation.kind));
  row.legal_status = LegalStatus(situation);
  row.worker_id = view.place(index).worker;
  row.worker = WorkerLabel(view.directory(), row.worker_id);
  row.allocated = view.place(index).allocated;
  row.restricted = context.restrictions.IsRestricted(row.id);
  const Urgency urgency = UrgencyOf(result);
  row.overdue = urgency.overdue;
  row.due_soon = urgency.due_soon;
  if (urgency.next != nullptr) {
    row.next_due = urgency.next->due;
    row.next_rule = context.evaluator.rules().rules()[urgency.next->rule].title;
  }
  row.drift = static_cast<int>(result.signals.size());
  return row;
}

std::vector<ChildRow> VisibleChildren(const Context& context, const CouncilView& view,
                                      const std::function<bool(const access::ChildPlace&)>& also) {
  std::vector<ChildRow> rows;
  const access::Principal& who = context.session->principal;
  for (size_t i = 0; i < view.size(); ++i) {
    // The page's own filter first: it is cheap, and on a team's page it turns away nearly everyone.
    if (also && !also(view.place(i))) continue;
    const std::string& id = view.chronology(i).child().la_child_id;
    if (!access::CanSee(who, id, view.current_place(i), context.restrictions)) continue;
    rows.push_back(MakeRow(context, view, i));
  }
  SortByUrgency(rows);
  return rows;
}

std::vector<ChildRow> MostUrgent(const Context& context, const CouncilView& view, const std::vector<size_t>& indices,
                                 size_t limit) {
  // SortByUrgency's order, from each child's deadlines, before any row is made.
  struct Ranked {
    UrgencyKey key;
    size_t index;
  };
  std::vector<Ranked> ranked;
  ranked.reserve(indices.size());
  for (size_t index : indices) {
    const Urgency urgency = UrgencyOf(view.result(index));
    ranked.push_back({KeyOf(urgency.overdue, urgency.next ? std::optional<Date>(urgency.next->due) : std::nullopt,
                            view.chronology(index).child().la_child_id),
                      index});
  }
  const size_t wanted = limit == 0 ? ranked.size() : std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(wanted), ranked.end(),
                    [](const Ranked& a, const Ranked& b) { return a.key < b.key; });
  std::vector<ChildRow> rows;
  rows.reserve(wanted);
  for (size_t i = 0; i < wanted; ++i) rows.push_back(MakeRow(context, view, ranked[i].index));
  return rows;
}

void SortByUrgency(std::vector<ChildRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const ChildRow& a, const ChildRow& b) {
    return KeyOf(a.overdue, a.next_due, a.id) < KeyOf(b.overdue, b.next_due, b.id);
  });
}

Table ChildrenTable(const Context& context, const std::vector<ChildRow>& rows, std::string name, std::string caption) {
  Table table(std::move(name), std::move(caption),
              {{"id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
               {"name", "Child"},
               {"age", "Age", ColumnKind::kNumber},
               {"plan", "Plan"},
               {"legal_status", "Legal status", ColumnKind::kText, Shown::kDownloadOnly},
               {"worker", "Worker"},
               {"allocated", "Allocated", ColumnKind::kText, Shown::kDownloadOnly},
               {"restricted", "Restricted", ColumnKind::kText, Shown::kDownloadOnly},
               {"overdue", "Overdue", ColumnKind::kNumber},
               {"due_within_14_days", "Due in 14 days", ColumnKind::kNumber},
               {"next_deadline_page", "Next deadline", ColumnKind::kDate, Shown::kPageOnly},
               {"next_deadline", "Next deadline", ColumnKind::kDate, Shown::kDownloadOnly},
               {"next_rule", "Next deadline's rule", ColumnKind::kText, Shown::kDownloadOnly},
               {"drift_signals", "Drift", ColumnKind::kNumber}});
  table.ChildColumn("id");
  for (const ChildRow& row : rows) {
    Cell child = Cell::Link(row.display_name, Link(context, "/children/" + row.id), "child-link");
    if (row.restricted) child.badges.emplace_back("restricted", "Restricted");
    if (!row.allocated) child.badges.emplace_back("badge", "Unallocated");
    Cell age = Cell::Text(row.age);
    if (!row.age.empty() && std::isdigit(static_cast<unsigned char>(row.age[0]))) age.number = std::stod(row.age);
    Cell overdue = Cell::Number(row.overdue);
    overdue.status = row.overdue > 0 ? "overdue" : "met";
    overdue.label = row.overdue > 0 ? std::to_string(row.overdue) + " overdue" : "None";
    Cell next_page = Cell::Text(row.next_due ? row.next_due->ToIso() : "");
    next_page.note = row.next_rule;
    if (row.next_due) next_page.number = static_cast<double>(row.next_due->day_number());
    Cell plan = Cell::Text(row.plan);
    if (!row.legal_status.empty()) plan.note = "legal status " + row.legal_status;
    table.AddRow({Cell::Text(row.id), std::move(child), std::move(age), std::move(plan),
                  Cell::Text(row.legal_status), Cell::Text(row.worker), Cell::Text(row.allocated ? "yes" : "no"),
                  Cell::Text(row.restricted ? "yes" : "no"), std::move(overdue), Cell::Number(row.due_soon),
                  std::move(next_page), Cell::Text(row.next_due ? row.next_due->ToIso() : ""), Cell::Text(row.next_rule),
                  Cell::Number(row.drift)});
  }
  return table;
}

void RowsJson(JsonWriter& json, const std::vector<ChildRow>& rows, size_t limit) {
  json.BeginArray();
  for (size_t i = 0; i < rows.size() && i < limit; ++i) {
    const ChildRow& row = rows[i];
    json.BeginObject()
        .Field("id", row.id)
        .Field("name", row.display_name)
        .Field("age", row.age)
        .Field("worker", row.worker)
        .Field("allocated", row.allocated)
        .Field("restricted", row.restricted)
        .Field("overdue", row.overdue)
        .Field("due_within_14_days", row.due_soon);
    json.Key("next_deadline");
    if (row.next_due) {
      json.String(row.next_due->ToIso());
    } else {
      json.Null();
    }
    json.Field("next_rule", row.next_rule).Field("drift_signals", row.drift).EndObject();
  }
  json.EndArray();
}

std::function<void(JsonWriter&)> HomeJson(const std::vector<ChildRow>& rows, size_t limit,
                                          std::vector<GroupCount> groups) {
  return [&rows, limit, groups = std::move(groups)](JsonWriter& json) {
    json.Key("children");
    RowsJson(json, rows, limit);
    json.Key("groups").BeginArray();
    for (const GroupCount& group : groups) {
      json.BeginObject()
          .Field("name", group.name)
          .Field("children", group.children)
          .Field("overdue", group.overdue)
          .Field("drifting", group.drifting)
          .EndObject();
    }
    json.EndArray();
  };
}

std::vector<std::string> Ids(const std::vector<ChildRow>& rows, size_t limit) {
  limit = std::min(limit, rows.size());
  std::vector<std::string> ids;
  for (size_t i = 0; i < rows.size() && i < limit; ++i) ids.push_back(rows[i].id);
  return ids;
}

// A count for elected members: 1 to 4 is "fewer than 5", so no child can be picked out.
std::string Suppressed(int64_t count) { return count >= 1 && count <= 4 ? "fewer than 5" : std::to_string(count); }

}  // namespace cairn::web
