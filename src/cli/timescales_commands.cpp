// `cairn due` and `cairn drift`: every child's statutory deadlines and drift signals as at a
// date, from a Cairn database, filtered by child, worker, team, rule or status, as a table,
// JSON lines or CSV. Both record one audit row: they read children's records.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/table.h"
#include "store/chronology_store.h"
#include "store/workforce_store.h"
#include "timescales/evaluator.h"
#include "timescales/report.h"

namespace cairn::cli {
namespace {

using timescales::ChildEvaluation;
using timescales::CompactChronology;
using timescales::Evaluator;

struct TimescaleArgs {
  std::string db;
  std::string as_at;
  std::string child;
  std::string worker;
  std::string team;
  std::string rule;
  std::string status;
  std::string format = "table";
  std::string local_rules;
  bool live = false;
};

void AddCommonOptions(CLI::App& app, TimescaleArgs& args, std::string_view rule_help) {
  app.add_option("--db", args.db, "Cairn database")->required();
  app.add_option("--as-at", args.as_at, "Evaluate as at this date, YYYY-MM-DD (default: today); later events are ignored")
      ->check([](const std::string& text) -> std::string {
        const Result<Date> date = Date::ParseIso(text);
        return date.ok() ? "" : date.status().message() + " (write the as-at date as YYYY-MM-DD)";
      });
  app.add_option("--child", args.child, "Only this child (LA child id)");
  app.add_option("--worker", args.worker, "Only children allocated to this worker on the as-at date");
  app.add_option("--team", args.team, "Only children allocated to a worker in this team on the as-at date");
  app.add_option("--rule", args.rule, std::string(rule_help));
  app.add_option("--format", args.format, "table (default), json (one object per line) or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_option("--local-rules", args.local_rules,
                 "A council's override file for local rules (visit frequencies, supervision)");
}

// Everything both commands need: the evaluator, the children in scope and the date.
struct Prepared {
  std::unique_ptr<Evaluator> evaluator;
  std::vector<CompactChronology> children;
  Date as_at;
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::NotFound("cannot read the local rules file " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}


// Builds the evaluator (rules, local overrides, calendar), lets `check` refuse the command line
// against those rules before anything is loaded, then loads the children to evaluate.
Result<Prepared> Prepare(const TimescaleArgs& args, Environment& env, std::string_view command,
                         const std::function<Status(const timescales::RuleSet&)>& check) {
  Prepared prepared;
  prepared.as_at = env.clock.Today();
  if (!args.as_at.empty()) {
    CAIRN_ASSIGN_OR_RETURN(prepared.as_at, Date::ParseIso(args.as_at));
  }
  CAIRN_ASSIGN_OR_RETURN(WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
  CAIRN_ASSIGN_OR_RETURN(timescales::RuleSet rules, timescales::RuleSet::England(calendar));
  if (!args.local_rules.empty()) {
    CAIRN_ASSIGN_OR_RETURN(std::string text, ReadFile(args.local_rules));
    CAIRN_RETURN_IF_ERROR(rules.ApplyOverrides(text, args.local_rules, calendar));
  }
  CAIRN_RETURN_IF_ERROR(check(rules));
  CAIRN_ASSIGN_OR_RETURN(Evaluator evaluator, Evaluator::Create(std::move(rules), std::move(calendar)));
  prepared.evaluator = std::make_unique<Evaluator>(std::move(evaluator));

  CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args.db));
  std::vector<model::Chronology> chronologies;
  if (!args.child.empty()) {
    CAIRN_ASSIGN_OR_RETURN(auto chronology, store::LoadChronology(*db, args.child));
    if (!chronology) return Status::NotFound("there is no child '" + args.child + "' in " + args.db);
    chronologies.push_back(std::move(*chronology));
  } else {
    CAIRN_ASSIGN_OR_RETURN(chronologies, store::LoadAllChronologies(*db));
  }

  std::set<std::string> team_workers;
  if (!args.team.empty()) {
    CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(*db));
    const bool known = std::any_of(workforce.teams.begin(), workforce.teams.end(),
                                   [&](const model::Team& team) { return team.id == args.team; });
    if (!known) return Status::NotFound("there is no team '" + args.team + "' in " + args.db);
    for (const model::Worker& worker : workforce.workers) {
      if (worker.team_id == args.team) team_workers.insert(worker.id);
    }
  }

  std::vector<CompactChronology> compact = timescales::CompactAll(*prepared.evaluator, chronologies, Threads());
  for (CompactChronology& child : compact) {
    if (!args.worker.empty() || !args.team.empty()) {
      const std::optional<std::string> worker = Evaluator::AllocatedWorker(child, prepared.as_at);
      if (!worker) continue;
      if (!args.worker.empty() && *worker != args.worker) continue;
      if (!args.team.empty() && team_workers.count(*worker) == 0) continue;
    }
    prepared.children.push_back(std::move(child));
  }

  const std::string detail = "cairn " + std::string(command) + " as at " + prepared.as_at.ToIso();
  CAIRN_RETURN_IF_ERROR(store::RecordAudit(*db, env.actor, "read", args.child, detail));
  return prepared;
}

size_t LongestChildId(const std::vector<CompactChronology>& children) {
  size_t longest = 5;
  for (const CompactChronology& child : children) longest = std::max(longest, child.child_id().size());
  return longest;
}

}  // namespace

Action DefineDue(CLI::App& app) {
  auto args = std::make_shared<TimescaleArgs>();
  AddCommonOptions(app, *args, "Only this rule (e.g. cla.review-first-20wd)");
  app.add_option("--status", args->status, "Only this status: met, met-late, due, overdue or unknown")
      ->check(CLI::IsMember({"met", "met-late", "due", "overdue", "unknown"}));
  app.add_flag("--live", args->live,
               "Leave out deadlines missed under plans, placements and cases that have since ended (a to-do list)");
  return [args](Environment& env) -> Status {
    std::optional<size_t> rule;
    auto check = [&](const timescales::RuleSet& rules) -> Status {
      if (args->rule.empty()) return Status::Ok();
      rule = rules.FindRule(args->rule);
      if (rule) return Status::Ok();
      std::string known;
      for (const timescales::Rule& candidate : rules.rules()) known += (known.empty() ? "" : ", ") + candidate.id;
      return Status::NotFound("there is no rule '" + args->rule + "'; the rules are " + known);
    };
    const std::optional<timescales::ObligationStatus> status =
        args->status.empty() ? std::nullopt : timescales::StatusFromName(args->status);
    CAIRN_ASSIGN_OR_RETURN(Prepared prepared, Prepare(*args, env, "due", check));
    const timescales::RuleSet& rules = prepared.evaluator->rules();
    const std::vector<ChildEvaluation> results =
        timescales::EvaluateCouncil(*prepared.evaluator, prepared.children, prepared.as_at, Threads());

    size_t rule_width = 4;
    for (const timescales::Rule& candidate : rules.rules()) rule_width = std::max(rule_width, candidate.id.size());
    const std::vector<size_t> widths = {LongestChildId(prepared.children), rule_width, 10, 10, 10, 8, 4};
    if (args->format == "table") PrintRow(env.out, {"child", "rule", "trigger", "due", "done", "status", "days"}, widths);
    if (args->format == "csv") env.out << timescales::ObligationCsvHeader() << "\n";
    size_t shown = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      const std::string& child = prepared.children[i].child_id();
      for (const timescales::Obligation& obligation : results[i].obligations) {
        if (rule && obligation.rule != *rule) continue;
        if (status && obligation.status != *status) continue;
        if (args->live && obligation.closed) continue;
        ++shown;
        if (args->format == "json") {
          env.out << timescales::ObligationJson(child, obligation, rules) << "\n";
        } else if (args->format == "csv") {
          env.out << timescales::ObligationCsv(child, obligation, rules) << "\n";
        } else {
          PrintRow(env.out, timescales::ObligationCells(child, obligation, rules), widths);
        }
      }
    }
    if (args->format == "table") {
      env.out << shown << " obligation" << (shown == 1 ? "" : "s") << " for " << prepared.children.size() << " child"
              << (prepared.children.size() == 1 ? "" : "ren") << " as at " << prepared.as_at.ToIso() << "\n";
    }
    return Status::Ok();
  };
}

Action DefineDrift(CLI::App& app) {
  auto args = std::make_shared<TimescaleArgs>();
  AddCommonOptions(app, *args, "Only this drift signal (e.g. drift.cp-plan-2y)");
  return [args](Environment& env) -> Status {
    std::optional<size_t> signal;
    auto check = [&](const timescales::RuleSet& rules) -> Status {
      if (args->rule.empty()) return Status::Ok();
      signal = rules.FindSignal(args->rule);
      if (signal) return Status::Ok();
      std::string known;
      for (const timescales::Signal& candidate : rules.signals()) known += (known.empty() ? "" : ", ") + candidate.id;
      return Status::NotFound("there is no drift signal '" + args->rule + "'; the signals are " + known);
    };
    CAIRN_ASSIGN_OR_RETURN(Prepared prepared, Prepare(*args, env, "drift", check));
    const timescales::RuleSet& rules = prepared.evaluator->rules();
    const std::vector<ChildEvaluation> results =
        timescales::EvaluateCouncil(*prepared.evaluator, prepared.children, prepared.as_at, Threads());

    size_t signal_width = 6;
    for (const timescales::Signal& candidate : rules.signals()) signal_width = std::max(signal_width, candidate.id.size());
    const std::vector<size_t> widths = {LongestChildId(prepared.children), signal_width, 10, 8};
    if (args->format == "table") PrintRow(env.out, {"child", "signal", "since", "evidence"}, widths);
    if (args->format == "csv") env.out << timescales::SignalCsvHeader() << "\n";
    size_t shown = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      const std::string& child = prepared.children[i].child_id();
      for (const timescales::DriftSignal& drift : results[i].signals) {
        if (signal && drift.signal != *signal) continue;
        ++shown;
        if (args->format == "json") {
          env.out << timescales::SignalJson(child, drift, rules) << "\n";
        } else if (args->format == "csv") {
          env.out << timescales::SignalCsv(child, drift, rules) << "\n";
        } else {
          PrintRow(env.out, timescales::SignalCells(child, drift, rules), widths);
        }
      }
    }
    if (args->format == "table") {
      env.out << shown << " drift signal" << (shown == 1 ? "" : "s") << " for " << prepared.children.size() << " child"
              << (prepared.children.size() == 1 ? "" : "ren") << " as at " << prepared.as_at.ToIso() << "\n";
    }
    return Status::Ok();
  };
}

}  // namespace cairn::cli
