#include "base/date.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace cairn {
namespace {

Date D(int year, int month, int day) { return Date::FromYmdOrDie(year, month, day); }

// "'text' rest", built by appending (g++ 12 warns falsely on "'" + std::string(...): bug 105329).
std::string QuotedThen(const char* text, const char* rest) {
  std::string message = "'";
  message.append(text).append("' ").append(rest);
  return message;
}

// ------------------------------------------------------------------ building and parsing

TEST(DateTest, DayNumbersCountFrom1January1970) {
  EXPECT_EQ(Date().day_number(), 0);
  EXPECT_EQ(D(1970, 1, 1), Date());
  EXPECT_EQ(D(1969, 12, 31).day_number(), -1);
  EXPECT_EQ(D(2000, 1, 1).day_number(), 10957);
  EXPECT_EQ(D(2024, 3, 31).day_number(), 19813);
  EXPECT_EQ(D(1900, 1, 1).day_number(), -25567);
  EXPECT_EQ(D(2199, 12, 31).day_number(), 84005);
  EXPECT_EQ(Date::FromDayNumber(19813), D(2024, 3, 31));
}

TEST(DateTest, FromYmdRefusesDaysThatDoNotExist) {
  EXPECT_TRUE(Date::FromYmd(2024, 2, 29).ok());
  EXPECT_EQ(Date::FromYmd(2023, 2, 29).status().message(), "29 February 2023 does not exist");
  EXPECT_EQ(Date::FromYmd(2024, 2, 30).status().message(), "30 February 2024 does not exist");
  EXPECT_EQ(Date::FromYmd(2024, 4, 31).status().message(), "31 April 2024 does not exist");
  EXPECT_EQ(Date::FromYmd(2024, 1, 0).status().message(), "0 January 2024 does not exist");
  EXPECT_EQ(Date::FromYmd(2024, 13, 1).status().message(), "month 13 is not 1-12");
  EXPECT_EQ(Date::FromYmd(2024, 0, 1).status().message(), "month 0 is not 1-12");
  EXPECT_EQ(Date::FromYmd(1899, 12, 31).status().message(), "year 1899 is outside 1900-2199");
  EXPECT_EQ(Date::FromYmd(2200, 1, 1).status().message(), "year 2200 is outside 1900-2199");
  EXPECT_EQ(Date::FromYmd(2023, 2, 29).status().code(), Status::Code::kInvalidArgument);
}

TEST(DateTest, FromYmdOrDieThrowsOnAProgrammerError) {
  EXPECT_THROW(Date::FromYmdOrDie(2023, 2, 29), std::logic_error);
  EXPECT_NO_THROW(Date::FromYmdOrDie(2024, 2, 29));
}

TEST(DateTest, ParseIsoAcceptsExactlyYearMonthDay) {
  Result<Date> date = Date::ParseIso("2024-03-31");
  ASSERT_TRUE(date.ok()) << date.status().message();
  EXPECT_EQ(date->year(), 2024);
  EXPECT_EQ(date->month(), 3);
  EXPECT_EQ(date->day(), 31);
  EXPECT_EQ(Date::ParseIso("2024-02-29").value(), D(2024, 2, 29));
  EXPECT_EQ(Date::ParseIso("1900-01-01").value(), D(1900, 1, 1));
  EXPECT_EQ(Date::ParseIso("2199-12-31").value(), D(2199, 12, 31));
}

TEST(DateTest, ParseIsoRefusesAnythingElse) {
  for (const char* text :
       {"", "2024-1-01", "2024-01-1", "24-01-01", "2024/01/01", "2024-01-01 ", " 2024-01-01", "2024-01-01T00:00",
        "abcd-ef-gh", "2024-0a-01", "+024-01-01", "2024--1-01", "31/03/2024", "2024-03-31x"}) {
    Result<Date> date = Date::ParseIso(text);
    ASSERT_FALSE(date.ok()) << "'" << text << "'";
    EXPECT_EQ(date.status().message(), QuotedThen(text, "is not a date in the form YYYY-MM-DD"));
  }
  EXPECT_EQ(Date::ParseIso("2024-13-01").status().message(), "'2024-13-01' is not a valid date: month 13 is not 1-12");
  EXPECT_EQ(Date::ParseIso("2023-02-29").status().message(),
            "'2023-02-29' is not a valid date: 29 February 2023 does not exist");
  EXPECT_EQ(Date::ParseIso("2024-00-10").status().message(), "'2024-00-10' is not a valid date: month 0 is not 1-12");
  EXPECT_FALSE(Date::ParseIso("2024-01-00").ok());
  EXPECT_FALSE(Date::ParseIso("2024-04-31").ok());
  EXPECT_EQ(Date::ParseIso("1899-12-31").status().message(),
            "'1899-12-31' is not a valid date: year 1899 is outside 1900-2199");
  EXPECT_FALSE(Date::ParseIso("2200-01-01").ok());
  EXPECT_FALSE(Date::ParseIso("0000-01-01").ok());
}

TEST(DateTest, ParseIsoShortensEnormousInputInItsMessage) {
  const std::string huge(1000, '9');
  const std::string message = Date::ParseIso(huge).status().message();
  EXPECT_LT(message.size(), 100u);
  EXPECT_NE(message.find("..."), std::string::npos);
}

TEST(DateTest, ParseDmyAcceptsOneOrTwoDigitDaysAndMonths) {
  EXPECT_EQ(Date::ParseDmy("31/03/2024").value(), D(2024, 3, 31));
  EXPECT_EQ(Date::ParseDmy("1/2/2024").value(), D(2024, 2, 1));
  EXPECT_EQ(Date::ParseDmy("01/2/2024").value(), D(2024, 2, 1));
  EXPECT_EQ(Date::ParseDmy("1/02/2024").value(), D(2024, 2, 1));
  EXPECT_EQ(Date::ParseDmy("29/02/2024").value(), D(2024, 2, 29));
}

TEST(DateTest, ParseDmyRefusesAnythingElse) {
  for (const char* text :
       {"", "31-03-2024", "2024-03-31", "1/2/24", "1/2/20244", "001/02/2024", "1/002/2024", "/02/2024", "1//2024",
        "1/2/", "12024", "aa/bb/cccc", "1/2/2024/", "1 /2/2024", "+1/2/2024", "1/2/-024"}) {
    Result<Date> date = Date::ParseDmy(text);
    ASSERT_FALSE(date.ok()) << "'" << text << "'";
    EXPECT_EQ(date.status().message(), QuotedThen(text, "is not a date in the form dd/mm/YYYY"));
  }
  EXPECT_EQ(Date::ParseDmy("31/02/2024").status().message(),
            "'31/02/2024' is not a valid date: 31 February 2024 does not exist");
  EXPECT_EQ(Date::ParseDmy("29/02/2023").status().message(),
            "'29/02/2023' is not a valid date: 29 February 2023 does not exist");
  EXPECT_EQ(Date::ParseDmy("1/13/2024").status().message(), "'1/13/2024' is not a valid date: month 13 is not 1-12");
  EXPECT_FALSE(Date::ParseDmy("0/1/2024").ok());
  EXPECT_FALSE(Date::ParseDmy("31/12/1899").ok());
  EXPECT_FALSE(Date::ParseDmy("01/01/2200").ok());
}

// ------------------------------------------------------------------ every day in the range

TEST(DateTest, EveryDayFrom1900To2199RoundTripsThroughBothForms) {
  const Date first = D(Date::kMinYear, 1, 1);
  const Date last = D(Date::kMaxYear, 12, 31);
  int year = Date::kMinYear;
  int month = 1;
  int day = 1;
  int weekday = static_cast<int>(Weekday::kMonday);  // 1 January 1900
  int count = 0;
  for (Date date = first; date <= last; date = date.AddDays(1), ++count) {
    // An independent day-by-day walk of the calendar, to check the arithmetic against.
    ASSERT_EQ(date.year(), year) << date.ToIso();
    ASSERT_EQ(date.month(), month) << date.ToIso();
    ASSERT_EQ(date.day(), day) << date.ToIso();
    ASSERT_EQ(static_cast<int>(date.weekday()), weekday) << date.ToIso();
    ASSERT_EQ(Date::FromYmd(year, month, day).value(), date);

    const std::string iso = date.ToIso();
    const std::string dmy = date.ToDmy();
    ASSERT_EQ(iso.size(), 10u);
    ASSERT_EQ(dmy.size(), 10u);
    ASSERT_EQ(dmy, iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4));
    Result<Date> from_iso = Date::ParseIso(iso);
    Result<Date> from_dmy = Date::ParseDmy(dmy);
    ASSERT_TRUE(from_iso.ok()) << iso << ": " << from_iso.status().message();
    ASSERT_TRUE(from_dmy.ok()) << dmy << ": " << from_dmy.status().message();
    ASSERT_EQ(*from_iso, date);
    ASSERT_EQ(*from_dmy, date);

    weekday = weekday == 7 ? 1 : weekday + 1;
    if (++day > DaysInMonth(year, month)) {
      day = 1;
      if (++month > 12) {
        month = 1;
        ++year;
      }
    }
  }
  EXPECT_EQ(count, 300 * 365 + 73);  // leap years: 1904 to 2196 every fourth (74), less 2100
  EXPECT_EQ(last.DaysSince(first), count - 1);
}

TEST(DateTest, WeekdaysOfKnownDates) {
  EXPECT_EQ(D(1970, 1, 1).weekday(), Weekday::kThursday);
  EXPECT_EQ(D(1969, 12, 31).weekday(), Weekday::kWednesday);
  EXPECT_EQ(D(1900, 1, 1).weekday(), Weekday::kMonday);
  EXPECT_EQ(D(2000, 2, 29).weekday(), Weekday::kTuesday);
  EXPECT_EQ(D(2024, 3, 31).weekday(), Weekday::kSunday);
  EXPECT_EQ(D(2022, 9, 19).weekday(), Weekday::kMonday);
  EXPECT_EQ(D(2199, 12, 31).weekday(), Weekday::kTuesday);
  EXPECT_TRUE(D(2024, 3, 30).IsWeekend());
  EXPECT_TRUE(D(2024, 3, 31).IsWeekend());
  EXPECT_FALSE(D(2024, 3, 29).IsWeekend());
  EXPECT_FALSE(D(2024, 4, 1).IsWeekend());
}

TEST(DateTest, LeapYearsAndMonthLengths) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2100));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(2023, 4), 30);
  EXPECT_EQ(DaysInMonth(2023, 12), 31);
}

// ------------------------------------------------------------------ arithmetic

TEST(DateTest, AddDaysAndWeeks) {
  EXPECT_EQ(D(2024, 2, 28).AddDays(1), D(2024, 2, 29));
  EXPECT_EQ(D(2023, 2, 28).AddDays(1), D(2023, 3, 1));
  EXPECT_EQ(D(2024, 1, 1).AddDays(-1), D(2023, 12, 31));
  EXPECT_EQ(D(2024, 12, 20).AddWeeks(2), D(2025, 1, 3));
  EXPECT_EQ(D(2024, 1, 3).AddWeeks(-1), D(2023, 12, 27));
}

TEST(DateTest, AddMonthsClampsToTheEndOfTheMonth) {
  EXPECT_EQ(D(2023, 8, 31).AddMonths(6), D(2024, 2, 29));
  EXPECT_EQ(D(2022, 8, 31).AddMonths(6), D(2023, 2, 28));
  EXPECT_EQ(D(2024, 1, 31).AddMonths(1), D(2024, 2, 29));
  EXPECT_EQ(D(2024, 5, 31).AddMonths(1), D(2024, 6, 30));
  EXPECT_EQ(D(2024, 1, 15).AddMonths(3), D(2024, 4, 15));
  EXPECT_EQ(D(2024, 11, 30).AddMonths(3), D(2025, 2, 28));
  EXPECT_EQ(D(2024, 3, 10).AddMonths(0), D(2024, 3, 10));
}

TEST(DateTest, AddMonthsGoesBackwardsForNegativeMonths) {
  EXPECT_EQ(D(2024, 3, 31).AddMonths(-1), D(2024, 2, 29));
  EXPECT_EQ(D(2023, 3, 31).AddMonths(-1), D(2023, 2, 28));
  EXPECT_EQ(D(2024, 1, 15).AddMonths(-1), D(2023, 12, 15));
  EXPECT_EQ(D(2024, 1, 15).AddMonths(-13), D(2022, 12, 15));
  EXPECT_EQ(D(2024, 8, 31).AddMonths(-6), D(2024, 2, 29));
  EXPECT_EQ(D(1900, 12, 31).AddMonths(-11), D(1900, 1, 31));
}

TEST(DateTest, AddYearsMovesA29FebruaryTo28February) {
  EXPECT_EQ(D(2024, 2, 29).AddYears(1), D(2025, 2, 28));
  EXPECT_EQ(D(2024, 2, 29).AddYears(4), D(2028, 2, 29));
  EXPECT_EQ(D(2024, 2, 29).AddYears(-1), D(2023, 2, 28));
}

TEST(DateTest, AgeInYearsCountsCompletedYears) {
  const Date birth = D(2010, 6, 15);
  EXPECT_EQ(D(2010, 6, 15).AgeInYears(birth), 0);
  EXPECT_EQ(D(2011, 6, 14).AgeInYears(birth), 0);
  EXPECT_EQ(D(2011, 6, 15).AgeInYears(birth), 1);
  EXPECT_EQ(D(2028, 6, 14).AgeInYears(birth), 17);
  EXPECT_EQ(D(2028, 6, 15).AgeInYears(birth), 18);
  EXPECT_EQ(D(2028, 7, 1).AgeInYears(birth), 18);
}

TEST(DateTest, AgeInYearsForA29FebruaryBirthday) {
  const Date birth = D(2008, 2, 29);
  EXPECT_EQ(D(2009, 2, 28).AgeInYears(birth), 0);
  EXPECT_EQ(D(2009, 3, 1).AgeInYears(birth), 1);  // common year: a year completes on 1 March
  EXPECT_EQ(D(2012, 2, 28).AgeInYears(birth), 3);
  EXPECT_EQ(D(2012, 2, 29).AgeInYears(birth), 4);  // leap year: on the day itself
  EXPECT_EQ(D(2026, 2, 28).AgeInYears(birth), 17);
  EXPECT_EQ(D(2026, 3, 1).AgeInYears(birth), 18);
}

TEST(DateTest, DaysSince) {
  EXPECT_EQ(D(2024, 3, 1).DaysSince(D(2024, 2, 28)), 2);
  EXPECT_EQ(D(2023, 3, 1).DaysSince(D(2023, 2, 28)), 1);
  EXPECT_EQ(D(2025, 1, 1).DaysSince(D(2024, 1, 1)), 366);
  EXPECT_EQ(D(2024, 1, 1).DaysSince(D(2025, 1, 1)), -366);
  EXPECT_EQ(D(2024, 1, 1).DaysSince(D(2024, 1, 1)), 0);
  EXPECT_EQ(D(2000, 1, 1).DaysSince(D(1900, 1, 1)), 36524);
}

TEST(DateTest, DatesCompareInTimeOrder) {
  EXPECT_LT(D(2023, 12, 31), D(2024, 1, 1));
  EXPECT_GT(D(2024, 2, 1), D(2024, 1, 31));
  EXPECT_EQ(D(2024, 2, 29), Date::ParseDmy("29/2/2024").value());
  EXPECT_NE(D(2024, 2, 29), D(2024, 3, 1));
}

}  // namespace
}  // namespace cairn
