#include "recording/recorder.h"

#include <algorithm>
#include <map>

#include "base/display_text.h"
#include "base/json_text.h"
#include "returns/ssda903/tables.h"
#include "store/audit.h"
#include "store/workforce_store.h"

namespace cairn::recording {
namespace {

using model::Event;
using model::EventKind;
using model::FieldType;

constexpr size_t kMaxValueBytes = 200;
constexpr size_t kMaxNotesBytes = 20000;
// Dates that name a day still to come: the conference a new enquiry must meet by, a direction's due date.
constexpr std::string_view kTargetFields[] = {"InitialCPCtarget", "due_date"};

bool IsTarget(std::string_view field) {
  return std::find(std::begin(kTargetFields), std::end(kTargetFields), field) != std::end(kTargetFields);
}


bool HasControl(std::string_view text, bool lines_allowed) {
  return std::any_of(text.begin(), text.end(), [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (lines_allowed && (c == '\n' || c == '\r' || c == '\t')) return false;
    return byte < 0x20 || byte == 0x7f;
  });
}

std::optional<std::string> Flag(std::string_view value) {
  std::string lower;
  for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true" || lower == "yes" || lower == "y" || lower == "1") return "true";
  if (lower == "false" || lower == "no" || lower == "n" || lower == "0") return "false";
  return std::nullopt;
}

std::string LabelOf(const Form& form, std::string_view name) {
  const FormField* field = form.Find(name);
  return field != nullptr ? field->label : std::string(name);
}

std::string Lower(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// The open event of `kind` on `date` that a new event nests under (the latest to start), or -1.
int32_t OpenParent(const model::Chronology& chronology, EventKind kind, Date date) {
  int32_t found = -1;
  const auto& events = chronology.events();
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind == kind && events[i].IsOpenOn(date) &&
        (found < 0 || events[static_cast<size_t>(found)].start <= events[i].start)) {
      found = static_cast<int32_t>(i);
    }
  }
  return found;
}

std::optional<size_t> IndexOf(const model::Chronology& chronology, int64_t event_id) {
  for (size_t i = 0; i < chronology.events().size(); ++i) {
    if (chronology.events()[i].id == event_id) return i;
  }
  return std::nullopt;
}

// However they were found, problems are listed in the form's order, as the page shows its
// fields (a name the form does not have, last).
void InFormOrder(const Form& form, Outcome& outcome) {
  auto position = [&form](const FieldMessage& message) {
    for (size_t i = 0; i < form.fields.size(); ++i) {
      if (form.fields[i].name == message.field) return i;
    }
    return form.fields.size();
  };
  for (std::vector<FieldMessage>* list : {&outcome.errors, &outcome.findings}) {
    std::stable_sort(list->begin(), list->end(),
                     [&position](const FieldMessage& a, const FieldMessage& b) { return position(a) < position(b); });
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ValuesOf(const Form& form, const Event& event) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const FormField& field : form.fields) {
    if (field.start) {
      values.emplace_back(field.name, event.start.ToIso());
    } else if (field.end) {
      values.emplace_back(field.name, event.end ? event.end->ToIso() : "");
    } else if (!field.part_of.empty()) {
      std::string value;
      for (const auto& [name, part] : model::SplitNamedParts(event.Get(field.part_of))) {
        if (name == field.part) value = part;
      }
      values.emplace_back(field.name, std::move(value));
    } else {
      values.emplace_back(field.name, std::string(event.Get(field.name)));
    }
  }
  return values;
}

namespace {

// The entry with the values Cairn fills (FormField::filled) in place of anything typed for them:
// a new event takes who records it and the template's id; a correction (`actor` null) keeps
// those it was recorded with.
Entry WithFilledValues(const Form& form, const Entry& entry, const std::string* actor) {
  Entry result;
  result.confirmed = entry.confirmed;
  for (const auto& [name, value] : entry.values) {
    const FormField* field = form.Find(name);
    if (field == nullptr || field->filled.empty()) result.values.emplace_back(name, value);
  }
  if (actor == nullptr) return result;
  for (const FormField& field : form.fields) {
    if (field.filled == "user") result.values.emplace_back(field.name, *actor);
    if (field.filled == "value") result.values.emplace_back(field.name, field.filled_value);
  }
  return result;
}

}  // namespace

Result<Recorder> Recorder::BuiltIn(Date today) {
  CAIRN_ASSIGN_OR_RETURN(FormCatalogue forms, FormCatalogue::BuiltIn(model::CollectionYear::Containing(today).year));
  return Recorder(std::move(forms));
}

Event Recorder::Check(const Form& form, const model::Chronology& chronology, const Entry& entry, Date today,
                      const Event* replacing, Outcome& outcome) const {
  const model::EventKindSpec& spec = model::Spec(form.kind);
  auto error = [&](std::string field, std::string message) {
    outcome.errors.push_back({std::move(field), std::move(message)});
  };
  auto finding = [&](std::string field, std::string message) {
    outcome.findings.push_back({std::move(field), std::move(message)});
  };

  Event event = replacing != nullptr ? *replacing : Event{};
  event.kind = form.kind;
  if (replacing == nullptr) event.provenance.source = "cairn";

  std::map<std::string, std::vector<std::string>, std::less<>> given;
  for (const auto& [name, value] : entry.values) {
    if (form.Find(name) == nullptr) {
      error(name, QuoteForDisplay(name) + " is not a field of the " + Lower(form.title) + " form.");
      continue;
    }
    given[name].push_back(value);
  }

  // Fields made of named parts (a case audit's grade per theme), as the event holds them: a
  // correction changes the parts it names and keeps the rest.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>, std::less<>> named_parts;
  for (const FormField& field : form.fields) {
    if (!field.part_of.empty() && !named_parts.contains(field.part_of)) {
      named_parts[field.part_of] = model::SplitNamedParts(event.Get(field.part_of));
    }
  }
  auto set_value = [&](const FormField& field, std::string value) {
    if (field.part_of.empty()) {
      event.Set(field.name, std::move(value));
      return;
    }
    auto& parts = named_parts[field.part_of];
    auto held = std::find_if(parts.begin(), parts.end(), [&](const auto& part) { return part.first == field.part; });
    if (value.empty()) {
      if (held != parts.end()) parts.erase(held);
    } else if (held != parts.end()) {
      held->second = std::move(value);
    } else {
      parts.emplace_back(field.part, std::move(value));
    }
  };

  bool start_ok = replacing != nullptr;
  bool dates_ok = true;
  for (const FormField& field : form.fields) {
    auto found = given.find(field.name);
    if (found == given.end()) {
      if (replacing == nullptr && field.required) error(field.name, field.label + " is required.");
      continue;
    }
    std::vector<std::string> parts;
    for (const std::string& raw : found->second) {
      if (field.type == FieldType::kCodeList) {
        size_t from = 0;
        while (from <= raw.size()) {
          const size_t comma = std::min(raw.find(',', from), raw.size());
          std::string part(returns::ssda903::TrimSpace(std::string_view(raw).substr(from, comma - from)));
          if (!part.empty()) parts.push_back(std::move(part));
          from = comma + 1;
        }
      } else {
        parts.push_back(field.free_text ? raw : std::string(returns::ssda903::TrimSpace(raw)));
      }
    }
    if (field.type != FieldType::kCodeList && parts.size() > 1) {
      error(field.name, field.label + " is given more than once; give it once.");
      if (field.start) start_ok = false;
      continue;
    }
    std::string value = parts.empty() ? "" : parts.front();
    const size_t limit = field.free_text ? kMaxNotesBytes : kMaxValueBytes;
    bool bad = false;
    for (const std::string& part : parts) {
      if (!IsValidUtf8(part)) {
        error(field.name, field.label + " holds characters that are not text (not UTF-8); type it again.");
        bad = true;
      } else if (part.size() > limit) {
        error(field.name, field.label + " is too long: at most " + std::to_string(limit) + " characters.");
        bad = true;
      } else if (HasControl(part, field.free_text)) {
        error(field.name, field.label + " holds a control character; type it again.");
        bad = true;
      }
      if (bad) break;
    }
    if (bad) {
      if (field.start) start_ok = false;
      dates_ok = dates_ok && field.type != FieldType::kDate;
      continue;
    }
    if (parts.empty() || value.empty()) {
      if (field.required) {
        error(field.name, field.label + " is required.");
        if (field.start) start_ok = false;
      } else if (field.end) {
        event.end.reset();
      } else {
        set_value(field, "");
      }
      continue;
    }
    switch (field.type) {
      case FieldType::kDate: {
        Result<Date> date = Date::ParseIso(value);
        if (!date.ok()) date = Date::ParseDmy(value);
        if (!date.ok() || date->year() < 1900 || date->year() > 2199) {
          error(field.name, field.label + ": " + QuoteForDisplay(value) + " is not a date; write it as YYYY-MM-DD, such as 2026-03-31.");
          if (field.start) start_ok = false;
          dates_ok = false;
          break;
        }
        if (field.start) {
          event.start = *date;
          start_ok = true;
        } else if (field.end) {
          event.end = *date;
        } else {
          event.Set(field.name, date->ToIso());
        }
        break;
      }
      case FieldType::kCode:
        if (!field.Offers(value)) {
          error(field.name, QuoteForDisplay(value) + " is not one of the codes for " + Lower(field.label) + " (" +
                                field.options_source + ").");
        } else {
          set_value(field, value);
        }
        break;
      case FieldType::kCodeList: {
        std::vector<std::string> codes;  // a code ticked twice is kept once, in the order first given
        for (const std::string& part : parts) {
          if (!field.Offers(part)) {
            error(field.name, QuoteForDisplay(part) + " is not one of the codes for " + Lower(field.label) + " (" +
                                  field.options_source + ").");
          } else if (std::find(codes.begin(), codes.end(), part) == codes.end()) {
            codes.push_back(part);
          }
        }
        std::string joined;
        for (const std::string& code : codes) joined += (joined.empty() ? "" : ",") + code;
        event.Set(field.name, joined);
        break;
      }
      case FieldType::kFlag:
        if (std::optional<std::string> flag = Flag(value)) {
          event.Set(field.name, *flag);
        } else {
          error(field.name, field.label + ": " + QuoteForDisplay(value) + " is not yes or no.");
        }
        break;
      case FieldType::kInteger:
        if (value.size() > 6 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          error(field.name, field.label + ": " + QuoteForDisplay(value) + " is not a whole number.");
        } else {
          event.Set(field.name, value);
        }
        break;
      case FieldType::kText:
        event.Set(field.name, value);
        break;
    }
  }
  // The parts in the form's order, then any the form no longer asks for (a theme an older
  // template had), as they were.
  for (auto& [name, parts] : named_parts) {
    std::vector<std::pair<std::string, std::string>> ordered;
    for (const FormField& field : form.fields) {
      if (field.part_of != name) continue;
      for (const auto& part : parts) {
        if (part.first == field.part) ordered.push_back(part);
      }
    }
    for (const auto& part : parts) {
      if (std::find(ordered.begin(), ordered.end(), part) == ordered.end()) ordered.push_back(part);
    }
    event.Set(name, model::JoinNamedParts(ordered));
  }
  if (!start_ok || !dates_ok) {
    InFormOrder(form, outcome);
    return event;
  }

  // The dates against each other, today and the child.
  const std::string start_label = LabelOf(form, spec.start_field);
  const std::string start_name(spec.start_field);
  if (event.start > today) {
    error(start_name, start_label + " " + event.start.ToIso() + " is in the future: record what has happened.");
  }
  const model::Child& child = chronology.child();
  if (child.birth_date && event.start < *child.birth_date) {
    error(start_name, start_label + " " + event.start.ToIso() + " is before the child was born (" +
                          child.birth_date->ToIso() + ").");
  }
  if (event.end) {
    const std::string end_label = LabelOf(form, spec.end_field);
    if (*event.end < event.start) {
      error(std::string(spec.end_field), end_label + " " + event.end->ToIso() + " is before " + Lower(start_label) + " " +
                                             event.start.ToIso() + ".");
    } else if (*event.end > today) {
      error(std::string(spec.end_field), end_label + " " + event.end->ToIso() + " is in the future: record what has happened.");
    }
  }
  for (const model::FieldSpec& field : spec.fields) {
    if (field.type != FieldType::kDate) continue;
    const std::optional<Date> date = event.GetDate(field.name);
    if (!date) continue;
    if (*date < event.start) {
      error(std::string(field.name), LabelOf(form, field.name) + " " + date->ToIso() + " is before " +
                                         Lower(start_label) + " " + event.start.ToIso() + ".");
    } else if (*date > today && !IsTarget(field.name)) {
      error(std::string(field.name), LabelOf(form, field.name) + " " + date->ToIso() + " is in the future: record what has happened.");
    }
  }
  // A value recorded with a date (REC with DEC, the factors with the authorisation) only with it.
  for (const model::FieldSpec& field : spec.fields) {
    if (field.recorded_with.empty()) continue;
    // The start is always there (InitialCPCtarget is set when the enquiry starts).
    const bool has_date = field.recorded_with == spec.start_field ? true
                          : field.recorded_with == spec.end_field ? event.end.has_value()
                                                                  : event.GetDate(field.recorded_with).has_value();
    const bool has_value = !event.Get(field.name).empty();
    if (has_value && !has_date) {
      error(std::string(field.name), LabelOf(form, field.name) + " is recorded with " +
                                         Lower(LabelOf(form, field.recorded_with)) + ": give that date too, or leave this empty.");
    } else if (has_date && !has_value && form.Find(field.name) != nullptr) {
      finding(std::string(field.name), LabelOf(form, field.name) + " is empty; the DfE's return expects it with " +
                                           Lower(LabelOf(form, field.recorded_with)) + ".");
    }
  }

  // Where it nests: a plan or an assessment belongs to the referral open on its date.
  if (spec.parent && replacing == nullptr) {
    event.parent = OpenParent(chronology, *spec.parent, event.start);
    if (event.parent < 0) {
      error(start_name, "There is no " + Lower(std::string(model::Spec(*spec.parent).title)) + " open on " +
                            event.start.ToIso() + "; record that first.");
    }
  }

  // What the DfE's validators and a manager would question: shown before saving.
  if (form.kind == EventKind::kLookedAfterEpisode) {
    Result<const returns::ssda903::CodeLists*> lists = returns::ssda903::CodeLists::Embedded();
    const bool exempt = child.uasc || (lists.ok() && returns::ssda903::ContainsIgnoringCase(
                                                          (*lists)->legal_status_without_postcodes, event.Get("LS")));
    for (std::string_view postcode : {std::string_view("HOME_POST"), std::string_view("PL_POST")}) {
      if (!exempt && event.Get(postcode).empty()) {
        finding(std::string(postcode), LabelOf(form, postcode) +
                                           " is empty; a looked-after child's episode needs it (DfE rule 392b).");
      }
    }
  }
  // A case audit is moderated by someone other than its auditor: a second pair of eyes.
  if (form.kind == EventKind::kAuditModeration && event.parent >= 0) {
    const Event& audit = chronology.events()[static_cast<size_t>(event.parent)];
    if (!audit.Get("auditor").empty() && audit.Get("auditor") == event.Get("moderator")) {
      error("", "This case audit (" + audit.start.ToIso() +
                    ") is yours: it is moderated by someone other than its auditor.");
    }
  }
  if (form.kind == EventKind::kVisit && event.Get("child_seen") == "false") {
    finding("child_seen", "The child was not seen: the visit is recorded, but it does not meet the visiting "
                          "timescale, so the next visit stays due.");
  }
  if (replacing == nullptr && (form.kind == EventKind::kCinEpisode || form.kind == EventKind::kLookedAfterEpisode)) {
    for (const Event& other : chronology.events()) {
      // One ending on the day this starts is the one before it (the DfE's layout ends an
      // episode on the day the next begins), not a second one open.
      const bool ends_that_day = other.end && *other.end == event.start;
      if (other.kind == form.kind && other.IsOpenOn(event.start) && !ends_that_day) {
        finding(start_name, "The " + Lower(std::string(spec.title)) + " that started on " + other.start.ToIso() +
                                " is still open on that date; close it first unless both are right.");
        break;
      }
    }
  }
  InFormOrder(form, outcome);
  return event;
}

namespace {

// The audit row of a change: who, which route, which child, which event; never its content.
Status AuditChange(store::Connection& db, const store::ChangeContext& context, std::string_view action,
                   std::string_view la_child_id, EventKind kind, int64_t event_id) {
  store::AuditEntry entry;
  entry.actor = context.actor;
  entry.role = context.role;
  entry.action = std::string(action);
  entry.route = context.route;
  entry.children = {std::string(la_child_id)};
  entry.client = context.client;
  entry.detail = std::string(model::IdOf(kind)) + " event " + std::to_string(event_id);
  CAIRN_ASSIGN_OR_RETURN(store::AuditTrail trail, store::AuditTrail::Open(db));
  CAIRN_RETURN_IF_ERROR(trail.Append(entry));
  return trail.Flush();
}

// Commits, and reads back the chronology as saved for the outcome.
Status Finish(store::Connection& db, store::Transaction& transaction, std::string_view la_child_id, Outcome& outcome) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<model::Chronology> saved, store::LoadChronology(db, la_child_id));
  if (!saved) return Status::Internal("the child disappeared while their record was being saved");
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  if (std::optional<size_t> index = IndexOf(*saved, outcome.event_id)) {
    outcome.revision = saved->events()[*index].revision;
  }
  outcome.chronology = std::move(*saved);
  outcome.kind = Outcome::Kind::kSaved;
  return Status::Ok();
}

// Where a correction or a withdrawal starts: the event's index in the chronology as it now
// stands (read inside the transaction); or nullopt with `outcome` stale, when the event has been
// withdrawn since, is another child's, or has moved on from the user's version.
std::optional<size_t> CurrentVersion(const model::Chronology& chronology, int64_t event_id, int64_t expected_revision,
                                     Outcome& outcome) {
  outcome.event_id = event_id;
  const std::optional<size_t> index = IndexOf(chronology, event_id);
  if (!index) {
    outcome.kind = Outcome::Kind::kStale;
    return std::nullopt;
  }
  const Event& held = chronology.events()[*index];
  if (held.revision != expected_revision) {
    outcome.kind = Outcome::Kind::kStale;
    outcome.current = held;
    outcome.revision = held.revision;
    return std::nullopt;
  }
  return index;
}

// An action's owner (a direction's, an audit action's) is a worker Cairn knows, when the council's
// workforce is loaded: a council that imported only its returns has none, and any staff id is
// taken. Adds an error on the owner field otherwise.
Status CheckOwner(store::Connection& db, const Event& event, const Event* before, Outcome& outcome) {
  if (!model::IsAssignedAction(event.kind)) return Status::Ok();
  const std::string_view owner = event.Get("owner");
  if (owner.empty() || (before != nullptr && before->Get("owner") == owner)) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(db));
  if (workforce.workers.empty()) return Status::Ok();
  const bool known = std::any_of(workforce.workers.begin(), workforce.workers.end(),
                                 [&](const model::Worker& worker) { return worker.id == owner; });
  if (!known) {
    outcome.errors.push_back({"owner", QuoteForDisplay(owner) + " is not the staff id of anyone in the council's workforce."});
  }
  return Status::Ok();
}

Status NoChild(std::string_view la_child_id) {
  return Status::NotFound("there is no child '" + std::string(la_child_id) + "'");
}

}  // namespace

Result<Outcome> Recorder::Record(store::Connection& db, std::string_view la_child_id, EventKind kind,
                                 const Entry& entry, Date today, const store::ChangeContext& context) const {
  const Form* form = forms_.For(kind);
  if (form == nullptr) {
    return Status::NotFound("Cairn has no form to record a " + std::string(model::IdOf(kind)) + " event");
  }
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db));
  CAIRN_ASSIGN_OR_RETURN(std::optional<model::Chronology> chronology, store::LoadChronology(db, la_child_id));
  if (!chronology) return NoChild(la_child_id);
  Outcome outcome;
  const Entry filled = WithFilledValues(*form, entry, &context.actor);
  Event event = Check(*form, *chronology, filled, today, nullptr, outcome);
  CAIRN_RETURN_IF_ERROR(CheckOwner(db, event, nullptr, outcome));
  if (!outcome.errors.empty()) return outcome;
  if (!outcome.findings.empty() && !filled.confirmed) {
    outcome.kind = Outcome::Kind::kNeedsConfirmation;
    return outcome;
  }
  const int64_t parent_id = event.parent >= 0 ? chronology->events()[static_cast<size_t>(event.parent)].id : 0;
  const int32_t index = chronology->Add(event);
  const std::string key = chronology->NaturalKey(index);
  Result<int64_t> id = store::AddEvent(db, la_child_id, event, parent_id, key, context);
  if (!id.ok() && id.status().code() == Status::Code::kAlreadyExists) {
    outcome.errors.push_back({std::string(model::Spec(kind).start_field),
                              "This " + Lower(form->title) + " is already recorded on " + event.start.ToIso() +
                                  ": correct that one instead."});
    return outcome;
  }
  if (!id.ok()) return id.status();
  outcome.event_id = *id;
  CAIRN_RETURN_IF_ERROR(AuditChange(db, context, "record", la_child_id, kind, *id));
  CAIRN_RETURN_IF_ERROR(Finish(db, transaction, la_child_id, outcome));
  return outcome;
}

Result<Outcome> Recorder::Correct(store::Connection& db, std::string_view la_child_id, int64_t event_id,
                                  int64_t expected_revision, const Entry& entry, Date today,
                                  const store::ChangeContext& context) const {
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db));
  CAIRN_ASSIGN_OR_RETURN(std::optional<model::Chronology> chronology, store::LoadChronology(db, la_child_id));
  if (!chronology) return NoChild(la_child_id);
  Outcome outcome;
  const std::optional<size_t> index = CurrentVersion(*chronology, event_id, expected_revision, outcome);
  if (!index) return outcome;
  const Event& held = chronology->events()[*index];
  const Form* form = forms_.For(held.kind);
  if (form == nullptr) {
    return Status::NotFound("Cairn has no form to correct a " + std::string(model::IdOf(held.kind)) + " event");
  }
  if (returns::ssda903::TrimSpace(context.reason).empty()) outcome.errors.push_back({"reason", "Say why the record is being corrected."});
  Event corrected = Check(*form, *chronology, WithFilledValues(*form, entry, nullptr), today, &held, outcome);
  CAIRN_RETURN_IF_ERROR(CheckOwner(db, corrected, &held, outcome));
  if (!outcome.errors.empty()) return outcome;
  if (!outcome.findings.empty() && !entry.confirmed) {
    outcome.kind = Outcome::Kind::kNeedsConfirmation;
    return outcome;
  }
  model::Chronology changed = *chronology;
  changed.mutable_events()[*index] = corrected;
  const std::string key = changed.NaturalKey(static_cast<int32_t>(*index));
  Status amended = store::AmendEvent(db, event_id, corrected, context, expected_revision, key);
  if (amended.code() == Status::Code::kAlreadyExists) {
    outcome.errors.push_back({std::string(model::Spec(held.kind).start_field),
                              "Another " + Lower(form->title) + " is already recorded on " + corrected.start.ToIso() +
                                  ": correct or withdraw that one instead."});
    return outcome;
  }
  CAIRN_RETURN_IF_ERROR(amended);
  CAIRN_RETURN_IF_ERROR(AuditChange(db, context, "correct", la_child_id, held.kind, event_id));
  CAIRN_RETURN_IF_ERROR(Finish(db, transaction, la_child_id, outcome));
  return outcome;
}

Result<Outcome> Recorder::Withdraw(store::Connection& db, std::string_view la_child_id, int64_t event_id,
                                   int64_t expected_revision, const store::ChangeContext& context) const {
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db));
  CAIRN_ASSIGN_OR_RETURN(std::optional<model::Chronology> chronology, store::LoadChronology(db, la_child_id));
  if (!chronology) return NoChild(la_child_id);
  Outcome outcome;
  const std::optional<size_t> index = CurrentVersion(*chronology, event_id, expected_revision, outcome);
  if (!index) return outcome;
  const Event& held = chronology->events()[*index];
  if (returns::ssda903::TrimSpace(context.reason).empty()) {
    outcome.errors.push_back({"reason", "Say why the record is being withdrawn."});
    return outcome;
  }
  const EventKind kind = held.kind;
  CAIRN_RETURN_IF_ERROR(store::WithdrawEvent(db, event_id, context, expected_revision));
  CAIRN_RETURN_IF_ERROR(AuditChange(db, context, "withdraw", la_child_id, kind, event_id));
  CAIRN_RETURN_IF_ERROR(Finish(db, transaction, la_child_id, outcome));
  return outcome;
}

}  // namespace cairn::recording
