// What a pack reads from the database beside the chronology: the council's name, whether it is
// simulated, the 0-17 population for rates, and the DfE's published figures. The command line
// and the browser page both fill PackInput from here, so the file and the page agree.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "reports/pack.h"
#include "store/database.h"

namespace cairn::reports {

// Fills input.council_name, synthetic, population and compare (compare left empty when no DfE
// figures were imported or the LA code is not set, so the pack says so). `db` must outlive the
// input's use: compare reads it.
Status ReadPackSettings(store::Connection& db, PackInput& input);

// Fills input.improvement_plan from the plan held in `db` (none held: left empty), each action
// rated from the record as at the period's end, as `cairn plan show` rates it. Needs the input's
// chronologies, workers, evaluator, engine and population set (ReadPackSettings first).
// Errors: the database's, and the plan's when it no longer reads in this Cairn.
Status ReadImprovementPlan(store::Connection& db, PackInput& input);

// A version of the plan held ("" when none), which changes with every import: a kept pack is
// made again when it changes.
Result<std::string> ImprovementPlanVersion(store::Connection& db);

}  // namespace cairn::reports
