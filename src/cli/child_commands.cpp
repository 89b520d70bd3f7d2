// `cairn child show`: one child's chronology, readably. Every read is audited. It shows the
// child's names when Cairn holds them: the read is of the whole record, by someone allowed it,
// and the audit row says who read it (never what it held).
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "access/accounts.h"
#include "base/display_text.h"
#include "cli/commands.h"
#include "store/chronology_store.h"

namespace cairn::cli {
namespace {

struct ChildArgs {
  std::string db;
  std::string id;
  std::vector<std::string> allow;
  std::string reason;
};

std::string DateOr(const std::optional<Date>& date, std::string_view missing) {
  return date ? date->ToIso() : std::string(missing);
}

// What the record holds, printed so that control characters cannot drive the terminal.
std::string Shown(std::string_view value) { return EscapeForDisplay(value); }

int Depth(const model::Chronology& chronology, const model::Event& event) {
  int depth = 0;
  for (int32_t p = event.parent; p >= 0; p = chronology.events()[static_cast<size_t>(p)].parent) ++depth;
  return depth;
}

void PrintChronology(const model::Chronology& chronology, std::ostream& out) {
  const model::Child& child = chronology.child();
  out << "Child " << Shown(child.la_child_id) << "\n";
  // No line at all for a child without names (every child imported from a return, until the
  // council records them), rather than a line saying there are none.
  std::string name = child.given_name;
  if (!child.family_name.empty()) name += (name.empty() ? "" : " ") + child.family_name;
  if (!name.empty() || !child.preferred_name.empty()) {
    out << "  name " << (name.empty() ? "(not recorded)" : Shown(name));
    if (!child.preferred_name.empty()) out << ", known as " << Shown(child.preferred_name);
    out << "\n";
  }
  out << "  born " << DateOr(child.birth_date, "(not recorded)");
  if (child.expected_birth_date) out << ", expected " << child.expected_birth_date->ToIso();
  if (child.death_date) out << ", died " << child.death_date->ToIso();
  out << "; sex " << (child.sex.empty() ? "-" : Shown(child.sex)) << "; ethnicity "
      << (child.ethnicity.empty() ? "-" : Shown(child.ethnicity)) << "\n";
  if (!child.upn.empty() || !child.upn_unknown.empty()) {
    out << "  UPN " << (child.upn.empty() ? "unknown (" + Shown(child.upn_unknown) + ")" : Shown(child.upn));
    if (!child.former_upn.empty()) out << ", former " << Shown(child.former_upn);
    out << "\n";
  }
  if (!child.disabilities.empty()) {
    out << "  disabilities";
    for (const std::string& code : child.disabilities) out << " " << Shown(code);
    out << "\n";
  }
  if (child.uasc) out << "  unaccompanied asylum-seeking child" << (child.uasc_ceased ? " until " + child.uasc_ceased->ToIso() : "") << "\n";
  out << "\n" << chronology.events().size() << " event(s):\n";
  for (const model::Event& event : chronology.events()) {
    const model::EventKindSpec& spec = model::Spec(event.kind);
    out << std::string(2 + 4 * static_cast<size_t>(Depth(chronology, event)), ' ') << event.start.ToIso();
    if (!spec.end_field.empty()) out << " to " << DateOr(event.end, "(open)   ");
    out << "  " << spec.title;
    bool first = true;
    for (const model::Field& field : event.fields) {
      out << (first ? ": " : ", ") << field.name << " " << Shown(field.value);
      first = false;
    }
    if (!event.provenance.source.empty()) {
      out << "  [" << event.provenance.source;
      for (int year : event.provenance.reported_in_years) out << " " << year;
      out << "]";
    }
    out << "\n";
  }
}

}  // namespace

Action DefineChild(CLI::App& app) {
  app.require_subcommand(1);
  auto args = std::make_shared<ChildArgs>();
  CLI::App* show = app.add_subcommand("show", "Print a child's details and chronology (the read is audited)");
  show->add_option("--db", args->db, "Cairn database")->required();
  show->add_option("id", args->id, "The child's LA child id")->required();
  CLI::App* restrict_command = app.add_subcommand(
      "restrict", "Restrict a child's record to named users: nobody else sees it, whatever their role");
  restrict_command->add_option("--db", args->db, "Cairn database")->required();
  restrict_command->add_option("id", args->id, "The child's LA child id")->required();
  restrict_command->add_option("--allow", args->allow, "Users who may see the record (USER[,USER...])")
      ->required()
      ->delimiter(',');
  restrict_command->add_option("--reason", args->reason, "Why (kept with the restriction, not in the audit trail)")
      ->required();
  CLI::App* unrestrict = app.add_subcommand("unrestrict", "Lift a restriction: the record follows the roles again");
  unrestrict->add_option("--db", args->db, "Cairn database")->required();
  unrestrict->add_option("id", args->id, "The child's LA child id")->required();
  return [args, restrict_command, unrestrict](Environment& env) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args->db));
    if (restrict_command->parsed() || unrestrict->parsed()) {
      CAIRN_ASSIGN_OR_RETURN(access::RoleCatalogue roles, access::RoleCatalogue::BuiltIn());
      access::Accounts accounts(*db, roles, env.clock);
      const access::Actor actor{env.actor, "cli", restrict_command->parsed() ? "cairn child restrict" : "cairn child unrestrict", "local"};
      if (unrestrict->parsed()) {
        CAIRN_RETURN_IF_ERROR(accounts.Unrestrict(args->id, actor));
        env.out << "The record of " << args->id << " is no longer restricted.\n";
        return Status::Ok();
      }
      CAIRN_RETURN_IF_ERROR(accounts.Restrict(args->id, args->allow, args->reason, actor));
      env.out << "The record of " << args->id << " is restricted to " << args->allow.size() << " user(s).\n";
      return Status::Ok();
    }
    CAIRN_ASSIGN_OR_RETURN(auto chronology, store::LoadChronology(*db, args->id));
    if (!chronology) return Status::NotFound("there is no child '" + args->id + "' in " + args->db);
    CAIRN_RETURN_IF_ERROR(store::RecordAudit(*db, env.actor, "read", args->id, "cairn child show"));
    PrintChronology(*chronology, env.out);
    return Status::Ok();
  };
}

}  // namespace cairn::cli
