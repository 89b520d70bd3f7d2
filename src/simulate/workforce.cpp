// The council's social workers: allocation of children, weekly staffing, leavers and
// re-allocation. Staffing follows caseloads (a team hires when its cases per worker pass the
// profile's caseload); agency and permanent hires are chosen so the agency share holds at the
// profile's rate; leavers are drawn as a weekly quota of the year's turnover, so the workforce
// figures sit at the profile's values rather than wandering with a small council's chance.
#include <algorithm>
#include <cmath>

#include "simulate/council.h"

namespace cairn::simulate::internal {
namespace {

constexpr double kWeeksPerYear = 365.25 / 7;

Role RoleFor(Service service) {
  return service == Service::kCareLeavers ? Role::kPersonalAdviser : Role::kSocialWorker;
}

void RemoveValue(std::vector<uint32_t>& values, uint32_t value) {
  auto found = std::find(values.begin(), values.end(), value);
  if (found == values.end()) return;
  *found = values.back();
  values.pop_back();
}

}  // namespace

void Council::OnServiceChange(uint32_t slot, Date date, Service service) {
  ChildRec& child = children_[slot];
  if (child.service == service) return;
  if (child.current_allocation >= 0) EndAllocation(slot, date, service == Service::kNone ? "" : "TSPROC");
  if (child.service != Service::kNone) --service_cases_[static_cast<int>(child.service)];
  child.service = service;
  if (service == Service::kNone) return;
  ++service_cases_[static_cast<int>(service)];
  Allocate(slot, date, service, std::nullopt);
}

void Council::Allocate(uint32_t slot, Date date, Service service, std::optional<uint32_t> exclude) {
  std::vector<uint32_t>& pool = service_workers_[static_cast<int>(service)];
  std::optional<uint32_t> best;
  // The least loaded of three workers picked at random: a duty manager's quick look, not a
  // perfect balance.
  for (int pick = 0; pick < 3 && !pool.empty(); ++pick) {
    const uint32_t candidate = pool[workforce_rng_.Below(static_cast<uint32_t>(pool.size()))];
    if (candidate == exclude) continue;
    if (!best || workers_[candidate].cases.size() < workers_[*best].cases.size()) best = candidate;
  }
  if (!best) {
    for (uint32_t candidate : pool) {
      if (candidate != exclude) {
        best = candidate;
        break;
      }
    }
  }
  if (!best) best = Hire(service, RoleFor(service), date);
  ChildRec& child = children_[slot];
  child.allocations.push_back(AllocationRec{date, std::nullopt, *best, {}});
  child.current_allocation = static_cast<int32_t>(child.allocations.size() - 1);
  workers_[*best].cases.push_back(slot);
}

void Council::EndAllocation(uint32_t slot, Date date, std::string_view reason) {
  ChildRec& child = children_[slot];
  AllocationRec& allocation = child.allocations[static_cast<size_t>(child.current_allocation)];
  allocation.end = date;
  allocation.reason = reason;
  RemoveValue(workers_[allocation.worker].cases, slot);
  child.current_allocation = -1;
}

uint32_t Council::TeamForNewWorker(Service service, Date date) {
  std::vector<uint32_t>& teams = service_teams_[static_cast<int>(service)];
  std::optional<uint32_t> smallest;
  for (uint32_t team : teams) {
    if (!smallest || teams_[team].members.size() < teams_[*smallest].members.size()) smallest = team;
  }
  if (smallest && static_cast<int>(teams_[*smallest].members.size()) < profile_.workforce.team_size) return *smallest;
  TeamRec team;
  team.service = service;
  team.number = static_cast<int>(teams.size()) + 1;
  teams_.push_back(std::move(team));
  const auto index = static_cast<uint32_t>(teams_.size() - 1);
  teams.push_back(index);
  Hire(service, Role::kTeamManager, date, index);
  return index;
}

uint32_t Council::Hire(Service service, Role role, Date date, std::optional<uint32_t> team) {
  // The team first: a new team hires its manager before this worker gets a number.
  const uint32_t team_index = team ? *team : TeamForNewWorker(service, date);
  WorkerRec worker;
  worker.serial = static_cast<uint32_t>(workers_.size() + 1);
  worker.role = role;
  worker.started = date;
  if (IsRegisteredSocialWorker(worker)) {
    // Agency when the share of agency staff is below the profile's rate.
    worker.agency = static_cast<double>(active_agency_) <
                    profile_.workforce.agency_percent / 100 * static_cast<double>(active_registered_ + 1);
  }
  worker.team = team_index;
  workers_.push_back(std::move(worker));
  const auto index = static_cast<uint32_t>(workers_.size() - 1);
  active_pos_.push_back(static_cast<int32_t>(active_.size()));
  active_.push_back(index);
  if (IsRegisteredSocialWorker(workers_[index])) {
    ++active_registered_;
    if (workers_[index].agency) ++active_agency_;
  }
  if (role == Role::kTeamManager) {
    teams_[team_index].manager = index;
    teams_[team_index].manager_history.emplace_back(date, index);
  } else {
    teams_[team_index].members.push_back(index);
    service_workers_[static_cast<int>(service)].push_back(index);
  }
  return index;
}

void Council::ScheduleLeaver(uint32_t worker, Date date) {
  WorkerRec& rec = workers_[worker];
  if (rec.leaving || rec.left) return;
  rec.leaving = true;
  // Off the active lists at once, so no new children go to someone working their notice.
  const int32_t pos = active_pos_[worker];
  const uint32_t last = active_.back();
  active_[static_cast<size_t>(pos)] = last;
  active_pos_[last] = pos;
  active_.pop_back();
  active_pos_[worker] = -1;
  if (rec.role != Role::kTeamManager) RemoveValue(service_workers_[static_cast<int>(teams_[rec.team].service)], worker);
  Push(date, kWorkerLeaves, worker);
}

void Council::OnWorkerLeaves(uint32_t worker, Date date) {
  WorkerRec& rec = workers_[worker];
  if (rec.left) return;
  rec.left = date;
  TeamRec& team = teams_[rec.team];
  const Service service = team.service;
  if (IsRegisteredSocialWorker(rec)) {
    --active_registered_;
    if (rec.agency) --active_agency_;
  }
  if (rec.role == Role::kTeamManager) {
    team.manager.reset();
    Hire(service, Role::kTeamManager, date, rec.team);
    return;
  }
  RemoveValue(team.members, worker);
  // Children pass to a colleague the same day: the SSDA903 records why the worker changed. An
  // agency worker's contract ending is a worker leaving the role too (LEFTRL); FCONTA is "first
  // contact or re-referral", the reason a child's first worker is allocated.
  const std::string_view reason = "LEFTRL";
  const std::vector<uint32_t> cases = rec.cases;
  for (uint32_t slot : cases) {
    EndAllocation(slot, date, reason);
    Allocate(slot, date, children_[slot].service, worker);
  }
}

void Council::OnHrCycle(Date date) {
  const Profile::Workforce& w = profile_.workforce;

  // Staffing: each service hires until its caseload is at the profile's level; a service with
  // far more staff than cases lets agency workers go.
  int64_t case_holders_needed = 0;
  int64_t open_cases = 0;
  static constexpr Service kCaseHolding[] = {Service::kAssessment, Service::kCinCp, Service::kChildrenInCare,
                                             Service::kDisabledChildren, Service::kCareLeavers};
  for (Service service : kCaseHolding) {
    const int s = static_cast<int>(service);
    const double target = service == Service::kCareLeavers ? w.personal_adviser_caseload : w.caseload;
    const auto needed = static_cast<int64_t>(std::ceil(static_cast<double>(service_cases_[s]) / target));
    open_cases += service_cases_[s];
    if (service != Service::kCareLeavers) case_holders_needed += needed;
    auto have = static_cast<int64_t>(service_workers_[s].size());
    for (; have < needed; ++have) Hire(service, RoleFor(service), date);
    if (have > needed + needed / 6 + 1) {
      std::vector<uint32_t> agency;
      for (uint32_t worker : service_workers_[s]) {
        if (workers_[worker].agency) agency.push_back(worker);
      }
      std::sort(agency.begin(), agency.end(), [&](uint32_t a, uint32_t b) {
        return workers_[a].cases.size() != workers_[b].cases.size()
                   ? workers_[a].cases.size() < workers_[b].cases.size()
                   : a < b;
      });
      for (size_t i = 0; i < agency.size() && have > needed + needed / 12 + 1; ++i, --have)
        ScheduleLeaver(agency[i], date);
    }
  }
  {
    const int s = static_cast<int>(Service::kFrontDoor);
    const auto needed =
        static_cast<int64_t>(std::ceil(static_cast<double>(case_holders_needed) * w.front_door_percent / 100));
    for (auto have = static_cast<int64_t>(service_workers_[s].size()); have < needed; ++have) {
      Hire(Service::kFrontDoor, Role::kSocialWorker, date);
    }
  }

  // Leavers: this week's share of the year's turnover, drawn at random from those in post.
  int64_t permanent = 0;
  int64_t agency = 0;
  int64_t advisers = 0;
  for (uint32_t worker : active_) {
    const WorkerRec& rec = workers_[worker];
    if (!IsRegisteredSocialWorker(rec))
      ++advisers;
    else if (rec.agency)
      ++agency;
    else
      ++permanent;
  }
  auto draw_leavers = [&](double& debt, int64_t pool, double percent, auto&& matches) {
    debt += static_cast<double>(pool) * percent / 100 / kWeeksPerYear;
    while (debt >= 1 && pool > 0) {
      debt -= 1;
      for (int attempt = 0; attempt < 200; ++attempt) {
        const uint32_t worker = active_[workforce_rng_.Below(static_cast<uint32_t>(active_.size()))];
        if (!matches(workers_[worker])) continue;
        ScheduleLeaver(worker, date.AddDays(static_cast<int32_t>(workforce_rng_.Below(7))));
        --pool;
        break;
      }
    }
  };
  draw_leavers(leaver_debt_permanent_, permanent, w.turnover_percent,
               [](const WorkerRec& r) { return IsRegisteredSocialWorker(r) && !r.agency; });
  draw_leavers(leaver_debt_agency_, agency, w.agency_leavers_percent,
               [](const WorkerRec& r) { return IsRegisteredSocialWorker(r) && r.agency; });
  draw_leavers(leaver_debt_advisers_, advisers, w.turnover_percent,
               [](const WorkerRec& r) { return !IsRegisteredSocialWorker(r); });

  // Other changes of worker: sickness, a manager's rebalancing, a child's own request.
  other_change_debt_ += static_cast<double>(open_cases) * w.other_changes_per_case_year / kWeeksPerYear;
  while (other_change_debt_ >= 1) {
    other_change_debt_ -= 1;
    const Service service = kCaseHolding[workforce_rng_.Below(std::size(kCaseHolding))];
    const std::vector<uint32_t>& pool = service_workers_[static_cast<int>(service)];
    if (pool.size() < 2) continue;
    const uint32_t worker = pool[workforce_rng_.Below(static_cast<uint32_t>(pool.size()))];
    const std::vector<uint32_t>& cases = workers_[worker].cases;
    if (cases.empty()) continue;
    const uint32_t slot = cases[workforce_rng_.Below(static_cast<uint32_t>(cases.size()))];
    // A view of the profile's own text, which outlives the council (allocation records keep views).
    EndAllocation(slot, date, w.other_change_reason.Sample(workforce_rng_.Uniform()));
    Allocate(slot, date, service, worker);
  }
}

}  // namespace cairn::simulate::internal
