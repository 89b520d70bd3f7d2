#include "validate/cin/rules.h"

#include "validate/catalogue.h"

namespace cairn::validate {

std::span<const RuleLogic> CinLogic() {
  static const std::vector<RuleLogic> logic = [] {
    std::vector<RuleLogic> all;
    cin::AddRules100To4999(all);
    cin::AddRules8000Onward(all);
    return all;
  }();
  return logic;
}

}  // namespace cairn::validate
