// The SQLite backend of store::Connection. Only store/database.cpp (which chooses the backend)
// and tests include this; sqlite3.h itself stays inside sqlite_database.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/database.h"

namespace cairn::store::sqlite {

enum class OpenMode {
  kCreateIfMissing,  // Connection::Open
  kMustExist,        // Connection::OpenExisting: a missing file is NotFound
};

// Opens the SQLite database file at `path` (or ":memory:") and sets it up: 5 s busy timeout,
// journal_mode=WAL (an error if the file system refuses it), synchronous=NORMAL,
// foreign_keys=ON, and double-quoted string literals disabled.
Result<std::unique_ptr<Connection>> OpenDatabase(const std::string& path, OpenMode mode);

// Cairn's $N placeholders as SQLite's ?N (which binds to index N exactly), leaving '...'
// literals, "..." identifiers, comments and `$` after an identifier character untouched.
std::string RewritePlaceholders(std::string_view sql);

}  // namespace cairn::store::sqlite
