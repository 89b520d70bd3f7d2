// Moves a whole Cairn database from one backend to another (SQLite to PostgreSQL or back), all
// or nothing, and proves the copy: every table's row count and a content hash of its rows, read
// from the target inside the copying transaction, must equal the source's before it commits.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"
#include "store/migrations.h"

namespace cairn::store {

struct TableCopy {
  std::string name;
  int64_t rows = 0;
  std::string hash;  // hex; the same on both sides, or the copy is not committed
};

struct CopyReport {
  std::vector<TableCopy> tables;  // in the order copied
  int64_t rows = 0;
};

// A table's rows as a count and a hash that does not depend on their order (backends may sort
// text differently) or on how a backend types a value: each row is hashed (BLAKE2b) over its
// values written as text, NULL marked apart from '', and the row hashes are added together.
Result<TableCopy> HashTable(Connection& connection, const std::string& table);

// Copies every table of `source` into `target`. Both must be at this Cairn's schema (the source
// with nothing pending: `cairn migrate` it first; the target is migrated here), and the target
// must hold no records (only what migrations put in a new database), else FailedPrecondition
// naming what it holds. Tables are copied in the order the migrations create them, references
// checked at the commit; PostgreSQL's identity counters are moved past the copied ids.
// `progress` hears a line per table. Any failure, or a count or hash that differs, rolls the
// target back to empty.
Result<CopyReport> CopyDatabase(Connection& source, Connection& target, const std::vector<Migration>& migrations,
                                const std::function<void(const std::string&)>& progress);

// Empties `db`, a PostgreSQL database, of a simulated council, in one transaction, for a new
// simulation in its place on a server database (`cairn simulate --replace`; a SQLite file is removed instead): every table the
// migrations create except the migrations' own record and rows, the postcode directory (reference
// data, kept for the next simulation and for validation) and the audit trail, which gains a row
// saying so. Other servers are told the whole record changed. Only a database marked synthetic
// is cleared (true); one not marked is left as it is (false), or refused if it holds children.
Result<bool> ClearRecords(Connection& db, const std::vector<Migration>& migrations, std::string_view actor);

}  // namespace cairn::store
