#include "web/pages.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <set>

#include "base/embedded.h"
#include "base/sound_alike.h"
#include "recording/recorder.h"
#include "store/access_store.h"
#include "store/audit.h"
#include "store/chronology_store.h"
#include "web/handlers.h"
#include "web/json_writer.h"
#include "web/page_kit.h"
#include "web/region_pages.h"
#include "web/timeline.h"

namespace cairn::web {
namespace {

using timescales::ObligationStatus;


// ---------------------------------------------------------------------------------------------
// Home pages: each role starts on its own worker, team, service, council or members page.

http::Response HomePage(Context& context) {
  const access::Principal& who = context.session->principal;
  const std::string& home = who.role->home;
  // The region's server has its own page for every role but the administrator's.
  if (home == "region" || (context.region != nullptr && home != "admin")) return RegionHome(context);
  if (home == "caseload") return WorkerWeek(context, who.worker_id, true);
  if (home == "team") return TeamDashboard(context, who.team_id, true);
  if (home == "service" || home == "council") return ServiceDashboard(context, true);
  if (home == "members") return MembersPage(context);
  if (home == "audits") return AuditsPage(context);
  Dashboard page;
  if (home == "admin") {
    page.testid = "home-admin";
    page.heading = "Administration";
    page.intro = "Users, roles, grants and restricted records. Administrators see no child's record unless granted.";
    page.sections.push_back({"Administration", "", "", "",
                             "<ul><li><a href=\"/admin/users\">Users and roles</a></li>"
                             "<li><a href=\"/admin/grants\">Time-limited grants</a></li>"
                             "<li><a href=\"/admin/restricted\">Restricted records and refused attempts</a></li>"
                             "<li><a href=\"/audit\">Audit trail</a></li></ul>\n"});
    return Respond(context, page);
  }
  // granted: the children the user's grants cover.
  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  const std::vector<ChildRow> rows = VisibleChildren(context, view);
  page.testid = "home-granted";
  page.heading = "Records you have been granted";
  page.intro = "Children your grants cover, as at " + view.as_at().ToIso() + ". Grants end on their date.";
  page.tables.push_back(ChildrenTable(context, rows, "children", "Children"));
  page.tables.back().TestId("children-table").Sortable().PageLimit(500);
  page.sections.push_back({"Children", "", "children", "", ""});
  page.extra_json = [&rows](JsonWriter& json) {
    json.Key("children");
    RowsJson(json, rows, 500);
  };
  return Respond(context, page);
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

// ---------------------------------------------------------------------------------------------
// A child's page

namespace {

// A field's value on the chronology: as recorded, but a case audit's grades by theme in the
// template's words rather than "voice-of-the-child=good;...".
std::string DetailValue(const Context& context, model::EventKind kind, const model::Field& field) {
  const quality::AuditTemplate* audit_template = context.recorder->forms().audit_template();
  if (kind == model::EventKind::kCaseAudit && field.name == "theme_grades" && audit_template != nullptr) {
    return audit_template->DescribeThemeGrades(field.value);
  }
  return field.value;
}

}  // namespace

http::Response ChildPage(Context& context) {
  Result<Format> format = RequestedFormat(context);
  if (!format.ok()) return ErrorResponse(400, format.status().message(), context.api);
  // Earlier versions of the child's events, as recorded by the as-at date.
  Result<std::vector<store::ChildEventRevision>> history = store::ChildEventHistory(context.db, context.child_id);
  if (!history.ok()) return ErrorResponse(503, "Cairn cannot read this record's history just now.", context.api);
  std::vector<store::ChildEventRevision> revisions;
  const std::string day_after = context.as_at.AddDays(1).ToIso();
  for (store::ChildEventRevision& item : *history) {
    // As at an earlier date, only the changes made by then; as at the council's own date, all
    // (a server serving an earlier date records today's changes with today's time).
    if (!context.past || item.revision.recorded_at < day_after) revisions.push_back(std::move(item));
  }

  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  const std::optional<size_t> found = view.Find(context.child_id);
  if (!found) {
    return ErrorResponse(404, "This child was not on Cairn's record on " + context.as_at.ToIso() + ".", context.api,
                         "not-found");
  }
  const size_t index = *found;
  const model::Chronology& chronology = view.chronology(index);
  const timescales::ChildEvaluation& result = view.result(index);
  const access::ChildPlace& place = view.place(index);
  const auto& rules = context.evaluator.rules();
  const Date as_at = view.as_at();
  const Situation& situation = view.situation(index);
  context.audit_action = "read";
  context.audit_children = {context.child_id};
  const model::Team* team = view.directory().FindTeam(place.team);
  const bool can_see_audit = context.session->principal.role->Has("audit.read.scope");
  // The DfE's rules on this child's own rows, for whoever may see the child.
  ChildReturnChecks checks = ChildChecks(context, chronology);

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
        .Field("plan", PlanLabel(situation.kind))
        .Field("legal_status", LegalStatus(situation))
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
      // The event's id and version, which a correction or withdrawal through the API names.
      json.EndObject().Field("source", shown.provenance.source).Field("id", event.id).Field("version", event.revision);
      json.EndObject();
    }
    json.EndArray().Key("revisions").BeginArray();
    for (const store::ChildEventRevision& item : revisions) {
      json.BeginObject()
          .Field("event_id", item.event_id)
          .Field("kind", item.kind)
          .Field("revision", item.revision.revision)
          .Field("action", item.revision.action)
          .Field("recorded_at", item.revision.recorded_at)
          .Field("recorded_by", item.revision.recorded_by)
          .Field("reason", item.revision.reason)
          .Field("previous", item.revision.previous)
          .EndObject();
    }
    json.EndArray().Key("return_checks");
    checks.table.Json(json);
    json.Field("return_checks_year", checks.year_label).EndObject();
    return JsonBody(json);
  }

  // The statutory deadlines: the page's main table.
  Table deadlines("deadlines", "Statutory deadlines",
                  {{"rule_id", "Rule id", ColumnKind::kText, Shown::kDownloadOnly},
                   {"rule", "Deadline"},
                   {"source", "Source", ColumnKind::kText, Shown::kDownloadOnly},
                   {"trigger", "Started", ColumnKind::kDate},
                   {"due", "Due", ColumnKind::kDate},
                   {"done", "Done", ColumnKind::kDate},
                   {"status", "Status"},
                   {"days", "Days late or to go", ColumnKind::kNumber}});
  deadlines.TestId("deadlines-table").Sortable();
  for (const auto& obligation : result.obligations) {
    const timescales::Rule& rule = rules.rules()[obligation.rule];
    Cell title = Cell::Text(rule.title);
    title.note = rule.source;
    Cell status = Cell::Text(std::string(StatusLabel(obligation.status)) +
                             (obligation.closed && obligation.status == ObligationStatus::kOverdue ? " (missed; duty ended)" : ""));
    status.status = std::string(timescales::StatusName(obligation.status));
    deadlines.AddRow({Cell::Text(rule.id), std::move(title), Cell::Text(rule.source), Cell::Text(obligation.trigger.ToIso()),
                      Cell::Text(obligation.due.ToIso()), Cell::Text(obligation.done ? obligation.done->ToIso() : ""),
                      std::move(status), Cell::Number(obligation.days)});
  }
  Table drift("drift", "Drift and delay signals",
              {{"signal", "Signal"}, {"since", "Since", ColumnKind::kDate}, {"evidence", "Evidence"}});
  drift.TestId("drift-table");
  for (const auto& signal : result.signals) {
    std::string evidence;
    for (const auto& item : signal.evidence) {
      evidence += (evidence.empty() ? "" : "; ") + item.what + " " + item.date.ToIso() + (item.note.empty() ? "" : " (" + item.note + ")");
    }
    Cell title = Cell::Text(rules.signals()[signal.signal].title);
    title.note = rules.signals()[signal.signal].source;
    drift.AddRow({std::move(title), Cell::Text(signal.since.ToIso()), Cell::Text(evidence)});
  }
  // Recording is of today's record, by a role allowed it.
  const bool can_record = !context.past && MayRecordAny(context);
  Table events("chronology", "Chronology",
               {{"what", "What"}, {"from", "From", ColumnKind::kDate}, {"to", "To", ColumnKind::kDate},
                {"details", "Details"}, {"source", "Source"}, {"change", "Change", ColumnKind::kText, Shown::kPageOnly}});
  events.TestId("chronology-table");
  for (const model::Event& event : chronology.events()) {
    if (event.start > as_at) continue;
    const model::Event shown = event.HasDateAfter(as_at) ? event.AsAt(as_at) : event;
    // Notes are free text about the child: on the page, in scope, but never in a download.
    std::string details;
    std::string notes;
    for (const model::Field& field : shown.fields) {
      if (model::IsFreeText(event.kind, field.name)) notes += (notes.empty() ? "" : "; ") + field.name + ": " + field.value;
      else details += (details.empty() ? "" : ", ") + field.name + " " + DetailValue(context, event.kind, field);
    }
    Cell details_cell = Cell::Text(details);
    if (!notes.empty()) details_cell.label = details + (details.empty() ? "" : "; ") + notes;
    Cell change;
    if (MayCorrectEvent(context, event)) {
      change = Cell::Link("Correct", "/children/" + http::PercentEncode(context.child_id) + "/events/" +
                                         std::to_string(event.id) + "/edit",
                          "correct-" + std::to_string(event.id));
    }
    events.AddRow({Cell::Text(std::string(model::Spec(event.kind).title)), Cell::Text(shown.start.ToIso()),
                   Cell::Text(shown.end ? shown.end->ToIso() : ""), std::move(details_cell),
                   Cell::Text(shown.provenance.source), std::move(change)});
  }
  Table changes("revisions", "Changes to this record",
                {{"when", "When"}, {"who", "Who"}, {"what", "What changed"}, {"action", "Change"},
                 {"reason", "Why"}, {"previous", "Before the change"}});
  changes.TestId("revisions-table");
  for (const store::ChildEventRevision& item : revisions) {
    const Result<model::EventKind> kind = model::EventKindFromId(item.kind);
    changes.AddRow({Cell::Text(item.revision.recorded_at), Cell::Text(item.revision.recorded_by),
                    Cell::Text(std::string(kind.ok() ? model::Spec(*kind).title : item.kind) + " of " + item.start_date),
                    Cell::Text(item.revision.action), Cell::Text(item.revision.reason), Cell::Text(item.revision.previous)});
  }

  if (*format != Format::kPage) {
    const std::string wanted(context.request.Query("table").value_or("deadlines"));
    for (const Table* table : {&deadlines, &drift, &events, &changes, &checks.table}) {
      if (table->name() == wanted) return Download(context, *table, *format, {context.child_id});
    }
    return ErrorResponse(404, "This page has no table of that name to download.", context.api);
  }

  Data data;
  data.set("id", chronology.child().la_child_id);
  data.set("display_name", DisplayName(chronology.child()));
  data.set("age", AgeText(chronology.child(), as_at));
  data.set("worker", WorkerLabel(view.directory(), place.worker));
  data.set("allocated", Data(place.allocated));
  data.set("team", team ? team->name : (place.team.empty() ? "none" : place.team));
  data.set("current", CurrentSituation(chronology, as_at));
  data.set("plan", std::string(PlanLabel(situation.kind)));
  data.set("legal_status", LegalStatus(situation));
  data.set("has_legal_status", Data(!LegalStatus(situation).empty()));
  data.set("restricted", Data(context.restrictions.IsRestricted(context.child_id)));
  data.set("can_see_audit", Data(can_see_audit));
  data.set("can_record", Data(can_record));
  data.set("record_href", "/children/" + http::PercentEncode(context.child_id) + "/record");
  if (context.request.Query("saved")) data.set("saved_note", "Saved. The deadlines below include it.");
  if (context.request.Query("withdrawn")) data.set("saved_note", "Withdrawn. It is kept in the changes to this record.");
  data.set("audit_href", Link(context, "/children/" + http::PercentEncode(context.child_id) + "/audit"));
  data.set("as_at", as_at.ToIso());
  data.set("timeline", TimelineHtml(chronology, result, rules, as_at));
  data.set("deadlines", TableBlock(context, deadlines));
  data.set("has_obligations", Data(deadlines.size() > 0));
  data.set("drift", drift.size() > 0 ? TableBlock(context, drift) : std::string());
  data.set("has_signals", Data(drift.size() > 0));
  data.set("events", TableBlock(context, events));
  data.set("revisions", changes.size() > 0 ? TableBlock(context, changes) : std::string());
  data.set("has_revisions", Data(changes.size() > 0));
  data.set("checks_year", checks.year_label);
  data.set("checks_note", checks.note);
  data.set("has_checks_note", Data(!checks.note.empty()));
  data.set("checks", checks.table.size() > 0 ? TableBlock(context, checks.table) : std::string());
  data.set("has_checks", Data(checks.table.size() > 0));
  if (can_see_audit) {
    store::AuditQuery query;
    query.child = context.child_id;
    query.limit = 10;
    Result<std::vector<store::StoredAuditEntry>> looks = store::QueryAudit(context.db, query);
    if (looks.ok()) {
      data.set("recent_looks", AuditRows(*looks, false));
      data.set("has_recent_looks", Data(!looks->empty()));
    }
  }
  return Html(RenderPage(context, "child", std::move(data), DisplayName(chronology.child())));
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

// Whether a child matches a search: the LA child id or UPN starts with the query; or each word of
// the query starts one of the child's names, or sounds like one (Soundex). Case is ignored.
class ChildMatcher {
 public:
  explicit ChildMatcher(std::string_view query) {
    whole_ = Lower(query);
    std::string word;
    for (const char c : std::string(query) + " ") {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!word.empty()) words_.push_back({Lower(word), Soundex(word)});
        word.clear();
      } else {
        word += c;
      }
    }
  }

  // "id", "upn", "name", "sounds like", or "" when the child does not match.
  std::string_view Match(const model::Child& child) const {
    if (whole_.empty()) return "";
    if (StartsWith(child.la_child_id, whole_)) return "id";
    if (StartsWith(child.upn, whole_) || StartsWith(child.former_upn, whole_)) return "upn";
    const std::string_view names[] = {child.given_name, child.family_name, child.preferred_name};
    bool all_prefix = !words_.empty(), all_sound = !words_.empty();
    for (const Word& word : words_) {
      bool prefix = false, sound = false;
      for (std::string_view name : names) {
        if (name.empty()) continue;
        if (StartsWith(name, word.lower)) prefix = true;
        if (!word.soundex.empty() && Soundex(name) == word.soundex) sound = true;
      }
      all_prefix = all_prefix && prefix;
      all_sound = all_sound && (prefix || sound);
    }
    if (all_prefix) return "name";
    if (all_sound) return "sounds like";
    return "";
  }

 private:
  struct Word {
    std::string lower;
    std::string soundex;
  };
  static std::string Lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower;
  }
  static bool StartsWith(std::string_view text, std::string_view lower_prefix) {
    if (text.size() < lower_prefix.size() || lower_prefix.empty()) return false;
    for (size_t i = 0; i < lower_prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(text[i])) != static_cast<unsigned char>(lower_prefix[i])) return false;
    }
    return true;
  }
  std::string whole_;
  std::vector<Word> words_;
};

http::Response SearchPage(Context& context) {
  constexpr size_t kMostFound = 100;
  std::string q(context.request.Query("q").value_or(""));
  if (q.size() > 64) return ErrorResponse(400, "Search for at most 64 characters.", context.api);
  Result<Format> format = RequestedFormat(context);
  if (!format.ok()) return ErrorResponse(400, format.status().message(), context.api);
  std::vector<ChildRow> found;
  std::vector<std::string> how;
  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  if (!q.empty()) {
    const ChildMatcher matcher(q);
    // Exact and prefix matches before sound-alikes; within each, most urgent first.
    std::vector<ChildRow> close, alike;
    for (ChildRow& row : VisibleChildren(context, view)) {
      const std::string_view match = matcher.Match(view.chronology(row.index).child());
      if (match.empty()) continue;
      (match == "sounds like" ? alike : close).push_back(std::move(row));
    }
    found = std::move(close);
    const size_t exact = found.size();
    for (ChildRow& row : alike) found.push_back(std::move(row));
    if (found.size() > kMostFound) found.resize(kMostFound);
    for (size_t i = 0; i < found.size(); ++i) how.push_back(i < exact ? "matches" : "sounds like");
    context.audit_action = "search";
    context.audit_children = Ids(found, kMostFound);
    context.audit_detail = std::to_string(found.size()) + " found";
  }
  Table table = ChildrenTable(context, found, "search", "Children found");
  table.TestId("children-table");
  if (*format != Format::kPage) return Download(context, table, *format);
  if (context.api) {
    JsonWriter json;
    json.BeginObject().Field("q", q).Key("children");
    RowsJson(json, found, kMostFound);
    json.Key("match").BeginArray();
    for (const std::string& item : how) json.String(item);
    json.EndArray().EndObject();
    return JsonBody(json);
  }
  Data data;
  data.set("q", q);
  data.set("searched", Data(!q.empty()));
  data.set("has_children", Data(!found.empty()));
  data.set("no_children", "No child you can see matches that.");
  data.set("table_html", TableBlock(context, table));
  data.set("sound_alike", Data(std::find(how.begin(), how.end(), "sounds like") != how.end()));
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
  // Recording needs what each form needs (child.record, or oversight.record, qa.audit, ...):
  // the route lets in those who may read the child, and the handler checks the form's
  // permission (record_pages.cpp, MayRecord) before anything is shown or saved.
  routes.push_back({M::kGet, "/children/{id}/record", Access::ChildRecord("child.read"), RecordPage});
  routes.push_back({M::kGet, "/children/{id}/events/{event}/edit", Access::ChildRecord("child.read"), CorrectPage});
  routes.push_back({M::kPost, "/children/{id}/events", Access::ChildRecord("child.read"), RecordSubmit});
  routes.push_back({M::kPost, "/api/v1/children/{id}/events", Access::ChildRecord("child.read"), RecordSubmit});
  routes.push_back({M::kPost, "/children/{id}/events/{event}", Access::ChildRecord("child.read"), CorrectSubmit});
  routes.push_back({M::kPost, "/api/v1/children/{id}/events/{event}", Access::ChildRecord("child.read"), CorrectSubmit});
  routes.push_back({M::kPost, "/children/{id}/events/{event}/withdraw", Access::ChildRecord("child.read"), WithdrawSubmit});
  routes.push_back({M::kPost, "/api/v1/children/{id}/events/{event}/withdraw", Access::ChildRecord("child.read"),
                    WithdrawSubmit});
  both(routes, "/search", "/api/v1/search", Access::Permission("child.search"), SearchPage);
  both(routes, "/workers/{id}", "/api/v1/workers/{id}", Access::WorkerRecord("caseload.read"), WorkerPage);
  both(routes, "/teams/{id}", "/api/v1/teams/{id}", Access::TeamRecord("team.read"), TeamPage);
  both(routes, "/service", "/api/v1/service", Access::Permission("service.read"), ServicePage);
  both(routes, "/members", "/api/v1/members", Access::Permission("aggregates.read"), MembersPage);
  routes.push_back({M::kGet, "/members/pack", Access::Permission("aggregates.read"), MembersPackPage});
  both(routes, "/audits", "/api/v1/audits", Access::Permission("qa.read"), AuditsPage);
  routes.push_back({M::kGet, "/annex-a", Access::Permission("annex-a.download"), AnnexADownload});
  both(routes, "/workforce", "/api/v1/workforce", Access::Permission("team.read"), WorkforcePage);
  both(routes, "/audit", "/api/v1/audit", Access::Permission("audit.read.all"), AuditPage);
  both(routes, "/plan", "/api/v1/plan", Access::Permission("plan.read"), PlanPage);
  both(routes, "/validation", "/api/v1/validation", Access::Permission("returns.validate"), ValidationPage);
  both(routes, "/validation/rule/{code}", "/api/v1/validation/rule/{code}", Access::Permission("returns.validate"),
       ValidationRulePage);
  // The region's pages (region_pages.h): answered on the region's server only.
  both(routes, "/region", "/api/v1/region", Access::Permission("region.read"), RegionPage);
  routes.push_back({M::kGet, "/region/children.csv", Access::Permission("region.read"), RegionChildrenDownload});
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
