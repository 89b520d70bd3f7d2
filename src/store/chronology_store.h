// Saving and loading children's chronologies. Nothing is overwritten silently: a changed child
// detail or event keeps its previous version (who, when, why) in a revision table, and a
// withdrawn event stays in the database, marked withdrawn.
//
// Writes here do not open their own transaction: the caller wraps a whole import (or one
// form's changes) in a store::Transaction so it is all-or-nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/chronology.h"
#include "store/audit.h"
#include "store/database.h"

namespace cairn::store {

// Who is changing or reading a record, and why; goes into revisions and the audit log.
struct ChangeContext {
  std::string actor;   // a user name, or "import"
  std::string reason;  // "imported from episodes.csv", "corrected date of birth"
  // Where the change came from, for the audit trail: the actor's role, the route or command,
  // and the client's address ("local" on the command line).
  std::string role = "cli";
  std::string route = "cli";
  std::string client = "local";
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
// empty never blanks one already held, names included (the returns carry none, so importing a
// return leaves the names Cairn holds alone). A changed child's revision JSON holds its details
// as they were, and its names as they were only when a name changed. A name that is not UTF-8
// is refused (kInvalidArgument naming the child and which name, never the name itself). An
// event withdrawn in Cairn stays withdrawn when an old return mentioning it is imported again.
// Fills in Event::id on nothing (chronologies are read-only here); reload to see ids. Every
// child whose record changes gets an audit_log row ("create" or "change", with the context's
// actor and reason and the counts of events added and amended: never the record's content).
// `progress` is called every few thousand children. One ChronologyWriter (below) does the work,
// so a save inside a transaction into an empty database builds its indexes once at the end.
Result<SaveReport> SaveChronologies(Connection& db, std::span<const model::Chronology> chronologies,
                                    const ChangeContext& context,
                                    const std::function<void(size_t children_done)>& progress = {});

// SaveChronologies a batch at a time, for callers that hand children over in batches (the
// simulator): statements are prepared once, and the report adds up over the batches.
//
// Filling an empty SQLite database inside a transaction, the writer drops the indexes of event,
// event_report and audit_log and Finish() re-creates them from their own SQL, exactly as the
// migrations declared them, each built by one sort instead of row by row in random order. While
// it lives the writer also enlarges SQLite's page cache (to 512 MiB at most), so a large load is
// not spilled to the write-ahead log and read back page by page; the two together were most of
// the time a large load took. Neither touches durability: everything still commits, or not, with
// the caller's transaction.
//
//   CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
//   CAIRN_ASSIGN_OR_RETURN(ChronologyWriter writer, ChronologyWriter::Start(db, context));
//   for (...) CAIRN_RETURN_IF_ERROR(writer.Save(batch));
//   CAIRN_ASSIGN_OR_RETURN(SaveReport report, writer.Finish());
//   CAIRN_RETURN_IF_ERROR(transaction.Commit());
//
// Finish() must come before the commit. After a failed Save() roll the transaction back; a
// writer destroyed without Finish() puts back what it dropped as well as it can. The Connection
// must outlive the writer.
class ChronologyWriter {
 public:
  static Result<ChronologyWriter> Start(Connection& db, ChangeContext context);
  ChronologyWriter(ChronologyWriter&& other) noexcept;
  ChronologyWriter& operator=(ChronologyWriter&&) = delete;
  ChronologyWriter(const ChronologyWriter&) = delete;
  ~ChronologyWriter();

  // As SaveChronologies; `progress` counts children of this batch. FailedPrecondition after Finish().
  Status Save(std::span<const model::Chronology> chronologies,
              const std::function<void(size_t children_done)>& progress = {});
  // Re-creates any dropped index (a UNIQUE one that no longer holds is an error) and restores
  // the page cache; returns what every Save() did.
  Result<SaveReport> Finish();

  // Whether the indexes are dropped for now (an empty database, in a transaction).
  bool deferring_indexes() const;

 private:
  struct State;
  explicit ChronologyWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// One child's chronology (events in date order, withdrawn events left out), or nullopt.
Result<std::optional<model::Chronology>> LoadChronology(Connection& db, std::string_view la_child_id);
// Every child's chronology, in la_child_id order.
//
// Both read each child's events from its chronology image (migration 0011, chronology_image.h)
// when it has a current one, and from its event rows otherwise: every change to a child's events
// here makes a new image in the same transaction, so the rows are read only for children changed
// by a version of Cairn before images, or whose image is damaged.
Result<std::vector<model::Chronology>> LoadAllChronologies(Connection& db);

// Makes an image for every child without a current one that can be read, from its rows; returns
// how many.
// Migrate() calls it after applying migrations, and `cairn serve` when it starts.
Result<int64_t> WriteMissingChronologyImages(Connection& db);

// DataLoss, naming up to five children, when any child's events read from its image differ from
// its rows: for tests, and for anyone who doubts the images.
Status CheckChronologyImages(Connection& db);

// Adds one event recorded in Cairn (source "cairn") to the child `la_child_id`, nested under the
// event `parent_id` (0: none), and returns its id. `natural_key` is Chronology::NaturalKey of the
// event in the child's chronology: AlreadyExists when the child already has an event with that
// key (withdrawn ones included: correct or reinstate that one instead). NotFound without the
// child; InvalidArgument for an end before the start or a field that is not UTF-8. Writes no
// audit row: the caller records the change in the same transaction (recording/recorder.h).
Result<int64_t> AddEvent(Connection& db, std::string_view la_child_id, const model::Event& event, int64_t parent_id,
                         std::string_view natural_key, const ChangeContext& context);

// Replaces an event's dates and fields (its kind and parent stay), keeping the old version.
// With `expected_revision`, FailedPrecondition when the event has moved on from it (someone
// else saved first). A non-empty `natural_key` replaces the event's key (its start date or key
// fields changed); AlreadyExists when another event of the child holds it.
Status AmendEvent(Connection& db, int64_t event_id, const model::Event& replacement, const ChangeContext& context,
                  std::optional<int64_t> expected_revision = std::nullopt, std::string_view natural_key = {});
// Marks an event withdrawn (entered in error); it disappears from chronologies but not from
// history. `expected_revision` as for AmendEvent.
Status WithdrawEvent(Connection& db, int64_t event_id, const ChangeContext& context,
                     std::optional<int64_t> expected_revision = std::nullopt);

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

// Every earlier version of every event of one child, withdrawn events included, in the order the
// changes were recorded: one query, for the child's page.
struct ChildEventRevision {
  int64_t event_id = 0;
  std::string kind;        // the event's kind id
  std::string start_date;  // the event's start as it stands now
  EventRevision revision;
};
Result<std::vector<ChildEventRevision>> ChildEventHistory(Connection& db, std::string_view la_child_id);

// Records that `actor` did `action` ("read", "import", ...) to a child's record, or to the
// whole council when la_child_id is empty, as a command-line row of the audit chain
// (store/audit.h). Holds identifiers only, never record content.
Status RecordAudit(Connection& db, std::string_view actor, std::string_view action, std::string_view la_child_id,
                   std::string_view detail);

// Current UTC time as ISO 8601 ("2026-11-22T08:30:00Z").
std::string UtcTimestamp();

}  // namespace cairn::store
