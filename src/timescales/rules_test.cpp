#include "timescales/rules.h"

#include <gtest/gtest.h>

#include <string>

#include "base/embedded.h"

namespace cairn::timescales {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

const WorkingDayCalendar& Calendar() {
  static const WorkingDayCalendar calendar = WorkingDayCalendar::EnglandAndWales().value();
  return calendar;
}

std::string EnglandText() {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "timescales/england.toml");
  EXPECT_NE(resource, nullptr);
  return resource == nullptr ? std::string() : std::string(resource->text);
}

// The England file with one piece of text replaced (which must be there).
std::string EnglandWith(const std::string& from, const std::string& to) {
  std::string text = EnglandText();
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "test setup: '" << from << "' is not in england.toml";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string ErrorOfIn(const std::string& text, const WorkingDayCalendar& calendar) {
  Result<RuleSet> rules = RuleSet::FromToml(text, "test.toml", calendar);
  EXPECT_FALSE(rules.ok()) << "expected the file to be refused";
  return rules.ok() ? std::string() : rules.status().message();
}

std::string ErrorOf(const std::string& text) { return ErrorOfIn(text, Calendar()); }

void ExpectMentions(const std::string& message, std::initializer_list<std::string> parts) {
  for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
}

TEST(TimescaleRules, EnglandDefinesEveryRuleTheIssueNames) {
  Result<RuleSet> rules = RuleSet::England();
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  for (const char* id :
       {"referral.assessment-45wd", "s47.icpc-15wd", "cp.core-group-first-10wd", "cp.review-first-3m",
        "cp.review-next-6m", "cp.visit", "cla.review-first-20wd", "cla.review-second-3m", "cla.review-next-6m",
        "cla.visit-first-1w", "cla.visit-6w", "cla.visit-long-term-3m", "cla.health-initial-20wd", "cla.health-review",
        "cla.pep-initial-10wd", "cla.permanence-plan-second-review", "leaver.pathway-review-6m", "leaver.contact-8w",
        "missing.return-interview-72h", "send.ehc-decision-6w", "send.ehc-final-20w", "send.ehc-annual-review-12m",
        "oversight.supervision"}) {
    const std::optional<size_t> index = rules->FindRule(id);
    ASSERT_TRUE(index.has_value()) << id;
    const Rule& rule = rules->rules()[*index];
    EXPECT_FALSE(rule.title.empty()) << id;
    EXPECT_FALSE(rule.source.empty()) << id;
  }
  for (const char* id : {"drift.cp-plan-18m", "drift.cp-plan-2y", "drift.repeat-cp-2y", "drift.re-referral-12m",
                         "drift.placement-moves-3-12m", "drift.sw-changes-3-12m", "drift.unallocated-5wd",
                         "drift.s20-over-6m", "drift.missing-3-90d", "drift.adoption-entry-to-placement-426d",
                         "drift.adoption-order-to-match-121d", "drift.many-overdue"}) {
    EXPECT_TRUE(rules->FindSignal(id).has_value()) << id;
  }
}

TEST(TimescaleRules, EnglandRulesCarryTheirNumbersAndSources) {
  const RuleSet rules = RuleSet::England(Calendar()).value();
  const Rule& review = rules.rules()[*rules.FindRule("cla.review-first-20wd")];
  EXPECT_EQ(review.interval, (Interval{20, IntervalUnit::kWorkingDays}));
  EXPECT_EQ(review.source, "CPPCR 2010 reg 33(1)");
  EXPECT_EQ(review.trigger, Trigger::kPeriodOfCare);
  EXPECT_TRUE(review.stops_with_trigger);
  EXPECT_EQ(review.stops_at_age, 18);

  const Rule& visit = rules.rules()[*rules.FindRule("cp.visit")];
  EXPECT_TRUE(visit.local);
  EXPECT_EQ(visit.interval, (Interval{10, IntervalUnit::kWorkingDays}));
  EXPECT_EQ(visit.recurrence, Recurrence::kAfterEach);

  const Rule& health = rules.rules()[*rules.FindRule("cla.health-review")];
  ASSERT_EQ(health.interval_under_age.size(), 1u);
  EXPECT_EQ(health.interval_under_age[0].under, 5);
  // Born 1 June 2018: under 5 on 31 May 2023, 5 on 1 June 2023.
  EXPECT_EQ(health.IntervalStarting(D(2023, 5, 31), D(2018, 6, 1)), (Interval{6, IntervalUnit::kMonths}));
  EXPECT_EQ(health.IntervalStarting(D(2023, 6, 1), D(2018, 6, 1)), (Interval{12, IntervalUnit::kMonths}));
  EXPECT_EQ(health.IntervalStarting(D(2023, 6, 1), std::nullopt), (Interval{12, IntervalUnit::kMonths}));

  const Rule& icpc = rules.rules()[*rules.FindRule("s47.icpc-15wd")];
  ASSERT_EQ(icpc.satisfied_by.size(), 2u);
  EXPECT_EQ(icpc.satisfied_by[0].trigger_field, "DateOfInitialCPC");
  EXPECT_EQ(icpc.satisfied_by[1].kind, model::EventKind::kInitialCpConference);
  ASSERT_EQ(icpc.trigger_unless.size(), 1u);
  EXPECT_EQ(icpc.trigger_unless[0].field, "ICPCnotRequired");

  EXPECT_EQ(rules.settings().short_break_legal_statuses, (std::vector<std::string>{"V3", "V4"}));
  EXPECT_EQ(rules.settings().section20_legal_statuses, (std::vector<std::string>{"V2"}));
}

TEST(TimescaleRules, SourcesSayWhichKindsTheyCarry) {
  const RuleSet rules = RuleSet::England(Calendar()).value();
  auto source = [&](std::string_view name) {
    for (size_t i = 0; i < rules.source_names().size(); ++i) {
      if (rules.source_names()[i] == name) return i;
    }
    ADD_FAILURE() << name;
    return size_t{0};
  };
  EXPECT_TRUE(rules.Carries(source("ssda903"), model::EventKind::kClaReview));
  EXPECT_FALSE(rules.Carries(source("ssda903"), model::EventKind::kVisit));
  EXPECT_FALSE(rules.Carries(source("ssda903"), model::EventKind::kHealthAssessment));
  EXPECT_TRUE(rules.Carries(source("cin-census"), model::EventKind::kAssessment));
  EXPECT_FALSE(rules.Carries(source("cin-census"), model::EventKind::kCoreGroup));
  EXPECT_TRUE(rules.Carries(source("cairn"), model::EventKind::kVisit));
  EXPECT_TRUE(rules.Carries(source("simulation"), model::EventKind::kSupervision));
}

TEST(TimescaleInterval, ParsesUnitsAndRefusesNonsense) {
  EXPECT_EQ(Interval::Parse("20 working days").value(), (Interval{20, IntervalUnit::kWorkingDays}));
  EXPECT_EQ(Interval::Parse("1 week").value(), (Interval{1, IntervalUnit::kWeeks}));
  EXPECT_EQ(Interval::Parse("6 Months").value(), (Interval{6, IntervalUnit::kMonths}));
  EXPECT_EQ(Interval::Parse("72 hours").value(), (Interval{72, IntervalUnit::kHours}));
  EXPECT_EQ(Interval::Parse("2 years").value(), (Interval{2, IntervalUnit::kYears}));
  for (const char* bad : {"", "20", "working days", "20 workdays", "-3 days", "3.5 months", "20  days", "99999 days"}) {
    EXPECT_FALSE(Interval::Parse(bad).ok()) << bad;
  }
  EXPECT_EQ(Interval::Parse("20 working days")->ToString(), "20 working days");
  EXPECT_EQ(Interval::Parse("1 week")->ToString(), "1 week");
}

TEST(TimescaleInterval, ArithmeticFollowsTheConventions) {
  const WorkingDayCalendar& calendar = Calendar();
  // Working days: D is day 0; Friday 16 Sep 2022 + 1 skips the weekend and the state funeral.
  EXPECT_EQ(Interval::Parse("1 working day")->After(D(2022, 9, 16), calendar), D(2022, 9, 20));
  EXPECT_EQ(Interval::Parse("0 working days")->After(D(2022, 9, 17), calendar), D(2022, 9, 17));
  // Months clamp to the end of the month.
  EXPECT_EQ(Interval::Parse("6 months")->After(D(2021, 8, 31), calendar), D(2022, 2, 28));
  EXPECT_EQ(Interval::Parse("6 months")->After(D(2023, 8, 31), calendar), D(2024, 2, 29));
  EXPECT_EQ(Interval::Parse("1 week")->After(D(2024, 2, 26), calendar), D(2024, 3, 4));
  EXPECT_EQ(Interval::Parse("72 hours")->After(D(2024, 2, 28), calendar), D(2024, 3, 2));
  EXPECT_EQ(Interval::Parse("25 hours")->After(D(2024, 2, 28), calendar), D(2024, 3, 1));
  EXPECT_EQ(Interval::Parse("2 years")->After(D(2020, 2, 29), calendar), D(2022, 2, 28));
  // Before is the inverse, for windows ending on a date.
  EXPECT_EQ(Interval::Parse("12 months")->Before(D(2024, 3, 31), calendar), D(2023, 3, 31));
  EXPECT_EQ(Interval::Parse("90 days")->Before(D(2024, 3, 31), calendar), D(2024, 1, 1));
  EXPECT_EQ(Interval::Parse("5 working days")->Before(D(2022, 9, 23), calendar), D(2022, 9, 15));
}

TEST(TimescaleRules, ErrorsNameTheRuleAndTheField) {
  ExpectMentions(ErrorOf(EnglandWith("trigger = \"cp-plan\"\nsatisfied_by = [{ kind = \"core-group\" }]",
                                     "trigger = \"cp-plans\"\nsatisfied_by = [{ kind = \"core-group\" }]")),
                 {"test.toml line", "rule 'cp.core-group-first-10wd'", "field 'trigger'", "'cp-plans'", "period-of-care"});
  ExpectMentions(ErrorOf(EnglandWith("interval = \"10 working days\"\nrecurrence = \"after-each\"",
                                     "interval = \"10 workdays\"\nrecurrence = \"after-each\"")),
                 {"rule 'cp.visit'", "field 'interval'", "'10 workdays' is not an interval"});
  ExpectMentions(ErrorOf(EnglandWith("where = { purpose = [\"cp\"] }", "where = { purpsoe = [\"cp\"] }")),
                 {"rule 'cp.visit'", "field 'where'", "'purpsoe' is not a field of 'visit'", "purpose"});
  ExpectMentions(ErrorOf(EnglandWith("satisfied_by = [{ kind = \"core-group\" }]", "satisfied_by = [{ kind = \"core-grope\" }]")),
                 {"rule 'cp.core-group-first-10wd'", "field 'kind'", "core-grope"});
  ExpectMentions(ErrorOf(EnglandWith("stops = [\"case-closes\"]", "stops = [\"plan-ends\"]")),
                 {"rule 'oversight.supervision'", "field 'stops'", "'plan-ends' does not stop this rule", "case-closes"});
  ExpectMentions(ErrorOf(EnglandWith("id = \"cp.review-next-6m\"", "id = \"cp.review-first-3m\"")),
                 {"rule 'cp.review-first-3m'", "field 'id'", "another rule already has this id"});
  ExpectMentions(ErrorOf(EnglandWith("recurrence = \"once\"\nstops = [\"episode-closes\"]\n\n[[rule]]\nid = \"s47",
                                     "recurrence = \"sometimes\"\nstops = [\"episode-closes\"]\n\n[[rule]]\nid = \"s47")),
                 {"rule 'referral.assessment-45wd'", "field 'recurrence'", "'sometimes'"});
  ExpectMentions(ErrorOf(EnglandWith("satisfied_by = [{ kind = \"assessment\", of = \"trigger\", date = \"end\" }]",
                                     "satisfied_by = [{ kind = \"pep\", of = \"trigger\" }]")),
                 {"rule 'referral.assessment-45wd'", "field 'of'", "never nested"});
  ExpectMentions(ErrorOf(EnglandWith("satisfied_by = [{ field = \"decision_date\" }]", "satisfied_by = [{ field = \"decision\" }]")),
                 {"rule 'send.ehc-decision-6w'", "field 'field'", "not a date field of 'ehc-request'"});
  ExpectMentions(ErrorOf(EnglandWith("title = \"Child protection visit, child seen, at the frequency in the plan\"",
                                     "title = \"Child protection visit\"\ncolour = \"red\"")),
                 {"rule 'cp.visit'", "field 'colour'", "there is no such field"});
  ExpectMentions(ErrorOf(EnglandWith("interval = \"8 weeks\"", "interval = \"9 weeks\"")),
                 {"rule 'leaver.contact-8w'", "field 'interval'", "9 weeks", "maximum the law allows (2 months)"});
}

TEST(TimescaleRules, SignalsAreCheckedToo) {
  ExpectMentions(ErrorOf(EnglandWith("id = \"drift.many-overdue\"", "id = \"drift.many-late\"")),
                 {"signal 'drift.many-late'", "field 'id'", "no logic"});
  ExpectMentions(ErrorOf(EnglandWith("count = 2\n", "window = \"2 days\"\n")),
                 {"signal 'drift.many-overdue'", "field 'count'", "is missing"});
  ExpectMentions(ErrorOf(EnglandWith("threshold = \"2 years\"\n", "threshold = \"2 years\"\ncount = 4\n")),
                 {"signal 'drift.cp-plan-2y'", "field 'count'", "does not use it"});
}

TEST(TimescaleRules, FileLevelErrors) {
  ExpectMentions(ErrorOf("[sources]\ncairn = [\"*\"\n"), {"test.toml line", "not valid TOML"});
  ExpectMentions(ErrorOf(EnglandText() + "\n[extras]\nx = 1\n"), {"'extras' is not part of a rules file"});
  ExpectMentions(ErrorOf(EnglandWith("cin-census = [\"cin-episode\"", "cin-census = [\"cin-episodes\"")),
                 {"[sources]", "field 'cin-census'", "cin-episodes"});
  ExpectMentions(ErrorOf(EnglandWith("missing_codes = [\"M\"]\n", "")), {"[settings]", "missing_codes", "is missing"});
}

TEST(TimescaleOverrides, ChangeLocalIntervalsOnly) {
  RuleSet rules = RuleSet::England(Calendar()).value();
  ASSERT_TRUE(rules.ApplyOverrides("[rule.\"cp.visit\"]\ninterval = \"15 working days\"\n\n"
                                   "[rule.\"oversight.supervision\"]\ninterval = \"6 weeks\"\n\n"
                                   "[signal.\"drift.missing-3-90d\"]\ncount = 2\n",
                                   "anytown.toml", Calendar())
                  .ok());
  EXPECT_EQ(rules.rules()[*rules.FindRule("cp.visit")].interval, (Interval{15, IntervalUnit::kWorkingDays}));
  EXPECT_EQ(rules.rules()[*rules.FindRule("oversight.supervision")].interval, (Interval{6, IntervalUnit::kWeeks}));
  EXPECT_EQ(rules.signals()[*rules.FindSignal("drift.missing-3-90d")].count, 2);
  // Everything else as shipped.
  EXPECT_EQ(rules.rules()[*rules.FindRule("cla.visit-6w")].interval, (Interval{6, IntervalUnit::kWeeks}));
}

TEST(TimescaleOverrides, RefusalsNameTheRuleAndChangeNothing) {
  auto refused = [](const std::string& text) {
    RuleSet rules = RuleSet::England(Calendar()).value();
    const Status status = rules.ApplyOverrides(text, "anytown.toml", Calendar());
    EXPECT_FALSE(status.ok()) << text;
    // Nothing changed, even for the entries before the bad one.
    EXPECT_EQ(rules.rules()[*rules.FindRule("cp.visit")].interval, (Interval{10, IntervalUnit::kWorkingDays}));
    return status.message();
  };
  ExpectMentions(refused("[rule.\"cp.visit\"]\ninterval = \"15 working days\"\n[rule.\"cla.review-first-20wd\"]\ninterval = \"25 working days\"\n"),
                 {"anytown.toml line 3", "rule 'cla.review-first-20wd'", "set nationally", "CPPCR 2010 reg 33(1)"});
  ExpectMentions(refused("[rule.\"cp.vist\"]\ninterval = \"15 working days\"\n"), {"rule 'cp.vist'", "no rule with this id"});
  ExpectMentions(refused("[rule.\"cp.visit\"]\ntrigger = \"referral\"\n"), {"rule 'cp.visit'", "field 'trigger'", "no such field"});
  ExpectMentions(refused("[rule.\"cp.visit\"]\ninterval = \"fortnightly\"\n"), {"rule 'cp.visit'", "field 'interval'", "'fortnightly'"});
  ExpectMentions(refused("[rule.\"leaver.contact-8w\"]\ninterval = \"3 months\"\n"),
                 {"rule 'leaver.contact-8w'", "field 'interval'", "longer than the law allows (2 months)"});
  ExpectMentions(refused("[signal.\"drift.cp-plan-2y\"]\nthreshold = \"3 years\"\n"), {"signal 'drift.cp-plan-2y'", "national measure"});
  ExpectMentions(refused("[settings]\nmissing_codes = [\"M\", \"A\"]\n"), {"'settings' cannot be overridden"});

  RuleSet rules = RuleSet::England(Calendar()).value();
  EXPECT_TRUE(
      rules.ApplyOverrides("[rule.\"leaver.contact-8w\"]\ninterval = \"2 months\"\n", "anytown.toml", Calendar()).ok());
  // Without a calendar, England and Wales's.
  EXPECT_TRUE(rules.ApplyOverrides("[rule.\"leaver.contact-8w\"]\ninterval = \"4 weeks\"\n", "anytown.toml").ok());
}

TEST(TimescaleOverrides, WorkingDaysAreCountedInTheCalendarGiven) {
  // New Year's Day only; then the same with every weekday of 5-16 February 2024 a holiday.
  const std::string open_text =
      "name = \"Open\"\n[[holiday]]\nname = \"New Year's Day\"\nrule = \"fixed\"\nmonth = 1\nday = 1\n"
      "substitute = \"next-free-weekday\"\n";
  std::string closed_text = open_text;
  for (const char* day : {"05", "06", "07", "08", "09", "12", "13", "14", "15", "16"}) {
    closed_text += "[[one_off]]\nname = \"Closed " + std::string(day) + "\"\ndate = 2024-02-" + day + "\n";
  }
  const WorkingDayCalendar open = WorkingDayCalendar::FromToml(open_text, "open.toml").value();
  const WorkingDayCalendar closed = WorkingDayCalendar::FromToml(closed_text, "closed.toml").value();
  // 40 working days is at most 59 days with one holiday a year: within 2 months from any day.
  // With two weeks closed in February, 40 working days from 8 January 2024 reach 18 March, past
  // 8 March.
  const std::string text = "[rule.\"leaver.contact-8w\"]\ninterval = \"40 working days\"\n";
  RuleSet rules = RuleSet::England(open).value();
  EXPECT_TRUE(rules.ApplyOverrides(text, "anytown.toml", open).ok());
  RuleSet strict = RuleSet::England(closed).value();
  ExpectMentions(strict.ApplyOverrides(text, "anytown.toml", closed).message(),
                 {"rule 'leaver.contact-8w'", "longer than the law allows (2 months)"});
  // A rules file's own local interval is checked in the calendar given too.
  const std::string stops = "recurrence = \"after-each\"\nstops = [\"returns-to-care\", \"turns-21\"]";
  const std::string forty = EnglandWith("interval = \"8 weeks\"\n" + stops, "interval = \"40 working days\"\n" + stops);
  EXPECT_TRUE(RuleSet::FromToml(forty, "test.toml", open).ok());
  ExpectMentions(ErrorOfIn(forty, closed), {"rule 'leaver.contact-8w'", "longer than the maximum the law allows"});
}

}  // namespace
}  // namespace cairn::timescales
