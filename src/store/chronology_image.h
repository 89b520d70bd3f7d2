// A child's events as one compact value (the chronology_image table, migration 0011), so that
// loading a council reads one row a child instead of parsing every event row's text and JSON.
//
// An image is a copy of what the event rows say, made by the store and used by it only while it
// is current (chronology_store.h); the rows stay the record. The form is private to the store and
// versioned: an image of another version, or one that is damaged, is refused with DataLoss and
// the store reads the child's rows instead.
//
// Layout (integers as unsigned LEB128 varints; a signed one zigzag-encoded first):
//   version (one byte, 1)
//   strings: count, then each as length and bytes; kinds, sources and field names refer to them
//   events: count, then each as
//     kind (string), start (signed day number), end (0: none; else 1 + signed days after start),
//     parent (0: none; else 1 + its index, before or after the event), id (signed difference
//     from the previous event's id), revision, source (string), reported years (count, then each
//     year), fields (count, then each as name (string), value length and bytes)
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/chronology.h"

namespace cairn::store {

// Builds one image an event at a time. Events are given in the order they are to come back;
// a parent is given by its index in that order (before or after its event: in date order a nested
// event can start before the one it sits under).
class ChronologyImageBuilder {
 public:
  ChronologyImageBuilder() = default;

  // Adds an event. A field name given twice keeps its first place and its last value (as the
  // event row's JSON does); reported years are kept sorted, each once.
  void Add(const model::Event& event, int32_t parent, int64_t id, int64_t revision, std::string_view source,
           std::span<const int> reported_years);
  // Adds an event as it stands (its own parent, id, revision, source and years).
  void Add(const model::Event& event) {
    Add(event, event.parent, event.id, event.revision, event.provenance.source, event.provenance.reported_in_years);
  }
  // The image; the builder is empty again afterwards.
  std::string Finish();

 private:
  uint64_t StringIndex(std::string_view text);

  std::vector<std::string> strings_;
  std::string body_;
  uint64_t events_ = 0;
  int64_t previous_id_ = 0;
  std::vector<int> years_;  // scratch
};

// The image of events as they stand (a loaded chronology's).
std::string EncodeChronologyImage(std::span<const model::Event> events);

// Replaces `events` with the events the image holds, in the order they were added. DataLoss
// for an image that is damaged (a parent out of range, or parents going round in a circle
// included), of another version, or names an event kind Cairn does not know.
Status DecodeChronologyImage(std::string_view image, std::vector<model::Event>& events);

}  // namespace cairn::store
