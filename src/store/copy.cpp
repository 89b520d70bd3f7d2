#include "store/copy.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <regex>
#include <set>
#include <utility>

#include "store/chronology_store.h"
#include "store/inspect.h"
#include "store/record_changes.h"
#include "store/settings.h"

namespace cairn::store {
namespace {

// Where migrations put rows of their own into a new database: the target may hold these.
const std::set<std::string, std::less<>> kSeededByMigrations = {"access_generation", "record_generation"};

// Copies the target makes for itself from what is copied, rather than copy: chronology images
// (chronology_store.h).
const std::set<std::string, std::less<>> kMadeByTheTarget = {"chronology_image"};

// Every table the migrations create, in the order they create them (so a table comes after the
// tables it refers to), without schema_migrations, which each database keeps for itself, and
// without the tables the target makes for itself.
std::vector<std::string> TablesInCreationOrder(const std::vector<Migration>& migrations) {
  static const std::regex kCreate(R"(CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*))",
                                  std::regex::icase);
  std::vector<std::string> tables;
  for (const Migration& migration : migrations) {
    for (auto match = std::sregex_iterator(migration.sql.begin(), migration.sql.end(), kCreate);
         match != std::sregex_iterator(); ++match) {
      const std::string name = (*match)[1].str();
      if (name != "schema_migrations" && kMadeByTheTarget.count(name) == 0 &&
          std::find(tables.begin(), tables.end(), name) == tables.end()) {
        tables.push_back(name);
      }
    }
  }
  return tables;
}

// A value as text, the same whichever backend read it: integers in decimal, reals in their
// shortest exact form, text as it is.
void AppendCanonical(const Statement& row, int column, std::string& out) {
  switch (row.ColumnType(column)) {
    case ValueType::kNull:
      out += "N;";
      return;
    case ValueType::kInteger:
      out += "V" + std::to_string(row.ColumnInt(column)) + ";";
      return;
    case ValueType::kReal: {
      char buffer[32];
      const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, row.ColumnDouble(column));
      out += "V";
      out.append(buffer, error == std::errc() ? end : buffer);
      out += ";";
      return;
    }
    case ValueType::kText: {
      const std::string_view text = row.ColumnText(column);
      out += "V" + std::to_string(text.size()) + ":";
      out.append(text);
      out += ";";
      return;
    }
  }
}

// The order-free hash of a table's rows, fed one row at a time.
class RowHasher {
 public:
  void Add(const Statement& row) {
    canonical_.clear();
    for (int i = 0; i < row.ColumnCount(); ++i) AppendCanonical(row, i, canonical_);
    unsigned char digest[16];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(canonical_.data()),
                       canonical_.size(), nullptr, 0);
    uint64_t halves[2];
    std::memcpy(halves, digest, sizeof halves);
    sum_[0] += halves[0];  // wraps: the sum of a multiset, whatever the order
    sum_[1] += halves[1];
    ++rows_;
  }
  TableCopy Finish(const std::string& table) const {
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, reinterpret_cast<const unsigned char*>(sum_), sizeof sum_);
    return {table, rows_, hex};
  }

 private:
  std::string canonical_;
  uint64_t sum_[2] = {0, 0};
  int64_t rows_ = 0;
};

Status SodiumReady() {
  static const int kSodiumReady = sodium_init();
  if (kSodiumReady < 0) return Status::Internal("the libsodium library could not start, so the copy cannot be checked");
  return Status::Ok();
}

Result<int64_t> CountRows(Connection& connection, const std::string& table) {
  CAIRN_ASSIGN_OR_RETURN(auto count, connection.Prepare("SELECT count(*) FROM " + table));
  CAIRN_ASSIGN_OR_RETURN(bool has_row, count->Step());
  return has_row ? count->ColumnInt(0) : int64_t{0};
}

// PostgreSQL's identity counters do not move when rows arrive with their ids, so the next row
// added would clash with a copied one; each is set to the highest id copied.
Status MoveIdentityPastCopiedIds(Connection& target, const std::string& table) {
  if (target.backend_name() != "postgresql") return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(auto identity, target.Prepare("SELECT 1 FROM information_schema.columns "
                                                       "WHERE table_schema = current_schema() AND table_name = $1 "
                                                       "AND column_name = 'id' AND is_identity = 'YES'"));
  CAIRN_RETURN_IF_ERROR(identity->Bind(1, table));
  CAIRN_ASSIGN_OR_RETURN(bool has_identity, identity->Step());
  if (!has_identity) return Status::Ok();
  return target.ExecuteScript("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), max(id)) FROM " + table +
                              " HAVING max(id) IS NOT NULL");
}

Status CheckTargetEmpty(Connection& target, const std::vector<std::string>& tables) {
  for (const std::string& table : tables) {
    if (kSeededByMigrations.count(table) != 0) continue;
    CAIRN_ASSIGN_OR_RETURN(int64_t rows, CountRows(target, table));
    if (rows > 0) {
      return Status::FailedPrecondition("the target already holds records (" + std::to_string(rows) + " row(s) in " +
                                        table + "); copy into a new, empty database, so that nothing in it is "
                                        "overwritten or mixed with the copy");
    }
  }
  return Status::Ok();
}

// Copies one table and gives the source's hash, made from the same rows as they were copied.
Result<TableCopy> CopyTable(Connection& source, Connection& target, const std::string& table) {
  CAIRN_RETURN_IF_ERROR(target.Execute("DELETE FROM " + table));
  // In the order of the first column (the id, where a table has one): a nested event then comes
  // after the event it sits under, as it was recorded, so the deferred reference checks have
  // nothing to look for (SQLite looks for a waiting row by scanning the table, which made a
  // copy in the order PostgreSQL happened to keep rows take minutes).
  CAIRN_ASSIGN_OR_RETURN(auto rows, source.Prepare("SELECT * FROM " + table + " ORDER BY 1"));
  // Into PostgreSQL by COPY, a few megabytes at a time; into SQLite through one prepared INSERT.
  std::unique_ptr<RowCopy> copy;
  RowHasher hasher;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool has_row, rows->Step());
    if (!has_row) break;
    if (!copy) {
      std::vector<std::string> columns;
      for (int i = 0; i < rows->ColumnCount(); ++i) columns.emplace_back(rows->ColumnName(i));
      CAIRN_ASSIGN_OR_RETURN(copy, target.PrepareCopy(table, columns));
    }
    hasher.Add(*rows);
    for (int i = 0; i < rows->ColumnCount(); ++i) {
      CAIRN_RETURN_IF_ERROR(copy->Bind(i + 1, rows->ColumnValue(i)).WithContext("copying a row of " + table));
    }
    CAIRN_RETURN_IF_ERROR(copy->Run().WithContext("copying a row of " + table));
  }
  if (copy) CAIRN_RETURN_IF_ERROR(copy->Flush().WithContext("copying " + table));
  CAIRN_RETURN_IF_ERROR(MoveIdentityPastCopiedIds(target, table));
  return hasher.Finish(table);
}

}  // namespace

Result<TableCopy> HashTable(Connection& connection, const std::string& table) {
  CAIRN_RETURN_IF_ERROR(SodiumReady());
  CAIRN_ASSIGN_OR_RETURN(auto rows, connection.Prepare("SELECT * FROM " + table));
  RowHasher hasher;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool has_row, rows->Step());
    if (!has_row) break;
    hasher.Add(*rows);
  }
  return hasher.Finish(table);
}

Result<CopyReport> CopyDatabase(Connection& source, Connection& target, const std::vector<Migration>& migrations,
                                const std::function<void(const std::string&)>& progress) {
  CAIRN_RETURN_IF_ERROR(SodiumReady());
  CAIRN_ASSIGN_OR_RETURN(MigrationReport source_state, CheckMigrations(source, migrations));
  if (!source_state.pending.empty()) {
    return Status::FailedPrecondition("the source is missing " + std::to_string(source_state.pending.size()) +
                                      " migration(s) (the first is " + source_state.pending.front() +
                                      "); run `cairn migrate` on it first");
  }
  CAIRN_RETURN_IF_ERROR(Migrate(target, migrations).status().WithContext("preparing the target"));
  const std::vector<std::string> tables = TablesInCreationOrder(migrations);
  CAIRN_RETURN_IF_ERROR(CheckTargetEmpty(target, tables));

  CopyReport report;
  CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(target));
  // References are checked at the commit, not row by row: an event can come before the event it
  // sits under (ids follow the order of recording, not of nesting).
  CAIRN_RETURN_IF_ERROR(target.ExecuteScript(target.backend_name() == "postgresql" ? "SET CONSTRAINTS ALL DEFERRED"
                                                                                   : "PRAGMA defer_foreign_keys = ON"));
  for (const std::string& table : tables) {
    CAIRN_ASSIGN_OR_RETURN(TableCopy from, CopyTable(source, target, table));
    CAIRN_ASSIGN_OR_RETURN(TableCopy to, HashTable(target, table));
    if (from.rows != to.rows || from.hash != to.hash) {
      return Status::DataLoss("the copy of " + table + " does not match its source (" + std::to_string(from.rows) +
                              " row(s) hashing " + from.hash + " against " + std::to_string(to.rows) + " hashing " +
                              to.hash + "); nothing was copied");
    }
    if (progress) progress("  " + table + ": " + std::to_string(to.rows) + " row(s), hash " + to.hash);
    report.rows += to.rows;
    report.tables.push_back(std::move(to));
  }
  CAIRN_ASSIGN_OR_RETURN(int64_t images, WriteMissingChronologyImages(target));
  if (progress) progress("  chronology images made: " + std::to_string(images));
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return report;
}

Result<bool> ClearRecords(Connection& db, const std::vector<Migration>& migrations, std::string_view actor) {
  if (db.backend_name() != "postgresql") {
    return Status::Internal("ClearRecords is for a PostgreSQL database; a SQLite file is removed instead");
  }
  std::vector<std::string> tables = TablesInCreationOrder(migrations);
  tables.insert(tables.end(), kMadeByTheTarget.begin(), kMadeByTheTarget.end());
  // Kept: what the migrations seed, the postcode directory, and the audit trail, which is never
  // cut short on a server's database (a row below says the records went). The children go last,
  // one by one, since the audit trail's old child column still refers to them.
  std::erase_if(tables, [](const std::string& table) {
    return kSeededByMigrations.count(table) != 0 || table == "postcode" || table == "child" ||
           table.rfind("audit_", 0) == 0;
  });
  CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
  // Other writers of records wait from here until the commit (record_changes.h), so what is
  // checked below is what is cleared: no import can land in between.
  CAIRN_RETURN_IF_ERROR(HoldRecordGeneration(db));
  CAIRN_ASSIGN_OR_RETURN(bool synthetic, IsSynthetic(db));
  if (!synthetic) {
    CAIRN_ASSIGN_OR_RETURN(auto count, db.Prepare("SELECT EXISTS (SELECT 1 FROM child)"));
    CAIRN_ASSIGN_OR_RETURN(bool row, count->Step());
    if (row && count->ColumnInt(0) != 0) {
      return Status::FailedPrecondition("the database holds real children's records, which are never replaced");
    }
    return false;  // no simulation here: nothing of one to clear, and nobody's users or settings go
  }
  std::string names;
  for (const std::string& table : tables) names += (names.empty() ? "" : ", ") + table;
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("TRUNCATE " + names));
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("DELETE FROM child"));
  // TRUNCATE fires no row trigger, so the users and grants that went are announced here.
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("UPDATE access_generation SET n = n + 1 WHERE id = 1"));
  CAIRN_RETURN_IF_ERROR(NoteChildChanged(db, 0));
  CAIRN_RETURN_IF_ERROR(RecordAudit(db, actor, "replace", "",
                                    "the simulated council's records, users and settings were removed for a new "
                                    "simulation"));
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return true;
}

}  // namespace cairn::store
