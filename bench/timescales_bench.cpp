// Timescales at council and England scale, against the way a council's BI team computes the
// same deadlines: SQL over the same SQLite database, measured in the same run.
//
// Setup (once, ~30 s): the synthetic council simulator (src/simulate) writes a 55,000-child
// council over 5 years to a temporary Cairn database; the chronologies are loaded back with
// store::LoadAllChronologies and compacted once. The SQL baseline runs the assessment (45 WD),
// ICPC (15 WD) and looked-after review (20 WD / 3 months / 6 months) rules as three queries over
// that database's `event` table, with working days from a calendar table built from the same
// bank holidays, and with the indexes a BI team would add (event.parent_id, event.child_id+kind).
// Its rows are checked against the evaluator's obligations for the same rules: the counter
// `sql_mismatches` must be 0, or the comparison would be of different answers; when it is not,
// BM_TimescalesCouncil55k reports an error instead of a speed-up.
//
// Benchmarks:
//   BM_TimescalesCouncil55k      every rule and drift signal for every child, as at 31 Mar 2025,
//                                children in parallel; counters: the SQL baseline's time and
//                                how many times faster Cairn is (x_faster_than_sql).
//   BM_TimescalesSqlBaseline     the three rules in SQL (for the record; same numbers as above).
//   BM_TimescalesEngland         218 councils (12 million children / 55,000): 22 in-memory copies
//                                of the council's compact chronologies, each evaluated 9-10 times
//                                (218 council evaluations; 22 copies keep the working set well
//                                beyond the CPU caches, as 218 distinct councils would).
//   BM_TimescalesOneChildUpdate  one new event recorded for one child: re-compact and re-evaluate
//                                that child alone (arg 0: the child with the most events; 1: median).
//   BM_TimescalesCompactCouncil  building the compact form of the whole council (done once).
//   BM_RecordedEventReevaluation a visit recorded through the web, as the server takes it: the
//                                child evaluated again alone and placed again in the council the
//                                pages read (web::Council::Update), for every child in turn; p50
//                                and p99 per child. Target (issue "Recording casework"): p99
//                                under 1 ms.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/working_day_calendar.h"
#include "model/chronology.h"
#include "simulate/simulator.h"
#include "store/chronology_store.h"
#include "store/database.h"
#include "store/workforce_store.h"
#include "timescales/evaluator.h"
#include "timescales/rules.h"
#include "web/council.h"

namespace cairn::timescales {
namespace {

constexpr int64_t kPopulation = 55'000;
constexpr int kYears = 5;
constexpr int kEnglandCouncils = 218;  // 12,000,000 / 55,000
constexpr int kEnglandCopies = 22;

Date AsAt() { return Date::FromYmdOrDie(2025, 3, 31); }
int Threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// ---------------------------------------------------------------------------------------------
// The SQL baseline.

// min(date(d, '+N months'), last day of the target month): calendar months clamped to the end of
// the month, as Cairn counts them (SQLite's own '+N months' rolls 31 Aug + 6 months to 3 March).
std::string AddMonthsSql(const std::string& date, int months) {
  return "min(date(" + date + ", '+" + std::to_string(months) + " months'), date(" + date + ", 'start of month', '+" +
         std::to_string(months + 1) + " months', '-1 day'))";
}

// N working days after `date`: the working day whose running count is N more than `date`'s.
std::string AddWorkingDaysSql(const std::string& date, int days) {
  return "(SELECT n.day FROM wd_through t JOIN wd_nth n ON n.n = t.n + " + std::to_string(days) + " WHERE t.day = " +
         date + ")";
}

// Status and days from (trigger, due, done, stop, as_at): the same rules as the evaluator.
constexpr std::string_view kStatusColumns = R"(
  CASE WHEN done IS NOT NULL AND done <= due THEN 'met'
       WHEN done IS NOT NULL THEN 'met-late'
       WHEN stop IS NOT NULL AND stop <= due THEN NULL
       WHEN due >= (SELECT as_at FROM params) THEN 'due'
       ELSE 'overdue' END AS status,
  CAST(CASE WHEN done IS NOT NULL AND done <= due THEN 0
       WHEN done IS NOT NULL THEN julianday(done) - julianday(due)
       WHEN due >= (SELECT as_at FROM params) THEN julianday(due) - julianday((SELECT as_at FROM params))
       ELSE julianday(coalesce(stop, (SELECT as_at FROM params))) - julianday(due) END AS INTEGER) AS days)";

// A date that has happened by the as-at date, else NULL.
std::string Happened(const std::string& date) {
  return "CASE WHEN " + date + " IS NOT NULL AND " + date + " <> '' AND " + date + " <= (SELECT as_at FROM params) THEN " +
         date + " END";
}

std::string AssessmentSql() {
  return R"(
WITH params AS (SELECT $1 AS as_at),
referrals AS (
  SELECT e.id, e.child_id, e.start_date AS trigger,
         )" + Happened("e.end_date") + R"( AS closed,
         (SELECT )" + Happened("c.death_date") + R"( FROM child c WHERE c.id = e.child_id) AS died
  FROM event e
  WHERE e.kind = 'cin-episode' AND e.withdrawn = 0 AND e.start_date <= (SELECT as_at FROM params)
    AND lower(coalesce(json_extract(e.fields, '$.ReferralNFA'), '')) NOT IN ('true', '1')),
stopped AS (
  SELECT *, CASE WHEN closed IS NULL THEN died WHEN died IS NULL THEN closed ELSE min(closed, died) END AS stop,
         )" + AddWorkingDaysSql("referrals.trigger", 45) + R"( AS due
  FROM referrals),
done AS (
  SELECT s.*, (SELECT min(a.end_date) FROM event a
               WHERE a.parent_id = s.id AND a.kind = 'assessment' AND a.withdrawn = 0
                 AND a.start_date <= (SELECT as_at FROM params) AND a.end_date IS NOT NULL
                 AND a.end_date <= (SELECT as_at FROM params) AND a.end_date >= s.trigger
                 AND (s.stop IS NULL OR a.end_date <= s.stop)) AS done
  FROM stopped s)
SELECT * FROM (
  SELECT child_id, 'referral.assessment-45wd' AS rule, trigger, due, done, )" + std::string(kStatusColumns) + R"(
  FROM done) WHERE status IS NOT NULL)";
}

std::string IcpcSql() {
  return R"(
WITH params AS (SELECT $1 AS as_at),
enquiries AS (
  SELECT s.id, s.child_id, s.start_date AS s47_start, ep.start_date AS referral,
         )" + Happened("json_extract(s.fields, '$.DateOfInitialCPC')") + R"( AS icpc_field,
         )" + Happened("ep.end_date") + R"( AS closed,
         (SELECT )" + Happened("c.death_date") + R"( FROM child c WHERE c.id = s.child_id) AS died
  FROM event s LEFT JOIN event ep ON ep.id = s.parent_id
  WHERE s.kind = 'section-47' AND s.withdrawn = 0 AND s.start_date <= (SELECT as_at FROM params)
    AND lower(coalesce(json_extract(s.fields, '$.ICPCnotRequired'), '')) NOT IN ('true', '1')),
clocks AS (
  SELECT *, coalesce((SELECT max(d.start_date) FROM event d
                      WHERE d.child_id = enquiries.child_id AND d.kind = 'strategy-discussion' AND d.withdrawn = 0
                        AND d.start_date <= enquiries.s47_start
                        AND (enquiries.referral IS NULL OR d.start_date >= enquiries.referral)),
                     s47_start) AS trigger,
         CASE WHEN closed IS NULL THEN died WHEN died IS NULL THEN closed ELSE min(closed, died) END AS stop
  FROM enquiries),
dues AS (SELECT *, )" + AddWorkingDaysSql("clocks.trigger", 15) + R"( AS due FROM clocks),
done AS (
  SELECT d.*, CASE WHEN d.icpc_field IS NOT NULL AND (d.stop IS NULL OR d.icpc_field <= d.stop) THEN d.icpc_field
                   ELSE (SELECT min(c.start_date) FROM event c
                         WHERE c.child_id = d.child_id AND c.kind = 'initial-cp-conference' AND c.withdrawn = 0
                           AND c.start_date >= d.s47_start AND c.start_date <= (SELECT as_at FROM params)
                           AND (d.stop IS NULL OR c.start_date <= d.stop)) END AS done
  FROM dues d)
SELECT * FROM (
  SELECT child_id, 's47.icpc-15wd' AS rule, trigger, due, done, )" + std::string(kStatusColumns) + R"(
  FROM done) WHERE status IS NOT NULL)";
}

std::string ReviewSql() {
  return R"(
WITH params AS (SELECT $1 AS as_at),
episodes AS (
  SELECT e.id, e.child_id, e.start_date AS start, )" + Happened("e.end_date") + R"( AS ended,
         upper(coalesce(json_extract(e.fields, '$.RNE'), '')) AS rne,
         upper(coalesce(json_extract(e.fields, '$.REC'), '')) AS rec,
         upper(coalesce(json_extract(e.fields, '$.LS'), '')) AS ls
  FROM event e
  WHERE e.kind = 'looked-after-episode' AND e.withdrawn = 0 AND e.start_date <= (SELECT as_at FROM params)),
flagged AS (
  SELECT *, CASE WHEN lag(id) OVER w IS NULL OR rne = 'S'
                   OR (lag(ended) OVER w IS NOT NULL AND lag(rec) OVER w <> 'X1') THEN 1 ELSE 0 END AS new_period
  FROM episodes WINDOW w AS (PARTITION BY child_id ORDER BY start, id)),
numbered AS (
  SELECT *, sum(new_period) OVER (PARTITION BY child_id ORDER BY start, id ROWS UNBOUNDED PRECEDING) AS period
  FROM flagged),
periods AS (
  SELECT child_id, period,
         min(CASE WHEN ls NOT IN ('V3', 'V4') THEN start END) AS care_start,
         max(CASE WHEN last THEN coalesce(ended, '9999-12-31') END) AS period_end
  FROM (SELECT *, row_number() OVER (PARTITION BY child_id, period ORDER BY start DESC, id DESC) = 1 AS last
        FROM numbered)
  GROUP BY child_id, period),
stops AS (
  SELECT p.child_id, p.period, p.care_start,
         (SELECT min(p.period_end,
                     coalesce()" + Happened(AddMonthsSql("c.birth_date", 216)) + R"(, '9999-12-31'),
                     coalesce()" + Happened("c.death_date") + R"(, '9999-12-31'))
          FROM child c WHERE c.id = p.child_id) AS stop_or_never
  FROM periods p WHERE p.care_start IS NOT NULL),
periods_stopped AS (SELECT child_id, period, care_start, nullif(stop_or_never, '9999-12-31') AS stop FROM stops),
reviews AS (
  SELECT DISTINCT child_id, start_date AS day FROM event
  WHERE kind = 'cla-review' AND withdrawn = 0 AND start_date <= (SELECT as_at FROM params)),
period_reviews AS (
  SELECT p.child_id, p.period, p.stop, r.day,
         row_number() OVER (PARTITION BY p.child_id, p.period ORDER BY r.day) AS k,
         lead(r.day) OVER (PARTITION BY p.child_id, p.period ORDER BY r.day) AS next_day
  FROM periods_stopped p JOIN reviews r ON r.child_id = p.child_id AND r.day >= p.care_start
   AND r.day <= coalesce(p.stop, (SELECT as_at FROM params))),
links AS (
  SELECT p.child_id, 'cla.review-first-20wd' AS rule, p.care_start AS trigger,
         )" + AddWorkingDaysSql("p.care_start", 20) + R"( AS due,
         (SELECT pr.day FROM period_reviews pr WHERE pr.child_id = p.child_id AND pr.period = p.period AND pr.k = 1) AS done,
         p.stop AS stop
  FROM periods_stopped p
  UNION ALL
  SELECT child_id, 'cla.review-second-3m', day, )" + AddMonthsSql("day", 3) + R"(, next_day, stop
  FROM period_reviews WHERE k = 1
  UNION ALL
  SELECT child_id, 'cla.review-next-6m', day, )" + AddMonthsSql("day", 6) + R"(, next_day, stop
  FROM period_reviews WHERE k >= 2)
SELECT * FROM (
  SELECT child_id, rule, trigger, due, done, )" + std::string(kStatusColumns) + R"(
  FROM links) WHERE status IS NOT NULL)";
}

// One line per obligation, "child rule trigger due done status days", comparable across engines.
std::string LineOf(std::string_view child, std::string_view rule, std::string_view trigger, std::string_view due,
                   std::string_view done, std::string_view status, int64_t days) {
  std::string line;
  line.append(child).append(" ").append(rule).append(" ").append(trigger).append(" ").append(due).append(" ");
  line.append(done.empty() ? "-" : done).append(" ").append(status).append(" ").append(std::to_string(days));
  return line;
}

// Runs the three queries; returns their rows as lines (child = la_child_id).
Result<std::vector<std::string>> RunSqlBaseline(store::Connection& db) {
  std::vector<std::string> lines;
  for (const std::string& sql : {AssessmentSql(), IcpcSql(), ReviewSql()}) {
    CAIRN_ASSIGN_OR_RETURN(auto statement,
                           db.Prepare("SELECT c.la_child_id, q.rule, q.trigger, q.due, q.done, q.status, q.days FROM (" +
                                      sql + ") q JOIN child c ON c.id = q.child_id"));
    CAIRN_RETURN_IF_ERROR(statement->Bind(1, AsAt().ToIso()));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, statement->Step());
      if (!row) break;
      lines.push_back(LineOf(statement->ColumnText(0), statement->ColumnText(1), statement->ColumnText(2),
                             statement->ColumnText(3), statement->ColumnText(4), statement->ColumnText(5),
                             statement->ColumnInt(6)));
    }
  }
  return lines;
}

// The working-day calendar as two tables: wd_through(day, n) counts working days through each day
// (so a weekend day has the count of the Friday before); wd_nth(n, day) is the nth working day.
Status CreateCalendarTables(store::Connection& db, const WorkingDayCalendar& calendar) {
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript(
      "DROP TABLE IF EXISTS wd_through; DROP TABLE IF EXISTS wd_nth;"
      "CREATE TABLE wd_through (day TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
      "CREATE TABLE wd_nth (n INTEGER PRIMARY KEY, day TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS bench_event_parent ON event(parent_id);"
      "CREATE INDEX IF NOT EXISTS bench_event_child_kind ON event(child_id, kind, start_date);"));
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db));
  CAIRN_ASSIGN_OR_RETURN(auto through, db.Prepare("INSERT INTO wd_through (day, n) VALUES ($1, $2)"));
  CAIRN_ASSIGN_OR_RETURN(auto nth, db.Prepare("INSERT INTO wd_nth (n, day) VALUES ($1, $2)"));
  int64_t count = 0;
  for (Date day = Date::FromYmdOrDie(1990, 1, 1); day <= Date::FromYmdOrDie(2040, 12, 31); day = day.AddDays(1)) {
    if (calendar.IsWorkingDay(day)) {
      ++count;
      CAIRN_RETURN_IF_ERROR(nth->BindAll({count, day.ToIso()}));
      CAIRN_RETURN_IF_ERROR(nth->Run());
    }
    CAIRN_RETURN_IF_ERROR(through->BindAll({day.ToIso(), count}));
    CAIRN_RETURN_IF_ERROR(through->Run());
  }
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("ANALYZE;"));
  return transaction.Commit();
}

// ---------------------------------------------------------------------------------------------
// The council, built once.

struct Council {
  Council() = default;
  Council(const Council&) = delete;
  Council& operator=(const Council&) = delete;
  // Removes the database (and its -wal and -shm files) when the benchmark program ends.
  ~Council() {
    db.reset();
    if (path.empty()) return;
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ignored);
  }

  std::string error;
  std::string path;
  std::unique_ptr<store::Connection> db;
  std::unique_ptr<Evaluator> evaluator;
  std::vector<model::Chronology> chronologies;
  std::vector<CompactChronology> compact;
  int64_t events = 0;
  double simulate_and_save_s = 0;
  double load_ms = 0;
  double sql_ms = 0;  // best of three runs
  int64_t sql_rows = 0;
  int64_t sql_mismatches = 0;
};

Status Build(Council& council) {
  council.path = (std::filesystem::temp_directory_path() /
                  ("cairn_timescales_bench_" + std::to_string(::getpid()) + ".db"))
                     .string();
  CAIRN_ASSIGN_OR_RETURN(council.db, store::Connection::Open(council.path));
  CAIRN_ASSIGN_OR_RETURN(simulate::Profile profile, simulate::LoadBuiltInProfile("england"));
  simulate::SimulationOptions options{.population = kPopulation, .years = kYears, .seed = 20250331, .as_at = AsAt(),
                                      .threads = Threads()};
  std::cerr << "timescales bench: simulating a " << kPopulation << "-child council over " << kYears
            << " years into " << council.path << " ...\n";
  auto start = std::chrono::steady_clock::now();
  CAIRN_ASSIGN_OR_RETURN(simulate::SimulationSummary summary, simulate::SimulateToDatabase(*council.db, profile, options));
  council.simulate_and_save_s = MillisecondsSince(start) / 1000;
  CAIRN_ASSIGN_OR_RETURN(WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
  CAIRN_RETURN_IF_ERROR(CreateCalendarTables(*council.db, calendar));

  start = std::chrono::steady_clock::now();
  CAIRN_ASSIGN_OR_RETURN(council.chronologies, store::LoadAllChronologies(*council.db));
  council.load_ms = MillisecondsSince(start);
  for (const model::Chronology& chronology : council.chronologies) council.events += static_cast<int64_t>(chronology.events().size());

  CAIRN_ASSIGN_OR_RETURN(RuleSet rules, RuleSet::England(calendar));
  CAIRN_ASSIGN_OR_RETURN(Evaluator evaluator, Evaluator::Create(std::move(rules), std::move(calendar)));
  council.evaluator = std::make_unique<Evaluator>(std::move(evaluator));
  council.compact = CompactAll(*council.evaluator, council.chronologies, Threads());
  std::cerr << "timescales bench: " << council.chronologies.size() << " children, " << council.events << " events ("
            << summary.events << " simulated) in " << council.simulate_and_save_s << " s; loaded in "
            << council.load_ms << " ms; running the SQL baseline ...\n";

  // The baseline, three times; the best time counts (the kindest reading for SQL).
  std::vector<std::string> sql_lines;
  council.sql_ms = 1e300;
  for (int run = 0; run < 3; ++run) {
    start = std::chrono::steady_clock::now();
    CAIRN_ASSIGN_OR_RETURN(sql_lines, RunSqlBaseline(*council.db));
    council.sql_ms = std::min(council.sql_ms, MillisecondsSince(start));
  }
  council.sql_rows = static_cast<int64_t>(sql_lines.size());

  // Both engines must give the same answers for the three rules.
  const RuleSet& set = council.evaluator->rules();
  const std::set<std::string> compared = {"referral.assessment-45wd", "s47.icpc-15wd", "cla.review-first-20wd",
                                          "cla.review-second-3m", "cla.review-next-6m"};
  std::vector<std::string> cairn_lines;
  const std::vector<ChildEvaluation> results = EvaluateCouncil(*council.evaluator, council.compact, AsAt(), Threads());
  for (size_t i = 0; i < results.size(); ++i) {
    for (const Obligation& obligation : results[i].obligations) {
      const std::string& rule = set.rules()[obligation.rule].id;
      if (compared.count(rule) == 0) continue;
      cairn_lines.push_back(LineOf(council.compact[i].child_id(), rule, obligation.trigger.ToIso(),
                                   obligation.due.ToIso(), obligation.done ? obligation.done->ToIso() : "",
                                   StatusName(obligation.status), obligation.days));
    }
  }
  std::sort(cairn_lines.begin(), cairn_lines.end());
  std::sort(sql_lines.begin(), sql_lines.end());
  std::vector<std::string> only_sql;
  std::vector<std::string> only_cairn;
  std::set_difference(sql_lines.begin(), sql_lines.end(), cairn_lines.begin(), cairn_lines.end(), std::back_inserter(only_sql));
  std::set_difference(cairn_lines.begin(), cairn_lines.end(), sql_lines.begin(), sql_lines.end(), std::back_inserter(only_cairn));
  council.sql_mismatches = static_cast<int64_t>(only_sql.size() + only_cairn.size());
  for (size_t i = 0; i < std::min<size_t>(5, only_sql.size()); ++i) std::cerr << "  only in SQL:   " << only_sql[i] << "\n";
  for (size_t i = 0; i < std::min<size_t>(5, only_cairn.size()); ++i) std::cerr << "  only in Cairn: " << only_cairn[i] << "\n";
  std::cerr << "timescales bench: SQL baseline " << council.sql_ms << " ms for " << council.sql_rows << " obligations; "
            << council.sql_mismatches << " differ from Cairn's.\n";
  return Status::Ok();
}

Council& TheCouncil() {
  static Council council;
  static const bool built = [] {
    const Status status = Build(council);
    if (!status.ok()) council.error = status.message();
    return true;
  }();
  (void)built;
  return council;
}

bool Ready(benchmark::State& state) {
  const Council& council = TheCouncil();
  if (!council.error.empty()) {
    state.SkipWithError(council.error.c_str());
    return false;
  }
  return true;
}

// What a dashboard does with whole-council evaluation: counts by rule and status, plus signals;
// one tally per worker thread (no shared counters), added up at the end.
class Tally {
 public:
  Tally(size_t rules, int workers) : width_(rules * 5 + 1), counts_(static_cast<size_t>(workers) * Stride(), 0) {}
  void Add(int worker, const ChildEvaluation& result) {
    int64_t* counts = counts_.data() + static_cast<size_t>(worker) * Stride();
    for (const Obligation& obligation : result.obligations) ++counts[obligation.rule * 5u + static_cast<size_t>(obligation.status)];
    counts[width_ - 1] += static_cast<int64_t>(result.signals.size());
  }
  int64_t Obligations() const {
    int64_t total = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      if (i % Stride() < width_ - 1) total += counts_[i];
    }
    return total;
  }
  int64_t Signals() const {
    int64_t total = 0;
    for (size_t i = 0; i < counts_.size(); i += Stride()) total += counts_[i + width_ - 1];
    return total;
  }

 private:
  // Each worker's counts start on their own cache lines.
  size_t Stride() const { return (width_ + 7) / 8 * 8 + 8; }
  size_t width_;
  std::vector<int64_t> counts_;
};

void BM_TimescalesCouncil55k(benchmark::State& state) {
  if (!Ready(state)) return;
  const Council& council = TheCouncil();
  if (council.sql_mismatches > 0) {
    // A ratio between two programs that give different answers means nothing.
    const std::string error = std::to_string(council.sql_mismatches) +
                              " obligations differ between Cairn and the SQL baseline (listed above); no speed-up "
                              "is reported until they agree";
    state.SkipWithError(error.c_str());
    return;
  }
  const int threads = Threads();
  int64_t obligations = 0;
  int64_t signals = 0;
  double total_ms = 0;
  for (auto _ : state) {
    Tally tally(council.evaluator->rules().rules().size(), threads);
    const auto start = std::chrono::steady_clock::now();
    EvaluateCouncil(*council.evaluator, council.compact, AsAt(), threads,
                    [&](int worker, size_t, const ChildEvaluation& result) { tally.Add(worker, result); });
    total_ms += MillisecondsSince(start);
    obligations = tally.Obligations();
    signals = tally.Signals();
  }
  const double per_run_ms = total_ms / static_cast<double>(state.iterations());
  state.counters["children"] = static_cast<double>(council.compact.size());
  state.counters["events"] = static_cast<double>(council.events);
  state.counters["obligations"] = static_cast<double>(obligations);
  state.counters["signals"] = static_cast<double>(signals);
  state.counters["threads"] = threads;
  state.counters["cairn_ms"] = per_run_ms;
  state.counters["sql_baseline_ms"] = council.sql_ms;
  state.counters["x_faster_than_sql"] = council.sql_ms / per_run_ms;
  state.counters["sql_mismatches"] = static_cast<double>(council.sql_mismatches);
}
BENCHMARK(BM_TimescalesCouncil55k)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_TimescalesSqlBaseline(benchmark::State& state) {
  if (!Ready(state)) return;
  Council& council = TheCouncil();
  int64_t rows = 0;
  for (auto _ : state) {
    Result<std::vector<std::string>> lines = RunSqlBaseline(*council.db);
    if (!lines.ok()) {
      state.SkipWithError(lines.status().message().c_str());
      return;
    }
    rows = static_cast<int64_t>(lines->size());
  }
  state.counters["obligations"] = static_cast<double>(rows);
  state.counters["rules"] = 5;
}
BENCHMARK(BM_TimescalesSqlBaseline)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

void BM_TimescalesEngland(benchmark::State& state) {
  if (!Ready(state)) return;
  const Council& council = TheCouncil();
  static const std::vector<std::vector<CompactChronology>> copies = [&] {
    std::vector<std::vector<CompactChronology>> made(kEnglandCopies, council.compact);
    return made;
  }();
  const int threads = Threads();
  int64_t obligations = 0;
  int64_t children = 0;
  for (auto _ : state) {
    Tally tally(council.evaluator->rules().rules().size(), threads);
    children = 0;
    for (int i = 0; i < kEnglandCouncils; ++i) {
      const std::vector<CompactChronology>& council_copy = copies[static_cast<size_t>(i % kEnglandCopies)];
      EvaluateCouncil(*council.evaluator, council_copy, AsAt(), threads,
                      [&](int worker, size_t, const ChildEvaluation& result) { tally.Add(worker, result); });
      children += static_cast<int64_t>(council_copy.size());
    }
    obligations = tally.Obligations();
  }
  size_t bytes = 0;
  for (const CompactChronology& child : council.compact) bytes += child.MemoryBytes();
  state.counters["councils"] = kEnglandCouncils;
  state.counters["children"] = static_cast<double>(children);
  state.counters["obligations"] = static_cast<double>(obligations);
  state.counters["copies_in_memory"] = kEnglandCopies;
  state.counters["council_MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["threads"] = threads;
}
BENCHMARK(BM_TimescalesEngland)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

void BM_TimescalesOneChildUpdate(benchmark::State& state) {
  if (!Ready(state)) return;
  Council& council = TheCouncil();
  // The child with the most events (arg 0) or the median child (arg 1).
  std::vector<size_t> order(council.chronologies.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return council.chronologies[a].events().size() > council.chronologies[b].events().size();
  });
  const size_t chosen = state.range(0) == 0 ? order.front() : order[order.size() / 2];
  static std::unique_ptr<CouncilEvaluation> evaluation;
  if (!evaluation) evaluation = std::make_unique<CouncilEvaluation>(*council.evaluator, council.chronologies, AsAt(), Threads());
  // The new event: a statutory visit recorded today.
  model::Chronology changed = council.chronologies[chosen];
  model::Event visit{.kind = model::EventKind::kVisit, .start = AsAt()};
  visit.Set("purpose", "cla");
  visit.Set("child_seen", "1");
  visit.provenance.source = "cairn";
  changed.Add(std::move(visit));
  size_t obligations = 0;
  for (auto _ : state) {
    const size_t index = evaluation->Update(changed);
    obligations = evaluation->result(index).obligations.size();
  }
  state.counters["child_events"] = static_cast<double>(changed.events().size());
  state.counters["obligations"] = static_cast<double>(obligations);
}
BENCHMARK(BM_TimescalesOneChildUpdate)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_TimescalesCompactCouncil(benchmark::State& state) {
  if (!Ready(state)) return;
  const Council& council = TheCouncil();
  for (auto _ : state) {
    std::vector<CompactChronology> compact = CompactAll(*council.evaluator, council.chronologies, Threads());
    benchmark::DoNotOptimize(compact.data());
  }
  state.counters["load_from_sqlite_ms"] = council.load_ms;
  state.counters["simulate_and_save_s"] = council.simulate_and_save_s;
}
BENCHMARK(BM_TimescalesCompactCouncil)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_RecordedEventReevaluation(benchmark::State& state) {
  if (!Ready(state)) return;
  Council& council = TheCouncil();
  Result<store::Workforce> workforce = store::LoadWorkforce(*council.db);
  if (!workforce.ok()) {
    state.SkipWithError(workforce.status().message().c_str());
    return;
  }
  web::Council pages;
  pages.Build(*council.evaluator, council.chronologies,
              access::CouncilDirectory(std::move(workforce->workers), std::move(workforce->teams)), AsAt(), Threads());
  std::vector<double> micros;
  micros.reserve(pages.size());
  for (auto _ : state) {
    for (size_t i = 0; i < pages.size(); ++i) {
      // The recorder hands over the chronology as saved; making it is not the re-evaluation.
      model::Chronology changed = pages.chronology(i);
      model::Event visit{.kind = model::EventKind::kVisit, .start = AsAt()};
      visit.Set("purpose", "cin");
      visit.Set("child_seen", "true");
      visit.provenance.source = "cairn";
      changed.Add(std::move(visit));
      const auto start = std::chrono::steady_clock::now();
      pages.Update(std::move(changed));
      micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    }
  }
  std::sort(micros.begin(), micros.end());
  auto at = [&micros](double share) { return micros[static_cast<size_t>(share * static_cast<double>(micros.size() - 1))]; };
  state.counters["children"] = static_cast<double>(micros.size());
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = micros.back();
  state.counters["p99_under_1ms"] = at(0.99) < 1000.0 ? 1 : 0;
}
BENCHMARK(BM_RecordedEventReevaluation)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace cairn::timescales
