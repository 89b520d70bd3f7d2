// The CIN census rules' logic, in two files by code (the catalogue joins each to its words in
// data/validate/cin-rules.toml by code and first year).
#pragma once

#include <vector>

#include "validate/rule.h"

namespace cairn::validate::cin {

void AddRules100To4999(std::vector<RuleLogic>& logic);  // rules_100_4999.cpp
void AddRules8000Onward(std::vector<RuleLogic>& logic);  // rules_8000_on.cpp

}  // namespace cairn::validate::cin
