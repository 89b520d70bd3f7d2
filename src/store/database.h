// The database interface: one small seam over SQLite (the embedded default) and PostgreSQL.
//
// Callers write SQL once, with $1..$n placeholders, and bind typed values; each backend maps
// that to its own dialect. Nothing above store/ includes a backend header.
//
//   CAIRN_ASSIGN_OR_RETURN(auto db, Connection::Open("cairn.db"));
//   CAIRN_ASSIGN_OR_RETURN(auto stmt, db->Prepare("SELECT name FROM team WHERE id = $1"));
//   CAIRN_RETURN_IF_ERROR(stmt->Bind(1, int64_t{7}));
//   CAIRN_ASSIGN_OR_RETURN(bool has_row, stmt->Step());
//   if (has_row) use(stmt->ColumnText(0));
//
// Placeholders: `$N` is a parameter wherever SQL would read it as one; inside '...' string
// literals, "..." quoted identifiers, -- and /* */ comments, or after an identifier character
// (`a$1`), it is left as written. The same $N may appear more than once; it takes one value.
//
// Errors: every failure is a Status whose message names what Cairn was doing, the SQL (trimmed
// to one line) and the database's own words. Codes: a UNIQUE or PRIMARY KEY clash is
// AlreadyExists; any other constraint (foreign key, NOT NULL, CHECK) is FailedPrecondition;
// bad SQL or a bad bind is InvalidArgument; a damaged file is DataLoss; locks, disk and file
// problems are IoError.
//
// Thread safety: a Connection and its Statements belong to one thread at a time.
// Lifetime: destroy Statements before their Connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace cairn::store {

// A value to bind or a column read generically: NULL, integer, real or text.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

// The storage type of one column of the current row. A BLOB reads as kText: read its bytes with
// ColumnBytes.
enum class ValueType { kNull, kInteger, kReal, kText };

class Statement {
 public:
  virtual ~Statement() = default;

  // Binds parameter $index (1-based). An index the SQL does not have is an InvalidArgument
  // naming the index and the SQL. Text is copied, so the argument may die after the call; an
  // empty text binds '' (never NULL). A double NaN is stored as NULL by SQLite.
  // Binding after Step() first resets the statement (as Reset()), so a statement can be run,
  // rebound and run again.
  virtual Status Bind(int index, int64_t value) = 0;
  virtual Status Bind(int index, double value) = 0;
  virtual Status Bind(int index, std::string_view value) = 0;
  virtual Status BindNull(int index) = 0;
  // As Bind(index, text) but not copied, for hot loops: the statement reads `value` where it
  // lies, so it must stay valid and unchanged until the statement has run to completion (Step()
  // returned false) or been reset, and be bound again before the statement runs again.
  virtual Status BindUnowned(int index, std::string_view value) = 0;
  // Binds bytes that need not be text (NUL bytes, anything) to a BLOB (BYTEA) column. Copied.
  virtual Status BindBytes(int index, std::string_view bytes) = 0;
  Status Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Status Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Status Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Status Bind(int index, const Value& value);
  template <typename T>
  Status Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }
  // Binds values[i] to $(i+1); stops at the first failure.
  Status BindAll(const std::vector<Value>& values);

  // Runs the statement up to its next row: true when a row is ready to read, false when done.
  // Stepping again after false runs the statement again from the start.
  virtual Result<bool> Step() = 0;
  // Ready to run again with new binds (bindings are kept until rebound). Never fails on
  // SQLite: an error from the last Step() was already reported there.
  virtual Status Reset() = 0;

  // Columns of the current row, 0-based. Reading a NULL gives 0, 0.0 or "". A column out of
  // range, or reading when no row is current, reads as NULL.
  virtual int ColumnCount() const = 0;
  // The column's name as the SQL gave it ("" out of range). On PostgreSQL, known once a row is.
  virtual std::string_view ColumnName(int column) const = 0;
  virtual ValueType ColumnType(int column) const = 0;
  virtual bool ColumnIsNull(int column) const = 0;
  virtual int64_t ColumnInt(int column) const = 0;
  virtual double ColumnDouble(int column) const = 0;
  // Valid until the next Step(), Reset(), Bind or destruction.
  virtual std::string_view ColumnText(int column) const = 0;
  std::optional<std::string> ColumnOptionalText(int column) const;
  // A BLOB (BYTEA) column's bytes, as BindBytes stored them ("" for NULL).
  virtual std::string ColumnBytes(int column) const = 0;
  // The column as stored: NULL, integer, real or text.
  Value ColumnValue(int column) const;

  // Steps to completion, for statements that return no rows (any rows are discarded).
  Status Run();
};

// Rows for one table in bulk (Connection::PrepareCopy): bind each column ($1 is the first column
// named, and so on; bind every column of every row) and Run() (or Step()) to add the row. PostgreSQL
// sends the rows with COPY ... FROM STDIN a few megabytes at a time, so a row added is not yet in
// the table until Flush() (or a full buffer) sends it: flush before reading the table back. A row
// the server refuses fails the Flush() that sent it (and, as any failed statement, the
// transaction). SQLite inserts each row as it runs, through one prepared INSERT (its fastest
// way), and Flush() does nothing. Rows still buffered when the object is destroyed are dropped.
class RowCopy : public Statement {
 public:
  virtual Status Flush() = 0;
  // A copy returns no rows: every column reads as NULL.
  int ColumnCount() const final { return 0; }
  std::string_view ColumnName(int /*column*/) const final { return {}; }
  ValueType ColumnType(int /*column*/) const final { return ValueType::kNull; }
  bool ColumnIsNull(int /*column*/) const final { return true; }
  int64_t ColumnInt(int /*column*/) const final { return 0; }
  double ColumnDouble(int /*column*/) const final { return 0; }
  std::string_view ColumnText(int /*column*/) const final { return {}; }
  std::string ColumnBytes(int /*column*/) const final { return {}; }
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Opens or creates the database named by `target`: a file path for SQLite (the default;
  // ":memory:" is a private in-memory database), or a "postgresql://" or "postgres://" URL for
  // PostgreSQL (libpq's URL form; the database must exist, and the URL, which may hold a
  // password, is never echoed). SQLite databases are opened in WAL mode with foreign keys
  // enforced, synchronous=NORMAL and a 5 second busy timeout; "..." is always an identifier (as in
  // PostgreSQL), never SQLite's fallback string literal. store/postgres/postgres_database.h says
  // where PostgreSQL behaves differently.
  static Result<std::unique_ptr<Connection>> Open(const std::string& target);
  // Opens an existing database; a missing file is NotFound ("no Cairn database at PATH (run
  // `cairn init --db PATH` first)") rather than a new empty database.
  static Result<std::unique_ptr<Connection>> OpenExisting(const std::string& target);

  // One statement (a trailing ';' and comments are allowed); two or more is InvalidArgument.
  // Cheap to call again with the same text: the backend keeps compiled statements for reuse
  // (SQLite: up to 64 per connection), handing each back reset and unbound, so code prepares
  // where it runs rather than holding statements across calls.
  virtual Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) = 0;
  // A RowCopy into `table`'s `columns` (plain identifiers, else InvalidArgument), for loading many
  // rows inside a transaction. The default adds each row with a prepared INSERT.
  virtual Result<std::unique_ptr<RowCopy>> PrepareCopy(std::string_view table, const std::vector<std::string>& columns);
  // Runs one or more ;-separated statements that take no parameters (migrations, pragmas), in
  // order, stopping at the first failure; statements before it stay applied unless the caller
  // holds a Transaction. Rows they return are discarded. A $N in a script is InvalidArgument.
  virtual Status ExecuteScript(std::string_view sql) = 0;
  // Prepares, binds and runs one statement that returns no rows.
  Status Execute(std::string_view sql, const std::vector<Value>& params = {});

  // The id of the row the last successful INSERT on this connection added (SQLite: its rowid),
  // for hot inserts where INSERT ... RETURNING costs too much; 0 before any.
  virtual int64_t LastInsertId() const = 0;

  // Whether a table or view named `name` exists (SQLite compares names case-insensitively).
  virtual Result<bool> TableExists(std::string_view name) = 0;

  // Begin() takes the write lock at once (SQLite: BEGIN IMMEDIATE), so two writers queue on the
  // busy timeout instead of one failing midway. Transactions do not nest: Begin() inside one
  // is an error. Rollback() with no transaction open is ok (SQLite may already have rolled
  // back after an error such as a full disk).
  virtual Status Begin() = 0;
  // Begin() for a transaction that loads much at once (an import). SQLite, when no other
  // connection has the file open, keeps a rollback journal instead of the write-ahead log until
  // the transaction ends, so each new page is written once rather than to the log and again when
  // the log is copied back (synchronous=FULL meanwhile; WAL and NORMAL again after Commit() or
  // Rollback()). Others: Begin().
  virtual Status BeginBulk() { return Begin(); }
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // Whether a transaction is open on this connection (SQLite may have ended one itself after
  // an error such as a full disk).
  virtual bool InTransaction() const = 0;

  virtual std::string_view backend_name() const = 0;  // "sqlite", "postgresql"
  // Whether the connection to the server is gone (PostgreSQL restarted, a network failure): the
  // holder should open a new one. Never true for an SQLite file.
  virtual bool lost() const { return false; }
};

// For backends' PrepareCopy: "a, b" for the columns, after checking that the table's and the
// columns' names are plain identifiers (InvalidArgument naming the one that is not).
Result<std::string> CopyColumnList(std::string_view table, const std::vector<std::string>& columns);

// Whether `target` names a PostgreSQL database (a postgresql:// or postgres:// URL, any case)
// rather than an SQLite file.
bool IsPostgresTarget(std::string_view target);

// Whether `target` is a PostgreSQL URL that carries its password. Commands refuse one: a command
// line is visible to every user of the machine, and Cairn names its database in what it prints.
// libpq reads the password from PGPASSWORD or ~/.pgpass instead.
bool TargetHoldsPassword(std::string_view target);

// What this process is doing ("cairn import"), named to any other Cairn process that waits
// longer than the busy timeout for a database this process is writing to. Set once, at the
// start of a command; empty (the default) says only "another Cairn process".
//
// How long this process holds the write lock decides whether it leaves that note. kLong (the
// commands: an import can hold the lock for minutes) writes the note at Begin() and removes it at
// Commit(). kBrief (the server, whose transactions last a millisecond) leaves none: creating,
// reading back and removing a file were five system calls per transaction, more than the
// transaction's own work, and nobody waits on a millisecond long enough to ask who holds it.
enum class WriteDuration { kLong, kBrief };
void SetOperationName(std::string name, WriteDuration writes = WriteDuration::kLong);
const std::string& OperationName();
WriteDuration OperationWrites();

// Begins on construction; rolls back on destruction unless Commit() succeeded. The way every
// multi-statement write is made all-or-nothing. A failed Commit() leaves the transaction open,
// so it is still rolled back on destruction. The Connection must outlive the Transaction.
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& connection);
  // A transaction through Connection::BeginBulk(), for loading much at once.
  static Result<Transaction> BeginBulk(Connection& connection);
  // The moved-from Transaction no longer owns anything (its destruction does nothing).
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  // FailedPrecondition if already committed (or moved from).
  Status Commit();

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_;
  bool open_ = true;
};

// Inserts many rows into one table through one prepared statement, reset and rebound per row;
// the caller owns the transaction (without one, each row is its own, and slow, commit). Rows
// are bound positionally to `columns`. Table and column names must be plain identifiers
// ([A-Za-z_][A-Za-z0-9_]*), else InvalidArgument. The Connection must outlive the inserter.
class BulkInserter {
 public:
  static Result<BulkInserter> Create(Connection& connection, std::string_view table,
                                     const std::vector<std::string>& columns);
  // A row with the wrong number of values is InvalidArgument and inserts nothing.
  Status Add(const std::vector<Value>& row);
  int64_t rows_added() const { return rows_added_; }

 private:
  BulkInserter(std::unique_ptr<Statement> statement, std::string table, std::string column_list,
               size_t column_count)
      : statement_(std::move(statement)),
        table_(std::move(table)),
        column_list_(std::move(column_list)),
        column_count_(column_count) {}
  std::unique_ptr<Statement> statement_;
  std::string table_;
  std::string column_list_;  // "a, b, c", for messages
  size_t column_count_;
  int64_t rows_added_ = 0;
};

}  // namespace cairn::store
