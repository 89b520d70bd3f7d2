// A civil calendar date: no time, no time zone.
//
// Children's social care counts in days: a referral, a plan's start, a review. A Date is a
// day number (days since 1970-01-01) so comparisons and differences are integer arithmetic.
// Valid range: 1900-01-01 to 2199-12-31, wide enough for any child's record and every
// statutory clock; parsing refuses anything outside it.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn {

enum class Weekday { kMonday = 1, kTuesday, kWednesday, kThursday, kFriday, kSaturday, kSunday };

class Date {
 public:
  static constexpr int kMinYear = 1900;
  static constexpr int kMaxYear = 2199;

  // 1970-01-01. A default date exists so Date can live in containers; code that means
  // "no date" uses std::optional<Date>.
  constexpr Date() = default;

  // The date for a year, month (1-12) and day (1-31); an error names what is wrong
  // ("30 February 2024 does not exist").
  static Result<Date> FromYmd(int year, int month, int day);
  // Same, for values already known to be valid (a programmer error otherwise).
  static Date FromYmdOrDie(int year, int month, int day);
  static constexpr Date FromDayNumber(int32_t days_since_epoch) { return Date(days_since_epoch); }

  // "2024-03-31". Exactly ten characters; nothing else accepted.
  static Result<Date> ParseIso(std::string_view text);
  // "31/03/2024", the returns' form. Day and month may have one or two digits; year four.
  static Result<Date> ParseDmy(std::string_view text);

  int year() const;
  int month() const;  // 1-12
  int day() const;    // 1-31
  Weekday weekday() const;
  bool IsWeekend() const { return weekday() >= Weekday::kSaturday; }
  int32_t day_number() const { return days_; }

  std::string ToIso() const;  // "2024-03-31"
  std::string ToDmy() const;  // "31/03/2024"

  Date AddDays(int32_t days) const { return Date(days_ + days); }
  Date AddWeeks(int32_t weeks) const { return Date(days_ + 7 * weeks); }
  // Calendar months; a day past the end of the target month clamps to its last day
  // (31 Aug + 6 months = 28 or 29 Feb).
  Date AddMonths(int32_t months) const;
  Date AddYears(int32_t years) const { return AddMonths(12 * years); }

  // Whole days from `earlier` to this date (negative when this date is earlier).
  int32_t DaysSince(Date earlier) const { return days_ - earlier.days_; }

  // Completed years of age on this date for someone born on `birth` (a 29 February
  // birthday completes a year on 1 March in common years).
  int AgeInYears(Date birth) const;

  friend constexpr auto operator<=>(Date a, Date b) = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}

  int32_t days_ = 0;
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);

}  // namespace cairn
