#include "store/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/sql_text.h"

namespace cairn::store::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

using sql_text::IsDigit;
using sql_text::IsIdentifierChar;
using sql_text::OnlySpaceCommentsAndSemicolons;
using sql_text::Quoted;
using sql_text::SkipComment;

Status StatusFor(int extended_code, std::string message) {
  switch (extended_code & 0xff) {
    case SQLITE_CONSTRAINT:
      if (extended_code == SQLITE_CONSTRAINT_UNIQUE || extended_code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(std::move(message));
      }
      return Status::FailedPrecondition(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::DataLoss(std::move(message));
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return Status::InvalidArgument(std::move(message));
    case SQLITE_MISUSE:
    case SQLITE_INTERNAL:
      return Status::Internal(std::move(message));
    default:
      return Status::IoError(std::move(message));
  }
}

bool IsBusy(int code) { return (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED; }

// Beside the database, the note of which Cairn operation holds its write lock, so that a process
// that waits too long can say who it waited for. Advisory: no personal data, never fsynced.
std::string WriterNotePath(const std::string& database) { return database + "-writer"; }

void WriteWriterNote(const std::string& database) {
  if (database.empty()) return;  // in memory, or a temporary database: nobody else can wait
  if (OperationWrites() == WriteDuration::kBrief) return;
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char since[16];
  std::strftime(since, sizeof since, "%H:%M:%S", &utc);
  const std::string& operation = OperationName();
  const std::string note = std::to_string(::getpid()) + "\t" + (operation.empty() ? "a Cairn command" : operation) +
                           " (process " + std::to_string(::getpid()) + ", since " + since + " UTC)\n";
  // O_NOFOLLOW: a link planted at the note's name is not written through.
  const int fd = ::open(WriterNotePath(database).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  [[maybe_unused]] const ssize_t written = ::write(fd, note.data(), note.size());
  ::close(fd);
}

void RemoveWriterNote(const std::string& database) {
  if (database.empty() || OperationWrites() == WriteDuration::kBrief) return;
  // Only this process's own note: another may have taken the lock since.
  std::ifstream in(WriterNotePath(database));
  std::string pid;
  if (std::getline(in, pid, '\t') && pid == std::to_string(::getpid())) ::unlink(WriterNotePath(database).c_str());
}

// Who holds the write lock on `database`, in words, from its note; "another program" when there
// is no note or its process has gone.
std::string LockHolder(const std::string& database) {
  std::ifstream in(WriterNotePath(database));
  std::string pid;
  std::string who;
  if (!database.empty() && std::getline(in, pid, '\t') && std::getline(in, who)) {
    char* end = nullptr;
    const long number = std::strtol(pid.c_str(), &end, 10);
    if (end != pid.c_str() && *end == '\0' && number > 0 && ::kill(static_cast<pid_t>(number), 0) == 0) return who;
  }
  return "another program";
}

std::string DatabasePath(sqlite3* db) {
  const char* name = sqlite3_db_filename(db, "main");
  return name == nullptr ? std::string() : std::string(name);
}

Status BusyError(sqlite3* db) {
  const std::string path = DatabasePath(db);
  return Status::IoError("the database" + (path.empty() ? std::string() : " at " + path) + " is busy: " +
                         LockHolder(path) + " is writing to it and has not finished within " +
                         std::to_string(kBusyTimeoutMs / 1000) + " seconds; nothing was changed by this command. " +
                         "Try again when it has finished");
}

// `doing` ("could not run SQL `...`") followed by SQLite's own account of the last failure. A
// database busy past the timeout is said in plain words instead: the SQL would not help anyone.
Status LastError(sqlite3* db, const std::string& doing) {
  const int code = sqlite3_extended_errcode(db);
  if (IsBusy(code)) return BusyError(db);
  return StatusFor(code, doing + ": " + sqlite3_errmsg(db));
}

struct Finalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

// Compiled statements kept by their SQL after their Statement is destroyed, so the next Prepare of
// the same text reuses one instead of parsing and planning it again. A server request prepares
// the same handful of statements each time (its session, grants, restrictions, audit rows), and
// compiling them was a measurable share of the request. Bounded: beyond kCapacity, statements
// are finalized as before. Shared with the Statements it serves, so a Statement destroyed after
// its Connection (close_v2 allows it) still finds somewhere safe to go.
class StatementCache {
 public:
  static constexpr size_t kCapacity = 64;

  ~StatementCache() { Clear(); }

  // A compiled statement for exactly this SQL, ready to bind; nullptr when none is kept.
  sqlite3_stmt* Take(std::string_view sql) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return nullptr;
    auto found = idle_.find(std::string(sql));
    if (found == idle_.end() || found->second.empty()) return nullptr;
    sqlite3_stmt* stmt = found->second.back();
    found->second.pop_back();
    --size_;
    return stmt;
  }

  // Takes back a statement whose Statement is done with it: reset (ending any read it holds
  // open) and unbound (no caller's text outlives the call), or finalized when the cache is full.
  void Give(std::string sql, sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || size_ >= kCapacity) {
      sqlite3_finalize(stmt);
      return;
    }
    idle_[std::move(sql)].push_back(stmt);
    ++size_;
  }

  // Finalizes everything kept; later Gives finalize at once. Called before the connection closes.
  void Clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    for (auto& [sql, stmts] : idle_) {
      for (sqlite3_stmt* stmt : stmts) sqlite3_finalize(stmt);
    }
    idle_.clear();
    size_ = 0;
  }

 private:
  // A Connection belongs to one thread at a time, but a Statement may be destroyed on another
  // thread after its Connection has gone; the lock makes that hand-over safe. Uncontended, it
  // costs nanoseconds.
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle_;
  size_t size_ = 0;
  bool closed_ = false;
};
using StatementHandle = std::unique_ptr<sqlite3_stmt, Finalizer>;

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql, std::shared_ptr<StatementCache> cache)
      : db_(db), stmt_(stmt), sql_(std::move(sql)), cache_(std::move(cache)) {}
  ~SqliteStatement() override { cache_->Give(std::move(sql_), stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  using Statement::Bind;
  Status Bind(int index, int64_t value) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    return CheckBind(sqlite3_bind_int64(stmt_, index, value), index);
  }
  Status Bind(int index, double value) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    return CheckBind(sqlite3_bind_double(stmt_, index, value), index);
  }
  Status Bind(int index, std::string_view value) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    // A null data pointer would bind NULL; an empty string_view must bind ''.
    const char* data = value.data() != nullptr ? value.data() : "";
    return CheckBind(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
                     index);
  }
  Status BindUnowned(int index, std::string_view value) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    const char* data = value.data() != nullptr ? value.data() : "";
    return CheckBind(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8), index);
  }
  Status BindNull(int index) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    return CheckBind(sqlite3_bind_null(stmt_, index), index);
  }
  Status BindBytes(int index, std::string_view bytes) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    const char* data = bytes.data() != nullptr ? bytes.data() : "";
    return CheckBind(sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT), index);
  }

  Result<bool> Step() override {
    stepped_ = true;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return LastError(db_, "could not run SQL " + Quoted(sql_));
  }

  Status Reset() override {
    // sqlite3_reset repeats the last Step() error, which the caller has already been given.
    sqlite3_reset(stmt_);
    stepped_ = false;
    return Status::Ok();
  }

  int ColumnCount() const override { return sqlite3_column_count(stmt_); }
  std::string_view ColumnName(int column) const override {
    const char* name = InRange(column) ? sqlite3_column_name(stmt_, column) : nullptr;
    return name == nullptr ? std::string_view() : std::string_view(name);
  }
  ValueType ColumnType(int column) const override {
    if (!InRange(column)) return ValueType::kNull;
    switch (sqlite3_column_type(stmt_, column)) {
      case SQLITE_INTEGER:
        return ValueType::kInteger;
      case SQLITE_FLOAT:
        return ValueType::kReal;
      case SQLITE_NULL:
        return ValueType::kNull;
      default:
        return ValueType::kText;
    }
  }
  bool ColumnIsNull(int column) const override { return ColumnType(column) == ValueType::kNull; }
  int64_t ColumnInt(int column) const override {
    return InRange(column) ? sqlite3_column_int64(stmt_, column) : 0;
  }
  double ColumnDouble(int column) const override {
    return InRange(column) ? sqlite3_column_double(stmt_, column) : 0.0;
  }
  std::string_view ColumnText(int column) const override {
    if (!InRange(column)) return {};
    // Text first, then its length: that order is what SQLite documents as safe.
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    const int bytes = sqlite3_column_bytes(stmt_, column);
    return {reinterpret_cast<const char*>(text), static_cast<size_t>(bytes)};
  }
  std::string ColumnBytes(int column) const override {
    if (!InRange(column)) return {};
    // The blob first, then its length, as for text.
    const void* blob = sqlite3_column_blob(stmt_, column);
    if (blob == nullptr) return {};
    return std::string(static_cast<const char*>(blob), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }

 private:
  bool InRange(int column) const { return column >= 0 && column < sqlite3_column_count(stmt_); }

  Status ReadyToBind(int index) {
    // SQLite refuses binds on a statement that has run until it is reset.
    if (stepped_) {
      sqlite3_reset(stmt_);
      stepped_ = false;
    }
    const int count = sqlite3_bind_parameter_count(stmt_);
    if (index >= 1 && index <= count) return Status::Ok();
    return Status::InvalidArgument(sql_text::NoSuchParameter(index, sql_, count));
  }

  Status CheckBind(int rc, int index) {
    if (rc == SQLITE_OK) return Status::Ok();
    return LastError(db_, "could not bind $" + std::to_string(index) + " in SQL " + Quoted(sql_));
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;  // as the caller wrote it, for messages and as the cache's key
  bool stepped_ = false;
  std::shared_ptr<StatementCache> cache_;
};

// The first row's first column of `sql`, as text (defined below).
Result<std::string> QueryText(Connection& connection, std::string_view sql);

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db), cache_(std::make_shared<StatementCache>()) {}
  // close_v2 rather than close: a Statement destroyed after its Connection still finalizes safely.
  ~SqliteConnection() override {
    cache_->Clear();
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) override {
    if (sqlite3_stmt* kept = cache_->Take(sql)) {
      return std::unique_ptr<Statement>(std::make_unique<SqliteStatement>(db_, kept, std::string(sql), cache_));
    }
    std::string rewritten = RewritePlaceholders(sql);
    if (rewritten.size() >= static_cast<size_t>(INT_MAX)) {
      return Status::InvalidArgument("the SQL " + Quoted(sql) + " is too long for SQLite");
    }
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    // Passing the length including the terminating NUL spares SQLite a copy.
    const int rc = sqlite3_prepare_v3(db_, rewritten.c_str(), static_cast<int>(rewritten.size() + 1),
                                      SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(raw);
      return LastError(db_, "could not prepare SQL " + Quoted(sql));
    }
    if (raw == nullptr) return Status::InvalidArgument("the SQL " + Quoted(sql) + " holds no statement");
    const std::string_view rest(tail, static_cast<size_t>(rewritten.data() + rewritten.size() - tail));
    if (!OnlySpaceCommentsAndSemicolons(rest)) {
      sqlite3_finalize(raw);  // never kept: the same text must be refused next time too
      return Status::InvalidArgument("the SQL " + Quoted(sql) +
                                     " holds more than one statement; Prepare takes one (ExecuteScript runs several)");
    }
    return std::unique_ptr<Statement>(std::make_unique<SqliteStatement>(db_, raw, std::string(sql), cache_));
  }

  Status ExecuteScript(std::string_view sql) override {
    if (sql.size() >= static_cast<size_t>(INT_MAX)) {
      return Status::InvalidArgument("the SQL script " + Quoted(sql) + " is too long for SQLite");
    }
    const char* next = sql.data();
    const char* const end = sql.data() + sql.size();
    while (next < end) {
      sqlite3_stmt* raw = nullptr;
      const char* tail = nullptr;
      const int rc = sqlite3_prepare_v3(db_, next, static_cast<int>(end - next), 0, &raw, &tail);
      StatementHandle stmt(raw);
      const std::string_view remaining(next, static_cast<size_t>(end - next));
      if (rc != SQLITE_OK) return LastError(db_, "could not prepare SQL " + Quoted(remaining));
      if (tail == nullptr || tail <= next) break;
      const std::string_view text(next, static_cast<size_t>(tail - next));
      next = tail;
      if (stmt == nullptr) continue;  // only whitespace or a comment
      if (sqlite3_bind_parameter_count(stmt.get()) > 0) {
        return Status::InvalidArgument("the SQL " + Quoted(text) +
                                       " in a script has a parameter; scripts take no parameters");
      }
      int step = SQLITE_ROW;
      while (step == SQLITE_ROW) step = sqlite3_step(stmt.get());
      if (step != SQLITE_DONE) return LastError(db_, "could not run SQL " + Quoted(text));
    }
    return Status::Ok();
  }

  int64_t LastInsertId() const override { return sqlite3_last_insert_rowid(db_); }

  Result<bool> TableExists(std::string_view name) override {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, Prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') "
                                              "AND name = $1 COLLATE NOCASE"));
    CAIRN_RETURN_IF_ERROR(stmt->Bind(1, name));
    return stmt->Step();
  }

  Status Begin() override {
    CAIRN_RETURN_IF_ERROR(RunSimple("BEGIN IMMEDIATE", "could not begin a transaction"));
    WriteWriterNote(DatabasePath(db_));
    return Status::Ok();
  }
  Status BeginBulk() override {
    // SQLite leaves WAL only when no other connection has the file open; otherwise it answers
    // busy at once (or leaves the mode "wal"), and the load goes through the log as any
    // transaction does.
    if (sqlite3_get_autocommit(db_) != 0 && !DatabasePath(db_).empty()) {
      const Result<std::string> mode = QueryText(*this, "PRAGMA journal_mode = TRUNCATE");
      bulk_journal_ = mode.ok() && mode.value() == "truncate";
      if (bulk_journal_) {
        // A rollback journal is safe from power loss only when synced at every step.
        Status synced = ExecuteScript("PRAGMA synchronous = FULL");
        if (!synced.ok()) {
          EndBulkJournal();
          return synced;
        }
      }
    }
    Status begun = Begin();
    if (!begun.ok()) EndBulkJournal();
    return begun;
  }
  Status Commit() override {
    CAIRN_RETURN_IF_ERROR(RunSimple("COMMIT", "could not commit a transaction"));
    RemoveWriterNote(DatabasePath(db_));
    EndBulkJournal();
    return Status::Ok();
  }
  Status Rollback() override {
    if (sqlite3_get_autocommit(db_) != 0) {
      RemoveWriterNote(DatabasePath(db_));
      EndBulkJournal();
      return Status::Ok();
    }
    CAIRN_RETURN_IF_ERROR(RunSimple("ROLLBACK", "could not roll back a transaction"));
    RemoveWriterNote(DatabasePath(db_));
    EndBulkJournal();
    return Status::Ok();
  }
  bool InTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  std::string_view backend_name() const override { return "sqlite"; }

  sqlite3* handle() const { return db_; }

 private:
  // BEGIN, COMMIT and ROLLBACK: compiled once and kept, like any other statement.
  Status RunSimple(const char* sql, const char* doing) {
    sqlite3_stmt* raw = cache_->Take(sql);
    if (raw == nullptr && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
      sqlite3_finalize(raw);
      return LastError(db_, doing);
    }
    const bool done = sqlite3_step(raw) == SQLITE_DONE;
    // The error is read before the statement is reset: a reset would repeat it, not keep it.
    Status status = done ? Status::Ok() : LastError(db_, doing);
    cache_->Give(sql, raw);
    return status;
  }

  // Back to the write-ahead log after a bulk transaction. Nothing is lost if this fails: the
  // file stays in rollback-journal mode, correct, until the next open switches it.
  void EndBulkJournal() {
    if (!bulk_journal_) return;
    bulk_journal_ = false;
    (void)ExecuteScript("PRAGMA journal_mode = WAL");
    (void)ExecuteScript("PRAGMA synchronous = NORMAL");
  }

  sqlite3* db_;
  std::shared_ptr<StatementCache> cache_;
  bool bulk_journal_ = false;  // in a BeginBulk() transaction with a rollback journal
};

// The first row's first column of `sql`, as text.
Result<std::string> QueryText(Connection& connection, std::string_view sql) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, connection.Prepare(sql));
  CAIRN_ASSIGN_OR_RETURN(bool has_row, stmt->Step());
  if (!has_row) return Status::Internal("SQLite gave no answer to " + Quoted(sql));
  return std::string(stmt->ColumnText(0));
}

// Switching a new database to write-ahead logging takes an exclusive lock, and SQLite can
// answer SQLITE_BUSY to it at once, without calling the busy handler, while another connection
// is opening or switching the same file. So the switch is retried here for as long as any
// other statement would wait: two commands opening a new database together both succeed.
Result<std::string> SwitchToWal(sqlite3* db) {
  constexpr const char* kSql = "PRAGMA journal_mode = WAL";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, kSql, -1, &raw, nullptr);
    StatementHandle stmt(raw);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
      return std::string(text == nullptr ? "" : reinterpret_cast<const char*>(text));
    }
    if (!IsBusy(rc) || std::chrono::steady_clock::now() >= deadline) {
      return LastError(db, "could not switch to write-ahead logging");
    }
    stmt.reset();
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

// SQLite's own busy timeout sleeps 1, 2, 5, 10, 15, 20 ms ... between tries, so a lock held for
// a millisecond (a server's checkpoint, a short write) can cost a waiting statement tens of
// milliseconds. This one tries again every 100 microseconds for the first 2 ms, then every
// millisecond, up to kBusyTimeoutMs in all, as before.
int WaitForLock(void* /*unused*/, int tries) {
  constexpr int kFineTries = 20;
  const int64_t waited_us = tries < kFineTries ? int64_t{tries} * 100 : 2000 + int64_t{tries - kFineTries} * 1000;
  if (waited_us >= int64_t{kBusyTimeoutMs} * 1000) return 0;
  std::this_thread::sleep_for(tries < kFineTries ? std::chrono::microseconds(100) : std::chrono::microseconds(1000));
  return 1;
}

Status SetUp(SqliteConnection& connection, const std::string& path) {
  sqlite3* db = connection.handle();
  sqlite3_busy_handler(db, WaitForLock, nullptr);
  // Double-quoted text is always an identifier, as in PostgreSQL, so a misspelt column is an
  // error rather than silently becoming a string.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);

  CAIRN_ASSIGN_OR_RETURN(std::string journal, SwitchToWal(db));
  const bool in_memory = path == ":memory:";
  if (journal != "wal" && !(in_memory && journal == "memory")) {
    return Status::IoError("SQLite could not switch the database at " + path +
                           " to write-ahead logging (it stayed in '" + journal +
                           "' mode); keep the database on a local disk, not a network share");
  }
  CAIRN_RETURN_IF_ERROR(connection.ExecuteScript("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"));
  CAIRN_ASSIGN_OR_RETURN(std::string foreign_keys, QueryText(connection, "PRAGMA foreign_keys"));
  if (foreign_keys != "1") {
    return Status::Internal("this SQLite library cannot enforce foreign keys, which Cairn relies on");
  }
  return Status::Ok();
}

}  // namespace

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (const size_t after = sql_text::SkipQuoted(sql, i); after != i) {
      out.append(sql.substr(i, after - i));
      i = after;
      continue;
    }
    if (const size_t after = SkipComment(sql, i); after != i) {
      out.append(sql.substr(i, after - i));
      i = after;
      continue;
    }
    if (c == '$' && i + 1 < sql.size() && IsDigit(sql[i + 1]) && (i == 0 || !IsIdentifierChar(sql[i - 1]))) {
      out += '?';  // the digits follow unchanged
      ++i;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

Result<std::unique_ptr<Connection>> OpenDatabase(const std::string& path, OpenMode mode) {
  if (path.empty()) return Status::InvalidArgument("no database path was given");
  if (mode == OpenMode::kMustExist) {
    std::error_code error;
    const bool exists = std::filesystem::exists(path, error);
    if (error) {
      return Status::IoError("could not check for a Cairn database at " + path + ": " + error.message());
    }
    if (!exists) {
      return Status::NotFound("no Cairn database at " + path + " (run `cairn init --db " + path + "` first)");
    }
  }

  // SQLite's memory statistics take a global mutex on every allocation it makes (at least one
  // per text value bound), and Cairn never reads them. This can only be set before SQLite
  // initialises, which the first open does; if something initialised it earlier, nothing changes.
  static const bool memory_statistics_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)memory_statistics_off;

  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == OpenMode::kCreateIfMissing) {
    flags |= SQLITE_OPEN_CREATE;
    // A new database is created by Cairn, mode 0600, before SQLite opens it: it holds children's
    // records, and SQLite would create it 0644 (less the umask). SQLite gives its -wal and -shm
    // files the database's own permissions. O_EXCL: an existing file or link is left alone.
    if (path != ":memory:" && !path.empty()) {
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd >= 0) ::close(fd);
    }
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // Owned at once: SQLite hands back a handle even when opening fails, and it must be closed.
  auto connection = std::make_unique<SqliteConnection>(raw);
  if (rc != SQLITE_OK) {
    if (raw == nullptr) return Status::IoError("could not open the SQLite database at " + path + ": out of memory");
    std::string doing = "could not open the SQLite database at " + path;
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code error;
    if ((rc & 0xff) == SQLITE_CANTOPEN && !parent.empty() && !std::filesystem::is_directory(parent, error)) {
      doing += " (the folder " + parent.string() + " does not exist)";
    }
    return LastError(raw, doing);
  }
  CAIRN_RETURN_IF_ERROR(SetUp(*connection, path).WithContext("opening the SQLite database at " + path));
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace cairn::store::sqlite
