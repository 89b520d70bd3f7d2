#include "store/postgres/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/sql_text.h"

namespace cairn::store::postgres {
namespace {

using sql_text::Quoted;

// Type OIDs from PostgreSQL's catalog (pg_type.h is a server header; these never change).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;
constexpr Oid kNameOid = 19;
constexpr Oid kTextOid = 25;
constexpr Oid kBpcharOid = 1042;
constexpr Oid kVarcharOid = 1043;

// Whether a prepared statement's rows are best read in PostgreSQL's binary format: those with a
// BYTEA column (chronology images), which the text format would send as hex at twice the size,
// and only when every column is of a type whose binary form is read here.
bool ReadsBinary(const PGresult* described) {
  bool any_bytes = false;
  for (int column = 0; column < PQnfields(described); ++column) {
    switch (PQftype(described, column)) {
      case kByteaOid:
        any_bytes = true;
        break;
      case kBoolOid:
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid:
      case kOidOid:
      case kFloat4Oid:
      case kFloat8Oid:
      case kNameOid:
      case kTextOid:
      case kBpcharOid:
      case kVarcharOid:
        break;
      default:
        return false;
    }
  }
  return any_bytes;
}

// A big-endian integer of `size` bytes (PostgreSQL's binary form), sign-extended.
int64_t BigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = value << 8 | static_cast<unsigned char>(c);
  const size_t bits = 8 * bytes.size();
  if (bits > 0 && bits < 64 && (value >> (bits - 1)) != 0) value |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(value);
}

// Prepared statements are kept per connection by their SQL; past this many, all are dropped and
// the cache starts again, so a caller building SQL texts on the fly cannot grow it without end.
constexpr size_t kMaxPreparedStatements = 512;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultHandle = std::unique_ptr<PGresult, ResultDeleter>;

std::string TrimmedLine(std::string_view text) {
  while (!text.empty() && sql_text::IsSpace(text.back())) text.remove_suffix(1);
  std::string line(text);
  for (char& c : line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return line;
}

// The Status for an SQLSTATE (PostgreSQL's five-character error code), in the same classes as
// the SQLite backend gives: a unique clash is AlreadyExists, another constraint a
// FailedPrecondition, bad SQL or a bad value InvalidArgument, damage DataLoss, the rest IoError.
Status StatusForState(std::string_view state, std::string message) {
  const std::string_view family = state.substr(0, 2);
  if (state == "23505") return Status::AlreadyExists(std::move(message));
  if (family == "23") return Status::FailedPrecondition(std::move(message));
  if (family == "25") return Status::FailedPrecondition(std::move(message));  // aborted transaction
  if (family == "42" || family == "22" || family == "0A" || family == "2F" || family == "26" ||
      family == "34" || family == "3D" || family == "3F") {
    return Status::InvalidArgument(std::move(message));
  }
  if (state == "XX001" || state == "XX002") return Status::DataLoss(std::move(message));
  if (family == "XX") return Status::Internal(std::move(message));
  return Status::IoError(std::move(message));
}

// `doing` followed by PostgreSQL's own account of what went wrong. Only the primary message is
// used: its DETAIL can quote the values of a row ("Key (la_child_id)=(...)"), which may be a
// child's, and messages travel to logs and screens.
Status ErrorFrom(PGconn* connection, const PGresult* result, const std::string& doing) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string words = primary != nullptr ? primary : TrimmedLine(PQerrorMessage(connection));
  if (PQstatus(connection) == CONNECTION_BAD) {
    return Status::IoError(doing + ": the connection to PostgreSQL was lost (" + TrimmedLine(words) + ")");
  }
  return StatusForState(state != nullptr ? state : "", doing + ": " + words);
}

bool Succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
}

void IgnoreNotice(void* /*unused*/, const char* /*message*/) {
  // libpq prints the server's notices to stderr by default; they can name tables and values,
  // and nothing personal goes to logs. Cairn's SQL raises none it needs to hear.
}

// Runs SQL that takes no parameters, discarding any rows; `doing` ("" for "could not run SQL
// `...`") starts the message of a failure.
Status RunOn(PGconn* connection, const std::string& sql, const std::string& doing) {
  ResultHandle result(PQexec(connection, sql.c_str()));
  if (result && Succeeded(result.get())) return Status::Ok();
  return ErrorFrom(connection, result.get(), doing.empty() ? "could not run SQL " + Quoted(sql) : doing);
}

// A double as PostgreSQL reads it: the shortest exact form, Infinity spelt out, and NaN as NULL
// (as SQLite stores it).
// Bytes as PostgreSQL's text form of a BYTEA: \x and two hex digits a byte.
std::string ByteaText(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 + 2 * bytes.size());
  text += "\\x";
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    text += kHex[byte >> 4];
    text += kHex[byte & 0xf];
  }
  return text;
}

// Each byte's value as a hex digit, or -1: a council's load decodes tens of megabytes of hex.
constexpr std::array<int8_t, 256> kHexValue = [] {
  std::array<int8_t, 256> value{};
  value.fill(-1);
  for (int c = 0; c < 10; ++c) value[static_cast<size_t>('0' + c)] = static_cast<int8_t>(c);
  for (int c = 0; c < 6; ++c) {
    value[static_cast<size_t>('a' + c)] = static_cast<int8_t>(10 + c);
    value[static_cast<size_t>('A' + c)] = static_cast<int8_t>(10 + c);
  }
  return value;
}();

// The bytes of a BYTEA's text form (the hex form: each connection sets bytea_output to it);
// anything else is returned as it is.
std::string BytesOfByteaText(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) return std::string(text);
  std::string bytes(text.size() / 2 - 1, '\0');
  const auto* hex = reinterpret_cast<const unsigned char*>(text.data()) + 2;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const int high = kHexValue[hex[2 * i]];
    const int low = kHexValue[hex[2 * i + 1]];
    if ((high | low) < 0) return std::string(text);
    bytes[i] = static_cast<char>(high << 4 | low);
  }
  return bytes;
}

std::optional<std::string> DoubleText(double value) {
  if (std::isnan(value)) return std::nullopt;
  if (std::isinf(value)) return std::string(value > 0 ? "Infinity" : "-Infinity");
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, error == std::errc() ? end : buffer);
}

class PostgresConnection;

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresConnection& owner, std::string name, std::string sql, int parameter_count,
                    bool binary_results)
      : owner_(&owner),
        name_(std::move(name)),
        sql_(std::move(sql)),
        values_(static_cast<size_t>(parameter_count)),
        binary_results_(binary_results) {}

  using Statement::Bind;
  Status Bind(int index, int64_t value) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    values_[static_cast<size_t>(index - 1)] = std::to_string(value);
    return Status::Ok();
  }
  Status Bind(int index, double value) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    values_[static_cast<size_t>(index - 1)] = DoubleText(value);
    return Status::Ok();
  }
  Status Bind(int index, std::string_view value) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    if (value.find('\0') != std::string_view::npos) {
      return Status::InvalidArgument("could not bind $" + std::to_string(index) + " in SQL " + Quoted(sql_) +
                                     ": the text holds a NUL byte, which PostgreSQL cannot store");
    }
    values_[static_cast<size_t>(index - 1)] = std::string(value);
    return Status::Ok();
  }
  // libpq copies parameters when the statement runs, so there is nothing to gain by not copying.
  Status BindUnowned(int index, std::string_view value) override { return Bind(index, value); }
  Status BindBytes(int index, std::string_view bytes) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    values_[static_cast<size_t>(index - 1)] = ByteaText(bytes);
    return Status::Ok();
  }
  Status BindNull(int index) override {
    CAIRN_RETURN_IF_ERROR(ReadyToBind(index));
    values_[static_cast<size_t>(index - 1)].reset();
    return Status::Ok();
  }

  Result<bool> Step() override;

  Status Reset() override {
    result_.reset();
    row_ = -1;
    return Status::Ok();
  }

  int ColumnCount() const override { return result_ ? PQnfields(result_.get()) : 0; }
  std::string_view ColumnName(int column) const override {
    if (!result_ || column < 0 || column >= PQnfields(result_.get())) return {};
    const char* name = PQfname(result_.get(), column);
    return name == nullptr ? std::string_view() : std::string_view(name);
  }
  ValueType ColumnType(int column) const override {
    if (!Current(column) || PQgetisnull(result_.get(), row_, column) != 0) return ValueType::kNull;
    switch (PQftype(result_.get(), column)) {
      case kBoolOid:
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid:
      case kOidOid:
        return ValueType::kInteger;
      case kFloat4Oid:
      case kFloat8Oid:
      case kNumericOid:
        return ValueType::kReal;
      default:
        return ValueType::kText;
    }
  }
  bool ColumnIsNull(int column) const override { return ColumnType(column) == ValueType::kNull; }
  int64_t ColumnInt(int column) const override {
    if (Binary(column)) {
      const std::string_view raw = Raw(column);
      switch (PQftype(result_.get(), column)) {
        case kBoolOid:
          return raw.empty() ? 0 : raw[0] != 0;
        case kInt2Oid:
        case kInt4Oid:
        case kInt8Oid:
          return BigEndian(raw);
        case kOidOid:
          return static_cast<int64_t>(static_cast<uint64_t>(BigEndian(raw)) & 0xffffffffu);
        case kFloat4Oid:
        case kFloat8Oid:
          return static_cast<int64_t>(ColumnDouble(column));
        default:
          break;  // text: as below
      }
    }
    const std::string_view text = ColumnText(column);
    if (text.empty()) return 0;
    if (text == "t") return 1;
    if (text == "f") return 0;
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size()) return value;
    return static_cast<int64_t>(ColumnDouble(column));  // a real or numeric read as an integer
  }
  double ColumnDouble(int column) const override {
    if (Binary(column)) {
      const std::string_view raw = Raw(column);
      const uint64_t bits = static_cast<uint64_t>(BigEndian(raw));
      switch (PQftype(result_.get(), column)) {
        case kFloat8Oid:
          return raw.size() == 8 ? std::bit_cast<double>(bits) : 0.0;
        case kFloat4Oid:
          return raw.size() == 4 ? std::bit_cast<float>(static_cast<uint32_t>(bits)) : 0.0;
        case kBoolOid:
        case kInt2Oid:
        case kInt4Oid:
        case kInt8Oid:
        case kOidOid:
          return static_cast<double>(ColumnInt(column));
        default:
          break;  // text: as below
      }
    }
    const std::string_view text = ColumnText(column);
    if (text.empty()) return 0.0;
    return std::strtod(std::string(text).c_str(), nullptr);  // reads NaN and Infinity too
  }
  std::string_view ColumnText(int column) const override {
    if (!Binary(column)) return Raw(column);
    // A BYTEA as text is its hex form, as the text format sends it (ColumnBytes gives the bytes).
    if (PQftype(result_.get(), column) == kByteaOid && ColumnType(column) != ValueType::kNull) {
      return scratch_[static_cast<size_t>(column)] = ByteaText(Raw(column));
    }
    // A number read as text: written out as the text format would have sent it.
    const ValueType type = ColumnType(column);
    if (type != ValueType::kInteger && type != ValueType::kReal) return Raw(column);
    std::string& text = scratch_[static_cast<size_t>(column)];
    if (PQftype(result_.get(), column) == kBoolOid) {
      text = ColumnInt(column) != 0 ? "t" : "f";
    } else if (type == ValueType::kInteger) {
      text = std::to_string(ColumnInt(column));
    } else {
      text = DoubleText(ColumnDouble(column)).value_or("NaN");
    }
    return text;
  }
  std::string ColumnBytes(int column) const override {
    if (!Current(column)) return {};
    if (Binary(column) || PQftype(result_.get(), column) != kByteaOid) return std::string(Raw(column));
    return BytesOfByteaText(Raw(column));
  }

 private:
  bool Current(int column) const {
    return result_ && row_ >= 0 && row_ < PQntuples(result_.get()) && column >= 0 &&
           column < PQnfields(result_.get());
  }
  bool Binary(int column) const { return Current(column) && PQfformat(result_.get(), column) == 1; }
  // The value as the server sent it, in whichever format; "" for NULL.
  std::string_view Raw(int column) const {
    if (!Current(column) || PQgetisnull(result_.get(), row_, column) != 0) return {};
    return {PQgetvalue(result_.get(), row_, column), static_cast<size_t>(PQgetlength(result_.get(), row_, column))};
  }

  Status ReadyToBind(int index) {
    if (result_) (void)Reset();
    const int count = static_cast<int>(values_.size());
    if (index >= 1 && index <= count) return Status::Ok();
    return Status::InvalidArgument(sql_text::NoSuchParameter(index, sql_, count));
  }

  PostgresConnection* owner_;
  std::string name_;  // the server-side prepared statement's name
  std::string sql_;   // as the caller wrote it, for messages
  std::vector<std::optional<std::string>> values_;
  bool binary_results_;  // rows come in the binary format (ReadsBinary)
  ResultHandle result_;
  int row_ = -1;
  mutable std::vector<std::string> scratch_;  // binary numbers written out as text, by column
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* connection) : connection_(connection) {}
  ~PostgresConnection() override { PQfinish(connection_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  PGconn* handle() const { return connection_; }
  uint64_t NextCopyId() { return ++copies_made_; }

  // COPY ... FROM STDIN kept open between a row copy's sends (SendCopyData), so the server
  // stores one chunk of rows while the next is made, rather than the two taking turns. Anything
  // else on the connection ends it first (EndOpenCopy), and reports its failure.
  Status SendCopyData(uint64_t copy, const std::string& copy_sql, std::string_view table, std::string_view data,
                      size_t rows) {
    if (open_copy_ != copy) {
      CAIRN_RETURN_IF_ERROR(EndOpenCopy());
      ResultHandle started(PQexec(connection_, copy_sql.c_str()));
      if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN) {
        return ErrorFrom(connection_, started.get(),
                         "could not load " + std::to_string(rows) + " row(s) into " + std::string(table));
      }
      open_copy_ = copy;
      open_table_ = std::string(table);
      open_rows_ = 0;
    }
    open_rows_ += rows;
    if (PQputCopyData(connection_, data.data(), static_cast<int>(data.size())) != 1) {
      // Ending the copy with an error message makes the server refuse it whole.
      (void)PQputCopyEnd(connection_, "the rows could not be sent");
      return CollectCopyEnd(ErrorFrom(connection_, nullptr, CopyDoing()));
    }
    return Status::Ok();
  }
  // Ends the open COPY, if `copy`'s (any, for 0): its rows are then stored, or the error says
  // why not.
  Status EndOpenCopy(uint64_t copy = 0) const {
    if (open_copy_ == 0 || (copy != 0 && copy != open_copy_)) return Status::Ok();
    const bool ended = PQputCopyEnd(connection_, nullptr) == 1;
    return CollectCopyEnd(ended ? Status::Ok() : ErrorFrom(connection_, nullptr, CopyDoing()));
  }

  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) override {
    CAIRN_RETURN_IF_ERROR(EndOpenCopy());
    const std::string text(sql);
    auto kept = prepared_.find(text);
    if (kept == prepared_.end()) {
      if (sql_text::SplitStatements(sql).size() > 1) {
        return Status::InvalidArgument("the SQL " + Quoted(sql) +
                                       " holds more than one statement; Prepare takes one (ExecuteScript runs several)");
      }
      if (sql_text::OnlySpaceCommentsAndSemicolons(sql)) {
        return Status::InvalidArgument("the SQL " + Quoted(sql) + " holds no statement");
      }
      if (prepared_.size() >= kMaxPreparedStatements) {
        CAIRN_RETURN_IF_ERROR(Run("DEALLOCATE ALL", "could not clear prepared statements"));
        prepared_.clear();
      }
      const std::string name = "cairn_" + std::to_string(++statements_made_);
      ResultHandle result(PQprepare(connection_, name.c_str(), text.c_str(), 0, nullptr));
      if (!result || !Succeeded(result.get())) {
        return ErrorFrom(connection_, result.get(), "could not prepare SQL " + Quoted(sql));
      }
      ResultHandle described(PQdescribePrepared(connection_, name.c_str()));
      if (!described || !Succeeded(described.get())) {
        return ErrorFrom(connection_, described.get(), "could not describe SQL " + Quoted(sql));
      }
      kept = prepared_.emplace(text, Prepared{name, ReadsBinary(described.get())}).first;
    }
    return std::unique_ptr<Statement>(std::make_unique<PostgresStatement>(
        *this, kept->second.name, text, sql_text::HighestPlaceholder(sql), kept->second.binary_results));
  }

  Status ExecuteScript(std::string_view sql) override {
    CAIRN_RETURN_IF_ERROR(EndOpenCopy());
    for (std::string_view statement : sql_text::SplitStatements(sql)) {
      if (sql_text::HighestPlaceholder(statement) > 0) {
        return Status::InvalidArgument("the SQL " + Quoted(statement) +
                                       " in a script has a parameter; scripts take no parameters");
      }
      CAIRN_RETURN_IF_ERROR(Run(std::string(statement), "could not run SQL " + Quoted(statement)));
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<RowCopy>> PrepareCopy(std::string_view table, const std::vector<std::string>& columns) override;

  int64_t LastInsertId() const override {
    // lastval() is an error until this session has taken a value from a sequence, and an error
    // inside a transaction would spoil it; a savepoint keeps the caller's transaction whole.
    if (!EndOpenCopy().ok()) return 0;
    const bool guard = !lastval_defined_ && InTransaction();
    if (guard && !RunOn(connection_, "SAVEPOINT cairn_lastval", "").ok()) return 0;
    ResultHandle result(PQexec(connection_, "SELECT lastval()"));
    const bool ok = result && PQresultStatus(result.get()) == PGRES_TUPLES_OK && PQntuples(result.get()) == 1;
    if (guard) {
      (void)RunOn(connection_, ok ? "RELEASE SAVEPOINT cairn_lastval" : "ROLLBACK TO SAVEPOINT cairn_lastval", "");
    }
    if (!ok) return 0;
    lastval_defined_ = true;
    return std::strtoll(PQgetvalue(result.get(), 0, 0), nullptr, 10);
  }

  Result<bool> TableExists(std::string_view name) override {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, Prepare("SELECT 1 FROM information_schema.tables "
                                              "WHERE table_schema = ANY (current_schemas(false)) "
                                              "AND lower(table_name) = lower($1)"));
    CAIRN_RETURN_IF_ERROR(stmt->Bind(1, name));
    return stmt->Step();
  }

  Status Begin() override {
    CAIRN_RETURN_IF_ERROR(EndOpenCopy());
    if (InTransaction()) {
      return Status::FailedPrecondition("could not begin a transaction: one is already open on this connection");
    }
    return Run("BEGIN ISOLATION LEVEL READ COMMITTED", "could not begin a transaction");
  }
  Status Commit() override {
    CAIRN_RETURN_IF_ERROR(EndOpenCopy());
    if (PQtransactionStatus(connection_) == PQTRANS_INERROR) {
      return Status::FailedPrecondition(
          "could not commit a transaction: a statement in it failed, so PostgreSQL will only roll it back");
    }
    ResultHandle result(PQexec(connection_, "COMMIT"));
    if (!result || !Succeeded(result.get())) return ErrorFrom(connection_, result.get(), "could not commit a transaction");
    // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not an error.
    if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
      return Status::FailedPrecondition("could not commit a transaction: PostgreSQL rolled it back");
    }
    return Status::Ok();
  }
  Status Rollback() override {
    (void)EndOpenCopy();  // rolled back whatever it says
    if (!InTransaction()) return Status::Ok();
    return Run("ROLLBACK", "could not roll back a transaction");
  }
  bool InTransaction() const override {
    const PGTransactionStatusType status = PQtransactionStatus(connection_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
  }

  std::string_view backend_name() const override { return "postgresql"; }
  bool lost() const override { return PQstatus(connection_) == CONNECTION_BAD; }

  Status Run(const std::string& sql, const std::string& doing) {
    CAIRN_RETURN_IF_ERROR(EndOpenCopy());
    return RunOn(connection_, sql, doing);
  }

 private:
  std::string CopyDoing() const {
    return "could not load " + std::to_string(open_rows_) + " row(s) into " + open_table_;
  }
  // After PQputCopyEnd: the server's answer to the whole COPY; `outcome` unless it failed first.
  Status CollectCopyEnd(Status outcome) const {
    const std::string doing = CopyDoing();
    open_copy_ = 0;
    while (ResultHandle result{PQgetResult(connection_)}) {
      if (outcome.ok() && PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        outcome = ErrorFrom(connection_, result.get(), doing);
      }
    }
    return outcome;
  }

  PGconn* connection_;
  // The row copy whose COPY is open (0: none), where its rows go, and how many were sent.
  mutable uint64_t open_copy_ = 0;
  std::string open_table_;
  size_t open_rows_ = 0;
  uint64_t copies_made_ = 0;
  struct Prepared {
    std::string name;     // the server-side prepared statement's name
    bool binary_results;  // ReadsBinary
  };
  std::unordered_map<std::string, Prepared> prepared_;  // by SQL
  int64_t statements_made_ = 0;
  mutable bool lastval_defined_ = false;
};

// Rows for COPY ... FROM STDIN in its text format: columns split by tabs, rows ended by a newline,
// NULL as \N, and a backslash, tab, newline or carriage return in a value escaped.
class PostgresRowCopy final : public RowCopy {
 public:
  PostgresRowCopy(PostgresConnection& connection, std::string table, const std::vector<std::string>& columns,
                  std::string column_list)
      : connection_(connection),
        id_(connection.NextCopyId()),
        table_(std::move(table)),
        copy_sql_("COPY " + table_ + " (" + column_list + ") FROM STDIN"),
        cells_(columns.size()),
        null_(columns.size(), 1) {}
  ~PostgresRowCopy() override = default;

  using Statement::Bind;
  // Each cell keeps its buffer from row to row: a large load binds tens of millions of values.
  Status Bind(int index, int64_t value) override {
    CAIRN_ASSIGN_OR_RETURN(std::string * cell, Cell(index));
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, value);
    cell->assign(digits, written.ptr);
    return Status::Ok();
  }
  Status Bind(int index, double value) override {
    CAIRN_ASSIGN_OR_RETURN(std::string * cell, Cell(index));
    const std::optional<std::string> text = DoubleText(value);
    if (text) {
      *cell = *text;
    } else {
      null_[static_cast<size_t>(index - 1)] = 1;  // NaN has no text form: NULL, as a statement binds it
    }
    return Status::Ok();
  }
  Status Bind(int index, std::string_view value) override {
    CAIRN_ASSIGN_OR_RETURN(std::string * cell, Cell(index));
    // COPY's text form: backslash, tab, newline and carriage return escaped; the runs between
    // them copied whole.
    size_t run = 0;
    for (size_t i = 0; i < value.size(); ++i) {
      const char c = value[i];
      if (!kCopySpecial[static_cast<unsigned char>(c)]) continue;
      if (c == '\0') {
        null_[static_cast<size_t>(index - 1)] = 1;
        return Status::InvalidArgument("could not load a row into " + table_ + ": column " + std::to_string(index) +
                                       " holds a NUL byte, which PostgreSQL cannot store");
      }
      cell->append(value.data() + run, i - run);
      *cell += '\\';
      *cell += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
      run = i + 1;
    }
    cell->append(value.data() + run, value.size() - run);
    return Status::Ok();
  }
  Status BindUnowned(int index, std::string_view value) override { return Bind(index, value); }
  // COPY's text form of a BYTEA is its hex form (ByteaText), its backslash escaped.
  Status BindBytes(int index, std::string_view bytes) override {
    CAIRN_ASSIGN_OR_RETURN(std::string * cell, Cell(index));
    *cell += '\\';
    *cell += ByteaText(bytes);
    return Status::Ok();
  }
  Status BindNull(int index) override {
    CAIRN_ASSIGN_OR_RETURN(std::string * cell, Cell(index));
    (void)cell;
    null_[static_cast<size_t>(index - 1)] = 1;
    return Status::Ok();
  }
  Result<bool> Step() override {
    for (size_t i = 0; i < cells_.size(); ++i) {
      if (i > 0) buffer_ += '\t';
      if (null_[i]) {
        buffer_ += "\\N";
      } else {
        buffer_ += cells_[i];
      }
    }
    buffer_ += '\n';
    ++buffered_rows_;
    if (buffer_.size() >= kFlushAtBytes) CAIRN_RETURN_IF_ERROR(Send());
    return false;
  }
  Status Reset() override { return Status::Ok(); }

  // Sends what is buffered and ends this copy's COPY: every row bound so far is stored, or the
  // error says why not.
  Status Flush() override {
    CAIRN_RETURN_IF_ERROR(Send());
    return connection_.EndOpenCopy(id_);
  }

 private:
  // A few megabytes a send: large enough that a round trip costs nothing beside it.
  static constexpr size_t kFlushAtBytes = size_t{4} << 20;

  // Bytes COPY's text form escapes, and NUL, which it cannot hold.
  static constexpr std::array<bool, 256> kCopySpecial = [] {
    std::array<bool, 256> special{};
    for (unsigned char c : {'\\', '\t', '\n', '\r', '\0'}) special[c] = true;
    return special;
  }();

  // The cell of column `index` (1-based), emptied and marked not null, to be written.
  Result<std::string*> Cell(int index) {
    const int count = static_cast<int>(cells_.size());
    if (index < 1 || index > count) {
      return Status::InvalidArgument("could not load a row into " + table_ + ": there is no column " +
                                     std::to_string(index) + " (it has " + std::to_string(count) + ")");
    }
    const auto at = static_cast<size_t>(index - 1);
    null_[at] = 0;
    cells_[at].clear();
    return &cells_[at];
  }

  // Sends what is buffered into this copy's COPY, left open for more (SendCopyData).
  Status Send() {
    if (buffer_.empty()) return Status::Ok();
    std::string sending;
    sending.swap(buffer_);
    const size_t rows = buffered_rows_;
    buffered_rows_ = 0;
    return connection_.SendCopyData(id_, copy_sql_, table_, sending, rows);
  }

  PostgresConnection& connection_;
  uint64_t id_;  // names this copy's COPY to the connection
  std::string table_;
  std::string copy_sql_;
  std::vector<std::string> cells_;
  std::vector<char> null_;  // per cell: 1 for NULL (and before anything is bound)
  std::string buffer_;
  size_t buffered_rows_ = 0;
};

Result<std::unique_ptr<RowCopy>> PostgresConnection::PrepareCopy(std::string_view table,
                                                                 const std::vector<std::string>& columns) {
  CAIRN_ASSIGN_OR_RETURN(std::string column_list, CopyColumnList(table, columns));
  return std::unique_ptr<RowCopy>(
      std::make_unique<PostgresRowCopy>(*this, std::string(table), columns, std::move(column_list)));
}

Result<bool> PostgresStatement::Step() {
  if (!result_) {
    CAIRN_RETURN_IF_ERROR(owner_->EndOpenCopy());
    std::vector<const char*> values(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) values[i] = values_[i] ? values_[i]->c_str() : nullptr;
    PGconn* connection = owner_->handle();
    result_.reset(PQexecPrepared(connection, name_.c_str(), static_cast<int>(values.size()), values.data(),
                                 nullptr, nullptr, binary_results_ ? 1 : 0));
    row_ = -1;
    if (binary_results_ && result_) scratch_.resize(static_cast<size_t>(PQnfields(result_.get())));
    if (!result_ || !Succeeded(result_.get())) {
      Status error = ErrorFrom(connection, result_.get(), "could not run SQL " + Quoted(sql_));
      result_.reset();
      return error;
    }
  }
  if (row_ + 1 < PQntuples(result_.get())) {
    ++row_;
    return true;
  }
  // Done: the next Step() runs the statement again from the start.
  result_.reset();
  row_ = -1;
  return false;
}

bool WordIs(std::string_view word, std::string_view upper) {
  if (word.size() != upper.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

// The next word at or after `i` (skipping spaces), or "" when something else comes first.
std::string_view NextWord(std::string_view sql, size_t i, size_t* end) {
  while (i < sql.size() && sql_text::IsSpace(sql[i])) ++i;
  size_t j = i;
  while (j < sql.size() && sql_text::IsIdentifierChar(sql[j]) && sql[j] != '$') ++j;
  *end = j;
  return sql.substr(i, j - i);
}

}  // namespace

std::string AdaptSchema(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 64);
  size_t i = 0;
  while (i < sql.size()) {
    size_t after = sql_text::SkipQuoted(sql, i);
    if (after == i) after = sql_text::SkipComment(sql, i);
    if (after != i) {
      out.append(sql.substr(i, after - i));
      i = after;
      continue;
    }
    if (!sql_text::IsIdentifierChar(sql[i]) || (i > 0 && sql_text::IsIdentifierChar(sql[i - 1]))) {
      out += sql[i++];
      continue;
    }
    size_t word_end = i;
    const std::string_view word = NextWord(sql, i, &word_end);
    if (word.empty()) {  // a '$' or another character that starts no word
      out += sql[i++];
      continue;
    }
    size_t primary_end = word_end;
    size_t key_end = word_end;
    if (WordIs(word, "INTEGER") && WordIs(NextWord(sql, word_end, &primary_end), "PRIMARY") &&
        WordIs(NextWord(sql, primary_end, &key_end), "KEY")) {
      out += "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
      i = key_end;
      continue;
    }
    if (WordIs(word, "REFERENCES")) {
      // REFERENCES table(column): the same check, but one a transaction may put off to its commit
      // (SET CONSTRAINTS ALL DEFERRED), as `cairn copy` does, where a row may arrive before the
      // row it refers to (an event before its parent).
      size_t table_end = word_end;
      NextWord(sql, word_end, &table_end);
      size_t open = table_end;
      while (open < sql.size() && sql_text::IsSpace(sql[open])) ++open;
      const size_t close = open < sql.size() && sql[open] == '(' ? sql.find(')', open) : std::string_view::npos;
      if (close != std::string_view::npos) {
        out.append(sql.substr(i, close + 1 - i));
        out += " DEFERRABLE INITIALLY IMMEDIATE";
        i = close + 1;
        continue;
      }
    }
    if (WordIs(word, "INTEGER")) {
      out += "BIGINT";
    } else if (WordIs(word, "BLOB")) {
      out += "BYTEA";
    } else if (WordIs(word, "REAL")) {
      out += "DOUBLE PRECISION";
    } else {
      out.append(word);
    }
    i = word_end;
  }
  return out;
}

namespace {

// The password a postgresql://user:password@... URL holds, or "" (libpq also takes it as a
// password=... parameter, which the caller's whole URL covers).
std::string PasswordIn(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  const size_t at = url.find('@', scheme + 3);
  const size_t colon = url.find(':', scheme + 3);
  if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return "";
  return std::string(url.substr(colon + 1, at - colon - 1));
}

// `message` with every appearance of the URL, its password and a password= parameter's value
// blotted out: libpq quotes what it could not parse, and nothing may echo a password.
std::string Scrubbed(std::string message, const std::string& url) {
  std::vector<std::string> secrets = {url, PasswordIn(url)};
  if (const size_t parameter = url.find("password="); parameter != std::string::npos) {
    const size_t start = parameter + 9;
    secrets.push_back(url.substr(start, url.find('&', start) - start));
  }
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at)) {
      message.replace(at, secret.size(), "***");
    }
  }
  return message;
}

}  // namespace

bool HoldsPassword(std::string_view url) {
  return !PasswordIn(url).empty() || url.find("password=") != std::string_view::npos;
}

Result<CouncilUrl> TakeCouncil(std::string_view given) {
  CouncilUrl taken;
  const size_t query = given.find('?');
  if (query == std::string_view::npos) {
    taken.url = std::string(given);
    return taken;
  }
  std::string kept;
  size_t at = query + 1;
  while (at <= given.size()) {
    size_t end = given.find('&', at);
    if (end == std::string_view::npos) end = given.size();
    const std::string_view parameter = given.substr(at, end - at);
    if (parameter.starts_with("council=")) {
      if (!taken.council.empty()) {
        return Status::InvalidArgument("the database URL names council= twice; a connection is to one council");
      }
      taken.council = std::string(parameter.substr(8));
      const bool three_digits = taken.council.size() == 3 &&
                                std::all_of(taken.council.begin(), taken.council.end(),
                                            [](char c) { return c >= '0' && c <= '9'; });
      if (!three_digits) {
        return Status::InvalidArgument("council=" + taken.council +
                                       " in the database URL is not a council's three-digit DfE number (343, say)");
      }
    } else if (!parameter.empty()) {
      kept += (kept.empty() ? "" : "&") + std::string(parameter);
    }
    at = end + 1;
  }
  taken.url = std::string(given.substr(0, query)) + (kept.empty() ? "" : "?" + kept);
  return taken;
}

std::string CouncilSchema(std::string_view council) { return "la_" + std::string(council); }

Result<std::unique_ptr<Connection>> OpenDatabase(const std::string& given_url, bool create_council) {
  CAIRN_ASSIGN_OR_RETURN(CouncilUrl council_url, TakeCouncil(given_url));
  // libpq recognises only a lower-case scheme; anything else it would read as key=value pairs.
  std::string url = council_url.url;
  const size_t scheme_end = url.find("://");
  for (size_t i = 0; i < scheme_end && scheme_end != std::string::npos; ++i) {
    if (url[i] >= 'A' && url[i] <= 'Z') url[i] = static_cast<char>(url[i] - 'A' + 'a');
  }
  PGconn* raw = PQconnectdb(url.c_str());
  if (raw == nullptr) return Status::IoError("could not connect to PostgreSQL: out of memory");
  auto connection = std::make_unique<PostgresConnection>(raw);
  if (PQstatus(raw) != CONNECTION_OK) {
    // libpq's account names the socket or host, the user and the database; the password, and
    // the URL when libpq quotes it, are blotted out.
    const std::string why = Scrubbed(TrimmedLine(PQerrorMessage(raw)), url);
    if (why.find("does not exist") != std::string::npos && why.find("database") != std::string::npos) {
      return Status::NotFound("could not connect to PostgreSQL: " + why);
    }
    return Status::IoError("could not connect to PostgreSQL: " + why);
  }
  PQsetNoticeProcessor(raw, IgnoreNotice, nullptr);
  if (PQsetClientEncoding(raw, "UTF8") != 0) {
    return Status::IoError("could not set the PostgreSQL connection to UTF-8: " + TrimmedLine(PQerrorMessage(raw)));
  }
  // BYTEA values come back in the hex form ColumnBytes reads, whatever the server's default. And
  // no JIT compilation: Cairn's queries are short, and a freshly loaded table's missing
  // statistics made the planner compile the council's load for 145 ms to save nothing.
  CAIRN_RETURN_IF_ERROR(connection->ExecuteScript("SET bytea_output = 'hex'; SET jit = off"));
  if (!council_url.council.empty()) {
    // The schema's name is made here from three digits, so it needs no quoting.
    const std::string schema = CouncilSchema(council_url.council);
    if (create_council) {
      CAIRN_RETURN_IF_ERROR(connection->ExecuteScript("CREATE SCHEMA IF NOT EXISTS " + schema));
    } else {
      CAIRN_ASSIGN_OR_RETURN(auto held, connection->Prepare("SELECT 1 FROM pg_namespace WHERE nspname = $1"));
      CAIRN_RETURN_IF_ERROR(held->Bind(1, schema));
      CAIRN_ASSIGN_OR_RETURN(bool found, held->Step());
      if (!found) {
        return Status::NotFound("the database holds no council " + council_url.council + " (no schema " + schema +
                                "); `cairn migrate` with this URL makes it");
      }
    }
    CAIRN_RETURN_IF_ERROR(connection->ExecuteScript("SET search_path TO " + schema));
  }
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace cairn::store::postgres
