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
#include "returns/cin_census/cin_census.h"
#include "returns/importer.h"
#include "store/database.h"
#include "store/migrations.h"

namespace cairn::returns::cin_census {
namespace {

// ---------------------------------------------------------------------------------------------
// A synthetic CIN census. Shaped on England's published figures rather than the validator's
// samples: most children have one episode (some two or three); most episodes one assessment with
// one to four factors; about a third a CIN plan, one in six a section 47 enquiry and one in
// twelve a child protection plan with its review conferences; one child in eight a disability.
// Deterministic for a seed, and independent of the standard library's distributions.

class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  bool Percent(int p) { return Below(100) < p; }

 private:
  uint64_t state_;
};

constexpr std::string_view kEthnicities[] = {"WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MOTH",
                                             "AIND", "APKN", "ABAN", "BAFR", "BCRB", "OOTH", "NOBT", "REFU"};
constexpr std::string_view kReferralSources[] = {"6",  "6",  "6",  "2A", "2A", "3A", "3B",
                                                 "3E", "5A", "5D", "1A", "8",  "10"};
constexpr std::string_view kNeeds[] = {"N1", "N1", "N1", "N1", "N2", "N3", "N4", "N5", "N5", "N6", "N8", "N9"};
constexpr std::string_view kClosures[] = {"RC1", "RC3", "RC4", "RC5", "RC7", "RC7", "RC7", "RC8", "RC8", "RC9"};
constexpr std::string_view kFactors[] = {"1B",  "2B",  "3A",  "3B",  "4A",  "4B",  "5A",  "6B", "10A",
                                         "11A", "14A", "15A", "16A", "17A", "18C", "19C", "20", "24A"};
constexpr std::string_view kDisabilities[] = {"AUT", "LD", "COMM", "BEH", "MOB", "HAND", "VIS", "HEAR"};
constexpr std::string_view kCategories[] = {"NEG", "NEG", "NEG", "EMO", "EMO", "PHY", "SAB", "MUL"};

// Calls `sink` with the text in pieces of about a megabyte.
template <typename Sink>
void GenerateCinCensus(int children, int collection_year, uint64_t seed, Sink&& sink) {
  const Layout layout = LayoutFor(collection_year);
  const Date year_start = Date::FromYmdOrDie(collection_year - 1, 4, 1);
  SplitMix random(seed);
  std::string out;
  out.reserve(1 << 21);
  auto leaf = [&](std::string_view indent, std::string_view name, std::string_view value) {
    out.append(indent).append("<").append(name).append(">").append(value).append("</").append(name).append(">\n");
  };
  auto date = [&](std::string_view indent, std::string_view name, Date value) { leaf(indent, name, value.ToIso()); };
  auto pick = [&](const auto& list) {
    return list[static_cast<size_t>(random.Below(static_cast<int>(std::size(list))))];
  };

  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n";
  leaf("      ", "Collection", "CIN");
  leaf("      ", "Year", std::to_string(collection_year));
  date("      ", "ReferenceDate", Date::FromYmdOrDie(collection_year, 3, 31));
  out += "    </CollectionDetails>\n    <Source>\n";
  leaf("      ", "SourceLevel", "L");
  leaf("      ", "LEA", "999");
  leaf("      ", "SoftwareCode", "cairn-bench");
  out += "    </Source>\n  </Header>\n  <Children>\n";

  const Date year_end = Date::FromYmdOrDie(collection_year, 3, 31);
  for (int i = 0; i < children; ++i) {
    const int episodes = random.Percent(78) ? 1 : (random.Percent(80) ? 2 : 3);
    // Earlier episodes closed in earlier years, one after another; the last touches this year.
    Date cursor = year_start.AddDays(-(episodes - 1) * 420 - random.Below(100));
    const bool unborn = episodes == 1 && random.Percent(1);
    const Date birth = cursor.AddDays(-30 - random.Below(15 * 365));

    out += "    <Child>\n      <ChildIdentifiers>\n";
    leaf("        ", "LAchildID", "B" + std::to_string(1000000 + i));
    if (!unborn && random.Percent(85)) {
      char upn[14];
      std::snprintf(upn, sizeof upn, "A%012llu", static_cast<unsigned long long>(random.Next() % 1000000000000ull));
      leaf("        ", "UPN", upn);
    } else {
      leaf("        ", "UPNunknown", unborn ? "UN6" : "UN1");
    }
    if (unborn) {
      date("        ", "ExpectedPersonBirthDate", year_end.AddDays(30 + random.Below(120)));
    } else {
      date("        ", "PersonBirthDate", birth);
    }
    if (layout.sex_element == "Sex") {
      leaf("        ", "Sex", random.Percent(52) ? "M" : "F");
    } else {
      leaf("        ", "GenderCurrent", random.Percent(52) ? "1" : "2");
    }
    out += "      </ChildIdentifiers>\n      <ChildCharacteristics>\n";
    leaf("        ", "Ethnicity", pick(kEthnicities));
    if (random.Percent(12)) {
      out += "        <Disabilities>\n";
      leaf("          ", "Disability", kDisabilities[static_cast<size_t>(i) % std::size(kDisabilities)]);
      if (random.Percent(30)) leaf("          ", "Disability", "PC");
      out += "        </Disabilities>\n";
    }
    out += "      </ChildCharacteristics>\n";

    for (int e = 0; e < episodes; ++e) {
      Date referral = cursor;
      bool closed = true;
      Date closure = referral.AddDays(20 + random.Below(300));
      if (e == episodes - 1) {
        const Date from = std::max(cursor, year_start);
        referral = from.AddDays(random.Below(std::max(year_end.DaysSince(from) - 10, 1)));
        const int left = year_end.DaysSince(referral);
        closed = left > 25 && random.Percent(60);
        closure = referral.AddDays(20 + random.Below(std::max(left - 20, 1)));
      }
      cursor = closure.AddDays(30 + random.Below(60));
      const Date limit = closed ? closure : year_end;  // nothing in the episode comes after this
      const int span = limit.DaysSince(referral);

      out += "      <CINdetails>\n";
      date("        ", "CINreferralDate", referral);
      leaf("        ", "ReferralSource", pick(kReferralSources));
      leaf("        ", "PrimaryNeedCode", pick(kNeeds));
      if (closed) {
        date("        ", "CINclosureDate", closure);
        leaf("        ", "ReasonForClosure", pick(kClosures));
      }
      const bool enquiry = span > 14 && random.Percent(16);
      const bool plan = enquiry && random.Percent(50);
      if (enquiry) date("        ", "DateOfInitialCPC", referral.AddDays(12));
      const int assessments = random.Percent(10) ? 0 : (random.Percent(89) || span < 6 ? 1 : 2);
      for (int a = 0; a < assessments; ++a) {
        out += "        <Assessments>\n";
        const Date start = referral.AddDays(a == 0 ? std::min(1, span) : span / 2);
        date("          ", "AssessmentActualStartDate", start);
        const Date authorised = std::min(start.AddDays(10 + random.Below(35)), limit);
        if (closed || random.Percent(85)) date("          ", "AssessmentAuthorisationDate", authorised);
        out += "          <FactorsIdentifiedAtAssessment>\n";
        const int factors = 1 + random.Below(4);
        const size_t first = static_cast<size_t>(random.Below(static_cast<int>(std::size(kFactors))));
        for (int f = 0; f < factors; ++f) {
          leaf("            ", "AssessmentFactors",
               kFactors[(first + static_cast<size_t>(f) * 5) % std::size(kFactors)]);
        }
        out += "          </FactorsIdentifiedAtAssessment>\n        </Assessments>\n";
      }
      if (span > 40 && random.Percent(33)) {
        out += "        <CINPlanDates>\n";
        date("          ", "CINPlanStartDate", referral.AddDays(span / 3));
        if (closed) date("          ", "CINPlanEndDate", closure);
        out += "        </CINPlanDates>\n";
      }
      if (enquiry) {
        out += "        <Section47>\n";
        date("          ", "S47ActualStartDate", referral.AddDays(2));
        date("          ", "InitialCPCtarget", referral.AddDays(17));
        date("          ", "DateOfInitialCPC", referral.AddDays(12));
        leaf("          ", "ICPCnotRequired", "false");
        out += "        </Section47>\n";
      }
      leaf("        ", "ReferralNFA", random.Percent(5) ? "true" : "false");
      if (plan) {
        out += "        <ChildProtectionPlans>\n";
        const Date start = referral.AddDays(12);
        date("          ", "CPPstartDate", start);
        if (closed) date("          ", "CPPendDate", closure);
        const std::string_view category = pick(kCategories);
        leaf("          ", "InitialCategoryOfAbuse", category);
        leaf("          ", "LatestCategoryOfAbuse", category);
        leaf("          ", "NumberOfPreviousCPP", std::to_string(random.Below(3)));
        if (start.AddDays(90) <= limit) {
          out += "          <Reviews>\n";
          for (Date review = start.AddDays(90); review <= limit; review = review.AddDays(180)) {
            date("            ", "CPPreviewDate", review);
          }
          out += "          </Reviews>\n";
        }
        out += "        </ChildProtectionPlans>\n";
      }
      if (layout.pre_proceedings && span > 65 && random.Percent(3)) {
        out += "        <PreProceedingsandFGDM>\n";
        date("          ", "PPStartDate", referral.AddDays(60));
        date("          ", "LBPSentDate", referral.AddDays(62));
        leaf("          ", "FGDMMeetingOffer", "1");
        leaf("          ", "FGDMMeetingFac", random.Percent(60) ? "1" : "0");
        leaf("          ", "ReviewMeetingsCount", std::to_string(random.Below(4)));
        out += "        </PreProceedingsandFGDM>\n";
      }
      out += "      </CINdetails>\n";
    }
    out += "    </Child>\n";
    if (out.size() >= (1 << 20)) {
      sink(std::string_view(out));
      out.clear();
    }
  }
  out += "  </Children>\n</Message>\n";
  sink(std::string_view(out));
}

// Generated files, made once per size and removed at exit.
class GeneratedFiles {
 public:
  ~GeneratedFiles() {
    std::error_code ignored;
    for (const auto& [children, path] : paths_) std::filesystem::remove(path, ignored);
  }

  // The path of a census of `children` children, or "" when it could not be written.
  const std::string& For(int children) {
    auto it = paths_.find(children);
    if (it != paths_.end()) return it->second;
    const std::string path =
        (std::filesystem::temp_directory_path() /
         ("cairn_cin_bench_" + std::to_string(::getpid()) + "_" + std::to_string(children) + ".xml"))
            .string();
    std::FILE* file = std::fopen(path.c_str(), "wb");
    bool ok = file != nullptr;
    if (ok) {
      GenerateCinCensus(children, 2025, 20250331, [&](std::string_view piece) {
        ok = ok && std::fwrite(piece.data(), 1, piece.size(), file) == piece.size();
      });
      ok = std::fclose(file) == 0 && ok;
    }
    return paths_.emplace(children, ok ? path : std::string()).first->second;
  }

 private:
  std::map<int, std::string> paths_;
};

GeneratedFiles& Files() {
  static GeneratedFiles files;
  return files;
}

int ChildrenFromEnvironment(int fallback) {
  const char* value = std::getenv("CAIRN_BENCH_CIN_CHILDREN");
  return value != nullptr && std::atoi(value) > 0 ? std::atoi(value) : fallback;
}

bool BaselineWanted() { return std::getenv("CAIRN_BENCH_CIN_NO_BASELINE") == nullptr; }

double PeakResidentMegabytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

// Processor time of this process, in seconds: ratios between runs stay meaningful on a machine
// busy with other work, where elapsed time does not (the framework reports elapsed time too).
double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Seconds pugixml takes to parse `path` into one DOM: the baseline.
double DomParseSeconds(const std::string& path) {
  const double begin = CpuSeconds();
  pugi::xml_document document;
  const pugi::xml_parse_result parsed =
      document.load_file(path.c_str(), pugi::parse_default | pugi::parse_embed_pcdata);
  benchmark::DoNotOptimize(parsed.status);
  return CpuSeconds() - begin;
}

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

// The whole import, as `cairn import` does it: read, merge and save into a fresh SQLite
// database in one transaction. Elapsed time, since the disk is part of the job.
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
