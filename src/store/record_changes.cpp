#include "store/record_changes.h"

#include <algorithm>

namespace cairn::store {

Status NoteChildChanged(Connection& db, int64_t child_id) {
  CAIRN_ASSIGN_OR_RETURN(auto bump, db.Prepare("UPDATE record_generation SET n = n + 1 WHERE id = 1 RETURNING n"));
  CAIRN_ASSIGN_OR_RETURN(bool row, bump->Step());
  if (!row) return Status::Internal("the record_generation row is missing; the database's schema is damaged");
  const int64_t generation = bump->ColumnInt(0);
  CAIRN_RETURN_IF_ERROR(bump->Reset());
  if (child_id == 0) return db.Execute("INSERT INTO child_change (generation, child_id) VALUES ($1, NULL)", {generation});
  return db.Execute("INSERT INTO child_change (generation, child_id) VALUES ($1, $2)", {generation, child_id});
}

Status HoldRecordGeneration(Connection& db) {
  if (db.backend_name() != "postgresql" || !db.InTransaction()) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(auto hold, db.Prepare("SELECT n FROM record_generation WHERE id = 1 FOR UPDATE"));
  CAIRN_ASSIGN_OR_RETURN(bool row, hold->Step());
  if (!row) return Status::Internal("the record_generation row is missing; the database's schema is damaged");
  return Status::Ok();
}

Result<int64_t> RecordGeneration(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT n FROM record_generation WHERE id = 1"));
  CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return Status::Internal("the record_generation row is missing; the database's schema is damaged");
  return select->ColumnInt(0);
}

Result<RecordChanges> RecordChangesSince(Connection& db, int64_t since, size_t most) {
  RecordChanges changes;
  CAIRN_ASSIGN_OR_RETURN(changes.generation, RecordGeneration(db));
  if (changes.generation <= since) {
    // Behind the reader (a database restored from an older copy): only a whole reload is safe.
    changes.everything = changes.generation < since;
    return changes;
  }
  // A LEFT JOIN: a NULL child_id (many changed) comes back as a NULL name.
  CAIRN_ASSIGN_OR_RETURN(auto select,
                         db.Prepare("SELECT c.la_child_id FROM child_change h LEFT JOIN child c ON c.id = h.child_id "
                                    "WHERE h.generation > $1 AND h.generation <= $2 ORDER BY h.generation LIMIT $3"));
  CAIRN_RETURN_IF_ERROR(select->BindAll({since, changes.generation, static_cast<int64_t>(most + 1)}));
  size_t rows = 0;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    if (++rows > most || select->ColumnIsNull(0)) {
      changes.everything = true;
      changes.children.clear();
      return changes;
    }
    changes.children.emplace_back(select->ColumnText(0));
  }
  std::sort(changes.children.begin(), changes.children.end());
  changes.children.erase(std::unique(changes.children.begin(), changes.children.end()), changes.children.end());
  return changes;
}

}  // namespace cairn::store
