#include "validate/catalogue.h"

#include <algorithm>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "base/embedded.h"
#include "base/toml_text.h"

namespace cairn::validate {
namespace {

// Rule codes sort as the DfE lists them: by their leading number, then as text ("205A" after
// "205", "SW01bSTG1" after every numbered rule).
bool CodeBefore(std::string_view a, std::string_view b) {
  auto number = [](std::string_view code) {
    long value = 0;
    std::size_t digits = 0;
    while (digits < code.size() && code[digits] >= '0' && code[digits] <= '9' && digits < 9) {
      value = value * 10 + (code[digits] - '0');
      ++digits;
    }
    return std::pair<bool, long>(digits == 0, value);
  };
  const auto na = number(a);
  const auto nb = number(b);
  if (na != nb) return na < nb;
  return a < b;
}

Result<std::vector<RuleInfo>> ParseRules(std::string_view text, std::string_view source, ReturnKind kind,
                                         int first_year, int last_year) {
  CAIRN_ASSIGN_OR_RETURN(toml::table root, ParseToml(text, source));
  std::vector<RuleInfo> rules;
  const toml::array* entries = root["rule"].as_array();
  if (entries == nullptr) return Status::InvalidArgument(fmt::format("{}: there is no [[rule]]", source));
  int index = 0;
  for (const toml::node& node : *entries) {
    ++index;
    const toml::table* table = node.as_table();
    if (table == nullptr) return Status::InvalidArgument(fmt::format("{}: rule {} is not a table", source, index));
    TomlEntry entry(source, fmt::format("rule {}", index), *table);
    if (kind == ReturnKind::kSsda903) {
      CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"code", "years", "type", "tables", "fields", "message", "validator_file"}));
    } else {
      CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"code", "years", "type", "module", "fields", "message", "validator_file"}));
    }
    RuleInfo rule;
    rule.kind = kind;
    rule.line = static_cast<int>(entry.line());
    CAIRN_ASSIGN_OR_RETURN(rule.code, entry.RequiredString("code", "give the DfE's rule code."));
    entry.set_label(fmt::format("rule '{}'", rule.code));
    const toml::array* years = (*table)["years"].as_array();
    if (years == nullptr || years->size() != 2 || !(*years)[0].is_integer() || !(*years)[1].is_integer()) {
      return entry.Error("years", "must be [first, last], two collection years.");
    }
    rule.first_year = static_cast<int>(*(*years)[0].value<int64_t>());
    rule.last_year = static_cast<int>(*(*years)[1].value<int64_t>());
    if (rule.first_year < first_year || rule.last_year > last_year || rule.first_year > rule.last_year) {
      return entry.Error("years", fmt::format("must lie within {} to {}, the first not after the last.", first_year,
                                              last_year));
    }
    CAIRN_ASSIGN_OR_RETURN(std::string type, entry.RequiredString("type", "give error or query."));
    if (type == "error") {
      rule.type = RuleType::kError;
    } else if (type == "query") {
      rule.type = RuleType::kQuery;
    } else {
      return entry.Error("type", "must be error or query.");
    }
    CAIRN_ASSIGN_OR_RETURN(rule.message, entry.RequiredString("message", "give the DfE's message."));
    if (kind == ReturnKind::kSsda903) {
      CAIRN_ASSIGN_OR_RETURN(rule.tables, entry.RequiredStringList("tables"));
    } else {
      CAIRN_ASSIGN_OR_RETURN(std::string module, entry.RequiredString("module", "give the census module."));
      rule.tables.push_back(std::move(module));
    }
    CAIRN_ASSIGN_OR_RETURN(rule.fields, entry.RequiredStringList("fields"));
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> file, entry.OptionalString("validator_file"));
    rule.validator_file = file.value_or("");
    for (const RuleInfo& earlier : rules) {
      if (earlier.code == rule.code && earlier.first_year <= rule.last_year && rule.first_year <= earlier.last_year) {
        return entry.Error("years", fmt::format("overlap those of the version on line {}.", earlier.line));
      }
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace

Result<Catalogue> Catalogue::Parse(std::string_view ssda903_toml, std::string_view cin_toml,
                                   std::span<const RuleLogic> ssda903_logic, std::span<const RuleLogic> cin_logic) {
  Catalogue catalogue;
  CAIRN_ASSIGN_OR_RETURN(std::vector<RuleInfo> ssda903, ParseRules(ssda903_toml, "data/validate/ssda903-rules.toml",
                                                                   ReturnKind::kSsda903, kFirstSsda903Year,
                                                                   kLastSsda903Year));
  CAIRN_ASSIGN_OR_RETURN(std::vector<RuleInfo> cin, ParseRules(cin_toml, "data/validate/cin-rules.toml",
                                                               ReturnKind::kCinCensus, kFirstCinYear, kLastCinYear));
  catalogue.rules_ = std::move(ssda903);
  catalogue.rules_.insert(catalogue.rules_.end(), std::make_move_iterator(cin.begin()),
                          std::make_move_iterator(cin.end()));
  std::stable_sort(catalogue.rules_.begin(), catalogue.rules_.end(), [](const RuleInfo& a, const RuleInfo& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.code != b.code) return CodeBefore(a.code, b.code);
    return a.first_year < b.first_year;
  });
  catalogue.logic_.assign(catalogue.rules_.size(), nullptr);
  auto attach = [&catalogue](ReturnKind kind, std::span<const RuleLogic> logic) -> Status {
    for (const RuleLogic& entry : logic) {
      bool found = false;
      for (std::size_t i = 0; i < catalogue.rules_.size(); ++i) {
        const RuleInfo& rule = catalogue.rules_[i];
        if (rule.kind != kind || rule.code != entry.code || rule.first_year != entry.first_year) continue;
        if (catalogue.logic_[i] != nullptr) {
          return Status::Internal(fmt::format("{} rule {} ({}) has two pieces of logic", ReturnKindName(kind),
                                              entry.code, entry.first_year));
        }
        catalogue.logic_[i] = entry.check;
        found = true;
      }
      if (!found) {
        return Status::Internal(fmt::format("logic is registered for {} rule {} from {}, a version the rule data does "
                                            "not have",
                                            ReturnKindName(kind), entry.code, entry.first_year));
      }
    }
    return Status::Ok();
  };
  CAIRN_RETURN_IF_ERROR(attach(ReturnKind::kSsda903, ssda903_logic));
  CAIRN_RETURN_IF_ERROR(attach(ReturnKind::kCinCensus, cin_logic));
  return catalogue;
}

Result<const Catalogue*> Catalogue::Embedded() {
  static const Result<Catalogue> parsed = []() -> Result<Catalogue> {
    const embedded::Resource* ssda903 = embedded::Find(embedded::Data(), "validate/ssda903-rules.toml");
    const embedded::Resource* cin = embedded::Find(embedded::Data(), "validate/cin-rules.toml");
    if (ssda903 == nullptr || cin == nullptr) {
      return Status::Internal("the validation rules (data/validate) are missing from this build of Cairn");
    }
    Result<Catalogue> catalogue = Parse(ssda903->text, cin->text, Ssda903Logic(), CinLogic());
    if (!catalogue.ok()) {
      return Status::Internal("the validation rules built into Cairn are broken: " + catalogue.status().message());
    }
    return catalogue;
  }();
  if (!parsed.ok()) return parsed.status();
  return &parsed.value();
}

RuleCheck Catalogue::LogicFor(const RuleInfo& rule) const {
  const std::size_t index = static_cast<std::size_t>(&rule - rules_.data());
  return index < logic_.size() ? logic_[index] : nullptr;
}

std::vector<const RuleInfo*> Catalogue::RuleSet(ReturnKind kind, int year) const {
  std::vector<const RuleInfo*> set;
  for (const RuleInfo& rule : rules_) {
    if (rule.kind == kind && rule.AppliesTo(year)) set.push_back(&rule);
  }
  return set;
}

const RuleInfo* Catalogue::Find(ReturnKind kind, std::string_view code, int year) const {
  for (const RuleInfo& rule : rules_) {
    if (rule.kind == kind && rule.code == code && rule.AppliesTo(year)) return &rule;
  }
  return nullptr;
}

int RuleSetYear(ReturnKind kind, int year) {
  const int first = kind == ReturnKind::kSsda903 ? kFirstSsda903Year : kFirstCinYear;
  const int last = kind == ReturnKind::kSsda903 ? kLastSsda903Year : kLastCinYear;
  return std::clamp(year, first, last);
}

}  // namespace cairn::validate
