// CIN census reader and writer at council and England scale.
//
//   BM_ReadFakeCinData        the DfE validator's 332-child sample (issue target: well under 0.5 s)
//   BM_ReadGenerated/N        a synthetic census of N children (GenerateCinCensus below)
//   BM_WriteGenerated/N       writing those N children back as a file
//
// Each reports a ratio against a baseline measured in the same run, in processor time: reading
// against pugixml parsing the same file into one DOM and doing nothing with it (the least any DOM
// reader does); writing against reading. Reads also report the process's peak resident memory so
// far.
//
// England scale (the acceptance: 400,000 children read in well under 60 s and 4 GB):
//   CAIRN_BENCH_CIN_CHILDREN=400000 CAIRN_BENCH_CIN_NO_BASELINE=1 /usr/bin/time -v
//     build/bench/cairn_bench --benchmark_filter=BM_ReadGenerated
// CAIRN_BENCH_CIN_NO_BASELINE leaves out the DOM baseline, whose own memory would otherwise be the
// peak. Generated files go to the temporary folder and are removed at exit.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "bench_support.h"
#include "cin_census_generator.h"
#include "returns/cin_census/cin_census.h"
#include "returns/importer.h"
#include "store/database.h"
#include "store/migrations.h"

namespace cairn::returns::cin_census {
namespace {
std::string FakeCinDataPath() {
  return (std::filesystem::path(CAIRN_REFERENCE_DIR) / "cin" / "fake_CIN_data.xml").lexically_normal().string();
}

void RunRead(benchmark::State& state, const std::string& path) {
  if (path.empty() || !std::filesystem::exists(path)) {
    state.SkipWithError(("no CIN census file at " + path).c_str());
    return;
  }
  double seconds = 0;
  size_t children = 0;
  for (auto _ : state) {
    const double begin = CpuSeconds();
    Result<ImportBatch> batch = ReadCinCensus(path);
    seconds += CpuSeconds() - begin;
    if (!batch.ok()) {
      state.SkipWithError(batch.status().ToString().c_str());
      return;
    }
    children = batch->children.size();
    benchmark::DoNotOptimize(children);
  }
  const double per_read = seconds / static_cast<double>(state.iterations());
  const double bytes = static_cast<double>(std::filesystem::file_size(path));
  state.counters["children"] = static_cast<double>(children);
  state.counters["file_MB"] = bytes / 1e6;
  state.counters["MB_per_cpu_s"] = bytes / 1e6 / per_read;
  state.counters["peak_rss_MB"] = PeakResidentMegabytes();
  if (BaselineWanted()) state.counters["x_dom_parse"] = per_read / DomParseSeconds(path);
}

void BM_ReadFakeCinData(benchmark::State& state) { RunRead(state, FakeCinDataPath()); }
BENCHMARK(BM_ReadFakeCinData)->Unit(benchmark::kMillisecond);

void BM_ReadGenerated(benchmark::State& state) { RunRead(state, Files().For(static_cast<int>(state.range(0)))); }
BENCHMARK(BM_ReadGenerated)->Arg(ChildrenFromEnvironment(20'000))->Unit(benchmark::kMillisecond);

void BM_WriteGenerated(benchmark::State& state) {
  const std::string& source = Files().For(static_cast<int>(state.range(0)));
  const double read_begin = CpuSeconds();
  Result<ImportBatch> batch = source.empty() ? Result<ImportBatch>(Status::IoError("no file")) : ReadCinCensus(source);
  const double read_seconds = CpuSeconds() - read_begin;
  if (!batch.ok()) {
    state.SkipWithError(batch.status().ToString().c_str());
    return;
  }
  const std::string target = source + ".written.xml";
  WriteOptions options;
  options.lea = "999";
  double seconds = 0;
  for (auto _ : state) {
    const double begin = CpuSeconds();
    const Status written = WriteCinCensus(batch->children, batch->collection_year, target, options);
    seconds += CpuSeconds() - begin;
    if (!written.ok()) {
      state.SkipWithError(written.ToString().c_str());
      return;
    }
  }
  const double per_write = seconds / static_cast<double>(state.iterations());
  state.counters["children"] = static_cast<double>(batch->children.size());
  state.counters["x_read"] = per_write / read_seconds;
  std::error_code ignored;
  std::filesystem::remove(target, ignored);
}
BENCHMARK(BM_WriteGenerated)->Arg(ChildrenFromEnvironment(20'000))->Unit(benchmark::kMillisecond);

// The whole import, as `cairn import` does it: into a fresh database in one transaction, a
// single CIN census file saved a run of children at a time as a second thread reads it
// (returns/importer.h). Elapsed time, since the disk is part of the job; the processor time
// column is this thread's, the saving.
void RunImport(benchmark::State& state, const std::vector<std::string>& files, bool skip_invalid,
               bench::TempDatabase::Backend backend = bench::TempDatabase::Backend::kSqlite) {
  for (const std::string& file : files) {
    if (file.empty() || !std::filesystem::exists(file)) {
      state.SkipWithError(("no file at " + file).c_str());
      return;
    }
  }
  bench::TempDatabase bench("import", bench::TempDatabase::Schema::kMigrated, backend);
  const std::string rejects = bench.path() + ".rejects.csv";
  size_t children = 0;
  for (auto _ : state) {
    state.PauseTiming();
    if (const Status ready = bench.Reset(); !ready.ok()) {
      state.SkipWithError(ready.ToString().c_str());
      return;
    }
    ImportOptions options;
    options.skip_invalid = skip_invalid;
    options.rejects_path = rejects;
    state.ResumeTiming();
    Result<ImportResult> imported = ImportFiles(bench.db(), files, options);
    if (!imported.ok() || !imported->saved) {
      state.SkipWithError(imported.ok() ? "the import was refused" : imported.status().ToString().c_str());
      return;
    }
    children = imported->children;
  }
  std::filesystem::remove(rejects);
  state.counters["children"] = static_cast<double>(children);
  state.counters["peak_rss_MB"] = PeakResidentMegabytes();
}

std::vector<std::string> Ssda903SampleFiles() {
  const auto folder = std::filesystem::path(FakeCinDataPath()).parent_path().parent_path() / "ssda903";
  std::vector<std::string> files;
  for (const char* name : {"header.csv", "episodes.csv", "reviews.csv", "uasc.csv", "oc2.csv", "oc3.csv", "ad1.csv",
                           "placed_for_adoption.csv", "previous_permanence.csv", "missing.csv", "sw_episodes.csv",
                           "DoLo.csv"}) {
    files.push_back((folder / name).string());
  }
  return files;
}

// The sample's sw_episodes.csv and DoLo.csv name a child missing from its Header, so the
// import runs as `--skip-invalid` would.
void BM_ImportSsda903Sample(benchmark::State& state) { RunImport(state, Ssda903SampleFiles(), true); }
BENCHMARK(BM_ImportSsda903Sample)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ImportFakeCinData(benchmark::State& state) { RunImport(state, {FakeCinDataPath()}, false); }
BENCHMARK(BM_ImportFakeCinData)->Unit(benchmark::kMillisecond)->UseRealTime();

// CAIRN_BENCH_CIN_CHILDREN=400000 for England scale.
void BM_ImportGenerated(benchmark::State& state) {
  RunImport(state, {Files().For(static_cast<int>(state.range(0)))}, false);
}
BENCHMARK(BM_ImportGenerated)->Arg(ChildrenFromEnvironment(20'000))->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

// The same into PostgreSQL (CAIRN_BENCH_POSTGRES, which scripts/bench-backends sets).
void BM_ImportGeneratedPostgres(benchmark::State& state) {
  if (bench::BenchPostgresUrl().empty()) {
    state.SkipWithError("CAIRN_BENCH_POSTGRES is not set (scripts/bench-backends starts a cluster and sets it)");
    return;
  }
  RunImport(state, {Files().For(static_cast<int>(state.range(0)))}, false, bench::TempDatabase::Backend::kPostgres);
}
BENCHMARK(BM_ImportGeneratedPostgres)->Arg(ChildrenFromEnvironment(20'000))->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace cairn::returns::cin_census
