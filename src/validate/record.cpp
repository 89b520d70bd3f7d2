#include "validate/record.h"

#include <map>
#include <string_view>
#include <utility>

#include "geography/local_authorities.h"
#include "geography/postcode_directory.h"
#include "returns/cin_census/cin_census.h"
#include "returns/ssda903/ssda903.h"
#include "returns/ssda903/tables.h"
#include "validate/catalogue.h"
#include "validate/inputs.h"

namespace cairn::validate {
namespace {

bool IsLaNumber(std::string_view code) {
  return code.size() == 3 && code.find_first_not_of("0123456789") == std::string_view::npos;
}

// The event kind each CIN census table's rows are written from (the census is written module by
// module: returns/cin_census). AssessmentFactorsList belongs to its assessment.
std::optional<model::EventKind> CinTableKind(std::string_view table) {
  static const std::map<std::string_view, model::EventKind, std::less<>> kinds = {
      {"CINdetails", model::EventKind::kCinEpisode},
      {"Assessments", model::EventKind::kAssessment},
      {"AssessmentFactorsList", model::EventKind::kAssessment},
      {"CINplanDates", model::EventKind::kCinPlan},
      {"Section47", model::EventKind::kSection47},
      {"ChildProtectionPlans", model::EventKind::kCpPlan},
      {"Reviews", model::EventKind::kCpReview}};
  auto found = kinds.find(table);
  if (found == kinds.end()) return std::nullopt;
  return found->second;
}

std::optional<model::EventKind> Ssda903TableKind(std::string_view table) {
  for (const returns::ssda903::TableSpec& spec : returns::ssda903::AllTables()) {
    if (spec.name == table) return spec.kind;
  }
  return std::nullopt;
}

// The row of Assessments an AssessmentFactorsList row belongs to (same child, episode and
// assessment), for its start date.
std::optional<Date> AssessmentStart(const Return& data, const Table& factors, std::size_t row) {
  const Table* assessments = data.Find("Assessments");
  if (assessments == nullptr) return std::nullopt;
  const std::string& child = factors.Text("LAchildID", row);
  const std::string& episode = factors.Text("CINdetailsID", row);
  const std::string& assessment = factors.Text("AssessmentID", row);
  for (std::size_t i = 0; i < assessments->rows(); ++i) {
    if (assessments->Text("LAchildID", i) == child && assessments->Text("CINdetailsID", i) == episode &&
        assessments->Text("AssessmentID", i) == assessment) {
      return assessments->DateAt("AssessmentActualStartDate", i);
    }
  }
  return std::nullopt;
}

// Where `finding` sits: the row's date and the event of that kind starting then on the child's
// record. Events carry their start in the kind's start field (model::EventKindSpec), which is
// the column the writers put it in; the yearly records with no date of their own (OC2, OC3,
// PrevPerm) are shown as of 31 March of the year reported, and are the event of their kind in it.
FindingPlace PlaceOf(const Finding& finding, const Return& data, const std::map<std::string, const model::Chronology*>& children) {
  FindingPlace place;
  place.kind = data.kind;
  if (finding.about_return()) return place;
  std::string_view table_name = finding.table();
  if (table_name.ends_with("_last")) {
    place.previous_year = true;
    table_name.remove_suffix(5);
  }
  const Table* table = finding.where;
  if (table == nullptr || finding.at_row >= table->rows()) return place;
  place.event_kind = data.kind == ReturnKind::kSsda903 ? Ssda903TableKind(table_name) : CinTableKind(table_name);
  if (!place.event_kind) return place;
  const model::EventKindSpec& spec = model::Spec(*place.event_kind);
  if (table_name == "AssessmentFactorsList") {
    place.date_column = "AssessmentActualStartDate";
    place.date = AssessmentStart(data, *table, finding.at_row);
  } else if (!spec.start_field.empty()) {
    place.date_column = std::string(spec.start_field);
    place.date = table->DateAt(spec.start_field, finding.at_row);
  } else {
    place.date = model::CollectionYear{data.collection_year - (place.previous_year ? 1 : 0)}.end();
  }
  // A yearly record is the one of its kind in the year: PrevPerm is dated earlier than 31 March
  // when the record ends sooner (a child who died).
  const model::CollectionYear year{data.collection_year - (place.previous_year ? 1 : 0)};
  const bool yearly = spec.start_field.empty() && table_name != "AssessmentFactorsList";
  auto child = children.find(std::string(finding.child_id()));
  if (!place.date || child == children.end()) return place;
  for (const model::Event& event : child->second->events()) {
    if (event.kind == *place.event_kind && (yearly ? year.Contains(event.start) : event.start == *place.date)) {
      place.event_id = event.id;
      break;
    }
  }
  return place;
}

// The care leavers' episodes of the years before last year's, for the rules on care leavers
// that the DfE words on a child's whole history (1001, 1002): the public validator sees two years
// of returns and says it may be wrong for a young person who left care before them; the record
// knows. Back far enough to see the 14th birthday of the oldest care leaver reported (21).
Status AddCareLeaversEarlierEpisodes(const std::vector<model::Chronology>& children, int year, Return& ssda903) {
  const Table* oc3 = ssda903.Find("OC3");
  if (oc3 == nullptr || oc3->rows() == 0) return Status::Ok();
  const Grouping& leavers = oc3->GroupedBy({"CHILD"});
  std::vector<model::Chronology> theirs;
  for (const model::Chronology& chronology : children) {
    if (leavers.contains(chronology.child().la_child_id)) theirs.push_back(chronology);
  }
  if (theirs.empty()) return Status::Ok();
  constexpr int kYearsBack = 8;
  std::vector<ReturnText> earlier;
  for (int back = 2; back <= kYearsBack; ++back) {
    CAIRN_ASSIGN_OR_RETURN(auto tables, returns::FormatSsda903Csv(theirs, year - back));
    for (auto& table : tables) {
      if (table.name == "episodes.csv") {
        earlier.push_back({std::to_string(year - back) + "/" + table.name, std::move(table.text), false});
      }
    }
  }
  return AddEarlierEpisodes(ssda903, earlier);
}

}  // namespace

int LatestCompleteYear(Date today) {
  const model::CollectionYear holding = model::CollectionYear::Containing(today);
  return today == holding.end() ? holding.year : holding.year - 1;
}

Result<LoadedReturns> ReturnsFromRecord(const std::vector<model::Chronology>& children, int year,
                                        const std::string& la_number, const std::string& la_ons) {
  std::vector<ReturnText> texts;
  CAIRN_ASSIGN_OR_RETURN(auto tables, returns::FormatSsda903Csv(children, year));
  for (auto& table : tables) texts.push_back({table.name, std::move(table.text), false});
  CAIRN_ASSIGN_OR_RETURN(auto previous, returns::FormatSsda903Csv(children, year - 1));
  for (auto& table : previous) texts.push_back({table.name, std::move(table.text), true});
  if (year >= kFirstCinYear && year <= kLastCinYear) {
    returns::cin_census::WriteOptions write;
    // The census header needs a three-digit LEA; the rules on it then say so when it is unknown.
    write.lea = IsLaNumber(la_number) ? la_number : "000";
    CAIRN_ASSIGN_OR_RETURN(std::string xml, returns::cin_census::WriteCinCensusText(children, year, write));
    texts.push_back({"cin.xml", std::move(xml), false});
  }
  CAIRN_ASSIGN_OR_RETURN(LoadedReturns loaded, LoadReturnTexts(texts, year, la_ons, la_number));
  if (loaded.ssda903) CAIRN_RETURN_IF_ERROR(AddCareLeaversEarlierEpisodes(children, year, *loaded.ssda903));
  return loaded;
}

Result<RecordReport> ValidateRecord(const std::vector<model::Chronology>& children, const RecordOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(const Catalogue* catalogue, Catalogue::Embedded());
  std::string la_number = options.la_number;
  std::string la_ons = options.la_ons;
  // The validator compares a placement's authority with the council's ONS code.
  if (la_ons.empty() && !la_number.empty()) {
    CAIRN_ASSIGN_OR_RETURN(const geography::LocalAuthorities* authorities, geography::LocalAuthorities::Embedded());
    if (const geography::Council* council = authorities->CouncilByNumber(la_number)) la_ons = council->ons;
  }

  RecordReport out;
  out.year = options.year;
  out.cin_checked = options.year >= kFirstCinYear && options.year <= kLastCinYear;
  CAIRN_ASSIGN_OR_RETURN(LoadedReturns read, ReturnsFromRecord(children, options.year, la_number, la_ons));
  // The findings point into the returns' tables: the report keeps them.
  auto kept = std::make_shared<LoadedReturns>(std::move(read));
  out.returns = kept;
  LoadedReturns& loaded = *kept;

  if (loaded.ssda903) {
    bool added = false;
    if (options.look_up_postcodes) {
      CAIRN_ASSIGN_OR_RETURN(geography::PostcodeDirectory postcodes, options.look_up_postcodes(PostcodesNeeded(loaded)));
      if (!postcodes.empty()) {
        CAIRN_RETURN_IF_ERROR(AddPostcodeColumns(*loaded.ssda903, postcodes));
        added = true;
      }
    }
    out.without_postcodes = !added;
  }

  std::map<std::string, const model::Chronology*> by_id;
  for (const model::Chronology& chronology : children) by_id.emplace(chronology.child().la_child_id, &chronology);
  for (const std::optional<Return>* data : {&loaded.ssda903, &loaded.cin}) {
    if (!data->has_value()) continue;
    const ReturnKind kind = (*data)->kind;
    const std::vector<const RuleInfo*> rules = catalogue->RuleSet(kind, RuleSetYear(kind, options.year));
    Report report = Validate(**data, *catalogue, rules, options.threads);
    for (const Finding& finding : report.findings) out.places.push_back(PlaceOf(finding, **data, by_id));
    // Append adds the findings after those already there, so places stay parallel to them.
    Append(out.report, std::move(report));
  }
  return out;
}

}  // namespace cairn::validate
