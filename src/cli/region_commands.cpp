// `cairn region`: a region's councils in one PostgreSQL database, each in a schema of its own
// (store/region.h). `list` says which councils it holds, `simulate` fills several synthetic
// councils of different sizes and profiles from one seed, and `indicators` sets every council's
// national indicators side by side (figures only; each council's own audit trail records the read).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "cli/table.h"
#include "base/atomic_file.h"
#include "indicators/report.h"
#include "reports/region_pool.h"
#include "store/audit.h"
#include "simulate/simulator.h"
#include "store/chronology_store.h"
#include "store/migrations.h"
#include "store/region.h"
#include "store/settings.h"
#include "store/workforce_store.h"

namespace cairn::cli {
namespace {

struct RegionArgs {
  std::string db;
  std::string councils;
  int64_t population = 55'000;
  int years = 5;
  uint64_t seed = 1;
  std::string as_at;
  int threads = 2;
  int year = 0;
  std::string indicator;
  std::string out;
};

// "340,341,343": three-digit DfE numbers, each once.
Result<std::vector<std::string>> ParseCouncils(std::string_view text) {
  std::vector<std::string> councils;
  std::stringstream list{std::string(text)};
  std::string code;
  while (std::getline(list, code, ',')) {
    const bool three_digits = code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) {
                                return c >= '0' && c <= '9';
                              });
    if (!three_digits) return Status::InvalidArgument("--councils: '" + code + "' is not a three-digit DfE number");
    if (std::find(councils.begin(), councils.end(), code) != councils.end()) {
      return Status::InvalidArgument("--councils: " + code + " is given twice");
    }
    councils.push_back(code);
  }
  if (councils.empty()) return Status::InvalidArgument("--councils names no council");
  return councils;
}

// Runs `work` for each council, `threads` at a time; the first failure is returned (the councils
// already started finish).
Status ForEachCouncil(const std::vector<std::string>& councils, int threads,
                      const std::function<Status(size_t index)>& work) {
  std::atomic<size_t> next{0};
  std::mutex failure_mutex;
  Status failure;
  auto worker = [&]() {
    while (true) {
      const size_t index = next.fetch_add(1);
      if (index >= councils.size()) return;
      {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure.ok()) return;
      }
      Status done;
      // A thread must not end by an exception (that would end the program): it fails its council.
      try {
        done = work(index);
      } catch (const std::exception& error) {
        done = Status::Internal(std::string("unexpected failure: ") + error.what());
      }
      if (!done.ok()) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (failure.ok()) failure = done.WithContext("council " + councils[index]);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < std::max(1, threads); ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
  return failure;
}

Result<std::vector<std::string>> CouncilsOf(const std::string& region_url) {
  CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::OpenExisting(region_url));
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> councils, store::CouncilsIn(*db));
  if (councils.empty()) {
    return Status::NotFound("the database holds no council yet; `cairn region simulate`, or `cairn migrate --db "
                            "URL&council=NNN` for a council of its own, makes one");
  }
  return councils;
}

// Every subcommand's --db: the region's database, never one council's.
void AddRegionDb(CLI::App* command, std::string& db) {
  command->add_option("--db", db, "The region's PostgreSQL database (a postgresql:// URL without council=)")
      ->required();
}

}  // namespace

Action DefineRegion(CLI::App& app) {
  auto args = std::make_shared<RegionArgs>();
  app.require_subcommand(1);
  app.footer(
      "A region's database is PostgreSQL, with each council in a schema of its own: add council=NNN to the URL "
      "(postgresql://cairn@db/region?council=343) and every other command works on that council alone, its staff "
      "signing in to a `cairn serve` of their own council.");
  CLI::App* list = app.add_subcommand("list", "The councils the database holds, with their children and events");
  AddRegionDb(list, args->db);

  CLI::App* simulate = app.add_subcommand(
      "simulate", "Fill synthetic councils into a new region: sizes and profiles differ, one seed gives the region");
  AddRegionDb(simulate, args->db);
  simulate->add_option("--councils", args->councils,
                       "The councils' three-digit DfE numbers, e.g. 340,341,342,343,344,350,351,352,353,354,355,356")
      ->required();
  simulate->add_option("--population", args->population,
                       "Children aged 0-17 in the middle-sized council; the others are from 60% to 140% of it")
      ->capture_default_str();
  simulate->add_option("--years", args->years, "Years simulated, ending on the as-at date")->capture_default_str();
  simulate->add_option("--seed", args->seed, "Random seed: the same seed gives the same region")->capture_default_str();
  simulate->add_option("--as-at", args->as_at, "Last day simulated, YYYY-MM-DD (default: the latest 31 March)");
  simulate->add_option("--threads", args->threads, "Councils simulated at once")->capture_default_str();

  CLI::App* indicators = app.add_subcommand(
      "indicators", "Every council's national indicators side by side (figures only, no child)");
  AddRegionDb(indicators, args->db);
  indicators->add_option("--year", args->year, "Reporting year, by the year it ends (default: the last that ended)");
  indicators->add_option("--indicator", args->indicator, "Only this indicator (e.g. cp-31-march-rate)");
  indicators->add_option("--threads", args->threads, "Councils loaded at once")->capture_default_str();

  CLI::App* pooled_children = app.add_subcommand(
      "children", "Pooled, pseudonymised child-level data of every council, as CSV, for the region's analysts");
  AddRegionDb(pooled_children, args->db);
  pooled_children->add_option("--as-at", args->as_at, "The date the statuses are as at, YYYY-MM-DD (default: today)");
  pooled_children->add_option("--out", args->out, "The CSV file to write (created private, mode 0600)")->required();
  pooled_children->add_option("--threads", args->threads, "Councils loaded at once")->capture_default_str();
  pooled_children->footer(
      "One row per child active in the year to the date: a pseudonym (the same for the same child in every extract "
      "of the region, and not the council's identifier), the council, age band, sex, ethnicity, whether in need, on "
      "a protection plan or looked after on the date, and the referrals and placements that started in the year. "
      "No name, identifier or date of birth. It is still personal data: keep and share it as the region's "
      "data-sharing agreement says. Each council's audit trail records every child of theirs it holds.");

  // `indicators` is the one left when no other subcommand was given (CLI11 requires one).
  return [args, list, simulate, pooled_children](Environment& env) -> Status {
    if (pooled_children->parsed()) {
      // Before anything is read or audited: a file that cannot be written stops it here.
      CAIRN_RETURN_IF_ERROR(CheckWritablePath(args->out, "the pooled extract"));
      CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> councils, CouncilsOf(args->db));
      Date as_at = env.clock.Today();
      if (!args->as_at.empty()) {
        Result<Date> given = Date::ParseIso(args->as_at);
        if (!given.ok()) return Status::InvalidArgument("--as-at: " + given.status().message());
        as_at = *given;
      }
      std::string key;
      {
        CAIRN_ASSIGN_OR_RETURN(auto region, store::Connection::OpenExisting(args->db));
        CAIRN_ASSIGN_OR_RETURN(key, store::RegionPseudonymKey(*region));
      }
      std::vector<std::vector<reports::PooledChild>> pooled(councils.size());
      const auto pool_one = [&](size_t index) -> Status {
        CAIRN_ASSIGN_OR_RETURN(std::string target, store::CouncilTarget(args->db, councils[index]));
        CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::OpenExisting(target));
        CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(*db));
        pooled[index] = reports::PoolChildren(councils[index], chronologies, as_at, key);
        // The council's record of what left it, before the file does.
        store::AuditEntry audit = store::CommandLineAudit(env.actor, "export", "cairn region children");
        for (const reports::PooledChild& child : pooled[index]) audit.children.push_back(child.la_child_id);
        audit.detail = "pooled pseudonymised extract for the region as at " + as_at.ToIso() + ": " +
                       std::to_string(audit.children.size()) + " children";
        return store::AppendAudit(*db, audit);
      };
      CAIRN_RETURN_IF_ERROR(ForEachCouncil(councils, args->threads, pool_one));
      std::vector<reports::PooledChild> all;
      for (size_t index = 0; index < councils.size(); ++index) {
        std::vector<reports::PooledChild>& council = pooled[index];
        env.err << "  council " << councils[index] << ": " << council.size() << " children\n";
        all.insert(all.end(), std::make_move_iterator(council.begin()), std::make_move_iterator(council.end()));
      }
      CAIRN_ASSIGN_OR_RETURN(std::string csv, reports::PooledChildrenCsv(all));
      CAIRN_RETURN_IF_ERROR(WriteFileAtomically(args->out, csv));
      env.out << all.size() << " children of " << councils.size() << " councils, as at " << as_at.ToIso()
              << ", pseudonymised, written to " << args->out << "\n";
      return Status::Ok();
    }

    if (list->parsed()) {
      CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> councils, CouncilsOf(args->db));
      std::vector<std::vector<std::string>> rows;
      for (const std::string& council : councils) {
        CAIRN_ASSIGN_OR_RETURN(std::string target, store::CouncilTarget(args->db, council));
        CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::OpenExisting(target));
        std::vector<std::string> row = {council};
        for (const char* table : {"child", "event"}) {
          CAIRN_ASSIGN_OR_RETURN(bool has, db->TableExists(table));
          if (!has) {
            row.push_back("(not migrated)");
            continue;
          }
          CAIRN_ASSIGN_OR_RETURN(auto count, db->Prepare(std::string("SELECT count(*) FROM ") + table));
          CAIRN_ASSIGN_OR_RETURN(bool counted, count->Step());
          row.push_back(counted ? std::to_string(count->ColumnInt(0)) : "0");
        }
        CAIRN_ASSIGN_OR_RETURN(bool synthetic, store::IsSynthetic(*db));
        row.push_back(synthetic ? "synthetic" : "");
        rows.push_back(std::move(row));
      }
      PrintTable(env.out, {"council", "children", "events", ""}, rows);
      return Status::Ok();
    }

    if (simulate->parsed()) {
      CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> councils, ParseCouncils(args->councils));
      CAIRN_ASSIGN_OR_RETURN(auto region, store::Connection::OpenExisting(args->db));
      CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> held, store::CouncilsIn(*region));
      for (const std::string& council : councils) {
        if (std::find(held.begin(), held.end(), council) != held.end()) {
          return Status::AlreadyExists("the database already holds council " + council +
                                       "; a region is simulated into a new database");
        }
      }
      Date as_at = simulate::LatestThirtyFirstMarch(env.clock.Today());
      if (!args->as_at.empty()) {
        Result<Date> given = Date::ParseIso(args->as_at);
        if (!given.ok()) return Status::InvalidArgument("--as-at: " + given.status().message());
        as_at = *given;
      }
      CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
      std::mutex output;
      const auto started = std::chrono::steady_clock::now();
      std::atomic<int64_t> children{0}, events{0};
      const auto simulate_one = [&](size_t index) -> Status {
        // Sizes from 60% to 140% of --population, spread over the councils; every other council
        // struggles (the profile of a council Ofsted found inadequate).
        const double share = councils.size() == 1 ? 1.0 : 0.6 + 0.8 * static_cast<double>(index) /
                                                                    static_cast<double>(councils.size() - 1);
        simulate::SimulationOptions options;
        options.population = std::max<int64_t>(1000, static_cast<int64_t>(static_cast<double>(args->population) * share));
        options.years = args->years;
        options.seed = args->seed + index;
        options.as_at = as_at;
        options.threads = 1;
        CAIRN_RETURN_IF_ERROR(simulate::ValidateOptions(options));
        CAIRN_ASSIGN_OR_RETURN(simulate::Profile profile,
                               simulate::LoadBuiltInProfile(index % 2 == 1 ? "struggling" : "england"));
        CAIRN_ASSIGN_OR_RETURN(std::string target, store::CouncilTarget(args->db, councils[index]));
        CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::Open(target));
        CAIRN_RETURN_IF_ERROR(store::Migrate(*db, migrations).status());
        CAIRN_ASSIGN_OR_RETURN(simulate::SimulationSummary summary, simulate::SimulateToDatabase(*db, profile, options));
        CAIRN_RETURN_IF_ERROR(store::SetSetting(*db, "la-code", councils[index]));
        CAIRN_RETURN_IF_ERROR(store::SetSetting(*db, "population", std::to_string(options.population)));
        children += summary.children;
        events += summary.events;
        std::lock_guard<std::mutex> lock(output);
        env.err << "  council " << councils[index] << ": " << summary.children << " children (" << summary.events
                << " events), population " << options.population << ", profile " << profile.name << ", seed "
                << options.seed << "\n";
        return Status::Ok();
      };
      CAIRN_RETURN_IF_ERROR(ForEachCouncil(councils, args->threads, simulate_one));
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      env.out << "Simulated " << councils.size() << " councils, " << children.load() << " children ("
              << events.load() << " events), to " << as_at.ToIso() << "; " << static_cast<int>(seconds * 10) / 10.0
              << " s\n";
      return Status::Ok();
    }

    // indicators
    CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> councils, CouncilsOf(args->db));
    const int year = args->year > 0 ? args->year : model::CollectionYear::Containing(env.clock.Today()).year - 1;
    CAIRN_ASSIGN_OR_RETURN(indicators::Catalogue catalogue, indicators::Catalogue::England());
    if (!args->indicator.empty() && catalogue.Find(args->indicator) == nullptr) {
      return Status::NotFound("there is no indicator '" + args->indicator + "'");
    }
    CAIRN_ASSIGN_OR_RETURN(WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
    CAIRN_ASSIGN_OR_RETURN(timescales::RuleSet rules, timescales::RuleSet::England(calendar));
    CAIRN_ASSIGN_OR_RETURN(indicators::IndicatorEngine engine,
                           indicators::IndicatorEngine::Create(std::move(catalogue), std::move(calendar),
                                                               std::move(rules)));
    const auto started = std::chrono::steady_clock::now();
    // Each council's values, by council; each computed by one thread, councils side by side.
    std::vector<std::vector<indicators::IndicatorValue>> values(councils.size());
    std::vector<size_t> children(councils.size(), 0);
    const auto evaluate_one = [&](size_t index) -> Status {
      CAIRN_ASSIGN_OR_RETURN(std::string target, store::CouncilTarget(args->db, councils[index]));
      CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::OpenExisting(target));
      CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
      CAIRN_RETURN_IF_ERROR(store::Migrate(*db, migrations).status());
      CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> population, store::GetSetting(*db, "population"));
      CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(*db));
      CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(*db));
      std::optional<double> rate_base;
      if (population) {
        double value = 0;
        const auto [end, error] = std::from_chars(population->data(), population->data() + population->size(), value);
        if (error != std::errc() || end != population->data() + population->size() || value <= 0) {
          return Status::InvalidArgument("the council's population setting '" + *population +
                                         "' is not a number of children; set it with `cairn settings set`");
        }
        rate_base = value;
      }
      indicators::CouncilData council{chronologies, workforce.workers, [&](int) { return rate_base; }};
      const std::vector<int> years = {year};
      values[index] = engine.Compute(council, years, 1);
      children[index] = chronologies.size();
      return store::RecordAudit(*db, env.actor, "read", "", "cairn region indicators for " + std::to_string(year));
    };
    CAIRN_RETURN_IF_ERROR(ForEachCouncil(councils, args->threads, evaluate_one));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    std::vector<std::string> headings = {"indicator"};
    for (const std::string& council : councils) headings.push_back(council);
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < values.front().size(); ++i) {
      const indicators::IndicatorValue& first = values.front()[i];
      if (!args->indicator.empty() && first.spec->id != args->indicator) continue;
      std::vector<std::string> row = {first.spec->id};
      for (const auto& council_values : values) {
        // The value cell as `cairn indicators` prints it.
        row.push_back(i < council_values.size() ? indicators::IndicatorCells(council_values[i], {})[2] : "");
      }
      rows.push_back(std::move(row));
    }
    PrintTable(env.out, headings, rows);
    size_t all_children = 0;
    for (size_t count : children) all_children += count;
    env.out << councils.size() << " councils, " << all_children << " children, reporting year " << year - 1 << "/"
            << year % 100 << "; rates per 10,000 children aged 0-17; loaded and evaluated in "
            << static_cast<int>(seconds * 10) / 10.0 << " s\n";
    return Status::Ok();
  };
}

}  // namespace cairn::cli
