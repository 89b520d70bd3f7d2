// CIN census rules 100 to 4999. Each function is one version of one rule; its comment says what
// the DfE's rule asks, and where Cairn reads the rule differently from the public validator.
//
// The validator joins the CIN tables as pandas merges: on LAchildID (and CINdetailsID for rules
// "within a CIN episode"), a blank key matching a blank key. A rule that compares rows of two
// tables flags every row of both tables that takes part in a failing pair.
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/date.h"
#include "validate/cin/rules.h"
#include "validate/cin/support.h"
#include "validate/rule_support.h"

namespace cairn::validate::cin {
namespace {

using Dates = std::vector<std::optional<Date>>;

// --- Shared pieces -------------------------------------------------------------------------------

// `text` as Unicode code points, as Python counts and indexes a string (an invalid byte counts
// as one character).
std::u32string CodePoints(std::string_view text) {
  std::u32string points;
  points.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80            ? 1
                               : (lead >> 5) == 0x06 ? 2
                               : (lead >> 4) == 0x0E ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (!valid) {
      points.push_back(lead);
      ++i;
      continue;
    }
    char32_t point = length == 1 ? lead : length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
    for (std::size_t k = 1; k < length; ++k) point = (point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    points.push_back(point);
    i += length;
  }
  return points;
}

bool IsAsciiDigit(char32_t c) { return c >= U'0' && c <= U'9'; }

// Python's str.isdigit over ASCII digits (an empty string is not digits).
bool AllDigits(std::u32string_view text) {
  if (text.empty()) return false;
  for (char32_t c : text) {
    if (!IsAsciiDigit(c)) return false;
  }
  return true;
}

// Python's str.isalpha for one character: ASCII letters and the Latin letters of Latin-1 and
// Latin Extended-A/B (Cairn does not carry Unicode's full letter table).
bool IsLetter(char32_t c) {
  if ((c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z')) return true;
  return c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7;
}

// Rows of `table` with a date in `column` that is before the CINreferralDate of a CINdetails
// row of the same CIN episode: the row and the CINdetails row are flagged (1103, 1104, 1105,
// 2889, 4015).
void BeforeReferral(const Return& data, RuleOutput& out, std::string_view name, std::string_view column) {
  if (!Need(data, out, {name, "CINdetails"})) return;
  const Table& table = *data.Find(name);
  const Table& details = *data.Find("CINdetails");
  const Grouping& episodes = RowsByEpisode(details);
  const Dates& dates = table.Dates(column);
  const Dates& referrals = details.Dates("CINreferralDate");
  Marks flagged(table);
  Marks flagged_details(details);
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (!dates[row]) continue;
    for (std::size_t detail : InEpisode(episodes, table, row)) {
      if (referrals[detail] && *dates[row] < *referrals[detail]) {
        flagged.Mark(row);
        flagged_details.Mark(detail);
      }
    }
  }
  flagged.Flag(out, name, column);
  flagged_details.Flag(out, "CINdetails", "CINreferralDate");
}

// --- The rules -----------------------------------------------------------------------------------

// 100: the ReferenceDate is 31 March of the header's Year (a finding about the whole return).
void Rule100(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Header"})) return;
  const Table& header = *data.Find("Header");
  for (std::size_t row = 0; row < header.rows(); ++row) {
    const std::string& year = header.Text("Year", row);
    std::optional<Date> expected;
    if (year.size() == 4 && IsDigits(year)) expected = ParseReturnDate("31/03/" + year, DateForm::kDayMonthYear);
    const std::optional<Date> reference = header.DateAt("ReferenceDate", row);
    if (!reference || !expected || *reference != *expected) {
      out.FlagReturn();
      return;
    }
  }
}

// 1103: an assessment cannot start before the referral of its CIN episode.
void Rule1103(const Return& data, RuleOutput& out) {
  BeforeReferral(data, out, "Assessments", "AssessmentActualStartDate");
}

// 1104: a Section 47's initial child protection conference cannot be before the referral.
void Rule1104(const Return& data, RuleOutput& out) { BeforeReferral(data, out, "Section47", "DateOfInitialCPC"); }

// 1105: a child protection plan cannot start before the referral.
void Rule1105(const Return& data, RuleOutput& out) {
  BeforeReferral(data, out, "ChildProtectionPlans", "CPPstartDate");
}

// 1510: a 13-character UPN whose last twelve characters are digits has the right check letter.
void Rule1510(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPQRTUVWXYZ";
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const std::vector<std::string>& upns = identifiers.Column("UPN");
  for (std::size_t row = 0; row < upns.size(); ++row) {
    if (upns[row].empty()) continue;
    const std::u32string upn = CodePoints(upns[row]);
    if (upn.size() != 13 || !AllDigits(std::u32string_view(upn).substr(1))) continue;
    int sum = 0;
    for (std::size_t i = 1; i < 13; ++i) sum += static_cast<int>(upn[i] - U'0') * static_cast<int>(i + 1);
    if (upn[0] != static_cast<char32_t>(kLetters[static_cast<std::size_t>(sum % 23)])) {
      out.Flag("ChildIdentifiers", "UPN", row);
    }
  }
}

// 1520: no two children have the same UPN.
void Rule1520(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  for (const auto& [upn, rows] : RowsBy(identifiers, "UPN")) {
    if (upn.empty() || rows.size() < 2) continue;
    for (std::size_t row : rows) out.Flag("ChildIdentifiers", "UPN", row);
  }
}

// Whether three UPN characters are a post-April-1998 LA code or a pseudo-LA code.
bool IsUpnLaCode(std::u32string_view code, bool with_942_943) {
  if (code.size() != 3 || !AllDigits(code)) return false;
  const int n = static_cast<int>((code[0] - U'0') * 100 + (code[1] - U'0') * 10 + (code[2] - U'0'));
  static constexpr int kRanges[][2] = {
      {1, 5},     {201, 213}, {301, 320}, {330, 336}, {340, 344}, {350, 359}, {370, 373}, {380, 384},
      {390, 394}, {420, 420}, {660, 681}, {701, 708}, {800, 803}, {805, 808}, {810, 813}, {815, 816},
      {820, 823}, {825, 826}, {830, 831}, {835, 839}, {840, 841}, {845, 846}, {850, 852}, {855, 857},
      {860, 861}, {865, 896}, {908, 909}, {916, 916}, {919, 919}, {921, 921}, {925, 926}, {928, 929},
      {931, 931}, {933, 933}, {935, 938}, {940, 941}};
  for (const auto& range : kRanges) {
    if (n >= range[0] && n <= range[1]) return true;
  }
  return with_942_943 && (n == 942 || n == 943);
}

// 1530: characters 2-4 of a 13-character UPN are a recognised LA code.
void Rule1530Check(const Return& data, RuleOutput& out, bool with_942_943) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const std::vector<std::string>& upns = identifiers.Column("UPN");
  for (std::size_t row = 0; row < upns.size(); ++row) {
    if (upns[row].empty()) continue;
    const std::u32string upn = CodePoints(upns[row]);
    if (upn.size() == 13 && !IsUpnLaCode(std::u32string_view(upn).substr(1, 3), with_942_943)) {
      out.Flag("ChildIdentifiers", "UPN", row);
    }
  }
}

// 1530 (2022/23): the LA codes of the 2022/23 list.
void Rule1530(const Return& data, RuleOutput& out) { Rule1530Check(data, out, false); }

// 1530 (from 2023/24): 942 and 943 are added.
void Rule1530From2024(const Return& data, RuleOutput& out) { Rule1530Check(data, out, true); }

// 1540: characters 5-12 of a UPN are digits. As the validator, a UPN shorter than 5 characters
// has no such characters and is flagged.
void Rule1540(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const std::vector<std::string>& upns = identifiers.Column("UPN");
  for (std::size_t row = 0; row < upns.size(); ++row) {
    if (upns[row].empty()) continue;
    const std::u32string upn = CodePoints(upns[row]);
    const std::u32string_view middle =
        upn.size() > 4 ? std::u32string_view(upn).substr(4, 8) : std::u32string_view();
    if (!AllDigits(middle)) out.Flag("ChildIdentifiers", "UPN", row);
  }
}

// 1550: character 13 of a 13-character UPN is a digit or a letter other than I, O and S.
void Rule1550(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  static constexpr std::u32string_view kValid = U"ABCDEFGHJKLMNPQRTUVWXYZ0123456789";
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const std::vector<std::string>& upns = identifiers.Column("UPN");
  for (std::size_t row = 0; row < upns.size(); ++row) {
    if (upns[row].empty()) continue;
    const std::u32string upn = CodePoints(upns[row]);
    if (upn.size() == 13 && kValid.find(upn[12]) == std::u32string_view::npos) {
      out.Flag("ChildIdentifiers", "UPN", row);
    }
  }
}

// 1560Q: a former UPN is a letter followed by twelve digits.
void Rule1560Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const std::vector<std::string>& former = identifiers.Column("FormerUPN");
  for (std::size_t row = 0; row < former.size(); ++row) {
    if (former[row].empty()) continue;
    const std::u32string upn = CodePoints(former[row]);
    if (upn.size() != 13 || !AllDigits(std::u32string_view(upn).substr(1)) || !IsLetter(upn[0])) {
      out.Flag("ChildIdentifiers", "FormerUPN", row);
    }
  }
}

// 1570: an LA child ID is at most 20 characters.
void Rule1570(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const std::vector<std::string>& ids = identifiers.Column("LAchildID");
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (CodePoints(ids[row]).size() > 20) out.Flag("ChildIdentifiers", "LAchildID", row);
  }
}

// 1580: an LA child ID has only letters and digits (a missing ID is 8500's business).
void Rule1580(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const std::vector<std::string>& ids = identifiers.Column("LAchildID");
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (ids[row].empty()) continue;
    for (char32_t c : CodePoints(ids[row])) {
      if (!IsAsciiDigit(c) && !IsLetter(c)) {
        out.Flag("ChildIdentifiers", "LAchildID", row);
        break;
      }
    }
  }
}

// 2883: the child protection plans starting in the census year are no more than the initial
// conferences held in it (CINdetails and Section47 DateOfInitialCPC together).
void Rule2883(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans", "CINdetails", "Section47"})) return;
  auto count_in_year = [&data](const Table& table, std::string_view column) {
    std::size_t count = 0;
    for (const std::optional<Date>& date : table.Dates(column)) {
      if (date && *date >= data.collection_start && *date <= data.collection_end) ++count;
    }
    return count;
  };
  const std::size_t plans = count_in_year(*data.Find("ChildProtectionPlans"), "CPPstartDate");
  const std::size_t conferences = count_in_year(*data.Find("CINdetails"), "DateOfInitialCPC") +
                                  count_in_year(*data.Find("Section47"), "DateOfInitialCPC");
  if (plans > conferences) out.FlagReturn();
}

// 2884: an initial child protection conference is recorded on the Section 47 or on the CIN
// details, not both. As the validator, a Section 47 conference is compared with the CIN details
// conferences of every CIN episode of the child, not only its own.
void Rule2884(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Section47", "CINdetails"})) return;
  const Table& section47 = *data.Find("Section47");
  const Table& details = *data.Find("CINdetails");
  const Grouping& by_child = RowsBy(details, "LAchildID");
  const Dates& s47_dates = section47.Dates("DateOfInitialCPC");
  const Dates& cin_dates = details.Dates("DateOfInitialCPC");
  Marks flagged47(section47);
  Marks flagged_details(details);
  for (std::size_t row = 0; row < section47.rows(); ++row) {
    if (!s47_dates[row]) continue;
    for (std::size_t detail : OfChild(by_child, section47, row)) {
      if (cin_dates[detail] == s47_dates[row]) {
        flagged47.Mark(row);
        flagged_details.Mark(detail);
      }
    }
  }
  flagged47.Flag(out, "Section47", "DateOfInitialCPC");
  flagged_details.Flag(out, "CINdetails", "DateOfInitialCPC");
}

// 2885: a child protection plan starting in the census year starts on the day of an initial
// conference of its CIN episode: a Section 47 one (those not marked ICPCnotRequired = 1), or the
// CIN details' one when the episode has no such Section 47. The validator flags the plan, and
// every Section 47 (or the CIN details) of an episode where no plan matches any conference.
void Rule2885(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans", "Section47", "CINdetails"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Table& section47 = *data.Find("Section47");
  const Table& details = *data.Find("CINdetails");
  const Dates& starts = plans.Dates("CPPstartDate");
  const Dates& s47_dates = section47.Dates("DateOfInitialCPC");
  const Dates& cin_dates = details.Dates("DateOfInitialCPC");
  std::unordered_map<std::string, Rows> plans_by_episode;
  for (std::size_t row = 0; row < plans.rows(); ++row) {
    if (starts[row] && *starts[row] >= data.collection_start && *starts[row] <= data.collection_end) {
      plans_by_episode[EpisodeKey(plans, row)].push_back(row);
    }
  }
  std::unordered_map<std::string, Rows> s47_by_episode;
  for (std::size_t row = 0; row < section47.rows(); ++row) {
    if (section47.Text("ICPCnotRequired", row) != "1") s47_by_episode[EpisodeKey(section47, row)].push_back(row);
  }
  const Grouping& details_by_episode = RowsByEpisode(details);
  Marks flagged_plans(plans);
  Marks flagged47(section47);
  Marks flagged_details(details);
  auto matches = [](const std::optional<Date>& start, const Rows& rows, const Dates& dates) {
    for (std::size_t row : rows) {
      if (dates[row] && dates[row] == start) return true;
    }
    return false;
  };
  for (const auto& [episode, plan_rows] : plans_by_episode) {
    const Rows& s47_rows = Lookup(s47_by_episode, episode);
    Rows from_details;
    if (s47_rows.empty()) {
      const RowList rows = InEpisode(details_by_episode, plans, plan_rows.front());
      from_details.assign(rows.begin(), rows.end());
    }
    const Rows& conferences = s47_rows.empty() ? from_details : s47_rows;
    const Dates& dates = s47_rows.empty() ? cin_dates : s47_dates;
    bool any_match = false;
    for (std::size_t plan : plan_rows) {
      if (matches(starts[plan], conferences, dates)) {
        any_match = true;
      } else {
        flagged_plans.Mark(plan);
      }
    }
    if (any_match) continue;
    for (std::size_t row : conferences) (s47_rows.empty() ? flagged_details : flagged47).Mark(row);
  }
  flagged_plans.Flag(out, "ChildProtectionPlans", "CPPstartDate");
  flagged47.Flag(out, "Section47", "DateOfInitialCPC");
  flagged_details.Flag(out, "CINdetails", "DateOfInitialCPC");
}

// 2886Q (2022/23 to 2023/24): no more than 2% of children (unborn children aside: those with an
// ExpectedPersonBirthDate) have GenderCurrent missing or 0. Cairn follows the DfE's words: the
// validator's test "isna() | GenderCurrent == 0" is read by pandas as "(isna() | GenderCurrent)
// == 0", which no text value meets, so the validator never raises this query on a real return.
void Rule2886Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  if (identifiers.rows() == 0) return;
  const Dates& expected = identifiers.Dates("ExpectedPersonBirthDate");
  std::size_t missing = 0;
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    const std::string& gender = identifiers.Text("GenderCurrent", row);
    if ((gender.empty() || gender == "0") && !expected[row]) ++missing;
  }
  if (static_cast<double>(missing) / static_cast<double>(identifiers.rows()) > 0.02) out.FlagReturn();
}

// 2886Q (from 2024/25): no more than 2% of children (unborn children aside) have Sex missing or U.
void Rule2886QFrom2025(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  if (identifiers.rows() == 0) return;
  const Dates& expected = identifiers.Dates("ExpectedPersonBirthDate");
  std::size_t missing = 0;
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    const std::string& sex = identifiers.Text("Sex", row);
    if ((sex.empty() || sex == "U") && !expected[row]) ++missing;
  }
  if (static_cast<double>(missing) / static_cast<double>(identifiers.rows()) > 0.02) out.FlagReturn();
}

// 2887Q: the return uses more than 7 different disability codes (NONE aside). Cairn follows the
// DfE's words: the validator keeps only the NONE rows and counts them, so it raises the query
// when 7 or fewer children are recorded with NONE.
void Rule2887Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Disabilities"})) return;
  std::set<std::string> codes;
  for (const std::string& code : data.Find("Disabilities")->Column("Disability")) {
    if (!code.empty() && code != "NONE") codes.insert(code);
  }
  if (codes.size() <= 7) out.FlagReturn();
}

// 2888Q: at least one child has more than one disability recorded (NONE aside). Children with
// no LA child ID are left out, and a return with no disabilities at all passes, as pandas'
// groupby and max make it.
void Rule2888Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Disabilities"})) return;
  const Table& disabilities = *data.Find("Disabilities");
  std::unordered_map<std::string, std::size_t> counts;
  for (std::size_t row = 0; row < disabilities.rows(); ++row) {
    const std::string& code = disabilities.Text("Disability", row);
    const std::string& child = disabilities.Text("LAchildID", row);
    if (code == "NONE" || child.empty()) continue;
    std::size_t& count = counts[child];
    if (!code.empty()) ++count;
  }
  if (counts.empty()) return;
  for (const auto& [child, count] : counts) {
    if (count > 1) return;
  }
  out.FlagReturn();
}

// 2889: a Section 47 cannot start before the referral.
void Rule2889(const Return& data, RuleOutput& out) { BeforeReferral(data, out, "Section47", "S47ActualStartDate"); }

// 2990: a CIN episode closed with RC8 or RC9 has no Section 47, child protection plan, initial
// conference date or CIN plan.
void Rule2990(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans", "Section47", "CINdetails", "CINplanDates"})) return;
  const Table& details = *data.Find("CINdetails");
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Table& section47 = *data.Find("Section47");
  const Table& plan_dates = *data.Find("CINplanDates");
  const Grouping& plans_by = RowsByEpisode(plans);
  const Grouping& s47_by = RowsByEpisode(section47);
  const Grouping& plan_dates_by = RowsByEpisode(plan_dates);
  const Dates& conferences = details.Dates("DateOfInitialCPC");
  Marks flagged_details(details);
  Marks flagged_plans(plans);
  Marks flagged47(section47);
  Marks flagged_plan_dates(plan_dates);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!OneOf(details.Text("ReasonForClosure", row), {"RC8", "RC9"})) continue;
    const RowList p = InEpisode(plans_by, details, row);
    const RowList s = InEpisode(s47_by, details, row);
    const RowList d = InEpisode(plan_dates_by, details, row);
    if (!conferences[row] && p.empty() && s.empty() && d.empty()) continue;
    flagged_details.Mark(row);
    for (std::size_t r : p) flagged_plans.Mark(r);
    for (std::size_t r : s) flagged47.Mark(r);
    for (std::size_t r : d) flagged_plan_dates.Mark(r);
  }
  flagged_plans.Flag(out, "ChildProtectionPlans", "LAchildID");
  flagged_details.Flag(out, "CINdetails", "DateOfInitialCPC");
  flagged_plan_dates.Flag(out, "CINplanDates", "LAchildID");
  flagged47.Flag(out, "Section47", "LAchildID");
}

// 2991Q: a CIN episode with a Section 47 has an assessment.
void Rule2991Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments", "Section47"})) return;
  const Table& section47 = *data.Find("Section47");
  const Grouping& assessments = RowsByEpisode(*data.Find("Assessments"));
  for (std::size_t row = 0; row < section47.rows(); ++row) {
    if (InEpisode(assessments, section47, row).empty()) out.Flag("Section47", "LAchildID", row);
  }
}

// 4000: a referral with no further action (ReferralNFA true or 1) has no CIN plan.
void Rule4000(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINplanDates", "CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  const Table& plan_dates = *data.Find("CINplanDates");
  const Grouping& plans_by = RowsByEpisode(plan_dates);
  Marks flagged_plan_dates(plan_dates);
  Marks flagged_details(details);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!OneOf(details.Text("ReferralNFA", row), {"true", "1"})) continue;
    const auto& plans = InEpisode(plans_by, details, row);
    if (plans.empty()) continue;
    flagged_details.Mark(row);
    for (std::size_t plan : plans) flagged_plan_dates.Mark(plan);
  }
  flagged_plan_dates.Flag(out, "CINplanDates", "LAchildID");
  flagged_details.Flag(out, "CINdetails", "ReferralNFA");
}

// 4001: a CIN episode with an open child protection plan has no open CIN plan (one started and
// not ended).
void Rule4001(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans", "CINplanDates"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Table& plan_dates = *data.Find("CINplanDates");
  const Grouping& plan_dates_by = RowsByEpisode(plan_dates);
  const Dates& cpp_ends = plans.Dates("CPPendDate");
  const Dates& cin_starts = plan_dates.Dates("CINPlanStartDate");
  const Dates& cin_ends = plan_dates.Dates("CINPlanEndDate");
  Marks flagged_plans(plans);
  Marks flagged_plan_dates(plan_dates);
  for (std::size_t row = 0; row < plans.rows(); ++row) {
    if (cpp_ends[row]) continue;
    for (std::size_t plan : InEpisode(plan_dates_by, plans, row)) {
      if (cin_starts[plan] && !cin_ends[plan]) {
        flagged_plans.Mark(row);
        flagged_plan_dates.Mark(plan);
      }
    }
  }
  flagged_plans.Flag(out, "ChildProtectionPlans", "CPPendDate");
  flagged_plan_dates.Flag(out, "CINplanDates", "CINPlanEndDate");
}

// 4003: no child protection plan review falls within a CIN plan, unless it is the day the plan
// ended. As the validator: plans and reviews are matched to CIN plans by child (not by CIN
// episode), and only a child protection plan with an end date, and a CIN plan with an end date,
// are compared.
void Rule4003(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans", "CINplanDates", "Reviews"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Table& plan_dates = *data.Find("CINplanDates");
  const Table& reviews = *data.Find("Reviews");
  const Grouping& plans_by_child = RowsBy(plans, "LAchildID");
  std::unordered_map<std::string, Rows> reviews_by_plan;
  for (std::size_t row = 0; row < reviews.rows(); ++row) {
    reviews_by_plan[reviews.Text("LAchildID", row) + '\x1f' + reviews.Text("CPPID", row)].push_back(row);
  }
  const Dates& cin_starts = plan_dates.Dates("CINPlanStartDate");
  const Dates& cin_ends = plan_dates.Dates("CINPlanEndDate");
  const Dates& cpp_ends = plans.Dates("CPPendDate");
  const Dates& review_dates = reviews.Dates("CPPreviewDate");
  Marks flagged_plans(plans);
  Marks flagged_plan_dates(plan_dates);
  Marks flagged_reviews(reviews);
  for (std::size_t row = 0; row < plan_dates.rows(); ++row) {
    if (!cin_starts[row] || !cin_ends[row]) continue;
    for (std::size_t plan : OfChild(plans_by_child, plan_dates, row)) {
      if (!cpp_ends[plan]) continue;
      const std::string key = plans.Text("LAchildID", plan) + '\x1f' + plans.Text("CPPID", plan);
      for (std::size_t review : Lookup(reviews_by_plan, key)) {
        const std::optional<Date>& date = review_dates[review];
        if (date && *date >= *cin_starts[row] && *date < *cin_ends[row] && *date != *cpp_ends[plan]) {
          flagged_plans.Mark(plan);
          flagged_plan_dates.Mark(row);
          flagged_reviews.Mark(review);
        }
      }
    }
  }
  flagged_plans.Flag(out, "ChildProtectionPlans", "CPPendDate");
  flagged_plan_dates.Flag(out, "CINplanDates", "CINPlanStartDate");
  flagged_reviews.Flag(out, "Reviews", "CPPreviewDate");
}

// 4004: a CIN episode has at most one CIN plan without an end date. As the validator, every
// CIN plan of such an episode is flagged, ended or not.
void Rule4004(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINplanDates"})) return;
  const Table& plan_dates = *data.Find("CINplanDates");
  const Dates& ends = plan_dates.Dates("CINPlanEndDate");
  const Grouping& by_episode = RowsByEpisode(plan_dates);
  for (const auto& [episode, rows] : by_episode) {
    if (plan_dates.Text("LAchildID", rows.front()).empty() || plan_dates.Text("CINdetailsID", rows.front()).empty()) {
      continue;
    }
    std::size_t open = 0;
    for (std::size_t row : rows) open += ends[row] ? 0 : 1;
    if (open < 2) continue;
    for (std::size_t row : rows) out.Flag("CINplanDates", "CINPlanEndDate", row);
  }
}

// Rows of ChildIdentifiers with a death date, and CINplanDates rows of the same child whose
// `column` date is after it (4008, 4009Q).
void AfterDeath(const Return& data, RuleOutput& out, std::string_view column) {
  if (!Need(data, out, {"ChildIdentifiers", "CINplanDates"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Table& plan_dates = *data.Find("CINplanDates");
  const Grouping& by_child = RowsBy(plan_dates, "LAchildID");
  const Dates& deaths = identifiers.Dates("PersonDeathDate");
  const Dates& dates = plan_dates.Dates(column);
  Marks flagged_identifiers(identifiers);
  Marks flagged_plan_dates(plan_dates);
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (!deaths[row]) continue;
    for (std::size_t plan : OfChild(by_child, identifiers, row)) {
      if (dates[plan] && *deaths[row] < *dates[plan]) {
        flagged_identifiers.Mark(row);
        flagged_plan_dates.Mark(plan);
      }
    }
  }
  flagged_identifiers.Flag(out, "ChildIdentifiers", "PersonDeathDate");
  flagged_plan_dates.Flag(out, "CINplanDates", column);
}

// 4008: a CIN plan cannot start after the child's death.
void Rule4008(const Return& data, RuleOutput& out) { AfterDeath(data, out, "CINPlanStartDate"); }

// 4009Q: a CIN plan cannot end after the child's death.
void Rule4009Q(const Return& data, RuleOutput& out) { AfterDeath(data, out, "CINPlanEndDate"); }

// 4010: a CIN plan has a start date, on or before the ReferenceDate.
void Rule4010(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINplanDates"})) return;
  const Dates& starts = data.Find("CINplanDates")->Dates("CINPlanStartDate");
  for (std::size_t row = 0; row < starts.size(); ++row) {
    if (!starts[row] || *starts[row] > data.collection_end) out.Flag("CINplanDates", "CINPlanStartDate", row);
  }
}

// 4011: a CIN plan cannot end before it starts.
void Rule4011(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINplanDates"})) return;
  const Table& plan_dates = *data.Find("CINplanDates");
  const Dates& starts = plan_dates.Dates("CINPlanStartDate");
  const Dates& ends = plan_dates.Dates("CINPlanEndDate");
  for (std::size_t row = 0; row < plan_dates.rows(); ++row) {
    if (starts[row] && ends[row] && *ends[row] < *starts[row]) out.Flag("CINplanDates", "CINPlanEndDate", row);
  }
}

// 4012Q: a CIN plan does not start and end on the same day.
void Rule4012Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINplanDates"})) return;
  const Table& plan_dates = *data.Find("CINplanDates");
  const Dates& starts = plan_dates.Dates("CINPlanStartDate");
  const Dates& ends = plan_dates.Dates("CINPlanEndDate");
  for (std::size_t row = 0; row < plan_dates.rows(); ++row) {
    if (starts[row] && ends[row] && *ends[row] == *starts[row]) out.Flag("CINplanDates", "CINPlanStartDate", row);
  }
}

// 4013: a CIN plan's end date falls within the census year.
void Rule4013(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINplanDates"})) return;
  const Dates& ends = data.Find("CINplanDates")->Dates("CINPlanEndDate");
  for (std::size_t row = 0; row < ends.size(); ++row) {
    if (ends[row] && (*ends[row] < data.collection_start || *ends[row] > data.collection_end)) {
      out.Flag("CINplanDates", "CINPlanEndDate", row);
    }
  }
}

// Whether `day` falls from `start` to before `end`, or to the ReferenceDate when there is no end
// (the overlap test of 4016 and 4017); `inclusive_end` makes the end day count too (4014).
bool Within(Date day, const std::optional<Date>& start, const std::optional<Date>& end, Date reference,
            bool inclusive_end) {
  if (!start || day < *start) return false;
  if (end) return inclusive_end ? day <= *end : day < *end;
  return day <= reference;
}

// 4014: a child's CIN plans do not overlap: no plan starts within another (from its start to
// its end, or to the ReferenceDate if it has none). Both plans are flagged.
void Rule4014(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINplanDates"})) return;
  const Table& plan_dates = *data.Find("CINplanDates");
  const Dates& starts = plan_dates.Dates("CINPlanStartDate");
  const Dates& ends = plan_dates.Dates("CINPlanEndDate");
  Marks flagged(plan_dates);
  for (const auto& [child, rows] : RowsBy(plan_dates, "LAchildID")) {
    for (std::size_t a : rows) {
      if (!starts[a]) continue;
      for (std::size_t b : rows) {
        if (a == b || !starts[b]) continue;
        if (Within(*starts[a], starts[b], ends[b], data.collection_end, true)) {
          flagged.Mark(a);
          flagged.Mark(b);
        }
      }
    }
  }
  flagged.Flag(out, "CINplanDates", "CINPlanStartDate");
}

// 4015: a CIN plan cannot start before the referral.
void Rule4015(const Return& data, RuleOutput& out) {
  BeforeReferral(data, out, "CINplanDates", "CINPlanStartDate");
}

// Rows of `table` whose `column` date falls within a period of another table of the same child
// (from its start to before its end, or to the ReferenceDate if it has none): both flagged.
void StartsWithin(const Return& data, RuleOutput& out, std::string_view name, std::string_view column,
                  std::string_view other_name, std::string_view other_start, std::string_view other_end) {
  if (!Need(data, out, {name, other_name})) return;
  const Table& table = *data.Find(name);
  const Table& other = *data.Find(other_name);
  const Grouping& by_child = RowsBy(other, "LAchildID");
  const Dates& dates = table.Dates(column);
  const Dates& starts = other.Dates(other_start);
  const Dates& ends = other.Dates(other_end);
  Marks flagged(table);
  Marks flagged_other(other);
  for (std::size_t row = 0; row < table.rows(); ++row) {
    if (!dates[row]) continue;
    for (std::size_t period : OfChild(by_child, table, row)) {
      if (Within(*dates[row], starts[period], ends[period], data.collection_end, false)) {
        flagged.Mark(row);
        flagged_other.Mark(period);
      }
    }
  }
  flagged.Flag(out, name, column);
  flagged_other.Flag(out, other_name, other_start);
}

// 4016: a CIN plan does not start while a child protection plan is open.
void Rule4016(const Return& data, RuleOutput& out) {
  StartsWithin(data, out, "CINplanDates", "CINPlanStartDate", "ChildProtectionPlans", "CPPstartDate", "CPPendDate");
}

// 4017: a child protection plan does not start while a CIN plan is open.
void Rule4017(const Return& data, RuleOutput& out) {
  StartsWithin(data, out, "ChildProtectionPlans", "CPPstartDate", "CINplanDates", "CINPlanStartDate",
               "CINPlanEndDate");
}

// 4180 (2022/23 to 2023/24): GenderCurrent is given and is 0, 1, 2 or 9.
void Rule4180(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const std::vector<std::string>& genders = data.Find("ChildIdentifiers")->Column("GenderCurrent");
  for (std::size_t row = 0; row < genders.size(); ++row) {
    if (!OneOf(genders[row], {"1", "2", "0", "9"})) out.Flag("ChildIdentifiers", "GenderCurrent", row);
  }
}

// 4180 (from 2024/25): Sex is given and is M, F or U.
void Rule4180From2025(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const std::vector<std::string>& sexes = data.Find("ChildIdentifiers")->Column("Sex");
  for (std::size_t row = 0; row < sexes.size(); ++row) {
    if (!OneOf(sexes[row], {"M", "F", "U"})) out.Flag("ChildIdentifiers", "Sex", row);
  }
}

// 4220: Ethnicity is given and is one of the DfE's codes.
void Rule4220(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildCharacteristics"})) return;
  const std::vector<std::string>& ethnicities = data.Find("ChildCharacteristics")->Column("Ethnicity");
  for (std::size_t row = 0; row < ethnicities.size(); ++row) {
    if (!OneOf(ethnicities[row], {"ABAN", "AIND", "AOTH", "APKN", "BAFR", "BCRB", "BOTH", "CHNE", "MOTH", "MWAS",
                                  "MWBA", "MWBC", "NOBT", "OOTH", "REFU", "WBRI", "WIRI", "WIRT", "WOTH", "WROM"})) {
      out.Flag("ChildCharacteristics", "Ethnicity", row);
    }
  }
}

}  // namespace

void AddRules100To4999(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {
      {"100", 2023, &Rule100},
      {"1103", 2023, &Rule1103},
      {"1104", 2023, &Rule1104},
      {"1105", 2023, &Rule1105},
      {"1510", 2023, &Rule1510},
      {"1520", 2023, &Rule1520},
      {"1530", 2023, &Rule1530},
      {"1530", 2024, &Rule1530From2024},
      {"1540", 2023, &Rule1540},
      {"1550", 2023, &Rule1550},
      {"1560Q", 2023, &Rule1560Q},
      {"1570", 2025, &Rule1570},
      {"1580", 2025, &Rule1580},
      {"2883", 2023, &Rule2883},
      {"2884", 2023, &Rule2884},
      {"2885", 2023, &Rule2885},
      {"2886Q", 2023, &Rule2886Q},
      {"2886Q", 2025, &Rule2886QFrom2025},
      {"2887Q", 2023, &Rule2887Q},
      {"2888Q", 2023, &Rule2888Q},
      {"2889", 2023, &Rule2889},
      {"2990", 2023, &Rule2990},
      {"2991Q", 2023, &Rule2991Q},
      {"4000", 2023, &Rule4000},
      {"4001", 2023, &Rule4001},
      {"4003", 2023, &Rule4003},
      {"4004", 2023, &Rule4004},
      {"4008", 2023, &Rule4008},
      {"4009Q", 2023, &Rule4009Q},
      {"4010", 2023, &Rule4010},
      {"4011", 2023, &Rule4011},
      {"4012Q", 2023, &Rule4012Q},
      {"4013", 2023, &Rule4013},
      {"4014", 2023, &Rule4014},
      {"4015", 2023, &Rule4015},
      {"4016", 2023, &Rule4016},
      {"4017", 2023, &Rule4017},
      {"4180", 2023, &Rule4180},
      {"4180", 2025, &Rule4180From2025},
      {"4220", 2023, &Rule4220},
  };
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::cin
