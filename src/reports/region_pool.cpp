#include "reports/region_pool.h"

#include <sodium.h>

#include <algorithm>

#include "returns/csv.h"

namespace cairn::reports {
namespace {

std::string AgeBand(const model::Child& child, Date on) {
  const std::optional<int> age = child.AgeOn(on);
  if (!age) return "unknown";
  if (*age < 1) return "under 1";
  if (*age <= 4) return "1-4";
  if (*age <= 9) return "5-9";
  if (*age <= 15) return "10-15";
  if (*age <= 17) return "16-17";
  return "18 and over";
}

bool OpenOfKind(const model::Chronology& chronology, model::EventKind kind, Date on) {
  return std::any_of(chronology.events().begin(), chronology.events().end(),
                     [&](const model::Event& event) { return event.kind == kind && event.IsOpenOn(on); });
}

int StartedInYear(const model::Chronology& chronology, model::EventKind kind, Date first, Date last) {
  return static_cast<int>(std::count_if(chronology.events().begin(), chronology.events().end(), [&](const model::Event& event) {
    return event.kind == kind && event.start >= first && event.start <= last;
  }));
}

}  // namespace

std::string Pseudonym(std::string_view council, std::string_view la_child_id, std::string_view key) {
  const std::string message = std::string(council) + ":" + std::string(la_child_id);
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::vector<PooledChild> PoolChildren(std::string_view council, std::span<const model::Chronology> chronologies,
                                      Date as_at, std::string_view key) {
  const Date year_start = as_at.AddYears(-1).AddDays(1);
  std::vector<PooledChild> pooled;
  for (const model::Chronology& chronology : chronologies) {
    const bool active = std::any_of(chronology.events().begin(), chronology.events().end(), [&](const model::Event& event) {
      return event.start <= as_at && (!event.end || *event.end >= year_start);
    });
    if (!active) continue;
    const model::Child& child = chronology.child();
    PooledChild row;
    row.pseudonym = Pseudonym(council, child.la_child_id, key);
    row.council = std::string(council);
    row.la_child_id = child.la_child_id;
    row.age_band = AgeBand(child, as_at);
    row.sex = child.sex;
    row.ethnicity = child.ethnicity;
    row.child_in_need = OpenOfKind(chronology, model::EventKind::kCinEpisode, as_at);
    row.protection_plan = OpenOfKind(chronology, model::EventKind::kCpPlan, as_at);
    row.looked_after = OpenOfKind(chronology, model::EventKind::kLookedAfterEpisode, as_at);
    row.referrals_in_year = StartedInYear(chronology, model::EventKind::kCinEpisode, year_start, as_at);
    row.placements_in_year = StartedInYear(chronology, model::EventKind::kLookedAfterEpisode, year_start, as_at);
    pooled.push_back(std::move(row));
  }
  std::sort(pooled.begin(), pooled.end(),
            [](const PooledChild& a, const PooledChild& b) { return a.la_child_id < b.la_child_id; });
  return pooled;
}

Result<std::string> PooledChildrenCsv(std::span<const PooledChild> children) {
  CsvWriter writer({"pseudonym", "council", "age_band", "sex", "ethnicity", "child_in_need", "protection_plan",
                    "looked_after", "referrals_in_year", "placements_in_year"});
  const auto flag = [](bool value) { return std::string(value ? "1" : "0"); };
  for (const PooledChild& child : children) {
    CAIRN_RETURN_IF_ERROR(writer.AddRow({child.pseudonym, child.council, child.age_band,
                                         NeutraliseForSpreadsheet(child.sex), NeutraliseForSpreadsheet(child.ethnicity),
                                         flag(child.child_in_need), flag(child.protection_plan),
                                         flag(child.looked_after), std::to_string(child.referrals_in_year),
                                         std::to_string(child.placements_in_year)}));
  }
  return writer.text();
}

}  // namespace cairn::reports
