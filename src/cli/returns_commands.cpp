// `cairn import` and `cairn export`: the statutory returns in and out.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "base/atomic_file.h"
#include "base/display_text.h"
#include "cli/commands.h"
#include "returns/cin_census/cin_census.h"
#include "returns/importer.h"
#include "returns/ssda903/ssda903.h"
#include "store/chronology_store.h"
#include "store/migrations.h"
#include "store/settings.h"
#include "validate/catalogue.h"
#include "validate/inputs.h"
#include "validate/report_format.h"
#include "validate/validator.h"

namespace cairn::cli {
namespace {

constexpr size_t kProblemsShown = 20;
constexpr std::string_view kSyntheticNote =
    "SYNTHETIC DATA: this database holds a council simulated by cairn simulate; no real child's record";

// "year ending 31 March 2025 (2024/25)"
std::string YearText(int year) {
  const int short_year = year % 100;
  return "year ending 31 March " + std::to_string(year) + " (" + std::to_string(year - 1) + "/" +
         (short_year < 10 ? "0" : "") + std::to_string(short_year) + ")";
}

// On the terminal a problem names where it is and the child's id, never the value (a date of
// birth, a UPN): the findings and rejects files hold the detail. Printed escaped, so a control
// character in a return cannot drive the terminal.
void PrintProblems(std::ostream& stream, const std::vector<returns::Problem>& problems, size_t limit) {
  for (size_t i = 0; i < problems.size() && i < limit; ++i) {
    returns::Problem shown = problems[i];
    shown.value.clear();
    // An id no return could hold (thousands of characters) must not flood the terminal either.
    constexpr size_t kLongestId = 40;
    if (shown.child.size() > kLongestId) shown.child = shown.child.substr(0, kLongestId) + "...";
    stream << "  " << EscapeForDisplay(shown.ToString()) << "\n";
  }
  if (problems.size() > limit) stream << "  ... and " << problems.size() - limit << " more\n";
}

// Beside the database rather than in whatever folder the command was run from: the rejected
// records are children's records, and belong where the council keeps its data.
std::string DefaultRejectsPath(const std::string& db) {
  std::string stamp = store::UtcTimestamp();
  std::erase(stamp, ':');
  return (std::filesystem::path(db).parent_path() / ("rejects-" + stamp + ".csv")).string();
}

struct ImportArgs {
  std::string db;
  std::vector<std::string> files;
  bool skip_invalid = false;
  std::string rejects;
  std::string findings;
  int year = 0;
  bool no_validate = false;
};

bool IsCinCensusFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head.find("<Message") != std::string::npos;
}

// After an import, the same files against the DfE's validation rules, as `cairn validate` checks
// them: the council sees at once what the DfE would question. Only a summary by rule is printed;
// `cairn validate` gives every finding.
Status ReportDfeRules(const ImportArgs& args, const returns::ImportResult& result, const std::string& la_number,
                      Environment& env) {
  CAIRN_ASSIGN_OR_RETURN(const validate::Catalogue* catalogue, validate::Catalogue::Embedded());
  int ssda903_year = 0;
  for (const returns::BatchSummary& batch : result.batches) {
    if (batch.source == "ssda903") ssda903_year = batch.collection_year;
  }
  std::vector<std::string> tables;
  std::vector<std::string> censuses;
  bool ssda903_xml = false;
  for (const std::string& file : args.files) {
    const std::string extension = std::filesystem::path(file).extension().string();
    if (extension == ".csv" || extension == ".CSV") {
      tables.push_back(file);
    } else if (IsCinCensusFile(file)) {
      censuses.push_back(file);
    } else {
      ssda903_xml = true;
    }
  }
  // Each group of files is checked and summarised while its tables are in memory (the findings
  // point into them).
  auto check = [&](const validate::ReturnFiles& files, std::string_view what) -> Status {
    CAIRN_ASSIGN_OR_RETURN(validate::LoadedReturns loaded, validate::LoadReturnFiles(files));
    validate::Report report;
    int year = files.year;
    for (const std::optional<validate::Return>* data : {&loaded.ssda903, &loaded.cin}) {
      if (!data->has_value()) continue;
      // A census's year is its ReferenceDate's; the tables' the importer's.
      if ((*data)->kind == validate::ReturnKind::kCinCensus) year = (*data)->collection_end.year();
      const std::vector<const validate::RuleInfo*> rules =
          catalogue->RuleSet((*data)->kind, validate::RuleSetYear((*data)->kind, year));
      validate::Append(report, validate::Validate(**data, *catalogue, rules));
    }
    if (report.run.empty() && report.skipped.empty()) return Status::Ok();
    env.out << "The DfE's validation rules on " << what << " (as `cairn validate` checks them):\n"
            << validate::ReportSummaryTable(report);
    if (!report.findings.empty()) {
      env.out << "Every finding, with its child, field and line: cairn validate --year " << year << " FILE...\n";
    }
    return Status::Ok();
  };
  if (!tables.empty() && ssda903_year != 0) {
    validate::ReturnFiles files;
    files.files = tables;
    files.year = ssda903_year;
    files.la_number = la_number;
    CAIRN_RETURN_IF_ERROR(check(files, "the SSDA903 tables"));
  }
  for (const std::string& census : censuses) {
    validate::ReturnFiles files;
    files.files = {census};
    files.year = ssda903_year;
    files.la_number = la_number;
    CAIRN_RETURN_IF_ERROR(check(files, std::filesystem::path(census).filename().string()));
  }
  if (ssda903_xml) env.out << "SSDA903 XML files are not checked against the DfE's rules on import yet; `cairn validate` checks them.\n";
  return Status::Ok();
}

}  // namespace

Action DefineImport(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  app.add_option("--db", args->db, "Cairn database (created if missing)")->required();
  app.add_option("files", args->files,
                 "Return files: SSDA903 CSV tables (any of header, episodes, reviews, ...; recognised by their "
                 "columns), SSDA903 XML, CIN census XML")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_flag("--skip-invalid", args->skip_invalid,
               "Load the readable records and write every unreadable one, with its reason, to a rejects file "
               "(default: refuse the whole import and change nothing)");
  app.add_option("--rejects", args->rejects, "Where --skip-invalid writes rejected records (default rejects-TIME.csv beside the database)");
  app.add_option("--findings", args->findings, "Write every data-quality finding to this CSV file");
  app.add_option("--year", args->year, "The SSDA903 collection year (the year it ends, e.g. 2025) if not inferred")
      ->check(CLI::Range(2000, 2100));
  app.add_flag("--no-validate", args->no_validate,
               "Do not check the files against the DfE's validation rules after loading them (`cairn validate` "
               "does that on its own)");
  app.footer(
      "Values a DfE rule would question (a code outside the year's list, dates out of order) are findings: the data "
      "is kept as the council holds it and reported. Records that cannot be read (not a date, a missing key, a "
      "duplicate key, wrong number of fields) refuse the import unless --skip-invalid is given. Once loaded, the files "
      "are checked against the DfE's validation rules of their year and a summary by rule is printed.");

  return [args](Environment& env) -> Status {
    // A PostgreSQL database has no folder for the rejected records (children's records) to sit
    // beside, so the user says where they go.
    if (args->skip_invalid && args->rejects.empty() && store::IsPostgresTarget(args->db)) {
      return Status::InvalidArgument(
          "--skip-invalid with a PostgreSQL database needs --rejects FILE: say where the rejected records go");
    }
    CAIRN_ASSIGN_OR_RETURN(auto db, store::Connection::Open(args->db));
    CAIRN_ASSIGN_OR_RETURN(auto migrations, store::BuiltInMigrations());
    CAIRN_RETURN_IF_ERROR(store::Migrate(*db, migrations).status());

    returns::ImportOptions options;
    options.skip_invalid = args->skip_invalid;
    options.rejects_path = args->rejects.empty() ? DefaultRejectsPath(args->db) : args->rejects;
    options.findings_path = args->findings;
    if (args->year != 0) options.ssda903_year = args->year;
    options.actor = env.actor;
    options.progress = [&env](const std::string& message) { env.err << message << "\n"; };

    CAIRN_ASSIGN_OR_RETURN(returns::ImportResult result, returns::ImportFiles(*db, args->files, options));
    for (const returns::BatchSummary& batch : result.batches) {
      env.out << "Read " << (batch.source == "ssda903" ? "SSDA903" : "CIN census") << " "
              << (batch.files.size() == 1 ? batch.files.front() : std::to_string(batch.files.size()) + " files")
              << " for the " << YearText(batch.collection_year) << ": " << batch.children << " children";
      if (!batch.year_basis.empty()) env.out << " [" << batch.year_basis << "]";
      env.out << "\n";
      for (const auto& [kind, count] : batch.events_by_kind) env.out << "  " << kind << ": " << count << "\n";
    }
    if (!result.findings.empty()) {
      env.out << result.findings.size() << " data-quality finding(s); the data is kept as recorded"
              << (args->findings.empty() ? " (--findings FILE lists them all)" : " (all in " + args->findings + ")")
              << ":\n";
      PrintProblems(env.out, result.findings, args->findings.empty() ? kProblemsShown : 5);
    }
    if (!result.unreadable_files.empty()) {
      for (const std::string& why : result.unreadable_files) env.err << "  " << why << "\n";
      return Status::InvalidArgument("import refused: " + std::to_string(result.unreadable_files.size()) +
                                     " file(s) could not be read; the database is unchanged");
    }
    if (!result.saved) {
      PrintProblems(env.err, result.rejected, result.rejected.size());
      return Status::InvalidArgument("import refused: " + std::to_string(result.rejected.size()) +
                                     " record(s) could not be read (listed above); the database is unchanged. "
                                     "Fix them, or use --skip-invalid to load the rest");
    }
    if (!result.rejected.empty()) {
      env.out << result.rejected.size() << " record(s) could not be read and were NOT loaded; each is in "
              << options.rejects_path << " with its reason.\n";
    }
    for (const std::string& why : result.unwritten_files) env.err << "warning: the import was saved, but " << why << "\n";
    const store::SaveReport& saved = result.save;
    env.out << "Saved " << result.children << " children (" << saved.children_added << " new, "
            << saved.children_updated << " updated) and " << saved.events_added + saved.events_amended + saved.events_unchanged
            << " events (" << saved.events_added << " new, " << saved.events_amended << " amended, "
            << saved.events_unchanged << " already held) to " << args->db << "\n";
    if (args->no_validate) return Status::Ok();
    CAIRN_ASSIGN_OR_RETURN(auto la_code, store::GetSetting(*db, "la-code"));
    const Status checked = ReportDfeRules(*args, result, la_code.value_or(""), env);
    // The import stands whatever the check says: a file the rules cannot read was loaded already.
    if (!checked.ok()) env.err << "warning: the DfE's validation rules could not be run: " << checked.message() << "\n";
    return Status::Ok();
  };
}

namespace {

struct ExportArgs {
  std::string db;
  int year = 0;
  std::string out;
  std::string lea;
};

Status ExportSsda903(const ExportArgs& args, Environment& env) {
  CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args.db));
  CAIRN_ASSIGN_OR_RETURN(auto children, store::LoadAllChronologies(*db));
  // Audited before a byte is written: no audited data leaves Cairn unrecorded. The writer puts
  // the files in place only once all are whole, and leaves nothing if it fails.
  CAIRN_RETURN_IF_ERROR(store::RecordAudit(*db, env.actor, "export", "", "ssda903 " + std::to_string(args.year)));
  CAIRN_RETURN_IF_ERROR(returns::WriteSsda903Csv(children, args.year, args.out));
  CAIRN_ASSIGN_OR_RETURN(bool synthetic, store::IsSynthetic(*db));
  if (synthetic) {
    // CSV tables have no place for a remark, so the folder carries it.
    CAIRN_RETURN_IF_ERROR(WriteFileAtomically((std::filesystem::path(args.out) / "SYNTHETIC-DATA.txt").string(),
                                              std::string(kSyntheticNote) + "\n", 0644));
    env.out << kSyntheticNote << "\n";
  }
  env.out << "Wrote the SSDA903 tables for the " << YearText(args.year) << " to " << args.out << "\n";
  return Status::Ok();
}

Status ExportCin(const ExportArgs& args, Environment& env) {
  CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args.db));
  CAIRN_ASSIGN_OR_RETURN(auto children, store::LoadAllChronologies(*db));
  returns::cin_census::WriteOptions options;
  options.lea = args.lea;
  if (options.lea.empty()) {
    CAIRN_ASSIGN_OR_RETURN(auto la_code, store::GetSetting(*db, "la-code"));
    if (!la_code) {
      return Status::FailedPrecondition("the CIN census header needs the council's LA number: give --lea 343 or run "
                                        "`cairn settings set --db " + args.db + " la-code 343`");
    }
    options.lea = *la_code;
  }
  // Audited before a byte is written (see ExportSsda903).
  CAIRN_RETURN_IF_ERROR(store::RecordAudit(*db, env.actor, "export", "", "cin-census " + std::to_string(args.year)));
  CAIRN_ASSIGN_OR_RETURN(options.synthetic, store::IsSynthetic(*db));
  CAIRN_RETURN_IF_ERROR(returns::cin_census::WriteCinCensus(children, args.year, args.out, options));
  if (options.synthetic) env.out << kSyntheticNote << "\n";
  env.out << "Wrote the CIN census for the " << YearText(args.year) << " to " << args.out << "\n";
  return Status::Ok();
}

}  // namespace

Action DefineExport(CLI::App& app) {
  app.require_subcommand(1);
  auto ssda903 = std::make_shared<ExportArgs>();
  CLI::App* ssda903_app = app.add_subcommand("ssda903", "Write the SSDA903 CSV tables for a collection year");
  ssda903_app->add_option("--db", ssda903->db, "Cairn database")->required();
  ssda903_app->add_option("--year", ssda903->year, "The year the collection ends (2025 = April 2024 to March 2025)")
      ->required()
      ->check(CLI::Range(2000, 2100));
  ssda903_app->add_option("--out", ssda903->out, "Folder for the CSV tables (created if missing)")->required();

  auto cin = std::make_shared<ExportArgs>();
  CLI::App* cin_app = app.add_subcommand("cin", "Write the CIN census XML for a collection year");
  cin_app->add_option("--db", cin->db, "Cairn database")->required();
  cin_app->add_option("--year", cin->year, "The year the collection ends (2025 = April 2024 to March 2025)")
      ->required()
      ->check(CLI::Range(2000, 2100));
  cin_app->add_option("--out", cin->out, "The XML file to write")->required();
  cin_app->add_option("--lea", cin->lea, "The council's three-digit DfE LA number (default: the la-code setting)");

  return [ssda903, cin, ssda903_app](Environment& env) -> Status {
    return ssda903_app->parsed() ? ExportSsda903(*ssda903, env) : ExportCin(*cin, env);
  };
}

}  // namespace cairn::cli
