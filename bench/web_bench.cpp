// The pages' downloads: a 5,000-row table of children (the columns of every children list) as
// CSV and as an Excel workbook. Target (issue "The pages people work from"): the workbook in
// under 1 s. The baseline, measured in the same run, is the same table as the page's HTML.
#include <benchmark/benchmark.h>

#include <string>

#include "web/table.h"

namespace cairn::web {
namespace {

Table FiveThousandChildren() {
  Table table("open-cases", "Open cases",
              {{"id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
               {"name", "Child"},
               {"age", "Age", ColumnKind::kNumber},
               {"plan", "Plan"},
               {"legal_status", "Legal status", ColumnKind::kText, Shown::kDownloadOnly},
               {"worker", "Worker"},
               {"allocated", "Allocated", ColumnKind::kText, Shown::kDownloadOnly},
               {"restricted", "Restricted", ColumnKind::kText, Shown::kDownloadOnly},
               {"overdue", "Overdue", ColumnKind::kNumber},
               {"due_within_14_days", "Due in 14 days", ColumnKind::kNumber},
               {"next_deadline", "Next deadline", ColumnKind::kDate},
               {"next_rule", "Next deadline's rule", ColumnKind::kText},
               {"drift_signals", "Drift", ColumnKind::kNumber}});
  for (int i = 0; i < 5000; ++i) {
    const std::string id = "S" + std::to_string(100000000 + i * 7919);
    table.AddRow({Cell::Text(id), Cell::Link("Child " + std::to_string(i) + " Surname", "/children/" + id),
                  Cell::Number(i % 18), Cell::Text(i % 3 == 0 ? "Child protection" : "Looked after"),
                  Cell::Text(i % 3 == 0 ? "" : "C2"), Cell::Text("Maya Harding (W000000" + std::to_string(i % 90) + ")"),
                  Cell::Text("yes"), Cell::Text("no"), Cell::Number(i % 4), Cell::Number(i % 2),
                  Cell::Text("2026-04-" + std::to_string(10 + i % 18)),
                  Cell::Text("Child and family assessment authorised within 45 working days of the referral"),
                  Cell::Number(i % 3)});
  }
  return table;
}

void BM_DownloadHtmlBaseline5000(benchmark::State& state) {
  const Table table = FiveThousandChildren();
  for (auto _ : state) benchmark::DoNotOptimize(table.Html());
  state.counters["rows"] = 5000;
}
BENCHMARK(BM_DownloadHtmlBaseline5000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DownloadCsv5000(benchmark::State& state) {
  const Table table = FiveThousandChildren();
  for (auto _ : state) benchmark::DoNotOptimize(table.Csv());
  state.counters["rows"] = 5000;
}
BENCHMARK(BM_DownloadCsv5000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DownloadExcel5000(benchmark::State& state) {
  const Table table = FiveThousandChildren();
  double bytes = 0;
  for (auto _ : state) {
    Result<std::string> workbook = table.Xlsx();
    if (!workbook.ok()) {
      state.SkipWithError(workbook.status().message().c_str());
      return;
    }
    bytes = static_cast<double>(workbook->size());
  }
  state.counters["rows"] = 5000;
  state.counters["kb"] = bytes / 1024;
}
BENCHMARK(BM_DownloadExcel5000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace cairn::web
