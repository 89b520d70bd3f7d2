// Case audits: quality assurance of practice. An auditor reads a child's case and grades it on
// each theme of the council's template (data/audit/case-audit.toml) and overall; a moderator
// gives a second grade and the grade agreed; the actions an audit sets are deadlines for their
// owners (rule audit.action). Audits are events on the child's chronology (kinds case-audit,
// audit-moderation, audit-action), recorded through the same forms and checks as casework.
//
// Not to be confused with the audit trail (store/audit.h), which records who looked at what.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "model/chronology.h"

namespace cairn::quality {

struct Grade {
  std::string code;   // "requires-improvement"
  std::string label;  // "Requires improvement"
  bool good = false;  // counted as "good or better"
};

struct Theme {
  std::string id;        // "voice-of-the-child"
  std::string title;     // "Voice of the child"
  std::string question;  // what the auditor judges
};

class AuditTemplate {
 public:
  // Parses `toml_text`; every error names `source_name`, the line and the field.
  static Result<AuditTemplate> Parse(std::string_view toml_text, std::string_view source_name);
  // The template compiled into Cairn (data/audit/case-audit.toml).
  static Result<AuditTemplate> BuiltIn();

  const std::string& id() const { return id_; }
  const std::string& title() const { return title_; }
  const std::vector<Grade>& grades() const { return grades_; }  // best first
  const std::vector<Theme>& themes() const { return themes_; }  // in the form's order
  const Grade* FindGrade(std::string_view code) const;
  const Theme* FindTheme(std::string_view id) const;
  // The grade's label, or the code itself when the template has no such grade (an audit graded
  // against an older template).
  std::string LabelOf(std::string_view grade_code) const;
  // A case audit's grades by theme ("voice-of-the-child=good;...") as people read them: "Voice
  // of the child: Good; Planning: Inadequate". A theme or grade the template no longer has is
  // shown by its code.
  std::string DescribeThemeGrades(std::string_view theme_grades) const;

 private:
  std::string id_;
  std::string title_;
  std::vector<Grade> grades_;
  std::vector<Theme> themes_;
};

// One case audit on a child's chronology, with its moderation and the actions it set.
struct CaseAudit {
  const model::Event* audit = nullptr;
  const model::Event* moderation = nullptr;  // the latest moderation; null until moderated
  std::vector<std::pair<std::string, std::string>> theme_grades;  // theme id, grade code
  int actions = 0;
  int actions_done = 0;

  Date date() const { return audit->start; }
  std::string_view auditor_grade() const { return audit->Get("grade"); }
  // The grade that counts: the agreed grade once moderated, the auditor's before.
  std::string_view final_grade() const;
};

// Every case audit on the chronology, oldest first. The pointers point into `chronology`.
std::vector<CaseAudit> CaseAuditsOf(const model::Chronology& chronology);

// Counts of grades, in the template's order.
struct GradeCounts {
  std::vector<int> by_grade;  // one per template grade
  int other = 0;              // grades the template no longer has
  int total = 0;
  int good_or_better = 0;
};

// What managers, directors and members see of case audits: counts, never a child.
struct AuditFigures {
  std::vector<std::pair<const Theme*, GradeCounts>> by_theme;  // the template's themes, in order
  std::map<std::string, GradeCounts> by_team;                  // final grades, by the child's team
  std::map<std::string, GradeCounts> by_month;                 // final grades, by "YYYY-MM" of the audit
  GradeCounts overall;                                         // final grades
  int moderated = 0;
  int changed_at_moderation = 0;  // the agreed grade differs from the auditor's
  int actions = 0;
  int actions_done = 0;
};

// Adds audits up, one child at a time.
class AuditTally {
 public:
  explicit AuditTally(const AuditTemplate& audit_template);
  // Adds `audit`, counted in `team` ("" when the child has none).
  void Add(const CaseAudit& audit, std::string_view team);
  const AuditFigures& figures() const { return figures_; }

 private:
  void Count(GradeCounts& counts, std::string_view grade) const;
  GradeCounts Empty() const;

  const AuditTemplate* template_;
  AuditFigures figures_;
};

}  // namespace cairn::quality
