// `cairn benchmarks import`: load the DfE's published statistics, which `cairn indicators` compares
// the council's own figures with.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "benchmarks/published.h"
#include "cli/commands.h"
#include "store/database.h"
#include "store/migrations.h"

namespace cairn::cli {
namespace {

struct BenchmarksArgs {
  std::string db;
  std::string dir;
};

Status ImportBenchmarks(const BenchmarksArgs& args, Environment& env) {
  CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::Open(args.db));
  CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
  CAIRN_RETURN_IF_ERROR(store::Migrate(*db, migrations).status());
  const auto progress = [&env](std::string_view line) { env.err << "  " << line << "\n"; };
  auto summary = benchmarks::ImportPublished(*db, args.dir, progress);
  if (!summary.ok()) {
    return summary.status().WithContext("nothing was imported and " + args.db + " is unchanged");
  }
  env.out << "Imported " << summary->files << " DfE file" << (summary->files == 1 ? "" : "s") << " from " << args.dir
          << " into " << args.db << ": " << summary->figures << " figures for " << summary->areas
          << " areas (England, regions, local authorities)";
  if (summary->first_year != 0) env.out << ", " << summary->first_year << " to " << summary->last_year;
  env.out << ". Any earlier import was replaced.\n";
  if (!summary->ignored_files.empty()) {
    env.out << "Ignored " << summary->ignored_files.size() << " file" << (summary->ignored_files.size() == 1 ? "" : "s")
            << " that " << (summary->ignored_files.size() == 1 ? "is not a DfE file" : "are not DfE files")
            << " Cairn reads:";
    for (const std::string& name : summary->ignored_files) env.out << " " << name;
    env.out << "\n";
  }
  return Status::Ok();
}

}  // namespace

Action DefineBenchmarks(CLI::App& app) {
  app.require_subcommand(1);
  auto args = std::make_shared<BenchmarksArgs>();
  CLI::App* import = app.add_subcommand(
      "import", "Load the DfE's published statistics from a folder, replacing any earlier import");
  import->add_option("--db", args->db, "Cairn database (created if missing)")->required();
  import->add_option("dir", args->dir, "Folder holding the DfE's CSV files")->required()->check(CLI::ExistingDirectory);
  import->footer(
      "The folder holds the files as downloaded from the DfE's statistics service "
      "(explore-education-statistics.service.gov.uk): b1_children_in_need_*.csv, "
      "c1_children_in_need_referrals_*.csv, d3_cpps_subsequent_plan_*.csv, d5_cpps_at31march_by_duration_*.csv, "
      "cla_number_and_rate_per_10k_children*.csv, la_cla_placement_stability*.csv, la_cla_swcount*.csv, "
      "la_care_leavers_activity*.csv, la_care_leavers_accommodation_suitability*.csv, csww_indicators_*.csv, the ONS "
      "population file ons_mid-year_population_estimates_*.csv and the statistical neighbour groupings CSV. Other "
      "files are listed and ignored. A malformed file refuses the whole import (the message names the file, line and "
      "column) and leaves the database as it was.");
  return [args](Environment& env) -> Status { return ImportBenchmarks(*args, env); };
}

}  // namespace cairn::cli
