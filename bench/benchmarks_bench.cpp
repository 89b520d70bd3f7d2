// The DfE's published statistics: importing the whole reference folder into a temporary SQLite
// file, and Compare() for every catalogue indicator the DfE publishes (Sefton, 2024). Baselines in
// the same run: reading and interpreting the same files without a database (what the import costs
// beyond parsing), and one Population() lookup (what one Compare() costs in single lookups).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "bench_support.h"
#include "benchmarks/dfe_file.h"
#include "benchmarks/published.h"
#include "indicators/catalogue.h"
#include "store/database.h"
#include "store/migrations.h"

namespace cairn::benchmarks {
namespace {

const std::filesystem::path kDfe = std::filesystem::path(CAIRN_REFERENCE_DIR) / "dfe";


void BM_ImportReferenceFolder(benchmark::State& state) {
  bench::TempDatabase bench("published_import", bench::TempDatabase::Schema::kMigrated);
  if (const Status ready = bench.Reset(); !ready.ok()) {
    state.SkipWithError(ready.ToString().c_str());
    return;
  }
  int64_t figures = 0;
  for (auto _ : state) {
    auto summary = ImportPublished(bench.db(), kDfe);
    if (!summary.ok()) {
      state.SkipWithError(summary.status().ToString().c_str());
      return;
    }
    figures = summary->figures;
  }
  state.counters["figures"] = static_cast<double>(figures);
  state.counters["figures_per_s"] =
      benchmark::Counter(static_cast<double>(figures * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ImportReferenceFolder)->Unit(benchmark::kMillisecond)->Iterations(5);

// Baseline: the same files read and interpreted, nothing stored.
void BM_ReadReferenceFilesOnly(benchmark::State& state) {
  for (auto _ : state) {
    int64_t rows = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kDfe)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      const KnownDfeFile* known = RecogniseDfeFile(entry.path().filename().string(), text.str());
      if (known == nullptr) continue;
      auto file = ReadDfeFile(*known, entry.path().filename().string(), text.str());
      if (!file.ok()) {
        state.SkipWithError(file.status().ToString().c_str());
        return;
      }
      rows += static_cast<int64_t>(file->rows.size() + file->neighbours.size());
    }
    benchmark::DoNotOptimize(rows);
  }
}
BENCHMARK(BM_ReadReferenceFilesOnly)->Unit(benchmark::kMillisecond)->Iterations(5);

class ImportedFixture : public benchmark::Fixture {
 public:
  void SetUp(benchmark::State& state) override {
    bench_ = std::make_unique<bench::TempDatabase>("published_compare", bench::TempDatabase::Schema::kMigrated);
    if (const Status ready = bench_->Reset(); !ready.ok()) {
      state.SkipWithError(ready.ToString().c_str());
      return;
    }
    auto summary = ImportPublished(bench_->db(), kDfe);
    if (!summary.ok()) state.SkipWithError(summary.status().ToString().c_str());
    auto catalogue = indicators::Catalogue::England();
    if (!catalogue.ok()) {
      state.SkipWithError(catalogue.status().ToString().c_str());
      return;
    }
    catalogue_ = std::move(catalogue).value();
  }
  void TearDown(benchmark::State&) override { bench_.reset(); }

 protected:
  std::unique_ptr<bench::TempDatabase> bench_;
  indicators::Catalogue catalogue_;
};

// Compare() for every catalogue indicator with a published source; one iteration is the whole set.
BENCHMARK_DEFINE_F(ImportedFixture, CompareAllIndicators)(benchmark::State& state) {
  int64_t comparisons = 0;
  for (auto _ : state) {
    for (const indicators::IndicatorSpec& spec : catalogue_.indicators()) {
      if (!spec.published) continue;
      auto comparison = Compare(bench_->db(), *spec.published, 2024, "343");
      if (!comparison.ok()) {
        state.SkipWithError(comparison.status().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(comparison->neighbours.value);
      ++comparisons;
    }
  }
  state.SetItemsProcessed(comparisons);
  // Seconds per Compare() (shown with an SI prefix: 90u is 90 microseconds).
  state.counters["s_per_compare"] = benchmark::Counter(static_cast<double>(comparisons),
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_REGISTER_F(ImportedFixture, CompareAllIndicators)->Unit(benchmark::kMicrosecond);

// Baseline: one single-figure lookup.
BENCHMARK_DEFINE_F(ImportedFixture, PopulationLookup)(benchmark::State& state) {
  for (auto _ : state) {
    auto population = Population(bench_->db(), "343", 2023);
    if (!population.ok() || !population->has_value()) {
      state.SkipWithError("Population(343, 2023) failed");
      return;
    }
    benchmark::DoNotOptimize(population);
  }
}
BENCHMARK_REGISTER_F(ImportedFixture, PopulationLookup)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cairn::benchmarks
