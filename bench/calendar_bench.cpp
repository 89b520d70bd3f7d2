// WorkingDayCalendar micro-benchmarks. Add and WorkingDaysBetween run for every working-day
// obligation of every child in the timescales engine, so they are measured per call over many
// start dates; "DayByDay" is the obvious loop over IsWorkingDay, kept as the baseline the indexed
// versions are compared against in the same run. FromToml measures building the calendar.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string_view>
#include <vector>

#include "base/embedded.h"
#include "base/working_day_calendar.h"

namespace cairn {
namespace {

const WorkingDayCalendar& Calendar() {
  static const WorkingDayCalendar calendar = [] {
    Result<WorkingDayCalendar> loaded = WorkingDayCalendar::EnglandAndWales();
    if (!loaded.ok()) {
      std::cerr << loaded.status().message() << "\n";
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return calendar;
}

// 4096 start dates spread over 2000-2030, the years a live caseload's clocks start in.
const std::vector<Date>& StartDates() {
  static const std::vector<Date> dates = [] {
    std::mt19937 random(45);
    const int32_t first = Date::FromYmdOrDie(2000, 1, 1).day_number();
    const int32_t last = Date::FromYmdOrDie(2030, 12, 31).day_number();
    std::uniform_int_distribution<int32_t> any_day(first, last);
    std::vector<Date> result(4096);
    for (Date& date : result) date = Date::FromDayNumber(any_day(random));
    return result;
  }();
  return dates;
}

Date AddDayByDay(const WorkingDayCalendar& calendar, Date date, int n) {
  for (int remaining = n; remaining > 0;) {
    date = date.AddDays(1);
    if (calendar.IsWorkingDay(date)) --remaining;
  }
  return date;
}

void BM_CalendarAdd(benchmark::State& state) {
  const WorkingDayCalendar& calendar = Calendar();
  const std::vector<Date>& dates = StartDates();
  const int n = static_cast<int>(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.Add(dates[i], n));
    i = (i + 1) & (dates.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CalendarAdd)->Arg(15)->Arg(45);

void BM_CalendarAddDayByDayBaseline(benchmark::State& state) {
  const WorkingDayCalendar& calendar = Calendar();
  const std::vector<Date>& dates = StartDates();
  const int n = static_cast<int>(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(AddDayByDay(calendar, dates[i], n));
    i = (i + 1) & (dates.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CalendarAddDayByDayBaseline)->Arg(15)->Arg(45);

void BM_CalendarWorkingDaysBetween(benchmark::State& state) {
  const WorkingDayCalendar& calendar = Calendar();
  const std::vector<Date>& dates = StartDates();
  // Spans of 0-120 calendar days: a referral to its assessment, a conference to its review.
  std::vector<Date> ends;
  std::mt19937 random(15);
  std::uniform_int_distribution<int> span(0, 120);
  for (Date date : dates) ends.push_back(date.AddDays(span(random)));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.WorkingDaysBetween(dates[i], ends[i]));
    i = (i + 1) & (dates.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CalendarWorkingDaysBetween);

void BM_CalendarIsWorkingDay(benchmark::State& state) {
  const WorkingDayCalendar& calendar = Calendar();
  const std::vector<Date>& dates = StartDates();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.IsWorkingDay(dates[i]));
    i = (i + 1) & (dates.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CalendarIsWorkingDay);

void BM_CalendarFromToml(benchmark::State& state) {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "calendar/england-and-wales.toml");
  if (resource == nullptr) {
    state.SkipWithError("calendar/england-and-wales.toml is not embedded");
    return;
  }
  for (auto _ : state) {
    Result<WorkingDayCalendar> calendar = WorkingDayCalendar::FromToml(resource->text, "england-and-wales.toml");
    if (!calendar.ok()) {
      state.SkipWithError(calendar.status().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(calendar);
  }
}
BENCHMARK(BM_CalendarFromToml)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cairn
