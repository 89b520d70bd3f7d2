// Runs a rule set over a return and gathers what it finds.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "validate/catalogue.h"
#include "validate/rule.h"

namespace cairn::validate {

struct Report {
  // Sorted by rule (catalogue order), then table, row and column; one per place.
  std::vector<Finding> findings;
  std::vector<const RuleInfo*> run;          // rules that ran
  std::vector<const RuleInfo*> skipped;      // rules that could not run: a table they need is absent
  std::vector<const RuleInfo*> not_written;  // rules of the set whose logic Cairn does not have yet
};

// Runs every rule of `rules` on `data`. Rules run on up to `threads` threads; the report is the
// same whatever the number.
Report Validate(const Return& data, const Catalogue& catalogue, std::span<const RuleInfo* const> rules,
                int threads = 2);

// Two reports in one (an SSDA903 and a CIN census report of one council), in catalogue order.
void Append(Report& into, Report&& from);

}  // namespace cairn::validate
