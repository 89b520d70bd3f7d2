// The promises of store/database.h, held on both backends: SQLite (a file) and PostgreSQL (a
// schema of its own in the throwaway cluster CTest starts). SQL here is written once, as Cairn's
// stores write it, and must mean the same on both.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "store/audit.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/postgres/postgres_database.h"
#include "store/test_database.h"

namespace cairn::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int64_t QueryCount(Connection& db, const std::string& sql) {
  auto stmt = db.Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status().message();
  if (!stmt.ok()) return -1;
  auto row = (*stmt)->Step();
  EXPECT_TRUE(row.ok() && *row);
  return row.ok() && *row ? (*stmt)->ColumnInt(0) : -1;
}

class BothBackendsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = database_.Open();
    ASSERT_NE(db_, nullptr);
    ASSERT_EQ(db_->backend_name(), BackendName(GetParam()));
  }

  std::unique_ptr<Connection> Another() const {
    auto other = Connection::Open(database_.target());
    EXPECT_TRUE(other.ok()) << other.status().message();
    return other.ok() ? std::move(other).value() : nullptr;
  }

  std::string QueryText(Connection& db, const std::string& sql) {
    auto stmt = db.Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().message();
    if (!stmt.ok()) return "<error>";
    auto has_row = (*stmt)->Step();
    EXPECT_TRUE(has_row.ok() && *has_row) << sql;
    return has_row.ok() && *has_row ? std::string((*stmt)->ColumnText(0)) : "<no row>";
  }
  int64_t QueryInt(Connection& db, const std::string& sql) { return std::stoll(QueryText(db, sql)); }
  int64_t QueryInt(const std::string& sql) { return QueryInt(*db_, sql); }

  TestDatabase database_{"cairn_both_", GetParam()};
  std::unique_ptr<Connection> db_;
};

TEST_P(BothBackendsTest, EveryBindTypeRoundTrips) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE v (k BIGINT, i BIGINT, r DOUBLE PRECISION, t TEXT, n TEXT)").ok());
  struct Row {
    int64_t i;
    double r;
    std::string t;
  };
  const std::vector<Row> rows = {{std::numeric_limits<int64_t>::min(), -1.5, "Zoë Ørsted"},
                                 {std::numeric_limits<int64_t>::max(), 1e300, "a 'quoted' \"text\"; -- not SQL"},
                                 {0, 0.1, ""}};
  auto insert = db_->Prepare("INSERT INTO v (k, i, r, t, n) VALUES ($1, $2, $3, $4, $5)");
  ASSERT_TRUE(insert.ok()) << insert.status().message();
  for (size_t k = 0; k < rows.size(); ++k) {
    ASSERT_TRUE((*insert)->Bind(1, static_cast<int64_t>(k)).ok());
    ASSERT_TRUE((*insert)->Bind(2, rows[k].i).ok());
    ASSERT_TRUE((*insert)->Bind(3, rows[k].r).ok());
    ASSERT_TRUE((*insert)->Bind(4, rows[k].t).ok());
    ASSERT_TRUE((*insert)->BindNull(5).ok());
    const Status ran = (*insert)->Run();
    ASSERT_TRUE(ran.ok()) << ran.message();
  }
  auto select = db_->Prepare("SELECT i, r, t, n FROM v ORDER BY k");
  ASSERT_TRUE(select.ok());
  Statement& s = **select;
  for (const Row& row : rows) {
    auto has_row = s.Step();
    ASSERT_TRUE(has_row.ok() && *has_row);
    EXPECT_EQ(s.ColumnCount(), 4);
    EXPECT_EQ(s.ColumnType(0), ValueType::kInteger);
    EXPECT_EQ(s.ColumnType(1), ValueType::kReal);
    EXPECT_EQ(s.ColumnType(2), ValueType::kText);
    EXPECT_EQ(s.ColumnType(3), ValueType::kNull);
    EXPECT_EQ(s.ColumnInt(0), row.i);
    EXPECT_EQ(s.ColumnDouble(1), row.r) << "a double comes back exactly";
    EXPECT_EQ(s.ColumnText(2), row.t);
    EXPECT_FALSE(s.ColumnIsNull(2)) << "an empty text must not become NULL";
    EXPECT_EQ(s.ColumnValue(0), Value(row.i));
    EXPECT_EQ(s.ColumnOptionalText(3), std::nullopt);
    EXPECT_EQ(s.ColumnInt(3), 0);
    EXPECT_EQ(s.ColumnText(3), "");
    EXPECT_TRUE(s.ColumnIsNull(4)) << "out of range reads as NULL";
  }
  auto done = s.Step();
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(*done);
}

// Bytes that are not text (chronology images) go into a BLOB (BYTEA) column and come back exactly,
// by INSERT and by RowCopy; on PostgreSQL such a query's rows come in the binary format, and its
// other columns must read as they would in the text format.
TEST_P(BothBackendsTest, BytesRoundTripAndTheRestOfTheirRowReadsAsUsual) {
  const std::string blob = db_->backend_name() == "postgresql" ? "BYTEA" : "BLOB";
  ASSERT_TRUE(db_->Execute("CREATE TABLE b (k BIGINT, i INTEGER, r DOUBLE PRECISION, t TEXT, f BOOLEAN, x " + blob +
                           ")").ok());
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
  const std::vector<std::string> values = {every_byte, "", std::string("\\x41", 3), std::string(100'000, '\0')};
  auto insert = db_->Prepare("INSERT INTO b (k, i, r, t, f, x) VALUES ($1, $2, $3, $4, $5, $6)");
  ASSERT_TRUE(insert.ok()) << insert.status().message();
  for (size_t k = 0; k < values.size(); ++k) {
    ASSERT_TRUE((*insert)->BindAll({static_cast<int64_t>(k), int64_t{-7}, -2.5, std::string("Zoë"), int64_t{1}}).ok());
    ASSERT_TRUE((*insert)->BindBytes(6, values[k]).ok());
    ASSERT_TRUE((*insert)->Run().ok());
  }
  auto copy = db_->PrepareCopy("b", {"k", "i", "r", "t", "f", "x"});
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  for (size_t k = 0; k < values.size(); ++k) {
    ASSERT_TRUE((*copy)->BindAll({static_cast<int64_t>(10 + k), int64_t{-7}, -2.5, std::string("Zoë"), int64_t{1}}).ok());
    ASSERT_TRUE((*copy)->BindBytes(6, values[k]).ok());
    ASSERT_TRUE((*copy)->Run().ok());
  }
  ASSERT_TRUE((*copy)->Flush().ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO b (k) VALUES (99)").ok());

  auto select = db_->Prepare("SELECT k, i, r, t, f, x FROM b ORDER BY k");
  ASSERT_TRUE(select.ok()) << select.status().message();
  for (size_t row = 0; row < 2 * values.size(); ++row) {
    auto has = (*select)->Step();
    ASSERT_TRUE(has.ok() && *has) << row;
    const size_t k = row % values.size();
    Statement& read = **select;
    EXPECT_EQ(read.ColumnInt(0), static_cast<int64_t>(row < values.size() ? k : 10 + k));
    EXPECT_EQ(read.ColumnType(1), ValueType::kInteger);
    EXPECT_EQ(read.ColumnInt(1), -7);
    EXPECT_EQ(read.ColumnText(1), "-7");
    EXPECT_EQ(read.ColumnDouble(2), -2.5);
    EXPECT_EQ(read.ColumnType(2), ValueType::kReal);
    EXPECT_EQ(read.ColumnText(3), "Zoë");
    EXPECT_EQ(read.ColumnInt(4), 1);
    EXPECT_EQ(read.ColumnBytes(5), values[k]) << row;
  }
  auto last = (*select)->Step();
  ASSERT_TRUE(last.ok() && *last);
  EXPECT_TRUE((*select)->ColumnIsNull(5));
  EXPECT_EQ((*select)->ColumnBytes(5), "");
  EXPECT_TRUE((*select)->ColumnIsNull(1));
  EXPECT_EQ((*select)->ColumnInt(1), 0);
}

TEST_P(BothBackendsTest, TextBindsIntoIntegerColumnsAndIntegersIntoText) {
  // SQLite takes any value anywhere; Cairn's code binds what it has, so PostgreSQL must too.
  ASSERT_TRUE(db_->Execute("CREATE TABLE m (n BIGINT, t TEXT)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO m (n, t) VALUES ($1, $2)", {std::string("7"), int64_t{2026}}).ok());
  EXPECT_EQ(QueryInt("SELECT n + 1 FROM m"), 8);
  EXPECT_EQ(QueryText(*db_, "SELECT t FROM m"), "2026");
}

TEST_P(BothBackendsTest, PlaceholdersAreOnlyWhereSqlSeesThem) {
  auto stmt = db_->Prepare("SELECT $2 || '-' || $1 || '-' || $2 || '$1' /* $3 */ -- $4\n");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  ASSERT_TRUE((*stmt)->Bind(1, "one").ok());
  ASSERT_TRUE((*stmt)->Bind(2, "two").ok());
  EXPECT_THAT((*stmt)->Bind(3, "three").message(), HasSubstr("its parameters are $1 to $2"));
  auto row = (*stmt)->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status().message();
  EXPECT_EQ((*stmt)->ColumnText(0), "two-one-two$1");

  // PostgreSQL must be able to tell every parameter's type, so all ten are used.
  auto ten = db_->Prepare("SELECT $10 || $9 || $8 || $7 || $6 || $5 || $4 || $3 || $2 || $1");
  ASSERT_TRUE(ten.ok()) << ten.status().message();
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE((*ten)->Bind(i, "p" + std::to_string(i)).ok());
  ASSERT_TRUE(*(*ten)->Step());
  EXPECT_EQ((*ten)->ColumnText(0), "p10p9p8p7p6p5p4p3p2p1") << "$10 is not $1 followed by a 0";
}

TEST_P(BothBackendsTest, PrepareTakesOneStatementAndNamesBadSql) {
  EXPECT_EQ(db_->Prepare("SELECT 1; SELECT 2").status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(db_->Prepare("SELECT 1;  -- and a comment").ok());
  const auto bad = db_->Prepare("SELEC 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("could not prepare SQL `SELEC 1`"));
  EXPECT_EQ(db_->Prepare("SELECT * FROM no_such_table").status().code(), Status::Code::kInvalidArgument);
}

TEST_P(BothBackendsTest, ExecuteScriptRunsEveryStatementAndStopsAtTheFirstFailure) {
  ASSERT_TRUE(db_->ExecuteScript("-- a script\nCREATE TABLE a (x BIGINT);\n"
                                 "INSERT INTO a VALUES (1);\n/* two; */ INSERT INTO a VALUES (2);\nSELECT * FROM a;")
                  .ok());
  EXPECT_EQ(QueryInt("SELECT sum(x) FROM a"), 3);
  const Status status = db_->ExecuteScript("INSERT INTO a VALUES (3); INSERT INTO b VALUES (4); INSERT INTO a VALUES (5);");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("INSERT INTO b"));
  EXPECT_EQ(QueryInt("SELECT sum(x) FROM a"), 6) << "the statement before the failure stays, the one after never runs";
  EXPECT_TRUE(db_->ExecuteScript("").ok());
  EXPECT_EQ(db_->ExecuteScript("INSERT INTO a VALUES ($1)").code(), Status::Code::kInvalidArgument);
}

TEST_P(BothBackendsTest, ConstraintsGiveTheSameCodes) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE s (key TEXT PRIMARY KEY, other TEXT UNIQUE);"
                                 "CREATE TABLE r (key TEXT NOT NULL REFERENCES s(key))")
                  .ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO s VALUES ('a', 'x')").ok());
  EXPECT_EQ(db_->Execute("INSERT INTO s VALUES ('a', 'y')").code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(db_->Execute("INSERT INTO s VALUES ('b', 'x')").code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(db_->Execute("INSERT INTO r VALUES (NULL)").code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(db_->Execute("INSERT INTO r VALUES ('nowhere')").code(), Status::Code::kFailedPrecondition);
  EXPECT_TRUE(db_->Execute("INSERT INTO r VALUES ('a')").ok());
}

TEST_P(BothBackendsTest, AStatementRunsAgainAfterRebindingAndAfterItsLastRow) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (x BIGINT)").ok());
  auto insert = db_->Prepare("INSERT INTO t VALUES ($1)");
  ASSERT_TRUE(insert.ok());
  for (int64_t i = 1; i <= 3; ++i) {
    ASSERT_TRUE((*insert)->Bind(1, i).ok());
    ASSERT_TRUE((*insert)->Run().ok());
  }
  ASSERT_TRUE((*insert)->Reset().ok());
  ASSERT_TRUE((*insert)->Run().ok()) << "the last binding is kept across Reset";
  EXPECT_EQ(QueryInt("SELECT sum(x) FROM t"), 1 + 2 + 3 + 3);

  auto count = db_->Prepare("SELECT count(*) FROM t WHERE x >= $1");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE((*count)->Bind(1, 3).ok());
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(*(*count)->Step());
    EXPECT_EQ((*count)->ColumnInt(0), 2);
    EXPECT_FALSE(*(*count)->Step()) << "then done, and stepping again runs it from the start";
  }
}

TEST_P(BothBackendsTest, TheSameSqlTwiceAtOnceRunsIndependently) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (v BIGINT); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)").ok());
  auto outer = db_->Prepare("SELECT v FROM t ORDER BY v");
  auto inner = db_->Prepare("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(outer.ok() && inner.ok());
  ASSERT_TRUE(*(*outer)->Step());
  ASSERT_TRUE(*(*inner)->Step());
  ASSERT_TRUE(*(*inner)->Step());
  EXPECT_EQ((*outer)->ColumnInt(0), 1);
  EXPECT_EQ((*inner)->ColumnInt(0), 2);
}

TEST_P(BothBackendsTest, TableExistsSeesTablesAndViewsWhateverTheCase) {
  for (const char* name : {"child", "CHILD", "schema_migrations"}) {
    auto exists = db_->TableExists(name);
    ASSERT_TRUE(exists.ok()) << exists.status().message();
    EXPECT_TRUE(*exists) << name;
  }
  ASSERT_TRUE(db_->Execute("CREATE VIEW child_view AS SELECT id FROM child").ok());
  EXPECT_TRUE(db_->TableExists("child_view").value_or(false));
  EXPECT_FALSE(db_->TableExists("children").value_or(true));
}

TEST_P(BothBackendsTest, LastInsertIdIsTheNewRowsIdOnCairnsSchema) {
  auto transaction = Transaction::Begin(*db_);
  ASSERT_TRUE(transaction.ok());
  for (const char* id : {"A1", "A2"}) {
    ASSERT_TRUE(db_->Execute("INSERT INTO child (la_child_id, created_at, updated_at) VALUES ($1, 'now', 'now')",
                             {std::string(id)})
                    .ok());
    EXPECT_EQ(db_->LastInsertId(), QueryInt("SELECT max(id) FROM child")) << id;
  }
  ASSERT_TRUE(transaction->Commit().ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM child"), 2) << "reading the id left the transaction whole";
}

TEST_P(BothBackendsTest, TransactionsAreAllOrNothingAndDoNotNest) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (x BIGINT)").ok());
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    EXPECT_TRUE(db_->InTransaction());
    EXPECT_FALSE(db_->Begin().ok()) << "transactions do not nest";
    ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (1)").ok());
    auto other = Another();
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(QueryInt(*other, "SELECT count(*) FROM t"), 0) << "another connection sees only committed data";
  }
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM t"), 0) << "destroyed without commit: rolled back";
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  auto other = Another();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(QueryInt(*other, "SELECT sum(x) FROM t"), 2);
  EXPECT_TRUE(db_->Rollback().ok()) << "a rollback with nothing open is fine";
}

TEST_P(BothBackendsTest, BulkInserterAddsRowsAndRefusesBadShapes) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE b (a BIGINT PRIMARY KEY, t TEXT)").ok());
  auto inserter = BulkInserter::Create(*db_, "b", {"a", "t"});
  ASSERT_TRUE(inserter.ok()) << inserter.status().message();
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    for (int64_t i = 0; i < 500; ++i) ASSERT_TRUE(inserter->Add({i, "row " + std::to_string(i)}).ok());
    EXPECT_EQ(inserter->Add({int64_t{1}}).code(), Status::Code::kInvalidArgument);
    ASSERT_TRUE(transaction->Commit().ok());
  }
  EXPECT_EQ(inserter->rows_added(), 500);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM b"), 500);
  EXPECT_EQ(BulkInserter::Create(*db_, "b; DROP TABLE b", {"a"}).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(BothBackendsTest, RowCopyLoadsEveryKindOfValueAsInsertWould) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE v (k BIGINT PRIMARY KEY, r DOUBLE PRECISION, t TEXT)").ok());
  // What COPY's text format treats specially: its separators, its escape and its NULL marker.
  const std::vector<std::string> texts = {"tab\there",  "line\nbreak", "back\\slash", "\\N", "\\.",
                                          "cr\rhere",   "",             "Zoë Ørsted",    "\\t literally"};
  auto copy = db_->PrepareCopy("v", {"k", "r", "t"});
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE((*copy)->Bind(1, static_cast<int64_t>(i)).ok());
    ASSERT_TRUE((*copy)->Bind(2, 0.1 * static_cast<double>(i)).ok());
    ASSERT_TRUE((*copy)->Bind(3, texts[i]).ok());
    ASSERT_TRUE((*copy)->Run().ok());
  }
  ASSERT_TRUE((*copy)->Bind(1, int64_t{100}).ok());
  ASSERT_TRUE((*copy)->BindNull(2).ok());
  ASSERT_TRUE((*copy)->BindNull(3).ok());
  ASSERT_TRUE((*copy)->Run().ok());
  ASSERT_TRUE((*copy)->Flush().ok());
  ASSERT_TRUE((*copy)->Flush().ok()) << "flushing nothing is fine";

  auto read = db_->Prepare("SELECT k, r, t FROM v ORDER BY k");
  ASSERT_TRUE(read.ok());
  for (size_t i = 0; i < texts.size(); ++i) {
    auto row = (*read)->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*read)->ColumnInt(0), static_cast<int64_t>(i));
    EXPECT_DOUBLE_EQ((*read)->ColumnDouble(1), 0.1 * static_cast<double>(i));
    EXPECT_FALSE((*read)->ColumnIsNull(2)) << i;
    EXPECT_EQ((*read)->ColumnText(2), texts[i]) << i;
  }
  auto last = (*read)->Step();
  ASSERT_TRUE(last.ok() && *last);
  EXPECT_TRUE((*read)->ColumnIsNull(1));
  EXPECT_TRUE((*read)->ColumnIsNull(2)) << "NULL stays NULL, apart from the text \\N";
}

TEST_P(BothBackendsTest, RowCopyRefusesBadNamesAndReportsARefusedRow) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE v (k BIGINT PRIMARY KEY)").ok());
  EXPECT_EQ(db_->PrepareCopy("v; DROP TABLE v", {"k"}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(db_->PrepareCopy("v", {"k\"x"}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(db_->PrepareCopy("v", {}).status().code(), Status::Code::kInvalidArgument);

  auto transaction = Transaction::Begin(*db_);
  ASSERT_TRUE(transaction.ok());
  auto copy = db_->PrepareCopy("v", {"k"});
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ((*copy)->Bind(2, int64_t{1}).code(), Status::Code::kInvalidArgument) << "there is one column";
  Status outcome = Status::Ok();
  for (int64_t k : {1, 2, 2}) {
    ASSERT_TRUE((*copy)->Bind(1, k).ok());
    outcome = (*copy)->Run();
    if (!outcome.ok()) break;
  }
  if (outcome.ok()) outcome = (*copy)->Flush();  // PostgreSQL hears of the clash when the rows are sent
  EXPECT_EQ(outcome.code(), Status::Code::kAlreadyExists) << outcome.message();
  EXPECT_THAT(outcome.message(), HasSubstr("v"));
}

// Copies into several tables at once, each sending its rows as its buffer fills (on PostgreSQL a
// COPY left open for the next chunk), with statements between: nothing is lost, every count is
// exact after the flushes, and a row refused in a chunk already sent is reported, not dropped.
TEST_P(BothBackendsTest, RowCopiesOfSeveralTablesInterleaveWithStatements) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE a (k BIGINT PRIMARY KEY, t TEXT)").ok());
  ASSERT_TRUE(db_->Execute("CREATE TABLE b (k BIGINT PRIMARY KEY, t TEXT)").ok());
  auto transaction = Transaction::Begin(*db_);
  ASSERT_TRUE(transaction.ok());
  auto into_a = db_->PrepareCopy("a", {"k", "t"});
  auto into_b = db_->PrepareCopy("b", {"k", "t"});
  ASSERT_TRUE(into_a.ok() && into_b.ok());
  const std::string text(300, 'x');  // 30,000 rows of each: several chunks of a few megabytes
  constexpr int64_t kRows = 30000;
  for (int64_t k = 0; k < kRows; ++k) {
    ASSERT_TRUE((*into_a)->BindAll({k, text}).ok());
    ASSERT_TRUE((*into_a)->Run().ok()) << k;
    ASSERT_TRUE((*into_b)->BindAll({k, text + "b"}).ok());
    ASSERT_TRUE((*into_b)->Run().ok()) << k;
    if (k == kRows / 2) {
      // A statement between sends: what was sent is there, and the copies carry on.
      auto count = db_->Prepare("SELECT count(*) FROM a");
      ASSERT_TRUE(count.ok()) << count.status().message();
      auto row = (*count)->Step();
      ASSERT_TRUE(row.ok() && *row) << row.status().message();
      EXPECT_LE((*count)->ColumnInt(0), k + 1);
    }
  }
  ASSERT_TRUE((*into_a)->Flush().ok());
  ASSERT_TRUE((*into_b)->Flush().ok());
  for (const char* table : {"a", "b"}) {
    auto count = db_->Prepare(std::string("SELECT count(*), sum(k) FROM ") + table);
    ASSERT_TRUE(count.ok());
    auto row = (*count)->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*count)->ColumnInt(0), kRows) << table;
    EXPECT_EQ((*count)->ColumnInt(1), kRows * (kRows - 1) / 2) << table;
  }
  ASSERT_TRUE(transaction->Commit().ok());

  // A clash early in a long copy: reported by the flush (or, on SQLite, by the row itself).
  auto again = Transaction::Begin(*db_);
  ASSERT_TRUE(again.ok());
  auto clash = db_->PrepareCopy("a", {"k", "t"});
  ASSERT_TRUE(clash.ok());
  Status outcome = Status::Ok();
  for (int64_t k = kRows - 1; k < 2 * kRows && outcome.ok(); ++k) {
    outcome = (*clash)->BindAll({k, text});
    if (outcome.ok()) outcome = (*clash)->Run();
  }
  if (outcome.ok()) outcome = (*clash)->Flush();
  EXPECT_EQ(outcome.code(), Status::Code::kAlreadyExists) << outcome.message();
  EXPECT_THAT(outcome.message(), HasSubstr("a"));
}

TEST_P(BothBackendsTest, MigrationsApplyOnceAndRecordTheTextTheyRan) {
  auto migrations = BuiltInMigrations();
  ASSERT_TRUE(migrations.ok());
  auto again = Migrate(*db_, *migrations);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->already_applied.size(), migrations->size());
  const Migration& last = migrations->back();
  const std::string recorded =
      QueryText(*db_, "SELECT checksum FROM schema_migrations WHERE version = " + std::to_string(last.version));
  EXPECT_EQ(recorded, GetParam() == Backend::kSqlite ? last.checksum : last.postgresql_checksum);

  std::vector<Migration> changed = *migrations;
  changed.back().sql += "\n-- changed";
  changed.back().postgresql_sql += "\n-- changed";
  changed.back().checksum = std::string(64, '0');
  changed.back().postgresql_checksum = std::string(64, '0');
  EXPECT_EQ(Migrate(*db_, changed).status().code(), Status::Code::kDataLoss);
}

TEST_P(BothBackendsTest, ChangingWhoMaySeeWhatMovesTheAccessGeneration) {
  const int64_t before = QueryInt("SELECT n FROM access_generation");
  ASSERT_TRUE(db_->Execute("INSERT INTO app_user (username, role, password_hash, created_at, updated_at) "
                           "VALUES ('a.worker', 'social-worker', 'x', 'now', 'now')")
                  .ok());
  EXPECT_EQ(QueryInt("SELECT n FROM access_generation"), before + 1);
  ASSERT_TRUE(db_->Execute("UPDATE app_user SET failed_logins = 1 WHERE username = 'a.worker'").ok());
  EXPECT_EQ(QueryInt("SELECT n FROM access_generation"), before + 1) << "a failed sign-in is not a change of access";
  ASSERT_TRUE(db_->Execute("UPDATE app_user SET disabled = 1 WHERE username = 'a.worker'").ok());
  EXPECT_EQ(QueryInt("SELECT n FROM access_generation"), before + 2);
}

CAIRN_TEST_ON_BOTH_BACKENDS(BothBackendsTest);

// What only PostgreSQL does, held to Cairn's promises.
class PostgresOnlyTest : public ::testing::Test {
 protected:
  TestDatabase database_{"cairn_pg_", Backend::kPostgres};
  std::unique_ptr<Connection> db_ = database_.Open();
};

TEST_F(PostgresOnlyTest, TextWithANulByteIsRefusedNotCut) {
  ASSERT_NE(db_, nullptr);
  auto stmt = db_->Prepare("SELECT $1");
  ASSERT_TRUE(stmt.ok());
  const Status bound = (*stmt)->Bind(1, std::string_view("a\0b", 3));
  EXPECT_EQ(bound.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(bound.message(), HasSubstr("NUL byte"));
}

TEST_F(PostgresOnlyTest, ACommitAfterAFailedStatementSaysSoInsteadOfRollingBackQuietly) {
  ASSERT_NE(db_, nullptr);
  ASSERT_TRUE(db_->Execute("CREATE TABLE u (x BIGINT PRIMARY KEY)").ok());
  auto transaction = Transaction::Begin(*db_);
  ASSERT_TRUE(transaction.ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO u VALUES (1)").ok());
  EXPECT_EQ(db_->Execute("INSERT INTO u VALUES (1)").code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(transaction->Commit().code(), Status::Code::kFailedPrecondition);
}

TEST_F(PostgresOnlyTest, AMissingDatabaseIsNotFoundAndThePasswordIsNeverEchoed) {
  const std::string base = TestPostgresUrl();
  ASSERT_FALSE(base.empty());
  std::string url = base;
  url.replace(url.find("/cairn?"), 7, "/no_such_database?");
  url.replace(url.find("cairn@"), 6, "cairn:s3cret-Passw0rd@");
  const auto opened = Connection::OpenExisting(url);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(opened.status().message(), Not(HasSubstr("s3cret")));
}

// The server ends a connection (PostgreSQL restarted, an administrator's pg_terminate_backend):
// the next statement fails plainly, the connection says it is lost, and the audit writer of a
// running server opens a new one for its next rows rather than failing for ever.
TEST(PostgresConnectionLost, IsReportedAndTheAuditWriterReconnects) {
  TestDatabase database("cairn_lost_", Backend::kPostgres);
  std::unique_ptr<Connection> admin = database.Open();
  ASSERT_NE(admin, nullptr);
  const std::string name = "cairn_lost_" + std::to_string(::getpid());
  const std::string target = database.target() + "&application_name=" + name;
  auto terminate = [&] {
    auto ended = admin->Prepare("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1");
    ASSERT_TRUE(ended.ok()) << ended.status().message();
    ASSERT_TRUE((*ended)->Bind(1, name).ok());
    auto row = (*ended)->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*ended)->ColumnInt(0), 1);
  };

  auto doomed = Connection::Open(target);
  ASSERT_TRUE(doomed.ok()) << doomed.status().message();
  EXPECT_FALSE((*doomed)->lost());
  terminate();
  Status after = (*doomed)->Execute("SELECT 1");
  EXPECT_EQ(after.code(), Status::Code::kIoError) << after.message();
  EXPECT_TRUE((*doomed)->lost());
  doomed->reset();

  auto writer = GroupAuditWriter::Open(target);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  AuditEntry entry;
  entry.actor = "tester";
  entry.action = "read";
  ASSERT_TRUE((*writer)->Append(entry).ok());
  terminate();
  EXPECT_FALSE((*writer)->Append(entry).ok()) << "the row met the lost connection";
  ASSERT_TRUE((*writer)->Append(entry).ok()) << "the next row goes through a new connection";
  EXPECT_EQ(QueryCount(*admin, "SELECT count(*) FROM audit_log"), 2);
  auto verdict = VerifyAudit(*admin);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->intact) << verdict->problem;
}

TEST(PostgresSchemaTest, AdaptsSqliteTypesOutsideLiteralsAndComments) {
  // Declared in postgres_database.h; tested through the migrations it adapts above and here.
  EXPECT_EQ(postgres::AdaptSchema("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, r REAL, "
                                  "s TEXT DEFAULT 'INTEGER') -- INTEGER"),
            "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT, r DOUBLE PRECISION, "
            "s TEXT DEFAULT 'INTEGER') -- INTEGER");
  EXPECT_EQ(postgres::AdaptSchema("CREATE TABLE p (integers_seen integer, a INTEGER NOT NULL, PRIMARY KEY (a))"),
            "CREATE TABLE p (integers_seen BIGINT, a BIGINT NOT NULL, PRIMARY KEY (a))");
  EXPECT_EQ(postgres::AdaptSchema("ALTER TABLE e ADD COLUMN c INTEGER REFERENCES child(id);"),
            "ALTER TABLE e ADD COLUMN c BIGINT REFERENCES child(id) DEFERRABLE INITIALLY IMMEDIATE;");
  // A key that is not the row's own id stays a plain BIGINT (chronology_image.child_id), and BLOB is BYTEA.
  EXPECT_EQ(postgres::AdaptSchema("CREATE TABLE i (child_id INTEGER NOT NULL PRIMARY KEY, image BLOB NOT NULL)"),
            "CREATE TABLE i (child_id BIGINT NOT NULL PRIMARY KEY, image BYTEA NOT NULL)");
}

}  // namespace
}  // namespace cairn::store
