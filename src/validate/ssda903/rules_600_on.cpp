// SSDA903 rules 600 onward (600s, 700s, 1000s, 3001, EPI, INT, NoE and the social-worker SW
// rules). Each function is one version of one rule; its comment says what the DfE's rule asks,
// and where Cairn reads the rule differently from the public validator.
#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <toml++/toml.h>

#include "base/embedded.h"
#include "base/toml_text.h"
#include "validate/rule_support.h"
#include "validate/ssda903/rules.h"

namespace cairn::validate::ssda903 {
namespace {

using Rows = std::vector<std::size_t>;
using Groups = std::unordered_map<std::string, Rows>;
using OptDate = std::optional<Date>;

// The rows of a group, or none (pandas merges match a blank key to a blank key, so blanks are
// looked up like any other value).
Grouping::RowList RowsOf(const Grouping& groups, std::string_view key) { return groups.Find(key); }

// Per child (blank children left out, as groupby does), the row with the earliest (or latest)
// date in `dates`, first row on ties, rows without a date left out (idxmin/idxmax after dropna).
std::map<std::string, std::size_t> ExtremeRowByChild(const Table& table, const std::vector<OptDate>& dates,
                                                     bool latest) {
  std::map<std::string, std::size_t> best;
  const std::vector<std::string>& child = table.Column("CHILD");
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (child[row].empty() || !dates[row]) continue;
    const auto found = best.find(child[row]);
    if (found == best.end()) {
      best.emplace(child[row], row);
    } else if (latest ? *dates[row] > *dates[found->second] : *dates[row] < *dates[found->second]) {
      found->second = row;
    }
  }
  return best;
}

// The public validator hands every rule a shallow copy of the tables, and its rule 365 writes
// the collection end into every blank Episodes DEC in place, so every rule that runs after 365
// sees open episodes as ending on 31 March. Rules run in the validator's registry order: the
// 2022/23 rules in the order their files were listed, later additions after them. The
// reference cases show 602 and 607 run after 365, and every rule added from 2023/24 on does
// (1016, SW12STG2). 602, 607 and 1001 (the reference cases agree with this reading; they do not
// show whether 1001 runs before 365) read DEC through this: for 602 and 607 the fill changes
// only episodes that already break rule 148 (a reason for ceasing without a date), and for 1001
// care running to 31 March is the right reading. Where it would contradict the DfE's rule
// (SW01STG1 would never fire; 707 would flag every open DoLO of a child still in care; 1016
// would take a child still in care for one who ceased; 581 and 577 a child missing inside an
// open episode for one not in care; SW12STG2 follows its message), Cairn reads DEC as given.
std::vector<OptDate> DecSeenAfterRule365(const Return& data, const Table& episodes) {
  std::vector<OptDate> dec = episodes.Dates("DEC");
  const std::vector<std::string>& text = episodes.Column("DEC");
  for (std::size_t row = 0; row < dec.size(); ++row) {
    if (text[row].empty()) dec[row] = data.collection_end;
  }
  return dec;
}

// --- 600s --------------------------------------------------------------------------------------

// 601: a child adopted in the year (E11/E12 episode ending in the year) must have every AD1
// adoption field; flags the AD1 row and the adoption episode.
void Rule601(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "AD1"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& ad1 = *data.Find("AD1");
  const Grouping& ad1_by_child = RowsBy(ad1, "CHILD");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!dec[row] || *dec[row] < data.collection_start || *dec[row] > data.collection_end) continue;
    if (!OneOf(episodes.Text("REC", row), {"E11", "E12"})) continue;
    for (std::size_t a : ad1_by_child.Matching(episodes, row)) {
      for (const char* field : {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}) {
        if (ad1.Text(field, a).empty()) {
          out.Flag("AD1", a);
          out.Flag("Episodes", row);
          break;
        }
      }
    }
  }
}

// 602: AD1 adoption details are given for a child with no adoption episode (E11/E12 ending in
// the year; an open one counts as ending on 31 March, see DecSeenAfterRule365).
void Rule602(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "AD1"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& ad1 = *data.Find("AD1");
  std::set<std::string> adopted;
  const std::vector<OptDate> dec = DecSeenAfterRule365(data, episodes);
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (dec[row] && *dec[row] >= data.collection_start && *dec[row] <= data.collection_end &&
        OneOf(episodes.Text("REC", row), {"E11", "E12"})) {
      adopted.insert(episodes.Text("CHILD", row));
    }
  }
  for (std::size_t row = 0; row < ad1.rows(); ++row) {
    if (adopted.count(ad1.Text("CHILD", row)) != 0) continue;
    for (const char* field : {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}) {
      if (!ad1.Text(field, row).empty()) {
        out.Flag("AD1", row);
        break;
      }
    }
  }
}

// 607: a girl who ceased to be looked after in the year (not X1, not V3/V4 legal status) must
// have MOTHER given. `female` is the SEX code for a girl ("2" until 2024, "F" from 2025). An
// open episode with a reason for ceasing counts as ending on 31 March (DecSeenAfterRule365).
void Check607(const Return& data, RuleOutput& out, std::string_view female) {
  if (!Need(data, out, {"Header", "Episodes"})) return;
  const Table& header = *data.Find("Header");
  const Table& episodes = *data.Find("Episodes");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const std::vector<OptDate> dec = DecSeenAfterRule365(data, episodes);
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& rec = episodes.Text("REC", row);
    if (!dec[row] || rec.empty() || rec == "X1" || OneOf(episodes.Text("LS", row), {"V3", "V4"})) continue;
    if (*dec[row] < data.collection_start || *dec[row] > data.collection_end) continue;
    for (std::size_t h : header_by_child.Matching(episodes, row)) {
      if (header.Text("SEX", h) == female && header.Text("MOTHER", h).empty()) {
        out.Flag("Episodes", row);
        out.Flag("Header", h);
      }
    }
  }
}
void Rule607(const Return& data, RuleOutput& out) { Check607(data, out, "2"); }
void Rule607From2025(const Return& data, RuleOutput& out) { Check607(data, out, "F"); }

// 611: a child who is a mother (MOTHER 1) must have MC_DOB.
void Rule611(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (header.Text("MOTHER", row) == "1" && header.Text("MC_DOB", row).empty()) out.Flag("Header", row);
  }
}

// 612: MC_DOB is given for a girl whose MOTHER is 0 or blank.
void Check612(const Return& data, RuleOutput& out, std::string_view female) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    const std::string& mother = header.Text("MOTHER", row);
    if ((mother == "0" || mother.empty()) && header.Text("SEX", row) == female &&
        !header.Text("MC_DOB", row).empty()) {
      out.Flag("Header", row);
    }
  }
}
void Rule612(const Return& data, RuleOutput& out) { Check612(data, out, "2"); }
void Rule612From2025(const Return& data, RuleOutput& out) { Check612(data, out, "F"); }

// 620: a mother must have been at least 11 at the start of the year.
void Rule620(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const std::vector<OptDate>& dob = header.Dates("DOB");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (header.Text("MOTHER", row) == "1" && dob[row] && dob[row]->AddYears(11) > data.collection_start) {
      out.Flag("Header", row);
    }
  }
}

// 621: the mother's child's date of birth (MC_DOB) must be after the mother's own (a valid
// MC_DOB with no valid DOB fails too).
void Rule621(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const std::vector<OptDate>& dob = header.Dates("DOB");
  const std::vector<OptDate>& mc_dob = header.Dates("MC_DOB");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (mc_dob[row] && !(dob[row] && *mc_dob[row] > *dob[row])) out.Flag("Header", row);
  }
}

// 624: MC_DOB differs from the one given last year (compared as text).
void Rule624(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Header_last"})) return;
  const Table& header = *data.Find("Header");
  const Table& last = *data.Find("Header_last");
  const Grouping& last_by_child = RowsBy(last, "CHILD");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    for (std::size_t p : last_by_child.Matching(header, row)) {
      const std::string& before = last.Text("MC_DOB", p);
      if (!before.empty() && header.Text("MC_DOB", row) != before) out.Flag("Header", row);
    }
  }
}

// 625: MC_DOB must not be after the end of the year or after the end of the child's latest
// episode; flags the header row and that episode.
void Rule625(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Header"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& header = *data.Find("Header");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  const std::vector<OptDate>& mc_dob = header.Dates("MC_DOB");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  for (const auto& [child, row] : ExtremeRowByChild(episodes, dec, true)) {
    for (std::size_t h : RowsOf(header_by_child, child)) {
      if (mc_dob[h] && (*mc_dob[h] > data.collection_end || *mc_dob[h] > *dec[row])) {
        out.Flag("Header", h);
        out.Flag("Episodes", row);
      }
    }
  }
}

// 626: a child recorded as not a mother last year (MOTHER 0) and a mother this year must have
// had her first child in this year (MC_DOB not before the year's start).
void Rule626(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Header_last"})) return;
  const Table& header = *data.Find("Header");
  const Table& last = *data.Find("Header_last");
  const Grouping& last_by_child = RowsBy(last, "CHILD");
  const std::vector<OptDate>& mc_dob = header.Dates("MC_DOB");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (!mc_dob[row] || *mc_dob[row] >= data.collection_start) continue;
    if (ToNumber(header.Text("MOTHER", row)) != 1.0) continue;
    for (std::size_t p : last_by_child.Matching(header, row)) {
      if (ToNumber(last.Text("MOTHER", p)) == 0.0) out.Flag("Header", row);
    }
  }
}

// 628: a care leaver with no episodes this year (OC3 information given) should have no
// motherhood details.
void Rule628(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Header", "OC3"})) return;
  const Table& header = *data.Find("Header");
  const Table& episodes = *data.Find("Episodes");
  const Table& oc3 = *data.Find("OC3");
  const std::set<std::string> with_episodes(episodes.Column("CHILD").begin(), episodes.Column("CHILD").end());
  std::set<std::string> leavers;
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (!oc3.Text("IN_TOUCH", row).empty() || !oc3.Text("ACTIV", row).empty() || !oc3.Text("ACCOM", row).empty()) {
      leavers.insert(oc3.Text("CHILD", row));
    }
  }
  for (std::size_t row = 0; row < header.rows(); ++row) {
    const std::string& child = header.Text("CHILD", row);
    if (with_episodes.count(child) == 0 && leavers.count(child) != 0 && !header.Text("MOTHER", row).empty()) {
      out.Flag("Header", row);
    }
  }
}

// 630: a child who started to be looked after in the year (RNE S) needs a PrevPerm row with
// PREV_PERM, and with LA_PERM and DATE_PERM unless PREV_PERM is Z1.
void Rule630(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PrevPerm", "Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& prev = *data.Find("PrevPerm");
  const Grouping& prev_by_child = RowsBy(prev, "CHILD");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("RNE", row) != "S" || !decom[row] || *decom[row] < data.collection_start) continue;
    const Grouping::RowList matches = prev_by_child.Matching(episodes, row);
    bool wrong = matches.empty();
    for (std::size_t p : matches) {
      const std::string& perm = prev.Text("PREV_PERM", p);
      if (perm.empty() || (perm != "Z1" && (prev.Text("LA_PERM", p).empty() || prev.Text("DATE_PERM", p).empty()))) {
        wrong = true;
      }
    }
    if (wrong) out.Flag("Episodes", row);
  }
}

// 631: PREV_PERM, where given, must be P1-P4 or Z1.
void Rule631(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PrevPerm"})) return;
  const Table& prev = *data.Find("PrevPerm");
  for (std::size_t row = 0; row < prev.rows(); ++row) {
    const std::string& perm = prev.Text("PREV_PERM", row);
    if (!perm.empty() && !OneOf(perm, {"P1", "P2", "P3", "P4", "Z1"})) out.Flag("PrevPerm", row);
  }
}

// DATE_PERM read as the validator reads it: dd/mm/yyyy where any part may be ZZ (ZZZZ for the
// year). A ZZ day or month becomes 01 and the date is moved to the latest it could be: a month
// on less a day for an unknown day, a year on less a day for an unknown month (when both are
// unknown, the month's rule wins; for an unknown month alone that gives the day before the
// same day a year later, as the validator does). An unknown year becomes 2000.
OptDate PermanenceDate(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.size() != 3) return std::nullopt;
  int shift = 0;  // 1: a month less a day; 2: a year less a day
  if (parts[0] == "ZZ") {
    parts[0] = "01";
    shift = 1;
  }
  if (parts[1] == "ZZ") {
    parts[1] = "01";
    shift = 2;
  }
  if (parts[2] == "ZZZZ") parts[2] = "2000";
  OptDate date = ParseReturnDate(parts[0] + "/" + parts[1] + "/" + parts[2], DateForm::kDayMonthYear);
  if (!date) return std::nullopt;
  if (shift == 1) return date->AddMonths(1).AddDays(-1);
  if (shift == 2) return date->AddYears(1).AddDays(-1);
  return date;
}

// 632: DATE_PERM, where given, must be a date (ZZ allowed for unknown parts) before the start
// of the child's first episode; flags that episode and the PrevPerm row.
void Rule632(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "PrevPerm"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& prev = *data.Find("PrevPerm");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const Grouping& prev_by_child = RowsBy(prev, "CHILD");
  std::vector<OptDate> perm_dates;
  for (const std::string& text : prev.Column("DATE_PERM")) perm_dates.push_back(PermanenceDate(text));
  Rows firsts;
  for (const auto& entry : ExtremeRowByChild(episodes, decom, false)) firsts.push_back(entry.second);
  std::sort(firsts.begin(), firsts.end());
  for (std::size_t row : firsts) {
    for (std::size_t p : prev_by_child.Matching(episodes, row)) {
      const bool bad_date = !prev.Text("DATE_PERM", p).empty() && !perm_dates[p];
      if ((perm_dates[p] && *perm_dates[p] >= *decom[row]) || bad_date) {
        out.Flag("Episodes", row);
        out.Flag("PrevPerm", p);
      }
    }
  }
}

// The values rule 633 accepts for LA_PERM (data/validate/codes-D.toml).
const std::set<std::string, std::less<>>& LaPermCodes() {
  static const std::set<std::string, std::less<>> codes = [] {
    std::set<std::string, std::less<>> values;
    const embedded::Resource* file = embedded::Find(embedded::Data(), "validate/codes-D.toml");
    if (file == nullptr) return values;
    const Result<toml::table> table = ParseToml(file->text, "codes-D.toml");
    if (!table.ok()) return values;
    if (const toml::array* list = (*table)["la_perm"].as_array()) {
      for (const toml::node& node : *list) {
        if (const std::optional<std::string> value = node.value<std::string>()) values.insert(*value);
      }
    }
    return values;
  }();
  return codes;
}

// 633: LA_PERM, where given, must be an English council's number or WAL, SCO, NUK or NIR.
void Rule633(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PrevPerm"})) return;
  const std::set<std::string, std::less<>>& valid = LaPermCodes();
  const Table& prev = *data.Find("PrevPerm");
  for (std::size_t row = 0; row < prev.rows(); ++row) {
    const std::string& la = prev.Text("LA_PERM", row);
    if (!la.empty() && valid.count(la) == 0) out.Flag("PrevPerm", row);
  }
}

// 634: previous permanence details are given but the child's latest episode started before
// this year; flags the PrevPerm row and every episode of the child.
void Rule634(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "PrevPerm"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& prev = *data.Find("PrevPerm");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const Grouping& episodes_by_child = RowsBy(episodes, "CHILD");
  for (std::size_t p = 0; p < prev.rows(); ++p) {
    if (prev.Text("PREV_PERM", p).empty() && prev.Text("DATE_PERM", p).empty() && prev.Text("LA_PERM", p).empty()) {
      continue;
    }
    const std::string& child = prev.Text("CHILD", p);
    if (child.empty()) continue;  // groupby leaves blank children without a latest start
    const Grouping::RowList rows = RowsOf(episodes_by_child, child);
    OptDate last;
    for (std::size_t row : rows) {
      if (decom[row] && (!last || *decom[row] > *last)) last = decom[row];
    }
    if (!last || *last >= data.collection_start) continue;
    out.Flag("PrevPerm", p);
    for (std::size_t row : rows) out.Flag("Episodes", row);
  }
}

// 635: LA_PERM or DATE_PERM is given without PREV_PERM.
void Rule635(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PrevPerm"})) return;
  const Table& prev = *data.Find("PrevPerm");
  for (std::size_t row = 0; row < prev.rows(); ++row) {
    if ((!prev.Text("LA_PERM", row).empty() || !prev.Text("DATE_PERM", row).empty()) &&
        prev.Text("PREV_PERM", row).empty()) {
      out.Flag("PrevPerm", row);
    }
  }
}

// --- 700s: deprivation of liberty orders (DoLo) -------------------------------------------------

// 700: DOLO_START must be a date.
void Rule700(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"DoLo"})) return;
  const Table& dolo = *data.Find("DoLo");
  const std::vector<OptDate>& start = dolo.Dates("DOLO_START");
  for (std::size_t row = 0; row < dolo.rows(); ++row) {
    if (!start[row]) out.Flag("DoLo", row);
  }
}

// 701: DOLO_END, where given, must be a date.
void Rule701(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"DoLo"})) return;
  const Table& dolo = *data.Find("DoLo");
  const std::vector<OptDate>& end = dolo.Dates("DOLO_END");
  for (std::size_t row = 0; row < dolo.rows(); ++row) {
    if (!dolo.Text("DOLO_END", row).empty() && !end[row]) out.Flag("DoLo", row);
  }
}

// 702: the DoLO must not end on or before the day it started.
void Rule702(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"DoLo"})) return;
  const Table& dolo = *data.Find("DoLo");
  const std::vector<OptDate>& start = dolo.Dates("DOLO_START");
  const std::vector<OptDate>& end = dolo.Dates("DOLO_END");
  for (std::size_t row = 0; row < dolo.rows(); ++row) {
    if (start[row] && end[row] && *end[row] <= *start[row]) out.Flag("DoLo", row);
  }
}

// 703: the DoLO must not start after the end of the year.
void Rule703(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"DoLo"})) return;
  const Table& dolo = *data.Find("DoLo");
  const std::vector<OptDate>& start = dolo.Dates("DOLO_START");
  for (std::size_t row = 0; row < dolo.rows(); ++row) {
    if (start[row] && *start[row] > data.collection_end) out.Flag("DoLo", row);
  }
}

// 704: the DoLO's end must be within the year.
void Rule704(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"DoLo"})) return;
  const Table& dolo = *data.Find("DoLo");
  const std::vector<OptDate>& end = dolo.Dates("DOLO_END");
  for (std::size_t row = 0; row < dolo.rows(); ++row) {
    if (end[row] && (*end[row] > data.collection_end || *end[row] < data.collection_start)) out.Flag("DoLo", row);
  }
}

// 705: a DoLO must not start while the child's previous one is open: the child's DoLOs in
// order of end (the start where there is no end), then start, the later of two neighbours is
// flagged when the earlier has no end or ends after it starts.
void Rule705(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"DoLo"})) return;
  const Table& dolo = *data.Find("DoLo");
  const std::vector<OptDate>& start = dolo.Dates("DOLO_START");
  const std::vector<OptDate>& end = dolo.Dates("DOLO_END");
  const std::vector<std::string>& child = dolo.Column("CHILD");
  Rows order(dolo.rows());
  for (std::size_t row = 0; row < order.size(); ++row) order[row] = row;
  // Blank children and missing dates sort last, as pandas puts NaN last.
  const auto less_date = [](const OptDate& a, const OptDate& b) {
    if (!a || !b) return a.has_value() && !b.has_value();
    return *a < *b;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (child[a] != child[b]) {
      if (child[a].empty() || child[b].empty()) return !child[a].empty();
      return child[a] < child[b];
    }
    const OptDate fill_a = end[a] ? end[a] : start[a];
    const OptDate fill_b = end[b] ? end[b] : start[b];
    if (less_date(fill_a, fill_b)) return true;
    if (less_date(fill_b, fill_a)) return false;
    return less_date(start[a], start[b]);
  });
  for (std::size_t i = 1; i < order.size(); ++i) {
    const std::size_t row = order[i];
    const std::size_t previous = order[i - 1];
    if (child[row].empty() || child[row] != child[previous]) continue;
    if (!end[previous] || (start[row] && *start[row] < *end[previous])) out.Flag("DoLo", row);
  }
}

// 706: a DoLO open at the end of last year must appear this year with the same start. The
// validator reports the row of last year's table under this year's; Cairn flags last year's
// row in DoLo_last, and skips when last year's DoLo table is not given (the validator fails).
void Rule706(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"DoLo", "DoLo_last"})) return;
  const Table& dolo = *data.Find("DoLo");
  const Table& last = *data.Find("DoLo_last");
  std::set<std::pair<std::string, std::string>> this_year;
  for (std::size_t row = 0; row < dolo.rows(); ++row) {
    this_year.emplace(dolo.Text("CHILD", row), dolo.Text("DOLO_START", row));
  }
  for (std::size_t row = 0; row < last.rows(); ++row) {
    if (!last.Text("DOLO_END", row).empty()) continue;
    if (this_year.count({last.Text("CHILD", row), last.Text("DOLO_START", row)}) == 0) out.Flag("DoLo_last", row);
  }
}

// 707: a child who ceased to be looked after must not have an open DoLO: a DoLO (with a start)
// is flagged when it lies outside every period of care of the child (open while the period
// ended, starting before the period with no end, or ending outside the period). Periods are
// runs of the child's episodes by start, a new one beginning when an episode starts after the
// previous one ended.
void Rule707(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "DoLo"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& dolo = *data.Find("DoLo");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  const std::vector<std::string>& child = episodes.Column("CHILD");
  Rows order;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (decom[row]) order.push_back(row);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (child[a] != child[b]) {
      if (child[a].empty() || child[b].empty()) return !child[a].empty();
      return child[a] < child[b];
    }
    return *decom[a] < *decom[b];
  });
  struct Period {
    OptDate start;
    OptDate end;
  };
  std::unordered_map<std::string, std::vector<Period>> periods;
  std::string period_child;
  Period current;
  bool open = false;
  const auto close = [&]() {
    if (open) periods[period_child].push_back(current);
  };
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t row = order[i];
    const bool new_period = i == 0 || child[row] != child[order[i - 1]] || child[row].empty() ||
                            (dec[order[i - 1]] && *decom[row] > *dec[order[i - 1]]);
    if (new_period) {
      close();
      period_child = child[row];
      current = Period{decom[row], dec[row]};
      open = true;
    } else {
      current.end = dec[row];
    }
  }
  close();
  const std::vector<OptDate>& start = dolo.Dates("DOLO_START");
  const std::vector<OptDate>& end = dolo.Dates("DOLO_END");
  for (std::size_t row = 0; row < dolo.rows(); ++row) {
    if (!start[row]) continue;
    const auto found = periods.find(dolo.Text("CHILD", row));
    if (found == periods.end()) continue;
    bool inside_any = false;
    for (const Period& period : found->second) {
      const bool outside = (!end[row] && period.end) || (!end[row] && *start[row] < *period.start) ||
                           (end[row] && period.end && *end[row] > *period.end) ||
                           (end[row] && *end[row] < *period.start);
      if (!outside) inside_any = true;
    }
    if (!inside_any) out.Flag("DoLo", row);
  }
}

// 708: a DoLO must not start on or before the child's date of birth.
void Rule708(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"DoLo"})) return;
  const Table& dolo = *data.Find("DoLo");
  const std::vector<OptDate>& start = dolo.Dates("DOLO_START");
  const std::vector<OptDate>& dob = dolo.Dates("DOB");
  for (std::size_t row = 0; row < dolo.rows(); ++row) {
    if (start[row] && dob[row] && *start[row] <= *dob[row]) out.Flag("DoLo", row);
  }
}

// 709 and 710: a DoLO (with start and end given) overlapping an episode in a placement that is
// not allowed with one; flags both. The validator reads a PLACEMENT column that episodes do not
// have (so it fails on every return); Cairn reads the placement type, PLACE.
void CheckDoloPlacement(const Return& data, RuleOutput& out, bool listed_is_wrong,
                        std::initializer_list<std::string_view> places) {
  if (!Need(data, out, {"DoLo", "Episodes"})) return;
  const Table& dolo = *data.Find("DoLo");
  const Table& episodes = *data.Find("Episodes");
  const std::vector<OptDate>& start = dolo.Dates("DOLO_START");
  const std::vector<OptDate>& end = dolo.Dates("DOLO_END");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  const Grouping& dolo_by_child = RowsBy(dolo, "CHILD");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("PLACE", row), places) != listed_is_wrong) continue;
    for (std::size_t d : dolo_by_child.Matching(episodes, row)) {
      if (dolo.Text("DOLO_START", d).empty() || dolo.Text("DOLO_END", d).empty()) continue;
      const bool starts_in = !dec[row] || (start[d] && *start[d] <= *dec[row]);
      if (starts_in && end[d] && decom[row] && *end[d] >= *decom[row]) {
        out.Flag("DoLo", d);
        out.Flag("Episodes", row);
      }
    }
  }
}
void Rule709(const Return& data, RuleOutput& out) { CheckDoloPlacement(data, out, false, {"K2", "Z12", "Z13"}); }
void Rule710(const Return& data, RuleOutput& out) { CheckDoloPlacement(data, out, true, {"K1", "P1", "R5", "K3"}); }

// --- 1000s -------------------------------------------------------------------------------------

bool HasLeaverInfo(const Table& oc3, std::size_t row) {
  return !oc3.Text("IN_TOUCH", row).empty() || !oc3.Text("ACTIV", row).empty() || !oc3.Text("ACCOM", row).empty();
}

// 1000: a child who died in care (an episode ending E2, this year or last) should have no care
// leaver (OC3) row.
void Rule1000(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "OC3"})) return;
  const Table& oc3 = *data.Find("OC3");
  std::set<std::string> died;
  for (const char* name : {"Episodes", "Episodes_last"}) {
    const Table* episodes = data.Find(name);
    if (episodes == nullptr) continue;
    for (std::size_t row = 0; row < episodes->rows(); ++row) {
      if (episodes->Text("REC", row) == "E2") died.insert(episodes->Text("CHILD", row));
    }
  }
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (died.count(oc3.Text("CHILD", row)) != 0) out.Flag("OC3", row);
  }
}

// 1002: a care leaver (OC3) with no episodes this year or last. (The validator sees only two
// years of episodes, so earlier care is not known to it; on the record, Episodes_earlier holds
// the earlier years' episodes and a care leaver with any is not flagged.)
void Rule1002(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "OC3", "Episodes_last"})) return;
  const Table& oc3 = *data.Find("OC3");
  const Grouping& now = RowsBy(*data.Find("Episodes"), "CHILD");
  const Grouping& before = RowsBy(*data.Find("Episodes_last"), "CHILD");
  const Table* earlier = data.Find("Episodes_earlier");  // on the record only
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    const std::string& child = oc3.Text("CHILD", row);
    if (now.count(child) != 0 || before.count(child) != 0) continue;
    if (earlier != nullptr && RowsBy(*earlier, "CHILD").count(child) != 0) continue;
    out.Flag("OC3", row);
  }
}

// 1003: the decision to place for adoption must not be before the child's first episode that
// started a period of care (RNE S); flags both.
void Rule1003(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "PlacedAdoption"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& placed = *data.Find("PlacedAdoption");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  std::vector<OptDate> s_starts(episodes.rows());
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (episodes.Text("RNE", row) == "S") s_starts[row] = decom[row];
  }
  const std::vector<OptDate>& date_placed = placed.Dates("DATE_PLACED");
  const Grouping& placed_by_child = RowsBy(placed, "CHILD");
  for (const auto& [child, row] : ExtremeRowByChild(episodes, s_starts, false)) {
    for (std::size_t p : RowsOf(placed_by_child, child)) {
      if (date_placed[p] && *date_placed[p] < *decom[row]) {
        out.Flag("Episodes", row);
        out.Flag("PlacedAdoption", p);
      }
    }
  }
}

// 1004: the start of a missing or away-from-placement episode must be a date.
void Rule1004(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& start = missing.Dates("MIS_START");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (!start[row]) out.Flag("Missing", row);
  }
}

// 1005: the end of a missing episode, where given, must be a date.
void Rule1005(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  const std::vector<OptDate>& end = missing.Dates("MIS_END");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    if (!missing.Text("MIS_END", row).empty() && !end[row]) out.Flag("Missing", row);
  }
}

// 1006: MISSING, where given, must be M or A.
void Rule1006(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Missing"})) return;
  const Table& missing = *data.Find("Missing");
  for (std::size_t row = 0; row < missing.rows(); ++row) {
    const std::string& type = missing.Text("MISSING", row);
    if (!type.empty() && !OneOf(type, {"M", "A"})) out.Flag("Missing", row);
  }
}

// 1007: care leaver information is not wanted for a 17- or 18-year-old who was looked after on
// their latest birthday: an episode starting on or before it and ending after it, or still open
// (its DEC blank), as the DfE's text says ("still looked after"). The validator runs before its
// rule 365 fills blank DECs and compares a blank one as never after the birthday, so it misses a
// child in care since before the birthday; rule 1016, where the validator does see that child
// (as ceasing on 31 March), is about ceasing and does not flag it in Cairn. An unreadable DEC
// counts as neither. A 29 February birthday falls on 28 February in a common year (the
// validator fails on such a date of birth).
void Rule1007(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "OC3"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& oc3 = *data.Find("OC3");
  const std::vector<OptDate>& dob = oc3.Dates("DOB");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  const Grouping& episodes_by_child = RowsBy(episodes, "CHILD");
  const Date end = data.collection_end;
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (!dob[row] || !HasLeaverInfo(oc3, row)) continue;
    if (!(dob[row]->AddYears(17) <= end && dob[row]->AddYears(19) > end)) continue;
    Date birthday = dob[row]->AddYears(end.year() - dob[row]->year());
    if (birthday > end) birthday = birthday.AddYears(-1);
    for (std::size_t e : episodes_by_child.Matching(oc3, row)) {
      const bool open = episodes.Text("DEC", e).empty();
      if (decom[e] && *decom[e] <= birthday && (open || (dec[e] && *dec[e] > birthday))) out.Flag("OC3", row);
    }
  }
}

// 1008: needs Ofsted's provider lists (URNs), which Cairn does not load yet: never runs.
void Rule1008(const Return&, RuleOutput& out) { out.Skip(); }

// 1009: REASON_PLACE_CHANGE, where given, must be a valid code.
void Rule1009(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& reason = episodes.Text("REASON_PLACE_CHANGE", row);
    if (!reason.empty() && !OneOf(reason, {"CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD",
                                           "LAREQ", "PLACE", "CUSTOD", "OTHER"})) {
      out.Flag("Episodes", row);
    }
  }
}

// 1010: a care leaver with no episode this year whose last episode of last year was open.
void Rule1010(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Episodes_last", "OC3"})) return;
  const Table& last = *data.Find("Episodes_last");
  const Table& oc3 = *data.Find("OC3");
  const std::vector<OptDate>& decom = last.Dates("DECOM");
  // Per child, the row with the latest start (the later row on ties, as after a stable sort);
  // rows of blank children each count on their own.
  std::map<std::string, std::size_t> latest;
  std::set<std::string> open;
  for (std::size_t row = 0; row < last.rows(); ++row) {
    if (!decom[row]) continue;
    const std::string& child = last.Text("CHILD", row);
    if (child.empty()) {
      if (last.Text("DEC", row).empty()) open.insert(child);
      continue;
    }
    const auto found = latest.find(child);
    if (found == latest.end() || *decom[row] >= *decom[found->second]) latest[child] = row;
  }
  for (const auto& [child, row] : latest) {
    if (last.Text("DEC", row).empty()) open.insert(child);
  }
  const Grouping& now = RowsBy(*data.Find("Episodes"), "CHILD");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    const std::string& child = oc3.Text("CHILD", row);
    if (now.count(child) == 0 && open.count(child) != 0) out.Flag("OC3", row);
  }
}

// 1011: a child whose final episode ended with care transferred to another council (E3)
// should have no care leaver information.
void Rule1011(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3", "Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& oc3 = *data.Find("OC3");
  std::set<std::string> transferred;
  for (const auto& [child, row] : ExtremeRowByChild(episodes, episodes.Dates("DECOM"), true)) {
    if (episodes.Text("REC", row) == "E3") transferred.insert(child);
  }
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (transferred.count(oc3.Text("CHILD", row)) != 0 && HasLeaverInfo(oc3, row)) out.Flag("OC3", row);
  }
}

// 1012: a child with no episodes this year should have no other data (placed for adoption,
// missing, reviews, AD1, previous permanence, OC2).
void Rule1012(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Grouping& children = RowsBy(*data.Find("Episodes"), "CHILD");
  for (const char* name : {"PlacedAdoption", "Missing", "Reviews", "AD1", "PrevPerm", "OC2"}) {
    const Table* table = data.Find(name);
    if (table == nullptr) continue;
    for (std::size_t row = 0; row < table->rows(); ++row) {
      if (children.count(table->Text("CHILD", row)) == 0) out.Flag(name, row);
    }
  }
}

// 1014: a UASC child with care leaver information but no episode open during the year; flags
// the UASC and OC3 rows.
void Rule1014(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"UASC", "Episodes", "OC3"})) return;
  const Table& uasc = *data.Find("UASC");
  const Table& episodes = *data.Find("Episodes");
  const Table& oc3 = *data.Find("OC3");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  std::map<std::string, int> in_year;  // episodes of the child open at some time in the year
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& child = episodes.Text("CHILD", row);
    if (child.empty()) continue;
    const bool starts_in_time = decom[row] && *decom[row] <= data.collection_end;
    const bool open = starts_in_time && (!dec[row] || *dec[row] >= data.collection_start);
    in_year[child] += open ? 1 : 0;
  }
  const Grouping& oc3_by_child = RowsBy(oc3, "CHILD");
  for (std::size_t row = 0; row < uasc.rows(); ++row) {
    const auto found = in_year.find(uasc.Text("CHILD", row));
    if (found == in_year.end() || found->second != 0) continue;
    for (std::size_t o : RowsOf(oc3_by_child, found->first)) {
      if (HasLeaverInfo(oc3, o)) {
        out.Flag("UASC", row);
        out.Flag("OC3", o);
      }
    }
  }
}

// 1015: a placement with the council's own provider (PR1), other than fostering or adoption
// placements and short breaks, must be within the council's area (PL_LA).
void Rule1015(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!episodes.Has("PL_LA")) {
    out.Skip();
    return;
  }
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    const std::string& place = episodes.Text("PLACE", row);
    const std::string& ls = episodes.Text("LS", row);
    if (place.empty() || ls.empty() || OneOf(ls, {"V3", "V4"})) continue;
    if (OneOf(place, {"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"})) continue;
    if (episodes.Text("PLACE_PROVIDER", row) != "PR1") continue;
    if (episodes.Text("PL_LA", row) != data.la_ons) out.Flag("Episodes", row);
  }
}

// 1016: care leaver information is not wanted for a 17-year-old (18-year-old) whose episode
// ended on or after their 17th (18th) birthday. Ages at the end of the year are counted as the
// validator counts them, in years of 365.2425 days. An open episode has not ended: the DfE's
// text is about young people who "cease to be looked after", and the validator's own comment
// and test keep an open episode out; it flags one only because its rule 365 has written 31 March
// into every blank DEC by the time 1016 runs. (A child still in care on the birthday is rule
// 1007's.)
void Rule1016(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3", "Episodes"})) return;
  const Table& oc3 = *data.Find("OC3");
  const Table& episodes = *data.Find("Episodes");
  const std::vector<OptDate>& dob = oc3.Dates("DOB");
  const std::vector<OptDate>& dec = episodes.Dates("DEC");
  const Grouping& episodes_by_child = RowsBy(episodes, "CHILD");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (!dob[row] || !HasLeaverInfo(oc3, row)) continue;
    const int days = data.collection_end.DaysSince(*dob[row]);
    const bool age17 = days >= 6210 && days <= 6574;  // 17 and 18 years of 365.2425 days
    const bool age18 = days >= 6575 && days <= 6940;  // 18 and 19 years
    if (!age17 && !age18) continue;
    const Date birthday = dob[row]->AddYears(age17 ? 17 : 18);
    for (std::size_t e : episodes_by_child.Matching(oc3, row)) {
      if (dec[e] && *dec[e] >= birthday) out.Flag("OC3", row);
    }
  }
}

// 3001: a care leaver whose 17th birthday is in the year should not be recorded as living
// with former foster carers (ACCOM Z1 or Z2).
void Rule3001(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "OC3"})) return;
  const Table& header = *data.Find("Header");
  const Table& oc3 = *data.Find("OC3");
  const std::vector<OptDate>& dob = header.Dates("DOB");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (!OneOf(oc3.Text("ACCOM", row), {"Z1", "Z2"})) continue;
    for (std::size_t h : header_by_child.Matching(oc3, row)) {
      if (!dob[h]) continue;
      const Date seventeen = dob[h]->AddYears(17);
      if (seventeen >= data.collection_start && seventeen <= data.collection_end) out.Flag("OC3", row);
    }
  }
}

// EPI: a child in the header with neither episodes nor care leaver (OC3) information.
void RuleEpi(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  std::vector<const Grouping*> known_in;
  for (const char* name : {"Episodes", "OC3"}) {
    if (const Table* table = data.Find(name)) known_in.push_back(&RowsBy(*table, "CHILD"));
  }
  for (std::size_t row = 0; row < header.rows(); ++row) {
    bool known = false;
    for (const Grouping* children : known_in) known = known || !children->Matching(header, row).empty();
    if (!known) out.Flag("Header", row);
  }
}

// NoE: an episode starting before this year for a child with no episodes in last year's return.
void RuleNoE(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "Episodes_last"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Grouping& before = RowsBy(*data.Find("Episodes_last"), "CHILD");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (decom[row] && *decom[row] < data.collection_start && before.count(episodes.Text("CHILD", row)) == 0) {
      out.Flag("Episodes", row);
    }
  }
}

// --- INT: internal consistency between tables ----------------------------------------------------

// INT01-INT09: a child in `table` must be in the header.
template <const char* kTable>
void ChildInHeader(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", kTable})) return;
  const Grouping& children = RowsBy(*data.Find("Header"), "CHILD");
  const Table& table = *data.Find(kTable);
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (children.count(table.Text("CHILD", row)) == 0) out.Flag(kTable, row);
  }
}

// INT11-INT18: a child's DOB in `table` must be the header's (both valid dates, compared as
// dates).
template <const char* kTable>
void DobAsHeader(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", kTable})) return;
  const Table& header = *data.Find("Header");
  const Table& table = *data.Find(kTable);
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  const std::vector<OptDate>& header_dob = header.Dates("DOB");
  const std::vector<OptDate>& dob = table.Dates("DOB");
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (!dob[row]) continue;
    for (std::size_t h : header_by_child.Matching(table, row)) {
      if (header_dob[h] && *header_dob[h] != *dob[row]) out.Flag(kTable, row);
    }
  }
}

// INT31-INT36: a child must appear only once in `table`.
template <const char* kTable>
void ChildOnce(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {kTable})) return;
  const Table& table = *data.Find(kTable);
  for (const auto& [child, rows] : RowsBy(table, "CHILD")) {
    if (child.empty() || rows.size() < 2) continue;
    for (std::size_t row : rows) out.Flag(kTable, row);
  }
}

constexpr char kAd1[] = "AD1";
constexpr char kPlacedAdoption[] = "PlacedAdoption";
constexpr char kEpisodes[] = "Episodes";
constexpr char kMissing[] = "Missing";
constexpr char kOc2[] = "OC2";
constexpr char kOc3[] = "OC3";
constexpr char kPrevPerm[] = "PrevPerm";
constexpr char kReviews[] = "Reviews";
constexpr char kUasc[] = "UASC";
constexpr char kHeader[] = "Header";

// INT21: the child's SEX in UASC must be the header's (both given).
void RuleInt21(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "UASC"})) return;
  const Table& header = *data.Find("Header");
  const Table& uasc = *data.Find("UASC");
  const Grouping& header_by_child = RowsBy(header, "CHILD");
  for (std::size_t row = 0; row < uasc.rows(); ++row) {
    const std::string& sex = uasc.Text("SEX", row);
    if (sex.empty()) continue;
    for (std::size_t h : header_by_child.Matching(uasc, row)) {
      if (!header.Text("SEX", h).empty() && header.Text("SEX", h) != sex) out.Flag("UASC", row);
    }
  }
}

// --- SW: social worker episodes -------------------------------------------------------------------

// SW01aSTG1: a social worker episode must have a start date, and one that started before
// 1 April 2023 a social worker ID.
void RuleSw01a(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  const Date cut = Date::FromYmdOrDie(2023, 4, 1);
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    if (!decom[row] || (*decom[row] < cut && sw.Text("SW_ID", row).empty())) out.Flag("SWEpisodes", row);
  }
}

// SW01bSTG1: a social worker episode must have a start date, and one that started on or after
// 1 April 2023 a social worker ID and a reason for change.
void RuleSw01b(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  const Date cut = Date::FromYmdOrDie(2023, 4, 1);
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    const bool incomplete = sw.Text("SW_ID", row).empty() || sw.Text("SW_REASON", row).empty();
    if (!decom[row] || (*decom[row] >= cut && incomplete)) out.Flag("SWEpisodes", row);
  }
}

// SW02STG1: SW_ID must begin with SW or XX (a blank does not).
void RuleSw02(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    const std::string prefix = sw.Text("SW_ID", row).substr(0, 2);
    if (prefix != "SW" && prefix != "XX") out.Flag("SWEpisodes", row);
  }
}

// SW03STG1: SW_ID, SW_DECOM and SW_REASON must all be given.
void RuleSw03(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    if (sw.Text("SW_ID", row).empty() || sw.Text("SW_DECOM", row).empty() || sw.Text("SW_REASON", row).empty()) {
      out.Flag("SWEpisodes", row);
    }
  }
}

// SW04STG1 and SW05STG1: the date, where given, must be a date (ZZ allowed for unknown parts,
// read as for DATE_PERM).
void CheckSwDate(const Return& data, RuleOutput& out, const char* column) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    const std::string& text = sw.Text(column, row);
    if (!text.empty() && !PermanenceDate(text)) out.Flag("SWEpisodes", row);
  }
}
void RuleSw04(const Return& data, RuleOutput& out) { CheckSwDate(data, out, "SW_DECOM"); }
void RuleSw05(const Return& data, RuleOutput& out) { CheckSwDate(data, out, "SW_DEC"); }

// SW06STG2: a social worker episode must not start after the end of the year.
void RuleSw06(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    if (decom[row] && *decom[row] > data.collection_end) out.Flag("SWEpisodes", row);
  }
}

// SW07STG2: a social worker episode's end must be within the reporting period: from
// `earliest` to the end of the year.
void CheckSw07(const Return& data, RuleOutput& out, Date earliest) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<OptDate>& dec = sw.Dates("SW_DEC");
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    if (dec[row] && (*dec[row] < earliest || *dec[row] > data.collection_end)) out.Flag("SWEpisodes", row);
  }
}
void RuleSw07(const Return& data, RuleOutput& out) { CheckSw07(data, out, data.collection_start); }
// From 2025 the period starts a year earlier: the validator subtracts 365.2425 days, which for
// whole dates means 365 days.
void RuleSw07From2025(const Return& data, RuleOutput& out) {
  CheckSw07(data, out, data.collection_start.AddDays(-365));
}

// SW08STG2: every social worker episode but the child's latest (by start; a blank start counts
// as latest) must have ended.
void RuleSw08(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  const std::vector<OptDate>& dec = sw.Dates("SW_DEC");
  for (const auto& [child, rows] : RowsBy(sw, "CHILD")) {
    if (child.empty()) continue;
    std::size_t last = rows.front();
    for (std::size_t row : rows) {
      if (!decom[row] || (decom[last] && *decom[row] >= *decom[last])) last = row;
    }
    for (std::size_t row : rows) {
      if (row != last && !dec[row] && decom[row]) out.Flag("SWEpisodes", row);
    }
  }
}

// SW09STG2: a social worker episode must not start and end on the same day (as written).
void RuleSw09(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    const std::string& start = sw.Text("SW_DECOM", row);
    if (!start.empty() && start == sw.Text("SW_DEC", row)) out.Flag("SWEpisodes", row);
  }
}

// The social worker episodes in the validator's order: by child, start, then end (blank children
// and missing dates last, ties in row order).
Rows SwOrder(const Table& sw, bool with_end) {
  const std::vector<std::string>& child = sw.Column("CHILD");
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  const std::vector<OptDate>& dec = sw.Dates("SW_DEC");
  Rows order(sw.rows());
  for (std::size_t row = 0; row < order.size(); ++row) order[row] = row;
  const auto less_date = [](const OptDate& a, const OptDate& b) {
    if (!a || !b) return a.has_value() && !b.has_value();
    return *a < *b;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (child[a] != child[b]) {
      if (child[a].empty() || child[b].empty()) return !child[a].empty();
      return child[a] < child[b];
    }
    if (less_date(decom[a], decom[b])) return true;
    if (less_date(decom[b], decom[a])) return false;
    return with_end && less_date(dec[a], dec[b]);
  });
  return order;
}

// SW10STG2: a new social worker episode must start within 7 days of the end of the child's
// previous one (in start order); a missing date fails. From 2025 a change for FCONTA is exempt.
void CheckSw10(const Return& data, RuleOutput& out, bool fconta_exempt) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<std::string>& child = sw.Column("CHILD");
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  const std::vector<OptDate>& dec = sw.Dates("SW_DEC");
  const Rows order = SwOrder(sw, true);
  for (std::size_t i = 1; i < order.size(); ++i) {
    const std::size_t row = order[i];
    const std::size_t previous = order[i - 1];
    if (child[row] != child[previous]) continue;
    if (fconta_exempt && sw.Text("SW_REASON", row) == "FCONTA") continue;
    const bool near = decom[row] && dec[previous] && *decom[row] >= dec[previous]->AddDays(-7) &&
                      *decom[row] <= dec[previous]->AddDays(7);
    if (!near) out.Flag("SWEpisodes", row);
  }
}
void RuleSw10(const Return& data, RuleOutput& out) { CheckSw10(data, out, false); }
void RuleSw10From2025(const Return& data, RuleOutput& out) { CheckSw10(data, out, true); }

// SW13STG1 (2024): SW_REASON must be a valid code (a blank is not).
bool ValidSwReason(const std::string& reason) {
  return OneOf(reason, {"MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED",
                        "OTHERS"});
}
void RuleSw13(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    if (!ValidSwReason(sw.Text("SW_REASON", row))) out.Flag("SWEpisodes", row);
  }
}

// SW13STG1 (from 2025): SW_REASON, where given, must be valid, and must be given for an
// episode starting on or after 1 April 2023.
void RuleSw13From2025(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  const Date cut = Date::FromYmdOrDie(2023, 4, 1);
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    const std::string& reason = sw.Text("SW_REASON", row);
    if (reason.empty() ? (decom[row] && *decom[row] >= cut) : !ValidSwReason(reason)) out.Flag("SWEpisodes", row);
  }
}

// SW14STG2: only the child's latest social worker episode (by start; a missing start sorts
// last) may have no end date.
void RuleSw14(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<OptDate>& dec = sw.Dates("SW_DEC");
  const std::vector<std::string>& child = sw.Column("CHILD");
  const Rows order = SwOrder(sw, false);
  std::set<std::size_t> latest;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i + 1 == order.size() || child[order[i + 1]] != child[order[i]]) latest.insert(order[i]);
  }
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    if (!dec[row] && latest.count(row) == 0) out.Flag("SWEpisodes", row);
  }
}

// The children looked after on 31 March: an episode begun by then and not ended by then (its
// DEC blank or later), not a short break (V3, V4).
std::set<std::string, std::less<>> InCareOn31March(const Return& data, const Table& episodes) {
  const std::vector<OptDate>& start = episodes.Dates("DECOM");
  const std::vector<OptDate>& end = episodes.Dates("DEC");
  std::set<std::string, std::less<>> in_care;
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (OneOf(episodes.Text("LS", row), {"V3", "V4"})) continue;
    const bool begun = start[row] && *start[row] <= data.collection_end;
    const bool open = episodes.Text("DEC", row).empty() || (end[row] && *end[row] > data.collection_end);
    if (begun && open) in_care.insert(episodes.Text("CHILD", row));
  }
  return in_care;
}

// SW17STG2: a child looked after on 31 March (an episode begun by then and not ended by then,
// not a short break) has their latest social worker episode (by start) open on that day. The
// DfE asks for the social worker episodes of every child looked after in the year, and a child
// who left care during it has theirs closed; the validator asks this of every child in the
// table, so it flags every child who left care (see the validation README). Cairn asks it of
// the children the rule is about.
void RuleSw17(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes", "Episodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::set<std::string, std::less<>> in_care = InCareOn31March(data, *data.Find("Episodes"));
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  std::map<std::string, std::size_t> latest;
  for (std::size_t row = 0; row < sw.rows(); ++row) {
    const std::string& child = sw.Text("CHILD", row);
    const auto found = latest.find(child);
    if (found == latest.end()) {
      latest.emplace(child, row);
      continue;
    }
    const OptDate& best = decom[found->second];
    if (decom[row] && (!best || *decom[row] > *best)) found->second = row;
  }
  for (const auto& [child, row] : latest) {
    if (in_care.count(child) != 0 && !sw.Text("SW_DEC", row).empty()) out.Flag("SWEpisodes", row);
  }
}

// SW01STG1 (2024): a child looked after at 31 March (an open episode, not a short break) must
// have complete social worker episodes (SW_ID, SW_DECOM and SW_REASON), or any at all. The
// validator reports the episode's row number under SWEpisodes; Cairn flags the episode. (Run
// with the others, the validator sees no open episodes at all, as its rule 365 has filled
// their DEC; Cairn follows the DfE's rule here.)
void RuleSw01(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes", "Episodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const Table& episodes = *data.Find("Episodes");
  const Grouping& sw_by_child = RowsBy(sw, "CHILD");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!episodes.Text("DEC", row).empty() || OneOf(episodes.Text("LS", row), {"V3", "V4"})) continue;
    const Grouping::RowList rows = sw_by_child.Matching(episodes, row);
    bool incomplete = rows.empty();
    for (std::size_t s : rows) {
      if (sw.Text("SW_ID", s).empty() || sw.Text("SW_DECOM", s).empty() || sw.Text("SW_REASON", s).empty()) {
        incomplete = true;
      }
    }
    if (incomplete) out.Flag("Episodes", row);
  }
}

// SW11aSTG2 (2024): after a social worker episode that ended at least 5 days before 31 March,
// the child's next episode (in start order) must start within 5 days of that end.
void RuleSw11a(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<std::string>& child = sw.Column("CHILD");
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  const std::vector<OptDate>& dec = sw.Dates("SW_DEC");
  const Rows order = SwOrder(sw, false);
  const Date last_day = data.collection_end.AddDays(-5);
  for (std::size_t i = 1; i < order.size(); ++i) {
    const std::size_t row = order[i];
    const std::size_t previous = order[i - 1];
    if (child[row].empty() || child[row] != child[previous]) continue;
    if (!dec[previous] || *dec[previous] > last_day) continue;
    const bool near = decom[row] && *decom[row] >= dec[previous]->AddDays(-5) &&
                      *decom[row] <= dec[previous]->AddDays(5);
    if (!near) out.Flag("SWEpisodes", row);
  }
}

// SW11bSTG2: a social worker episode that ended in the last 5 days of the year needs a
// following one. Flagged, as the validator does: an episode with no start that follows one
// ending in those days. Then, as the DfE's text says ("no subsequent social worker episode has
// been provided"), an episode ending in those days with no other episode of the child starting
// on or after its end (one with no start is flagged above). Both only for children looked after
// on 31 March, when the Episodes table says who they are: a child whose care ended in those
// days has no next worker to report. The validator instead flags every episode ending in those
// days of a child with an earlier-starting episode, the next worker's episode open or not, and
// children who left care (see the simulator's README).
void RuleSw11b(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const std::vector<std::string>& child = sw.Column("CHILD");
  const std::vector<OptDate>& decom = sw.Dates("SW_DECOM");
  const std::vector<OptDate>& dec = sw.Dates("SW_DEC");
  const Date from = data.collection_end.AddDays(-5);
  const auto in_last_days = [&](std::size_t row) {
    return dec[row] && *dec[row] >= from && *dec[row] <= data.collection_end;
  };
  const Table* episodes = data.Find("Episodes");
  const std::set<std::string, std::less<>> in_care =
      episodes != nullptr ? InCareOn31March(data, *episodes) : std::set<std::string, std::less<>>();
  const auto asked = [&](std::size_t row) {
    return !child[row].empty() && (episodes == nullptr || in_care.count(child[row]) != 0);
  };
  const Rows order = SwOrder(sw, false);
  for (std::size_t i = 1; i < order.size(); ++i) {
    const std::size_t row = order[i];
    const std::size_t previous = order[i - 1];
    if (child[row] == child[previous] && asked(row) && in_last_days(previous) && !decom[row]) {
      out.Flag("SWEpisodes", row);
    }
  }
  for (const auto& [name, rows] : RowsBy(sw, "CHILD")) {
    for (std::size_t row : rows) {
      if (!in_last_days(row) || !asked(row)) continue;
      bool followed = false;
      for (std::size_t other : rows) {
        followed = followed || (other != row && (!decom[other] || *decom[other] >= *dec[row]));
      }
      if (!followed) out.Flag("SWEpisodes", row);
    }
  }
}

// SW12STG2: "If a child is looked after on 31 March then all social worker episodes for the full
// previous year should be reported, even those whilst they were not looked after". For a child
// looked after on 31 March (InCareOn31March), the social worker episodes must reach back to the
// year's start, or to the start of the child's first care episode in the return (not a short
// break) when that is later: the child had a social worker from then at the latest, so one
// episode must be open on that day, and none open then, or none at all, means episodes are
// missing. The child's first care episode is flagged. A child with a worker's episode with no
// start date is left to the rules on missing dates. The public validator pairs every
// care episode with every social worker episode and flags the episodes from before care began
// or after it ended, which the message asks for (see the validation README and
// reference_exceptions.toml); Cairn follows the message.
void RuleSw12(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"SWEpisodes", "Episodes"})) return;
  const Table& sw = *data.Find("SWEpisodes");
  const Table& episodes = *data.Find("Episodes");
  const std::set<std::string, std::less<>> in_care = InCareOn31March(data, episodes);
  const std::vector<OptDate>& sw_decom = sw.Dates("SW_DECOM");
  const std::vector<OptDate>& sw_dec = sw.Dates("SW_DEC");
  const std::vector<OptDate>& decom = episodes.Dates("DECOM");
  const Grouping& sw_by_child = RowsBy(sw, "CHILD");
  for (const auto& [child, rows] : RowsBy(episodes, "CHILD")) {
    if (in_care.find(child) == in_care.end()) continue;
    std::optional<std::size_t> first;
    for (std::size_t row : rows) {
      if (OneOf(episodes.Text("LS", row), {"V3", "V4"}) || !decom[row]) continue;
      if (!first || *decom[row] < *decom[*first]) first = row;
    }
    if (!first) continue;
    const Grouping::RowList worker_rows = sw_by_child.Matching(episodes, *first);
    if (worker_rows.empty()) {
      out.Flag("Episodes", *first);
      continue;
    }
    const Date reach = std::max(*decom[*first], data.collection_start);
    bool undated = false;
    bool reached = false;
    for (std::size_t s : worker_rows) {
      undated = undated || !sw_decom[s];
      // Open then: begun by that day and not ended more than the 7 days before it that DfE rule
      // SW10STG2 allows between one worker's episode and the next.
      const bool open_then = !sw_dec[s] || *sw_dec[s] >= reach.AddDays(-7);
      reached = reached || (sw_decom[s] && *sw_decom[s] <= reach && open_then);
    }
    if (!undated && !reached) out.Flag("Episodes", *first);
  }
}

// 1001: a care leaver (OC3) must have been a relevant or former relevant child: at least 91 days
// looked after from their 14th birthday, at least one of them from their 16th, and not adopted
// at the end of their latest episode. In returns, only this year's and last year's episodes are
// known (the rule's own note says so); on the record, the earlier ones too (Episodes_earlier).
// Reproduced as the validator computes it: the two years' episodes are stacked keeping their
// own row numbers, duplicates of (child, start) dropped keeping the earliest end, the latest
// episode's missing end set to 31 March (and every other missing end in a row with the same
// number), episodes in short breaks dropped together with every row sharing their row number,
// and a child counted as adopted when any row with the same row number as a child's latest
// episode is theirs and ended E11 or E12.
void Rule1001(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "OC3", "Header", "Episodes_last"})) return;
  const Table& current = *data.Find("Episodes");
  const Table& previous = *data.Find("Episodes_last");
  const Table& oc3 = *data.Find("OC3");
  const Table& header = *data.Find("Header");
  if (current.rows() == 0 || previous.rows() == 0 || oc3.rows() == 0 || header.rows() == 0) {
    out.Skip();
    return;
  }
  struct Episode {
    std::size_t label;
    const std::string* child;
    OptDate decom;
    OptDate dec;
    const std::string* ls;
    const std::string* rec;
  };
  std::vector<Episode> all;
  const std::vector<OptDate> current_dec = DecSeenAfterRule365(data, current);
  // On the record, the care leavers' earlier episodes too (Episodes_earlier), each with a row
  // number of its own: the validator's shared row numbers are a quirk of stacking two tables.
  const Table* earlier = data.Find("Episodes_earlier");
  const std::size_t earlier_labels = std::max(current.rows(), previous.rows());
  for (const Table* table : {&current, &previous, earlier}) {
    if (table == nullptr) continue;
    const std::vector<OptDate>& decom = table->Dates("DECOM");
    const std::vector<OptDate>& dec = table == &current ? current_dec : table->Dates("DEC");
    for (std::size_t row = 0; row < table->rows(); ++row) {
      const std::size_t label = table == earlier ? earlier_labels + row : row;
      all.push_back({label, &table->Text("CHILD", row), decom[row], dec[row], &table->Text("LS", row),
                     &table->Text("REC", row)});
    }
  }
  // Sorted by end (missing ends last), then one row per (child, start): the first.
  std::stable_sort(all.begin(), all.end(), [](const Episode& a, const Episode& b) {
    if (!a.dec || !b.dec) return a.dec.has_value() && !b.dec.has_value();
    return *a.dec < *b.dec;
  });
  std::vector<Episode> episodes;
  std::set<std::pair<std::string, std::optional<int32_t>>> seen;
  for (const Episode& episode : all) {
    const std::optional<int32_t> start =
        episode.decom ? std::optional<int32_t>(episode.decom->day_number()) : std::nullopt;
    if (seen.emplace(*episode.child, start).second) episodes.push_back(episode);
  }
  // Each child's latest episode (by start), by its row number.
  std::map<std::string, std::size_t> latest;  // child -> index into episodes
  for (std::size_t i = 0; i < episodes.size(); ++i) {
    const Episode& episode = episodes[i];
    if (episode.child->empty() || !episode.decom) continue;
    const auto found = latest.find(*episode.child);
    if (found == latest.end() || *episode.decom > *episodes[found->second].decom) latest[*episode.child] = i;
  }
  std::set<std::size_t> latest_labels;
  for (const auto& entry : latest) latest_labels.insert(episodes[entry.second].label);
  for (Episode& episode : episodes) {
    if (!episode.dec && latest_labels.count(episode.label) != 0) episode.dec = data.collection_end;
  }
  std::set<std::string> adopted;
  for (const Episode& episode : episodes) {
    if (latest_labels.count(episode.label) != 0 && OneOf(*episode.rec, {"E11", "E12"})) adopted.insert(*episode.child);
  }
  // Children of the header with a date of birth, under 20 at the end of the year: the validator
  // leaves older ones out as having too little history in two years of episodes, and so flags
  // every one of them. On the record the whole history is known, and every care leaver counted.
  const std::vector<OptDate>& dob = header.Dates("DOB");
  std::unordered_map<std::string, std::vector<Date>> births;
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (dob[row] && (earlier != nullptr || dob[row]->AddYears(20) > data.collection_end)) {
      births[header.Text("CHILD", row)].push_back(*dob[row]);
    }
  }
  std::set<std::size_t> dropped_labels;
  for (const Episode& episode : episodes) {
    if (births.count(*episode.child) != 0 && OneOf(*episode.ls, {"V3", "V4"})) dropped_labels.insert(episode.label);
  }
  struct Totals {
    long from14 = 0;
    long from16 = 0;
  };
  std::map<std::string, Totals> totals;
  for (const Episode& episode : episodes) {
    const auto found = births.find(*episode.child);
    if (found == births.end() || dropped_labels.count(episode.label) != 0) continue;
    for (const Date birth : found->second) {
      Totals& total = totals[*episode.child];
      if (!episode.dec) continue;
      for (const auto& [years, into] : {std::pair<int, long*>{14, &total.from14}, {16, &total.from16}}) {
        const Date birthday = birth.AddYears(years);
        const Date from = episode.decom && *episode.decom > birthday ? *episode.decom : birthday;
        *into += std::max(0, episode.dec->DaysSince(from));
      }
    }
  }
  if (totals.empty()) return;  // no episodes left to count: the validator finds nothing
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    const std::string& child = oc3.Text("CHILD", row);
    const auto found = totals.find(child);
    const bool relevant = found != totals.end() && found->second.from14 >= 91 && found->second.from16 >= 1;
    if (!relevant || adopted.count(child) != 0) out.Flag("OC3", row);
  }
}

}  // namespace

void AddRules600Onward(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {
      {"601", 2023, &Rule601},
      {"602", 2023, &Rule602},
      {"607", 2023, &Rule607},
      {"607", 2025, &Rule607From2025},
      {"611", 2023, &Rule611},
      {"612", 2023, &Rule612},
      {"612", 2025, &Rule612From2025},
      {"620", 2023, &Rule620},
      {"621", 2023, &Rule621},
      {"624", 2023, &Rule624},
      {"625", 2023, &Rule625},
      {"626", 2023, &Rule626},
      {"628", 2023, &Rule628},
      {"630", 2023, &Rule630},
      {"631", 2023, &Rule631},
      {"632", 2023, &Rule632},
      {"633", 2023, &Rule633},
      {"634", 2023, &Rule634},
      {"635", 2023, &Rule635},
      {"700", 2027, &Rule700},
      {"701", 2027, &Rule701},
      {"702", 2027, &Rule702},
      {"703", 2027, &Rule703},
      {"704", 2027, &Rule704},
      {"705", 2027, &Rule705},
      {"706", 2027, &Rule706},
      {"707", 2027, &Rule707},
      {"708", 2027, &Rule708},
      {"709", 2027, &Rule709},
      {"710", 2027, &Rule710},
      {"1000", 2023, &Rule1000},
      {"1001", 2023, &Rule1001},
      {"1002", 2023, &Rule1002},
      {"1003", 2023, &Rule1003},
      {"1004", 2023, &Rule1004},
      {"1005", 2023, &Rule1005},
      {"1006", 2023, &Rule1006},
      {"1007", 2023, &Rule1007},
      {"1008", 2023, &Rule1008},
      {"1009", 2023, &Rule1009},
      {"1010", 2023, &Rule1010},
      {"1011", 2023, &Rule1011},
      {"1012", 2023, &Rule1012},
      {"1014", 2023, &Rule1014},
      {"1015", 2023, &Rule1015},
      {"1016", 2024, &Rule1016},
      {"3001", 2023, &Rule3001},
      {"EPI", 2023, &RuleEpi},
      {"NoE", 2023, &RuleNoE},
      {"INT01", 2023, &ChildInHeader<kAd1>},
      {"INT02", 2023, &ChildInHeader<kPlacedAdoption>},
      {"INT03", 2023, &ChildInHeader<kEpisodes>},
      {"INT04", 2023, &ChildInHeader<kMissing>},
      {"INT05", 2023, &ChildInHeader<kOc2>},
      {"INT06", 2023, &ChildInHeader<kOc3>},
      {"INT07", 2023, &ChildInHeader<kPrevPerm>},
      {"INT08", 2023, &ChildInHeader<kReviews>},
      {"INT09", 2023, &ChildInHeader<kUasc>},
      {"INT11", 2023, &DobAsHeader<kAd1>},
      {"INT12", 2023, &DobAsHeader<kPlacedAdoption>},
      {"INT13", 2023, &DobAsHeader<kMissing>},
      {"INT14", 2023, &DobAsHeader<kOc2>},
      {"INT15", 2023, &DobAsHeader<kOc3>},
      {"INT16", 2023, &DobAsHeader<kPrevPerm>},
      {"INT17", 2023, &DobAsHeader<kReviews>},
      {"INT18", 2023, &DobAsHeader<kUasc>},
      {"INT21", 2023, &RuleInt21},
      {"INT31", 2023, &ChildOnce<kAd1>},
      {"INT32", 2023, &ChildOnce<kHeader>},
      {"INT33", 2023, &ChildOnce<kOc2>},
      {"INT34", 2023, &ChildOnce<kOc3>},
      {"INT35", 2023, &ChildOnce<kPrevPerm>},
      {"INT36", 2023, &ChildOnce<kUasc>},
      {"SW01STG1", 2024, &RuleSw01},
      {"SW01aSTG1", 2025, &RuleSw01a},
      {"SW01bSTG1", 2025, &RuleSw01b},
      {"SW02STG1", 2024, &RuleSw02},
      {"SW03STG1", 2024, &RuleSw03},
      {"SW04STG1", 2024, &RuleSw04},
      {"SW05STG1", 2024, &RuleSw05},
      {"SW06STG2", 2024, &RuleSw06},
      {"SW07STG2", 2024, &RuleSw07},
      {"SW07STG2", 2025, &RuleSw07From2025},
      {"SW08STG2", 2024, &RuleSw08},
      {"SW09STG2", 2024, &RuleSw09},
      {"SW10STG2", 2024, &RuleSw10},
      {"SW10STG2", 2025, &RuleSw10From2025},
      {"SW11aSTG2", 2024, &RuleSw11a},
      {"SW11bSTG2", 2024, &RuleSw11b},
      {"SW12STG2", 2024, &RuleSw12},
      {"SW12STG2", 2025, &RuleSw12},
      {"SW13STG1", 2024, &RuleSw13},
      {"SW13STG1", 2025, &RuleSw13From2025},
      {"SW14STG2", 2024, &RuleSw14},
      {"SW17STG2", 2026, &RuleSw17},
  };
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::ssda903
