// Writing a collection year's SSDA903 CSV tables from chronologies.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

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

// Whether the child was looked after at some point in the year, by any episode of theirs.
bool LookedAfterIn(const model::Chronology& chronology, const model::CollectionYear& year) {
  for (const model::Event& event : chronology.events()) {
    if (event.kind == EventKind::kLookedAfterEpisode && Overlaps(event, year)) return true;
  }
  return false;
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
             bool looked_after, const ssda903::CodeLists& codes) {
  if (event.provenance.ReportedIn(year.year)) return true;
  // A record from a council's return belongs to the years that reported it, and no others.
  if (event.provenance.source == "ssda903") return false;
  switch (event.kind) {
    case EventKind::kLookedAfterEpisode:
    case EventKind::kPlacedForAdoption:
      return Overlaps(event, year);
    case EventKind::kMissing:
    case EventKind::kSocialWorkerAllocation:
    case EventKind::kDeprivationOfLiberty:
      return looked_after && Overlaps(event, year);
    case EventKind::kClaReview:
      return year.Contains(event.start);
    case EventKind::kHealthOutcomes:
    case EventKind::kCareLeaverOutcomes:
    case EventKind::kPreviousPermanence:
      return event.start == year.end();
    case EventKind::kAdoptionDecision:
      return year.Contains(event.start) || AdoptedIn(chronology, year, codes);
    default:
      return false;
  }
}

std::string Dmy(const std::optional<Date>& date) { return date ? date->ToDmy() : std::string(); }

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
    const bool looked_after = LookedAfterIn(chronology, year);
    // This child's events in scope, in date order (stable, so same-day events keep theirs).
    std::vector<const model::Event*> selected;
    for (const model::Event& event : chronology.events()) {
      if (TableOfKind(event.kind) != nullptr && InScope(event, chronology, year, looked_after, *codes)) {
        selected.push_back(&event);
      }
    }
    if (selected.empty()) continue;
    std::stable_sort(selected.begin(), selected.end(),
                     [](const model::Event* a, const model::Event* b) { return a->start < b->start; });

    const std::string context = "child " + child.la_child_id;
    CAIRN_RETURN_IF_ERROR(writer_of(Table::kHeader)
                              .AddRow({child.la_child_id, child.sex, Dmy(child.birth_date), child.ethnicity,
                                       child.upn, child.mother, Dmy(child.mother_child_birth_date)})
                              .WithContext(context));
    if (child.uasc || child.uasc_ceased) {
      CAIRN_RETURN_IF_ERROR(writer_of(Table::kUasc)
                                .AddRow({child.la_child_id, child.sex, Dmy(child.birth_date), Dmy(child.uasc_ceased)})
                                .WithContext(context));
    }
    model::Event copy;
    for (const model::Event* event : selected) {
      const TableSpec& table = *TableOfKind(event->kind);
      const model::Event& shown = AsShownIn(year, *event, copy);
      CAIRN_RETURN_IF_ERROR(writer_of(table.table).AddRow(EventRow(table, shown, child)).WithContext(context));
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
