// A simulation profile: the rates and distributions that make a synthetic council behave like
// England as a whole, or like a council rated inadequate. Profiles are data
// (data/profiles/NAME.toml, compiled into Cairn), each number with the source it came from, so an
// analyst can read and change them without touching C++.
//
// THE FILE
//   Top level: name, summary. Then one table per part of the service:
//   [calibration]  the published figures the profile is tuned to (reported beside the measured
//                  ones; the England figures are tested to within 10 %).
//   [population] [referrals] [paths] [needs] [assessment] [protection] [child_in_need]
//   [care] [placements] [adoption] [looked_after] [missing] [uasc] [care_leavers] [ehc]
//   [workforce]
//   Every key is required and unknown keys are errors, so a typing slip is never silently ignored.
//
// THE VALUE SHAPES
//   * numbers: percentages are 0-100 and named *_percent; days, working days (*_wd) and weeks are
//     whole-number counts as the key says.
//   * quantile tables: [[p, value], ...] with p rising from 0 to 1 and values never falling; a
//     draw interpolates linearly between points, so [[0, 1], [0.5, 33], [1, 120]] has median 33.
//   * weights: { CODE = weight, ... }, weights >= 0 and at least one above 0; they need not sum
//     to 100. Codes are written out exactly as they go into the chronology (DfE codes), except in
//     [paths] and the route tables, whose keys are the simulator's own (listed there).
//
// ERRORS name the file, the table and the key ("england.toml: [protection] plan_duration_days:
// the probabilities must rise from 0 to 1 (0.40 comes after 0.45)"); TOML syntax errors name the
// line and column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::simulate {

// A distribution given by its quantiles; Sample(u) for u uniform on [0, 1).
class QuantileTable {
 public:
  QuantileTable() = default;
  // Points must have p rising (strictly) from exactly 0 to exactly 1 and values never falling.
  static Result<QuantileTable> FromPoints(std::vector<std::pair<double, double>> points);

  double Sample(double u) const;
  double Max() const { return values_.empty() ? 0 : values_.back(); }
  // The probability of a value at or below `value` (the inverse of Sample).
  double Cdf(double value) const;

 private:
  std::vector<double> p_;
  std::vector<double> values_;
};

// A categorical distribution over codes.
class Weights {
 public:
  Weights() = default;
  // Weights >= 0 with a positive sum; codes unique and non-empty. Order is kept.
  static Result<Weights> FromPairs(std::vector<std::pair<std::string, double>> pairs);

  size_t SampleIndex(double u) const;
  const std::string& Sample(double u) const { return codes_[SampleIndex(u)]; }
  // The share (0-1) of `code`; 0 if absent.
  double Share(std::string_view code) const;
  bool Has(std::string_view code) const;
  size_t size() const { return codes_.size(); }

 private:
  std::vector<std::string> codes_;
  std::vector<double> cumulative_;  // rising, last == 1
};

// The published figures a profile is calibrated to (England 2024 for `england`).
struct Calibration {
  double cin_rate_per_10k = 0;          // children in need at 31 March per 10,000 aged 0-17
  double cp_rate_per_10k = 0;           // children on a CP plan at 31 March per 10,000
  double cla_rate_per_10k = 0;          // children looked after at 31 March per 10,000
  double re_referral_percent = 0;       // referrals in the year within 12 months of a previous one
  double repeat_cp_percent = 0;         // CP plans starting in the year that are a second or later plan
  double cp_two_years_percent = 0;      // CP plans open at 31 March that started 2+ years before
  double three_placements_percent = 0;  // CLA at 31 March with 3+ placements in the year
  double agency_percent = 0;            // agency social workers at 30 September, of all
  double turnover_percent = 0;          // permanent leavers in the year to 30 September / in post
  double caseload = 0;                  // cases per case-holding social worker at 30 September
};

struct Profile {
  std::string name;     // "england"
  std::string summary;  // one line for `cairn simulate --help` and reports
  Calibration calibration;

  struct Population {
    double male_percent = 0;
    double unknown_sex_percent = 0;
    Weights ethnicity;
    double disability_percent = 0;  // children in need (not referred for disability) with a disability
    Weights disability;             // CIN Disability codes
    double death_per_10k_episodes = 0;
  } population;

  struct Referrals {
    double first_referral_percent = 0;  // children referred at least once before 18
    QuantileTable first_referral_age_years;
    double seasonal_percent = 0;  // +/- around the mean: highest on 15 November, lowest in mid-May
    double cycle_percent = 0;     // a slow rise and fall over cycle_years
    double cycle_years = 0;
    Weights source_under_5;
    Weights source_5_plus;
    double weekend_percent = 0;  // referrals dated on a weekend or bank holiday (police, hospitals)
    QuantileTable nfa_closure_days;
    double repeat_after_nfa_percent = 0;
    double repeat_after_assessment_percent = 0;
    double repeat_after_plan_percent = 0;
    double repeat_after_care_percent = 0;
    QuantileTable repeat_gap_days;  // closure to the next referral
  } referrals;

  // What follows a referral. Keys: nfa, close-nfa, close-early-help, cin, disabled, s47-close,
  // s47-cin, icpc-close, icpc-cin, cp, care.
  struct Paths {
    Weights under_1, age_1_to_4, age_5_to_9, age_10_to_15, age_16_to_17;
    Weights after_cp_plan;  // for a child who has had a CP plan before
  } paths;

  struct Needs {
    Weights protection;  // PrimaryNeedCode for S47, CP and care paths
    Weights support;     // for child in need and closed-after-assessment paths
  } needs;

  struct Assessment {
    QuantileTable start_delay_wd;                // referral to assessment start
    QuantileTable referral_to_authorisation_wd;  // referral to authorisation (the 45 WD clock)
    Weights factors;                             // AssessmentFactors codes
    double no_factors_percent = 0;               // "21" alone, for assessments closed with no action
  } assessment;

  struct Protection {
    QuantileTable strategy_delay_wd;   // referral to strategy discussion
    double icpc_on_time_percent = 0;   // ICPC within 15 WD of the strategy discussion
    QuantileTable icpc_late_extra_wd;  // working days past the target when late
    QuantileTable plan_duration_days;  // intended length; the plan ends at the review after it
    Weights category;                  // NEG EMO PHY SAB MUL
    double category_change_percent = 0;
    double review_on_time_percent = 0;  // RCPC within 3 months, then 6 months
    QuantileTable review_late_days;
    Weights plan_end;                  // cin, close, care
    QuantileTable step_down_cin_days;  // CIN plan after a CP plan ends
    int visit_interval_wd = 0;
    double visit_late_percent = 0;
    QuantileTable visit_late_wd;
    int core_group_first_wd = 0;
    int core_group_interval_days = 0;
    double core_group_late_percent = 0;
    double seen_alone_percent = 0;  // visits to children aged 4 or more
  } protection;

  struct ChildInNeed {
    QuantileTable plan_days;           // CIN plan length
    QuantileTable disabled_days;       // open episode of a disabled child
    QuantileTable closure_delay_days;  // plan end to episode closure
    int visit_interval_days = 0;
    double visit_late_percent = 0;
    QuantileTable visit_late_days;
  } child_in_need;

  // Periods of care. Route keys: home, adoption, sgo, cao, eighteen, other.
  struct Care {
    Weights routes_under_1, routes_1_to_4, routes_5_to_9, routes_10_to_15, routes_16_to_17;
    QuantileTable home_days, sgo_days, cao_days, other_days;
    QuantileTable proceedings_days;  // entry to the final hearing (care, placement or SGO order)
    Weights entry_legal_status;      // for children not entering on remand: V2 C1 L1 L2 L3
    double remand_percent_10_plus = 0;
    Weights home_exit;                        // E4A E4B E13 E41
    Weights eighteen_exit;                    // E5 E6 E17 E8 E47
    Weights other_exit;                       // E3 E8 E16 E48 E9 E15
    double care_order_for_teens_percent = 0;  // teenagers on the eighteen route under a care order
  } care;

  struct Placements {
    Weights first_under_5, first_5_to_15, first_16_plus;
    Weights next_under_5, next_5_to_15, next_16_plus;
    QuantileTable days_under_5, days_5_to_11, days_12_plus;
    // Children aged 10+ in care on 31 March whose placement broke down at least twice in the
    // year to it (an unsettled year); the rest move at the intervals above.
    double unsettled_percent = 0;
    Weights move_reason;  // REASON_PLACE_CHANGE
    double in_area_percent = 0;
    double same_carer_percent = 0;  // moves with the same carers (RNE T)
  } placements;

  struct Adoption {
    QuantileTable decision_days;  // entry to the decision that the child should be placed
    QuantileTable match_days;     // placement order to match
    QuantileTable placed_days;    // match to placement with adopters
    QuantileTable order_days;     // placement to adoption order
    double reversal_percent = 0;
    double foster_carer_percent = 0;  // adopted by their foster carers
    double consent_percent = 0;       // E11 (consent) rather than E12 (placement order)
  } adoption;

  struct LookedAfter {
    double first_review_on_time_percent = 0;  // within 20 WD
    double review_on_time_percent = 0;        // 3 months, then 6 months
    QuantileTable review_late_days;
    Weights participation;  // PN1-PN7 for children 4 and over (PN0 under 4)
    int visit_interval_days = 0;
    double visit_late_percent = 0;
    QuantileTable visit_late_days;
    double health_on_time_percent = 0;
    double dental_percent = 0;
    double pep_on_time_percent = 0;
  } looked_after;

  struct Missing {
    double children_percent = 0;   // children in care aged 11+ who go missing in a year
    double episodes_per_year = 0;  // for those who do
    double away_percent = 0;       // "A" (away without authorisation) rather than "M"
    QuantileTable duration_days;
    double interview_offered_percent = 0;
    double interview_accepted_percent = 0;
  } missing;

  struct Uasc {
    double starts_per_10k = 0;  // UASC starting care a year per 10,000 children
    QuantileTable arrival_age_years;
    Weights ethnicity;
    double male_percent = 0;
  } uasc;

  struct CareLeavers {
    double in_touch_percent = 0;
    Weights activity;       // ACTIV codes
    Weights accommodation;  // ACCOM codes
    int pathway_interval_days = 0;
    int contact_interval_days = 0;
    double contact_late_percent = 0;
  } care_leavers;

  struct Ehc {
    double requests_per_10k = 0;  // EHC needs assessment requests a year per 10,000
    double assess_percent = 0;    // requests that go on to an assessment
    double decision_on_time_percent = 0;
    double plan_percent = 0;  // assessments ending in a plan
    double plan_on_time_percent = 0;
    QuantileTable plan_weeks_late;  // beyond 20 weeks
  } ehc;

  struct Workforce {
    double caseload = 0;  // target cases per case-holding social worker
    double personal_adviser_caseload = 0;
    double agency_percent = 0;               // target share of agency social workers and managers
    double turnover_percent = 0;             // permanent leavers a year / permanent in post
    double agency_leavers_percent = 0;       // agency workers leaving a year / agency in post
    double front_door_percent = 0;           // non-case-holding front-door workers, of case holders
    int team_size = 0;                       // social workers per team manager
    double other_changes_per_case_year = 0;  // worker changes other than leaving or transfer
    Weights other_change_reason;             // SW_REASON for those
    int supervision_interval_days = 0;
    double supervision_missed_percent = 0;
  } workforce;
};

// Parses a profile. `source_name` (a file name) begins every error message.
Result<Profile> ParseProfile(std::string_view toml_text, std::string_view source_name);

// The profile compiled into Cairn as data/profiles/NAME.toml; NotFound lists the profiles there.
Result<Profile> LoadBuiltInProfile(std::string_view name);
// Names of the built-in profiles, sorted.
std::vector<std::string> BuiltInProfileNames();

}  // namespace cairn::simulate
