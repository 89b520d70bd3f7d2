#include "returns/importer.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>
#include <unordered_map>

#include "base/atomic_file.h"
#include "base/display_text.h"
#include "base/handover.h"
#include "base/json_text.h"
#include "returns/cin_census/cin_census.h"
#include "returns/cin_census/cin_census_runs.h"
#include "returns/csv.h"
#include "returns/ssda903/ssda903.h"
#include "store/record_changes.h"
#include "store/settings.h"

namespace cairn::returns {
namespace {

enum class FileType { kSsda903Csv, kSsda903Xml, kCinCensusXml, kUnknown };

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The name of an XML document's root element, from its first few kilobytes.
std::string XmlRootName(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4096> buffer{};
  in.read(buffer.data(), buffer.size());
  const std::string_view head(buffer.data(), static_cast<size_t>(in.gcount()));
  size_t at = 0;
  while ((at = head.find('<', at)) != std::string_view::npos) {
    if (at + 1 < head.size() && (head[at + 1] == '?' || head[at + 1] == '!')) {
      ++at;
      continue;
    }
    size_t end = at + 1;
    while (end < head.size() && head[end] != '>' && head[end] != '/' && !std::isspace(static_cast<unsigned char>(head[end]))) ++end;
    return std::string(head.substr(at + 1, end - at - 1));
  }
  return {};
}

// Why a file that is not one Cairn imports is not, in words that say what to do.
std::string WhyNotImportable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4> buffer{};
  in.read(buffer.data(), buffer.size());
  const std::string_view head(buffer.data(), static_cast<size_t>(in.gcount()));
  if (head.empty()) return path + ": the file is empty";
  if (head.starts_with(std::string_view("\xFF\xFE\x00\x00", 4)) || head.starts_with(std::string_view("\x00\x00\xFE\xFF", 4))) {
    return path + ": the file is saved as UTF-32 text; save it as UTF-8 and import it again";
  }
  if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF") ||
      (head.size() >= 2 && (head[0] == '\0' || head[1] == '\0'))) {
    return path + ": the file is saved as UTF-16 text; save it as UTF-8 and import it again";
  }
  return path +
         ": not a file Cairn can import (expected SSDA903 CSV tables, SSDA903 XML with root EXPSSDA903, or CIN "
         "census XML with root Message)";
}

// Moves every problem of `from` onto the end of `to`, leaving `from` empty and its memory freed.
void MoveAppend(std::vector<Problem>& from, std::vector<Problem>& to) {
  if (to.empty()) {
    to = std::move(from);
  } else {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }
  std::vector<Problem>().swap(from);
}

// What is at `path` when it is not a regular file, or "" when it is one.
std::string NotARegularFile(const std::string& path) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) return path + ": no such file";
  if (ec) return path + ": cannot be read (" + ec.message() + ")";
  switch (status.type()) {
    case std::filesystem::file_type::regular: return "";
    case std::filesystem::file_type::directory: return path + ": is a folder; give the files in it";
    case std::filesystem::file_type::fifo: return path + ": is a pipe, not a file; save the return to a file first";
    default: return path + ": is a device or socket, not a file";
  }
}

FileType Classify(const std::string& path) {
  const std::string extension = Lower(std::filesystem::path(path).extension().string());
  if (extension == ".csv") return FileType::kSsda903Csv;
  if (extension == ".xml") {
    const std::string root = XmlRootName(path);
    if (root == "EXPSSDA903") return FileType::kSsda903Xml;
    if (root == "Message") return FileType::kCinCensusXml;
  }
  return FileType::kUnknown;
}

BatchSummary Summarise(const ImportBatch& batch) {
  BatchSummary summary;
  summary.source = batch.source;
  summary.collection_year = batch.collection_year;
  summary.year_basis = batch.year_basis;
  summary.files = batch.files;
  summary.children = batch.children.size();
  summary.findings = batch.findings.size();
  summary.rejected = batch.rejected.size();
  std::vector<size_t> counts(model::AllEventKinds().size(), 0);
  for (const model::Chronology& chronology : batch.children) {
    for (const model::Event& event : chronology.events()) ++counts[static_cast<size_t>(event.kind)];
  }
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0) summary.events_by_kind.emplace_back(std::string(model::AllEventKinds()[i].id), counts[i]);
  }
  return summary;
}

void Report(const ImportOptions& options, const std::string& message) {
  if (options.progress) options.progress(message);
}

// Fills blanks in `into` from `from`; a value both hold differently is a finding.
void MergeDetails(model::Child& into, const model::Child& from, std::vector<Problem>& findings,
                  const DetailSource& kept_from, const DetailSource& other_from) {
  const std::string kept_where =
      kept_from.file.empty() ? std::string("the first file")
                             : kept_from.file + (kept_from.line > 0 ? " line " + std::to_string(kept_from.line) : "");
  auto conflict = [&](const char* field, const std::string& kept, const std::string& other) {
    Problem finding;
    finding.file = other_from.file;
    finding.line = other_from.line;
    finding.location = "child";
    finding.field = field;
    // The values (a date of birth, a UPN) go in the value, which the terminal never shows.
    finding.value = "kept '" + kept + "', not '" + other + "'";
    finding.child = into.la_child_id;
    finding.message = "the returns disagree about this child's " + std::string(field) + "; the value from " +
                      kept_where + " is kept";
    findings.push_back(std::move(finding));
  };
  auto text = [&](std::string& target, const std::string& value, const char* field) {
    if (value.empty() || value == target) return;
    if (target.empty()) {
      target = value;
    } else {
      conflict(field, target, value);
    }
  };
  auto date = [&](std::optional<Date>& target, const std::optional<Date>& value, const char* field) {
    if (!value || value == target) return;
    if (!target) {
      target = value;
    } else {
      conflict(field, target->ToIso(), value->ToIso());
    }
  };
  text(into.upn, from.upn, "UPN");
  text(into.former_upn, from.former_upn, "former UPN");
  text(into.upn_unknown, from.upn_unknown, "UPN unknown reason");
  date(into.birth_date, from.birth_date, "date of birth");
  date(into.expected_birth_date, from.expected_birth_date, "expected date of birth");
  date(into.death_date, from.death_date, "date of death");
  // Sex is coded differently in the two returns (903 1/2, CIN M/F/0/9), so only fill blanks.
  if (into.sex.empty()) into.sex = from.sex;
  text(into.ethnicity, from.ethnicity, "ethnicity");
  if (into.disabilities.empty()) into.disabilities = from.disabilities;
  into.uasc = into.uasc || from.uasc;
  date(into.uasc_ceased, from.uasc_ceased, "UASC end date");
  text(into.mother, from.mother, "MOTHER");
  date(into.mother_child_birth_date, from.mother_child_birth_date, "MC_DOB");
}

// The latest collection year whose return reported the event; 0 for none.
int LatestYear(const model::Event& event) {
  return event.provenance.reported_in_years.empty() ? 0 : event.provenance.reported_in_years.back();
}

// One event per natural key in a chronology merged from several returns. An episode open across
// 31 March is in both years' returns: it is one episode reported twice, as the store treats it
// when the years are imported one at a time. Its provenance gains every year that reported it,
// and the latest year's content is kept (as importing the years in order would leave it); the
// events nested under each copy end up under the one kept.
void MergeRepeatedEvents(model::Chronology& chronology) {
  std::vector<model::Event>& events = chronology.mutable_events();
  const std::vector<std::string> keys = chronology.NaturalKeys();
  std::unordered_map<std::string_view, int32_t> first_with_key;
  std::vector<int32_t> same_as(events.size());
  bool repeated = false;
  for (size_t i = 0; i < events.size(); ++i) {
    auto [it, inserted] = first_with_key.emplace(keys[i], static_cast<int32_t>(i));
    same_as[i] = it->second;
    if (inserted) continue;
    repeated = true;
    model::Event& kept = events[static_cast<size_t>(it->second)];
    model::Event& repeat = events[i];
    if (LatestYear(repeat) > LatestYear(kept)) {
      kept.start = repeat.start;
      kept.end = repeat.end;
      kept.fields = std::move(repeat.fields);
    }
    for (int year : repeat.provenance.reported_in_years) kept.provenance.AddReportedYear(year);
  }
  if (!repeated) return;
  std::vector<int32_t> new_index(events.size(), -1);
  std::vector<model::Event> kept_events;
  kept_events.reserve(first_with_key.size());
  for (size_t i = 0; i < events.size(); ++i) {
    if (same_as[i] != static_cast<int32_t>(i)) continue;
    new_index[i] = static_cast<int32_t>(kept_events.size());
    kept_events.push_back(std::move(events[i]));
  }
  for (model::Event& event : kept_events) {
    // A parent precedes its children, so the parent's copy that is kept already has its index.
    if (event.parent >= 0) event.parent = new_index[static_cast<size_t>(same_as[static_cast<size_t>(event.parent)])];
  }
  events = std::move(kept_events);
}

// The longest value Cairn reads into each field, and what the returns' specifications allow.
// The limits are a few times the specifications', so a council's slightly long identifier is
// still read (and a DfE rule will say so), while a value no return could hold (a 100 MB UPN)
// refuses its record before it reaches the database.
struct LengthLimit {
  size_t refused_above;
  std::string_view specification;
};
LengthLimit LimitFor(std::string_view field) {
  if (field == "child id") return {40, "the CIN census and SSDA903 allow 10 characters"};
  if (field == "UPN" || field == "former UPN") return {40, "a UPN has 13 characters"};
  return {1000, "no field of either return is longer than 100 characters"};
}

// Every value of a batch that no DfE file may carry, and every value a spreadsheet would run.
// A value that is not UTF-8, or holds a character XML cannot write (ESC, NUL, ...), makes its
// child unreadable: kept, it would be exported as a CIN census the DfE's upload refuses. A value
// that starts like a spreadsheet formula is kept as the council recorded it, with a finding. In
// problems the value is shown escaped (\xNN), never raw.
void CheckValues(ImportBatch& batch) {
  const std::string file = batch.files.size() == 1 ? batch.files.front() : batch.source + " return";
  std::vector<bool> unreadable(batch.children.size(), false);
  for (size_t k = 0; k < batch.children.size(); ++k) {
    const model::Chronology& chronology = batch.children[k];
    const std::string child_id = EscapeForDisplay(chronology.child().la_child_id);
    const bool sourced = k < batch.detail_sources.size();
    auto check = [&](std::string_view location, std::string_view field, std::string_view value) {
      if (value.empty()) return;
      Problem problem;
      problem.file = file;
      // A child's own details were read from one known record; an event's field, from a record
      // the chronology no longer remembers.
      if (location == "child" && sourced) {
        problem.file = batch.detail_sources[k].file;
        problem.line = batch.detail_sources[k].line;
      }
      problem.location = std::string(location);
      problem.field = std::string(field);
      problem.value = EscapeForDisplay(value.substr(0, 200));
      problem.child = child_id;
      if (const LengthLimit limit = LimitFor(field); value.size() > limit.refused_above) {
        problem.message = "is " + std::to_string(value.size()) + " bytes long, more than the " +
                          std::to_string(limit.refused_above) + " Cairn reads into this field (" +
                          std::string(limit.specification) + "); the child's record was not read";
        batch.rejected.push_back(std::move(problem));
        unreadable[k] = true;
      } else if (!XmlCanCarry(value)) {
        problem.message = IsValidUtf8(value)
                              ? "holds a control character (shown as \\xNN) that no DfE return can carry; the "
                                "child's record was not read. Correct the value at source and export the return again"
                              : "is not UTF-8 text (the bytes shown as \\xNN); the child's record was not read. Save "
                                "the file as UTF-8 and try again";
        batch.rejected.push_back(std::move(problem));
        unreadable[k] = true;
      } else if (LooksLikeSpreadsheetFormula(value)) {
        problem.message = "starts like a spreadsheet formula (=, +, -, @ or a tab); kept as recorded, but a "
                          "spreadsheet opening a file that holds it could run it";
        batch.findings.push_back(std::move(problem));
      }
    };
    const model::Child& child = chronology.child();
    check("child", "child id", child.la_child_id);
    check("child", "UPN", child.upn);
    check("child", "former UPN", child.former_upn);
    check("child", "UPN unknown reason", child.upn_unknown);
    check("child", "sex", child.sex);
    check("child", "ethnicity", child.ethnicity);
    for (const std::string& code : child.disabilities) check("child", "disability", code);
    check("child", "MOTHER", child.mother);
    for (const model::Event& event : chronology.events()) {
      for (const model::Field& field : event.fields) check(model::IdOf(event.kind), field.name, field.value);
    }
  }
  if (std::find(unreadable.begin(), unreadable.end(), true) == unreadable.end()) return;
  std::vector<model::Chronology> readable;
  std::vector<DetailSource> readable_sources;
  readable.reserve(batch.children.size());
  for (size_t k = 0; k < batch.children.size(); ++k) {
    if (unreadable[k]) continue;
    readable.push_back(std::move(batch.children[k]));
    if (k < batch.detail_sources.size()) readable_sources.push_back(std::move(batch.detail_sources[k]));
  }
  batch.children = std::move(readable);
  if (!batch.detail_sources.empty()) batch.detail_sources = std::move(readable_sources);
}

}  // namespace

std::vector<model::Chronology> MergeChildren(std::vector<model::Chronology> chronologies,
                                             std::vector<Problem>& findings, const std::vector<DetailSource>& sources) {
  static const DetailSource kUnknown;
  auto source_of = [&](size_t index) -> const DetailSource& { return index < sources.size() ? sources[index] : kUnknown; };
  // Merged in place: the first chronology of each child moves down to the next free slot, so a
  // large import never holds a second vector of every child.
  std::vector<size_t> first_source;  // for each merged child, the chronology it started from
  std::unordered_map<std::string, size_t> position;
  std::vector<size_t> merged_from_several;
  size_t kept = 0;
  for (size_t at = 0; at < chronologies.size(); ++at) {
    model::Chronology& chronology = chronologies[at];
    auto [it, inserted] = position.emplace(chronology.child().la_child_id, kept);
    if (inserted) {
      if (at != kept) chronologies[kept] = std::move(chronology);
      first_source.push_back(at);
      ++kept;
      continue;
    }
    if (merged_from_several.empty() || merged_from_several.back() != it->second) merged_from_several.push_back(it->second);
    model::Chronology& into = chronologies[it->second];
    MergeDetails(into.mutable_child(), chronology.child(), findings, source_of(first_source[it->second]),
                 source_of(at));
    const int32_t offset = static_cast<int32_t>(into.events().size());
    for (model::Event& event : chronology.mutable_events()) {
      if (event.parent >= 0) event.parent += offset;
      into.mutable_events().push_back(std::move(event));
    }
  }
  // Only across returns: one return giving an event twice was already refused by its reader.
  std::sort(merged_from_several.begin(), merged_from_several.end());
  merged_from_several.erase(std::unique(merged_from_several.begin(), merged_from_several.end()),
                            merged_from_several.end());
  chronologies.erase(chronologies.begin() + static_cast<std::ptrdiff_t>(kept), chronologies.end());
  for (size_t index : merged_from_several) MergeRepeatedEvents(chronologies[index]);
  return chronologies;
}

Result<std::string> FormatProblemsCsv(const std::vector<Problem>& problems) {
  CsvWriter writer({"file", "line", "location", "field", "value", "reason", "child", "record"});
  for (const Problem& problem : problems) {
    // Meant for a spreadsheet, and every text here may hold what a return held.
    std::vector<std::string> row = {problem.file, problem.line > 0 ? std::to_string(problem.line) : "",
                                    problem.location, problem.field, problem.value, problem.message,
                                    problem.child, problem.record};
    for (std::string& value : row) value = NeutraliseForSpreadsheet(value);
    CAIRN_RETURN_IF_ERROR(writer.AddRow(row));
  }
  return writer.text();
}

Status WriteProblemsCsv(const std::vector<Problem>& problems, const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(std::string text, FormatProblemsCsv(problems));
  return WriteFileAtomically(path, text);
}

namespace {

// The problems written out in full to a temporary file beside `path`, ready to be put in place.
Result<AtomicFile> PrepareProblemsCsv(const std::vector<Problem>& problems, const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(std::string text, FormatProblemsCsv(problems));
  CAIRN_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
  CAIRN_RETURN_IF_ERROR(file.Append(text));
  CAIRN_RETURN_IF_ERROR(file.Flush());
  return file;
}

// Children saved a run at a time as the reader hands them over.
constexpr size_t kRunChildren = 2000;

// A simulated council stays wholly synthetic: its mark is what every export, page and demo
// account trusts, and real records beside made-up ones would be called made up.
Status RefuseASimulatedCouncil(store::Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(bool synthetic, store::IsSynthetic(db));
  if (!synthetic) return Status::Ok();
  return Status::FailedPrecondition(
      "this database holds a simulated council (setting synthetic = true); import real returns into a database "
      "of their own");
}

// The import's transaction. A large one (England-scale files) goes through
// Transaction::BeginBulk: on SQLite each page is written once, not to the write-ahead log and
// again into the file, at the price of keeping other programs out of the file until it ends
// (they wait, and after 5 seconds say it is busy), so small imports, which others may well be
// running beside, keep the log (ImportOptions::bulk_from_bytes). It also asks again, inside the
// transaction, whether the database holds a simulation: one started beside this import may have
// committed since the first look (on PostgreSQL the record's generation is held first, so a
// simulation either committed before the look or waits for it).
Result<store::Transaction> BeginImport(store::Connection& db, const std::vector<std::string>& files,
                                       const ImportOptions& options) {
  std::uintmax_t bytes = 0;
  for (const std::string& file : files) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(file, error);
    if (!error) bytes += size;
  }
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, bytes >= options.bulk_from_bytes
                                                             ? store::Transaction::BeginBulk(db)
                                                             : store::Transaction::Begin(db));
  CAIRN_RETURN_IF_ERROR(store::HoldRecordGeneration(db));
  CAIRN_RETURN_IF_ERROR(RefuseASimulatedCouncil(db));
  return transaction;
}

// One CIN census file, all or nothing (no skip_invalid): the children are saved as they are read,
// in one transaction, so an England-scale file's chronologies are never all held at once. Any
// record rejected, by the reader or by CheckValues, rolls the transaction back: the database is
// then as it was, and the result is what the whole-file path gives (problems in the same order,
// the same summary). Once anything is rejected no more children are saved, only read.
Result<ImportResult> ImportCinCensusInRuns(store::Connection& db, const std::string& path,
                                           const ImportOptions& options, ImportResult result) {
  auto refused = [&]() -> Result<ImportResult> {
    if (!options.findings_path.empty()) CAIRN_RETURN_IF_ERROR(WriteProblemsCsv(result.findings, options.findings_path));
    return result;
  };
  std::string reason = "imported from " + std::filesystem::path(path).filename().string();
  // The writer is made after the transaction and let go after it: a refused import rolls back
  // first, so the writer need not rebuild indexes the rollback restores anyway.
  std::optional<store::ChronologyWriter> writer;
  std::optional<store::Transaction> transaction;
  {
    CAIRN_ASSIGN_OR_RETURN(store::Transaction begun, BeginImport(db, {path}, options));
    transaction.emplace(std::move(begun));
    CAIRN_ASSIGN_OR_RETURN(store::ChronologyWriter started,
                           store::ChronologyWriter::Start(db, {options.actor, reason}));
    writer.emplace(std::move(started));
  }
  auto roll_back = [&] {
    transaction.reset();
    writer.reset();
  };

  // The file is read on a thread of its own, which checks each run of children (CheckValues) and
  // hands it over; this thread, which owns the connection, saves them, so reading and saving
  // overlap. Once anything is rejected the reader hands over no more runs: the import is refused.
  ImportBatch checked;  // CheckValues' own problems, run by run, kept after the reader's (reader thread)
  std::vector<size_t> counts(model::AllEventKinds().size(), 0);
  size_t children = 0;
  Handover<std::vector<model::Chronology>> handover(/*capacity=*/2);
  std::optional<Result<ImportBatch>> read;
  std::thread reader([&] {
    const cin_census::ChildrenSink sink = [&](std::vector<model::Chronology>& run, std::vector<DetailSource>& sources,
                                              size_t rejected_so_far) -> Status {
      handover.TakeSpent();  // the runs already saved, let go of here rather than on the saving thread
      ImportBatch batch;
      batch.source = "cin-census";
      batch.files = {path};
      batch.children = std::move(run);
      batch.detail_sources = std::move(sources);
      CheckValues(batch);
      MoveAppend(batch.rejected, checked.rejected);
      MoveAppend(batch.findings, checked.findings);
      children += batch.children.size();
      for (const model::Chronology& chronology : batch.children) {
        for (const model::Event& event : chronology.events()) ++counts[static_cast<size_t>(event.kind)];
      }
      // Once anything is refused nothing more is saved (the import will be rolled back), but the
      // file is read to its end so that every problem is named.
      const bool refused_already = rejected_so_far > 0 || !checked.rejected.empty();
      const bool handed = refused_already || batch.children.empty() ? !handover.stopped()
                                                                    : handover.Put(std::move(batch.children));
      return handed ? Status::Ok() : Status::Internal("the reading stopped because saving failed");
    };
    read = cin_census::ReadCinCensusInRuns(path, kRunChildren, sink);
    handover.Finish();
  });
  Status saving = Status::Ok();
  size_t saved = 0;
  while (std::optional<std::vector<model::Chronology>> run = handover.Take()) {
    saving = writer->Save(*run);
    if (!saving.ok()) {
      handover.Stop();
      break;
    }
    const size_t before = saved;
    saved += run->size();
    if (saved / 20000 != before / 20000) Report(options, "saved " + std::to_string(saved) + " children");
    handover.GiveBack(std::move(*run));
  }
  reader.join();
  handover.TakeSpent();  // the last runs saved, let go of before the indexes are built and the commit
  if (!saving.ok()) return saving;  // the database failed, not the file
  if (!read->ok()) {
    roll_back();
    result.unreadable_files.push_back(read->status().message());
    return refused();
  }
  ImportBatch& batch = **read;
  Report(options, "read " + path + ": " + std::to_string(children) + " children");
  MoveAppend(checked.rejected, batch.rejected);
  MoveAppend(checked.findings, batch.findings);
  BatchSummary summary;
  summary.source = batch.source;
  summary.collection_year = batch.collection_year;
  summary.year_basis = batch.year_basis;
  summary.files = batch.files;
  summary.children = children;
  summary.findings = batch.findings.size();
  summary.rejected = batch.rejected.size();
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0) summary.events_by_kind.emplace_back(std::string(model::AllEventKinds()[i].id), counts[i]);
  }
  result.batches.push_back(std::move(summary));
  MoveAppend(batch.rejected, result.rejected);
  MoveAppend(batch.findings, result.findings);
  if (!result.rejected.empty()) {
    roll_back();
    return refused();
  }
  result.children = children;

  std::optional<AtomicFile> findings_file;
  if (!options.findings_path.empty()) {
    CAIRN_ASSIGN_OR_RETURN(AtomicFile prepared, PrepareProblemsCsv(result.findings, options.findings_path));
    findings_file.emplace(std::move(prepared));
  }
  CAIRN_ASSIGN_OR_RETURN(result.save, writer->Finish());
  CAIRN_RETURN_IF_ERROR(store::RecordAudit(db, options.actor, "import", "", reason));
  CAIRN_RETURN_IF_ERROR(transaction->Commit());
  result.saved = true;
  if (findings_file) {
    if (Status placed = findings_file->Commit(); !placed.ok()) result.unwritten_files.push_back(placed.message());
  }
  return result;
}

}  // namespace

Result<ImportResult> ImportFiles(store::Connection& db, const std::vector<std::string>& files,
                                 const ImportOptions& options) {
  ImportResult result;
  // Checked before the reading, which can take minutes, and long before anything is saved (the
  // simulation again when the saving begins, BeginImport).
  CAIRN_RETURN_IF_ERROR(RefuseASimulatedCouncil(db));
  if (!options.findings_path.empty()) {
    CAIRN_RETURN_IF_ERROR(CheckWritablePath(options.findings_path, "the findings file"));
  }
  if (options.skip_invalid && !options.rejects_path.empty()) {
    CAIRN_RETURN_IF_ERROR(CheckWritablePath(options.rejects_path, "the rejects file"));
  }
  // A refused import still lists its findings when asked: the database is unchanged either way.
  auto refused = [&]() -> Result<ImportResult> {
    if (!options.findings_path.empty()) CAIRN_RETURN_IF_ERROR(WriteProblemsCsv(result.findings, options.findings_path));
    return result;
  };
  std::vector<std::string> ssda903_csv;
  std::vector<std::string> ssda903_xml;
  std::vector<std::string> cin_xml;
  for (const std::string& file : files) {
    if (std::string why = NotARegularFile(file); !why.empty()) {
      result.unreadable_files.push_back(std::move(why));
      continue;
    }
    switch (Classify(file)) {
      case FileType::kSsda903Csv: ssda903_csv.push_back(file); break;
      case FileType::kSsda903Xml: ssda903_xml.push_back(file); break;
      case FileType::kCinCensusXml: cin_xml.push_back(file); break;
      case FileType::kUnknown:
        result.unreadable_files.push_back(WhyNotImportable(file));
        break;
    }
  }
  if (!ssda903_csv.empty() && !ssda903_xml.empty()) {
    result.unreadable_files.push_back("an SSDA903 return is either CSV tables or one XML file; this import mixes " +
                                      ssda903_csv.front() + " and " + ssda903_xml.front());
  }

  // One CIN census file imported all or nothing is saved as it is read (ImportCinCensusInRuns);
  // anything else is read whole, merged, then saved.
  if (result.unreadable_files.empty() && files.size() == 1 && cin_xml.size() == 1 && !options.skip_invalid) {
    return ImportCinCensusInRuns(db, cin_xml.front(), options, std::move(result));
  }

  std::vector<ImportBatch> batches;
  auto take = [&](Result<ImportBatch> read, const std::string& what) {
    if (!read.ok()) {
      result.unreadable_files.push_back(read.status().message());
      return;
    }
    Report(options, "read " + what + ": " + std::to_string(read->children.size()) + " children");
    batches.push_back(std::move(read).value());
  };
  if (result.unreadable_files.empty()) {
    if (!ssda903_csv.empty()) take(ReadSsda903Csv(ssda903_csv, options.ssda903_year), "SSDA903 tables");
    for (const std::string& file : ssda903_xml) take(ReadSsda903Xml(file, options.ssda903_year), file);
    for (const std::string& file : cin_xml) take(cin_census::ReadCinCensus(file), file);
  }

  for (ImportBatch& batch : batches) {
    CheckValues(batch);
    result.batches.push_back(Summarise(batch));
    // Moved, not copied: a large return's findings are among the biggest things an import holds.
    MoveAppend(batch.rejected, result.rejected);
    MoveAppend(batch.findings, result.findings);
  }
  if (!result.unreadable_files.empty()) return refused();
  std::optional<AtomicFile> rejects_file;
  if (!result.rejected.empty()) {
    if (!options.skip_invalid) return refused();
    if (options.rejects_path.empty()) return Status::InvalidArgument("--skip-invalid needs a file for the rejected records");
    CAIRN_ASSIGN_OR_RETURN(AtomicFile prepared, PrepareProblemsCsv(result.rejected, options.rejects_path));
    rejects_file.emplace(std::move(prepared));
  }

  // Every batch's children in one vector, each batch's let go as it is moved: one copy of every
  // child at a time.
  std::vector<model::Chronology> all;
  std::vector<DetailSource> sources;
  for (ImportBatch& batch : batches) {
    const std::string source = batch.files.size() == 1 ? batch.files.front() : batch.source + " return";
    batch.detail_sources.resize(batch.children.size(), DetailSource{source, 0});
    if (all.empty()) {
      all = std::move(batch.children);
      sources = std::move(batch.detail_sources);
    } else {
      all.insert(all.end(), std::make_move_iterator(batch.children.begin()), std::make_move_iterator(batch.children.end()));
      sources.insert(sources.end(), std::make_move_iterator(batch.detail_sources.begin()),
                     std::make_move_iterator(batch.detail_sources.end()));
    }
    std::vector<model::Chronology>().swap(batch.children);
    std::vector<DetailSource>().swap(batch.detail_sources);
  }
  std::vector<model::Chronology> children = MergeChildren(std::move(all), result.findings, sources);
  result.children = children.size();

  std::optional<AtomicFile> findings_file;
  if (!options.findings_path.empty()) {
    CAIRN_ASSIGN_OR_RETURN(AtomicFile prepared, PrepareProblemsCsv(result.findings, options.findings_path));
    findings_file.emplace(std::move(prepared));
  }

  std::string reason = "imported from";
  for (const std::string& file : files) reason += " " + std::filesystem::path(file).filename().string();
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, BeginImport(db, files, options));
  CAIRN_ASSIGN_OR_RETURN(result.save,
                         store::SaveChronologies(db, children, {options.actor, reason}, [&](size_t done) {
                           Report(options, "saved " + std::to_string(done) + " of " +
                                               std::to_string(children.size()) + " children");
                         }));
  CAIRN_RETURN_IF_ERROR(store::RecordAudit(db, options.actor, "import", "", reason));
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  result.saved = true;
  // Only renames remain, which a local disk does not refuse for want of space; if one fails
  // anyway the import stands and the caller says which file is missing.
  for (std::optional<AtomicFile>* file : {&rejects_file, &findings_file}) {
    if (!file->has_value()) continue;
    if (Status placed = (*file)->Commit(); !placed.ok()) result.unwritten_files.push_back(placed.message());
  }
  return result;
}

}  // namespace cairn::returns
