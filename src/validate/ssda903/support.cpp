#include "validate/ssda903/support.h"

#include <unordered_map>
#include <utility>

#include "validate/rule_support.h"

namespace cairn::validate::ssda903 {

namespace {

std::unordered_set<std::string> FindContinuouslyLookedAfter(const Return& data) {
  const Table& episodes = *data.Find("Episodes");
  const auto& decom = episodes.Dates("DECOM");
  const auto& dec = episodes.Dates("DEC");
  const Date start = data.collection_start;
  const Date end = data.collection_end;
  std::unordered_map<std::string, std::pair<bool, bool>> seen;  // (in care some time, broken)
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (child.empty()) continue;
    const bool during = decom[row] && *decom[row] <= end && (!dec[row] || *dec[row] >= start);
    const bool starts = episodes.Text("RNE", row) == "S" && decom[row] && *decom[row] > start && *decom[row] <= end;
    const bool ends = episodes.Text("REC", row) != "X1" && dec[row] && *dec[row] >= start && *dec[row] < end;
    const bool short_break = during && OneOf(episodes.Text("LS", row), {"V3", "V4"});
    auto& [in_care, broken] = seen[child];
    in_care = in_care || during;
    broken = broken || starts || ends || short_break;
  }
  std::unordered_set<std::string> children;
  for (const auto& [child, state] : seen) {
    if (state.first && !state.second) children.insert(child);
  }
  return children;
}

}  // namespace

const std::unordered_set<std::string>& ContinuouslyLookedAfter(const Return& data) {
  // A dozen rules ask; the answer depends on the episodes and the year alone.
  const std::string key =
      "ContinuouslyLookedAfter\x1f" + data.collection_start.ToIso() + "\x1f" + data.collection_end.ToIso();
  return data.Find("Episodes")->Shared<std::unordered_set<std::string>>(
      key, [&data] { return FindContinuouslyLookedAfter(data); });
}

}  // namespace cairn::validate::ssda903
