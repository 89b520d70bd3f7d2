#include "access/roles.h"

#include <algorithm>
#include <utility>

#include "base/embedded.h"
#include "base/toml_text.h"

namespace cairn::access {
namespace {

constexpr std::string_view kBuiltInPath = "access/roles.toml";

const std::vector<std::string_view> kHomes = {"caseload", "team",    "service", "council",
                                              "members",  "granted", "admin", "audits", "region"};

}  // namespace

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kNone: return "none";
    case Scope::kAllocated: return "allocated";
    case Scope::kTeam: return "team";
    case Scope::kService: return "service";
    case Scope::kAll: return "all";
  }
  return "none";
}

bool Role::Has(std::string_view permission) const {
  return std::binary_search(permissions.begin(), permissions.end(), permission);
}

const std::vector<std::string_view>& RoleCatalogue::KnownPermissions() {
  static const std::vector<std::string_view> known = {
      "aggregates.read",  "annex-a.download", "audit.read.all", "audit.read.scope", "caseload.read",
      "child.read",       "child.record",     "child.search",   "council.read",     "grants.manage",
      "oversight.record", "plan.read",        "qa.audit",       "qa.moderate",      "qa.read",
      "region.read",      "restrictions.manage", "returns.export", "returns.import", "returns.validate", "service.read",    "team.read",
      "users.manage"};
  return known;
}

Result<RoleCatalogue> RoleCatalogue::Parse(std::string_view text, std::string_view source) {
  CAIRN_ASSIGN_OR_RETURN(toml::table document, ParseToml(text, source));
  if (const toml::key* unknown = TomlEntry::FirstUnknownKey(document, {"role"})) {
    return Status::InvalidArgument(std::string(source) + " line " + std::to_string(unknown->source().begin.line) +
                                   ": '" + std::string(unknown->str()) + "' is not a section of the access rules; " +
                                   "use [[role]]");
  }
  const toml::array* roles = document["role"].as_array();
  if (roles == nullptr || roles->empty()) {
    return Status::InvalidArgument(std::string(source) + ": there are no [[role]] entries");
  }
  RoleCatalogue catalogue;
  size_t number = 0;
  for (const toml::node& node : *roles) {
    ++number;
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return Status::InvalidArgument(std::string(source) + " line " + std::to_string(LineOf(node)) +
                                     ": each role must be a [[role]] table");
    }
    TomlEntry entry(source, "role " + std::to_string(number), *table);
    CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"id", "title", "scope", "aggregates_only", "home", "permissions"}));
    Role role;
    CAIRN_ASSIGN_OR_RETURN(role.id, entry.RequiredString("id", "give the role's name, e.g. \"practitioner\"."));
    entry.set_label("role " + QuoteText(role.id));
    if (catalogue.Find(role.id) != nullptr) return entry.Error("id", "this role is defined twice.");
    CAIRN_ASSIGN_OR_RETURN(role.title, entry.RequiredString("title", "say what people call this role."));
    CAIRN_ASSIGN_OR_RETURN(std::string scope, entry.RequiredString("scope", "use allocated, team, service, all or none."));
    if (scope == "none") role.scope = Scope::kNone;
    else if (scope == "allocated") role.scope = Scope::kAllocated;
    else if (scope == "team") role.scope = Scope::kTeam;
    else if (scope == "service") role.scope = Scope::kService;
    else if (scope == "all") role.scope = Scope::kAll;
    else return entry.Error("scope", QuoteText(scope) + " is not a scope; use allocated, team, service, all or none.");
    CAIRN_ASSIGN_OR_RETURN(std::optional<bool> aggregates_only, entry.OptionalBool("aggregates_only"));
    role.aggregates_only = aggregates_only.value_or(false);
    CAIRN_ASSIGN_OR_RETURN(role.home, entry.RequiredString("home", "name the role's home page."));
    if (std::find(kHomes.begin(), kHomes.end(), role.home) == kHomes.end()) {
      return entry.Error("home", QuoteText(role.home) +
                                     " is not a home page; use caseload, team, service, council, members, granted, admin, audits or region.");
    }
    CAIRN_ASSIGN_OR_RETURN(role.permissions, entry.RequiredStringList("permissions"));
    for (const std::string& permission : role.permissions) {
      const auto& known = KnownPermissions();
      if (std::find(known.begin(), known.end(), permission) == known.end()) {
        return entry.Error("permissions", QuoteText(permission) + " is not a permission Cairn knows.");
      }
    }
    std::sort(role.permissions.begin(), role.permissions.end());
    role.permissions.erase(std::unique(role.permissions.begin(), role.permissions.end()), role.permissions.end());
    // A role that sees only counts must not hold a permission that shows a child.
    if (role.aggregates_only && (role.Has("child.read") || role.Has("child.record") || role.Has("child.search") || role.Has("caseload.read") ||
                                 role.Has("team.read"))) {
      return entry.Error("permissions", "a role with aggregates_only = true cannot read or search children's records.");
    }
    catalogue.roles_.push_back(std::move(role));
  }
  return catalogue;
}

Result<RoleCatalogue> RoleCatalogue::BuiltIn() {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), kBuiltInPath);
  if (resource == nullptr) return Status::Internal("the access rules (data/access/roles.toml) are not built into Cairn");
  return Parse(resource->text, "data/access/roles.toml");
}

const Role* RoleCatalogue::Find(std::string_view id) const {
  for (const Role& role : roles_) {
    if (role.id == id) return &role;
  }
  return nullptr;
}

std::string RoleCatalogue::Ids() const {
  std::string ids;
  for (const Role& role : roles_) ids += (ids.empty() ? "" : ", ") + role.id;
  return ids;
}

}  // namespace cairn::access
