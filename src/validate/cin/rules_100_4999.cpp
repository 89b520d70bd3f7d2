// CIN census rules 100 to 4999. Each function is one version of one rule; its comment says what
// the DfE's rule asks, and where Cairn reads the rule differently from the public validator.
#include <string>

#include "validate/cin/rules.h"
#include "validate/rule_support.h"

namespace cairn::validate::cin {

void AddRules100To4999(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {};
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::cin
