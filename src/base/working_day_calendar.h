// WorkingDayCalendar: England and Wales working days, for every statutory clock counted in
// working days (45 WD assessments, 15 WD to an initial conference, 20 WD to a first CLA review).
//
// A working day is Monday to Friday and not a bank holiday. Bank holidays come from a TOML
// calendar (data/calendar/england-and-wales.toml): recurring rules (a fixed date with weekend
// substitution, Easter-relative days, first or last weekday of a month), plus moved and one-off
// days, so a newly announced holiday is a one-line data change. Holidays are precomputed for
// kFirstYear..kLastYear; every operation is O(1) or O(log n) after construction.
//
// Conventions (from the timescales rules): N working days after day D is Add(D, N), where D
// itself is day 0 whether or not it is a working day; Add(D, 0) == D.
//
// A calendar is immutable once built and safe to share between threads. It holds about 0.5 MB of
// tables: build it once and pass it by reference.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"

namespace cairn {

struct BankHoliday {
  Date date;
  std::string name;  // "Christmas Day (substitute day)", "State Funeral of Queen Elizabeth II"
};

class WorkingDayCalendar {
 public:
  static constexpr int kFirstYear = 1950;
  static constexpr int kLastYear = 2150;

  // Parses a calendar (the schema is described at the top of data/calendar/england-and-wales.toml).
  // `source_name` (a file name) prefixes every error, which also names the line, the entry and the
  // field at fault:
  //   "england-and-wales.toml line 31: holiday 3 ('Easter Monday'), field 'rule': 'eastre' is not
  //    a rule Cairn knows; use fixed, easter, first-weekday or last-weekday."
  // TOML syntax errors name the line and column. Unknown keys, missing or malformed fields, a
  // moved entry naming an unknown holiday, dates outside kFirstYear..kLastYear, and two holidays
  // on the same day are all errors (kInvalidArgument).
  static Result<WorkingDayCalendar> FromToml(std::string_view toml_text, std::string_view source_name);
  // The calendar compiled into Cairn from data/calendar/england-and-wales.toml. Parses on every
  // call (under a millisecond of CPU); keep the result.
  static Result<WorkingDayCalendar> EnglandAndWales();

  // Western (Gregorian) Easter Sunday of `year`, which must be within Date::kMinYear..kMaxYear.
  static Date EasterSunday(int year);

  const std::string& name() const { return name_; }  // the calendar's `name`, "England and Wales"

  // Outside kFirstYear..kLastYear no day is a bank holiday and every weekday is a working day.
  bool IsBankHoliday(Date date) const;
  bool IsWorkingDay(Date date) const;
  // The bank holidays of `year`, in date order; empty outside kFirstYear..kLastYear.
  std::vector<BankHoliday> BankHolidays(int year) const;

  // The date N working days after `date` (before it when N < 0). Add(D, 0) == D. For N > 0 the
  // result is the Nth working day after D; for N < 0 it is the |N|th working day before D; either
  // way D itself is never counted. Dates outside the precomputed years are treated as having no
  // bank holidays (weekday-only arithmetic), and a span may cross in or out of those years.
  Date Add(Date date, int working_days) const;
  // Working days counted from `from` to `to`, the inverse of Add:
  // WorkingDaysBetween(D, Add(D, N)) == N for every D and N.
  //  - `to` on or after `from`: the working days after `from` up to and including `to`. A
  //    non-working `to` (a weekend or bank holiday) counts the same as the last working day
  //    before it, so Friday to the following Sunday is 0 and Friday to Monday is 1.
  //  - `to` before `from`: minus the working days on or after `to` and before `from`, so
  //    Saturday back to the Friday before is -1.
  // Because of those two readings, WorkingDaysBetween(a, b) == -WorkingDaysBetween(b, a) only when
  // both are working days. To test a deadline compare dates (done <= Add(start, N)), not counts:
  // a Saturday just after a Friday deadline has the same count as the Friday.
  int WorkingDaysBetween(Date from, Date to) const;
  // `date` itself when it is a working day, else the next working day after it (OnOrAfter) or
  // the last one before it (OnOrBefore): a date moved to the nearest day the office is open.
  Date OnOrAfter(Date date) const { return IsWorkingDay(date) ? date : Add(date, 1); }
  Date OnOrBefore(Date date) const { return IsWorkingDay(date) ? date : Add(date, -1); }

  // Calendar arithmetic, for rules written in days, weeks or months (months clamp to month end).
  static Date AddCalendarDays(Date date, int days) { return date.AddDays(days); }
  static Date AddWeeks(Date date, int weeks) { return date.AddWeeks(weeks); }
  static Date AddMonths(Date date, int months) { return date.AddMonths(months); }

 private:
  WorkingDayCalendar() = default;
  void BuildIndex();
  // Working days on or before `day_number`, counted from a fixed origin. Defined for every day
  // (weekday-only outside the precomputed years) and non-decreasing, so differences are counts.
  int64_t WorkingDaysThrough(int64_t day_number) const;
  // The working day whose WorkingDaysThrough() is `count`.
  int64_t WorkingDayWithCount(int64_t count) const;

  std::string name_;
  std::vector<BankHoliday> holidays_;  // sorted by date, all within kFirstYear..kLastYear
  Date first_day_;                     // kFirstYear-01-01
  // Indexed by days since first_day_, up to kLastYear-12-31:
  std::vector<int32_t> working_through_;  // WorkingDaysThrough() of that day
  std::vector<uint8_t> day_kind_;         // kWorkingDay / kBankHoliday bits (see .cpp)
  // Days since first_day_ of each working day in the precomputed years, in order, so the kth
  // working day is one lookup.
  std::vector<int32_t> working_days_;
  int64_t count_before_first_ = 0;     // WorkingDaysThrough(first_day_ - 1)
  int64_t count_through_last_ = 0;     // WorkingDaysThrough(kLastYear-12-31)
  int64_t weekday_holiday_count_ = 0;  // bank holidays on a Monday-Friday in the precomputed years
};

}  // namespace cairn
