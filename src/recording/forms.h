// The recording forms (data/recording/forms.toml): for each kind of event a practitioner or
// manager records in Cairn, which fields are asked for, in what words, which must be given, and
// the codes a coded field offers. The same catalogue drives the browser's forms, the API's
// checks and `cairn record`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "model/event_kind.h"
#include "quality/case_audit.h"

namespace cairn::recording {

struct Option {
  std::string code;
  std::string meaning;  // "" when the list gives none (the SSDA903 lists hold codes only)
};

struct FormField {
  std::string name;   // the chronology's field name ("CINreferralDate", "purpose")
  std::string label;  // "Referral date"
  bool required = false;
  model::FieldType type = model::FieldType::kText;
  bool start = false;  // the event's start date
  bool end = false;    // the event's end date
  // The codes a kCode or kCodeList field accepts, in order; empty for other types. A flag's are
  // "true" and "false".
  std::vector<Option> options;
  // Where the options come from, for messages: "the CIN census list", "the SSDA903 list (rule
  // 146)", "Cairn's list" (forms.toml).
  std::string options_source;

  // Free text about the child (model::IsFreeText): a text area, never in a download.
  bool free_text = false;

  // A value Cairn fills rather than asks for: "user" (who records it: a case audit's auditor),
  // "value" (filled_value: the case audit template's id), or "" (asked for). A correction keeps
  // the value filled when the event was recorded.
  std::string filled;
  std::string filled_value;

  // One part of a field made of named parts (model::SplitNamedParts): the form asks for a case
  // audit's grade on each theme as its own field, "theme_grades.voice-of-the-child", kept
  // together in the event's field `part_of` under the name `part`.
  std::string part_of;
  std::string part;
  std::string hint;  // a sentence under the label (the theme's question)

  bool Offers(std::string_view code) const;
};

struct Form {
  model::EventKind kind = model::EventKind::kVisit;
  std::string title;
  std::string help;
  std::vector<FormField> fields;
  // A permission the user needs beyond recording itself ("oversight.record"), or "".
  std::string permission;

  const FormField* Find(std::string_view name) const;
};

class FormCatalogue {
 public:
  // Parses `toml_text`; every error names `source_name`, the line, the form and the field. Coded
  // fields without options of their own take the SSDA903 lists of `collection_year` (or the
  // latest year before it that has one) and the CIN census lists. A case audit's form takes its
  // themes and grades from `audit_template` (a form that needs one refuses to load without it).
  static Result<FormCatalogue> Parse(std::string_view toml_text, std::string_view source_name, int collection_year,
                                     const quality::AuditTemplate* audit_template = nullptr);
  // The forms compiled into Cairn (recording/forms.toml), for the collection year given, with the
  // case audit template compiled in (data/audit/case-audit.toml).
  static Result<FormCatalogue> BuiltIn(int collection_year);

  // The case audit template the forms were made with; null when none was given.
  const quality::AuditTemplate* audit_template() const { return audit_template_.get(); }

  const std::vector<Form>& forms() const { return forms_; }
  // The form recording `kind`, or nullptr when Cairn has none (the yearly OC2 and OC3 records).
  const Form* For(model::EventKind kind) const;

 private:
  std::vector<Form> forms_;
  std::shared_ptr<const quality::AuditTemplate> audit_template_;
};

}  // namespace cairn::recording
