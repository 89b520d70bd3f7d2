#include "returns/ssda903/batch_builder.h"

#include <algorithm>
#include <filesystem>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "returns/ssda903/checks.h"

namespace cairn::returns::ssda903 {
namespace {

using model::EventKind;

// What a column is to the reader.
enum class Role : uint8_t {
  kChild,    // CHILD: the key that joins every table to the Header
  kDobCopy,  // DOB outside Header: a copy, compared with the Header's, never stored
  kSexCopy,  // SEX in UASC: the same
  kStart,    // the event's start date: required, and part of the key
  kEnd,      // the event's end date
  kDate,     // any other date (DOB and MC_DOB in Header, DUC, DATE_MATCH, ...)
  kValue,    // anything else, kept as given
};

std::vector<Role> RolesOf(const TableSpec& table) {
  std::vector<Role> roles;
  const model::EventKindSpec* kind = table.kind ? &model::Spec(*table.kind) : nullptr;
  for (std::string_view column : table.columns) {
    Role role = Role::kValue;
    if (column == "CHILD") {
      role = Role::kChild;
    } else if (column == "DOB") {
      role = table.table == Table::kHeader ? Role::kDate : Role::kDobCopy;
    } else if (column == "SEX" && table.table == Table::kUasc) {
      role = Role::kSexCopy;
    } else if (column == "MC_DOB" || column == "DUC") {
      role = Role::kDate;
    } else if (kind != nullptr && column == kind->start_field) {
      role = Role::kStart;
    } else if (kind != nullptr && !kind->end_field.empty() && column == kind->end_field) {
      role = Role::kEnd;
    } else if (table.kind && model::FieldTypeOf(*table.kind, column) == model::FieldType::kDate) {
      role = Role::kDate;
    }
    roles.push_back(role);
  }
  return roles;
}

// The columns beyond CHILD that tell two records of one child apart: the kind's start date and
// key fields (model/event_kind.cpp). Header, UASC, OC2, OC3 and PrevPerm: none (one per child).
std::vector<std::size_t> KeyColumns(const TableSpec& table) {
  std::vector<std::size_t> columns;
  if (!table.kind) return columns;
  const model::EventKindSpec& kind = model::Spec(*table.kind);
  if (!kind.start_field.empty()) {
    if (std::optional<std::size_t> index = ColumnIndex(table, kind.start_field)) columns.push_back(*index);
  }
  for (std::string_view field : kind.key) {
    if (std::optional<std::size_t> index = ColumnIndex(table, field)) columns.push_back(*index);
  }
  return columns;
}

// A record that passed the per-record checks, with what the later steps need.
// Whether `text` is written as a dd/mm/YYYY date (one- or two-digit day and month), whether or not
// the day exists.
bool ShapedLikeDmy(std::string_view text) {
  auto digits = [](std::string_view part, std::size_t least, std::size_t most) {
    return part.size() >= least && part.size() <= most &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const std::size_t first = text.find('/');
  const std::size_t second = first == std::string_view::npos ? first : text.find('/', first + 1);
  if (second == std::string_view::npos) return false;
  return digits(text.substr(0, first), 1, 2) && digits(text.substr(first + 1, second - first - 1), 1, 2) &&
         digits(text.substr(second + 1), 4, 4);
}

// A record that passed step 1. Its values are read through Normalised(), not copied: a large
// return's records are not held twice over.
struct Prepared {
  std::size_t record = 0;  // index into the table's records
  std::string key;         // CHILD and key columns, dates ISO, codes upper-cased
};

// Column `c` of `record` as compared and stored: a date as ISO (step 1 has checked that a date
// column reads), a copied date of birth as ISO when it reads, everything else as read.
std::string Normalised(const RawRecord& record, Role role, std::size_t c) {
  const std::string& value = record.values[c];
  switch (role) {
    case Role::kStart:
    case Role::kEnd:
    case Role::kDate:
    case Role::kDobCopy:
      if (value.empty()) return value;
      if (Result<Date> date = Date::ParseDmy(value); date.ok()) return date->ToIso();
      return value;
    case Role::kChild:
    case Role::kSexCopy:
    case Role::kValue:
      break;
  }
  return value;
}

bool SameNormalised(const RawRecord& a, const RawRecord& b, const std::vector<Role>& roles) {
  for (std::size_t c = 0; c < roles.size(); ++c) {
    if (a.values[c] != b.values[c] && Normalised(a, roles[c], c) != Normalised(b, roles[c], c)) return false;
  }
  return true;
}

// "line 12", or "header.csv line 12" when the other record is in another file; XML adds the path.
std::string WhereOf(const RawRecord& other, const RawRecord& here) {
  std::string where = other.file == here.file ? "" : other.file + " ";
  where += "line " + std::to_string(other.line);
  if (!other.location.empty() && other.location.front() == '/') where += " (" + other.location + ")";
  return where;
}

// "CHILD 566910, DECOM 15/02/2016": the key as an analyst would look it up.
std::string KeyText(const TableSpec& table, const RawRecord& record, const std::vector<std::size_t>& key_columns) {
  std::string text = "CHILD " + record.values[0];
  for (std::size_t column : key_columns) {
    text += ", " + std::string(table.columns[column]) + " " + record.values[column];
  }
  return text;
}

class Builder {
 public:
  Builder(std::array<std::vector<RawRecord>, kTableCount>& records, std::vector<Problem>& rejected,
          std::vector<Problem>& findings, const CodeLists& codes, int year)
      : records_(records), rejected_(rejected), findings_(findings), checks_(codes, year), codes_(codes), year_(year) {}

  // Where each child's Header record was, in the order of Run()'s children.
  std::vector<DetailSource> TakeDetailSources() { return std::move(detail_sources_); }

  std::vector<model::Chronology> Run() {
    // Each table's records are let go once built from: a large return is never held twice over
    // (as read and as chronologies) for more than one table at a time.
    BuildHeader();
    Release(Table::kHeader);
    BuildUasc();
    Release(Table::kUasc);
    for (const TableSpec& table : AllTables()) {
      if (!table.kind) continue;
      BuildEvents(table);
      Release(table.table);
    }
    for (model::Chronology& chronology : children_) SortEvents(chronology);
    return std::move(children_);
  }

 private:
  std::array<std::vector<RawRecord>, kTableCount>& records_;
  std::vector<Problem>& rejected_;
  std::vector<Problem>& findings_;
  RecordChecks checks_;
  const CodeLists& codes_;
  int year_;

  std::vector<model::Chronology> children_;
  std::vector<DetailSource> detail_sources_;  // one per child, where its Header record is
  std::unordered_map<std::string, std::size_t> child_index_;
  // Children whose Header record was refused: where it was, for the messages about their rows.
  std::unordered_map<std::string, std::string> refused_headers_;

  std::vector<RawRecord>& RecordsOf(const TableSpec& table) { return records_[static_cast<std::size_t>(table.table)]; }
  void Release(Table table) { std::vector<RawRecord>().swap(records_[static_cast<std::size_t>(table)]); }

  void Reject(const RawRecord& record, std::string field, std::string value, std::string message,
              std::string child) {
    rejected_.push_back(ProblemAt(record, std::move(field), std::move(value), std::move(message), std::move(child)));
  }

  // Step 1 for every table: CHILD present, dates real dates; the normalised values and key.
  // Records that fail are rejected here. With `join`, the child must also be in the Header.
  std::vector<Prepared> Prepare(const TableSpec& table, bool join) {
    const std::vector<Role> roles = RolesOf(table);
    const std::vector<std::size_t> key_columns = KeyColumns(table);
    const std::vector<RawRecord>& records = RecordsOf(table);
    const std::string noun(table.noun);
    std::vector<Prepared> prepared;
    prepared.reserve(records.size());
    for (std::size_t r = 0; r < records.size(); ++r) {
      const RawRecord& record = records[r];
      const std::string& child = record.values[0];
      if (child.empty()) {
        Reject(record, "CHILD", "", "CHILD is blank, so this " + noun + " cannot be matched to a child; it is not loaded",
               "");
        continue;
      }
      Prepared entry;
      entry.record = r;
      bool ok = true;
      for (std::size_t c = 0; c < roles.size() && ok; ++c) {
        const std::string& value = record.values[c];
        const std::string_view column = table.columns[c];
        switch (roles[c]) {
          case Role::kStart:
            if (value.empty()) {
              Reject(record, std::string(column), "",
                     std::string(column) + " is blank, but every " + noun + " needs one; this " + noun +
                         " is not loaded",
                     child);
              ok = false;
              break;
            }
            [[fallthrough]];
          case Role::kEnd:
          case Role::kDate: {
            if (value.empty()) break;
            Result<Date> date = Date::ParseDmy(value);
            if (!date.ok()) {
              // The value (perhaps a date of birth) is in the rejects file, not the message.
              Reject(record, std::string(column), value,
                     std::string(column) +
                         (ShapedLikeDmy(value) ? " is not a day that exists" : " is not a date in the form dd/mm/YYYY") +
                         "; this " + noun + " is not loaded",
                     child);
              ok = false;
              break;
            }
            break;
          }
          case Role::kDobCopy:  // not stored, so a bad copy is a finding (at check time), not a refusal
          case Role::kChild:
          case Role::kSexCopy:
          case Role::kValue:
            break;
        }
      }
      if (!ok) {
        // A Header refused: remember where, so the child's other records can say why they go too.
        if (table.table == Table::kHeader) refused_headers_.try_emplace(child, record.file + " " + WhereOf(record, record));
        continue;
      }
      if (join && !child_index_.contains(child)) {
        auto refused = refused_headers_.find(child);
        if (refused != refused_headers_.end()) {
          Reject(record, "CHILD", child,
                 "child " + child + "'s Header record (" + refused->second + ") was not loaded, so this " + noun +
                     " is not loaded either",
                 child);
        } else {
          Reject(record, "CHILD", child,
                 "child " + child + " appears in " + record.file + " but not in the Header table; this " + noun +
                     " is not loaded",
                 child);
        }
        continue;
      }
      entry.key = child;
      for (std::size_t column : key_columns) {
        entry.key += '\x1f';
        const std::string value = Normalised(record, roles[column], column);
        entry.key += roles[column] == Role::kValue ? UpperAscii(value) : value;
      }
      prepared.push_back(std::move(entry));
    }
    return prepared;
  }

  // Step 2: records sharing a key. Exact repeats are loaded once (a finding for each repeat);
  // records that share a key but differ are all refused, each naming the others.
  std::vector<const Prepared*> ResolveDuplicates(const TableSpec& table, const std::vector<Prepared>& prepared,
                                                 std::unordered_map<std::string, std::string>* refused_keys) {
    const std::vector<Role> roles = RolesOf(table);
    const std::vector<RawRecord>& records = RecordsOf(table);
    const std::vector<std::size_t> key_columns = KeyColumns(table);
    std::unordered_map<std::string_view, std::vector<std::size_t>> groups;
    groups.reserve(prepared.size());
    for (std::size_t i = 0; i < prepared.size(); ++i) groups[prepared[i].key].push_back(i);

    std::vector<const Prepared*> accepted;
    accepted.reserve(prepared.size());
    const std::string noun(table.noun);
    for (std::size_t i = 0; i < prepared.size(); ++i) {
      const Prepared& entry = prepared[i];
      const std::vector<std::size_t>& group = groups[entry.key];
      if (group.size() == 1) {
        accepted.push_back(&entry);
        continue;
      }
      const RawRecord& record = records[entry.record];
      const std::string& child = record.values[0];
      const bool all_same = std::all_of(group.begin(), group.end(), [&](std::size_t other) {
        return SameNormalised(records[prepared[other].record], records[prepared[group.front()].record], roles);
      });
      if (all_same) {
        if (group.front() == i) {
          accepted.push_back(&entry);
        } else {
          const RawRecord& first = records[prepared[group.front()].record];
          findings_.push_back(ProblemAt(record, "", "",
                                        "this " + noun + " repeats " + WhereOf(first, record) +
                                            " exactly; it is loaded once",
                                        child));
        }
        continue;
      }
      // Name the other records, and the first column in which one of them differs from this one.
      std::vector<std::string> others;
      std::string difference;
      for (std::size_t other : group) {
        if (other == i) continue;
        const RawRecord& other_record = records[prepared[other].record];
        others.push_back(WhereOf(other_record, record));
        if (!difference.empty()) continue;
        for (std::size_t c = 0; c < roles.size(); ++c) {
          if (Normalised(other_record, roles[c], c) == Normalised(record, roles[c], c)) continue;
          difference = " (" + std::string(table.columns[c]) + " is '" + other_record.values[c] + "' at " +
                       WhereOf(other_record, record) + " but '" + record.values[c] + "' here)";
          break;
        }
      }
      Reject(record, "CHILD", child,
             KeyText(table, record, key_columns) + " is also at " + JoinAnd(others) + " with different values" +
                 difference + ", so none of these " + noun + "s is loaded",
             child);
      if (refused_keys != nullptr) refused_keys->try_emplace(child, record.file + " " + WhereOf(record, record));
    }
    return accepted;
  }

  void BuildHeader() {
    const TableSpec& table = SpecOf(Table::kHeader);
    std::vector<Prepared> prepared = Prepare(table, /*join=*/false);
    std::vector<const Prepared*> accepted = ResolveDuplicates(table, prepared, &refused_headers_);
    const std::vector<RawRecord>& records = RecordsOf(table);
    children_.reserve(accepted.size());
    for (const Prepared* entry : accepted) {
      const RawRecord& record = records[entry->record];
      model::Child child;
      child.la_child_id = record.values[0];
      child.sex = record.values[1];
      if (!record.values[2].empty()) child.birth_date = *Date::ParseDmy(record.values[2]);
      child.ethnicity = record.values[3];
      child.upn = record.values[4];
      child.mother = record.values[5];
      if (!record.values[6].empty()) child.mother_child_birth_date = *Date::ParseDmy(record.values[6]);
      checks_.CheckHeader(child, record, findings_);
      // A code for why the UPN is not known (UN1...) is held where the CIN census keeps it, so
      // a child in both returns has one value and each writer puts it back in its own place.
      if (ContainsIgnoringCase(codes_.upn_unknown_codes, child.upn)) child.upn_unknown = std::exchange(child.upn, {});
      child_index_.emplace(child.la_child_id, children_.size());
      children_.emplace_back(std::move(child));
      detail_sources_.push_back({record.file, record.line});
    }
  }

  void BuildUasc() {
    const TableSpec& table = SpecOf(Table::kUasc);
    std::vector<Prepared> prepared = Prepare(table, /*join=*/true);
    std::vector<const Prepared*> accepted = ResolveDuplicates(table, prepared, nullptr);
    const std::vector<RawRecord>& records = RecordsOf(table);
    for (const Prepared* entry : accepted) {
      const RawRecord& record = records[entry->record];
      model::Child& child = children_[child_index_.at(record.values[0])].mutable_child();
      child.uasc = true;
      if (!record.values[3].empty()) child.uasc_ceased = *Date::ParseDmy(record.values[3]);
      checks_.CheckUasc(child, record, findings_);
    }
  }

  void BuildEvents(const TableSpec& table) {
    const std::vector<Role> roles = RolesOf(table);
    std::vector<Prepared> prepared = Prepare(table, /*join=*/true);
    std::vector<const Prepared*> accepted = ResolveDuplicates(table, prepared, nullptr);
    const std::vector<RawRecord>& records = RecordsOf(table);
    const EventKind kind = *table.kind;
    const Date year_end = model::CollectionYear{year_}.end();
    for (const Prepared* entry : accepted) {
      const RawRecord& record = records[entry->record];
      model::Event event;
      event.kind = kind;
      // Yearly records (OC2, OC3, PrevPerm) have no date of their own: 31 March of the year.
      event.start = year_end;
      // Exactly the fields it will hold: a large return's events are most of an import's memory.
      std::size_t field_count = 0;
      for (std::size_t c = 0; c < roles.size(); ++c) {
        field_count += (roles[c] == Role::kDate || roles[c] == Role::kValue) && !record.values[c].empty();
      }
      event.fields.reserve(field_count);
      for (std::size_t c = 0; c < roles.size(); ++c) {
        const std::string value = Normalised(record, roles[c], c);
        switch (roles[c]) {
          case Role::kStart:
            event.start = *Date::ParseIso(value);
            break;
          case Role::kEnd:
            if (!value.empty()) event.end = *Date::ParseIso(value);
            break;
          case Role::kDate:
          case Role::kValue:
            if (!value.empty()) event.Set(table.columns[c], value);
            break;
          case Role::kChild:
          case Role::kDobCopy:
          case Role::kSexCopy:
            break;
        }
      }
      event.provenance.source = "ssda903";
      event.provenance.AddReportedYear(year_);
      model::Chronology& chronology = children_[child_index_.at(record.values[0])];
      checks_.CheckEvent(table, event, chronology.child(), record, findings_);
      chronology.Add(std::move(event));
    }
  }

  // Date order, then a fixed order of kinds and content, so the same records give the same
  // chronology whichever order (or form, CSV or XML) they came in.
  static void SortEvents(model::Chronology& chronology) {
    std::vector<model::Event>& events = chronology.mutable_events();
    std::stable_sort(events.begin(), events.end(), [](const model::Event& a, const model::Event& b) {
      if (a.start != b.start) return a.start < b.start;
      if (a.kind != b.kind) return a.kind < b.kind;
      if (a.end != b.end) return a.end < b.end;
      return std::lexicographical_compare(a.fields.begin(), a.fields.end(), b.fields.begin(), b.fields.end(),
                                          [](const model::Field& x, const model::Field& y) {
                                            return std::tie(x.name, x.value) < std::tie(y.name, y.value);
                                          });
    });
  }
};

}  // namespace

Result<ImportBatch> BatchBuilder::Finish(std::optional<int> collection_year, std::vector<std::string> files) {
  CAIRN_ASSIGN_OR_RETURN(const CodeLists* codes, CodeLists::Embedded());
  ImportBatch batch;
  batch.source = "ssda903";
  batch.files = std::move(files);

  if (collection_year) {
    if (*collection_year < 1901 || *collection_year > Date::kMaxYear) {
      return Status::InvalidArgument("the collection year " + std::to_string(*collection_year) +
                                     " is not one Cairn can read; give the year the collection ends, such as 2024");
    }
    batch.collection_year = *collection_year;
    batch.year_basis = "the collection year " + YearLabel(*collection_year) + " (1 April " +
                       std::to_string(*collection_year - 1) + " to 31 March " + std::to_string(*collection_year) +
                       ") was given";
  } else {
    // The year containing the latest DECOM: an episode starts in the year it is reported in
    // or earlier, so the latest start is in the return's own year.
    std::optional<Date> latest;
    const TableSpec& episodes = SpecOf(Table::kEpisodes);
    const std::size_t decom = *ColumnIndex(episodes, "DECOM");
    for (const RawRecord& record : records_[static_cast<std::size_t>(Table::kEpisodes)]) {
      if (record.values[0].empty()) continue;
      Result<Date> date = Date::ParseDmy(record.values[decom]);
      if (date.ok() && (!latest || *date > *latest)) latest = *date;
    }
    if (!latest) {
      std::vector<std::string> names;
      for (const std::string& file : batch.files) names.push_back(std::filesystem::path(file).filename().string());
      std::string message = "cannot tell which collection year " + JoinAnd(names) +
                            (names.size() == 1 ? " is" : " are") + " for: no episode has a readable DECOM";
      // What was wrong with the files is usually why (an episodes file that could not be read,
      // a table not recognised), and is what the analyst has to fix: say it, not just the year.
      if (!rejected_.empty()) {
        constexpr std::size_t kShown = 3;
        message += ". Problems found while reading, which may be why: ";
        for (std::size_t i = 0; i < rejected_.size() && i < kShown; ++i) {
          message += (i > 0 ? "; " : "") + rejected_[i].ToString();
        }
        if (rejected_.size() > kShown) message += "; and " + std::to_string(rejected_.size() - kShown) + " more";
        message += ". Fix them, or";
      } else {
        message += ";";
      }
      message += " give the year the collection ends (for example 2024 for 2023/24)";
      return Status::InvalidArgument(message);
    }
    const model::CollectionYear year = model::CollectionYear::Containing(*latest);
    if (year.year > Date::kMaxYear) {
      return Status::InvalidArgument("the latest episode start " + latest->ToDmy() +
                                     " is too late to be in any collection year; give the year the collection ends");
    }
    batch.collection_year = year.year;
    batch.year_basis = "latest episode start " + latest->ToDmy() + ", so the year ending 31 March " +
                       std::to_string(year.year);
  }

  batch.rejected = std::move(rejected_);
  batch.findings = std::move(findings_);
  Builder builder(records_, batch.rejected, batch.findings, *codes, batch.collection_year);
  batch.children = builder.Run();
  batch.detail_sources = builder.TakeDetailSources();
  return batch;
}

std::string JoinAnd(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace cairn::returns::ssda903
