// The synthetic council: realistic, reproducible children's services data at any scale, so no
// real child's record ever goes into a demo, a test or a benchmark. See src/simulate/README.md
// for the model.
//
//   CAIRN_ASSIGN_OR_RETURN(auto profile, simulate::LoadBuiltInProfile("england"));
//   simulate::SimulationOptions options{.population = 55000, .years = 5, .seed = 1,
//                                       .as_at = simulate::LatestThirtyFirstMarch(today)};
//   CAIRN_ASSIGN_OR_RETURN(auto summary, simulate::Simulate(profile, options,
//       [&](model::Chronology&& child) { ...; return Status::Ok(); }));
//
// DETERMINISM. The same profile and options give the same children, events and workforce, in the
// same order, on every machine and run, whatever `threads` is: Cairn uses its own generator
// (simulate/random.h), and every child and council draws from its own stream.
//
// SCALE. A population up to split_above (kSingleCouncilLimit) is one council. A larger one (all of
// England is about 12 million) is split into councils of about council_population
// (kCouncilPopulation) children, each with its own
// workforce, simulated `threads` at a time; children reach the sink council by council, so memory
// stays at a few councils' worth whatever the population.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "geography/region_postcodes.h"
#include "model/chronology.h"
#include "simulate/profile.h"
#include "store/database.h"

namespace cairn::simulate {

inline constexpr int64_t kMinPopulation = 100;
inline constexpr int64_t kMaxPopulation = 20000000;
inline constexpr int kMaxYears = 20;
inline constexpr int64_t kSingleCouncilLimit = 400000;
inline constexpr int64_t kCouncilPopulation = 100000;

struct SimulationOptions {
  int64_t population = 0;  // children aged 0-17, kMinPopulation..kMaxPopulation
  int years = 5;           // the reporting window, 1..kMaxYears years ending on as_at
  uint64_t seed = 1;
  Date as_at;       // last day simulated; usually a 31 March (LatestThirtyFirstMarch)
  int threads = 1;  // councils simulated at once (1-64); never changes the result
  // Populations above split_above become councils of about council_population children.
  int64_t split_above = kSingleCouncilLimit;
  int64_t council_population = kCouncilPopulation;
  std::string la_code = "999";  // three digits: the LA number inside UPNs and LA_PERM
  // Real postcodes to draw home addresses and placements from (the council's own area and the
  // rest of its region; geography::ReadRegionPostcodes). Null: made-up ones beginning "X", which
  // no real postcode does. Either way every other draw, and so the council, is the same.
  std::shared_ptr<const geography::RegionPostcodes> postcodes = nullptr;
};

struct SimulationSummary {
  Date simulation_start;  // history begins (18 years before the window)
  Date window_start;      // first day of the reporting window
  Date as_at;
  int councils = 0;
  int64_t children = 0;  // chronologies handed to the sink
  int64_t events = 0;    // events in them
  std::vector<model::Team> teams;
  std::vector<model::Worker> workers;
};

// Receives each child once. An error stops the simulation and is returned by Simulate.
using ChildSink = std::function<Status(model::Chronology&& child)>;
// Progress lines for long runs ("simulated council 12 of 120"), from any thread, one at a time.
using Progress = std::function<void(const std::string& line)>;

// The latest 31 March on or before `today` (the end of the last complete collection year).
Date LatestThirtyFirstMarch(Date today);

// InvalidArgument naming the option when one is out of range.
Status ValidateOptions(const SimulationOptions& options);

// Simulates the council(s) and hands every child with any record in the window to `sink`, in a
// deterministic order. Each chronology holds the child's journeys that overlap the window, told
// from their start (a child in care since 2015 has that whole period of care), with every event's
// provenance source "simulation" and nothing dated after `as_at` or the child's death. Every
// child and worker is named from data/names/england.toml (simulate/names.h). The workforce
// (every team and every worker who was in post at any time) is in the summary.
Result<SimulationSummary> Simulate(const Profile& profile, const SimulationOptions& options, const ChildSink& sink,
                                   const Progress& progress = {});

// Simulate, saved into `db`: migrates it first, then saves children in batches of `batch_size`
// and then the workforce, all inside one transaction (nothing is saved if anything fails).
// A database that already holds any child is refused (FailedPrecondition), whether its records
// are real or an earlier simulation: synthetic children are never mixed with others. The
// database is marked `synthetic = true` (store/settings.h) in the same transaction, so every
// export from it says what it holds.
// The simulation runs on a second thread while this one saves (the connection is only ever used
// from the calling thread); `progress` is called from either, one call at a time. Saving goes
// through one store::ChronologyWriter, which into an empty database builds the event indexes
// once at the end (the load's biggest cost).
Result<SimulationSummary> SimulateToDatabase(store::Connection& db, const Profile& profile,
                                             const SimulationOptions& options, const Progress& progress = {},
                                             size_t batch_size = 2000);

}  // namespace cairn::simulate
