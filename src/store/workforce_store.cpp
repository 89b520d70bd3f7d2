#include "store/workforce_store.h"

#include "store/record_changes.h"

namespace cairn::store {
namespace {

std::optional<std::string> IsoOrNull(const std::optional<Date>& date) {
  if (!date) return std::nullopt;
  return date->ToIso();
}

Result<std::optional<Date>> DateColumn(const Statement& row, int column) {
  if (row.ColumnIsNull(column) || row.ColumnText(column).empty()) return std::optional<Date>();
  CAIRN_ASSIGN_OR_RETURN(Date date, Date::ParseIso(row.ColumnText(column)));
  return std::optional<Date>(date);
}

}  // namespace

Status SaveWorkforce(Connection& db, std::span<const model::Team> teams, std::span<const model::Worker> workers) {
  // Servers hold the workforce beside the council and load both again (record_changes.h).
  CAIRN_RETURN_IF_ERROR(NoteChildChanged(db, 0));
  CAIRN_ASSIGN_OR_RETURN(auto upsert_team,
                         db.Prepare("INSERT INTO team (id, name, service) VALUES ($1, $2, $3) "
                                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, service = excluded.service"));
  for (const model::Team& team : teams) {
    if (team.id.empty()) return Status::InvalidArgument("a team has no id");
    CAIRN_RETURN_IF_ERROR(upsert_team->BindAll({team.id, team.name, team.service}));
    CAIRN_RETURN_IF_ERROR(upsert_team->Run());
  }
  CAIRN_ASSIGN_OR_RETURN(
      auto upsert_worker,
      db.Prepare("INSERT INTO worker (id, name, role, team_id, agency, started, left_on) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                 "role = excluded.role, team_id = excluded.team_id, agency = excluded.agency, "
                 "started = excluded.started, left_on = excluded.left_on"));
  for (const model::Worker& worker : workers) {
    if (worker.id.empty()) return Status::InvalidArgument("a worker has no id");
    CAIRN_RETURN_IF_ERROR(upsert_worker->Bind(1, worker.id));
    CAIRN_RETURN_IF_ERROR(upsert_worker->Bind(2, worker.name));
    CAIRN_RETURN_IF_ERROR(upsert_worker->Bind(3, worker.role));
    CAIRN_RETURN_IF_ERROR(worker.team_id.empty() ? upsert_worker->BindNull(4) : upsert_worker->Bind(4, worker.team_id));
    CAIRN_RETURN_IF_ERROR(upsert_worker->Bind(5, int64_t{worker.agency ? 1 : 0}));
    CAIRN_RETURN_IF_ERROR(upsert_worker->Bind(6, IsoOrNull(worker.started)));
    CAIRN_RETURN_IF_ERROR(upsert_worker->Bind(7, IsoOrNull(worker.left)));
    Status ran = upsert_worker->Run();
    if (!ran.ok()) return ran.WithContext("saving worker " + worker.id);
  }
  return Status::Ok();
}

Result<Workforce> LoadWorkforce(Connection& db) {
  Workforce workforce;
  CAIRN_ASSIGN_OR_RETURN(auto teams, db.Prepare("SELECT id, name, service FROM team ORDER BY id"));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, teams->Step());
    if (!row) break;
    workforce.teams.push_back(
        {std::string(teams->ColumnText(0)), std::string(teams->ColumnText(1)), std::string(teams->ColumnText(2))});
  }
  CAIRN_ASSIGN_OR_RETURN(auto workers, db.Prepare("SELECT id, name, role, team_id, agency, started, left_on "
                                                  "FROM worker ORDER BY id"));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, workers->Step());
    if (!row) break;
    model::Worker worker;
    worker.id = std::string(workers->ColumnText(0));
    worker.name = std::string(workers->ColumnText(1));
    worker.role = std::string(workers->ColumnText(2));
    worker.team_id = std::string(workers->ColumnText(3));
    worker.agency = workers->ColumnInt(4) != 0;
    CAIRN_ASSIGN_OR_RETURN(worker.started, DateColumn(*workers, 5));
    CAIRN_ASSIGN_OR_RETURN(worker.left, DateColumn(*workers, 6));
    workforce.workers.push_back(std::move(worker));
  }
  return workforce;
}

}  // namespace cairn::store
