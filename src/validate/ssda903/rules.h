// The SSDA903 rules' logic, in four files by code (the catalogue joins each to its words in
// data/validate/ssda903-rules.toml by code and first year).
#pragma once

#include <vector>

#include "validate/rule.h"

namespace cairn::validate::ssda903 {

void AddRules100To199(std::vector<RuleLogic>& logic);   // rules_100_199.cpp
void AddRules200To399(std::vector<RuleLogic>& logic);   // rules_200_399.cpp
void AddRules400To599(std::vector<RuleLogic>& logic);   // rules_400_599.cpp
void AddRules600Onward(std::vector<RuleLogic>& logic);  // rules_600_on.cpp: 600s, 700s, 1000s, 3001, EPI, INT, NoE, SW

}  // namespace cairn::validate::ssda903
