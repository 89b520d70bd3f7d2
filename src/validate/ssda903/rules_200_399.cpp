// SSDA903 rules 200 to 399. Each function is one version of one rule; its comment says what
// the DfE's rule asks, and where Cairn reads the rule differently from the public validator.
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "geography/postcode_directory.h"
#include "validate/rule_support.h"
#include "validate/ssda903/rules.h"

namespace cairn::validate::ssda903 {
namespace {

using Groups = std::unordered_map<std::string, std::vector<std::size_t>>;
using Dates = std::vector<std::optional<Date>>;

// The rows of a grouping with key `key` (pandas merges match a blank key to a blank key).
const std::vector<std::size_t>& RowsOf(const Groups& groups, const std::string& key) {
  static const std::vector<std::size_t> kNone;
  auto found = groups.find(key);
  return found == groups.end() ? kNone : found->second;
}
Grouping::RowList RowsOf(const Grouping& groups, std::string_view key) { return groups.Find(key); }

bool Same(const std::optional<Date>& a, const std::optional<Date>& b) { return a && b && *a == *b; }

// Each child's rows of `table` in the order of `column`'s dates (unreadable dates last, ties
// in row order), as sort_values then groupby("CHILD") gives them; blank children are left out.
Groups ChildRowsByDate(const Table& table, std::string_view column) {
  Groups groups;
  const std::vector<std::string>& child = table.Column("CHILD");
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (!child[row].empty()) groups[child[row]].push_back(row);
  }
  const Dates& dates = table.Dates(column);
  for (auto& [key, rows] : groups) {
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
      if (!dates[a] || !dates[b]) return dates[a].has_value() && !dates[b].has_value();
      return *dates[a] < *dates[b];
    });
  }
  return groups;
}

// The row with the earliest (or latest) date of `rows` (the first such row), as idxmin/idxmax
// pick it; none when no date can be read (where the validator fails).
std::optional<std::size_t> FirstExtreme(const Dates& dates, const std::vector<std::size_t>& rows, bool latest) {
  std::optional<std::size_t> best;
  for (std::size_t row : rows) {
    if (!dates[row]) continue;
    if (!best || (latest ? *dates[row] > *dates[*best] : *dates[row] < *dates[*best])) best = row;
  }
  return best;
}

// Header rows flagged where a value differs from the child's Header_last row (text compared,
// blank equal to blank), as rules 202 and 204 compare them.
void FlagChangedFromLastYear(const Return& data, RuleOutput& out, std::string_view column) {
  if (!Need(data, out, {"Header", "Header_last"})) return;
  const Table& header = *data.Find("Header");
  const Table& last = *data.Find("Header_last");
  const Grouping& last_by_child = RowsBy(last, "CHILD");
  const std::vector<std::string>& now = header.Column(column);
  const std::vector<std::string>& before = last.Column(column);
  for (std::size_t row = 0; row < header.rows(); ++row) {
    for (std::size_t other : last_by_child.Matching(header, row)) {
      if (now[row] != before[other]) {
        out.Flag("Header", row);
        break;
      }
    }
  }
}

// 202: the child's SEX must be the same as last year's.
void Rule202(const Return& data, RuleOutput& out) { FlagChangedFromLastYear(data, out, "SEX"); }

// 203: the child's DOB must be the same as last year's (dates compared; two unreadable dates
// count as the same, as the validator compares them as text after parsing).
void Rule203(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Header_last"})) return;
  const Table& header = *data.Find("Header");
  const Table& last = *data.Find("Header_last");
  const Grouping& last_by_child = RowsBy(last, "CHILD");
  const Dates& now = header.Dates("DOB");
  const Dates& before = last.Dates("DOB");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    for (std::size_t other : last_by_child.Matching(header, row)) {
      if (now[row] != before[other]) {
        out.Flag("Header", row);
        break;
      }
    }
  }
}

// 204: the child's ETHNIC must be the same as last year's.
void Rule204(const Return& data, RuleOutput& out) { FlagChangedFromLastYear(data, out, "ETHNIC"); }

// A Header-like view of each child's UASC flag: the Header table's UASC column, or (CSV
// uploads without that Header) one derived from the UASC table: "1" where SEX or DUC is given.
struct UascFlags {
  bool usable = false;
  bool from_header = false;
  std::vector<std::string> child;
  std::vector<std::string> uasc;
};

UascFlags HeaderUasc(const Return& data, std::string_view header_name, std::string_view uasc_name) {
  UascFlags flags;
  if (const Table* header = data.Find(header_name)) {
    flags.from_header = true;
    flags.usable = header->Has("UASC");
    flags.child = header->Column("CHILD");
    flags.uasc = header->Column("UASC");
  } else if (const Table* uasc = data.Find(uasc_name)) {
    flags.usable = true;
    flags.child = uasc->Column("CHILD");
    for (std::size_t row = 0; row < uasc->rows(); ++row) {
      bool given = false;
      for (const std::string& column : uasc->columns()) {
        if (column != "CHILD" && column != "DOB" && !uasc->Text(column, row).empty()) given = true;
      }
      flags.uasc.push_back(given ? "1" : "0");
    }
  }
  return flags;
}

Groups GroupRows(const std::vector<std::string>& keys) {
  Groups groups;
  for (std::size_t row = 0; row < keys.size(); ++row) groups[keys[row]].push_back(row);
  return groups;
}

// The rows of UASC joined as rules 205A to 205C join them: each UASC row with its child's
// Header rows, and each of those with the child's UASC_last rows and their Header_last rows.
// `check` gets (uasc row, header row or none, UASC flag now, uasc_last row or none, UASC flag
// last year) and says whether the combination breaks the rule.
template <typename Check>
void CheckUascYears(const Return& data, RuleOutput& out, Check check) {
  if (!Need(data, out, {"UASC", "UASC_last"})) return;
  const UascFlags now = HeaderUasc(data, "Header", "UASC");
  const UascFlags last = HeaderUasc(data, "Header_last", "UASC_last");
  if (!now.usable || !last.usable) return;
  const Table& uasc = *data.Find("UASC");
  const Table& uasc_last = *data.Find("UASC_last");
  const Groups now_by_child = GroupRows(now.child);
  const Groups last_by_child = GroupRows(last.child);
  const Grouping& uasc_last_by_child = RowsBy(uasc_last, "CHILD");
  const std::string kNan;  // a merge that found nothing
  for (std::size_t row = 0; row < uasc.rows(); ++row) {
    const std::string& child = uasc.Text("CHILD", row);
    std::vector<std::optional<std::size_t>> headers;
    for (std::size_t h : RowsOf(now_by_child, child)) headers.push_back(h);
    if (headers.empty()) headers.push_back(std::nullopt);
    std::vector<std::pair<std::optional<std::size_t>, const std::string*>> lasts;
    for (std::size_t l : RowsOf(uasc_last_by_child, child)) {
      const std::vector<std::size_t>& header_lasts = RowsOf(last_by_child, child);
      if (header_lasts.empty()) lasts.push_back({l, nullptr});
      for (std::size_t hl : header_lasts) lasts.push_back({l, &last.uasc[hl]});
    }
    if (lasts.empty()) lasts.push_back({std::nullopt, nullptr});
    for (const std::optional<std::size_t>& h : headers) {
      const std::string* flag_now = h ? &now.uasc[*h] : nullptr;
      for (const auto& [l, flag_last] : lasts) {
        if (!check(row, flag_now, l, flag_last)) continue;
        out.Flag("UASC", row);
        if (h && now.from_header) out.Flag("Header", *h);
      }
    }
  }
}

bool Is(const std::string* flag, std::string_view value) { return flag != nullptr && *flag == value; }

// 205A: a child who was UASC last year and is not this year must have had their UASC status
// end (DUC) within last year, and have no DUC this year.
void Rule205A(const Return& data, RuleOutput& out) {
  if (data.Find("UASC") == nullptr || data.Find("UASC_last") == nullptr) return out.Skip();
  const Table& uasc = *data.Find("UASC");
  const Table& uasc_last = *data.Find("UASC_last");
  const Date start_last = data.collection_start.AddYears(-1);
  const Date end_last = data.collection_end.AddYears(-1);
  CheckUascYears(data, out, [&](std::size_t row, const std::string* now, std::optional<std::size_t> last,
                                const std::string* flag_last) {
    if (Is(now, "1") || !Is(flag_last, "1")) return false;
    const std::optional<Date> duc_last = last ? uasc_last.DateAt("DUC", *last) : std::nullopt;
    const bool in_last_year = duc_last && *duc_last >= start_last && *duc_last <= end_last;
    return !uasc.Text("DUC", row).empty() || !in_last_year;
  });
}

// 205B: a child UASC in both years must have last year's DUC on their 18th birthday, and this
// year's DUC within the year or the same as last year's.
void Rule205B(const Return& data, RuleOutput& out) {
  if (data.Find("UASC") == nullptr || data.Find("UASC_last") == nullptr) return out.Skip();
  const Table& uasc = *data.Find("UASC");
  const Table& uasc_last = *data.Find("UASC_last");
  CheckUascYears(data, out, [&](std::size_t row, const std::string* now, std::optional<std::size_t> last,
                                const std::string* flag_last) {
    if (!Is(now, "1") || !Is(flag_last, "1")) return false;
    const std::optional<Date> duc = uasc.DateAt("DUC", row);
    const std::optional<Date> duc_last = last ? uasc_last.DateAt("DUC", *last) : std::nullopt;
    std::optional<Date> dob18 = last ? uasc_last.DateAt("DOB", *last) : std::nullopt;
    if (dob18) dob18 = dob18->AddYears(18);
    const bool duc_in_year = duc && *duc >= data.collection_start && *duc <= data.collection_end;
    return (!duc_in_year && !Same(duc, duc_last)) || !Same(duc_last, dob18);
  });
}

// 205C: a child who was UASC in neither year must have no DUC in either.
void Rule205C(const Return& data, RuleOutput& out) {
  if (data.Find("UASC") == nullptr || data.Find("UASC_last") == nullptr) return out.Skip();
  const Table& uasc = *data.Find("UASC");
  const Table& uasc_last = *data.Find("UASC_last");
  CheckUascYears(data, out, [&](std::size_t row, const std::string* now, std::optional<std::size_t> last,
                                const std::string* flag_last) {
    const bool never = (now == nullptr || *now == "0") && (flag_last == nullptr || *flag_last == "0");
    const bool has_duc = uasc.DateAt("DUC", row).has_value() || (last && uasc_last.DateAt("DUC", *last));
    return never && has_duc;
  });
}

// 205D: a child UASC this year must have been UASC last year too, if in last year's return.
void Rule205D(const Return& data, RuleOutput& out) {
  if (data.Find("Header") == nullptr && data.Find("UASC") == nullptr) return out.Skip();
  if (data.Find("Header_last") == nullptr && data.Find("UASC_last") == nullptr) return out.Skip();
  const UascFlags now = HeaderUasc(data, "Header", "UASC");
  const UascFlags last = HeaderUasc(data, "Header_last", "UASC_last");
  if (!now.usable || !last.usable) return;
  const Groups last_by_child = GroupRows(last.child);
  for (std::size_t row = 0; row < now.child.size(); ++row) {
    for (std::size_t other : RowsOf(last_by_child, now.child[row])) {
      if (now.uasc[row] == "1" && last.uasc[other] != "1") out.Flag(now.from_header ? "Header" : "UASC", row);
    }
  }
}

// 207: a child who was a mother last year must still be one, if looked after this year.
void Rule207(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Header_last", "Episodes"})) return;
  const Table& header = *data.Find("Header");
  const Table& last = *data.Find("Header_last");
  const Grouping& last_by_child = RowsBy(last, "CHILD");
  const Grouping& episodes_by_child = RowsBy(*data.Find("Episodes"), "CHILD");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    const std::string& child = header.Text("CHILD", row);
    if (RowsOf(episodes_by_child, child).empty()) continue;
    for (std::size_t other : RowsOf(last_by_child, child)) {
      const std::string& before = last.Text("MOTHER", other);
      if (before == "1" && header.Text("MOTHER", row) != before) out.Flag("Header", row);
    }
  }
}

// 208: the UPN must not change from last year, except from unknown (UN1 or blank) to UN2-UN5
// or from unknown to a known UPN.
void Rule208(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Header_last"})) return;
  const Table& header = *data.Find("Header");
  const Table& last = *data.Find("Header_last");
  const Grouping& last_by_child = RowsBy(last, "CHILD");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    const std::string& now = header.Text("UPN", row);
    for (std::size_t other : last_by_child.Matching(header, row)) {
      const std::string& before = last.Text("UPN", other);
      const bool null_now = now.empty();
      const bool null_before = before.empty();
      if (null_now && null_before) continue;
      if (now == before) continue;
      const bool now_un2_5 = OneOf(now, {"UN2", "UN3", "UN4", "UN5"});
      const bool now_unknown = now_un2_5 || now == "UN1" || null_now;
      const bool before_unknown = OneOf(before, {"UN1", "UN2", "UN3", "UN4", "UN5"}) || null_before;
      const bool valid_unknown_change = (before == "UN1" || null_before) && now_un2_5;
      const bool unknown_to_known = before_unknown && !now_unknown;
      if (!valid_unknown_change && !unknown_to_known) out.Flag("Header", row);
    }
  }
}

// 209: a child four or older on 31 August before the collection year began must not have UPN
// UN1.
void Rule209(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const Date reference = Date::FromYmdOrDie(data.collection_start.year() - 1, 8, 31);
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (dob[row] && dob[row]->AddYears(4) <= reference && header.Text("UPN", row) == "UN1") out.Flag("Header", row);
  }
}

// 210: a child with UPN UN4 must have no episode starting on or after 24 March of the
// collection year.
void Rule210(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Episodes"})) return;
  const Table& header = *data.Find("Header");
  const Table& episodes = *data.Find("Episodes");
  const Date reference = Date::FromYmdOrDie(data.collection_end.year(), 3, 24);
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const Dates& decom = episodes.Dates("DECOM");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!decom[row] || *decom[row] < reference) continue;
    for (std::size_t h : header_by_child.Matching(episodes, row)) {
      if (header.Text("UPN", h) != "UN4") continue;
      out.Flag("Episodes", row);
      out.Flag("Header", h);
    }
  }
}

// Episodes rows whose PLACE is in `places` and whose PLACE_PROVIDER is given.
void FlagProviderForPlaces(const Return& data, RuleOutput& out, std::initializer_list<std::string_view> places) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("PLACE", row), places) && !episodes.Text("PLACE_PROVIDER", row).empty()) {
      out.Flag("Episodes", row);
    }
  }
}

// 213: a temporary placement (T0-T4) must have no placement provider.
void Rule213(const Return& data, RuleOutput& out) { FlagProviderForPlaces(data, out, {"T0", "T1", "T2", "T3", "T4"}); }

// 213 (2026): nor may a temporary placement or Z11-Z14.
void Rule213From2026(const Return& data, RuleOutput& out) {
  FlagProviderForPlaces(data, out, {"T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"});
}

// 214: a V3 or V4 (short breaks) episode must have no placement postcode or URN.
void Rule214(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("LS", row), {"V3", "V4"}) &&
        (!episodes.Text("PL_POST", row).empty() || !episodes.Text("URN", row).empty())) {
      out.Flag("Episodes", row);
    }
  }
}

// 215: a care leaver with OC3 data (IN_TOUCH, ACTIV or ACCOM) must have no OC2 outcomes.
void Rule215(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3", "OC2"})) return;
  const Table& oc3 = *data.Find("OC3");
  const Table& oc2 = *data.Find("OC2");
  const Grouping& oc2_by_child = RowsBy(oc2, "CHILD");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (oc3.Text("IN_TOUCH", row).empty() && oc3.Text("ACTIV", row).empty() && oc3.Text("ACCOM", row).empty()) continue;
    for (std::size_t other : oc2_by_child.Matching(oc3, row)) {
      bool given = false;
      for (std::string_view column : {"CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                                      "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"}) {
        if (!oc2.Text(column, other).empty()) given = true;
      }
      if (!given) continue;
      out.Flag("OC3", row);
      out.Flag("OC2", other);
    }
  }
}

// 217: an A3 or A5 placement starting on or after 1 April 2015 must start a new period of
// care or a new legal status (RNE S, T or U).
void Rule217(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Date earliest = Date::FromYmdOrDie(2015, 4, 1);
  const Dates& decom = episodes.Dates("DECOM");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("PLACE", row), {"A3", "A5"}) && decom[row] && *decom[row] >= earliest &&
        !OneOf(episodes.Text("RNE", row), {"S", "T", "U"})) {
      out.Flag("Episodes", row);
    }
  }
}

// 217t (2024): a P2 placement must have ended by 28 October 2023 (an unreadable end counts as
// open, as in the validator).
void Rule217t(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Date latest = Date::FromYmdOrDie(2023, 10, 28);
  const Dates& dec = episodes.Dates("DEC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("PLACE", row) == "P2" && (!dec[row] || *dec[row] > latest)) out.Flag("Episodes", row);
  }
}

// 218: a placement open during the year must have a URN unless its PLACE is exempt or it is
// outside England. `outside` reads PL_LA.
template <typename Outside>
void CheckUrnGiven(const Return& data, RuleOutput& out, std::initializer_list<std::string_view> exempt,
                   Outside outside) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!episodes.Has("PL_LA")) return out.Skip();
  const Dates& dec = episodes.Dates("DEC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const bool open = (dec[row] && *dec[row] >= data.collection_start) || episodes.Text("DEC", row).empty();
    if (open && episodes.Text("URN", row).empty() && !OneOf(episodes.Text("PLACE", row), exempt) &&
        !outside(episodes.Text("PL_LA", row))) {
      out.Flag("Episodes", row);
    }
  }
}

// The validator's England test before 2026: PL_LA starting N, W, S or C. A blank PL_LA reads
// as "NAN" there, so it counts as outside England.
bool OutsideEnglandByLetter(const std::string& la) {
  if (la.empty()) return true;
  return la[0] == 'N' || la[0] == 'W' || la[0] == 'S' || la[0] == 'C';
}

void Rule218(const Return& data, RuleOutput& out) {
  CheckUrnGiven(data, out, {"H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"},
                OutsideEnglandByLetter);
}

// 218 (2025): H5 and P2 placements need a URN too.
void Rule218From2025(const Return& data, RuleOutput& out) {
  CheckUrnGiven(data, out, {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}, OutsideEnglandByLetter);
}

// 218 (2026): Z1 is split into Z11-Z14, and outside England means PL_LA CON, NIR, SCO, WAL or NUK.
void Rule218From2026(const Return& data, RuleOutput& out) {
  CheckUrnGiven(data, out,
                {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"},
                [](const std::string& la) { return OneOf(la, {"CON", "NIR", "SCO", "WAL", "NUK"}); });
}

// 222: placements that Ofsted does not register must have no URN (or the placeholder XXXXXXX).
void FlagUrnForPlaces(const Return& data, RuleOutput& out, std::initializer_list<std::string_view> places) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& urn = episodes.Text("URN", row);
    if (OneOf(episodes.Text("PLACE", row), places) && !urn.empty() && urn != "XXXXXXX") out.Flag("Episodes", row);
  }
}

void Rule222(const Return& data, RuleOutput& out) {
  FlagUrnForPlaces(data, out, {"H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"});
}
void Rule222From2024(const Return& data, RuleOutput& out) {
  FlagUrnForPlaces(data, out, {"P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"});
}
void Rule222From2025(const Return& data, RuleOutput& out) {
  FlagUrnForPlaces(data, out, {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"});
}
void Rule222From2026(const Return& data, RuleOutput& out) {
  FlagUrnForPlaces(data, out, {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"});
}

// 225: an episode ending in a placement change (X1) followed by a new placement (RNE P, B, T
// or U) needs a reason for the change, unless either placement is temporary (T0-T4).
void Rule225(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (const auto& [child, rows] : ChildRowsByDate(episodes, "DECOM")) {
    for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
      const std::size_t row = rows[i];
      const std::size_t next = rows[i + 1];
      if (episodes.Text("REC", row) == "X1" && episodes.Text("REASON_PLACE_CHANGE", row).empty() &&
          !OneOf(episodes.Text("PLACE", row), {"T0", "T1", "T2", "T3", "T4"}) &&
          OneOf(episodes.Text("RNE", next), {"P", "B", "T", "U"}) &&
          !OneOf(episodes.Text("PLACE", next), {"T0", "T1", "T2", "T3", "T4"})) {
        out.Flag("Episodes", row);
      }
    }
  }
}

// 226: a temporary placement (T0-T4) must have no reason for placement change, and nor may
// the child's episode before it.
void Rule226(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  std::vector<bool> previous_reason(episodes.rows(), false);
  for (const auto& [child, rows] : ChildRowsByDate(episodes, "DECOM")) {
    for (std::size_t i = 1; i < rows.size(); ++i) {
      previous_reason[rows[i]] = !episodes.Text("REASON_PLACE_CHANGE", rows[i - 1]).empty();
    }
  }
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("PLACE", row), {"T0", "T1", "T2", "T3", "T4"}) &&
        (!episodes.Text("REASON_PLACE_CHANGE", row).empty() || previous_reason[row])) {
      out.Flag("Episodes", row);
    }
  }
}

// 230 (2024): an H5 placement open on or after 29 October 2023 in England needs a URN. A blank
// PL_LA counts as outside England, as in the validator.
void Rule230(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!episodes.Has("PL_LA")) return out.Skip();
  const Date from = Date::FromYmdOrDie(2023, 10, 29);
  const Dates& dec = episodes.Dates("DEC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& la = episodes.Text("PL_LA", row);
    const bool outside = la.empty() || la[0] == 'N' || la[0] == 'W' || la[0] == 'S';
    const std::string& urn = episodes.Text("URN", row);
    if (episodes.Text("PLACE", row) == "H5" && (!dec[row] || *dec[row] >= from) && (urn.empty() || urn == "XXXXXXX") &&
        !outside) {
      out.Flag("Episodes", row);
    }
  }
}

// 231 (2025): a UASC child is expected to be 11 or older at the end of the year. The validator
// reads a Header column UASC_STATUS that no return has and fails on every input; Cairn follows
// the DfE's rule with the Header's UASC flag.
void Rule231(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const Date eleven = data.collection_end.AddYears(-11);
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (dob[row] && *dob[row] > eleven && header.Text("UASC", row) == "1") out.Flag("Header", row);
  }
}

// 232 (2025): SEX must not be U (not known).
void Rule232(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (header.Text("SEX", row) == "U") out.Flag("Header", row);
  }
}

// 233 (2026): an episode that has not ended must have no reason for placement change. The
// validator reads an Episodes column DATE_EPISODE_CEASED that no return has and fails on every
// input; Cairn follows the DfE's rule with DEC.
void Rule233(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("DEC", row).empty() && !episodes.Text("REASON_PLACE_CHANGE", row).empty()) {
      out.Flag("Episodes", row);
    }
  }
}

// 234 (2026): a placement change for custody (CUSTOD) needs the child to have been 10 or older
// when the episode began.
void Rule234(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Header"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("REASON_PLACE_CHANGE", row) != "CUSTOD" || !decom[row]) continue;
    for (std::size_t h : header_by_child.Matching(episodes, row)) {
      if (dob[h] && dob[h]->AddYears(10) > *decom[row]) {
        out.Flag("Episodes", row);
        out.Flag("Header", h);
      }
    }
  }
}

// 301: the date of birth must not be after the end of the year.
void Rule301(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (dob[row] && *dob[row] > data.collection_end) out.Flag("Header", row);
  }
}

// 302: the child's first episode must not start before they were born.
void Rule302(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dob = header.Dates("DOB");
  for (const auto& [child, rows] : ChildRowsByDate(episodes, "DECOM")) {
    const std::optional<std::size_t> first = FirstExtreme(decom, rows, false);
    if (!first) continue;
    for (std::size_t h : RowsOf(header_by_child, child)) {
      if (dob[h] && *dob[h] > *decom[*first]) {
        out.Flag("Episodes", *first);
        out.Flag("Header", h);
      }
    }
  }
}

// 303: a child with a date UASC ceased (DUC) must be flagged UASC in the Header.
void Rule303(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"UASC", "Header"})) return;
  const Table& header = *data.Find("Header");
  if (!header.Has("UASC")) return;
  const Table& uasc = *data.Find("UASC");
  const Grouping& uasc_by_child = RowsBy(uasc, "CHILD");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    const std::optional<double> flag = ToNumber(header.Text("UASC", row));
    if (flag && *flag == 1) continue;
    for (std::size_t u : uasc_by_child.Matching(header, row)) {
      if (uasc.Text("DUC", u).empty()) continue;
      out.Flag("UASC", u);
      out.Flag("Header", row);
    }
  }
}

// 304: the date UASC ceased must not be after the child's 18th birthday.
void Rule304(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"UASC"})) return;
  const Table& uasc = *data.Find("UASC");
  const Dates& dob = uasc.Dates("DOB");
  const Dates& duc = uasc.Dates("DUC");
  for (std::size_t row = 0; row < uasc.rows(); ++row) {
    if (duc[row] && dob[row] && *duc[row] > dob[row]->AddYears(18)) out.Flag("UASC", row);
  }
}

// 331: a child adopted (REC E11 or E12) must have been matched (DATE_MATCH) no later than the
// start of that episode.
void Rule331(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"AD1", "Episodes"})) return;
  const Table& ad1 = *data.Find("AD1");
  const Table& episodes = *data.Find("Episodes");
  const Grouping& ad1_by_child = RowsBy(ad1, "CHILD");
  const Dates& match = ad1.Dates("DATE_MATCH");
  const Dates& decom = episodes.Dates("DECOM");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("REC", row), {"E11", "E12"}) || !decom[row]) continue;
    for (std::size_t a : ad1_by_child.Matching(episodes, row)) {
      if (match[a] && *match[a] > *decom[row]) {
        out.Flag("AD1", a);
        out.Flag("Episodes", row);
      }
    }
  }
}

// 333: a child matched for adoption must have a decision to adopt (DATE_INT) on or before the
// match.
void Rule333(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"AD1"})) return;
  const Table& ad1 = *data.Find("AD1");
  const Dates& match = ad1.Dates("DATE_MATCH");
  const Dates& decided = ad1.Dates("DATE_INT");
  for (std::size_t row = 0; row < ad1.rows(); ++row) {
    if (match[row] && (!decided[row] || *decided[row] > *match[row])) out.Flag("AD1", row);
  }
}

// 334: the decision to adopt must not be before the start of the child's latest period of care
// (the latest episode with RNE S).
void Rule334(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "AD1"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& ad1 = *data.Find("AD1");
  const Grouping& ad1_by_child = RowsBy(ad1, "CHILD");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& decided = ad1.Dates("DATE_INT");
  std::unordered_map<std::string, std::vector<std::size_t>> starts;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (!child.empty() && episodes.Text("RNE", row) == "S") starts[child].push_back(row);
  }
  for (const auto& [child, rows] : starts) {
    const std::optional<std::size_t> last = FirstExtreme(decom, rows, true);
    if (!last) continue;
    for (std::size_t a : RowsOf(ad1_by_child, child)) {
      if (decided[a] && *decided[a] < *decom[*last]) {
        out.Flag("Episodes", *last);
        out.Flag("AD1", a);
      }
    }
  }
}

// 335: an adoption (REC E1, E11 or E12) from a placement with the child's foster carers (A1,
// A4, A6) needs FOSTER_CARE 1, and from any other adoption placement (A2, A3, A5) FOSTER_CARE 0.
void Rule335(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "AD1"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& ad1 = *data.Find("AD1");
  const Grouping& ad1_by_child = RowsBy(ad1, "CHILD");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("REC", row), {"E1", "E11", "E12"})) continue;
    const std::string& place = episodes.Text("PLACE", row);
    for (std::size_t a : ad1_by_child.Matching(episodes, row)) {
      const std::string& foster = ad1.Text("FOSTER_CARE", a);
      if ((OneOf(place, {"A2", "A3", "A5"}) && foster == "0") || (OneOf(place, {"A1", "A4", "A6"}) && foster == "1")) {
        out.Flag("Episodes", row);
        out.Flag("AD1", a);
      }
    }
  }
}

// 336: a placement for adoption (A3 or A4) must follow another adoption placement (A3-A6) or a
// placement with relatives or friends (U1-U6), unless it is the child's first episode. Rows
// with a blank CHILD have no previous placement, so an A3 or A4 one is flagged, as in the
// validator.
void Rule336(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Dates& decom = episodes.Dates("DECOM");
  std::vector<const std::string*> previous(episodes.rows(), nullptr);
  std::vector<bool> first(episodes.rows(), false);
  for (const auto& [child, rows] : ChildRowsByDate(episodes, "DECOM")) {
    for (std::size_t i = 1; i < rows.size(); ++i) previous[rows[i]] = &episodes.Text("PLACE", rows[i - 1]);
    if (const std::optional<std::size_t> earliest = FirstExtreme(decom, rows, false)) first[*earliest] = true;
  }
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("PLACE", row), {"A3", "A4"}) || first[row]) continue;
    if (previous[row] != nullptr &&
        OneOf(*previous[row], {"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"})) {
      continue;
    }
    out.Flag("Episodes", row);
  }
}

// 344: a care leaver who has died or returned home (IN_TOUCH DIED or RHOM) must have ACTIV
// and ACCOM 0 (a blank is not 0).
void Rule344(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3"})) return;
  const Table& oc3 = *data.Find("OC3");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (OneOf(oc3.Text("IN_TOUCH", row), {"DIED", "RHOM"}) &&
        (oc3.Text("ACTIV", row) != "0" || oc3.Text("ACCOM", row) != "0")) {
      out.Flag("OC3", row);
    }
  }
}

// 345: a care leaver in touch (IN_TOUCH YES) must not have ACTIV or ACCOM 0.
void Rule345(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3"})) return;
  const Table& oc3 = *data.Find("OC3");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (oc3.Text("IN_TOUCH", row) == "YES" && (oc3.Text("ACTIV", row) == "0" || oc3.Text("ACCOM", row) == "0")) {
      out.Flag("OC3", row);
    }
  }
}

// 347 (2024): a care leaver in accommodation T (not required) must be 18 or older at the start
// of the year. The validator measures 18 years as 18 x 365.2425 days; a date of birth it
// cannot read stops the rule there, and is passed over here.
void Rule347(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3"})) return;
  const Table& oc3 = *data.Find("OC3");
  const Dates& dob = oc3.Dates("DOB");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (oc3.Text("ACCOM", row) == "T" && dob[row] && data.collection_start.DaysSince(*dob[row]) <= 6574) {
      out.Flag("OC3", row);
    }
  }
}

// 348 (2026): a care leaver recorded as having died last year must be recorded so this year.
void Rule348(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3", "OC3_last"})) return;
  const Table& oc3 = *data.Find("OC3");
  const Table& last = *data.Find("OC3_last");
  const Grouping& last_by_child = RowsBy(last, "CHILD");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (oc3.Text("IN_TOUCH", row) == "DIED") continue;
    for (std::size_t other : last_by_child.Matching(oc3, row)) {
      if (last.Text("IN_TOUCH", other) == "DIED") out.Flag("OC3", row);
    }
  }
}

// 351: the child must be under 25 at the start of the year.
void Rule351(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (dob[row] && data.collection_start > dob[row]->AddYears(25)) out.Flag("Header", row);
  }
}

// 352: a child must not start a period of care (RNE S) on or after their 18th birthday.
void Rule352(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("RNE", row) != "S" || !decom[row]) continue;
    for (std::size_t h : header_by_child.Matching(episodes, row)) {
      if (dob[h] && dob[h]->AddYears(18) <= *decom[row]) out.Flag("Episodes", row);
    }
  }
}

// Whether `text` is a real dd/mm/yyyy date from 1678 to 1899: pandas reads those, Cairn's
// dates begin in 1900.
bool IsDateBefore1900(std::string_view text) {
  const std::size_t first = text.find('/');
  const std::size_t second = text.rfind('/');
  if (first == std::string_view::npos || second == first || second + 5 != text.size()) return false;
  const std::string_view day_text = text.substr(0, first);
  const std::string_view month_text = text.substr(first + 1, second - first - 1);
  const std::string_view year_text = text.substr(second + 1);
  if (!IsDigits(day_text) || !IsDigits(month_text) || !IsDigits(year_text) || day_text.size() > 2 ||
      month_text.size() > 2) {
    return false;
  }
  const int year = std::stoi(std::string(year_text));
  const int month = std::stoi(std::string(month_text));
  const int day = std::stoi(std::string(day_text));
  if (year < 1678 || year > 1899 || month < 1 || month > 12 || day < 1) return false;
  // The same day and month in 2000 (a leap year) or 2001 is a real date exactly when it is in `year`.
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return Date::FromYmd(leap ? 2000 : 2001, month, day).ok();
}

// 353: no episode may start before 14 October 1991.
void Rule353(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Date earliest = Date::FromYmdOrDie(1991, 10, 14);
  const Dates& decom = episodes.Dates("DECOM");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if ((decom[row] && *decom[row] < earliest) || IsDateBefore1900(episodes.Text("DECOM", row))) {
      out.Flag("Episodes", row);
    }
  }
}

// 354: no episode may start after the end of the year.
void Rule354(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Dates& decom = episodes.Dates("DECOM");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (decom[row] && *decom[row] > data.collection_end) out.Flag("Episodes", row);
  }
}

// 355: an episode must not end on the day it starts. The validator compares the text, so an
// episode with neither date is flagged too.
void Rule355(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("DECOM", row) == episodes.Text("DEC", row)) out.Flag("Episodes", row);
  }
}

// 356: an episode must not end before it starts.
void Rule356(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dec = episodes.Dates("DEC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (dec[row] && decom[row] && *dec[row] < *decom[row]) out.Flag("Episodes", row);
  }
}

// 357: a child's first episode, if it starts within the year, must start a period of care
// (RNE S).
void Rule357(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Dates& decom = episodes.Dates("DECOM");
  for (const auto& [child, rows] : ChildRowsByDate(episodes, "DECOM")) {
    const std::optional<std::size_t> first = FirstExtreme(decom, rows, false);
    if (first && *decom[*first] >= data.collection_start && episodes.Text("RNE", *first) != "S") {
      out.Flag("Episodes", *first);
    }
  }
}

// 358: a child on a J1-J3 legal status (PACE, remand) must be over 10 when the episode starts.
void Rule358(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Header"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("LS", row), {"J1", "J2", "J3"}) || !decom[row]) continue;
    for (std::size_t h : header_by_child.Matching(episodes, row)) {
      if (dob[h] && dob[h]->AddYears(10) >= *decom[row]) {
        out.Flag("Episodes", row);
        out.Flag("Header", h);
      }
    }
  }
}

// 359: a young person 18 or over before the end of the year must not have an open episode,
// unless it is a short break (LS V2) with PLACE K2.
void Rule359(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Header"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!episodes.Text("DEC", row).empty()) continue;
    if (episodes.Text("LS", row) == "V2" && episodes.Text("PLACE", row) == "K2") continue;
    for (std::size_t h : header_by_child.Matching(episodes, row)) {
      if (dob[h] && dob[h]->AddYears(18) < data.collection_end) out.Flag("Episodes", row);
    }
  }
}

// Runs of a legal status (rules 361 and 362), as the validator finds them: every episode
// sorted by child then start, each joined to the episode after it; the episodes with LS
// `status` taken in that order, a run going on while the one before ended (an open episode
// ending at the end of the year) on the day the next episode of the same child began. Episodes
// of a run longer than `days` days (first start to last end) are flagged. Runs are matched back
// to episodes by the child's ID written next to the run's number, as the validator does, so
// child 1's run 12 is also child 11's run 2.
void FlagLongRuns(const Return& data, RuleOutput& out, std::string_view status, int days) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const std::vector<std::string>& child = episodes.Column("CHILD");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dec_given = episodes.Dates("DEC");
  std::vector<std::size_t> order(episodes.rows());
  for (std::size_t row = 0; row < order.size(); ++row) order[row] = row;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (child[a] != child[b]) {
      if (child[a].empty() || child[b].empty()) return !child[a].empty();
      return child[a] < child[b];
    }
    if (!decom[a] || !decom[b]) return decom[a].has_value() && !decom[b].has_value();
    return *decom[a] < *decom[b];
  });
  auto dec = [&](std::size_t row) { return dec_given[row] ? *dec_given[row] : data.collection_end; };
  struct Member {
    std::size_t row;
    long run;
  };
  std::vector<Member> members;
  bool previous_flows = false;
  long run = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t row = order[i];
    if (episodes.Text("LS", row) != status) continue;
    if (!previous_flows) ++run;
    members.push_back({row, run});
    previous_flows = false;
    if (i + 1 < order.size()) {
      const std::size_t next = order[i + 1];
      previous_flows = decom[next] && dec(row) == *decom[next] && !child[row].empty() && child[row] == child[next];
    }
  }
  struct Span {
    std::optional<Date> first, last;
  };
  std::map<std::pair<std::string, long>, Span> spans;
  for (const Member& member : members) {
    if (child[member.row].empty()) continue;
    Span& span = spans[{child[member.row], member.run}];
    if (decom[member.row] && (!span.first || *decom[member.row] < *span.first)) span.first = decom[member.row];
    const Date end = dec(member.row);
    if (!span.last || end > *span.last) span.last = end;
  }
  std::set<std::string> long_runs;
  for (const auto& [key, span] : spans) {
    if (span.first && span.last && span.last->DaysSince(*span.first) > days) {
      long_runs.insert(key.first + std::to_string(key.second));
    }
  }
  for (const Member& member : members) {
    const std::string key = (child[member.row].empty() ? std::string("nan") : child[member.row]) +
                            std::to_string(member.run);
    if (long_runs.count(key) != 0) out.Flag("Episodes", member.row);
  }
}

// 361: police protection (LS L1) must last no more than 3 days.
void Rule361(const Return& data, RuleOutput& out) { FlagLongRuns(data, out, "L1", 3); }

// 362: emergency protection (LS L2) must last no more than 21 days.
void Rule362(const Return& data, RuleOutput& out) { FlagLongRuns(data, out, "L2", 21); }

// Periods of a legal status (rules 363 and 364), as the validator finds them: the episodes with
// LS `status` and a start, in file order (the validator's sort is not kept), an open episode
// ending at the end of the year; a new period begins where an episode starts after the one
// before it ended or is another child's. Episodes of a period whose episodes add up to more
// than `days` days are flagged.
void FlagLongPeriods(const Return& data, RuleOutput& out, std::string_view status, int days) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dec_given = episodes.Dates("DEC");
  std::vector<std::size_t> rows;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("LS", row) == status && decom[row]) rows.push_back(row);
  }
  auto dec = [&](std::size_t row) -> std::optional<Date> {
    return episodes.Text("DEC", row).empty() ? std::optional<Date>(data.collection_end) : dec_given[row];
  };
  std::size_t begin = 0;
  while (begin < rows.size()) {
    std::size_t end = begin + 1;
    while (end < rows.size()) {
      const std::size_t row = rows[end];
      const std::size_t previous = rows[end - 1];
      const std::optional<Date> previous_end = dec(previous);
      const std::string& this_child = episodes.Text("CHILD", row);
      const bool new_period = (previous_end && *decom[row] > *previous_end) || this_child.empty() ||
                              this_child != episodes.Text("CHILD", previous);
      if (new_period) break;
      ++end;
    }
    long total = 0;
    for (std::size_t i = begin; i < end; ++i) {
      if (const std::optional<Date> finish = dec(rows[i])) total += finish->DaysSince(*decom[rows[i]]);
    }
    if (total > days) {
      for (std::size_t i = begin; i < end; ++i) out.Flag("Episodes", rows[i]);
    }
    begin = end;
  }
}

// 363: an L3 legal status (child assessment order) must last no more than 7 days.
void Rule363(const Return& data, RuleOutput& out) { FlagLongPeriods(data, out, "L3", 7); }

// 364: a J2 legal status (PACE detention) must last no more than 21 days.
void Rule364(const Return& data, RuleOutput& out) { FlagLongPeriods(data, out, "J2", 21); }

// 365: a V3 short break must last no more than 17 days (an open one ends at the end of the year).
void Rule365(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dec = episodes.Dates("DEC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("LS", row) != "V3" || !decom[row]) continue;
    const std::optional<Date> end = episodes.Text("DEC", row).empty() ? std::optional<Date>(data.collection_end) : dec[row];
    if (end && *end > decom[row]->AddDays(17)) out.Flag("Episodes", row);
  }
}

// 366: a V3 short break must start a period of care (RNE S).
void Rule366(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("LS", row) == "V3" && episodes.Text("RNE", row) != "S") out.Flag("Episodes", row);
  }
}

// 367: a child's V3 short breaks within the year must add up to no more than 75 days.
void Rule367(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dec = episodes.Dates("DEC");
  std::unordered_map<std::string, std::vector<std::pair<std::size_t, long>>> breaks;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("LS", row) != "V3" || !decom[row] || episodes.Text("CHILD", row).empty()) continue;
    std::optional<Date> end = dec[row];
    if (episodes.Text("DEC", row).empty() || (end && *end > data.collection_end)) end = data.collection_end;
    if (!end) continue;
    const Date start = std::max(*decom[row], data.collection_start);
    const long days = end->DaysSince(start);
    if (days > 0) breaks[episodes.Text("CHILD", row)].push_back({row, days});
  }
  for (const auto& [child, rows] : breaks) {
    long total = 0;
    for (const auto& [row, days] : rows) total += days;
    if (total <= 75) continue;
    for (const auto& [row, days] : rows) out.Flag("Episodes", row);
  }
}

// The validator's rule 365 writes the end of the year into every blank DEC of the Episodes table
// it is given, and that table is shared with the rules run after it (the validator copies the
// tables shallowly before each rule). Rules 376, 387 and 388 run after it, so they read an open
// episode as ending on 31 March; the reference cases bear this out.
std::vector<std::optional<Date>> DecAsAfterRule365(const Return& data, const Table& episodes) {
  Dates dec = episodes.Dates("DEC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("DEC", row).empty()) dec[row] = data.collection_end;
  }
  return dec;
}

// Episodes of placement `place` that ended and have the child's DOB, joined to the child's
// Header rows (rules 370 to 379); `breaks` gets (episode row, header row). `after_365`: open
// episodes end on 31 March (see DecAsAfterRule365).
template <typename Breaks>
void CheckPlacementAges(const Return& data, RuleOutput& out, std::string_view place, bool after_365, Breaks breaks) {
  if (!Need(data, out, {"Episodes", "Header"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates dec = after_365 ? DecAsAfterRule365(data, episodes) : episodes.Dates("DEC");
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("PLACE", row) != place || !decom[row] || !dec[row]) continue;
    for (std::size_t h : header_by_child.Matching(episodes, row)) {
      if (dob[h] && breaks(*decom[row], *dec[row], *dob[h])) out.Flag("Episodes", row);
    }
  }
}

// The child must be at least `years` old when a `place` placement starts. As in the validator,
// only placements that have ended are checked.
void CheckStartAge(const Return& data, RuleOutput& out, std::string_view place, int years) {
  CheckPlacementAges(data, out, place, false,
                     [years](Date start, Date, Date dob) { return start < dob.AddYears(years); });
}

// A `place` placement must last no more than `days` days. As in the validator, only children
// with a readable date of birth in the Header are checked.
void CheckPlacementLength(const Return& data, RuleOutput& out, std::string_view place, int days, bool after_365) {
  CheckPlacementAges(data, out, place, after_365,
                     [days](Date start, Date end, Date) { return end > start.AddDays(days); });
}

// 370: a child placed in independent living (P2) must be 15 or older when it starts.
void Rule370(const Return& data, RuleOutput& out) { CheckStartAge(data, out, "P2", 15); }
// 370 (2024): 16 or older.
void Rule370From2024(const Return& data, RuleOutput& out) { CheckStartAge(data, out, "P2", 16); }
// 371: a child placed in semi-independent living (H5) must be 14 or older when it starts.
void Rule371(const Return& data, RuleOutput& out) { CheckStartAge(data, out, "H5", 14); }
// 371 (2024): 16 or older.
void Rule371From2024(const Return& data, RuleOutput& out) { CheckStartAge(data, out, "H5", 16); }
// 371 (2025): a child placed in supported accommodation (K3) must be 16 or older.
void Rule371From2025(const Return& data, RuleOutput& out) { CheckStartAge(data, out, "K3", 16); }
// 372: a child placed in a young offender institution (R5) must be 10 or older.
void Rule372(const Return& data, RuleOutput& out) { CheckStartAge(data, out, "R5", 10); }
// 373: a child placed in a school (S1) must be 4 or older.
void Rule373(const Return& data, RuleOutput& out) { CheckStartAge(data, out, "S1", 4); }
// 374: a child placed in residential employment (P3) must be 14 or older.
void Rule374(const Return& data, RuleOutput& out) { CheckStartAge(data, out, "P3", 14); }
// 375: a T1 temporary placement must last no more than 42 days.
void Rule375(const Return& data, RuleOutput& out) { CheckPlacementLength(data, out, "T1", 42, false); }
// 376: a T3 temporary placement must last no more than 21 days. An open one ends on 31 March
// (see DecAsAfterRule365).
void Rule376(const Return& data, RuleOutput& out) { CheckPlacementLength(data, out, "T3", 21, true); }
// 379: a T4 temporary placement must last no more than 7 days.
void Rule379(const Return& data, RuleOutput& out) { CheckPlacementLength(data, out, "T4", 7, false); }

// 377: a child may have no more than two T3 temporary placements in the year.
void Rule377(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  std::unordered_map<std::string, std::vector<std::size_t>> t3;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (!child.empty() && episodes.Text("PLACE", row) == "T3") t3[child].push_back(row);
  }
  for (const auto& [child, rows] : t3) {
    if (rows.size() <= 2) continue;
    for (std::size_t row : rows) out.Flag("Episodes", row);
  }
}

// Episodes rows where `breaks(row)`.
template <typename Breaks>
void FlagEpisodes(const Return& data, RuleOutput& out, Breaks breaks) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (breaks(episodes, row)) out.Flag("Episodes", row);
  }
}

// 378: a child in independent living with their parents (P1) must not be on a short break (V2).
void Rule378(const Return& data, RuleOutput& out) {
  FlagEpisodes(data, out, [](const Table& t, std::size_t row) { return t.Text("PLACE", row) == "P1" && t.Text("LS", row) == "V2"; });
}

// 380: a temporary placement (T0-T4) must be a change of placement (RNE P or B).
void Rule380(const Return& data, RuleOutput& out) {
  FlagEpisodes(data, out, [](const Table& t, std::size_t row) {
    return OneOf(t.Text("PLACE", row), {"T0", "T1", "T2", "T3", "T4"}) && !OneOf(t.Text("RNE", row), {"P", "B"});
  });
}

// 381: a temporary placement (T0-T4) that ended must end in a placement change (REC X1).
void Rule381(const Return& data, RuleOutput& out) {
  FlagEpisodes(data, out, [](const Table& t, std::size_t row) {
    const std::string& rec = t.Text("REC", row);
    return OneOf(t.Text("PLACE", row), {"T0", "T1", "T2", "T3", "T4"}) && rec != "X1" && !rec.empty();
  });
}

// 382: a short break (V3 or V4) must not be a temporary placement (T0-T4).
void Rule382(const Return& data, RuleOutput& out) {
  FlagEpisodes(data, out, [](const Table& t, std::size_t row) {
    return OneOf(t.Text("LS", row), {"V3", "V4"}) && OneOf(t.Text("PLACE", row), {"T0", "T1", "T2", "T3", "T4"});
  });
}

// 383: after a temporary placement (T0-T4) the child must go back to the placement before it,
// as a return (RNE P) to the same PLACE (and, from 2026, the same PL_POST). Blank values never
// match, as pandas compares them.
void CheckReturnAfterTemporary(const Return& data, RuleOutput& out, bool same_postcode) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  auto differ = [&](std::string_view column, std::size_t a, std::size_t b) {
    const std::string& x = episodes.Text(column, a);
    return x.empty() || x != episodes.Text(column, b);
  };
  for (const auto& [child, rows] : ChildRowsByDate(episodes, "DECOM")) {
    for (std::size_t i = 2; i < rows.size(); ++i) {
      const std::size_t row = rows[i];
      const std::size_t before = rows[i - 2];
      if (!OneOf(episodes.Text("PLACE", rows[i - 1]), {"T0", "T1", "T2", "T3", "T4"})) continue;
      if (episodes.Text("RNE", row) != "P" || differ("PLACE", row, before) ||
          (same_postcode && differ("PL_POST", row, before))) {
        out.Flag("Episodes", row);
      }
    }
  }
}

void Rule383(const Return& data, RuleOutput& out) { CheckReturnAfterTemporary(data, out, false); }
void Rule383From2026(const Return& data, RuleOutput& out) { CheckReturnAfterTemporary(data, out, true); }

// 384: a short break (V3 or V4) must not be with relatives or friends (U1 or U4).
void Rule384(const Return& data, RuleOutput& out) {
  FlagEpisodes(data, out, [](const Table& t, std::size_t row) {
    return OneOf(t.Text("LS", row), {"V3", "V4"}) && OneOf(t.Text("PLACE", row), {"U1", "U4"});
  });
}

// 385: no episode may end after the end of the year.
void Rule385(const Return& data, RuleOutput& out) {
  FlagEpisodes(data, out, [&data](const Table& t, std::size_t row) {
    const std::optional<Date> dec = t.DateAt("DEC", row);
    return dec && *dec > data.collection_end;
  });
}

// Episodes ending with one of `reasons`, joined to the child's Header rows; `breaks` gets (end
// of the episode or none, date of birth or none).
template <typename Breaks>
void CheckAgeAtEnd(const Return& data, RuleOutput& out, std::initializer_list<std::string_view> reasons,
                   bool unmatched_breaks, bool after_365, Breaks breaks) {
  if (!Need(data, out, {"Header", "Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const Dates dec = after_365 ? DecAsAfterRule365(data, episodes) : episodes.Dates("DEC");
  const Dates& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("REC", row), reasons)) continue;
    const Grouping::RowList headers = header_by_child.Matching(episodes, row);
    if (headers.empty() && unmatched_breaks && breaks(dec[row], std::optional<Date>())) out.Flag("Episodes", row);
    for (std::size_t h : headers) {
      if (breaks(dec[row], dob[h])) out.Flag("Episodes", row);
    }
  }
}

// 386: a child adopted (REC E11 or E12) must be under 18 when the episode ends.
void Rule386(const Return& data, RuleOutput& out) {
  CheckAgeAtEnd(data, out, {"E11", "E12"}, false, false, [](const std::optional<Date>& dec, const std::optional<Date>& dob) {
    return dec && dob && !(dob->AddYears(18) > *dec);
  });
}

// 387: a child moving to independent living (REC E5 or E6) must be 14 or older when the episode
// ends. As in the validator, an episode whose child has no readable date of birth is flagged,
// and an open episode ends on 31 March (see DecAsAfterRule365).
void Rule387(const Return& data, RuleOutput& out) {
  CheckAgeAtEnd(data, out, {"E5", "E6"}, true, true, [](const std::optional<Date>& dec, const std::optional<Date>& dob) {
    return dec && !(dob && dob->AddYears(14) <= *dec);
  });
}

// 389: a child moving to adult social care (REC E7) must be 16 or older when the episode ends.
// As in the validator, an episode with no readable end or date of birth is flagged.
void Rule389(const Return& data, RuleOutput& out) {
  CheckAgeAtEnd(data, out, {"E7"}, true, false, [](const std::optional<Date>& dec, const std::optional<Date>& dob) {
    return !(dec && dob && dob->AddYears(16) <= *dec);
  });
}

// 388: an episode ending in a placement change (REC X1) must be followed by the child's next
// episode on the day it ends, and one ending for another reason must not be; a child's last
// episode must not end with X1. Episodes with no readable start sort as 1 January 1901, as in
// the validator, and an open episode ends on 31 March (see DecAsAfterRule365).
void Rule388(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Dates& decom_read = episodes.Dates("DECOM");
  const Dates dec = DecAsAfterRule365(data, episodes);
  const Date fill = Date::FromYmdOrDie(1901, 1, 1);
  auto decom = [&](std::size_t row) { return decom_read[row] ? *decom_read[row] : fill; };
  Groups by_child;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (!child.empty()) by_child[child].push_back(row);
  }
  for (auto& [child, rows] : by_child) {
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) { return decom(a) < decom(b); });
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::size_t row = rows[i];
      const std::string& rec = episodes.Text("REC", row);
      if (!dec[row]) continue;
      if (i + 1 == rows.size()) {
        if (rec == "X1") out.Flag("Episodes", row);
        continue;
      }
      const Date next = decom(rows[i + 1]);
      if ((rec == "X1" && *dec[row] != next) || (rec != "X1" && !rec.empty() && *dec[row] == next)) {
        out.Flag("Episodes", row);
      }
    }
  }
}

// 390: an adoption (REC E11 or E12) must be from a placement for adoption (A3-A6).
void Rule390(const Return& data, RuleOutput& out) {
  FlagEpisodes(data, out, [](const Table& t, std::size_t row) {
    return OneOf(t.Text("REC", row), {"E11", "E12"}) && !OneOf(t.Text("PLACE", row), {"A3", "A4", "A5", "A6"});
  });
}

// 391: care leaver information (IN_TOUCH, ACTIV, ACCOM) is only for young people 17 or older at
// the end of the year.
void Rule391(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3"})) return;
  const Table& oc3 = *data.Find("OC3");
  const Dates& dob = oc3.Dates("DOB");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (dob[row] && dob[row]->AddYears(17) > data.collection_end &&
        (!oc3.Text("IN_TOUCH", row).empty() || !oc3.Text("ACTIV", row).empty() || !oc3.Text("ACCOM", row).empty())) {
      out.Flag("OC3", row);
    }
  }
}

// The children the 392 rules leave out as UASC: those with UASC 1 in Header or Header_last, or
// (where a Header is not given) with anything but CHILD in UASC or UASC_last. `known` says
// whether any of those tables told.
std::set<std::string> UascChildren(const Return& data, bool& known) {
  std::set<std::string> children;
  known = false;
  for (const auto& [header_name, uasc_name] : {std::pair<std::string_view, std::string_view>{"Header", "UASC"},
                                               {"Header_last", "UASC_last"}}) {
    if (const Table* header = data.Find(header_name)) {
      if (!header->Has("UASC")) continue;
      known = true;
      for (std::size_t row = 0; row < header->rows(); ++row) {
        if (header->Text("UASC", row) == "1") children.insert(header->Text("CHILD", row));
      }
    } else if (const Table* uasc = data.Find(uasc_name)) {
      known = true;
      for (std::size_t row = 0; row < uasc->rows(); ++row) {
        for (const std::string& column : uasc->columns()) {
          if (column != "CHILD" && !uasc->Text(column, row).empty()) {
            children.insert(uasc->Text("CHILD", row));
            break;
          }
        }
      }
    }
  }
  return children;
}

// 392a: a placement (other than a short break, V3 or V4) of a child who is not UASC needs a
// distance from home (PL_DISTANCE, from the home and placement postcodes).
void Rule392a(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!episodes.Has("PL_DISTANCE")) return out.Skip();
  bool known = false;
  const std::set<std::string> uasc = UascChildren(data, known);
  if (!known) return out.Skip();
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (uasc.count(episodes.Text("CHILD", row)) != 0) continue;
    if (!OneOf(episodes.Text("LS", row), {"V3", "V4"}) && episodes.Text("PL_DISTANCE", row).empty()) {
      out.Flag("Episodes", row);
    }
  }
}

// 392b: a placement (other than a short break) of a child who is not UASC needs both the home
// and the placement postcode.
void Rule392b(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  bool known = false;
  const std::set<std::string> uasc = UascChildren(data, known);
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (uasc.count(episodes.Text("CHILD", row)) != 0) continue;
    if (!OneOf(episodes.Text("LS", row), {"V3", "V4"}) &&
        (episodes.Text("HOME_POST", row).empty() || episodes.Text("PL_POST", row).empty())) {
      out.Flag("Episodes", row);
    }
  }
}

// 392c: a home or placement postcode given must exist (be in the postcode directory, compared
// upper-cased without spaces). Without a directory the rule cannot run.
void Rule392c(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  if (data.postcodes == nullptr) {
    out.Skip();
    return;
  }
  const Table& episodes = *data.Find("Episodes");
  const std::vector<std::string>& home = episodes.Column("HOME_POST");
  const std::vector<std::string>& placement = episodes.Column("PL_POST");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const bool bad_home = !home[row].empty() && data.postcodes->Find(home[row]) == nullptr;
    const bool bad_placement = !placement[row].empty() && data.postcodes->Find(placement[row]) == nullptr;
    if (bad_home || bad_placement) out.Flag("Episodes", row);
  }
}

// 392d: the placement postcode must not be the home postcode, unless the child is placed with
// their parents (P1).
void Rule392d(const Return& data, RuleOutput& out) {
  FlagEpisodes(data, out, [](const Table& t, std::size_t row) {
    const std::string& home = t.Text("HOME_POST", row);
    return t.Text("PLACE", row) != "P1" && !home.empty() && home == t.Text("PL_POST", row);
  });
}

// 393: a girl (SEX `female`) looked after other than on short breaks must say whether she is a
// mother.
void CheckMotherGiven(const Return& data, RuleOutput& out, std::string_view female) {
  if (!Need(data, out, {"Header", "Episodes"})) return;
  const Table& header = *data.Find("Header");
  const Table& episodes = *data.Find("Episodes");
  std::set<std::string> looked_after;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(episodes.Text("LS", row), {"V3", "V4"})) looked_after.insert(episodes.Text("CHILD", row));
  }
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (header.Text("SEX", row) == female && header.Text("MOTHER", row).empty() &&
        looked_after.count(header.Text("CHILD", row)) != 0) {
      out.Flag("Header", row);
    }
  }
}

void Rule393(const Return& data, RuleOutput& out) { CheckMotherGiven(data, out, "2"); }
// 393 (2025): SEX is coded M/F.
void Rule393From2025(const Return& data, RuleOutput& out) { CheckMotherGiven(data, out, "F"); }

// 398: a short break (V3 or V4) must have no home or placement postcode.
void Rule398(const Return& data, RuleOutput& out) {
  FlagEpisodes(data, out, [](const Table& t, std::size_t row) {
    return OneOf(t.Text("LS", row), {"V3", "V4"}) &&
           (!t.Text("HOME_POST", row).empty() || !t.Text("PL_POST", row).empty());
  });
}

// 399: a child looked after only on short breaks (every episode V3 or V4) must have no MOTHER
// and no reviews.
void Rule399(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Header", "Reviews"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const Table& reviews = *data.Find("Reviews");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const Grouping& reviews_by_child = RowsBy(reviews, "CHILD");
  Groups by_child;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (!child.empty()) by_child[child].push_back(row);
  }
  for (const auto& [child, rows] : by_child) {
    bool short_breaks_only = true;
    for (std::size_t row : rows) {
      if (!OneOf(episodes.Text("LS", row), {"V3", "V4"})) short_breaks_only = false;
    }
    if (!short_breaks_only) continue;
    std::vector<std::optional<std::size_t>> headers;
    for (std::size_t h : RowsOf(header_by_child, child)) headers.push_back(h);
    if (headers.empty()) headers.push_back(std::nullopt);
    std::vector<std::optional<std::size_t>> child_reviews;
    for (std::size_t r : RowsOf(reviews_by_child, child)) child_reviews.push_back(r);
    if (child_reviews.empty()) child_reviews.push_back(std::nullopt);
    for (const std::optional<std::size_t>& h : headers) {
      for (const std::optional<std::size_t>& r : child_reviews) {
        const bool mother = h && !header.Text("MOTHER", *h).empty();
        const bool reviewed = r && (!reviews.Text("REVIEW", *r).empty() || !reviews.Text("REVIEW_CODE", *r).empty());
        if (!mother && !reviewed) continue;
        for (std::size_t row : rows) out.Flag("Episodes", row);
        if (h) out.Flag("Header", *h);
        if (r) out.Flag("Reviews", *r);
      }
    }
  }
}

// Rules that need Ofsted's provider lists (219, 221, 224, 227, 228, 229): Cairn has none yet.
void NeedsProviderLists(const Return&, RuleOutput& out) { out.Skip(); }

}  // namespace

void AddRules200To399(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {
      {"202", 2023, &Rule202},
      {"203", 2023, &Rule203},
      {"204", 2023, &Rule204},
      {"205A", 2023, &Rule205A},
      {"205B", 2023, &Rule205B},
      {"205C", 2023, &Rule205C},
      {"205D", 2023, &Rule205D},
      {"207", 2023, &Rule207},
      {"208", 2023, &Rule208},
      {"209", 2023, &Rule209},
      {"210", 2023, &Rule210},
      {"213", 2023, &Rule213},
      {"213", 2026, &Rule213From2026},
      {"214", 2023, &Rule214},
      {"215", 2023, &Rule215},
      {"217", 2023, &Rule217},
      {"217t", 2024, &Rule217t},
      {"218", 2023, &Rule218},
      {"218", 2025, &Rule218From2025},
      {"218", 2026, &Rule218From2026},
      {"219", 2023, &NeedsProviderLists},
      {"221", 2023, &NeedsProviderLists},
      {"221", 2024, &NeedsProviderLists},
      {"221", 2025, &NeedsProviderLists},
      {"222", 2023, &Rule222},
      {"222", 2024, &Rule222From2024},
      {"222", 2025, &Rule222From2025},
      {"222", 2026, &Rule222From2026},
      {"224", 2023, &NeedsProviderLists},
      {"225", 2023, &Rule225},
      {"226", 2023, &Rule226},
      {"226", 2026, &Rule226},
      {"227", 2023, &NeedsProviderLists},
      {"228", 2023, &NeedsProviderLists},
      {"229", 2023, &NeedsProviderLists},
      {"230", 2024, &Rule230},
      {"231", 2025, &Rule231},
      {"232", 2025, &Rule232},
      {"233", 2026, &Rule233},
      {"234", 2026, &Rule234},
      {"301", 2023, &Rule301},
      {"302", 2023, &Rule302},
      {"303", 2023, &Rule303},
      {"304", 2023, &Rule304},
      {"331", 2023, &Rule331},
      {"333", 2023, &Rule333},
      {"334", 2023, &Rule334},
      {"335", 2023, &Rule335},
      {"336", 2023, &Rule336},
      {"344", 2023, &Rule344},
      {"345", 2023, &Rule345},
      {"347", 2024, &Rule347},
      {"348", 2026, &Rule348},
      {"351", 2023, &Rule351},
      {"352", 2023, &Rule352},
      {"353", 2023, &Rule353},
      {"354", 2023, &Rule354},
      {"355", 2023, &Rule355},
      {"356", 2023, &Rule356},
      {"357", 2023, &Rule357},
      {"358", 2023, &Rule358},
      {"359", 2023, &Rule359},
      {"361", 2023, &Rule361},
      {"362", 2023, &Rule362},
      {"363", 2023, &Rule363},
      {"364", 2023, &Rule364},
      {"365", 2023, &Rule365},
      {"366", 2023, &Rule366},
      {"367", 2023, &Rule367},
      {"370", 2023, &Rule370},
      {"370", 2024, &Rule370From2024},
      {"371", 2023, &Rule371},
      {"371", 2024, &Rule371From2024},
      {"371", 2025, &Rule371From2025},
      {"372", 2023, &Rule372},
      {"373", 2023, &Rule373},
      {"374", 2023, &Rule374},
      {"375", 2023, &Rule375},
      {"376", 2023, &Rule376},
      {"377", 2023, &Rule377},
      {"378", 2023, &Rule378},
      {"379", 2023, &Rule379},
      {"380", 2023, &Rule380},
      {"381", 2023, &Rule381},
      {"382", 2023, &Rule382},
      {"383", 2023, &Rule383},
      {"383", 2026, &Rule383From2026},
      {"384", 2023, &Rule384},
      {"385", 2023, &Rule385},
      {"386", 2023, &Rule386},
      {"387", 2023, &Rule387},
      {"388", 2023, &Rule388},
      {"389", 2023, &Rule389},
      {"390", 2023, &Rule390},
      {"391", 2023, &Rule391},
      {"392a", 2023, &Rule392a},
      {"392b", 2023, &Rule392b},
      {"392c", 2023, &Rule392c},
      {"392d", 2023, &Rule392d},
      {"393", 2023, &Rule393},
      {"393", 2025, &Rule393From2025},
      {"398", 2023, &Rule398},
      {"399", 2023, &Rule399},
  };
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::ssda903
