#include "store/improvement_store.h"

#include "store/audit.h"
#include "store/chronology_store.h"

namespace cairn::store {

Status SavePlan(Connection& db, StoredPlan plan) {
  if (plan.imported_at.empty()) plan.imported_at = UtcTimestamp();
  CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
  CAIRN_RETURN_IF_ERROR(db.Execute("DELETE FROM improvement_plan"));
  CAIRN_RETURN_IF_ERROR(db.Execute(
      "INSERT INTO improvement_plan (id, title, source_name, toml, recommendations, actions, measures, imported_by, "
      "imported_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)",
      {plan.title, plan.source_name, plan.toml, plan.recommendations, plan.actions, plan.measures, plan.imported_by,
       plan.imported_at}));
  AuditEntry entry = CommandLineAudit(plan.imported_by, "plan-import", "cairn plan import");
  entry.at = plan.imported_at;
  entry.detail = "improvement plan from " + plan.source_name + ": " + std::to_string(plan.recommendations) +
                 " recommendations, " + std::to_string(plan.actions) + " actions, " + std::to_string(plan.measures) +
                 " measures";
  CAIRN_ASSIGN_OR_RETURN(AuditTrail trail, AuditTrail::Open(db));
  CAIRN_RETURN_IF_ERROR(trail.Append(entry));
  CAIRN_RETURN_IF_ERROR(trail.Flush());
  return transaction.Commit();
}

Result<std::optional<StoredPlan>> LoadPlan(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(
      auto select, db.Prepare("SELECT title, source_name, toml, recommendations, actions, measures, imported_by, "
                              "imported_at FROM improvement_plan WHERE id = 1"));
  CAIRN_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<StoredPlan>();
  StoredPlan plan;
  plan.title = std::string(select->ColumnText(0));
  plan.source_name = std::string(select->ColumnText(1));
  plan.toml = std::string(select->ColumnText(2));
  plan.recommendations = select->ColumnInt(3);
  plan.actions = select->ColumnInt(4);
  plan.measures = select->ColumnInt(5);
  plan.imported_by = std::string(select->ColumnText(6));
  plan.imported_at = std::string(select->ColumnText(7));
  return std::optional<StoredPlan>(std::move(plan));
}

}  // namespace cairn::store
