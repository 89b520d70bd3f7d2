#include "improvement/plan.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <utility>

#include "base/toml_text.h"

namespace cairn::improvement {
namespace {

constexpr std::array<std::pair<SelfReported, std::string_view>, 4> kStatuses = {{
    {SelfReported::kNotStarted, "not-started"},
    {SelfReported::kOnTrack, "on-track"},
    {SelfReported::kAtRisk, "at-risk"},
    {SelfReported::kComplete, "complete"},
}};

constexpr double kLargestFigure = 1e9;

// A date written as a TOML date (2025-03-31) or as text ("2025-03-31").
Result<Date> DateFrom(const TomlEntry& entry, uint32_t line, std::string_view field, const toml::node& node) {
  if (const auto* date = node.as_date()) {
    const toml::date& d = date->get();
    Result<Date> made = Date::FromYmd(d.year, d.month, d.day);
    if (!made.ok()) return entry.ErrorAt(line, field, made.status().message());
    return *made;
  }
  if (const auto* text = node.as_string()) {
    Result<Date> parsed = Date::ParseIso(text->get());
    if (parsed.ok()) return *parsed;
  }
  return entry.ErrorAt(line, field, "must be a date written YYYY-MM-DD, not " + DescribeTomlValue(node) + ".");
}

Result<Date> RequiredDate(const TomlEntry& entry, std::string_view field) {
  const toml::node* node = entry.table().get(field);
  if (node == nullptr) return entry.Error(field, "is missing; give a date written YYYY-MM-DD.");
  return DateFrom(entry, LineOf(*node), field, *node);
}

Result<std::optional<double>> OptionalNumber(const TomlEntry& entry, std::string_view field) {
  const toml::node* node = entry.table().get(field);
  if (node == nullptr) return std::optional<double>();
  std::optional<double> value;
  if (const auto* number = node->as_floating_point()) value = number->get();
  if (const auto* number = node->as_integer()) value = static_cast<double>(number->get());
  if (!value || !std::isfinite(*value)) {
    return entry.Error(field, "must be a number such as 85 or 12.5, not " + DescribeTomlValue(*node) + ".");
  }
  // A plan's figures are percentages, rates, averages and counts; a bound keeps the trajectory's
  // arithmetic finite.
  if (std::abs(*value) > kLargestFigure) {
    return entry.Error(field, "is beyond any figure a plan measures (at most a billion either side of 0).");
  }
  return value;
}

// The items of a list of inline tables ([{ date = ..., value = ... }, ...]), each checked.
Result<std::vector<const toml::table*>> TableList(const TomlEntry& entry, std::string_view field, std::string_view shape) {
  std::vector<const toml::table*> tables;
  const toml::node* node = entry.table().get(field);
  if (node == nullptr) return tables;
  const toml::array* array = node->as_array();
  if (array == nullptr) return entry.Error(field, "must be a list such as " + std::string(shape) + ".");
  for (const toml::node& item : *array) {
    const auto* table = item.as_table();
    if (table == nullptr) {
      return entry.ErrorAt(LineOf(item), field, "every item must be a table such as " + std::string(shape) + ", not " +
                                                    DescribeTomlValue(item) + ".");
    }
    tables.push_back(table);
  }
  return tables;
}

bool IsPlanId(std::string_view id) {
  return !id.empty() && id.size() <= 40 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
  });
}

struct Parser {
  std::string_view source;
  const indicators::Catalogue& catalogue;
  const timescales::RuleSet& rules;
  std::set<std::string, std::less<>> ids;  // every id in the plan: each names one thing

  Result<std::string> Id(TomlEntry& entry, const std::string& owner) {
    CAIRN_ASSIGN_OR_RETURN(std::string id, entry.RequiredString("id", "every " + owner + " needs an id such as 'R1'."));
    if (!IsPlanId(id)) {
      return entry.Error("id", QuoteText(id) + " is not an id: use letters, digits, '.', '-' and '_' (40 at most).");
    }
    if (!ids.insert(id).second) return entry.Error("id", QuoteText(id) + " is used twice in the plan; ids must differ.");
    return id;
  }

  Result<Measure> ReadMeasure(const toml::table& table, const std::string& label) {
    TomlEntry entry(source, label + ", measure", table);
    Measure measure;
    measure.line = entry.line();
    CAIRN_ASSIGN_OR_RETURN(measure.id, Id(entry, "measure"));
    entry.set_label(label + ", measure " + QuoteText(measure.id));
    CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"id", "indicator", "rule", "window_months", "target", "tolerance",
                                           "trajectory", "baseline", "higher_is_better"},
                                          "a measure"));
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> indicator, entry.OptionalString("indicator"));
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> rule, entry.OptionalString("rule"));
    if (indicator.has_value() == rule.has_value()) {
      return entry.Error(indicator ? "rule" : "indicator",
                         "a measure is either an indicator from the catalogue (indicator = \"...\") or a timescales "
                         "rule (rule = \"...\"): give exactly one.");
    }
    CAIRN_ASSIGN_OR_RETURN(std::optional<bool> higher_is_better, entry.OptionalBool("higher_is_better"));
    if (indicator) {
      const indicators::IndicatorSpec* spec = catalogue.Find(*indicator);
      if (spec == nullptr) {
        return entry.Error("indicator", QuoteText(*indicator) +
                                            " is not in the indicator catalogue (cairn indicators lists them).");
      }
      if (entry.table().get("window_months") != nullptr) {
        return entry.Error("window_months", "is for rules only: an indicator is measured over the twelve months "
                                            "to the as-at date.");
      }
      measure.indicator = *indicator;
      measure.unit = std::string(indicators::UnitName(spec->unit));
      if (!higher_is_better && !spec->higher_is_better) {
        return entry.Error("indicator", QuoteText(*indicator) +
                                            " is neither better higher nor lower in the catalogue; say which with "
                                            "higher_is_better = true or false.");
      }
      measure.higher_is_better = higher_is_better ? *higher_is_better : *spec->higher_is_better;
    } else {
      if (!rules.FindRule(*rule)) {
        return entry.Error("rule", QuoteText(*rule) + " is not a timescales rule (data/timescales/england.toml).");
      }
      measure.rule = *rule;
      measure.unit = "percent";
      if (higher_is_better && !*higher_is_better) {
        return entry.Error("higher_is_better", "a rule's measure is the share of deadlines met on time: higher is "
                                               "always better.");
      }
      CAIRN_ASSIGN_OR_RETURN(std::optional<int> window,
                             entry.OptionalInteger("window_months", 1, 24, "a number of months"));
      if (window) measure.window_months = *window;
    }

    CAIRN_ASSIGN_OR_RETURN(std::optional<double> target, OptionalNumber(entry, "target"));
    if (!target) return entry.Error("target", "is missing; give the value the measure is to reach.");
    measure.target = *target;
    CAIRN_ASSIGN_OR_RETURN(std::optional<double> tolerance, OptionalNumber(entry, "tolerance"));
    if (tolerance && *tolerance < 0) return entry.Error("tolerance", "cannot be below 0.");
    measure.tolerance = tolerance ? *tolerance
                                  : (measure.unit == "percent" ? 5.0 : std::abs(measure.target) * 0.05);
    CAIRN_ASSIGN_OR_RETURN(measure.baseline, OptionalNumber(entry, "baseline"));

    CAIRN_ASSIGN_OR_RETURN(std::vector<const toml::table*> points,
                           TableList(entry, "trajectory", "[{ date = 2025-03-31, value = 80 }]"));
    for (const toml::table* point : points) {
      TomlEntry item(source, entry.label() + ", trajectory point", *point);
      CAIRN_RETURN_IF_ERROR(item.CheckKeys({"date", "value"}, "a trajectory point"));
      CAIRN_ASSIGN_OR_RETURN(Date date, RequiredDate(item, "date"));
      CAIRN_ASSIGN_OR_RETURN(std::optional<double> value, OptionalNumber(item, "value"));
      if (!value) return item.Error("value", "is missing; give the value expected by " + date.ToIso() + ".");
      if (!measure.trajectory.empty() && date <= measure.trajectory.back().date) {
        return item.Error("date", date.ToIso() + " is not after the point before it (" +
                                      measure.trajectory.back().date.ToIso() +
                                      "): a trajectory's dates must rise.");
      }
      measure.trajectory.push_back({date, *value});
    }
    return measure;
  }

  Result<Action> ReadAction(const toml::table& table, const std::string& label, const Recommendation& owner) {
    TomlEntry entry(source, label + ", action", table);
    Action action;
    action.line = entry.line();
    CAIRN_ASSIGN_OR_RETURN(action.id, Id(entry, "action"));
    entry.set_label(label + ", action " + QuoteText(action.id));
    CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"id", "text", "owner", "due", "status", "notes", "measures"}, "an action"));
    CAIRN_ASSIGN_OR_RETURN(action.text, entry.RequiredString("text", "say what will be done."));
    CAIRN_ASSIGN_OR_RETURN(action.owner, entry.RequiredString("owner", "name who is responsible."));
    CAIRN_ASSIGN_OR_RETURN(action.due, RequiredDate(entry, "due"));
    CAIRN_ASSIGN_OR_RETURN(std::string status,
                           entry.RequiredString("status", "give not-started, on-track, at-risk or complete."));
    const std::optional<SelfReported> reported = SelfReportedFromName(status);
    if (!reported) {
      return entry.Error("status", QuoteText(status) + " is not a status; use not-started, on-track, at-risk or complete.");
    }
    action.status = *reported;
    if (const toml::node* measures = table.get("measures")) {
      CAIRN_ASSIGN_OR_RETURN(action.measures, entry.StringList("measures", *measures));
      for (const std::string& id : action.measures) {
        const bool found = std::any_of(owner.measures.begin(), owner.measures.end(),
                                       [&](const Measure& measure) { return measure.id == id; });
        if (!found) {
          return entry.Error("measures", QuoteText(id) + " is not a measure of recommendation " + QuoteText(owner.id) +
                                             " (its measures are given before its actions).");
        }
      }
    }
    CAIRN_ASSIGN_OR_RETURN(std::vector<const toml::table*> notes,
                           TableList(entry, "notes", "[{ date = 2025-01-15, text = \"...\" }]"));
    for (const toml::table* note_table : notes) {
      TomlEntry item(source, entry.label() + ", note", *note_table);
      CAIRN_RETURN_IF_ERROR(item.CheckKeys({"date", "text"}, "a note"));
      Note note;
      CAIRN_ASSIGN_OR_RETURN(note.date, RequiredDate(item, "date"));
      CAIRN_ASSIGN_OR_RETURN(note.text, item.RequiredString("text", "say what happened."));
      action.notes.push_back(std::move(note));
    }
    return action;
  }

  Result<Recommendation> ReadRecommendation(const toml::table& table) {
    TomlEntry entry(source, "recommendation", table);
    Recommendation recommendation;
    recommendation.line = entry.line();
    CAIRN_ASSIGN_OR_RETURN(recommendation.id, Id(entry, "recommendation"));
    const std::string label = "recommendation " + QuoteText(recommendation.id);
    entry.set_label(label);
    CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"id", "text", "measure", "action"}, "a recommendation"));
    CAIRN_ASSIGN_OR_RETURN(recommendation.text,
                           entry.RequiredString("text", "give the recommendation as the inspection report words it."));
    CAIRN_ASSIGN_OR_RETURN(std::vector<const toml::table*> measures,
                           TableList(entry, "measure", "[[recommendation.measure]] tables"));
    for (const toml::table* measure : measures) {
      CAIRN_ASSIGN_OR_RETURN(Measure read, ReadMeasure(*measure, label));
      recommendation.measures.push_back(std::move(read));
    }
    CAIRN_ASSIGN_OR_RETURN(std::vector<const toml::table*> actions,
                           TableList(entry, "action", "[[recommendation.action]] tables"));
    for (const toml::table* action : actions) {
      CAIRN_ASSIGN_OR_RETURN(Action read, ReadAction(*action, label, recommendation));
      recommendation.actions.push_back(std::move(read));
    }
    if (recommendation.actions.empty()) {
      return entry.Error("action", "a recommendation needs at least one [[recommendation.action]].");
    }
    if (recommendation.measures.empty()) {
      return entry.Error("measure", "a recommendation needs at least one [[recommendation.measure]] to show progress.");
    }
    return recommendation;
  }
};

}  // namespace

std::string_view SelfReportedName(SelfReported status) {
  for (const auto& [value, name] : kStatuses) {
    if (value == status) return name;
  }
  return "not-started";
}

std::optional<SelfReported> SelfReportedFromName(std::string_view name) {
  for (const auto& [value, known] : kStatuses) {
    if (known == name) return value;
  }
  return std::nullopt;
}

Result<Plan> ParsePlan(std::string_view toml_text, std::string_view source_name, const indicators::Catalogue& catalogue,
                       const timescales::RuleSet& rules) {
  CAIRN_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, source_name));
  TomlEntry top(source_name, "the plan", root);
  top.set_label("the plan");
  CAIRN_RETURN_IF_ERROR(top.CheckKeys({"title", "recommendation"}, "an improvement plan"));
  Plan plan;
  CAIRN_ASSIGN_OR_RETURN(plan.title, top.RequiredString("title", "give the plan a title."));
  Parser parser{source_name, catalogue, rules, {}};
  const toml::node* recommendations = root.get("recommendation");
  const toml::array* array = recommendations == nullptr ? nullptr : recommendations->as_array();
  if (array == nullptr || array->empty()) {
    return Status::InvalidArgument(std::string(source_name) +
                                   ": the plan has no [[recommendation]] entries; give at least one.");
  }
  for (const toml::node& node : *array) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(LineOf(node)) +
                                     ": each recommendation must be a [[recommendation]] table.");
    }
    CAIRN_ASSIGN_OR_RETURN(Recommendation recommendation, parser.ReadRecommendation(*table));
    plan.recommendations.push_back(std::move(recommendation));
  }
  return plan;
}

}  // namespace cairn::improvement
