// The database interface: one small seam over SQLite (embedded default) and, later, PostgreSQL.
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
// Thread safety: a Connection and its Statements belong to one thread at a time.
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

class Statement {
 public:
  virtual ~Statement() = default;

  // Binds parameter $index (1-based). Text is copied, so the argument may die after the call.
  virtual Status Bind(int index, int64_t value) = 0;
  virtual Status Bind(int index, double value) = 0;
  virtual Status Bind(int index, std::string_view value) = 0;
  virtual Status BindNull(int index) = 0;
  Status Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Status Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Status Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Status Bind(int index, const Value& value);
  template <typename T>
  Status Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }
  // Binds values[i] to $(i+1).
  Status BindAll(const std::vector<Value>& values);

  // Runs the statement up to its next row: true when a row is ready to read, false when done.
  virtual Result<bool> Step() = 0;
  // Ready to run again with new binds (bindings are kept until rebound).
  virtual Status Reset() = 0;

  // Columns of the current row, 0-based. Reading a NULL gives 0, 0.0 or "".
  virtual int ColumnCount() const = 0;
  virtual bool ColumnIsNull(int column) const = 0;
  virtual int64_t ColumnInt(int column) const = 0;
  virtual double ColumnDouble(int column) const = 0;
  // Valid until the next Step(), Reset() or destruction.
  virtual std::string_view ColumnText(int column) const = 0;
  std::optional<std::string> ColumnOptionalText(int column) const;
  Value ColumnValue(int column) const;

  // Steps to completion, for statements that return no rows.
  Status Run();
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Opens or creates the database named by `target`: a file path for SQLite (the default);
  // "postgresql://..." URLs are reserved for the PostgreSQL backend. SQLite databases are
  // opened in WAL mode with foreign keys enforced and a busy timeout.
  static Result<std::unique_ptr<Connection>> Open(const std::string& target);
  // Opens an existing database; a missing file is an error rather than a new empty database.
  static Result<std::unique_ptr<Connection>> OpenExisting(const std::string& target);

  virtual Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) = 0;
  // Runs one or more ;-separated statements that take no parameters (migrations, pragmas).
  virtual Status ExecuteScript(std::string_view sql) = 0;
  // Prepares, binds and runs one statement that returns no rows.
  Status Execute(std::string_view sql, const std::vector<Value>& params = {});

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  virtual std::string_view backend_name() const = 0;  // "sqlite", "postgresql"
};

// Begins on construction; rolls back on destruction unless Commit() succeeded. The way every
// multi-statement write is made all-or-nothing.
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& connection);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_;
  bool open_ = true;
};

// Inserts many rows into one table through one prepared statement; the caller owns the
// transaction. Rows are bound positionally to `columns`.
class BulkInserter {
 public:
  static Result<BulkInserter> Create(Connection& connection, std::string_view table,
                                     const std::vector<std::string>& columns);
  Status Add(const std::vector<Value>& row);
  int64_t rows_added() const { return rows_added_; }

 private:
  BulkInserter(std::unique_ptr<Statement> statement, size_t column_count)
      : statement_(std::move(statement)), column_count_(column_count) {}
  std::unique_ptr<Statement> statement_;
  size_t column_count_;
  int64_t rows_added_ = 0;
};

}  // namespace cairn::store
