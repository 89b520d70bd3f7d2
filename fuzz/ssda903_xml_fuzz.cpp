// Fuzz target for the SSDA903 XML reader (src/returns/ssda903/ssda903.h).
//
// Any bytes go to ReadSsda903XmlText. It must return (never crash or hang), and what it returns
// must keep the header's promises; on a violation the target prints what broke and aborts,
// which libFuzzer reports as a crash and saves as a reproducer.
//  * An error names the file.
//  * Every problem names the file; every child has a non-empty, unique id; every event carries
//    the provenance {"ssda903", {year}} and events are in date order.
//  * Writing the batch as CSV tables and reading them back gives the same chronologies, with
//    nothing refused: the two forms of the return carry the same data.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "returns/ssda903/ssda903.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "ssda903_xml_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

void CheckBatch(const cairn::returns::ImportBatch& batch) {
  Check(batch.source == "ssda903", "source is ssda903");
  for (const auto* problems : {&batch.rejected, &batch.findings}) {
    for (const cairn::returns::Problem& problem : *problems) {
      Check(problem.file == "fuzz.xml", "a problem names the file", problem.ToString());
      Check(!problem.message.empty(), "a problem says what is wrong");
    }
  }
  std::set<std::string> ids;
  for (const cairn::model::Chronology& chronology : batch.children) {
    const std::string& id = chronology.child().la_child_id;
    Check(!id.empty(), "a child has an id");
    Check(ids.insert(id).second, "child ids are unique", id);
    const cairn::model::Event* previous = nullptr;
    for (const cairn::model::Event& event : chronology.events()) {
      Check(event.provenance.source == "ssda903" &&
                event.provenance.reported_in_years == std::vector<int>{batch.collection_year},
            "events carry the year's provenance", id);
      Check(previous == nullptr || previous->start <= event.start, "events are in date order", id);
      previous = &event;
    }
  }
}

void CheckCsvRoundTrip(const cairn::returns::ImportBatch& batch) {
  cairn::Result<std::vector<cairn::returns::Ssda903CsvText>> csv =
      cairn::returns::FormatSsda903Csv(batch.children, batch.collection_year);
  if (!csv.ok()) return;  // a value with a NUL byte cannot be written as CSV; that is reported
  cairn::Result<cairn::returns::ImportBatch> again = cairn::returns::ReadSsda903CsvTexts(*csv, batch.collection_year);
  Check(again.ok(), "written CSV reads", again.status().message());
  Check(again->rejected.empty(), "written CSV has nothing to refuse",
        again->rejected.empty() ? "" : again->rejected.front().ToString());
  // Children with no event are not written (the Header lists children with rows elsewhere).
  std::vector<const cairn::model::Chronology*> written;
  for (const cairn::model::Chronology& chronology : batch.children) {
    if (!chronology.events().empty()) written.push_back(&chronology);
  }
  Check(again->children.size() == written.size(), "children round-trip");
  for (std::size_t i = 0; i < written.size(); ++i) {
    const cairn::model::Chronology& a = *written[i];
    const cairn::model::Chronology& b = again->children[i];
    Check(a.child() == b.child(), "child round-trips", a.child().la_child_id);
    Check(a.events().size() == b.events().size(), "event count round-trips", a.child().la_child_id);
    for (std::size_t e = 0; e < a.events().size(); ++e) {
      Check(a.events()[e].SameContent(b.events()[e]), "event round-trips", a.child().la_child_id);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Mostly with the year given, so that inputs without a readable DECOM still reach the reader.
  const std::optional<int> year = size % 4 == 3 ? std::nullopt : std::optional<int>(2018);
  cairn::Result<cairn::returns::ImportBatch> batch = cairn::returns::ReadSsda903XmlText(text, "fuzz.xml", year);
  if (!batch.ok()) {
    Check(batch.status().message().find("fuzz.xml") != std::string::npos, "an error names the file",
          batch.status().message());
    return 0;
  }
  CheckBatch(*batch);
  CheckCsvRoundTrip(*batch);
  return 0;
}
