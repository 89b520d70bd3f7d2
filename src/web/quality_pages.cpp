// The case audit figures (quality assurance): grades by theme, team and month, moderation, and
// the actions audits set. Managers, the director and the auditors see the audits in their scope
// and the children they concern; elected members see the whole council's counts only, small
// numbers suppressed.
#include <algorithm>

#include "http/message.h"
#include "quality/case_audit.h"
#include "recording/recorder.h"
#include "web/handlers.h"
#include "web/page_kit.h"

namespace cairn::web {
namespace {

// The share graded good or better, as a percentage: empty with no audits, withheld from elected
// members when made from a count of 1 to 4 (of the good, the whole, or the rest).
Cell Share(int64_t part, int64_t whole, bool aggregates) {
  if (whole == 0) return Cell::Text("");
  const auto small = [](int64_t n) { return n >= 1 && n <= 4; };
  if (aggregates && (small(part) || small(whole) || small(whole - part))) return Cell::Text("withheld");
  return Cell::Decimal(100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

// A grade table: one row per theme, team or month; a column for each grade, the total and the
// share graded good or better.
class GradeTable {
 public:
  GradeTable(std::string name, std::string caption, std::string first_heading, const quality::AuditTemplate& audit_template,
             bool aggregates)
      : aggregates_(aggregates), table_(std::move(name), std::move(caption), Columns(first_heading, audit_template)) {}

  void Add(Cell first, const quality::GradeCounts& counts) {
    std::vector<Cell> row;
    row.push_back(std::move(first));
    for (const int count : counts.by_grade) row.push_back(Count(count));
    row.push_back(Count(counts.total));
    row.push_back(Share(counts.good_or_better, counts.total, aggregates_));
    table_.AddRow(std::move(row));
  }
  Table Take() { return std::move(table_); }

 private:
  // A count as the role may see it: 1 to 4 suppressed for elected members.
  Cell Count(int64_t count) const { return aggregates_ ? Cell::Suppressed(count) : Cell::Number(static_cast<double>(count)); }

  static std::vector<Column> Columns(const std::string& first_heading, const quality::AuditTemplate& audit_template) {
    std::vector<Column> columns = {{"name", first_heading}};
    for (const quality::Grade& grade : audit_template.grades()) {
      std::string key = grade.code;
      std::replace(key.begin(), key.end(), '-', '_');
      columns.push_back({key, grade.label, ColumnKind::kNumber});
    }
    columns.push_back({"audits", "Audits", ColumnKind::kNumber});
    columns.push_back({"good_or_better_percent", "Good or better (%)", ColumnKind::kNumber});
    return columns;
  }

  bool aggregates_;
  Table table_;
};

}  // namespace

// GET /audits: the case audit figures, and (for roles that see children) the audits themselves.
http::Response AuditsPage(Context& context) {
  const quality::AuditTemplate* audit_template = context.recorder->forms().audit_template();
  if (audit_template == nullptr) return ErrorResponse(500, "Cairn has no case audit template.", context.api);
  const access::Principal& who = context.session->principal;
  const bool aggregates = who.role->aggregates_only;

  std::shared_lock lock(context.council_mutex);
  const CouncilView view = context.council.At(context.as_at, context.threads);
  const Date as_at = view.as_at();
  const access::CouncilDirectory& directory = view.directory();

  quality::AuditTally tally(*audit_template);
  Table audits("audits", "Case audits, latest first",
               {{"child_id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
                {"child", "Child", ColumnKind::kText, Shown::kPageOnly},
                {"date", "Audited", ColumnKind::kDate},
                {"team", "Team"},
                {"auditor", "Auditor"},
                {"auditor_grade", "Auditor's grade"},
                {"agreed_grade", "Grade agreed at moderation"},
                {"actions", "Actions done", ColumnKind::kText}});
  audits.ChildColumn("child_id").TestId("audits-table").Sortable();
  struct Line {
    Date date;
    std::vector<Cell> cells;
  };
  std::vector<Line> lines;
  for (const size_t i : context.council.ChildrenWithCaseAudits()) {
    if (i >= view.size()) continue;  // recorded after the view's date
    const model::Chronology& chronology = view.chronology(i);
    // Members count the whole council and see no child; everyone else, the children in scope.
    if (!aggregates && !access::CanSee(who, chronology.child().la_child_id, view.current_place(i), context.restrictions)) {
      continue;
    }
    const std::string& team = view.place(i).team;
    for (const quality::CaseAudit& audit : quality::CaseAuditsOf(chronology)) {
      tally.Add(audit, team);
      if (aggregates) continue;
      const std::string& id = chronology.child().la_child_id;
      const std::string agreed = audit.moderation != nullptr
                                     ? audit_template->LabelOf(audit.moderation->Get("agreed_grade"))
                                     : std::string("Not moderated");
      lines.push_back({audit.date(),
                       {Cell::Text(id),
                        Cell::Link(DisplayName(chronology.child()), Link(context, "/children/" + http::PercentEncode(id)),
                                   "child-link"),
                        Cell::Text(audit.date().ToIso()), Cell::Text(team.empty() ? "" : TeamLabel(directory, team)),
                        Cell::Text(std::string(audit.audit->Get("auditor"))),
                        Cell::Text(audit_template->LabelOf(audit.auditor_grade())), Cell::Text(agreed),
                        Cell::Text(audit.actions == 0 ? "None set"
                                                      : std::to_string(audit.actions_done) + " of " +
                                                            std::to_string(audit.actions))}});
    }
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.date > b.date; });
  for (Line& line : lines) audits.AddRow(std::move(line.cells));
  const quality::AuditFigures& figures = tally.figures();

  GradeTable by_theme("by-theme", "Grades by theme", "Theme", *audit_template, aggregates);
  for (const auto& [theme, counts] : figures.by_theme) {
    Cell name = Cell::Text(theme->title);
    name.note = theme->question;
    by_theme.Add(std::move(name), counts);
  }
  GradeTable by_team("by-team", "Grades by team (the grade agreed at moderation, or the auditor's)", "Team", *audit_template,
                     aggregates);
  for (const auto& [team, counts] : figures.by_team) {
    by_team.Add(Cell::Text(team.empty() ? "No team" : TeamLabel(directory, team)), counts);
  }
  GradeTable by_month("by-month", "Grades by month of the audit", "Month", *audit_template, aggregates);
  for (auto month = figures.by_month.rbegin(); month != figures.by_month.rend(); ++month) {
    by_month.Add(Cell::Text(month->first), month->second);
  }

  Dashboard page;
  page.figures = true;
  page.aggregates = aggregates;
  page.testid = who.role->home == "audits" ? "home-audits" : "audits-page";
  page.heading = "Case audits";
  page.intro = audit_template->title() + ", as at " + as_at.ToIso() + ": " +
               (aggregates ? std::string("the whole council's audits, counted. No child can be identified from these figures.")
                           : std::string("the audits of the children in your scope. A grade counts as agreed at moderation "
                                         "once moderated, as the auditor gave it before."));
  const auto figure = [&](int64_t count) { return aggregates ? Suppressed(count) : std::to_string(count); };
  const Cell share = Share(figures.overall.good_or_better, figures.overall.total, aggregates);
  const std::string share_text = !share.number ? (share.text.empty() ? "none" : share.text) : share.text + "%";
  page.summary = {{figure(figures.overall.total), "case audits"},
                  {share_text, "graded good or better"},
                  {figure(figures.moderated), "moderated"},
                  {figure(figures.changed_at_moderation), "grades changed at moderation"},
                  {figure(figures.actions - figures.actions_done), "actions set and not yet done"}};
  page.tables.push_back(by_theme.Take());
  page.tables.back().TestId("by-theme-table");
  page.tables.push_back(by_team.Take());
  page.tables.back().TestId("by-team-table");
  page.tables.push_back(by_month.Take());
  page.tables.back().TestId("by-month-table");
  page.sections = {{"By theme", "How practice was graded on each theme of the template. Hover over a theme for its question.",
                    "by-theme"},
                   {"By team", "", "by-team"},
                   {"By month", "", "by-month"}};
  if (!aggregates) {
    page.tables.push_back(std::move(audits));
    page.sections.push_back({"The audits", "Each audit's findings are on the child's record.", "audits"});
  }
  return Respond(context, page);
}

}  // namespace cairn::web
