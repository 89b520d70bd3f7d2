// An improvement plan: the recommendations an inspection made (worded as the report words them),
// the actions the council set itself against each, and the measures that show whether it is
// working, each with a target and a trajectory (the value expected by each date). The plan is
// written as a TOML file (docs/examples/improvement-plan.toml is an example) and imported with
// `cairn plan import`; how each measure is doing is computed from the record (rag.h), never typed.
//
//   title = "Improvement plan after the ILACS inspection"
//   [[recommendation]]
//   id = "R1"
//   text = "Reduce drift and delay in assessments ..."
//     [[recommendation.measure]]
//     id = "R1.M1"
//     indicator = "assessments-within-45-days"   # or rule = "s47.icpc-15wd" (with window_months)
//     target = 85.0
//     tolerance = 5.0                            # optional; in the measure's unit
//     trajectory = [{ date = 2024-09-30, value = 70.0 }, { date = 2025-03-31, value = 85.0 }]
//     [[recommendation.action]]
//     id = "R1.A1"
//     text = "..."
//     owner = "Head of service, front door"
//     due = 2025-01-31
//     status = "on-track"                        # not-started, on-track, at-risk or complete
//     measures = ["R1.M1"]                       # optional: by default, all the recommendation's
//     notes = [{ date = 2024-11-04, text = "..." }]
//
// Measures belong to recommendations (an inspection's recommendation is what is measured); an
// action is judged by the measures it names, or, when it names none, by all its recommendation's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "indicators/catalogue.h"
#include "timescales/rules.h"

namespace cairn::improvement {

// What the action's owner says of it: data from the plan file, shown beside the computed RAG.
enum class SelfReported { kNotStarted, kOnTrack, kAtRisk, kComplete };
std::string_view SelfReportedName(SelfReported status);  // "not-started", "on-track", "at-risk", "complete"
std::optional<SelfReported> SelfReportedFromName(std::string_view name);

struct TrajectoryPoint {
  Date date;
  double value = 0;
};

struct Measure {
  std::string id;
  // Exactly one of these: a catalogue indicator id (data/indicators/catalogue.toml), measured over
  // the twelve months ending on the as-at date; or a timescales rule id
  // (data/timescales/england.toml), measured as the percentage of that rule's deadlines falling
  // due in the `window_months` before the as-at date that were met on time.
  std::string indicator;
  std::string rule;
  int window_months = 3;  // rules only
  double target = 0;
  // How far worse than the trajectory still counts as amber, in the measure's unit. Absent in
  // the file: 5 percentage points for a percentage (and every rule), else 5% of the target.
  double tolerance = 0;
  bool higher_is_better = true;  // from the catalogue (or the measure's own higher_is_better)
  std::optional<double> baseline;
  std::vector<TrajectoryPoint> trajectory;  // dates strictly rising
  std::string unit;  // "percent", "rate-per-10000", "count" or "average"
  uint32_t line = 0;
};

struct Note {
  Date date;
  std::string text;
};

struct Action {
  std::string id;
  std::string text;
  std::string owner;
  Date due;
  SelfReported status = SelfReported::kNotStarted;
  std::vector<Note> notes;
  std::vector<std::string> measures;  // ids of the recommendation's measures; empty: all of them
  uint32_t line = 0;
};

struct Recommendation {
  std::string id;
  std::string text;  // as the inspection report words it
  std::vector<Measure> measures;
  std::vector<Action> actions;
  uint32_t line = 0;
};

struct Plan {
  std::string title;
  std::vector<Recommendation> recommendations;
};

// Parses and checks a plan file against the indicator catalogue and the timescales rules. Every
// error is kInvalidArgument and reads "FILE line N: recommendation 'R1', measure 'R1.M1', field
// 'F': problem": an indicator or rule id Cairn does not know, a trajectory whose dates do not
// rise, a missing target, a status not in the list, an action naming a measure its recommendation
// does not have, an id used twice, a field Cairn does not know.
Result<Plan> ParsePlan(std::string_view toml_text, std::string_view source_name, const indicators::Catalogue& catalogue,
                       const timescales::RuleSet& rules);

}  // namespace cairn::improvement
