// `cairn simulate`: builds a synthetic council into a Cairn database (see src/simulate/README.md).
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "geography/region_postcodes.h"
#include "simulate/simulator.h"
#include "store/copy.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/postcode_store.h"
#include "store/settings.h"

namespace cairn::cli {
namespace {

struct SimulateArgs {
  std::string db;
  int64_t population = 0;
  int years = 5;
  uint64_t seed = 1;
  std::string profile = "england";
  std::string as_at;
  int threads = 1;
  std::string la = "999";
  std::string postcodes;
  bool replace = false;
};

// Removes a database holding an earlier simulation, so that --replace starts from nothing: a
// SQLite file goes; a PostgreSQL database (made by its administrator, and perhaps one council's
// schema of a region) is emptied of the simulation in place (store::ClearRecords), keeping its
// postcode directory and audit trail. A database holding real records is never touched.
Status RemoveEarlierSimulation(const std::string& path, std::string_view actor) {
  const bool on_server = store::IsPostgresTarget(path);
  std::error_code ec;
  if (!on_server && !std::filesystem::exists(path, ec)) return Status::Ok();
  {
    auto opened = store::Connection::OpenExisting(path);
    if (on_server && !opened.ok() && opened.status().code() == Status::Code::kNotFound) return Status::Ok();
    CAIRN_ASSIGN_OR_RETURN(auto db, std::move(opened));
    CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
    CAIRN_RETURN_IF_ERROR(store::Migrate(*db, migrations).status());
    if (on_server) {
      return store::ClearRecords(*db, migrations, actor)
          .status()
          .WithContext("--replace only replaces an earlier simulation, and " + path + " is not one");
    }
    CAIRN_ASSIGN_OR_RETURN(bool synthetic, store::IsSynthetic(*db));
    CAIRN_ASSIGN_OR_RETURN(auto count, db->Prepare("SELECT COUNT(*) FROM child"));
    CAIRN_ASSIGN_OR_RETURN(bool row, count->Step());
    if (!synthetic && row && count->ColumnInt(0) > 0) {
      return Status::FailedPrecondition("--replace only replaces an earlier simulation, and " + path +
                                        " holds real children's records; give a new --db for the simulated council");
    }
  }
  for (const char* suffix : {"", "-wal", "-shm", "-writer"}) {
    std::filesystem::remove(path + suffix, ec);
    if (ec) return Status::IoError("could not remove the earlier simulation at " + path + suffix + ": " + ec.message());
  }
  return Status::Ok();
}

// The council's and its region's postcodes from the directory imported into `db`, or null when
// it holds none (or none of the council's area, which is said).
Result<std::shared_ptr<const geography::RegionPostcodes>> PostcodesImported(store::Connection& db,
                                                                            const std::string& la, std::ostream& err) {
  CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
  CAIRN_RETURN_IF_ERROR(store::Migrate(db, migrations).status());
  CAIRN_ASSIGN_OR_RETURN(int64_t count, store::CountPostcodes(db));
  if (count == 0) return std::shared_ptr<const geography::RegionPostcodes>();
  Result<geography::RegionPostcodeCollector> collector = geography::RegionPostcodeCollector::ForCouncil(la);
  if (!collector.ok()) return collector.status().WithContext("--la");
  CAIRN_RETURN_IF_ERROR(
      store::ForEachPostcodeWithGrid(db, [&](const geography::OnsPostcodeRow& row) { collector->Add(row); }));
  Result<geography::RegionPostcodes> postcodes = std::move(*collector).Finish("the database's postcode directory");
  if (!postcodes.ok()) {
    err << postcodes.status().message() << "; the postcodes are made up\n";
    return std::shared_ptr<const geography::RegionPostcodes>();
  }
  return std::make_shared<const geography::RegionPostcodes>(std::move(postcodes).value());
}

}  // namespace

Action DefineSimulate(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  app.add_option("--db", args->db, "Cairn database to fill (created and migrated if need be)")->required();
  app.add_option("--population", args->population,
                 "Children aged 0-17 in the council (e.g. 55000; England is 12000000)")
      ->required();
  app.add_option("--years", args->years, "Years of the reporting window, ending on the as-at date")
      ->capture_default_str();
  app.add_option("--seed", args->seed, "Random seed: the same seed gives the same council")->capture_default_str();
  app.add_option("--profile", args->profile, "Simulation profile: england or struggling")->capture_default_str();
  app.add_option("--as-at", args->as_at, "Last day simulated, YYYY-MM-DD (default: the latest 31 March)");
  app.add_option("--threads", args->threads, "Councils simulated at once for large populations")->capture_default_str();
  app.add_option("--la", args->la,
                 "The council's three-digit DfE LA number, inside its UPNs and LA_PERM (999 is no real council, "
                 "so the DfE's UPN check, CIN rule 1530, fails every UPN; the demo uses 343)")
      ->capture_default_str();
  app.add_option("--postcodes", args->postcodes,
                 "The ONS Postcode Directory (CSV, plain or gzip): homes and placements get real postcodes of the "
                 "--la council's area and the rest of its region, so that the DfE's postcode rules can pass. "
                 "Without it the directory already imported into --db (cairn postcodes import) is used; with "
                 "neither, made-up postcodes beginning X");
  app.add_flag("--replace", args->replace,
               "Replace the earlier simulation held in --db (a database holding real records is always refused). "
               "A SQLite file is removed, with any postcode directory imported into it: its postcodes are still "
               "drawn from, and you are told to import it again. A PostgreSQL database is emptied of records in "
               "place and keeps its postcode directory");
  app.footer("A simulation goes only into a new database, or with --replace over an earlier simulation; the database "
             "is marked synthetic (setting synthetic = true) and every export from it says so.");
  return [args](Environment& env) -> Status {
    CAIRN_ASSIGN_OR_RETURN(simulate::Profile profile, simulate::LoadBuiltInProfile(args->profile));
    simulate::SimulationOptions options;
    options.population = args->population;
    options.years = args->years;
    options.seed = args->seed;
    options.threads = args->threads;
    options.la_code = args->la;
    if (args->as_at.empty()) {
      options.as_at = simulate::LatestThirtyFirstMarch(env.clock.Today());
    } else {
      Result<Date> as_at = Date::ParseIso(args->as_at);
      if (!as_at.ok()) return Status::InvalidArgument("--as-at: " + as_at.status().message());
      options.as_at = *as_at;
    }
    CAIRN_RETURN_IF_ERROR(simulate::ValidateOptions(options));
    const auto started = std::chrono::steady_clock::now();
    if (!args->postcodes.empty()) {
      env.err << "reading the postcodes of LA " << args->la << " and its region from " << args->postcodes << "\n";
      Result<geography::RegionPostcodes> postcodes =
          geography::ReadRegionPostcodes(args->postcodes, args->la, [&](int64_t rows) {
            env.err << "  " << rows << " postcodes read\n";
          });
      if (!postcodes.ok()) return postcodes.status().WithContext("--postcodes");
      options.postcodes = std::make_shared<const geography::RegionPostcodes>(std::move(postcodes).value());
    }
    // --replace removes the earlier database, and with it any postcode directory imported into it:
    // its postcodes of the council's region are read first, so the new simulation draws from
    // them as the old one did, and the user is told the directory itself must be imported again.
    int64_t postcodes_removed = 0;
    std::error_code missing;
    if (args->replace && !options.postcodes && args->la != "999" && std::filesystem::exists(args->db, missing)) {
      CAIRN_ASSIGN_OR_RETURN(auto earlier, store::Connection::OpenExisting(args->db));
      CAIRN_ASSIGN_OR_RETURN(options.postcodes, PostcodesImported(*earlier, args->la, env.err));
      CAIRN_ASSIGN_OR_RETURN(postcodes_removed, store::CountPostcodes(*earlier));
    }
    if (args->replace) CAIRN_RETURN_IF_ERROR(RemoveEarlierSimulation(args->db, env.actor));
    if (postcodes_removed > 0) {
      env.err << "the earlier database held an imported postcode directory (" << postcodes_removed
              << " postcodes), which --replace removes with it; this simulation still draws from its postcodes, "
                 "but `cairn validate --db` needs the directory: import it again with `cairn postcodes import --db "
              << args->db << " FILE`\n";
    }
    CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::Open(args->db));
    if (!options.postcodes && args->la != "999") {
      CAIRN_ASSIGN_OR_RETURN(options.postcodes, PostcodesImported(*db, args->la, env.err));
    }
    if (options.postcodes) {
      env.err << "homes and placements at real postcodes: " << options.postcodes->council.size()
              << " in the council's area, " << options.postcodes->rest_of_region.size()
              << " in the rest of its region\n";
    }
    env.err << "simulating " << options.population << " children over " << options.years << " years to "
            << options.as_at.ToIso() << " (profile " << profile.name << ", seed " << options.seed << ")\n";
    CAIRN_ASSIGN_OR_RETURN(simulate::SimulationSummary summary,
                           simulate::SimulateToDatabase(*db, profile, options, [&](const std::string& line) {
                             env.err << "  " << line << "\n";
                           }));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    env.out << "Simulated " << summary.children << " children (" << summary.events << " events), "
            << summary.teams.size() << " teams and " << summary.workers.size() << " workers into " << args->db << "\n"
            << "Window " << summary.window_start.ToIso() << " to " << summary.as_at.ToIso() << ", profile "
            << profile.name << ", seed " << options.seed << "; " << static_cast<int>(seconds * 10) / 10.0 << " s\n";
    return Status::Ok();
  };
}

}  // namespace cairn::cli
