#include "reports/pack.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "base/display_text.h"
#include "base/embedded.h"
#include "base/toml_text.h"

namespace cairn::reports {
namespace {

using indicators::MonthlyUnit;
using model::EventKind;

constexpr std::string_view kSourceName = "reports/pack.toml";

const char* const kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

std::string LongDate(Date date) {
  return std::to_string(date.day()) + " " + kMonthNames[date.month() - 1] + " " + std::to_string(date.year());
}

void Progress(const PackInput& input, std::string_view line) {
  if (input.progress) input.progress(line);
}

// Whether a figure made from these counts gives away a count of 1 to 4.
bool FromSmallCount(double count) { return count >= 1 && count <= 4; }

Shown ShowMonthly(std::optional<double> value, double numerator, double denominator, MonthlyUnit unit) {
  if (!value) return {};
  bool withheld = false;
  switch (unit) {
    case MonthlyUnit::kCount: withheld = FromSmallCount(*value); break;
    case MonthlyUnit::kRate: withheld = FromSmallCount(numerator); break;
    case MonthlyUnit::kPercent:
    case MonthlyUnit::kAverage: withheld = FromSmallCount(numerator) || FromSmallCount(denominator); break;
  }
  if (withheld) return {std::nullopt, true};
  return {value, false};
}

Shown ShowIndicator(const indicators::IndicatorValue& value) {
  if (!value.value) return {};
  if (value.spec->unit == indicators::Unit::kCount) {
    if (FromSmallCount(*value.value)) return {std::nullopt, true};
  } else if ((value.numerator && FromSmallCount(*value.numerator)) ||
             (value.denominator && FromSmallCount(*value.denominator))) {
    return {std::nullopt, true};
  }
  return {value.value, false};
}

// Rounded as shown, so a change too small to see is no change.
double AsShown(double value) { return std::round(value * 10) / 10; }

Movement Compare(const Shown& before, const Shown& after, std::optional<bool> higher_is_better) {
  if (!before.value || !after.value) return Movement::kUnknown;
  const double a = AsShown(*before.value), b = AsShown(*after.value);
  if (a == b) return Movement::kUnchanged;
  if (!higher_is_better) return Movement::kMoved;
  return (b > a) == *higher_is_better ? Movement::kImproved : Movement::kWorsened;
}

// Whether an id is among the audience's first (by the start of the id).
int Precedence(const Audience& audience, std::string_view id) {
  for (size_t i = 0; i < audience.first.size(); ++i) {
    if (id.rfind(audience.first[i], 0) == 0) return static_cast<int>(i);
  }
  return static_cast<int>(audience.first.size());
}

std::string Substitute(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const std::string key = "{" + name + "}";
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

// The situation of a child on a date: the most intensive open service.
enum class Service { kLookedAfter, kChildProtection, kChildInNeed, kNone };

struct ChildOnDate {
  Service service = Service::kNone;
  const model::Event* episode = nullptr;  // the open period of care, when looked after
  std::string_view worker;                // the allocated worker, or ""
};

bool OpenOn(const model::Event& event, Date date) { return event.start <= date && (!event.end || *event.end >= date); }

ChildOnDate SituationOn(const model::Chronology& chronology, Date date) {
  ChildOnDate on;
  Date allocated_since;
  bool cp = false, cin = false;
  for (const model::Event& event : chronology.events()) {
    if (!OpenOn(event, date)) continue;
    switch (event.kind) {
      case EventKind::kLookedAfterEpisode: on.episode = &event; break;
      case EventKind::kCpPlan: cp = true; break;
      case EventKind::kCinEpisode: cin = true; break;
      case EventKind::kSocialWorkerAllocation:
        if (on.worker.empty() || event.start >= allocated_since) on.worker = event.Get("SW_ID"), allocated_since = event.start;
        break;
      default: break;
    }
  }
  on.service = on.episode ? Service::kLookedAfter
               : cp       ? Service::kChildProtection
               : cin      ? Service::kChildInNeed
                          : Service::kNone;
  return on;
}

// The DfE's age bands for children looked after (SSDA903 tables A1).
size_t AgeBand(std::optional<int> age) {
  if (!age || *age < 1) return 0;
  if (*age <= 4) return 1;
  if (*age <= 9) return 2;
  if (*age <= 15) return 3;
  return 4;
}

// The placement (PLACE) grouped as the DfE's tables group it.
size_t PlacementGroup(std::string_view place) {
  if (place.empty()) return 4;
  switch (place.front()) {
    case 'U': return 0;                                      // foster placements
    case 'K': case 'R': case 'S': case 'H': return 1;      // children's homes and other residential settings
    case 'A': return 2;                                      // placed for adoption
    case 'P': return place == "P1" ? 3 : 4;                  // placed with parents
    default: return 4;
  }
}

// The month-by-month figures for both periods, read into MeasureRows.
std::vector<MeasureRow> Measures(const PackInput& input, const PackDefinition& definition,
                                 const std::vector<indicators::MonthlySeries>& series, const Audience& audience) {
  const Period& period = input.period;
  const Period previous = period.Previous();
  std::vector<MeasureRow> rows;
  for (const indicators::MonthlySeries& s : series) {
    const MeasureReading* reading = definition.FindMeasure(s.id);
    MeasureRow row{s.id, s.title, s.definition, s.unit, reading && reading->over_period, {}, {}, Movement::kUnknown, {}, {}};
    auto over = [&](const Period& range) -> Shown {
      double numerator = 0, denominator = 0;
      const indicators::MonthlyPoint* last = nullptr;
      bool any = false;
      for (const indicators::MonthlyPoint& point : s.points) {
        if (point.month_end < range.from || point.month_end > range.to) continue;
        numerator += point.numerator, denominator += point.denominator;
        last = &point;
        any = any || point.value.has_value();
      }
      if (!any || last == nullptr) return {};
      if (!row.over_period) return ShowMonthly(last->value, last->numerator, last->denominator, s.unit);
      if (s.unit == MonthlyUnit::kCount) return ShowMonthly(numerator, numerator, denominator, s.unit);
      if (denominator <= 0) return {};
      return ShowMonthly(s.unit == MonthlyUnit::kPercent ? 100.0 * numerator / denominator : numerator / denominator,
                         numerator, denominator, s.unit);
    };
    row.before = over(previous);
    row.after = over(period);
    row.movement = Compare(row.before, row.after, reading ? reading->higher_is_better : std::nullopt);
    for (const indicators::MonthlyPoint& point : s.points) {
      if (point.month_end < previous.from || point.month_end > period.to) continue;
      row.months.push_back(ShowMonthly(point.value, point.numerator, point.denominator, s.unit));
      row.month_ends.push_back(point.month_end);
    }
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const MeasureRow& a, const MeasureRow& b) {
    return Precedence(audience, a.id) < Precedence(audience, b.id);
  });
  return rows;
}

// The summary: what improved, what worsened, and questions where figures moved most.
void Summarise(const PackDefinition& definition, Pack& pack) {
  struct Moved {
    const MeasureRow* row;
    double size;
  };
  std::vector<Moved> moved;
  for (const MeasureRow& row : pack.measures) {
    const std::string line = row.title + ": " + FormatShown(row.before, row.unit) + " to " + FormatShown(row.after, row.unit);
    if (row.movement == Movement::kImproved) pack.improved.push_back(line);
    if (row.movement == Movement::kWorsened) pack.worsened.push_back(line);
    if ((row.movement == Movement::kImproved || row.movement == Movement::kWorsened || row.movement == Movement::kMoved) &&
        *row.before.value != 0) {
      moved.push_back({&row, std::fabs(*row.after.value - *row.before.value) / std::fabs(*row.before.value)});
    }
  }
  std::stable_sort(moved.begin(), moved.end(), [](const Moved& a, const Moved& b) { return a.size > b.size; });
  for (size_t i = 0; i < moved.size() && static_cast<int>(i) < definition.questions_asked; ++i) {
    const MeasureRow& row = *moved[i].row;
    const MeasureReading* reading = definition.FindMeasure(row.id);
    std::string text = reading && !reading->question.empty()        ? reading->question
                       : row.movement == Movement::kImproved         ? definition.improved_question
                       : row.movement == Movement::kWorsened         ? definition.worsened_question
                                                                     : definition.neither_question;
    pack.questions.push_back(Substitute(std::move(text), {{"title", row.title},
                                                          {"before", FormatShown(row.before, row.unit)},
                                                          {"after", FormatShown(row.after, row.unit)},
                                                          {"previous", pack.previous.Text()},
                                                          {"period", pack.period.Text()}}));
  }
}

Result<std::vector<IndicatorRow>> Indicators(const PackInput& input, const Audience& audience, Pack& pack) {
  const model::CollectionYear holding = model::CollectionYear::Containing(input.period.to);
  const int last = input.period.to == holding.end() ? holding.year : holding.year - 1;
  std::vector<int> years;
  for (int year = last - 4; year <= last; ++year) years.push_back(year);
  pack.indicator_years = years;
  indicators::CouncilData data{input.chronologies, input.workers,
                               input.population ? input.population
                                                : std::function<std::optional<double>(int)>(
                                                      [](int) { return std::optional<double>(); })};
  const std::vector<indicators::IndicatorValue> values = input.engine->Compute(data, years, input.threads);
  std::map<const indicators::IndicatorSpec*, IndicatorRow> by_spec;
  std::vector<const indicators::IndicatorSpec*> order;
  for (const indicators::IndicatorValue& value : values) {
    auto [it, added] = by_spec.try_emplace(value.spec);
    IndicatorRow& row = it->second;
    if (added) {
      row.spec = value.spec;
      order.push_back(value.spec);
    }
    row.years.push_back(value.year);
    row.values.push_back(ShowIndicator(value));
    if (!value.unsupported.empty()) row.note = value.unsupported;
  }
  std::stable_sort(order.begin(), order.end(), [&](const auto* a, const auto* b) {
    return Precedence(audience, a->id) < Precedence(audience, b->id);
  });
  std::vector<IndicatorRow> rows;
  for (const indicators::IndicatorSpec* spec : order) {
    IndicatorRow row = std::move(by_spec[spec]);
    if (!row.values.empty()) row.latest = row.values.back();
    // The latest year the DfE has a figure for, looked for from the last year back.
    if (input.compare && spec->published) {
      for (size_t i = row.years.size(); i-- > 0;) {
        Result<indicators::Comparisons> compared = input.compare(*spec, row.years[i]);
        if (!compared.ok()) {
          if (compared.status().code() == Status::Code::kNotFound) break;
          return compared.status();
        }
        if (compared->england.value || compared->region.value || compared->neighbours.value) {
          row.compared_year = row.years[i];
          row.comparisons = *compared;
          row.latest = row.values[i];
          break;
        }
      }
    }
    if (row.values.size() >= 2) {
      row.movement = Compare(row.values[row.values.size() - 2], row.values.back(), spec->higher_is_better);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

CountSection Timeliness(const PackInput& input, const std::vector<timescales::ChildEvaluation>& results,
                        std::vector<uint16_t>& rule_of_row) {
  const timescales::RuleSet& rules = input.evaluator->rules();
  // rule -> on time, late, not done
  std::map<uint16_t, std::array<int64_t, 3>> counts;
  for (const timescales::ChildEvaluation& result : results) {
    for (const timescales::Obligation& obligation : result.obligations) {
      if (obligation.due < input.period.from || obligation.due > input.period.to) continue;
      size_t column = 0;
      switch (obligation.status) {
        case timescales::ObligationStatus::kMet: column = 0; break;
        case timescales::ObligationStatus::kMetLate: column = 1; break;
        case timescales::ObligationStatus::kOverdue: column = 2; break;
        default: continue;  // not yet due, or the record cannot say
      }
      ++counts[obligation.rule][column];
    }
  }
  CountSection section;
  section.id = "timeliness";
  section.caption = "Statutory deadlines that fell due in the period, by rule";
  section.row_heading = "Deadline";
  section.column_labels = {"Met on time", "Met late", "Not met by the period's end"};
  CountTable table(counts.size(), 3, true);
  size_t r = 0;
  for (const auto& [rule, row] : counts) {
    section.row_labels.push_back(rules.rules()[rule].title);
    rule_of_row.push_back(rule);
    for (size_t c = 0; c < 3; ++c) table.Set(r, c, row[c]);
    ++r;
  }
  section.table = Suppress(std::move(table));
  section.share_heading = "On time";
  section.share_numerator = 0;
  section.share_denominator = 3;  // the row's total
  return section;
}

CountSection Drift(const PackInput& input, const std::vector<int64_t>& before, const std::vector<int64_t>& after) {
  const timescales::RuleSet& rules = input.evaluator->rules();
  CountSection section;
  section.id = "drift";
  section.caption = "Children with each drift or delay signal";
  section.row_heading = "Signal";
  section.column_labels = {"At " + LongDate(input.period.Previous().to), "At " + LongDate(input.period.to)};
  // No totals: a child may show several signals, so the rows do not add up to children.
  CountTable table(rules.signals().size(), 2, false);
  for (size_t s = 0; s < rules.signals().size(); ++s) {
    section.row_labels.push_back(rules.signals()[s].title);
    table.Set(s, 0, before[s]);
    table.Set(s, 1, after[s]);
  }
  section.table = Suppress(std::move(table));
  return section;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Period Period::Previous() const {
  const bool whole_months = from.day() == 1 && to.AddDays(1).day() == 1;
  if (whole_months) {
    const int months = (to.year() * 12 + to.month()) - (from.year() * 12 + from.month()) + 1;
    return {from.AddMonths(-months), from.AddDays(-1)};
  }
  return {from.AddDays(-Days()), from.AddDays(-1)};
}

std::string Period::Text() const { return LongDate(from) + " to " + LongDate(to); }

Result<Period> ParsePeriod(std::string_view text) {
  const std::string hint = "--period must be two dates written YYYY-MM-DD..YYYY-MM-DD, the first not after the "
                           "second, such as 2024-04-01..2025-03-31; not '" + std::string(text) + "'";
  const size_t dots = text.find("..");
  if (dots == std::string_view::npos) return Status::InvalidArgument(hint);
  Result<Date> from = Date::ParseIso(text.substr(0, dots));
  Result<Date> to = Date::ParseIso(text.substr(dots + 2));
  if (!from.ok() || !to.ok() || *to < *from) return Status::InvalidArgument(hint);
  if (*from < Date::FromYmdOrDie(1990, 1, 1)) return Status::InvalidArgument("--period must start on or after 1990-01-01");
  // Both periods' months are counted in one pass of at most 64 months (indicators/monthly.h).
  if (to->DaysSince(*from) >= 2 * 366) return Status::InvalidArgument("--period may be at most two years long");
  return Period{*from, *to};
}

std::string FormatShown(const Shown& shown, MonthlyUnit unit) {
  if (shown.withheld) return std::string(kSuppressedMark);
  if (!shown.value) return "";
  char buffer[48];
  switch (unit) {
    case MonthlyUnit::kCount: std::snprintf(buffer, sizeof buffer, "%.0f", *shown.value); break;
    case MonthlyUnit::kPercent: return OneDecimal(*shown.value) + "%";
    case MonthlyUnit::kAverage:
    case MonthlyUnit::kRate: return OneDecimal(*shown.value);
  }
  return buffer;
}

Result<PackDefinition> PackDefinition::FromToml(std::string_view text, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(toml::table root, ParseToml(text, source_name));
  PackDefinition definition;
  if (const toml::array* audiences = root["audience"].as_array()) {
    int n = 0;
    for (const toml::node& node : *audiences) {
      ++n;
      const toml::table* table = node.as_table();
      if (table == nullptr) return Status::InvalidArgument(std::string(source_name) + ": [[audience]] " + std::to_string(n) + " is not a table");
      TomlEntry entry(source_name, "audience " + std::to_string(n), *table);
      CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"id", "title", "intro", "sections", "first"}));
      Audience audience;
      CAIRN_ASSIGN_OR_RETURN(audience.id, entry.RequiredString("id", "give the name `cairn pack --audience` takes."));
      entry.set_label("audience " + QuoteText(audience.id));
      CAIRN_ASSIGN_OR_RETURN(audience.title, entry.RequiredString("title", "give the pack's heading."));
      CAIRN_ASSIGN_OR_RETURN(audience.intro, entry.RequiredString("intro", "say who the pack is for."));
      CAIRN_ASSIGN_OR_RETURN(audience.sections, entry.RequiredStringList("sections"));
      for (const std::string& section : audience.sections) {
        if (std::find(std::begin(kSectionIds), std::end(kSectionIds), section) == std::end(kSectionIds)) {
          return entry.Error("sections", QuoteText(section) + " is not a section of the pack");
        }
      }
      if (const toml::node* first = table->get("first")) {
        CAIRN_ASSIGN_OR_RETURN(audience.first, entry.StringList("first", *first));
      }
      definition.audiences.push_back(std::move(audience));
    }
  }
  if (definition.audiences.empty()) return Status::InvalidArgument(std::string(source_name) + ": there is no [[audience]]");
  if (const toml::array* measures = root["measure"].as_array()) {
    int n = 0;
    for (const toml::node& node : *measures) {
      ++n;
      const toml::table* table = node.as_table();
      if (table == nullptr) return Status::InvalidArgument(std::string(source_name) + ": [[measure]] " + std::to_string(n) + " is not a table");
      TomlEntry entry(source_name, "measure " + std::to_string(n), *table);
      CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"id", "higher_is_better", "over", "question"}));
      MeasureReading reading;
      CAIRN_ASSIGN_OR_RETURN(reading.id, entry.RequiredString("id", "give a monthly figure's id."));
      entry.set_label("measure " + QuoteText(reading.id));
      CAIRN_ASSIGN_OR_RETURN(reading.higher_is_better, entry.OptionalBool("higher_is_better"));
      CAIRN_ASSIGN_OR_RETURN(std::string over, entry.RequiredString("over", "use \"period\" or \"end\"."));
      if (over != "period" && over != "end") return entry.Error("over", "use \"period\" or \"end\", not " + QuoteText(over));
      reading.over_period = over == "period";
      CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> question, entry.OptionalString("question"));
      reading.question = question.value_or("");
      definition.measures.push_back(std::move(reading));
    }
  }
  const toml::table* questions = root["questions"].as_table();
  if (questions == nullptr) return Status::InvalidArgument(std::string(source_name) + ": there is no [questions] table");
  TomlEntry entry(source_name, "[questions]", *questions);
  CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"asked", "worsened", "improved", "neither"}));
  CAIRN_ASSIGN_OR_RETURN(definition.questions_asked, entry.RequiredInteger("asked", 0, 20, "a number of questions from 0 to 20"));
  CAIRN_ASSIGN_OR_RETURN(definition.worsened_question, entry.RequiredString("worsened", "give a question."));
  CAIRN_ASSIGN_OR_RETURN(definition.improved_question, entry.RequiredString("improved", "give a question."));
  CAIRN_ASSIGN_OR_RETURN(definition.neither_question, entry.RequiredString("neither", "give a question."));
  return definition;
}

Result<PackDefinition> PackDefinition::Builtin() {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "reports/pack.toml");
  if (resource == nullptr) return Status::NotFound("data/reports/pack.toml is not compiled into this Cairn");
  return FromToml(resource->text, kSourceName);
}

const Audience* PackDefinition::FindAudience(std::string_view id) const {
  for (const Audience& audience : audiences) {
    if (audience.id == id) return &audience;
  }
  return nullptr;
}

const MeasureReading* PackDefinition::FindMeasure(std::string_view id) const {
  for (const MeasureReading& measure : measures) {
    if (measure.id == id) return &measure;
  }
  return nullptr;
}

std::string PackDefinition::AudienceNames() const {
  std::string names;
  for (size_t i = 0; i < audiences.size(); ++i) {
    if (i > 0) names += i + 1 == audiences.size() ? " or " : ", ";
    names += audiences[i].id;
  }
  return names;
}

Result<Pack> BuildPack(const PackInput& input, const PackDefinition& definition) {
  const Audience* audience = definition.FindAudience(input.audience);
  if (audience == nullptr) {
    return Status::InvalidArgument("--audience: '" + input.audience + "' is not an audience; use " +
                                   definition.AudienceNames());
  }
  Pack pack;
  pack.audience = *audience;
  pack.council_name = input.council_name;
  pack.synthetic = input.synthetic;
  pack.period = input.period;
  pack.previous = input.period.Previous();
  pack.improvement_plan = input.improvement_plan;
  pack.children_counted = static_cast<int64_t>(input.chronologies.size());

  // Every child's deadlines and drift at the period's end, and drift at the previous one's.
  Progress(input, "evaluating every child's deadlines at " + pack.period.to.ToIso() + " and " + pack.previous.to.ToIso());
  const std::vector<timescales::CompactChronology> compact = timescales::CompactAll(*input.evaluator, input.chronologies, input.threads);
  const std::vector<timescales::ChildEvaluation> results =
      timescales::EvaluateCouncil(*input.evaluator, compact, pack.period.to, input.threads);
  const size_t signal_count = input.evaluator->rules().signals().size();
  std::vector<int64_t> drift_after(signal_count, 0);
  for (const timescales::ChildEvaluation& result : results) {
    for (const timescales::DriftSignal& signal : result.signals) ++drift_after[signal.signal];
  }
  std::vector<std::vector<int64_t>> drift_tally(static_cast<size_t>(std::max(1, input.threads)),
                                                std::vector<int64_t>(signal_count, 0));
  timescales::EvaluateCouncil(*input.evaluator, compact, pack.previous.to, input.threads,
                              [&](int worker, size_t, const timescales::ChildEvaluation& result) {
                                for (const timescales::DriftSignal& signal : result.signals) {
                                  ++drift_tally[static_cast<size_t>(worker)][signal.signal];
                                }
                              });
  std::vector<int64_t> drift_before(signal_count, 0);
  for (const auto& tally : drift_tally) {
    for (size_t s = 0; s < signal_count; ++s) drift_before[s] += tally[s];
  }

  Progress(input, "working out the monthly figures for both periods");
  const int months = (pack.period.to.year() * 12 + pack.period.to.month()) -
                     (pack.previous.from.year() * 12 + pack.previous.from.month()) + 1;
  std::vector<size_t> everyone(input.chronologies.size());
  for (size_t i = 0; i < everyone.size(); ++i) everyone[i] = i;
  indicators::MonthlyInput monthly{input.chronologies,
                                   [&results](size_t i) -> const timescales::ChildEvaluation& { return results[i]; },
                                   everyone,
                                   input.workers,
                                   &input.evaluator->rules(),
                                   pack.period.to,
                                   std::min(months, 64),
                                   std::nullopt};
  if (input.population) monthly.population = input.population(model::CollectionYear::Containing(pack.period.to).year);
  const std::vector<indicators::MonthlySeries> series = indicators::ComputeMonthly(monthly);
  pack.measures = Measures(input, definition, series, *audience);

  Progress(input, "working out the national indicators");
  pack.has_published = static_cast<bool>(input.compare);
  CAIRN_ASSIGN_OR_RETURN(pack.indicators, Indicators(input, *audience, pack));

  // Tables of counts.
  std::vector<uint16_t> rule_of_row;
  pack.tables.push_back(Timeliness(input, results, rule_of_row));
  // A share of deadlines met on time over the period is the table's rows added up: where a row
  // it adds has a withheld cell, the share would let that cell be worked out, so it is withheld.
  {
    const CountSection& timeliness = pack.tables.back();
    const timescales::RuleSet& rules = input.evaluator->rules();
    for (MeasureRow& row : pack.measures) {
      if (!row.over_period || !row.after.value) continue;
      for (size_t r = 0; r < rule_of_row.size(); ++r) {
        if (!indicators::TimelinessCounts(row.id, rules.rules()[rule_of_row[r]])) continue;
        bool hidden = false;
        for (size_t c = 0; c < timeliness.table.counts().grid_columns(); ++c) hidden = hidden || timeliness.table.Hidden(r, c);
        if (hidden) {
          row.after = {std::nullopt, true};
          row.movement = Movement::kUnknown;
          break;
        }
      }
    }
  }
  Summarise(definition, pack);
  pack.tables.push_back(Drift(input, drift_before, drift_after));

  std::unordered_map<std::string_view, const model::Worker*> workers;
  for (const model::Worker& worker : input.workers) workers[worker.id] = &worker;
  std::map<std::string, size_t> team_row;  // team id -> row
  std::vector<std::string> team_names;
  for (const model::Team& team : input.teams) {
    team_row[team.id] = team_names.size();
    team_names.push_back(team.name.empty() ? team.id : team.name);
  }
  const size_t unallocated = team_names.size();
  team_names.push_back("No allocated worker");
  CountTable children(team_names.size(), 3, true);
  CountTable looked_after(5, 5, true);
  for (const model::Chronology& chronology : input.chronologies) {
    const ChildOnDate on = SituationOn(chronology, pack.period.to);
    if (on.service == Service::kNone) continue;
    size_t row = unallocated;
    if (auto worker = workers.find(on.worker); !on.worker.empty() && worker != workers.end()) {
      if (auto team = team_row.find(worker->second->team_id); team != team_row.end()) row = team->second;
    }
    children.Add(row, on.service == Service::kChildInNeed ? 0 : on.service == Service::kChildProtection ? 1 : 2, 1);
    if (on.service == Service::kLookedAfter) {
      looked_after.Add(AgeBand(chronology.child().AgeOn(pack.period.to)), PlacementGroup(on.episode->Get("PLACE")), 1);
    }
  }
  CountSection by_team;
  by_team.id = "children";
  by_team.caption = "Children by team at " + LongDate(pack.period.to) + ", by their allocated worker's team";
  by_team.row_heading = "Team";
  by_team.row_labels = team_names;
  by_team.column_labels = {"Child in need", "Child protection plan", "Looked after"};
  // The management figures count every child protection plan open at the period's end; this
  // table counts a child looked after as looked after. Were the two totals a few children apart,
  // the difference would count children both on a plan and in care: the column's total is then
  // withheld, and protected like any other.
  std::vector<std::pair<size_t, size_t>> also_hide;
  for (const indicators::MonthlySeries& s : series) {
    if (s.id != "cp-plans" || s.points.empty()) continue;
    const indicators::MonthlyPoint& last = s.points.back();
    if (last.month_end == pack.period.to && IsSmallCount(static_cast<int64_t>(last.numerator) - children.Get(children.rows(), 1))) {
      also_hide.emplace_back(children.rows(), 1);
    }
  }
  by_team.table = Suppress(std::move(children), also_hide);
  pack.tables.push_back(std::move(by_team));

  CountSection cla;
  cla.id = "looked-after";
  cla.caption = "Children looked after at " + LongDate(pack.period.to) + ", by age and placement";
  cla.row_heading = "Age";
  cla.row_labels = {"Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"};
  cla.column_labels = {"Foster care", "Children's homes and residential", "Placed for adoption", "With parents", "Other"};
  cla.table = Suppress(std::move(looked_after));
  pack.tables.push_back(std::move(cla));

  // Workers in post at the period's end, by team; joiners and leavers in the period.
  CountTable in_post(team_names.size() - 1, 2, true);
  int64_t joined = 0, left = 0;
  for (const model::Worker& worker : input.workers) {
    if (worker.started && *worker.started >= pack.period.from && *worker.started <= pack.period.to) ++joined;
    if (worker.left && *worker.left >= pack.period.from && *worker.left <= pack.period.to) ++left;
    if ((worker.started && *worker.started > pack.period.to) || (worker.left && *worker.left < pack.period.to)) continue;
    auto team = team_row.find(worker.team_id);
    if (team == team_row.end()) continue;
    in_post.Add(team->second, worker.agency ? 1 : 0, 1);
  }
  CountSection workforce;
  workforce.id = "workforce";
  workforce.caption = "Workers in post at " + LongDate(pack.period.to) + ", by team";
  workforce.row_heading = "Team";
  workforce.row_labels.assign(team_names.begin(), team_names.end() - 1);
  workforce.column_labels = {"Employed by the council", "From an agency"};
  workforce.table = Suppress(std::move(in_post));
  workforce.share_heading = "Agency share";
  workforce.share_numerator = 1;
  workforce.share_denominator = 2;
  pack.tables.push_back(std::move(workforce));
  CountSection movement;
  movement.id = "workforce-movement";
  movement.caption = "Workers who joined and left in the period";
  movement.row_heading = "Workers";
  movement.row_labels = {"In the period"};
  movement.column_labels = {"Joined", "Left"};
  CountTable moved(1, 2, false);
  moved.Set(0, 0, joined);
  moved.Set(0, 1, left);
  movement.table = Suppress(std::move(moved));
  pack.tables.push_back(std::move(movement));
  return pack;
}

}  // namespace cairn::reports
