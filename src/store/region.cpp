#include "store/region.h"

#include "store/postgres/postgres_database.h"

namespace cairn::store {

Result<std::vector<std::string>> CouncilsIn(Connection& db) {
  if (db.backend_name() != "postgresql") {
    return Status::InvalidArgument("a region is held in a PostgreSQL database, one schema a council; this is " +
                                   std::string(db.backend_name()));
  }
  CAIRN_ASSIGN_OR_RETURN(auto schemas, db.Prepare("SELECT nspname FROM pg_namespace WHERE nspname ~ '^la_[0-9]{3}$' "
                                                  "ORDER BY nspname"));
  std::vector<std::string> councils;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, schemas->Step());
    if (!row) break;
    councils.emplace_back(schemas->ColumnText(0).substr(3));
  }
  return councils;
}

Result<std::string> CouncilTarget(std::string_view region_url, std::string_view council) {
  if (!IsPostgresTarget(region_url)) {
    return Status::InvalidArgument("a region is held in a PostgreSQL database: give a postgresql:// URL");
  }
  CAIRN_ASSIGN_OR_RETURN(postgres::CouncilUrl given, postgres::TakeCouncil(region_url));
  if (!given.council.empty()) {
    return Status::InvalidArgument("give the region's database URL without council=" + given.council +
                                   ": the region's commands go through every council");
  }
  const std::string target = given.url + (given.url.find('?') == std::string::npos ? "?" : "&") +
                             "council=" + std::string(council);
  // Checked the same way every opening checks it.
  CAIRN_RETURN_IF_ERROR(postgres::TakeCouncil(target).status());
  return target;
}

}  // namespace cairn::store
