// SSDA903 rules 400 to 599. Each function is one version of one rule; its comment says what
// the DfE's rule asks, and where Cairn reads the rule differently from the public validator.
#include <string>

#include "validate/rule_support.h"
#include "validate/ssda903/rules.h"

namespace cairn::validate::ssda903 {

void AddRules400To599(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {};
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::ssda903
