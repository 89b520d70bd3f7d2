// `cairn user`, `cairn grant` and `cairn audit`: accounts, time-limited grants and the audit trail,
// through the same code (access::Accounts, store/audit) as the browser's admin pages.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <ostream>

#include "access/accounts.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "base/display_text.h"
#include "base/json_text.h"
#include "returns/csv.h"
#include "store/access_store.h"
#include "store/audit.h"
#include "store/chronology_store.h"
#include "store/region.h"
#include "store/settings.h"
#include "store/workforce_store.h"

namespace cairn::cli {
namespace {


// A password from standard input: the first line, without its line ending.
Result<std::string> ReadPasswordLine(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) return Status::InvalidArgument("--password-stdin: nothing was given on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// One account per role, linked to the worker with the most children allocated on the day, that
// worker's team and service, so every home page has something to show.
Status MakeDemoAccounts(store::Connection& db, access::Accounts& accounts, Environment& env, const std::string& as_at_text,
                        const std::string& prefix_option, bool password_stdin) {
  CAIRN_ASSIGN_OR_RETURN(bool synthetic, store::IsSynthetic(db));
  if (!synthetic) {
    return Status::FailedPrecondition("this database is not a simulated council (`cairn simulate` marks one); demo "
                                      "accounts are made only in synthetic databases");
  }
  Date as_at = env.clock.Today();
  if (!as_at_text.empty()) {
    CAIRN_ASSIGN_OR_RETURN(as_at, Date::ParseIso(as_at_text));
  }
  const std::string prefix = prefix_option.empty() ? "demo-" : prefix_option;
  std::optional<std::string> password;
  if (password_stdin) {
    CAIRN_ASSIGN_OR_RETURN(std::string read, ReadPasswordLine(std::cin));
    password = read;
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(db));
  CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(db));
  access::CouncilDirectory directory(std::move(workforce.workers), std::move(workforce.teams));
  std::map<std::string, int> caseload;
  for (const model::Chronology& chronology : chronologies) {
    access::ChildPlace place = directory.PlaceOf(chronology, as_at);
    if (place.allocated && !place.service.empty()) ++caseload[place.worker];
  }
  std::string worker;
  int most = 0;
  for (const auto& [id, count] : caseload) {
    if (count > most) {
      worker = id;
      most = count;
    }
  }
  if (worker.empty()) return Status::FailedPrecondition("no child has an allocated worker on " + as_at.ToIso());
  const model::Worker* found = directory.FindWorker(worker);
  const std::string team = found->team_id;
  const std::string service = directory.FindTeam(team)->service;
  for (const access::Role& role : accounts.roles().roles()) {
    access::Accounts::NewUser user{prefix + role.id, role.id, "", "", "", password};
    if (role.scope == access::Scope::kAllocated) user.worker_id = worker;
    if (role.scope == access::Scope::kTeam) user.team_id = team;
    if (role.scope == access::Scope::kService) user.service = service;
    CAIRN_ASSIGN_OR_RETURN(access::Accounts::Created created,
                           accounts.AddUser(user, {env.actor, "cli", "cairn user demo", "local"}));
    env.out << "  " << user.username << (user.username.size() < 28 ? std::string(28 - user.username.size(), ' ') : " ")
            << (created.one_time_password.empty() ? "(the password given)" : created.one_time_password) << "\n";
    if (role.id == "inspector") {
      access::Accounts::NewGrant grant{user.username, access::Grant::Kind::kTeam, team,
                                       env.clock.Today().AddDays(30), "demonstration inspection"};
      CAIRN_RETURN_IF_ERROR(accounts.GrantAccess(grant, {env.actor, "cli", "cairn user demo", "local"}).status());
    }
  }
  env.out << "The practitioner is worker " << worker << " (" << most << " children on " << as_at.ToIso()
          << "), in team " << team << " (" << service << "); the inspector holds a grant to that team.\n"
          << "These accounts are for a demonstration on synthetic data only.\n";
  return Status::Ok();
}

}  // namespace

Action DefineUser(CLI::App& app) {
  app.require_subcommand(1);
  struct Args {
    std::string db;
    std::string username;
    std::string role;
    std::string team;
    std::string worker;
    std::string service;
    bool password_stdin = false;
  };
  auto args = std::make_shared<Args>();
  auto common = [&](CLI::App* sub) { sub->add_option("--db", args->db, std::string(kDbHelp))->required(); };
  CLI::App* add = app.add_subcommand("add", "Add a user; without --password-stdin a one-time password is printed");
  common(add);
  add->add_option("--username", args->username, "Their sign-in name (letters, digits, . _ - @)")->required();
  add->add_option("--role", args->role, "A role from data/access/roles.toml (practitioner, team-manager, ...)")
      ->required();
  add->add_option("--team", args->team, "Their team id (team managers; practitioners' teams come from the record)");
  add->add_option("--worker", args->worker, "Their worker id, the SW_ID the record uses (practitioners)");
  add->add_option("--service", args->service, "Their service (service managers)");
  add->add_flag("--password-stdin", args->password_stdin,
                "Read the password from the first line of standard input (at least 12 characters)");
  CLI::App* list = app.add_subcommand("list", "List every user with role, team and state");
  common(list);
  CLI::App* disable = app.add_subcommand("disable", "Stop a user signing in (and end their sessions)");
  common(disable);
  disable->add_option("username", args->username, "The user")->required();
  CLI::App* enable = app.add_subcommand("enable", "Let a disabled or locked user sign in again");
  common(enable);
  enable->add_option("username", args->username, "The user")->required();
  CLI::App* reset = app.add_subcommand("reset-password", "Set a new password (or print a one-time one)");
  common(reset);
  reset->add_option("username", args->username, "The user")->required();
  reset->add_flag("--password-stdin", args->password_stdin, "Read the new password from standard input");
  CLI::App* demo = app.add_subcommand(
      "demo", "Make one account per role for a demonstration (synthetic databases only) and print their passwords");
  common(demo);
  demo->add_option("--as-at", args->role, "The date the demonstration shows (YYYY-MM-DD); default today");
  demo->add_option("--prefix", args->team, "Start of each username (default demo-)");
  demo->add_flag("--password-stdin", args->password_stdin,
                 "Give every account the password on standard input instead of one-time passwords (for tests)");
  CLI::App* set_role = app.add_subcommand("set-role", "Change a user's role (and team, worker or service)");
  common(set_role);
  set_role->add_option("username", args->username, "The user")->required();
  set_role->add_option("--role", args->role, "The new role")->required();
  set_role->add_option("--team", args->team, "Their team id");
  set_role->add_option("--worker", args->worker, "Their worker id (SW_ID)");
  set_role->add_option("--service", args->service, "Their service");

  return [=](Environment& env) -> Status {
    // A region's URL without a council: the region's own users (store/region.h ServedTarget).
    CAIRN_ASSIGN_OR_RETURN(store::ServedDatabase served, store::ServedTarget(args->db));
    CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(served.target));
    CAIRN_ASSIGN_OR_RETURN(access::RoleCatalogue roles, access::RoleCatalogue::BuiltIn());
    access::Accounts accounts(*db, roles, env.clock);
    access::Actor actor{env.actor, "cli", "cairn user", "local"};
    // The region's server is for regional analysts (and its administrators); a council's for
    // everyone else (web/region_pages.h).
    if (add->parsed() || set_role->parsed()) {
      const bool regional = args->role == "regional-analyst";
      if (served.region && !regional && args->role != "admin") {
        return Status::InvalidArgument("the region's server has regional analysts and administrators only; add a " +
                                       args->role + " to their council, with council=NNN in the URL");
      }
      if (!served.region && regional) {
        return Status::InvalidArgument("a regional analyst is a user of the region's server: add them with the "
                                       "region's database URL, without council=");
      }
    }
    if (add->parsed()) {
      actor.route = "cairn user add";
      access::Accounts::NewUser user{args->username, args->role, args->worker, args->team, args->service, {}};
      if (args->password_stdin) {
        CAIRN_ASSIGN_OR_RETURN(std::string password, ReadPasswordLine(std::cin));
        user.password = password;
      }
      CAIRN_ASSIGN_OR_RETURN(access::Accounts::Created created, accounts.AddUser(user, actor));
      env.out << "Added " << args->username << " (" << args->role << ")\n";
      if (!created.one_time_password.empty()) {
        env.out << "One-time password: " << created.one_time_password
                << "\n(they must choose their own password when they first sign in)\n";
      }
      return Status::Ok();
    }
    if (demo->parsed()) return MakeDemoAccounts(*db, accounts, env, args->role, args->team, args->password_stdin);
    if (list->parsed()) {
      CAIRN_ASSIGN_OR_RETURN(std::vector<store::UserRecord> users, store::ListUsers(*db));
      const std::vector<std::string> headings = {"username", "role", "worker", "team", "service", "state"};
      std::vector<std::vector<std::string>> rows;
      for (const store::UserRecord& user : users) {
        const bool locked = user.locked_until > env.clock.UnixSeconds();
        rows.push_back({user.username, user.role, user.worker_id, user.team_id, user.service,
                        user.disabled ? "disabled" : locked ? "locked" : user.must_change_password ? "one-time password"
                                                                                                    : "active"});
      }
      PrintTable(env.out, headings, rows);
      return Status::Ok();
    }
    if (disable->parsed() || enable->parsed()) {
      actor.route = disable->parsed() ? "cairn user disable" : "cairn user enable";
      CAIRN_RETURN_IF_ERROR(accounts.SetDisabled(args->username, disable->parsed(), actor));
      env.out << args->username << (disable->parsed() ? " is disabled\n" : " is enabled\n");
      return Status::Ok();
    }
    if (reset->parsed()) {
      actor.route = "cairn user reset-password";
      std::optional<std::string> password;
      if (args->password_stdin) {
        CAIRN_ASSIGN_OR_RETURN(std::string read, ReadPasswordLine(std::cin));
        password = read;
      }
      CAIRN_ASSIGN_OR_RETURN(std::string one_time, accounts.ResetPassword(args->username, password, actor));
      env.out << "Password reset for " << args->username << "\n";
      if (!one_time.empty()) env.out << "One-time password: " << one_time << "\n";
      return Status::Ok();
    }
    actor.route = "cairn user set-role";
    auto optional = [](const std::string& value) { return value.empty() ? std::nullopt : std::optional(value); };
    CAIRN_RETURN_IF_ERROR(accounts.SetRole(args->username, args->role, optional(args->worker), optional(args->team),
                                           optional(args->service), actor));
    env.out << args->username << " is now " << args->role << "\n";
    return Status::Ok();
  };
}

Action DefineGrant(CLI::App& app) {
  struct Args {
    std::string db;
    std::string user;
    std::string child;
    std::string team;
    bool all = false;
    std::string until;
    std::string reason;
  };
  auto args = std::make_shared<Args>();
  app.add_option("--db", args->db, std::string(kDbHelp))->required();
  app.add_option("--user", args->user, "Who the grant is for")->required();
  auto* child = app.add_option("--child", args->child, "One child, by LA child id");
  auto* team = app.add_option("--team", args->team, "Every child of one team");
  auto* all = app.add_flag("--all", args->all, "Every child");
  child->excludes(team)->excludes(all);
  team->excludes(all);
  app.add_option("--until", args->until, "The last day the grant is in force (YYYY-MM-DD)")->required();
  app.add_option("--reason", args->reason, "Why (an inspection, a case review, ...)")->required();
  return [args](Environment& env) -> Status {
    if (args->child.empty() && args->team.empty() && !args->all) {
      return Status::InvalidArgument("say what the grant covers: --child ID, --team TEAM or --all");
    }
    CAIRN_ASSIGN_OR_RETURN(Date until, Date::ParseIso(args->until));
    CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args->db));
    CAIRN_ASSIGN_OR_RETURN(access::RoleCatalogue roles, access::RoleCatalogue::BuiltIn());
    access::Accounts accounts(*db, roles, env.clock);
    access::Accounts::NewGrant grant;
    grant.username = args->user;
    grant.kind = args->all ? access::Grant::Kind::kAll
                 : !args->team.empty() ? access::Grant::Kind::kTeam
                                       : access::Grant::Kind::kChild;
    grant.target = args->all ? "" : !args->team.empty() ? args->team : args->child;
    grant.until = until;
    grant.reason = args->reason;
    CAIRN_ASSIGN_OR_RETURN(int64_t id, accounts.GrantAccess(grant, {env.actor, "cli", "cairn grant", "local"}));
    env.out << "Grant " << id << ": " << args->user << " until " << until.ToIso() << "\n";
    return Status::Ok();
  };
}

Action DefineAudit(CLI::App& app) {
  struct Args {
    std::string db;
    std::string child;
    std::string user;
    std::string from;
    std::string to;
    std::string format = "table";
  };
  auto args = std::make_shared<Args>();
  app.require_subcommand(0, 1);
  app.add_option("--db", args->db, std::string(kDbHelp));
  app.add_option("--child", args->child, "Who looked at or changed this child's record (LA child id)");
  app.add_option("--user", args->user, "What this user looked at or changed");
  app.add_option("--from", args->from, "From this day (YYYY-MM-DD)");
  app.add_option("--to", args->to, "To this day, inclusive (YYYY-MM-DD)");
  app.add_option("--format", args->format, "table, csv or json")->check(CLI::IsMember({"table", "csv", "json"}));
  CLI::App* verify = app.add_subcommand(
      "verify", "Check the audit trail's hash chain: exit 0 when intact, 1 naming the first row tampered with");
  verify->add_option("--db", args->db, std::string(kDbHelp))->required();
  return [args, verify](Environment& env) -> Status {
    if (args->db.empty()) return Status::InvalidArgument("--db is required");
    // A region's URL without a council: the region server's own audit trail.
    CAIRN_ASSIGN_OR_RETURN(store::ServedDatabase served, store::ServedTarget(args->db));
    // Verifying changes nothing, not even the schema: the trail is checked as it was found.
    CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(served.target, /*bring_up_to_date=*/!verify->parsed()));
    if (verify->parsed()) {
      CAIRN_ASSIGN_OR_RETURN(store::AuditVerdict verdict, store::VerifyAudit(*db));
      if (!verdict.intact) return Status::DataLoss("the audit trail has been tampered with: " + verdict.problem);
      env.out << "The audit trail is intact: " << verdict.rows << " row(s) checked.\n";
      return Status::Ok();
    }
    if (args->child.empty() && args->user.empty()) {
      return Status::InvalidArgument("say whose trail to show: --child ID or --user NAME (or `cairn audit verify`)");
    }
    store::AuditQuery query;
    if (!args->child.empty()) query.child = args->child;
    if (!args->user.empty()) query.actor = args->user;
    for (const std::string* day : {&args->from, &args->to}) {
      if (!day->empty()) CAIRN_RETURN_IF_ERROR(Date::ParseIso(*day).status());
    }
    query.from = args->from;
    query.to = args->to;
    query.limit = 1'000'000;
    CAIRN_ASSIGN_OR_RETURN(std::vector<store::StoredAuditEntry> rows, store::QueryAudit(*db, query));
    const std::vector<std::string> header = {"row", "at", "actor", "role", "action", "route",
                                             "children", "client", "outcome", "detail"};
    auto fields = [](const store::StoredAuditEntry& row) {
      std::string children;
      for (const std::string& child : row.entry.children) children += (children.empty() ? "" : " ") + child;
      return std::vector<std::string>{std::to_string(row.id), row.entry.at,     row.entry.actor,  row.entry.role,
                                      row.entry.action,       row.entry.route,  children,         row.entry.client,
                                      row.entry.outcome,      row.entry.detail};
    };
    if (args->format == "json") {
      for (const auto& row : rows) {
        const std::vector<std::string> values = fields(row);
        std::string line = "{";
        for (size_t i = 0; i < header.size(); ++i) {
          line += (i ? ",\"" : "\"") + header[i] + "\":";
          AppendJsonStringRepairingUtf8(values[i], line);
        }
        env.out << line << "}\n";
      }
      return Status::Ok();
    }
    if (args->format == "csv") {
      // Meant for a spreadsheet: a username may begin with '-' or '@', which a spreadsheet runs.
      env.out << FormatCsvRow(header);
      for (const auto& row : rows) {
        std::vector<std::string> cells = fields(row);
        for (std::string& cell : cells) cell = NeutraliseForSpreadsheet(cell);
        env.out << FormatCsvRow(cells);
      }
      return Status::Ok();
    }
    std::vector<std::vector<std::string>> table;
    for (const auto& row : rows) {
      std::vector<std::string> cells = fields(row);
      for (std::string& cell : cells) cell = EscapeForDisplay(cell);
      table.push_back(std::move(cells));
    }
    PrintTable(env.out, header, table);
    env.out << rows.size() << " row(s)\n";
    return Status::Ok();
  };
}

}  // namespace cairn::cli
