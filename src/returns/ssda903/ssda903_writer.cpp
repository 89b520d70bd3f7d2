// Writing a collection year's SSDA903 CSV tables from chronologies.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "base/atomic_file.h"
#include "returns/csv.h"
#include "returns/ssda903/ssda903.h"
#include "returns/ssda903/tables.h"
#include "returns/year_end.h"

namespace cairn::returns {
namespace {

using model::EventKind;
using ssda903::Table;
using ssda903::TableSpec;

bool Overlaps(const model::Event& event, const model::CollectionYear& year) {
  return event.start <= year.end() && (!event.end || *event.end >= year.start());
}

// Whether the child was looked after at some point in the year and, if so, since when: the start
// of the earliest run of looked-after episodes (each starting the day the one before ended) that
// overlaps the year.
std::optional<Date> CareSinceIn(const model::Chronology& chronology, const model::CollectionYear& year) {
  std::vector<const model::Event*> episodes;
  for (const model::Event& event : chronology.events()) {
    if (event.kind == EventKind::kLookedAfterEpisode) episodes.push_back(&event);
  }
  std::stable_sort(episodes.begin(), episodes.end(),
                   [](const model::Event* a, const model::Event* b) { return a->start < b->start; });
  std::optional<Date> period_start;
  for (size_t i = 0; i < episodes.size(); ++i) {
    const bool continues = i > 0 && episodes[i - 1]->end && *episodes[i - 1]->end == episodes[i]->start;
    if (!continues) period_start = episodes[i]->start;
    if (Overlaps(*episodes[i], year)) return period_start;
  }
  return std::nullopt;
}

// Whether the child left care adopted during the year (an episode ending in it with an
// adoption REC), which is when the DfE wants AD1.
bool AdoptedIn(const model::Chronology& chronology, const model::CollectionYear& year,
               const ssda903::CodeLists& codes) {
  for (const model::Event& event : chronology.events()) {
    if (event.kind == EventKind::kLookedAfterEpisode && event.end && year.Contains(*event.end) &&
        ssda903::ContainsIgnoringCase(codes.adopted_reasons, event.Get("REC"))) {
      return true;
    }
  }
  return false;
}

// The scope rules of WriteSsda903Csv (ssda903.h), for one event.
bool InScope(const model::Event& event, const model::Chronology& chronology, const model::CollectionYear& year,
             std::optional<Date> care_since, const ssda903::CodeLists& codes) {
  const bool looked_after = care_since.has_value();
  if (event.provenance.ReportedIn(year.year)) return true;
  // A record from a council's return belongs to the years that reported it, and no others.
  if (event.provenance.source == "ssda903") return false;
  switch (event.kind) {
    case EventKind::kLookedAfterEpisode:
      return Overlaps(event, year);
    // The tables about a period of care belong only to children looked after in the year (DfE
    // rule 1012): a placement order of a child adopted years ago stays open, but the child is in
    // no later year's return, and in the return of a later period of care (rules 1003, 559).
    case EventKind::kPlacedForAdoption:
      return looked_after && Overlaps(event, year) && event.start >= *care_since;
    case EventKind::kMissing:
    case EventKind::kSocialWorkerAllocation:
    case EventKind::kDeprivationOfLiberty:
      return looked_after && Overlaps(event, year);
    case EventKind::kClaReview:
      return looked_after && year.Contains(event.start);
    case EventKind::kCareLeaverOutcomes:
      return event.start == year.end();
    case EventKind::kHealthOutcomes:
      return looked_after && event.start == year.end();
    // Recorded with the year the period of care began: on its 31 March, or earlier when the
    // record ends sooner (a child who died in the year still has it: DfE rule 630).
    case EventKind::kPreviousPermanence:
      return looked_after && year.Contains(event.start);
    // AD1 is about adoptions: a decision in the year for a child adopted in a later one waits
    // for that year's return (DfE rules 602, 187).
    case EventKind::kAdoptionDecision:
      return looked_after && AdoptedIn(chronology, year, codes);
    default:
      return false;
  }
}

std::string Dmy(const std::optional<Date>& date) { return date ? date->ToDmy() : std::string(); }

// Placement types the DfE renamed between code lists: the same kind of placement under the
// year's code. Semi-independent living (H5) is supported accommodation (K3) in the 2025/26 list,
// and a placement open across 1 April 2025 carries on in the same episode under its new code
// (DfE rule 503D allows exactly that change), so each year's return shows the year's code (rule
// 146).
constexpr std::pair<std::string_view, std::string_view> kRenamedPlacements[] = {{"H5", "K3"}};

// The placement type of an episode as the year's code list names it: the stored code when the
// list has it (or there is no list), else its renamed counterpart when the list has that.
std::string_view PlaceInYear(std::string_view place, const ssda903::CodeLists& codes, int year) {
  const ssda903::CodeList* list = codes.For("PLACE", year);
  if (list == nullptr || list->Contains(place)) return place;
  for (const auto& [before, after] : kRenamedPlacements) {
    if (place == before && list->Contains(after)) return after;
    if (place == after && list->Contains(before)) return before;
  }
  return place;
}

// SW_REASON as the SSDA903 means it: why this social worker's episode began. Cairn records on an
// allocation why it ended (with SW_DEC: the worker left, a transfer between teams, ...), so the
// reason for episode `allocation` is the one recorded on the child's allocation that ended
// within 7 days of its start (the gap DfE rule SW10STG2 allows), if that ended by 31 March of
// `year`. With none, the child has come to the service (first contact or a new referral): FCONTA.
std::string SocialWorkerStartReason(const model::Chronology& chronology, const model::Event& allocation,
                                    const model::CollectionYear& year) {
  const model::Event* before = nullptr;
  for (const model::Event& other : chronology.events()) {
    if (other.kind != EventKind::kSocialWorkerAllocation || &other == &allocation || !other.end) continue;
    if (other.start > allocation.start) continue;
    if (*other.end > year.end() || std::abs(allocation.start.DaysSince(*other.end)) > 7) continue;
    if (before == nullptr || *other.end > *before->end) before = &other;
  }
  if (before != nullptr && !before->Get("SW_REASON").empty()) return std::string(before->Get("SW_REASON"));
  return "FCONTA";
}

// One row of an event table: columns in the DfE's order; dates dd/mm/YYYY, the rest as stored.
std::vector<std::string> EventRow(const TableSpec& table, const model::Event& event, const model::Child& child) {
  const model::EventKindSpec& kind = model::Spec(event.kind);
  std::vector<std::string> row;
  row.reserve(table.columns.size());
  for (std::string_view column : table.columns) {
    if (column == "CHILD") {
      row.push_back(child.la_child_id);
    } else if (column == "DOB") {
      row.push_back(Dmy(child.birth_date));
    } else if (column == kind.start_field) {
      row.push_back(event.start.ToDmy());
    } else if (!kind.end_field.empty() && column == kind.end_field) {
      row.push_back(Dmy(event.end));
    } else {
      std::string value(event.Get(column));
      if (model::FieldTypeOf(event.kind, column) == model::FieldType::kDate) {
        // Stored ISO; written as the return writes dates. A value that is somehow not a date
        // is written as stored rather than lost.
        if (Result<Date> date = Date::ParseIso(value); date.ok()) value = date->ToDmy();
      }
      row.push_back(std::move(value));
    }
  }
  return row;
}

const TableSpec* TableOfKind(EventKind kind) {
  for (const TableSpec& table : ssda903::AllTables()) {
    if (table.kind == kind) return &table;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<Ssda903CsvText>> FormatSsda903Csv(const std::vector<model::Chronology>& children,
                                                     int collection_year) {
  if (collection_year < 1901 || collection_year > Date::kMaxYear) {
    return Status::InvalidArgument("the collection year " + std::to_string(collection_year) +
                                   " is not one Cairn can write; give the year the collection ends, such as 2024");
  }
  CAIRN_ASSIGN_OR_RETURN(const ssda903::CodeLists* codes, ssda903::CodeLists::Embedded());
  const model::CollectionYear year{collection_year};

  std::vector<CsvWriter> writers;
  writers.reserve(ssda903::kTableCount);
  for (const TableSpec& table : ssda903::AllTables()) {
    writers.emplace_back(std::vector<std::string>(table.columns.begin(), table.columns.end()));
  }
  auto writer_of = [&](Table table) -> CsvWriter& { return writers[static_cast<std::size_t>(table)]; };

  for (const model::Chronology& chronology : children) {
    const model::Child& child = chronology.child();
    const std::optional<Date> care_since = CareSinceIn(chronology, year);
    const bool looked_after = care_since.has_value();
    // This child's events in scope, in date order (stable, so same-day events keep theirs).
    std::vector<const model::Event*> selected;
    for (const model::Event& event : chronology.events()) {
      if (TableOfKind(event.kind) != nullptr && InScope(event, chronology, year, care_since, *codes)) {
        selected.push_back(&event);
      }
    }
    if (selected.empty()) continue;
    std::stable_sort(selected.begin(), selected.end(),
                     [](const model::Event* a, const model::Event* b) { return a->start < b->start; });

    const std::string context = "child " + child.la_child_id;
    // A child without a UPN has the code saying why (UN1 for a child not yet of school age; DfE
    // rule 442), held in the same place as the CIN census's UPNunknown.
    const bool upn_unknown =
        child.upn.empty() && ssda903::ContainsIgnoringCase(codes->upn_unknown_codes, child.upn_unknown);
    const std::string& upn = upn_unknown ? child.upn_unknown : child.upn;
    // A child read from this year's return has its header written as it came (the return is
    // written back losslessly, whatever the DfE's scoping rules say).
    const bool from_this_return = std::any_of(selected.begin(), selected.end(), [&](const model::Event* event) {
      return event->provenance.ReportedIn(year.year);
    });
    // Motherhood is asked only of children looked after in the year, not of care leavers who
    // are in the return for OC3 alone (DfE rule 628).
    const bool mother_asked = looked_after || from_this_return;
    CAIRN_RETURN_IF_ERROR(writer_of(Table::kHeader)
                              .AddRow({child.la_child_id, child.sex, Dmy(child.birth_date), child.ethnicity, upn,
                                       mother_asked ? child.mother : std::string(),
                                       mother_asked ? Dmy(child.mother_child_birth_date) : std::string()})
                              .WithContext(context));
    // UASC: a child who is UASC, or whose status ended in the year or later (a DUC before the
    // year is not the year's business; DfE rule 104).
    if ((child.uasc || child.uasc_ceased) &&
        (!child.uasc_ceased || *child.uasc_ceased >= year.start() || from_this_return)) {
      CAIRN_RETURN_IF_ERROR(writer_of(Table::kUasc)
                                .AddRow({child.la_child_id, child.sex, Dmy(child.birth_date), Dmy(child.uasc_ceased)})
                                .WithContext(context));
    }
    model::Event copy;
    for (const model::Event* event : selected) {
      const TableSpec& table = *TableOfKind(event->kind);
      const model::Event* shown = &AsShownIn(year, *event, copy);
      if (event->kind == EventKind::kSocialWorkerAllocation && !event->provenance.ReportedIn(year.year)) {
        if (shown != &copy) copy = *event;
        copy.Set("SW_REASON", SocialWorkerStartReason(chronology, *event, year));
        shown = &copy;
      }
      if (event->kind == EventKind::kLookedAfterEpisode && !event->provenance.ReportedIn(year.year)) {
        const std::string_view place = PlaceInYear(shown->Get("PLACE"), *codes, year.year);
        if (place != shown->Get("PLACE")) {
          if (shown != &copy) copy = *event;
          copy.Set("PLACE", std::string(place));
          shown = &copy;
        }
      }
      CAIRN_RETURN_IF_ERROR(writer_of(table.table).AddRow(EventRow(table, *shown, child)).WithContext(context));
    }
  }

  std::vector<Ssda903CsvText> files;
  files.reserve(ssda903::kTableCount);
  for (const TableSpec& table : ssda903::AllTables()) {
    files.push_back({std::string(table.file_name), writer_of(table.table).text()});
  }
  return files;
}

Status WriteSsda903Csv(const std::vector<model::Chronology>& children, int collection_year,
                       const std::string& out_dir) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<Ssda903CsvText> files, FormatSsda903Csv(children, collection_year));
  const std::filesystem::path folder(out_dir);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec || !std::filesystem::is_directory(folder)) {
    return Status::IoError(fmt::format("could not create the folder {} for the SSDA903 return: {}", out_dir,
                                       ec ? ec.message() : "a file of that name is in the way"));
  }
  // Every table is written out before any is put in place, so a failure part way (a full
  // disk) leaves the folder as it was rather than one year's tables mixed with another's.
  std::vector<AtomicFile> written;
  written.reserve(files.size());
  for (const Ssda903CsvText& file : files) {
    CAIRN_ASSIGN_OR_RETURN(AtomicFile out, AtomicFile::Create((folder / file.name).string()));
    CAIRN_RETURN_IF_ERROR(out.Append(file.text));
    CAIRN_RETURN_IF_ERROR(out.Flush());
    written.push_back(std::move(out));
  }
  for (AtomicFile& out : written) CAIRN_RETURN_IF_ERROR(out.Commit());
  return Status::Ok();
}

}  // namespace cairn::returns
