// A synthetic CIN census for the benchmarks (cin_census_bench.cpp, validate_bench.cpp), and the
// measures they share: processor time, peak resident memory, a pugixml DOM parse as baseline.
#pragma once

#include <benchmark/benchmark.h>
#include <unistd.h>

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

#include "base/date.h"
#include "returns/cin_census/cin_census.h"

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
inline void GenerateCinCensus(int children, int collection_year, uint64_t seed, Sink&& sink) {
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

inline GeneratedFiles& Files() {
  static GeneratedFiles files;
  return files;
}

inline int ChildrenFromEnvironment(int fallback) {
  const char* value = std::getenv("CAIRN_BENCH_CIN_CHILDREN");
  return value != nullptr && std::atoi(value) > 0 ? std::atoi(value) : fallback;
}

inline bool BaselineWanted() { return std::getenv("CAIRN_BENCH_CIN_NO_BASELINE") == nullptr; }

inline double PeakResidentMegabytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

// Processor time of this process, in seconds: ratios between runs stay meaningful on a machine
// busy with other work, where elapsed time does not (the framework reports elapsed time too).
inline double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Seconds pugixml takes to parse `path` into one DOM: the baseline.
inline double DomParseSeconds(const std::string& path) {
  const double begin = CpuSeconds();
  pugi::xml_document document;
  const pugi::xml_parse_result parsed =
      document.load_file(path.c_str(), pugi::parse_default | pugi::parse_embed_pcdata);
  benchmark::DoNotOptimize(parsed.status);
  return CpuSeconds() - begin;
}

}  // namespace
}  // namespace cairn::returns::cin_census
