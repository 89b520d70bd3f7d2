#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <memory>
#include <ostream>

#include "base/display_text.h"
#include "store/database.h"
#include "store/inspect.h"
#include "store/migrations.h"
#include "store/settings.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.1.0"
#endif

namespace cairn::cli {
namespace {


void PrintSummary(const store::DatabaseSummary& summary, Environment& env) {
  env.out << "Schema version " << summary.schema_version << " (" << summary.applied.size()
          << " migration" << (summary.applied.size() == 1 ? "" : "s") << " applied, " << summary.backend << ")\n";
  for (const store::TableSummary& table : summary.tables) {
    env.out << "  " << table.name << ": " << table.rows << " row" << (table.rows == 1 ? "" : "s") << "\n";
  }
}

Status MigrateAndReport(store::Connection& db, Environment& env) {
  CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
  CAIRN_ASSIGN_OR_RETURN(auto report, store::Migrate(db, migrations));
  if (report.applied.empty()) {
    env.out << "Schema is up to date at version " << report.schema_version << "; nothing to apply.\n";
  } else {
    for (const std::string& name : report.applied) env.out << "Applied " << name << "\n";
    env.out << "Schema is now at version " << report.schema_version << ".\n";
  }
  return Status::Ok();
}

Action DefineVersion(CLI::App&) {
  return [](Environment& env) {
    env.out << "cairn " << CAIRN_VERSION << "\n";
    return Status::Ok();
  };
}

Action DefineInit(CLI::App& app) {
  auto db_path = std::make_shared<std::string>();
  app.add_option("--db", *db_path, std::string(kDbHelp))->required();
  return [db_path](Environment& env) -> Status {
    const bool existed = std::filesystem::exists(*db_path);
    CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::Open(*db_path));
    env.out << (existed ? "Opened existing database " : "Created database ") << *db_path << "\n";
    CAIRN_RETURN_IF_ERROR(MigrateAndReport(*db, env));
    return Status::Ok();
  };
}

Action DefineMigrate(CLI::App& app) {
  auto db_path = std::make_shared<std::string>();
  app.add_option("--db", *db_path, std::string(kDbHelp))->required();
  return [db_path](Environment& env) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::OpenExisting(*db_path));
    return MigrateAndReport(*db, env);
  };
}

Action DefineStatus(CLI::App& app) {
  auto db_path = std::make_shared<std::string>();
  app.add_option("--db", *db_path, std::string(kDbHelp))->required();
  return [db_path](Environment& env) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::OpenExisting(*db_path));
    CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
    // Check before describing: a database built from other SQL should say so, not look fine.
    CAIRN_ASSIGN_OR_RETURN(auto check, store::CheckMigrations(*db, migrations));
    CAIRN_ASSIGN_OR_RETURN(auto summary, store::Describe(*db));
    env.out << *db_path << "\n";
    PrintSummary(summary, env);
    const size_t pending = migrations.size() - check.already_applied.size();
    if (pending > 0) env.out << pending << " migration(s) pending: run `cairn migrate --db " << *db_path << "`.\n";
    return Status::Ok();
  };
}

Action DefineSettings(CLI::App& app) {
  app.require_subcommand(1);
  struct Args {
    std::string db;
    std::string key;
    std::string value;
  };
  auto args = std::make_shared<Args>();
  CLI::App* show = app.add_subcommand("show", "List the council's settings and what each means");
  show->add_option("--db", args->db, std::string(kDbHelp))->required();
  CLI::App* set = app.add_subcommand("set", "Set one setting: cairn settings set --db DB la-code 343");
  set->add_option("--db", args->db, std::string(kDbHelp))->required();
  set->add_option("key", args->key, "la-code, la-name or population")->required();
  set->add_option("value", args->value, "The new value")->required();
  return [args, set](Environment& env) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args->db));
    if (set->parsed()) {
      CAIRN_RETURN_IF_ERROR(store::SetSetting(*db, args->key, args->value));
      env.out << args->key << " = " << args->value << "\n";
      return Status::Ok();
    }
    CAIRN_ASSIGN_OR_RETURN(auto settings, store::AllSettings(*db));
    for (const store::SettingSpec& spec : store::KnownSettings()) {
      auto held = std::find_if(settings.begin(), settings.end(), [&](const auto& kv) { return kv.first == spec.key; });
      env.out << spec.key << " = " << (held == settings.end() ? "(not set)" : held->second) << "    # " << spec.meaning
              << "\n";
    }
    return Status::Ok();
  };
}

const Command kCommands[] = {
    {"init", "Create a Cairn database (or open an existing one) and bring its schema up to date", DefineInit},
    {"migrate", "Apply any schema migrations an existing database is missing", DefineMigrate},
    {"copy", "Copy a whole database between SQLite and PostgreSQL, verified table by table, all or nothing", DefineCopy},
    {"status", "Say what a Cairn database holds: schema version and rows per table", DefineStatus},
    {"import", "Load SSDA903 (CSV or XML) and CIN census (XML) returns into a database", DefineImport},
    {"export", "Write a collection year's SSDA903 tables or CIN census XML from a database", DefineExport},
    {"validate", "Check SSDA903 and CIN census returns (files, or the record) against every DfE validation rule",
     DefineValidate},
    {"annex-a", "Write Ofsted's Annex A workbook (the inspection's lists of children) as at a date", DefineAnnexA},
    {"child", "Show a child's chronology; restrict a record to named users", DefineChild},
    {"record", "Record casework on a child (a visit, an assessment, a plan, ...), correct it or withdraw it", DefineRecord},
    {"oversight", "Record a manager's oversight of a child's case and the directions given at it", DefineOversight},
    {"simulate", "Build a synthetic council (children, events, workforce) into a database", DefineSimulate},
    {"due", "Every child's statutory deadlines as at a date: met, late, due, overdue", DefineDue},
    {"drift", "Drift and delay signals for every child as at a date, with their evidence", DefineDrift},
    {"benchmarks", "Import the DfE's published statistics to compare the council with England, its region and neighbours", DefineBenchmarks},
    {"postcodes", "Import the ONS Postcode Directory, for the placement authority and distance the SSDA903 rules check",
     DefinePostcodes},
    {"indicators", "National indicators for reporting years, beside England, the region and statistical neighbours",
     DefineIndicators},
    {"region", "A region's councils in one PostgreSQL database: list them, simulate a region, indicators side by side",
     DefineRegion},
    {"pack", "The scrutiny and corporate parenting pack for a period, as HTML or PDF, with small counts suppressed", DefinePack},
    {"plan", "The improvement plan: import it; show each measure's RAG computed as at a date", DefinePlan},
    {"serve", "Serve Cairn to browsers: pages and JSON API for every role, on the embedded database", DefineServe},
    {"user", "Add, list, disable, enable users; reset passwords; change roles", DefineUser},
    {"grant", "Give a user time-limited access to a child, a team or every child (inspectors work only so)",
     DefineGrant},
    {"audit", "Who looked at a child, what a user looked at; `audit verify` checks the trail's hash chain",
     DefineAudit},
    {"settings", "Show or set the council's settings (LA code, name, population)", DefineSettings},
    {"version", "Print Cairn's version", DefineVersion},
};

}  // namespace

std::span<const Command> Commands() { return kCommands; }

Result<std::unique_ptr<store::Connection>> OpenExistingDatabase(const std::string& target, bool bring_up_to_date) {
  CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::OpenExisting(target));
  CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
  // Only read, when nothing is pending: a command that reads must not wait for the write lock.
  CAIRN_ASSIGN_OR_RETURN(store::MigrationReport check, store::CheckMigrations(*db, migrations));
  if (check.pending.empty()) return db;
  if (check.already_applied.empty()) {
    return Status::FailedPrecondition(
        target + " holds no Cairn database yet: make one with `cairn init --db " + target + "`" +
        (store::IsPostgresTarget(target) ? " (or, in a region's database, name the council: ?council=NNN)" : ""));
  }
  if (!bring_up_to_date) {
    return Status::FailedPrecondition("the database is not at this Cairn's schema (" +
                                      std::to_string(check.already_applied.size()) + " of " +
                                      std::to_string(migrations.size()) + " migrations applied): run `cairn migrate --db " +
                                      target + "` first");
  }
  CAIRN_RETURN_IF_ERROR(store::Migrate(*db, migrations).status().WithContext("bringing the database to this Cairn's schema"));
  return db;
}

int Run(std::span<const std::string> args, Environment& env) {
  CLI::App app("Cairn: every child's journey in one chronology, checked against the statutory timescales.",
               "cairn");
  app.require_subcommand(1);
  app.fallthrough(false);
  app.footer("Run `cairn COMMAND --help` for a command's options.");

  std::vector<std::pair<CLI::App*, Action>> actions;
  for (const Command& command : Commands()) {
    CLI::App* sub = app.add_subcommand(std::string(command.name), std::string(command.summary));
    actions.emplace_back(sub, command.define(*sub));
  }

  // CLI11 would only say "a subcommand is required"; name the word that is not a command.
  if (args.size() > 1 && !args[1].empty() && args[1][0] != '-') {
    const bool known = std::any_of(Commands().begin(), Commands().end(),
                                   [&](const Command& command) { return command.name == args[1]; });
    if (!known) {
      env.err << "cairn: '" << args[1] << "' is not a cairn command\n\n" << app.help();
      return 2;
    }
  }

  // A PostgreSQL password never goes on a command line: every user of the machine can read it
  // there (ps), and commands name their database in what they print.
  for (size_t i = 1; i < args.size(); ++i) {
    for (const std::string_view option : {"--db", "--from", "--to"}) {
      std::string_view target;
      const std::string_view arg = args[i];
      if (arg == option && i + 1 < args.size()) target = args[i + 1];
      if (arg.size() > option.size() && arg.substr(0, option.size()) == option && arg[option.size()] == '=') {
        target = arg.substr(option.size() + 1);
      }
      if (target.empty() || !store::TargetHoldsPassword(target)) continue;
      env.err << "cairn: " << option << ": the PostgreSQL URL holds a password, which a command line shows to every user of "
                 "this machine; leave it out of the URL and put it in the PGPASSWORD variable or ~/.pgpass, "
                 "where PostgreSQL's client library finds it\n";
      return 2;
    }
  }

  std::vector<std::string> reversed(args.begin() + (args.empty() ? 0 : 1), args.end());
  std::reverse(reversed.begin(), reversed.end());  // CLI11 consumes a reversed vector
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    // Help was asked for: the whole tool's, or the command's that was named.
    const CLI::App* target = &app;
    for (const auto& [sub, action] : actions) {
      if (sub->parsed()) target = sub;
    }
    env.out << target->help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    env.out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& error) {
    const CLI::App* target = &app;
    for (const auto& [sub, action] : actions) {
      if (sub->parsed()) target = sub;
    }
    env.err << "cairn: " << error.what() << "\n\n" << target->help();
    return 2;
  }

  for (auto& [sub, action] : actions) {
    if (!sub->parsed()) continue;
    store::SetOperationName("cairn " + sub->get_name());
    const Status status = action(env);
    if (!status.ok()) {
      // Escaped: a message can quote a file's content, and the terminal must show it, not obey it.
      env.err << "cairn " << sub->get_name() << ": " << EscapeForDisplay(status.message()) << "\n";
      return 1;
    }
    return 0;
  }
  env.err << app.help();
  return 2;
}

}  // namespace cairn::cli
