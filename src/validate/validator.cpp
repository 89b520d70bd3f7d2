#include "validate/validator.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>
#include <tuple>

namespace cairn::validate {
namespace {

struct RuleResult {
  bool ran = false;
  bool skipped = false;
  std::vector<Finding> findings;
};

// Tables in the Return's order (they sit in one vector), then row, then column.
bool FindingBefore(const Finding& a, const Finding& b) {
  if (a.where != b.where) return std::less<const Table*>()(a.where, b.where);
  return std::tie(a.at_row, a.column) < std::tie(b.at_row, b.column);
}

bool SamePlace(const Finding& a, const Finding& b) {
  return a.where == b.where && a.at_row == b.at_row && a.column == b.column;
}

}  // namespace

Report Validate(const Return& data, const Catalogue& catalogue, std::span<const RuleInfo* const> rules, int threads) {
  std::vector<RuleResult> results(rules.size());
  std::atomic<std::size_t> next{0};
  auto work = [&]() {
    for (std::size_t i = next++; i < rules.size(); i = next++) {
      const RuleInfo& rule = *rules[i];
      const RuleCheck check = catalogue.LogicFor(rule);
      if (check == nullptr) continue;
      RuleOutput out(data, rule);
      check(data, out);
      results[i].ran = !out.skipped();
      results[i].skipped = out.skipped();
      std::vector<Finding>& found = out.findings();
      std::sort(found.begin(), found.end(), FindingBefore);
      found.erase(std::unique(found.begin(), found.end(), SamePlace), found.end());
      results[i].findings = std::move(found);
    }
  };
  const int workers = std::max(1, std::min<int>(threads, static_cast<int>(rules.size())));
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();

  Report report;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (catalogue.LogicFor(*rules[i]) == nullptr) {
      report.not_written.push_back(rules[i]);
      continue;
    }
    (results[i].skipped ? report.skipped : report.run).push_back(rules[i]);
    report.findings.insert(report.findings.end(), std::make_move_iterator(results[i].findings.begin()),
                           std::make_move_iterator(results[i].findings.end()));
  }
  return report;
}

void Append(Report& into, Report&& from) {
  into.findings.insert(into.findings.end(), std::make_move_iterator(from.findings.begin()),
                       std::make_move_iterator(from.findings.end()));
  into.run.insert(into.run.end(), from.run.begin(), from.run.end());
  into.skipped.insert(into.skipped.end(), from.skipped.begin(), from.skipped.end());
  into.not_written.insert(into.not_written.end(), from.not_written.begin(), from.not_written.end());
}

}  // namespace cairn::validate
