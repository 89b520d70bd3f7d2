#include "base/date.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace cairn {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar, by counting in
// 400-year eras that start on 1 March (so the leap day is the last day of an era year).
int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int year_of_era = y - era * 400;
  const int day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct Ymd {
  int year;
  int month;
  int day;
};

Ymd CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int day_of_era = z - era * 146097;
  const int year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int mp = (5 * day_of_year + 2) / 153;
  const int day = day_of_year - (153 * mp + 2) / 5 + 1;
  const int month = mp < 10 ? mp + 3 : mp - 9;
  return Ymd{year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

constexpr std::array<const char*, 13> kMonthNames = {"",        "January",  "February", "March",  "April",
                                                     "May",     "June",     "July",     "August", "September",
                                                     "October", "November", "December"};

bool ParseDigits(std::string_view text, int& out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::string Quoted(std::string_view text) {
  // Keep error messages readable even when a file holds something enormous.
  constexpr size_t kMaxShown = 40;
  std::string shown(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) shown += "...";
  return "'" + shown + "'";
}

}  // namespace

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 13> kDays = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[static_cast<size_t>(month)];
}

Result<Date> Date::FromYmd(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) {
    return Status::InvalidArgument("year " + std::to_string(year) + " is outside " + std::to_string(kMinYear) + "-" +
                                   std::to_string(kMaxYear));
  }
  if (month < 1 || month > 12) return Status::InvalidArgument("month " + std::to_string(month) + " is not 1-12");
  if (day < 1 || day > DaysInMonth(year, month)) {
    return Status::InvalidArgument(std::to_string(day) + " " + kMonthNames[static_cast<size_t>(month)] + " " +
                                   std::to_string(year) + " does not exist");
  }
  return Date(DaysFromCivil(year, month, day));
}

Date Date::FromYmdOrDie(int year, int month, int day) {
  Result<Date> date = FromYmd(year, month, day);
  if (!date.ok()) throw std::logic_error("Date::FromYmdOrDie: " + date.status().message());
  return *date;
}

Result<Date> Date::ParseIso(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text.substr(0, 4), year) ||
      !ParseDigits(text.substr(5, 2), month) || !ParseDigits(text.substr(8, 2), day)) {
    return Status::InvalidArgument(Quoted(text) + " is not a date in the form YYYY-MM-DD");
  }
  Result<Date> date = FromYmd(year, month, day);
  if (!date.ok()) return Status::InvalidArgument(Quoted(text) + " is not a valid date: " + date.status().message());
  return date;
}

Result<Date> Date::ParseDmy(std::string_view text) {
  const size_t first = text.find('/');
  const size_t second = first == std::string_view::npos ? first : text.find('/', first + 1);
  int year = 0;
  int month = 0;
  int day = 0;
  if (second == std::string_view::npos || first == 0 || first > 2 || second - first - 1 == 0 ||
      second - first - 1 > 2 || text.size() - second - 1 != 4 || !ParseDigits(text.substr(0, first), day) ||
      !ParseDigits(text.substr(first + 1, second - first - 1), month) ||
      !ParseDigits(text.substr(second + 1), year)) {
    return Status::InvalidArgument(Quoted(text) + " is not a date in the form dd/mm/YYYY");
  }
  Result<Date> date = FromYmd(year, month, day);
  if (!date.ok()) return Status::InvalidArgument(Quoted(text) + " is not a valid date: " + date.status().message());
  return date;
}

int Date::year() const { return CivilFromDays(days_).year; }
int Date::month() const { return CivilFromDays(days_).month; }
int Date::day() const { return CivilFromDays(days_).day; }

Weekday Date::weekday() const {
  // 1970-01-01 was a Thursday (ISO weekday 4).
  const int32_t shifted = (days_ % 7 + 7 + 3) % 7;  // 0 = Monday
  return static_cast<Weekday>(shifted + 1);
}

std::string Date::ToIso() const {
  const Ymd ymd = CivilFromDays(days_);
  if (ymd.year >= 0 && ymd.year <= 9999) {
    // By hand rather than through snprintf: saving an import writes a few of these per event.
    const auto digit = [](int value) { return static_cast<char>('0' + value % 10); };
    return {digit(ymd.year / 1000), digit(ymd.year / 100), digit(ymd.year / 10), digit(ymd.year), '-',
            digit(ymd.month / 10),  digit(ymd.month),      '-',                  digit(ymd.day / 10), digit(ymd.day)};
  }
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", ymd.year, ymd.month, ymd.day);
  return buffer;
}

std::string Date::ToDmy() const {
  const Ymd ymd = CivilFromDays(days_);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d/%02d/%04d", ymd.day, ymd.month, ymd.year);
  return buffer;
}

Date Date::AddMonths(int32_t months) const {
  const Ymd ymd = CivilFromDays(days_);
  const int32_t month_index = ymd.year * 12 + (ymd.month - 1) + months;
  const int year = month_index >= 0 ? month_index / 12 : (month_index - 11) / 12;
  const int month = month_index - year * 12 + 1;
  const int day = std::min(ymd.day, DaysInMonth(year, month));
  return Date(DaysFromCivil(year, month, day));
}

int Date::AgeInYears(Date birth) const {
  const Ymd today = CivilFromDays(days_);
  const Ymd born = CivilFromDays(birth.days_);
  int age = today.year - born.year;
  if (today.month < born.month || (today.month == born.month && today.day < born.day)) --age;
  return age;
}

}  // namespace cairn
