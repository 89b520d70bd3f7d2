// Recording casework from the browser and the API: the forms, a new event, a correction (with
// its reason and the version it started from) and a withdrawal. Every check is the recorder's
// (recording/recorder.h), so the browser, the API and `cairn record` refuse alike; this file
// only turns requests into entries and outcomes into pages. After a save the child alone is
// evaluated again, so every page shows it on the next request.
#include <charconv>
#include <nlohmann/json.hpp>

#include "recording/recorder.h"
#include "web/handlers.h"
#include "web/json_writer.h"
#include "web/page_kit.h"

namespace cairn::web {
namespace {

using recording::Entry;
using recording::FieldMessage;
using RecordingForm = recording::Form;
using recording::FormField;
using recording::Outcome;
using Values = std::vector<std::pair<std::string, std::string>>;

// Form fields that are not the event's: the page's own.
bool IsControl(std::string_view name) {
  return name == "csrf" || name == "kind" || name == "confirm" || name == "version" || name == "reason";
}

std::string ChildPath(const Context& context) { return "/children/" + http::PercentEncode(context.child_id); }

std::string ValueOf(const Values& values, std::string_view name) {
  std::string joined;
  for (const auto& [key, value] : values) {
    if (key == name) joined += (joined.empty() ? "" : ",") + value;
  }
  return joined;
}

// The codes of a value as stored ("2A,3A"), in order.
std::vector<std::string> SplitCodes(const std::string& value) {
  std::vector<std::string> codes;
  size_t from = 0;
  while (from <= value.size()) {
    const size_t comma = std::min(value.find(',', from), value.size());
    if (comma > from) codes.push_back(value.substr(from, comma - from));
    from = comma + 1;
  }
  return codes;
}

// How an option reads: "Yes" for a flag, "N1: Abuse or neglect" for a code with a meaning.
std::string OptionText(const FormField& field, const recording::Option& option) {
  if (option.meaning.empty()) return option.code;
  return field.type == model::FieldType::kFlag ? option.meaning : option.code + ": " + option.meaning;
}

// What a reader sees for a value: each code with its meaning, yes or no.
std::string Readable(const FormField& field, const std::string& value) {
  if (value.empty()) return "(none)";
  if (field.options.empty()) return value;
  std::string shown;
  for (const std::string& code : SplitCodes(value)) {
    std::string text = code;
    for (const recording::Option& option : field.options) {
      if (option.code == code) text = OptionText(field, option);
    }
    shown += (shown.empty() ? "" : "; ") + text;
  }
  return shown;
}

struct FormPage {
  const RecordingForm* form = nullptr;
  std::string action;           // where the form posts
  Values values;                // what the fields hold
  std::vector<FieldMessage> errors;
  std::vector<FieldMessage> findings;
  int64_t event_id = 0;         // a correction's event
  int64_t version = 0;          // the version a correction starts from
  std::string reason;
  bool confirm = false;         // the findings are shown: the next save records despite them
  std::optional<Values> stale_current;  // someone saved first: the event as it now stands
  bool withdrawn_since = false;
};

std::string ChildName(Context& context) {
  std::shared_lock lock(context.council_mutex);
  std::optional<size_t> index = context.council.Find(context.child_id);
  return index ? DisplayName(context.council.chronology(*index).child()) : context.child_id;
}

http::Response RenderForm(Context& context, const FormPage& page, int status) {
  const RecordingForm& form = *page.form;
  Data data;
  const std::string name = ChildName(context);
  data.set("child_href", ChildPath(context));
  data.set("display_name", name);
  data.set("heading", (page.event_id > 0 ? "Correct: " : "Record: ") + form.title);
  data.set("help", form.help);
  data.set("action", page.action);
  data.set("csrf", context.session->csrf_token);
  if (page.event_id == 0) data.set("kind", std::string(model::IdOf(form.kind)));
  if (page.event_id > 0) {
    data.set("correcting", Data(true));
    data.set("version", std::to_string(page.version));
    data.set("reason", page.reason);
    data.set("withdraw_action", ChildPath(context) + "/events/" + std::to_string(page.event_id) + "/withdraw");
  }
  data.set("confirm", Data(page.confirm));
  data.set("save_label", std::string(page.confirm ? "Save anyway" : "Save"));
  auto messages = [](const std::vector<FieldMessage>& list) {
    Data items = List();
    for (const FieldMessage& message : list) {
      Data item;
      item.set("field", message.field.empty() ? std::string("form") : message.field);
      item.set("message", message.message);
      items.push_back(item);
    }
    return items;
  };
  data.set("has_errors", Data(!page.errors.empty()));
  data.set("errors_heading", std::string(page.errors.size() > 1 ? "Nothing was saved: please correct these"
                                                               : "Nothing was saved: please correct this"));
  data.set("errors", messages(page.errors));
  data.set("has_findings", Data(!page.findings.empty()));
  data.set("findings", messages(page.findings));
  for (const FieldMessage& message : page.errors) {
    if (message.field == "reason") data.set("reason_error", message.message);
  }
  Data fields = List();
  for (const FormField& field : form.fields) {
    Data item;
    item.set("name", field.name);
    item.set("label", field.label);
    item.set("required", Data(field.required));
    if (!field.hint.empty()) item.set("hint", field.hint);
    std::string value = ValueOf(page.values, field.name);
    if (!field.filled.empty()) {
      // Filled by Cairn, not asked for: shown, never sent (a correction keeps what was filled).
      if (page.event_id == 0) value = field.filled == "user" ? context.session->principal.username : field.filled_value;
      item.set("value", value);
      item.set("is_filled", Data(true));
      fields.push_back(item);
      continue;
    }
    item.set("value", value);
    for (const FieldMessage& message : page.errors) {
      if (message.field == field.name) item.set("error", message.message);
    }
    using model::FieldType;
    if (field.type == FieldType::kDate) {
      item.set("is_date", Data(true));
    } else if (field.type == FieldType::kCode || field.type == FieldType::kFlag || field.type == FieldType::kCodeList) {
      item.set(field.type == FieldType::kCodeList ? "is_multi" : "is_select", Data(true));
      Data options = List();
      const std::vector<std::string> chosen = SplitCodes(value);
      for (const recording::Option& option : field.options) {
        Data choice;
        choice.set("code", option.code);
        choice.set("text", OptionText(field, option));
        choice.set("selected", Data(std::find(chosen.begin(), chosen.end(), option.code) != chosen.end()));
        options.push_back(choice);
      }
      item.set("options", options);
    } else if (field.free_text) {
      item.set("is_notes", Data(true));
    } else if (field.type == FieldType::kInteger) {
      item.set("is_number", Data(true));
    } else {
      item.set("is_text", Data(true));
    }
    fields.push_back(item);
  }
  data.set("fields", fields);
  if (page.stale_current) {
    data.set("stale", Data(true));
    Data current = List();
    for (const FormField& field : form.fields) {
      Data item;
      item.set("label", field.label);
      item.set("value", Readable(field, ValueOf(*page.stale_current, field.name)));
      current.push_back(item);
    }
    data.set("current", current);
  }
  data.set("withdrawn_since", Data(page.withdrawn_since));
  context.audit_action = "read";
  context.audit_children = {context.child_id};
  http::Response response = Html(RenderPage(context, "record", std::move(data), form.title + " for " + name), status);
  return response;
}

http::Response RefuseInPast(Context& context) {
  return ErrorResponse(400, "You are looking at the record as it stood on " + context.as_at.ToIso() +
                                ". Go back to today's record to record or correct anything.",
                       context.api);
}

// The entry a request carries: a form's fields, or the API's JSON
// {"kind": "visit", "fields": {"date": "2026-11-20", "AssessmentFactors": ["2A", "3A"]},
//  "confirm": false, "version": 3, "reason": "..."}.
struct Submitted {
  std::string kind;
  Entry entry;
  std::optional<int64_t> version;
  std::string reason;
};

Result<Submitted> ReadSubmission(const Context& context) {
  Submitted submitted;
  if (context.api) {
    nlohmann::json body = nlohmann::json::parse(context.request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      return Status::InvalidArgument("the body must be a JSON object, such as {\"kind\": \"visit\", \"fields\": {...}}");
    }
    if (auto kind = body.find("kind"); kind != body.end()) {
      if (!kind->is_string()) return Status::InvalidArgument("\"kind\" must be text");
      submitted.kind = kind->get<std::string>();
    }
    if (auto confirm = body.find("confirm"); confirm != body.end()) {
      if (!confirm->is_boolean()) return Status::InvalidArgument("\"confirm\" must be true or false");
      submitted.entry.confirmed = confirm->get<bool>();
    }
    if (auto version = body.find("version"); version != body.end()) {
      if (!version->is_number_integer()) return Status::InvalidArgument("\"version\" must be a whole number");
      submitted.version = version->get<int64_t>();
    }
    if (auto reason = body.find("reason"); reason != body.end()) {
      if (!reason->is_string()) return Status::InvalidArgument("\"reason\" must be text");
      submitted.reason = reason->get<std::string>();
    }
    if (auto fields = body.find("fields"); fields != body.end()) {
      if (!fields->is_object()) return Status::InvalidArgument("\"fields\" must be an object of field names and values");
      for (const auto& [name, value] : fields->items()) {
        if (value.is_string()) {
          submitted.entry.values.emplace_back(name, value.get<std::string>());
        } else if (value.is_boolean()) {
          submitted.entry.values.emplace_back(name, value.get<bool>() ? "true" : "false");
        } else if (value.is_number_integer()) {
          submitted.entry.values.emplace_back(name, std::to_string(value.get<int64_t>()));
        } else if (value.is_null()) {
          submitted.entry.values.emplace_back(name, "");
        } else if (value.is_array()) {
          for (const auto& item : value) {
            if (!item.is_string()) return Status::InvalidArgument("the codes of \"" + name.substr(0, 40) + "\" must be text");
            submitted.entry.values.emplace_back(name, item.get<std::string>());
          }
        } else {
          return Status::InvalidArgument("the value of \"" + name.substr(0, 40) + "\" must be text, a list of codes, true or false");
        }
      }
    }
    return submitted;
  }
  CAIRN_ASSIGN_OR_RETURN(Values form, Form(context));
  for (auto& [name, value] : form) {
    if (name == "kind") submitted.kind = value;
    else if (name == "confirm") submitted.entry.confirmed = value == "1";
    else if (name == "reason") submitted.reason = value;
    else if (name == "version") {
      int64_t version = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), version);
      if (error != std::errc() || end != value.data() + value.size()) return Status::InvalidArgument("the form's version is damaged; reload the page");
      submitted.version = version;
    } else if (!IsControl(name)) {
      submitted.entry.values.emplace_back(std::move(name), std::move(value));
    }
  }
  return submitted;
}

store::ChangeContext ChangeOf(const Context& context, std::string reason) {
  return {context.actor.name, std::move(reason), context.actor.role, context.actor.route, context.actor.client};
}

// The council sees the child as saved: evaluated again, alone, before the answer leaves.
void Reevaluate(Context& context, model::Chronology chronology) {
  std::unique_lock lock(context.council_mutex);
  context.council.Update(std::move(chronology));
}

http::Response ApiOutcome(const Outcome& outcome, int saved_status) {
  JsonWriter json;
  json.BeginObject();
  int status = saved_status;
  switch (outcome.kind) {
    case Outcome::Kind::kSaved:
      json.Field("saved", true).Field("event", outcome.event_id).Field("version", outcome.revision);
      break;
    case Outcome::Kind::kRefused:
      status = 422;
      json.Field("saved", false).Field("error", "Nothing was saved: the entry has problems.");
      break;
    case Outcome::Kind::kNeedsConfirmation:
      status = 422;
      json.Field("saved", false)
          .Field("needs_confirmation", true)
          .Field("error", "Nothing was saved: check the findings, then send again with \"confirm\": true.");
      break;
    case Outcome::Kind::kStale:
      status = 409;
      json.Field("saved", false)
          .Field("error", outcome.current ? "Someone else changed this record since your version; nothing was saved."
                                          : "This record has been withdrawn; nothing was saved.");
      if (outcome.current) json.Field("version", outcome.revision);
      break;
  }
  auto list = [&json](std::string_view key, const std::vector<FieldMessage>& messages) {
    json.Key(key).BeginArray();
    for (const FieldMessage& message : messages) {
      json.BeginObject().Field("field", message.field).Field("message", message.message).EndObject();
    }
    json.EndArray();
  };
  list("errors", outcome.errors);
  list("findings", outcome.findings);
  if (outcome.current) {
    json.Key("current").BeginObject().Field("start", outcome.current->start.ToIso());
    json.Key("end");
    if (outcome.current->end) json.String(outcome.current->end->ToIso());
    else json.Null();
    json.Key("fields").BeginObject();
    for (const model::Field& field : outcome.current->fields) json.Field(field.name, field.value);
    json.EndObject().EndObject();
  }
  json.EndObject();
  return JsonBody(json, status);
}

// A refused save is recorded too (which child, which kind; never what was typed).
void AuditRefusal(Context& context, std::string_view kind, const Outcome& outcome) {
  (void)context.Audit("record", "failed", {context.child_id},
                      std::string(kind) + ": " + std::to_string(outcome.errors.size()) + " problem(s), " +
                          std::to_string(outcome.findings.size()) + " finding(s)");
}

// A form's own permission (oversight is a manager's, a case audit an auditor's), or recording
// casework itself.
bool MayRecord(const Context& context, const RecordingForm& form) {
  return context.session->principal.role->Has(form.permission.empty() ? std::string_view("child.record")
                                                                      : std::string_view(form.permission));
}

// Correcting or withdrawing needs what recording needs, except that the owner of a direction
// or an audit action may mark it done.
bool MayCorrect(const Context& context, const RecordingForm& form, const model::Event& event) {
  if (MayRecord(context, form)) return true;
  const std::string& worker = context.session->principal.worker_id;
  return model::IsAssignedAction(event.kind) && !worker.empty() && event.Get("owner") == worker;
}

Result<int64_t> EventIdParam(const Context& context) {
  const std::string_view text = context.match.Param("event");
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Status::InvalidArgument("that is not an event number");
  }
  return id;
}

// The event as the council holds it, if the child has it (and it is not withdrawn).
std::optional<model::Event> HeldEvent(Context& context, int64_t event_id) {
  std::shared_lock lock(context.council_mutex);
  std::optional<size_t> index = context.council.Find(context.child_id);
  if (!index) return std::nullopt;
  for (const model::Event& event : context.council.chronology(*index).events()) {
    if (event.id == event_id) return event;
  }
  return std::nullopt;
}

http::Response Failure(const Context& context, const Status& status) {
  if (status.code() == Status::Code::kNotFound) return ErrorResponse(404, "There is nothing here to record against.", context.api, "not-found");
  return ErrorResponse(503, "Cairn could not save this just now; nothing was saved. Try again shortly.", context.api);
}

// After the recorder has answered: a saved child is evaluated again and a refusal audited; the
// API's answer, or the page's redirect after a save, is returned; nullopt leaves the handler
// to show the form again.
std::optional<http::Response> SettleOrReply(Context& context, Result<Outcome>& outcome, std::string_view kind_id,
                                            int saved_status, std::string_view saved_query) {
  if (!outcome.ok()) return Failure(context, outcome.status());
  if (outcome->saved()) Reevaluate(context, std::move(*outcome->chronology));
  else AuditRefusal(context, kind_id, *outcome);
  if (context.api) return ApiOutcome(*outcome, saved_status);
  if (outcome->saved()) {
    return Redirect(ChildPath(context) + "?" + std::string(saved_query) + "=" + std::to_string(outcome->event_id) + "#saved");
  }
  return std::nullopt;
}

// A correction or a withdrawal: the event it names, what was sent, and the event as the council
// holds it (none when it is withdrawn or another child's: the recorder says so).
struct ChangeRequest {
  int64_t event_id = 0;
  Submitted submitted;
  std::optional<model::Event> held;
  const RecordingForm* form = nullptr;  // the held event's form
};

// Reads a correction or withdrawal, or answers the request itself (Redis's ...OrReply): not
// today's record, no such event, an unreadable body, no version, or a role that may not change
// this kind of record.
std::optional<ChangeRequest> ReadChangeOrReply(Context& context, std::string_view verb, http::Response& reply) {
  if (context.past) {
    reply = RefuseInPast(context);
    return std::nullopt;
  }
  ChangeRequest change;
  Result<int64_t> event_id = EventIdParam(context);
  if (!event_id.ok()) {
    reply = ErrorResponse(404, "There is no such record.", context.api, "not-found");
    return std::nullopt;
  }
  change.event_id = *event_id;
  Result<Submitted> submitted = ReadSubmission(context);
  if (!submitted.ok()) {
    reply = ErrorResponse(400, "That could not be read: " + submitted.status().message() + ".", context.api);
    return std::nullopt;
  }
  if (!submitted->version) {
    reply = ErrorResponse(400, "Say which version is being " + std::string(verb) + " (\"version\").", context.api);
    return std::nullopt;
  }
  change.submitted = std::move(*submitted);
  change.held = HeldEvent(context, change.event_id);
  if (change.held) change.form = context.recorder->forms().For(change.held->kind);
  if (change.held && change.form != nullptr && !MayCorrect(context, *change.form, *change.held)) {
    (void)context.Audit("record", "refused", {context.child_id}, std::string(model::IdOf(change.held->kind)));
    reply = ErrorResponse(403, "Your role does not change this record.", context.api);
    return std::nullopt;
  }
  return change;
}

}  // namespace

// GET /children/{id}/record: the forms; ?kind=KIND: that form, empty.
http::Response RecordPage(Context& context) {
  if (context.past) return RefuseInPast(context);
  const recording::FormCatalogue& forms = context.recorder->forms();
  const std::string kind_id(context.request.Query("kind").value_or(""));
  if (!kind_id.empty()) {
    Result<model::EventKind> kind = model::EventKindFromId(kind_id);
    const RecordingForm* form = kind.ok() ? forms.For(*kind) : nullptr;
    if (form == nullptr) return ErrorResponse(404, "Cairn has no form of that name.", context.api, "not-found");
    if (!MayRecord(context, *form)) return ErrorResponse(403, "Your role does not record this.", context.api);
    FormPage page;
    page.form = form;
    page.action = ChildPath(context) + "/events";
    return RenderForm(context, page, 200);
  }
  Data data;
  data.set("child_href", ChildPath(context));
  const std::string name = ChildName(context);
  data.set("display_name", name);
  data.set("choosing", Data(true));
  data.set("heading", "Record for " + name);
  Data list = List();
  for (const RecordingForm& form : forms.forms()) {
    if (!MayRecord(context, form)) continue;
    Data item;
    item.set("href", ChildPath(context) + "/record?kind=" + std::string(model::IdOf(form.kind)));
    item.set("kind", std::string(model::IdOf(form.kind)));
    item.set("title", form.title);
    item.set("help", form.help);
    list.push_back(item);
  }
  if (!list.is_non_empty_list()) return ErrorResponse(403, "Your role records nothing on a child's record.", context.api);
  data.set("forms", list);
  context.audit_action = "read";
  context.audit_children = {context.child_id};
  return Html(RenderPage(context, "record", std::move(data), "Record for " + name));
}

// POST /children/{id}/events, /api/v1/children/{id}/events: a new event.
http::Response RecordSubmit(Context& context) {
  if (context.past) return RefuseInPast(context);
  Result<Submitted> submitted = ReadSubmission(context);
  if (!submitted.ok()) return ErrorResponse(400, "That could not be read: " + submitted.status().message() + ".", context.api);
  Result<model::EventKind> kind = model::EventKindFromId(submitted->kind);
  const RecordingForm* form = kind.ok() ? context.recorder->forms().For(*kind) : nullptr;
  if (form == nullptr) {
    return ErrorResponse(400, "Say what to record: \"kind\" must name one of Cairn's forms, such as visit.", context.api);
  }
  if (!MayRecord(context, *form)) {
    (void)context.Audit("record", "refused", {context.child_id}, std::string(model::IdOf(*kind)));
    return ErrorResponse(403, "Your role does not record this.", context.api);
  }
  Result<Outcome> outcome = context.recorder->Record(context.db, context.child_id, *kind, submitted->entry,
                                                     context.as_at, ChangeOf(context, "recorded"));
  if (std::optional<http::Response> answer = SettleOrReply(context, outcome, submitted->kind, 201, "saved")) {
    return std::move(*answer);
  }
  FormPage page;
  page.form = form;
  page.action = ChildPath(context) + "/events";
  page.values = submitted->entry.values;
  page.errors = outcome->errors;
  page.findings = outcome->findings;
  page.confirm = outcome->kind == Outcome::Kind::kNeedsConfirmation;
  return RenderForm(context, page, 422);
}

bool MayRecordAny(const Context& context) {
  for (const RecordingForm& form : context.recorder->forms().forms()) {
    if (MayRecord(context, form)) return true;
  }
  return false;
}

bool MayCorrectEvent(const Context& context, const model::Event& event) {
  if (context.past || event.id <= 0) return false;
  const RecordingForm* form = context.recorder->forms().For(event.kind);
  return form != nullptr && MayCorrect(context, *form, event);
}

// GET /children/{id}/events/{event}/edit: the correction form, filled in.
http::Response CorrectPage(Context& context) {
  if (context.past) return RefuseInPast(context);
  Result<int64_t> event_id = EventIdParam(context);
  if (!event_id.ok()) return ErrorResponse(404, "There is no such record.", context.api, "not-found");
  std::optional<model::Event> event = HeldEvent(context, *event_id);
  const RecordingForm* form = event ? context.recorder->forms().For(event->kind) : nullptr;
  if (form == nullptr) return ErrorResponse(404, "There is no record here that Cairn can correct.", context.api, "not-found");
  if (!MayCorrect(context, *form, *event)) return ErrorResponse(403, "Your role does not change this record.", context.api);
  FormPage page;
  page.form = form;
  page.event_id = *event_id;
  page.version = event->revision;
  page.values = recording::ValuesOf(*form, *event);
  page.action = ChildPath(context) + "/events/" + std::to_string(*event_id);
  return RenderForm(context, page, 200);
}

namespace {

// After a refused or stale correction or withdrawal: the form again, with what the user typed.
http::Response CorrectionAgain(Context& context, const RecordingForm& form, int64_t event_id, const Submitted& submitted,
                               const Outcome& outcome) {
  FormPage page;
  page.form = &form;
  page.event_id = event_id;
  page.action = ChildPath(context) + "/events/" + std::to_string(event_id);
  page.values = submitted.entry.values;
  page.reason = submitted.reason;
  page.errors = outcome.errors;
  page.findings = outcome.findings;
  page.version = submitted.version.value_or(0);
  page.confirm = outcome.kind == Outcome::Kind::kNeedsConfirmation;
  if (outcome.kind == Outcome::Kind::kStale) {
    if (outcome.current) {
      page.stale_current = recording::ValuesOf(form, *outcome.current);
      // Saving again, having seen the record as it now stands, corrects that version.
      page.version = outcome.revision;
    } else {
      page.withdrawn_since = true;
    }
  }
  return RenderForm(context, page, outcome.kind == Outcome::Kind::kStale ? 409 : 422);
}

}  // namespace

// POST /children/{id}/events/{event}, /api/v1/...: a correction.
http::Response CorrectSubmit(Context& context) {
  http::Response reply;
  std::optional<ChangeRequest> change = ReadChangeOrReply(context, "corrected", reply);
  if (!change) return reply;
  if (change->form == nullptr && !context.api) {
    return ErrorResponse(404, "There is no record here that Cairn can correct.", false, "not-found");
  }
  Entry& entry = change->submitted.entry;
  if (!context.api && change->form != nullptr) {
    // A list of codes with none ticked sends nothing: it was emptied, not left alone.
    for (const FormField& field : change->form->fields) {
      if (field.type == model::FieldType::kCodeList && ValueOf(entry.values, field.name).empty()) {
        entry.values.emplace_back(field.name, "");
      }
    }
  }
  Result<Outcome> outcome = context.recorder->Correct(context.db, context.child_id, change->event_id,
                                                      *change->submitted.version, entry, context.as_at,
                                                      ChangeOf(context, change->submitted.reason));
  const std::string_view kind = change->held ? model::IdOf(change->held->kind) : "event";
  if (std::optional<http::Response> answer = SettleOrReply(context, outcome, kind, 200, "saved")) return std::move(*answer);
  return CorrectionAgain(context, *change->form, change->event_id, change->submitted, *outcome);
}

// POST /children/{id}/events/{event}/withdraw, /api/v1/...: entered in error.
http::Response WithdrawSubmit(Context& context) {
  http::Response reply;
  std::optional<ChangeRequest> change = ReadChangeOrReply(context, "withdrawn", reply);
  if (!change) return reply;
  Result<Outcome> outcome = context.recorder->Withdraw(context.db, context.child_id, change->event_id,
                                                       *change->submitted.version, ChangeOf(context, change->submitted.reason));
  const std::string_view kind = change->held ? model::IdOf(change->held->kind) : "event";
  if (std::optional<http::Response> answer = SettleOrReply(context, outcome, kind, 200, "withdrawn")) {
    return std::move(*answer);
  }
  if (change->form == nullptr) return ErrorResponse(409, "This record has changed; nothing was withdrawn.", false);
  // The form again, filled in with the record as held, with the withdrawal's reason and problems.
  Submitted shown = change->submitted;
  shown.entry.values = recording::ValuesOf(*change->form, *change->held);
  return CorrectionAgain(context, *change->form, change->event_id, shown, *outcome);
}

}  // namespace cairn::web
