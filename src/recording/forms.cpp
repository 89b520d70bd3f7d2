#include "recording/forms.h"

#include <algorithm>

#include "base/embedded.h"
#include "base/toml_text.h"
#include "returns/cin_census/cin_census.h"
#include "returns/ssda903/tables.h"

namespace cairn::recording {
namespace {

using model::FieldType;

// The SSDA903 list for `field` in `year`, or in the latest year before it that has one (a
// collection year whose lists are not yet in data/codes keeps the last known).
const returns::ssda903::CodeList* Ssda903List(const returns::ssda903::CodeLists& lists, std::string_view field,
                                              int year) {
  for (int candidate = year; candidate >= year - 3; --candidate) {
    if (const returns::ssda903::CodeList* list = lists.For(field, candidate)) return list;
  }
  return nullptr;
}

// Fills a coded field's options from the DfE's lists; false when neither has one.
Result<bool> OptionsFromDfeLists(FormField& field, int collection_year) {
  const Result<returns::cin_census::CodeLists>& cin = returns::cin_census::CinCensusCodeLists();
  if (!cin.ok()) return cin.status();
  if (const returns::cin_census::CodeList* list = cin->ForField(field.name)) {
    for (const auto& [code, meaning] : list->codes) field.options.push_back({code, meaning});
    field.options_source = "the CIN census list";
    return true;
  }
  CAIRN_ASSIGN_OR_RETURN(const returns::ssda903::CodeLists* lists, returns::ssda903::CodeLists::Embedded());
  if (const returns::ssda903::CodeList* list = Ssda903List(*lists, field.name, collection_year)) {
    for (const std::string& code : list->codes) field.options.push_back({code, ""});
    field.options_source = "the SSDA903 list (DfE rule " + list->rule + ")";
    return true;
  }
  return false;
}

// The grades of the case audit template as a field's options.
Status OptionsFromAuditTemplate(const TomlEntry& entry, FormField& field, const quality::AuditTemplate* audit_template) {
  if (audit_template == nullptr) return entry.Error("options", "the case audit template is needed for its grades.");
  for (const quality::Grade& grade : audit_template->grades()) field.options.push_back({grade.code, grade.label});
  field.options_source = "the case audit template (data/audit/case-audit.toml)";
  return Status::Ok();
}

// A field as the form lists it; a per-theme field becomes one field per theme of the template.
Result<std::vector<FormField>> ParseField(const TomlEntry& form_entry, const toml::node& node,
                                          const model::EventKindSpec& spec, std::string_view source,
                                          const quality::AuditTemplate* audit_template) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return form_entry.ErrorAt(LineOf(node), "fields", "each field must be a table { field = ..., label = ... }.");
  TomlEntry entry(source, form_entry.label() + ", a field", *table);
  CAIRN_RETURN_IF_ERROR(
      entry.CheckKeys({"field", "label", "required", "options", "filled", "per_theme"}, "a form's field"));
  FormField field;
  CAIRN_ASSIGN_OR_RETURN(field.name, entry.RequiredString("field", "name the chronology field, e.g. \"date\"."));
  entry.set_label(form_entry.label() + ", field " + QuoteText(field.name));
  std::optional<FieldType> type = model::FieldTypeOf(spec.kind, field.name);
  if (!type) {
    return entry.Error("field", "a " + std::string(spec.id) + " event has no field " + QuoteText(field.name) + ".");
  }
  field.type = *type;
  field.start = field.name == spec.start_field;
  field.end = !spec.end_field.empty() && field.name == spec.end_field;
  field.free_text = model::IsFreeText(spec.kind, field.name);
  CAIRN_ASSIGN_OR_RETURN(field.label, entry.RequiredString("label", "say what the form calls it."));
  CAIRN_ASSIGN_OR_RETURN(std::optional<bool> required, entry.OptionalBool("required"));
  field.required = required.value_or(false);

  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> filled, entry.OptionalString("filled"));
  if (filled) {
    if (*filled == "user") {
      field.filled = "user";
    } else if (*filled == "template") {
      if (audit_template == nullptr) return entry.Error("filled", "the case audit template is needed for its id.");
      field.filled = "value";
      field.filled_value = audit_template->id();
    } else {
      return entry.Error("filled", QuoteText(*filled) + " is not something Cairn fills; use 'user' or 'template'.");
    }
    if (field.type != FieldType::kText || field.start || field.end) {
      return entry.Error("filled", "only a text field other than the dates can be filled by Cairn.");
    }
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<bool> per_theme, entry.OptionalBool("per_theme"));
  if (per_theme.value_or(false)) {
    if (audit_template == nullptr) return entry.Error("per_theme", "the case audit template is needed for its themes.");
    if (field.type != FieldType::kText || field.free_text || field.filled.size() > 0) {
      return entry.Error("per_theme", "only a text field (not free text, not filled) can hold a grade per theme.");
    }
    std::vector<FormField> parts;
    for (const quality::Theme& theme : audit_template->themes()) {
      FormField part;
      part.name = field.name + "." + theme.id;
      part.label = theme.title;
      part.hint = theme.question;
      part.required = field.required;
      part.type = FieldType::kCode;
      part.part_of = field.name;
      part.part = theme.id;
      CAIRN_RETURN_IF_ERROR(OptionsFromAuditTemplate(entry, part, audit_template));
      parts.push_back(std::move(part));
    }
    return parts;
  }

  if (const toml::node* options = table->get("options")) {
    if (field.type != FieldType::kCode && field.type != FieldType::kCodeList) {
      return entry.ErrorAt(LineOf(*options), "options", "only a coded field takes options.");
    }
    if (options->is_string()) {
      if (options->value_or(std::string()) != "audit-grades") {
        return entry.ErrorAt(LineOf(*options), "options",
                             "the only named list is \"audit-grades\"; otherwise write [[\"code\", \"meaning\"], ...].");
      }
      CAIRN_RETURN_IF_ERROR(OptionsFromAuditTemplate(entry, field, audit_template));
      return std::vector<FormField>{std::move(field)};
    }
    const toml::array* list = options->as_array();
    if (list == nullptr || list->empty()) {
      return entry.ErrorAt(LineOf(*options), "options", "write the codes as [[\"code\", \"meaning\"], ...].");
    }
    for (const toml::node& item : *list) {
      const toml::array* pair = item.as_array();
      if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
        return entry.ErrorAt(LineOf(item), "options", "each option is [\"code\", \"meaning\"].");
      }
      field.options.push_back({(*pair)[0].value_or(std::string()), (*pair)[1].value_or(std::string())});
    }
    field.options_source = "Cairn's list (data/recording/forms.toml)";
  } else if (field.type == FieldType::kFlag) {
    field.options = {{"true", "Yes"}, {"false", "No"}};
    field.options_source = "yes or no";
  }
  return std::vector<FormField>{std::move(field)};
}

}  // namespace

bool FormField::Offers(std::string_view code) const {
  return std::any_of(options.begin(), options.end(), [&](const Option& option) { return option.code == code; });
}

const FormField* Form::Find(std::string_view name) const {
  for (const FormField& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

Result<FormCatalogue> FormCatalogue::Parse(std::string_view toml_text, std::string_view source, int collection_year,
                                           const quality::AuditTemplate* audit_template) {
  CAIRN_ASSIGN_OR_RETURN(toml::table document, ParseToml(toml_text, source));
  if (const toml::key* unknown = TomlEntry::FirstUnknownKey(document, {"form"})) {
    return Status::InvalidArgument(std::string(source) + " line " + std::to_string(unknown->source().begin.line) +
                                   ": '" + std::string(unknown->str()) + "' is not a section of the forms; use [[form]]");
  }
  const toml::array* forms = document["form"].as_array();
  if (forms == nullptr || forms->empty()) return Status::InvalidArgument(std::string(source) + ": there are no [[form]] entries");
  FormCatalogue catalogue;
  if (audit_template != nullptr) catalogue.audit_template_ = std::make_shared<const quality::AuditTemplate>(*audit_template);
  size_t number = 0;
  for (const toml::node& node : *forms) {
    ++number;
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return Status::InvalidArgument(std::string(source) + " line " + std::to_string(LineOf(node)) +
                                     ": each form must be a [[form]] table");
    }
    TomlEntry entry(source, "form " + std::to_string(number), *table);
    CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"kind", "title", "help", "permission", "fields"}));
    CAIRN_ASSIGN_OR_RETURN(std::string kind_id, entry.RequiredString("kind", "name the kind of event, e.g. \"visit\"."));
    Result<model::EventKind> kind = model::EventKindFromId(kind_id);
    if (!kind.ok()) return entry.Error("kind", kind.status().message() + ".");
    entry.set_label("form " + QuoteText(kind_id));
    if (catalogue.For(*kind) != nullptr) return entry.Error("kind", "there is already a form for this kind.");
    const model::EventKindSpec& spec = model::Spec(*kind);
    if (spec.start_field.empty()) {
      return entry.Error("kind", "a " + kind_id + " record has no date of its own, so Cairn cannot record it from a form.");
    }
    Form form;
    form.kind = *kind;
    CAIRN_ASSIGN_OR_RETURN(form.title, entry.RequiredString("title", "say what the form is called."));
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> help, entry.OptionalString("help"));
    form.help = help.value_or("");
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> permission, entry.OptionalString("permission"));
    form.permission = permission.value_or("");
    const toml::array* fields = (*table)["fields"].as_array();
    if (fields == nullptr || fields->empty()) return entry.Error("fields", "list the fields the form asks for.");
    for (const toml::node& field_node : *fields) {
      CAIRN_ASSIGN_OR_RETURN(std::vector<FormField> parsed,
                             ParseField(entry, field_node, spec, source, catalogue.audit_template_.get()));
      for (FormField& field : parsed) {
        if (form.Find(field.name) != nullptr || (!field.part_of.empty() && form.Find(field.part_of) != nullptr)) {
          return entry.ErrorAt(LineOf(field_node), "fields", QuoteText(field.name) + " is listed twice.");
        }
        if ((field.type == FieldType::kCode || field.type == FieldType::kCodeList) && field.options.empty()) {
          CAIRN_ASSIGN_OR_RETURN(bool listed, OptionsFromDfeLists(field, collection_year));
          if (!listed) {
            return entry.ErrorAt(LineOf(field_node), "fields",
                                 QuoteText(field.name) + " is coded but the DfE lists have no codes for it; give options.");
          }
        }
        form.fields.push_back(std::move(field));
      }
    }
    const FormField* start = form.Find(spec.start_field);
    if (start == nullptr || !start->required) {
      return entry.Error("fields", "the start date " + QuoteText(spec.start_field) + " must be asked for, with required = true.");
    }
    catalogue.forms_.push_back(std::move(form));
  }
  return catalogue;
}

Result<FormCatalogue> FormCatalogue::BuiltIn(int collection_year) {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "recording/forms.toml");
  if (resource == nullptr) return Status::Internal("the recording forms (data/recording/forms.toml) are not built into Cairn");
  CAIRN_ASSIGN_OR_RETURN(quality::AuditTemplate audit_template, quality::AuditTemplate::BuiltIn());
  return Parse(resource->text, "data/recording/forms.toml", collection_year, &audit_template);
}

const Form* FormCatalogue::For(model::EventKind kind) const {
  for (const Form& form : forms_) {
    if (form.kind == kind) return &form;
  }
  return nullptr;
}

}  // namespace cairn::recording
