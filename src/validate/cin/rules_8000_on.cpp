// CIN census rules 8000 onward. Each function is one version of one rule; its comment says what
// the DfE's rule asks, and where Cairn reads the rule differently from the public validator.
#include <string>

#include "validate/cin/rules.h"
#include "validate/rule_support.h"

namespace cairn::validate::cin {
namespace {

// 8500: every child has an LA child ID.
void Rule8500(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const std::vector<std::string>& ids = identifiers.Column("LAchildID");
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (ids[row].empty()) out.Flag("ChildIdentifiers", "LAchildID", row);
  }
}

}  // namespace

void AddRules8000Onward(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {
      {"8500", 2023, &Rule8500},
  };
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::cin
