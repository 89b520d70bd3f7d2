#include "timescales/evaluator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <vector>

#include "base/json_text.h"
#include "timescales/report.h"

namespace cairn::timescales {
namespace {

using model::Chronology;
using model::Event;
using model::EventKind;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

const Evaluator& England() {
  static const WorkingDayCalendar calendar = WorkingDayCalendar::EnglandAndWales().value();
  static const Evaluator evaluator = Evaluator::Create(RuleSet::England(calendar).value(), calendar).value();
  return evaluator;
}

Event Make(EventKind kind, Date start, std::optional<Date> end = std::nullopt, int32_t parent = -1,
           std::vector<std::pair<std::string, std::string>> fields = {}, std::string source = "cairn") {
  Event event{.kind = kind, .start = start, .end = end, .parent = parent};
  for (auto& [name, value] : fields) event.Set(name, value);
  event.provenance.source = std::move(source);
  return event;
}

std::vector<const Obligation*> OfRule(const ChildEvaluation& result, std::string_view id) {
  const size_t rule = *England().rules().FindRule(id);
  std::vector<const Obligation*> found;
  for (const Obligation& obligation : result.obligations) {
    if (obligation.rule == rule) found.push_back(&obligation);
  }
  return found;
}

const DriftSignal* SignalOf(const ChildEvaluation& result, std::string_view id) {
  const size_t signal = *England().rules().FindSignal(id);
  for (const DriftSignal& drift : result.signals) {
    if (drift.signal == signal) return &drift;
  }
  return nullptr;
}

// A CP plan with visits, in an order that is not date order, to check indices survive compaction.
Chronology CpChild(const std::string& id) {
  Chronology chronology(model::Child{.la_child_id = id, .birth_date = D(2015, 1, 1)});
  chronology.Add(Make(EventKind::kVisit, D(2024, 1, 20), std::nullopt, -1, {{"purpose", "cp"}}));  // 0
  const int32_t episode = chronology.Add(Make(EventKind::kCinEpisode, D(2024, 1, 2)));                // 1
  chronology.Add(Make(EventKind::kCpPlan, D(2024, 1, 8), std::nullopt, episode));                    // 2
  chronology.Add(Make(EventKind::kVisit, D(2024, 1, 10), std::nullopt, -1, {{"purpose", "cp"}}));   // 3
  chronology.Add(Make(EventKind::kSocialWorkerAllocation, D(2024, 1, 2), std::nullopt, -1, {{"SW_ID", "SW7"}}));
  return chronology;
}

TEST(TimescaleCompact, GroupsByKindSortsByDateAndKeepsOriginalIndices) {
  const Chronology chronology = CpChild("C1");
  const CompactChronology compact = England().Compact(chronology);
  EXPECT_EQ(compact.child_id(), "C1");
  ASSERT_EQ(compact.size(), 5u);
  const auto visits = compact.OfKind(EventKind::kVisit);
  ASSERT_EQ(visits.size(), 2u);
  EXPECT_EQ(visits[0].start, D(2024, 1, 10).day_number());
  EXPECT_EQ(visits[1].start, D(2024, 1, 20).day_number());
  const int32_t first_visit = compact.FirstOfKind(EventKind::kVisit);
  EXPECT_EQ(compact.original_index(first_visit), 3);
  EXPECT_EQ(compact.original_index(first_visit + 1), 0);
  // The plan's parent is the CIN episode, wherever compaction put it.
  const int32_t plan = compact.FirstOfKind(EventKind::kCpPlan);
  EXPECT_EQ(compact.event(plan).parent, compact.FirstOfKind(EventKind::kCinEpisode));
  // The same field condition ("purpose is cp") sets the same bit on both visits.
  EXPECT_NE(visits[0].facts, 0u);
  EXPECT_EQ(visits[0].facts, visits[1].facts);
  // Allocations keep their worker.
  const auto allocations = compact.OfKind(EventKind::kSocialWorkerAllocation);
  ASSERT_EQ(allocations.size(), 1u);
  EXPECT_EQ(compact.workers()[static_cast<size_t>(allocations[0].aux)], "SW7");
  EXPECT_EQ(Evaluator::AllocatedWorker(compact, D(2024, 2, 1)), "SW7");
  EXPECT_EQ(Evaluator::AllocatedWorker(compact, D(2024, 1, 1)), std::nullopt);
}

TEST(TimescaleEvaluator, ObligationsPointAtTheirEvents) {
  const Chronology chronology = CpChild("C1");
  const ChildEvaluation result = England().Evaluate(chronology, D(2024, 2, 28));
  const auto visits = OfRule(result, "cp.visit");
  ASSERT_GE(visits.size(), 2u);
  // Plan 8 Jan 2024 -> first visit 10 Jan (event 3); the interval from it was met on 20 Jan (event 0).
  EXPECT_EQ(visits[0]->trigger_event, 2);
  EXPECT_EQ(visits[0]->met_by, 3);
  EXPECT_EQ(visits[1]->trigger_event, 3);
  EXPECT_EQ(visits[1]->met_by, 0);
  EXPECT_EQ(visits[1]->status, ObligationStatus::kMet);
  // 10 working days after 20 Jan 2024 (a Saturday): 2 Feb. As at 28 Feb, 26 days overdue.
  ASSERT_EQ(visits.size(), 3u);
  EXPECT_EQ(visits[2]->due, D(2024, 2, 2));
  EXPECT_EQ(visits[2]->status, ObligationStatus::kOverdue);
  EXPECT_EQ(visits[2]->days, 26);
  EXPECT_FALSE(visits[2]->closed);
  EXPECT_EQ(visits[2]->met_by, -1);
}

TEST(TimescaleEvaluator, NothingBeforeTheFirstEventAndNothingForAnEmptyRecord) {
  const ChildEvaluation before = England().Evaluate(CpChild("C1"), D(2023, 12, 31));
  EXPECT_TRUE(before.obligations.empty());
  EXPECT_TRUE(before.signals.empty());
  const ChildEvaluation empty = England().Evaluate(Chronology(model::Child{.la_child_id = "E"}), D(2024, 1, 1));
  EXPECT_TRUE(empty.obligations.empty());
  EXPECT_TRUE(empty.signals.empty());
}

TEST(TimescaleEvaluator, DeathAndEighteenthBirthdayStopDuties) {
  // Looked after from Thursday 1 Feb 2024, no review: due 29 Feb (Feb 2, 5-9, 12-16, 19-23, 26-29).
  auto child = [](std::optional<Date> birth, std::optional<Date> death) {
    Chronology chronology(model::Child{.la_child_id = "S", .birth_date = birth, .death_date = death});
    chronology.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 2, 1), std::nullopt, -1,
                        {{"RNE", "S"}, {"LS", "C2"}, {"PLACE", "U3"}}));
    return chronology;
  };
  const ChildEvaluation alive = England().Evaluate(child(D(2010, 1, 1), std::nullopt), D(2024, 6, 1));
  ASSERT_EQ(OfRule(alive, "cla.review-first-20wd").size(), 1u);
  EXPECT_EQ(OfRule(alive, "cla.review-first-20wd")[0]->due, D(2024, 2, 29));
  EXPECT_EQ(OfRule(alive, "cla.review-first-20wd")[0]->status, ObligationStatus::kOverdue);
  // Died on 10 Feb 2024, before the deadline: nothing is owed.
  const ChildEvaluation died = England().Evaluate(child(D(2010, 1, 1), D(2024, 2, 10)), D(2024, 6, 1));
  EXPECT_TRUE(OfRule(died, "cla.review-first-20wd").empty());
  // Turned 18 on 15 Feb 2024, before the deadline: nothing is owed.
  const ChildEvaluation adult = England().Evaluate(child(D(2006, 2, 15), std::nullopt), D(2024, 6, 1));
  EXPECT_TRUE(OfRule(adult, "cla.review-first-20wd").empty());
  // Turned 18 on 10 March, after it: a missed review, overdue 10 days (29 Feb to 10 Mar) and no more.
  const ChildEvaluation late = England().Evaluate(child(D(2006, 3, 10), std::nullopt), D(2024, 6, 1));
  ASSERT_EQ(OfRule(late, "cla.review-first-20wd").size(), 1u);
  EXPECT_EQ(OfRule(late, "cla.review-first-20wd")[0]->status, ObligationStatus::kOverdue);
  EXPECT_EQ(OfRule(late, "cla.review-first-20wd")[0]->days, 10);
  EXPECT_TRUE(OfRule(late, "cla.review-first-20wd")[0]->closed);
}

TEST(TimescaleEvaluator, ManyOverdueCountsLiveObligationsOnly) {
  // A plan that ended after two missed visits: those are closed, not live, so no drift signal.
  Chronology chronology(model::Child{.la_child_id = "M", .birth_date = D(2015, 1, 1)});
  const int32_t episode = chronology.Add(Make(EventKind::kCinEpisode, D(2024, 1, 2), D(2024, 3, 29)));
  chronology.Add(Make(EventKind::kCpPlan, D(2024, 1, 8), D(2024, 3, 28), episode));
  const ChildEvaluation result = England().Evaluate(chronology, D(2024, 6, 1));
  int closed_overdue = 0;
  for (const Obligation& obligation : result.obligations) {
    if (obligation.status == ObligationStatus::kOverdue) {
      EXPECT_TRUE(obligation.closed) << England().rules().rules()[obligation.rule].id;
      ++closed_overdue;
    }
  }
  EXPECT_GE(closed_overdue, 2);
  EXPECT_EQ(SignalOf(result, "drift.many-overdue"), nullptr);
  // As at a date while the plan was open, the same misses are live: the signal is there.
  const ChildEvaluation open = England().Evaluate(chronology, D(2024, 3, 1));
  EXPECT_NE(SignalOf(open, "drift.many-overdue"), nullptr);
}

TEST(TimescaleEvaluator, CreateRefusesRulesItCannotCompile) {
  const WorkingDayCalendar calendar = WorkingDayCalendar::EnglandAndWales().value();
  const RuleSet rules = RuleSet::England(calendar).value();
  // Two rules reading different date fields of the same kind.
  {
    const std::string base = R"(
[sources]
cairn = ["*"]
[settings]
short_break_legal_statuses = ["V3"]
section20_legal_statuses = ["V2"]
new_period_reasons = ["S"]
continuing_reasons_ceased = ["X1"]
placement_change_reasons = ["P"]
long_term_placements = ["U4"]
adoption_placements = ["A5"]
missing_codes = ["M"]
[[rule]]
id = "a"
title = "A"
source = "test"
trigger = "section-47"
satisfied_by = [{ field = "DateOfInitialCPC" }]
interval = "15 working days"
recurrence = "once"
[[rule]]
id = "b"
title = "B"
source = "test"
trigger = "section-47"
satisfied_by = [{ field = "InitialCPCtarget" }]
interval = "15 working days"
recurrence = "once"
)";
    std::string signals;
    for (const Signal& signal : rules.signals()) {
      signals += "[[signal]]\nid = \"" + signal.id + "\"\ntitle = \"t\"\nsource = \"s\"\n";
      if (signal.threshold) signals += "threshold = \"" + signal.threshold->ToString() + "\"\n";
      if (signal.count) signals += "count = " + std::to_string(*signal.count) + "\n";
      if (signal.window) signals += "window = \"" + signal.window->ToString() + "\"\n";
    }
    Result<RuleSet> parsed = RuleSet::FromToml(base + signals, "two-fields.toml", calendar);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    Result<Evaluator> evaluator = Evaluator::Create(*parsed, calendar);
    ASSERT_FALSE(evaluator.ok());
    EXPECT_NE(evaluator.status().message().find("one date field per kind"), std::string::npos)
        << evaluator.status().message();
  }
}

// Deterministic, varied chronologies for the parallel and incremental checks.
std::vector<Chronology> RandomChildren(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  auto day = [&](Date from, int span) { return from.AddDays(static_cast<int32_t>(random() % static_cast<uint32_t>(span))); };
  std::vector<Chronology> children;
  for (size_t i = 0; i < count; ++i) {
    Chronology chronology(model::Child{.la_child_id = "R" + std::to_string(i), .birth_date = day(D(2006, 1, 1), 5000)});
    const Date referral = day(D(2020, 1, 1), 1200);
    const int32_t episode = chronology.Add(Make(EventKind::kCinEpisode, referral));
    chronology.Add(Make(EventKind::kAssessment, referral.AddDays(2), referral.AddDays(20 + static_cast<int>(random() % 60)), episode));
    chronology.Add(Make(EventKind::kSocialWorkerAllocation, referral, std::nullopt, -1, {{"SW_ID", "W" + std::to_string(random() % 9)}}));
    if (random() % 2 == 0) {
      const Date plan_start = referral.AddDays(30);
      const int32_t plan = chronology.Add(Make(EventKind::kCpPlan, plan_start, std::nullopt, episode));
      for (Date visit = plan_start.AddDays(3); visit < D(2024, 6, 1); visit = visit.AddDays(10 + static_cast<int>(random() % 12))) {
        chronology.Add(Make(EventKind::kVisit, visit, std::nullopt, -1, {{"purpose", "cp"}, {"child_seen", "1"}}));
      }
      chronology.Add(Make(EventKind::kCpReview, plan_start.AddMonths(3), std::nullopt, plan));
    }
    if (random() % 3 == 0) {
      const Date care = referral.AddDays(60);
      chronology.Add(Make(EventKind::kLookedAfterEpisode, care, std::nullopt, -1, {{"RNE", "S"}, {"LS", "C2"}, {"PLACE", "U3"}}));
      for (Date review = care.AddDays(18); review < D(2024, 6, 1); review = review.AddMonths(4)) {
        chronology.Add(Make(EventKind::kClaReview, review));
      }
    }
    children.push_back(std::move(chronology));
  }
  return children;
}

std::vector<std::string> Lines(const std::vector<CompactChronology>& children, const std::vector<ChildEvaluation>& results) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < results.size(); ++i) {
    for (const Obligation& obligation : results[i].obligations) {
      lines.push_back(ObligationJson(children[i].child_id(), obligation, England().rules()));
    }
    for (const DriftSignal& signal : results[i].signals) {
      lines.push_back(SignalJson(children[i].child_id(), signal, England().rules()));
    }
  }
  return lines;
}

TEST(TimescaleCouncil, ParallelEvaluationGivesTheSameAnswerAsOneThread) {
  const std::vector<Chronology> chronologies = RandomChildren(400, 7);
  const std::vector<CompactChronology> one = CompactAll(England(), chronologies, 1);
  const std::vector<CompactChronology> four = CompactAll(England(), chronologies, 4);
  const std::vector<ChildEvaluation> serial = EvaluateCouncil(England(), one, D(2024, 6, 1), 1);
  const std::vector<ChildEvaluation> parallel = EvaluateCouncil(England(), four, D(2024, 6, 1), 4);
  const std::vector<std::string> serial_lines = Lines(one, serial);
  EXPECT_GT(serial_lines.size(), 1000u);
  EXPECT_EQ(serial_lines, Lines(four, parallel));

  // The visitor form: one tally per worker, no locks, the same totals.
  std::vector<size_t> visited(3, 0);
  std::vector<size_t> obligations(3, 0);
  std::vector<std::atomic<int>> seen(chronologies.size());
  EvaluateCouncil(England(), four, D(2024, 6, 1), 3, [&](int worker, size_t index, const ChildEvaluation& result) {
    ASSERT_GE(worker, 0);
    ASSERT_LT(worker, 3);
    ++visited[static_cast<size_t>(worker)];
    obligations[static_cast<size_t>(worker)] += result.obligations.size();
    ++seen[index];
    EXPECT_EQ(result.obligations.size(), serial[index].obligations.size());
  });
  EXPECT_EQ(visited[0] + visited[1] + visited[2], chronologies.size());
  for (const std::atomic<int>& count : seen) EXPECT_EQ(count.load(), 1);
  size_t total = 0;
  for (const ChildEvaluation& result : serial) total += result.obligations.size();
  EXPECT_EQ(obligations[0] + obligations[1] + obligations[2], total);
}

TEST(TimescaleCouncil, UpdatingOneChildReEvaluatesOnlyThatChild) {
  std::vector<Chronology> chronologies = RandomChildren(50, 11);
  const Date as_at = D(2024, 6, 1);
  CouncilEvaluation council(England(), chronologies, as_at, 2);
  ASSERT_EQ(council.size(), 50u);
  std::vector<ChildEvaluation> before;
  for (size_t i = 0; i < council.size(); ++i) before.push_back(council.result(i));

  // Child R5 gets a new looked-after episode today: new obligations appear for R5 alone.
  Chronology& changed = chronologies[5];
  changed.Add(Make(EventKind::kLookedAfterEpisode, D(2024, 5, 1), std::nullopt, -1, {{"RNE", "S"}, {"LS", "C2"}, {"PLACE", "U3"}}));
  const size_t index = council.Update(changed);
  EXPECT_EQ(index, 5u);
  EXPECT_EQ(council.Find("R5"), 5u);
  const ChildEvaluation fresh = England().Evaluate(changed, as_at);
  EXPECT_EQ(Lines({council.child(5)}, {council.result(5)}), Lines({England().Compact(changed)}, {fresh}));
  EXPECT_NE(council.result(5).obligations.size(), before[5].obligations.size());
  for (size_t i = 0; i < council.size(); ++i) {
    if (i == 5) continue;
    EXPECT_EQ(council.result(i).obligations.size(), before[i].obligations.size()) << i;
  }

  // A child the council has not seen is added.
  Chronology newcomer(model::Child{.la_child_id = "NEW", .birth_date = D(2019, 1, 1)});
  newcomer.Add(Make(EventKind::kCinEpisode, D(2024, 5, 20)));
  EXPECT_EQ(council.Update(newcomer), 50u);
  EXPECT_EQ(council.size(), 51u);
  ASSERT_EQ(OfRule(council.result(50), "referral.assessment-45wd").size(), 1u);
  EXPECT_EQ(OfRule(council.result(50), "referral.assessment-45wd")[0]->status, ObligationStatus::kDue);

  // Everything again at an earlier date matches a fresh evaluation.
  council.EvaluateAt(D(2022, 1, 1), 2);
  EXPECT_EQ(Lines({council.child(5)}, {council.result(5)}),
            Lines({England().Compact(changed)}, {England().Evaluate(changed, D(2022, 1, 1))}));
}

TEST(TimescaleReport, JsonLinesHaveExactlyTheIssuesKeys) {
  Obligation obligation;
  obligation.rule = static_cast<uint16_t>(*England().rules().FindRule("cla.visit-6w"));
  obligation.status = ObligationStatus::kOverdue;
  obligation.trigger = D(2024, 1, 2);
  obligation.due = D(2024, 2, 13);
  obligation.days = 17;
  EXPECT_EQ(ObligationJson("C\"1", obligation, England().rules()),
            R"({"child":"C\"1","rule":"cla.visit-6w","trigger":"2024-01-02","due":"2024-02-13","done":null,"status":"overdue","days":17})");
  obligation.status = ObligationStatus::kMetLate;
  obligation.done = D(2024, 2, 14);
  obligation.days = 1;
  EXPECT_EQ(ObligationJson("C1", obligation, England().rules()),
            R"({"child":"C1","rule":"cla.visit-6w","trigger":"2024-01-02","due":"2024-02-13","done":"2024-02-14","status":"met-late","days":1})");
  EXPECT_EQ(ObligationCsv("C,1", obligation, England().rules()), "\"C,1\",cla.visit-6w,2024-01-02,2024-02-13,2024-02-14,met-late,1");

  DriftSignal signal{static_cast<uint16_t>(*England().rules().FindSignal("drift.cp-plan-2y")), D(2024, 3, 1),
                     {{"cp-plan", D(2022, 3, 1), std::nullopt, ""}, {"cp-plan", D(2019, 1, 1), D(2020, 1, 1), "previous plan"}}};
  EXPECT_EQ(SignalJson("C1", signal, England().rules()),
            R"({"child":"C1","signal":"drift.cp-plan-2y","since":"2024-03-01","evidence":[{"what":"cp-plan","date":"2022-03-01","end":null,"note":""},{"what":"cp-plan","date":"2019-01-01","end":"2020-01-01","note":"previous plan"}]})");
  EXPECT_EQ(SignalCsv("C1", signal, England().rules()),
            "C1,drift.cp-plan-2y,2024-03-01,cp-plan 2022-03-01; cp-plan 2019-01-01 to 2020-01-01 (previous plan)");
}

TEST(TimescaleReport, InvalidUtf8BecomesReplacementCharacters) {
  Obligation obligation;
  obligation.rule = static_cast<uint16_t>(*England().rules().FindRule("cla.visit-6w"));
  obligation.status = ObligationStatus::kDue;
  obligation.trigger = D(2024, 1, 2);
  obligation.due = D(2024, 2, 13);
  // Latin-1 "Zoë" (0xEB alone), then a quote the escaping must keep, then valid UTF-8 "é".
  EXPECT_EQ(ObligationJson("Zo\xEB\"\xC3\xA9", obligation, England().rules()),
            "{\"child\":\"Zo\xEF\xBF\xBD\\\"\xC3\xA9\",\"rule\":\"cla.visit-6w\",\"trigger\":\"2024-01-02\","
            "\"due\":\"2024-02-13\",\"done\":null,\"status\":\"due\",\"days\":0}");
  // A truncated sequence: each byte on its own becomes one U+FFFD.
  DriftSignal signal{static_cast<uint16_t>(*England().rules().FindSignal("drift.cp-plan-2y")), D(2024, 3, 1),
                     {{"cp-plan", D(2022, 3, 1), std::nullopt, "worker \xE2\x82"}}};
  const std::string json = SignalJson("C1", signal, England().rules());
  EXPECT_NE(json.find("\"note\":\"worker \xEF\xBF\xBD\xEF\xBF\xBD\"}"), std::string::npos) << json;
  EXPECT_TRUE(IsValidUtf8(json));
}

TEST(TimescaleReport, CsvQuotesWhatToolsWouldTrim) {
  Obligation obligation;
  obligation.rule = static_cast<uint16_t>(*England().rules().FindRule("cla.visit-6w"));
  obligation.status = ObligationStatus::kDue;
  obligation.trigger = D(2024, 1, 2);
  obligation.due = D(2024, 2, 13);
  EXPECT_EQ(ObligationCsv(" C1", obligation, England().rules()), "\" C1\",cla.visit-6w,2024-01-02,2024-02-13,,due,0");
  EXPECT_EQ(ObligationCsv("\xEF\xBB\xBF" "C1", obligation, England().rules()),
            "\"\xEF\xBB\xBF" "C1\",cla.visit-6w,2024-01-02,2024-02-13,,due,0");
}

TEST(TimescaleStatus, NamesRoundTrip) {
  for (const char* name : {"met", "met-late", "due", "overdue", "unknown"}) {
    const std::optional<ObligationStatus> status = StatusFromName(name);
    ASSERT_TRUE(status.has_value()) << name;
    EXPECT_EQ(StatusName(*status), name);
  }
  EXPECT_FALSE(StatusFromName("late").has_value());
}

}  // namespace
}  // namespace cairn::timescales

namespace cairn::timescales {
namespace {

// A direction from management oversight is due on the date the manager set, not an interval
// from the oversight: due before it, overdue after it, met (or late) on the day its owner marks
// it done; and recorded oversight counts as the case's supervision.
TEST(TimescaleEvaluator, ADirectionIsDueOnItsOwnDateAndMetWhenMarkedDone) {
  Chronology chronology(model::Child{.la_child_id = "D1", .birth_date = D(2015, 1, 1)});
  chronology.Add(Make(EventKind::kCinEpisode, D(2024, 1, 2)));
  const int32_t oversight = chronology.Add(Make(EventKind::kOversight, D(2024, 3, 1), std::nullopt, -1,
                                                {{"type", "case-direction"}}));
  chronology.Add(Make(EventKind::kDirection, D(2024, 3, 1), std::nullopt, oversight,
                      {{"owner", "SW7"}, {"due_date", "2024-03-15"}}));

  const ChildEvaluation before_result = England().Evaluate(chronology, D(2024, 3, 10));
  const std::vector<const Obligation*> before = OfRule(before_result, "oversight.direction");
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0]->status, ObligationStatus::kDue);
  EXPECT_EQ(before[0]->due, D(2024, 3, 15));
  EXPECT_EQ(before[0]->trigger, D(2024, 3, 1)) << "the clock starts when the direction is given";
  EXPECT_EQ(before[0]->trigger_event, 2);

  const ChildEvaluation after_result = England().Evaluate(chronology, D(2024, 3, 20));
  const std::vector<const Obligation*> after = OfRule(after_result, "oversight.direction");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]->status, ObligationStatus::kOverdue);
  EXPECT_EQ(after[0]->days, 5);

  Chronology done = chronology;
  done.mutable_events()[2].end = D(2024, 3, 14);
  const ChildEvaluation met_result = England().Evaluate(done, D(2024, 3, 20));
  const std::vector<const Obligation*> met = OfRule(met_result, "oversight.direction");
  ASSERT_EQ(met.size(), 1u);
  EXPECT_EQ(met[0]->status, ObligationStatus::kMet);
  ASSERT_TRUE(met[0]->done.has_value());
  EXPECT_EQ(*met[0]->done, D(2024, 3, 14));
  // Marked done only after the as-at date: not yet done then.
  const ChildEvaluation not_yet = England().Evaluate(done, D(2024, 3, 12));
  EXPECT_EQ(OfRule(not_yet, "oversight.direction")[0]->status, ObligationStatus::kDue);

  Chronology late = chronology;
  late.mutable_events()[2].end = D(2024, 3, 18);
  const ChildEvaluation met_late_result = England().Evaluate(late, D(2024, 3, 20));
  const std::vector<const Obligation*> met_late = OfRule(met_late_result, "oversight.direction");
  EXPECT_EQ(met_late[0]->status, ObligationStatus::kMetLate);
  EXPECT_EQ(met_late[0]->days, 3);

  // The oversight itself is the case's supervision.
  const ChildEvaluation supervision_result = England().Evaluate(chronology, D(2024, 3, 10));
  const std::vector<const Obligation*> supervision = OfRule(supervision_result, "oversight.supervision");
  ASSERT_FALSE(supervision.empty());
  EXPECT_TRUE(std::any_of(supervision.begin(), supervision.end(), [](const Obligation* o) {
    return o->done && *o->done == D(2024, 3, 1);
  }));
}

}  // namespace
}  // namespace cairn::timescales

namespace cairn::timescales {
namespace {

// An action set by a case audit is a deadline like a direction: due on its own date, overdue
// after it, met when its owner marks it done; a direction's rule does not count it.
TEST(TimescaleEvaluator, AnAuditActionIsDueOnItsOwnDateAndMetWhenMarkedDone) {
  Chronology chronology(model::Child{.la_child_id = "A1", .birth_date = D(2015, 1, 1)});
  chronology.Add(Make(EventKind::kCinEpisode, D(2024, 1, 2)));
  const int32_t audit = chronology.Add(Make(EventKind::kCaseAudit, D(2024, 3, 1), std::nullopt, -1, {{"grade", "good"}}));
  chronology.Add(Make(EventKind::kAuditAction, D(2024, 3, 1), std::nullopt, audit,
                      {{"owner", "SW7"}, {"due_date", "2024-04-01"}}));
  const ChildEvaluation due_result = England().Evaluate(chronology, D(2024, 3, 10));
  const std::vector<const Obligation*> due = OfRule(due_result, "audit.action");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0]->status, ObligationStatus::kDue);
  EXPECT_EQ(due[0]->due, D(2024, 4, 1));
  EXPECT_TRUE(OfRule(due_result, "oversight.direction").empty());

  const ChildEvaluation overdue_result = England().Evaluate(chronology, D(2024, 4, 3));
  EXPECT_EQ(OfRule(overdue_result, "audit.action")[0]->status, ObligationStatus::kOverdue);

  Chronology done = chronology;
  done.mutable_events()[2].end = D(2024, 3, 28);
  const ChildEvaluation met_result = England().Evaluate(done, D(2024, 4, 3));
  EXPECT_EQ(OfRule(met_result, "audit.action")[0]->status, ObligationStatus::kMet);
}

}  // namespace
}  // namespace cairn::timescales
