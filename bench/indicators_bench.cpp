// National indicators for a synthetic council: a 55,000-child council over 5 years (the
// "struggling" profile, as `make demo` builds), every catalogue indicator for each of the 5
// reporting years.
//
// Benchmarks:
//   BM_IndicatorsCouncil55kFiveYears        every indicator x 5 years from chronologies in memory
//                                           (what a server holding the council computes on demand);
//                                           counter x_under_target = 500 ms / time.
//   BM_IndicatorsCouncil55kFromDatabase     the same, starting from the SQLite database: loading
//                                           every chronology and the workforce, then computing
//                                           (what `cairn indicators --year 2021-2025` does).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bench_support.h"
#include "indicators/compute.h"
#include "simulate/simulator.h"
#include "store/chronology_store.h"
#include "store/workforce_store.h"

namespace cairn::indicators {
namespace {

constexpr int64_t kPopulation = 55'000;
constexpr int kYears[] = {2021, 2022, 2023, 2024, 2025};

int Threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

struct Council {
  bench::TempDatabase database{"indicators", bench::TempDatabase::Schema::kEmpty};
  std::vector<model::Chronology> chronologies;
  std::vector<model::Worker> workers;
  std::optional<IndicatorEngine> engine;
  int64_t events = 0;
};

Result<std::unique_ptr<Council>> Build() {
  auto council = std::make_unique<Council>();
  CAIRN_RETURN_IF_ERROR(council->database.Reset());
  store::Connection& db = council->database.db();
  CAIRN_ASSIGN_OR_RETURN(simulate::Profile profile, simulate::LoadBuiltInProfile("struggling"));
  simulate::SimulationOptions options{.population = kPopulation, .years = 5, .seed = 1,
                                      .as_at = Date::FromYmdOrDie(2025, 3, 31), .threads = Threads()};
  std::cerr << "indicators bench: simulating a " << kPopulation << "-child council over 5 years into "
            << council->database.path() << " ...\n";
  CAIRN_ASSIGN_OR_RETURN(simulate::SimulationSummary summary, simulate::SimulateToDatabase(db, profile, options));
  (void)summary;
  CAIRN_ASSIGN_OR_RETURN(council->chronologies, store::LoadAllChronologies(db));
  CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(db));
  council->workers = std::move(workforce.workers);
  for (const auto& chronology : council->chronologies) council->events += static_cast<int64_t>(chronology.events().size());
  CAIRN_ASSIGN_OR_RETURN(Catalogue catalogue, Catalogue::England());
  CAIRN_ASSIGN_OR_RETURN(WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
  CAIRN_ASSIGN_OR_RETURN(timescales::RuleSet rules, timescales::RuleSet::England(calendar));
  CAIRN_ASSIGN_OR_RETURN(IndicatorEngine engine, IndicatorEngine::Create(std::move(catalogue), std::move(calendar),
                                                                         std::move(rules)));
  council->engine.emplace(std::move(engine));
  return council;
}

Council& TheCouncil() {
  static std::unique_ptr<Council> council = [] {
    Result<std::unique_ptr<Council>> built = Build();
    if (!built.ok()) {
      std::cerr << "indicators bench: " << built.status().message() << "\n";
      std::exit(1);
    }
    return std::move(built).value();
  }();
  return *council;
}

CouncilData Data(std::span<const model::Chronology> chronologies, std::span<const model::Worker> workers) {
  return CouncilData{chronologies, workers, [](int) { return std::optional<double>(kPopulation); }};
}

void BM_IndicatorsCouncil55kFiveYears(benchmark::State& state) {
  Council& council = TheCouncil();
  size_t values = 0;
  double total_ms = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto computed = council.engine->Compute(Data(council.chronologies, council.workers), kYears, Threads());
    total_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    values = computed.size();
    benchmark::DoNotOptimize(computed);
  }
  state.counters["children"] = static_cast<double>(council.chronologies.size());
  state.counters["events"] = static_cast<double>(council.events);
  state.counters["values"] = static_cast<double>(values);
  if (state.iterations() > 0) state.counters["x_under_500ms"] = 500.0 / (total_ms / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_IndicatorsCouncil55kFiveYears)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_IndicatorsCouncil55kFromDatabase(benchmark::State& state) {
  Council& council = TheCouncil();
  for (auto _ : state) {
    auto chronologies = store::LoadAllChronologies(council.database.db());
    auto workforce = store::LoadWorkforce(council.database.db());
    if (!chronologies.ok() || !workforce.ok()) {
      state.SkipWithError("load failed");
      break;
    }
    auto computed = council.engine->Compute(Data(*chronologies, workforce->workers), kYears, Threads());
    benchmark::DoNotOptimize(computed);
  }
}
BENCHMARK(BM_IndicatorsCouncil55kFromDatabase)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace cairn::indicators
