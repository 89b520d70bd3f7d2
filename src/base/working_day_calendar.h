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

  // Parses a calendar. `source_name` (a file name) prefixes every error, which also names the
  // entry and field at fault ("england-and-wales.toml: holiday 3 ('Easter Monday'): unknown rule 'eastre'").
  static Result<WorkingDayCalendar> FromToml(std::string_view toml_text, std::string_view source_name);
  // The calendar compiled into Cairn from data/calendar/england-and-wales.toml.
  static Result<WorkingDayCalendar> EnglandAndWales();

  const std::string& name() const { return name_; }

  bool IsBankHoliday(Date date) const;
  bool IsWorkingDay(Date date) const;
  // The bank holidays of `year`, in date order; empty outside kFirstYear..kLastYear.
  std::vector<BankHoliday> BankHolidays(int year) const;

  // The date N working days after `date` (before it when N < 0). Add(D, 0) == D. Dates outside
  // the precomputed years are treated as having no bank holidays.
  Date Add(Date date, int working_days) const;
  // Working days after `from` up to and including `to` (negative when `to` is earlier):
  // WorkingDaysBetween(D, Add(D, N)) == N for every N.
  int WorkingDaysBetween(Date from, Date to) const;

  // Calendar arithmetic, for rules written in days, weeks or months (months clamp to month end).
  static Date AddCalendarDays(Date date, int days) { return date.AddDays(days); }
  static Date AddWeeks(Date date, int weeks) { return date.AddWeeks(weeks); }
  static Date AddMonths(Date date, int months) { return date.AddMonths(months); }

 private:
  WorkingDayCalendar() = default;
  void BuildIndex();

  std::string name_;
  std::vector<BankHoliday> holidays_;  // sorted by date
  Date first_day_;                     // kFirstYear-01-01
  // working_before_[i]: working days strictly before first_day_ + i; one extra entry at the end.
  std::vector<int32_t> working_before_;
  std::vector<bool> is_holiday_;  // indexed like working_before_
};

}  // namespace cairn
