// Store micro-benchmarks on a temporary SQLite file: bulk insert throughput (rows/s) and point
// lookups by primary key. Each has a baseline measured in the same run, so the ratio shows what
// reusing one prepared statement buys: BulkInserter against preparing an INSERT per row, and a
// reused SELECT against preparing it per lookup.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "bench_support.h"
#include "store/database.h"

namespace cairn::store {
namespace {

constexpr int64_t kLookupTableRows = 100'000;


// A fresh database with one table of items.
Status MakeItemTable(bench::TempDatabase& bench) {
  CAIRN_RETURN_IF_ERROR(bench.Reset());
  return bench.db().Execute("CREATE TABLE item (id INTEGER PRIMARY KEY, code TEXT NOT NULL, score REAL, note TEXT)");
}

std::vector<Value> ItemRow(int64_t id) {
  return {id, "C" + std::to_string(id % 97), static_cast<double>(id) * 0.5,
          id % 3 == 0 ? Value() : Value("a short note about item " + std::to_string(id))};
}

// Inserts `rows` rows in one transaction, one way or the other.
Status InsertRows(Connection& db, int64_t first_id, int64_t rows, bool reuse_statement) {
  CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
  if (reuse_statement) {
    CAIRN_ASSIGN_OR_RETURN(BulkInserter inserter, BulkInserter::Create(db, "item", {"id", "code", "score", "note"}));
    for (int64_t id = first_id; id < first_id + rows; ++id) CAIRN_RETURN_IF_ERROR(inserter.Add(ItemRow(id)));
  } else {
    for (int64_t id = first_id; id < first_id + rows; ++id) {
      CAIRN_RETURN_IF_ERROR(db.Execute("INSERT INTO item (id, code, score, note) VALUES ($1, $2, $3, $4)", ItemRow(id)));
    }
  }
  return transaction.Commit();
}

void RunBulkInsert(benchmark::State& state, bool reuse_statement) {
  bench::TempDatabase bench(reuse_statement ? "store_bulk" : "store_per_row", bench::TempDatabase::Schema::kEmpty);
  if (const Status ready = MakeItemTable(bench); !ready.ok()) {
    state.SkipWithError(ready.ToString().c_str());
    return;
  }
  const int64_t rows = state.range(0);
  for (auto _ : state) {
    state.PauseTiming();
    const Status cleared = bench.db().Execute("DELETE FROM item");
    state.ResumeTiming();
    const Status inserted = cleared.ok() ? InsertRows(bench.db(), 1, rows, reuse_statement) : cleared;
    if (!inserted.ok()) {
      state.SkipWithError(inserted.ToString().c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * rows);
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * rows),
                                                    benchmark::Counter::kIsRate);
}

void BM_BulkInserter(benchmark::State& state) { RunBulkInsert(state, true); }
void BM_InsertPreparingEachRow(benchmark::State& state) { RunBulkInsert(state, false); }
BENCHMARK(BM_BulkInserter)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InsertPreparingEachRow)->Arg(10'000)->Unit(benchmark::kMillisecond);

void RunPointLookup(benchmark::State& state, bool reuse_statement) {
  bench::TempDatabase bench(reuse_statement ? "store_lookup" : "store_lookup_prepare",
                            bench::TempDatabase::Schema::kEmpty);
  Status filled = MakeItemTable(bench);
  if (filled.ok()) filled = InsertRows(bench.db(), 1, kLookupTableRows, true);
  if (!filled.ok()) {
    state.SkipWithError(filled.ToString().c_str());
    return;
  }
  constexpr std::string_view kSql = "SELECT code, score FROM item WHERE id = $1";
  auto prepared = bench.db().Prepare(kSql);
  if (!prepared.ok()) {
    state.SkipWithError(prepared.status().ToString().c_str());
    return;
  }
  std::mt19937_64 random(20240401);
  std::uniform_int_distribution<int64_t> ids(1, kLookupTableRows);
  int64_t found = 0;
  for (auto _ : state) {
    std::unique_ptr<Statement> own;
    Statement* stmt = prepared->get();
    if (!reuse_statement) {
      auto fresh = bench.db().Prepare(kSql);
      if (!fresh.ok()) {
        state.SkipWithError(fresh.status().ToString().c_str());
        return;
      }
      own = std::move(fresh).value();
      stmt = own.get();
    }
    const Status bound = stmt->Bind(1, ids(random));
    const Result<bool> has_row = bound.ok() ? stmt->Step() : Result<bool>(bound);
    if (!has_row.ok()) {
      state.SkipWithError(has_row.status().ToString().c_str());
      return;
    }
    if (*has_row) {
      benchmark::DoNotOptimize(stmt->ColumnText(0));
      ++found;
    }
    (void)stmt->Reset();
  }
  if (found != static_cast<int64_t>(state.iterations())) state.SkipWithError("a lookup missed a row that exists");
  state.SetItemsProcessed(state.iterations());
}

void BM_PointLookup(benchmark::State& state) { RunPointLookup(state, true); }
void BM_PointLookupPreparingEach(benchmark::State& state) { RunPointLookup(state, false); }
BENCHMARK(BM_PointLookup);
BENCHMARK(BM_PointLookupPreparingEach);

}  // namespace
}  // namespace cairn::store
