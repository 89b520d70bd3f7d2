#include "base/working_day_calendar.h"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <optional>
#include <utility>

#include "base/embedded.h"
#include "base/toml_text.h"

namespace cairn {
namespace {

constexpr uint8_t kWorkingDay = 1;
constexpr uint8_t kBankHoliday = 2;

// A Monday (1970-01-05): the origin of weekday counting, so counts are plain integers.
constexpr int64_t kOriginMonday = 4;

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Monday-to-Friday days from the origin through `day` (a difference of two of these counts the
// weekdays between them, whichever side of the origin they fall).
int64_t WeekdaysThrough(int64_t day) {
  const int64_t since = day - kOriginMonday;
  const int64_t weeks = FloorDiv(since, 7);
  const int64_t day_of_week = since - 7 * weeks;  // 0 = Monday
  return 5 * weeks + std::min<int64_t>(day_of_week + 1, 5);
}

// The weekday whose WeekdaysThrough() is `count`: the inverse of the above on weekdays.
int64_t WeekdayWithCount(int64_t count) {
  const int64_t index = count - 1;  // 0 = the origin Monday
  const int64_t weeks = FloorDiv(index, 5);
  return kOriginMonday + 7 * weeks + (index - 5 * weeks);
}

enum class Rule { kFixed, kEaster, kFirstWeekday, kLastWeekday };

struct HolidayRule {
  std::string label;  // "holiday 3 ('Easter Monday')", for errors
  uint32_t line = 0;
  std::string name;
  Rule rule = Rule::kFixed;
  int month = 0;
  int day = 0;
  int offset = 0;
  Weekday weekday = Weekday::kMonday;
  bool substitute = false;
  int first_year = Date::kMinYear;  // the years the rule applies, inclusive
  int last_year = Date::kMaxYear;
};

struct MovedHoliday {
  std::string label;
  uint32_t line = 0;
  size_t holiday = 0;  // index into the rules
  int year = 0;
  Date date;
  std::string name;  // the holiday's name, with the reason when one is given
};

struct OneOffHoliday {
  std::string label;
  uint32_t line = 0;
  Date date;
  std::string name;
};

std::string DayName(Weekday weekday) {
  static constexpr std::array<const char*, 8> kNames = {"",         "Monday", "Tuesday",  "Wednesday",
                                                        "Thursday", "Friday", "Saturday", "Sunday"};
  return kNames[static_cast<size_t>(weekday)];
}

bool EqualIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<Weekday> ParseWeekday(std::string_view text) {
  for (int i = 1; i <= 7; ++i) {
    const auto weekday = static_cast<Weekday>(i);
    if (EqualIgnoringCase(DayName(weekday), text)) return weekday;
  }
  return std::nullopt;
}

// A TOML date (2022-09-19) or, to forgive quotes, the same written as text.
Result<Date> RequiredDate(const TomlEntry& entry, std::string_view field) {
  const toml::node* node = entry.table().get(field);
  if (node == nullptr) return entry.Error(field, "is missing; give a date such as 2022-09-19.");
  Result<Date> date = Status::InvalidArgument("not a date");
  if (const auto* value = node->as_date()) {
    const toml::date& ymd = value->get();
    date = Date::FromYmd(ymd.year, ymd.month, ymd.day);
    if (!date.ok()) {
      char text[32];
      std::snprintf(text, sizeof text, "%04d-%02d-%02d", int{ymd.year}, int{ymd.month}, int{ymd.day});
      return entry.Error(field, QuoteText(text) + " is not a valid date: " + date.status().message() + ".");
    }
  } else if (const auto* text = node->as_string()) {
    date = Date::ParseIso(text->get());
  } else {
    return entry.Error(field, "must be a date such as 2022-09-19, not " + DescribeTomlValue(*node) + ".");
  }
  if (!date.ok()) return entry.Error(field, date.status().message() + ".");
  const Date first = Date::FromYmdOrDie(WorkingDayCalendar::kFirstYear, 1, 1);
  const Date last = Date::FromYmdOrDie(WorkingDayCalendar::kLastYear, 12, 31);
  if (*date < first || *date > last) {
    return entry.Error(field, date->ToIso() + " is outside the years this calendar covers (" +
                                  std::to_string(WorkingDayCalendar::kFirstYear) + "-" +
                                  std::to_string(WorkingDayCalendar::kLastYear) + ").");
  }
  return date;
}

std::string Label(std::string_view kind, size_t index, std::string_view detail) {
  std::string label = std::string(kind) + " " + std::to_string(index + 1);
  if (!detail.empty()) label += " (" + std::string(detail) + ")";
  return label;
}

// The [[kind]] entries of the top-level table, or an error when `kind` is not a list of tables.
Result<std::vector<const toml::table*>> EntriesOf(const toml::table& root, std::string_view kind,
                                                  std::string_view source) {
  std::vector<const toml::table*> entries;
  const toml::node* node = root.get(kind);
  if (node == nullptr) return entries;
  const std::string problem = std::string(source) + " line " + std::to_string(LineOf(*node)) + ": " + QuoteText(kind) +
                              " must be a list of [[" + std::string(kind) + "]] entries";
  const toml::array* array = node->as_array();
  if (array == nullptr)
    return Status::InvalidArgument(problem + "; write each one under its own [[" + std::string(kind) + "]] line.");
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::table* table = array->get(i)->as_table();
    if (table == nullptr) return Status::InvalidArgument(problem + "; item " + std::to_string(i + 1) + " is not.");
    entries.push_back(table);
  }
  return entries;
}

Result<HolidayRule> ParseHoliday(const toml::table& table, size_t index, std::string_view source) {
  TomlEntry entry(source, Label("holiday", index, ""), table);
  HolidayRule holiday;
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> name, entry.OptionalString("name"));
  if (name) entry.set_label(Label("holiday", index, QuoteText(*name)));
  if (!name) return entry.Error("name", "is missing; every holiday needs a name, such as \"Easter Monday\".");
  holiday.name = *name;
  holiday.label = entry.label();
  holiday.line = entry.line();

  CAIRN_ASSIGN_OR_RETURN(std::string rule,
                         entry.RequiredString("rule", "use fixed, easter, first-weekday or last-weekday."));
  if (rule == "fixed") {
    holiday.rule = Rule::kFixed;
    CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"name", "rule", "month", "day", "substitute", "first_year", "last_year"},
                                          "a 'fixed' holiday"));
    CAIRN_ASSIGN_OR_RETURN(holiday.month, entry.RequiredInteger("month", 1, 12, "a month number"));
    // A common year's month length, so the date exists every year (no fixed 29 February).
    const int days = DaysInMonth(2001, holiday.month);
    CAIRN_ASSIGN_OR_RETURN(holiday.day, entry.RequiredInteger("day", 1, days, "a day of the month"));
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> substitute, entry.OptionalString("substitute"));
    if (substitute && *substitute != "next-free-weekday" && *substitute != "none") {
      return entry.Error("substitute", QuoteText(*substitute) +
                                           " is not a substitution Cairn knows; use "
                                           "\"next-free-weekday\" or \"none\".");
    }
    holiday.substitute = substitute == "next-free-weekday";
  } else if (rule == "easter") {
    holiday.rule = Rule::kEaster;
    CAIRN_RETURN_IF_ERROR(
        entry.CheckKeys({"name", "rule", "offset", "first_year", "last_year"}, "an 'easter' holiday"));
    CAIRN_ASSIGN_OR_RETURN(holiday.offset,
                           entry.RequiredInteger("offset", -80, 200, "a number of days after Easter Sunday"));
  } else if (rule == "first-weekday" || rule == "last-weekday") {
    holiday.rule = rule == "first-weekday" ? Rule::kFirstWeekday : Rule::kLastWeekday;
    CAIRN_RETURN_IF_ERROR(
        entry.CheckKeys({"name", "rule", "month", "weekday", "first_year", "last_year"}, "a '" + rule + "' holiday"));
    CAIRN_ASSIGN_OR_RETURN(holiday.month, entry.RequiredInteger("month", 1, 12, "a month number"));
    CAIRN_ASSIGN_OR_RETURN(std::string weekday, entry.RequiredString("weekday", "give a day such as \"Monday\"."));
    const std::optional<Weekday> parsed = ParseWeekday(weekday);
    if (!parsed) return entry.Error("weekday", QuoteText(weekday) + " is not a day of the week; use Monday to Sunday.");
    holiday.weekday = *parsed;
  } else {
    return entry.Error("rule", QuoteText(rule) +
                                   " is not a rule Cairn knows; use fixed, easter, first-weekday or "
                                   "last-weekday.");
  }

  CAIRN_ASSIGN_OR_RETURN(std::optional<int> first_year,
                         entry.OptionalInteger("first_year", Date::kMinYear, Date::kMaxYear, "a year"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<int> last_year,
                         entry.OptionalInteger("last_year", Date::kMinYear, Date::kMaxYear, "a year"));
  holiday.first_year = first_year.value_or(Date::kMinYear);
  holiday.last_year = last_year.value_or(Date::kMaxYear);
  if (holiday.first_year > holiday.last_year) {
    return entry.Error("last_year", std::to_string(holiday.last_year) + " is before first_year " +
                                        std::to_string(holiday.first_year) + ".");
  }
  return holiday;
}

Result<MovedHoliday> ParseMoved(const toml::table& table, size_t index, std::string_view source,
                                const std::vector<HolidayRule>& holidays) {
  TomlEntry entry(source, Label("moved", index, ""), table);
  CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"holiday", "year", "date", "reason"}, "a [[moved]] entry"));
  MovedHoliday moved;
  CAIRN_ASSIGN_OR_RETURN(
      std::string name,
      entry.RequiredString("holiday", "give the name of a [[holiday]], such as \"Spring bank holiday\"."));
  CAIRN_ASSIGN_OR_RETURN(moved.year, entry.RequiredInteger("year", WorkingDayCalendar::kFirstYear,
                                                           WorkingDayCalendar::kLastYear, "a year"));
  entry.set_label(Label("moved", index, QuoteText(name) + ", " + std::to_string(moved.year)));
  moved.label = entry.label();
  moved.line = entry.line();

  const auto found =
      std::find_if(holidays.begin(), holidays.end(), [&](const HolidayRule& holiday) { return holiday.name == name; });
  if (found == holidays.end()) {
    std::string problem = QuoteText(name) + " is not the name of any [[holiday]] in this file";
    for (const HolidayRule& holiday : holidays) {
      if (EqualIgnoringCase(holiday.name, name))
        problem += "; names must match exactly: did you mean " + QuoteText(holiday.name) + "?";
    }
    return entry.Error("holiday", problem + (problem.back() == '?' ? "" : "."));
  }
  moved.holiday = static_cast<size_t>(found - holidays.begin());
  if (moved.year < found->first_year || moved.year > found->last_year) {
    return entry.Error("year", QuoteText(name) + " is not a bank holiday in " + std::to_string(moved.year) +
                                   " (it applies from " + std::to_string(found->first_year) + " to " +
                                   std::to_string(found->last_year) + ").");
  }
  CAIRN_ASSIGN_OR_RETURN(moved.date, RequiredDate(entry, "date"));
  if (moved.date.year() != moved.year) {
    return entry.Error("date", moved.date.ToIso() + " is not in " + std::to_string(moved.year) + ".");
  }
  if (moved.date.IsWeekend()) {
    return entry.Error("date", moved.date.ToIso() + " is a " + DayName(moved.date.weekday()) +
                                   "; a bank holiday moved to a weekend is almost certainly a mistake.");
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> reason, entry.OptionalString("reason"));
  moved.name = reason ? name + " (" + *reason + ")" : name;
  return moved;
}

Result<OneOffHoliday> ParseOneOff(const toml::table& table, size_t index, std::string_view source) {
  TomlEntry entry(source, Label("one_off", index, ""), table);
  OneOffHoliday one_off;
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> name, entry.OptionalString("name"));
  if (name) entry.set_label(Label("one_off", index, QuoteText(*name)));
  CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"date", "name"}, "a [[one_off]] entry"));
  if (!name) return entry.Error("name", "is missing; give the holiday's name, such as \"Royal Wedding\".");
  one_off.name = *name;
  one_off.label = entry.label();
  one_off.line = entry.line();
  CAIRN_ASSIGN_OR_RETURN(one_off.date, RequiredDate(entry, "date"));
  if (one_off.date.IsWeekend()) {
    return entry.Error("date", one_off.date.ToIso() + " is a " + DayName(one_off.date.weekday()) +
                                   "; a bank holiday on a weekend changes no working days, so this is probably "
                                   "a mistake.");
  }
  return one_off;
}

// The date `rule` gives in `year`, before any weekend substitution.
Date NominalDate(const HolidayRule& rule, int year) {
  switch (rule.rule) {
    case Rule::kFixed:
      return Date::FromYmdOrDie(year, rule.month, rule.day);
    case Rule::kEaster:
      return WorkingDayCalendar::EasterSunday(year).AddDays(rule.offset);
    case Rule::kFirstWeekday: {
      const Date first = Date::FromYmdOrDie(year, rule.month, 1);
      const int ahead = (static_cast<int>(rule.weekday) - static_cast<int>(first.weekday()) + 7) % 7;
      return first.AddDays(ahead);
    }
    case Rule::kLastWeekday: {
      const Date last = Date::FromYmdOrDie(year, rule.month, DaysInMonth(year, rule.month));
      const int back = (static_cast<int>(last.weekday()) - static_cast<int>(rule.weekday) + 7) % 7;
      return last.AddDays(-back);
    }
  }
  return Date();
}

// Where a placed holiday came from, for the message when two land on one day. Kept as a
// pointer and a year so the 1,600-odd placements build no strings unless something clashes.
struct Origin {
  const std::string* label;  // the entry's label, owned by the parsed entries
  uint32_t line;
  int year;  // for a rule's regular date; 0 when the label already pins the day
  std::string Describe() const { return year == 0 ? *label : *label + " in " + std::to_string(year); }
};

// Places holidays on days, refusing two on one day (which would silently lose a holiday).
class HolidayPlacer {
 public:
  HolidayPlacer(Date first, Date last, std::string_view source)
      : first_(first), owner_(static_cast<size_t>(last.DaysSince(first) + 1), -1), source_(source) {}

  bool IsTaken(Date date) const { return owner_[Index(date)] >= 0; }
  bool InRange(Date date) const {
    return date >= first_ && static_cast<size_t>(date.DaysSince(first_)) < owner_.size();
  }

  Status Place(Date date, std::string name, const Origin& origin) {
    int32_t& owner = owner_[Index(date)];
    if (owner >= 0) {
      return Status::InvalidArgument(
          std::string(source_) + " line " + std::to_string(origin.line) + ": " + origin.Describe() + " falls on " +
          date.ToIso() + ", which is already a bank holiday from " + origins_[static_cast<size_t>(owner)].Describe() +
          "; move one of them with a [[moved]] entry or limit it with first_year/last_year.");
    }
    owner = static_cast<int32_t>(placed_.size());
    placed_.push_back(BankHoliday{date, std::move(name)});
    origins_.push_back(origin);
    return Status::Ok();
  }

  std::vector<BankHoliday> TakeSorted() {
    std::sort(placed_.begin(), placed_.end(),
              [](const BankHoliday& a, const BankHoliday& b) { return a.date < b.date; });
    return std::move(placed_);
  }

 private:
  size_t Index(Date date) const { return static_cast<size_t>(date.DaysSince(first_)); }

  Date first_;
  std::vector<int32_t> owner_;  // index into placed_, or -1
  std::vector<BankHoliday> placed_;
  std::vector<Origin> origins_;  // parallel to placed_
  std::string_view source_;
};

}  // namespace

Date WorkingDayCalendar::EasterSunday(int year) {
  // The anonymous Gregorian computus (Meeus/Jones/Butcher form): the first Sunday after the
  // ecclesiastical full moon on or after 21 March.
  const int golden = year % 19;  // position in the 19-year Metonic cycle
  const int century = year / 100;
  const int year_of_century = year % 100;
  const int skipped_leap_days = century / 4;
  const int century_in_cycle = century % 4;
  const int moon_correction = (century + 8) / 25;
  const int solar_correction = (century - moon_correction + 1) / 3;
  const int epact = (19 * golden + century - skipped_leap_days - solar_correction + 15) % 30;
  const int leap_in_century = year_of_century / 4;
  const int year_in_leap_cycle = year_of_century % 4;
  const int to_sunday = (32 + 2 * century_in_cycle + 2 * leap_in_century - epact - year_in_leap_cycle) % 7;
  const int late_fix = (golden + 11 * epact + 22 * to_sunday) / 451;
  const int month_and_day = epact + to_sunday - 7 * late_fix + 114;
  return Date::FromYmdOrDie(year, month_and_day / 31, month_and_day % 31 + 1);
}

Result<WorkingDayCalendar> WorkingDayCalendar::FromToml(std::string_view toml_text, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, source_name));

  for (const auto& [key, node] : root) {
    const std::string_view name = key.str();
    if (name != "name" && name != "holiday" && name != "moved" && name != "one_off") {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(key.source().begin.line) +
                                     ": " + QuoteText(name) +
                                     " is not part of a calendar; use name, [[holiday]], [[moved]] or [[one_off]].");
    }
  }
  WorkingDayCalendar calendar;
  const toml::node* name = root.get("name");
  if (name == nullptr || !name->is_string() || name->as_string()->get().empty()) {
    return Status::InvalidArgument(std::string(source_name) +
                                   ": the calendar needs a name at the top, such as name = \"England and Wales\".");
  }
  calendar.name_ = name->as_string()->get();

  CAIRN_ASSIGN_OR_RETURN(std::vector<const toml::table*> holiday_tables, EntriesOf(root, "holiday", source_name));
  CAIRN_ASSIGN_OR_RETURN(std::vector<const toml::table*> moved_tables, EntriesOf(root, "moved", source_name));
  CAIRN_ASSIGN_OR_RETURN(std::vector<const toml::table*> one_off_tables, EntriesOf(root, "one_off", source_name));
  if (holiday_tables.empty()) {
    return Status::InvalidArgument(std::string(source_name) +
                                   ": the calendar has no [[holiday]] entries; a calendar without recurring "
                                   "holidays is almost certainly the wrong file.");
  }

  std::vector<HolidayRule> rules;
  for (size_t i = 0; i < holiday_tables.size(); ++i) {
    CAIRN_ASSIGN_OR_RETURN(HolidayRule rule, ParseHoliday(*holiday_tables[i], i, source_name));
    for (const HolidayRule& earlier : rules) {
      if (earlier.name == rule.name) {
        return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(rule.line) + ": " +
                                       rule.label + ", field 'name': " + earlier.label +
                                       " has the same name; [[moved]] entries need names to be unique.");
      }
    }
    rules.push_back(std::move(rule));
  }
  std::vector<MovedHoliday> moves;
  for (size_t i = 0; i < moved_tables.size(); ++i) {
    CAIRN_ASSIGN_OR_RETURN(MovedHoliday moved, ParseMoved(*moved_tables[i], i, source_name, rules));
    for (const MovedHoliday& earlier : moves) {
      if (earlier.holiday == moved.holiday && earlier.year == moved.year) {
        return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(moved.line) + ": " +
                                       moved.label + ": " + earlier.label + " already moves this holiday in " +
                                       std::to_string(moved.year) + ".");
      }
    }
    moves.push_back(std::move(moved));
  }
  std::vector<OneOffHoliday> one_offs;
  for (size_t i = 0; i < one_off_tables.size(); ++i) {
    CAIRN_ASSIGN_OR_RETURN(OneOffHoliday one_off, ParseOneOff(*one_off_tables[i], i, source_name));
    one_offs.push_back(std::move(one_off));
  }

  // Two passes: first every holiday that keeps its own day, then weekend substitutes in date
  // order, each taking the next weekday still free. That order is what the royal proclamations
  // give: Christmas on a Sunday leaves Boxing Day on Monday 26th and moves Christmas to the 27th.
  const Date first_day = Date::FromYmdOrDie(kFirstYear, 1, 1);
  const Date last_day = Date::FromYmdOrDie(kLastYear, 12, 31);
  HolidayPlacer placer(first_day, last_day, source_name);
  struct Substitution {
    Date nominal;
    size_t rule;
  };
  std::vector<Substitution> substitutions;
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    for (size_t r = 0; r < rules.size(); ++r) {
      const HolidayRule& rule = rules[r];
      if (year < rule.first_year || year > rule.last_year) continue;
      const auto moved = std::find_if(moves.begin(), moves.end(),
                                      [&](const MovedHoliday& m) { return m.holiday == r && m.year == year; });
      if (moved != moves.end()) {
        CAIRN_RETURN_IF_ERROR(placer.Place(moved->date, moved->name, Origin{&moved->label, moved->line, 0}));
        continue;
      }
      const Date nominal = NominalDate(rule, year);
      if (rule.substitute && nominal.IsWeekend()) {
        substitutions.push_back(Substitution{nominal, r});
      } else if (placer.InRange(nominal)) {
        CAIRN_RETURN_IF_ERROR(placer.Place(nominal, rule.name, Origin{&rule.label, rule.line, year}));
      }
    }
  }
  for (const OneOffHoliday& one_off : one_offs) {
    CAIRN_RETURN_IF_ERROR(placer.Place(one_off.date, one_off.name, Origin{&one_off.label, one_off.line, 0}));
  }
  std::stable_sort(substitutions.begin(), substitutions.end(),
                   [](const Substitution& a, const Substitution& b) { return a.nominal < b.nominal; });
  for (const Substitution& substitution : substitutions) {
    Date day = substitution.nominal.AddDays(1);
    while (placer.InRange(day) && (day.IsWeekend() || placer.IsTaken(day))) day = day.AddDays(1);
    if (!placer.InRange(day)) continue;  // would land after kLastYear
    const HolidayRule& rule = rules[substitution.rule];
    CAIRN_RETURN_IF_ERROR(placer.Place(day, rule.name + " (substitute day)", Origin{&rule.label, rule.line, 0}));
  }

  calendar.holidays_ = placer.TakeSorted();
  calendar.BuildIndex();
  return calendar;
}

Result<WorkingDayCalendar> WorkingDayCalendar::EnglandAndWales() {
  constexpr std::string_view kPath = "calendar/england-and-wales.toml";
  const embedded::Resource* resource = embedded::Find(embedded::Data(), kPath);
  if (resource == nullptr) {
    return Status::Internal("the England and Wales calendar (data/" + std::string(kPath) +
                            ") was not compiled into this build of Cairn.");
  }
  return FromToml(resource->text, "england-and-wales.toml");
}

void WorkingDayCalendar::BuildIndex() {
  first_day_ = Date::FromYmdOrDie(kFirstYear, 1, 1);
  const Date last_day = Date::FromYmdOrDie(kLastYear, 12, 31);
  const size_t days = static_cast<size_t>(last_day.DaysSince(first_day_) + 1);

  day_kind_.assign(days, 0);
  for (const BankHoliday& holiday : holidays_)
    day_kind_[static_cast<size_t>(holiday.date.DaysSince(first_day_))] |= kBankHoliday;

  working_through_.assign(days, 0);
  working_days_.clear();
  working_days_.reserve(days / 7 * 5 + 5);
  weekday_holiday_count_ = 0;
  count_before_first_ = WeekdaysThrough(int64_t{first_day_.day_number()} - 1);
  int64_t count = count_before_first_;
  int weekday = static_cast<int>(first_day_.weekday());
  for (size_t i = 0; i < days; ++i) {
    const bool weekend = weekday >= static_cast<int>(Weekday::kSaturday);
    if (!weekend) {
      if (day_kind_[i] & kBankHoliday) {
        ++weekday_holiday_count_;
      } else {
        day_kind_[i] |= kWorkingDay;
        working_days_.push_back(static_cast<int32_t>(i));
        ++count;
      }
    }
    working_through_[i] = static_cast<int32_t>(count);
    weekday = weekday == 7 ? 1 : weekday + 1;
  }
  count_through_last_ = count;
}

int64_t WorkingDayCalendar::WorkingDaysThrough(int64_t day_number) const {
  const int64_t index = day_number - first_day_.day_number();
  if (index < 0) return WeekdaysThrough(day_number);
  if (index < static_cast<int64_t>(working_through_.size())) return working_through_[static_cast<size_t>(index)];
  return WeekdaysThrough(day_number) - weekday_holiday_count_;
}

int64_t WorkingDayCalendar::WorkingDayWithCount(int64_t count) const {
  if (count <= count_before_first_) return WeekdayWithCount(count);
  if (count <= count_through_last_) {
    return first_day_.day_number() + working_days_[static_cast<size_t>(count - count_before_first_ - 1)];
  }
  return WeekdayWithCount(count + weekday_holiday_count_);
}

bool WorkingDayCalendar::IsBankHoliday(Date date) const {
  const int64_t index = int64_t{date.day_number()} - first_day_.day_number();
  if (index < 0 || index >= static_cast<int64_t>(day_kind_.size())) return false;
  return (day_kind_[static_cast<size_t>(index)] & kBankHoliday) != 0;
}

bool WorkingDayCalendar::IsWorkingDay(Date date) const {
  const int64_t index = int64_t{date.day_number()} - first_day_.day_number();
  if (index < 0 || index >= static_cast<int64_t>(day_kind_.size())) return !date.IsWeekend();
  return (day_kind_[static_cast<size_t>(index)] & kWorkingDay) != 0;
}

std::vector<BankHoliday> WorkingDayCalendar::BankHolidays(int year) const {
  if (year < kFirstYear || year > kLastYear) return {};
  const auto by_date = [](const BankHoliday& holiday, Date date) { return holiday.date < date; };
  const auto begin = std::lower_bound(holidays_.begin(), holidays_.end(), Date::FromYmdOrDie(year, 1, 1), by_date);
  const auto end = std::lower_bound(begin, holidays_.end(), Date::FromYmdOrDie(year, 12, 31).AddDays(1), by_date);
  return std::vector<BankHoliday>(begin, end);
}

Date WorkingDayCalendar::Add(Date date, int working_days) const {
  if (working_days == 0) return date;
  // Forward: the working day whose count is `date`'s plus N. Backward: counted from the day
  // before, so a non-working `date` is not mistaken for the first working day behind it.
  const int64_t count = working_days > 0 ? WorkingDaysThrough(date.day_number()) + working_days
                                         : WorkingDaysThrough(int64_t{date.day_number()} - 1) + working_days + 1;
  return Date::FromDayNumber(static_cast<int32_t>(WorkingDayWithCount(count)));
}

int WorkingDayCalendar::WorkingDaysBetween(Date from, Date to) const {
  // Mirrors Add: forward spans count (from, to]; backward spans count [to, from) negatively.
  if (to >= from) return static_cast<int>(WorkingDaysThrough(to.day_number()) - WorkingDaysThrough(from.day_number()));
  return static_cast<int>(WorkingDaysThrough(int64_t{to.day_number()} - 1) -
                          WorkingDaysThrough(int64_t{from.day_number()} - 1));
}

}  // namespace cairn
