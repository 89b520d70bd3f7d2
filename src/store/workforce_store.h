// Saving and loading the workforce: teams and the workers in them. Allocations of workers to
// children are events in each child's chronology (kind "allocation", field SW_ID), so a child's
// history of social workers lives with the child.
#pragma once

#include <span>
#include <vector>

#include "base/status.h"
#include "model/chronology.h"
#include "store/database.h"

namespace cairn::store {

struct Workforce {
  std::vector<model::Team> teams;      // by id
  std::vector<model::Worker> workers;  // by id
};

// Inserts or replaces teams and workers by id (the caller owns the transaction). A worker's
// team must be among `teams` or already saved.
Status SaveWorkforce(Connection& db, std::span<const model::Team> teams, std::span<const model::Worker> workers);
Result<Workforce> LoadWorkforce(Connection& db);

}  // namespace cairn::store
