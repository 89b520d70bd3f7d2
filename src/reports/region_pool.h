// Pooled, pseudonymised child-level data for a region's analysts: one row per child whose record
// was active in the year to a date, from every council of the region, with nothing that names the
// child or gives the council's own identifier for them.
//
// A child's pseudonym is a keyed BLAKE2b hash of the council's number and the LA child id. The key
// is the region's own (store/region.h RegionPseudonymKey), kept in its database and never written
// out, so the same child has the same pseudonym in every extract of the region (a child's journey
// can be followed from one year to the next) while nobody holding only the extract can turn it back
// into the council's identifier. Whoever can read the region's schema can: the database's roles
// should keep each council's servers out of it. Pseudonymised data is still personal data: the extract is for analysts
// working under the region's data-sharing agreement, and each council's audit trail records every
// child it holds.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "model/chronology.h"

namespace cairn::reports {

struct PooledChild {
  std::string pseudonym;  // 32 hex digits
  std::string council;    // three-digit DfE number
  std::string la_child_id;  // for the council's audit trail only: never written to the extract
  std::string age_band;   // on the date: "under 1", "1-4", "5-9", "10-15", "16-17", "18 and over", "unknown"
  std::string sex;        // as recorded
  std::string ethnicity;  // as recorded (a DfE code)
  bool child_in_need = false;  // a CIN episode open on the date
  bool protection_plan = false;
  bool looked_after = false;
  int referrals_in_year = 0;   // CIN episodes that started in the year to the date
  int placements_in_year = 0;  // looked-after episodes (placements or legal statuses) that started in it
};

// The council's children active in the year to `as_at` (an event open at some point in it), in
// LA child id order. `key` is the region's pseudonym key (32 bytes).
std::vector<PooledChild> PoolChildren(std::string_view council, std::span<const model::Chronology> chronologies,
                                      Date as_at, std::string_view key);

// The pseudonym of a council's child: 32 hex digits.
std::string Pseudonym(std::string_view council, std::string_view la_child_id, std::string_view key);

// The rows as CSV, with a header; the LA child id is not among the columns.
Result<std::string> PooledChildrenCsv(std::span<const PooledChild> children);

}  // namespace cairn::reports
