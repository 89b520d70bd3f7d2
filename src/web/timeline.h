// The child's journey on one time axis: referrals, assessments, enquiries, plans, periods of care
// (one bar per placement), missing episodes and social workers as bars, and every statutory
// deadline as a mark whose shape and colour say met, met late, overdue or due. Drawn in the
// browser by charts.js ("timeline"); the same facts are in the deadlines and chronology tables
// on the page, which the chart's description points to.
#pragma once

#include <string>

#include "base/date.h"
#include "model/chronology.h"
#include "timescales/evaluator.h"
#include "timescales/rules.h"

namespace cairn::web {

// The chart's JSON spec (see web/src/charts.js).
std::string TimelineSpec(const model::Chronology& chronology, const timescales::ChildEvaluation& result,
                         const timescales::RuleSet& rules, Date as_at);
// The chart, ready for the page, with a key to its marks in words.
std::string TimelineHtml(const model::Chronology& chronology, const timescales::ChildEvaluation& result,
                         const timescales::RuleSet& rules, Date as_at);

}  // namespace cairn::web
