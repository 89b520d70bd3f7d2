// `cairn record` and `cairn oversight add`: casework recorded from a script or in bulk, through
// the same checks and the same one-transaction save as the browser's forms
// (recording/recorder.h). A refused entry prints each problem by field and changes nothing.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <ostream>
#include <set>

#include "base/display_text.h"
#include "cli/commands.h"
#include "recording/recorder.h"
#include "returns/ssda903/tables.h"
#include "store/audit.h"
#include "store/chronology_store.h"

namespace cairn::cli {
namespace {

struct RecordArgs {
  std::string db;
  std::string child;
  std::string kind;
  std::vector<std::string> fields;
  std::string reason;
  int64_t event = 0;
  int64_t version = 0;
  bool withdraw = false;
  bool confirm = false;
  bool list_forms = false;
};

void PrintMessages(std::ostream& err, std::string_view heading, const std::vector<recording::FieldMessage>& messages) {
  if (messages.empty()) return;
  err << heading << "\n";
  for (const recording::FieldMessage& message : messages) {
    err << "  " << (message.field.empty() ? "entry" : EscapeForDisplay(message.field)) << ": "
        << EscapeForDisplay(message.message) << "\n";
  }
}

void PrintForms(const recording::FormCatalogue& forms, std::ostream& out) {
  for (const recording::Form& form : forms.forms()) {
    out << model::IdOf(form.kind) << "  " << form.title << "\n";
    for (const recording::FormField& field : form.fields) {
      out << "    " << field.name << (field.required ? " (required)" : "") << "  " << field.label;
      if (field.type == model::FieldType::kDate) out << ", YYYY-MM-DD";
      if (!field.options.empty()) {
        out << ":";
        for (const recording::Option& option : field.options) out << " " << option.code;
      }
      out << "\n";
    }
  }
}

}  // namespace

Action DefineRecord(CLI::App& app) {
  auto args = std::make_shared<RecordArgs>();
  app.footer(
      "Examples:\n"
      "  cairn record --db council.db --child C1 --kind visit --field date=2026-11-20 --field purpose=cin "
      "--field child_seen=yes\n"
      "  cairn record --db council.db --child C1 --event 812 --version 1 --field date=2026-11-19 --reason \"wrong day\"\n"
      "  cairn record --db council.db --child C1 --event 812 --version 2 --withdraw --reason \"wrong child\"\n"
      "  cairn record --forms    (every form, its fields and codes)");
  app.add_option("--db", args->db, "Cairn database");
  app.add_option("--child", args->child, "The child's LA child id");
  app.add_option("--kind", args->kind, "What to record: visit, cin-episode, assessment, ... (see --forms)");
  app.add_option("--field", args->fields, "NAME=VALUE, once per field (a code list field may be given more than once)");
  app.add_option("--reason", args->reason, "Why a record is corrected or withdrawn (required for both)");
  app.add_option("--event", args->event, "Correct (or, with --withdraw, withdraw) this event instead of adding one");
  app.add_option("--version", args->version, "The event's version the correction starts from (shown by the API)");
  app.add_flag("--withdraw", args->withdraw, "Withdraw --event as entered in error");
  app.add_flag("--confirm", args->confirm, "Save despite findings (they are printed first without it)");
  app.add_flag("--forms", args->list_forms, "List the forms, their fields and codes, and stop");
  return [args](Environment& env) -> Status {
    const Date today = env.clock.Today();
    CAIRN_ASSIGN_OR_RETURN(recording::Recorder recorder, recording::Recorder::BuiltIn(today));
    if (args->list_forms) {
      PrintForms(recorder.forms(), env.out);
      return Status::Ok();
    }
    if (args->db.empty() || args->child.empty()) return Status::InvalidArgument("give --db and --child (or --forms)");
    if (args->event == 0 && args->kind.empty()) return Status::InvalidArgument("give --kind to record, or --event to correct");
    if (args->event != 0 && args->version == 0) {
      return Status::InvalidArgument("give --version: the version of event " + std::to_string(args->event) +
                                     " you are correcting (so a newer one is never overwritten)");
    }
    recording::Entry entry;
    entry.confirmed = args->confirm;
    for (const std::string& field : args->fields) {
      const size_t equals = field.find('=');
      if (equals == std::string::npos || equals == 0) {
        return Status::InvalidArgument("--field " + EscapeForDisplay(field) + " is not NAME=VALUE");
      }
      entry.values.emplace_back(field.substr(0, equals), field.substr(equals + 1));
    }
    CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args->db));
    const store::ChangeContext context{env.actor, args->reason, "cli", "cairn record", "local"};
    Result<recording::Outcome> outcome = Status::Internal("nothing was asked");
    if (args->withdraw) {
      if (args->event == 0) return Status::InvalidArgument("--withdraw needs --event");
      outcome = recorder.Withdraw(*db, args->child, args->event, args->version, context);
    } else if (args->event != 0) {
      outcome = recorder.Correct(*db, args->child, args->event, args->version, entry, today, context);
    } else {
      CAIRN_ASSIGN_OR_RETURN(model::EventKind kind, model::EventKindFromId(args->kind));
      outcome = recorder.Record(*db, args->child, kind, entry, today, context);
    }
    if (!outcome.ok()) return outcome.status();
    switch (outcome->kind) {
      case recording::Outcome::Kind::kSaved:
        PrintMessages(env.err, "Saved despite these findings:", outcome->findings);
        env.out << (args->withdraw ? "Withdrew" : args->event != 0 ? "Corrected" : "Recorded") << " event "
                << outcome->event_id << " (version " << outcome->revision << ") for child "
                << EscapeForDisplay(args->child) << ".\n";
        return Status::Ok();
      case recording::Outcome::Kind::kRefused:
        PrintMessages(env.err, "Nothing was saved:", outcome->errors);
        return Status::InvalidArgument("the entry has " + std::to_string(outcome->errors.size()) + " problem(s)");
      case recording::Outcome::Kind::kNeedsConfirmation:
        PrintMessages(env.err, "Check these findings:", outcome->findings);
        return Status::FailedPrecondition("nothing was saved; run again with --confirm to save despite the findings");
      case recording::Outcome::Kind::kStale:
        return Status::FailedPrecondition(
            outcome->current ? "event " + std::to_string(args->event) + " is now at version " +
                                   std::to_string(outcome->revision) + " (someone changed it since version " +
                                   std::to_string(args->version) + "); nothing was saved"
                             : "event " + std::to_string(args->event) + " is not on the child's record (withdrawn, or another child's); nothing was saved");
    }
    return Status::Internal("unexpected outcome");
  };
}

namespace {

struct OversightArgs {
  std::string db;
  std::string child;
  std::string date;
  std::string type;
  std::string decision;
  std::vector<std::string> directions;  // each OWNER,DUE_DATE,ACTION
  bool confirm = false;
};

// A problem with one of the entries of an oversight: which entry ("oversight", "--direction 2
// for SW7") and the recorder's message by field.
struct EntryProblem {
  std::string entry;
  recording::FieldMessage message;
};

void PrintEntryProblems(std::ostream& err, std::string_view heading, const std::vector<EntryProblem>& problems) {
  if (problems.empty()) return;
  err << heading << "\n";
  for (const EntryProblem& problem : problems) {
    err << "  " << problem.entry;
    if (!problem.message.field.empty()) err << ", " << EscapeForDisplay(problem.message.field);
    err << ": " << EscapeForDisplay(problem.message.message) << "\n";
  }
}


// One --direction: the entry it makes for the direction form, and how messages name it.
struct DirectionArg {
  std::string label;  // "--direction 2 for 'SW7'"
  std::string owner;
  std::string due_date;
  std::optional<recording::Entry> entry;  // nullopt when it is not OWNER,DUE_DATE,ACTION
};

// OWNER,DUE_DATE,ACTION; the action is everything after the second comma, so it may hold commas
// of its own. The direction is dated as the oversight that gave it.
DirectionArg ReadDirection(size_t position, std::string_view given, std::string_view oversight_date, bool confirmed) {
  DirectionArg direction;
  direction.label = "--direction " + std::to_string(position);
  const size_t first_comma = given.find(',');
  const size_t second_comma = first_comma == std::string_view::npos ? first_comma : given.find(',', first_comma + 1);
  if (second_comma == std::string_view::npos) {
    direction.label += " " + QuoteForDisplay(given);
    return direction;
  }
  direction.owner = returns::ssda903::TrimSpace(given.substr(0, first_comma));
  direction.due_date = returns::ssda903::TrimSpace(given.substr(first_comma + 1, second_comma - first_comma - 1));
  if (!direction.owner.empty()) direction.label += " for " + QuoteForDisplay(direction.owner);
  recording::Entry entry;
  entry.confirmed = confirmed;
  entry.values = {{"date", std::string(oversight_date)},
                  {"owner", direction.owner},
                  {"due_date", direction.due_date},
                  {"action", std::string(returns::ssda903::TrimSpace(given.substr(second_comma + 1)))}};
  direction.entry = std::move(entry);
  return direction;
}

// Why a save that the checks passed was still not made (someone else saved first, or a finding).
std::vector<recording::FieldMessage> WhyNotSaved(const recording::Outcome& outcome) {
  return outcome.errors.empty() ? outcome.findings : outcome.errors;
}

// `cairn oversight add`. The recorder saves one event per transaction, and an oversight saved
// without the directions the manager gave with it is a record nobody meant to make; so every
// entry is checked first (Recorder::Check, which saves nothing) against the child's record as it
// would stand with the oversight in it, and nothing is saved unless all of them pass. Then each is
// recorded through Recorder::Record, as the browser records them one form at a time.
Status AddOversight(const OversightArgs& args, Environment& env) {
  const Date today = env.clock.Today();
  CAIRN_ASSIGN_OR_RETURN(recording::Recorder recorder, recording::Recorder::BuiltIn(today));
  const recording::Form* oversight_form = recorder.forms().For(model::EventKind::kOversight);
  const recording::Form* direction_form = recorder.forms().For(model::EventKind::kDirection);
  if (oversight_form == nullptr || direction_form == nullptr) {
    return Status::Internal("Cairn's forms have no oversight or direction form (data/recording/forms.toml)");
  }

  recording::Entry oversight;
  oversight.confirmed = args.confirm;
  oversight.values = {{"date", args.date}, {"type", args.type}, {"decision", args.decision}};
  std::vector<DirectionArg> directions;
  for (size_t i = 0; i < args.directions.size(); ++i) {
    directions.push_back(ReadDirection(i + 1, args.directions[i], args.date, args.confirm));
  }

  CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args.db));
  CAIRN_ASSIGN_OR_RETURN(std::optional<model::Chronology> chronology, store::LoadChronology(*db, args.child));
  if (!chronology) {
    return Status::NotFound("there is no child " + QuoteForDisplay(args.child) + " in " + args.db + "; nothing was saved");
  }

  std::vector<EntryProblem> errors;
  std::vector<EntryProblem> findings;
  auto collect = [&](const std::string& entry, const recording::Outcome& checked, bool is_direction) {
    for (const recording::FieldMessage& message : checked.errors) {
      // A direction's date is the oversight's: any trouble with it is reported once, there.
      if (is_direction && message.field == "date") continue;
      errors.push_back({entry, message});
    }
    for (const recording::FieldMessage& message : checked.findings) findings.push_back({entry, message});
  };
  model::Chronology would_be = *chronology;
  recording::Outcome oversight_checked;
  const model::Event oversight_event =
      recorder.Check(*oversight_form, would_be, oversight, today, nullptr, oversight_checked);
  collect("oversight", oversight_checked, false);
  const int32_t oversight_index = would_be.Add(oversight_event);
  std::vector<std::pair<int32_t, const DirectionArg*>> checked_directions;  // index in would_be
  for (const DirectionArg& direction : directions) {
    if (!direction.entry) {
      errors.push_back({direction.label,
                        {"", "not OWNER,DUE_DATE,ACTION: the worker's staff id, the date it is due by (YYYY-MM-DD) "
                             "and what is to be done, separated by commas"}});
      continue;
    }
    recording::Outcome checked;
    model::Event event = recorder.Check(*direction_form, would_be, *direction.entry, today, nullptr, checked);
    collect(direction.label, checked, true);
    if (checked.errors.empty()) checked_directions.emplace_back(would_be.Add(std::move(event)), &direction);
  }
  // The store keeps one oversight a day for a child, and one direction for an owner and a due
  // date at each oversight (model::Chronology::NaturalKey): what it would refuse, refused now.
  const std::vector<std::string> keys = would_be.NaturalKeys();
  const std::string& oversight_key = keys[static_cast<size_t>(oversight_index)];
  if (oversight_checked.errors.empty() && std::count(keys.begin(), keys.end(), oversight_key) > 1) {
    errors.push_back({"oversight",
                      {"date", "a management oversight is already recorded on " + oversight_event.start.ToIso() +
                                   " for this child: correct that one (cairn record --event) instead"}});
  } else {
    // The oversight is new, so its directions can only clash with each other: the later is named.
    std::set<std::string> given;
    for (const auto& [index, direction] : checked_directions) {
      if (given.insert(keys[static_cast<size_t>(index)]).second) continue;
      errors.push_back({direction->label,
                        {"due_date", "another direction given at this oversight is for the same owner and due the "
                                     "same day: give them as one direction"}});
    }
  }
  if (!errors.empty()) {
    PrintEntryProblems(env.err, "Nothing was saved:", errors);
    return Status::InvalidArgument("the oversight and its directions have " + std::to_string(errors.size()) +
                                   " problem(s); nothing was saved");
  }
  if (!findings.empty() && !args.confirm) {
    PrintEntryProblems(env.err, "Check these findings:", findings);
    return Status::FailedPrecondition("nothing was saved; run again with --confirm to save despite the findings");
  }
  PrintEntryProblems(env.err, "Saving despite these findings:", findings);

  // The local operator records as themself: the command line runs with the database file's own
  // access, so it has no role to check, as `cairn record` has none (the browser asks for
  // oversight.record). The audit trail names the operating-system account.
  const store::ChangeContext context{env.actor, "", "cli", "cairn oversight add", "local"};
  const std::string child = EscapeForDisplay(args.child);
  CAIRN_ASSIGN_OR_RETURN(recording::Outcome saved,
                         recorder.Record(*db, args.child, model::EventKind::kOversight, oversight, today, context));
  if (!saved.saved()) {
    // Someone changed the record between the checks and the save.
    PrintMessages(env.err, "Nothing was saved:", WhyNotSaved(saved));
    return Status::FailedPrecondition("the oversight was refused; nothing was saved");
  }
  const int64_t oversight_id = saved.event_id;
  env.out << "Recorded oversight event " << oversight_id << " (version " << saved.revision << ") for child " << child
          << ".\n";
  for (size_t i = 0; i < directions.size(); ++i) {
    const DirectionArg& direction = directions[i];
    Result<recording::Outcome> outcome = recorder.Record(*db, args.child, model::EventKind::kDirection,
                                                         *direction.entry, today, context);
    if (outcome.ok() && outcome->saved()) {
      env.out << "Recorded direction event " << outcome->event_id << " (version " << outcome->revision << ") for "
              << EscapeForDisplay(direction.owner) << ", due " << EscapeForDisplay(direction.due_date) << ".\n";
      continue;
    }
    if (outcome.ok()) PrintMessages(env.err, direction.label + " was not saved:", WhyNotSaved(*outcome));
    const std::string why = outcome.ok() ? "was refused" : "could not be saved (" + outcome.status().message() + ")";
    const size_t left = directions.size() - i - 1;
    return Status::FailedPrecondition(
        "the oversight WAS saved (event " + std::to_string(oversight_id) + ")" +
        (i > 0 ? " with its first " + std::to_string(i) + " direction(s)" : std::string()) + ", but " +
        direction.label + " " + why + (left > 0 ? " and the " + std::to_string(left) + " after it were not tried" : "") +
        "; record the rest with `cairn record --db " + args.db + " --child " + child +
        " --kind direction --field date=" + EscapeForDisplay(args.date) +
        " --field owner=... --field due_date=... --field action=...`");
  }
  return Status::Ok();
}

}  // namespace

Action DefineOversight(CLI::App& app) {
  app.require_subcommand(1);
  auto args = std::make_shared<OversightArgs>();
  CLI::App* add = app.add_subcommand("add", "Record a manager's oversight of a case, with the directions given at it");
  add->footer(
      "The oversight and each direction are checked before anything is saved: if any of them is refused, nothing "
      "is. Then each is recorded as the browser records it, the oversight first, and its event id printed.\n"
      "Types: supervision, case-direction, permanence-decision, step-down, step-up, closure-decision (`cairn record "
      "--forms` lists the oversight form's codes with their meanings).\n"
      "A direction is OWNER,DUE_DATE,ACTION: the worker's staff id, the date it is due by (YYYY-MM-DD) and what is "
      "to be done (which may hold commas). It is dated as the oversight and is a deadline on the child's record "
      "until its owner marks it done.\n"
      "\n"
      "Examples:\n"
      "  cairn oversight add --db council.db --child C1 --date 2026-11-20 --type supervision "
      "--decision \"Plan on track; step down at review if school attendance holds\"\n"
      "  cairn oversight add --db council.db --child C1 --date 2026-11-20 --type case-direction "
      "--decision \"Escalate to legal planning meeting\" --direction \"SW7,2026-11-27,Book the legal planning meeting\" "
      "--direction \"SW7,2026-12-04,Update the chronology, genogram and risk analysis\"");
  add->add_option("--db", args->db, "Cairn database")->required();
  add->add_option("--child", args->child, "The child's LA child id")->required();
  add->add_option("--date", args->date, "The date of the oversight, YYYY-MM-DD")->required();
  add->add_option("--type", args->type, "What kind of oversight: supervision, case-direction, ... (below)")->required();
  add->add_option("--decision", args->decision, "What was decided")->required();
  add->add_option("--direction", args->directions, "OWNER,DUE_DATE,ACTION, once per direction given at it");
  add->add_flag("--confirm", args->confirm, "Save despite findings (they are printed first without it)");
  return [args](Environment& env) -> Status { return AddOversight(*args, env); };
}

}  // namespace cairn::cli
