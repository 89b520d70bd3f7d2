// The PostgreSQL backend of store::Connection, over libpq. Only store/database.cpp (which
// chooses the backend), store/migrations.cpp and tests include this; libpq-fe.h itself stays
// inside postgres_database.cpp.
//
// What differs from SQLite, and why callers rarely notice:
// - Placeholders are PostgreSQL's own $N, sent as they are written. Integers are sent as
//   bigint, reals as double precision, text as an untyped literal the server reads as the
//   column's type (so '2024-04-01' fills a text column and '7' an integer one).
// - PostgreSQL settles each parameter's type when the statement is prepared, so every $N up to
//   the highest must appear where its type can be told (`$2 IS NULL` alone cannot).
// - Text cannot hold a NUL byte in PostgreSQL; binding one is InvalidArgument, never a silent cut.
// - A statement's rows are fetched when it first steps, all at once; until then ColumnCount() is
//   0 and ColumnName() is "".
// - After an error inside a transaction PostgreSQL refuses everything until the rollback; the
//   caller's Transaction rolls back on destruction, as on SQLite.
// - Begin() is BEGIN ISOLATION LEVEL READ COMMITTED; writers that must queue take a lock.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/database.h"

namespace cairn::store::postgres {

// Connects to the database a postgresql:// (or postgres://) URL names, in libpq's URL form
// (postgresql://user@/dbname?host=/socket/folder, options=-csearch_path%3Dname and the like).
// Neither the URL nor anything from it is put in a message: it may hold a password.
//
// A region's database holds each council in a schema of its own, la_NNN, named by Cairn's own
// parameter council=NNN (the council's three-digit DfE number), which is taken out of the URL
// before libpq sees it. Everything the connection does then happens in that council's schema
// (its search path): its children, users, sessions, audit trail and figures. That confines what
// Cairn does; for the server to refuse a council's connection another council's schema, each
// council's servers sign in as a PostgreSQL role of their own (a schema's creator owns it, and
// other roles get no use of it unless granted). `create_council` makes the schema when it is
// missing (a new council); otherwise a council the database does not hold is NotFound.
Result<std::unique_ptr<Connection>> OpenDatabase(const std::string& url, bool create_council);

// The council=NNN a postgresql:// URL names ("" for none), and the URL without it. A council that
// is not three digits is InvalidArgument.
struct CouncilUrl {
  std::string url;      // for libpq
  std::string council;  // "343", or ""
};
Result<CouncilUrl> TakeCouncil(std::string_view url);

// The schema that holds a council: "la_343".
std::string CouncilSchema(std::string_view council);

// Whether the URL carries a password (user:password@ or a password= parameter).
bool HoldsPassword(std::string_view url);

// A migration written for SQLite, as PostgreSQL takes it: INTEGER PRIMARY KEY (SQLite's row id,
// assigned when omitted) becomes a bigint identity; INTEGER becomes BIGINT, because SQLite's
// integers are 64-bit; REAL becomes DOUBLE PRECISION; a REFERENCES clause becomes DEFERRABLE
// INITIALLY IMMEDIATE (checked at once, unless a transaction defers it). Words inside literals, quoted names and
// comments are left alone. Triggers and other SQLite-only statements need a migration of their
// own under store/migrations/postgresql/.
std::string AdaptSchema(std::string_view sqlite_sql);

}  // namespace cairn::store::postgres
