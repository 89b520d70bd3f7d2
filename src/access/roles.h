// Roles and permissions, as data: data/access/roles.toml says which role may do what, and over
// which children. This file reads it and refuses anything it does not understand (an unknown
// permission, scope or home page), naming the file, line and field, so a mistake in the access
// rules stops Cairn from starting rather than quietly granting or withholding access.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::access {

// Which children a role covers before grants and restrictions (see roles.toml).
enum class Scope { kNone, kAllocated, kTeam, kService, kAll };
std::string_view ScopeName(Scope scope);

struct Role {
  std::string id;
  std::string title;
  Scope scope = Scope::kNone;
  bool aggregates_only = false;
  std::string home;                      // "caseload", "team", "service", "council", "members", "granted", "admin", "audits", "region"
  std::vector<std::string> permissions;  // sorted

  bool Has(std::string_view permission) const;
};

class RoleCatalogue {
 public:
  // Parses roles.toml text; `source` names it in messages.
  static Result<RoleCatalogue> Parse(std::string_view text, std::string_view source);
  // The catalogue compiled into Cairn (data/access/roles.toml).
  static Result<RoleCatalogue> BuiltIn();

  // The role with this id, or nullptr.
  const Role* Find(std::string_view id) const;
  const std::vector<Role>& roles() const { return roles_; }
  // "practitioner, team-manager, ..." for messages.
  std::string Ids() const;

  // Every permission Cairn knows; roles.toml may name no other.
  static const std::vector<std::string_view>& KnownPermissions();

 private:
  std::vector<Role> roles_;
};

}  // namespace cairn::access
