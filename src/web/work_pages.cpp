// The pages people work from day to day: a worker's week (their children, what is overdue and
// due this week and next, drift, visits) and a team (each worker's caseload and deadlines, the
// unallocated children, children passed from worker to worker, overdue deadlines by rule).
#include <algorithm>
#include <map>
#include <set>

#include "http/message.h"
#include "web/page_kit.h"
#include "web/handlers.h"

namespace cairn::web {
namespace {

using timescales::Obligation;
using timescales::ObligationStatus;

constexpr size_t kPageRows = 500;  // rows of a long table on the page; downloads hold them all

// Whether a rule is met by an event of `kind` (a visit rule, the supervision rule).
bool RuleIsMetBy(const timescales::Rule& rule, model::EventKind kind) {
  return std::any_of(rule.satisfied_by.begin(), rule.satisfied_by.end(), [kind](const timescales::Satisfier& satisfier) {
    return !satisfier.trigger_field && satisfier.kind == kind;
  });
}

// Monday of the week holding `date`.
Date WeekStart(Date date) { return date.AddDays(1 - static_cast<int>(date.weekday())); }

Column RuleColumn() { return {"rule", "Deadline"}; }

Cell RuleCell(const timescales::Rule& rule) {
  Cell cell = Cell::Text(rule.title);
  cell.note = rule.source;
  return cell;
}

Cell StatusCell(const Obligation& obligation) {
  Cell cell = Cell::Text(std::string(StatusLabel(obligation.status)));
  cell.status = std::string(timescales::StatusName(obligation.status));
  return cell;
}

// Each live overdue or soon-due deadline of the given children, most urgent first.
struct Deadline {
  const ChildRow* row;
  const Obligation* obligation;
  std::string when;  // "Overdue", "This week", "Next week", "Later"
};

std::vector<Deadline> UrgentDeadlines(const CouncilView& view, const std::vector<ChildRow>& rows, Date as_at,
                                      bool include_later_within_14_days) {
  const Date this_week_end = WeekStart(as_at).AddDays(6);
  const Date next_week_end = this_week_end.AddDays(7);
  std::vector<Deadline> deadlines;
  for (const ChildRow& row : rows) {
    for (const Obligation& obligation : view.result(row.index).obligations) {
      if (IsLiveOverdue(obligation)) {
        deadlines.push_back({&row, &obligation, "Overdue"});
      } else if (obligation.status == ObligationStatus::kDue) {
        if (obligation.due <= this_week_end) {
          deadlines.push_back({&row, &obligation, "This week"});
        } else if (obligation.due <= next_week_end) {
          deadlines.push_back({&row, &obligation, "Next week"});
        } else if (include_later_within_14_days && obligation.days <= 14) {
          deadlines.push_back({&row, &obligation, "Later"});
        }
      }
    }
  }
  std::stable_sort(deadlines.begin(), deadlines.end(), [](const Deadline& a, const Deadline& b) {
    const bool a_over = a.obligation->status == ObligationStatus::kOverdue;
    const bool b_over = b.obligation->status == ObligationStatus::kOverdue;
    if (a_over != b_over) return a_over;
    if (a.obligation->due != b.obligation->due) return a.obligation->due < b.obligation->due;
    return a.row->id < b.row->id;
  });
  return deadlines;
}

Table DeadlinesTable(const Context& context, const std::vector<Deadline>& deadlines, std::string name,
                     std::string caption) {
  const auto& rules = context.evaluator.rules().rules();
  Table table(std::move(name), std::move(caption),
              {{"child_id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
               {"child", "Child"},
               RuleColumn(),
               {"source", "Source", ColumnKind::kText, Shown::kDownloadOnly},
               {"when", "When"},
               {"due", "Due", ColumnKind::kDate},
               {"status", "Status"},
               {"days", "Days overdue or to go", ColumnKind::kNumber}});
  table.ChildColumn("child_id");
  for (const Deadline& deadline : deadlines) {
    const timescales::Rule& rule = rules[deadline.obligation->rule];
    table.AddRow({Cell::Text(deadline.row->id),
                  Cell::Link(deadline.row->display_name, Link(context, "/children/" + deadline.row->id), "child-link"),
                  RuleCell(rule), Cell::Text(rule.source), Cell::Text(deadline.when),
                  Cell::Text(deadline.obligation->due.ToIso()), StatusCell(*deadline.obligation),
                  Cell::Number(deadline.obligation->days)});
  }
  return table;
}

Table DriftTable(const Context& context, const CouncilView& view, const std::vector<ChildRow>& rows) {
  const auto& signals = context.evaluator.rules().signals();
  Table table("drift", "Drift and delay signals",
              {{"child_id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
               {"child", "Child"},
               {"signal", "Signal"},
               {"since", "Since", ColumnKind::kDate},
               {"evidence", "Evidence"}});
  table.ChildColumn("child_id");
  for (const ChildRow& row : rows) {
    for (const timescales::DriftSignal& signal : view.result(row.index).signals) {
      std::string evidence;
      for (const timescales::Evidence& item : signal.evidence) {
        if (!evidence.empty()) evidence += "; ";
        evidence += item.what + " " + item.date.ToIso() + (item.note.empty() ? "" : " (" + item.note + ")");
      }
      Cell title = Cell::Text(signals[signal.signal].title);
      title.note = signals[signal.signal].source;
      table.AddRow({Cell::Text(row.id), Cell::Link(row.display_name, Link(context, "/children/" + row.id), "child-link"),
                    std::move(title), Cell::Text(signal.since.ToIso()), Cell::Text(evidence)});
    }
  }
  return table;
}

// Overdue deadlines by rule: for each rule, the children with one live overdue under it.
Table OverdueByRuleTable(const Context& context, const CouncilView& view, const std::vector<ChildRow>& rows,
                         bool suppress) {
  std::map<uint16_t, int64_t> by_rule;
  for (const ChildRow& row : rows) CountOverdueRules(view.result(row.index), by_rule);
  Table table("overdue-by-rule", "Children with a deadline overdue, by rule",
              {{"rule_id", "Rule id", ColumnKind::kText, Shown::kDownloadOnly},
               RuleColumn(),
               {"source", "Source", ColumnKind::kText, Shown::kDownloadOnly},
               {"children", "Children overdue", ColumnKind::kNumber}});
  std::vector<std::pair<uint16_t, int64_t>> ordered(by_rule.begin(), by_rule.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [rule_index, count] : ordered) {
    const timescales::Rule& rule = context.evaluator.rules().rules()[rule_index];
    table.AddRow({Cell::Text(rule.id), RuleCell(rule), Cell::Text(rule.source),
                  suppress ? Cell::Suppressed(count) : Cell::Number(count)});
  }
  return table;
}

// The JSON the home page has always carried: the children, most urgent first.
std::function<void(JsonWriter&)> ChildrenJson(const std::vector<ChildRow>& rows) {
  return [&rows](JsonWriter& json) {
    json.Key("children");
    RowsJson(json, rows, kPageRows);
  };
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// A worker's week

http::Response WorkerWeek(Context& context, const std::string& worker_id, bool own) {
  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  const Date as_at = view.as_at();
  const model::Worker* worker = view.directory().FindWorker(worker_id);
  const std::vector<ChildRow> rows = VisibleChildren(context, view, [&worker_id](const access::ChildPlace& place) {
    return place.allocated && place.worker == worker_id;
  });
  const std::vector<Deadline> deadlines = UrgentDeadlines(view, rows, as_at, false);
  const auto& rules = context.evaluator.rules().rules();

  size_t overdue = 0, this_week = 0, next_week = 0, drifting = 0;
  std::vector<Deadline> visits;
  for (const Deadline& deadline : deadlines) {
    if (deadline.when == "Overdue") ++overdue;
    if (deadline.when == "This week") ++this_week;
    if (deadline.when == "Next week") ++next_week;
    if (RuleIsMetBy(rules[deadline.obligation->rule], model::EventKind::kVisit)) visits.push_back(deadline);
  }
  for (const ChildRow& row : rows) drifting += row.drift > 0 ? 1 : 0;

  // Directions from management oversight and actions from case audits this worker owns, on any
  // child the viewer may see (not only the worker's own caseload): not yet done, most overdue
  // first. The council keeps which children hold a worker's actions, so the week does not look
  // at every child.
  Table directions("directions", "Directions from management oversight and actions from case audits",
                   {{"child_id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
                    {"child", "Child"},
                    {"from", "From"},
                    {"due", "Due", ColumnKind::kDate},
                    {"status", "Status"},
                    {"days", "Days overdue or to go", ColumnKind::kNumber},
                    {"change", "", ColumnKind::kText, Shown::kPageOnly}});
  directions.ChildColumn("child_id").TestId("directions-table");
  std::vector<size_t> action_rules;
  for (std::string_view rule_id : {std::string_view("oversight.direction"), std::string_view("audit.action")}) {
    if (const std::optional<size_t> rule = context.evaluator.rules().FindRule(rule_id)) action_rules.push_back(*rule);
  }
  struct Owned {
    size_t index;
    const Obligation* obligation;
  };
  std::vector<Owned> owned;
  const access::Principal& who = context.session->principal;
  for (const size_t i : context.council.ChildrenWithDirectionsFor(worker_id)) {
    if (i >= view.size()) continue;  // recorded after the view's date
    for (const Obligation& obligation : view.result(i).obligations) {
      if (obligation.trigger_event < 0 ||
          std::find(action_rules.begin(), action_rules.end(), obligation.rule) == action_rules.end()) {
        continue;
      }
      if (obligation.status != ObligationStatus::kDue && obligation.status != ObligationStatus::kOverdue) continue;
      const model::Event& given = view.chronology(i).events()[static_cast<size_t>(obligation.trigger_event)];
      if (given.Get("owner") != worker_id) continue;
      if (!access::CanSee(who, view.chronology(i).child().la_child_id, view.current_place(i), context.restrictions)) continue;
      owned.push_back({i, &obligation});
    }
  }
  std::sort(owned.begin(), owned.end(), [](const Owned& a, const Owned& b) { return a.obligation->due < b.obligation->due; });
  for (const Owned& item : owned) {
    const model::Chronology& chronology = view.chronology(item.index);
    const std::string& id = chronology.child().la_child_id;
    const model::Event& given = chronology.events()[static_cast<size_t>(item.obligation->trigger_event)];
    Cell mark;
    if (MayCorrectEvent(context, given)) {
      mark = Cell::Link("Mark done", "/children/" + http::PercentEncode(id) + "/events/" + std::to_string(given.id) + "/edit",
                        "mark-done");
    }
    directions.AddRow({Cell::Text(id), Cell::Link(DisplayName(chronology.child()), Link(context, "/children/" + id), "child-link"),
                       Cell::Text(given.kind == model::EventKind::kAuditAction ? "Case audit" : "Management oversight"),
                       Cell::Text(item.obligation->due.ToIso()), StatusCell(*item.obligation),
                       Cell::Number(item.obligation->days), std::move(mark)});
  }
  const size_t directions_open = directions.size();

  Dashboard page;
  page.testid = own ? "home-caseload" : "worker-page";
  page.heading = own ? "My week" : "Caseload: " + WorkerLabel(view.directory(), worker_id);
  page.intro = (own ? "Your children" : "The children allocated to this worker") + std::string(" as at ") +
               as_at.ToIso() + ", most urgent first." +
               (worker ? std::string(" ") + (worker->agency ? "Agency worker" : "Employed") + ", " +
                             TeamLabel(view.directory(), worker->team_id) + "."
                       : "");
  page.summary = {{std::to_string(rows.size()), "children allocated"},
                  {std::to_string(overdue), "deadlines overdue"},
                  {std::to_string(this_week), "deadlines due this week"},
                  {std::to_string(next_week), "deadlines due next week"},
                  {std::to_string(visits.size()), "visits overdue or due by next week"},
                  {std::to_string(drifting), "children with a drift signal"},
                  {std::to_string(directions_open), "directions and audit actions to do"}};
  page.tables.push_back(DeadlinesTable(context, deadlines, "deadlines", "Overdue and due this week and next"));
  page.tables.back().TestId("deadlines-table").PageLimit(kPageRows);
  page.tables.push_back(ChildrenTable(context, rows, "children", own ? "My children" : "Children"));
  page.tables.back().TestId("children-table").Sortable().PageLimit(kPageRows);
  page.tables.push_back(DeadlinesTable(context, visits, "visits", "Visits overdue or due"));
  page.tables.back().TestId("visits-table");
  page.tables.push_back(DriftTable(context, view, rows));
  page.tables.back().TestId("drift-table");
  page.tables.push_back(std::move(directions));
  page.sections = {{"Deadlines", "Overdue first, then by due date. Hover over a deadline for its statutory source.",
                    "deadlines"},
                   {own ? "My children" : "Children", "", "children"},
                   {"Visits", "", "visits"},
                   {"Drift and delay", "", "drift"},
                   {"Directions and audit actions", "What a manager has directed or a case audit has asked, by when. Mark each done with what was done.",
                    "directions"}};
  page.extra_json = ChildrenJson(rows);
  return Respond(context, page);
}

http::Response WorkerPage(Context& context) {
  const bool own = context.worker_id == context.session->principal.worker_id;
  return WorkerWeek(context, context.worker_id, own);
}

// ---------------------------------------------------------------------------------------------
// A team

http::Response TeamDashboard(Context& context, const std::string& team_id, bool own) {
  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  const Date as_at = view.as_at();
  const access::CouncilDirectory& directory = view.directory();
  const auto& rules = context.evaluator.rules();
  const std::optional<size_t> supervision_rule = rules.FindRule("oversight.supervision");
  const std::optional<size_t> sw_changes = [&]() -> std::optional<size_t> {
    for (size_t i = 0; i < rules.signals().size(); ++i) {
      if (rules.signals()[i].id == "drift.sw-changes-3-12m") return i;
    }
    return std::nullopt;
  }();

  // The team's open cases (allocated to one of its workers, or unallocated and last with it).
  // Closed cases stay in the team's scope (a re-referral needs their history) but are not its work.
  const std::vector<ChildRow> rows = VisibleChildren(context, view, [&team_id](const access::ChildPlace& place) {
    return place.team == team_id && (place.allocated || place.open_case);
  });

  struct WorkerLine {
    const model::Worker* worker = nullptr;
    int children = 0, cp = 0, cla = 0, cin_plan = 0, cin = 0;
    int overdue = 0, drifting = 0, supervision_due = 0, supervision_overdue = 0;
  };
  std::map<std::string, WorkerLine> by_worker;
  for (const model::Worker& worker : directory.workers()) {
    if (worker.team_id != team_id) continue;
    if (worker.left && *worker.left < as_at) continue;
    if (worker.started && *worker.started > as_at) continue;
    by_worker[worker.id].worker = &worker;
  }
  std::vector<const ChildRow*> unallocated, many_workers;
  for (const ChildRow& row : rows) {
    const timescales::ChildEvaluation& result = view.result(row.index);
    if (sw_changes && std::any_of(result.signals.begin(), result.signals.end(),
                                  [&](const auto& signal) { return signal.signal == *sw_changes; })) {
      many_workers.push_back(&row);
    }
    if (!row.allocated) {
      unallocated.push_back(&row);
      continue;
    }
    auto found = by_worker.find(row.worker_id);
    if (found == by_worker.end()) continue;
    WorkerLine& line = found->second;
    ++line.children;
    switch (row.situation) {
      case Situation::Kind::kLookedAfter: ++line.cla; break;
      case Situation::Kind::kChildProtection: ++line.cp; break;
      case Situation::Kind::kChildInNeedPlan: ++line.cin_plan; break;
      default: ++line.cin; break;
    }
    line.overdue += row.overdue;
    if (row.drift > 0) ++line.drifting;
    if (supervision_rule) {
      for (const Obligation& obligation : result.obligations) {
        if (obligation.rule != *supervision_rule) continue;
        if (IsLiveOverdue(obligation)) ++line.supervision_overdue;
        if (obligation.status == ObligationStatus::kDue && obligation.days <= 14) ++line.supervision_due;
      }
    }
  }

  Table workers("workers", "Workers",
                {{"worker_id", "Worker id", ColumnKind::kText, Shown::kDownloadOnly},
                 {"worker", "Worker"},
                 {"employment", "Employment"},
                 {"children", "Children", ColumnKind::kNumber},
                 {"cp", "Child protection", ColumnKind::kNumber},
                 {"cla", "Looked after", ColumnKind::kNumber},
                 {"cin_plan", "Child in need plan", ColumnKind::kNumber},
                 {"cin", "Other child in need", ColumnKind::kNumber},
                 {"overdue", "Overdue deadlines", ColumnKind::kNumber},
                 {"drifting", "Children drifting", ColumnKind::kNumber},
                 {"supervision_due", "Supervision due in 14 days", ColumnKind::kNumber},
                 {"supervision_overdue", "Supervision overdue", ColumnKind::kNumber}});
  workers.TestId("workers-table").Sortable().Filterable();
  int agency = 0;
  for (const auto& [id, line] : by_worker) {
    if (line.worker->agency) ++agency;
    Cell overdue = Cell::Number(line.overdue);
    if (line.overdue > 0) overdue.status = "overdue";
    workers.AddRow({Cell::Text(id), Cell::Link(WorkerLabel(directory, id), Link(context, "/workers/" + http::PercentEncode(id)), "worker-link"),
                    Cell::Text(line.worker->agency ? "Agency" : "Employed"), Cell::Number(line.children),
                    Cell::Number(line.cp), Cell::Number(line.cla), Cell::Number(line.cin_plan), Cell::Number(line.cin),
                    std::move(overdue), Cell::Number(line.drifting), Cell::Number(line.supervision_due),
                    Cell::Number(line.supervision_overdue)});
  }

  Table unallocated_table("unallocated", "Open cases with no allocated worker",
                          {{"child_id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
                           {"child", "Child"},
                           {"last_worker", "Last worker"},
                           {"since", "Unallocated since", ColumnKind::kDate},
                           {"days", "Days unallocated", ColumnKind::kNumber}});
  unallocated_table.TestId("unallocated-table").Sortable().ChildColumn("child_id");
  std::vector<std::pair<Date, const ChildRow*>> waiting;
  for (const ChildRow* row : unallocated) {
    // Since the last allocation ended, or since the case opened when it never had one.
    std::optional<Date> since;
    for (const model::Event& event : view.chronology(row->index).events()) {
      if (event.start > as_at) continue;
      if (event.kind == model::EventKind::kSocialWorkerAllocation && event.end && *event.end <= as_at) {
        if (!since || *event.end > *since) since = event.end;
      }
    }
    if (!since) {
      for (const model::Event& event : view.chronology(row->index).events()) {
        if ((event.kind == model::EventKind::kCinEpisode || event.kind == model::EventKind::kLookedAfterEpisode) &&
            event.IsOpenOn(as_at) && (!since || event.start < *since)) {
          since = event.start;
        }
      }
    }
    waiting.emplace_back(since.value_or(as_at), row);
  }
  std::stable_sort(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [since, row] : waiting) {
    unallocated_table.AddRow({Cell::Text(row->id), Cell::Link(row->display_name, Link(context, "/children/" + row->id), "child-link"),
                              Cell::Text(row->worker), Cell::Text(since.ToIso()), Cell::Number(as_at.DaysSince(since))});
  }

  Table churn("many-workers", "Children with 3 or more social workers in 12 months",
              {{"child_id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
               {"child", "Child"},
               {"worker", "Worker now"},
               {"workers", "Workers in 12 months", ColumnKind::kNumber}});
  churn.TestId("many-workers-table").ChildColumn("child_id");
  for (const ChildRow* row : many_workers) {
    std::set<std::string> seen;
    const Date from = as_at.AddMonths(-12);
    for (const model::Event& event : view.chronology(row->index).events()) {
      if (event.kind != model::EventKind::kSocialWorkerAllocation || event.start > as_at) continue;
      if (event.end && *event.end < from) continue;
      seen.insert(std::string(event.Get("SW_ID")));
    }
    churn.AddRow({Cell::Text(row->id), Cell::Link(row->display_name, Link(context, "/children/" + row->id), "child-link"),
                  Cell::Text(row->worker), Cell::Number(static_cast<double>(seen.size()))});
  }

  Dashboard page;
  const std::string name = TeamLabel(directory, team_id);
  page.testid = own ? "home-team" : "team-page";
  page.figures = true;  // counts by team or worker, whether or not a child is listed
  page.heading = own ? "My team: " + name : "Team: " + name;
  page.intro = "Every child allocated to a worker in the team, and the team's unallocated children, as at " +
               as_at.ToIso() + ".";
  int overdue_children = 0, drifting = 0;
  for (const ChildRow& row : rows) {
    if (row.overdue > 0) ++overdue_children;
    if (row.drift > 0) ++drifting;
  }
  page.summary = {{std::to_string(rows.size()), "open cases"},
                  {std::to_string(by_worker.size()), "workers (" + std::to_string(agency) + " agency)"},
                  {std::to_string(unallocated.size()), "unallocated"},
                  {std::to_string(overdue_children), "children with a deadline overdue"},
                  {std::to_string(drifting), "children drifting"}};
  page.tables.push_back(std::move(workers));
  page.tables.push_back(std::move(unallocated_table));
  page.tables.push_back(std::move(churn));
  page.tables.push_back(OverdueByRuleTable(context, view, rows, false));
  page.tables.back().TestId("rules-table");
  page.tables.push_back(ChildrenTable(context, rows, "children", "The team's open cases"));
  page.tables.back().TestId("children-table").Sortable().Filterable().PageLimit(kPageRows);
  page.sections = {{"Workers", "Caseload by plan, deadlines and supervision. Select a worker to see their caseload.", "workers"},
                   {"Unallocated children", "Longest waiting first.", "unallocated"},
                   {"Children passed from worker to worker", "", "many-workers"},
                   {"Overdue deadlines by rule", "", "overdue-by-rule"},
                   {"Open cases", "", "children"}};
  std::vector<GroupCount> groups;
  for (const auto& [id, line] : by_worker) {
    groups.push_back({WorkerLabel(directory, id), line.children, line.overdue, line.drifting});
  }
  page.extra_json = HomeJson(rows, kPageRows, std::move(groups));
  return Respond(context, page);
}

http::Response TeamPage(Context& context) {
  return TeamDashboard(context, context.team_id, context.team_id == context.session->principal.team_id);
}

}  // namespace cairn::web
