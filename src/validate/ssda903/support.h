// What several SSDA903 rule files share.
#pragma once

#include <string>
#include <unordered_set>

#include "validate/rule.h"

namespace cairn::validate::ssda903 {

// The validator's CONTINUOUSLY_LOOKED_AFTER, as the set of children it holds: each has an
// episode during the year (started by 31 March and not ended before 1 April; an unreadable end
// counts as open) and none that starts care (RNE S) after 1 April, ends care (REC not X1, a blank
// REC included) from 1 April to 30 March, or is a V3/V4 short break during the year. A blank
// child is never in it. Needs the Episodes table; worked out once and shared by the rules.
const std::unordered_set<std::string>& ContinuouslyLookedAfter(const Return& data);

}  // namespace cairn::validate::ssda903
