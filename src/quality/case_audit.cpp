#include "quality/case_audit.h"

#include <algorithm>

#include "base/embedded.h"
#include "base/toml_text.h"

namespace cairn::quality {
namespace {

// Codes and ids are kept inside a case audit's grades ("theme=grade;..."), so they are plain.
bool IsPlainIdentifier(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Result<std::string> RequiredIdentifier(const TomlEntry& entry, std::string_view field) {
  CAIRN_ASSIGN_OR_RETURN(std::string value, entry.RequiredString(field, "give an identifier such as \"good\"."));
  if (!IsPlainIdentifier(value)) {
    return entry.Error(field, QuoteText(value) + " is not an identifier: use lower case letters, digits and '-'.");
  }
  return value;
}

}  // namespace

Result<AuditTemplate> AuditTemplate::Parse(std::string_view toml_text, std::string_view source) {
  CAIRN_ASSIGN_OR_RETURN(toml::table document, ParseToml(toml_text, source));
  if (const toml::key* unknown = TomlEntry::FirstUnknownKey(document, {"template", "grade", "theme"})) {
    return Status::InvalidArgument(std::string(source) + " line " + std::to_string(unknown->source().begin.line) + ": '" +
                                   std::string(unknown->str()) +
                                   "' is not a section of the case audit template; use [template], [[grade]] or [[theme]]");
  }
  AuditTemplate result;
  const toml::table* header = document["template"].as_table();
  if (header == nullptr) return Status::InvalidArgument(std::string(source) + ": there is no [template] section");
  TomlEntry head(source, "[template]", *header);
  CAIRN_RETURN_IF_ERROR(head.CheckKeys({"id", "title"}));
  CAIRN_ASSIGN_OR_RETURN(result.id_, RequiredIdentifier(head, "id"));
  CAIRN_ASSIGN_OR_RETURN(result.title_, head.RequiredString("title", "say what the audit is called."));

  // Each [[grade]] or [[theme]] table, with a label naming it by number.
  auto each = [&](std::string_view section, auto&& read) -> Status {
    const toml::array* list = document[section].as_array();
    if (list == nullptr || list->empty()) {
      return Status::InvalidArgument(std::string(source) + ": there are no [[" + std::string(section) + "]] entries");
    }
    size_t number = 0;
    for (const toml::node& node : *list) {
      ++number;
      const toml::table* table = node.as_table();
      if (table == nullptr) {
        return Status::InvalidArgument(std::string(source) + " line " + std::to_string(LineOf(node)) + ": each " +
                                       std::string(section) + " must be a [[" + std::string(section) + "]] table");
      }
      TomlEntry entry(source, std::string(section) + " " + std::to_string(number), *table);
      CAIRN_RETURN_IF_ERROR(read(entry));
    }
    return Status::Ok();
  };
  auto read_grade = [&](TomlEntry& entry) -> Status {
    CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"code", "label", "good"}, "a grade"));
    Grade grade;
    CAIRN_ASSIGN_OR_RETURN(grade.code, RequiredIdentifier(entry, "code"));
    entry.set_label("grade " + QuoteText(grade.code));
    if (result.FindGrade(grade.code) != nullptr) return entry.Error("code", "this grade is listed twice.");
    CAIRN_ASSIGN_OR_RETURN(grade.label, entry.RequiredString("label", "say what people read."));
    CAIRN_ASSIGN_OR_RETURN(std::optional<bool> good, entry.OptionalBool("good"));
    grade.good = good.value_or(false);
    result.grades_.push_back(std::move(grade));
    return Status::Ok();
  };
  auto read_theme = [&](TomlEntry& entry) -> Status {
    CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"id", "title", "question"}, "a theme"));
    Theme theme;
    CAIRN_ASSIGN_OR_RETURN(theme.id, RequiredIdentifier(entry, "id"));
    entry.set_label("theme " + QuoteText(theme.id));
    if (result.FindTheme(theme.id) != nullptr) return entry.Error("id", "this theme is listed twice.");
    CAIRN_ASSIGN_OR_RETURN(theme.title, entry.RequiredString("title", "say what the form calls it."));
    CAIRN_ASSIGN_OR_RETURN(theme.question, entry.RequiredString("question", "say what the auditor judges."));
    result.themes_.push_back(std::move(theme));
    return Status::Ok();
  };
  CAIRN_RETURN_IF_ERROR(each("grade", read_grade));
  CAIRN_RETURN_IF_ERROR(each("theme", read_theme));
  return result;
}

Result<AuditTemplate> AuditTemplate::BuiltIn() {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "audit/case-audit.toml");
  if (resource == nullptr) return Status::Internal("the case audit template (data/audit/case-audit.toml) is not built into Cairn");
  return Parse(resource->text, "data/audit/case-audit.toml");
}

const Grade* AuditTemplate::FindGrade(std::string_view code) const {
  for (const Grade& grade : grades_) {
    if (grade.code == code) return &grade;
  }
  return nullptr;
}

const Theme* AuditTemplate::FindTheme(std::string_view id) const {
  for (const Theme& theme : themes_) {
    if (theme.id == id) return &theme;
  }
  return nullptr;
}

std::string AuditTemplate::LabelOf(std::string_view grade_code) const {
  const Grade* grade = FindGrade(grade_code);
  return grade != nullptr ? grade->label : std::string(grade_code);
}

std::string AuditTemplate::DescribeThemeGrades(std::string_view theme_grades) const {
  std::string text;
  for (const auto& [theme_id, grade] : model::SplitNamedParts(theme_grades)) {
    const Theme* theme = FindTheme(theme_id);
    if (!text.empty()) text += "; ";
    text += (theme != nullptr ? theme->title : theme_id) + ": " + LabelOf(grade);
  }
  return text;
}

std::string_view CaseAudit::final_grade() const {
  if (moderation != nullptr && !moderation->Get("agreed_grade").empty()) return moderation->Get("agreed_grade");
  return auditor_grade();
}

std::vector<CaseAudit> CaseAuditsOf(const model::Chronology& chronology) {
  const std::vector<model::Event>& events = chronology.events();
  std::vector<CaseAudit> audits;
  std::vector<int32_t> index_of;  // the audit's index in `audits`, by event index; -1 for others
  index_of.assign(events.size(), -1);
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind != model::EventKind::kCaseAudit) continue;
    index_of[i] = static_cast<int32_t>(audits.size());
    CaseAudit audit;
    audit.audit = &events[i];
    audit.theme_grades = model::SplitNamedParts(events[i].Get("theme_grades"));
    audits.push_back(std::move(audit));
  }
  for (const model::Event& event : events) {
    if (event.parent < 0 || index_of[static_cast<size_t>(event.parent)] < 0) continue;
    CaseAudit& audit = audits[static_cast<size_t>(index_of[static_cast<size_t>(event.parent)])];
    if (event.kind == model::EventKind::kAuditModeration) {
      if (audit.moderation == nullptr || audit.moderation->start <= event.start) audit.moderation = &event;
    } else if (event.kind == model::EventKind::kAuditAction) {
      ++audit.actions;
      if (event.end) ++audit.actions_done;
    }
  }
  std::stable_sort(audits.begin(), audits.end(),
                   [](const CaseAudit& a, const CaseAudit& b) { return a.date() < b.date(); });
  return audits;
}

AuditTally::AuditTally(const AuditTemplate& audit_template) : template_(&audit_template) {
  for (const Theme& theme : audit_template.themes()) figures_.by_theme.emplace_back(&theme, Empty());
  figures_.overall = Empty();
}

GradeCounts AuditTally::Empty() const {
  GradeCounts counts;
  counts.by_grade.assign(template_->grades().size(), 0);
  return counts;
}

void AuditTally::Count(GradeCounts& counts, std::string_view grade) const {
  if (counts.by_grade.empty()) counts = Empty();
  ++counts.total;
  const std::vector<Grade>& grades = template_->grades();
  for (size_t i = 0; i < grades.size(); ++i) {
    if (grades[i].code != grade) continue;
    ++counts.by_grade[i];
    if (grades[i].good) ++counts.good_or_better;
    return;
  }
  ++counts.other;
}

void AuditTally::Add(const CaseAudit& audit, std::string_view team) {
  const std::string_view grade = audit.final_grade();
  Count(figures_.overall, grade);
  Count(figures_.by_team[std::string(team)], grade);
  Count(figures_.by_month[audit.date().ToIso().substr(0, 7)], grade);
  // A theme the template no longer has is left out of the themes' figures: they compare like
  // with like.
  for (const auto& [theme, theme_grade] : audit.theme_grades) {
    for (auto& [known, counts] : figures_.by_theme) {
      if (known->id == theme) Count(counts, theme_grade);
    }
  }
  if (audit.moderation != nullptr) {
    ++figures_.moderated;
    if (audit.final_grade() != audit.auditor_grade()) ++figures_.changed_at_moderation;
  }
  figures_.actions += audit.actions;
  figures_.actions_done += audit.actions_done;
}

}  // namespace cairn::quality
