#include "simulate/simulator.h"

#include <algorithm>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "base/handover.h"
#include "base/working_day_calendar.h"
#include "simulate/council.h"
#include "store/chronology_store.h"
#include "store/migrations.h"
#include "store/record_changes.h"
#include "store/settings.h"
#include "store/workforce_store.h"

namespace cairn::simulate {
namespace {

struct CouncilOutput {
  std::vector<model::Chronology> children;
  std::vector<model::Team> teams;
  std::vector<model::Worker> workers;
  Status status;
};

std::vector<internal::CouncilSpec> SplitIntoCouncils(const SimulationOptions& options, Date simulation_start,
                                                     Date window_start) {
  int64_t councils = 1;
  if (options.population > options.split_above) {
    councils = (options.population + options.council_population - 1) / options.council_population;
  }
  std::vector<internal::CouncilSpec> specs;
  for (int64_t c = 0; c < councils; ++c) {
    internal::CouncilSpec spec;
    spec.number = static_cast<int>(c);
    spec.population = options.population / councils + (c < options.population % councils ? 1 : 0);
    spec.seed = options.seed;
    spec.simulation_start = simulation_start;
    spec.window_start = window_start;
    spec.as_at = options.as_at;
    spec.la_code = options.la_code;
    spec.postcodes = options.postcodes.get();
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace

Date LatestThirtyFirstMarch(Date today) {
  const Date this_year = Date::FromYmdOrDie(today.year(), 3, 31);
  return today >= this_year ? this_year : Date::FromYmdOrDie(today.year() - 1, 3, 31);
}

Status ValidateOptions(const SimulationOptions& options) {
  if (options.population < kMinPopulation || options.population > kMaxPopulation) {
    return Status::InvalidArgument("population must be between " + std::to_string(kMinPopulation) + " and " +
                                   std::to_string(kMaxPopulation) + " children (it is " +
                                   std::to_string(options.population) + ")");
  }
  if (options.years < 1 || options.years > kMaxYears) {
    return Status::InvalidArgument("years must be between 1 and " + std::to_string(kMaxYears) + " (it is " +
                                   std::to_string(options.years) + ")");
  }
  const int first_year = options.as_at.year() - options.years - 18 - 5;
  if (first_year < WorkingDayCalendar::kFirstYear || options.as_at.year() > WorkingDayCalendar::kLastYear - 1) {
    return Status::InvalidArgument("as-at date " + options.as_at.ToIso() + " is outside the years Cairn simulates (" +
                                   std::to_string(WorkingDayCalendar::kFirstYear + options.years + 23) + " to " +
                                   std::to_string(WorkingDayCalendar::kLastYear - 1) + ")");
  }
  if (options.threads < 1 || options.threads > 64) {
    return Status::InvalidArgument("threads must be between 1 and 64 (it is " + std::to_string(options.threads) + ")");
  }
  if (options.council_population < kMinPopulation || options.split_above < options.council_population) {
    return Status::InvalidArgument("council_population must be at least " + std::to_string(kMinPopulation) +
                                   " and no more than split_above");
  }
  if (options.population / options.council_population > 999) {
    return Status::InvalidArgument("a population of " + std::to_string(options.population) +
                                   " would need more than 999 councils of " +
                                   std::to_string(options.council_population));
  }
  if (options.la_code.size() != 3 ||
      !std::all_of(options.la_code.begin(), options.la_code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument("the LA code must be three digits (it is '" + options.la_code + "')");
  }
  return Status::Ok();
}

Result<SimulationSummary> Simulate(const Profile& profile, const SimulationOptions& options, const ChildSink& sink,
                                   const Progress& progress) {
  CAIRN_RETURN_IF_ERROR(ValidateOptions(options));
  CAIRN_ASSIGN_OR_RETURN(const WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
  CAIRN_ASSIGN_OR_RETURN(const NameLists names, LoadBuiltInNameLists());

  SimulationSummary summary;
  summary.as_at = options.as_at;
  summary.window_start = options.as_at.AddYears(-options.years).AddDays(1);
  summary.simulation_start = summary.window_start.AddYears(-18);
  const std::vector<internal::CouncilSpec> specs =
      SplitIntoCouncils(options, summary.simulation_start, summary.window_start);
  summary.councils = static_cast<int>(specs.size());

  std::mutex progress_mutex;
  auto say = [&](const std::string& line) {
    if (!progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    progress(line);
  };
  auto counting_sink = [&](model::Chronology&& child) -> Status {
    ++summary.children;
    summary.events += static_cast<int64_t>(child.events().size());
    return sink(std::move(child));
  };

  if (specs.size() == 1) {
    internal::Council council(profile, calendar, names, specs.front());
    council.Run([&](Date date) {
      if (date < summary.window_start) {
        if (date.year() % 6 == 0) say("simulating the years before the window: reached " + std::to_string(date.year()));
      } else {
        say("simulating: reached " + date.ToIso());
      }
    });
    say("writing chronologies of " + std::to_string(council.involved_children()) + " children involved since " +
        summary.simulation_start.ToIso());
    CAIRN_RETURN_IF_ERROR(council.Emit(counting_sink));
    council.AppendWorkforce(summary.teams, summary.workers);
    return summary;
  }

  // Several councils: `threads` at a time, handed to the sink in council order.
  auto run_one = [&profile, &calendar, &names](const internal::CouncilSpec& spec) {
    auto output = std::make_unique<CouncilOutput>();
    internal::Council council(profile, calendar, names, spec);
    council.Run();
    output->status = council.Emit([&](model::Chronology&& child) {
      output->children.push_back(std::move(child));
      return Status::Ok();
    });
    council.AppendWorkforce(output->teams, output->workers);
    return output;
  };
  std::deque<std::future<std::unique_ptr<CouncilOutput>>> running;
  size_t next = 0;
  const size_t in_flight = static_cast<size_t>(options.threads);
  for (size_t done = 0; done < specs.size(); ++done) {
    while (next < specs.size() && running.size() < in_flight) {
      running.push_back(std::async(std::launch::async, run_one, std::cref(specs[next])));
      ++next;
    }
    std::unique_ptr<CouncilOutput> output = running.front().get();
    running.pop_front();
    // Start the next council before handing this one over, so the sink overlaps the work.
    if (next < specs.size()) {
      running.push_back(std::async(std::launch::async, run_one, std::cref(specs[next])));
      ++next;
    }
    CAIRN_RETURN_IF_ERROR(output->status);
    for (model::Chronology& child : output->children) CAIRN_RETURN_IF_ERROR(counting_sink(std::move(child)));
    summary.teams.insert(summary.teams.end(), std::make_move_iterator(output->teams.begin()),
                         std::make_move_iterator(output->teams.end()));
    summary.workers.insert(summary.workers.end(), std::make_move_iterator(output->workers.begin()),
                           std::make_move_iterator(output->workers.end()));
    say("simulated council " + std::to_string(done + 1) + " of " + std::to_string(specs.size()) + " (" +
        std::to_string(summary.children) + " children so far)");
  }
  return summary;
}

namespace {

// A simulation goes only into a database holding no child at all: mixed with real records, a
// synthetic child would be reported, exported and counted as real.
Status CheckNoRealRecords(store::Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto count, db.Prepare("SELECT COUNT(*) FROM child"));
  CAIRN_ASSIGN_OR_RETURN(bool row, count->Step());
  const int64_t children = row ? count->ColumnInt(0) : 0;
  if (children == 0) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(bool synthetic, store::IsSynthetic(db));
  if (synthetic) {
    return Status::FailedPrecondition("this database already holds a simulated council (" + std::to_string(children) +
                                      " children); give --replace to replace it, or another --db");
  }
  return Status::FailedPrecondition("this database holds " + std::to_string(children) +
                                    " real children's records; a simulation is never mixed with them. Give a new "
                                    "--db for the simulated council");
}

}  // namespace

Result<SimulationSummary> SimulateToDatabase(store::Connection& db, const Profile& profile,
                                             const SimulationOptions& options, const Progress& progress,
                                             size_t batch_size) {
  CAIRN_RETURN_IF_ERROR(ValidateOptions(options));
  CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
  CAIRN_RETURN_IF_ERROR(store::Migrate(db, migrations).status());
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db));
  // Checked inside the transaction, so no import can slip in between the check and the write: on
  // PostgreSQL the record's generation is held first, so an import started beside it either
  // committed before the check or waits until this transaction ends (record_changes.h).
  CAIRN_RETURN_IF_ERROR(store::HoldRecordGeneration(db));
  CAIRN_RETURN_IF_ERROR(CheckNoRealRecords(db));
  CAIRN_RETURN_IF_ERROR(store::SetSetting(db, "synthetic", "true"));
  const store::ChangeContext context{"simulation", "synthetic council: profile " + profile.name + ", population " +
                                                       std::to_string(options.population) + ", " +
                                                       std::to_string(options.years) + " years, seed " +
                                                       std::to_string(options.seed)};
  // Into an empty database the writer builds the event indexes once, before the commit.
  CAIRN_ASSIGN_OR_RETURN(store::ChronologyWriter writer, store::ChronologyWriter::Start(db, context));
  // The simulation runs on a thread of its own and hands over batches of children; this thread,
  // which owns the connection, saves them, so simulating and saving overlap.
  std::mutex say_mutex;
  const Progress say = [&](const std::string& line) {
    if (!progress) return;
    std::lock_guard<std::mutex> lock(say_mutex);
    progress(line);
  };
  Handover<std::vector<model::Chronology>> handover(/*capacity=*/3);
  std::optional<Result<SimulationSummary>> simulated;
  std::thread simulation([&] {
    std::vector<model::Chronology> batch;
    batch.reserve(batch_size);
    auto hand_over = [&]() -> Status {
      if (!batch.empty() && !handover.Put(std::move(batch))) {
        return Status::Internal("the simulation stopped because saving failed");
      }
      batch = {};
      batch.reserve(batch_size);
      return Status::Ok();
    };
    Result<SimulationSummary> result = Simulate(
        profile, options,
        [&](model::Chronology&& child) -> Status {
          batch.push_back(std::move(child));
          return batch.size() >= batch_size ? hand_over() : Status::Ok();
        },
        say);
    if (result.ok()) {
      const Status handed = hand_over();
      if (!handed.ok()) result = handed;
    }
    simulated = std::move(result);
    handover.Finish();
  });
  Status saving;
  int64_t saved = 0;
  while (std::optional<std::vector<model::Chronology>> batch = handover.Take()) {
    saving = writer.Save(*batch);
    if (!saving.ok()) {
      handover.Stop();
      break;
    }
    const int64_t before = saved;
    saved += static_cast<int64_t>(batch->size());
    if (saved / 20000 != before / 20000) say("saved " + std::to_string(saved) + " children");
  }
  simulation.join();
  CAIRN_RETURN_IF_ERROR(saving);
  if (!simulated->ok()) return simulated->status();
  SimulationSummary summary = std::move(*simulated).value();
  CAIRN_RETURN_IF_ERROR(store::SaveWorkforce(db, summary.teams, summary.workers));
  if (writer.deferring_indexes()) say("indexing " + std::to_string(summary.events) + " events");
  CAIRN_RETURN_IF_ERROR(writer.Finish().status());
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return summary;
}

}  // namespace cairn::simulate
