// Who may see which child: the one test every page, API call, search and export goes through.
//
// A child's place in the council (allocated worker, that worker's team and the team's service)
// comes from the allocations in the chronology as at a date; a user's reach comes from their role's
// scope (roles.toml), their worker id, team and service, and any grant in force. A restricted
// record overrides all of it: only the users named on it see it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "access/roles.h"
#include "base/date.h"
#include "model/chronology.h"

namespace cairn::access {

// Where a child sits on a date.
struct ChildPlace {
  std::string worker;      // the allocated worker, or (when unallocated) the last worker they had
  std::string team;        // that worker's team ("" when unknown)
  std::string service;     // that team's service
  bool allocated = false;  // whether `worker` is allocated on the date
  bool open_case = false;  // whether a referral (CIN episode) or a period of care is open on the date
};

// Teams and workers, to place children.
class CouncilDirectory {
 public:
  CouncilDirectory() = default;
  CouncilDirectory(std::vector<model::Worker> workers, std::vector<model::Team> teams);

  // The child's place as at `as_at`: the allocation open that day that started last; failing
  // that, the last allocation that started on or before it.
  ChildPlace PlaceOf(const model::Chronology& chronology, Date as_at) const;

  const model::Worker* FindWorker(std::string_view id) const;
  const model::Team* FindTeam(std::string_view id) const;
  const std::vector<model::Worker>& workers() const { return workers_; }
  const std::vector<model::Team>& teams() const { return teams_; }

 private:
  std::vector<model::Worker> workers_;
  std::vector<model::Team> teams_;
  std::unordered_map<std::string, size_t> worker_index_;
  std::unordered_map<std::string, size_t> team_index_;
};

// A grant in force: one child, one team, or every child.
struct Grant {
  enum class Kind { kChild, kTeam, kAll };
  Kind kind = Kind::kChild;
  std::string target;  // LA child id or team id
  Date until;          // the last day in force
};

// A signed-in user, as access checks need them.
struct Principal {
  int64_t user_id = 0;
  std::string username;
  const Role* role = nullptr;
  std::string worker_id;
  std::string team_id;
  std::string service;
  std::vector<Grant> grants;  // those in force on the day the principal was made
};

// Restricted records: LA child id -> the usernames allowed to see it.
class Restrictions {
 public:
  void Add(std::string la_child_id, std::vector<std::string> allowed);
  bool IsRestricted(std::string_view la_child_id) const;
  bool Allows(std::string_view la_child_id, std::string_view username) const;
  size_t size() const { return allowed_.size(); }

 private:
  std::unordered_map<std::string, std::vector<std::string>> allowed_;
};

// Whether `who` may see the child with this id and place. Restriction first (only the named
// users, whatever else holds), then the role's scope, then grants. A role with aggregates_only
// never sees a child. Permissions (may this role read records at all?) are checked separately,
// by the route's rule.
bool CanSee(const Principal& who, std::string_view la_child_id, const ChildPlace& place,
            const Restrictions& restrictions);

// Whether `who` may see a team's page (its workers and their caseloads): a role that covers
// every child, the team's service, or the team itself, or a grant of the team or of every child.
// Whether the role may read team pages at all is the route's permission, checked separately.
bool CanSeeTeam(const Principal& who, const model::Team& team);
// Whether `who` may see a worker's caseload page: their own, or a worker in a team they may see.
bool CanSeeWorker(const Principal& who, const model::Worker& worker, const CouncilDirectory& directory);

}  // namespace cairn::access
