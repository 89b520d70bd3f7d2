// The compact form of one child's chronology that the timescales evaluator reads: built once
// from a model::Chronology (Evaluator::Compact), then evaluated as at any date, as often as
// needed, without touching a string.
//
// Every event becomes 28 bytes: its dates as day numbers, its parent, one extra value its kind
// carries (a date field such as DateOfInitialCPC, or an allocation's worker), and one bit per
// field condition the rule set tests ("purpose is cp", "LS is a short break"), worked out once.
// Events are grouped by kind and sorted by start date within a kind, so "the first visit on or
// after D" is a binary search.
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/date.h"
#include "model/event_kind.h"

namespace cairn::timescales {

inline constexpr int32_t kNoDay = INT32_MIN;    // a date that is absent
inline constexpr int32_t kOpenEnd = INT32_MAX;  // an end that has not happened
inline constexpr uint8_t kNoSource = 0xFF;      // a source the rule set does not list

struct CompactEvent {
  int32_t start = 0;         // day number (Date::day_number)
  int32_t end = kOpenEnd;    // day number, or kOpenEnd
  int32_t aux = kNoDay;      // the kind's extra date (day number or kNoDay); an allocation's worker index
  int32_t parent = -1;       // index of the parent within the same CompactChronology, or -1
  int32_t original = -1;     // index of the event in the model::Chronology
  uint32_t facts = 0;        // bit i: the event satisfies the evaluator's field condition i
  model::EventKind kind = model::EventKind::kCinEpisode;
  uint8_t source = kNoSource;  // index into RuleSet::source_names()
};
static_assert(sizeof(CompactEvent) == 28, "CompactEvent should stay small: a council holds millions");

class CompactChronology {
 public:
  static constexpr size_t kKindCount = 35;

  const std::string& child_id() const { return child_id_; }
  std::optional<Date> birth_date() const { return birth_; }
  std::optional<Date> death_date() const { return death_; }

  size_t size() const { return events_.size(); }
  const CompactEvent& event(int32_t index) const { return events_[static_cast<size_t>(index)]; }
  // Index of the event within the compact form -> its index in the model::Chronology.
  int32_t original_index(int32_t index) const { return events_[static_cast<size_t>(index)].original; }
  // The events of one kind, by start date; their indices start at FirstOfKind(kind).
  std::span<const CompactEvent> OfKind(model::EventKind kind) const {
    const size_t k = static_cast<size_t>(kind);
    return {events_.data() + offsets_[k], events_.data() + offsets_[k + 1]};
  }
  int32_t FirstOfKind(model::EventKind kind) const { return static_cast<int32_t>(offsets_[static_cast<size_t>(kind)]); }
  // Workers named by allocation events (CompactEvent::aux indexes this list).
  const std::vector<std::string>& workers() const { return workers_; }
  // Day number of the earliest event from each source (kOpenEnd when none).
  const std::vector<int32_t>& first_day_by_source() const { return first_by_source_; }

  // Bytes held, for capacity planning.
  size_t MemoryBytes() const {
    return sizeof(*this) + events_.capacity() * sizeof(CompactEvent) + first_by_source_.capacity() * sizeof(int32_t) +
           child_id_.capacity();
  }

 private:
  friend class Evaluator;

  std::string child_id_;
  std::optional<Date> birth_;
  std::optional<Date> death_;
  std::vector<CompactEvent> events_;
  std::array<uint32_t, kKindCount + 1> offsets_{};
  std::vector<std::string> workers_;
  std::vector<int32_t> first_by_source_;
};

}  // namespace cairn::timescales
