#include "validate/ssda903/rules.h"

#include "validate/catalogue.h"

namespace cairn::validate {

std::span<const RuleLogic> Ssda903Logic() {
  static const std::vector<RuleLogic> logic = [] {
    std::vector<RuleLogic> all;
    ssda903::AddRules100To199(all);
    ssda903::AddRules200To399(all);
    ssda903::AddRules400To599(all);
    ssda903::AddRules600Onward(all);
    return all;
  }();
  return logic;
}

}  // namespace cairn::validate
