// SQLite and PostgreSQL side by side on the council every `cairn due`, `drift` and `indicators`
// call and every server start loads: a 55,000-population council over five years, simulated into
// each backend once (timed: the simulator's bulk load, PostgreSQL's by COPY), then every chronology
// loaded back (the benchmark's own time). PostgreSQL's run needs CAIRN_BENCH_POSTGRES, which
// scripts/bench-backends sets after starting a throwaway cluster.
//
// Targets (issue 16): loading under 0.2 s on SQLite and under 0.5 s on PostgreSQL.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "bench_support.h"
#include "simulate/simulator.h"
#include "store/chronology_store.h"

namespace cairn::store {
namespace {

using Backend = bench::TempDatabase::Backend;

constexpr int64_t kPopulation = 55'000;

int Threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

struct Council {
  explicit Council(Backend backend) : database("backends_" + std::string(backend == Backend::kSqlite ? "sqlite" : "pg"),
                                               bench::TempDatabase::Schema::kMigrated, backend) {}
  bench::TempDatabase database;
  double simulate_seconds = 0;
  Status status;
};

Council& CouncilOn(Backend backend) {
  static std::map<Backend, std::unique_ptr<Council>> councils;
  std::unique_ptr<Council>& council = councils[backend];
  if (council) return *council;
  council = std::make_unique<Council>(backend);
  council->status = [&]() -> Status {
    CAIRN_RETURN_IF_ERROR(council->database.Reset());
    CAIRN_ASSIGN_OR_RETURN(simulate::Profile profile, simulate::LoadBuiltInProfile("struggling"));
    simulate::SimulationOptions options{.population = kPopulation, .years = 5, .seed = 1,
                                        .as_at = Date::FromYmdOrDie(2025, 3, 31), .threads = Threads()};
    std::cerr << "backends bench: simulating a " << kPopulation << "-child council over 5 years into "
              << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL") << " ...\n";
    const auto start = std::chrono::steady_clock::now();
    CAIRN_RETURN_IF_ERROR(simulate::SimulateToDatabase(council->database.db(), profile, options).status());
    council->simulate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return Status::Ok();
  }();
  return *council;
}

void BM_LoadCouncil55k(benchmark::State& state) {
  const Backend backend = state.range(0) == 0 ? Backend::kSqlite : Backend::kPostgres;
  if (backend == Backend::kPostgres && bench::BenchPostgresUrl().empty()) {
    state.SkipWithError("CAIRN_BENCH_POSTGRES is not set (scripts/bench-backends starts a cluster and sets it)");
    return;
  }
  Council& council = CouncilOn(backend);
  if (!council.status.ok()) {
    state.SkipWithError(council.status.ToString().c_str());
    return;
  }
  size_t children = 0;
  int64_t events = 0;
  for (auto _ : state) {
    auto loaded = LoadAllChronologies(council.database.db());
    if (!loaded.ok()) {
      state.SkipWithError(loaded.status().ToString().c_str());
      return;
    }
    children = loaded->size();
    events = 0;
    for (const auto& chronology : *loaded) events += static_cast<int64_t>(chronology.events().size());
    benchmark::DoNotOptimize(loaded);
  }
  state.SetLabel(backend == Backend::kSqlite ? "sqlite" : "postgresql");
  state.counters["children"] = static_cast<double>(children);
  state.counters["events"] = static_cast<double>(events);
  state.counters["simulate_s"] = council.simulate_seconds;
}
BENCHMARK(BM_LoadCouncil55k)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace cairn::store
