#include "store/audit.h"

#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <memory>
#include <utility>

#include "store/chronology_store.h"

namespace cairn::store {
namespace {

constexpr std::string_view kColumns =
    "id, at, actor, role, action, route, children, client, outcome, detail, prev_hash, hash";

void AppendField(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += '\n';
}

std::string JoinChildren(const std::vector<std::string>& children) {
  std::string joined;
  for (const std::string& child : children) {
    if (!joined.empty()) joined += ' ';
    joined += child;
  }
  return joined;
}

std::vector<std::string> SplitChildren(std::string_view joined) {
  std::vector<std::string> children;
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find(' ', start);
    if (end == std::string_view::npos) end = joined.size();
    if (end > start) children.emplace_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return children;
}

// The row's hash: every field length-prefixed, in a fixed order, then the previous hash.
std::string RowHash(int64_t id, const AuditEntry& e, std::string_view children, std::string_view prev_hash) {
  static const int ready = sodium_init();  // idempotent and thread-safe; -1 only without entropy
  (void)ready;
  std::string canonical;
  canonical.reserve(256 + e.detail.size() + children.size());
  AppendField(canonical, std::to_string(id));
  AppendField(canonical, e.at);
  AppendField(canonical, e.actor);
  AppendField(canonical, e.role);
  AppendField(canonical, e.action);
  AppendField(canonical, e.route);
  AppendField(canonical, children);
  AppendField(canonical, e.client);
  AppendField(canonical, e.outcome);
  AppendField(canonical, e.detail);
  AppendField(canonical, prev_hash);
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(canonical.data()),
                     canonical.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, sizeof digest * 2);
}

AuditEntry ReadEntry(const Statement& row) {
  AuditEntry e;
  e.at = row.ColumnText(1);
  e.actor = row.ColumnText(2);
  e.role = row.ColumnText(3);
  e.action = row.ColumnText(4);
  e.route = row.ColumnText(5);
  e.children = SplitChildren(row.ColumnText(6));
  e.client = row.ColumnText(7);
  e.outcome = row.ColumnText(8);
  e.detail = row.ColumnText(9);
  return e;
}

}  // namespace

struct AuditTrail::State {
  Connection* db = nullptr;
  std::unique_ptr<Statement> read_head, write_head, insert_row, insert_child;
  std::unique_ptr<RowCopy> copy_row, copy_child;  // after LoadInBulk(): used instead of the inserts
  bool bulk = false;
  bool head_known = false;  // within the current transaction
  bool head_dirty = false;
  int64_t last_id = 0;
  std::string last_hash;

  Status LoadHead() {
    CAIRN_RETURN_IF_ERROR(read_head->Reset());
    CAIRN_ASSIGN_OR_RETURN(bool row, read_head->Step());
    if (row) {
      last_id = read_head->ColumnInt(0);
      last_hash = std::string(read_head->ColumnText(1));
      CAIRN_RETURN_IF_ERROR(read_head->Reset());
      head_known = true;
      return Status::Ok();
    }
    CAIRN_RETURN_IF_ERROR(read_head->Reset());
    return SealLegacyRows();
  }

  // No head yet: the chain starts here. Rows written before it (by a Cairn without the chain)
  // are sealed first, renumbered 1..n in their order so the chain has no gaps.
  Status SealLegacyRows() {
    last_id = 0;
    last_hash.clear();
    CAIRN_ASSIGN_OR_RETURN(auto legacy, db->Prepare("SELECT " + std::string(kColumns) + " FROM audit_log ORDER BY id"));
    std::vector<std::pair<int64_t, AuditEntry>> rows;
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool has, legacy->Step());
      if (!has) break;
      rows.emplace_back(legacy->ColumnInt(0), ReadEntry(*legacy));
    }
    legacy.reset();
    if (!rows.empty()) {
      // Move every row out of the way first, so renumbering cannot collide with a later id.
      CAIRN_RETURN_IF_ERROR(db->Execute("UPDATE audit_log SET id = -id"));
      CAIRN_RETURN_IF_ERROR(db->Execute("DELETE FROM audit_child"));
      CAIRN_ASSIGN_OR_RETURN(auto renumber,
                             db->Prepare("UPDATE audit_log SET id = $1, prev_hash = $2, hash = $3 WHERE id = $4"));
      for (const auto& [old_id, entry] : rows) {
        const int64_t id = last_id + 1;
        const std::string children = JoinChildren(entry.children);
        const std::string hash = RowHash(id, entry, children, last_hash);
        CAIRN_RETURN_IF_ERROR(renumber->BindAll({id, last_hash, hash, -old_id}));
        CAIRN_RETURN_IF_ERROR(renumber->Run());
        for (const std::string& child : entry.children) {
          CAIRN_RETURN_IF_ERROR(insert_child->BindAll({id, child}));
          CAIRN_RETURN_IF_ERROR(insert_child->Run());
        }
        last_id = id;
        last_hash = hash;
      }
    }
    CAIRN_RETURN_IF_ERROR(db->Execute("INSERT INTO audit_head (id, last_id, hash) VALUES (1, $1, $2)",
                                      {last_id, last_hash}));
    head_known = true;
    return Status::Ok();
  }

  Status WriteHead() {
    CAIRN_RETURN_IF_ERROR(write_head->BindAll({last_id, last_hash}));
    CAIRN_RETURN_IF_ERROR(write_head->Run());
    head_dirty = false;
    return Status::Ok();
  }

  Status AppendInTransaction(const AuditEntry& entry) {
    if (!head_known) CAIRN_RETURN_IF_ERROR(LoadHead());
    // Only a missing time makes the stored entry differ from the one given: copying every entry
    // for it, and binding copies of its texts, was a third of what appending cost in a large import.
    std::optional<AuditEntry> timed;
    if (entry.at.empty()) {
      timed.emplace(entry);
      timed->at = UtcTimestamp();
    }
    const AuditEntry& stored = timed ? *timed : entry;
    const int64_t id = last_id + 1;
    const std::string children = JoinChildren(stored.children);
    std::string hash = RowHash(id, stored, children, last_hash);
    Statement& row = copy_row ? *copy_row : *insert_row;
    Statement& child_row = copy_child ? *copy_child : *insert_child;
    // Unowned: every text bound lives until Run() has used it.
    CAIRN_RETURN_IF_ERROR(row.Bind(1, id));
    int column = 2;
    for (std::string_view text : {std::string_view(stored.at), std::string_view(stored.actor),
                                  std::string_view(stored.role), std::string_view(stored.action),
                                  std::string_view(stored.route), std::string_view(children),
                                  std::string_view(stored.client), std::string_view(stored.outcome),
                                  std::string_view(stored.detail), std::string_view(last_hash), std::string_view(hash)}) {
      CAIRN_RETURN_IF_ERROR(row.BindUnowned(column++, text));
    }
    CAIRN_RETURN_IF_ERROR(row.Run());
    for (const std::string& child : stored.children) {
      CAIRN_RETURN_IF_ERROR(child_row.Bind(1, id));
      CAIRN_RETURN_IF_ERROR(child_row.BindUnowned(2, child));
      CAIRN_RETURN_IF_ERROR(child_row.Run());
    }
    last_id = id;
    last_hash = std::move(hash);
    head_dirty = true;
    return Status::Ok();
  }
};

Result<AuditTrail> AuditTrail::Open(Connection& db) {
  auto state = std::make_unique<State>();
  state->db = &db;
  // The chain is serialised in the database, not in this process: on SQLite the transaction's
  // write lock makes the head read the head; on PostgreSQL, where writers run side by side, the
  // read locks the head row until the transaction ends, so the next writer (from this server or
  // another) waits for this one's hash.
  CAIRN_ASSIGN_OR_RETURN(state->read_head, db.Prepare(db.backend_name() == "postgresql"
                                                          ? "SELECT last_id, hash FROM audit_head WHERE id = 1 FOR UPDATE"
                                                          : "SELECT last_id, hash FROM audit_head WHERE id = 1"));
  CAIRN_ASSIGN_OR_RETURN(state->write_head, db.Prepare("UPDATE audit_head SET last_id = $1, hash = $2 WHERE id = 1"));
  CAIRN_ASSIGN_OR_RETURN(state->insert_row,
                         db.Prepare("INSERT INTO audit_log (" + std::string(kColumns) +
                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"));
  CAIRN_ASSIGN_OR_RETURN(state->insert_child,
                         db.Prepare("INSERT INTO audit_child (audit_id, la_child_id) VALUES ($1, $2)"));
  return AuditTrail(std::move(state));
}

AuditTrail::AuditTrail(std::unique_ptr<State> state) : state_(std::move(state)) {}
AuditTrail::AuditTrail(AuditTrail&&) noexcept = default;
AuditTrail& AuditTrail::operator=(AuditTrail&&) noexcept = default;
AuditTrail::~AuditTrail() = default;

Status AuditTrail::Append(const AuditEntry& entry) {
  State& s = *state_;
  if (s.db->InTransaction()) return s.AppendInTransaction(entry);
  // A transaction of its own: Begin() takes the write lock, so the head read below is the head.
  s.head_known = false;
  CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*s.db));
  Status appended = s.AppendInTransaction(entry);
  if (appended.ok()) appended = s.WriteHead();
  s.head_known = false;
  CAIRN_RETURN_IF_ERROR(appended);
  return transaction.Commit();
}

Status AuditTrail::LoadInBulk() {
  State& s = *state_;
  CAIRN_ASSIGN_OR_RETURN(s.copy_row, s.db->PrepareCopy("audit_log", {"id", "at", "actor", "role", "action", "route",
                                                                     "children", "client", "outcome", "detail",
                                                                     "prev_hash", "hash"}));
  CAIRN_ASSIGN_OR_RETURN(s.copy_child, s.db->PrepareCopy("audit_child", {"audit_id", "la_child_id"}));
  s.bulk = true;
  return Status::Ok();
}

Status AuditTrail::Flush() {
  State& s = *state_;
  if (s.copy_row) CAIRN_RETURN_IF_ERROR(s.copy_row->Flush());
  if (s.copy_child) CAIRN_RETURN_IF_ERROR(s.copy_child->Flush());
  Status written = s.head_dirty ? s.WriteHead() : Status::Ok();
  s.head_known = false;
  return written;
}

void AuditTrail::Forget() {
  state_->head_known = false;
  state_->head_dirty = false;
  // Rows buffered for a transaction that was rolled back go with fresh copies (or, should those
  // not be made, with going back to row by row).
  state_->copy_row.reset();
  state_->copy_child.reset();
  if (state_->bulk && !LoadInBulk().ok()) state_->bulk = false;
}

AuditEntry CommandLineAudit(std::string_view actor, std::string_view action, std::string_view route) {
  AuditEntry entry;
  entry.actor = std::string(actor);
  entry.role = "cli";
  entry.action = std::string(action);
  entry.route = std::string(route);
  entry.client = "local";
  return entry;
}

Status AppendAudit(Connection& db, const AuditEntry& entry) {
  CAIRN_ASSIGN_OR_RETURN(AuditTrail trail, AuditTrail::Open(db));
  CAIRN_RETURN_IF_ERROR(trail.Append(entry));
  return trail.Flush();
}

struct GroupAuditWriter::State {
  std::string target;
  std::unique_ptr<Connection> db;
  std::optional<AuditTrail> trail;
  std::mutex mutex;
  std::condition_variable done;
  struct Pending {
    AuditEntry entry;
    bool written = false;
    Status status;
  };
  std::vector<Pending*> queue;
  bool writing = false;

  // Writes a batch in one transaction; every row shares its outcome.
  Status WriteBatch(const std::vector<Pending*>& batch) {
    if (db->lost()) CAIRN_RETURN_IF_ERROR(Reconnect());
    Status written = TryBatch(batch);
    if (!written.ok()) trail->Forget();  // rolled back: the kept head is no longer the head
    return written;
  }
  // The server went away (PostgreSQL restarted): a new connection for the next batch. The batch
  // that met the failure has already been refused to its requests, so nothing is shown unrecorded.
  Status Reconnect() {
    trail.reset();
    CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<Connection> fresh, Connection::OpenExisting(target));
    db = std::move(fresh);
    CAIRN_ASSIGN_OR_RETURN(AuditTrail reopened, AuditTrail::Open(*db));
    trail.emplace(std::move(reopened));
    return InBulkOnPostgres();
  }
  // A page's row names every child it showed (a team manager's home: a hundred and more), and on
  // PostgreSQL a round trip for each name was most of what serving the page took: the batch's
  // rows go by COPY instead, sent when the batch is flushed.
  Status InBulkOnPostgres() { return db->backend_name() == "postgresql" ? trail->LoadInBulk() : Status::Ok(); }
  Status TryBatch(const std::vector<Pending*>& batch) {
    CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db));
    for (Pending* pending : batch) CAIRN_RETURN_IF_ERROR(trail->Append(pending->entry));
    CAIRN_RETURN_IF_ERROR(trail->Flush());
    return transaction.Commit();
  }
};

Result<std::unique_ptr<GroupAuditWriter>> GroupAuditWriter::Open(const std::string& target) {
  auto state = std::make_unique<State>();
  state->target = target;
  CAIRN_ASSIGN_OR_RETURN(state->db, Connection::OpenExisting(target));
  CAIRN_RETURN_IF_ERROR(DeferCheckpoints(*state->db));
  CAIRN_ASSIGN_OR_RETURN(AuditTrail trail, AuditTrail::Open(*state->db));
  state->trail.emplace(std::move(trail));
  CAIRN_RETURN_IF_ERROR(state->InBulkOnPostgres());
  return std::unique_ptr<GroupAuditWriter>(new GroupAuditWriter(std::move(state)));
}

GroupAuditWriter::GroupAuditWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
GroupAuditWriter::~GroupAuditWriter() = default;

Status GroupAuditWriter::Append(AuditEntry entry) {
  State& s = *state_;
  if (entry.at.empty()) entry.at = UtcTimestamp();
  State::Pending pending{std::move(entry), false, Status::Ok()};
  std::unique_lock<std::mutex> lock(s.mutex);
  s.queue.push_back(&pending);
  while (!pending.written) {
    if (s.writing) {
      s.done.wait(lock);
      continue;
    }
    // This thread leads: it takes everything queued so far and writes it in one commit.
    s.writing = true;
    std::vector<State::Pending*> batch;
    batch.swap(s.queue);
    lock.unlock();
    Status written = s.WriteBatch(batch);
    lock.lock();
    for (State::Pending* item : batch) {
      item->status = written;
      item->written = true;
    }
    s.writing = false;
    s.done.notify_all();
  }
  return pending.status;
}

Status DeferCheckpoints(Connection& db) {
  if (db.backend_name() != "sqlite") return Status::Ok();
  return db.ExecuteScript("PRAGMA wal_autocheckpoint = 0");
}

Result<int64_t> Checkpoint(Connection& db) {
  if (db.backend_name() != "sqlite") return int64_t{0};
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("PRAGMA busy_timeout = 0"));
  // One row: busy (0 or 1), frames in the log, frames copied into the database.
  CAIRN_ASSIGN_OR_RETURN(auto passive, db.Prepare("PRAGMA wal_checkpoint(PASSIVE)"));
  CAIRN_ASSIGN_OR_RETURN(bool row, passive->Step());
  return row ? passive->ColumnInt(1) : int64_t{0};
}

Status RestartLog(Connection& db) {
  if (db.backend_name() != "sqlite") return Status::Ok();
  // Long enough for the readers of the moment to finish (a request's reads take well under a
  // millisecond), short enough that the writers held up meanwhile hardly notice.
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("PRAGMA busy_timeout = 3"));
  Status restarted = db.ExecuteScript("PRAGMA wal_checkpoint(RESTART)");
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("PRAGMA busy_timeout = 0"));
  return restarted;
}

Result<AuditVerdict> VerifyAudit(Connection& db) {
  AuditVerdict verdict;
  auto fail = [&](int64_t row, std::string problem) {
    verdict.intact = false;
    verdict.first_bad_row = row;
    verdict.problem = std::move(problem);
    return verdict;
  };

  CAIRN_ASSIGN_OR_RETURN(auto head_statement, db.Prepare("SELECT last_id, hash FROM audit_head WHERE id = 1"));
  CAIRN_ASSIGN_OR_RETURN(bool has_head, head_statement->Step());
  const int64_t head_id = has_head ? head_statement->ColumnInt(0) : 0;
  const std::string head_hash = has_head ? std::string(head_statement->ColumnText(1)) : std::string();
  head_statement.reset();

  CAIRN_ASSIGN_OR_RETURN(auto rows, db.Prepare("SELECT " + std::string(kColumns) + " FROM audit_log ORDER BY id"));
  CAIRN_ASSIGN_OR_RETURN(auto links, db.Prepare("SELECT audit_id, la_child_id FROM audit_child "
                                                "ORDER BY audit_id, la_child_id"));
  CAIRN_ASSIGN_OR_RETURN(bool has_link, links->Step());

  int64_t previous_id = 0;
  std::string previous_hash;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool has, rows->Step());
    if (!has) break;
    const int64_t id = rows->ColumnInt(0);
    const std::string stored_prev(rows->ColumnText(10));
    const std::string stored_hash(rows->ColumnText(11));
    if (!has_head) {
      // Nothing has been chained yet: these rows predate the chain and are sealed on next append.
      ++verdict.rows;
      continue;
    }
    if (id <= 0) return fail(id, "audit row " + std::to_string(id) + " has an id Cairn never gives");
    if (id > head_id) {
      return fail(id, "audit row " + std::to_string(id) + " was added outside Cairn (the chain ends at row " +
                          std::to_string(head_id) + ")");
    }
    if (id != previous_id + 1) {
      return fail(previous_id + 1, "audit row " + std::to_string(previous_id + 1) + " has been deleted");
    }
    const AuditEntry entry = ReadEntry(*rows);
    if (stored_prev != previous_hash) {
      return fail(id, "audit row " + std::to_string(id) +
                          " does not follow the row before it (inserted, reordered or its link edited)");
    }
    if (RowHash(id, entry, rows->ColumnText(6), stored_prev) != stored_hash) {
      return fail(id, "audit row " + std::to_string(id) + " has been changed since it was written");
    }
    // The index of children must say exactly what the row says, or "who looked at this child"
    // would miss it.
    std::vector<std::string> expected = entry.children;
    std::sort(expected.begin(), expected.end());
    std::vector<std::string> indexed;
    if (has_link && links->ColumnInt(0) < id) {
      return fail(links->ColumnInt(0), "the child index names audit row " + std::to_string(links->ColumnInt(0)) +
                                           ", which does not exist");
    }
    while (has_link && links->ColumnInt(0) == id) {
      indexed.emplace_back(links->ColumnText(1));
      CAIRN_ASSIGN_OR_RETURN(has_link, links->Step());
    }
    if (indexed != expected) {
      return fail(id, "the child index of audit row " + std::to_string(id) + " has been changed");
    }
    previous_id = id;
    previous_hash = stored_hash;
    ++verdict.rows;
  }
  if (!has_head) return verdict;
  if (previous_id != head_id) {
    return fail(previous_id + 1, "audit row " + std::to_string(previous_id + 1) + " has been deleted (the chain ends at row " +
                                     std::to_string(head_id) + ")");
  }
  if (has_link) {
    return fail(links->ColumnInt(0),
                "the child index names audit row " + std::to_string(links->ColumnInt(0)) + ", which does not exist");
  }
  if (previous_hash != head_hash) {
    return fail(head_id, "audit row " + std::to_string(head_id) + " does not match the chain's recorded end");
  }
  return verdict;
}

Result<std::vector<StoredAuditEntry>> QueryAudit(Connection& db, const AuditQuery& query) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM audit_log WHERE 1 = 1";
  std::vector<Value> params;
  auto bind = [&](std::string clause, Value value) {
    params.push_back(std::move(value));
    const std::string placeholder = "$" + std::to_string(params.size());
    size_t at;
    while ((at = clause.find("$?")) != std::string::npos) clause.replace(at, 2, placeholder);
    sql += " AND " + clause;
  };
  if (query.child) bind("id IN (SELECT audit_id FROM audit_child WHERE la_child_id = $?)", *query.child);
  if (query.actor) bind("actor = $?", *query.actor);
  if (query.outcome) bind("outcome = $?", *query.outcome);
  if (!query.from.empty()) bind("at >= $?", query.from);
  if (!query.to.empty()) bind("at < $?", query.to + "T99");  // every time on that day sorts below 'T99'
  sql += " ORDER BY id LIMIT " + std::to_string(std::max<int64_t>(0, query.limit));
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare(sql));
  CAIRN_RETURN_IF_ERROR(select->BindAll(params));
  std::vector<StoredAuditEntry> found;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool has, select->Step());
    if (!has) break;
    found.push_back({select->ColumnInt(0), ReadEntry(*select), std::string(select->ColumnText(11))});
  }
  return found;
}

std::string OperatingSystemActor() {
  const uid_t uid = getuid();
  struct passwd entry{};
  struct passwd* found = nullptr;
  char buffer[4096];
  if (getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr && found->pw_name != nullptr) {
    return std::string("os:") + found->pw_name;
  }
  return "os:uid-" + std::to_string(uid);
}

}  // namespace cairn::store
