#include "quality/case_audit.h"

#include <gtest/gtest.h>

namespace cairn::quality {
namespace {

Date D(const char* iso) { return *Date::ParseIso(iso); }

TEST(AuditTemplateTest, BuiltInHasThemesAndGradesBestFirst) {
  Result<AuditTemplate> audit_template = AuditTemplate::BuiltIn();
  ASSERT_TRUE(audit_template.ok()) << audit_template.status().message();
  EXPECT_FALSE(audit_template->id().empty());
  ASSERT_EQ(audit_template->grades().size(), 4u);
  EXPECT_EQ(audit_template->grades().front().code, "outstanding");
  EXPECT_EQ(audit_template->grades().back().code, "inadequate");
  EXPECT_TRUE(audit_template->FindGrade("good")->good);
  EXPECT_FALSE(audit_template->FindGrade("requires-improvement")->good);
  for (const char* theme : {"voice-of-the-child", "assessment", "planning", "management-oversight"}) {
    EXPECT_NE(audit_template->FindTheme(theme), nullptr) << theme;
  }
}

TEST(AuditTemplateTest, ThemeGradesReadAsTheTemplateNamesThem) {
  Result<AuditTemplate> audit_template = AuditTemplate::BuiltIn();
  ASSERT_TRUE(audit_template.ok());
  EXPECT_EQ(audit_template->DescribeThemeGrades("voice-of-the-child=good;planning=inadequate;retired=adequate"),
            "Voice of the child: Good; Planning: Inadequate; retired: adequate");
  EXPECT_EQ(audit_template->DescribeThemeGrades(""), "");
}

TEST(AuditTemplateTest, ErrorsNameTheFileLineAndField) {
  const char* kDuplicateTheme = R"([template]
id = "t"
title = "T"
[[grade]]
code = "good"
label = "Good"
[[theme]]
id = "voice"
title = "Voice"
question = "?"
[[theme]]
id = "voice"
title = "Voice again"
question = "?"
)";
  Result<AuditTemplate> parsed = AuditTemplate::Parse(kDuplicateTheme, "audit.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("audit.toml line 12"), std::string::npos) << parsed.status().message();
  EXPECT_NE(parsed.status().message().find("listed twice"), std::string::npos);

  Result<AuditTemplate> bad_code =
      AuditTemplate::Parse("[template]\nid = \"t\"\ntitle = \"T\"\n[[grade]]\ncode = \"Good;=\"\nlabel = \"G\"\n", "a.toml");
  ASSERT_FALSE(bad_code.ok());
  EXPECT_NE(bad_code.status().message().find("not an identifier"), std::string::npos) << bad_code.status().message();

  Result<AuditTemplate> no_themes =
      AuditTemplate::Parse("[template]\nid = \"t\"\ntitle = \"T\"\n[[grade]]\ncode = \"good\"\nlabel = \"G\"\n", "a.toml");
  ASSERT_FALSE(no_themes.ok());
  EXPECT_NE(no_themes.status().message().find("no [[theme]]"), std::string::npos) << no_themes.status().message();
}

model::Event Audit(const char* date, const char* grades, const char* grade) {
  model::Event event;
  event.kind = model::EventKind::kCaseAudit;
  event.start = D(date);
  event.Set("auditor", "qa1");
  event.Set("theme_grades", grades);
  event.Set("grade", grade);
  return event;
}

TEST(CaseAuditTest, ModerationAndActionsBelongToTheirAudit) {
  model::Chronology chronology(model::Child{.la_child_id = "C1"});
  const int32_t first = chronology.Add(Audit("2026-01-10", "voice-of-the-child=good;planning=inadequate", "requires-improvement"));
  const int32_t second = chronology.Add(Audit("2026-06-01", "voice-of-the-child=outstanding", "good"));
  model::Event moderation;
  moderation.kind = model::EventKind::kAuditModeration;
  moderation.start = D("2026-01-20");
  moderation.parent = first;
  moderation.Set("grade", "inadequate");
  moderation.Set("agreed_grade", "inadequate");
  chronology.Add(moderation);
  model::Event action;
  action.kind = model::EventKind::kAuditAction;
  action.start = D("2026-01-10");
  action.parent = first;
  action.Set("owner", "W1");
  action.Set("due_date", "2026-02-10");
  chronology.Add(action);
  action.end = D("2026-02-01");
  action.Set("due_date", "2026-02-11");
  chronology.Add(action);
  (void)second;

  const std::vector<CaseAudit> audits = CaseAuditsOf(chronology);
  ASSERT_EQ(audits.size(), 2u);
  EXPECT_EQ(audits[0].auditor_grade(), "requires-improvement");
  EXPECT_EQ(audits[0].final_grade(), "inadequate");
  EXPECT_EQ(audits[0].actions, 2);
  EXPECT_EQ(audits[0].actions_done, 1);
  EXPECT_EQ(audits[1].moderation, nullptr);
  EXPECT_EQ(audits[1].final_grade(), "good");

  Result<AuditTemplate> audit_template = AuditTemplate::BuiltIn();
  ASSERT_TRUE(audit_template.ok());
  AuditTally tally(*audit_template);
  for (const CaseAudit& audit : audits) tally.Add(audit, "T1");
  const AuditFigures& figures = tally.figures();
  EXPECT_EQ(figures.overall.total, 2);
  EXPECT_EQ(figures.overall.good_or_better, 1);
  EXPECT_EQ(figures.moderated, 1);
  EXPECT_EQ(figures.changed_at_moderation, 1);
  EXPECT_EQ(figures.actions, 2);
  EXPECT_EQ(figures.actions_done, 1);
  EXPECT_EQ(figures.by_team.at("T1").total, 2);
  EXPECT_EQ(figures.by_month.at("2026-01").by_grade[3], 1);  // inadequate, as agreed
  EXPECT_EQ(figures.by_month.at("2026-06").by_grade[1], 1);  // good
  // Voice of the child: good once, outstanding once; planning inadequate once.
  const auto& [voice_theme, voice] = figures.by_theme[0];
  EXPECT_EQ(voice_theme->id, "voice-of-the-child");
  EXPECT_EQ(voice.total, 2);
  EXPECT_EQ(voice.good_or_better, 2);
  for (const auto& [theme, counts] : figures.by_theme) {
    if (theme->id == "planning") {
      EXPECT_EQ(counts.by_grade[3], 1);
    }
    if (theme->id == "assessment") {
      EXPECT_EQ(counts.total, 0);
    }
  }
}

TEST(CaseAuditTest, AGradeTheTemplateNoLongerHasIsCountedApart) {
  Result<AuditTemplate> audit_template = AuditTemplate::BuiltIn();
  ASSERT_TRUE(audit_template.ok());
  model::Chronology chronology(model::Child{.la_child_id = "C1"});
  chronology.Add(Audit("2026-01-10", "retired-theme=good", "adequate"));
  AuditTally tally(*audit_template);
  for (const CaseAudit& audit : CaseAuditsOf(chronology)) tally.Add(audit, "");
  EXPECT_EQ(tally.figures().overall.other, 1);
  EXPECT_EQ(tally.figures().overall.good_or_better, 0);
  for (const auto& [theme, counts] : tally.figures().by_theme) EXPECT_EQ(counts.total, 0) << theme->id;
}

}  // namespace
}  // namespace cairn::quality
