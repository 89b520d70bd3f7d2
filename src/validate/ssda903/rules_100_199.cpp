// SSDA903 rules 101 to 199. Each function is one version of one rule; its comment says what
// the DfE's rule asks, and where Cairn reads the rule differently from the public validator.
#include <string>

#include "validate/rule_support.h"
#include "validate/ssda903/rules.h"

namespace cairn::validate::ssda903 {
namespace {

// 101: the child's SEX must be 1 or 2 (a blank is not valid either).
void Rule101(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const std::vector<std::string>& sex = header.Column("SEX");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (!OneOf(sex[row], {"1", "2"})) out.Flag("Header", row);
  }
}

}  // namespace

void AddRules100To199(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {
      {"101", 2023, &Rule101},
  };
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::ssda903
