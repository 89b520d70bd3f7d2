// `cairn postcodes import`: load the ONS Postcode Directory into a database, for the SSDA903
// rules on a placement's authority and distance when the record is validated (cairn validate --db).
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/postcode_store.h"

namespace cairn::cli {
namespace {

struct PostcodesArgs {
  std::string db;
  std::string file;
};

// 2720556 -> "2,720,556".
std::string PostcodeCount(int64_t n) {
  std::string digits = std::to_string(n);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

Status ImportPostcodeFile(const PostcodesArgs& args, Environment& env) {
  CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::Open(args.db));
  CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
  CAIRN_RETURN_IF_ERROR(store::Migrate(*db, migrations).status());
  const auto progress = [&env](int64_t rows) { env.err << "  " << PostcodeCount(rows) << " rows read\n"; };
  Result<store::PostcodeImport> imported = store::ImportPostcodes(*db, args.file, progress);
  if (!imported.ok()) {
    return imported.status().WithContext("no postcode was imported and " + args.db + " is unchanged");
  }
  env.out << fmt::format(
      "Imported {} postcodes from {} into {} ({} with a grid reference, {} with a local authority district). Any "
      "earlier import was replaced.\n",
      PostcodeCount(imported->rows), args.file, args.db, PostcodeCount(imported->with_grid),
      PostcodeCount(imported->with_district));
  return Status::Ok();
}

}  // namespace

Action DefinePostcodes(CLI::App& app) {
  app.require_subcommand(1);
  auto args = std::make_shared<PostcodesArgs>();
  CLI::App* import = app.add_subcommand(
      "import", "Load the ONS Postcode Directory (CSV or gzip) into a database, replacing any earlier import");
  import->add_option("--db", args->db, "Cairn database (created if missing)")->required();
  import->add_option("file", args->file, "The ONS Postcode Directory CSV, plain or gzip-compressed (.csv.gz)")
      ->required()
      ->check(CLI::ExistingFile);
  import->footer(
      "The file is the ONS Postcode Directory (ONSPD), the National Statistics Postcode Lookup or an extract of "
      "either, as published by the ONS under the Open Government Licence: a CSV whose header names pcd (the "
      "postcode), oseast1m and osnrth1m (its OS grid reference, metres) and laua (its local authority district); "
      "other columns are ignored. Cairn keeps those four for every postcode (about 2.7 million; a minute or so, and "
      "some 100 MB of database). `cairn validate --db` then derives each placement's authority (PL_LA), whether it "
      "is in the council's own area (PL_LOCATION) and its distance from home in miles (PL_DISTANCE), as the DfE's "
      "validator does. A malformed row refuses the whole import (the message names the file, line and field) and "
      "leaves the database as it was.\n\n"
      "Example:\n"
      "  cairn postcodes import --db council.db ONSPD_NOV_2025_UK.csv.gz");
  return [args](Environment& env) -> Status { return ImportPostcodeFile(*args, env); };
}

}  // namespace cairn::cli
