#include "base/working_day_calendar.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace cairn {
namespace {

Date D(int year, int month, int day) { return Date::FromYmdOrDie(year, month, day); }

const WorkingDayCalendar& EnglandAndWales() {
  static const WorkingDayCalendar calendar = [] {
    Result<WorkingDayCalendar> loaded = WorkingDayCalendar::EnglandAndWales();
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().message();
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return calendar;
}

std::vector<Date> HolidayDates(int year) {
  std::vector<Date> dates;
  for (const BankHoliday& holiday : EnglandAndWales().BankHolidays(year)) dates.push_back(holiday.date);
  return dates;
}

std::string NameOn(Date date) {
  for (const BankHoliday& holiday : EnglandAndWales().BankHolidays(date.year())) {
    if (holiday.date == date) return holiday.name;
  }
  return "(not a bank holiday)";
}

// Day-by-day versions of Add and WorkingDaysBetween, to check the indexed ones against.
Date SlowAdd(const WorkingDayCalendar& calendar, Date date, int n) {
  const int step = n > 0 ? 1 : -1;
  for (int remaining = n > 0 ? n : -n; remaining > 0;) {
    date = date.AddDays(step);
    if (calendar.IsWorkingDay(date)) --remaining;
  }
  return date;
}

int SlowBetween(const WorkingDayCalendar& calendar, Date from, Date to) {
  int count = 0;
  if (to >= from) {
    for (Date day = from.AddDays(1); day <= to; day = day.AddDays(1)) count += calendar.IsWorkingDay(day) ? 1 : 0;
    return count;
  }
  for (Date day = to; day < from; day = day.AddDays(1)) count += calendar.IsWorkingDay(day) ? 1 : 0;
  return -count;
}

// ------------------------------------------------------------------ the published lists

TEST(WorkingDayCalendarTest, BankHolidays2018To2028MatchTheReferenceLists) {
  const std::string path = CAIRN_REFERENCE_DIR "/facts/timescales-and-indicators.md";
  std::ifstream file(path);
  ASSERT_TRUE(file.is_open()) << "cannot open the reference lists at " << path;

  // Lines such as "- 2022: **01-03**, 04-15, ... (note)"; bold markers flag substitutes.
  const std::regex list_line(R"(^- (\d{4}): (.*)$)");
  const std::regex month_day(R"(\b(\d{2})-(\d{2})\b)");
  std::map<int, std::vector<Date>> expected;
  std::string line;
  while (std::getline(file, line)) {
    std::smatch match;
    if (!std::regex_match(line, match, list_line)) continue;
    const int year = std::stoi(match[1].str());
    std::string dates = match[2].str();
    for (size_t at = dates.find("**"); at != std::string::npos; at = dates.find("**")) dates.erase(at, 2);
    for (auto it = std::sregex_iterator(dates.begin(), dates.end(), month_day); it != std::sregex_iterator(); ++it) {
      expected[year].push_back(D(year, std::stoi((*it)[1].str()), std::stoi((*it)[2].str())));
    }
  }

  for (int year = 2018; year <= 2028; ++year) {
    ASSERT_TRUE(expected.count(year) == 1) << "no '- " << year << ": ...' line in " << path;
    ASSERT_GE(expected[year].size(), 8u) << "the " << year << " line in " << path << " lists too few dates";
    std::vector<std::string> want;
    std::vector<std::string> got;
    for (Date date : expected[year]) want.push_back(date.ToIso());
    for (Date date : HolidayDates(year)) got.push_back(date.ToIso());
    EXPECT_EQ(got, want) << "bank holidays in " << year;
  }
}

TEST(WorkingDayCalendarTest, EveryExceptionInTheReferenceIsAHoliday) {
  const std::vector<std::pair<Date, std::string>> expected = {
      {D(1995, 5, 8), "Early May bank holiday (50th anniversary of VE Day)"},
      {D(1999, 12, 31), "Millennium Celebrations"},
      {D(2002, 6, 3), "Golden Jubilee of Queen Elizabeth II"},
      {D(2002, 6, 4), "Spring bank holiday (Golden Jubilee)"},
      {D(2011, 4, 29), "Royal Wedding"},
      {D(2012, 6, 4), "Spring bank holiday (Diamond Jubilee)"},
      {D(2012, 6, 5), "Diamond Jubilee of Queen Elizabeth II"},
      {D(2020, 5, 8), "Early May bank holiday (75th anniversary of VE Day)"},
      {D(2022, 6, 2), "Spring bank holiday (Platinum Jubilee)"},
      {D(2022, 6, 3), "Platinum Jubilee of Queen Elizabeth II"},
      {D(2022, 9, 19), "State Funeral of Queen Elizabeth II"},
      {D(2023, 5, 8), "Coronation of King Charles III"},
  };
  for (const auto& [date, name] : expected) {
    EXPECT_TRUE(EnglandAndWales().IsBankHoliday(date)) << date.ToIso();
    EXPECT_FALSE(EnglandAndWales().IsWorkingDay(date)) << date.ToIso();
    EXPECT_EQ(NameOn(date), name) << date.ToIso();
  }
}

TEST(WorkingDayCalendarTest, MovedDaysReplaceTheRuleDayRatherThanAddingOne) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  // The rule days that were moved away are ordinary working days.
  for (Date date : {D(1995, 5, 1), D(2002, 5, 27), D(2012, 5, 28), D(2020, 5, 4), D(2022, 5, 30)}) {
    EXPECT_FALSE(calendar.IsBankHoliday(date)) << date.ToIso();
    EXPECT_TRUE(calendar.IsWorkingDay(date)) << date.ToIso();
  }
  EXPECT_EQ(calendar.BankHolidays(1995).size(), 8u);
  EXPECT_EQ(calendar.BankHolidays(2002).size(), 9u);  // eight plus the Golden Jubilee
  EXPECT_EQ(calendar.BankHolidays(2020).size(), 8u);
  EXPECT_EQ(calendar.BankHolidays(2022).size(), 10u);  // eight plus the Jubilee and the funeral
  // A week with the moved day in it has four working days, not three.
  EXPECT_EQ(calendar.WorkingDaysBetween(D(2020, 5, 3), D(2020, 5, 9)), 4);
}

TEST(WorkingDayCalendarTest, RulesStartInTheYearTheyWereFirstProclaimed) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  EXPECT_FALSE(calendar.IsBankHoliday(D(1973, 1, 1)));  // a Monday, but not yet a holiday
  EXPECT_TRUE(calendar.IsBankHoliday(D(1974, 1, 1)));
  EXPECT_FALSE(calendar.IsBankHoliday(D(1977, 5, 2)));  // first Monday of May 1977
  EXPECT_TRUE(calendar.IsBankHoliday(D(1978, 5, 1)));
}

// ------------------------------------------------------------------ weekend substitutes

TEST(WorkingDayCalendarTest, ChristmasOnSaturdayGivesMonday27AndTuesday28) {
  // 25 December 2021 and 2027 are Saturdays.
  for (int year : {2021, 2027}) {
    EXPECT_EQ(NameOn(D(year, 12, 27)), "Christmas Day (substitute day)") << year;
    EXPECT_EQ(NameOn(D(year, 12, 28)), "Boxing Day (substitute day)") << year;
    EXPECT_FALSE(EnglandAndWales().IsBankHoliday(D(year, 12, 25))) << year;
    EXPECT_FALSE(EnglandAndWales().IsBankHoliday(D(year, 12, 26))) << year;
    EXPECT_TRUE(EnglandAndWales().IsWorkingDay(D(year, 12, 29))) << year;
  }
}

TEST(WorkingDayCalendarTest, ChristmasOnSundayGivesBoxingDayMonday26AndChristmasTuesday27) {
  EXPECT_EQ(NameOn(D(2022, 12, 26)), "Boxing Day");
  EXPECT_EQ(NameOn(D(2022, 12, 27)), "Christmas Day (substitute day)");
  EXPECT_TRUE(EnglandAndWales().IsWorkingDay(D(2022, 12, 28)));
}

TEST(WorkingDayCalendarTest, ChristmasOnFridayMovesBoxingDayToMonday28) {
  EXPECT_EQ(NameOn(D(2020, 12, 25)), "Christmas Day");
  EXPECT_EQ(NameOn(D(2020, 12, 28)), "Boxing Day (substitute day)");
}

TEST(WorkingDayCalendarTest, NewYearsDayAtAWeekendMovesToMonday) {
  EXPECT_EQ(NameOn(D(2022, 1, 3)), "New Year's Day (substitute day)");  // 1 January 2022: Saturday
  EXPECT_EQ(NameOn(D(2023, 1, 2)), "New Year's Day (substitute day)");  // 1 January 2023: Sunday
}

// ------------------------------------------------------------------ Easter

TEST(WorkingDayCalendarTest, EasterSundayOnKnownDates) {
  EXPECT_EQ(WorkingDayCalendar::EasterSunday(2024), D(2024, 3, 31));
  EXPECT_EQ(WorkingDayCalendar::EasterSunday(2025), D(2025, 4, 20));
  EXPECT_EQ(WorkingDayCalendar::EasterSunday(2000), D(2000, 4, 23));
  EXPECT_EQ(WorkingDayCalendar::EasterSunday(2008), D(2008, 3, 23));  // early
  EXPECT_EQ(WorkingDayCalendar::EasterSunday(2011), D(2011, 4, 24));
  EXPECT_EQ(WorkingDayCalendar::EasterSunday(2038), D(2038, 4, 25));  // latest possible
  EXPECT_EQ(WorkingDayCalendar::EasterSunday(1913), D(1913, 3, 23));
  EXPECT_EQ(WorkingDayCalendar::EasterSunday(1943), D(1943, 4, 25));
  EXPECT_EQ(WorkingDayCalendar::EasterSunday(2160), D(2160, 3, 23));
}

TEST(WorkingDayCalendarTest, EasterIsAlwaysASundayBetween22MarchAnd25April) {
  for (int year = Date::kMinYear; year <= Date::kMaxYear; ++year) {
    const Date easter = WorkingDayCalendar::EasterSunday(year);
    EXPECT_EQ(easter.weekday(), Weekday::kSunday) << year;
    EXPECT_GE(easter, D(year, 3, 22)) << year;
    EXPECT_LE(easter, D(year, 4, 25)) << year;
  }
}

TEST(WorkingDayCalendarTest, Easter2024) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  EXPECT_EQ(NameOn(D(2024, 3, 29)), "Good Friday");
  EXPECT_EQ(NameOn(D(2024, 4, 1)), "Easter Monday");
  // Thursday before Easter: the next working day is the Tuesday after.
  EXPECT_EQ(calendar.Add(D(2024, 3, 28), 1), D(2024, 4, 2));
  EXPECT_EQ(calendar.Add(D(2024, 3, 28), 2), D(2024, 4, 3));
  EXPECT_EQ(calendar.WorkingDaysBetween(D(2024, 3, 28), D(2024, 4, 2)), 1);
}

// ------------------------------------------------------------------ Add and WorkingDaysBetween

TEST(WorkingDayCalendarTest, FifteenWorkingDaysSkipTheStateFuneral) {
  // ICPC within 15 WD of a strategy discussion on Monday 5 September 2022.
  EXPECT_EQ(EnglandAndWales().Add(D(2022, 9, 5), 15), D(2022, 9, 27));
  EXPECT_EQ(EnglandAndWales().WorkingDaysBetween(D(2022, 9, 5), D(2022, 9, 27)), 15);
}

TEST(WorkingDayCalendarTest, TwentyWorkingDaysAcrossChristmas2020) {
  // Friday 25 and Monday 28 December and Friday 1 January are all holidays.
  EXPECT_EQ(EnglandAndWales().Add(D(2020, 12, 10), 20), D(2021, 1, 12));
  EXPECT_EQ(EnglandAndWales().Add(D(2021, 1, 12), -20), D(2020, 12, 10));
}

TEST(WorkingDayCalendarTest, FortyFiveWorkingDaysForAnAssessment) {
  // Referral Monday 3 April 2023: Good Friday was 7 April; holidays on 10 April, 1, 8 and 29 May.
  EXPECT_EQ(EnglandAndWales().Add(D(2023, 4, 3), 45), D(2023, 6, 12));
}

TEST(WorkingDayCalendarTest, AddZeroIsTheSameDayEvenWhenItIsNotAWorkingDay) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  for (Date date : {D(2024, 3, 30), D(2024, 3, 29), D(2024, 4, 2), D(1949, 6, 4), D(2199, 12, 31)}) {
    EXPECT_EQ(calendar.Add(date, 0), date) << date.ToIso();
    EXPECT_EQ(calendar.WorkingDaysBetween(date, date), 0) << date.ToIso();
  }
}

TEST(WorkingDayCalendarTest, ASaturdayStartCountsFromTheNextWorkingDay) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  EXPECT_EQ(calendar.Add(D(2024, 6, 8), 1), D(2024, 6, 10));  // Saturday -> Monday
  EXPECT_EQ(calendar.Add(D(2024, 6, 8), 5), D(2024, 6, 14));  // -> Friday
  EXPECT_EQ(calendar.Add(D(2024, 3, 30), 1), D(2024, 4, 2));  // Easter Saturday -> Tuesday
  EXPECT_EQ(calendar.Add(D(2024, 6, 9), 1), D(2024, 6, 10));  // Sunday -> Monday
}

TEST(WorkingDayCalendarTest, NegativeCountsGoBackwards) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  EXPECT_EQ(calendar.Add(D(2024, 6, 10), -1), D(2024, 6, 7));  // Monday -> Friday
  EXPECT_EQ(calendar.Add(D(2024, 6, 8), -1), D(2024, 6, 7));   // Saturday -> Friday
  EXPECT_EQ(calendar.Add(D(2024, 4, 2), -1), D(2024, 3, 28));  // over Easter
  EXPECT_EQ(calendar.Add(D(2024, 4, 1), -1), D(2024, 3, 28));  // from Easter Monday itself
  EXPECT_EQ(calendar.Add(D(2022, 9, 27), -15), D(2022, 9, 5));
}

TEST(WorkingDayCalendarTest, OnOrAfterAndOnOrBeforeMoveOnlyClosedDays) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  EXPECT_EQ(calendar.OnOrAfter(D(2024, 6, 7)), D(2024, 6, 7));    // a Friday stays
  EXPECT_EQ(calendar.OnOrBefore(D(2024, 6, 7)), D(2024, 6, 7));
  EXPECT_EQ(calendar.OnOrAfter(D(2024, 6, 8)), D(2024, 6, 10));   // Saturday -> Monday
  EXPECT_EQ(calendar.OnOrBefore(D(2024, 6, 9)), D(2024, 6, 7));   // Sunday -> Friday
  EXPECT_EQ(calendar.OnOrAfter(D(2024, 3, 29)), D(2024, 4, 2));   // Good Friday -> Tuesday
  EXPECT_EQ(calendar.OnOrBefore(D(2024, 4, 1)), D(2024, 3, 28));  // Easter Monday -> Thursday
}

TEST(WorkingDayCalendarTest, WorkingDaysBetweenFollowsItsDocumentedReadings) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  const Date friday = D(2024, 6, 7);
  EXPECT_EQ(calendar.WorkingDaysBetween(friday, D(2024, 6, 8)), 0);   // to Saturday
  EXPECT_EQ(calendar.WorkingDaysBetween(friday, D(2024, 6, 9)), 0);   // to Sunday
  EXPECT_EQ(calendar.WorkingDaysBetween(friday, D(2024, 6, 10)), 1);  // to Monday
  EXPECT_EQ(calendar.WorkingDaysBetween(D(2024, 6, 8), friday), -1);  // Saturday back to Friday
  EXPECT_EQ(calendar.WorkingDaysBetween(D(2024, 6, 10), friday), -1);
  EXPECT_EQ(calendar.WorkingDaysBetween(D(2024, 6, 10), D(2024, 6, 3)), -5);
  EXPECT_EQ(calendar.WorkingDaysBetween(D(2024, 1, 1), D(2025, 1, 1)), 254);  // 262 weekdays, 8 holidays
}

TEST(WorkingDayCalendarTest, RoundTripAndDayByDayAgreementOverRandomDates) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  std::mt19937 random(20220919);
  // Dates from a little before the precomputed years to a little after, so spans cross both edges.
  const int32_t earliest = D(1947, 1, 1).day_number();
  const int32_t latest = D(2153, 12, 31).day_number();
  std::uniform_int_distribution<int32_t> any_day(earliest, latest);
  std::uniform_int_distribution<int> any_count(-400, 400);
  for (int i = 0; i < 200000; ++i) {
    const Date start = Date::FromDayNumber(any_day(random));
    const int n = any_count(random);
    const Date end = calendar.Add(start, n);
    ASSERT_EQ(calendar.WorkingDaysBetween(start, end), n) << start.ToIso() << " + " << n << " = " << end.ToIso();
    if (n != 0) {
      ASSERT_TRUE(calendar.IsWorkingDay(end)) << start.ToIso() << " + " << n;
    }
    if (i % 20 == 0) {
      ASSERT_EQ(end, SlowAdd(calendar, start, n)) << start.ToIso() << " + " << n;
      const Date other = Date::FromDayNumber(start.day_number() + any_count(random));
      ASSERT_EQ(calendar.WorkingDaysBetween(start, other), SlowBetween(calendar, start, other))
          << start.ToIso() << " to " << other.ToIso();
    }
  }
}

TEST(WorkingDayCalendarTest, IsWorkingDayMatchesWeekdaysMinusTheHolidayList) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  for (int year = WorkingDayCalendar::kFirstYear; year <= WorkingDayCalendar::kLastYear; ++year) {
    std::set<Date> holidays;
    for (const BankHoliday& holiday : calendar.BankHolidays(year)) {
      EXPECT_EQ(holiday.date.year(), year);
      EXPECT_FALSE(holiday.date.IsWeekend()) << holiday.date.ToIso() << " " << holiday.name;
      EXPECT_TRUE(holidays.insert(holiday.date).second) << "twice: " << holiday.date.ToIso();
    }
    EXPECT_GE(holidays.size(), 6u) << year;
    for (Date day = D(year, 1, 1); day <= D(year, 12, 31); day = day.AddDays(1)) {
      const bool holiday = holidays.count(day) == 1;
      ASSERT_EQ(calendar.IsBankHoliday(day), holiday) << day.ToIso();
      ASSERT_EQ(calendar.IsWorkingDay(day), !holiday && !day.IsWeekend()) << day.ToIso();
    }
  }
}

TEST(WorkingDayCalendarTest, OutsideThePrecomputedYearsOnlyWeekendsCount) {
  const WorkingDayCalendar& calendar = EnglandAndWales();
  EXPECT_TRUE(calendar.BankHolidays(1949).empty());
  EXPECT_TRUE(calendar.BankHolidays(2151).empty());
  EXPECT_FALSE(calendar.IsBankHoliday(D(2151, 12, 27)));  // Monday after a Saturday Christmas
  EXPECT_TRUE(calendar.IsWorkingDay(D(2151, 12, 27)));
  EXPECT_TRUE(calendar.IsWorkingDay(D(1949, 12, 26)));                    // a Monday
  EXPECT_FALSE(calendar.IsWorkingDay(D(1949, 12, 25)));                   // a Sunday
  EXPECT_EQ(calendar.Add(D(2190, 1, 1), 5), D(2190, 1, 8));               // Friday + 5 = the next Friday
  EXPECT_EQ(calendar.Add(D(1900, 1, 1), 5), D(1900, 1, 8));               // Monday + 5 = the next Monday
  EXPECT_EQ(calendar.Add(D(1900, 1, 1), -1), D(1900, 1, 1).AddDays(-3));  // the Friday before
  // Into the precomputed years from before them: 260 weekdays, less Good Friday, Easter Monday,
  // the spring and summer holidays, Christmas Day and Boxing Day 1950.
  EXPECT_EQ(calendar.WorkingDaysBetween(D(1949, 12, 30), D(1950, 12, 31)), 260 - 6);
  EXPECT_EQ(calendar.Add(D(1949, 12, 30), 260 - 6), D(1950, 12, 29));
}

// ------------------------------------------------------------------ reading calendars

constexpr const char* kMinimal = R"(name = "Test"
[[holiday]]
name = "New Year's Day"
rule = "fixed"
month = 1
day = 1
substitute = "next-free-weekday"
)";

std::string ErrorFor(const std::string& toml) {
  Result<WorkingDayCalendar> calendar = WorkingDayCalendar::FromToml(toml, "test.toml");
  if (calendar.ok()) return "(no error)";
  EXPECT_EQ(calendar.status().code(), Status::Code::kInvalidArgument);
  return calendar.status().message();
}

TEST(WorkingDayCalendarFromTomlTest, AMinimalCalendarWorks) {
  Result<WorkingDayCalendar> calendar = WorkingDayCalendar::FromToml(kMinimal, "test.toml");
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  EXPECT_EQ(calendar->name(), "Test");
  ASSERT_EQ(calendar->BankHolidays(2022).size(), 1u);
  EXPECT_EQ(calendar->BankHolidays(2022)[0].date, D(2022, 1, 3));
  EXPECT_TRUE(calendar->IsWorkingDay(D(2024, 3, 29)));  // no Good Friday in this calendar
}

TEST(WorkingDayCalendarFromTomlTest, SubstituteNoneLeavesAWeekendHolidayWhereItFalls) {
  Result<WorkingDayCalendar> calendar = WorkingDayCalendar::FromToml(
      R"(name = "Test"
[[holiday]]
name = "Fixed"
rule = "fixed"
month = 1
day = 1
substitute = "none"
[[holiday]]
name = "First Tuesday of March"
rule = "first-weekday"
month = 3
weekday = "tuesday"
)",
      "test.toml");
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  ASSERT_EQ(calendar->BankHolidays(2022).size(), 2u);
  EXPECT_EQ(calendar->BankHolidays(2022)[0].date, D(2022, 1, 1));  // a Saturday
  EXPECT_EQ(calendar->BankHolidays(2022)[1].date, D(2022, 3, 1));
  EXPECT_TRUE(calendar->IsWorkingDay(D(2022, 1, 3)));
}

TEST(WorkingDayCalendarFromTomlTest, AWeekendSubstituteStepsOverAOneOffDay) {
  Result<WorkingDayCalendar> calendar = WorkingDayCalendar::FromToml(
      std::string(kMinimal) + "[[one_off]]\ndate = 2022-01-03\nname = \"Extra\"\n", "test.toml");
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  const std::vector<BankHoliday> holidays = calendar->BankHolidays(2022);
  ASSERT_EQ(holidays.size(), 2u);
  EXPECT_EQ(holidays[0].date, D(2022, 1, 3));
  EXPECT_EQ(holidays[0].name, "Extra");
  EXPECT_EQ(holidays[1].date, D(2022, 1, 4));
  EXPECT_EQ(holidays[1].name, "New Year's Day (substitute day)");
}

TEST(WorkingDayCalendarFromTomlTest, SyntaxErrorsNameTheLineAndColumn) {
  const std::string message = ErrorFor("name = \"Test\"\n[[holiday]]\nname = \"x\nrule = \"fixed\"\n");
  EXPECT_NE(message.find("test.toml line 3, column"), std::string::npos) << message;
  EXPECT_NE(message.find("not valid TOML"), std::string::npos) << message;
}

TEST(WorkingDayCalendarFromTomlTest, AnUnknownRuleNamesTheEntryAndField) {
  std::string toml = std::string(kMinimal) +
                     "[[holiday]]\nname = \"Good Friday\"\nrule = \"easter\"\noffset = -2\n"
                     "[[holiday]]\nname = \"Easter Monday\"\nrule = \"eastre\"\noffset = 1\n";
  const std::string message = ErrorFor(toml);
  EXPECT_NE(message.find("test.toml line 14: holiday 3 ('Easter Monday'), field 'rule': 'eastre' is not a rule"),
            std::string::npos)
      << message;
}

TEST(WorkingDayCalendarFromTomlTest, MissingAndMalformedFieldsNameTheEntryAndField) {
  struct Case {
    std::string holiday;   // the body of one [[holiday]] after kMinimal
    std::string expected;  // part of the message
  };
  const std::vector<Case> cases = {
      {"name = \"Summer\"\nrule = \"fixed\"\nday = 1\n", "holiday 2 ('Summer'), field 'month': is missing"},
      {"name = \"Summer\"\nrule = \"fixed\"\nmonth = 13\nday = 1\n",
       "holiday 2 ('Summer'), field 'month': 13 is not a month number between 1 and 12"},
      {"name = \"Summer\"\nrule = \"fixed\"\nmonth = \"May\"\nday = 1\n", "field 'month': must be a month number"},
      {"name = \"Summer\"\nrule = \"fixed\"\nmonth = 2\nday = 29\n", "field 'day': 29 is not a day of the month"},
      {"name = \"Summer\"\nrule = \"fixed\"\nmonth = 8\nday = 1\nsubstitute = \"monday\"\n",
       "field 'substitute': 'monday' is not a substitution"},
      {"name = \"Summer\"\nrule = \"last-weekday\"\nmonth = 8\nweekday = \"Mon\"\n",
       "holiday 2 ('Summer'), field 'weekday': 'Mon' is not a day of the week"},
      {"name = \"Summer\"\nrule = \"last-weekday\"\nmonth = 8\n", "field 'weekday': is missing"},
      {"name = \"Summer\"\nrule = \"last-weekday\"\nmnth = 8\nweekday = \"Monday\"\n",
       "holiday 2 ('Summer'), field 'mnth': a 'last-weekday' holiday has no such field"},
      {"name = \"Summer\"\nrule = \"easter\"\noffset = 1\nday = 3\n",
       "field 'day': an 'easter' holiday has no such field"},
      {"name = \"Summer\"\nrule = \"easter\"\n", "field 'offset': is missing"},
      {"rule = \"easter\"\noffset = 1\n", "holiday 2, field 'name': is missing"},
      {"name = \"Summer\"\n", "holiday 2 ('Summer'), field 'rule': is missing"},
      {"name = \"Summer\"\nrule = \"easter\"\noffset = 1\nfirst_year = 2000\nlast_year = 1990\n",
       "field 'last_year': 1990 is before first_year 2000"},
      {"name = \"New Year's Day\"\nrule = \"easter\"\noffset = 1\n",
       "field 'name': holiday 1 ('New Year's Day') has the same name"},
  };
  for (const Case& c : cases) {
    const std::string message = ErrorFor(std::string(kMinimal) + "[[holiday]]\n" + c.holiday);
    EXPECT_NE(message.find("test.toml line "), std::string::npos) << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << "expected '" << c.expected << "' in: " << message;
  }
}

TEST(WorkingDayCalendarFromTomlTest, ErrorsPointAtTheLineOfTheField) {
  const std::string message =
      ErrorFor(std::string(kMinimal) + "[[holiday]]\nname = \"S\"\nrule = \"fixed\"\nmonth = 0\nday = 1\n");
  EXPECT_NE(message.find("test.toml line 11: holiday 2 ('S'), field 'month'"), std::string::npos) << message;
}

TEST(WorkingDayCalendarFromTomlTest, MovedAndOneOffEntriesAreChecked) {
  struct Case {
    std::string entry;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"[[moved]]\nholiday = \"Whit Monday\"\nyear = 2020\ndate = 2020-06-01\n",
       "moved 1 ('Whit Monday', 2020), field 'holiday': 'Whit Monday' is not the name of any [[holiday]]"},
      {"[[moved]]\nholiday = \"new year's day\"\nyear = 2020\ndate = 2020-01-02\n",
       "names must match exactly: did you mean 'New Year's Day'?"},
      {"[[moved]]\nholiday = \"New Year's Day\"\nyear = 2020\n",
       "moved 1 ('New Year's Day', 2020), field 'date': is missing"},
      {"[[moved]]\nholiday = \"New Year's Day\"\nyear = 2020\ndate = 2021-01-04\n",
       "field 'date': 2021-01-04 is not in 2020"},
      {"[[moved]]\nholiday = \"New Year's Day\"\nyear = 2020\ndate = 2020-01-04\n", "2020-01-04 is a Saturday"},
      {"[[moved]]\nholiday = \"New Year's Day\"\nyear = 2200\ndate = 2200-01-02\n",
       "field 'year': 2200 is not a year between 1950 and 2150"},
      {"[[moved]]\nholiday = \"New Year's Day\"\nyear = 2020\ndate = 2020-01-02\nwhy = \"x\"\n",
       "field 'why': a [[moved]] entry has no such field; use holiday, year, date or reason"},
      {"[[moved]]\nholiday = \"New Year's Day\"\nyear = 2020\ndate = 2020-01-02\n"
       "[[moved]]\nholiday = \"New Year's Day\"\nyear = 2020\ndate = 2020-01-03\n",
       "moved 2 ('New Year's Day', 2020): moved 1 ('New Year's Day', 2020) already moves this holiday in 2020"},
      {"[[one_off]]\ndate = 2022-09-18\nname = \"Funeral\"\n",
       "one_off 1 ('Funeral'), field 'date': 2022-09-18 is a Sunday"},
      {"[[one_off]]\ndate = 2022-09-19\n", "one_off 1, field 'name': is missing"},
      {"[[one_off]]\ndate = 1812-06-01\nname = \"Old\"\n",
       "field 'date': '1812-06-01' is not a valid date: year 1812 is outside 1900-2199"},
      {"[[one_off]]\ndate = 2160-06-02\nname = \"Far\"\n",
       "field 'date': 2160-06-02 is outside the years this calendar covers (1950-2150)"},
      {"[[one_off]]\ndate = \"2023-02-29\"\nname = \"Leap\"\n", "'2023-02-29' is not a valid date"},
      {"[[one_off]]\ndate = 20220919\nname = \"Number\"\n", "field 'date': must be a date such as 2022-09-19"},
      {"[[one_off]]\ndate = 2024-01-01\nname = \"Clash\"\n",
       "one_off 1 ('Clash') falls on 2024-01-01, which is already a bank holiday from holiday 1 ('New Year's Day') "
       "in 2024"},
  };
  for (const Case& c : cases) {
    const std::string message = ErrorFor(std::string(kMinimal) + c.entry);
    EXPECT_NE(message.find("test.toml line "), std::string::npos) << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << "expected '" << c.expected << "' in: " << message;
  }
}

TEST(WorkingDayCalendarFromTomlTest, AMovedHolidayMustApplyInThatYear) {
  const std::string message = ErrorFor(
      "name = \"Test\"\n[[holiday]]\nname = \"Early May\"\nrule = \"first-weekday\"\nmonth = 5\n"
      "weekday = \"Monday\"\nfirst_year = 1978\n[[moved]]\nholiday = \"Early May\"\nyear = 1970\ndate = 1970-05-08\n");
  EXPECT_NE(message.find("moved 1 ('Early May', 1970), field 'year': 'Early May' is not a bank holiday in 1970"),
            std::string::npos)
      << message;
}

TEST(WorkingDayCalendarFromTomlTest, TheTopLevelIsChecked) {
  EXPECT_NE(
      ErrorFor("holidays = 3\n" + std::string(kMinimal)).find("test.toml line 1: 'holidays' is not part of a calendar"),
      std::string::npos);
  EXPECT_NE(ErrorFor("[[holiday]]\nname = \"x\"\nrule = \"easter\"\noffset = 1\n").find("needs a name"),
            std::string::npos);
  EXPECT_NE(ErrorFor("name = \"Empty\"\n").find("has no [[holiday]] entries"), std::string::npos);
  EXPECT_NE(ErrorFor("name = \"Test\"\n[holiday]\nname = \"x\"\n").find("must be a list of [[holiday]] entries"),
            std::string::npos);
}

TEST(WorkingDayCalendarFromTomlTest, TwoRulesOnTheSameDayAreRefused) {
  const std::string message =
      ErrorFor(std::string(kMinimal) + "[[holiday]]\nname = \"Also New Year\"\nrule = \"fixed\"\nmonth = 1\nday = 1\n");
  EXPECT_NE(message.find("holiday 2 ('Also New Year') in 1951 falls on 1951-01-01, which is already a bank holiday "
                         "from holiday 1 ('New Year's Day') in 1951"),
            std::string::npos)
      << message;
}

TEST(WorkingDayCalendarFromTomlTest, TheEmbeddedCalendarIsEnglandAndWales) {
  Result<WorkingDayCalendar> calendar = WorkingDayCalendar::EnglandAndWales();
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  EXPECT_EQ(calendar->name(), "England and Wales");
}

TEST(WorkingDayCalendarTest, CalendarArithmeticHelpersUseCalendarDays) {
  EXPECT_EQ(WorkingDayCalendar::AddCalendarDays(D(2024, 2, 28), 2), D(2024, 3, 1));
  EXPECT_EQ(WorkingDayCalendar::AddWeeks(D(2024, 12, 20), 2), D(2025, 1, 3));
  EXPECT_EQ(WorkingDayCalendar::AddMonths(D(2023, 8, 31), 6), D(2024, 2, 29));
}

}  // namespace
}  // namespace cairn
