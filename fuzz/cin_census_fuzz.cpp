// Fuzz target for the CIN census XML reader and writer (src/returns/cin_census/cin_census.h).
//
// Any bytes go to ReadCinCensusText. It must return (never crash or hang), and whatever it
// returns must keep the header's promises; on a violation the target prints what broke and
// aborts, which libFuzzer reports as a crash and saves as a reproducer.
//  * An error names the source.
//  * Every problem names the source, a line within the text and an XML path under /Message; a
//    rejected record is the file's own text (a fragment of the input, cut only when huge).
//  * Every event carries provenance {"cin-census", {collection year}}; an episode has no parent,
//    a module's parent is an earlier episode, a review's an earlier child protection plan.
//  * Children's LAchildIDs are unique and non-empty.
//  * For a year Cairn writes (2022/23 to 2025/26): writing the children back and reading that
//    text gives no rejected records and the same rows per module, for every child with an
//    episode (pre-proceedings only from 2025/26, as the layouts say).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "returns/cin_census/cin_census.h"

namespace {

using cairn::model::Chronology;
using cairn::model::Event;
using cairn::model::EventKind;
namespace cin = cairn::returns::cin_census;

constexpr std::string_view kName = "fuzz.xml";

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "cin_census_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

int CountLines(std::string_view text) {
  int lines = 1;
  for (char c : text) lines += c == '\n';
  return lines;
}

void CheckProblems(const std::vector<cairn::returns::Problem>& problems, std::string_view text, bool rejected) {
  const int last_line = CountLines(text);
  for (const cairn::returns::Problem& problem : problems) {
    Check(problem.file == kName, "a problem names the file", problem.file);
    Check(problem.line >= 1 && problem.line <= last_line, "a problem's line is within the text",
          std::to_string(problem.line));
    Check(problem.location.starts_with("/Message"), "a problem has an XML path", problem.location);
    Check(!problem.message.empty(), "a problem says why");
    if (rejected) {
      Check(!problem.record.empty(), "a rejected record is quoted", problem.location);
      const std::string_view record = problem.record;
      const size_t cut = record.find("\n<!-- Cairn: cut here");
      Check(text.find(record.substr(0, cut)) != std::string_view::npos, "a rejected record is the file's own text",
            problem.location);
    }
  }
}

bool IsModule(EventKind kind) {
  return kind == EventKind::kAssessment || kind == EventKind::kCinPlan || kind == EventKind::kSection47 ||
         kind == EventKind::kCpPlan || kind == EventKind::kPreProceedings;
}

void CheckChildren(const cairn::returns::ImportBatch& batch) {
  std::set<std::string> ids;
  for (const Chronology& chronology : batch.children) {
    const std::string& id = chronology.child().la_child_id;
    Check(!id.empty(), "every child has an LAchildID");
    Check(ids.insert(id).second, "LAchildIDs are unique", id);
    const std::vector<Event>& events = chronology.events();
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& event = events[i];
      Check(event.provenance.source == "cin-census", "provenance names the census");
      Check(event.provenance.reported_in_years == std::vector<int>{batch.collection_year},
            "provenance names the collection year");
      Check(event.parent < static_cast<int32_t>(i), "a parent comes before its children");
      const std::optional<EventKind> parent =
          event.parent >= 0 ? std::optional<EventKind>(events[static_cast<size_t>(event.parent)].kind) : std::nullopt;
      if (event.kind == EventKind::kCinEpisode) {
        Check(!parent.has_value(), "an episode has no parent");
      } else if (event.kind == EventKind::kCpReview) {
        Check(parent == EventKind::kCpPlan, "a review belongs to a child protection plan");
      } else {
        Check(IsModule(event.kind) && parent == EventKind::kCinEpisode, "a module belongs to an episode");
      }
      for (const cairn::model::Field& field : event.fields) {
        Check(!field.value.empty(), "no empty field is kept", field.name);
      }
    }
  }
}

std::string DateText(const std::optional<cairn::Date>& date) { return date ? date->ToIso() : "-"; }

// Assessment factors as the writer splits them and the reader joins them back.
std::string Factors(std::string_view joined) {
  std::vector<std::string> seen;
  std::string out;
  size_t begin = 0;
  while (begin <= joined.size()) {
    size_t comma = joined.find(',', begin);
    if (comma == std::string_view::npos) comma = joined.size();
    std::string code(joined.substr(begin, comma - begin));
    bool repeated = false;
    for (const std::string& s : seen) repeated = repeated || s == code;
    if (!code.empty() && !repeated) {
      seen.push_back(code);
      out += (out.empty() ? "" : ",") + code;
    }
    begin = comma + 1;
  }
  return out;
}

std::map<std::string, std::multiset<std::string>> Rows(const std::vector<Chronology>& children, bool pre_proceedings) {
  std::map<std::string, std::multiset<std::string>> rows;
  for (const Chronology& chronology : children) {
    if (chronology.OfKind(EventKind::kCinEpisode).empty()) continue;  // not written: nothing to hold it
    const cairn::model::Child& child = chronology.child();
    std::string identity = child.la_child_id + "|" + child.upn + "|" + child.former_upn + "|" + child.upn_unknown +
                           "|" + DateText(child.birth_date) + "|" + DateText(child.expected_birth_date) + "|" +
                           child.sex + "|" + DateText(child.death_date) + "|" + child.ethnicity;
    for (const std::string& disability : child.disabilities) identity += "|" + disability;
    rows["child"].insert(identity);
    const std::vector<Event>& events = chronology.events();
    for (size_t i = 0; i < events.size(); ++i) {
      bool skip = false;
      std::string row = child.la_child_id;
      std::vector<size_t> chain;
      for (int32_t at = static_cast<int32_t>(i); at >= 0; at = events[static_cast<size_t>(at)].parent) {
        chain.push_back(static_cast<size_t>(at));
        skip = skip || (!pre_proceedings && events[static_cast<size_t>(at)].kind == EventKind::kPreProceedings);
      }
      if (skip) continue;
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        row += "|" + std::string(cairn::model::IdOf(events[*it].kind)) + ":" + events[*it].start.ToIso();
      }
      row += "|end=" + DateText(events[i].end);
      for (const cairn::model::Field& field : events[i].fields) {
        row += "|" + field.name + "=" + (field.name == "AssessmentFactors" ? Factors(field.value) : field.value);
      }
      rows[std::string(cairn::model::IdOf(events[i].kind))].insert(row);
    }
  }
  return rows;
}

void CheckRoundTrip(const cairn::returns::ImportBatch& batch) {
  const int year = batch.collection_year;
  if (year < cin::kFirstLayoutYear || year > cin::kLastLayoutYear) return;
  cin::WriteOptions options;
  options.lea = "999";
  cairn::Result<std::string> written = cin::WriteCinCensusText(batch.children, year, options);
  // The writer refuses a value XML cannot carry (the importer refuses such a child before it is
  // saved); only then may writing fail.
  if (!written.ok() && written.status().message().find("XML cannot carry") != std::string::npos) return;
  Check(written.ok(), "a batch can be written", written.status().ToString());
  cairn::Result<cairn::returns::ImportBatch> again = cin::ReadCinCensusText(*written, kName);
  Check(again.ok(), "written text reads", again.status().ToString() + "\n" + *written);
  Check(again->collection_year == year, "the year round-trips");
  Check(again->rejected.empty(), "written text has no rejected records",
        again->rejected.empty() ? "" : again->rejected[0].ToString() + "\n" + *written);
  const bool pre_proceedings = cin::LayoutFor(year).pre_proceedings;
  Check(Rows(again->children, pre_proceedings) == Rows(batch.children, pre_proceedings), "rows round-trip", *written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cairn::Result<cairn::returns::ImportBatch> batch = cin::ReadCinCensusText(text, kName);
  if (!batch.ok()) {
    Check(batch.status().message().starts_with("fuzz.xml"), "an error names the file", batch.status().message());
    return 0;
  }
  Check(batch->source == "cin-census", "the batch names its source");
  Check(batch->files == std::vector<std::string>{std::string(kName)}, "the batch names its file");
  CheckProblems(batch->rejected, text, true);
  CheckProblems(batch->findings, text, false);
  CheckChildren(*batch);
  CheckRoundTrip(*batch);
  return 0;
}
