// The synthetic council, end to end (see src/simulate/README.md):
//  * Simulate/55k: the demo council (55,000 children, 5 years, `struggling`) into a counting sink.
//  * SimulateToSqlite/55k: the same saved into a fresh SQLite database in one transaction, as
//    `make demo` does it.
//  * Simulate/England: 12,000,000 children x 5 years (`england`) on 2 threads into a counting sink
//    (no database: this measures the simulation, not the store); peak RSS is the process's.
// Each reports its budget ratio (time / the limit: 5 s, 5 s and 10 minutes); below 1 is
// within budget. The counting sink itself is the baseline: it only counts events, so the time is
// the simulator's own.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "bench_support.h"
#include "simulate/simulator.h"
#include "store/database.h"

namespace cairn {
namespace {

const simulate::Profile& ProfileNamed(const std::string& name) {
  static std::map<std::string, simulate::Profile> profiles;
  auto found = profiles.find(name);
  if (found == profiles.end()) {
    Result<simulate::Profile> loaded = simulate::LoadBuiltInProfile(name);
    if (!loaded.ok()) {
      std::cerr << loaded.status().message() << "\n";
      std::abort();
    }
    found = profiles.emplace(name, std::move(loaded).value()).first;
  }
  return found->second;
}

simulate::SimulationOptions Options(int64_t population, int threads) {
  simulate::SimulationOptions options;
  options.population = population;
  options.years = 5;
  options.seed = 1;
  options.as_at = Date::FromYmdOrDie(2026, 3, 31);
  options.threads = threads;
  return options;
}

double PeakRssGb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

void RunCounting(benchmark::State& state, const std::string& profile, int64_t population, int threads,
                 double budget_seconds) {
  int64_t children = 0;
  int64_t events = 0;
  double seconds = 0;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    int64_t counted = 0;
    Result<simulate::SimulationSummary> summary =
        simulate::Simulate(ProfileNamed(profile), Options(population, threads), [&](model::Chronology&& child) {
          counted += static_cast<int64_t>(child.events().size());
          return Status::Ok();
        });
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!summary.ok()) {
      state.SkipWithError(summary.status().message().c_str());
      return;
    }
    children = summary->children;
    events = counted;
  }
  state.counters["children"] = static_cast<double>(children);
  state.counters["events"] = static_cast<double>(events);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["budget_ratio"] = seconds / budget_seconds;
  state.counters["peak_rss_GB"] = PeakRssGb();
}

void BM_Simulate55kStruggling(benchmark::State& state) { RunCounting(state, "struggling", 55000, 1, 5.0); }
BENCHMARK(BM_Simulate55kStruggling)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Simulate55kToSqlite(benchmark::State& state) {
  bench::TempDatabase bench("simulate", bench::TempDatabase::Schema::kEmpty);
  double seconds = 0;
  int64_t events = 0;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    if (const Status ready = bench.Reset(); !ready.ok()) {
      state.SkipWithError(ready.ToString().c_str());
      return;
    }
    Result<simulate::SimulationSummary> summary =
        simulate::SimulateToDatabase(bench.db(), ProfileNamed("struggling"), Options(55000, 1));
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!summary.ok()) {
      state.SkipWithError(summary.status().message().c_str());
      return;
    }
    events = summary->events;
  }
  state.counters["events"] = static_cast<double>(events);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["budget_ratio"] = seconds / 5.0;
}
BENCHMARK(BM_Simulate55kToSqlite)->Unit(benchmark::kMillisecond)->Iterations(1);

// Runs last (benchmarks run in registration order), so its peak RSS is the run's peak.
void BM_SimulateEngland12MillionTwoThreads(benchmark::State& state) {
  RunCounting(state, "england", 12000000, 2, 600.0);
}
BENCHMARK(BM_SimulateEngland12MillionTwoThreads)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace cairn
