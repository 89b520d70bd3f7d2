#include "indicators/catalogue.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <set>

#include "base/embedded.h"
#include "base/toml_text.h"

namespace cairn::indicators {
namespace {

constexpr std::array<std::pair<Unit, std::string_view>, 4> kUnits = {
    {{Unit::kCount, "count"}, {Unit::kRatePer10000, "rate-per-10000"}, {Unit::kPercent, "percent"},
     {Unit::kAverage, "average"}}};
constexpr std::array<std::pair<Period, std::string_view>, 3> kPeriods = {
    {{Period::kYear, "year"}, {Period::kThirtyFirstMarch, "31-march"}, {Period::kThirtiethSeptember, "30-september"}}};

// An [[indicator]] table's keys (or, with prefix "published.", its [indicator.published] table's)
// are all ones Cairn knows: "FILE line N: indicator 'ID': 'KEY' is not a key Cairn knows; use ...".
Status CheckKeys(const TomlEntry& entry, const toml::table& table, std::initializer_list<std::string_view> allowed,
                 std::string_view prefix) {
  const toml::key* key = TomlEntry::FirstUnknownKey(table, allowed);
  if (key == nullptr) return Status::Ok();
  return entry.ErrorAt(key->source().begin.line, "",
                       QuoteText(std::string(prefix) + std::string(key->str())) + " is not a key Cairn knows; use " +
                           JoinWithOr(allowed) + ".");
}

Result<std::string> RequiredText(const TomlEntry& entry, std::string_view field) {
  return entry.RequiredString(field, "every indicator needs one.");
}

bool IsIdentifier(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Result<PublishedSource> ReadPublished(const TomlEntry& entry, const toml::table& table) {
  CAIRN_RETURN_IF_ERROR(CheckKeys(entry, table, {"file", "value", "count", "where", "year_offset"}, "published."));
  PublishedSource published;
  auto error = [&](std::string_view field, std::string_view problem) {
    return entry.Error("published", std::string("'") + std::string(field) + "' " + std::string(problem));
  };
  const auto* file = table.get_as<std::string>("file");
  if (file == nullptr || file->get().empty()) return error("file", "is missing: name the start of the DfE file's name.");
  published.file = file->get();
  const auto* value = table.get_as<std::string>("value");
  const auto* count = table.get_as<std::string>("count");
  if ((value == nullptr) == (count == nullptr)) {
    return error("value", "or 'count' (one of them) must name the column that holds the figure.");
  }
  published.column = value != nullptr ? value->get() : count->get();
  published.per_10000 = count != nullptr;
  if (const toml::node* where = table.get("where")) {
    const auto* filters = where->as_table();
    if (filters == nullptr) return error("where", "must be a table such as { column = \"value\" }.");
    for (const auto& [column, node] : *filters) {
      const auto* text = node.as_string();
      if (text == nullptr) return error("where", "values must be text; '" + std::string(column.str()) + "' is not.");
      published.where.emplace_back(std::string(column.str()), text->get());
    }
  }
  if (const toml::node* offset = table.get("year_offset")) {
    const auto* number = offset->as_integer();
    if (number == nullptr || number->get() < -5 || number->get() > 5) {
      return error("year_offset", "must be a whole number from -5 to 5.");
    }
    published.year_offset = static_cast<int>(number->get());
  }
  return published;
}

Result<IndicatorSpec> ReadIndicator(const toml::table& table, std::string_view source) {
  TomlEntry entry(source, "indicator", table);
  IndicatorSpec spec;
  spec.line = LineOf(table);
  CAIRN_ASSIGN_OR_RETURN(spec.id, RequiredText(entry, "id"));
  entry.set_label("indicator " + QuoteText(spec.id));
  if (!IsIdentifier(spec.id)) return entry.Error("id", "must be lower-case letters, digits and hyphens.");
  CAIRN_RETURN_IF_ERROR(CheckKeys(
      entry, table, {"id", "title", "definition", "source", "unit", "period", "higher_is_better", "published"}, ""));
  CAIRN_ASSIGN_OR_RETURN(spec.title, RequiredText(entry, "title"));
  CAIRN_ASSIGN_OR_RETURN(spec.definition, RequiredText(entry, "definition"));
  CAIRN_ASSIGN_OR_RETURN(spec.source, RequiredText(entry, "source"));

  CAIRN_ASSIGN_OR_RETURN(std::string unit, RequiredText(entry, "unit"));
  auto unit_match = std::find_if(kUnits.begin(), kUnits.end(), [&](const auto& u) { return u.second == unit; });
  if (unit_match == kUnits.end()) {
    return entry.Error("unit", "'" + unit + "' is not a unit; use count, rate-per-10000, percent or average.");
  }
  spec.unit = unit_match->first;

  CAIRN_ASSIGN_OR_RETURN(std::string period, RequiredText(entry, "period"));
  auto period_match =
      std::find_if(kPeriods.begin(), kPeriods.end(), [&](const auto& p) { return p.second == period; });
  if (period_match == kPeriods.end()) {
    return entry.Error("period", "'" + period + "' is not a period; use year, 31-march or 30-september.");
  }
  spec.period = period_match->first;

  CAIRN_ASSIGN_OR_RETURN(const std::optional<bool> higher_is_better, entry.OptionalBool("higher_is_better"));
  if (higher_is_better) spec.higher_is_better = *higher_is_better;
  if (const toml::node* published = table.get("published")) {
    const auto* published_table = published->as_table();
    if (published_table == nullptr) return entry.Error("published", "must be a table: [indicator.published].");
    CAIRN_ASSIGN_OR_RETURN(spec.published, ReadPublished(entry, *published_table));
  }
  return spec;
}

}  // namespace

std::string_view UnitName(Unit unit) {
  for (const auto& [value, name] : kUnits) {
    if (value == unit) return name;
  }
  return "count";
}

Result<Catalogue> Catalogue::FromToml(std::string_view toml_text, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, source_name));
  for (const auto& [key, node] : root) {
    if (key.str() != "indicator") {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(LineOf(node)) + ": '" +
                                     std::string(key.str()) +
                                     "' is not part of an indicator catalogue; use [[indicator]] entries.");
    }
  }
  const toml::array* entries = root.get_as<toml::array>("indicator");
  if (entries == nullptr || entries->empty()) {
    return Status::InvalidArgument(std::string(source_name) + ": the catalogue has no [[indicator]] entries.");
  }
  Catalogue catalogue;
  std::set<std::string, std::less<>> ids;
  for (const toml::node& node : *entries) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(LineOf(node)) +
                                     ": each indicator must be an [[indicator]] table.");
    }
    CAIRN_ASSIGN_OR_RETURN(IndicatorSpec spec, ReadIndicator(*table, source_name));
    if (!ids.insert(spec.id).second) {
      return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(spec.line) +
                                     ": indicator '" + spec.id + "' is defined twice.");
    }
    catalogue.indicators_.push_back(std::move(spec));
  }
  return catalogue;
}

Result<Catalogue> Catalogue::England() {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "indicators/catalogue.toml");
  if (resource == nullptr) return Status::Internal("data/indicators/catalogue.toml is not compiled into this Cairn");
  return FromToml(resource->text, "catalogue.toml");
}

const IndicatorSpec* Catalogue::Find(std::string_view id) const {
  for (const IndicatorSpec& spec : indicators_) {
    if (spec.id == id) return &spec;
  }
  return nullptr;
}

}  // namespace cairn::indicators
