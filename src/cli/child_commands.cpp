// `cairn child show`: one child's chronology, readably. Every read is audited.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "base/display_text.h"
#include "cli/commands.h"
#include "store/chronology_store.h"

namespace cairn::cli {
namespace {

struct ChildArgs {
  std::string db;
  std::string id;
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
  return [args](Environment& env) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::OpenExisting(args->db));
    CAIRN_ASSIGN_OR_RETURN(auto chronology, store::LoadChronology(*db, args->id));
    if (!chronology) return Status::NotFound("there is no child '" + args->id + "' in " + args->db);
    CAIRN_RETURN_IF_ERROR(store::RecordAudit(*db, env.actor, "read", args->id, "cairn child show"));
    PrintChronology(*chronology, env.out);
    return Status::Ok();
  };
}

}  // namespace cairn::cli
