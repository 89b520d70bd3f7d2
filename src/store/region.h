// A region in one PostgreSQL database: each council in a schema of its own (la_NNN), named by
// council=NNN in the database URL (postgres_database.h). Cairn's connection to one council works
// in that council's schema alone: its children, users, sessions, audit trail and figures; a role
// of its own for each council's servers has the database server enforce it too (README). The
// region's own commands (`cairn region`) open each council in turn.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace cairn::store {

// The councils the database holds (each a la_NNN schema), as three-digit numbers in order. A
// SQLite database is one council and holds no region: InvalidArgument.
Result<std::vector<std::string>> CouncilsIn(Connection& db);

// The URL for one council of a region's database: `region_url` with council=NNN. InvalidArgument
// for a target that is not a postgresql:// URL, or one that already names a council.
Result<std::string> CouncilTarget(std::string_view region_url, std::string_view council);

// The region's pseudonym key (32 random bytes) for its pooled child-level data
// (reports/region_pool.h): made the first time it is asked for, and kept in the region's own
// schema (region.pseudonym_key), outside every council's. `region_db` is a connection to the
// region's database without a council.
Result<std::string> RegionPseudonymKey(Connection& region_db);

// The region's own schema, `region`, beside its councils' la_NNN: the pseudonym key, and for the
// region's server (`cairn serve` on the region's URL without a council) its users, sessions and
// audit trail, in the tables every council has (migrated like a council's, its children none).
inline constexpr std::string_view kRegionSchema = "region";

// The URL of a connection working in the region's schema: `region_url` with the schema as its
// search path (libpq's options=-csearch_path, added to any options the URL already gives).
// InvalidArgument for a target that is not a postgresql:// URL, or one that names a council.
Result<std::string> RegionSchemaTarget(std::string_view region_url);

// What a server or an account command works in, for the database a user named:
//   - a PostgreSQL URL without council= whose database holds councils (CouncilsIn): the region's
//     schema, made when missing and brought up to this Cairn's migrations; `region` is true;
//   - anything else (a SQLite file, a council's URL, a URL that sets its own search_path, a
//     PostgreSQL database of one council): the target as given, untouched.
struct ServedDatabase {
  std::string target;  // for Connection::Open
  bool region = false;
  std::vector<std::string> councils;  // the region's, when `region`
};
Result<ServedDatabase> ServedTarget(const std::string& db_target);

}  // namespace cairn::store
