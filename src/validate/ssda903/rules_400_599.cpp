// SSDA903 rules 400 to 599. Each function is one version of one rule; its comment says what
// the DfE's rule asks, and where Cairn reads the rule differently from the public validator.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "validate/rule_support.h"
#include "validate/ssda903/rules.h"
#include "validate/ssda903/support.h"

namespace cairn::validate::ssda903 {
namespace {

using Rows = std::vector<std::size_t>;
using OptDate = std::optional<Date>;

// Blank text sorts after every value, as pandas puts NaN last.
int CompareText(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

// A missing date sorts after every date (NaT last).
int CompareDate(const OptDate& a, const OptDate& b) {
  if (!a || !b) return a.has_value() == b.has_value() ? 0 : (a ? -1 : 1);
  return *a < *b ? -1 : (*a == *b ? 0 : 1);
}

// The rows of `table` in the order of pandas' sort_values([text, dates...]) (a stable sort with
// blanks last).
Rows SortRows(const Table& table, std::string_view text, std::initializer_list<std::string_view> dates) {
  Rows order(table.rows());
  for (std::size_t row = 0; row < order.size(); ++row) order[row] = row;
  const std::vector<std::string>& key = table.Column(text);
  std::vector<const std::vector<OptDate>*> date_keys;
  for (std::string_view column : dates) date_keys.push_back(&table.Dates(column));
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (int c = CompareText(key[a], key[b]); c != 0) return c < 0;
    for (const std::vector<OptDate>* column : date_keys) {
      if (int c = CompareDate((*column)[a], (*column)[b]); c != 0) return c < 0;
    }
    return false;
  });
  return order;
}

// Many rules walk the episodes in the same order, so it is sorted once and shared.
const Rows& SortedRows(const Table& table, std::string_view text, std::initializer_list<std::string_view> dates) {
  std::string key = "SortedRows";
  for (std::string_view column : {text}) (key += '\x1f') += column;
  for (std::string_view column : dates) (key += '\x1f') += column;
  return table.Shared<Rows>(key, [&] { return SortRows(table, text, dates); });
}

// Pairs (previous, row) of consecutive rows in `order` that name the same (non-blank) child.
template <typename Visit>
void ForConsecutive(const Table& table, const Rows& order, Visit visit) {
  const std::vector<std::string>& child = table.Column("CHILD");
  for (std::size_t i = 1; i < order.size(); ++i) {
    const std::size_t previous = order[i - 1];
    const std::size_t row = order[i];
    if (!child[row].empty() && child[row] == child[previous]) visit(previous, row);
  }
}

// Per child (blank children left out, as groupby does), the row pandas' idxmin (or idxmax) of
// `column` picks: the first row holding the earliest (latest) date. A child whose dates are all
// missing has none (the validator raises there).
std::map<std::string, std::size_t> ExtremeDateRow(const Table& table, std::string_view column, bool latest) {
  std::map<std::string, std::size_t> chosen;
  const std::vector<std::string>& child = table.Column("CHILD");
  const std::vector<OptDate>& dates = table.Dates(column);
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (child[row].empty() || !dates[row]) continue;
    auto [it, inserted] = chosen.emplace(child[row], row);
    if (inserted) continue;
    const Date best = *dates[it->second];
    if (latest ? *dates[row] > best : *dates[row] < best) it->second = row;
  }
  return chosen;
}

// Every pair (left row, right row) naming the same child, as an inner merge on CHILD makes them
// (a blank child pairs with a blank child, as pandas matches NaN keys).
template <typename Visit>
void ForChildPairs(const Table& left, const Table& right, Visit visit) {
  const Grouping& by_child = RowsBy(right, "CHILD");
  const std::vector<std::string>& child = left.Column("CHILD");
  for (std::size_t row = 0; row < left.rows(); ++row) {
    const Grouping::RowList found = by_child.Find(child[row]);
    if (found.empty()) continue;
    for (std::size_t other : found) visit(row, other);
  }
}

bool HasPostcodeColumns(const Table& episodes, RuleOutput& out) {
  if (episodes.Has("PL_LA")) return true;
  out.Skip();
  return false;
}

// 406: a child who is or was UASC (this year's or last year's header) should have no placement
// distance.
void Rule406(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!HasPostcodeColumns(episodes, out)) return;
  std::unordered_set<std::string> uasc;
  bool known = false;
  auto from_year = [&](std::string_view header_name, std::string_view uasc_name) {
    if (const Table* header = data.Find(header_name)) {
      if (!header->Has("UASC")) return;
      known = true;
      for (std::size_t row = 0; row < header->rows(); ++row) {
        if (header->Text("UASC", row) == "1") uasc.insert(header->Text("CHILD", row));
      }
    } else if (const Table* table = data.Find(uasc_name)) {
      known = true;
      for (std::size_t row = 0; row < table->rows(); ++row) {
        for (const std::string& column : table->columns()) {
          if (column != "CHILD" && !table->Text(column, row).empty()) {
            uasc.insert(table->Text("CHILD", row));
            break;
          }
        }
      }
    }
  };
  from_year("Header", "UASC");
  from_year("Header_last", "UASC_last");
  if (!known) {
    out.Skip();
    return;
  }
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (uasc.contains(episodes.Text("CHILD", row)) && !episodes.Text("PL_DISTANCE", row).empty()) {
      out.Flag("Episodes", row);
    }
  }
}

// 407: an episode ending in special guardianship (E45-E48) must end before the child is 18.
void Rule407(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Header"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Grouping& by_child = RowsBy(header, "CHILD");
  const std::vector<OptDate>& dob = header.Dates("DOB");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("REC", row), {"E45", "E46", "E47", "E48"}) || !dec[row]) continue;
    const Grouping::RowList found = by_child.Find(episodes.Text("CHILD", row));
    if (found.empty()) continue;
    for (std::size_t h : found) {
      if (dob[h] && dob[h]->AddYears(18) < *dec[row]) {
        out.Flag("Episodes", row);
        out.Flag("Header", h);
      }
    }
  }
}

// 408: a placement for adoption with a placement order (A5, A6) needs legal status E1.
void Rule408(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("PLACE", row), {"A5", "A6"}) && episodes.Text("LS", row) != "E1") {
      out.Flag("Episodes", row);
    }
  }
}

// 411: a placement inside the council's area must have the council as LA of placement.
void Rule411(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!HasPostcodeColumns(episodes, out)) return;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("PL_LOCATION", row) == "IN" && episodes.Text("PL_LA", row) != data.la_ons) {
      out.Flag("Episodes", row);
    }
  }
}

// 420: no LA of placement for short breaks (V3, V4).
void Rule420(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!HasPostcodeColumns(episodes, out)) return;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("LS", row), {"V3", "V4"}) && !episodes.Text("PL_LA", row).empty()) {
      out.Flag("Episodes", row);
    }
  }
}

// 426: a child cannot have both V3 and V4 episodes in a year (every such episode is flagged).
void Rule426(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  std::unordered_set<std::string> v3;
  std::unordered_set<std::string> v4;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& ls = episodes.Text("LS", row);
    if (ls == "V3") v3.insert(episodes.Text("CHILD", row));
    if (ls == "V4") v4.insert(episodes.Text("CHILD", row));
  }
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (OneOf(episodes.Text("LS", row), {"V3", "V4"}) && v3.contains(child) && v4.contains(child)) {
      out.Flag("Episodes", row);
    }
  }
}

// 431: a new period of care (RNE S) cannot start on or before the end of the child's previous
// episode (episodes ordered by start).
void Rule431(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  ForConsecutive(episodes, SortedRows(episodes, "CHILD", {"DECOM"}), [&](std::size_t previous, std::size_t row) {
    if (episodes.Text("RNE", row) == "S" && decom[row] && dec[previous] && *decom[row] <= *dec[previous]) {
      out.Flag("Episodes", row);
    }
  });
}

// 432: after an episode that ended care (E2 ... E48), the next episode must be a new period of
// care (RNE S).
void Rule432(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  ForConsecutive(episodes, SortedRows(episodes, "CHILD", {"DECOM"}), [&](std::size_t previous, std::size_t row) {
    if (OneOf(episodes.Text("REC", previous), {"E2", "E3", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E11", "E12",
                                               "E13", "E14", "E15", "E16", "E17", "E41", "E45", "E46", "E47",
                                               "E48"}) &&
        episodes.Text("RNE", row) != "S") {
      out.Flag("Episodes", row);
    }
  });
}

// 433: a continuing episode (RNE P, L, T, U, B) must start the day the previous one ended
// (compared as written, as the validator compares the text).
void Rule433(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  ForConsecutive(episodes, SortedRows(episodes, "CHILD", {"DECOM", "DEC"}), [&](std::size_t previous, std::size_t row) {
    const std::string& previous_dec = episodes.Text("DEC", previous);
    const std::string& decom = episodes.Text("DECOM", row);
    if (OneOf(episodes.Text("RNE", row), {"P", "L", "T", "U", "B"}) &&
        (previous_dec.empty() || decom.empty() || previous_dec != decom)) {
      out.Flag("Episodes", row);
    }
  });
}

// Whether any placement detail (PLACE, PL_POST, URN, PLACE_PROVIDER) differs between two rows,
// blanks equal to blanks.
bool PlacementChanged(const Table& episodes, std::size_t a, std::size_t b) {
  for (std::string_view column : {"PLACE", "PL_POST", "URN", "PLACE_PROVIDER"}) {
    if (episodes.Text(column, a) != episodes.Text(column, b)) return true;
  }
  return false;
}

// 434: a change of legal status only (RNE L) needs a new legal status and the same placement.
void Rule434(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  ForConsecutive(episodes, SortedRows(episodes, "CHILD", {"DECOM"}), [&](std::size_t previous, std::size_t row) {
    if (episodes.Text("RNE", row) != "L") return;
    const std::string& ls = episodes.Text("LS", row);
    const bool same_ls = !ls.empty() && ls == episodes.Text("LS", previous);
    if (same_ls || PlacementChanged(episodes, previous, row)) out.Flag("Episodes", row);
  });
}

// 435: a change of placement only (RNE P, T) needs the same legal status and a new placement. A
// blank equals nothing here, as the validator compares with NaN.
void Rule435(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  ForConsecutive(episodes, SortedRows(episodes, "CHILD", {"DECOM"}), [&](std::size_t previous, std::size_t row) {
    if (!OneOf(episodes.Text("RNE", row), {"P", "T"})) return;
    auto equal = [&](std::string_view column) {
      const std::string& value = episodes.Text(column, row);
      return !value.empty() && value == episodes.Text(column, previous);
    };
    const bool same_place = equal("PLACE") && equal("PL_POST") && equal("URN") && equal("PLACE_PROVIDER");
    if (!equal("LS") || same_place) out.Flag("Episodes", row);
  });
}

// 436: a change of both (RNE U, B) needs a new legal status and a new placement (blanks equal).
void Rule436(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  ForConsecutive(episodes, SortedRows(episodes, "CHILD", {"DECOM"}), [&](std::size_t previous, std::size_t row) {
    if (!OneOf(episodes.Text("RNE", row), {"U", "B"})) return;
    const bool same_ls = episodes.Text("LS", row) == episodes.Text("LS", previous);
    if (same_ls || !PlacementChanged(episodes, previous, row)) out.Flag("Episodes", row);
  });
}

// 437: an episode that ended with the child's death or at 18 (E2, E15) cannot be followed by
// another. Episodes without a valid start are not flagged (but still count as a later episode).
void Rule437(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  ForConsecutive(episodes, SortedRows(episodes, "CHILD", {"DECOM"}), [&](std::size_t previous, std::size_t) {
    if (decom[previous] && OneOf(episodes.Text("REC", previous), {"E2", "E15"})) out.Flag("Episodes", previous);
  });
}

// 440: review participation PN0 (under 4) but the child was over 4 at the review.
void Rule440(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Reviews"})) return;
  const Table& reviews = *data.Find("Reviews");
  const std::vector<OptDate>& dob = reviews.Dates("DOB");
  const std::vector<OptDate>& review = reviews.Dates("REVIEW");
  for (std::size_t row = 0; row < reviews.rows(); ++row) {
    if (reviews.Text("REVIEW_CODE", row) == "PN0" && dob[row] && review[row] && *review[row] > dob[row]->AddYears(4)) {
      out.Flag("Reviews", row);
    }
  }
}

// 441: review participation PN1-PN7 (4 or over) but the child was under 4 at the review.
void Rule441(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Reviews"})) return;
  const Table& reviews = *data.Find("Reviews");
  const std::vector<OptDate>& dob = reviews.Dates("DOB");
  const std::vector<OptDate>& review = reviews.Dates("REVIEW");
  for (std::size_t row = 0; row < reviews.rows(); ++row) {
    if (OneOf(reviews.Text("REVIEW_CODE", row), {"PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"}) && dob[row] &&
        review[row] && *review[row] < dob[row]->AddYears(4)) {
      out.Flag("Reviews", row);
    }
  }
}

// 442: a child with any episode other than a short break (V3, V4) needs a UPN.
void Rule442(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Header"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  std::unordered_set<std::string> children;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("LS", row), {"V3", "V4"})) children.insert(episodes.Text("CHILD", row));
  }
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (header.Text("UPN", row).empty() && children.contains(header.Text("CHILD", row))) out.Flag("Header", row);
  }
}

// 444: a UPN (other than UN1-UN5) must be unique in the return.
void Rule444(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  for (const auto& [upn, rows] : RowsBy(header, "UPN")) {
    if (upn.empty() || OneOf(upn, {"UN1", "UN2", "UN3", "UN4", "UN5"}) || rows.size() < 2) continue;
    for (std::size_t row : rows) out.Flag("Header", row);
  }
}

// 445: legal status D1 (freeing order) is not valid for episodes starting after 31/12/2005.
void Rule445(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const Date limit = Date::FromYmdOrDie(2005, 12, 31);
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("LS", row) == "D1" && decom[row] && *decom[row] > limit) out.Flag("Episodes", row);
  }
}

// 446: legal status E1 (placement order) is not valid for episodes starting before 01/12/2005.
void Rule446(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const Date limit = Date::FromYmdOrDie(2005, 12, 1);
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("LS", row) == "E1" && decom[row] && *decom[row] < limit) out.Flag("Episodes", row);
  }
}

// 451: an open episode cannot still be under a freeing order (D1).
void Rule451(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("DEC", row).empty() && episodes.Text("REC", row).empty() && episodes.Text("LS", row) == "D1") {
      out.Flag("Episodes", row);
    }
  }
}

// 452: the LA of placement of the child's first episode this year must match last year's last
// episode when that was still open and the reason for new episode is the same.
void Rule452(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Episodes_last"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& last = *data.Find("Episodes_last");
  if (!HasPostcodeColumns(episodes, out) || !HasPostcodeColumns(last, out)) return;
  const auto last_rows = ExtremeDateRow(last, "DECOM", true);
  for (const auto& [child, row] : ExtremeDateRow(episodes, "DECOM", false)) {
    const auto found = last_rows.find(child);
    if (found == last_rows.end()) continue;
    const std::size_t before = found->second;
    const std::string& rne = episodes.Text("RNE", row);
    if (!rne.empty() && rne == last.Text("RNE", before) && last.Text("DEC", before).empty() &&
        episodes.Text("PL_LA", row) != last.Text("PL_LA", before)) {
      out.Flag("Episodes", row);
    }
  }
}

// 453: the placement distance of the child's first episode this year must be within 0.2 miles
// of last year's last episode when that was still open and the reason for new episode is the
// same (or last year's is blank and this year's is not).
void Rule453(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Episodes_last"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& last = *data.Find("Episodes_last");
  if (!HasPostcodeColumns(episodes, out) || !HasPostcodeColumns(last, out)) return;
  const auto last_rows = ExtremeDateRow(last, "DECOM", true);
  const std::vector<OptDate>& last_dec = last.Dates("DEC");
  for (const auto& [child, row] : ExtremeDateRow(episodes, "DECOM", false)) {
    const auto found = last_rows.find(child);
    if (found == last_rows.end()) continue;
    const std::size_t before = found->second;
    const std::string& rne = episodes.Text("RNE", row);
    if (rne.empty() || rne != last.Text("RNE", before) || last_dec[before]) continue;
    const std::optional<double> now = ToNumber(episodes.Text("PL_DISTANCE", row));
    const std::optional<double> then = ToNumber(last.Text("PL_DISTANCE", before));
    const bool moved = now && then && std::fabs(*now - *then) >= 0.2;
    const bool newly_given = last.Text("PL_DISTANCE", before).empty() && !episodes.Text("PL_DISTANCE", row).empty();
    if (moved || newly_given) out.Flag("Episodes", row);
  }
}

// 454: a placement distance over 350 miles (other than 999.9) is queried.
void Rule454(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!HasPostcodeColumns(episodes, out)) return;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::optional<double> distance = ToNumber(episodes.Text("PL_DISTANCE", row));
    if (distance && *distance > 350 && *distance != 999.9) out.Flag("Episodes", row);
  }
}

// 460: an episode ending because the child stayed with carers at 18 (E17) must end at 18 or over.
void Rule460(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Grouping& by_child = RowsBy(header, "CHILD");
  const std::vector<OptDate>& dob = header.Dates("DOB");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("REC", row) != "E17" || !dec[row]) continue;
    const Grouping::RowList found = by_child.Find(episodes.Text("CHILD", row));
    if (found.empty()) continue;
    for (std::size_t h : found) {
      if (dob[h] && dob[h]->AddYears(18) > *dec[row]) out.Flag("Episodes", row);
    }
  }
}

// 501: a new episode cannot start before the previous episode ended.
void Rule501(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  ForConsecutive(episodes, SortedRows(episodes, "CHILD", {"DECOM"}), [&](std::size_t previous, std::size_t row) {
    if (decom[row] && dec[previous] && *decom[row] < *dec[previous]) out.Flag("Episodes", row);
  });
}

// 502: when last year ended with an open episode, this year's first episode must start on the
// same date (compared with every open episode of last year for the child).
void Rule502(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Episodes_last"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& last = *data.Find("Episodes_last");
  const auto open_last = [&] {
    std::unordered_map<std::string, Rows> rows;
    for (std::size_t row = 0; row < last.rows(); ++row) {
      if (last.Text("DEC", row).empty()) rows[last.Text("CHILD", row)].push_back(row);
    }
    return rows;
  }();
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& last_decom = last.Dates("DECOM");
  for (const auto& [child, row] : ExtremeDateRow(episodes, "DECOM", false)) {
    const auto found = open_last.find(child);
    if (found == open_last.end()) continue;
    for (std::size_t before : found->second) {
      if (!last_decom[before] || *last_decom[before] != *decom[row]) out.Flag("Episodes", row);
    }
  }
}

// The first episode of each child this year paired with the last episode of last year, when
// that was still open (no valid DEC), as rules 503A-503J compare them.
template <typename Visit>
void ForContinuedEpisodes(const Table& episodes, const Table& last, Visit visit) {
  const auto last_rows = ExtremeDateRow(last, "DECOM", true);
  const std::vector<OptDate>& last_dec = last.Dates("DEC");
  for (const auto& [child, row] : ExtremeDateRow(episodes, "DECOM", false)) {
    const auto found = last_rows.find(child);
    if (found == last_rows.end() || last_dec[found->second]) continue;
    visit(row, found->second);
  }
}

// 503A-503J (but G): a field of the first episode must match last year's open episode. For
// PLACE the validator allows, by the return's collection year, K3 after H5 (2024, 2025) and
// Z11-Z14 after Z1 (2026), whichever version of the rule runs. The DfE's text of 503D excepts
// H5 then K3 "for 2025", the year H5 became K3: the 2025/26 return (2026), whose code list
// has K3 and not H5, so a placement open on 31 March 2025 as H5 is K3 in its first episode.
// Cairn allows that change in 2026 too; the validator flags it.
void FieldAsLastYear(const Return& data, RuleOutput& out, std::string_view field, bool postcode_field) {
  if (!Need(data, out, {"Episodes", "Episodes_last"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& last = *data.Find("Episodes_last");
  if (postcode_field && (!HasPostcodeColumns(episodes, out) || !HasPostcodeColumns(last, out))) return;
  const int year = data.collection_year;
  ForContinuedEpisodes(episodes, last, [&](std::size_t row, std::size_t before) {
    const std::string& now = episodes.Text(field, row);
    const std::string& then = last.Text(field, before);
    if (now == then) return;
    if (field == "PLACE") {
      if ((year == 2024 || year == 2025 || year == 2026) && now == "K3" && then == "H5") return;
      if (year == 2026 && OneOf(now, {"Z11", "Z12", "Z13", "Z14"}) && then == "Z1") return;
    }
    out.Flag("Episodes", row);
  });
}

// 503A: reason for new episode.
void Rule503A(const Return& data, RuleOutput& out) { FieldAsLastYear(data, out, "RNE", false); }
// 503B: legal status.
void Rule503B(const Return& data, RuleOutput& out) { FieldAsLastYear(data, out, "LS", false); }
// 503C: category of need.
void Rule503C(const Return& data, RuleOutput& out) { FieldAsLastYear(data, out, "CIN", false); }
// 503D (every version): placement type.
void Rule503D(const Return& data, RuleOutput& out) { FieldAsLastYear(data, out, "PLACE", false); }
// 503E: placement provider.
void Rule503E(const Return& data, RuleOutput& out) { FieldAsLastYear(data, out, "PLACE_PROVIDER", false); }
// 503F: URN.
void Rule503F(const Return& data, RuleOutput& out) { FieldAsLastYear(data, out, "URN", false); }
// 503H: LA of placement.
void Rule503H(const Return& data, RuleOutput& out) { FieldAsLastYear(data, out, "PL_LA", true); }
// 503J: placement location (in or out of the council's area).
void Rule503J(const Return& data, RuleOutput& out) { FieldAsLastYear(data, out, "PL_LOCATION", true); }

// 503G: the placement distance of the first episode must be within 0.2 miles of last year's
// open episode (or last year's is blank and this year's is not).
void Rule503G(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Episodes_last"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& last = *data.Find("Episodes_last");
  if (!HasPostcodeColumns(episodes, out) || !HasPostcodeColumns(last, out)) return;
  ForContinuedEpisodes(episodes, last, [&](std::size_t row, std::size_t before) {
    const std::optional<double> now = ToNumber(episodes.Text("PL_DISTANCE", row));
    const std::optional<double> then = ToNumber(last.Text("PL_DISTANCE", before));
    const bool moved = now && then && std::fabs(*now - *then) >= 0.2;
    const bool newly_given = last.Text("PL_DISTANCE", before).empty() && !episodes.Text("PL_DISTANCE", row).empty();
    if (moved || newly_given) out.Flag("Episodes", row);
  });
}

// 504: an episode following a placement change (X1) on the same day must keep the category of
// need.
void Rule504(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  ForConsecutive(episodes, SortedRows(episodes, "CHILD", {"DECOM"}), [&](std::size_t previous, std::size_t row) {
    if (episodes.Text("REC", previous) != "X1" || !dec[previous] || !decom[row] || *dec[previous] != *decom[row]) {
      return;
    }
    const std::string& cin = episodes.Text("CIN", row);
    if (cin.empty() || cin != episodes.Text("CIN", previous)) out.Flag("Episodes", row);
  });
}

// 511: two adopters cannot be recorded as a single man or woman (M1, F1).
void Rule511(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"AD1"})) return;
  const Table& ad1 = *data.Find("AD1");
  for (std::size_t row = 0; row < ad1.rows(); ++row) {
    if (ad1.Text("NB_ADOPTR", row) == "2" && OneOf(ad1.Text("SEX_ADOPTR", row), {"M1", "F1"})) out.Flag("AD1", row);
  }
}

// 514: a single adopter (L0) must be M1 or F1.
void Rule514(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"AD1"})) return;
  const Table& ad1 = *data.Find("AD1");
  for (std::size_t row = 0; row < ad1.rows(); ++row) {
    if (ad1.Text("LS_ADOPTR", row) == "L0" && !OneOf(ad1.Text("SEX_ADOPTR", row), {"M1", "F1"})) out.Flag("AD1", row);
  }
}

// 516: an episode ending in special guardianship to former foster carers (E45, E46) must be a
// foster placement (U1-U6).
void Rule516(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("REC", row), {"E45", "E46"}) &&
        !OneOf(episodes.Text("PLACE", row), {"U1", "U2", "U3", "U4", "U5", "U6"})) {
      out.Flag("Episodes", row);
    }
  }
}

// 517-524: the adopters' sex must fit their legal status: L3 (unmarried couple) MF; L4 (civil
// partners) MM or FF; L2 (married) MM, FF or MF; L11 (opposite-sex couple) MF; L12 (same-sex
// couple) MM or FF.
void AdoptersSexFits(const Return& data, RuleOutput& out, std::string_view status,
                     std::initializer_list<std::string_view> allowed) {
  if (!Need(data, out, {"AD1"})) return;
  const Table& ad1 = *data.Find("AD1");
  for (std::size_t row = 0; row < ad1.rows(); ++row) {
    if (ad1.Text("LS_ADOPTR", row) == status && !OneOf(ad1.Text("SEX_ADOPTR", row), allowed)) out.Flag("AD1", row);
  }
}
void Rule517(const Return& data, RuleOutput& out) { AdoptersSexFits(data, out, "L3", {"MF"}); }
void Rule518(const Return& data, RuleOutput& out) { AdoptersSexFits(data, out, "L4", {"MM", "FF"}); }
void Rule519(const Return& data, RuleOutput& out) { AdoptersSexFits(data, out, "L2", {"MM", "FF", "MF"}); }
void Rule520(const Return& data, RuleOutput& out) { AdoptersSexFits(data, out, "L11", {"MF"}); }
void Rule524(const Return& data, RuleOutput& out) { AdoptersSexFits(data, out, "L12", {"MM", "FF"}); }

// 521: for a placement for adoption (A3-A6), the decision to adopt (DATE_INT) must be on or
// before the episode's start.
void Rule521(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "AD1"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& ad1 = *data.Find("AD1");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& date_int = ad1.Dates("DATE_INT");
  ForChildPairs(episodes, ad1, [&](std::size_t row, std::size_t other) {
    if (OneOf(episodes.Text("PLACE", row), {"A3", "A4", "A5", "A6"}) && date_int[other] && decom[row] &&
        *date_int[other] > *decom[row]) {
      out.Flag("Episodes", row);
      out.Flag("AD1", other);
    }
  });
}

// 522: a placement for adoption cannot cease before it started.
void Rule522(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const std::vector<OptDate>& ceased = placed.Dates("DATE_PLACED_CEASED");
  const std::vector<OptDate>& started = placed.Dates("DATE_PLACED");
  for (std::size_t row = 0; row < placed.rows(); ++row) {
    if (ceased[row] && started[row] && *ceased[row] < *started[row]) out.Flag("PlacedAdoption", row);
  }
}

// 523: the date of the decision to place for adoption must match DATE_INT in AD1.
void Rule523(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"AD1", "PlacedAdoption"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const Table& ad1 = *data.Find("AD1");
  const std::vector<OptDate>& date_placed = placed.Dates("DATE_PLACED");
  const std::vector<OptDate>& date_int = ad1.Dates("DATE_INT");
  ForChildPairs(placed, ad1, [&](std::size_t row, std::size_t other) {
    if (date_placed[row] && date_int[other] && *date_placed[row] != *date_int[other]) {
      out.Flag("PlacedAdoption", row);
      out.Flag("AD1", other);
    }
  });
}

// 525: when the placement for adoption has ceased, the AD1 adoption details must be blank.
void Rule525(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption", "AD1"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const Table& ad1 = *data.Find("AD1");
  ForChildPairs(placed, ad1, [&](std::size_t row, std::size_t other) {
    if (placed.Text("DATE_PLACED_CEASED", row).empty()) return;
    for (std::string_view column : {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}) {
      if (!ad1.Text(column, other).empty()) {
        out.Flag("PlacedAdoption", row);
        out.Flag("AD1", other);
        return;
      }
    }
  });
}

// 526: a placement other than T0-T4 and Z1 needs a placement provider.
void Rule526(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("PLACE", row), {"T0", "T1", "T2", "T3", "T4", "Z1"}) &&
        episodes.Text("PLACE_PROVIDER", row).empty()) {
      out.Flag("Episodes", row);
    }
  }
}

// 526 from 2025/26: the same, with Z11-Z14 in place of Z1.
void Rule526From2026(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("PLACE", row), {"T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}) &&
        episodes.Text("PLACE_PROVIDER", row).empty()) {
      out.Flag("Episodes", row);
    }
  }
}

// 527-531: placement types a provider cannot offer.
void ProviderCannotPlace(const Return& data, RuleOutput& out, std::string_view provider,
                         std::initializer_list<std::string_view> places) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("PLACE_PROVIDER", row) == provider && OneOf(episodes.Text("PLACE", row), places)) {
      out.Flag("Episodes", row);
    }
  }
}
// 527: the council's own provision (PR1) cannot be P1, R2 or R5.
void Rule527(const Return& data, RuleOutput& out) { ProviderCannotPlace(data, out, "PR1", {"P1", "R2", "R5"}); }
// 528: another council (PR2) cannot provide P1, R2 or R5.
void Rule528(const Return& data, RuleOutput& out) { ProviderCannotPlace(data, out, "PR2", {"P1", "R2", "R5"}); }
// 529: other public provision (PR3) cannot be an adoption, kinship, parent or foster placement.
void Rule529(const Return& data, RuleOutput& out) {
  ProviderCannotPlace(data, out, "PR3", {"A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6"});
}
// 530: a private provider (PR4) cannot place with parents (P1).
void Rule530(const Return& data, RuleOutput& out) { ProviderCannotPlace(data, out, "PR4", {"P1"}); }
// 531: a voluntary provider (PR5) cannot place with parents (P1).
void Rule531(const Return& data, RuleOutput& out) { ProviderCannotPlace(data, out, "PR5", {"P1"}); }


// 542: a child under 10 at 31 March cannot have a conviction recorded.
void Rule542(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  const std::vector<OptDate>& dob = oc2.Dates("DOB");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (dob[row] && dob[row]->AddYears(10) > data.collection_end && !oc2.Text("CONVICTED", row).empty()) {
      out.Flag("OC2", row);
    }
  }
}

// 543-546: OC2 items that depend on age at 31 March, for children looked after all year:
// CONVICTED needed from 10 (543); HEALTH_CHECK needed under 5 (545) and not given from 5 (546).
void Rule543(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2", "Episodes"})) return;
  const Table& oc2 = *data.Find("OC2");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  const std::vector<OptDate>& dob = oc2.Dates("DOB");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (dob[row] && data.collection_end > dob[row]->AddYears(10) && looked_after.contains(oc2.Text("CHILD", row)) &&
        oc2.Text("CONVICTED", row).empty()) {
      out.Flag("OC2", row);
    }
  }
}

void Rule545(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2", "Episodes"})) return;
  const Table& oc2 = *data.Find("OC2");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  const std::vector<OptDate>& dob = oc2.Dates("DOB");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (dob[row] && data.collection_end < dob[row]->AddYears(5) && looked_after.contains(oc2.Text("CHILD", row)) &&
        oc2.Text("HEALTH_CHECK", row).empty()) {
      out.Flag("OC2", row);
    }
  }
}

void Rule546(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2", "Episodes"})) return;
  const Table& oc2 = *data.Find("OC2");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  const std::vector<OptDate>& dob = oc2.Dates("DOB");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (dob[row] && data.collection_end >= dob[row]->AddYears(5) && looked_after.contains(oc2.Text("CHILD", row)) &&
        !oc2.Text("HEALTH_CHECK", row).empty()) {
      out.Flag("OC2", row);
    }
  }
}

// 544 (CONVICTED = 1) and 547 (HEALTH_CHECK = 1): then immunisations, teeth check, health
// assessment and substance misuse must all be given.
void HealthItemsGiven(const Return& data, RuleOutput& out, std::string_view trigger) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (oc2.Text(trigger, row) != "1") continue;
    for (std::string_view column : {"IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"}) {
      if (oc2.Text(column, row).empty()) {
        out.Flag("OC2", row);
        break;
      }
    }
  }
}
void Rule544(const Return& data, RuleOutput& out) { HealthItemsGiven(data, out, "CONVICTED"); }
void Rule547(const Return& data, RuleOutput& out) { HealthItemsGiven(data, out, "HEALTH_CHECK"); }

// 550: provider PR0 (placed with parents, no provider) fits only placement P1.
void Rule550(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("PLACE", row) != "P1" && episodes.Text("PLACE_PROVIDER", row) == "PR0") {
      out.Flag("Episodes", row);
    }
  }
}

// 551: a placement for adoption (A3-A6) needs a PlacedAdoption row with DATE_PLACED (the
// episode is flagged when the child has none, or any of the child's rows lacks the date).
void Rule551(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "PlacedAdoption"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& placed = *data.Find("PlacedAdoption");
  const Grouping& by_child = RowsBy(placed, "CHILD");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("PLACE", row), {"A3", "A4", "A5", "A6"})) continue;
    const Grouping::RowList found = by_child.Find(episodes.Text("CHILD", row));
    bool missing = found.empty();
    if (!missing) {
      for (std::size_t other : found) missing = missing || placed.Text("DATE_PLACED", other).empty();
    }
    if (missing) out.Flag("Episodes", row);
  }
}

// 552: the child's latest decision to place for adoption must be on or before the start of the
// child's first adoption placement (A3-A6).
void Rule552(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption", "Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& placed = *data.Find("PlacedAdoption");
  const auto decisions = ExtremeDateRow(placed, "DATE_PLACED", true);
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& date_placed = placed.Dates("DATE_PLACED");
  std::map<std::string, std::size_t> first;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (child.empty() || !decom[row] || !OneOf(episodes.Text("PLACE", row), {"A3", "A4", "A5", "A6"})) continue;
    auto [it, inserted] = first.emplace(child, row);
    if (!inserted && *decom[row] < *decom[it->second]) it->second = row;
  }
  for (const auto& [child, row] : first) {
    const auto found = decisions.find(child);
    if (found != decisions.end() && *decom[row] < *date_placed[found->second]) {
      out.Flag("Episodes", row);
      out.Flag("PlacedAdoption", found->second);
    }
  }
}

// 553 (E1, placement order) and 555 (D1, freeing order): such an episode needs a PlacedAdoption
// row. The validator would also flag PlacedAdoption rows that ceased while the episode is open,
// but by the time it runs its rule 365 has written 31 March into every blank DEC of the Episodes
// table the rules share (rules_600_on.cpp, DecSeenAfterRule365), so no episode is open and that
// part never fires. The DfE's text ("a placement (freeing) order has been granted but there is
// no date of decision that the child should be placed for adoption") does not settle whether a
// decision that has since ceased counts, so Cairn does as the validator does.
void OrderNeedsPlacement(const Return& data, RuleOutput& out, std::string_view status) {
  if (!Need(data, out, {"Episodes", "PlacedAdoption"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Grouping& by_child = RowsBy(*data.Find("PlacedAdoption"), "CHILD");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("LS", row) == status && !by_child.contains(episodes.Text("CHILD", row))) {
      out.Flag("Episodes", row);
    }
  }
}
void Rule553(const Return& data, RuleOutput& out) { OrderNeedsPlacement(data, out, "E1"); }
void Rule555(const Return& data, RuleOutput& out) { OrderNeedsPlacement(data, out, "D1"); }

// 554: the decision to place for adoption must be on or before the start of the child's first
// E1 episode.
void Rule554(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "PlacedAdoption"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& placed = *data.Find("PlacedAdoption");
  const Grouping& by_child = RowsBy(placed, "CHILD");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& date_placed = placed.Dates("DATE_PLACED");
  std::map<std::string, std::size_t> first;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (child.empty() || !decom[row] || episodes.Text("LS", row) != "E1") continue;
    auto [it, inserted] = first.emplace(child, row);
    if (!inserted && *decom[row] < *decom[it->second]) it->second = row;
  }
  for (const auto& [child, row] : first) {
    const Grouping::RowList found = by_child.Find(child);
    if (found.empty()) continue;
    for (std::size_t other : found) {
      if (date_placed[other] && *date_placed[other] > *decom[row]) {
        out.Flag("Episodes", row);
        out.Flag("PlacedAdoption", other);
      }
    }
  }
}

// 556: the decision to place for adoption must be on or before the start of any D1 episode.
void Rule556(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "PlacedAdoption"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& placed = *data.Find("PlacedAdoption");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& date_placed = placed.Dates("DATE_PLACED");
  ForChildPairs(episodes, placed, [&](std::size_t row, std::size_t other) {
    if (episodes.Text("LS", row) == "D1" && decom[row] && date_placed[other] && *date_placed[other] > *decom[row]) {
      out.Flag("Episodes", row);
    }
  });
}

// 557: an adoption placement or order episode that ended other than in adoption (REC given, not
// E11, E12 or X1) needs a PlacedAdoption row with the date and reason the placement ceased. The
// orders are D1 and E1 until 2023/24 and E1 from 2024/25.
void PlacementCeasedRecorded(const Return& data, RuleOutput& out, std::initializer_list<std::string_view> orders) {
  if (!Need(data, out, {"Episodes", "PlacedAdoption"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& placed = *data.Find("PlacedAdoption");
  const Grouping& by_child = RowsBy(placed, "CHILD");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& rec = episodes.Text("REC", row);
    if (!OneOf(episodes.Text("PLACE", row), {"A3", "A4", "A5", "A6"}) && !OneOf(episodes.Text("LS", row), orders)) {
      continue;
    }
    if (rec.empty() || OneOf(rec, {"E11", "E12", "X1"})) continue;
    const Grouping::RowList found = by_child.Find(episodes.Text("CHILD", row));
    if (found.empty()) {
      out.Flag("Episodes", row);
      continue;
    }
    for (std::size_t other : found) {
      if (placed.Text("DATE_PLACED_CEASED", other).empty() || placed.Text("REASON_PLACED_CEASED", other).empty()) {
        out.Flag("Episodes", row);
        out.Flag("PlacedAdoption", other);
      }
    }
  }
}
void Rule557(const Return& data, RuleOutput& out) { PlacementCeasedRecorded(data, out, {"D1", "E1"}); }
void Rule557From2025(const Return& data, RuleOutput& out) { PlacementCeasedRecorded(data, out, {"E1"}); }

// 558: after an adoption (REC E11, E12) the placement for adoption must have ceased; the
// validator flags such an episode when every PlacedAdoption row of the child has a ceased date
// and the child has more than one (episode, PlacedAdoption row) pair.
void Rule558(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "PlacedAdoption"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& placed = *data.Find("PlacedAdoption");
  const Grouping& by_child = RowsBy(placed, "CHILD");
  std::unordered_map<std::string, Rows> adopted;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("REC", row), {"E11", "E12"})) adopted[episodes.Text("CHILD", row)].push_back(row);
  }
  for (const auto& [child, rows] : adopted) {
    if (child.empty()) continue;
    const Grouping::RowList found = by_child.Find(child);
    if (found.empty()) continue;
    bool all_ceased = true;
    for (std::size_t other : found) all_ceased = all_ceased && !placed.Text("DATE_PLACED_CEASED", other).empty();
    if (!all_ceased || rows.size() * found.size() < 2) continue;
    for (std::size_t row : rows) out.Flag("Episodes", row);
  }
}

// 559: a decision to place for adoption before this year must be in last year's return.
void Rule559(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption", "PlacedAdoption_last"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const Table& last = *data.Find("PlacedAdoption_last");
  const Grouping& by_child = RowsBy(last, "CHILD");
  const std::vector<OptDate>& now = placed.Dates("DATE_PLACED");
  const std::vector<OptDate>& before = last.Dates("DATE_PLACED");
  for (std::size_t row = 0; row < placed.rows(); ++row) {
    if (!now[row] || *now[row] >= data.collection_start) continue;
    const Grouping::RowList found = by_child.Find(placed.Text("CHILD", row));
    bool missing = found.empty();
    if (!missing) {
      for (std::size_t other : found) missing = missing || !before[other];
    }
    if (missing) out.Flag("PlacedAdoption", row);
  }
}

// 560: when last year's placement for adoption had not ceased, the date of the decision must be
// the same this year (compared as written).
void Rule560(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption", "PlacedAdoption_last"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const Table& last = *data.Find("PlacedAdoption_last");
  ForChildPairs(placed, last, [&](std::size_t row, std::size_t other) {
    const std::string& then = last.Text("DATE_PLACED", other);
    const std::string& now = placed.Text("DATE_PLACED", row);
    if (!then.empty() && last.Text("DATE_PLACED_CEASED", other).empty() && (now.empty() || now != then)) {
      out.Flag("PlacedAdoption", row);
    }
  });
}

// 561: a decision to place for adoption that last year's return shows as ceased cannot be
// reported again with the same date.
void Rule561(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption", "PlacedAdoption_last"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const Table& last = *data.Find("PlacedAdoption_last");
  ForChildPairs(placed, last, [&](std::size_t row, std::size_t other) {
    const std::string& now = placed.Text("DATE_PLACED", row);
    if (!now.empty() && now == last.Text("DATE_PLACED", other) &&
        (!last.Text("REASON_PLACED_CEASED", other).empty() || !last.Text("DATE_PLACED_CEASED", other).empty())) {
      out.Flag("PlacedAdoption", row);
    }
  });
}

// 562: the child's first episode this year, when it started before 1 April, must be last year's
// latest episode (same start date).
void Rule562(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Episodes_last"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& last = *data.Find("Episodes_last");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& last_decom = last.Dates("DECOM");
  const auto latest = ExtremeDateRow(last, "DECOM", true);
  std::map<std::string, std::size_t> first;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (child.empty() || !decom[row] || *decom[row] >= data.collection_start) continue;
    auto [it, inserted] = first.emplace(child, row);
    if (!inserted && *decom[row] < *decom[it->second]) it->second = row;
  }
  for (const auto& [child, row] : first) {
    const auto found = latest.find(child);
    if (found == latest.end() || *last_decom[found->second] != *decom[row]) out.Flag("Episodes", row);
  }
}

// 563: a ceased placement for adoption (reason and date given) needs the date of the decision.
void Rule563(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  for (std::size_t row = 0; row < placed.rows(); ++row) {
    if (!placed.Text("REASON_PLACED_CEASED", row).empty() && !placed.Text("DATE_PLACED_CEASED", row).empty() &&
        placed.Text("DATE_PLACED", row).empty()) {
      out.Flag("PlacedAdoption", row);
    }
  }
}

// 564: a missing or away episode (M, A) needs a start date.
void Rule564(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (OneOf(missing.Text("MISSING", row), {"M", "A", "m", "a"}) && missing.Text("MIS_START", row).empty()) {
      out.Flag("Missing", row);
    }
  }
}

// 565: a missing episode with a start date needs its type (MISSING).
void Rule565(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (!missing.Text("MIS_START", row).empty() && missing.Text("MISSING", row).empty()) out.Flag("Missing", row);
  }
}

// 566: a missing episode with an end date needs its type (MISSING).
void Rule566(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (missing.Text("MISSING", row).empty() && !missing.Text("MIS_END", row).empty()) out.Flag("Missing", row);
  }
}

// 567: a missing episode cannot end before it started.
void Rule567(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  const std::vector<OptDate>& end = missing.Dates("MIS_END");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (start[row] && end[row] && *start[row] > *end[row]) out.Flag("Missing", row);
  }
}

// 570: a missing episode cannot start after the end of the year.
void Rule570(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (start[row] && *start[row] > data.collection_end) out.Flag("Missing", row);
  }
}

// 571: a missing episode's end date must fall within the year.
void Rule571(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& end = missing.Dates("MIS_END");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (end[row] && (*end[row] < data.collection_start || *end[row] > data.collection_end)) out.Flag("Missing", row);
  }
}

// 574: missing episodes cannot overlap: ordered by end (or start when open) and start, an
// episode cannot follow an open one or start before the previous one ended.
void Rule574(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  const std::vector<OptDate>& end = missing.Dates("MIS_END");
  const std::vector<std::string>& child = missing.Column("CHILD");
  Rows order(missing.rows());
  for (std::size_t row = 0; row < order.size(); ++row) order[row] = row;
  auto filled_end = [&](std::size_t row) { return end[row] ? end[row] : start[row]; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (int c = CompareText(child[a], child[b]); c != 0) return c < 0;
    if (int c = CompareDate(filled_end(a), filled_end(b)); c != 0) return c < 0;
    return CompareDate(start[a], start[b]) < 0;
  });
  ForConsecutive(missing, order, [&](std::size_t previous, std::size_t row) {
    if (!end[previous] || (start[row] && *start[row] < *end[previous])) out.Flag("Missing", row);
  });
}

// 575: a missing episode that starts within an episode that has ended must itself have ended.
void Rule575(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Missing"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  ForChildPairs(missing, episodes, [&](std::size_t row, std::size_t episode) {
    if (start[row] && decom[episode] && dec[episode] && *start[row] >= *decom[episode] && *start[row] <= *dec[episode] &&
        missing.Text("MIS_END", row).empty()) {
      out.Flag("Missing", row);
    }
  });
}

// 576: the child's first missing episode this year must match an open missing episode at the end
// of last year (a missing start counts as 01/01/2099, as in the validator).
void Rule576(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing", "Missing_last"})) return;
  const Table& missing = *data.Find("Missing");
  const Table& last = *data.Find("Missing_last");
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  const std::vector<OptDate>& last_start = last.Dates("MIS_START");
  const Date far = Date::FromYmdOrDie(2099, 1, 1);
  auto start_at = [&](std::size_t row) { return start[row] ? *start[row] : far; };
  std::map<std::string, std::size_t> first;
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    const std::string& child = missing.Text("CHILD", row);
    if (child.empty()) continue;
    auto [it, inserted] = first.emplace(child, row);
    if (!inserted && start_at(row) < start_at(it->second)) it->second = row;
  }
  const Grouping& by_child = RowsBy(last, "CHILD");
  for (const auto& [child, row] : first) {
    const Grouping::RowList found = by_child.Find(child);
    if (found.empty()) continue;
    for (std::size_t other : found) {
      if (last.Text("MIS_END", other).empty() && last_start[other] && *last_start[other] != start_at(row)) {
        out.Flag("Missing", row);
      }
    }
  }
}

// A period of care as rules 577 and 578 build them: the child's episodes (those with a valid
// start, ordered by start) run together while each starts no later than the previous ended.
struct PeriodOfCare {
  std::string child;
  Date start;
  OptDate end;  // the last episode's DEC (missing when open or unreadable)
};

std::vector<PeriodOfCare> PeriodsOfCare(const Table& episodes, const std::vector<OptDate>& dec) {
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<std::string>& child = episodes.Column("CHILD");
  std::vector<PeriodOfCare> periods;
  bool first = true;
  std::size_t previous = 0;
  for (std::size_t row : SortedRows(episodes, "CHILD", {"DECOM"})) {
    if (!decom[row]) continue;
    const bool same_child = !first && !child[row].empty() && child[row] == child[previous];
    const bool new_period = first || !same_child || (dec[previous] && *decom[row] > *dec[previous]);
    if (new_period) periods.push_back({child[row], *decom[row], dec[row]});
    periods.back().end = dec[row];
    first = false;
    previous = row;
  }
  return periods;
}

// 577: a missing episode must end within a period of care (flagged when it is outside every
// period of the child's; children without episodes are not flagged). The validator sees open
// care episodes as ending on 31 March (its rule 365 fills blank DECs), so it flags a child missing over
// 31 March who is still in care; the DfE's text ("child ceased to be looked after but there is
// a missing period without an end date") is about a child whose care has ended, and Cairn
// keeps open episodes open.
void Rule577(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Missing"})) return;
  const Table& missing = *data.Find("Missing");
  std::unordered_map<std::string, std::vector<PeriodOfCare>> periods;
  const Table& episodes = *data.Find("Episodes");
  for (PeriodOfCare& period : PeriodsOfCare(episodes, episodes.Dates("DEC"))) {
    periods[period.child].push_back(period);
  }
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  const std::vector<OptDate>& end = missing.Dates("MIS_END");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (!start[row]) continue;
    const auto found = periods.find(missing.Text("CHILD", row));
    if (found == periods.end()) continue;
    bool outside_all = true;
    for (const PeriodOfCare& period : found->second) {
      const bool outside = (!end[row] && period.end) || (!end[row] && *start[row] < period.start) ||
                           (end[row] && period.end && *end[row] > *period.end) || (end[row] && *end[row] < period.start);
      outside_all = outside_all && outside;
    }
    if (outside_all) out.Flag("Missing", row);
  }
}

// 578: a missing episode must start within a period of care (flagged when it is outside every
// period of the child's; children without episodes are not flagged).
void Rule578(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Missing"})) return;
  const Table& missing = *data.Find("Missing");
  std::unordered_map<std::string, std::vector<PeriodOfCare>> periods;
  const Table& episodes = *data.Find("Episodes");
  for (PeriodOfCare& period : PeriodsOfCare(episodes, episodes.Dates("DEC"))) periods[period.child].push_back(period);
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (!start[row]) continue;
    const auto found = periods.find(missing.Text("CHILD", row));
    if (found == periods.end()) continue;
    bool outside_all = true;
    for (const PeriodOfCare& period : found->second) {
      const bool outside = *start[row] < period.start || (period.end && *start[row] > *period.end);
      outside_all = outside_all && outside;
    }
    if (outside_all) out.Flag("Missing", row);
  }
}

// 579: placements for adoption cannot overlap: ordered by the decision date, one cannot follow a
// placement that has not ceased or start before it ceased.
void Rule579(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const std::vector<OptDate>& date_placed = placed.Dates("DATE_PLACED");
  const std::vector<OptDate>& ceased = placed.Dates("DATE_PLACED_CEASED");
  ForConsecutive(placed, SortedRows(placed, "CHILD", {"DATE_PLACED"}), [&](std::size_t previous, std::size_t row) {
    if (!ceased[previous] || (date_placed[row] && *date_placed[row] < *ceased[previous])) {
      out.Flag("PlacedAdoption", row);
    }
  });
}

// 580: a missing episode ending on the child's 18th birthday, the day the care episode ended,
// means the episode ended with REC E8.
void Rule580(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Missing"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& end = missing.Dates("MIS_END");
  const std::vector<OptDate>& dob = missing.Dates("DOB");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  ForChildPairs(missing, episodes, [&](std::size_t row, std::size_t episode) {
    if (dob[row] && end[row] && dec[episode] && dob[row]->AddYears(18) == *end[row] && *end[row] == *dec[episode] &&
        episodes.Text("REC", episode) != "E8") {
      out.Flag("Episodes", episode);
    }
  });
}

// 581: a missing episode must start within one of the child's care episodes; children without
// episodes are not flagged. An open episode is open: a child missing after 31 March inside it
// has started to be looked after, as the DfE's text asks ("child is missing but has not yet
// started to be looked after"), and rule 570 flags a start after the year. The validator means
// the same (its test keeps a blank DEC open) but reads DEC after its rule 365 has written 31
// March into every blank one, so it flags such a child.
void Rule581(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Missing"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  const Grouping& by_child = RowsBy(episodes, "CHILD");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    const Grouping::RowList found = by_child.Find(missing.Text("CHILD", row));
    if (found.empty()) continue;
    bool inside = false;
    for (std::size_t episode : found) {
      inside = inside || (start[row] && decom[episode] && *start[row] >= *decom[episode] &&
                          (!dec[episode] || *start[row] <= *dec[episode]));
    }
    if (!inside) out.Flag("Missing", row);
  }
}

// 582: an adoption (REC E11, E12) cannot end on the date of the match with the adopters
// (compared as written).
void Rule582(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "AD1"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& ad1 = *data.Find("AD1");
  ForChildPairs(episodes, ad1, [&](std::size_t row, std::size_t other) {
    const std::string& dec = episodes.Text("DEC", row);
    if (OneOf(episodes.Text("REC", row), {"E11", "E12"}) && !dec.empty() && dec == ad1.Text("DATE_MATCH", other)) {
      out.Flag("Episodes", row);
    }
  });
}

// 583: only the child's latest placement for adoption may be open (not ceased). The validator
// picks the latest by the DATE_PLACED text, so dd/mm/yyyy sorts by day first; Cairn does the same.
void Rule583(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const std::vector<std::string>& date_placed = placed.Column("DATE_PLACED");
  std::unordered_map<std::string, std::size_t> latest;
  for (std::size_t row = 0; row < placed.rows(); ++row) {
    auto [it, inserted] = latest.emplace(placed.Text("CHILD", row), row);
    if (inserted) continue;
    const std::string& best = date_placed[it->second];
    if (!date_placed[row].empty() && (best.empty() || date_placed[row] > best)) it->second = row;
  }
  for (std::size_t row = 0; row < placed.rows(); ++row) {
    if (latest[placed.Text("CHILD", row)] != row && placed.Text("DATE_PLACED_CEASED", row).empty()) {
      out.Flag("PlacedAdoption", row);
    }
  }
}

// 584: a decision to place for adoption cannot be on or before a placement that last year's
// return shows as ceased. The validator compares the dates as text and takes the row numbers of
// its merged table as row numbers of PlacedAdoption; Cairn reproduces both (the merge lists the
// pairs child by child, in the order children first appear, a blank child last).
void Rule584(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption", "PlacedAdoption_last"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const Table& last = *data.Find("PlacedAdoption_last");
  std::unordered_map<std::string, Rows> ceased;
  for (std::size_t row = 0; row < last.rows(); ++row) {
    if (!last.Text("DATE_PLACED_CEASED", row).empty() || !last.Text("REASON_PLACED_CEASED", row).empty()) {
      ceased[last.Text("CHILD", row)].push_back(row);
    }
  }
  std::vector<std::string> keys;
  std::unordered_map<std::string, Rows> current;
  for (std::size_t row = 0; row < placed.rows(); ++row) {
    const std::string& child = placed.Text("CHILD", row);
    if (!ceased.contains(child)) continue;
    auto [it, inserted] = current.emplace(child, Rows());
    if (inserted) keys.push_back(child);
    it->second.push_back(row);
  }
  // pandas puts the blank (NaN) key's pairs last.
  std::stable_partition(keys.begin(), keys.end(), [](const std::string& key) { return !key.empty(); });
  std::size_t position = 0;
  for (const std::string& child : keys) {
    for (std::size_t row : current[child]) {
      const std::string& now = placed.Text("DATE_PLACED", row);
      if (now.empty()) out.Flag("PlacedAdoption", row);
      for (std::size_t other : ceased[child]) {
        const std::string& then = last.Text("DATE_PLACED", other);
        if (!now.empty() && !then.empty() && now <= then) out.Flag("PlacedAdoption", position);
        ++position;
      }
    }
  }
}

// 586: a missing episode cannot start on or before the child's date of birth.
void Rule586(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  const std::vector<OptDate>& dob = missing.Dates("DOB");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (start[row] && dob[row] && *start[row] <= *dob[row]) out.Flag("Missing", row);
  }
}

}  // namespace

void AddRules400To599(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {
      {"406", 2023, &Rule406}, {"407", 2023, &Rule407}, {"408", 2023, &Rule408}, {"411", 2023, &Rule411},
      {"420", 2023, &Rule420}, {"426", 2023, &Rule426}, {"431", 2023, &Rule431}, {"432", 2023, &Rule432},
      {"433", 2023, &Rule433}, {"434", 2023, &Rule434}, {"435", 2023, &Rule435}, {"436", 2023, &Rule436},
      {"437", 2023, &Rule437}, {"440", 2023, &Rule440}, {"441", 2023, &Rule441}, {"442", 2023, &Rule442},
      {"444", 2026, &Rule444}, {"445", 2023, &Rule445}, {"446", 2023, &Rule446}, {"451", 2023, &Rule451},
      {"452", 2023, &Rule452}, {"453", 2023, &Rule453}, {"454", 2026, &Rule454}, {"460", 2023, &Rule460},
      {"501", 2023, &Rule501}, {"502", 2023, &Rule502}, {"503A", 2023, &Rule503A}, {"503B", 2023, &Rule503B},
      {"503C", 2023, &Rule503C}, {"503D", 2023, &Rule503D}, {"503D", 2025, &Rule503D}, {"503D", 2026, &Rule503D},
      {"503E", 2023, &Rule503E}, {"503F", 2023, &Rule503F}, {"503G", 2023, &Rule503G}, {"503H", 2023, &Rule503H},
      {"503J", 2023, &Rule503J}, {"504", 2023, &Rule504}, {"511", 2023, &Rule511}, {"514", 2023, &Rule514},
      {"516", 2023, &Rule516}, {"517", 2023, &Rule517}, {"518", 2023, &Rule518}, {"519", 2023, &Rule519},
      {"520", 2023, &Rule520}, {"521", 2023, &Rule521}, {"522", 2023, &Rule522}, {"523", 2023, &Rule523},
      {"524", 2023, &Rule524}, {"525", 2023, &Rule525}, {"526", 2023, &Rule526}, {"526", 2026, &Rule526From2026},
      {"527", 2023, &Rule527}, {"528", 2023, &Rule528}, {"529", 2023, &Rule529}, {"530", 2023, &Rule530},
      {"531", 2023, &Rule531}, {"542", 2023, &Rule542}, {"543", 2023, &Rule543}, {"544", 2023, &Rule544},
      {"545", 2023, &Rule545}, {"546", 2023, &Rule546}, {"547", 2023, &Rule547}, {"550", 2023, &Rule550},
      {"551", 2023, &Rule551}, {"552", 2023, &Rule552}, {"553", 2023, &Rule553}, {"554", 2023, &Rule554},
      {"555", 2023, &Rule555}, {"556", 2023, &Rule556}, {"557", 2023, &Rule557}, {"557", 2025, &Rule557From2025},
      {"558", 2023, &Rule558}, {"559", 2023, &Rule559}, {"560", 2023, &Rule560}, {"561", 2023, &Rule561},
      {"562", 2023, &Rule562}, {"563", 2023, &Rule563}, {"564", 2023, &Rule564}, {"565", 2023, &Rule565},
      {"566", 2023, &Rule566}, {"567", 2023, &Rule567}, {"570", 2023, &Rule570}, {"571", 2023, &Rule571},
      {"574", 2023, &Rule574}, {"575", 2023, &Rule575}, {"576", 2023, &Rule576}, {"577", 2023, &Rule577},
      {"578", 2023, &Rule578}, {"579", 2023, &Rule579}, {"580", 2023, &Rule580}, {"581", 2023, &Rule581},
      {"582", 2023, &Rule582}, {"583", 2023, &Rule583}, {"584", 2023, &Rule584}, {"586", 2023, &Rule586},
  };
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::ssda903
