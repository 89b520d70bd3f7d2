// Every rule Cairn checks: the DfE's words from data/validate/*.toml joined with the logic
// registered in validate/ssda903 and validate/cin, and the rule set of a collection year.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "validate/rule.h"

namespace cairn::validate {

// The collection years whose rule sets Cairn has (2026 = April 2025 to March 2026).
inline constexpr int kFirstSsda903Year = 2023;
inline constexpr int kLastSsda903Year = 2027;
inline constexpr int kFirstCinYear = 2023;
inline constexpr int kLastCinYear = 2026;

// The logic written so far, one entry per rule version (validate/ssda903/rules.cpp,
// validate/cin/rules.cpp).
std::span<const RuleLogic> Ssda903Logic();
std::span<const RuleLogic> CinLogic();

class Catalogue {
 public:
  // Parses the two rule files and joins each version with its logic. An error names the file
  // and line: a malformed entry, two versions of one code whose years overlap, logic
  // registered for a version the data does not have, or two pieces of logic for one version.
  static Result<Catalogue> Parse(std::string_view ssda903_toml, std::string_view cin_toml,
                                 std::span<const RuleLogic> ssda903_logic, std::span<const RuleLogic> cin_logic);
  // The catalogue built into Cairn (parsed once).
  static Result<const Catalogue*> Embedded();

  const std::vector<RuleInfo>& rules() const { return rules_; }
  // The logic of `rule`, or null when it has not been written yet.
  RuleCheck LogicFor(const RuleInfo& rule) const;

  // The rules of `kind` that apply in collection year `year`, in code order.
  std::vector<const RuleInfo*> RuleSet(ReturnKind kind, int year) const;
  // A version by code and year, or null.
  const RuleInfo* Find(ReturnKind kind, std::string_view code, int year) const;

 private:
  std::vector<RuleInfo> rules_;
  std::vector<RuleCheck> logic_;  // parallel to rules_
};

// The year of the rule set that applies to collection year `year`: the year itself within the
// years Cairn has, else the nearest of them.
int RuleSetYear(ReturnKind kind, int year);

}  // namespace cairn::validate
