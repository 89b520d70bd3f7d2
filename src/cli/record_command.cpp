// `cairn record`: casework recorded from a script or in bulk, through the same checks and the
// same one-transaction save as the browser's forms (recording/recorder.h). A refused entry
// prints each problem by field and changes nothing.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "base/display_text.h"
#include "cli/commands.h"
#include "recording/recorder.h"
#include "store/audit.h"

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
    CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::OpenExisting(args->db));
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

}  // namespace cairn::cli
