#include "store/audit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/chronology_store.h"
#include "store/test_database.h"

namespace cairn::store {
namespace {

class AuditTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = database_.Open();
    ASSERT_NE(db_, nullptr);
  }

  // Six rows: views of children A and B by two users, a search naming both, a login.
  void WriteSix() {
    const std::vector<AuditEntry> entries = {
        {"", "ann", "practitioner", "read", "GET /children/{id}", {"A"}, "127.0.0.1", "ok", ""},
        {"", "ann", "practitioner", "read", "GET /children/{id}", {"B"}, "127.0.0.1", "not-found", ""},
        {"", "bob", "team-manager", "search", "GET /search", {"A", "B"}, "127.0.0.2", "ok", "2 found"},
        {"", "bob", "team-manager", "login", "POST /login", {}, "127.0.0.2", "ok", ""},
        {"", "ann", "practitioner", "read", "GET /children/{id}", {"A"}, "127.0.0.1", "ok", ""},
        {"", "os:root", "cli", "export", "cli", {}, "local", "ok", "ssda903 2025"},
    };
    for (const AuditEntry& entry : entries) ASSERT_TRUE(AppendAudit(*db_, entry).ok());
  }

  AuditVerdict Verify() {
    auto verdict = VerifyAudit(*db_);
    EXPECT_TRUE(verdict.ok()) << verdict.status().message();
    return verdict.ok() ? *verdict : AuditVerdict{};
  }

  TestDatabase database_{"cairn_audit_", GetParam()};
  std::unique_ptr<Connection> db_;
};

TEST_P(AuditTest, AnIntactChainVerifies) {
  WriteSix();
  AuditVerdict verdict = Verify();
  EXPECT_TRUE(verdict.intact) << verdict.problem;
  EXPECT_EQ(verdict.rows, 6);
}

TEST_P(AuditTest, AnEditedFieldNamesItsRow) {
  WriteSix();
  // Every field a row holds is covered: change each in turn and the same row is named.
  for (const char* column : {"at", "actor", "role", "action", "route", "client", "outcome", "detail"}) {
    ASSERT_TRUE(db_->Execute(std::string("UPDATE audit_log SET ") + column + " = " + column + " || 'x' WHERE id = 3").ok());
    AuditVerdict verdict = Verify();
    EXPECT_FALSE(verdict.intact) << column;
    EXPECT_EQ(verdict.first_bad_row, 3) << column;
    ASSERT_TRUE(db_->Execute(std::string("UPDATE audit_log SET ") + column + " = substr(" + column + ", 1, length(" +
                             column + ") - 1) WHERE id = 3")
                    .ok());
    EXPECT_TRUE(Verify().intact) << column << " put back";
  }
}

TEST_P(AuditTest, ADeletedRowIsNamed) {
  WriteSix();
  ASSERT_TRUE(db_->Execute("DELETE FROM audit_log WHERE id = 4").ok());
  AuditVerdict verdict = Verify();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_bad_row, 4);
  EXPECT_NE(verdict.problem.find("deleted"), std::string::npos) << verdict.problem;
}

TEST_P(AuditTest, DeletingTheLastRowIsNoticed) {
  WriteSix();
  ASSERT_TRUE(db_->Execute("DELETE FROM audit_log WHERE id = 6").ok());
  AuditVerdict verdict = Verify();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_bad_row, 6);
}

TEST_P(AuditTest, ARowAddedOutsideCairnIsNamed) {
  WriteSix();
  ASSERT_TRUE(db_->Execute("INSERT INTO audit_log (id, at, actor, action, detail) VALUES "
                           "(7, '2026-01-01T00:00:00Z', 'ann', 'read', '')")
                  .ok());
  AuditVerdict verdict = Verify();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_bad_row, 7);
}

TEST_P(AuditTest, ReorderedRowsAreNamed) {
  WriteSix();
  // Swap rows 2 and 3 whole (hashes and links included): the chain breaks at row 2.
  ASSERT_TRUE(db_->Execute("UPDATE audit_log SET id = -2 WHERE id = 2").ok());
  ASSERT_TRUE(db_->Execute("UPDATE audit_log SET id = 2 WHERE id = 3").ok());
  ASSERT_TRUE(db_->Execute("UPDATE audit_log SET id = 3 WHERE id = -2").ok());
  AuditVerdict verdict = Verify();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_bad_row, 2);
}

TEST_P(AuditTest, TheChildIndexIsCheckedToo) {
  WriteSix();
  ASSERT_TRUE(db_->Execute("DELETE FROM audit_child WHERE audit_id = 5").ok());
  AuditVerdict verdict = Verify();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_bad_row, 5);
}

TEST_P(AuditTest, QueriesByChildAndUser) {
  WriteSix();
  AuditQuery by_child;
  by_child.child = "A";
  auto rows = QueryAudit(*db_, by_child);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].id, 1);
  EXPECT_EQ((*rows)[1].id, 3);
  EXPECT_EQ((*rows)[2].id, 5);
  AuditQuery by_user;
  by_user.actor = "bob";
  rows = QueryAudit(*db_, by_user);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 2u);
  AuditQuery refused;
  refused.outcome = "not-found";
  rows = QueryAudit(*db_, refused);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].entry.children, std::vector<std::string>{"B"});
}

TEST_P(AuditTest, RowsInACallersTransactionCommitOrVanishWithIt) {
  WriteSix();
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(AppendAudit(*db_, {"", "ann", "practitioner", "read", "x", {"C"}, "l", "ok", ""}).ok());
    ASSERT_TRUE(AppendAudit(*db_, {"", "ann", "practitioner", "read", "x", {"D"}, "l", "ok", ""}).ok());
    // Rolled back on destruction.
  }
  EXPECT_TRUE(Verify().intact);
  EXPECT_EQ(Verify().rows, 6);
  {
    auto transaction = Transaction::Begin(*db_);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(AppendAudit(*db_, {"", "ann", "practitioner", "read", "x", {"C"}, "l", "ok", ""}).ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  EXPECT_TRUE(Verify().intact);
  EXPECT_EQ(Verify().rows, 7);
}

TEST_P(AuditTest, RowsWrittenBeforeTheChainAreSealedOnTheNextAppend) {
  // As an older Cairn wrote them: no hash, and an id gap where a row was deleted.
  ASSERT_TRUE(db_->Execute("INSERT INTO audit_log (id, at, actor, action, detail) VALUES "
                           "(1, '2025-01-01T00:00:00Z', 'import', 'import', 'a'), "
                           "(3, '2025-01-02T00:00:00Z', 'cli', 'export', 'b')")
                  .ok());
  EXPECT_TRUE(Verify().intact);
  ASSERT_TRUE(AppendAudit(*db_, {"", "ann", "practitioner", "login", "POST /login", {}, "l", "ok", ""}).ok());
  AuditVerdict verdict = Verify();
  EXPECT_TRUE(verdict.intact) << verdict.problem;
  EXPECT_EQ(verdict.rows, 3);
  ASSERT_TRUE(db_->Execute("UPDATE audit_log SET detail = 'changed' WHERE id = 1").ok());
  EXPECT_EQ(Verify().first_bad_row, 1);
}

TEST_P(AuditTest, TheCommandLineNamesTheOperatingSystemAccount) {
  const std::string actor = OperatingSystemActor();
  EXPECT_EQ(actor.rfind("os:", 0), 0u) << actor;
  EXPECT_GT(actor.size(), 3u);
}

// SQLite's write-ahead log, which PostgreSQL does not have.
class AuditOnSqliteTest : public AuditTest {};
INSTANTIATE_TEST_SUITE_P(Sqlite, AuditOnSqliteTest, ::testing::Values(Backend::kSqlite), BackendTestName);

// The server's checkpointer: the log starts again from the beginning once no reader is using
// it, and while one is, the restart is left for later rather than waited for.
TEST_P(AuditOnSqliteTest, TheLogStartsAgainOnlyWhenNoReaderUsesItAndNeverWaits) {
  std::unique_ptr<Connection> checkpointer = database_.Open();
  std::unique_ptr<Connection> reader = database_.Open();
  ASSERT_TRUE(DeferCheckpoints(*db_).ok());
  WriteSix();
  // A reader in the middle of a transaction that began while the rows were only in the log
  // holds the log: the restart does not happen, and the call returns rather than waiting.
  ASSERT_TRUE(reader->ExecuteScript("BEGIN").ok());
  ASSERT_TRUE(VerifyAudit(*reader).ok());
  Result<int64_t> frames = Checkpoint(*checkpointer);
  ASSERT_TRUE(frames.ok()) << frames.status().message();
  ASSERT_GT(*frames, 0);
  ASSERT_TRUE(RestartLog(*checkpointer).ok());
  WriteSix();
  Result<int64_t> held = Checkpoint(*checkpointer);
  ASSERT_TRUE(held.ok());
  EXPECT_GT(*held, *frames);
  ASSERT_TRUE(reader->ExecuteScript("COMMIT").ok());

  // With no reader, it starts again: the next row's pages are the log's first frames.
  ASSERT_TRUE(RestartLog(*checkpointer).ok());
  ASSERT_TRUE(AppendAudit(*db_, {"", "ann", "practitioner", "read", "GET /children/{id}", {"A"}, "127.0.0.1", "ok", ""})
                  .ok());
  Result<int64_t> after = Checkpoint(*checkpointer);
  ASSERT_TRUE(after.ok());
  EXPECT_LT(*after, *frames);
  EXPECT_TRUE(Verify().intact);
}

// The server's writer: rows from many threads, each naming many children (a team manager's home
// page names every child on it; on PostgreSQL they go by COPY), all held and chained.
TEST_P(AuditTest, TheGroupWriterHoldsEveryRowAndEveryChildFromManyThreads) {
  auto writer = GroupAuditWriter::Open(database_.target());
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  constexpr int kThreads = 4;
  constexpr int kRowsEach = 25;
  constexpr int kChildrenEach = 150;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRowsEach; ++r) {
        AuditEntry entry;
        entry.actor = "tm" + std::to_string(t);
        entry.action = "read";
        for (int c = 0; c < kChildrenEach; ++c) entry.children.push_back("C" + std::to_string(c));
        if (!(*writer)->Append(entry).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  auto rows = db_->Prepare("SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM audit_child)");
  ASSERT_TRUE(rows.ok());
  ASSERT_TRUE(*(*rows)->Step());
  EXPECT_EQ((*rows)->ColumnInt(0), kThreads * kRowsEach);
  EXPECT_EQ((*rows)->ColumnInt(1), kThreads * kRowsEach * kChildrenEach);
  AuditVerdict verdict = Verify();
  EXPECT_TRUE(verdict.intact) << verdict.problem;
  EXPECT_EQ(verdict.rows, kThreads * kRowsEach);
}

CAIRN_TEST_ON_BOTH_BACKENDS(AuditTest);

}  // namespace
}  // namespace cairn::store
