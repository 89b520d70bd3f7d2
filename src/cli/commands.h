// The `cairn` command line: one table of commands, each a name, a one-line summary and a
// function that declares its options and what it runs.
//
// Exit codes: 0 success; 1 the command failed (one line on stderr says why); 2 the command
// line was wrong (usage on stderr). Commands write results to `out` and progress or
// diagnostics to `err`, so output can be piped.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

namespace CLI {
class App;
}

namespace cairn::store {
class Connection;
}

namespace cairn::cli {

struct Environment {
  std::ostream& out;
  std::ostream& err;
  const Clock& clock;
  std::string actor = "cli";  // who is running Cairn, for the audit log
};

// What a command's definition hands back: the work to do once its options are parsed.
using Action = std::function<Status(Environment&)>;

struct Command {
  std::string_view name;
  std::string_view summary;
  // Declares the command's options on `app` (binding them to storage the returned Action owns).
  std::function<Action(CLI::App& app)> define;
};

// The commands' definitions, one per file family (commands.cpp, returns_commands.cpp, ...).
Action DefineImport(CLI::App& app);
Action DefineExport(CLI::App& app);
Action DefineAnnexA(CLI::App& app);
Action DefineCopy(CLI::App& app);
Action DefineChild(CLI::App& app);
Action DefineRecord(CLI::App& app);
Action DefineOversight(CLI::App& app);
Action DefineSimulate(CLI::App& app);
Action DefineDue(CLI::App& app);
Action DefineDrift(CLI::App& app);
Action DefineBenchmarks(CLI::App& app);
Action DefineIndicators(CLI::App& app);
Action DefineRegion(CLI::App& app);
Action DefinePlan(CLI::App& app);
Action DefineServe(CLI::App& app);
Action DefineUser(CLI::App& app);
Action DefineGrant(CLI::App& app);
Action DefineAudit(CLI::App& app);
Action DefinePack(CLI::App& app);
Action DefineValidate(CLI::App& app);
Action DefinePostcodes(CLI::App& app);

// Every command, in the order `cairn --help` lists them.
std::span<const Command> Commands();

// Runs the command line `args` (args[0] is the program name).
int Run(std::span<const std::string> args, Environment& env);

// Opens the existing database `target` for a command that reads what this Cairn keeps there. One
// that an older Cairn left, or whose first command was cut short part way through its migrations,
// is brought to this Cairn's schema first, as `cairn migrate` does (or, when `bring_up_to_date`
// is false, refused in words naming `cairn migrate`), rather than failing later on a table it does
// not have yet. One with no Cairn schema at all is refused, naming `cairn init`.
Result<std::unique_ptr<store::Connection>> OpenExistingDatabase(const std::string& target,
                                                                bool bring_up_to_date = true);

// The --db option's help wherever it is the whole story.
inline constexpr std::string_view kDbHelp =
    "Cairn database: a file path (SQLite, the default) or a postgresql:// URL (the password, if any, in "
    "PGPASSWORD or ~/.pgpass, never in the URL)";

}  // namespace cairn::cli
