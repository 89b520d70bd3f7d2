// SSDA903 rules 101 to 199. Each function is one version of one rule; its comment says what
// the DfE's rule asks, and where Cairn reads the rule differently from the public validator.
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/date.h"
#include "validate/rule_support.h"
#include "validate/ssda903/rules.h"
#include "validate/ssda903/support.h"

namespace cairn::validate::ssda903 {
namespace {

using Dates = std::vector<std::optional<Date>>;
using Texts = std::vector<std::string>;

// --- Helpers --------------------------------------------------------------------------------

// Flags the rows of `table_name` whose `column` is not one of `codes`. A blank value passes when
// `blank_passes` (the validator's `| isna()`); otherwise it fails, as `astype(str)` or `isin`
// never matches NaN.
void CheckCodes(const Return& data, RuleOutput& out, std::string_view table_name, std::string_view column,
                std::initializer_list<std::string_view> codes, bool blank_passes) {
  if (!Need(data, out, {table_name})) return;
  const Table& table = *data.Find(table_name);
  const Texts& values = table.Column(column);
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (values[row].empty() && blank_passes) continue;
    if (!OneOf(values[row], codes)) out.Flag(table_name, row);
  }
}

// Flags the rows of `table_name` whose `column` is not a dd/mm/yyyy date; a blank value passes
// unless `blank_fails`.
void CheckDate(const Return& data, RuleOutput& out, std::string_view table_name, std::string_view column,
               bool blank_fails) {
  if (!Need(data, out, {table_name})) return;
  const Table& table = *data.Find(table_name);
  const Texts& values = table.Column(column);
  const Dates& dates = table.Dates(column);
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (values[row].empty() && !blank_fails) continue;
    if (!dates[row]) out.Flag(table_name, row);
  }
}

bool AnyGiven(const Table& table, std::initializer_list<std::string_view> columns, std::size_t row) {
  for (std::string_view column : columns) {
    if (!table.Text(column, row).empty()) return true;
  }
  return false;
}

bool AllGiven(const Table& table, std::initializer_list<std::string_view> columns, std::size_t row) {
  for (std::string_view column : columns) {
    if (table.Text(column, row).empty()) return false;
  }
  return true;
}

bool Before(const std::optional<Date>& a, const std::optional<Date>& b) { return a && b && *a < *b; }
bool After(const std::optional<Date>& a, const std::optional<Date>& b) { return a && b && *a > *b; }


// Per non-blank child, the row with the earliest (or latest) readable `column` date, the first
// such row on ties (pandas' idxmin / idxmax); children without a readable date are left out
// (the validator raises on them).
std::unordered_map<std::string, std::size_t> ExtremeRowByChild(const Table& table, std::string_view column,
                                                               bool latest, const std::vector<bool>* keep = nullptr) {
  const Texts& child = table.Column("CHILD");
  const Dates& dates = table.Dates(column);
  std::unordered_map<std::string, std::size_t> best;
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (child[row].empty() || !dates[row]) continue;
    if (keep != nullptr && !(*keep)[row]) continue;
    auto [at, inserted] = best.emplace(child[row], row);
    if (inserted) continue;
    const Date current = *dates[at->second];
    if (latest ? *dates[row] > current : *dates[row] < current) at->second = row;
  }
  return best;
}

// --- Header ---------------------------------------------------------------------------------

// 101 (to 2023/24): the child's SEX must be 1 or 2 (a blank is not valid either).
void Rule101(const Return& data, RuleOutput& out) { CheckCodes(data, out, "Header", "SEX", {"1", "2"}, false); }

// 101 (from 2024/25): the child's SEX must be M, F or U.
void Rule101From2025(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "Header", "SEX", {"M", "F", "U"}, false);
}

// 102: the date of birth must be a valid date.
void Rule102(const Return& data, RuleOutput& out) { CheckDate(data, out, "Header", "DOB", true); }

// 103: the ethnicity code must be given and valid.
void Rule103(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "Header", "ETHNIC",
             {"WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
              "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"},
             false);
}

// 104: the date UASC status ceased, if given, must be a valid date not before 1 April.
void Rule104(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"UASC"})) return;
  const Table& uasc = *data.Find("UASC");
  const Texts& text = uasc.Column("DUC");
  const Dates& duc = uasc.Dates("DUC");
  for (std::size_t row = 0; row < uasc.rows(); ++row) {
    if ((!duc[row] && !text[row].empty()) || (duc[row] && *duc[row] < data.collection_start)) out.Flag("UASC", row);
  }
}

// 105: the UASC status must be 0 or 1. The validator checks it only in SSDA903 XML (in CSV
// tables Header's UASC is derived from the UASC table) and returns nothing for CSV.
void Rule105(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const std::string& source = header.source();
  const bool xml = source.size() >= 4 && (source.ends_with(".xml") || source.ends_with(".XML"));
  if (!xml) {
    out.Skip();
    return;
  }
  const Texts& uasc = header.Column("UASC");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    const std::optional<double> value = ToNumber(uasc[row]);
    if (!value || (*value != 0 && *value != 1)) out.Flag("Header", row);
  }
}

// 168: a UPN, if given, must be a letter other than I, O or S and 12 digits (or 11 digits and a
// letter), or UN1 to UN5.
bool IsUpnShape(std::string_view upn) {
  if (upn.size() == 3 && upn.starts_with("UN") && upn[2] >= '1' && upn[2] <= '5') return true;
  if (upn.size() != 13) return false;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (!letter(upn[0]) || upn[0] == 'I' || upn[0] == 'O' || upn[0] == 'S') return false;
  for (std::size_t i = 1; i < 12; ++i) {
    if (!digit(upn[i])) return false;
  }
  return digit(upn[12]) || letter(upn[12]);
}

void Rule168(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const Texts& upn = header.Column("UPN");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (!upn[row].empty() && !IsUpnShape(upn[row])) out.Flag("Header", row);
  }
}

// 171: the mother's child's date of birth, if given, must be a valid date.
void Rule171(const Return& data, RuleOutput& out) { CheckDate(data, out, "Header", "MC_DOB", false); }

// 174: a male child (SEX "1" to 2023/24, "M" from 2024/25) must not have a child's date of birth.
void CheckMaleMother(const Return& data, RuleOutput& out, std::string_view male) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  const Texts& sex = header.Column("SEX");
  const Texts& mc_dob = header.Column("MC_DOB");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    if (sex[row] == male && !mc_dob[row].empty()) out.Flag("Header", row);
  }
}
void Rule174(const Return& data, RuleOutput& out) { CheckMaleMother(data, out, "1"); }
void Rule174From2025(const Return& data, RuleOutput& out) { CheckMaleMother(data, out, "M"); }

// 165: MOTHER, if given, must be 0 or 1 and the child female; a female child with a (non-V3/V4)
// episode in the year must have it; one with none but with OC3 data must not. As the validator,
// SEX is compared with "1" and "2" in every year, and each of the child's episodes is paired with
// each of its Header and OC3 rows (a blank CHILD pairs with blank CHILDs).
void Rule165(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "Episodes", "OC3"})) return;
  const Table& header = *data.Find("Header");
  const Table& episodes = *data.Find("Episodes");
  const Table& oc3 = *data.Find("OC3");
  const Texts& child = episodes.Column("CHILD");
  const Texts& ls = episodes.Column("LS");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dec = episodes.Dates("DEC");
  std::unordered_map<std::string, bool> in_year;  // children with a non-V3/V4 episode
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    std::string upper = ls[row];
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (OneOf(upper, {"V3", "V4"})) continue;
    const Date ended = dec[row].value_or(data.collection_end);
    const bool during = ended >= data.collection_start && decom[row] && *decom[row] <= data.collection_end;
    bool& entry = in_year[child[row]];
    entry = entry || (during && !child[row].empty());
  }
  const Grouping& headers = RowsBy(header, "CHILD");
  const Grouping& leavers = RowsBy(oc3, "CHILD");
  const Texts& mother = header.Column("MOTHER");
  const Texts& sex = header.Column("SEX");
  for (const auto& [id, eps_in_year] : in_year) {
    const Grouping::RowList found_header = headers.Find(id);
    if (found_header.empty()) continue;
    const Grouping::RowList found_oc3 = leavers.Find(id);
    for (std::size_t h : found_header) {
      const bool has_mother = !mother[h].empty();
      const bool female = sex[h] == "2";
      const bool bad = (has_mother && !OneOf(mother[h], {"0", "1"})) || (has_mother && sex[h] == "1") ||
                       (!has_mother && female && eps_in_year);
      if (bad) {
        out.Flag("Header", h);
        if (!found_oc3.empty()) {
          for (std::size_t o : found_oc3) out.Flag("OC3", o);
        }
      }
      if (found_oc3.empty()) continue;
      for (std::size_t o : found_oc3) {
        const bool has_oc3 = AnyGiven(oc3, {"ACTIV", "ACCOM", "IN_TOUCH"}, o);
        if (has_mother && female && !eps_in_year && has_oc3) {
          out.Flag("Header", h);
          out.Flag("OC3", o);
        }
      }
    }
  }
}

// --- AD1 and PlacedAdoption -----------------------------------------------------------------

// 112: the date the child should be placed for adoption, if given, must be a valid date.
void Rule112(const Return& data, RuleOutput& out) { CheckDate(data, out, "AD1", "DATE_INT", false); }

// 113: the date of matching, if given, must be a valid date.
void Rule113(const Return& data, RuleOutput& out) { CheckDate(data, out, "AD1", "DATE_MATCH", false); }

// 114: FOSTER_CARE, if given, must be 0 or 1.
void Rule114(const Return& data, RuleOutput& out) { CheckCodes(data, out, "AD1", "FOSTER_CARE", {"0", "1"}, true); }

// 115: the date of the decision to place for adoption, if given, must be a valid date.
void Rule115(const Return& data, RuleOutput& out) {
  CheckDate(data, out, "PlacedAdoption", "DATE_PLACED", false);
}

// 116: the date of the decision no longer to place for adoption, if given, must be a valid date.
void Rule116(const Return& data, RuleOutput& out) {
  CheckDate(data, out, "PlacedAdoption", "DATE_PLACED_CEASED", false);
}

// 117: DATE_PLACED and DATE_PLACED_CEASED must not be after 31 March or after the end of the
// child's latest episode (the validator takes the latest of the episodes whose REC is not X1).
void Rule117(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "PlacedAdoption"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& placed = *data.Find("PlacedAdoption");
  std::vector<bool> keep(episodes.rows());
  const Texts& rec = episodes.Column("REC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) keep[row] = rec[row] != "X1";
  const auto latest = ExtremeRowByChild(episodes, "DECOM", true, &keep);
  const Grouping& placements = RowsBy(placed, "CHILD");
  const Dates& dec = episodes.Dates("DEC");
  const Dates& date_placed = placed.Dates("DATE_PLACED");
  const Dates& date_ceased = placed.Dates("DATE_PLACED_CEASED");
  const std::optional<Date> end = data.collection_end;
  for (const auto& [id, row] : latest) {
    const Grouping::RowList found = placements.Find(id);
    if (found.empty()) continue;
    for (std::size_t p : found) {
      if (After(date_placed[p], end) || After(date_placed[p], dec[row]) || After(date_ceased[p], end) ||
          After(date_ceased[p], dec[row])) {
        out.Flag("Episodes", row);
        out.Flag("PlacedAdoption", p);
      }
    }
  }
}

// 118: DATE_PLACED_CEASED, if given, must not be before 1 April or before the start of the
// child's earliest episode whose LS is not V3 or V4.
void Rule118(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "PlacedAdoption"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Table& placed = *data.Find("PlacedAdoption");
  std::vector<bool> keep(episodes.rows());
  const Texts& ls = episodes.Column("LS");
  for (std::size_t row = 0; row < episodes.rows(); ++row) keep[row] = !OneOf(ls[row], {"V3", "V4"});
  const auto earliest = ExtremeRowByChild(episodes, "DECOM", false, &keep);
  const Grouping& placements = RowsBy(placed, "CHILD");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& ceased = placed.Dates("DATE_PLACED_CEASED");
  const std::optional<Date> start = data.collection_start;
  for (const auto& [id, row] : earliest) {
    const Grouping::RowList found = placements.Find(id);
    if (found.empty()) continue;
    for (std::size_t p : found) {
      if (Before(ceased[p], decom[row]) || Before(ceased[p], start)) {
        out.Flag("Episodes", row);
        out.Flag("PlacedAdoption", p);
      }
    }
  }
}

// 119: the date and the reason the child ceased to be placed for adoption go together.
void Rule119(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"PlacedAdoption"})) return;
  const Table& placed = *data.Find("PlacedAdoption");
  const Texts& ceased = placed.Column("DATE_PLACED_CEASED");
  const Texts& reason = placed.Column("REASON_PLACED_CEASED");
  for (std::size_t row = 0; row < placed.rows(); ++row) {
    if (ceased[row].empty() != reason[row].empty()) out.Flag("PlacedAdoption", row);
  }
}

// 120: the reason the child ceased to be placed for adoption, if given, must be valid.
void Rule120(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "PlacedAdoption", "REASON_PLACED_CEASED", {"RD1", "RD2", "RD3", "RD4"}, true);
}

// 134: a child with adoption data (AD1) must not have care leaver data (OC3) too.
void Rule134(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3", "AD1"})) return;
  const Table& ad1 = *data.Find("AD1");
  const Table& oc3 = *data.Find("OC3");
  std::unordered_set<std::string> leavers;  // children with an OC3 row with data
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (AnyGiven(oc3, {"IN_TOUCH", "ACTIV", "ACCOM"}, row)) leavers.insert(oc3.Text("CHILD", row));
  }
  for (std::size_t row = 0; row < ad1.rows(); ++row) {
    if (leavers.contains(ad1.Text("CHILD", row)) &&
        AnyGiven(ad1, {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}, row)) {
      out.Flag("AD1", row);
    }
  }
}

// 151: the adoption items are given all together or not at all.
void Rule151(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"AD1"})) return;
  const Table& ad1 = *data.Find("AD1");
  for (std::size_t row = 0; row < ad1.rows(); ++row) {
    const std::initializer_list<std::string_view> items = {"DATE_INT",   "DATE_MATCH", "FOSTER_CARE",
                                                           "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"};
    if (AnyGiven(ad1, items, row) && !AllGiven(ad1, items, row)) out.Flag("AD1", row);
  }
}

// 175: the number of adopters, if given, must be 1 or 2.
void Rule175(const Return& data, RuleOutput& out) { CheckCodes(data, out, "AD1", "NB_ADOPTR", {"1", "2"}, true); }

// 176: the adopters' sex, if given, must be valid.
void Rule176(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "AD1", "SEX_ADOPTR", {"M1", "F1", "MM", "FF", "MF"}, true);
}

// 177: the adopters' legal status, if given, must be valid.
void Rule177(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "AD1", "LS_ADOPTR", {"L0", "L11", "L12", "L2", "L3", "L4"}, true);
}

// 184: the date of the decision to place for adoption must not be before the child's date of
// birth (a date with no Header row, or an unreadable DOB, fails too, as in the validator).
void Rule184(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header", "PlacedAdoption"})) return;
  const Table& header = *data.Find("Header");
  const Table& placed = *data.Find("PlacedAdoption");
  const Grouping& headers = RowsBy(header, "CHILD");
  const Dates& dob = header.Dates("DOB");
  const Dates& date_placed = placed.Dates("DATE_PLACED");
  const Texts& child = placed.Column("CHILD");
  for (std::size_t row = 0; row < placed.rows(); ++row) {
    if (!date_placed[row]) continue;
    const Grouping::RowList found = headers.Find(child[row]);
    bool bad = found.empty();
    if (!bad) {
      for (std::size_t h : found) bad = bad || !(dob[h] && *date_placed[row] >= *dob[h]);
    }
    if (bad) out.Flag("PlacedAdoption", row);
  }
}

// --- OC3 ------------------------------------------------------------------------------------

// 131: IN_TOUCH must be given and valid.
void Rule131(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "OC3", "IN_TOUCH", {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}, false);
}

// 132: ACTIV must be given and valid.
void Rule132(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "OC3", "ACTIV", {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"}, false);
}

// 133: ACCOM must be given and valid.
void Rule133(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "OC3", "ACCOM",
             {"B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2",
              "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2", "0"},
             false);
}

// 153: IN_TOUCH, ACTIV and ACCOM are given all together or not at all.
void Rule153(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3"})) return;
  const Table& oc3 = *data.Find("OC3");
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    const std::initializer_list<std::string_view> items = {"IN_TOUCH", "ACTIV", "ACCOM"};
    if (AnyGiven(oc3, items, row) && !AllGiven(oc3, items, row)) out.Flag("OC3", row);
  }
}

// --- Episodes -------------------------------------------------------------------------------

// 141: the date the episode started, if given, must be a valid date.
void Rule141(const Return& data, RuleOutput& out) { CheckDate(data, out, "Episodes", "DECOM", false); }

// 142: every episode but the child's latest must have an end date and a reason it ended. The
// latest is the one with the latest DECOM (the later row on ties), except that, as the validator
// sorts unreadable DECOMs last, a child with one has its last such row as its latest; episodes
// without a readable DECOM are not checked.
void Rule142(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Dates& decom = episodes.Dates("DECOM");
  const Dates& dec = episodes.Dates("DEC");
  const Texts& rec = episodes.Column("REC");
  for (const auto& [id, rows] : RowsBy(episodes, "CHILD")) {
    if (id.empty()) continue;
    std::optional<std::size_t> last;
    std::optional<std::size_t> last_unreadable;
    for (std::size_t row : rows) {
      if (!decom[row]) {
        last_unreadable = row;
      } else if (!last || *decom[row] >= *decom[*last]) {
        last = row;
      }
    }
    if (last_unreadable) last = last_unreadable;
    for (std::size_t row : rows) {
      if (row != *last && decom[row] && (!dec[row] || rec[row].empty())) out.Flag("Episodes", row);
    }
  }
}

// 143: RNE, if given, must be valid.
void Rule143(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "Episodes", "RNE", {"S", "P", "L", "T", "U", "B"}, true);
}

// 144: LS, if given, must be valid.
void Rule144(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "Episodes", "LS",
             {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"}, true);
}

// 145: CIN (category of need), if given, must be valid.
void Rule145(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "Episodes", "CIN", {"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"}, true);
}

// 146 (to 2023/24): PLACE, if given, must be valid.
void Rule146(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "Episodes", "PLACE",
             {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
              "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"},
             true);
}

// 146 (2024/25): as before with K3 added; the validator lists it in lower case, so K3 (values
// are upper-cased) is still rejected.
void Rule146From2025(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "Episodes", "PLACE",
             {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "k3", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
              "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"},
             true);
}

// 146 (from 2025/26): H5 and P2 withdrawn, K3 and Z11-Z14 in place of Z1.
void Rule146From2026(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "Episodes", "PLACE",
             {"A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1", "T0",
              "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13", "Z14"},
             true);
}

// 147: the date the episode ceased, if given, must be a valid date.
void Rule147(const Return& data, RuleOutput& out) { CheckDate(data, out, "Episodes", "DEC", false); }

// 148: the date and the reason the episode ceased go together.
void Rule148(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Texts& dec = episodes.Column("DEC");
  const Texts& rec = episodes.Column("REC");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (dec[row].empty() != rec[row].empty()) out.Flag("Episodes", row);
  }
}

// 149: REC, if given, must be valid.
void Rule149(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "Episodes", "REC",
             {"E11", "E12", "E2",  "E3",  "E4A", "E4B", "E13", "E41", "E45", "E46", "E47",
              "E48", "E5",  "E6",  "E7",  "E8",  "E9",  "E14", "E15", "E16", "E17", "X1"},
             true);
}

// 164: the placement distance, if known, must be from 0 to 999.9 miles, except for children who
// are or were UASC this year or last (by Header's UASC, or the UASC table when there is no
// Header). The validator returns nothing when no UASC status is known at all.
void Rule164(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!episodes.Has("PL_LA")) {
    out.Skip();
    return;
  }
  std::unordered_set<std::string> uasc_children;
  bool known = false;
  for (const auto& [header_name, uasc_name] : {std::pair{"Header", "UASC"}, std::pair{"Header_last", "UASC_last"}}) {
    if (const Table* header = data.Find(header_name)) {
      if (!header->Has("UASC")) continue;
      known = true;
      for (std::size_t row = 0; row < header->rows(); ++row) {
        if (header->Text("UASC", row) == "1") uasc_children.insert(header->Text("CHILD", row));
      }
    } else if (const Table* uasc = data.Find(uasc_name)) {
      known = true;
      for (std::size_t row = 0; row < uasc->rows(); ++row) {
        bool any = false;
        for (const std::string& column : uasc->columns()) {
          if (column != "CHILD" && !uasc->Text(column, row).empty()) any = true;
        }
        if (any) uasc_children.insert(uasc->Text("CHILD", row));
      }
    }
  }
  if (!known) {
    out.Skip();
    return;
  }
  const Texts& child = episodes.Column("CHILD");
  const Texts& distance = episodes.Column("PL_DISTANCE");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (uasc_children.contains(child[row])) continue;
    const std::optional<double> miles = ToNumber(distance[row]);
    if (miles && (*miles < 0.0 || *miles > 999.9)) out.Flag("Episodes", row);
  }
}

// 169 and 179: the placement's LA (and whether it is in or out of the council's area), derived
// from the placement postcode, must be known unless LS is V3 or V4.
void CheckPlacementKnown(const Return& data, RuleOutput& out, std::string_view column) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  if (!episodes.Has("PL_LA")) {
    out.Skip();
    return;
  }
  const Texts& ls = episodes.Column("LS");
  const Texts& value = episodes.Column(column);
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (!OneOf(ls[row], {"V3", "V4"}) && value[row].empty()) out.Flag("Episodes", row);
  }
}
void Rule169(const Return& data, RuleOutput& out) { CheckPlacementKnown(data, out, "PL_LA"); }
void Rule179(const Return& data, RuleOutput& out) { CheckPlacementKnown(data, out, "PL_LOCATION"); }

// 178: PLACE_PROVIDER, if given, must be valid and not given for placements without a provider.
void CheckProvider(const Return& data, RuleOutput& out, std::initializer_list<std::string_view> no_provider) {
  if (!Need(data, out, {"Episodes"})) return;
  const Table& episodes = *data.Find("Episodes");
  const Texts& provider = episodes.Column("PLACE_PROVIDER");
  const Texts& place = episodes.Column("PLACE");
  for (std::size_t row = 0; row < episodes.rows(); ++row) {
    if (provider[row].empty()) continue;
    if (!OneOf(provider[row], {"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"}) || OneOf(place[row], no_provider)) {
      out.Flag("Episodes", row);
    }
  }
}
void Rule178(const Return& data, RuleOutput& out) { CheckProvider(data, out, {"T0", "T1", "T2", "T3", "T4", "Z1"}); }
void Rule178From2026(const Return& data, RuleOutput& out) {
  CheckProvider(data, out, {"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"});
}

// 199: a child adopted (REC E11 or E12) must have no later episode, nor a second adoption. Only
// this year's and last year's episodes are seen; episodes are taken in DECOM order, ties in
// this year's then last year's row order.
void Rule199(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes"})) return;
  struct Episode {
    Date decom;
    std::string child;
    bool adopted;
    std::optional<std::size_t> row;  // this year's row
  };
  std::vector<Episode> all;
  for (const Table* table : {data.Find("Episodes"), data.Find("Episodes_last")}) {
    if (table == nullptr) continue;
    const bool current = table == data.Find("Episodes");
    const Dates& decom = table->Dates("DECOM");
    for (std::size_t row = 0; row < table->rows(); ++row) {
      if (!decom[row]) continue;
      all.push_back({*decom[row], table->Text("CHILD", row), OneOf(table->Text("REC", row), {"E11", "E12"}),
                     current ? std::optional<std::size_t>(row) : std::nullopt});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Episode& a, const Episode& b) { return a.decom < b.decom; });
  std::unordered_map<std::string, int> adoptions;
  for (const Episode& episode : all) {
    if (episode.child.empty()) continue;
    int& so_far = adoptions[episode.child];
    if (episode.adopted) ++so_far;
    if (so_far > 0 && !(so_far == 1 && episode.adopted) && episode.row) out.Flag("Episodes", *episode.row);
  }
}

// --- Reviews --------------------------------------------------------------------------------

// 166: the review date must be a valid date.
void Rule166(const Return& data, RuleOutput& out) { CheckDate(data, out, "Reviews", "REVIEW", true); }

// 167: a review must have a valid participation code, and a code needs a review date.
void Rule167(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Reviews"})) return;
  const Table& reviews = *data.Find("Reviews");
  const Texts& review = reviews.Column("REVIEW");
  const Texts& code = reviews.Column("REVIEW_CODE");
  for (std::size_t row = 0; row < reviews.rows(); ++row) {
    const bool good = (!review[row].empty() && OneOf(code[row], {"PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"})) ||
                      (review[row].empty() && code[row].empty());
    if (!good) out.Flag("Reviews", row);
  }
}

// --- OC2 ------------------------------------------------------------------------------------

// 157: a child looked after all year, aged 4 by 1 April and not yet 16 by 31 March (16th birthday
// on or after it), should not have SDQ1 as the reason for no SDQ score.
void Rule157(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2", "Episodes"})) return;
  const Table& oc2 = *data.Find("OC2");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  const Dates& dob = oc2.Dates("DOB");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (!looked_after.contains(oc2.Text("CHILD", row)) || !dob[row]) continue;
    if (dob[row]->AddYears(4) <= data.collection_start && dob[row]->AddYears(16) >= data.collection_end &&
        oc2.Text("SDQ_SCORE", row).empty() && oc2.Text("SDQ_REASON", row) == "SDQ1") {
      out.Flag("OC2", row);
    }
  }
}

// 158: an intervention offered is not recorded when one was received.
void Rule158(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (oc2.Text("INTERVENTION_RECEIVED", row) == "1" && !oc2.Text("INTERVENTION_OFFERED", row).empty()) {
      out.Flag("OC2", row);
    }
  }
}

// 159: substance misuse with no intervention received must say whether one was offered.
void Rule159(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (oc2.Text("SUBSTANCE_MISUSE", row) == "1" && oc2.Text("INTERVENTION_RECEIVED", row) == "0" &&
        oc2.Text("INTERVENTION_OFFERED", row).empty()) {
      out.Flag("OC2", row);
    }
  }
}

// 180: the SDQ score, if given, must be a whole number from 0 to 40 ("20.0" passes).
void Rule180(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  const Texts& score = oc2.Column("SDQ_SCORE");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (score[row].empty()) continue;
    const std::optional<double> value = ToNumber(score[row]);
    const bool good = value && *value >= 0 && *value <= 40 && *value == static_cast<double>(static_cast<int>(*value));
    if (!good) out.Flag("OC2", row);
  }
}

const std::initializer_list<std::string_view> kHealthItems = {
    "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"};

// 181: the OC2 yes/no items, if given, must be 0 or 1.
void Rule181(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    for (std::string_view column : kHealthItems) {
      const std::string& value = oc2.Text(column, row);
      if (!value.empty() && !OneOf(value, {"0", "1"})) {
        out.Flag("OC2", row);
        break;
      }
    }
  }
}

// 182: when any of the other OC2 items is given, immunisations, teeth check, health assessment
// and substance misuse must all be given.
void Rule182(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (!AllGiven(oc2, {"IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"}, row) &&
        AnyGiven(oc2, {"CONVICTED", "HEALTH_CHECK", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"}, row)) {
      out.Flag("OC2", row);
    }
  }
}

// 185: an SDQ score is only for children looked after all year.
void Rule185(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (!oc2.Text("SDQ_SCORE", row).empty() && !looked_after.contains(oc2.Text("CHILD", row))) out.Flag("OC2", row);
  }
}

// 186: a child looked after all year, aged 4 by 1 April and not yet 17 on 31 March, needs an SDQ
// score or a reason for none.
void Rule186(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  const Dates& dob = oc2.Dates("DOB");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (!dob[row] || !looked_after.contains(oc2.Text("CHILD", row))) continue;
    if (dob[row]->AddYears(4) <= data.collection_start && dob[row]->AddYears(17) > data.collection_end &&
        !AnyGiven(oc2, {"SDQ_SCORE", "SDQ_REASON"}, row)) {
      out.Flag("OC2", row);
    }
  }
}

// 187: a child looked after all year must have no adoption (AD1) or care leaver (OC3) data.
void Rule187(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC3", "AD1", "Episodes"})) return;
  const Table& ad1 = *data.Find("AD1");
  const Table& oc3 = *data.Find("OC3");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  for (std::size_t row = 0; row < oc3.rows(); ++row) {
    if (looked_after.contains(oc3.Text("CHILD", row)) && AnyGiven(oc3, {"IN_TOUCH", "ACTIV", "ACCOM"}, row)) {
      out.Flag("OC3", row);
    }
  }
  for (std::size_t row = 0; row < ad1.rows(); ++row) {
    if (looked_after.contains(ad1.Text("CHILD", row)) &&
        AnyGiven(ad1, {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}, row)) {
      out.Flag("AD1", row);
    }
  }
}

// 188: a child under 4 on 31 March must have no SDQ score or reason.
void Rule188(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  const Dates& dob = oc2.Dates("DOB");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (dob[row] && dob[row]->AddYears(4) > data.collection_end && AnyGiven(oc2, {"SDQ_SCORE", "SDQ_REASON"}, row)) {
      out.Flag("OC2", row);
    }
  }
}

// 189: a child 17 or over before 1 April must have no SDQ score or reason.
void Rule189(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  const Dates& dob = oc2.Dates("DOB");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (dob[row] && dob[row]->AddYears(17) < data.collection_start && AnyGiven(oc2, {"SDQ_SCORE", "SDQ_REASON"}, row)) {
      out.Flag("OC2", row);
    }
  }
}

// 190: the OC2 items are only for children looked after all year.
void Rule190(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2", "Episodes"})) return;
  const Table& oc2 = *data.Find("OC2");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (!looked_after.contains(oc2.Text("CHILD", row)) && AnyGiven(oc2, kHealthItems, row)) out.Flag("OC2", row);
  }
}

// 191: a child looked after all year needs an OC2 row with immunisations, teeth check, health
// assessment and substance misuse; a child without an OC2 row is flagged at its earliest episode.
void Rule191(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2", "Episodes"})) return;
  const Table& oc2 = *data.Find("OC2");
  const Table& episodes = *data.Find("Episodes");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  std::unordered_set<std::string> with_oc2;
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    const std::string& child = oc2.Text("CHILD", row);
    with_oc2.insert(child);
    if (looked_after.contains(child) &&
        !AllGiven(oc2, {"IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"}, row)) {
      out.Flag("OC2", row);
    }
  }
  for (const auto& [id, row] : ExtremeRowByChild(episodes, "DECOM", false)) {
    if (looked_after.contains(id) && !with_oc2.contains(id)) out.Flag("Episodes", row);
  }
}

// 192: substance misuse needs whether an intervention was received.
void Rule192(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (oc2.Text("SUBSTANCE_MISUSE", row) == "1" && oc2.Text("INTERVENTION_RECEIVED", row).empty()) {
      out.Flag("OC2", row);
    }
  }
}

// 193: without substance misuse (blank or 0), no intervention is recorded.
void Rule193(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    const std::string& misuse = oc2.Text("SUBSTANCE_MISUSE", row);
    if ((misuse.empty() || misuse == "0") && AnyGiven(oc2, {"INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"}, row)) {
      out.Flag("OC2", row);
    }
  }
}

// 196: the reason for no SDQ score, if given, must be valid.
void Rule196(const Return& data, RuleOutput& out) {
  CheckCodes(data, out, "OC2", "SDQ_REASON", {"SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"}, true);
}

// 197a: an SDQ score and a reason for no score are not both given.
void Rule197a(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (AllGiven(oc2, {"SDQ_SCORE", "SDQ_REASON"}, row)) out.Flag("OC2", row);
  }
}

// 197B: a child looked after all year who turns 4 or 17 during the year needs an SDQ score or a
// reason for none.
void Rule197B(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"OC2", "Episodes"})) return;
  const Table& oc2 = *data.Find("OC2");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  const Dates& dob = oc2.Dates("DOB");
  const auto in_year = [&](Date day) { return day >= data.collection_start && day <= data.collection_end; };
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (!dob[row] || !looked_after.contains(oc2.Text("CHILD", row))) continue;
    if ((in_year(dob[row]->AddYears(4)) || in_year(dob[row]->AddYears(17))) &&
        !AnyGiven(oc2, {"SDQ_SCORE", "SDQ_REASON"}, row)) {
      out.Flag("OC2", row);
    }
  }
}

// 198: a reason for no SDQ score is only for children looked after all year.
void Rule198(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Episodes", "OC2"})) return;
  const Table& oc2 = *data.Find("OC2");
  const auto& looked_after = ContinuouslyLookedAfter(data);
  for (std::size_t row = 0; row < oc2.rows(); ++row) {
    if (!oc2.Text("SDQ_REASON", row).empty() && !looked_after.contains(oc2.Text("CHILD", row))) out.Flag("OC2", row);
  }
}

}  // namespace

void AddRules100To199(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {
      {"101", 2023, &Rule101},   {"101", 2025, &Rule101From2025}, {"102", 2023, &Rule102},
      {"103", 2023, &Rule103},   {"104", 2023, &Rule104},         {"105", 2023, &Rule105},
      {"112", 2023, &Rule112},   {"113", 2023, &Rule113},         {"114", 2023, &Rule114},
      {"115", 2023, &Rule115},   {"116", 2023, &Rule116},         {"117", 2023, &Rule117},
      {"118", 2023, &Rule118},   {"119", 2023, &Rule119},         {"120", 2023, &Rule120},
      {"131", 2023, &Rule131},   {"132", 2023, &Rule132},         {"133", 2023, &Rule133},
      {"134", 2023, &Rule134},   {"141", 2023, &Rule141},         {"142", 2023, &Rule142},
      {"143", 2023, &Rule143},   {"144", 2023, &Rule144},         {"145", 2023, &Rule145},
      {"146", 2023, &Rule146},   {"146", 2025, &Rule146From2025}, {"146", 2026, &Rule146From2026},
      {"147", 2023, &Rule147},   {"148", 2023, &Rule148},         {"149", 2023, &Rule149},
      {"151", 2023, &Rule151},   {"153", 2023, &Rule153},         {"157", 2023, &Rule157},
      {"158", 2023, &Rule158},   {"159", 2023, &Rule159},         {"164", 2023, &Rule164},
      {"165", 2023, &Rule165},   {"166", 2023, &Rule166},         {"167", 2023, &Rule167},
      {"168", 2023, &Rule168},   {"169", 2023, &Rule169},         {"171", 2023, &Rule171},
      {"174", 2023, &Rule174},   {"174", 2025, &Rule174From2025}, {"175", 2023, &Rule175},
      {"176", 2023, &Rule176},   {"177", 2023, &Rule177},         {"178", 2023, &Rule178},
      {"178", 2026, &Rule178From2026}, {"179", 2023, &Rule179},   {"180", 2023, &Rule180},
      {"181", 2023, &Rule181},   {"182", 2023, &Rule182},         {"184", 2023, &Rule184},
      {"185", 2023, &Rule185},   {"186", 2023, &Rule186},         {"187", 2023, &Rule187},
      {"188", 2023, &Rule188},   {"189", 2023, &Rule189},         {"190", 2023, &Rule190},
      {"191", 2023, &Rule191},   {"192", 2023, &Rule192},         {"193", 2023, &Rule193},
      {"196", 2023, &Rule196},   {"197B", 2023, &Rule197B},       {"197a", 2023, &Rule197a},
      {"198", 2023, &Rule198},   {"199", 2023, &Rule199},
  };
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::ssda903
