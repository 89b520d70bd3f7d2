// Saving and loading children's chronologies. Nothing is overwritten silently: a changed child
// detail or event keeps its previous version (who, when, why) in a revision table, and a
// withdrawn event stays in the database, marked withdrawn.
//
// Writes here do not open their own transaction: the caller wraps a whole import (or one
// form's changes) in a store::Transaction so it is all-or-nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/chronology.h"
#include "store/database.h"

namespace cairn::store {

// Who is changing or reading a record, and why; goes into revisions and the audit log.
struct ChangeContext {
  std::string actor;   // a user name, or "import"
  std::string reason;  // "imported from episodes.csv", "corrected date of birth"
};

struct SaveReport {
  int64_t children_added = 0;
  int64_t children_updated = 0;  // existing children whose details changed
  int64_t events_added = 0;
  int64_t events_amended = 0;    // existing events (same natural key) whose content changed
  int64_t events_unchanged = 0;  // already held exactly so (re-import), or withdrawn in Cairn
};

// Saves chronologies: children are matched on la_child_id, events on (child, natural key).
// New ones are added; matched ones whose content differs are amended with a revision; the
// provenance's reported years are added to every saved event. A child detail that arrives
// empty never blanks one already held. An event withdrawn in Cairn stays withdrawn when an old
// return mentioning it is imported again. Fills in Event::id on nothing (chronologies are
// read-only here); reload to see ids. Every child whose record changes gets an audit_log row
// ("create" or "change", with the context's actor and reason). `progress` is called every few
// thousand children.
Result<SaveReport> SaveChronologies(Connection& db, std::span<const model::Chronology> chronologies,
                                    const ChangeContext& context,
                                    const std::function<void(size_t children_done)>& progress = {});

// One child's chronology (events in date order, withdrawn events left out), or nullopt.
Result<std::optional<model::Chronology>> LoadChronology(Connection& db, std::string_view la_child_id);
// Every child's chronology, in la_child_id order.
Result<std::vector<model::Chronology>> LoadAllChronologies(Connection& db);

// Replaces an event's dates and fields (its kind and parent stay), keeping the old version.
Status AmendEvent(Connection& db, int64_t event_id, const model::Event& replacement, const ChangeContext& context);
// Marks an event withdrawn (entered in error); it disappears from chronologies but not from history.
Status WithdrawEvent(Connection& db, int64_t event_id, const ChangeContext& context);

struct EventRevision {
  int revision = 0;         // the revision that was replaced
  std::string action;       // "amended" or "withdrawn"
  std::string recorded_at;  // UTC ISO 8601
  std::string recorded_by;
  std::string reason;
  std::string previous;     // JSON {"start", "end", "fields"} as it was
};
// An event's history, oldest first.
Result<std::vector<EventRevision>> EventHistory(Connection& db, int64_t event_id);

// Records that `actor` did `action` ("read", "import", ...) to a child's record, or to the
// whole council when la_child_id is empty. Holds identifiers only, never record content.
Status RecordAudit(Connection& db, std::string_view actor, std::string_view action, std::string_view la_child_id,
                   std::string_view detail);

// Current UTC time as ISO 8601 ("2026-11-22T08:30:00Z").
std::string UtcTimestamp();

}  // namespace cairn::store
