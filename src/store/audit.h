// The audit trail: every look at and every change to a child's record, and every sign-in, grant,
// restriction and user change, one row each, hash-chained so that tampering shows.
//
// Each row's hash is BLAKE2b-256 over its own fields (each length-prefixed, so no two rows can
// encode alike) and the previous row's hash; ids run 1, 2, 3, ... with no gaps; audit_head holds
// the last id and hash. So an edited row fails its own hash, a deleted row leaves a gap (or, the
// last, a head that names a row no longer there), an inserted row fails its hash or its link,
// and two rows swapped fail theirs. VerifyAudit names the first row that breaks.
//
// Rows hold identifiers only (user names, LA child ids, route patterns, codes): never a child's
// name, date of birth or free text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace cairn::store {

struct AuditEntry {
  std::string at;                     // UTC ISO 8601; AppendAudit fills it when empty
  std::string actor;                  // a Cairn user name, or "os:NAME" for the command line
  std::string role;                   // the actor's role, or "cli"
  std::string action;                 // "read", "search", "export", "login", "grant", ...
  std::string route;                  // "/children/{id}", "GET /api/v1/children/{id}", "cairn child show"
  std::vector<std::string> children;  // LA child ids the action showed, searched or changed
  std::string client;                 // the client's address, or "local"
  std::string outcome = "ok";         // "ok", "refused" (403), "not-found" (404), "failed"
  std::string detail;                 // identifiers and counts only
};

struct StoredAuditEntry {
  int64_t id = 0;
  AuditEntry entry;
  std::string hash;  // hex
};

// Appends rows to the chain through statements prepared once. Each Append runs inside the
// caller's transaction when one is open (so a change and its audit row commit together), and in
// its own otherwise. Inside a transaction the chain's head is read once and kept (the
// transaction holds the write lock, so nobody else can append meanwhile) and written back by
// Flush(), which must come before the commit; outside one, every Append reads and writes it.
// The Connection must outlive the trail.
class AuditTrail {
 public:
  static Result<AuditTrail> Open(Connection& db);
  AuditTrail(AuditTrail&&) noexcept;
  AuditTrail& operator=(AuditTrail&&) noexcept;
  ~AuditTrail();

  Status Append(const AuditEntry& entry);
  // Rows from here on are sent in bulk (Connection::PrepareCopy), reaching the table at Flush()
  // at the latest: for a large load in one transaction, and for the server's batches on
  // PostgreSQL, whose rows name many children each.
  Status LoadInBulk();
  // Writes the head kept since the transaction's first Append (nothing to do when none), after
  // any rows still buffered by LoadInBulk.
  Status Flush();
  // Forgets the head it kept, after the transaction was rolled back.
  void Forget();

 private:
  struct State;
  explicit AuditTrail(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// One row, through a trail of its own (see AuditTrail for transactions).
Status AppendAudit(Connection& db, const AuditEntry& entry);

// An entry for something done on the command line: role "cli", client "local"; the caller adds
// the children and the detail.
AuditEntry CommandLineAudit(std::string_view actor, std::string_view action, std::string_view route);

// Audit rows from many threads, committed together: each Append returns once its row is
// committed (so nothing is shown before it is recorded), but rows that arrive while a commit is
// under way share the next one, so a busy server pays one commit for many requests. The first
// waiting thread writes the whole batch (no thread of its own). Owns its connection.
class GroupAuditWriter {
 public:
  static Result<std::unique_ptr<GroupAuditWriter>> Open(const std::string& target);
  ~GroupAuditWriter();
  Status Append(AuditEntry entry);

 private:
  struct State;
  explicit GroupAuditWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// For a long-running server on SQLite: the connection no longer checkpoints the write-ahead log
// itself at commit (which costs a file sync on the request path); call Checkpoint() from a
// background thread instead. Nothing for other backends.
Status DeferCheckpoints(Connection& db);
// Copies the write-ahead log into the database without waiting for readers (SQLite PASSIVE), and
// returns how many frames (pages) the log holds; 0 for other backends. Never waits: give it a
// connection of its own, whose busy timeout it sets to 0.
Result<int64_t> Checkpoint(Connection& db);
// Under steady load some reader is always using the log, so SQLite never starts it again from
// the beginning and it grows without end (1.7 GB in 20 s of child pages, each audit row adding
// its pages). This starts it again (SQLite RESTART, reusing the file) once the readers of the
// moment have finished, waiting at most 3 ms for them; otherwise it is left for a later call.
// It holds the write lock for its last copy, sync and that wait (milliseconds, every audited
// page waiting behind it), so call it only when the log is large (kRestartLogAfterFrames).
Status RestartLog(Connection& db);
inline constexpr int64_t kRestartLogAfterFrames = 16384;  // 64 MB of 4 KB pages

struct AuditVerdict {
  bool intact = true;
  int64_t rows = 0;             // rows checked
  int64_t first_bad_row = 0;    // the first row that breaks the chain; 0 when intact
  std::string problem;          // a sentence naming that row and what is wrong with it
};
// Walks the whole chain. Rows written before the chain existed and never sealed (no Cairn has
// appended since the upgrade) are sealed by the next Append, and count as intact here.
Result<AuditVerdict> VerifyAudit(Connection& db);

struct AuditQuery {
  std::optional<std::string> child;  // rows naming this LA child id
  std::optional<std::string> actor;  // rows by this user
  std::optional<std::string> outcome;
  std::string from;                  // YYYY-MM-DD, inclusive; empty for no bound
  std::string to;                    // YYYY-MM-DD, inclusive
  int64_t limit = 10000;
};
// Matching rows, oldest first.
Result<std::vector<StoredAuditEntry>> QueryAudit(Connection& db, const AuditQuery& query);

// The command line's actor: "os:" and the account name of the process's real uid (not $USER,
// which anyone can set), or "os:uid-N" when the account has no name.
std::string OperatingSystemActor();

}  // namespace cairn::store
