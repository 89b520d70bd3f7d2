#include "simulate/profile.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <set>

#include "base/embedded.h"
#include "base/toml_text.h"
#include "returns/cin_census/cin_census.h"
#include "returns/ssda903/tables.h"

namespace cairn::simulate {

// ---------------------------------------------------------------------------------------------
// Distributions

Result<QuantileTable> QuantileTable::FromPoints(std::vector<std::pair<double, double>> points) {
  if (points.size() < 2)
    return Status::InvalidArgument("a quantile table needs at least two points, [0, x] and [1, y]");
  QuantileTable table;
  for (size_t i = 0; i < points.size(); ++i) {
    const auto [p, value] = points[i];
    if (!std::isfinite(p) || !std::isfinite(value)) return Status::InvalidArgument("a point is not a finite number");
    if (i == 0 && p != 0) return Status::InvalidArgument("the first point's probability must be 0");
    if (i + 1 == points.size() && p != 1) return Status::InvalidArgument("the last point's probability must be 1");
    if (i > 0 && p <= points[i - 1].first) {
      char message[160];
      std::snprintf(message, sizeof message, "the probabilities must rise from 0 to 1 (%g comes after %g)", p,
                    points[i - 1].first);
      return Status::InvalidArgument(message);
    }
    if (i > 0 && value < points[i - 1].second) {
      char message[160];
      std::snprintf(message, sizeof message, "the values must never fall (%g comes after %g)", value,
                    points[i - 1].second);
      return Status::InvalidArgument(message);
    }
    table.p_.push_back(p);
    table.values_.push_back(value);
  }
  return table;
}

double QuantileTable::Sample(double u) const {
  if (p_.empty()) return 0;
  if (u <= 0) return values_.front();
  if (u >= 1) return values_.back();
  const auto upper = std::upper_bound(p_.begin(), p_.end(), u);
  const size_t hi = static_cast<size_t>(upper - p_.begin());
  const size_t lo = hi - 1;
  const double span = p_[hi] - p_[lo];
  return values_[lo] + (values_[hi] - values_[lo]) * ((u - p_[lo]) / span);
}

double QuantileTable::Cdf(double value) const {
  if (p_.empty() || value < values_.front()) return 0;
  if (value >= values_.back()) return 1;
  for (size_t i = 1; i < values_.size(); ++i) {
    if (value < values_[i]) {
      const double span = values_[i] - values_[i - 1];
      return p_[i - 1] + (p_[i] - p_[i - 1]) * ((value - values_[i - 1]) / span);
    }
  }
  return 1;
}

Result<Weights> Weights::FromPairs(std::vector<std::pair<std::string, double>> pairs) {
  Weights weights;
  double total = 0;
  for (const auto& [code, weight] : pairs) {
    if (code.empty()) return Status::InvalidArgument("a code is empty");
    if (!std::isfinite(weight) || weight < 0) return Status::InvalidArgument("the weight of " + code + " is negative");
    if (weights.Has(code)) return Status::InvalidArgument(code + " is given twice");
    weights.codes_.push_back(code);
    total += weight;
    weights.cumulative_.push_back(total);
  }
  if (!(total > 0)) return Status::InvalidArgument("the weights add up to nothing; give at least one a value above 0");
  for (double& c : weights.cumulative_) c /= total;
  weights.cumulative_.back() = 1;
  return weights;
}

size_t Weights::SampleIndex(double u) const {
  const auto found = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  const size_t index = static_cast<size_t>(found - cumulative_.begin());
  return std::min(index, codes_.size() - 1);
}

double Weights::Share(std::string_view code) const {
  for (size_t i = 0; i < codes_.size(); ++i) {
    if (codes_[i] == code) return cumulative_[i] - (i == 0 ? 0 : cumulative_[i - 1]);
  }
  return 0;
}

bool Weights::Has(std::string_view code) const { return std::find(codes_.begin(), codes_.end(), code) != codes_.end(); }

namespace {

// ---------------------------------------------------------------------------------------------
// Code lists the profile's weights may use.

using Codes = std::vector<std::string_view>;

// Cairn's own choices: the simulator's paths, routes and exits.
const Codes kPaths = {"nfa",     "close-nfa",  "close-early-help", "cin", "disabled", "s47-close",
                      "s47-cin", "icpc-close", "icpc-cin",         "cp",  "care"};
const Codes kPlanEnd = {"cin", "close", "care"};
const Codes kRoutes = {"home", "adoption", "sgo", "cao", "eighteen", "other"};
const Codes kEntryLegalStatus = {"V2", "C1", "C2", "L1", "L2", "L3"};
const Codes kHomeExit = {"E4A", "E4B", "E13"};
const Codes kEighteenExit = {"E5", "E6", "E17", "E8", "E47"};
const Codes kOtherExit = {"E3", "E8", "E16", "E48", "E9", "E15", "E14", "E7"};
// Placements the simulator chooses between (adoption placements, A3-A6, follow the adoption
// stages; P1 ends a return home). K3 is recorded H5 for placements starting before 1 April 2024;
// the SSDA903 writer shows each under the year's code list.
const Codes kPlacements = {"U1", "U3", "U4", "U6", "K1", "K2", "K3", "R1", "R3", "S1"};

// The SSDA903 collection year whose code lists the profiles' codes are checked against (the
// 2024/25 return: the year the built-in profiles are calibrated to).
constexpr int kSsda903Year = 2025;

// Codes that go into a return come from that return's own code lists (data/codes/*.toml), less
// those the simulator sets by itself: a code the DfE retires leaves the profiles' choices too.
struct ReturnCodes {
  Codes ethnicity;        // ETHNIC
  Codes disability;       // Disability, less NONE (disability_percent says who has one)
  Codes referral_source;  // ReferralSource
  Codes needs;            // PrimaryNeedCode
  Codes factors;          // AssessmentFactors, less 21 (no factors: no_factors_percent); 18A and 19A are retired
  Codes category;         // InitialCategoryOfAbuse
  Codes move_reason;      // REASON_PLACE_CHANGE
  Codes participation;    // REVIEW_CODE, less PN0 (set by age: a child under 4)
  Codes activity;         // ACTIV
  Codes accommodation;    // ACCOM
  Codes sw_reason;        // SW_REASON
};

Result<Codes> Ssda903Codes(const returns::ssda903::CodeLists& lists, std::string_view field,
                           std::initializer_list<std::string_view> except = {}) {
  const returns::ssda903::CodeList* list = lists.For(field, kSsda903Year);
  if (list == nullptr) return Status::Internal("Cairn's SSDA903 code lists have no list for " + std::string(field));
  Codes codes;
  for (const std::string& code : list->codes) {
    if (std::find(except.begin(), except.end(), code) == except.end()) codes.push_back(code);
  }
  return codes;
}

Result<Codes> CinCensusCodes(const returns::cin_census::CodeLists& lists, std::string_view field,
                             std::initializer_list<std::string_view> except = {}) {
  const returns::cin_census::CodeList* list = lists.ForField(field);
  if (list == nullptr) return Status::Internal("Cairn's CIN census code lists have no list for " + std::string(field));
  Codes codes;
  for (const auto& [code, meaning] : list->codes) {
    if (std::find(except.begin(), except.end(), code) == except.end()) codes.push_back(code);
  }
  return codes;
}

// Worked out once: the lists are compiled into Cairn and never change.
const Result<ReturnCodes>& TheReturnCodes() {
  static const Result<ReturnCodes> codes = []() -> Result<ReturnCodes> {
    CAIRN_ASSIGN_OR_RETURN(const returns::ssda903::CodeLists* ssda903, returns::ssda903::CodeLists::Embedded());
    const Result<returns::cin_census::CodeLists>& cin_lists = returns::cin_census::CinCensusCodeLists();
    if (!cin_lists.ok()) return cin_lists.status();
    const returns::cin_census::CodeLists& cin = *cin_lists;
    ReturnCodes out;
    CAIRN_ASSIGN_OR_RETURN(out.ethnicity, Ssda903Codes(*ssda903, "ETHNIC"));
    CAIRN_ASSIGN_OR_RETURN(out.disability, CinCensusCodes(cin, "Disability", {"NONE"}));
    CAIRN_ASSIGN_OR_RETURN(out.referral_source, CinCensusCodes(cin, "ReferralSource"));
    CAIRN_ASSIGN_OR_RETURN(out.needs, CinCensusCodes(cin, "PrimaryNeedCode"));
    CAIRN_ASSIGN_OR_RETURN(out.factors, CinCensusCodes(cin, "AssessmentFactors", {"21"}));
    CAIRN_ASSIGN_OR_RETURN(out.category, CinCensusCodes(cin, "InitialCategoryOfAbuse"));
    CAIRN_ASSIGN_OR_RETURN(out.move_reason, Ssda903Codes(*ssda903, "REASON_PLACE_CHANGE"));
    CAIRN_ASSIGN_OR_RETURN(out.participation, Ssda903Codes(*ssda903, "REVIEW_CODE", {"PN0"}));
    CAIRN_ASSIGN_OR_RETURN(out.activity, Ssda903Codes(*ssda903, "ACTIV"));
    CAIRN_ASSIGN_OR_RETURN(out.accommodation, Ssda903Codes(*ssda903, "ACCOM"));
    CAIRN_ASSIGN_OR_RETURN(out.sw_reason, Ssda903Codes(*ssda903, "SW_REASON"));
    return out;
  }();
  return codes;
}

// ---------------------------------------------------------------------------------------------
// Reading one TOML table, recording the first error and which keys were read.

class Section {
 public:
  Section(std::string_view source, std::string name, const toml::table* table, std::string* error)
      : source_(source), name_(std::move(name)), table_(table), error_(error) {}

  double Number(std::string_view key, double min, double max) {
    const toml::node* node = Get(key);
    if (node == nullptr) return min;
    std::optional<double> value = node->value<double>();
    if (!value || !std::isfinite(*value)) {
      Fail(key, node, value ? "must be a finite number" : "must be a number, not " + DescribeTomlValue(*node));
      return min;
    }
    if (*value < min || *value > max) {
      char message[160];
      std::snprintf(message, sizeof message, "must be between %g and %g (it is %g)", min, max, *value);
      Fail(key, node, message);
      return min;
    }
    return *value;
  }
  double Percent(std::string_view key) { return Number(key, 0, 100); }
  int Int(std::string_view key, int min, int max) {
    const toml::node* node = Get(key);
    if (node == nullptr) return min;
    std::optional<int64_t> value = node->value_exact<int64_t>();
    if (!value) {
      Fail(key, node, "must be a whole number, not " + DescribeTomlValue(*node));
      return min;
    }
    if (*value < min || *value > max) {
      Fail(key, node,
           "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (it is " +
               std::to_string(*value) + ")");
      return min;
    }
    return static_cast<int>(*value);
  }
  std::string Text(std::string_view key) {
    const toml::node* node = Get(key);
    if (node == nullptr) return {};
    std::optional<std::string> value = node->value_exact<std::string>();
    if (!value || value->empty()) {
      Fail(key, node, "must be a non-empty string, not " + DescribeTomlValue(*node));
      return {};
    }
    return *value;
  }
  QuantileTable Quantiles(std::string_view key, double min_value, double max_value) {
    const toml::node* node = Get(key);
    if (node == nullptr) return {};
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      Fail(key, node, "must be a list of [probability, value] pairs, not " + DescribeTomlValue(*node));
      return {};
    }
    std::vector<std::pair<double, double>> points;
    for (const toml::node& item : *array) {
      const toml::array* pair = item.as_array();
      std::optional<double> p = pair && pair->size() == 2 ? pair->get(0)->value<double>() : std::nullopt;
      std::optional<double> v = pair && pair->size() == 2 ? pair->get(1)->value<double>() : std::nullopt;
      if (!p || !v) {
        Fail(key, &item, "every point must be a [probability, value] pair of numbers");
        return {};
      }
      if (*v < min_value || *v > max_value) {
        char message[160];
        std::snprintf(message, sizeof message, "values must be between %g and %g (one is %g)", min_value, max_value,
                      *v);
        Fail(key, &item, message);
        return {};
      }
      points.emplace_back(*p, *v);
    }
    Result<QuantileTable> table = QuantileTable::FromPoints(std::move(points));
    if (!table.ok()) {
      Fail(key, node, table.status().message());
      return {};
    }
    return std::move(table).value();
  }
  Weights WeightTable(std::string_view key, const Codes& allowed) {
    const toml::node* node = Get(key);
    if (node == nullptr) return {};
    const toml::table* table = node->as_table();
    if (table == nullptr) {
      Fail(key, node, "must be a table of { CODE = weight }, not " + DescribeTomlValue(*node));
      return {};
    }
    std::vector<std::pair<std::string, double>> pairs;
    for (const auto& [code_key, value] : *table) {
      const std::string code(code_key.str());
      if (std::find(allowed.begin(), allowed.end(), code) == allowed.end()) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : " ") + std::string(a);
        Fail(key, &value, "'" + code + "' is not a code this table takes; use one of: " + list);
        return {};
      }
      std::optional<double> weight = value.value<double>();
      if (!weight) {
        Fail(key, &value, "the weight of " + code + " must be a number");
        return {};
      }
      pairs.emplace_back(code, *weight);
    }
    Result<Weights> weights = Weights::FromPairs(std::move(pairs));
    if (!weights.ok()) {
      Fail(key, node, weights.status().message());
      return {};
    }
    return std::move(weights).value();
  }
  Section Sub(std::string_view key) {
    const toml::node* node = Get(key);
    const toml::table* table = node != nullptr ? node->as_table() : nullptr;
    if (node != nullptr && table == nullptr) Fail(key, node, "must be a table, not " + DescribeTomlValue(*node));
    return Section(source_, std::string(key), table, error_);
  }
  // Every key not read is an error: a misspelt key would otherwise silently take no effect.
  void RejectUnknownKeys() {
    if (table_ == nullptr) return;
    for (const auto& [key, value] : *table_) {
      if (!read_.contains(std::string(key.str()))) {
        Fail(key.str(), &value, "is not a key Cairn knows here; check the spelling against the other profiles");
        return;
      }
    }
  }

 private:
  const toml::node* Get(std::string_view key) {
    read_.insert(std::string(key));
    if (table_ == nullptr) return nullptr;  // the missing table was reported already
    const toml::node* node = table_->get(key);
    if (node == nullptr) Fail(key, nullptr, "is missing");
    return node;
  }
  void Fail(std::string_view key, const toml::node* node, const std::string& message) {
    if (!error_->empty()) return;
    std::string where(source_);
    if (node != nullptr && LineOf(*node) > 0) where += " line " + std::to_string(LineOf(*node));
    where += ": ";
    if (!name_.empty()) where += "[" + name_ + "] ";
    *error_ = where + std::string(key) + ": " + message;
  }

  std::string_view source_;
  std::string name_;
  const toml::table* table_;
  std::string* error_;
  std::set<std::string> read_;
};

constexpr double kDaysMax = 20 * 366;

Profile Read(const toml::table& root, std::string_view source, const ReturnCodes& codes, std::string* error) {
  Profile profile;
  Section top(source, "", &root, error);
  profile.name = top.Text("name");
  profile.summary = top.Text("summary");

  {
    Section s = top.Sub("calibration");
    Calibration& c = profile.calibration;
    c.cin_rate_per_10k = s.Number("cin_rate_per_10k", 0, 10000);
    c.cp_rate_per_10k = s.Number("cp_rate_per_10k", 0, 10000);
    c.cla_rate_per_10k = s.Number("cla_rate_per_10k", 0, 10000);
    c.re_referral_percent = s.Percent("re_referral_percent");
    c.repeat_cp_percent = s.Percent("repeat_cp_percent");
    c.cp_two_years_percent = s.Percent("cp_two_years_percent");
    c.three_placements_percent = s.Percent("three_placements_percent");
    c.agency_percent = s.Percent("agency_percent");
    c.turnover_percent = s.Percent("turnover_percent");
    c.caseload = s.Number("caseload", 1, 100);
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("population");
    auto& p = profile.population;
    p.male_percent = s.Percent("male_percent");
    p.unknown_sex_percent = s.Percent("unknown_sex_percent");
    p.ethnicity = s.WeightTable("ethnicity", codes.ethnicity);
    p.disability_percent = s.Percent("disability_percent");
    p.disability = s.WeightTable("disability", codes.disability);
    p.death_per_10k_episodes = s.Number("death_per_10k_episodes", 0, 1000);
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("referrals");
    auto& r = profile.referrals;
    r.first_referral_percent = s.Percent("first_referral_percent");
    r.first_referral_age_years = s.Quantiles("first_referral_age_years", 0, 17.99);
    r.seasonal_percent = s.Number("seasonal_percent", 0, 50);
    r.cycle_percent = s.Number("cycle_percent", 0, 50);
    r.cycle_years = s.Number("cycle_years", 0.5, 50);
    r.source_under_5 = s.WeightTable("source_under_5", codes.referral_source);
    r.source_5_plus = s.WeightTable("source_5_plus", codes.referral_source);
    r.weekend_percent = s.Percent("weekend_percent");
    r.nfa_closure_days = s.Quantiles("nfa_closure_days", 0, 60);
    r.repeat_after_nfa_percent = s.Percent("repeat_after_nfa_percent");
    r.repeat_after_assessment_percent = s.Percent("repeat_after_assessment_percent");
    r.repeat_after_plan_percent = s.Percent("repeat_after_plan_percent");
    r.repeat_after_care_percent = s.Percent("repeat_after_care_percent");
    r.repeat_gap_days = s.Quantiles("repeat_gap_days", 1, kDaysMax);
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("paths");
    auto& p = profile.paths;
    p.under_1 = s.WeightTable("under_1", kPaths);
    p.age_1_to_4 = s.WeightTable("age_1_to_4", kPaths);
    p.age_5_to_9 = s.WeightTable("age_5_to_9", kPaths);
    p.age_10_to_15 = s.WeightTable("age_10_to_15", kPaths);
    p.age_16_to_17 = s.WeightTable("age_16_to_17", kPaths);
    p.after_cp_plan = s.WeightTable("after_cp_plan", kPaths);
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("needs");
    profile.needs.protection = s.WeightTable("protection", codes.needs);
    profile.needs.support = s.WeightTable("support", codes.needs);
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("assessment");
    auto& a = profile.assessment;
    a.start_delay_wd = s.Quantiles("start_delay_wd", 0, 30);
    a.referral_to_authorisation_wd = s.Quantiles("referral_to_authorisation_wd", 1, 400);
    a.factors = s.WeightTable("factors", codes.factors);
    a.no_factors_percent = s.Percent("no_factors_percent");
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("protection");
    auto& p = profile.protection;
    p.strategy_delay_wd = s.Quantiles("strategy_delay_wd", 0, 60);
    p.icpc_on_time_percent = s.Percent("icpc_on_time_percent");
    p.icpc_late_extra_wd = s.Quantiles("icpc_late_extra_wd", 1, 200);
    p.plan_duration_days = s.Quantiles("plan_duration_days", 1, kDaysMax);
    p.category = s.WeightTable("category", codes.category);
    p.category_change_percent = s.Percent("category_change_percent");
    p.review_on_time_percent = s.Percent("review_on_time_percent");
    p.review_late_days = s.Quantiles("review_late_days", 1, 365);
    p.plan_end = s.WeightTable("plan_end", kPlanEnd);
    p.step_down_cin_days = s.Quantiles("step_down_cin_days", 1, kDaysMax);
    p.visit_interval_wd = s.Int("visit_interval_wd", 1, 60);
    p.visit_late_percent = s.Percent("visit_late_percent");
    p.visit_late_wd = s.Quantiles("visit_late_wd", 1, 100);
    p.core_group_first_wd = s.Int("core_group_first_wd", 1, 60);
    p.core_group_interval_days = s.Int("core_group_interval_days", 7, 180);
    p.core_group_late_percent = s.Percent("core_group_late_percent");
    p.seen_alone_percent = s.Percent("seen_alone_percent");
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("child_in_need");
    auto& c = profile.child_in_need;
    c.plan_days = s.Quantiles("plan_days", 1, kDaysMax);
    c.disabled_days = s.Quantiles("disabled_days", 1, kDaysMax);
    c.closure_delay_days = s.Quantiles("closure_delay_days", 0, 365);
    c.visit_interval_days = s.Int("visit_interval_days", 7, 180);
    c.visit_late_percent = s.Percent("visit_late_percent");
    c.visit_late_days = s.Quantiles("visit_late_days", 1, 365);
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("care");
    auto& c = profile.care;
    c.routes_under_1 = s.WeightTable("routes_under_1", kRoutes);
    c.routes_1_to_4 = s.WeightTable("routes_1_to_4", kRoutes);
    c.routes_5_to_9 = s.WeightTable("routes_5_to_9", kRoutes);
    c.routes_10_to_15 = s.WeightTable("routes_10_to_15", kRoutes);
    c.routes_16_to_17 = s.WeightTable("routes_16_to_17", kRoutes);
    c.home_days = s.Quantiles("home_days", 1, kDaysMax);
    c.sgo_days = s.Quantiles("sgo_days", 1, kDaysMax);
    c.cao_days = s.Quantiles("cao_days", 1, kDaysMax);
    c.other_days = s.Quantiles("other_days", 1, kDaysMax);
    c.proceedings_days = s.Quantiles("proceedings_days", 14, kDaysMax);
    c.entry_legal_status = s.WeightTable("entry_legal_status", kEntryLegalStatus);
    c.remand_percent_10_plus = s.Percent("remand_percent_10_plus");
    c.home_exit = s.WeightTable("home_exit", kHomeExit);
    c.eighteen_exit = s.WeightTable("eighteen_exit", kEighteenExit);
    c.other_exit = s.WeightTable("other_exit", kOtherExit);
    c.care_order_for_teens_percent = s.Percent("care_order_for_teens_percent");
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("placements");
    auto& p = profile.placements;
    p.first_under_5 = s.WeightTable("first_under_5", kPlacements);
    p.first_5_to_15 = s.WeightTable("first_5_to_15", kPlacements);
    p.first_16_plus = s.WeightTable("first_16_plus", kPlacements);
    p.next_under_5 = s.WeightTable("next_under_5", kPlacements);
    p.next_5_to_15 = s.WeightTable("next_5_to_15", kPlacements);
    p.next_16_plus = s.WeightTable("next_16_plus", kPlacements);
    p.days_under_5 = s.Quantiles("days_under_5", 1, kDaysMax);
    p.days_5_to_11 = s.Quantiles("days_5_to_11", 1, kDaysMax);
    p.days_12_plus = s.Quantiles("days_12_plus", 1, kDaysMax);
    p.unsettled_percent = s.Percent("unsettled_percent");
    p.move_reason = s.WeightTable("move_reason", codes.move_reason);
    p.in_area_percent = s.Percent("in_area_percent");
    p.same_carer_percent = s.Percent("same_carer_percent");
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("adoption");
    auto& a = profile.adoption;
    a.decision_days = s.Quantiles("decision_days", 1, kDaysMax);
    a.match_days = s.Quantiles("match_days", 1, kDaysMax);
    a.placed_days = s.Quantiles("placed_days", 1, kDaysMax);
    a.order_days = s.Quantiles("order_days", 1, kDaysMax);
    a.reversal_percent = s.Percent("reversal_percent");
    a.foster_carer_percent = s.Percent("foster_carer_percent");
    a.consent_percent = s.Percent("consent_percent");
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("looked_after");
    auto& l = profile.looked_after;
    l.first_review_on_time_percent = s.Percent("first_review_on_time_percent");
    l.review_on_time_percent = s.Percent("review_on_time_percent");
    l.review_late_days = s.Quantiles("review_late_days", 1, 365);
    l.participation = s.WeightTable("participation", codes.participation);
    l.visit_interval_days = s.Int("visit_interval_days", 7, 180);
    l.visit_late_percent = s.Percent("visit_late_percent");
    l.visit_late_days = s.Quantiles("visit_late_days", 1, 365);
    l.health_on_time_percent = s.Percent("health_on_time_percent");
    l.dental_percent = s.Percent("dental_percent");
    l.pep_on_time_percent = s.Percent("pep_on_time_percent");
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("missing");
    auto& m = profile.missing;
    m.children_percent = s.Percent("children_percent");
    m.episodes_per_year = s.Number("episodes_per_year", 0, 100);
    m.away_percent = s.Percent("away_percent");
    m.duration_days = s.Quantiles("duration_days", 0, 60);
    m.interview_offered_percent = s.Percent("interview_offered_percent");
    m.interview_accepted_percent = s.Percent("interview_accepted_percent");
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("uasc");
    auto& u = profile.uasc;
    u.starts_per_10k = s.Number("starts_per_10k", 0, 1000);
    u.arrival_age_years = s.Quantiles("arrival_age_years", 10, 17.9);
    u.ethnicity = s.WeightTable("ethnicity", codes.ethnicity);
    u.male_percent = s.Percent("male_percent");
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("care_leavers");
    auto& c = profile.care_leavers;
    c.in_touch_percent = s.Percent("in_touch_percent");
    c.activity = s.WeightTable("activity", codes.activity);
    c.accommodation = s.WeightTable("accommodation", codes.accommodation);
    c.pathway_interval_days = s.Int("pathway_interval_days", 30, 366);
    c.contact_interval_days = s.Int("contact_interval_days", 7, 366);
    c.contact_late_percent = s.Percent("contact_late_percent");
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("ehc");
    auto& e = profile.ehc;
    e.requests_per_10k = s.Number("requests_per_10k", 0, 1000);
    e.assess_percent = s.Percent("assess_percent");
    e.decision_on_time_percent = s.Percent("decision_on_time_percent");
    e.plan_percent = s.Percent("plan_percent");
    e.plan_on_time_percent = s.Percent("plan_on_time_percent");
    e.plan_weeks_late = s.Quantiles("plan_weeks_late", 0, 104);
    s.RejectUnknownKeys();
  }
  {
    Section s = top.Sub("workforce");
    auto& w = profile.workforce;
    w.caseload = s.Number("caseload", 1, 100);
    w.personal_adviser_caseload = s.Number("personal_adviser_caseload", 1, 100);
    w.agency_percent = s.Number("agency_percent", 0, 90);
    w.turnover_percent = s.Number("turnover_percent", 0, 90);
    w.agency_leavers_percent = s.Number("agency_leavers_percent", 0, 400);
    w.front_door_percent = s.Number("front_door_percent", 0, 100);
    w.team_size = s.Int("team_size", 2, 30);
    w.other_changes_per_case_year = s.Number("other_changes_per_case_year", 0, 10);
    w.other_change_reason = s.WeightTable("other_change_reason", codes.sw_reason);
    w.supervision_interval_days = s.Int("supervision_interval_days", 7, 180);
    w.supervision_missed_percent = s.Percent("supervision_missed_percent");
    s.RejectUnknownKeys();
  }
  top.RejectUnknownKeys();
  return profile;
}

}  // namespace

Result<Profile> ParseProfile(std::string_view toml_text, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(const toml::table root, ParseToml(toml_text, source_name));
  const Result<ReturnCodes>& codes = TheReturnCodes();
  if (!codes.ok()) return codes.status();
  std::string error;
  Profile profile = Read(root, source_name, *codes, &error);
  if (!error.empty()) return Status::InvalidArgument(error);
  return profile;
}

std::vector<std::string> BuiltInProfileNames() {
  std::vector<std::string> names;
  constexpr std::string_view kPrefix = "profiles/";
  constexpr std::string_view kSuffix = ".toml";
  for (const embedded::Resource& resource : embedded::Data()) {
    std::string_view path = resource.path;
    if (path.starts_with(kPrefix) && path.ends_with(kSuffix) && path.size() > kPrefix.size() + kSuffix.size()) {
      names.emplace_back(path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<Profile> LoadBuiltInProfile(std::string_view name) {
  const std::string path = "profiles/" + std::string(name) + ".toml";
  const embedded::Resource* resource = embedded::Find(embedded::Data(), path);
  if (resource == nullptr) {
    std::string known;
    for (const std::string& candidate : BuiltInProfileNames()) known += (known.empty() ? "" : ", ") + candidate;
    return Status::NotFound("there is no simulation profile called '" + std::string(name) +
                            "'; Cairn has: " + (known.empty() ? "(none)" : known));
  }
  return ParseProfile(resource->text, std::string(name) + ".toml");
}

}  // namespace cairn::simulate
