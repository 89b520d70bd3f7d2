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

Result<FormField> ParseField(const TomlEntry& form_entry, const toml::node& node, const model::EventKindSpec& spec,
                             std::string_view source) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return form_entry.ErrorAt(LineOf(node), "fields", "each field must be a table { field = ..., label = ... }.");
  TomlEntry entry(source, form_entry.label() + ", a field", *table);
  CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"field", "label", "required", "options"}, "a form's field"));
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

  if (const toml::node* options = table->get("options")) {
    if (field.type != FieldType::kCode && field.type != FieldType::kCodeList) {
      return entry.ErrorAt(LineOf(*options), "options", "only a coded field takes options.");
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
  return field;
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

Result<FormCatalogue> FormCatalogue::Parse(std::string_view toml_text, std::string_view source, int collection_year) {
  CAIRN_ASSIGN_OR_RETURN(toml::table document, ParseToml(toml_text, source));
  if (const toml::key* unknown = TomlEntry::FirstUnknownKey(document, {"form"})) {
    return Status::InvalidArgument(std::string(source) + " line " + std::to_string(unknown->source().begin.line) +
                                   ": '" + std::string(unknown->str()) + "' is not a section of the forms; use [[form]]");
  }
  const toml::array* forms = document["form"].as_array();
  if (forms == nullptr || forms->empty()) return Status::InvalidArgument(std::string(source) + ": there are no [[form]] entries");
  FormCatalogue catalogue;
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
      CAIRN_ASSIGN_OR_RETURN(FormField field, ParseField(entry, field_node, spec, source));
      if (form.Find(field.name) != nullptr) {
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
  return Parse(resource->text, "data/recording/forms.toml", collection_year);
}

const Form* FormCatalogue::For(model::EventKind kind) const {
  for (const Form& form : forms_) {
    if (form.kind == kind) return &form;
  }
  return nullptr;
}

}  // namespace cairn::recording
