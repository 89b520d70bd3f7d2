#include "store/region.h"

#include <sodium.h>

#include <algorithm>

#include "store/migrations.h"
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
  if (council.size() != 3 || !std::all_of(council.begin(), council.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument("'" + std::string(council) + "' is not a council's three-digit DfE number");
  }
  if (!IsPostgresTarget(region_url)) {
    return Status::InvalidArgument("a region is held in a PostgreSQL database: give a postgresql:// URL");
  }
  CAIRN_ASSIGN_OR_RETURN(postgres::CouncilUrl given, postgres::TakeCouncil(region_url));
  if (!given.council.empty()) {
    return Status::InvalidArgument("give the region's database URL without council=" + given.council +
                                   ": the region's commands go through every council");
  }
  return given.url + (given.url.find('?') == std::string::npos ? "?" : "&") + "council=" + std::string(council);
}

Result<std::string> RegionPseudonymKey(Connection& region_db) {
  if (region_db.backend_name() != "postgresql") {
    return Status::InvalidArgument("a region is held in a PostgreSQL database, one schema a council");
  }
  if (sodium_init() < 0) return Status::Internal("libsodium could not start");
  // The region's own schema is not a council's database and has no migrations of its own: this
  // one table is all it holds.
  CAIRN_RETURN_IF_ERROR(region_db.ExecuteScript(
      "CREATE SCHEMA IF NOT EXISTS region; CREATE TABLE IF NOT EXISTS region.pseudonym_key (id BIGINT PRIMARY KEY "
      "CHECK (id = 1), key BYTEA NOT NULL)"));
  std::string fresh(32, '\0');
  randombytes_buf(fresh.data(), fresh.size());
  // Two extracts made at once agree on one key: the first to insert it wins.
  CAIRN_ASSIGN_OR_RETURN(auto insert, region_db.Prepare("INSERT INTO region.pseudonym_key (id, key) VALUES (1, $1) "
                                                        "ON CONFLICT (id) DO NOTHING"));
  CAIRN_RETURN_IF_ERROR(insert->BindBytes(1, fresh));
  CAIRN_RETURN_IF_ERROR(insert->Run());
  CAIRN_ASSIGN_OR_RETURN(auto select, region_db.Prepare("SELECT key FROM region.pseudonym_key WHERE id = 1"));
  CAIRN_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return Status::Internal("the region's pseudonym key could not be kept");
  std::string key = select->ColumnBytes(0);
  if (key.size() != 32) return Status::DataLoss("the region's pseudonym key is damaged (not 32 bytes)");
  return key;
}

Result<std::string> RegionSchemaTarget(std::string_view region_url) {
  if (!IsPostgresTarget(region_url)) {
    return Status::InvalidArgument("a region is held in a PostgreSQL database: give a postgresql:// URL");
  }
  CAIRN_ASSIGN_OR_RETURN(postgres::CouncilUrl given, postgres::TakeCouncil(region_url));
  if (!given.council.empty()) {
    return Status::InvalidArgument("council=" + given.council + " names one council, not the region");
  }
  // libpq reads the options as a command line, so a later -c wins over one the URL gave.
  const std::string search_path = "-csearch_path%3D" + std::string(kRegionSchema);
  std::string url = given.url;
  const size_t query = url.find('?');
  if (query == std::string::npos) return url + "?options=" + search_path;
  size_t at = query + 1;
  while (at < url.size()) {
    size_t end = url.find('&', at);
    if (end == std::string::npos) end = url.size();
    if (std::string_view(url).substr(at, end - at).starts_with("options=")) {
      return url.insert(end, "%20" + search_path);
    }
    at = end + 1;
  }
  return url + "&options=" + search_path;
}

Result<ServedDatabase> ServedTarget(const std::string& db_target) {
  ServedDatabase served{db_target, false, {}};
  if (!IsPostgresTarget(db_target)) return served;
  CAIRN_ASSIGN_OR_RETURN(postgres::CouncilUrl given, postgres::TakeCouncil(db_target));
  // A URL that sets its own search path has chosen its schema (the tests' databases do).
  if (!given.council.empty() || db_target.find("search_path") != std::string::npos) return served;
  std::vector<std::string> councils;
  {
    CAIRN_ASSIGN_OR_RETURN(auto db, Connection::OpenExisting(db_target));
    CAIRN_ASSIGN_OR_RETURN(councils, CouncilsIn(*db));
    if (councils.empty()) return served;
    CAIRN_RETURN_IF_ERROR(db->ExecuteScript("CREATE SCHEMA IF NOT EXISTS " + std::string(kRegionSchema)));
  }
  CAIRN_ASSIGN_OR_RETURN(std::string target, RegionSchemaTarget(db_target));
  CAIRN_ASSIGN_OR_RETURN(auto region, Connection::OpenExisting(target));
  CAIRN_ASSIGN_OR_RETURN(std::vector<Migration> migrations, BuiltInMigrations());
  CAIRN_RETURN_IF_ERROR(Migrate(*region, migrations).status());
  return ServedDatabase{std::move(target), true, std::move(councils)};
}

}  // namespace cairn::store
