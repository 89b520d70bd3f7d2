// Fuzz target for reading chronology images (src/store/chronology_image.h).
//
// Any bytes go to DecodeChronologyImage, as a damaged database could hand it anything. It must
// return (never crash, hang or read out of bounds), refuse as DataLoss, and what it accepts must
// keep the header's promises; on a violation the target prints what broke and aborts.
//  * Every event's parent is another of its events, and no event is its own ancestor.
//  * Encoding the events again and reading that gives the same events.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "store/chronology_image.h"

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "chronology_image_fuzz: invariant broken: %s\n", what);
  std::abort();
}

bool Same(const cairn::model::Event& a, const cairn::model::Event& b) {
  return a.SameContent(b) && a.parent == b.parent && a.id == b.id && a.revision == b.revision &&
         a.provenance.source == b.provenance.source;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view image(reinterpret_cast<const char*>(data), size);
  std::vector<cairn::model::Event> events;
  const cairn::Status read = cairn::store::DecodeChronologyImage(image, events);
  if (!read.ok()) {
    Check(read.code() == cairn::Status::Code::kDataLoss, "a refused image is DataLoss");
    return 0;
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    Check(events[i].parent < static_cast<int32_t>(events.size()) && events[i].parent != static_cast<int32_t>(i),
          "a parent is another event");
    // Up the chain no further than there are events: a longer chain would be a circle.
    int32_t at = events[i].parent;
    for (std::size_t steps = 0; at >= 0; ++steps) {
      Check(steps < events.size(), "no event is its own ancestor");
      at = events[static_cast<std::size_t>(at)].parent;
    }
  }
  std::vector<cairn::model::Event> again;
  Check(cairn::store::DecodeChronologyImage(cairn::store::EncodeChronologyImage(events), again).ok(),
        "an image made from what was read can be read");
  Check(again.size() == events.size(), "as many events come back");
  for (std::size_t i = 0; i < events.size(); ++i) Check(Same(again[i], events[i]), "the same events come back");
  return 0;
}
