// `cairn copy`: a whole Cairn database moved between SQLite and PostgreSQL (store/copy), all or
// nothing, every table's rows counted and hashed on both sides before the copy commits.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "store/audit.h"
#include "store/copy.h"
#include "store/migrations.h"

namespace cairn::cli {
namespace {

struct CopyArgs {
  std::string from;
  std::string to;
};

}  // namespace

Action DefineCopy(CLI::App& app) {
  auto args = std::make_shared<CopyArgs>();
  app.add_option("--from", args->from, "The database to copy: a file path (SQLite) or a postgresql:// URL (the password, if any, in "
                 "PGPASSWORD or ~/.pgpass, never in the URL)")->required();
  app.add_option("--to", args->to, "A new, empty database to copy it into, of either kind")->required();
  app.footer(
      "Copies every table, in one transaction on the target, then reads both back: each table's row count and "
      "a hash of its rows must agree, or nothing is kept. The target must hold no records (a PostgreSQL "
      "database is created by its administrator first; an SQLite file is created). The source is not changed "
      "but for one row in its audit trail recording the copy, which the copy carries. Bring the source up to date with "
      "`cairn migrate` first.");
  return [args](Environment& env) -> Status {
    if (args->from == args->to) return Status::InvalidArgument("--from and --to name the same database");
    CAIRN_ASSIGN_OR_RETURN(auto source, store::Connection::OpenExisting(args->from));
    CAIRN_ASSIGN_OR_RETURN(auto target, store::Connection::Open(args->to));
    CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());

    // Recorded before the copy, so the copy carries the record of its own making.
    store::AuditEntry audit = store::CommandLineAudit(env.actor, "export", "cairn copy");
    audit.detail = "the whole database, to a " + std::string(target->backend_name()) + " database";
    CAIRN_RETURN_IF_ERROR(store::AppendAudit(*source, audit));

    env.err << "Copying " << source->backend_name() << " to " << target->backend_name() << "...\n";
    CAIRN_ASSIGN_OR_RETURN(
        store::CopyReport report,
        store::CopyDatabase(*source, *target, migrations, [&env](const std::string& line) { env.err << line << "\n"; }));
    env.out << "Copied " << report.rows << " row(s) in " << report.tables.size() << " tables from "
            << source->backend_name() << " to " << target->backend_name()
            << "; every table's row count and hash match.\n";
    return Status::Ok();
  };
}

}  // namespace cairn::cli
