// cairn validate: the DfE's SSDA903 and CIN census rules, on return files or on the record.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "base/atomic_file.h"
#include "cli/commands.h"
#include "geography/local_authorities.h"
#include "geography/postcode_directory.h"
#include "returns/cin_census/cin_census.h"
#include "returns/ssda903/ssda903.h"
#include "store/chronology_store.h"
#include "store/migrations.h"
#include "store/postcode_store.h"
#include "store/settings.h"
#include "validate/catalogue.h"
#include "validate/inputs.h"
#include "validate/record.h"
#include "validate/report_format.h"
#include "validate/validator.h"

namespace cairn::cli {
namespace {

struct ValidateArgs {
  std::string db;
  int year = 0;
  std::string la;
  int rule_set = 0;
  std::vector<std::string> previous;
  std::vector<std::string> files;
  std::string postcodes;
  std::string format = "table";
  std::string out;
  bool list_rules = false;
};

bool IsOnsCode(std::string_view code) {
  return code.size() == 9 && (code[0] == 'E' || code[0] == 'W') &&
         code.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

bool IsLaNumber(std::string_view code) {
  return code.size() == 3 && code.find_first_not_of("0123456789") == std::string_view::npos;
}

// The council's ONS code from its DfE number, or the number from the code, whichever was not
// given: the validator compares placements' authorities with the ONS code.
Status CompleteCouncilCodes(std::string& la_number, std::string& la_ons) {
  if (!la_number.empty() && !la_ons.empty()) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(const geography::LocalAuthorities* authorities, geography::LocalAuthorities::Embedded());
  if (la_ons.empty() && !la_number.empty()) {
    if (const geography::Council* council = authorities->CouncilByNumber(la_number)) la_ons = council->ons;
  } else if (la_number.empty() && !la_ons.empty()) {
    if (const geography::Council* council = authorities->CouncilByOns(la_ons)) la_number = council->number;
  }
  return Status::Ok();
}

Status ListRules(const validate::Catalogue& catalogue, Environment& env) {
  env.out << fmt::format("{:<10} {:<10} {:<6} {:<15} {}\n", "rule", "return", "type", "years", "message");
  for (const validate::RuleInfo& rule : catalogue.rules()) {
    const std::string years = fmt::format("{}/{:02}-{}/{:02}", rule.first_year - 1, rule.first_year % 100,
                                          rule.last_year - 1, rule.last_year % 100);
    env.out << fmt::format("{:<10} {:<10} {:<6} {:<15} {}{}\n", rule.code,
                           rule.kind == validate::ReturnKind::kSsda903 ? "SSDA903" : "CIN",
                           validate::RuleTypeName(rule.type), years, rule.message,
                           catalogue.LogicFor(rule) == nullptr ? " [not yet checked by Cairn]" : "");
  }
  return Status::Ok();
}

// The record's own returns for the year, as Cairn would export them.
Result<validate::LoadedReturns> LoadFromRecord(const ValidateArgs& args, std::string& la_number, std::string& la_ons,
                                               Environment& env) {
  CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args.db));
  if (la_number.empty()) {
    CAIRN_ASSIGN_OR_RETURN(auto la_code, store::GetSetting(*db, "la-code"));
    if (la_code) la_number = *la_code;
  }
  CAIRN_RETURN_IF_ERROR(CompleteCouncilCodes(la_number, la_ons));
  CAIRN_ASSIGN_OR_RETURN(auto children, store::LoadAllChronologies(*db));
  // Every child's record is read: audited before anything is checked.
  CAIRN_RETURN_IF_ERROR(store::RecordAudit(*db, env.actor, "validate", "", fmt::format("returns {}", args.year)));
  CAIRN_ASSIGN_OR_RETURN(validate::LoadedReturns loaded,
                         validate::ReturnsFromRecord(children, args.year, la_number, la_ons));
  // The postcodes imported into the database (cairn postcodes import), unless a file is given.
  if (loaded.ssda903 && args.postcodes.empty()) {
    CAIRN_ASSIGN_OR_RETURN(int64_t imported, store::CountPostcodes(*db));
    if (imported > 0) {
      CAIRN_ASSIGN_OR_RETURN(geography::PostcodeDirectory postcodes,
                             store::LookUpPostcodes(*db, validate::PostcodesNeeded(loaded)));
      CAIRN_RETURN_IF_ERROR(validate::AddPostcodeColumns(*loaded.ssda903, postcodes));
    }
  }
  return loaded;
}

Status RunValidate(const ValidateArgs& args, Environment& env) {
  CAIRN_ASSIGN_OR_RETURN(const validate::Catalogue* catalogue, validate::Catalogue::Embedded());
  if (args.list_rules) return ListRules(*catalogue, env);
  if (args.year == 0) return Status::InvalidArgument("give the collection year: --year 2026 (April 2025 to March 2026)");
  if (args.files.empty() && args.db.empty() && !args.previous.empty()) {
    return Status::InvalidArgument(
        "no return files of this year: --previous takes every file after it up to the next option, so give this "
        "year's files first (cairn validate --year 2026 this/*.csv --previous last/*.csv)");
  }
  if (args.files.empty() == args.db.empty()) {
    return Status::InvalidArgument("give either return files to check or --db to check the record, not both");
  }
  if (!args.la.empty() && !IsOnsCode(args.la) && !IsLaNumber(args.la)) {
    return Status::InvalidArgument(fmt::format(
        "--la '{}' is neither a three-digit DfE LA number (343) nor an ONS code (E08000014)", args.la));
  }
  if (args.format == "xlsx" && args.out.empty()) {
    return Status::InvalidArgument("--format xlsx writes a workbook: give the file with --out report.xlsx");
  }
  if (!args.out.empty()) CAIRN_RETURN_IF_ERROR(CheckWritablePath(args.out, "the report"));

  std::string la_number = IsLaNumber(args.la) ? args.la : "";
  std::string la_ons = IsOnsCode(args.la) ? args.la : "";
  validate::LoadedReturns loaded;
  if (!args.db.empty()) {
    CAIRN_ASSIGN_OR_RETURN(loaded, LoadFromRecord(args, la_number, la_ons, env));
  } else {
    CAIRN_RETURN_IF_ERROR(CompleteCouncilCodes(la_number, la_ons));
    validate::ReturnFiles files;
    files.files = args.files;
    files.previous_files = args.previous;
    files.year = args.year;
    files.la_ons = la_ons;
    files.la_number = la_number;
    CAIRN_ASSIGN_OR_RETURN(loaded, validate::LoadReturnFiles(files));
  }
  if (loaded.ssda903 && !args.postcodes.empty()) {
    // Only the postcodes the episodes name are kept from the file's 2.7 million.
    const std::set<std::string, std::less<>> wanted = validate::PostcodesNeeded(loaded);
    CAIRN_ASSIGN_OR_RETURN(geography::PostcodeDirectory postcodes,
                           geography::LoadPostcodeDirectory(args.postcodes, &wanted));
    CAIRN_RETURN_IF_ERROR(validate::AddPostcodeColumns(*loaded.ssda903, postcodes));
  }
  if (loaded.ssda903 && loaded.ssda903->Find("Episodes") != nullptr &&
      !loaded.ssda903->Find("Episodes")->Has("PL_LA")) {
    env.err << "No postcode directory: the rules on a placement's authority and distance (PL_LA, PL_LOCATION, "
               "PL_DISTANCE) are not checked. Give the ONS Postcode Directory with --postcodes FILE, or import it "
               "with `cairn postcodes import`.\n";
  }
  validate::Report report;
  for (const std::optional<validate::Return>* data : {&loaded.ssda903, &loaded.cin}) {
    if (!data->has_value()) continue;
    const validate::ReturnKind kind = (*data)->kind;
    const int year = validate::RuleSetYear(kind, args.rule_set != 0 ? args.rule_set : args.year);
    const std::vector<const validate::RuleInfo*> rules = catalogue->RuleSet(kind, year);
    validate::Append(report, validate::Validate(**data, *catalogue, rules));
  }
  if (args.format == "xlsx") {
    CAIRN_RETURN_IF_ERROR(validate::WriteReportXlsx(report, args.out));
    env.out << validate::ReportSummaryTable(report) << "Wrote the findings to " << args.out << "\n";
    return Status::Ok();
  }
  std::string text;
  if (args.format == "csv") {
    text = validate::ReportCsv(report);
  } else if (args.format == "json") {
    text = validate::ReportJson(report);
  } else {
    text = validate::ReportSummaryTable(report);
  }
  if (args.out.empty()) {
    env.out << text;
    return Status::Ok();
  }
  CAIRN_RETURN_IF_ERROR(WriteFileAtomically(args.out, text, 0644));
  if (args.format != "table") env.out << validate::ReportSummaryTable(report);
  env.out << "Wrote the findings to " << args.out << "\n";
  return Status::Ok();
}

}  // namespace

Action DefineValidate(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  app.footer(
      "Checks SSDA903 CSV tables and CIN census XML files (FILE...), or the record itself (--db), against every DfE "
      "validation rule of the year, as the DfE's validators do. SSDA903 tables are recognised by their columns. "
      "Findings go to the terminal as a summary by rule, or with --format csv|json|xlsx as the validators' issue "
      "report (child_id, tables_affected, columns_affected, row_id, rule_code, rule_type, rule_description, "
      "value_flagged, with the file and line). The placement's authority and distance from home come from the ONS "
      "Postcode Directory (--postcodes, or the postcodes imported into the database with `cairn postcodes import`).\n\n"
      "Examples:\n"
      "  cairn validate --year 2026 --la E08000014 this/*.csv cin.xml --previous last/*.csv\n"
      "  cairn validate --year 2026 --la 343 --postcodes ONSPD_NOV_2025_UK.csv.gz this/*.csv\n"
      "  cairn validate --db council.db --year 2026 --format csv --out findings.csv\n"
      "  cairn validate --rules");
  app.add_option("--db", args->db, "Check the record in this Cairn database (the returns Cairn would export)");
  app.add_option("--year", args->year, "The collection year (2026 = April 2025 to March 2026)")
      ->check(CLI::Range(2000, 2100));
  app.add_option("--la", args->la, "The council: its three-digit DfE LA number (343) or ONS code (E08000014)");
  app.add_option("--postcodes", args->postcodes,
                 "The ONS Postcode Directory (CSV or .csv.gz), for the placement's authority and distance from home "
                 "(PL_LA, PL_LOCATION, PL_DISTANCE); with --db, the postcodes imported by `cairn postcodes import` "
                 "are used when this is not given")
      ->check(CLI::ExistingFile);
  app.add_option("--previous", args->previous, "The previous year's SSDA903 CSV tables, for the rules that need them (every file after it up to the next option)");
  app.add_option("--rule-set", args->rule_set,
                 "Check against another year's rule set (2023 to 2027 for the SSDA903, 2023 to 2026 for the CIN "
                 "census; default: --year's)")
      ->check(CLI::Range(2000, 2100));
  app.add_option("--format", args->format, "table (a summary by rule, the default), csv, json or xlsx")
      ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}));
  app.add_option("--out", args->out, "Write the report to this file rather than the terminal");
  app.add_flag("--rules", args->list_rules, "List every rule Cairn knows, with its years, and stop");
  app.add_option("files", args->files, "Return files: SSDA903 CSV tables, a CIN census XML file");
  return [args](Environment& env) { return RunValidate(*args, env); };
}

}  // namespace cairn::cli
