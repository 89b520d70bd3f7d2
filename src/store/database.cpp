#include "store/database.h"

#include <cctype>
#include <type_traits>
#include <utility>

#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace cairn::store {
namespace {

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

bool IsPostgresUrl(std::string_view target) {
  return StartsWithIgnoringCase(target, "postgresql://") || StartsWithIgnoringCase(target, "postgres://");
}

// Table and column names are spliced into SQL, so only plain identifiers are accepted.
bool IsPlainIdentifier(std::string_view name) {
  if (name.empty()) return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!letter(name[0])) return false;
  for (char c : name) {
    if (!letter(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

}  // namespace

Status Statement::Bind(int index, const Value& value) {
  return std::visit(
      [this, index](const auto& v) -> Status {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return BindNull(index);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return Bind(index, std::string_view(v));
        } else {
          return Bind(index, v);
        }
      },
      value);
}

Status Statement::BindAll(const std::vector<Value>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    CAIRN_RETURN_IF_ERROR(Bind(static_cast<int>(i + 1), values[i]));
  }
  return Status::Ok();
}

std::optional<std::string> Statement::ColumnOptionalText(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return std::string(ColumnText(column));
}

Value Statement::ColumnValue(int column) const {
  switch (ColumnType(column)) {
    case ValueType::kNull:
      return std::monostate{};
    case ValueType::kInteger:
      return ColumnInt(column);
    case ValueType::kReal:
      return ColumnDouble(column);
    case ValueType::kText:
      return std::string(ColumnText(column));
  }
  return std::monostate{};
}

Status Statement::Run() {
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool has_row, Step());
    if (!has_row) return Status::Ok();
  }
}

namespace {
std::string& Operation() {
  static std::string operation;
  return operation;
}
WriteDuration& Writes() {
  static WriteDuration writes = WriteDuration::kLong;
  return writes;
}
}  // namespace

void SetOperationName(std::string name, WriteDuration writes) {
  Operation() = std::move(name);
  Writes() = writes;
}
const std::string& OperationName() { return Operation(); }
WriteDuration OperationWrites() { return Writes(); }

bool IsPostgresTarget(std::string_view target) { return IsPostgresUrl(target); }

bool TargetHoldsPassword(std::string_view target) {
  return IsPostgresUrl(target) && postgres::HoldsPassword(target);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& target) {
  if (IsPostgresUrl(target)) return postgres::OpenDatabase(target, /*create_council=*/true);
  return sqlite::OpenDatabase(target, sqlite::OpenMode::kCreateIfMissing);
}

Result<std::unique_ptr<Connection>> Connection::OpenExisting(const std::string& target) {
  // A PostgreSQL database is created by its administrator, never by connecting: one that does
  // not exist is NotFound either way. A council's schema is made only by Open.
  if (IsPostgresUrl(target)) return postgres::OpenDatabase(target, /*create_council=*/false);
  return sqlite::OpenDatabase(target, sqlite::OpenMode::kMustExist);
}

Status Connection::Execute(std::string_view sql, const std::vector<Value>& params) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, Prepare(sql));
  CAIRN_RETURN_IF_ERROR(stmt->BindAll(params));
  return stmt->Run();
}

Result<Transaction> Transaction::Begin(Connection& connection) {
  CAIRN_RETURN_IF_ERROR(connection.Begin());
  return Transaction(connection);
}

Result<Transaction> Transaction::BeginBulk(Connection& connection) {
  CAIRN_RETURN_IF_ERROR(connection.BeginBulk());
  return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(other.connection_), open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
  // A destructor cannot report failure; if ROLLBACK itself fails the connection has already
  // lost the transaction, which is the outcome wanted.
  if (open_) (void)connection_->Rollback();
}

Status Transaction::Commit() {
  if (!open_) return Status::FailedPrecondition("this transaction was already committed");
  CAIRN_RETURN_IF_ERROR(connection_->Commit());
  open_ = false;
  return Status::Ok();
}

Result<std::string> CopyColumnList(std::string_view table, const std::vector<std::string>& columns) {
  if (!IsPlainIdentifier(table)) {
    return Status::InvalidArgument("bulk load: '" + std::string(table) + "' is not a plain table name");
  }
  if (columns.empty()) return Status::InvalidArgument("bulk load into " + std::string(table) + ": no columns were named");
  std::string column_list;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!IsPlainIdentifier(columns[i])) {
      return Status::InvalidArgument("bulk load into " + std::string(table) + ": '" + columns[i] +
                                     "' is not a plain column name");
    }
    if (i > 0) column_list += ", ";
    column_list += columns[i];
  }
  return column_list;
}

namespace {

// The default RowCopy: a prepared INSERT, run for each row.
class InsertingRowCopy final : public RowCopy {
 public:
  explicit InsertingRowCopy(std::unique_ptr<Statement> insert) : insert_(std::move(insert)) {}
  using Statement::Bind;
  Status Bind(int index, int64_t value) override { return insert_->Bind(index, value); }
  Status Bind(int index, double value) override { return insert_->Bind(index, value); }
  Status Bind(int index, std::string_view value) override { return insert_->Bind(index, value); }
  Status BindUnowned(int index, std::string_view value) override { return insert_->BindUnowned(index, value); }
  Status BindNull(int index) override { return insert_->BindNull(index); }
  Status BindBytes(int index, std::string_view bytes) override { return insert_->BindBytes(index, bytes); }
  Result<bool> Step() override {
    CAIRN_RETURN_IF_ERROR(insert_->Run());
    return false;
  }
  Status Reset() override { return insert_->Reset(); }
  Status Flush() override { return Status::Ok(); }

 private:
  std::unique_ptr<Statement> insert_;
};

}  // namespace

Result<std::unique_ptr<RowCopy>> Connection::PrepareCopy(std::string_view table, const std::vector<std::string>& columns) {
  CAIRN_ASSIGN_OR_RETURN(std::string column_list, CopyColumnList(table, columns));
  std::string placeholders;
  for (size_t i = 0; i < columns.size(); ++i) placeholders += (i > 0 ? ", $" : "$") + std::to_string(i + 1);
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<Statement> statement,
                         Prepare("INSERT INTO " + std::string(table) + " (" + column_list + ") VALUES (" +
                                 placeholders + ")"));
  return std::unique_ptr<RowCopy>(std::make_unique<InsertingRowCopy>(std::move(statement)));
}

Result<BulkInserter> BulkInserter::Create(Connection& connection, std::string_view table,
                                          const std::vector<std::string>& columns) {
  if (!IsPlainIdentifier(table)) {
    return Status::InvalidArgument("bulk insert: '" + std::string(table) + "' is not a plain table name");
  }
  if (columns.empty()) {
    return Status::InvalidArgument("bulk insert into " + std::string(table) + ": no columns were named");
  }
  std::string column_list;
  std::string placeholders;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!IsPlainIdentifier(columns[i])) {
      return Status::InvalidArgument("bulk insert into " + std::string(table) + ": '" + columns[i] +
                                     "' is not a plain column name");
    }
    if (i > 0) {
      column_list += ", ";
      placeholders += ", ";
    }
    column_list += columns[i];
    placeholders += "$" + std::to_string(i + 1);
  }
  CAIRN_ASSIGN_OR_RETURN(auto statement, connection.Prepare("INSERT INTO " + std::string(table) + " (" +
                                                            column_list + ") VALUES (" + placeholders + ")"));
  return BulkInserter(std::move(statement), std::string(table), std::move(column_list), columns.size());
}

Status BulkInserter::Add(const std::vector<Value>& row) {
  if (row.size() != column_count_) {
    return Status::InvalidArgument("bulk insert into " + table_ + " takes " + std::to_string(column_count_) +
                                   " values per row (" + column_list_ + "), but a row had " +
                                   std::to_string(row.size()));
  }
  CAIRN_RETURN_IF_ERROR(statement_->Reset());
  CAIRN_RETURN_IF_ERROR(statement_->BindAll(row));
  CAIRN_RETURN_IF_ERROR(statement_->Run());
  ++rows_added_;
  return Status::Ok();
}

}  // namespace cairn::store
