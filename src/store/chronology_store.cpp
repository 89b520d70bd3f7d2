#include "store/chronology_store.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "base/json_text.h"
#include "base/parallel.h"
#include "store/chronology_image.h"
#include "store/record_changes.h"

namespace cairn::store {
namespace {

using model::Child;
using model::Chronology;
using model::Event;
using Json = nlohmann::ordered_json;

constexpr std::string_view kChildColumns =
    "id, la_child_id, upn, former_upn, upn_unknown, birth_date, expected_birth_date, death_date, sex, ethnicity, "
    "disabilities, uasc, uasc_ceased, mother, mother_child_birth_date, given_name, family_name, preferred_name";

// How many values BindChildDetails binds: every column of kChildColumns but id and la_child_id.
constexpr int kChildDetailCount = 16;

std::optional<std::string> IsoOrNull(const std::optional<Date>& date) {
  if (!date) return std::nullopt;
  return date->ToIso();
}

Result<std::optional<Date>> OptionalDateColumn(const Statement& row, int column, std::string_view what) {
  if (row.ColumnIsNull(column) || row.ColumnText(column).empty()) return std::optional<Date>();
  Result<Date> date = Date::ParseIso(row.ColumnText(column));
  if (!date.ok()) return Status::DataLoss("stored " + std::string(what) + " is damaged: " + date.status().message());
  return std::optional<Date>(*date);
}

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string joined;
  for (const std::string& code : codes) {
    if (!joined.empty()) joined += ',';
    joined += code;
  }
  return joined;
}

std::vector<std::string> SplitCodes(std::string_view joined) {
  std::vector<std::string> codes;
  size_t begin = 0;
  while (begin < joined.size()) {
    size_t comma = joined.find(',', begin);
    if (comma == std::string_view::npos) comma = joined.size();
    codes.emplace_back(joined.substr(begin, comma - begin));
    begin = comma + 1;
  }
  return codes;
}

// The event's fields as the JSON object stored in event.fields, written into `out`. Written by
// hand rather than through a JSON value: an import writes a million of them. A name given twice
// keeps its first place and its last value, as assigning into a JSON object would.
Status WriteFieldsJson(const Event& event, std::string& out) {
  out.clear();
  out += '{';
  const std::vector<model::Field>& fields = event.fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto same_name = [&](const model::Field& other) { return other.name == fields[i].name; };
    if (std::any_of(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(i), same_name)) continue;
    const auto last = std::find_if(fields.rbegin(), fields.rend(), same_name);
    if (out.size() > 1) out += ',';
    bool utf8 = AppendJsonString(fields[i].name, out);
    out += ':';
    utf8 = utf8 && AppendJsonString(last->value, out);
    if (!utf8) {
      return Status::InvalidArgument("the field " + fields[i].name + " of a " + std::string(model::IdOf(event.kind)) +
                                     " event is not UTF-8 text");
    }
  }
  out += '}';
  return Status::Ok();
}

// Reads a JSON string starting at text[at] (a '"') into `out`, leaving `at` after its closing
// quote. False for anything WriteFieldsJson would not have written the common way (a \u escape,
// a control character), so the caller can hand the whole object to the full JSON parser.
bool ReadSimpleJsonString(std::string_view text, size_t& at, std::string& out) {
  if (at >= text.size() || text[at] != '"') return false;
  ++at;
  out.clear();
  while (at < text.size()) {
    const size_t run = text.find_first_of("\\\"", at);
    if (run == std::string_view::npos) return false;
    out.append(text.substr(at, run - at));
    at = run;
    if (text[at] == '"') {
      ++at;
      return std::none_of(out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    }
    if (at + 1 >= text.size()) return false;
    switch (text[at + 1]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      default: return false;  // \u and anything odd: the full parser decides
    }
    at += 2;
  }
  return false;
}

// The fast path for loading: {"name":"value",...} exactly as WriteFieldsJson writes it. False,
// with `fields` unspecified, when the text is anything else.
bool ParseSimpleFieldsJson(std::string_view text, std::vector<model::Field>& fields) {
  fields.clear();
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return false;
  // One allocation for the fields rather than one each time the list doubles: a council's load
  // reads every event's fields (a colon a field; one inside a value only reserves a little more).
  fields.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), ':')));
  size_t at = 1;
  if (text.size() == 2) return true;
  while (true) {
    model::Field field;
    if (!ReadSimpleJsonString(text, at, field.name)) return false;
    if (at >= text.size() || text[at] != ':') return false;
    ++at;
    if (!ReadSimpleJsonString(text, at, field.value)) return false;
    for (const model::Field& earlier : fields) {
      if (earlier.name == field.name) return false;
    }
    fields.push_back(std::move(field));
    if (at >= text.size()) return false;
    if (text[at] == '}') return at + 1 == text.size();
    if (text[at] != ',') return false;
    ++at;
  }
}

Status ParseFieldsJson(std::string_view text, Event& event) {
  if (ParseSimpleFieldsJson(text, event.fields)) return Status::Ok();
  Json object = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return Status::DataLoss("stored fields of event " + std::to_string(event.id) + " are damaged");
  event.fields.clear();
  event.fields.reserve(object.size());
  for (auto& [name, value] : object.items()) {
    if (!value.is_string()) return Status::DataLoss("stored field " + name + " of event " + std::to_string(event.id) + " is not text");
    event.fields.push_back({name, value.get<std::string>()});
  }
  return Status::Ok();
}

bool NamesDiffer(const Child& a, const Child& b) {
  return a.given_name != b.given_name || a.family_name != b.family_name || a.preferred_name != b.preferred_name;
}

// The child's details as a revision's "previous" JSON. The names go in only `with_names`, when
// the change touched one: they are special category data, so they are copied no more often than
// they change (the history of the names is still whole: a revision without them left them as
// they were).
std::string ChildJson(const Child& child, bool with_names) {
  Json object = Json::object();
  object["upn"] = child.upn;
  object["former_upn"] = child.former_upn;
  object["upn_unknown"] = child.upn_unknown;
  object["birth_date"] = child.birth_date ? child.birth_date->ToIso() : "";
  object["expected_birth_date"] = child.expected_birth_date ? child.expected_birth_date->ToIso() : "";
  object["death_date"] = child.death_date ? child.death_date->ToIso() : "";
  object["sex"] = child.sex;
  object["ethnicity"] = child.ethnicity;
  object["disabilities"] = JoinCodes(child.disabilities);
  object["uasc"] = child.uasc;
  object["uasc_ceased"] = child.uasc_ceased ? child.uasc_ceased->ToIso() : "";
  object["mother"] = child.mother;
  object["mother_child_birth_date"] = child.mother_child_birth_date ? child.mother_child_birth_date->ToIso() : "";
  if (with_names) {
    object["given_name"] = child.given_name;
    object["family_name"] = child.family_name;
    object["preferred_name"] = child.preferred_name;
  }
  return object.dump();
}

std::string EventJson(std::string_view start, const std::optional<std::string>& end, std::string_view fields) {
  Json object = Json::object();
  object["start"] = start;
  object["end"] = end ? Json(*end) : Json(nullptr);
  object["fields"] = Json::parse(fields, nullptr, false);
  return object.dump();
}

// Reads a child row selected with kChildColumns.
Result<Child> ReadChild(const Statement& row) {
  Child child;
  child.la_child_id = std::string(row.ColumnText(1));
  child.upn = std::string(row.ColumnText(2));
  child.former_upn = std::string(row.ColumnText(3));
  child.upn_unknown = std::string(row.ColumnText(4));
  CAIRN_ASSIGN_OR_RETURN(child.birth_date, OptionalDateColumn(row, 5, "birth date"));
  CAIRN_ASSIGN_OR_RETURN(child.expected_birth_date, OptionalDateColumn(row, 6, "expected birth date"));
  CAIRN_ASSIGN_OR_RETURN(child.death_date, OptionalDateColumn(row, 7, "death date"));
  child.sex = std::string(row.ColumnText(8));
  child.ethnicity = std::string(row.ColumnText(9));
  child.disabilities = SplitCodes(row.ColumnText(10));
  child.uasc = row.ColumnInt(11) != 0;
  CAIRN_ASSIGN_OR_RETURN(child.uasc_ceased, OptionalDateColumn(row, 12, "UASC end date"));
  child.mother = std::string(row.ColumnText(13));
  CAIRN_ASSIGN_OR_RETURN(child.mother_child_birth_date, OptionalDateColumn(row, 14, "mother's child's birth date"));
  child.given_name = std::string(row.ColumnText(15));
  child.family_name = std::string(row.ColumnText(16));
  child.preferred_name = std::string(row.ColumnText(17));
  return child;
}

// Incoming details fill in or correct what is held; an empty incoming value never blanks one.
bool MergeChild(Child& held, const Child& incoming) {
  bool changed = false;
  auto text = [&](std::string& target, const std::string& value) {
    if (!value.empty() && value != target) {
      target = value;
      changed = true;
    }
  };
  auto date = [&](std::optional<Date>& target, const std::optional<Date>& value) {
    if (value && value != target) {
      target = value;
      changed = true;
    }
  };
  text(held.upn, incoming.upn);
  text(held.former_upn, incoming.former_upn);
  text(held.upn_unknown, incoming.upn_unknown);
  date(held.birth_date, incoming.birth_date);
  date(held.expected_birth_date, incoming.expected_birth_date);
  date(held.death_date, incoming.death_date);
  text(held.sex, incoming.sex);
  text(held.ethnicity, incoming.ethnicity);
  if (!incoming.disabilities.empty() && incoming.disabilities != held.disabilities) {
    held.disabilities = incoming.disabilities;
    changed = true;
  }
  if (incoming.uasc && !held.uasc) {
    held.uasc = true;
    changed = true;
  }
  date(held.uasc_ceased, incoming.uasc_ceased);
  text(held.mother, incoming.mother);
  date(held.mother_child_birth_date, incoming.mother_child_birth_date);
  text(held.given_name, incoming.given_name);
  text(held.family_name, incoming.family_name);
  text(held.preferred_name, incoming.preferred_name);
  return changed;
}

// PostgreSQL refuses text that is not UTF-8, and a revision's JSON cannot hold it. The message
// says which name, never the name itself: names stay out of messages and logs.
Status CheckNamesAreText(const Child& child) {
  const auto check = [&](const std::string& name, std::string_view what) {
    if (name.empty() || IsValidUtf8(name)) return Status::Ok();
    return Status::InvalidArgument("the " + std::string(what) + " of child " + child.la_child_id +
                                   " is not UTF-8 text");
  };
  CAIRN_RETURN_IF_ERROR(check(child.given_name, "given name"));
  CAIRN_RETURN_IF_ERROR(check(child.family_name, "family name"));
  return check(child.preferred_name, "preferred name");
}

Status BindChildDetails(Statement& statement, const Child& child, int first) {
  CAIRN_RETURN_IF_ERROR(statement.Bind(first, child.upn));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 1, child.former_upn));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 2, child.upn_unknown));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 3, IsoOrNull(child.birth_date)));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 4, IsoOrNull(child.expected_birth_date)));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 5, IsoOrNull(child.death_date)));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 6, child.sex));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 7, child.ethnicity));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 8, JoinCodes(child.disabilities)));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 9, int64_t{child.uasc ? 1 : 0}));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 10, IsoOrNull(child.uasc_ceased)));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 11, child.mother));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 12, IsoOrNull(child.mother_child_birth_date)));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 13, child.given_name));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 14, child.family_name));
  CAIRN_RETURN_IF_ERROR(statement.Bind(first + 15, child.preferred_name));
  return Status::Ok();
}

struct HeldEvent {
  int64_t id = 0;
  int64_t revision = 0;
  bool withdrawn = false;
  std::string start;
  std::optional<std::string> end;
  std::string fields;
};

// An event_report row is small and there is one for nearly every event, so they are inserted
// this many to a statement: running a statement costs far more than adding a row to it.
constexpr size_t kReportsPerInsert = 64;

// Prepared once per save: an import runs these statements hundreds of thousands of times.
struct SaveStatements {
  std::unique_ptr<Statement> find_child, insert_child, update_child, insert_child_revision, held_events,
      insert_event, update_event, insert_event_revision, insert_report, insert_reports, insert_image, delete_image,
      held_reports;

  static Result<SaveStatements> Prepare(Connection& db) {
    SaveStatements s;
    CAIRN_ASSIGN_OR_RETURN(s.find_child,
                           db.Prepare("SELECT " + std::string(kChildColumns) + " FROM child WHERE la_child_id = $1"));
    CAIRN_ASSIGN_OR_RETURN(
        s.insert_child,
        db.Prepare("INSERT INTO child (la_child_id, upn, former_upn, upn_unknown, birth_date, expected_birth_date, "
                   "death_date, sex, ethnicity, disabilities, uasc, uasc_ceased, mother, mother_child_birth_date, "
                   "given_name, family_name, preferred_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, "
                   "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)"));
    CAIRN_ASSIGN_OR_RETURN(
        s.update_child,
        db.Prepare("UPDATE child SET upn = $2, former_upn = $3, upn_unknown = $4, birth_date = $5, "
                   "expected_birth_date = $6, death_date = $7, sex = $8, ethnicity = $9, disabilities = $10, "
                   "uasc = $11, uasc_ceased = $12, mother = $13, mother_child_birth_date = $14, given_name = $15, "
                   "family_name = $16, preferred_name = $17, updated_at = $18 WHERE id = $1"));
    CAIRN_ASSIGN_OR_RETURN(s.insert_child_revision,
                           db.Prepare("INSERT INTO child_revision (child_id, recorded_at, recorded_by, reason, "
                                      "previous) VALUES ($1, $2, $3, $4, $5)"));
    CAIRN_ASSIGN_OR_RETURN(s.held_events, db.Prepare("SELECT id, natural_key, start_date, end_date, fields, "
                                                     "withdrawn, revision FROM event WHERE child_id = $1"));
    CAIRN_ASSIGN_OR_RETURN(
        s.insert_event,
        db.Prepare("INSERT INTO event (child_id, kind, start_date, end_date, parent_id, natural_key, fields, "
                   "source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"));
    CAIRN_ASSIGN_OR_RETURN(s.update_event,
                           db.Prepare("UPDATE event SET start_date = $2, end_date = $3, fields = $4, "
                                      "revision = revision + 1, updated_at = $5 WHERE id = $1"));
    CAIRN_ASSIGN_OR_RETURN(s.insert_event_revision,
                           db.Prepare("INSERT INTO event_revision (event_id, revision, action, recorded_at, "
                                      "recorded_by, reason, previous, child_id) "
                                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"));
    std::string many_reports = "INSERT INTO event_report (event_id, collection_year) VALUES ";
    for (size_t row = 0; row < kReportsPerInsert; ++row) {
      many_reports += (row > 0 ? ", ($" : "($") + std::to_string(2 * row + 1) + ", $" + std::to_string(2 * row + 2) + ")";
    }
    CAIRN_ASSIGN_OR_RETURN(s.insert_reports, db.Prepare(many_reports + " ON CONFLICT DO NOTHING"));
    CAIRN_ASSIGN_OR_RETURN(s.insert_report,
                           db.Prepare("INSERT INTO event_report (event_id, collection_year) VALUES ($1, $2) "
                                      "ON CONFLICT DO NOTHING"));
    CAIRN_ASSIGN_OR_RETURN(s.insert_image,
                           db.Prepare("INSERT INTO chronology_image (child_id, generation, image) VALUES ($1, $2, $3)"));
    CAIRN_ASSIGN_OR_RETURN(s.delete_image, db.Prepare("DELETE FROM chronology_image WHERE child_id = $1"));
    CAIRN_ASSIGN_OR_RETURN(s.held_reports, db.Prepare("SELECT r.event_id, r.collection_year FROM event_report r JOIN "
                                                      "event e ON e.id = r.event_id WHERE e.child_id = $1"));
    return s;
  }
};

// Runs an INSERT and returns the new row's id. Not INSERT ... RETURNING: SQLite builds a
// temporary table for every RETURNING run, which was over a third of the time saving took.
Result<int64_t> RunInsert(Connection& db, Statement& statement) {
  CAIRN_RETURN_IF_ERROR(statement.Run());
  return db.LastInsertId();
}

// Events in an order where every parent comes before its children.
std::vector<int32_t> ParentsFirst(const Chronology& chronology) {
  const auto& events = chronology.events();
  std::vector<int32_t> depth(events.size(), 0);
  for (size_t i = 0; i < events.size(); ++i) {
    for (int32_t p = events[i].parent; p >= 0; p = events[static_cast<size_t>(p)].parent) ++depth[i];
  }
  std::vector<int32_t> order(events.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return depth[static_cast<size_t>(a)] < depth[static_cast<size_t>(b)]; });
  return order;
}

// Builds chronologies: each child's events from its image (chronology_image.h) when it has a
// current one, else from its rows of `event` and `event_report`.
class ChronologyLoader {
 public:
  // Without images, every child is read from its rows (to make images, and to check them).
  ChronologyLoader(Connection& db, bool use_images) : db_(db), use_images_(use_images) {}

  // Every child, in row id order.
  Result<std::vector<Chronology>> LoadAll() {
    CAIRN_ASSIGN_OR_RETURN(auto children, PrepareChildren(""));
    CAIRN_RETURN_IF_ERROR(ReadChildren(*children));
    return Finish();
  }
  // The child with this LA child id (none or one).
  Result<std::vector<Chronology>> LoadOne(std::string_view la_child_id) {
    CAIRN_ASSIGN_OR_RETURN(auto children, PrepareChildren(" WHERE c.la_child_id = $1"));
    CAIRN_RETURN_IF_ERROR(children->Bind(1, la_child_id));
    CAIRN_RETURN_IF_ERROR(ReadChildren(*children));
    return Finish();
  }
  // The children with these row ids (sorted, each once), in that order.
  Result<std::vector<Chronology>> LoadIds(std::span<const int64_t> ids) {
    if (ids.size() > kOneByOne) {
      // Reading every child and keeping these is quicker than asking for each.
      CAIRN_ASSIGN_OR_RETURN(auto children, PrepareChildren(""));
      CAIRN_RETURN_IF_ERROR(ReadChildren(*children, ids));
    } else {
      CAIRN_ASSIGN_OR_RETURN(auto children, PrepareChildren(" WHERE c.id = $1"));
      for (int64_t id : ids) {
        CAIRN_RETURN_IF_ERROR(children->Bind(1, id));
        CAIRN_RETURN_IF_ERROR(ReadChildren(*children));
      }
    }
    return Finish();
  }
  // The row id of each chronology the last load gave, in the same order.
  const std::vector<int64_t>& row_ids() const { return row_ids_; }

 private:
  // Up to this many children read from their rows are asked for one by one; more, and the event
  // table is read through once.
  static constexpr size_t kOneByOne = 200;

  Result<std::unique_ptr<Statement>> PrepareChildren(const std::string& where) {
    std::string sql = "SELECT " + std::string(kChildColumns);
    if (use_images_) {
      sql += ", i.generation, i.image, (SELECT max(h.generation) FROM child_change h WHERE h.child_id = c.id) "
             "FROM child c LEFT JOIN chronology_image i ON i.child_id = c.id";
    } else {
      sql += " FROM child c";
    }
    return db_.Prepare(sql + where + " ORDER BY c.id");
  }

  // Reads the children the statement gives (only those in `wanted`, when given), each with its
  // image's events when the image is current.
  Status ReadChildren(Statement& children, std::optional<std::span<const int64_t>> wanted = std::nullopt) {
    constexpr int kImageGeneration = 18, kImage = 19, kLastChange = 20;
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, children.Step());
      if (!row) break;
      const int64_t row_id = children.ColumnInt(0);
      if (wanted && !std::binary_search(wanted->begin(), wanted->end(), row_id)) continue;
      CAIRN_ASSIGN_OR_RETURN(Child child, ReadChild(children));
      const size_t index = result_.size();
      result_.emplace_back(std::move(child));
      row_ids_.push_back(row_id);
      // Current: made at or after the last change that named the child (a change naming none
      // is a writer's, which removes the image of each child it changes and makes a new one).
      const bool current = use_images_ && !children.ColumnIsNull(kImage) &&
                           (children.ColumnIsNull(kLastChange) ||
                            children.ColumnInt(kImageGeneration) >= children.ColumnInt(kLastChange));
      if (current) {
        images_.push_back({index, row_id, std::string(children.ColumnBytes(kImage))});
        if (images_.size() >= kImagesAtOnce) DecodeImages();
        continue;
      }
      // No image, or an old one: the rows say the same, more slowly.
      from_rows_.emplace(row_id, index);
    }
    DecodeImages();
    return children.Reset();
  }

  // Decodes the images gathered, and puts each chronology in order, on a few threads: a whole
  // council's load spends most of its time here, making the events' fields. An image that
  // cannot be read leaves its child to be read from the rows.
  void DecodeImages() {
    if (images_.empty()) return;
    std::vector<char> unreadable(images_.size(), 0);
    const int threads = images_.size() >= kImagesForThreads ? CoreThreads(kDecodeThreads) : 1;
    ParallelFor(
        images_.size(), threads,
        [&](int, size_t begin, size_t end) {
          for (size_t i = begin; i < end; ++i) {
            Chronology& chronology = result_[images_[i].index];
            if (DecodeChronologyImage(images_[i].bytes, chronology.mutable_events()).ok()) {
              chronology.Sort();
            } else {
              unreadable[i] = 1;
            }
          }
        },
        /*batch=*/64);
    for (size_t i = 0; i < images_.size(); ++i) {
      if (unreadable[i] == 0) continue;
      result_[images_[i].index].mutable_events().clear();
      from_rows_.emplace(images_[i].row_id, images_[i].index);
    }
    images_.clear();
  }

  Result<std::vector<Chronology>> Finish() {
    if (!from_rows_.empty()) {
      if (from_rows_.size() > kOneByOne) {
        CAIRN_ASSIGN_OR_RETURN(auto events, db_.Prepare(std::string(kEventSelect) + " ORDER BY id"));
        CAIRN_RETURN_IF_ERROR(ReadEventRows(*events));
        LinkParents();
        CAIRN_ASSIGN_OR_RETURN(auto reports, db_.Prepare("SELECT event_id, collection_year FROM event_report"));
        CAIRN_RETURN_IF_ERROR(ReadReportRows(*reports));
      } else {
        CAIRN_ASSIGN_OR_RETURN(auto events, db_.Prepare(std::string(kEventSelect) + " AND child_id = $1 ORDER BY id"));
        CAIRN_ASSIGN_OR_RETURN(auto reports,
                               db_.Prepare("SELECT r.event_id, r.collection_year FROM event_report r "
                                           "JOIN event e ON e.id = r.event_id WHERE e.child_id = $1"));
        for (const auto& [row_id, index] : from_rows_) {
          CAIRN_RETURN_IF_ERROR(events->Bind(1, row_id));
          CAIRN_RETURN_IF_ERROR(ReadEventRows(*events));
        }
        LinkParents();
        for (const auto& [row_id, index] : from_rows_) {
          CAIRN_RETURN_IF_ERROR(reports->Bind(1, row_id));
          CAIRN_RETURN_IF_ERROR(ReadReportRows(*reports));
        }
      }
    }
    // Those decoded from images are in order already.
    for (const auto& [row_id, index] : from_rows_) result_[index].Sort();
    from_rows_.clear();
    located_.clear();
    parent_links_.clear();
    return std::move(result_);
  }

  static constexpr std::string_view kEventSelect =
      "SELECT id, child_id, kind, start_date, end_date, parent_id, fields, source, revision FROM event "
      "WHERE withdrawn = 0";

  struct Location {
    size_t chronology;
    int32_t index;
  };

  // Reads event rows (kEventSelect's columns) of the children read from rows, in id order.
  Status ReadEventRows(Statement& events) {
    // Children come mostly a run at a time (their events are saved together): each run is
    // gathered here and moved into its chronology in one allocation of the right size, rather than
    // the list doubling (and moving every event) as it grows. Within a child the events keep their
    // id order.
    std::vector<Event> gathered;
    size_t gathering = result_.size();  // the chronology being gathered; result_.size(): none
    auto hand_over = [&]() {
      if (gathering == result_.size()) return;
      auto& list = result_[gathering].mutable_events();
      list.reserve(list.size() + gathered.size());
      for (Event& event : gathered) list.push_back(std::move(event));
      gathered.clear();
    };
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, events.Step());
      if (!row) break;
      auto owner = from_rows_.find(events.ColumnInt(1));
      if (owner == from_rows_.end()) continue;
      Event event;
      event.id = events.ColumnInt(0);
      if (owner->second != gathering) {
        hand_over();
        gathering = owner->second;
      }
      CAIRN_ASSIGN_OR_RETURN(event.kind, model::EventKindFromId(events.ColumnText(2)));
      CAIRN_ASSIGN_OR_RETURN(event.start, Date::ParseIso(events.ColumnText(3)));
      CAIRN_ASSIGN_OR_RETURN(event.end, OptionalDateColumn(events, 4, "event end date"));
      CAIRN_RETURN_IF_ERROR(ParseFieldsJson(events.ColumnText(6), event));
      event.provenance.source = std::string(events.ColumnText(7));
      event.revision = events.ColumnInt(8);
      const Location location{owner->second,
                              static_cast<int32_t>(result_[owner->second].events().size() + gathered.size())};
      if (!events.ColumnIsNull(5)) parent_links_.push_back({location, events.ColumnInt(5)});
      located_.emplace_back(event.id, location);
      gathered.push_back(std::move(event));
    }
    hand_over();
    return events.Reset();
  }

  const Location* Locate(int64_t id) const {
    auto found = std::lower_bound(located_.begin(), located_.end(), id,
                                  [](const auto& entry, int64_t wanted) { return entry.first < wanted; });
    return found != located_.end() && found->first == id ? &found->second : nullptr;
  }

  void LinkParents() {
    std::sort(located_.begin(), located_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [location, parent_id] : parent_links_) {
      const Location* parent = Locate(parent_id);
      // A withdrawn parent leaves its children standing alone rather than pointing nowhere.
      if (parent != nullptr && parent->chronology == location.chronology) {
        result_[location.chronology].mutable_events()[static_cast<size_t>(location.index)].parent = parent->index;
      }
    }
  }

  Status ReadReportRows(Statement& reports) {
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, reports.Step());
      if (!row) break;
      const Location* where_is = Locate(reports.ColumnInt(0));
      if (where_is == nullptr) continue;
      result_[where_is->chronology]
          .mutable_events()[static_cast<size_t>(where_is->index)]
          .provenance.AddReportedYear(static_cast<int>(reports.ColumnInt(1)));
    }
    return reports.Reset();
  }

  // Images are decoded this many at a time (a copy of each is held until then), on up to
  // kDecodeThreads threads when there are kImagesForThreads of them or more.
  static constexpr size_t kImagesAtOnce = 8192;
  static constexpr size_t kImagesForThreads = 256;
  static constexpr int kDecodeThreads = 4;

  struct PendingImage {
    size_t index;  // in result_
    int64_t row_id;
    std::string bytes;
  };

  Connection& db_;
  bool use_images_;
  std::vector<PendingImage> images_;
  std::vector<Chronology> result_;
  std::vector<int64_t> row_ids_;
  // Children read from their rows: row id to their place in result_.
  std::map<int64_t, size_t> from_rows_;
  // Every event read from rows, by id: one sorted array rather than a hash node per event (a
  // whole council's load allocated half a million of them).
  std::vector<std::pair<int64_t, Location>> located_;
  std::vector<std::pair<Location, int64_t>> parent_links_;
};

// Below, with the other image writing.
Status WriteImagesFromRows(Connection& db, std::vector<int64_t> child_ids, int64_t generation);

// Every row `sql` gives, its first `columns` columns as text: the schema queries the bulk loads
// read their indexes and keys with.
Result<std::vector<std::vector<std::string>>> TextRows(Connection& db, std::string_view sql, int columns) {
  CAIRN_ASSIGN_OR_RETURN(auto statement, db.Prepare(sql));
  std::vector<std::vector<std::string>> rows;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool has, statement->Step());
    if (!has) break;
    std::vector<std::string>& row = rows.emplace_back();
    for (int column = 0; column < columns; ++column) row.emplace_back(statement->ColumnText(column));
  }
  return rows;
}

}  // namespace

std::string UtcTimestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// A page cache big enough to hold a large import's pages until the commit (it grows only as
// pages are used): 512 MiB, in SQLite's negative-means-KiB form.
constexpr int64_t kWriterCacheKib = 512 * 1024;

struct ChronologyWriter::State {
  State(Connection& connection, ChangeContext change) : db(connection), context(std::move(change)) {}

  Status SaveOne(const Chronology& chronology);
  // Inserts the pending event_report rows kReportsPerInsert at a time, and with `all` the rest
  // one by one.
  Status InsertReports(bool all);
  Status RestoreIndexes();
  Status RestoreCache();

  Connection& db;
  ChangeContext context;
  SaveStatements s;
  std::optional<AuditTrail> audit;
  AuditEntry audit_entry;  // the entry for each child saved: who, how, from where (Start)
  SaveReport report;
  std::string now;
  bool finished = false;
  std::vector<std::pair<std::string, std::string>> dropped_indexes;  // name, CREATE INDEX sql
  std::optional<int64_t> cache_size_before;
  std::string fields;  // scratch, reused for every event
  std::vector<std::pair<int64_t, int>> pending_reports;  // event id, collection year
  bool noted = false;  // the change is noted for other servers (once: a save is a bulk change)
  int64_t generation = 0;  // the record generation the change took, once noted
  // Children held before this writer whose events it changed: their images are made again from
  // their rows by Finish() (a new child's image is made from what is saved, as it is saved).
  std::vector<int64_t> changed_children;
  ChronologyImageBuilder image;
  std::vector<int32_t> position;  // scratch: each event's place in the order it is saved

  // PostgreSQL, filling an empty database inside a transaction: new children's rows are sent by
  // COPY (Connection::PrepareCopy) with ids handed out here from the tables' sequences, rather than
  // a round trip to the server for every row. A child given twice ends that (what is buffered is
  // sent, the sequences are moved on) and the rest of the load goes the ordinary way.
  struct DroppedKey {
    std::string table, name, definition;
  };
  struct Bulk {
    std::unique_ptr<RowCopy> children, events, reports, images;
    std::vector<DroppedKey> dropped_keys;  // added again by FinishBulk
    std::vector<std::pair<std::string, std::string>> dropped_indexes;  // name, CREATE INDEX; likewise
    int64_t next_child_id = 0, next_event_id = 0;
    std::unordered_set<std::string> saved;  // la_child_id of every child sent this way
  };
  std::optional<Bulk> bulk;
  Status StartBulk();
  Status FinishBulk();  // sends what is buffered and moves the sequences on

  // Before the first row is written (and so before the audit chain's head): record_changes.h.
  Status NoteChange() {
    if (noted) return Status::Ok();
    noted = true;
    CAIRN_RETURN_IF_ERROR(NoteChildChanged(db, 0));
    CAIRN_ASSIGN_OR_RETURN(generation, RecordGeneration(db));
    return Status::Ok();
  }
};

Result<ChronologyWriter> ChronologyWriter::Start(Connection& db, ChangeContext context) {
  // Made first, so that a failure part way puts back whatever was already changed.
  ChronologyWriter writer(std::make_unique<State>(db, std::move(context)));
  State& state = *writer.state_;
  if (db.backend_name() == "sqlite") {
    CAIRN_ASSIGN_OR_RETURN(auto cache, db.Prepare("PRAGMA cache_size"));
    CAIRN_ASSIGN_OR_RETURN(bool has_row, cache->Step());
    const int64_t cache_size = has_row ? cache->ColumnInt(0) : 0;
    cache.reset();
    if (has_row) {
      CAIRN_RETURN_IF_ERROR(db.ExecuteScript("PRAGMA cache_size = -" + std::to_string(kWriterCacheKib)));
      state.cache_size_before = cache_size;
    }

    // Only inside a transaction: dropped indexes must come back, or be rolled back, with it.
    if (db.InTransaction()) {
      CAIRN_ASSIGN_OR_RETURN(auto any_child, db.Prepare("SELECT EXISTS (SELECT 1 FROM child)"));
      CAIRN_ASSIGN_OR_RETURN(bool row, any_child->Step());
      const bool empty = row && any_child->ColumnInt(0) == 0;
      any_child.reset();
      if (empty) {
        CAIRN_ASSIGN_OR_RETURN(auto found, TextRows(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                                        "AND tbl_name IN ('event', 'event_report', 'audit_log', 'audit_child') "
                                                        "AND sql IS NOT NULL ORDER BY name", 2));
        for (auto& index : found) {
          CAIRN_RETURN_IF_ERROR(db.ExecuteScript("DROP INDEX \"" + index[0] + "\""));
          state.dropped_indexes.emplace_back(std::move(index[0]), std::move(index[1]));
        }
      }
    }
  }
  // Before anything is read: another writer's children are then committed, or not begun.
  CAIRN_RETURN_IF_ERROR(HoldRecordGeneration(db));
  // Prepared after any DROP INDEX, so SQLite need not prepare them again for the new schema.
  CAIRN_ASSIGN_OR_RETURN(state.s, SaveStatements::Prepare(db));
  CAIRN_ASSIGN_OR_RETURN(AuditTrail audit, AuditTrail::Open(db));
  state.audit.emplace(std::move(audit));
  state.audit_entry.actor = state.context.actor;
  state.audit_entry.role = state.context.role;
  state.audit_entry.route = state.context.route;
  state.audit_entry.client = state.context.client;
  state.audit_entry.children.assign(1, std::string());
  if (db.backend_name() == "postgresql" && db.InTransaction()) CAIRN_RETURN_IF_ERROR(state.StartBulk());
  return writer;
}

ChronologyWriter::ChronologyWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
ChronologyWriter::ChronologyWriter(ChronologyWriter&& other) noexcept = default;

ChronologyWriter::~ChronologyWriter() {
  if (state_ == nullptr || state_->finished) return;
  // After a failure the caller rolls back, which brings the indexes back anyway; putting them
  // back here too keeps a caller that commits regardless from losing them. Failures cannot be
  // reported from a destructor, and a rollback makes them moot.
  // Only inside the transaction: after a rollback, sending what is buffered would write it
  // outside any transaction.
  if (state_->db.InTransaction()) (void)state_->FinishBulk();
  (void)state_->RestoreIndexes();
  (void)state_->RestoreCache();
}

bool ChronologyWriter::deferring_indexes() const { return state_ != nullptr && !state_->dropped_indexes.empty(); }

Status ChronologyWriter::Save(std::span<const Chronology> chronologies,
                              const std::function<void(size_t children_done)>& progress) {
  if (state_ == nullptr || state_->finished) {
    return Status::FailedPrecondition("this chronology writer has already finished");
  }
  state_->now = UtcTimestamp();
  for (size_t i = 0; i < chronologies.size(); ++i) {
    Status saved = state_->SaveOne(chronologies[i]);
    if (!saved.ok()) return saved.WithContext("saving child " + chronologies[i].child().la_child_id);
    if (progress && (i + 1) % 5000 == 0) progress(i + 1);
  }
  CAIRN_RETURN_IF_ERROR(state_->InsertReports(/*all=*/true));
  if (progress) progress(chronologies.size());
  return Status::Ok();
}

Status ChronologyWriter::State::StartBulk() {
  CAIRN_ASSIGN_OR_RETURN(auto any_child, db.Prepare("SELECT EXISTS (SELECT 1 FROM child)"));
  CAIRN_ASSIGN_OR_RETURN(bool row, any_child->Step());
  const bool empty = row && any_child->ColumnInt(0) == 0;
  any_child.reset();
  if (!empty) return Status::Ok();
  // Every lock the load needs is taken here, at once: dropping and adding the keys below needs
  // the strongest on each table, and a lock made stronger later could wait on a reader that
  // waits on this writer. Other writers wait for the record generation this writer holds
  // (Start), so none is part way through these tables; but a transaction that read them (another
  // Cairn making images after its migrations, say) holds a lock until it ends. So the locks are
  // asked for without waiting, and when one is held elsewhere the load goes the ordinary way.
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("SAVEPOINT cairn_bulk"));
  Status locked = db.ExecuteScript(
      "LOCK TABLE child, event, event_report, chronology_image IN ACCESS EXCLUSIVE MODE NOWAIT");
  if (!locked.ok()) return db.ExecuteScript("ROLLBACK TO SAVEPOINT cairn_bulk; RELEASE SAVEPOINT cairn_bulk");
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("RELEASE SAVEPOINT cairn_bulk"));
  // Nobody else adds children or events until this transaction ends, so the ids handed out here
  // from one nextval() on are free. The audit rows' references to children are checked at the
  // commit, since a buffer of audit rows may reach the server before the buffer of children.
  CAIRN_RETURN_IF_ERROR(db.ExecuteScript("SET CONSTRAINTS ALL DEFERRED"));
  // The foreign keys of the record's tables filled here are dropped and added again by
  // FinishBulk: adding one checks every row in a single join, where a deferred check queues a
  // trigger per row and runs them all at the commit (22.7 s of a 400,000-child census's 45.6 s).
  // The tables are held with their strongest lock, so other servers wait to read them until the
  // load ends, as they would find them empty anyway. Not the audit trail's tables: every other writer
  // locks the chain's head before them, and this one only at its first entry, so locking them
  // here could deadlock with a page being audited; nor are they empty.
  // So are the primary keys no foreign key refers to (event_report's, chronology_image's):
  // keeping each up row by row cost more than building it once at the end. They come back first.
  CAIRN_ASSIGN_OR_RETURN(auto keys, TextRows(db, "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) "
                                               "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                                               "WHERE t.relnamespace = current_schema()::regnamespace "
                                               "AND t.relname IN ('event', 'event_report', 'chronology_image') "
                                               "AND (c.contype = 'f' OR (c.contype = 'p' AND NOT EXISTS "
                                               "(SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.confrelid = t.oid))) "
                                               "ORDER BY c.contype = 'p' DESC, 1, 2", 3));
  std::vector<DroppedKey> dropped;
  for (auto& key : keys) {
    CAIRN_RETURN_IF_ERROR(db.ExecuteScript("ALTER TABLE \"" + key[0] + "\" DROP CONSTRAINT \"" + key[1] + "\""));
    dropped.push_back({std::move(key[0]), std::move(key[1]), std::move(key[2])});
  }
  // So are their indexes other than the primary keys and constraints' (which the keys above
  // refer to): one sort at the end builds each, where keeping it up row by row is most of what
  // the server does during the load.
  CAIRN_ASSIGN_OR_RETURN(auto indexes, TextRows(db, "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                                                  "JOIN pg_class i ON i.oid = x.indexrelid "
                                                  "JOIN pg_class t ON t.oid = x.indrelid "
                                                  "WHERE t.relnamespace = current_schema()::regnamespace "
                                                  "AND t.relname IN ('event', 'event_report', 'chronology_image') "
                                                  "AND NOT x.indisprimary "
                                                  "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) "
                                                  "ORDER BY 1", 2));
  std::vector<std::pair<std::string, std::string>> dropped_indexes_here;
  for (auto& index : indexes) {
    CAIRN_RETURN_IF_ERROR(db.ExecuteScript("DROP INDEX \"" + index[0] + "\""));
    dropped_indexes_here.emplace_back(std::move(index[0]), std::move(index[1]));
  }
  CAIRN_ASSIGN_OR_RETURN(auto next, db.Prepare("SELECT nextval(pg_get_serial_sequence('child', 'id')), "
                                               "nextval(pg_get_serial_sequence('event', 'id'))"));
  CAIRN_ASSIGN_OR_RETURN(bool has_ids, next->Step());
  if (!has_ids) return Status::Internal("PostgreSQL gave no next ids for child and event");
  Bulk started;
  started.next_child_id = next->ColumnInt(0);
  started.next_event_id = next->ColumnInt(1);
  next.reset();
  CAIRN_ASSIGN_OR_RETURN(started.children,
                         db.PrepareCopy("child", {"la_child_id", "upn", "former_upn", "upn_unknown", "birth_date",
                                                  "expected_birth_date", "death_date", "sex", "ethnicity",
                                                  "disabilities", "uasc", "uasc_ceased", "mother",
                                                  "mother_child_birth_date", "given_name", "family_name",
                                                  "preferred_name", "created_at", "updated_at", "id"}));
  CAIRN_ASSIGN_OR_RETURN(started.events,
                         db.PrepareCopy("event", {"child_id", "kind", "start_date", "end_date", "parent_id",
                                                  "natural_key", "fields", "source", "created_at", "updated_at", "id"}));
  CAIRN_ASSIGN_OR_RETURN(started.reports, db.PrepareCopy("event_report", {"event_id", "collection_year"}));
  CAIRN_ASSIGN_OR_RETURN(started.images, db.PrepareCopy("chronology_image", {"child_id", "generation", "image"}));
  CAIRN_RETURN_IF_ERROR(audit->LoadInBulk());
  started.dropped_keys = std::move(dropped);
  started.dropped_indexes = std::move(dropped_indexes_here);
  bulk = std::move(started);
  return Status::Ok();
}

Status ChronologyWriter::State::FinishBulk() {
  if (!bulk) return Status::Ok();
  for (RowCopy* copy : {bulk->children.get(), bulk->events.get(), bulk->reports.get(), bulk->images.get()}) {
    CAIRN_RETURN_IF_ERROR(copy->Flush());
  }
  // The sequences move past every id handed out: the next nextval() gives the next free one.
  CAIRN_ASSIGN_OR_RETURN(auto moved, db.Prepare("SELECT setval(pg_get_serial_sequence('child', 'id'), $1, false), "
                                                "setval(pg_get_serial_sequence('event', 'id'), $2, false)"));
  CAIRN_RETURN_IF_ERROR(moved->BindAll({bulk->next_child_id, bulk->next_event_id}));
  CAIRN_RETURN_IF_ERROR(moved->Run());
  moved.reset();
  if (!bulk->dropped_indexes.empty()) {
    // Room to sort the largest index in memory (for this transaction only).
    CAIRN_RETURN_IF_ERROR(db.ExecuteScript("SET LOCAL maintenance_work_mem = '256MB'"));
  }
  for (const auto& [name, definition] : bulk->dropped_indexes) {
    Status built = db.ExecuteScript(definition);
    if (!built.ok()) return built.WithContext("re-creating index " + name);
  }
  for (const DroppedKey& key : bulk->dropped_keys) {
    Status added = db.ExecuteScript("ALTER TABLE \"" + key.table + "\" ADD CONSTRAINT \"" + key.name + "\" " +
                                    key.definition);
    if (!added.ok()) return added.WithContext("checking " + key.table + "." + key.name);
  }
  bulk.reset();
  return Status::Ok();
}

Result<SaveReport> ChronologyWriter::Finish() {
  if (state_ == nullptr || state_->finished) {
    return Status::FailedPrecondition("this chronology writer has already finished");
  }
  CAIRN_RETURN_IF_ERROR(state_->FinishBulk());
  CAIRN_RETURN_IF_ERROR(state_->audit->Flush());
  CAIRN_RETURN_IF_ERROR(state_->RestoreIndexes());
  CAIRN_RETURN_IF_ERROR(WriteImagesFromRows(state_->db, std::move(state_->changed_children), state_->generation));
  CAIRN_RETURN_IF_ERROR(state_->RestoreCache());
  state_->finished = true;
  return state_->report;
}

Status ChronologyWriter::State::InsertReports(bool all) {
  size_t done = 0;
  for (; pending_reports.size() - done >= kReportsPerInsert; done += kReportsPerInsert) {
    for (size_t row = 0; row < kReportsPerInsert; ++row) {
      const auto& [event_id, year] = pending_reports[done + row];
      const int first = static_cast<int>(2 * row + 1);
      CAIRN_RETURN_IF_ERROR(s.insert_reports->Bind(first, event_id));
      CAIRN_RETURN_IF_ERROR(s.insert_reports->Bind(first + 1, int64_t{year}));
    }
    CAIRN_RETURN_IF_ERROR(s.insert_reports->Run());
  }
  for (; all && done < pending_reports.size(); ++done) {
    CAIRN_RETURN_IF_ERROR(s.insert_report->Bind(1, pending_reports[done].first));
    CAIRN_RETURN_IF_ERROR(s.insert_report->Bind(2, int64_t{pending_reports[done].second}));
    CAIRN_RETURN_IF_ERROR(s.insert_report->Run());
  }
  pending_reports.erase(pending_reports.begin(), pending_reports.begin() + static_cast<std::ptrdiff_t>(done));
  return Status::Ok();
}

Status ChronologyWriter::State::RestoreIndexes() {
  // With no transaction open SQLite has already rolled back, indexes and all.
  if (!dropped_indexes.empty() && db.InTransaction()) {
    // SQLite sorts an index's keys on helper threads when allowed: building the indexes of a
    // few million events is the longest single step of a large import.
    CAIRN_RETURN_IF_ERROR(db.ExecuteScript("PRAGMA threads = 2"));
    for (const auto& [name, sql] : dropped_indexes) {
      Status built = db.ExecuteScript(sql);
      if (!built.ok()) return built.WithContext("re-creating index " + name);
    }
  }
  dropped_indexes.clear();
  return Status::Ok();
}

Status ChronologyWriter::State::RestoreCache() {
  if (!cache_size_before) return Status::Ok();
  const int64_t before = *cache_size_before;
  cache_size_before.reset();
  return db.ExecuteScript("PRAGMA cache_size = " + std::to_string(before));
}

Status ChronologyWriter::State::SaveOne(const Chronology& chronology) {
  const Child& incoming = chronology.child();
  if (incoming.la_child_id.empty()) return Status::InvalidArgument("a child has no LA child id");
  CAIRN_RETURN_IF_ERROR(CheckNamesAreText(incoming));
  const auto& events = chronology.events();
  const std::vector<int32_t> order = ParentsFirst(chronology);
  const std::vector<std::string> keys = chronology.NaturalKeys();
  // Refused before anything is written: the same event twice in one chronology.
  if (events.size() > 1) {
    std::vector<int32_t> by_key = order;
    std::stable_sort(by_key.begin(), by_key.end(), [&](int32_t a, int32_t b) {
      return keys[static_cast<size_t>(a)] < keys[static_cast<size_t>(b)];
    });
    const auto twice = std::adjacent_find(by_key.begin(), by_key.end(), [&](int32_t a, int32_t b) {
      return keys[static_cast<size_t>(a)] == keys[static_cast<size_t>(b)];
    });
    if (twice != by_key.end()) {
      return Status::InvalidArgument("child " + incoming.la_child_id + " has the same " +
                                     std::string(model::IdOf(events[static_cast<size_t>(*twice)].kind)) + " twice (" +
                                     keys[static_cast<size_t>(*twice)] + ")");
    }
  }
  const SaveReport before = report;

  int64_t child_id = 0;
  std::unordered_map<std::string, HeldEvent> held;
  std::vector<std::pair<int64_t, int>> held_years;  // (event id, collection year), sorted
  bool years_added = false;  // a held event reported in a year more
  // In bulk, a child not sent before is new (the database was empty); one sent before is found
  // the ordinary way, once what is buffered has reached the server.
  const bool new_in_bulk = bulk && bulk->saved.insert(incoming.la_child_id).second;
  if (bulk && !new_in_bulk) CAIRN_RETURN_IF_ERROR(FinishBulk());
  bool found = false;
  if (!new_in_bulk) {
    CAIRN_RETURN_IF_ERROR(s.find_child->Bind(1, incoming.la_child_id));
    CAIRN_ASSIGN_OR_RETURN(found, s.find_child->Step());
  }
  if (!found) {
    CAIRN_RETURN_IF_ERROR(s.find_child->Reset());
    CAIRN_RETURN_IF_ERROR(NoteChange());
    Statement& insert = new_in_bulk ? *bulk->children : *s.insert_child;
    CAIRN_RETURN_IF_ERROR(insert.Bind(1, incoming.la_child_id));
    CAIRN_RETURN_IF_ERROR(BindChildDetails(insert, incoming, 2));
    CAIRN_RETURN_IF_ERROR(insert.Bind(2 + kChildDetailCount, now));
    if (new_in_bulk) {
      child_id = bulk->next_child_id++;
      CAIRN_RETURN_IF_ERROR(insert.Bind(3 + kChildDetailCount, now));
      CAIRN_RETURN_IF_ERROR(insert.Bind(4 + kChildDetailCount, child_id));
      CAIRN_RETURN_IF_ERROR(insert.Run());
    } else {
      CAIRN_ASSIGN_OR_RETURN(child_id, RunInsert(db, insert));
    }
    ++report.children_added;
  } else {
    child_id = s.find_child->ColumnInt(0);
    CAIRN_ASSIGN_OR_RETURN(Child current, ReadChild(*s.find_child));
    CAIRN_RETURN_IF_ERROR(s.find_child->Reset());
    // A child given twice in one load into an empty database: finding its events needs the
    // indexes, so they are built now and kept up row by row from here on.
    CAIRN_RETURN_IF_ERROR(RestoreIndexes());
    const Child held_before = current;
    if (MergeChild(current, incoming)) {
      CAIRN_RETURN_IF_ERROR(NoteChange());
      const std::string previous = ChildJson(held_before, NamesDiffer(held_before, current));
      CAIRN_RETURN_IF_ERROR(s.insert_child_revision->BindAll({child_id, now, context.actor, context.reason, previous}));
      CAIRN_RETURN_IF_ERROR(s.insert_child_revision->Run());
      CAIRN_RETURN_IF_ERROR(s.update_child->Bind(1, child_id));
      CAIRN_RETURN_IF_ERROR(BindChildDetails(*s.update_child, current, 2));
      CAIRN_RETURN_IF_ERROR(s.update_child->Bind(2 + kChildDetailCount, now));
      CAIRN_RETURN_IF_ERROR(s.update_child->Run());
      ++report.children_updated;
    }
    CAIRN_RETURN_IF_ERROR(s.held_events->Bind(1, child_id));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, s.held_events->Step());
      if (!row) break;
      HeldEvent event;
      event.id = s.held_events->ColumnInt(0);
      event.start = std::string(s.held_events->ColumnText(2));
      event.end = s.held_events->ColumnOptionalText(3);
      event.fields = std::string(s.held_events->ColumnText(4));
      event.withdrawn = s.held_events->ColumnInt(5) != 0;
      event.revision = s.held_events->ColumnInt(6);
      held.emplace(std::string(s.held_events->ColumnText(1)), std::move(event));
    }
    CAIRN_RETURN_IF_ERROR(s.held_events->Reset());
    // The years already reported, so that a return reporting the same events again changes nothing.
    CAIRN_RETURN_IF_ERROR(s.held_reports->Bind(1, child_id));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, s.held_reports->Step());
      if (!row) break;
      held_years.emplace_back(s.held_reports->ColumnInt(0), static_cast<int>(s.held_reports->ColumnInt(1)));
    }
    CAIRN_RETURN_IF_ERROR(s.held_reports->Reset());
    std::sort(held_years.begin(), held_years.end());
  }

  std::vector<int64_t> ids(events.size(), 0);
  for (int32_t index : order) {
    const Event& event = events[static_cast<size_t>(index)];
    const std::string& key = keys[static_cast<size_t>(index)];
    const std::string start = event.start.ToIso();
    const std::string end = event.end ? event.end->ToIso() : std::string();
    CAIRN_RETURN_IF_ERROR(WriteFieldsJson(event, fields));

    int64_t id = 0;
    auto match = held.empty() ? held.end() : held.find(key);
    if (match != held.end()) {
      const HeldEvent& current = match->second;
      id = current.id;
      const bool same_end = event.end ? current.end && *current.end == end : !current.end;
      if (current.withdrawn || (current.start == start && same_end && current.fields == fields)) {
        ++report.events_unchanged;
      } else {
        CAIRN_RETURN_IF_ERROR(NoteChange());
        CAIRN_RETURN_IF_ERROR(s.insert_event_revision->BindAll(
            {id, current.revision, std::string("amended"), now, context.actor, context.reason,
             EventJson(current.start, current.end, current.fields), child_id}));
        CAIRN_RETURN_IF_ERROR(s.insert_event_revision->Run());
        CAIRN_RETURN_IF_ERROR(s.update_event->Bind(1, id));
        CAIRN_RETURN_IF_ERROR(s.update_event->Bind(2, start));
        CAIRN_RETURN_IF_ERROR(event.end ? s.update_event->Bind(3, end) : s.update_event->BindNull(3));
        CAIRN_RETURN_IF_ERROR(s.update_event->Bind(4, fields));
        CAIRN_RETURN_IF_ERROR(s.update_event->Bind(5, now));
        CAIRN_RETURN_IF_ERROR(s.update_event->Run());
        ++report.events_amended;
      }
    } else {
      CAIRN_RETURN_IF_ERROR(NoteChange());
      // Unowned: every text here outlives the insert, and copying it was a sixth of the work.
      Statement& insert = new_in_bulk ? *bulk->events : *s.insert_event;
      CAIRN_RETURN_IF_ERROR(insert.Bind(1, child_id));
      CAIRN_RETURN_IF_ERROR(insert.BindUnowned(2, model::IdOf(event.kind)));
      CAIRN_RETURN_IF_ERROR(insert.BindUnowned(3, start));
      CAIRN_RETURN_IF_ERROR(event.end ? insert.BindUnowned(4, end) : insert.BindNull(4));
      CAIRN_RETURN_IF_ERROR(event.parent >= 0 ? insert.Bind(5, ids[static_cast<size_t>(event.parent)])
                                              : insert.BindNull(5));
      CAIRN_RETURN_IF_ERROR(insert.BindUnowned(6, key));
      CAIRN_RETURN_IF_ERROR(insert.BindUnowned(7, fields));
      CAIRN_RETURN_IF_ERROR(insert.BindUnowned(
          8, event.provenance.source.empty() ? std::string_view("cairn") : std::string_view(event.provenance.source)));
      CAIRN_RETURN_IF_ERROR(insert.BindUnowned(9, now));
      if (new_in_bulk) {
        id = bulk->next_event_id++;
        CAIRN_RETURN_IF_ERROR(insert.BindUnowned(10, now));
        CAIRN_RETURN_IF_ERROR(insert.Bind(11, id));
        CAIRN_RETURN_IF_ERROR(insert.Run());
      } else {
        CAIRN_ASSIGN_OR_RETURN(id, RunInsert(db, insert));
      }
      ++report.events_added;
    }
    ids[static_cast<size_t>(index)] = id;
    if (new_in_bulk) {
      const std::vector<int>& years = event.provenance.reported_in_years;
      for (auto year = years.begin(); year != years.end(); ++year) {
        if (std::find(years.begin(), year, *year) != year) continue;  // once each, as ON CONFLICT keeps it
        CAIRN_RETURN_IF_ERROR(bulk->reports->BindAll({id, int64_t{*year}}));
        CAIRN_RETURN_IF_ERROR(bulk->reports->Run());
      }
      continue;
    }
    for (int year : event.provenance.reported_in_years) {
      pending_reports.emplace_back(id, year);
      if (match != held.end() && !std::binary_search(held_years.begin(), held_years.end(), std::pair{id, year})) {
        years_added = true;
      }
    }
    if (pending_reports.size() >= kReportsPerInsert) CAIRN_RETURN_IF_ERROR(InsertReports(/*all=*/false));
  }

  const bool created = report.children_added > before.children_added;
  if (created) {
    // The image of the events as saved (as the rows will read back): in the order saved, which is
    // the order of their ids, with the parents' places in that order.
    position.assign(events.size(), -1);
    for (size_t place = 0; place < order.size(); ++place) position[static_cast<size_t>(order[place])] = static_cast<int32_t>(place);
    for (int32_t index : order) {
      const Event& event = events[static_cast<size_t>(index)];
      image.Add(event, event.parent >= 0 ? position[static_cast<size_t>(event.parent)] : -1,
                ids[static_cast<size_t>(index)], /*revision=*/1,
                event.provenance.source.empty() ? std::string_view("cairn") : std::string_view(event.provenance.source),
                event.provenance.reported_in_years);
    }
    Statement& insert = new_in_bulk ? *bulk->images : *s.insert_image;
    CAIRN_RETURN_IF_ERROR(insert.Bind(1, child_id));
    CAIRN_RETURN_IF_ERROR(insert.Bind(2, generation));
    CAIRN_RETURN_IF_ERROR(insert.BindBytes(3, image.Finish()));
    CAIRN_RETURN_IF_ERROR(insert.Run());
  } else if (report.events_added > before.events_added || report.events_amended > before.events_amended ||
             years_added) {
    // Changed events, or only a year more of returns reporting them: the image goes now and
    // Finish() makes it again from the rows.
    CAIRN_RETURN_IF_ERROR(NoteChange());
    CAIRN_RETURN_IF_ERROR(s.delete_image->Bind(1, child_id));
    CAIRN_RETURN_IF_ERROR(s.delete_image->Run());
    changed_children.push_back(child_id);
  }

  // Every change to a child's record is audited; an unchanged re-import changes nothing.
  const int64_t added = report.events_added - before.events_added;
  const int64_t amended = report.events_amended - before.events_amended;
  if (created || added > 0 || amended > 0 || report.children_updated > before.children_updated) {
    // One entry for every child (made in Start): only what differs between them is set.
    AuditEntry& entry = audit_entry;
    entry.at = now;
    entry.action = created ? "create" : "change";
    entry.children[0] = chronology.child().la_child_id;
    entry.detail = context.reason;
    entry.detail += " (";
    entry.detail += std::to_string(added);
    entry.detail += " events added, ";
    entry.detail += std::to_string(amended);
    entry.detail += " amended)";
    CAIRN_RETURN_IF_ERROR(audit->Append(entry));
  }
  return Status::Ok();
}

Result<SaveReport> SaveChronologies(Connection& db, std::span<const Chronology> chronologies,
                                    const ChangeContext& context,
                                    const std::function<void(size_t children_done)>& progress) {
  CAIRN_ASSIGN_OR_RETURN(ChronologyWriter writer, ChronologyWriter::Start(db, context));
  CAIRN_RETURN_IF_ERROR(writer.Save(chronologies, progress));
  return writer.Finish();
}

Result<std::optional<Chronology>> LoadChronology(Connection& db, std::string_view la_child_id) {
  ChronologyLoader loader(db, /*use_images=*/true);
  CAIRN_ASSIGN_OR_RETURN(auto loaded, loader.LoadOne(la_child_id));
  if (loaded.empty()) return std::optional<Chronology>();
  return std::optional<Chronology>(std::move(loaded.front()));
}

namespace {

Result<std::vector<Chronology>> LoadEveryChronology(Connection& db, bool use_images) {
  ChronologyLoader loader(db, use_images);
  CAIRN_ASSIGN_OR_RETURN(auto loaded, loader.LoadAll());
  std::sort(loaded.begin(), loaded.end(),
            [](const Chronology& a, const Chronology& b) { return a.child().la_child_id < b.child().la_child_id; });
  return loaded;
}

// Replaces a child's image unless the one held was made at a later generation (by a writer that
// saw more than this one did).
constexpr std::string_view kUpsertImage =
    "INSERT INTO chronology_image (child_id, generation, image) VALUES ($1, $2, $3) ON CONFLICT (child_id) DO "
    "UPDATE SET generation = excluded.generation, image = excluded.image "
    "WHERE excluded.generation >= chronology_image.generation";

// How many children's images are made from their rows at a time: each batch holds its
// chronologies in memory at once.
constexpr size_t kImageBatch = 50'000;

// Writes the image of each child with these row ids from its rows. `generation` is the record's
// generation read before the rows were (or in the transaction that changed them).
Status WriteImagesFromRows(Connection& db, std::vector<int64_t> child_ids, int64_t generation) {
  std::sort(child_ids.begin(), child_ids.end());
  child_ids.erase(std::unique(child_ids.begin(), child_ids.end()), child_ids.end());
  if (child_ids.empty()) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(auto upsert, db.Prepare(kUpsertImage));
  for (size_t begin = 0; begin < child_ids.size(); begin += kImageBatch) {
    const size_t size = std::min(kImageBatch, child_ids.size() - begin);
    ChronologyLoader loader(db, /*use_images=*/false);
    CAIRN_ASSIGN_OR_RETURN(auto loaded, loader.LoadIds(std::span<const int64_t>(child_ids).subspan(begin, size)));
    for (size_t i = 0; i < loaded.size(); ++i) {
      CAIRN_RETURN_IF_ERROR(upsert->Bind(1, loader.row_ids()[i]));
      CAIRN_RETURN_IF_ERROR(upsert->Bind(2, generation));
      CAIRN_RETURN_IF_ERROR(upsert->BindBytes(3, EncodeChronologyImage(loaded[i].events())));
      CAIRN_RETURN_IF_ERROR(upsert->Run());
    }
  }
  return Status::Ok();
}

// The image of one child, after a change to its events in this transaction.
Status RefreshImage(Connection& db, int64_t child_id) {
  CAIRN_ASSIGN_OR_RETURN(int64_t generation, RecordGeneration(db));
  return WriteImagesFromRows(db, {child_id}, generation);
}

bool SameEvent(const Event& a, const Event& b) {
  return a.SameContent(b) && a.parent == b.parent && a.id == b.id && a.revision == b.revision &&
         a.provenance == b.provenance;
}

}  // namespace

Result<std::vector<Chronology>> LoadAllChronologies(Connection& db) { return LoadEveryChronology(db, true); }

Result<int64_t> WriteMissingChronologyImages(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(int64_t generation, RecordGeneration(db));
  // Every image is read: one that is current but cannot be read would otherwise send its child to
  // the rows on every load, unnoticed.
  CAIRN_ASSIGN_OR_RETURN(
      auto held,
      db.Prepare("SELECT c.id, i.image, CASE WHEN i.child_id IS NULL OR i.generation < (SELECT "
                 "COALESCE(max(h.generation), 0) FROM child_change h WHERE h.child_id = c.id) THEN 1 ELSE 0 END "
                 "FROM child c LEFT JOIN chronology_image i ON i.child_id = c.id"));
  std::vector<int64_t> child_ids;
  std::vector<Event> scratch;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, held->Step());
    if (!row) break;
    if (held->ColumnInt(2) != 0 || !DecodeChronologyImage(held->ColumnBytes(1), scratch).ok()) {
      child_ids.push_back(held->ColumnInt(0));
    }
  }
  held.reset();
  CAIRN_RETURN_IF_ERROR(WriteImagesFromRows(db, child_ids, generation));
  return static_cast<int64_t>(child_ids.size());
}

Status CheckChronologyImages(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto from_images, LoadEveryChronology(db, true));
  CAIRN_ASSIGN_OR_RETURN(auto from_rows, LoadEveryChronology(db, false));
  if (from_images.size() != from_rows.size()) {
    return Status::DataLoss("the chronology images give " + std::to_string(from_images.size()) + " children, the rows " +
                            std::to_string(from_rows.size()));
  }
  std::vector<std::string> differing;
  for (size_t i = 0; i < from_rows.size(); ++i) {
    const auto& a = from_images[i].events();
    const auto& b = from_rows[i].events();
    const bool same = from_images[i].child() == from_rows[i].child() && a.size() == b.size() &&
                      std::equal(a.begin(), a.end(), b.begin(), SameEvent);
    if (!same) differing.push_back(from_rows[i].child().la_child_id);
  }
  if (differing.empty()) return Status::Ok();
  std::string named;
  for (size_t i = 0; i < differing.size() && i < 5; ++i) named += (i > 0 ? ", " : "") + differing[i];
  return Status::DataLoss(std::to_string(differing.size()) + " child(ren)'s chronology image differs from their rows (" +
                          named + (differing.size() > 5 ? ", ..." : "") + ")");
}

namespace {

struct EventRow {
  int64_t revision = 0;
  bool withdrawn = false;
  std::string start;
  std::optional<std::string> end;
  std::string fields;
  std::string kind;
  int64_t child_id = 0;
};

Result<EventRow> ReadEventRow(Connection& db, int64_t event_id) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT revision, withdrawn, start_date, end_date, fields, kind, "
                                                 "child_id FROM event WHERE id = $1"));
  CAIRN_RETURN_IF_ERROR(select->Bind(1, event_id));
  CAIRN_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return Status::NotFound("there is no event " + std::to_string(event_id));
  EventRow row;
  row.revision = select->ColumnInt(0);
  row.withdrawn = select->ColumnInt(1) != 0;
  row.start = std::string(select->ColumnText(2));
  row.end = select->ColumnOptionalText(3);
  row.fields = std::string(select->ColumnText(4));
  row.kind = std::string(select->ColumnText(5));
  row.child_id = select->ColumnInt(6);
  return row;
}

// The event as it stands once this transaction has the record's generation (record_changes.h):
// read again after taking it, so that a change made meanwhile from another server is what
// `check` sees. `check` also runs before the generation is taken, so that a change refused
// anyway notes nothing (outside a transaction a noted change would stand, and the child's
// chronology image with it would no longer be current).
Result<EventRow> ReadEventRowForChange(Connection& db, int64_t event_id,
                                       const std::function<Status(const EventRow&)>& check) {
  CAIRN_ASSIGN_OR_RETURN(EventRow row, ReadEventRow(db, event_id));
  CAIRN_RETURN_IF_ERROR(check(row));
  CAIRN_RETURN_IF_ERROR(NoteChildChanged(db, row.child_id));
  CAIRN_ASSIGN_OR_RETURN(row, ReadEventRow(db, event_id));
  CAIRN_RETURN_IF_ERROR(check(row));
  return row;
}

Status RecordRevision(Connection& db, int64_t event_id, const EventRow& row, std::string_view action,
                      const ChangeContext& context, const std::string& now) {
  return db.Execute("INSERT INTO event_revision (event_id, revision, action, recorded_at, recorded_by, reason, "
                    "previous, child_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    {event_id, row.revision, std::string(action), now, context.actor, context.reason,
                     EventJson(row.start, row.end, row.fields), row.child_id});
}

Status CheckDates(const Event& event) {
  if (event.end && *event.end < event.start) {
    return Status::InvalidArgument("the end date " + event.end->ToIso() + " is before the start date " +
                                   event.start.ToIso());
  }
  return Status::Ok();
}

Status CheckRevision(int64_t event_id, const EventRow& row, std::optional<int64_t> expected_revision) {
  if (expected_revision && row.revision != *expected_revision) {
    return Status::FailedPrecondition("event " + std::to_string(event_id) + " has been changed since version " +
                                      std::to_string(*expected_revision) + " (it is now at version " +
                                      std::to_string(row.revision) + ")");
  }
  return Status::Ok();
}

// Whether another event of the child already holds `natural_key`.
Result<bool> KeyTaken(Connection& db, int64_t child_id, std::string_view natural_key, int64_t except_event) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT id FROM event WHERE child_id = $1 AND natural_key = $2 "
                                                 "AND id <> $3"));
  CAIRN_RETURN_IF_ERROR(select->BindAll({child_id, std::string(natural_key), except_event}));
  return select->Step();
}

}  // namespace

Result<int64_t> AddEvent(Connection& db, std::string_view la_child_id, const Event& event, int64_t parent_id,
                         std::string_view natural_key, const ChangeContext& context) {
  CAIRN_RETURN_IF_ERROR(CheckDates(event));
  std::string fields;
  CAIRN_RETURN_IF_ERROR(WriteFieldsJson(event, fields));
  CAIRN_ASSIGN_OR_RETURN(auto find, db.Prepare("SELECT id FROM child WHERE la_child_id = $1"));
  CAIRN_RETURN_IF_ERROR(find->Bind(1, std::string(la_child_id)));
  CAIRN_ASSIGN_OR_RETURN(bool found, find->Step());
  if (!found) return Status::NotFound("there is no child '" + std::string(la_child_id) + "'");
  const int64_t child_id = find->ColumnInt(0);
  const auto key_free = [&]() -> Status {
    CAIRN_ASSIGN_OR_RETURN(bool taken, KeyTaken(db, child_id, natural_key, 0));
    if (!taken) return Status::Ok();
    return Status::AlreadyExists("this " + std::string(model::Spec(event.kind).title) + " on " +
                                 event.start.ToIso() + " is already recorded for the child");
  };
  // Checked before the generation is taken (a refusal notes no change), and again after: taking it
  // makes two writers of the same record (on two servers) take turns.
  CAIRN_RETURN_IF_ERROR(key_free());
  CAIRN_RETURN_IF_ERROR(NoteChildChanged(db, child_id));
  CAIRN_RETURN_IF_ERROR(key_free());
  const std::string now = UtcTimestamp();
  (void)context;  // who and why go into the audit row the caller writes; a new event has no history yet
  CAIRN_ASSIGN_OR_RETURN(
      auto insert,
      db.Prepare("INSERT INTO event (child_id, kind, start_date, end_date, parent_id, natural_key, fields, source, "
                 "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'cairn', $8, $8)"));
  CAIRN_RETURN_IF_ERROR(insert->BindAll(
      {child_id, std::string(model::IdOf(event.kind)), event.start.ToIso(),
       event.end ? Value(event.end->ToIso()) : Value(std::monostate()),
       parent_id > 0 ? Value(parent_id) : Value(std::monostate()), std::string(natural_key), fields, now}));
  CAIRN_ASSIGN_OR_RETURN(int64_t id, RunInsert(db, *insert));
  CAIRN_RETURN_IF_ERROR(RefreshImage(db, child_id));
  return id;
}

Status AmendEvent(Connection& db, int64_t event_id, const Event& replacement, const ChangeContext& context,
                  std::optional<int64_t> expected_revision, std::string_view natural_key) {
  if (context.reason.empty()) return Status::InvalidArgument("an amendment needs a reason");
  CAIRN_RETURN_IF_ERROR(CheckDates(replacement));
  std::string fields;
  CAIRN_RETURN_IF_ERROR(WriteFieldsJson(replacement, fields));
  const auto check = [&](const EventRow& held) -> Status {
    if (held.withdrawn) return Status::FailedPrecondition("event " + std::to_string(event_id) + " was withdrawn");
    CAIRN_RETURN_IF_ERROR(CheckRevision(event_id, held, expected_revision));
    if (held.kind != model::IdOf(replacement.kind)) {
      return Status::InvalidArgument("event " + std::to_string(event_id) + " is a " + held.kind + ", not a " +
                                     std::string(model::IdOf(replacement.kind)));
    }
    if (natural_key.empty()) return Status::Ok();
    CAIRN_ASSIGN_OR_RETURN(bool taken, KeyTaken(db, held.child_id, natural_key, event_id));
    if (!taken) return Status::Ok();
    return Status::AlreadyExists("another " + std::string(model::Spec(replacement.kind).title) + " on " +
                                 replacement.start.ToIso() + " is already recorded for the child");
  };
  CAIRN_ASSIGN_OR_RETURN(EventRow row, ReadEventRowForChange(db, event_id, check));
  const std::string now = UtcTimestamp();
  CAIRN_RETURN_IF_ERROR(RecordRevision(db, event_id, row, "amended", context, now));
  CAIRN_RETURN_IF_ERROR(
      db.Execute("UPDATE event SET start_date = $2, end_date = $3, fields = $4, revision = revision + 1, "
                 "updated_at = $5, natural_key = COALESCE($6, natural_key) WHERE id = $1",
                 {event_id, replacement.start.ToIso(),
                  replacement.end ? Value(replacement.end->ToIso()) : Value(std::monostate()), fields, now,
                  natural_key.empty() ? Value(std::monostate()) : Value(std::string(natural_key))}));
  return RefreshImage(db, row.child_id);
}

Status WithdrawEvent(Connection& db, int64_t event_id, const ChangeContext& context,
                     std::optional<int64_t> expected_revision) {
  if (context.reason.empty()) return Status::InvalidArgument("withdrawing an event needs a reason");
  const auto check = [&](const EventRow& held) -> Status {
    if (held.withdrawn) return Status::FailedPrecondition("event " + std::to_string(event_id) + " is already withdrawn");
    return CheckRevision(event_id, held, expected_revision);
  };
  CAIRN_ASSIGN_OR_RETURN(EventRow row, ReadEventRowForChange(db, event_id, check));
  const std::string now = UtcTimestamp();
  CAIRN_RETURN_IF_ERROR(RecordRevision(db, event_id, row, "withdrawn", context, now));
  CAIRN_RETURN_IF_ERROR(db.Execute(
      "UPDATE event SET withdrawn = 1, revision = revision + 1, updated_at = $2 WHERE id = $1", {event_id, now}));
  return RefreshImage(db, row.child_id);
}

Result<std::vector<EventRevision>> EventHistory(Connection& db, int64_t event_id) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT revision, action, recorded_at, recorded_by, reason, previous "
                                                 "FROM event_revision WHERE event_id = $1 ORDER BY revision"));
  CAIRN_RETURN_IF_ERROR(select->Bind(1, event_id));
  std::vector<EventRevision> history;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    history.push_back({static_cast<int>(select->ColumnInt(0)), std::string(select->ColumnText(1)),
                       std::string(select->ColumnText(2)), std::string(select->ColumnText(3)),
                       std::string(select->ColumnText(4)), std::string(select->ColumnText(5))});
  }
  return history;
}

Result<std::vector<ChildEventRevision>> ChildEventHistory(Connection& db, std::string_view la_child_id) {
  CAIRN_ASSIGN_OR_RETURN(
      auto select,
      db.Prepare("SELECT r.event_id, e.kind, e.start_date, r.revision, r.action, r.recorded_at, r.recorded_by, "
                 "r.reason, r.previous FROM event_revision r JOIN event e ON e.id = r.event_id "
                 "WHERE r.child_id = (SELECT id FROM child WHERE la_child_id = $1) ORDER BY r.recorded_at, r.id"));
  CAIRN_RETURN_IF_ERROR(select->Bind(1, la_child_id));
  std::vector<ChildEventRevision> history;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    ChildEventRevision item;
    item.event_id = select->ColumnInt(0);
    item.kind = std::string(select->ColumnText(1));
    item.start_date = std::string(select->ColumnText(2));
    item.revision = {static_cast<int>(select->ColumnInt(3)), std::string(select->ColumnText(4)),
                     std::string(select->ColumnText(5)), std::string(select->ColumnText(6)),
                     std::string(select->ColumnText(7)), std::string(select->ColumnText(8))};
    history.push_back(std::move(item));
  }
  return history;
}

Status RecordAudit(Connection& db, std::string_view actor, std::string_view action, std::string_view la_child_id,
                   std::string_view detail) {
  AuditEntry entry = CommandLineAudit(actor, action, "cli");
  if (!la_child_id.empty()) entry.children.emplace_back(la_child_id);
  entry.detail = detail;
  return AppendAudit(db, entry);
}

}  // namespace cairn::store
