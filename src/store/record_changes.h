// Telling several servers on one database that a child's record changed (migration 0010).
//
// Each `cairn serve` keeps the council's chronologies in memory. Every change to a child's record
// calls NoteChildChanged in the changing transaction: it moves record_generation on and names the
// child. A server reads RecordGeneration once a request and, when it has moved, asks
// RecordChangesSince which children to load again.
//
// The generation row stays locked from NoteChildChanged until the transaction ends, so changes
// take their generations in the order they commit; a reader that sees generation n can rely on
// every change numbered up to n being visible to it. Take it before the audit chain's head (the
// store's writers do), so that two writers never wait on each other in opposite orders.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace cairn::store {

// Marks the child with the row id `child_id` changed; 0 marks many children changed at once (an
// import, the simulator, the workforce), which tells servers to load the whole council again.
Status NoteChildChanged(Connection& db, int64_t child_id);

// Takes the generation row's lock without moving it on, for a writer that reads what it may then
// change (an import merging children into those held). On PostgreSQL, where transactions run side
// by side, such writers then go one after another from here, each reading what the one before
// committed, as SQLite's writers do from BEGIN IMMEDIATE: two imports of the same child both
// finding it new and both adding it would otherwise end in a clash. Nothing on SQLite, or outside
// a transaction (where there is nothing to hold the lock to).
Status HoldRecordGeneration(Connection& db);

// The current generation: 0 in a new database, moved on by every committed change.
Result<int64_t> RecordGeneration(Connection& db);

struct RecordChanges {
  int64_t generation = 0;             // the generation these changes bring the reader up to
  bool everything = false;            // load the whole council (many changed, or a bulk change)
  std::vector<std::string> children;  // la_child_id of each child changed, each once, sorted
};
// What changed after generation `since`, up to the generation it reads first. More than `most`
// children is reported as everything (loading each alone would be slower).
Result<RecordChanges> RecordChangesSince(Connection& db, int64_t since, size_t most);

}  // namespace cairn::store
