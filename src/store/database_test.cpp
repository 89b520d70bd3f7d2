#include "store/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <thread>

#include "store/migrations.h"
#include "store/sqlite/sqlite_database.h"

namespace cairn::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A fresh folder per test, removed with everything in it (database, -wal and -shm files).
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("cairn_store_" + std::string(info->name()) + "_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("cairn.db");
    auto db = Connection::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  // The single value `sql` returns, as text.
  std::string QueryText(const std::string& sql) {
    auto stmt = db_->Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok()) return "<error>";
    auto has_row = (*stmt)->Step();
    EXPECT_TRUE(has_row.ok() && *has_row) << sql;
    return std::string((*stmt)->ColumnText(0));
  }
  int64_t QueryInt(const std::string& sql) { return std::stoll(QueryText(sql)); }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Connection> db_;
};

TEST_F(DatabaseTest, OpenCreatesTheFileAndDataSurvivesReopening) {
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_EQ(db_->backend_name(), "sqlite");
  ASSERT_TRUE(db_->Execute("CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO team (id, name) VALUES ($1, $2)", {int64_t{7}, std::string("Assessment")}).ok());
  db_.reset();

  auto reopened = Connection::OpenExisting(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto stmt = (*reopened)->Prepare("SELECT name FROM team WHERE id = $1");
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  ASSERT_TRUE((*stmt)->Bind(1, int64_t{7}).ok());
  auto has_row = (*stmt)->Step();
  ASSERT_TRUE(has_row.ok() && *has_row);
  EXPECT_EQ((*stmt)->ColumnText(0), "Assessment");
}

TEST(ConnectionTest, OpenExistingRefusesAMissingFile) {
  TempDir dir;
  const std::string path = dir.File("missing.db");
  auto db = Connection::OpenExisting(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(db.status().message(), "no Cairn database at " + path + " (run `cairn init --db " + path + "` first)");
  EXPECT_FALSE(std::filesystem::exists(path)) << "OpenExisting must not create the file";
}

TEST(ConnectionTest, OpenInAMissingFolderNamesTheFolder) {
  TempDir dir;
  const std::string path = dir.File("no_such_folder/cairn.db");
  auto db = Connection::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_THAT(db.status().message(), HasSubstr("could not open the SQLite database at " + path));
  EXPECT_THAT(db.status().message(), HasSubstr("does not exist"));
}

TEST(ConnectionTest, OpenRefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.File("notes.db");
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs("These are not the droids you are looking for, and this is not a SQLite file at all.\n", file);
    std::fclose(file);
  }
  auto db = Connection::OpenExisting(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kDataLoss);
  EXPECT_THAT(db.status().message(), HasSubstr("file is not a database"));
  EXPECT_THAT(db.status().message(), HasSubstr(path));
}

// A PostgreSQL URL goes to PostgreSQL, whatever the scheme's case; a server that is not there is
// an IoError, and the password in the URL is never in the message.
TEST(ConnectionTest, APostgresUrlThatReachesNoServerIsAnIoErrorThatHidesThePassword) {
  for (const std::string url : {"postgresql://cairn:s3cret@/cairn?host=/nonexistent-cairn-socket",
                                "postgres://cairn:s3cret@/cairn?host=/nonexistent-cairn-socket",
                                "PostgreSQL://cairn:s3cret@/cairn?host=/nonexistent-cairn-socket"}) {
    for (const Status& status : {Connection::Open(url).status(), Connection::OpenExisting(url).status()}) {
      EXPECT_EQ(status.code(), Status::Code::kIoError) << url << ": " << status.message();
      EXPECT_THAT(status.message(), HasSubstr("could not connect to PostgreSQL"));
      EXPECT_THAT(status.message(), Not(HasSubstr("s3cret")));
    }
  }
  const Status malformed = Connection::Open("postgresql://cairn:s3cret@/cairn?no_such_option=1").status();
  EXPECT_FALSE(malformed.ok());
  EXPECT_THAT(malformed.message(), Not(HasSubstr("s3cret")));
}

TEST(ConnectionTest, EmptyPathIsRefused) {
  auto db = Connection::Open("");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kInvalidArgument);
}

TEST(ConnectionTest, InMemoryDatabaseWorks) {
  auto db = Connection::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE((*db)->Execute("CREATE TABLE t (x INTEGER)").ok());
}

TEST_F(DatabaseTest, PragmasAreSetUp) {
  EXPECT_EQ(QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryInt("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(QueryInt("PRAGMA synchronous"), 1);  // NORMAL
}

// A write waits for another connection's write to finish rather than failing: Cairn's own busy
// handler (which PRAGMA busy_timeout does not show) tries again for up to 5 seconds.
TEST_F(DatabaseTest, AWriteWaitsForAnotherToFinish) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE note (id INTEGER PRIMARY KEY)").ok());
  auto other = Connection::Open(path_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->ExecuteScript("BEGIN IMMEDIATE; INSERT INTO note (id) VALUES (1)").ok());
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE((*other)->ExecuteScript("COMMIT").ok());
  });
  const Status waited = db_->Execute("INSERT INTO note (id) VALUES (2)");
  releaser.join();
  EXPECT_TRUE(waited.ok()) << waited.message();
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM note"), 2);
}

// A bulk transaction writes through a rollback journal (each page once) and puts the
// write-ahead log back after it, whether it commits or rolls back.
TEST_F(DatabaseTest, ABulkTransactionUsesARollbackJournalUntilItEnds) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE note (id INTEGER PRIMARY KEY)").ok());
  {
    auto bulk = Transaction::BeginBulk(*db_);
    ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
    EXPECT_EQ(QueryText("PRAGMA journal_mode"), "truncate");
    EXPECT_EQ(QueryInt("PRAGMA synchronous"), 2);  // FULL while the journal is a rollback one
    ASSERT_TRUE(db_->Execute("INSERT INTO note (id) VALUES (1)").ok());
    ASSERT_TRUE(bulk->Commit().ok());
  }
  EXPECT_EQ(QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryInt("PRAGMA synchronous"), 1);
  {
    auto bulk = Transaction::BeginBulk(*db_);
    ASSERT_TRUE(bulk.ok());
    ASSERT_TRUE(db_->Execute("INSERT INTO note (id) VALUES (2)").ok());
  }  // rolled back
  EXPECT_EQ(QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM note"), 1);
}

// Another connection on the file keeps the write-ahead log: SQLite cannot leave it then, and
// the bulk transaction is an ordinary one.
TEST_F(DatabaseTest, ABulkTransactionKeepsTheLogWhenAnotherConnectionIsOpen) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE note (id INTEGER PRIMARY KEY)").ok());
  auto other = Connection::Open(path_);
  ASSERT_TRUE(other.ok());
  auto reader = (*other)->Prepare("SELECT COUNT(*) FROM note");
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Step().ok());  // holds the file open with a read under way
  auto bulk = Transaction::BeginBulk(*db_);
  ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
  EXPECT_EQ(QueryText("PRAGMA journal_mode"), "wal");
  ASSERT_TRUE(db_->Execute("INSERT INTO note (id) VALUES (1)").ok());
  ASSERT_TRUE(bulk->Commit().ok());
  reader->reset();
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM note"), 1);
}

TEST_F(DatabaseTest, ForeignKeysAreEnforced) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE team (id INTEGER PRIMARY KEY);"
                                 "CREATE TABLE worker (id INTEGER PRIMARY KEY, team_id INTEGER NOT NULL REFERENCES team(id));")
                  .ok());
  const Status status = db_->Execute("INSERT INTO worker (id, team_id) VALUES (1, $1)", {int64_t{99}});
  EXPECT_EQ(status.code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("FOREIGN KEY constraint failed"));
  EXPECT_THAT(status.message(), HasSubstr("INSERT INTO worker"));
}

TEST_F(DatabaseTest, DoubleQuotedTextIsAnIdentifierNeverAString) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (x TEXT)").ok());
  auto stmt = db_->Prepare("SELECT x FROM t WHERE x = \"no_such_column\"");
  ASSERT_FALSE(stmt.ok());
  EXPECT_THAT(stmt.status().message(), HasSubstr("no_such_column"));
}

TEST_F(DatabaseTest, EveryBindTypeRoundTrips) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE v (i INTEGER, r REAL, t TEXT, n TEXT)").ok());
  const std::string with_nul("a\0b", 3);
  struct Row {
    int64_t i;
    double r;
    std::string t;
  };
  const Row rows[] = {{std::numeric_limits<int64_t>::min(), -1.5, "Zoë Ørsted"},
                      {std::numeric_limits<int64_t>::max(), 1e300, with_nul},
                      {0, 0.0, ""}};
  auto insert = db_->Prepare("INSERT INTO v (i, r, t, n) VALUES ($1, $2, $3, $4)");
  ASSERT_TRUE(insert.ok()) << insert.status().ToString();
  for (const Row& row : rows) {
    ASSERT_TRUE((*insert)->Bind(1, row.i).ok());
    ASSERT_TRUE((*insert)->Bind(2, row.r).ok());
    ASSERT_TRUE((*insert)->Bind(3, row.t).ok());
    ASSERT_TRUE((*insert)->BindNull(4).ok());
    ASSERT_TRUE((*insert)->Run().ok());
  }

  auto select = db_->Prepare("SELECT i, r, t, n FROM v ORDER BY rowid");
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
    EXPECT_EQ(s.ColumnDouble(1), row.r);
    EXPECT_EQ(s.ColumnText(2), row.t);
    EXPECT_FALSE(s.ColumnIsNull(2)) << "an empty text must not become NULL";
    EXPECT_TRUE(s.ColumnIsNull(3));
    EXPECT_EQ(s.ColumnValue(0), Value(row.i));
    EXPECT_EQ(s.ColumnValue(1), Value(row.r));
    EXPECT_EQ(s.ColumnValue(2), Value(row.t));
    EXPECT_EQ(s.ColumnValue(3), Value(std::monostate{}));
    EXPECT_EQ(s.ColumnOptionalText(2), std::optional<std::string>(row.t));
    EXPECT_EQ(s.ColumnOptionalText(3), std::nullopt);
    // NULL reads as zero or empty.
    EXPECT_EQ(s.ColumnInt(3), 0);
    EXPECT_EQ(s.ColumnDouble(3), 0.0);
    EXPECT_EQ(s.ColumnText(3), "");
    // Out of range reads as NULL rather than crashing.
    EXPECT_TRUE(s.ColumnIsNull(4));
    EXPECT_EQ(s.ColumnText(-1), "");
  }
  auto done = s.Step();
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(*done);
}

TEST_F(DatabaseTest, UnownedTextIsReadWhereItLiesWhenTheStatementRuns) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE v (t TEXT)").ok());
  auto insert = db_->Prepare("INSERT INTO v (t) VALUES ($1)");
  ASSERT_TRUE(insert.ok());
  std::string scratch;
  for (const char* text : {"first", "", "third, a longer one"}) {
    scratch = text;
    ASSERT_TRUE((*insert)->BindUnowned(1, scratch).ok());
    ASSERT_TRUE((*insert)->Run().ok());
  }
  EXPECT_EQ((*insert)->BindUnowned(2, scratch).code(), Status::Code::kInvalidArgument);
  auto select = db_->Prepare("SELECT group_concat(t, '|') FROM v ORDER BY rowid");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*(*select)->Step());
  EXPECT_EQ((*select)->ColumnText(0), "first||third, a longer one");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM v WHERE t IS NULL"), 0) << "empty text is '', never NULL";
}

TEST_F(DatabaseTest, ConvenienceBindsRoundTrip) {
  auto stmt = db_->Prepare("SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10");
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  Statement& s = **stmt;
  const std::string owned = "owned";
  ASSERT_TRUE(s.Bind(1, 42).ok());                                       // int
  ASSERT_TRUE(s.Bind(2, "literal").ok());                                // const char*
  ASSERT_TRUE(s.Bind(3, owned).ok());                                    // std::string
  ASSERT_TRUE(s.Bind(4, std::string_view()).ok());                       // empty view, data() == nullptr
  ASSERT_TRUE(s.Bind(5, std::optional<int64_t>()).ok());                 // empty optional
  ASSERT_TRUE(s.Bind(6, std::optional<std::string>("present")).ok());    // full optional
  ASSERT_TRUE(s.Bind(7, Value()).ok());                                  // Value NULL
  ASSERT_TRUE(s.Bind(8, Value(2.25)).ok());                              // Value real
  ASSERT_TRUE(s.BindAll({}).ok());
  ASSERT_TRUE(s.Bind(9, Value(int64_t{-3})).ok());
  {
    std::string temporary = "copied at bind time";
    ASSERT_TRUE(s.Bind(10, temporary).ok());
    temporary.assign(temporary.size(), 'x');
  }
  auto has_row = s.Step();
  ASSERT_TRUE(has_row.ok() && *has_row);
  EXPECT_EQ(s.ColumnInt(0), 42);
  EXPECT_EQ(s.ColumnText(1), "literal");
  EXPECT_EQ(s.ColumnText(2), "owned");
  EXPECT_EQ(s.ColumnType(3), ValueType::kText);
  EXPECT_EQ(s.ColumnText(3), "");
  EXPECT_TRUE(s.ColumnIsNull(4));
  EXPECT_EQ(s.ColumnText(5), "present");
  EXPECT_TRUE(s.ColumnIsNull(6));
  EXPECT_EQ(s.ColumnDouble(7), 2.25);
  EXPECT_EQ(s.ColumnInt(8), -3);
  EXPECT_EQ(s.ColumnText(9), "copied at bind time");
}

TEST_F(DatabaseTest, BindAllBindsInOrder) {
  auto stmt = db_->Prepare("SELECT $1, $2, $3");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE((*stmt)->BindAll({int64_t{1}, std::string("two"), 3.5}).ok());
  auto has_row = (*stmt)->Step();
  ASSERT_TRUE(has_row.ok() && *has_row);
  EXPECT_EQ((*stmt)->ColumnValue(0), Value(int64_t{1}));
  EXPECT_EQ((*stmt)->ColumnValue(1), Value(std::string("two")));
  EXPECT_EQ((*stmt)->ColumnValue(2), Value(3.5));
  const Status too_many = (*stmt)->BindAll({int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}});
  EXPECT_EQ(too_many.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(too_many.message(), HasSubstr("$4"));
}

TEST_F(DatabaseTest, TheSamePlaceholderTwiceTakesOneValue) {
  auto stmt = db_->Prepare("SELECT $1, $1 || '!'");
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  ASSERT_TRUE((*stmt)->Bind(1, "hello").ok());
  auto has_row = (*stmt)->Step();
  ASSERT_TRUE(has_row.ok() && *has_row);
  EXPECT_EQ((*stmt)->ColumnText(0), "hello");
  EXPECT_EQ((*stmt)->ColumnText(1), "hello!");
  EXPECT_FALSE((*stmt)->Bind(2, "nothing").ok());
}

TEST_F(DatabaseTest, DollarTenIsNotDollarOne) {
  auto stmt = db_->Prepare("SELECT $10, $1, $2");
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE((*stmt)->Bind(i, int64_t{i * 100}).ok()) << i;
  auto has_row = (*stmt)->Step();
  ASSERT_TRUE(has_row.ok() && *has_row);
  EXPECT_EQ((*stmt)->ColumnInt(0), 1000);
  EXPECT_EQ((*stmt)->ColumnInt(1), 100);
  EXPECT_EQ((*stmt)->ColumnInt(2), 200);
  EXPECT_FALSE((*stmt)->Bind(11, int64_t{0}).ok());
}

TEST_F(DatabaseTest, PlaceholderInsideAStringLiteralStaysLiteral) {
  auto stmt = db_->Prepare("SELECT '$1', 'it''s $2', $1");
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  ASSERT_TRUE((*stmt)->Bind(1, "bound").ok());
  const Status no_second = (*stmt)->Bind(2, "x");
  EXPECT_EQ(no_second.code(), Status::Code::kInvalidArgument);
  auto has_row = (*stmt)->Step();
  ASSERT_TRUE(has_row.ok() && *has_row);
  EXPECT_EQ((*stmt)->ColumnText(0), "$1");
  EXPECT_EQ((*stmt)->ColumnText(1), "it's $2");
  EXPECT_EQ((*stmt)->ColumnText(2), "bound");
}

TEST_F(DatabaseTest, PlaceholderInsideAQuotedIdentifierStaysLiteral) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE odd (\"$1\" TEXT, \"a\"\"$2\" TEXT)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO odd (\"$1\", \"a\"\"$2\") VALUES ($1, $2)", {std::string("one"), std::string("two")})
                  .ok());
  EXPECT_EQ(QueryText("SELECT \"$1\" FROM odd"), "one");
  EXPECT_EQ(QueryText("SELECT \"a\"\"$2\" FROM odd"), "two");
}

TEST_F(DatabaseTest, PlaceholdersInsideCommentsStayLiteral) {
  auto stmt = db_->Prepare(
      "SELECT $1 -- not $3 here\n"
      "  , /* nor $4 here */ $2");
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  ASSERT_TRUE((*stmt)->Bind(1, "a").ok());
  ASSERT_TRUE((*stmt)->Bind(2, "b").ok());
  EXPECT_FALSE((*stmt)->Bind(3, "c").ok());
  auto has_row = (*stmt)->Step();
  ASSERT_TRUE(has_row.ok() && *has_row);
  EXPECT_EQ((*stmt)->ColumnText(0), "a");
  EXPECT_EQ((*stmt)->ColumnText(1), "b");
}

TEST(RewritePlaceholdersTest, RewritesOnlyRealPlaceholders) {
  using sqlite::RewritePlaceholders;
  EXPECT_EQ(RewritePlaceholders("SELECT $1, $10, $2"), "SELECT ?1, ?10, ?2");
  EXPECT_EQ(RewritePlaceholders("x=$1"), "x=?1");
  EXPECT_EQ(RewritePlaceholders("$1"), "?1");
  EXPECT_EQ(RewritePlaceholders("'$1' || 'a''$2'"), "'$1' || 'a''$2'");
  EXPECT_EQ(RewritePlaceholders("\"$1\" \"a\"\"$2\""), "\"$1\" \"a\"\"$2\"");
  EXPECT_EQ(RewritePlaceholders("-- $1\n$2"), "-- $1\n?2");
  EXPECT_EQ(RewritePlaceholders("/* $1 */$2/**/"), "/* $1 */?2/**/");
  EXPECT_EQ(RewritePlaceholders("a$1 _$2 $$ $x"), "a$1 _$2 $$ $x");
  EXPECT_EQ(RewritePlaceholders("1-$1"), "1-?1");
  // Unterminated quotes and comments swallow the rest, as the SQL parser will.
  EXPECT_EQ(RewritePlaceholders("'open $1"), "'open $1");
  EXPECT_EQ(RewritePlaceholders("/* open $1"), "/* open $1");
  EXPECT_EQ(RewritePlaceholders(""), "");
}

TEST_F(DatabaseTest, BindingAnIndexThatDoesNotExistIsAnError) {
  auto stmt = db_->Prepare("SELECT   $1,\n  $2");
  ASSERT_TRUE(stmt.ok());
  for (int index : {0, -1, 3}) {
    const Status status = (*stmt)->Bind(index, int64_t{1});
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("$" + std::to_string(index)));
    EXPECT_THAT(status.message(), HasSubstr("`SELECT $1, $2`"));
    EXPECT_THAT(status.message(), HasSubstr("$1 to $2"));
  }
  auto none = db_->Prepare("SELECT 1");
  ASSERT_TRUE(none.ok());
  EXPECT_THAT((*none)->BindNull(1).message(), HasSubstr("takes no parameters"));
}

TEST_F(DatabaseTest, BadSqlIsAnErrorWithSqlitesMessage) {
  auto stmt = db_->Prepare("SELEC 1");
  ASSERT_FALSE(stmt.ok());
  EXPECT_EQ(stmt.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(stmt.status().message(), HasSubstr("could not prepare SQL `SELEC 1`"));
  EXPECT_THAT(stmt.status().message(), HasSubstr("syntax error"));

  auto missing = db_->Prepare("SELECT * FROM no_such_table");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("no such table: no_such_table"));

  EXPECT_THAT(db_->Execute("INSERT INTO nowhere VALUES (1)").message(), HasSubstr("no such table: nowhere"));
}

// A statement kept for reuse comes back clean: no earlier binding, no half-read rows, no read
// left open that would hide another connection's commit, and a refused text is refused again.
TEST_F(DatabaseTest, AStatementPreparedAgainStartsClean) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2)").ok());
  {
    auto first = db_->Prepare("SELECT v, $1 FROM t ORDER BY v");
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE((*first)->Bind(1, "kept?").ok());
    auto row = (*first)->Step();
    ASSERT_TRUE(row.ok() && *row);  // one row read, one left: the statement is mid-read
  }
  auto other = Connection::Open(path_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Execute("INSERT INTO t VALUES (3)").ok()) << "the kept statement holds no read open";
  auto again = db_->Prepare("SELECT v, $1 FROM t ORDER BY v");
  ASSERT_TRUE(again.ok());
  int rows = 0;
  while (true) {
    auto row = (*again)->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    EXPECT_TRUE((*again)->ColumnIsNull(1)) << "the earlier binding did not carry over";
    ++rows;
  }
  EXPECT_EQ(rows, 3) << "it reads from the start and sees the other connection's commit";
  for (int attempt = 0; attempt < 2; ++attempt) {
    EXPECT_FALSE(db_->Prepare("SELECT 1; SELECT 2").ok()) << "attempt " << attempt;
  }
}

// Two Statements of the same text at once are two compiled statements, each with its own place.
TEST_F(DatabaseTest, TheSameSqlTwiceAtOnceRunsIndependently) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2)").ok());
  for (int round = 0; round < 2; ++round) {
    auto outer = db_->Prepare("SELECT v FROM t ORDER BY v");
    auto inner = db_->Prepare("SELECT v FROM t ORDER BY v");
    ASSERT_TRUE(outer.ok() && inner.ok());
    ASSERT_TRUE(*(*outer)->Step());
    ASSERT_TRUE(*(*inner)->Step());
    ASSERT_TRUE(*(*inner)->Step());
    EXPECT_EQ((*outer)->ColumnInt(0), 1) << "round " << round;
    EXPECT_EQ((*inner)->ColumnInt(0), 2) << "round " << round;
  }
}

// A Statement may outlive its Connection (the header asks otherwise, but a mistake must not crash).
TEST(ConnectionTest, AStatementDestroyedAfterItsConnectionIsSafe) {
  auto db = Connection::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto stmt = (*db)->Prepare("SELECT 1");
  ASSERT_TRUE(stmt.ok());
  auto kept = (*db)->Prepare("SELECT 2");
  ASSERT_TRUE(kept.ok());
  kept->reset();  // now held by the connection for reuse
  db->reset();
  stmt->reset();
  SUCCEED();
}

TEST_F(DatabaseTest, PrepareTakesExactlyOneStatement) {
  EXPECT_TRUE(db_->Prepare("SELECT 1; -- trailing comment\n").ok());
  auto two = db_->Prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(two.status().message(), HasSubstr("more than one statement"));
  auto none = db_->Prepare("  -- nothing\n");
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("holds no statement"));
}

TEST_F(DatabaseTest, LongSqlIsShortenedInMessages) {
  std::string sql = "SELECT * FROM missing_table WHERE ";
  for (int i = 0; i < 100; ++i) sql += "x = " + std::to_string(i) + " OR ";
  sql += "0";
  auto stmt = db_->Prepare(sql);
  ASSERT_FALSE(stmt.ok());
  EXPECT_LT(stmt.status().message().size(), 300u);
  EXPECT_THAT(stmt.status().message(), HasSubstr("…`"));
}

TEST_F(DatabaseTest, ExecuteScriptRunsEveryStatementAndNamesTheOneThatFails) {
  ASSERT_TRUE(db_->ExecuteScript("-- a script\nCREATE TABLE a (x INTEGER);\n"
                                 "INSERT INTO a VALUES (1);\n/* two */ INSERT INTO a VALUES (2);\n"
                                 "SELECT * FROM a;")
                  .ok());
  EXPECT_EQ(QueryInt("SELECT sum(x) FROM a"), 3);

  const Status status = db_->ExecuteScript("INSERT INTO a VALUES (3); INSERT INTO b VALUES (4); INSERT INTO a VALUES (5);");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("no such table: b"));
  EXPECT_THAT(status.message(), HasSubstr("INSERT INTO b"));
  EXPECT_EQ(QueryInt("SELECT sum(x) FROM a"), 6) << "the statement before the failure stays, the one after never runs";

  EXPECT_TRUE(db_->ExecuteScript("").ok());
  EXPECT_EQ(db_->ExecuteScript("INSERT INTO a VALUES ($1)").code(), Status::Code::kInvalidArgument);
}

TEST_F(DatabaseTest, UniqueClashIsAlreadyExists) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE s (key TEXT PRIMARY KEY, other TEXT UNIQUE)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO s VALUES ('a', 'x')").ok());
  const Status pk = db_->Execute("INSERT INTO s VALUES ('a', 'y')");
  EXPECT_EQ(pk.code(), Status::Code::kAlreadyExists);
  EXPECT_THAT(pk.message(), HasSubstr("UNIQUE constraint failed: s.key"));
  EXPECT_EQ(db_->Execute("INSERT INTO s VALUES ('b', 'x')").code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(db_->Execute("INSERT INTO s VALUES (NULL, NULL)").code(), Status::Code::kOk);
  ASSERT_TRUE(db_->Execute("CREATE TABLE nn (x TEXT NOT NULL)").ok());
  EXPECT_EQ(db_->Execute("INSERT INTO nn VALUES (NULL)").code(), Status::Code::kFailedPrecondition);
}

TEST_F(DatabaseTest, AStatementRunsAgainAfterRebinding) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (x INTEGER)").ok());
  auto insert = db_->Prepare("INSERT INTO t VALUES ($1)");
  ASSERT_TRUE(insert.ok());
  for (int64_t i = 1; i <= 3; ++i) {
    ASSERT_TRUE((*insert)->Bind(1, i).ok());  // no explicit Reset: Bind resets after a run
    ASSERT_TRUE((*insert)->Run().ok());
  }
  ASSERT_TRUE((*insert)->Reset().ok());
  ASSERT_TRUE((*insert)->Run().ok()) << "the last binding is kept across Reset";
  EXPECT_EQ(QueryInt("SELECT sum(x) FROM t"), 1 + 2 + 3 + 3);
}

TEST_F(DatabaseTest, ResetAfterAFailedStepLetsTheStatementBeUsedAgain) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE u (x INTEGER PRIMARY KEY)").ok());
  auto insert = db_->Prepare("INSERT INTO u VALUES ($1)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE((*insert)->Bind(1, 1).ok());
  ASSERT_TRUE((*insert)->Run().ok());
  ASSERT_TRUE((*insert)->Reset().ok());
  EXPECT_EQ((*insert)->Run().code(), Status::Code::kAlreadyExists);
  EXPECT_TRUE((*insert)->Reset().ok());
  ASSERT_TRUE((*insert)->Bind(1, 2).ok());
  EXPECT_TRUE((*insert)->Run().ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM u"), 2);
}

TEST_F(DatabaseTest, TableExistsSeesTablesAndViews) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE child (id INTEGER); CREATE VIEW child_view AS SELECT id FROM child;").ok());
  for (const char* name : {"child", "CHILD", "child_view"}) {
    auto exists = db_->TableExists(name);
    ASSERT_TRUE(exists.ok());
    EXPECT_TRUE(*exists) << name;
  }
  auto missing = db_->TableExists("children");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(*missing);
}

TEST_F(DatabaseTest, LastInsertIdIsTheNewRowsId) {
  EXPECT_EQ(db_->LastInsertId(), 0);
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t (id, x) VALUES (41, 'a')").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t (x) VALUES ('b')").ok());
  EXPECT_EQ(db_->LastInsertId(), 42);
}

TEST_F(DatabaseTest, TransactionDestroyedWithoutCommitRollsBack) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (x INTEGER)").ok());
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok()) << transaction.status().ToString();
    ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (1)").ok());
    EXPECT_EQ(QueryInt("SELECT count(*) FROM t"), 1);
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM t"), 0);
  // The connection is usable for a new transaction afterwards.
  EXPECT_TRUE(Transaction::Begin(*db_).ok());
}

TEST_F(DatabaseTest, CommittedTransactionPersistsAcrossReopening) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (x INTEGER)").ok());
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(transaction->Commit().ok());
    const Status again = transaction->Commit();
    EXPECT_EQ(again.code(), Status::Code::kFailedPrecondition);
  }
  db_.reset();
  auto reopened = Connection::OpenExisting(path_);
  ASSERT_TRUE(reopened.ok());
  db_ = std::move(reopened).value();
  EXPECT_EQ(QueryInt("SELECT sum(x) FROM t"), 3);
}

TEST_F(DatabaseTest, AMovedTransactionIsOwnedOnce) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (x INTEGER)").ok());
  std::optional<Transaction> moved;
  {
    auto begun = Transaction::Begin(*db_);
    ASSERT_TRUE(begun.ok());
    moved.emplace(std::move(*begun));
    EXPECT_EQ(begun->Commit().code(), Status::Code::kFailedPrecondition);
  }  // the moved-from Transaction dies here and must not roll back
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE(moved->Commit().ok()) << "the transaction was still open";
  EXPECT_EQ(QueryInt("SELECT count(*) FROM t"), 1);
}

TEST_F(DatabaseTest, TransactionsDoNotNest) {
  auto outer = Transaction::Begin(*db_);
  ASSERT_TRUE(outer.ok());
  auto inner = Transaction::Begin(*db_);
  ASSERT_FALSE(inner.ok());
  EXPECT_THAT(inner.status().message(), HasSubstr("could not begin a transaction"));
}

TEST_F(DatabaseTest, InTransactionFollowsBeginCommitAndRollback) {
  EXPECT_FALSE(db_->InTransaction());
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    EXPECT_TRUE(db_->InTransaction());
  }
  EXPECT_FALSE(db_->InTransaction()) << "rolled back on destruction";
  auto transaction = Transaction::Begin(*db_);
  ASSERT_TRUE(transaction.ok());
  ASSERT_TRUE(transaction->Commit().ok());
  EXPECT_FALSE(db_->InTransaction());
}

TEST_F(DatabaseTest, AnotherConnectionSeesOnlyCommittedData) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (x INTEGER)").ok());
  auto other = Connection::OpenExisting(path_);
  ASSERT_TRUE(other.ok());
  auto transaction = Transaction::Begin(*db_);
  ASSERT_TRUE(transaction.ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (1)").ok());
  auto count = (*other)->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(*(*count)->Step());
  EXPECT_EQ((*count)->ColumnInt(0), 0) << "WAL readers see the last commit, not work in progress";
  ASSERT_TRUE((*count)->Reset().ok());
  ASSERT_TRUE(transaction->Commit().ok());
  ASSERT_TRUE(*(*count)->Step());
  EXPECT_EQ((*count)->ColumnInt(0), 1);
}

TEST_F(DatabaseTest, BulkInserterInsertsManyRowsInOneTransaction) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE event (id INTEGER PRIMARY KEY, code TEXT NOT NULL, score REAL, note TEXT)").ok());
  constexpr int64_t kRows = 100'000;
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    auto inserter = BulkInserter::Create(*db_, "event", {"id", "code", "score", "note"});
    ASSERT_TRUE(inserter.ok()) << inserter.status().ToString();
    for (int64_t i = 1; i <= kRows; ++i) {
      const Status status = inserter->Add(
          {i, "E" + std::to_string(i % 7), static_cast<double>(i) / 2, i % 2 == 0 ? Value() : Value("odd")});
      ASSERT_TRUE(status.ok()) << status.ToString();
    }
    EXPECT_EQ(inserter->rows_added(), kRows);
    ASSERT_TRUE(transaction->Commit().ok());
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM event"), kRows);
  EXPECT_EQ(QueryInt("SELECT sum(id) FROM event"), kRows * (kRows + 1) / 2);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM event WHERE note IS NULL"), kRows / 2);
  EXPECT_EQ(QueryText("SELECT code FROM event WHERE id = 10"), "E3");
}

TEST_F(DatabaseTest, BulkInserterRefusesAWrongColumnCount) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (a INTEGER, b TEXT)").ok());
  auto inserter = BulkInserter::Create(*db_, "t", {"a", "b"});
  ASSERT_TRUE(inserter.ok());
  ASSERT_TRUE(inserter->Add({int64_t{1}, "x"}).ok());
  const Status status = inserter->Add({int64_t{2}});
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("bulk insert into t takes 2 values per row (a, b), but a row had 1"));
  EXPECT_EQ(inserter->rows_added(), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM t"), 1);
}

TEST_F(DatabaseTest, BulkInserterRefusesNamesThatAreNotPlainIdentifiers) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (a INTEGER)").ok());
  EXPECT_EQ(BulkInserter::Create(*db_, "t; DROP TABLE t", {"a"}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(BulkInserter::Create(*db_, "t", {"a) VALUES (1); --"}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(BulkInserter::Create(*db_, "t", {}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(BulkInserter::Create(*db_, "1t", {"a"}).status().code(), Status::Code::kInvalidArgument);
  auto missing = BulkInserter::Create(*db_, "t", {"no_such_column"});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("no_such_column"));
  EXPECT_TRUE(db_->TableExists("t").value_or(false));
}

TEST_F(DatabaseTest, BulkInserterReportsAConstraintAndCarriesOn) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE t (a INTEGER PRIMARY KEY)").ok());
  auto inserter = BulkInserter::Create(*db_, "t", {"a"});
  ASSERT_TRUE(inserter.ok());
  ASSERT_TRUE(inserter->Add({int64_t{1}}).ok());
  EXPECT_EQ(inserter->Add({int64_t{1}}).code(), Status::Code::kAlreadyExists);
  EXPECT_TRUE(inserter->Add({int64_t{2}}).ok());
  EXPECT_EQ(inserter->rows_added(), 2);
}

// Issue 14, defect 5: processes opening a new database at once each wait their turn, as every
// other statement does; none fails on the switch to write-ahead logging.
TEST(ConnectionTest, ProcessesOpeningANewDatabaseAtOnceAllSucceed) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  constexpr int kRounds = 25;
  constexpr int kProcesses = 4;
  int failures = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
      const pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        auto db = Connection::Open(path);
        bool ok = db.ok();
        if (ok) {
          auto migrations = BuiltInMigrations();
          ok = migrations.ok() && Migrate(**db, *migrations).ok();
        }
        if (!ok) std::fprintf(stderr, "%s\n", db.ok() ? "migrating failed" : db.status().message().c_str());
        ::_exit(ok ? 0 : 1);
      }
      children.push_back(pid);
    }
    for (pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
    }
  }
  EXPECT_EQ(failures, 0) << "of " << kRounds * kProcesses << " opens";
}

// A write that waits longer than the busy timeout says, in plain words, who holds the database.
TEST(ConnectionTest, AWriteBlockedTooLongSaysWhatHoldsTheLock) {
  TempDir dir;
  const std::string path = dir.File("busy.db");
  SetOperationName("cairn import");
  auto holder = Connection::Open(path);
  auto waiter = Connection::Open(path);
  ASSERT_TRUE(holder.ok() && waiter.ok());
  ASSERT_TRUE((*holder)->Begin().ok());
  const Status blocked = (*waiter)->Begin();
  EXPECT_EQ(blocked.code(), Status::Code::kIoError);
  EXPECT_THAT(blocked.message(), HasSubstr("busy"));
  EXPECT_THAT(blocked.message(), HasSubstr("cairn import"));
  EXPECT_THAT(blocked.message(), HasSubstr("process " + std::to_string(::getpid())));
  EXPECT_THAT(blocked.message(), Not(HasSubstr("BEGIN")));
  EXPECT_THAT(blocked.message(), Not(HasSubstr("`")));
  ASSERT_TRUE((*holder)->Rollback().ok());
  EXPECT_TRUE((*waiter)->Begin().ok());
  EXPECT_TRUE((*waiter)->Rollback().ok());
  EXPECT_FALSE(std::filesystem::exists(path + "-writer")) << "the note of who writes goes with the lock";
  SetOperationName("");
}

// The server's transactions last a millisecond: it leaves no note (a file made and removed per
// transaction cost more than the transaction), while a command's long write does.
TEST(ConnectionTest, BriefWritersLeaveNoNoteOfWhoWrites) {
  TempDir dir;
  const std::string path = dir.File("brief.db");
  auto db = Connection::Open(path);
  ASSERT_TRUE(db.ok());
  SetOperationName("cairn import");
  ASSERT_TRUE((*db)->Begin().ok());
  EXPECT_TRUE(std::filesystem::exists(path + "-writer")) << "a long write names itself";
  ASSERT_TRUE((*db)->Rollback().ok());
  SetOperationName("cairn serve", WriteDuration::kBrief);
  ASSERT_TRUE((*db)->Begin().ok());
  EXPECT_FALSE(std::filesystem::exists(path + "-writer"));
  ASSERT_TRUE((*db)->Commit().ok());
  SetOperationName("");
  EXPECT_EQ(OperationWrites(), WriteDuration::kLong) << "the default is the long, named write";
}

}  // namespace
}  // namespace cairn::store
