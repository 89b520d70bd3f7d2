// CIN census rules 8000 onward. Each function is one version of one rule; its comment says what
// the DfE's rule asks, and where Cairn reads the rule differently from the public validator.
//
// The validator joins the CIN tables as pandas merges: on LAchildID (and CINdetailsID for rules
// "within a CIN episode"), a blank key matching a blank key. A rule that compares rows of two
// tables flags every row of both tables that takes part in a failing pair. The census period
// is the validator's: from the day after the ReferenceDate a year before to the ReferenceDate.
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/date.h"
#include "base/working_day_calendar.h"
#include "validate/cin/rules.h"
#include "validate/cin/support.h"
#include "validate/rule_support.h"

namespace cairn::validate::cin {
namespace {

using Dates = std::vector<std::optional<Date>>;

// --- Shared pieces -------------------------------------------------------------------------------

// Flags one row at each of `columns` (the validator points a finding at every column it names).
void FlagAt(RuleOutput& out, std::string_view table, std::size_t row, std::initializer_list<std::string_view> columns) {
  for (std::string_view column : columns) out.Flag(table, column, row);
}

bool Before(const std::optional<Date>& a, const std::optional<Date>& b) { return a && b && *a < *b; }

bool Outside(const std::optional<Date>& date, Date start, Date end) { return date && (*date < start || *date > end); }

// `date` minus the validator's england_working_days(n): a pandas CustomBusinessDay of n - 1
// days, which first moves a non-working day forward to the next working day.
Date WorkingDaysBefore(const Return& data, Date date, int n) {
  return data.calendar->Add(data.calendar->OnOrAfter(date), -(n - 1));
}

// Python's str.lower() for the ASCII letters the codes use.
std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// ReferralNFA as the validator's isin(["false", "0"]) and isin(["true", "1"]) read it.
bool NfaFalse(std::string_view value) { return value == "false" || value == "0"; }
bool NfaTrue(std::string_view value) { return value == "true" || value == "1"; }

// An assessment's factors: Cairn's AssessmentFactors joins them with commas.
std::vector<std::string> Factors(const Table& assessments, std::size_t row) {
  std::vector<std::string> factors;
  const std::string& text = assessments.Text("AssessmentFactors", row);
  if (text.empty()) return factors;
  std::size_t from = 0;
  while (true) {
    const std::size_t comma = text.find(',', from);
    factors.push_back(text.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return factors;
}

// --- The rules -----------------------------------------------------------------------------------

// 8500: every child has an LA child ID.
void Rule8500(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const std::vector<std::string>& ids = identifiers.Column("LAchildID");
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (ids[row].empty()) out.Flag("ChildIdentifiers", "LAchildID", row);
  }
}

// 8510: no two children have the same LA child ID (blank IDs count as the same, as pandas'
// duplicated does).
void Rule8510(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  for (const auto& [id, rows] : RowsBy(*data.Find("ChildIdentifiers"), "LAchildID")) {
    if (rows.size() < 2) continue;
    for (std::size_t row : rows) out.Flag("ChildIdentifiers", "LAchildID", row);
  }
}

// 8520: a date of birth is not after the end of the census period.
void Rule8520(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Dates& births = data.Find("ChildIdentifiers")->Dates("PersonBirthDate");
  for (std::size_t row = 0; row < births.size(); ++row) {
    if (births[row] && *births[row] > data.collection_end) out.Flag("ChildIdentifiers", "PersonBirthDate", row);
  }
}

// 8525Q: a child has a date of birth or an expected date of birth, not both.
void Rule8525Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Dates& births = identifiers.Dates("PersonBirthDate");
  const Dates& expected = identifiers.Dates("ExpectedPersonBirthDate");
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (births[row].has_value() == expected[row].has_value()) {
      FlagAt(out, "ChildIdentifiers", row, {"PersonBirthDate", "ExpectedPersonBirthDate"});
    }
  }
}

// 8530Q: an expected date of birth is after 30 days before the ReferenceDate and before nine
// months after it.
void Rule8530Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Dates& expected = data.Find("ChildIdentifiers")->Dates("ExpectedPersonBirthDate");
  const Date earliest = data.collection_end.AddDays(-30);
  const Date latest = data.collection_end.AddMonths(9);
  for (std::size_t row = 0; row < expected.size(); ++row) {
    if (expected[row] && (*expected[row] >= latest || *expected[row] <= earliest)) {
      out.Flag("ChildIdentifiers", "ExpectedPersonBirthDate", row);
    }
  }
}

// 8535Q: a child with a date of death has a date of birth on or before it.
void Rule8535Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Dates& deaths = identifiers.Dates("PersonDeathDate");
  const Dates& births = identifiers.Dates("PersonBirthDate");
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (deaths[row] && (!births[row] || *births[row] > *deaths[row])) {
      FlagAt(out, "ChildIdentifiers", row, {"PersonDeathDate", "PersonBirthDate"});
    }
  }
}

// 8545Q: a date of death falls within the census period.
void Rule8545Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Dates& deaths = data.Find("ChildIdentifiers")->Dates("PersonDeathDate");
  for (std::size_t row = 0; row < deaths.size(); ++row) {
    if (Outside(deaths[row], data.collection_start, data.collection_end)) {
      out.Flag("ChildIdentifiers", "PersonDeathDate", row);
    }
  }
}

// 8555Q: a child's referral is not after the child's death: the referral and the child flagged.
void Rule8555Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers", "CINdetails"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Table& details = *data.Find("CINdetails");
  const Grouping& by_child = RowsBy(details, "LAchildID");
  const Dates& deaths = identifiers.Dates("PersonDeathDate");
  const Dates& referrals = details.Dates("CINreferralDate");
  Marks flagged_identifiers(identifiers);
  Marks flagged_details(details);
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (!deaths[row]) continue;
    for (std::size_t detail : OfChild(by_child, identifiers, row)) {
      if (Before(deaths[row], referrals[detail])) {
        flagged_identifiers.Mark(row);
        flagged_details.Mark(detail);
      }
    }
  }
  flagged_details.Flag(out, "CINdetails", {"CINreferralDate"});
  flagged_identifiers.Flag(out, "ChildIdentifiers", {"PersonDeathDate"});
}

// Pairs a closed CIN episode with the rows of `name` in it whose `first` or `second` date is
// after the closure: both flagged (8565).
void AfterClosure(const Table& details, const Dates& closures, const Table& table, std::string_view first,
                  std::string_view second, Marks& flagged_details, Marks& flagged) {
  const Grouping& by_episode = RowsByEpisode(table);
  const Dates& firsts = table.Dates(first);
  const Dates& seconds = second.empty() ? firsts : table.Dates(second);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!closures[row]) continue;
    for (std::size_t other : InEpisode(by_episode, details, row)) {
      if (Before(closures[row], firsts[other]) || Before(closures[row], seconds[other])) {
        flagged_details.Mark(row);
        flagged.Mark(other);
      }
    }
  }
}

// 8565: nothing in a CIN episode (its initial conference, assessments, Section 47s, child
// protection plan ends, CIN plans) is after its closure date. Two validator faults are not
// reproduced: it checks child protection plans against a fixed test row instead of the return's
// (so it never flags a plan), and it raises whenever the CIN plan and Section 47 findings differ
// in number.
void Rule8565(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails", "Assessments", "Section47", "ChildProtectionPlans", "CINplanDates"})) return;
  const Table& details = *data.Find("CINdetails");
  const Table& assessments = *data.Find("Assessments");
  const Table& section47 = *data.Find("Section47");
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Table& plan_dates = *data.Find("CINplanDates");
  const Dates& closures = details.Dates("CINclosureDate");
  const Dates& conferences = details.Dates("DateOfInitialCPC");
  Marks flagged_details(details);
  Marks flagged_assessments(assessments);
  Marks flagged47(section47);
  Marks flagged_plans(plans);
  Marks flagged_plan_dates(plan_dates);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (Before(closures[row], conferences[row])) flagged_details.Mark(row);
  }
  AfterClosure(details, closures, assessments, "AssessmentActualStartDate", "AssessmentAuthorisationDate",
               flagged_details, flagged_assessments);
  AfterClosure(details, closures, section47, "S47ActualStartDate", "DateOfInitialCPC", flagged_details, flagged47);
  AfterClosure(details, closures, plans, "CPPendDate", "", flagged_details, flagged_plans);
  AfterClosure(details, closures, plan_dates, "CINPlanStartDate", "CINPlanEndDate", flagged_details,
               flagged_plan_dates);
  flagged_details.Flag(out, "CINdetails", {"CINclosureDate", "DateOfInitialCPC"});
  flagged_assessments.Flag(out, "Assessments", {"AssessmentActualStartDate", "AssessmentAuthorisationDate"});
  flagged47.Flag(out, "Section47", {"S47ActualStartDate", "DateOfInitialCPC"});
  flagged_plans.Flag(out, "ChildProtectionPlans", {"CPPendDate"});
  flagged_plan_dates.Flag(out, "CINplanDates", {"CINPlanStartDate", "CINPlanEndDate"});
}

// 8568: ReferralNFA is 1, 0, true or false (any case; a blank is flagged).
void Rule8568(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const std::vector<std::string>& values = data.Find("CINdetails")->Column("ReferralNFA");
  for (std::size_t row = 0; row < values.size(); ++row) {
    if (values[row].empty() || !OneOf(Lower(values[row]), {"1", "0", "false", "true"})) {
      out.Flag("CINdetails", "ReferralNFA", row);
    }
  }
}

// 8569Q: a referral from before the census period is not an NFA referral. As the validator,
// the period starts at the first working day on or after its first day.
void Rule8569Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  const Dates& referrals = details.Dates("CINreferralDate");
  const Date start = WorkingDaysBefore(data, data.collection_start, 1);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (referrals[row] && *referrals[row] < start && !NfaFalse(details.Text("ReferralNFA", row))) {
      out.Flag("CINdetails", "CINreferralDate", row);
    }
  }
}

// 8585Q: a CIN episode closed because the child died (RC2) belongs to a child with a date of
// death: the child and the episode flagged.
void Rule8585Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers", "CINdetails"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Table& details = *data.Find("CINdetails");
  const Grouping& by_child = RowsBy(details, "LAchildID");
  const Dates& deaths = identifiers.Dates("PersonDeathDate");
  Marks flagged_identifiers(identifiers);
  Marks flagged_details(details);
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (deaths[row]) continue;
    for (std::size_t detail : OfChild(by_child, identifiers, row)) {
      if (details.Text("ReasonForClosure", detail) == "RC2") {
        flagged_identifiers.Mark(row);
        flagged_details.Mark(detail);
      }
    }
  }
  flagged_identifiers.Flag(out, "ChildIdentifiers", {"PersonDeathDate"});
  flagged_details.Flag(out, "CINdetails", {"ReasonForClosure"});
}

// 8590: every child has at least one CIN episode.
void Rule8590(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers", "CINdetails"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Grouping& by_child = RowsBy(*data.Find("CINdetails"), "LAchildID");
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (OfChild(by_child, identifiers, row).empty()) out.Flag("ChildIdentifiers", "LAchildID", row);
  }
}

// 8600: a referral date is given and is not after the end of the census period.
void Rule8600(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Dates& referrals = data.Find("CINdetails")->Dates("CINreferralDate");
  for (std::size_t row = 0; row < referrals.size(); ++row) {
    if (!referrals[row] || *referrals[row] > data.collection_end) out.Flag("CINdetails", "CINreferralDate", row);
  }
}

// 8606: a referral is no more than 40 weeks (280 days) before the child's date of birth or
// expected date of birth: the referral and the child flagged.
void Rule8606(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers", "CINdetails"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Table& details = *data.Find("CINdetails");
  const Grouping& by_child = RowsBy(identifiers, "LAchildID");
  const Dates& referrals = details.Dates("CINreferralDate");
  const Dates& births = identifiers.Dates("PersonBirthDate");
  const Dates& expected = identifiers.Dates("ExpectedPersonBirthDate");
  Marks flagged_identifiers(identifiers);
  Marks flagged_details(details);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!referrals[row]) continue;
    for (std::size_t child : OfChild(by_child, details, row)) {
      const bool early = (births[child] && *referrals[row] < births[child]->AddDays(-280)) ||
                         (expected[child] && *referrals[row] < expected[child]->AddDays(-280));
      if (early) {
        flagged_details.Mark(row);
        flagged_identifiers.Mark(child);
      }
    }
  }
  flagged_details.Flag(out, "CINdetails", {"CINreferralDate"});
  flagged_identifiers.Flag(out, "ChildIdentifiers", {"PersonBirthDate", "ExpectedPersonBirthDate"});
}

// 8608: an assessment does not start after it is authorised.
void Rule8608(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  const Table& assessments = *data.Find("Assessments");
  const Dates& starts = assessments.Dates("AssessmentActualStartDate");
  const Dates& authorised = assessments.Dates("AssessmentAuthorisationDate");
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    if (Before(authorised[row], starts[row])) {
      FlagAt(out, "Assessments", row, {"AssessmentActualStartDate", "AssessmentAuthorisationDate"});
    }
  }
}

// 8610: a referral that is not NFA has a primary need code.
void Rule8610(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (NfaFalse(details.Text("ReferralNFA", row)) && details.Text("PrimaryNeedCode", row).empty()) {
      FlagAt(out, "CINdetails", row, {"ReferralNFA", "PrimaryNeedCode"});
    }
  }
}

// 8614: an assessment with factors identified has been authorised. The validator raises
// (its findings hold lists) whenever there is one to flag, so it never reports this.
void Rule8614(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  const Table& assessments = *data.Find("Assessments");
  const Dates& authorised = assessments.Dates("AssessmentAuthorisationDate");
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    if (!authorised[row] && !assessments.Text("AssessmentFactors", row).empty()) {
      FlagAt(out, "Assessments", row, {"AssessmentAuthorisationDate", "AssessmentFactors"});
    }
  }
}

// 8615: a Section 47 enquiry does not start after its initial conference, and one with a
// conference has a start date.
void Rule8615(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Section47"})) return;
  const Table& section47 = *data.Find("Section47");
  const Dates& starts = section47.Dates("S47ActualStartDate");
  const Dates& conferences = section47.Dates("DateOfInitialCPC");
  for (std::size_t row = 0; row < section47.rows(); ++row) {
    if (Before(conferences[row], starts[row]) || (conferences[row] && !starts[row])) {
      FlagAt(out, "Section47", row, {"S47ActualStartDate", "DateOfInitialCPC"});
    }
  }
}

// 8620: a CIN closure date falls within the census period.
void Rule8620(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Dates& closures = data.Find("CINdetails")->Dates("CINclosureDate");
  for (std::size_t row = 0; row < closures.size(); ++row) {
    if (Outside(closures[row], data.collection_start, data.collection_end)) {
      out.Flag("CINdetails", "CINclosureDate", row);
    }
  }
}

// 8630: a CIN episode does not close before its referral.
void Rule8630(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  const Dates& referrals = details.Dates("CINreferralDate");
  const Dates& closures = details.Dates("CINclosureDate");
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (Before(closures[row], referrals[row])) FlagAt(out, "CINdetails", row, {"CINreferralDate", "CINclosureDate"});
  }
}

// 8640: a reason for closure is RC1 to RC9.
void Rule8640(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const std::vector<std::string>& reasons = data.Find("CINdetails")->Column("ReasonForClosure");
  for (std::size_t row = 0; row < reasons.size(); ++row) {
    if (!reasons[row].empty() &&
        !OneOf(reasons[row], {"RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"})) {
      out.Flag("CINdetails", "ReasonForClosure", row);
    }
  }
}

// 8650: a primary need code is N0 to N9.
void Rule8650(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const std::vector<std::string>& needs = data.Find("CINdetails")->Column("PrimaryNeedCode");
  for (std::size_t row = 0; row < needs.size(); ++row) {
    if (!needs[row].empty() &&
        !OneOf(needs[row], {"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"})) {
      out.Flag("CINdetails", "PrimaryNeedCode", row);
    }
  }
}

// 8670Q: an assessment not yet authorised started no more than 45 working days before the
// ReferenceDate.
void Rule8670Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  const Table& assessments = *data.Find("Assessments");
  const Dates& starts = assessments.Dates("AssessmentActualStartDate");
  const Dates& authorised = assessments.Dates("AssessmentAuthorisationDate");
  const Date latest = WorkingDaysBefore(data, data.collection_end, 45);
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    if (!authorised[row] && starts[row] && *starts[row] < latest) {
      out.Flag("Assessments", "AssessmentActualStartDate", row);
    }
  }
}

// 8675Q: a Section 47 enquiry that needs an initial conference and started more than 15
// working days before the ReferenceDate has had it.
void Rule8675Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Section47"})) return;
  const Table& section47 = *data.Find("Section47");
  const Dates& starts = section47.Dates("S47ActualStartDate");
  const Dates& conferences = section47.Dates("DateOfInitialCPC");
  const Date latest = WorkingDaysBefore(data, data.collection_end, 15);
  for (std::size_t row = 0; row < section47.rows(); ++row) {
    if (!conferences[row] && NfaFalse(section47.Text("ICPCnotRequired", row)) && starts[row] &&
        *starts[row] < latest) {
      FlagAt(out, "Section47", row, {"DateOfInitialCPC", "S47ActualStartDate", "ICPCnotRequired"});
    }
  }
}

// 8696: an assessment's authorisation date falls within the census period.
void Rule8696(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  const Dates& authorised = data.Find("Assessments")->Dates("AssessmentAuthorisationDate");
  for (std::size_t row = 0; row < authorised.size(); ++row) {
    if (Outside(authorised[row], data.collection_start, data.collection_end)) {
      out.Flag("Assessments", "AssessmentAuthorisationDate", row);
    }
  }
}

// 8715: a Section 47 initial conference falls within the census period.
void Rule8715(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Section47"})) return;
  const Dates& conferences = data.Find("Section47")->Dates("DateOfInitialCPC");
  for (std::size_t row = 0; row < conferences.size(); ++row) {
    if (Outside(conferences[row], data.collection_start, data.collection_end)) {
      out.Flag("Section47", "DateOfInitialCPC", row);
    }
  }
}

// 8720: a child protection plan has a start date, not after the ReferenceDate.
void Rule8720(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Dates& starts = plans.Dates("CPPstartDate");
  for (std::size_t row = 0; row < plans.rows(); ++row) {
    if (plans.Text("CPPID", row).empty()) continue;
    if (!starts[row] || *starts[row] > data.collection_end) out.Flag("ChildProtectionPlans", "CPPstartDate", row);
  }
}

// 8730: the number of previous child protection plans is given and not negative. The validator
// raises on a value that is not a whole number; Cairn leaves such a value to the schema.
void Rule8730(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans"})) return;
  const std::vector<std::string>& counts = data.Find("ChildProtectionPlans")->Column("NumberOfPreviousCPP");
  for (std::size_t row = 0; row < counts.size(); ++row) {
    const std::optional<double> number = ToNumber(counts[row]);
    if (counts[row].empty() || (number && *number < 0)) out.Flag("ChildProtectionPlans", "NumberOfPreviousCPP", row);
  }
}

// 8736: an assessment not yet authorised started within the census period.
void Rule8736(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  const Table& assessments = *data.Find("Assessments");
  const Dates& starts = assessments.Dates("AssessmentActualStartDate");
  const Dates& authorised = assessments.Dates("AssessmentAuthorisationDate");
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    if (assessments.Text("CINdetailsID", row).empty() || authorised[row]) continue;
    if (!starts[row] || Outside(starts[row], data.collection_start, data.collection_end)) {
      FlagAt(out, "Assessments", row, {"AssessmentAuthorisationDate", "AssessmentActualStartDate"});
    }
  }
}

// 8740: a Section 47 enquiry without an initial conference (one that needs one, ICPCnotRequired
// "0" exactly, as the validator) started within the census period.
void Rule8740(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Section47"})) return;
  const Table& section47 = *data.Find("Section47");
  const Dates& starts = section47.Dates("S47ActualStartDate");
  const Dates& conferences = section47.Dates("DateOfInitialCPC");
  for (std::size_t row = 0; row < section47.rows(); ++row) {
    if (!conferences[row] && section47.Text("ICPCnotRequired", row) == "0" &&
        Outside(starts[row], data.collection_start, data.collection_end)) {
      FlagAt(out, "Section47", row, {"S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"});
    }
  }
}

// 8540: a child with a date of birth and a CIN episode that is not NFA has a valid disability
// code (NONE when there is none). The validator never reports this rule: its findings for the
// child table name their rows in a column its report does not read, so the whole finding is
// dropped. Cairn flags what the rule asks (the child, the episode and any invalid code).
void Rule8540(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers", "CINdetails", "Disabilities"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Table& details = *data.Find("CINdetails");
  const Table& disabilities = *data.Find("Disabilities");
  const Grouping& details_by = RowsBy(details, "LAchildID");
  const Grouping& disabilities_by = RowsBy(disabilities, "LAchildID");
  const Dates& births = identifiers.Dates("PersonBirthDate");
  Marks flagged_identifiers(identifiers);
  Marks flagged_details(details);
  Marks flagged_disabilities(disabilities);
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (!births[row]) continue;
    const std::string& child = identifiers.Text("LAchildID", row);
    const auto& codes = Lookup(disabilities_by, child);
    std::vector<std::size_t> invalid;
    for (std::size_t code : codes) {
      if (!OneOf(disabilities.Text("Disability", code), {"NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR",
                                                          "VIS", "BEH", "CON", "AUT", "DDA"})) {
        invalid.push_back(code);
      }
    }
    if (!codes.empty() && invalid.empty()) continue;
    for (std::size_t detail : Lookup(details_by, child)) {
      if (!NfaFalse(details.Text("ReferralNFA", detail))) continue;
      flagged_identifiers.Mark(row);
      flagged_details.Mark(detail);
      for (std::size_t code : invalid) flagged_disabilities.Mark(code);
    }
  }
  flagged_identifiers.Flag(out, "ChildIdentifiers", {"PersonBirthDate"});
  flagged_disabilities.Flag(out, "Disabilities", {"Disability"});
  flagged_details.Flag(out, "CINdetails", {"ReferralNFA"});
}

// 8750 (2022/23 to 2023/24): an unborn child (expected date of birth, no date of birth) has
// GenderCurrent 0.
void Rule8750(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Dates& births = identifiers.Dates("PersonBirthDate");
  const Dates& expected = identifiers.Dates("ExpectedPersonBirthDate");
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (!births[row] && expected[row] && identifiers.Text("GenderCurrent", row) != "0") {
      FlagAt(out, "ChildIdentifiers", row, {"GenderCurrent", "PersonBirthDate", "ExpectedPersonBirthDate"});
    }
  }
}

// 8750 (from 2024/25): an unborn child has Sex U.
void Rule8750From2025(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Dates& births = identifiers.Dates("PersonBirthDate");
  const Dates& expected = identifiers.Dates("ExpectedPersonBirthDate");
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (!births[row] && expected[row] && identifiers.Text("Sex", row) != "U") {
      FlagAt(out, "ChildIdentifiers", row, {"Sex", "PersonBirthDate", "ExpectedPersonBirthDate"});
    }
  }
}

// A child of school age (born on or before `born_by`) with a CIN episode that is not NFA has a
// UPN or a reason UN2 to UN7 for not having one (8770Q).
void SchoolAgeUpn(const Return& data, RuleOutput& out, Date born_by) {
  if (!Need(data, out, {"ChildIdentifiers", "CINdetails"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Table& details = *data.Find("CINdetails");
  const Grouping& details_by = RowsBy(details, "LAchildID");
  const Dates& births = identifiers.Dates("PersonBirthDate");
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (!births[row] || *births[row] > born_by || !identifiers.Text("UPN", row).empty()) continue;
    std::string reason = identifiers.Text("UPNunknown", row);
    for (char& c : reason) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (OneOf(reason, {"UN2", "UN3", "UN4", "UN5", "UN6", "UN7"})) continue;
    bool open_referral = false;
    for (std::size_t detail : OfChild(details_by, identifiers, row)) {
      const std::string& nfa = details.Text("ReferralNFA", detail);
      if (nfa == "0" || Lower(nfa) == "false") open_referral = true;
    }
    if (open_referral) FlagAt(out, "ChildIdentifiers", row, {"UPN", "UPNunknown"});
  }
}

// 8770Q (2022/23 to 2023/24): school age is six years before the ReferenceDate.
void Rule8770Q(const Return& data, RuleOutput& out) { SchoolAgeUpn(data, out, data.collection_end.AddYears(-6)); }

// 8770Q (from 2024/25): school age is reckoned from the start of the next school year (the
// ReferenceDate plus four months and 31 days) less six years.
void Rule8770QFrom2025(const Return& data, RuleOutput& out) {
  SchoolAgeUpn(data, out, data.collection_end.AddMonths(4).AddDays(31).AddYears(-6));
}

// 8772: UN7 (referral with no further action) is used only for a child whose referrals are
// NFA: each other episode of such a child is flagged with the child.
void Rule8772(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers", "CINdetails"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Table& details = *data.Find("CINdetails");
  const Grouping& details_by = RowsBy(details, "LAchildID");
  Marks flagged_identifiers(identifiers);
  Marks flagged_details(details);
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (identifiers.Text("UPNunknown", row) != "UN7") continue;
    const auto& episodes = OfChild(details_by, identifiers, row);
    if (episodes.empty()) flagged_identifiers.Mark(row);  // a left merge keeps the child, NFA blank
    for (std::size_t detail : episodes) {
      if (NfaTrue(Lower(details.Text("ReferralNFA", detail)))) continue;
      flagged_identifiers.Mark(row);
      flagged_details.Mark(detail);
    }
  }
  flagged_identifiers.Flag(out, "ChildIdentifiers", {"UPNunknown"});
  flagged_details.Flag(out, "CINdetails", {"ReferralNFA"});
}

// 8775Q: a CIN episode of a child over 25 at the ReferenceDate closed by the child's 25th
// birthday: an open one, or one closed later, is flagged with the child.
void Rule8775Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildIdentifiers", "CINdetails"})) return;
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Table& details = *data.Find("CINdetails");
  const Grouping& details_by = RowsBy(details, "LAchildID");
  const Dates& births = identifiers.Dates("PersonBirthDate");
  const Dates& closures = details.Dates("CINclosureDate");
  const Date born_before = data.collection_end.AddYears(-25);
  Marks flagged_identifiers(identifiers);
  Marks flagged_details(details);
  for (std::size_t row = 0; row < identifiers.rows(); ++row) {
    if (!births[row] || !(*births[row] < born_before)) continue;
    const Date twenty_fifth = births[row]->AddYears(25);
    for (std::size_t detail : OfChild(details_by, identifiers, row)) {
      if (!closures[detail] || *closures[detail] > twenty_fifth) {
        flagged_identifiers.Mark(row);
        flagged_details.Mark(detail);
      }
    }
  }
  flagged_identifiers.Flag(out, "ChildIdentifiers", {"PersonBirthDate"});
  flagged_details.Flag(out, "CINdetails", {"CINclosureDate"});
}

// 8790: a child with a disability of NONE has no other disability: the other rows are flagged.
void Rule8790(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Disabilities"})) return;
  const Table& disabilities = *data.Find("Disabilities");
  auto is_none = [&disabilities](std::size_t row) {
    std::string code = disabilities.Text("Disability", row);
    for (char& c : code) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return code == "NONE";
  };
  for (const auto& [child, rows] : RowsBy(disabilities, "LAchildID")) {
    bool has_none = false;
    for (std::size_t row : rows) has_none = has_none || is_none(row);
    if (!has_none) continue;
    for (std::size_t row : rows) {
      if (!is_none(row)) out.Flag("Disabilities", "Disability", row);
    }
  }
}

// 8794: a child's disability codes are not repeated (blank codes and blank IDs are left out,
// as a pandas groupby leaves them).
void Rule8794(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Disabilities"})) return;
  const Table& disabilities = *data.Find("Disabilities");
  std::unordered_map<std::string, Rows> by_pair;
  for (std::size_t row = 0; row < disabilities.rows(); ++row) {
    const std::string& child = disabilities.Text("LAchildID", row);
    const std::string& code = disabilities.Text("Disability", row);
    if (child.empty() || code.empty()) continue;
    by_pair[child + '\x1f' + code].push_back(row);
  }
  for (const auto& [pair, rows] : by_pair) {
    if (rows.size() < 2) continue;
    for (std::size_t row : rows) out.Flag("Disabilities", "Disability", row);
  }
}

// 8805: a closed CIN episode has a reason for closure.
void Rule8805(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  const Dates& closures = details.Dates("CINclosureDate");
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (closures[row] && details.Text("ReasonForClosure", row).empty()) {
      FlagAt(out, "CINdetails", row, {"CINclosureDate", "ReasonForClosure"});
    }
  }
}

// 8810: a CIN episode with a reason for closure has a closure date.
void Rule8810(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  const Dates& closures = details.Dates("CINclosureDate");
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!closures[row] && !details.Text("ReasonForClosure", row).empty()) {
      FlagAt(out, "CINdetails", row, {"ReasonForClosure", "CINclosureDate"});
    }
  }
}

// 8815: a child has at most one open CIN episode that is not NFA. As the validator, every open
// episode of such a child is flagged, NFA or not, and so is any other row of the child with the
// CINdetailsID of one of them (two children sharing an LA child ID).
void Rule8815(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  const Dates& closures = details.Dates("CINclosureDate");
  for (const auto& [child, rows] : RowsBy(details, "LAchildID")) {
    if (child.empty()) continue;
    std::size_t open = 0;
    for (std::size_t row : rows) open += !closures[row] && NfaFalse(details.Text("ReferralNFA", row)) ? 1 : 0;
    if (open < 2) continue;
    std::vector<std::string> open_ids;
    for (std::size_t row : rows) {
      if (!closures[row]) open_ids.push_back(details.Text("CINdetailsID", row));
    }
    for (std::size_t row : rows) {
      if (std::find(open_ids.begin(), open_ids.end(), details.Text("CINdetailsID", row)) != open_ids.end()) {
        out.Flag("CINdetails", "CINclosureDate", row);
      }
    }
  }
}

// 8816: only a child's latest referral can be an open episode that is not NFA: an earlier one
// is flagged with the latest (the first of the latest date, as pandas' idxmax).
void Rule8816(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  const Dates& referrals = details.Dates("CINreferralDate");
  const Dates& closures = details.Dates("CINclosureDate");
  for (const auto& [child, rows] : RowsBy(details, "LAchildID")) {
    std::optional<std::size_t> latest;
    for (std::size_t row : rows) {
      if (referrals[row] && (!latest || *referrals[row] > *referrals[*latest])) latest = row;
    }
    if (!latest) continue;
    for (std::size_t row : rows) {
      if (!referrals[row] || closures[row] || !NfaFalse(details.Text("ReferralNFA", row))) continue;
      if (child.empty()) {  // pandas gives a blank ID no latest referral: the row alone is flagged
        out.Flag("CINdetails", "CINreferralDate", row);
        continue;
      }
      if (row == *latest) continue;
      out.Flag("CINdetails", "CINreferralDate", row);
      out.Flag("CINdetails", "CINreferralDate", *latest);
    }
  }
}

// 8820: a child's CIN episodes do not overlap: an episode starting on or after another's start
// and before its closure (or, if that one is open and not NFA, before the ReferenceDate). Both
// are flagged.
void Rule8820(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  const Dates& referrals = details.Dates("CINreferralDate");
  const Dates& closures = details.Dates("CINclosureDate");
  Marks flagged(details);
  for (const auto& [child, rows] : RowsBy(details, "LAchildID")) {
    for (std::size_t a : rows) {
      if (!referrals[a]) continue;
      for (std::size_t b : rows) {
        if (a == b || !referrals[b] || *referrals[a] < *referrals[b]) continue;
        const bool before_end = closures[b] && *referrals[a] < *closures[b];
        const bool still_open = !closures[b] && *referrals[a] < data.collection_end &&
                                NfaFalse(Lower(details.Text("ReferralNFA", b)));
        if (before_end || still_open) {
          flagged.Mark(a);
          flagged.Mark(b);
        }
      }
    }
  }
  flagged.Flag(out, "CINdetails", {"CINreferralDate", "CINclosureDate"});
}

// 8825Q: an episode closed as RC8 or RC9 has an assessment.
void Rule8825Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails", "Assessments"})) return;
  const Table& details = *data.Find("CINdetails");
  const Grouping& assessments_by = RowsByEpisode(*data.Find("Assessments"));
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (OneOf(details.Text("ReasonForClosure", row), {"RC8", "RC9"}) &&
        InEpisode(assessments_by, details, row).empty()) {
      out.Flag("CINdetails", "ReasonForClosure", row);
    }
  }
}

// 8831: an NFA referral has no initial conference, Section 47 or assessment: the episode and
// the Section 47s and assessments in it are flagged.
void Rule8831(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails", "Section47", "Assessments"})) return;
  const Table& details = *data.Find("CINdetails");
  const Table& section47 = *data.Find("Section47");
  const Table& assessments = *data.Find("Assessments");
  const Grouping& section47_by = RowsByEpisode(section47);
  const Grouping& assessments_by = RowsByEpisode(assessments);
  const Dates& conferences = details.Dates("DateOfInitialCPC");
  const Dates& s47_starts = section47.Dates("S47ActualStartDate");
  const Dates& starts = assessments.Dates("AssessmentActualStartDate");
  const Dates& authorised = assessments.Dates("AssessmentAuthorisationDate");
  Marks flagged_details(details);
  Marks flagged47(section47);
  Marks flagged_assessments(assessments);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!NfaTrue(details.Text("ReferralNFA", row))) continue;
    const RowList enquiries = InEpisode(section47_by, details, row);
    if (enquiries.empty() && conferences[row]) flagged_details.Mark(row);
    for (std::size_t enquiry : enquiries) {
      if (conferences[row] || s47_starts[enquiry]) {
        flagged_details.Mark(row);
        flagged47.Mark(enquiry);
      }
    }
    for (std::size_t assessment : InEpisode(assessments_by, details, row)) {
      if (starts[assessment] || authorised[assessment]) {
        flagged_details.Mark(row);
        flagged_assessments.Mark(assessment);
      }
    }
  }
  flagged_details.Flag(out, "CINdetails", {"DateOfInitialCPC"});
  flagged_assessments.Flag(out, "Assessments", {"LAchildID"});
  flagged47.Flag(out, "Section47", {"LAchildID"});
}

// 8832: an NFA referral has no child protection plan. The validator swaps the two tables' row
// numbers when it reports (its merge suffixes are the wrong way round): a failing pair of
// episode row e and plan row p flags plan row e and, when episode p is itself an NFA
// referral, episode row p. Cairn reports the same rows.
void Rule8832(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails", "ChildProtectionPlans"})) return;
  const Table& details = *data.Find("CINdetails");
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Grouping& plans_by = RowsByEpisode(plans);
  auto nfa = [&details](std::size_t row) {
    const std::string& value = details.Text("ReferralNFA", row);
    return Lower(value) == "true" || value == "1";
  };
  Marks flagged_details(details);
  Marks flagged_plans(plans);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!nfa(row)) continue;
    for (std::size_t plan : InEpisode(plans_by, details, row)) {
      if (row < plans.rows()) flagged_plans.Mark(row);
      if (plan < details.rows() && nfa(plan)) flagged_details.Mark(plan);
    }
  }
  flagged_plans.Flag(out, "ChildProtectionPlans", {"CINdetailsID"});
  flagged_details.Flag(out, "CINdetails", {"ReferralNFA"});
}

// 8839: a CIN episode has at most one Section 47 without an initial conference that needs one
// (ICPCnotRequired not true or 1): every Section 47 of the episode without a conference is
// flagged.
void Rule8839(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Section47"})) return;
  const Table& section47 = *data.Find("Section47");
  const Dates& conferences = section47.Dates("DateOfInitialCPC");
  for (const auto& [episode, rows] : RowsByEpisode(section47)) {
    std::size_t pending = 0;
    for (std::size_t row : rows) {
      pending += !conferences[row] && !NfaTrue(section47.Text("ICPCnotRequired", row)) ? 1 : 0;
    }
    if (pending < 2) continue;
    for (std::size_t row : rows) {
      if (!conferences[row]) out.Flag("Section47", "DateOfInitialCPC", row);
    }
  }
}

// 8840: a child protection plan does not start and end on the same day.
void Rule8840(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Dates& starts = plans.Dates("CPPstartDate");
  const Dates& ends = plans.Dates("CPPendDate");
  for (std::size_t row = 0; row < plans.rows(); ++row) {
    if (starts[row] && ends[row] && *starts[row] == *ends[row]) {
      FlagAt(out, "ChildProtectionPlans", row, {"CPPstartDate", "CPPendDate"});
    }
  }
}

// 8841: a child protection plan's reviews are after its start: the plan and the review flagged.
void Rule8841(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans", "Reviews"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Table& reviews = *data.Find("Reviews");
  std::unordered_map<std::string, Rows> reviews_by;
  for (std::size_t row = 0; row < reviews.rows(); ++row) {
    reviews_by[EpisodeKey(reviews, row) + '\x1f' + reviews.Text("CPPID", row)].push_back(row);
  }
  const Dates& starts = plans.Dates("CPPstartDate");
  const Dates& dates = reviews.Dates("CPPreviewDate");
  Marks flagged_plans(plans);
  Marks flagged_reviews(reviews);
  for (std::size_t row = 0; row < plans.rows(); ++row) {
    if (!starts[row]) continue;
    for (std::size_t review : Lookup(reviews_by, EpisodeKey(plans, row) + '\x1f' + plans.Text("CPPID", row))) {
      if (dates[review] && *dates[review] <= *starts[row]) {
        flagged_plans.Mark(row);
        flagged_reviews.Mark(review);
      }
    }
  }
  flagged_plans.Flag(out, "ChildProtectionPlans", {"CPPstartDate"});
  flagged_reviews.Flag(out, "Reviews", {"CPPreviewDate"});
}

// 8842Q: a review has a date.
void Rule8842Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Reviews"})) return;
  const Dates& dates = data.Find("Reviews")->Dates("CPPreviewDate");
  for (std::size_t row = 0; row < dates.size(); ++row) {
    if (!dates[row]) out.Flag("Reviews", "CPPreviewDate", row);
  }
}

// Pairs of rows of one table in the same group (`by_episode` or by child) whose periods
// overlap: a starts on or after b starts and on or before b ends (or, if b has no end and
// `open_counts` allows it, on or before the ReferenceDate). Pairs that are the same period (same
// start and same end, blanks alike) are left out, as the validator leaves out each row's pair
// with itself. Both rows of a failing pair are flagged (8863Q, 8890).
template <typename OpenCounts>
void Overlaps(const Return& data, RuleOutput& out, std::string_view name, std::string_view start_column,
              std::string_view end_column, OpenCounts open_counts) {
  const Table& table = *data.Find(name);
  const Dates& starts = table.Dates(start_column);
  const Dates& ends = table.Dates(end_column);
  Marks flagged(table);
  for (const auto& [episode, rows] : RowsByEpisode(table)) {
    for (std::size_t a : rows) {
      if (!starts[a]) continue;
      for (std::size_t b : rows) {
        if (!starts[b]) continue;
        if (*starts[a] == *starts[b] && ends[a] == ends[b]) continue;
        if (*starts[a] < *starts[b]) continue;
        const bool before_end = ends[b] && *starts[a] <= *ends[b];
        const bool still_open = !ends[b] && *starts[a] <= data.collection_end && open_counts(b);
        if (before_end || still_open) {
          flagged.Mark(a);
          flagged.Mark(b);
        }
      }
    }
  }
  flagged.Flag(out, name, {start_column, end_column});
}

// 8863Q: a CIN episode's assessments do not overlap.
void Rule8863Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  Overlaps(data, out, "Assessments", "AssessmentActualStartDate", "AssessmentAuthorisationDate",
           [](std::size_t) { return true; });
}

// 8866: a referral from 1 April 2013 on has a valid referral source.
void Rule8866(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails"})) return;
  const Table& details = *data.Find("CINdetails");
  const Dates& referrals = details.Dates("CINreferralDate");
  const Date from = Date::FromYmdOrDie(2013, 4, 1);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!referrals[row] || *referrals[row] < from) continue;
    if (!OneOf(details.Text("ReferralSource", row), {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E",
                                                      "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"})) {
      FlagAt(out, "CINdetails", row, {"CINreferralDate", "ReferralSource"});
    }
  }
}

// 8867: a closed CIN episode's assessments are authorised: the episode and the assessment
// flagged.
void Rule8867(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails", "Assessments"})) return;
  const Table& details = *data.Find("CINdetails");
  const Table& assessments = *data.Find("Assessments");
  const Grouping& assessments_by = RowsByEpisode(assessments);
  const Dates& closures = details.Dates("CINclosureDate");
  const Dates& authorised = assessments.Dates("AssessmentAuthorisationDate");
  Marks flagged_details(details);
  Marks flagged_assessments(assessments);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!closures[row]) continue;
    for (std::size_t assessment : InEpisode(assessments_by, details, row)) {
      if (!authorised[assessment]) {
        flagged_details.Mark(row);
        flagged_assessments.Mark(assessment);
      }
    }
  }
  flagged_details.Flag(out, "CINdetails", {"CINclosureDate"});
  flagged_assessments.Flag(out, "Assessments", {"AssessmentAuthorisationDate"});
}

// 8868: in a closed CIN episode, a Section 47 has an initial conference or says none was
// required, not both: the episode and the Section 47 flagged.
void Rule8868(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"CINdetails", "Section47"})) return;
  const Table& details = *data.Find("CINdetails");
  const Table& section47 = *data.Find("Section47");
  const Grouping& section47_by = RowsByEpisode(section47);
  const Dates& closures = details.Dates("CINclosureDate");
  const Dates& conferences = section47.Dates("DateOfInitialCPC");
  Marks flagged_details(details);
  Marks flagged47(section47);
  for (std::size_t row = 0; row < details.rows(); ++row) {
    if (!closures[row]) continue;
    for (std::size_t enquiry : InEpisode(section47_by, details, row)) {
      const bool not_required = OneOf(section47.Text("ICPCnotRequired", enquiry), {"1", "true"});
      if (conferences[enquiry].has_value() == not_required) {
        flagged_details.Mark(row);
        flagged47.Mark(enquiry);
      }
    }
  }
  flagged47.Flag(out, "Section47", {"ICPCnotRequired", "DateOfInitialCPC"});
  flagged_details.Flag(out, "CINdetails", {"CINclosureDate"});
}

// 8869: factor 21 (no factors identified) is not given with other factors. The validator looks
// for rows whose factors are exactly "21" and flags other rows of the same CIN episode and
// authorisation date, reading each row as one factor; its rows hold an assessment's factors as
// a list, which never equals "21", so it never flags this on a census file. Cairn flags the
// assessment whose factors include 21 and another factor, as the rule says.
void Rule8869(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  const Table& assessments = *data.Find("Assessments");
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    const std::vector<std::string> factors = Factors(assessments, row);
    const auto others = std::count_if(factors.begin(), factors.end(), [](const std::string& f) { return f != "21"; });
    if (others > 0 && others < static_cast<std::ptrdiff_t>(factors.size())) {
      out.Flag("Assessments", "AssessmentFactors", row);
    }
  }
}

// 8870Q: an initial conference target date is not a Saturday or Sunday. The validator reads
// the date as dd-mm-yyyy, which a census file never has (its dates are yyyy-mm-dd), so it never
// flags this; Cairn reads the date as the file writes it.
void Rule8870Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Section47"})) return;
  const Table& section47 = *data.Find("Section47");
  const std::vector<std::string>& targets = section47.Column("InitialCPCtarget");
  for (std::size_t row = 0; row < targets.size(); ++row) {
    const std::optional<Date> target = ParseReturnDate(targets[row], DateForm::kIso);
    if (target && target->IsWeekend()) out.Flag("Section47", "InitialCPCtarget", row);
  }
}

// 8873Q: the only assessment of an episode finding no factors (21) is not in an episode closed
// as anything but RC8 or RC9 (an open episode included): the assessment and the episode flagged.
void Rule8873Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments", "AssessmentFactorsList", "CINdetails"})) return;
  const Table& assessments = *data.Find("Assessments");
  const Table& factors = *data.Find("AssessmentFactorsList");
  const Table& details = *data.Find("CINdetails");
  const Grouping& assessments_by = RowsByEpisode(assessments);
  const Grouping& details_by = RowsByEpisode(details);
  const Grouping& factors_by = RowsByAssessment(factors);
  const std::vector<std::string>& ids = assessments.Column("AssessmentID");
  const std::vector<std::string>& factor_codes = factors.Column("AssessmentFactor");
  Marks flagged_assessments(assessments);
  Marks flagged_details(details);
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    bool another = false;
    for (std::size_t other : assessments_by.RowsOf(assessments_by.GroupOf(row))) {
      another = another || ids[other] != ids[row];
    }
    if (another) continue;
    bool no_factors = false;
    for (std::size_t factor : OfAssessment(factors_by, assessments, row)) {
      no_factors = no_factors || factor_codes[factor].find("21") != std::string::npos;
    }
    if (!no_factors) continue;
    const RowList episodes = InEpisode(details_by, assessments, row);
    if (episodes.empty()) flagged_assessments.Mark(row);  // a left merge keeps it, reason blank
    for (std::size_t detail : episodes) {
      if (OneOf(details.Text("ReasonForClosure", detail), {"RC8", "RC9"})) continue;
      flagged_assessments.Mark(row);
      flagged_details.Mark(detail);
    }
  }
  flagged_assessments.Flag(out, "Assessments", {"AssessmentFactors"});
  flagged_details.Flag(out, "CINdetails", {"ReasonForClosure"});
}

// 8875: an initial conference (Section 47) is not on a Saturday or Sunday.
void Rule8875(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Section47"})) return;
  const Dates& conferences = data.Find("Section47")->Dates("DateOfInitialCPC");
  for (std::size_t row = 0; row < conferences.size(); ++row) {
    if (conferences[row] && conferences[row]->IsWeekend()) out.Flag("Section47", "DateOfInitialCPC", row);
  }
}

// 8890: a CIN episode's Section 47 enquiries do not overlap (one without a conference is open
// until the ReferenceDate unless no conference was required).
void Rule8890(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Section47"})) return;
  const Table& section47 = *data.Find("Section47");
  Overlaps(data, out, "Section47", "S47ActualStartDate", "DateOfInitialCPC", [&section47](std::size_t row) {
    return !NfaTrue(Lower(section47.Text("ICPCnotRequired", row)));
  });
}

// 8896: a CIN episode has at most one assessment not yet authorised: every assessment of such
// an episode is flagged (as the validator, authorised ones too).
void Rule8896(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  const Table& assessments = *data.Find("Assessments");
  const Dates& authorised = assessments.Dates("AssessmentAuthorisationDate");
  for (const auto& [episode, rows] : RowsByEpisode(assessments)) {
    if (assessments.Text("LAchildID", rows.front()).empty() || assessments.Text("CINdetailsID", rows.front()).empty()) {
      continue;
    }
    std::size_t pending = 0;
    for (std::size_t row : rows) pending += authorised[row] ? 0 : 1;
    if (pending < 2) continue;
    for (std::size_t row : rows) out.Flag("Assessments", "AssessmentAuthorisationDate", row);
  }
}

// The codes an assessment factor may take (8897Q).
bool IsFactorCode(std::string_view code) {
  return OneOf(code, {"1A",  "1B",  "1C",  "2A",  "2B",  "2C",  "3A",  "3B",  "3C",  "4A",  "4B",
                      "4C",  "5A",  "5B",  "5C",  "6A",  "6B",  "6C",  "7A",  "8B",  "8C",  "8D",
                      "8E",  "8F",  "9A",  "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A",
                      "18A", "18B", "18C", "19A", "19B", "19C", "20",  "21",  "22A", "23A", "24A"});
}

// 8897Q: an assessment authorised in (or after the start of) the census period has its factors,
// each a valid code. The validator raises whenever it would flag an assessment that has factors
// (its findings hold lists), so it reports only assessments without factors; Cairn also flags
// invalid factors.
void Rule8897Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments", "AssessmentFactorsList"})) return;
  const Table& assessments = *data.Find("Assessments");
  const Table& factors = *data.Find("AssessmentFactorsList");
  const Grouping& factors_by = RowsByAssessment(factors);
  const Dates& authorised = assessments.Dates("AssessmentAuthorisationDate");
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    if (!authorised[row] || *authorised[row] < data.collection_start) continue;
    bool bad = assessments.Text("AssessmentFactors", row).empty();
    for (std::size_t factor : OfAssessment(factors_by, assessments, row)) {
      bad = bad || !IsFactorCode(factors.Text("AssessmentFactor", factor));
    }
    if (bad) FlagAt(out, "Assessments", row, {"AssessmentAuthorisationDate", "AssessmentFactors"});
  }
}

// 8898: an assessment does not list the same factor twice. As the validator, assessments are
// joined to factors by child, CINdetailsID and AssessmentID, so two assessments sharing those
// (two children with one LA child ID) repeat each other's factors. The validator raises whenever
// there is one to flag (it de-duplicates rows holding lists), so it never reports this.
void Rule8898(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments", "AssessmentFactorsList"})) return;
  const Table& assessments = *data.Find("Assessments");
  const Table& factors = *data.Find("AssessmentFactorsList");
  const Grouping& assessments_by = RowsByAssessment(assessments);
  const Grouping& factors_by = RowsByAssessment(factors);
  const std::vector<std::string>& codes = factors.Column("AssessmentFactor");
  std::vector<bool> repeated(assessments_by.size(), false);
  std::vector<std::string_view> listed;
  for (const auto& [child, rows] : factors_by) {
    const RowList matching = assessments_by.Matching(factors, rows.front());
    if (matching.empty()) continue;
    // Each factor row pairs with every assessment sharing the key: two assessments repeat every
    // factor; one assessment repeats a factor listed twice.
    bool twice = matching.size() >= 2;
    if (!twice) {
      listed.clear();
      for (std::size_t row : rows) listed.push_back(codes[row]);
      std::sort(listed.begin(), listed.end());
      twice = std::adjacent_find(listed.begin(), listed.end()) != listed.end();
    }
    if (twice) repeated[assessments_by.GroupOf(matching.front())] = true;
  }
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    if (repeated[assessments_by.GroupOf(row)]) out.Flag("Assessments", "AssessmentFactors", row);
  }
}

// 8905: a child protection plan has a valid initial category of abuse.
void Rule8905(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans"})) return;
  const std::vector<std::string>& values = data.Find("ChildProtectionPlans")->Column("InitialCategoryOfAbuse");
  for (std::size_t row = 0; row < values.size(); ++row) {
    if (!OneOf(values[row], {"NEG", "PHY", "SAB", "EMO", "MUL"})) {
      out.Flag("ChildProtectionPlans", "InitialCategoryOfAbuse", row);
    }
  }
}

// 8910: a child protection plan has a valid latest category of abuse.
void Rule8910(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans"})) return;
  const std::vector<std::string>& values = data.Find("ChildProtectionPlans")->Column("LatestCategoryOfAbuse");
  for (std::size_t row = 0; row < values.size(); ++row) {
    if (!OneOf(values[row], {"NEG", "PHY", "SAB", "EMO", "MUL"})) {
      out.Flag("ChildProtectionPlans", "LatestCategoryOfAbuse", row);
    }
  }
}

// A child protection plan whose `column` date is after the child's death: the plan and the
// child flagged (8915, 8920).
void PlanAfterDeath(const Return& data, RuleOutput& out, std::string_view column) {
  if (!Need(data, out, {"ChildProtectionPlans", "ChildIdentifiers"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Table& identifiers = *data.Find("ChildIdentifiers");
  const Grouping& identifiers_by = RowsBy(identifiers, "LAchildID");
  const Dates& dates = plans.Dates(column);
  const Dates& deaths = identifiers.Dates("PersonDeathDate");
  Marks flagged_plans(plans);
  Marks flagged_identifiers(identifiers);
  for (std::size_t row = 0; row < plans.rows(); ++row) {
    for (std::size_t child : OfChild(identifiers_by, plans, row)) {
      if (Before(deaths[child], dates[row])) {
        flagged_plans.Mark(row);
        flagged_identifiers.Mark(child);
      }
    }
  }
  flagged_plans.Flag(out, "ChildProtectionPlans", {column});
  flagged_identifiers.Flag(out, "ChildIdentifiers", {"PersonDeathDate"});
}

// 8915: a child protection plan does not start after the child's death.
void Rule8915(const Return& data, RuleOutput& out) { PlanAfterDeath(data, out, "CPPstartDate"); }

// 8920: a child protection plan does not end after the child's death.
void Rule8920(const Return& data, RuleOutput& out) { PlanAfterDeath(data, out, "CPPendDate"); }

// 8925: a child protection plan does not end before it starts.
void Rule8925(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Dates& starts = plans.Dates("CPPstartDate");
  const Dates& ends = plans.Dates("CPPendDate");
  for (std::size_t row = 0; row < plans.rows(); ++row) {
    if (Before(ends[row], starts[row])) FlagAt(out, "ChildProtectionPlans", row, {"CPPstartDate", "CPPendDate"});
  }
}

// 8930: a child protection plan's end date falls within the census period.
void Rule8930(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans"})) return;
  const Dates& ends = data.Find("ChildProtectionPlans")->Dates("CPPendDate");
  for (std::size_t row = 0; row < ends.size(); ++row) {
    if (Outside(ends[row], data.collection_start, data.collection_end)) {
      out.Flag("ChildProtectionPlans", "CPPendDate", row);
    }
  }
}

// 8935: a child has at most one open child protection plan. As the validator, plans are told
// apart by child and CPPID only (CPPID counts from 1 in each CIN episode), and every plan with
// the same child and CPPID as two open ones is flagged.
void Rule8935(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Dates& ends = plans.Dates("CPPendDate");
  std::unordered_map<std::string, Rows> by_key;
  for (std::size_t row = 0; row < plans.rows(); ++row) {
    if (plans.Text("LAchildID", row).empty() || plans.Text("CPPID", row).empty()) continue;
    by_key[plans.Text("LAchildID", row) + '\x1f' + plans.Text("CPPID", row)].push_back(row);
  }
  for (const auto& [key, rows] : by_key) {
    std::size_t open = 0;
    for (std::size_t row : rows) open += ends[row] ? 0 : 1;
    if (open < 2) continue;
    for (std::size_t row : rows) out.Flag("ChildProtectionPlans", "CPPendDate", row);
  }
}

// 8940: a child's child protection plans do not overlap. As the validator, plans are paired by
// child and told apart by CPPID only, so plans of two CIN episodes with the same CPPID are
// never compared.
void Rule8940(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"ChildProtectionPlans"})) return;
  const Table& plans = *data.Find("ChildProtectionPlans");
  const Dates& starts = plans.Dates("CPPstartDate");
  const Dates& ends = plans.Dates("CPPendDate");
  Marks flagged(plans);
  for (const auto& [child, rows] : RowsBy(plans, "LAchildID")) {
    for (std::size_t a : rows) {
      if (!starts[a]) continue;
      for (std::size_t b : rows) {
        if (!starts[b] || plans.Text("CPPID", a) == plans.Text("CPPID", b)) continue;
        if (*starts[a] < *starts[b]) continue;
        const bool before_end = ends[b] && *starts[a] <= *ends[b];
        const bool still_open = !ends[b] && *starts[a] <= data.collection_end;
        if (before_end || still_open) {
          flagged.Mark(a);
          flagged.Mark(b);
        }
      }
    }
  }
  flagged.Flag(out, "ChildProtectionPlans", {"CPPstartDate", "CPPendDate"});
}

// Whether an assessment's factors include `code` (any case).
bool HasFactor(const Table& assessments, std::size_t row, std::string_view code) {
  for (std::string factor : Factors(assessments, row)) {
    for (char& c : factor) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (factor == code) return true;
  }
  return false;
}

// 8945Q (from 2024/25): factor 18A is no longer used. The validator compares the whole list of
// factors with "18A", which a list never equals, so it never flags this on a census file; Cairn
// flags an assessment that lists 18A.
void Rule8945Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  const Table& assessments = *data.Find("Assessments");
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    if (HasFactor(assessments, row, "18A")) out.Flag("Assessments", "AssessmentFactors", row);
  }
}

// 8950Q (from 2024/25): factor 19A is no longer used (as 8945Q).
void Rule8950Q(const Return& data, RuleOutput& out) {
  if (!Need(data, out, {"Assessments"})) return;
  const Table& assessments = *data.Find("Assessments");
  for (std::size_t row = 0; row < assessments.rows(); ++row) {
    if (HasFactor(assessments, row, "19A")) out.Flag("Assessments", "AssessmentFactors", row);
  }
}

}  // namespace

void AddRules8000Onward(std::vector<RuleLogic>& logic) {
  const std::vector<RuleLogic> rules = {
      {"8500", 2023, &Rule8500},   {"8510", 2023, &Rule8510},   {"8520", 2023, &Rule8520},
      {"8525Q", 2023, &Rule8525Q}, {"8530Q", 2023, &Rule8530Q}, {"8535Q", 2023, &Rule8535Q},
      {"8540", 2023, &Rule8540},   {"8545Q", 2023, &Rule8545Q}, {"8555Q", 2023, &Rule8555Q},
      {"8565", 2023, &Rule8565},   {"8568", 2023, &Rule8568},   {"8569Q", 2023, &Rule8569Q},
      {"8585Q", 2023, &Rule8585Q}, {"8590", 2023, &Rule8590},   {"8600", 2023, &Rule8600},
      {"8606", 2023, &Rule8606},   {"8608", 2023, &Rule8608},   {"8610", 2023, &Rule8610},
      {"8614", 2023, &Rule8614},   {"8615", 2023, &Rule8615},   {"8620", 2023, &Rule8620},
      {"8630", 2023, &Rule8630},   {"8640", 2023, &Rule8640},   {"8650", 2023, &Rule8650},
      {"8670Q", 2023, &Rule8670Q}, {"8675Q", 2023, &Rule8675Q}, {"8696", 2023, &Rule8696},
      {"8715", 2023, &Rule8715},   {"8720", 2023, &Rule8720},   {"8730", 2023, &Rule8730},
      {"8736", 2023, &Rule8736},   {"8740", 2023, &Rule8740},   {"8750", 2023, &Rule8750},
      {"8750", 2025, &Rule8750From2025}, {"8770Q", 2023, &Rule8770Q}, {"8770Q", 2025, &Rule8770QFrom2025},
      {"8772", 2023, &Rule8772},   {"8775Q", 2023, &Rule8775Q}, {"8790", 2023, &Rule8790},
      {"8794", 2023, &Rule8794},   {"8805", 2023, &Rule8805},   {"8810", 2023, &Rule8810},
      {"8815", 2023, &Rule8815},   {"8816", 2023, &Rule8816},   {"8820", 2023, &Rule8820},
      {"8825Q", 2023, &Rule8825Q}, {"8831", 2023, &Rule8831},   {"8832", 2023, &Rule8832},
      {"8839", 2023, &Rule8839},   {"8840", 2023, &Rule8840},   {"8841", 2023, &Rule8841},
      {"8842Q", 2023, &Rule8842Q}, {"8863Q", 2023, &Rule8863Q}, {"8866", 2023, &Rule8866},
      {"8867", 2023, &Rule8867},   {"8868", 2023, &Rule8868},   {"8869", 2023, &Rule8869},
      {"8870Q", 2023, &Rule8870Q}, {"8873Q", 2023, &Rule8873Q}, {"8875", 2023, &Rule8875},
      {"8890", 2023, &Rule8890},   {"8896", 2023, &Rule8896},   {"8897Q", 2023, &Rule8897Q},
      {"8898", 2023, &Rule8898},   {"8905", 2023, &Rule8905},   {"8910", 2023, &Rule8910},
      {"8915", 2023, &Rule8915},   {"8920", 2023, &Rule8920},   {"8925", 2023, &Rule8925},
      {"8930", 2023, &Rule8930},   {"8935", 2023, &Rule8935},   {"8940", 2023, &Rule8940},
      {"8945Q", 2025, &Rule8945Q}, {"8950Q", 2025, &Rule8950Q},
  };
  logic.insert(logic.end(), rules.begin(), rules.end());
}

}  // namespace cairn::validate::cin
