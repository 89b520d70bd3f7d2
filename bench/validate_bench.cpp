// The DfE validation rules (validate/) on real and England-sized returns, side by side with the
// public Python validators' times on the same files (../shared/reference/validation/README.md,
// "Validator run times": measured on this kind of machine, one process per case).
//
//   BM_ValidateSsda903Sample   the SSDA903 reference sample (2,675 children, 5,050 episodes)
//                              under the 2025/26 rules. Target: under 40 ms, at least 50x the
//                              public validator.
//   BM_ValidateDemoCin         the demo council's CIN census 2025/26 (5,656 children). Target:
//                              under 100 ms, at least 200x the public validator.
//   BM_ValidateGeneratedCin/N  a synthetic census of N children (400,000 unless
//                              CAIRN_BENCH_VALIDATE_CIN_CHILDREN says otherwise). Target: under
//                              5 s and 2 GB.
//
// Each run reads the files from disk, builds the tables and runs every rule of the year Cairn
// has logic for (counter `rules`; the rest are reported by `cairn validate`). Times are elapsed
// (the rules run on two threads). `public_s` is the public validator's time on the same case and
// `speedup` that time over Cairn's.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "cin_census_generator.h"
#include "validate/catalogue.h"
#include "validate/inputs.h"
#include "validate/validator.h"

namespace cairn::validate {
namespace {

namespace fs = std::filesystem;

const fs::path kCases = fs::path(CAIRN_REFERENCE_DIR) / "validation";

// The public validator's wall time on `case_name` for `return_kind` ("SSDA903" or "CIN") under
// `rule_set`, from the README's table; 0 when the README does not say.
double PublicValidatorSeconds(const std::string& case_name, const std::string& return_kind,
                              const std::string& rule_set) {
  std::ifstream readme(kCases / "README.md");
  const std::regex row("^\\| `" + case_name + "` \\| " + return_kind + " \\| " + rule_set + " \\| ([0-9.]+) s \\|.*");
  std::string line;
  std::smatch match;
  while (std::getline(readme, line)) {
    if (std::regex_match(line, match, row)) return std::stod(match[1].str());
  }
  return 0;
}

void Run(benchmark::State& state, const ReturnFiles& files, ReturnKind kind, int rule_set_year, double public_seconds) {
  Result<const Catalogue*> catalogue = Catalogue::Embedded();
  if (!catalogue.ok()) {
    state.SkipWithError(catalogue.status().message().c_str());
    return;
  }
  const std::vector<const RuleInfo*> rules = (*catalogue)->RuleSet(kind, rule_set_year);
  std::size_t findings = 0;
  std::size_t rules_run = 0;
  double load_seconds = 0;
  double rules_seconds = 0;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    Result<LoadedReturns> loaded = LoadReturnFiles(files);
    const auto loaded_at = std::chrono::steady_clock::now();
    if (!loaded.ok()) {
      state.SkipWithError(loaded.status().message().c_str());
      return;
    }
    const Return& data = kind == ReturnKind::kSsda903 ? *loaded->ssda903 : *loaded->cin;
    const Report report = Validate(data, **catalogue, rules);
    load_seconds += std::chrono::duration<double>(loaded_at - started).count();
    rules_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - loaded_at).count();
    findings = report.findings.size();
    rules_run = report.run.size() + report.skipped.size();
    benchmark::DoNotOptimize(findings);
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["rules"] = static_cast<double>(rules_run);
  // Where the time goes: reading and flattening the files, then the rules.
  state.counters["load_s"] = load_seconds / static_cast<double>(state.iterations());
  state.counters["rules_s"] = rules_seconds / static_cast<double>(state.iterations());
  state.counters["peak_MB"] = returns::cin_census::PeakResidentMegabytes();
  if (public_seconds > 0) {
    state.counters["public_s"] = public_seconds;
    state.counters["speedup"] = benchmark::Counter(public_seconds * static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate);
  }
}

void BM_ValidateSsda903Sample(benchmark::State& state) {
  ReturnFiles files;
  for (const fs::directory_entry& entry : fs::directory_iterator(kCases / "ssda903-sample" / "this")) {
    files.files.push_back(entry.path().string());
  }
  files.year = 2018;
  files.la_ons = "E09000027";
  Run(state, files, ReturnKind::kSsda903, 2026, PublicValidatorSeconds("ssda903-sample", "SSDA903", "lac2025_26"));
}
// Five runs and their median, as a shared machine's other work makes single runs of a few tens
// of milliseconds jump.
BENCHMARK(BM_ValidateSsda903Sample)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5)->ReportAggregatesOnly();

void BM_ValidateDemoCin(benchmark::State& state) {
  ReturnFiles files;
  files.files.push_back((kCases / "demo-2026" / "cin.xml").string());
  files.year = 2026;
  files.la_number = "343";
  Run(state, files, ReturnKind::kCinCensus, 2026, PublicValidatorSeconds("demo-2026", "CIN", "cin2025_26"));
}
BENCHMARK(BM_ValidateDemoCin)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5)->ReportAggregatesOnly();

int GeneratedChildren() {
  const char* value = std::getenv("CAIRN_BENCH_VALIDATE_CIN_CHILDREN");
  return value != nullptr && std::atoi(value) > 0 ? std::atoi(value) : 400'000;
}

void BM_ValidateGeneratedCin(benchmark::State& state) {
  const std::string& path = returns::cin_census::Files().For(static_cast<int>(state.range(0)));
  if (path.empty()) {
    state.SkipWithError("the generated census could not be written");
    return;
  }
  ReturnFiles files;
  files.files.push_back(path);
  files.year = 2025;
  Run(state, files, ReturnKind::kCinCensus, 2025, 0);
}
BENCHMARK(BM_ValidateGeneratedCin)->Arg(GeneratedChildren())->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace cairn::validate
