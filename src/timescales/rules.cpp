#include "timescales/rules.h"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include "base/embedded.h"
#include "base/toml_text.h"

namespace cairn::timescales {
namespace {

using model::EventKind;

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

constexpr std::array<std::string_view, kTriggerCount> kTriggerNames = {
    "referral",  "section-47", "cp-plan",  "period-of-care", "placement", "missing-return",
    "left-care", "ehc-request", "ehc-plan", "open-case",      "child",     "direction", "audit-action"};

}  // namespace

std::optional<EventKind> TriggerEventKind(Trigger trigger) {
  switch (trigger) {
    case Trigger::kReferral: return EventKind::kCinEpisode;
    case Trigger::kSection47: return EventKind::kSection47;
    case Trigger::kCpPlan: return EventKind::kCpPlan;
    case Trigger::kPeriodOfCare:
    case Trigger::kPlacement:
    case Trigger::kLeftCare: return EventKind::kLookedAfterEpisode;
    case Trigger::kMissingReturn: return EventKind::kMissing;
    case Trigger::kEhcRequest: return EventKind::kEhcRequest;
    case Trigger::kEhcPlan: return EventKind::kEhcPlan;
    case Trigger::kDirection: return EventKind::kDirection;
    case Trigger::kAuditAction: return EventKind::kAuditAction;
    case Trigger::kOpenCase:
    case Trigger::kChild: return std::nullopt;
  }
  return std::nullopt;
}

namespace {

// The name of the trigger's own end in `stops`, or "" when it has none.
std::string_view TriggerEndName(Trigger trigger) {
  switch (trigger) {
    case Trigger::kReferral:
    case Trigger::kSection47: return "episode-closes";
    case Trigger::kCpPlan:
    case Trigger::kEhcPlan: return "plan-ends";
    case Trigger::kPeriodOfCare: return "period-of-care-ends";
    case Trigger::kPlacement: return "placement-ends";
    case Trigger::kLeftCare: return "returns-to-care";
    case Trigger::kOpenCase: return "case-closes";
    case Trigger::kMissingReturn:
    case Trigger::kEhcRequest:
    case Trigger::kDirection:
    case Trigger::kAuditAction:
    case Trigger::kChild: return "";
  }
  return "";
}

struct SignalName {
  std::string_view id;
  SignalKind kind;
  bool threshold, count, window;  // which parameters it needs
};
constexpr std::array<SignalName, kSignalKindCount> kSignalNames = {{
    {"drift.cp-plan-18m", SignalKind::kCpPlan18m, true, false, false},
    {"drift.cp-plan-2y", SignalKind::kCpPlan2y, true, false, false},
    {"drift.repeat-cp-2y", SignalKind::kRepeatCp2y, false, false, true},
    {"drift.re-referral-12m", SignalKind::kReReferral12m, false, false, true},
    {"drift.placement-moves-3-12m", SignalKind::kPlacementMoves, false, true, true},
    {"drift.sw-changes-3-12m", SignalKind::kSocialWorkerChanges, false, true, true},
    {"drift.unallocated-5wd", SignalKind::kUnallocated, true, false, false},
    {"drift.s20-over-6m", SignalKind::kSection20, true, false, false},
    {"drift.missing-3-90d", SignalKind::kMissing, false, true, true},
    {"drift.adoption-entry-to-placement-426d", SignalKind::kAdoptionEntryToPlacement, true, false, false},
    {"drift.adoption-order-to-match-121d", SignalKind::kAdoptionDecisionToMatch, true, false, false},
    {"drift.many-overdue", SignalKind::kManyOverdue, false, true, false},
}};

// Reads one table of the file ([[rule]], [[signal]], [settings], an override) and words its
// errors: "FILE line N: rule 'ID', field 'F': problem".
using Reader = TomlEntry;

Result<std::optional<Interval>> OptionalInterval(const Reader& reader, std::string_view field) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> text, reader.OptionalString(field));
  if (!text) return std::optional<Interval>();
  Result<Interval> interval = Interval::Parse(*text);
  if (!interval.ok()) return reader.Error(field, interval.status().message());
  return std::optional<Interval>(*interval);
}

Result<std::vector<const toml::table*>> TablesOf(const toml::table& root, std::string_view key,
                                                 std::string_view source) {
  std::vector<const toml::table*> tables;
  const toml::node* node = root.get(key);
  if (node == nullptr) return tables;
  const toml::array* array = node->as_array();
  const std::string where = std::string(source) + " line " + std::to_string(LineOf(*node)) + ": " + QuoteText(key);
  if (array == nullptr) {
    return Status::InvalidArgument(where + " must be a list of [[" + std::string(key) + "]] entries.");
  }
  for (const toml::node& item : *array) {
    const toml::table* table = item.as_table();
    if (table == nullptr) return Status::InvalidArgument(where + " must be a list of [[" + std::string(key) + "]] entries.");
    tables.push_back(table);
  }
  return tables;
}

std::string KnownFields(EventKind kind) {
  const model::EventKindSpec& spec = model::Spec(kind);
  std::string known;
  for (const model::FieldSpec& field : spec.fields) known += (known.empty() ? "" : ", ") + std::string(field.name);
  return known.empty() ? "none" : known;
}

// `{ field = ["value", ...], ... }` conditions on events of `kind`.
Result<std::vector<FieldCondition>> ParseConditions(const Reader& reader, std::string_view field,
                                                    const toml::node& node, EventKind kind) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return reader.Error(field, "must be a table of field names and values, such as { purpose = [\"cp\"] }, not " +
                                   DescribeTomlValue(node) + ".");
  }
  std::vector<FieldCondition> conditions;
  for (const auto& [key, value] : *table) {
    const std::optional<model::FieldType> type = model::FieldTypeOf(kind, key.str());
    if (!type) {
      return reader.Error(field, QuoteText(key.str()) + " is not a field of " + QuoteText(model::IdOf(kind)) +
                                     " events; its fields are " + KnownFields(kind) + ".");
    }
    CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> values, reader.StringList(field, value));
    if (values.empty()) return reader.Error(field, "the values for " + QuoteText(key.str()) + " are an empty list.");
    conditions.push_back({std::string(key.str()), std::move(values)});
  }
  return conditions;
}

Result<Satisfier> ParseSatisfier(const toml::table& table, size_t index,
                                 const Rule& rule, std::string_view source) {
  Reader reader(source, "rule " + QuoteText(rule.id) + ", satisfied_by item " + std::to_string(index + 1), table);
  Satisfier satisfier;
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> field, reader.OptionalString("field"));
  if (field) {
    CAIRN_RETURN_IF_ERROR(reader.CheckKeys({"field"}));
    const std::optional<EventKind> trigger_kind = TriggerEventKind(rule.trigger);
    if (!trigger_kind) {
      return reader.Error("field", "trigger " + QuoteText(TriggerName(rule.trigger)) +
                                       " is not a single event, so it has no fields to read.");
    }
    if (model::FieldTypeOf(*trigger_kind, *field) != model::FieldType::kDate) {
      return reader.Error("field", QuoteText(*field) + " is not a date field of " + QuoteText(model::IdOf(*trigger_kind)) +
                                       " events; its fields are " + KnownFields(*trigger_kind) + ".");
    }
    satisfier.trigger_field = *field;
    return satisfier;
  }
  CAIRN_RETURN_IF_ERROR(reader.CheckKeys({"kind", "where", "unless", "date", "of", "carried_by", "field"}));
  CAIRN_ASSIGN_OR_RETURN(std::string kind_id,
                         reader.RequiredString("kind", "give the kind of event that satisfies the rule, such as \"visit\"."));
  Result<EventKind> kind = model::EventKindFromId(kind_id);
  if (!kind.ok()) return reader.Error("kind", kind.status().message() + ".");
  satisfier.kind = *kind;
  if (const toml::node* where = table.get("where")) {
    CAIRN_ASSIGN_OR_RETURN(satisfier.where, ParseConditions(reader, "where", *where, *kind));
  }
  if (const toml::node* unless = table.get("unless")) {
    CAIRN_ASSIGN_OR_RETURN(satisfier.unless, ParseConditions(reader, "unless", *unless, *kind));
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> date, reader.OptionalString("date"));
  if (date && *date != "start" && *date != "end") {
    return reader.Error("date", QuoteText(*date) + " is not start or end.");
  }
  satisfier.use_end_date = date == "end";
  if (satisfier.use_end_date && model::Spec(*kind).end_field.empty()) {
    return reader.Error("date", QuoteText(kind_id) + " events have no end date.");
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> of, reader.OptionalString("of"));
  if (of) {
    if (*of != "trigger") return reader.Error("of", QuoteText(*of) + " is not understood; the only choice is \"trigger\".");
    const std::optional<EventKind> trigger_kind = TriggerEventKind(rule.trigger);
    bool nests = false;
    for (std::optional<EventKind> parent = model::Spec(*kind).parent; parent; parent = model::Spec(*parent).parent) {
      if (trigger_kind && *parent == *trigger_kind) nests = true;
    }
    if (!nests) {
      return reader.Error("of", QuoteText(kind_id) + " events are never nested under the trigger " +
                                    QuoteText(TriggerName(rule.trigger)) + ".");
    }
    satisfier.nested_in_trigger = true;
  }
  if (const toml::node* carried_by = table.get("carried_by")) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> sources, reader.StringList("carried_by", *carried_by));
    satisfier.carried_by = std::move(sources);
  }
  return satisfier;
}

Result<Rule> ParseRule(const toml::table& table, size_t index, std::string_view source) {
  Reader reader(source, "rule " + std::to_string(index + 1), table);
  Rule rule;
  rule.line = LineOf(table);
  CAIRN_ASSIGN_OR_RETURN(std::string id, reader.RequiredString("id", "every rule needs a stable id such as \"cp.visit\"."));
  reader.set_label("rule " + QuoteText(id));
  const bool id_ok = std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
  if (!id_ok) return reader.Error("id", "ids use lower-case letters, digits, '.' and '-' only.");
  rule.id = id;
  CAIRN_RETURN_IF_ERROR(reader.CheckKeys({"id", "title", "source", "local", "maximum", "trigger", "trigger_where",
                                          "trigger_unless", "placements", "age_from", "age_under", "starts_at",
                                          "satisfied_by", "interval", "interval_under_age", "recurrence",
                                          "applies_from", "applies_until", "applies_until_for", "stops",
                                          "starts_at_kind"}));
  CAIRN_ASSIGN_OR_RETURN(rule.title, reader.RequiredString("title", "say in plain English what must happen."));
  CAIRN_ASSIGN_OR_RETURN(rule.source, reader.RequiredString("source", "cite the law or guidance, such as \"CPPCR 2010 reg 33(1)\"."));
  CAIRN_ASSIGN_OR_RETURN(const std::optional<bool> local, reader.OptionalBool("local"));
  rule.local = local.value_or(false);
  CAIRN_ASSIGN_OR_RETURN(rule.maximum, OptionalInterval(reader, "maximum"));
  if (rule.maximum && !rule.local) return reader.Error("maximum", "only a local rule has a maximum; this rule is set nationally.");

  CAIRN_ASSIGN_OR_RETURN(std::string trigger, reader.RequiredString("trigger", "say what starts the clock, such as \"cp-plan\"."));
  const auto found = std::find(kTriggerNames.begin(), kTriggerNames.end(), trigger);
  if (found == kTriggerNames.end()) {
    std::string known;
    for (std::string_view name : kTriggerNames) known += (known.empty() ? "" : ", ") + std::string(name);
    return reader.Error("trigger", QuoteText(trigger) + " is not a trigger Cairn knows; use one of " + known + ".");
  }
  rule.trigger = static_cast<Trigger>(found - kTriggerNames.begin());
  const std::optional<EventKind> trigger_kind = TriggerEventKind(rule.trigger);
  for (std::string_view key : {std::string_view("trigger_where"), std::string_view("trigger_unless")}) {
    const toml::node* node = table.get(key);
    if (node == nullptr) continue;
    if (!trigger_kind) {
      return reader.Error(key, "trigger " + QuoteText(trigger) + " is not a single event, so it has no fields to test.");
    }
    CAIRN_ASSIGN_OR_RETURN(std::vector<FieldCondition> conditions, ParseConditions(reader, key, *node, *trigger_kind));
    (key == "trigger_where" ? rule.trigger_where : rule.trigger_unless) = std::move(conditions);
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> placements, reader.OptionalString("placements"));
  if (placements) {
    if (rule.trigger != Trigger::kPlacement) return reader.Error("placements", "applies only to the \"placement\" trigger.");
    if (*placements == "any") rule.placements = PlacementFilter::kAny;
    else if (*placements == "long-term") rule.placements = PlacementFilter::kLongTerm;
    else if (*placements == "not-long-term") rule.placements = PlacementFilter::kNotLongTerm;
    else return reader.Error("placements", QuoteText(*placements) + " is not any, long-term or not-long-term.");
  }
  CAIRN_ASSIGN_OR_RETURN(rule.age_from, reader.OptionalInteger("age_from", 0, 30));
  CAIRN_ASSIGN_OR_RETURN(rule.age_under, reader.OptionalInteger("age_under", 1, 30));
  if (rule.age_from && rule.age_under && *rule.age_under <= *rule.age_from) {
    return reader.Error("age_under", "must be more than age_from.");
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> starts_at, reader.OptionalString("starts_at"));
  if (starts_at) {
    if (*starts_at == "trigger") rule.starts_at = 0;
    else if (*starts_at == "first") rule.starts_at = 1;
    else if (*starts_at == "second") rule.starts_at = 2;
    else if (*starts_at == "third") rule.starts_at = 3;
    else return reader.Error("starts_at", QuoteText(*starts_at) + " is not trigger, first, second or third.");
  }

  const toml::node* satisfied_by = table.get("satisfied_by");
  if (satisfied_by == nullptr) {
    return reader.Error("satisfied_by", "is missing; list what satisfies the rule, such as [{ kind = \"visit\" }] "
                                        "(an empty list [] when no source records it yet).");
  }
  const toml::array* alternatives = satisfied_by->as_array();
  if (alternatives == nullptr) {
    return reader.Error("satisfied_by", "must be a list such as [{ kind = \"visit\" }], not " + DescribeTomlValue(*satisfied_by) + ".");
  }
  for (size_t i = 0; i < alternatives->size(); ++i) {
    const toml::table* item = alternatives->get(i)->as_table();
    if (item == nullptr) return reader.Error("satisfied_by", "item " + std::to_string(i + 1) + " is not a table { kind = ... }.");
    CAIRN_ASSIGN_OR_RETURN(Satisfier satisfier, ParseSatisfier(*item, i, rule, source));
    rule.satisfied_by.push_back(std::move(satisfier));
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> starts_at_kind, reader.OptionalString("starts_at_kind"));
  if (starts_at_kind) {
    if (rule.starts_at == 0) return reader.Error("starts_at_kind", "needs starts_at = \"first\", \"second\" or \"third\".");
    Result<EventKind> kind = model::EventKindFromId(*starts_at_kind);
    if (!kind.ok()) return reader.Error("starts_at_kind", kind.status().message() + ".");
    rule.starts_at_kind = *kind;
  }
  if (rule.starts_at > 0 && rule.satisfied_by.empty() && !rule.starts_at_kind) {
    return reader.Error("starts_at", "a clock that starts at a satisfying event needs satisfied_by to name one "
                                     "(or starts_at_kind to say which events to count).");
  }

  CAIRN_ASSIGN_OR_RETURN(std::optional<Interval> interval, OptionalInterval(reader, "interval"));
  if (!interval) return reader.Error("interval", "is missing; give the time allowed, such as \"20 working days\".");
  rule.interval = *interval;
  if (const toml::node* bands = table.get("interval_under_age")) {
    const toml::array* array = bands->as_array();
    if (array == nullptr) return reader.Error("interval_under_age", "must be a list such as [{ under = 5, interval = \"6 months\" }].");
    for (const toml::node& item : *array) {
      const toml::table* band_table = item.as_table();
      if (band_table == nullptr) return reader.Error("interval_under_age", "every item must be { under = AGE, interval = \"...\" }.");
      Reader band(source, "rule " + QuoteText(rule.id) + ", interval_under_age", *band_table);
      CAIRN_RETURN_IF_ERROR(band.CheckKeys({"under", "interval"}));
      CAIRN_ASSIGN_OR_RETURN(std::optional<int> under, band.OptionalInteger("under", 1, 30));
      if (!under) return band.Error("under", "is missing; give the age the interval applies under.");
      CAIRN_ASSIGN_OR_RETURN(std::optional<Interval> band_interval, OptionalInterval(band, "interval"));
      if (!band_interval) return band.Error("interval", "is missing.");
      if (!rule.interval_under_age.empty() && rule.interval_under_age.back().under >= *under) {
        return band.Error("under", "list the age bands youngest first.");
      }
      rule.interval_under_age.push_back({*under, *band_interval});
    }
  }
  CAIRN_ASSIGN_OR_RETURN(std::string recurrence, reader.RequiredString("recurrence", "use \"once\" or \"after-each\"."));
  if (recurrence == "once") rule.recurrence = Recurrence::kOnce;
  else if (recurrence == "after-each") rule.recurrence = Recurrence::kAfterEach;
  else return reader.Error("recurrence", QuoteText(recurrence) + " is not once or after-each.");

  CAIRN_ASSIGN_OR_RETURN(rule.applies_from, OptionalInterval(reader, "applies_from"));
  CAIRN_ASSIGN_OR_RETURN(rule.applies_until, OptionalInterval(reader, "applies_until"));
  if ((rule.applies_from || rule.applies_until) && rule.recurrence != Recurrence::kAfterEach) {
    return reader.Error(rule.applies_from ? "applies_from" : "applies_until",
                        "applies only to \"after-each\" rules (it chooses which intervals belong to the rule).");
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> until_for, reader.OptionalString("applies_until_for"));
  if (until_for) {
    if (*until_for != "long-term") return reader.Error("applies_until_for", QuoteText(*until_for) + " is not understood; use \"long-term\".");
    if (rule.trigger != Trigger::kPlacement) return reader.Error("applies_until_for", "applies only to the \"placement\" trigger.");
    if (!rule.applies_until) return reader.Error("applies_until_for", "needs applies_until.");
    rule.applies_until_long_term_only = true;
  }

  const toml::node* stops = table.get("stops");
  if (stops != nullptr) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> names, reader.StringList("stops", *stops));
    const std::string_view own_end = TriggerEndName(rule.trigger);
    for (const std::string& name : names) {
      if (!own_end.empty() && name == own_end) {
        rule.stops_with_trigger = true;
        continue;
      }
      if (name.rfind("turns-", 0) == 0) {
        int age = 0;
        const char* first = name.data() + 6;
        const char* last = name.data() + name.size();
        const auto [end, error] = std::from_chars(first, last, age);
        if (error == std::errc() && end == last && age >= 1 && age <= 30) {
          rule.stops_at_age = age;
          continue;
        }
      }
      std::string hint = own_end.empty() ? "trigger " + QuoteText(trigger) + " has no end of its own; use an age such as \"turns-18\"."
                                         : "use " + QuoteText(own_end) + " (the end of trigger " + QuoteText(trigger) +
                                               ") and/or an age such as \"turns-18\".";
      return reader.Error("stops", QuoteText(name) + " does not stop this rule; " + hint);
    }
  }
  return rule;
}

Result<Signal> ParseSignal(const toml::table& table, size_t index, std::string_view source) {
  Reader reader(source, "signal " + std::to_string(index + 1), table);
  Signal signal;
  signal.line = LineOf(table);
  CAIRN_ASSIGN_OR_RETURN(signal.id, reader.RequiredString("id", "every signal needs an id such as \"drift.cp-plan-2y\"."));
  reader.set_label("signal " + QuoteText(signal.id));
  const auto found = std::find_if(kSignalNames.begin(), kSignalNames.end(),
                                  [&](const SignalName& name) { return name.id == signal.id; });
  if (found == kSignalNames.end()) {
    std::string known;
    for (const SignalName& name : kSignalNames) known += (known.empty() ? "" : ", ") + std::string(name.id);
    return reader.Error("id", "Cairn has no logic for a signal called " + QuoteText(signal.id) + "; it knows " + known + ".");
  }
  signal.kind = found->kind;
  CAIRN_RETURN_IF_ERROR(reader.CheckKeys({"id", "title", "source", "local", "threshold", "count", "window"}));
  CAIRN_ASSIGN_OR_RETURN(signal.title, reader.RequiredString("title", "say in plain English what the signal means."));
  CAIRN_ASSIGN_OR_RETURN(signal.source, reader.RequiredString("source", "say where the measure comes from."));
  CAIRN_ASSIGN_OR_RETURN(const std::optional<bool> local, reader.OptionalBool("local"));
  signal.local = local.value_or(false);
  CAIRN_ASSIGN_OR_RETURN(signal.threshold, OptionalInterval(reader, "threshold"));
  CAIRN_ASSIGN_OR_RETURN(signal.count, reader.OptionalInteger("count", 1, 1000));
  CAIRN_ASSIGN_OR_RETURN(signal.window, OptionalInterval(reader, "window"));
  const std::pair<const char*, bool> parameters[] = {
      {"threshold", found->threshold}, {"count", found->count}, {"window", found->window}};
  const bool present[] = {signal.threshold.has_value(), signal.count.has_value(), signal.window.has_value()};
  for (size_t i = 0; i < 3; ++i) {
    if (parameters[i].second && !present[i]) {
      return reader.Error(parameters[i].first, "is missing; this signal needs it.");
    }
    if (!parameters[i].second && present[i]) {
      return reader.Error(parameters[i].first, "this signal does not use it.");
    }
  }
  return signal;
}

Result<Settings> ParseSettings(const toml::table& root, std::string_view source) {
  const toml::node* node = root.get("settings");
  if (node == nullptr || !node->is_table()) {
    return Status::InvalidArgument(std::string(source) + ": the file needs a [settings] table (see england.toml).");
  }
  Reader reader(source, "[settings]", *node->as_table());
  CAIRN_RETURN_IF_ERROR(reader.CheckKeys({"short_break_legal_statuses", "section20_legal_statuses",
                                          "new_period_reasons", "continuing_reasons_ceased",
                                          "placement_change_reasons", "long_term_placements", "adoption_placements",
                                          "missing_codes"}));
  Settings settings;
  CAIRN_ASSIGN_OR_RETURN(settings.short_break_legal_statuses, reader.RequiredStringList("short_break_legal_statuses"));
  CAIRN_ASSIGN_OR_RETURN(settings.section20_legal_statuses, reader.RequiredStringList("section20_legal_statuses"));
  CAIRN_ASSIGN_OR_RETURN(settings.new_period_reasons, reader.RequiredStringList("new_period_reasons"));
  CAIRN_ASSIGN_OR_RETURN(settings.continuing_reasons_ceased, reader.RequiredStringList("continuing_reasons_ceased"));
  CAIRN_ASSIGN_OR_RETURN(settings.placement_change_reasons, reader.RequiredStringList("placement_change_reasons"));
  CAIRN_ASSIGN_OR_RETURN(settings.long_term_placements, reader.RequiredStringList("long_term_placements"));
  CAIRN_ASSIGN_OR_RETURN(settings.adoption_placements, reader.RequiredStringList("adoption_placements"));
  CAIRN_ASSIGN_OR_RETURN(settings.missing_codes, reader.RequiredStringList("missing_codes"));
  return settings;
}

// Whether `interval` can ever end later than `maximum` from the same start: every start day
// over four years (a leap cycle) is tried, so "9 weeks" exceeds "2 months" and "8 weeks" does not.
bool Exceeds(const Interval& interval, const Interval& maximum, const WorkingDayCalendar& calendar) {
  const Date first = Date::FromYmdOrDie(2023, 1, 1);
  for (int day = 0; day < 1461; ++day) {
    const Date from = first.AddDays(day);
    if (interval.After(from, calendar) > maximum.After(from, calendar)) return true;
  }
  return false;
}

}  // namespace

std::string_view TriggerName(Trigger trigger) { return kTriggerNames[static_cast<size_t>(trigger)]; }

Result<Interval> Interval::Parse(std::string_view text) {
  const std::string problem = QuoteText(text) +
                              " is not an interval; write a number and a unit, such as \"20 working days\", "
                              "\"6 weeks\" or \"3 months\".";
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0 || i > 5) return Status::InvalidArgument(problem);
  Interval interval;
  std::from_chars(text.data(), text.data() + i, interval.count);
  if (interval.count > 10000) return Status::InvalidArgument(problem);
  if (i >= text.size() || text[i] != ' ') return Status::InvalidArgument(problem);
  const std::string unit = Lower(text.substr(i + 1));
  auto is = [&](std::string_view singular) { return unit == singular || unit == std::string(singular) + "s"; };
  if (is("working day")) interval.unit = IntervalUnit::kWorkingDays;
  else if (is("day")) interval.unit = IntervalUnit::kDays;
  else if (is("week")) interval.unit = IntervalUnit::kWeeks;
  else if (is("month")) interval.unit = IntervalUnit::kMonths;
  else if (is("year")) interval.unit = IntervalUnit::kYears;
  else if (is("hour")) interval.unit = IntervalUnit::kHours;
  else return Status::InvalidArgument(problem);
  return interval;
}

Date Interval::After(Date from, const WorkingDayCalendar& calendar) const {
  switch (unit) {
    case IntervalUnit::kWorkingDays: return calendar.Add(from, count);
    case IntervalUnit::kDays: return from.AddDays(count);
    case IntervalUnit::kWeeks: return from.AddWeeks(count);
    case IntervalUnit::kMonths: return from.AddMonths(count);
    case IntervalUnit::kYears: return from.AddYears(count);
    case IntervalUnit::kHours: return from.AddDays((count + 23) / 24);
  }
  return from;
}

Date Interval::Before(Date to, const WorkingDayCalendar& calendar) const {
  switch (unit) {
    case IntervalUnit::kWorkingDays: return calendar.Add(to, -count);
    case IntervalUnit::kDays: return to.AddDays(-count);
    case IntervalUnit::kWeeks: return to.AddWeeks(-count);
    case IntervalUnit::kMonths: return to.AddMonths(-count);
    case IntervalUnit::kYears: return to.AddYears(-count);
    case IntervalUnit::kHours: return to.AddDays(-((count + 23) / 24));
  }
  return to;
}

std::string Interval::ToString() const {
  static constexpr std::array<std::string_view, 6> kUnits = {"working day", "day", "week", "month", "year", "hour"};
  std::string text = std::to_string(count) + " " + std::string(kUnits[static_cast<size_t>(unit)]);
  if (count != 1) text += "s";
  return text;
}

const Interval& Rule::IntervalStarting(Date from, std::optional<Date> birth) const {
  if (birth && !interval_under_age.empty()) {
    const int age = from.AgeInYears(*birth);
    for (const AgeInterval& band : interval_under_age) {
      if (age < band.under) return band.interval;
    }
  }
  return interval;
}

Result<RuleSet> RuleSet::FromToml(std::string_view toml_text, std::string_view source_name,
                                  const WorkingDayCalendar& calendar) {
  CAIRN_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, source_name));
  for (const auto& [key, node] : root) {
    const std::string_view name = key.str();
    if (name != "sources" && name != "settings" && name != "rule" && name != "signal") {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(key.source().begin.line) +
                                     ": " + QuoteText(name) +
                                     " is not part of a rules file; use [sources], [settings], [[rule]] or [[signal]].");
    }
  }
  RuleSet set;
  CAIRN_ASSIGN_OR_RETURN(set.settings_, ParseSettings(root, source_name));

  const toml::node* sources = root.get("sources");
  if (sources == nullptr || !sources->is_table()) {
    return Status::InvalidArgument(std::string(source_name) +
                                   ": the file needs a [sources] table saying which event kinds each source carries.");
  }
  Reader sources_reader(source_name, "[sources]", *sources->as_table());
  for (const auto& [key, node] : *sources->as_table()) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> kinds, sources_reader.StringList(key.str(), node));
    std::vector<bool> carries(model::AllEventKinds().size(), false);
    for (const std::string& kind_id : kinds) {
      if (kind_id == "*") {
        std::fill(carries.begin(), carries.end(), true);
        continue;
      }
      Result<EventKind> kind = model::EventKindFromId(kind_id);
      if (!kind.ok()) return sources_reader.Error(key.str(), kind.status().message() + ".");
      carries[static_cast<size_t>(*kind)] = true;
    }
    set.source_names_.emplace_back(key.str());
    set.carries_.push_back(std::move(carries));
  }

  CAIRN_ASSIGN_OR_RETURN(std::vector<const toml::table*> rule_tables, TablesOf(root, "rule", source_name));
  if (rule_tables.empty()) return Status::InvalidArgument(std::string(source_name) + ": the file has no [[rule]] entries.");
  for (size_t i = 0; i < rule_tables.size(); ++i) {
    CAIRN_ASSIGN_OR_RETURN(Rule rule, ParseRule(*rule_tables[i], i, source_name));
    if (set.FindRule(rule.id)) {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(rule.line) + ": rule " +
                                     QuoteText(rule.id) + ", field 'id': another rule already has this id.");
    }
    for (const Satisfier& satisfier : rule.satisfied_by) {
      if (!satisfier.carried_by) continue;
      for (const std::string& name : *satisfier.carried_by) {
        if (std::find(set.source_names_.begin(), set.source_names_.end(), name) == set.source_names_.end()) {
          return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(rule.line) + ": rule " +
                                         QuoteText(rule.id) + ", field 'carried_by': " + QuoteText(name) +
                                         " is not a source listed in [sources].");
        }
      }
    }
    set.rules_.push_back(std::move(rule));
  }
  if (set.rules_.size() > 0xFFFF) return Status::InvalidArgument(std::string(source_name) + ": too many rules.");

  CAIRN_ASSIGN_OR_RETURN(std::vector<const toml::table*> signal_tables, TablesOf(root, "signal", source_name));
  set.signal_by_kind_.assign(kSignalKindCount, SIZE_MAX);
  for (size_t i = 0; i < signal_tables.size(); ++i) {
    CAIRN_ASSIGN_OR_RETURN(Signal signal, ParseSignal(*signal_tables[i], i, source_name));
    size_t& slot = set.signal_by_kind_[static_cast<size_t>(signal.kind)];
    if (slot != SIZE_MAX) {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(signal.line) + ": signal " +
                                     QuoteText(signal.id) + ", field 'id': the signal is defined twice.");
    }
    slot = set.signals_.size();
    set.signals_.push_back(std::move(signal));
  }
  for (const SignalName& name : kSignalNames) {
    if (set.signal_by_kind_[static_cast<size_t>(name.kind)] == SIZE_MAX) {
      return Status::InvalidArgument(std::string(source_name) + ": signal " + QuoteText(name.id) +
                                     " is not defined; every drift signal needs its [[signal]] entry.");
    }
  }

  // A local rule's own number must already be within the law.
  for (const Rule& rule : set.rules_) {
    if (rule.maximum && Exceeds(rule.interval, *rule.maximum, calendar)) {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(rule.line) + ": rule " +
                                     QuoteText(rule.id) + ", field 'interval': " + rule.interval.ToString() +
                                     " is longer than the maximum the law allows (" + rule.maximum->ToString() + ").");
    }
  }
  return set;
}

Result<RuleSet> RuleSet::England(const WorkingDayCalendar& calendar) {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "timescales/england.toml");
  if (resource == nullptr) return Status::Internal("data/timescales/england.toml is not compiled into this Cairn");
  return FromToml(resource->text, "england.toml", calendar);
}

Result<RuleSet> RuleSet::England() {
  CAIRN_ASSIGN_OR_RETURN(const WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
  return England(calendar);
}

Status RuleSet::ApplyOverrides(std::string_view toml_text, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(const WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
  return ApplyOverrides(toml_text, source_name, calendar);
}

Status RuleSet::ApplyOverrides(std::string_view toml_text, std::string_view source_name,
                               const WorkingDayCalendar& calendar) {
  CAIRN_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, source_name));
  RuleSet updated = *this;
  for (const auto& [key, node] : root) {
    const std::string_view section = key.str();
    const uint32_t section_line = key.source().begin.line;
    if (section != "rule" && section != "signal") {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(section_line) + ": " +
                                     QuoteText(section) +
                                     " cannot be overridden; an override file has [rule.\"ID\"] and "
                                     "[signal.\"ID\"] tables only.");
    }
    const toml::table* entries = node.as_table();
    if (entries == nullptr) {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(section_line) +
                                     ": write each override as [" + std::string(section) + ".\"ID\"].");
    }
    for (const auto& [id_key, entry_node] : *entries) {
      const std::string id(id_key.str());
      const uint32_t line = id_key.source().begin.line;
      const toml::table* entry = entry_node.as_table();
      const std::string where = std::string(source_name) + " line " + std::to_string(line) + ": " +
                                std::string(section) + " " + QuoteText(id);
      if (entry == nullptr) return Status::InvalidArgument(where + ": write the override as a table [" +
                                                           std::string(section) + ".\"" + id + "\"].");
      Reader reader(source_name, std::string(section) + " " + QuoteText(id), *entry);
      if (section == "rule") {
        const std::optional<size_t> index = updated.FindRule(id);
        if (!index) return Status::InvalidArgument(where + ": there is no rule with this id.");
        Rule& rule = updated.rules_[*index];
        if (!rule.local) {
          return Status::InvalidArgument(where + ": this rule is set nationally (" + rule.source +
                                         "); a council cannot change it.");
        }
        CAIRN_RETURN_IF_ERROR(reader.CheckKeys({"interval"}));
        CAIRN_ASSIGN_OR_RETURN(std::optional<Interval> interval, OptionalInterval(reader, "interval"));
        if (!interval) return reader.Error("interval", "is missing; an override of a rule sets its interval.");
        if (rule.maximum && Exceeds(*interval, *rule.maximum, calendar)) {
          return reader.Error("interval", interval->ToString() + " is longer than the law allows (" +
                                              rule.maximum->ToString() + ").");
        }
        rule.interval = *interval;
      } else {
        const std::optional<size_t> index = updated.FindSignal(id);
        if (!index) return Status::InvalidArgument(where + ": there is no signal with this id.");
        Signal& signal = updated.signals_[*index];
        if (!signal.local) {
          return Status::InvalidArgument(where + ": this signal is a national measure (" + signal.source +
                                         "); a council cannot change it.");
        }
        CAIRN_RETURN_IF_ERROR(reader.CheckKeys({"threshold", "count", "window"}));
        CAIRN_ASSIGN_OR_RETURN(std::optional<Interval> threshold, OptionalInterval(reader, "threshold"));
        CAIRN_ASSIGN_OR_RETURN(std::optional<int> count, reader.OptionalInteger("count", 1, 1000));
        CAIRN_ASSIGN_OR_RETURN(std::optional<Interval> window, OptionalInterval(reader, "window"));
        if (threshold) {
          if (!signal.threshold) return reader.Error("threshold", "this signal has no threshold.");
          signal.threshold = threshold;
        }
        if (count) {
          if (!signal.count) return reader.Error("count", "this signal has no count.");
          signal.count = count;
        }
        if (window) {
          if (!signal.window) return reader.Error("window", "this signal has no window.");
          signal.window = window;
        }
      }
    }
  }
  *this = std::move(updated);
  return Status::Ok();
}

std::optional<size_t> RuleSet::FindRule(std::string_view id) const {
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].id == id) return i;
  }
  return std::nullopt;
}

std::optional<size_t> RuleSet::FindSignal(std::string_view id) const {
  for (size_t i = 0; i < signals_.size(); ++i) {
    if (signals_[i].id == id) return i;
  }
  return std::nullopt;
}

bool RuleSet::Carries(size_t source, model::EventKind kind) const {
  return source < carries_.size() && carries_[source][static_cast<size_t>(kind)];
}

}  // namespace cairn::timescales
