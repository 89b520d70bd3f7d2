#include "access/scope.h"

#include <algorithm>
#include <utility>

namespace cairn::access {

CouncilDirectory::CouncilDirectory(std::vector<model::Worker> workers, std::vector<model::Team> teams)
    : workers_(std::move(workers)), teams_(std::move(teams)) {
  for (size_t i = 0; i < workers_.size(); ++i) worker_index_.emplace(workers_[i].id, i);
  for (size_t i = 0; i < teams_.size(); ++i) team_index_.emplace(teams_[i].id, i);
}

const model::Worker* CouncilDirectory::FindWorker(std::string_view id) const {
  auto found = worker_index_.find(std::string(id));
  return found == worker_index_.end() ? nullptr : &workers_[found->second];
}

const model::Team* CouncilDirectory::FindTeam(std::string_view id) const {
  auto found = team_index_.find(std::string(id));
  return found == team_index_.end() ? nullptr : &teams_[found->second];
}

ChildPlace CouncilDirectory::PlaceOf(const model::Chronology& chronology, Date as_at) const {
  const model::Event* open = nullptr;    // open on as_at, latest start
  const model::Event* latest = nullptr;  // started on or before as_at, latest start
  ChildPlace place;
  for (const model::Event& event : chronology.events()) {
    if ((event.kind == model::EventKind::kCinEpisode || event.kind == model::EventKind::kLookedAfterEpisode) &&
        event.IsOpenOn(as_at)) {
      place.open_case = true;
    }
    if (event.kind != model::EventKind::kSocialWorkerAllocation || event.start > as_at) continue;
    if (latest == nullptr || event.start >= latest->start) latest = &event;
    if (event.IsOpenOn(as_at) && (open == nullptr || event.start >= open->start)) open = &event;
  }
  const model::Event* chosen = open != nullptr ? open : latest;
  if (chosen == nullptr) return place;
  place.worker = std::string(chosen->Get("SW_ID"));
  place.allocated = open != nullptr;
  if (const model::Worker* worker = FindWorker(place.worker)) {
    place.team = worker->team_id;
    if (const model::Team* team = FindTeam(worker->team_id)) place.service = team->service;
  }
  return place;
}

void Restrictions::Add(std::string la_child_id, std::vector<std::string> allowed) {
  std::sort(allowed.begin(), allowed.end());
  allowed_[std::move(la_child_id)] = std::move(allowed);
}

bool Restrictions::IsRestricted(std::string_view la_child_id) const {
  if (allowed_.empty()) return false;
  return allowed_.find(std::string(la_child_id)) != allowed_.end();
}

bool Restrictions::Allows(std::string_view la_child_id, std::string_view username) const {
  if (allowed_.empty()) return true;
  auto found = allowed_.find(std::string(la_child_id));
  if (found == allowed_.end()) return true;
  return std::binary_search(found->second.begin(), found->second.end(), username);
}

bool CanSee(const Principal& who, std::string_view la_child_id, const ChildPlace& place,
            const Restrictions& restrictions) {
  if (who.role == nullptr || who.role->aggregates_only) return false;
  if (restrictions.IsRestricted(la_child_id)) return restrictions.Allows(la_child_id, who.username);
  switch (who.role->scope) {
    case Scope::kAll:
      return true;
    case Scope::kService:
      if (!who.service.empty() && place.service == who.service) return true;
      break;
    case Scope::kTeam:
      if (!who.team_id.empty() && place.team == who.team_id) return true;
      break;
    case Scope::kAllocated:
      if (!who.worker_id.empty() && place.allocated && place.worker == who.worker_id) return true;
      break;
    case Scope::kNone:
      break;
  }
  for (const Grant& grant : who.grants) {
    switch (grant.kind) {
      case Grant::Kind::kAll: return true;
      case Grant::Kind::kTeam:
        if (place.team == grant.target) return true;
        break;
      case Grant::Kind::kChild:
        if (la_child_id == grant.target) return true;
        break;
    }
  }
  return false;
}

bool CanSeeTeam(const Principal& who, const model::Team& team) {
  if (who.role == nullptr || who.role->aggregates_only) return false;
  switch (who.role->scope) {
    case Scope::kAll: return true;
    case Scope::kService:
      if (!who.service.empty() && team.service == who.service) return true;
      break;
    case Scope::kTeam:
      if (!who.team_id.empty() && team.id == who.team_id) return true;
      break;
    case Scope::kAllocated:
    case Scope::kNone:
      break;
  }
  for (const Grant& grant : who.grants) {
    if (grant.kind == Grant::Kind::kAll || (grant.kind == Grant::Kind::kTeam && grant.target == team.id)) return true;
  }
  return false;
}

bool CanSeeWorker(const Principal& who, const model::Worker& worker, const CouncilDirectory& directory) {
  if (who.role == nullptr || who.role->aggregates_only) return false;
  if (!who.worker_id.empty() && worker.id == who.worker_id) return true;
  const model::Team* team = directory.FindTeam(worker.team_id);
  return team != nullptr && CanSeeTeam(who, *team);
}

}  // namespace cairn::access
