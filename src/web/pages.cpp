#include "web/pages.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "base/embedded.h"
#include "store/access_store.h"
#include "store/audit.h"
#include "web/json_writer.h"

namespace cairn::web {
namespace {

using Data = kainjow::mustache::data;
using timescales::ObligationStatus;

// ---------------------------------------------------------------------------------------------
// Rendering

const embedded::Resource* Template(std::string_view name) {
  return embedded::Find(embedded::Templates(), std::string(name) + ".mustache");
}

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

Data Partial(std::string_view name) {
  std::string text(Template(name) ? Template(name)->text : "");
  return Data(kainjow::mustache::partial([text] { return text; }));
}

Data List() { return Data(Data::type::list); }

std::string RenderPage(const Context& context, std::string_view name, Data data, std::string_view title) {
  data.set("children_table", Partial("children_table"));
  const std::string content = Compiled(name).render(data);
  Data layout;
  layout.set("title", std::string(title));
  layout.set("content", content);
  layout.set("synthetic", Data(context.synthetic));
  layout.set("as_at_note", "showing the record as at " + context.as_at.ToIso());
  if (context.session) {
    const access::Principal& who = context.session->principal;
    layout.set("signed_in", Data(true));
    layout.set("username", who.username);
    layout.set("role_title", who.role->title);
    layout.set("csrf", context.session->csrf_token);
    layout.set("can_search", Data(who.role->Has("child.search")));
    layout.set("can_admin", Data(who.role->Has("users.manage")));
    layout.set("can_audit", Data(who.role->Has("audit.read.all")));
  } else {
    layout.set("signed_in", Data(false));
  }
  return Compiled("layout").render(layout);
}

http::Response Html(std::string body, int status = 200) {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

http::Response JsonBody(JsonWriter& json, int status = 200) {
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

// What a child's case is on a date, the most intensive open service first.
struct Situation {
  enum class Kind { kLookedAfter, kChildProtection, kChildInNeedPlan, kChildInNeed, kNone };
  Kind kind = Kind::kNone;
  const model::Event* event = nullptr;  // the open event that says so
};

Situation SituationOn(const model::Chronology& chronology, Date as_at) {
  const model::Event* open[4] = {};  // by Kind
  for (const model::Event& event : chronology.events()) {
    if (!event.IsOpenOn(as_at)) continue;
    switch (event.kind) {
      case model::EventKind::kLookedAfterEpisode: open[0] = &event; break;
      case model::EventKind::kCpPlan: open[1] = &event; break;
      case model::EventKind::kCinPlan: open[2] = &event; break;
      case model::EventKind::kCinEpisode: open[3] = &event; break;
      default: break;
    }
  }
  for (int kind = 0; kind < 4; ++kind) {
    if (open[kind] != nullptr) return {static_cast<Situation::Kind>(kind), open[kind]};
  }
  return {};
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

// One child's line on a list, with what makes it urgent.
struct ChildRow {
  size_t index = 0;
  std::string id;
  std::string display_name;
  std::string age;
  std::string worker_id;
  std::string worker;  // as shown: "Maya Harding (W00000014)"
  bool allocated = false;
  bool restricted = false;
  int overdue = 0;
  int due_soon = 0;
  int drift = 0;
  std::string next_rule;
  std::optional<Date> next_due;
};

ChildRow MakeRow(const Context& context, size_t index) {
  const Council& council = context.council;
  const model::Chronology& chronology = council.chronology(index);
  const timescales::ChildEvaluation& result = council.result(index);
  const Date as_at = council.as_at();
  ChildRow row;
  row.index = index;
  row.id = chronology.child().la_child_id;
  row.display_name = DisplayName(chronology.child());
  row.age = AgeText(chronology.child(), as_at);
  row.worker_id = council.place(index).worker;
  row.worker = WorkerLabel(council.directory(), row.worker_id);
  row.allocated = council.place(index).allocated;
  row.restricted = context.restrictions.IsRestricted(row.id);
  for (const timescales::Obligation& obligation : result.obligations) {
    if (IsLiveOverdue(obligation)) ++row.overdue;
    if (obligation.status == ObligationStatus::kDue) {
      if (obligation.days <= 14) ++row.due_soon;
      if (!row.next_due || obligation.due < *row.next_due) {
        row.next_due = obligation.due;
        row.next_rule = context.evaluator.rules().rules()[obligation.rule].title;
      }
    }
  }
  row.drift = static_cast<int>(result.signals.size());
  return row;
}

// Every child the principal may see (scope applied where children are chosen), most urgent first.
std::vector<ChildRow> VisibleChildren(const Context& context, const std::function<bool(const access::ChildPlace&)>& also = {}) {
  std::vector<ChildRow> rows;
  const access::Principal& who = context.session->principal;
  const Council& council = context.council;
  for (size_t i = 0; i < council.size(); ++i) {
    const std::string& id = council.chronology(i).child().la_child_id;
    if (!access::CanSee(who, id, council.place(i), context.restrictions)) continue;
    if (also && !also(council.place(i))) continue;
    rows.push_back(MakeRow(context, i));
  }
  std::sort(rows.begin(), rows.end(), [](const ChildRow& a, const ChildRow& b) {
    if (a.overdue != b.overdue) return a.overdue > b.overdue;
    if (a.next_due != b.next_due) {
      if (!a.next_due) return false;
      if (!b.next_due) return true;
      return *a.next_due < *b.next_due;
    }
    return a.id < b.id;
  });
  return rows;
}

// The rows of a children table. The one table long enough for Mustache's renderer to cost more
// than the rest of the page (a team's hundreds of children), so it is written here, with every
// value passed through EscapeHtml exactly as the templates escape theirs; the markup matches
// children_table.mustache, which places it.
std::string RowsHtml(const std::vector<ChildRow>& rows, size_t limit) {
  std::string html;
  html.reserve(std::min(rows.size(), limit) * 420);
  auto cell = [&html](std::string_view text, std::string_view open = "<td>") {
    html += open;
    html += http::EscapeHtml(text);
    html += "</td>";
  };
  for (size_t i = 0; i < rows.size() && i < limit; ++i) {
    const ChildRow& row = rows[i];
    html += "<tr><td><a href=\"/children/";
    html += http::EscapeHtml(row.id);
    html += "\" data-testid=\"child-link\">";
    html += http::EscapeHtml(row.display_name);
    html += "</a>";
    if (row.restricted) html += " <span class=\"restricted\">Restricted</span>";
    if (!row.allocated) html += " <span class=\"badge\">Unallocated</span>";
    html += "</td>";
    cell(row.age, "<td class=\"num\">");
    cell(row.worker);
    if (row.overdue > 0) {
      html += "<td><span class=\"status status-overdue\">" + std::to_string(row.overdue) + " overdue</span></td>";
    } else {
      html += "<td><span class=\"status status-met\">None</span></td>";
    }
    cell(std::to_string(row.due_soon), "<td class=\"num\">");
    // The date first, on its own line: the eye runs down a column of dates to find this week's.
    html += "<td class=\"wide\">";
    if (row.next_due) html += "<span class=\"date\">" + row.next_due->ToIso() + "</span><br>";
    html += http::EscapeHtml(row.next_rule);
    html += "</td>";
    cell(std::to_string(row.drift), "<td class=\"num\">");
    html += "</tr>\n";
  }
  return html;
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

std::vector<std::string> Ids(const std::vector<ChildRow>& rows, size_t limit) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < rows.size() && i < limit; ++i) ids.push_back(rows[i].id);
  return ids;
}

// A count for elected members: 1 to 4 is "fewer than 5", so no child can be picked out.
std::string Suppressed(int64_t count) { return count >= 1 && count <= 4 ? "fewer than 5" : std::to_string(count); }

// ---------------------------------------------------------------------------------------------
// Home pages

constexpr size_t kListLimit = 500;  // children on one home page; search finds the rest

struct Home {
  std::string heading;
  std::string intro;
  std::vector<std::pair<std::string, std::string>> summary;  // value, label
  std::vector<ChildRow> children;
  bool show_children = false;
  std::string children_heading;
  std::string group_label;
  std::string groups_heading;
  struct Group {
    std::string name;
    int children = 0;
    int overdue = 0;
    int drifting = 0;
    std::string agency;
  };
  std::vector<Group> groups;
  bool show_agency = false;
  std::vector<std::tuple<std::string, std::string, int64_t>> rules;  // title, source, count
  bool members = false;
  bool admin = false;
};

Home BuildHome(Context& context) {
  std::shared_lock lock(context.council_mutex);
  const access::Principal& who = context.session->principal;
  const Council& council = context.council;
  const std::string& home_kind = who.role->home;
  Home home;
  const std::string as_at = council.as_at().ToIso();

  if (home_kind == "members") {
    home.members = true;
    home.heading = "The council's children's services at a glance";
    home.intro = "Counts as at " + as_at + ". No child can be identified from these figures.";
    int64_t cin = 0, cp = 0, cla = 0, overdue_children = 0, drifting = 0;
    std::map<uint16_t, int64_t> by_rule;
    for (size_t i = 0; i < council.size(); ++i) {
      switch (SituationOn(council.chronology(i), council.as_at()).kind) {
        case Situation::Kind::kLookedAfter: ++cla; break;
        case Situation::Kind::kChildProtection: ++cp; break;
        case Situation::Kind::kChildInNeedPlan:
        case Situation::Kind::kChildInNeed: ++cin; break;
        case Situation::Kind::kNone: break;
      }
      const timescales::ChildEvaluation& result = council.result(i);
      CountOverdueRules(result, by_rule);
      if (std::any_of(result.obligations.begin(), result.obligations.end(), IsLiveOverdue)) ++overdue_children;
      if (!result.signals.empty()) ++drifting;
    }
    home.summary = {{Suppressed(cla), "children looked after"},
                    {Suppressed(cp), "children on a child protection plan"},
                    {Suppressed(cin), "other children in need"},
                    {Suppressed(overdue_children), "children with a statutory deadline overdue"},
                    {Suppressed(drifting), "children with a drift or delay signal"}};
    for (const auto& [rule, count] : by_rule) {
      const timescales::Rule& spec = context.evaluator.rules().rules()[rule];
      home.rules.emplace_back(spec.title, spec.source, count);
    }
    return home;
  }
  if (home_kind == "admin") {
    home.admin = true;
    home.heading = "Administration";
    home.intro = "Users, roles, grants and restricted records. Administrators see no child's record unless granted.";
    return home;
  }

  home.show_children = true;
  if (home_kind == "caseload") {
    home.heading = "My week";
    home.intro = "Your children as at " + as_at + ", most urgent first.";
    home.children_heading = "My children";
    home.children = VisibleChildren(context);
  } else if (home_kind == "team") {
    const model::Team* team = council.directory().FindTeam(who.team_id);
    home.heading = "My team" + std::string(team ? ": " + team->name : "");
    home.intro = "Every child allocated to a worker in the team, and the team's unallocated children, as at " + as_at + ".";
    home.children_heading = "The team's open cases";
    // Closed cases stay in the team's scope (a re-referral needs their history) but are not
    // listed: the list is the team's work.
    home.children = VisibleChildren(context, [](const access::ChildPlace& place) {
      return place.allocated || place.open_case;
    });
    home.groups_heading = "Workers";
    home.group_label = "Worker";
    home.show_agency = true;
    std::map<std::string, Home::Group> by_worker;
    for (const model::Worker& worker : council.directory().workers()) {
      if (worker.team_id != who.team_id || (worker.left && *worker.left < council.as_at())) continue;
      Home::Group& group = by_worker[worker.id];
      group.name = WorkerLabel(council.directory(), worker.id);
      group.agency = worker.agency ? "Agency" : "Employed";
    }
    for (const ChildRow& row : home.children) {
      if (!row.allocated) continue;
      auto found = by_worker.find(row.worker_id);
      if (found == by_worker.end()) continue;
      ++found->second.children;
      found->second.overdue += row.overdue;
      if (row.drift > 0) ++found->second.drifting;
    }
    for (auto& [id, group] : by_worker) home.groups.push_back(group);
  } else if (home_kind == "service" || home_kind == "council") {
    home.heading = home_kind == "service" ? "My service" : "The council";
    home.intro = "Children, overdue deadlines and drift by team, as at " + as_at + ".";
    home.children_heading = "Children with overdue deadlines";
    // Open cases only: a closed case is history, not work (it stays in scope to be looked up).
    std::vector<ChildRow> all = VisibleChildren(context, [](const access::ChildPlace& place) {
      return place.allocated || place.open_case;
    });
    home.groups_heading = "Teams";
    home.group_label = "Team";
    std::map<std::string, Home::Group> by_team;
    std::map<uint16_t, int64_t> by_rule;
    int overdue_children = 0;
    for (const ChildRow& row : all) {
      const std::string& team_id = council.place(row.index).team;
      Home::Group& group = by_team[team_id];
      if (group.name.empty()) {
        const model::Team* team = council.directory().FindTeam(team_id);
        group.name = team ? team->name : (team_id.empty() ? "No team" : team_id);
      }
      ++group.children;
      group.overdue += row.overdue;
      if (row.drift > 0) ++group.drifting;
      if (row.overdue > 0) ++overdue_children;
      CountOverdueRules(council.result(row.index), by_rule);
    }
    for (auto& [id, group] : by_team) home.groups.push_back(group);
    for (const auto& [rule, count] : by_rule) {
      const timescales::Rule& spec = context.evaluator.rules().rules()[rule];
      home.rules.emplace_back(spec.title, spec.source, count);
    }
    home.summary = {{std::to_string(all.size()), "open cases"},
                    {std::to_string(overdue_children), "children with a deadline overdue"}};
    for (const ChildRow& row : all) {
      if (row.overdue > 0) home.children.push_back(row);
    }
  } else {  // granted
    home.heading = "Records you have been granted";
    home.intro = "Children your grants cover, as at " + as_at + ". Grants end on their date.";
    home.children_heading = "Children";
    home.children = VisibleChildren(context);
  }
  return home;
}

http::Response HomePage(Context& context) {
  Home home = BuildHome(context);
  const std::vector<std::string> shown = Ids(home.children, kListLimit);
  if (!shown.empty() || home.members) {
    context.audit_action = home.members ? "read-aggregates" : "read-list";
    context.audit_children = shown;
    context.audit_detail = std::to_string(shown.size()) + " children listed";
  }
  if (context.api) {
    JsonWriter json;
    json.BeginObject()
        .Field("role", context.session->principal.role->id)
        .Field("home", context.session->principal.role->home)
        .Field("as_at", context.as_at.ToIso())
        .Field("heading", home.heading);
    json.Key("summary").BeginArray();
    for (const auto& [value, label] : home.summary) json.BeginObject().Field("label", label).Field("value", value).EndObject();
    json.EndArray();
    if (home.show_children) {
      json.Key("children");
      RowsJson(json, home.children, kListLimit);
    }
    json.Key("groups").BeginArray();
    for (const auto& group : home.groups) {
      json.BeginObject()
          .Field("name", group.name)
          .Field("children", group.children)
          .Field("overdue", group.overdue)
          .Field("drifting", group.drifting)
          .EndObject();
    }
    json.EndArray().Key("overdue_by_rule").BeginArray();
    for (const auto& [title, source, count] : home.rules) {
      json.BeginObject().Field("rule", title).Key("overdue");
      if (home.members) {
        json.String(Suppressed(count));
      } else {
        json.Int(count);
      }
      json.EndObject();
    }
    json.EndArray().EndObject();
    return JsonBody(json);
  }
  Data data;
  data.set("home", context.session->principal.role->home);
  data.set("heading", home.heading);
  data.set("intro", home.intro);
  data.set("must_change_password", Data(context.session->must_change_password));
  Data summary = List();
  for (const auto& [value, label] : home.summary) {
    Data item;
    item.set("value", value);
    item.set("label", label);
    summary.push_back(item);
  }
  data.set("has_summary", Data(!home.summary.empty()));
  data.set("summary", summary);
  data.set("show_children", Data(home.show_children));
  data.set("children_heading", home.children_heading);
  data.set("children_caption", home.children_heading + " (" + std::to_string(home.children.size()) + ")");
  data.set("has_children", Data(!home.children.empty()));
  data.set("no_children", "There are no children to show here.");
  data.set("rows_html", RowsHtml(home.children, kListLimit));
  data.set("has_groups", Data(!home.groups.empty()));
  data.set("groups_heading", home.groups_heading);
  data.set("group_label", home.group_label);
  data.set("show_agency", Data(home.show_agency));
  Data groups = List();
  for (const auto& group : home.groups) {
    Data item;
    item.set("name", group.name);
    item.set("children", std::to_string(group.children));
    item.set("overdue", std::to_string(group.overdue));
    item.set("drifting", std::to_string(group.drifting));
    item.set("agency", group.agency);
    item.set("show_agency", Data(home.show_agency));
    groups.push_back(item);
  }
  data.set("groups", groups);
  data.set("has_rules", Data(!home.rules.empty()));
  Data rules = List();
  for (const auto& [title, source, count] : home.rules) {
    Data item;
    item.set("title", title);
    item.set("source", source);
    item.set("count", home.members ? Suppressed(count) : std::to_string(count));
    rules.push_back(item);
  }
  data.set("rules", rules);
  data.set("admin_links", Data(home.admin));
  data.set("suppression_note", Data(home.members));
  return Html(RenderPage(context, "home", std::move(data), home.heading));
}

// ---------------------------------------------------------------------------------------------
// A child's page

http::Response ChildPage(Context& context) {
  std::shared_lock lock(context.council_mutex);
  const Council& council = context.council;
  const size_t index = *council.Find(context.child_id);
  const model::Chronology& chronology = council.chronology(index);
  const timescales::ChildEvaluation& result = council.result(index);
  const access::ChildPlace& place = council.place(index);
  const auto& rules = context.evaluator.rules();
  const Date as_at = council.as_at();
  context.audit_action = "read";
  context.audit_children = {context.child_id};
  const model::Team* team = council.directory().FindTeam(place.team);
  const bool can_see_audit = context.session->principal.role->Has("audit.read.scope");

  if (context.api) {
    const model::Child& child = chronology.child();
    JsonWriter json;
    json.BeginObject()
        .Field("id", child.la_child_id)
        .Field("name", DisplayName(child))
        .Field("given_name", child.given_name)
        .Field("family_name", child.family_name)
        .Field("preferred_name", child.preferred_name)
        .Field("age", AgeText(child, as_at))
        .Field("worker", place.worker)
        .Field("allocated", place.allocated)
        .Field("team", place.team)
        .Field("current", CurrentSituation(chronology, as_at))
        .Field("restricted", context.restrictions.IsRestricted(child.la_child_id))
        .Field("as_at", as_at.ToIso());
    json.Key("deadlines").BeginArray();
    for (const auto& obligation : result.obligations) {
      const timescales::Rule& rule = rules.rules()[obligation.rule];
      json.BeginObject()
          .Field("rule", rule.id)
          .Field("title", rule.title)
          .Field("source", rule.source)
          .Field("trigger", obligation.trigger.ToIso())
          .Field("due", obligation.due.ToIso());
      json.Key("done");
      if (obligation.done) {
        json.String(obligation.done->ToIso());
      } else {
        json.Null();
      }
      json.Field("status", timescales::StatusName(obligation.status))
          .Field("closed", obligation.closed)
          .Field("days", int64_t{obligation.days})
          .EndObject();
    }
    json.EndArray().Key("drift").BeginArray();
    for (const auto& signal : result.signals) {
      json.BeginObject()
          .Field("signal", rules.signals()[signal.signal].id)
          .Field("title", rules.signals()[signal.signal].title)
          .Field("since", signal.since.ToIso());
      json.Key("evidence").BeginArray();
      for (const auto& item : signal.evidence) {
        json.BeginObject().Field("what", item.what).Field("date", item.date.ToIso()).Field("note", item.note).EndObject();
      }
      json.EndArray().EndObject();
    }
    json.EndArray().Key("chronology").BeginArray();
    for (const model::Event& event : chronology.events()) {
      if (event.start > as_at) continue;
      const model::Event shown = event.HasDateAfter(as_at) ? event.AsAt(as_at) : event;
      json.BeginObject().Field("kind", model::Spec(event.kind).id).Field("start", shown.start.ToIso());
      json.Key("end");
      if (shown.end) {
        json.String(shown.end->ToIso());
      } else {
        json.Null();
      }
      json.Key("fields").BeginObject();
      for (const model::Field& field : shown.fields) json.Field(field.name, field.value);
      json.EndObject().Field("source", shown.provenance.source).EndObject();
    }
    json.EndArray().EndObject();
    return JsonBody(json);
  }

  Data data;
  data.set("id", chronology.child().la_child_id);
  data.set("display_name", DisplayName(chronology.child()));
  data.set("age", AgeText(chronology.child(), as_at));
  data.set("worker", WorkerLabel(council.directory(), place.worker));
  data.set("allocated", Data(place.allocated));
  data.set("team", team ? team->name : (place.team.empty() ? "none" : place.team));
  data.set("current", CurrentSituation(chronology, as_at));
  data.set("restricted", Data(context.restrictions.IsRestricted(context.child_id)));
  data.set("can_see_audit", Data(can_see_audit));
  data.set("as_at", as_at.ToIso());
  Data obligations = List();
  for (const auto& obligation : result.obligations) {
    Data item;
    item.set("title", rules.rules()[obligation.rule].title);
    item.set("source", rules.rules()[obligation.rule].source);
    item.set("trigger", obligation.trigger.ToIso());
    item.set("due", obligation.due.ToIso());
    item.set("done", obligation.done ? obligation.done->ToIso() : "");
    item.set("status", std::string(timescales::StatusName(obligation.status)));
    item.set("status_label", std::string(StatusLabel(obligation.status)) + (obligation.closed && obligation.status ==
                                                                                ObligationStatus::kOverdue
                                                                            ? " (missed; duty ended)"
                                                                            : ""));
    item.set("days", std::to_string(obligation.days));
    obligations.push_back(item);
  }
  data.set("has_obligations", Data(!result.obligations.empty()));
  data.set("obligations", obligations);
  Data signals = List();
  for (const auto& signal : result.signals) {
    Data item;
    item.set("title", rules.signals()[signal.signal].title);
    item.set("since", signal.since.ToIso());
    Data evidence = List();
    for (const auto& e : signal.evidence) {
      Data piece;
      piece.set("what", e.what);
      piece.set("date", e.date.ToIso());
      piece.set("note", e.note);
      piece.set("has_note", Data(!e.note.empty()));
      evidence.push_back(piece);
    }
    item.set("evidence", evidence);
    signals.push_back(item);
  }
  data.set("has_signals", Data(!result.signals.empty()));
  data.set("signals", signals);
  Data events = List();
  for (const model::Event& event : chronology.events()) {
    if (event.start > as_at) continue;
    const model::Event shown = event.HasDateAfter(as_at) ? event.AsAt(as_at) : event;
    Data item;
    item.set("title", std::string(model::Spec(event.kind).title));
    item.set("start", shown.start.ToIso());
    item.set("end", shown.end ? shown.end->ToIso() : "");
    std::string details;
    for (const model::Field& field : shown.fields) details += (details.empty() ? "" : ", ") + field.name + " " + field.value;
    item.set("details", details);
    item.set("source", shown.provenance.source);
    events.push_back(item);
  }
  data.set("events", events);
  return Html(RenderPage(context, "child", std::move(data), DisplayName(chronology.child())));
}

Data AuditRows(const std::vector<store::StoredAuditEntry>& rows, bool with_children) {
  Data list = List();
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    Data item;
    item.set("id", std::to_string(it->id));
    item.set("at", it->entry.at);
    item.set("actor", it->entry.actor);
    item.set("role", it->entry.role);
    item.set("action", it->entry.action);
    item.set("route", it->entry.route);
    item.set("outcome", it->entry.outcome);
    item.set("client", it->entry.client);
    if (with_children) {
      std::string children;
      for (const std::string& child : it->entry.children) children += (children.empty() ? "" : " ") + child;
      item.set("children", children);
    }
    list.push_back(item);
  }
  return list;
}

// `whole`: every field, for those who may read the whole trail. Otherwise (who looked at one
// child) the other children a row names and its detail are left out: a row of a director's
// search names children the reader may not see.
void AuditJson(JsonWriter& json, const std::vector<store::StoredAuditEntry>& rows, bool whole) {
  json.BeginArray();
  for (const auto& row : rows) {
    json.BeginObject()
        .Field("id", row.id)
        .Field("at", row.entry.at)
        .Field("actor", row.entry.actor)
        .Field("role", row.entry.role)
        .Field("action", row.entry.action)
        .Field("route", row.entry.route)
        .Field("client", row.entry.client)
        .Field("outcome", row.entry.outcome);
    if (whole) {
      json.Key("children").BeginArray();
      for (const std::string& child : row.entry.children) json.String(child);
      json.EndArray().Field("detail", row.entry.detail);
    }
    json.EndObject();
  }
  json.EndArray();
}

http::Response ChildAuditPage(Context& context) {
  store::AuditQuery query;
  query.child = context.child_id;
  query.limit = 1000;
  Result<std::vector<store::StoredAuditEntry>> rows = store::QueryAudit(context.db, query);
  if (!rows.ok()) return ErrorResponse(503, "Cairn cannot read the audit trail just now.", context.api);
  context.audit_action = "read-audit";
  context.audit_children = {context.child_id};
  if (context.api) {
    JsonWriter json;
    json.BeginObject().Field("child", context.child_id).Key("rows");
    AuditJson(json, *rows, false);
    json.EndObject();
    return JsonBody(json);
  }
  Data data;
  data.set("heading", "Who has looked at the record of " + context.child_id);
  data.set("show_filter", Data(false));
  data.set("rows", AuditRows(*rows, false));
  return Html(RenderPage(context, "audit", std::move(data), "Who has looked at this record"));
}

// ---------------------------------------------------------------------------------------------
// Search

http::Response SearchPage(Context& context) {
  std::string q(context.request.Query("q").value_or(""));
  Data data;
  data.set("q", q);
  data.set("searched", Data(!q.empty()));
  if (q.size() > 64) return ErrorResponse(400, "Search for at most 64 characters.", context.api);
  std::vector<ChildRow> found;
  if (!q.empty()) {
    std::string lower = q;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    auto starts = [&](std::string text) {
      std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
      return !text.empty() && text.rfind(lower, 0) == 0;
    };
    std::shared_lock lock(context.council_mutex);
    found = VisibleChildren(context);
    const Council& council = context.council;
    std::erase_if(found, [&](const ChildRow& row) {
      const model::Child& child = council.chronology(row.index).child();
      return !(starts(child.la_child_id) || starts(child.upn) || starts(child.given_name) ||
               starts(child.family_name) || starts(child.preferred_name) ||
               starts(child.given_name + " " + child.family_name));
    });
    if (found.size() > 100) found.resize(100);
    context.audit_action = "search";
    context.audit_children = Ids(found, 100);
    context.audit_detail = std::to_string(found.size()) + " found";
  }
  if (context.api) {
    JsonWriter json;
    json.BeginObject().Field("q", q).Key("children");
    RowsJson(json, found, 100);
    json.EndObject();
    return JsonBody(json);
  }
  data.set("has_children", Data(!found.empty()));
  data.set("children_caption", "Children found (" + std::to_string(found.size()) + ")");
  data.set("no_children", "No child you can see matches that.");
  data.set("rows_html", RowsHtml(found, 100));
  return Html(RenderPage(context, "search", std::move(data), "Search"));
}

// ---------------------------------------------------------------------------------------------
// Signing in and out

std::string LoginCookie(const Context& context, std::string& token) {
  std::optional<std::string> existing = context.request.Cookie("cairn_login");
  token = existing && existing->size() == 64 ? *existing : access::RandomToken(32);
  std::string cookie = "cairn_login=" + token + "; Path=/login; HttpOnly; SameSite=Strict";
  if (context.options.secure_cookies) cookie += "; Secure";
  return cookie;
}

http::Response LoginForm(Context& context, std::string error, std::string username, int status = 200) {
  std::string token;
  const std::string cookie = LoginCookie(context, token);
  Data data;
  data.set("login_csrf", token);
  if (!error.empty()) data.set("error", error);
  data.set("username", username);
  http::Response response = Html(RenderPage(context, "login", std::move(data), "Sign in"), status);
  response.SetHeader("Set-Cookie", cookie);
  return response;
}

http::Response LoginPage(Context& context) { return LoginForm(context, "", ""); }

http::Response LoginSubmit(Context& context) {
  Result<std::vector<std::pair<std::string, std::string>>> form = Form(context);
  if (!form.ok()) return LoginForm(context, "The form could not be read: " + form.status().message() + ".", "", 400);
  // Signing in has no session yet, so its form carries a token that must match a cookie only
  // this site could have set (double submit): another site cannot sign someone in as itself.
  const std::optional<std::string> cookie = context.request.Cookie("cairn_login");
  if (!cookie || !access::ConstantTimeEquals(*cookie, Field(*form, "csrf"))) {
    return LoginForm(context, "The sign-in form had expired. Please try again.", "", 403);
  }
  const std::string username = Field(*form, "username");
  const std::string password = Field(*form, "password");
  if (username.empty() || password.empty()) return LoginForm(context, "Enter your username and password.", "", 400);
  Result<access::Accounts::SignIn> signed_in = context.accounts.SignInWithPassword(username, password, context.actor);
  if (!signed_in.ok()) return ErrorResponse(503, "Cairn cannot sign you in just now; try again shortly.", false);
  if (signed_in->outcome != access::Accounts::SignIn::Outcome::kSignedIn) {
    const bool well_formed = access::CheckIdentifier(username, "the username").ok();
    return LoginForm(context,
                     "The username or password is not right, or the account is locked or disabled. After 5 "
                     "failed attempts an account is locked for 15 minutes.",
                     well_formed ? username : "", 401);
  }
  http::Response response = Redirect(signed_in->must_change_password ? "/password" : "/");
  std::string session_cookie = std::string("cairn_session=") + signed_in->token +
                               "; Path=/; HttpOnly; SameSite=Strict";
  if (context.options.secure_cookies) session_cookie += "; Secure";
  response.headers.emplace_back("Set-Cookie", session_cookie);
  response.headers.emplace_back("Set-Cookie", "cairn_login=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0");
  return response;
}

http::Response Logout(Context& context) {
  const std::optional<std::string> token = context.request.Cookie("cairn_session");
  if (token) (void)context.accounts.SignOut(*token, context.actor);
  http::Response response = Redirect("/login");
  response.SetHeader("Set-Cookie", "cairn_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return response;
}

http::Response PasswordPage(Context& context) {
  Data data;
  data.set("csrf", context.session->csrf_token);
  return Html(RenderPage(context, "password", std::move(data), "Change your password"));
}

http::Response PasswordSubmit(Context& context) {
  Data data;
  data.set("csrf", context.session->csrf_token);
  Result<std::vector<std::pair<std::string, std::string>>> form = Form(context);
  Status changed = form.ok() ? context.accounts.ChangePassword(context.session->principal.user_id,
                                                               Field(*form, "current"), Field(*form, "new"),
                                                               context.actor)
                             : form.status();
  int status = 200;
  if (changed.ok()) {
    data.set("done", Data(true));
  } else {
    data.set("error", "Your password was not changed: " + changed.message() + ".");
    status = 400;
  }
  return Html(RenderPage(context, "password", std::move(data), "Change your password"), status);
}

// ---------------------------------------------------------------------------------------------
// Administration

// What every admin page starts from: the CSRF token its forms carry, and what the last action said.
Data AdminData(const Context& context, const std::string& message, const std::string& error) {
  Data data;
  data.set("csrf", context.session->csrf_token);
  if (!message.empty()) data.set("message", message);
  if (!error.empty()) data.set("error", error);
  return data;
}

http::Response AdminUsersPage(Context& context, const std::string& message = "", const std::string& error = "",
                              int status = 200) {
  Result<std::vector<store::UserRecord>> users = store::ListUsers(context.db);
  if (!users.ok()) return ErrorResponse(503, "Cairn cannot read the users just now.", context.api);
  context.audit_action = "read-users";
  if (context.api) {
    JsonWriter json;
    json.BeginObject().Key("users").BeginArray();
    for (const auto& user : *users) {
      json.BeginObject()
          .Field("username", user.username)
          .Field("role", user.role)
          .Field("worker", user.worker_id)
          .Field("team", user.team_id)
          .Field("service", user.service)
          .Field("disabled", user.disabled)
          .Field("locked", user.locked_until > context.clock.UnixSeconds())
          .EndObject();
    }
    json.EndArray().EndObject();
    return JsonBody(json, status);
  }
  Data data = AdminData(context, message, error);
  Data list = List();
  for (const auto& user : *users) {
    Data item;
    item.set("username", user.username);
    item.set("role", user.role);
    item.set("worker", user.worker_id);
    item.set("team", user.team_id);
    item.set("service", user.service);
    const bool locked = user.locked_until > context.clock.UnixSeconds();
    item.set("state", user.disabled ? "Disabled" : locked ? "Locked" : "Active");
    item.set("toggle_action", user.disabled ? "enable" : "disable");
    item.set("toggle_label", user.disabled ? "Enable" : "Disable");
    item.set("csrf", context.session->csrf_token);
    list.push_back(item);
  }
  data.set("users", list);
  Data roles = List();
  for (const access::Role& role : context.roles.roles()) {
    Data item;
    item.set("id", role.id);
    item.set("title", role.title);
    roles.push_back(item);
  }
  data.set("roles", roles);
  return Html(RenderPage(context, "admin_users", std::move(data), "Users and roles"), status);
}

http::Response AdminUsersGet(Context& context) { return AdminUsersPage(context); }

http::Response AdminUsersAdd(Context& context) {
  Result<std::vector<std::pair<std::string, std::string>>> form = Form(context);
  if (!form.ok()) return AdminUsersPage(context, "", form.status().message(), 400);
  access::Accounts::NewUser user;
  user.username = Field(*form, "username");
  user.role = Field(*form, "role");
  user.worker_id = Field(*form, "worker");
  user.team_id = Field(*form, "team");
  user.service = Field(*form, "service");
  Result<access::Accounts::Created> created = context.accounts.AddUser(user, context.actor);
  if (!created.ok()) return AdminUsersPage(context, "", "The user was not added: " + created.status().message() + ".", 400);
  return AdminUsersPage(context, "Added " + user.username + ". Their one-time password is " +
                                     created->one_time_password + " (they must change it when they sign in).");
}

http::Response AdminUserAction(Context& context) {
  const std::string username(context.match.Param("username"));
  const std::string action(context.match.Param("action"));
  Status done;
  std::string message;
  if (action == "disable" || action == "enable") {
    done = context.accounts.SetDisabled(username, action == "disable", context.actor);
    message = username + (action == "disable" ? " is disabled." : " is enabled.");
  } else if (action == "reset-password") {
    Result<std::string> one_time = context.accounts.ResetPassword(username, std::nullopt, context.actor);
    done = one_time.status();
    if (one_time.ok()) message = username + "'s one-time password is " + *one_time + ".";
  } else {
    return ErrorResponse(404, "There is no such action.", context.api);
  }
  if (!done.ok()) return AdminUsersPage(context, "", done.message(), done.code() == Status::Code::kNotFound ? 404 : 400);
  return AdminUsersPage(context, message);
}

http::Response AdminRole(Context& context) {
  Result<std::vector<std::pair<std::string, std::string>>> form = Form(context);
  if (!form.ok()) return AdminUsersPage(context, "", form.status().message(), 400);
  Status done = context.accounts.SetRole(Field(*form, "username"), Field(*form, "role"), std::nullopt, std::nullopt,
                                         std::nullopt, context.actor);
  if (!done.ok()) return AdminUsersPage(context, "", "The role was not changed: " + done.message() + ".", 400);
  return AdminUsersPage(context, Field(*form, "username") + " is now " + Field(*form, "role") + ".");
}

http::Response AdminGrantsPage(Context& context, const std::string& message = "", const std::string& error = "",
                               int status = 200) {
  Result<std::vector<store::GrantRecord>> grants = store::ListGrants(context.db);
  if (!grants.ok()) return ErrorResponse(503, "Cairn cannot read the grants just now.", context.api);
  context.audit_action = "read-grants";
  const std::string today = context.clock.Today().ToIso();
  if (context.api) {
    JsonWriter json;
    json.BeginObject().Key("grants").BeginArray();
    for (const auto& grant : *grants) {
      json.BeginObject()
          .Field("id", grant.id)
          .Field("username", grant.username)
          .Field("scope", grant.scope)
          .Field("target", grant.target)
          .Field("until", grant.until_date)
          .Field("granted_by", grant.granted_by)
          .Field("revoked", !grant.revoked_at.empty())
          .EndObject();
    }
    json.EndArray().EndObject();
    return JsonBody(json, status);
  }
  Data data = AdminData(context, message, error);
  Data list = List();
  for (const auto& grant : *grants) {
    Data item;
    item.set("id", std::to_string(grant.id));
    item.set("username", grant.username);
    item.set("scope", grant.scope);
    item.set("target", grant.target);
    item.set("until", grant.until_date);
    item.set("reason", grant.reason);
    item.set("granted_by", grant.granted_by);
    const bool active = grant.revoked_at.empty() && grant.until_date >= today;
    item.set("state", !grant.revoked_at.empty() ? "Revoked" : active ? "In force" : "Expired");
    item.set("active", Data(active));
    item.set("csrf", context.session->csrf_token);
    list.push_back(item);
  }
  data.set("grants", list);
  return Html(RenderPage(context, "admin_grants", std::move(data), "Grants"), status);
}

http::Response AdminGrantsGet(Context& context) { return AdminGrantsPage(context); }

http::Response AdminGrantsAdd(Context& context) {
  Result<std::vector<std::pair<std::string, std::string>>> form = Form(context);
  if (!form.ok()) return AdminGrantsPage(context, "", form.status().message(), 400);
  access::Accounts::NewGrant grant;
  grant.username = Field(*form, "username");
  const std::string scope = Field(*form, "scope");
  grant.kind = scope == "all" ? access::Grant::Kind::kAll : scope == "team" ? access::Grant::Kind::kTeam
                                                                             : access::Grant::Kind::kChild;
  if (scope != "all" && scope != "team" && scope != "child") {
    return AdminGrantsPage(context, "", "Scope must be child, team or all.", 400);
  }
  grant.target = Field(*form, "target");
  Result<Date> until = Date::ParseIso(Field(*form, "until"));
  if (!until.ok()) return AdminGrantsPage(context, "", "Until: " + until.status().message() + ".", 400);
  grant.until = *until;
  grant.reason = Field(*form, "reason");
  Result<int64_t> id = context.accounts.GrantAccess(grant, context.actor);
  if (!id.ok()) return AdminGrantsPage(context, "", "The grant was not given: " + id.status().message() + ".", 400);
  return AdminGrantsPage(context, "Grant " + std::to_string(*id) + " given to " + grant.username + ".");
}

http::Response AdminGrantRevoke(Context& context) {
  const std::string id_text(context.match.Param("grant"));
  int64_t id = 0;
  for (char c : id_text) {
    if (c < '0' || c > '9' || id > 1'000'000'000) return ErrorResponse(400, "That is not a grant number.", context.api);
    id = id * 10 + (c - '0');
  }
  Status done = context.accounts.RevokeGrant(id, context.actor);
  if (!done.ok()) return AdminGrantsPage(context, "", done.message(), 400);
  return AdminGrantsPage(context, "Grant " + id_text + " revoked.");
}

http::Response AdminRestrictedPage(Context& context, const std::string& message = "", const std::string& error = "",
                                   int status = 200) {
  Result<std::vector<store::RestrictionRecord>> restricted = store::ListRestrictions(context.db);
  store::AuditQuery refused_query;
  refused_query.outcome = "not-found";
  refused_query.limit = 500;
  Result<std::vector<store::StoredAuditEntry>> refused = store::QueryAudit(context.db, refused_query);
  if (!restricted.ok() || !refused.ok()) return ErrorResponse(503, "Cairn cannot read this just now.", context.api);
  context.audit_action = "read-restrictions";
  if (context.api) {
    JsonWriter json;
    json.BeginObject().Key("restricted").BeginArray();
    for (const auto& record : *restricted) {
      json.BeginObject().Field("id", record.la_child_id).Key("allowed").BeginArray();
      for (const std::string& username : record.allowed) json.String(username);
      json.EndArray().Field("restricted_by", record.restricted_by).EndObject();
    }
    json.EndArray().Key("refused");
    AuditJson(json, *refused, true);
    json.EndObject();
    return JsonBody(json, status);
  }
  Data data = AdminData(context, message, error);
  Data list = List();
  for (const auto& record : *restricted) {
    Data item;
    item.set("id", record.la_child_id);
    std::string allowed;
    for (const std::string& name : record.allowed) allowed += (allowed.empty() ? "" : ", ") + name;
    item.set("allowed", allowed);
    item.set("reason", record.reason);
    item.set("by", record.restricted_by);
    list.push_back(item);
  }
  data.set("restricted", list);
  data.set("refused", AuditRows(*refused, true));
  return Html(RenderPage(context, "admin_restricted", std::move(data), "Restricted records"), status);
}

http::Response AdminRestrictedGet(Context& context) { return AdminRestrictedPage(context); }

http::Response AdminRestrictedAdd(Context& context) {
  Result<std::vector<std::pair<std::string, std::string>>> form = Form(context);
  if (!form.ok()) return AdminRestrictedPage(context, "", form.status().message(), 400);
  std::vector<std::string> allowed;
  const std::string allow = Field(*form, "allow");
  size_t start = 0;
  while (start <= allow.size()) {
    size_t end = allow.find(',', start);
    if (end == std::string::npos) end = allow.size();
    std::string name = allow.substr(start, end - start);
    name.erase(0, name.find_first_not_of(' '));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (!name.empty()) allowed.push_back(name);
    start = end + 1;
  }
  Status done = context.accounts.Restrict(Field(*form, "child"), allowed, Field(*form, "reason"), context.actor);
  if (!done.ok()) return AdminRestrictedPage(context, "", "The record was not restricted: " + done.message() + ".", 400);
  return AdminRestrictedPage(context, "Record " + Field(*form, "child") + " is restricted.");
}

http::Response AuditPage(Context& context) {
  store::AuditQuery query;
  query.limit = 500;
  for (const char* name : {"child", "user", "outcome"}) {
    auto value = context.request.Query(name);
    if (!value || value->empty()) continue;
    if (!access::CheckIdentifier(*value, name).ok()) return ErrorResponse(400, std::string("The ") + name + " is not valid.", context.api);
    if (std::string_view(name) == "child") query.child = std::string(*value);
    if (std::string_view(name) == "user") query.actor = std::string(*value);
    if (std::string_view(name) == "outcome") query.outcome = std::string(*value);
  }
  Result<std::vector<store::StoredAuditEntry>> rows = store::QueryAudit(context.db, query);
  if (!rows.ok()) return ErrorResponse(503, "Cairn cannot read the audit trail just now.", context.api);
  context.audit_action = "read-audit";
  if (query.child) context.audit_children = {*query.child};
  if (context.api) {
    JsonWriter json;
    json.BeginObject().Key("rows");
    AuditJson(json, *rows, true);
    json.EndObject();
    return JsonBody(json);
  }
  Data data;
  data.set("heading", "Audit trail");
  data.set("show_filter", Data(true));
  data.set("child", query.child.value_or(""));
  data.set("user", query.actor.value_or(""));
  data.set("outcome", query.outcome.value_or(""));
  data.set("rows", AuditRows(*rows, false));
  return Html(RenderPage(context, "audit", std::move(data), "Audit trail"));
}

// ---------------------------------------------------------------------------------------------
// Static files and health

http::Response StaticFile(Context& context) {
  const std::string name(context.match.Param("file"));
  const embedded::Resource* resource = embedded::Find(embedded::Static(), name);
  if (resource == nullptr) return ErrorResponse(404, "There is no such file.", false);
  http::Response response;
  response.body = std::string(resource->text);
  if (name.ends_with(".css")) response.content_type = "text/css; charset=utf-8";
  else if (name.ends_with(".js")) response.content_type = "text/javascript; charset=utf-8";
  else response.content_type = "application/octet-stream";
  response.SetHeader("Cache-Control", "public, max-age=3600");
  return response;
}

http::Response NoIcon(Context&) {
  http::Response response;
  response.status = 204;
  response.content_type = "image/x-icon";
  response.SetHeader("Cache-Control", "public, max-age=86400");
  return response;
}

http::Response Health(Context&) {
  http::Response response;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "ok\n";
  return response;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

void Council::Build(const timescales::Evaluator& evaluator, std::vector<model::Chronology> chronologies,
                    access::CouncilDirectory directory, Date as_at, int threads) {
  as_at_ = as_at;
  chronologies_ = std::move(chronologies);
  directory_ = std::move(directory);
  evaluation_ = std::make_unique<timescales::CouncilEvaluation>(evaluator, chronologies_, as_at, threads);
  places_.clear();
  places_.reserve(chronologies_.size());
  for (const model::Chronology& chronology : chronologies_) places_.push_back(directory_.PlaceOf(chronology, as_at));
}

void Council::Update(model::Chronology chronology) {
  const size_t index = evaluation_->Update(chronology);
  access::ChildPlace place = directory_.PlaceOf(chronology, as_at_);
  if (index == chronologies_.size()) {
    chronologies_.push_back(std::move(chronology));
    places_.push_back(std::move(place));
  } else {
    chronologies_[index] = std::move(chronology);
    places_[index] = std::move(place);
  }
}

void Council::EvaluateAt(Date as_at, int threads) {
  as_at_ = as_at;
  evaluation_->EvaluateAt(as_at, threads);
  for (size_t i = 0; i < chronologies_.size(); ++i) places_[i] = directory_.PlaceOf(chronologies_[i], as_at);
}

std::optional<size_t> Council::Find(std::string_view la_child_id) const { return evaluation_->Find(la_child_id); }

Status Context::Audit(std::string_view action, std::string_view outcome, std::vector<std::string> children,
                      std::string_view detail) {
  store::AuditEntry entry = actor.Entry(action, outcome, std::move(children), detail);
  if (audit_writer != nullptr) return audit_writer->Append(std::move(entry));
  return store::AppendAudit(db, entry);
}

http::Response ErrorResponse(int status, std::string message, bool api, std::string testid) {
  http::Response response;
  response.status = status;
  if (api) {
    JsonWriter json;
    json.BeginObject().Field("error", message).Field("status", status).EndObject();
    return JsonBody(json, status);
  }
  std::string heading;
  switch (status) {
    case 400: heading = "That request could not be understood"; break;
    case 401: heading = "Please sign in"; break;
    case 403: heading = "Not allowed"; break;
    case 404: heading = "Not found"; break;
    default: heading = "Something went wrong"; break;
  }
  Data data;
  data.set("heading", heading);
  data.set("message", message);
  data.set("testid", testid.empty() ? "error-" + std::to_string(status) : testid);
  const std::string content = Compiled("error").render(data);
  Data layout;
  layout.set("title", heading);
  layout.set("content", content);
  layout.set("signed_in", Data(false));
  response.body = Compiled("layout").render(layout);
  return response;
}

std::vector<Route> BuildRoutes() {
  using M = http::Method;
  auto both = [](std::vector<Route>& routes, std::string_view page, std::string_view api, Access access,
                 PageHandler handler) {
    routes.push_back({M::kGet, page, access, handler});
    routes.push_back({M::kGet, api, access, handler});
  };
  std::vector<Route> routes;
  routes.push_back({M::kGet, "/login", Access::Public(), LoginPage});
  routes.push_back({M::kPost, "/login", Access::Public(), LoginSubmit});
  routes.push_back({M::kGet, "/static/{file}", Access::Public(), StaticFile});
  routes.push_back({M::kGet, "/healthz", Access::Public(), Health});
  routes.push_back({M::kGet, "/favicon.ico", Access::Public(), NoIcon});
  routes.push_back({M::kPost, "/logout", Access::SignedIn(), Logout});
  routes.push_back({M::kGet, "/password", Access::SignedIn(), PasswordPage});
  routes.push_back({M::kPost, "/password", Access::SignedIn(), PasswordSubmit});
  both(routes, "/", "/api/v1/home", Access::SignedIn(), HomePage);
  both(routes, "/children/{id}", "/api/v1/children/{id}", Access::ChildRecord("child.read"), ChildPage);
  both(routes, "/children/{id}/audit", "/api/v1/children/{id}/audit", Access::ChildRecord("audit.read.scope"),
       ChildAuditPage);
  both(routes, "/search", "/api/v1/search", Access::Permission("child.search"), SearchPage);
  both(routes, "/audit", "/api/v1/audit", Access::Permission("audit.read.all"), AuditPage);
  both(routes, "/admin/users", "/api/v1/admin/users", Access::Permission("users.manage"), AdminUsersGet);
  routes.push_back({M::kPost, "/admin/users", Access::Permission("users.manage"), AdminUsersAdd});
  routes.push_back({M::kPost, "/admin/users/{username}/{action}", Access::Permission("users.manage"), AdminUserAction});
  routes.push_back({M::kPost, "/admin/role", Access::Permission("users.manage"), AdminRole});
  both(routes, "/admin/grants", "/api/v1/admin/grants", Access::Permission("grants.manage"), AdminGrantsGet);
  routes.push_back({M::kPost, "/admin/grants", Access::Permission("grants.manage"), AdminGrantsAdd});
  routes.push_back({M::kPost, "/admin/grants/{grant}/revoke", Access::Permission("grants.manage"), AdminGrantRevoke});
  both(routes, "/admin/restricted", "/api/v1/admin/restricted", Access::Permission("restrictions.manage"),
       AdminRestrictedGet);
  routes.push_back({M::kPost, "/admin/restricted", Access::Permission("restrictions.manage"), AdminRestrictedAdd});
  return routes;
}

}  // namespace cairn::web
