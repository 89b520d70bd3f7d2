// `cairn annex-a`: the Ofsted Annex A workbook (returns/annex_a) for a database, as at a date.
// One audit row naming every child the workbook lists: it is child-level data leaving Cairn.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <ostream>

#include "base/atomic_file.h"
#include "cli/commands.h"
#include "returns/annex_a/annex_a.h"
#include "store/audit.h"
#include "store/chronology_store.h"
#include "store/settings.h"
#include "store/workforce_store.h"

namespace cairn::cli {
namespace {

struct AnnexAArgs {
  std::string db;
  std::string as_at;
  std::string out;
  int months = 0;
};

}  // namespace

Action DefineAnnexA(CLI::App& app) {
  auto args = std::make_shared<AnnexAArgs>();
  app.add_option("--db", args->db, "Cairn database")->required();
  app.add_option("--as-at", args->as_at,
                 "The date the lists run back from, YYYY-MM-DD (default: today); later events are left out")
      ->check([](const std::string& text) -> std::string {
        const Result<Date> date = Date::ParseIso(text);
        return date.ok() ? "" : date.status().message() + " (write the as-at date as YYYY-MM-DD)";
      });
  app.add_option("--out", args->out, "The workbook to write (.xlsx); written whole or not at all")->required();
  app.add_option("--months", args->months,
                 "Reach this many months back on every list instead of the guidance's own periods (six months, "
                 "twelve for adoption): 12 with --as-at YYYY-03-31 lines the lists up with a reporting year")
      ->check(CLI::Range(1, 60));
  app.footer(
      "Writes Ofsted's Annex A (inspection of local authority children's services): a cover sheet, then "
      "\"List 1\" to \"List 11\" with the guidance's columns in its order and its coded values. Columns Cairn "
      "does not record are present and empty; the cover sheet lists them with the reason. The workbook holds "
      "children's personal data: keep it, and send it, as the inspection's data-sharing arrangements say.");
  return [args](Environment& env) -> Status {
    Date as_at = env.clock.Today();
    if (!args->as_at.empty()) {
      CAIRN_ASSIGN_OR_RETURN(as_at, Date::ParseIso(args->as_at));
    }
    if (args->out.size() < 5 || args->out.substr(args->out.size() - 5) != ".xlsx") {
      return Status::InvalidArgument("--out: '" + args->out + "' must name an Excel workbook ending in .xlsx");
    }
    CAIRN_RETURN_IF_ERROR(CheckWritablePath(args->out, "--out"));
    CAIRN_ASSIGN_OR_RETURN(returns::annex_a::Guidance guidance, returns::annex_a::LoadGuidance());

    CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args->db));
    env.err << "Loading children from " << args->db << "...\n";
    CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(*db));
    CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(*db));

    const returns::annex_a::CouncilRecord council{chronologies, std::nullopt, workforce.workers, workforce.teams};
    const std::optional<int> months = args->months > 0 ? std::optional<int>(args->months) : std::nullopt;
    const returns::annex_a::Lists lists = returns::annex_a::BuildLists(guidance, council, as_at, months);

    returns::annex_a::About about;
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> name, store::GetSetting(*db, "la-name"));
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> la_code, store::GetSetting(*db, "la-code"));
    about.council_name = name.value_or("");
    about.la_code = la_code.value_or("");
    about.made_by = "cairn annex-a (" + env.actor + ")";
    about.made_on = store::UtcTimestamp();
    CAIRN_ASSIGN_OR_RETURN(std::string workbook, returns::annex_a::WriteWorkbook(lists, about));

    store::AuditEntry audit = store::CommandLineAudit(env.actor, "export", "cairn annex-a");
    size_t rows = 0;
    for (const returns::annex_a::Sheet& sheet : lists.sheets) {
      rows += sheet.rows.size();
      audit.children.insert(audit.children.end(), sheet.children.begin(), sheet.children.end());
    }
    std::sort(audit.children.begin(), audit.children.end());
    audit.children.erase(std::unique(audit.children.begin(), audit.children.end()), audit.children.end());
    audit.detail = "annex-a as at " + as_at.ToIso() + ": " + std::to_string(rows) + " rows, " +
                   std::to_string(audit.children.size()) + " children";
    // The audit row first: a workbook never leaves without its record.
    CAIRN_RETURN_IF_ERROR(store::AppendAudit(*db, audit));
    CAIRN_RETURN_IF_ERROR(WriteFileAtomically(args->out, workbook));

    env.out << "Annex A as at " << as_at.ToIso() << " written to " << args->out << "\n";
    for (const returns::annex_a::Sheet& sheet : lists.sheets) {
      env.out << "  " << sheet.spec->sheet << "  " << sheet.spec->title << ": " << sheet.rows.size() << " rows from "
              << sheet.from.ToIso();
      if (!sheet.spec->unfilled.empty()) env.out << " (" << sheet.spec->unfilled << ")";
      env.out << "\n";
    }
    if (!lists.unmapped.empty()) {
      env.out << lists.unmapped.size() << (lists.unmapped.size() == 1 ? " code" : " codes")
              << " the template does not list written as recorded (see the cover sheet)\n";
    }
    return Status::Ok();
  };
}

}  // namespace cairn::cli
