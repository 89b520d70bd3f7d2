#include "returns/annex_a/annex_a.h"

#include <algorithm>
#include <functional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "base/embedded.h"
#include "base/toml_text.h"

namespace cairn::returns::annex_a {
namespace {

using model::Event;
using model::EventKind;

// ---------------------------------------------------------------------------------------------
// Reading the record

// A yes/no field as the returns write it (1/0, true/false, Y/N); nullopt when neither.
std::optional<bool> Flag(std::string_view value) {
  if (value == "1" || value == "true" || value == "TRUE" || value == "Y" || value == "y" || value == "yes") return true;
  if (value == "0" || value == "false" || value == "FALSE" || value == "N" || value == "n" || value == "no") return false;
  return std::nullopt;
}

Value Code(std::string_view code) { return code.empty() ? Value{} : Value::Text(std::string(code)); }
Value YesNo(bool yes) { return Value::Text(yes ? "yes" : "no"); }
Value DateOrEmpty(std::optional<Date> date) { return date ? Value::Of(*date) : Value{}; }

// The latest event of `kind` dated from `from` to `to`, or null.
const Event* LatestOf(const model::Chronology& chronology, EventKind kind, Date from, Date to) {
  const Event* latest = nullptr;
  for (const Event& event : chronology.events()) {
    if (event.kind != kind || event.start < from || event.start > to) continue;
    if (latest == nullptr || event.start >= latest->start) latest = &event;
  }
  return latest;
}

int CountOf(const model::Chronology& chronology, EventKind kind, Date from, Date to,
            const std::function<bool(const Event&)>& also = {}) {
  int count = 0;
  for (const Event& event : chronology.events()) {
    if (event.kind == kind && event.start >= from && event.start <= to && (!also || also(event))) ++count;
  }
  return count;
}

// Short breaks (V3, V4) are not care in the lists' sense (the DfE leaves them out of its counts).
bool IsShortBreak(const Event& episode) { return episode.Get("LS") == "V3" || episode.Get("LS") == "V4"; }

// The child's looked-after episodes other than short breaks, in date order.
std::vector<const Event*> CareEpisodes(const model::Chronology& chronology) {
  std::vector<const Event*> episodes;
  for (const Event& event : chronology.events()) {
    if (event.kind == EventKind::kLookedAfterEpisode && !IsShortBreak(event)) episodes.push_back(&event);
  }
  std::stable_sort(episodes.begin(), episodes.end(), [](const Event* a, const Event* b) { return a->start < b->start; });
  return episodes;
}

// Walks back from episode `at` over the episodes that carry on from the one before (it began
// the day the previous one ended) while `carries_on` holds of the later one; returns the first.
size_t WalkBack(const std::vector<const Event*>& episodes, size_t at, const std::function<bool(const Event&)>& carries_on) {
  while (at > 0) {
    const Event& previous = *episodes[at - 1];
    const Event& current = *episodes[at];
    if (!previous.end || *previous.end != current.start || !carries_on(current)) break;
    --at;
  }
  return at;
}

// The SSDA903's reasons for a new episode: S starts a period of care; S, P and B begin a new
// placement (L, T and U change the legal status or carers' terms without a move).
bool StartsPeriod(const Event& episode) { return episode.Get("RNE") == "S"; }
bool StartsPlacement(const Event& episode) {
  const std::string_view rne = episode.Get("RNE");
  return rne == "S" || rne == "P" || rne == "B";
}

size_t PeriodStart(const std::vector<const Event*>& episodes, size_t at) {
  return WalkBack(episodes, at, [](const Event& e) { return !StartsPeriod(e); });
}

std::optional<size_t> IndexOf(const std::vector<const Event*>& episodes, const Event* episode) {
  for (size_t i = 0; i < episodes.size(); ++i) {
    if (episodes[i] == episode) return i;
  }
  return std::nullopt;
}

// The episode open on `date`, or null.
const Event* OpenEpisodeOn(const std::vector<const Event*>& episodes, Date date) {
  for (const Event* episode : episodes) {
    if (episode->IsOpenOn(date)) return episode;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Rows and fillers

struct Directory {
  std::unordered_map<std::string_view, const model::Worker*> workers;
  std::unordered_map<std::string_view, const model::Team*> teams;
};

struct Row {
  const model::Chronology* chronology = nullptr;  // as at the list's date
  const Event* subject = nullptr;  // the referral, assessment, plan, episode ... the row is about
  Date as_at;
  Date from;
  const Directory* directory = nullptr;
  const std::vector<const Event*>* care = nullptr;  // CareEpisodes(*chronology)

  const model::Child& child() const { return chronology->child(); }
  int32_t subject_index() const { return static_cast<int32_t>(subject - chronology->events().data()); }
  // The day the row's worker and team are read on: the subject's end when it has ended, else
  // the as-at date.
  Date allocation_day() const { return subject != nullptr && subject->end ? *subject->end : as_at; }
};

// The allocation open on `day` (the latest to start, when several are), or null; `role` limits
// it to workers of that role.
const Event* AllocationOn(const Row& row, Date day, std::string_view role = {}) {
  const Event* found = nullptr;
  for (const Event& event : row.chronology->events()) {
    if (event.kind != EventKind::kSocialWorkerAllocation || !event.IsOpenOn(day)) continue;
    if (!role.empty()) {
      auto worker = row.directory->workers.find(event.Get("SW_ID"));
      if (worker == row.directory->workers.end() || worker->second->role != role) continue;
    }
    if (found == nullptr || event.start >= found->start) found = &event;
  }
  return found;
}

Value WorkerName(const Row& row, const Event* allocation) {
  if (allocation == nullptr) return {};
  const std::string_view id = allocation->Get("SW_ID");
  auto worker = row.directory->workers.find(id);
  if (worker == row.directory->workers.end() || worker->second->name.empty()) return Code(id);
  return Value::Text(worker->second->name);
}

Value TeamName(const Row& row, const Event* allocation) {
  if (allocation == nullptr) return {};
  auto worker = row.directory->workers.find(allocation->Get("SW_ID"));
  if (worker == row.directory->workers.end()) return {};
  auto team = row.directory->teams.find(worker->second->team_id);
  if (team == row.directory->teams.end()) return Code(worker->second->team_id);
  return Value::Text(team->second->name.empty() ? team->second->id : team->second->name);
}

const Event* LatestVisit(const Row& row, Date from) {
  return LatestOf(*row.chronology, EventKind::kVisit, from, row.allocation_day());
}

// The looked-after episode the row is about (list 8) or the one open when the subject happened.
size_t CareIndex(const Row& row) { return IndexOf(*row.care, row.subject).value_or(0); }

std::optional<Date> CareStart(const Row& row) {
  const Event* episode = row.subject;
  if (episode == nullptr) return std::nullopt;
  if (episode->kind != EventKind::kLookedAfterEpisode) episode = OpenEpisodeOn(*row.care, episode->start);
  if (episode == nullptr) return std::nullopt;
  std::optional<size_t> at = IndexOf(*row.care, episode);
  if (!at) return std::nullopt;
  return (*row.care)[PeriodStart(*row.care, *at)]->start;
}

// The adoption decision's progress, read from the 903's AD1, PlacedAdoption and episodes.
struct Adoption {
  const Event* placed = nullptr;
  std::optional<Date> order;     // the episode ended E11 or E12 (adopted)
  std::optional<Date> reversed;  // PlacedAdoption ceased for a reason RD1-RD4
  std::string reversed_reason;
};

Adoption AdoptionAfter(const Row& row) {
  Adoption adoption;
  const Date decided = row.subject->start;
  for (const Event& event : row.chronology->events()) {
    if (event.kind == EventKind::kPlacedForAdoption && event.start >= decided && adoption.placed == nullptr) {
      adoption.placed = &event;
      const std::string_view reason = event.Get("REASON_PLACED_CEASED");
      if (event.end && reason.substr(0, 2) == "RD") {
        adoption.reversed = event.end;
        adoption.reversed_reason = std::string(reason);
      }
    }
    if (event.kind == EventKind::kLookedAfterEpisode && event.end && *event.end >= decided &&
        (event.Get("REC") == "E11" || event.Get("REC") == "E12")) {
      if (!adoption.order || *event.end < *adoption.order) adoption.order = event.end;
    }
  }
  return adoption;
}

using Filler = Value (*)(const Row&);

struct NamedFiller {
  std::string_view source;
  Filler fill;
};

Value Disability(const Row& row) {
  const std::vector<std::string>& codes = row.child().disabilities;
  if (codes.empty()) return Value::Text("unknown");
  return YesNo(std::any_of(codes.begin(), codes.end(), [](const std::string& c) { return c != "NONE"; }));
}

// Each column source and how it is filled. Codes are Cairn's own (the returns' codes, or "yes",
// "no", "unknown"); the list's code table turns them into the template's values.
constexpr NamedFiller kFillers[] = {
    // The child
    {"child-id", [](const Row& r) { return Value::Text(r.child().la_child_id); }},
    {"gender", [](const Row& r) { return Code(r.child().sex); }},
    {"ethnicity", [](const Row& r) { return Code(r.child().ethnicity); }},
    {"birth-date", [](const Row& r) { return DateOrEmpty(r.child().birth_date); }},
    {"age",
     [](const Row& r) {
       std::optional<int> age = r.child().AgeOn(r.as_at);
       return age ? Value::Number(std::max(0, *age)) : Value{};
     }},
    {"disability", Disability},
    {"uasc-ever", [](const Row& r) { return YesNo(r.child().uasc); }},
    {"uasc-12-months",
     [](const Row& r) {
       const model::Child& child = r.child();
       return YesNo(child.uasc && (!child.uasc_ceased || *child.uasc_ceased > r.as_at.AddMonths(-12)));
     }},
    {"team", [](const Row& r) { return TeamName(r, AllocationOn(r, r.allocation_day())); }},
    {"worker", [](const Row& r) { return WorkerName(r, AllocationOn(r, r.allocation_day())); }},
    {"personal-adviser",
     [](const Row& r) { return WorkerName(r, AllocationOn(r, r.allocation_day(), "personal-adviser")); }},
    // List 3: referrals
    {"referral-date", [](const Row& r) { return Value::Of(r.subject->start); }},
    {"referral-source", [](const Row& r) { return Code(r.subject->Get("ReferralSource")); }},
    {"referral-nfa",
     [](const Row& r) {
       std::optional<bool> nfa = Flag(r.subject->Get("ReferralNFA"));
       return nfa ? YesNo(*nfa) : Value{};
     }},
    {"referrals-before-12-months",
     [](const Row& r) {
       // Earlier referrals of the child in the 12 months before this one.
       const Date referred = r.subject->start;
       return Value::Number(CountOf(*r.chronology, EventKind::kCinEpisode, referred.AddMonths(-12), referred,
                                    [&](const Event& e) { return &e != r.subject && e.start < referred; }));
     }},
    // List 4: assessments
    {"assessment-start", [](const Row& r) { return Value::Of(r.subject->start); }},
    {"assessment-authorised", [](const Row& r) { return DateOrEmpty(r.subject->end); }},
    {"assessment-child-seen",
     [](const Row& r) {
       const Date to = r.subject->end.value_or(r.as_at);
       bool any_visit = false;
       for (const Event& e : r.chronology->events()) {
         if (e.kind != EventKind::kVisit || e.start < r.subject->start || e.start > to) continue;
         any_visit = true;
         if (Flag(e.Get("child_seen")).value_or(false)) return Value::Text("yes");
       }
       return Value::Text(any_visit ? "no" : "unknown");
     }},
    {"assessment-needs-support",
     [](const Row& r) {
       // Authorised, then either a plan or care followed in the same episode (support), or the
       // episode closed after it with no further action (RC8) or early help (RC9).
       if (!r.subject->end) return Value{};
       const Date authorised = *r.subject->end;
       for (const Event& e : r.chronology->events()) {
         const bool support = e.kind == EventKind::kCinPlan || e.kind == EventKind::kCpPlan ||
                              e.kind == EventKind::kLookedAfterEpisode;
         if (support && e.IsOpenOn(authorised)) return Value::Text("yes");
         if (support && e.start >= authorised && e.start <= authorised.AddMonths(1)) return Value::Text("yes");
       }
       if (r.subject->parent >= 0) {
         const Event& episode = r.chronology->events()[static_cast<size_t>(r.subject->parent)];
         const std::string_view reason = episode.Get("ReasonForClosure");
         if (reason == "RC8" || reason == "RC9") return Value::Text("no");
       }
       return Value::Text("unknown");
     }},
    // List 5: section 47 enquiries and initial conferences
    {"s47-start", [](const Row& r) { return Value::Of(r.subject->start); }},
    {"icpc-not-required",
     [](const Row& r) {
       std::optional<bool> flag = Flag(r.subject->Get("ICPCnotRequired"));
       return flag ? YesNo(*flag) : Value{};
     }},
    {"icpc-date", [](const Row& r) { return DateOrEmpty(r.subject->GetDate("DateOfInitialCPC")); }},
    {"icpc-led-to-plan",
     [](const Row& r) {
       std::optional<Date> held = r.subject->GetDate("DateOfInitialCPC");
       if (!held) return Value{};
       for (const Event& e : r.chronology->events()) {
         if (e.kind == EventKind::kCpPlan && e.start == *held) return Value::Text("yes");
       }
       return Value::Text("no");
     }},
    {"s47s-12-months",
     [](const Row& r) {
       return Value::Number(CountOf(*r.chronology, EventKind::kSection47, r.as_at.AddMonths(-12).AddDays(1), r.as_at));
     }},
    {"icpcs-12-months",
     [](const Row& r) {
       const Date from = r.as_at.AddMonths(-12).AddDays(1);
       int count = 0;
       for (const Event& e : r.chronology->events()) {
         std::optional<Date> held = e.kind == EventKind::kSection47 ? e.GetDate("DateOfInitialCPC") : std::nullopt;
         if (held && *held >= from && *held <= r.as_at) ++count;
       }
       return Value::Number(count);
     }},
    // List 6: children in need
    {"cin-start", [](const Row& r) { return Value::Of(r.subject->start); }},
    {"cin-need", [](const Row& r) { return Code(r.subject->Get("PrimaryNeedCode")); }},
    {"last-seen",
     [](const Row& r) {
       const Event* latest = nullptr;
       for (const Event& e : r.chronology->events()) {
         if (e.kind != EventKind::kVisit || e.start < r.subject->start || e.start > r.allocation_day()) continue;
         if (!Flag(e.Get("child_seen")).value_or(true)) continue;
         if (latest == nullptr || e.start >= latest->start) latest = &e;
       }
       return latest != nullptr ? Value::Of(latest->start) : Value{};
     }},
    {"cin-closure", [](const Row& r) { return DateOrEmpty(r.subject->end); }},
    {"cin-closure-reason", [](const Row& r) { return r.subject->end ? Code(r.subject->Get("ReasonForClosure")) : Value{}; }},
    {"case-status",
     [](const Row& r) {
       if (r.subject->end) return Value::Text("closed");
       const char* status = nullptr;
       int rank = 5;
       for (const Event& e : r.chronology->events()) {
         if (!e.IsOpenOn(r.as_at)) continue;
         if (e.kind == EventKind::kLookedAfterEpisode && !IsShortBreak(e) && rank > 0) status = "looked-after", rank = 0;
         if (e.kind == EventKind::kCpPlan && rank > 1) status = "cp-plan", rank = 1;
         if (e.kind == EventKind::kCinPlan && rank > 2) status = "cin-plan", rank = 2;
         if (e.kind == EventKind::kAssessment && rank > 3) status = "open-assessment", rank = 3;
       }
       return status != nullptr ? Value::Text(status) : Value{};
     }},
    // List 7: child protection
    {"cp-start", [](const Row& r) { return Value::Of(r.subject->start); }},
    {"cp-initial-category", [](const Row& r) { return Code(r.subject->Get("InitialCategoryOfAbuse")); }},
    {"cp-latest-category",
     [](const Row& r) {
       std::string_view latest = r.subject->Get("LatestCategoryOfAbuse");
       return Code(latest.empty() ? r.subject->Get("InitialCategoryOfAbuse") : latest);
     }},
    {"last-visit",
     [](const Row& r) {
       const Date from = r.subject->kind == EventKind::kLookedAfterEpisode ? CareStart(r).value_or(r.subject->start)
                                                                           : r.subject->start;
       const Event* visit = LatestVisit(r, from);
       return visit != nullptr ? Value::Of(visit->start) : Value{};
     }},
    {"last-visit-seen-alone",
     [](const Row& r) {
       const Event* visit = LatestVisit(r, r.subject->start);
       if (visit == nullptr) return Value{};
       std::optional<bool> alone = Flag(visit->Get("seen_alone"));
       return Value::Text(alone ? (*alone ? "yes" : "no") : "unknown");
     }},
    {"cp-latest-review",
     [](const Row& r) {
       const Event* latest = nullptr;
       const int32_t plan = r.subject_index();
       for (const Event& e : r.chronology->events()) {
         if (e.kind == EventKind::kCpReview && e.parent == plan && (latest == nullptr || e.start >= latest->start)) latest = &e;
       }
       return latest != nullptr ? Value::Of(latest->start) : Value{};
     }},
    {"cp-end", [](const Row& r) { return DateOrEmpty(r.subject->end); }},
    {"emergency-protection-6-months",
     [](const Row& r) {
       // Police protection (L1) or an emergency protection order (L2) begun in the six months.
       const Date from = r.as_at.AddMonths(-6).AddDays(1);
       return YesNo(CountOf(*r.chronology, EventKind::kLookedAfterEpisode, from, r.as_at, [](const Event& e) {
                      return e.Get("LS") == "L1" || e.Get("LS") == "L2";
                    }) > 0);
     }},
    {"cp-previous-plans",
     [](const Row& r) {
       const std::string_view recorded = r.subject->Get("NumberOfPreviousCPP");
       if (!recorded.empty() && std::all_of(recorded.begin(), recorded.end(), [](char c) { return c >= '0' && c <= '9'; })) {
         return Value::Number(std::stod(std::string(recorded)));
       }
       return Value::Number(CountOf(*r.chronology, EventKind::kCpPlan, Date::FromYmdOrDie(Date::kMinYear, 1, 1),
                                    r.subject->start, [&](const Event& e) { return e.start < r.subject->start; }));
     }},
    // List 8: children in care
    {"care-start", [](const Row& r) { return DateOrEmpty(CareStart(r)); }},
    {"care-need", [](const Row& r) { return Code(r.subject->Get("CIN")); }},
    {"care-second-period-12-months",
     [](const Row& r) {
       // This period began in the 12 months, and an earlier period ended in them.
       const std::vector<const Event*>& care = *r.care;
       const size_t start = PeriodStart(care, CareIndex(r));
       const Date year_ago = r.as_at.AddMonths(-12);
       if (care[start]->start <= year_ago) return YesNo(false);
       for (size_t i = 0; i < start; ++i) {
         if (care[i]->end && *care[i]->end > year_ago) return YesNo(true);
       }
       return YesNo(false);
     }},
    {"legal-status-start",
     [](const Row& r) {
       const std::string_view status = r.subject->Get("LS");
       const size_t at = WalkBack(*r.care, CareIndex(r), [&](const Event&) { return true; });
       size_t first = CareIndex(r);
       while (first > at && (*r.care)[first - 1]->Get("LS") == status) --first;
       return Value::Of((*r.care)[first]->start);
     }},
    {"legal-status", [](const Row& r) { return Code(r.subject->Get("LS")); }},
    {"cla-latest-review",
     [](const Row& r) {
       const Event* review = LatestOf(*r.chronology, EventKind::kClaReview, CareStart(r).value_or(r.subject->start),
                                      r.allocation_day());
       return review != nullptr ? Value::Of(review->start) : Value{};
     }},
    {"last-health-assessment",
     [](const Row& r) {
       const Event* latest = LatestOf(*r.chronology, EventKind::kHealthAssessment,
                                      Date::FromYmdOrDie(Date::kMinYear, 1, 1), r.as_at);
       return latest != nullptr ? Value::Of(latest->start) : Value{};
     }},
    {"placements-12-months",
     [](const Row& r) {
       // The placement open a year before, and each new placement since (as the DfE counts
       // placements for its stability measure).
       const Date year_ago = r.as_at.AddMonths(-12);
       int count = OpenEpisodeOn(*r.care, year_ago) != nullptr ? 1 : 0;
       for (const Event* e : *r.care) {
         if (e->start > year_ago && e->start <= r.as_at && StartsPlacement(*e)) ++count;
       }
       return Value::Number(count);
     }},
    {"care-end",
     [](const Row& r) {
       // X1: the episode ended but the child stayed in care.
       return r.subject->end && r.subject->Get("REC") != "X1" ? Value::Of(*r.subject->end) : Value{};
     }},
    {"care-end-reason",
     [](const Row& r) {
       return r.subject->end && r.subject->Get("REC") != "X1" ? Code(r.subject->Get("REC")) : Value{};
     }},
    {"placement-start",
     [](const Row& r) {
       return Value::Of((*r.care)[WalkBack(*r.care, CareIndex(r), [](const Event& e) { return !StartsPlacement(e); })]->start);
     }},
    {"placement-type", [](const Row& r) { return Code(r.subject->Get("PLACE")); }},
    {"placement-provider", [](const Row& r) { return Code(r.subject->Get("PLACE_PROVIDER")); }},
    {"placement-postcode", [](const Row& r) { return Code(r.subject->Get("PL_POST")); }},
    {"placement-urn", [](const Row& r) { return Code(r.subject->Get("URN")); }},
    {"missing-12-months",
     [](const Row& r) {
       return Value::Number(CountOf(*r.chronology, EventKind::kMissing, r.as_at.AddMonths(-12).AddDays(1), r.as_at,
                                    [](const Event& e) { return e.Get("MISSING") == "M"; }));
     }},
    {"absent-12-months",
     [](const Row& r) {
       return Value::Number(CountOf(*r.chronology, EventKind::kMissing, r.as_at.AddMonths(-12).AddDays(1), r.as_at,
                                    [](const Event& e) { return e.Get("MISSING") == "A"; }));
     }},
    {"return-interview-offered",
     [](const Row& r) {
       const Event* missing = LatestOf(*r.chronology, EventKind::kMissing, Date::FromYmdOrDie(Date::kMinYear, 1, 1), r.as_at);
       if (missing == nullptr) return Value{};
       const Event* interview = LatestOf(*r.chronology, EventKind::kReturnInterview, missing->start, r.as_at);
       std::optional<bool> offered = interview != nullptr ? Flag(interview->Get("offered")) : std::nullopt;
       return Value::Text(offered ? (*offered ? "yes" : "no") : "unknown");
     }},
    {"return-interview-accepted",
     [](const Row& r) {
       const Event* missing = LatestOf(*r.chronology, EventKind::kMissing, Date::FromYmdOrDie(Date::kMinYear, 1, 1), r.as_at);
       if (missing == nullptr) return Value{};
       const Event* interview = LatestOf(*r.chronology, EventKind::kReturnInterview, missing->start, r.as_at);
       std::optional<bool> accepted = interview != nullptr ? Flag(interview->Get("accepted")) : std::nullopt;
       return Value::Text(accepted ? (*accepted ? "yes" : "no") : "unknown");
     }},
    // List 9: care leavers
    {"care-leaver-eligibility",
     [](const Row& r) {
       // Children (Leaving Care) Act 2000 categories, by age and whether still looked after.
       std::optional<int> age = r.child().AgeOn(r.as_at);
       if (!age || *age < 16) return Value{};
       if (*age >= 18) return Value::Text("former-relevant");
       return Value::Text(OpenEpisodeOn(*r.care, r.as_at) != nullptr ? "eligible" : "relevant");
     }},
    {"latest-pathway-plan",
     [](const Row& r) {
       const Event* plan = LatestOf(*r.chronology, EventKind::kPathwayPlan, Date::FromYmdOrDie(Date::kMinYear, 1, 1), r.as_at);
       return plan != nullptr ? Value::Of(plan->start) : Value{};
     }},
    {"in-touch", [](const Row& r) { return r.subject != nullptr ? Code(r.subject->Get("IN_TOUCH")) : Value{}; }},
    {"latest-contact",
     [](const Row& r) {
       const Event* contact =
           LatestOf(*r.chronology, EventKind::kCareLeaverContact, Date::FromYmdOrDie(Date::kMinYear, 1, 1), r.as_at);
       return contact != nullptr ? Value::Of(contact->start) : Value{};
     }},
    {"accommodation",
     [](const Row& r) {
       const std::string_view accom = r.subject != nullptr ? r.subject->Get("ACCOM") : "";
       return accom.size() == 2 ? Code(accom.substr(0, 1)) : Value{};
     }},
    {"accommodation-suitable",
     [](const Row& r) {
       const std::string_view accom = r.subject != nullptr ? r.subject->Get("ACCOM") : "";
       return accom.size() == 2 ? Code(accom.substr(1, 1)) : Value{};
     }},
    {"activity",
     [](const Row& r) {
       const std::string_view activity = r.subject != nullptr ? r.subject->Get("ACTIV") : "";
       return activity == "0" ? Value{} : Code(activity);
     }},
    // List 10: adoption
    {"adoption-decision", [](const Row& r) { return Value::Of(r.subject->start); }},
    {"placement-order",
     [](const Row& r) {
       // The first placement order (legal status E1) of the period of care the decision fell in.
       const std::optional<Date> care_start = CareStart(r);
       if (!care_start) return Value{};
       for (const Event* e : *r.care) {
         if (e->start >= *care_start && e->Get("LS") == "E1") return Value::Of(e->start);
       }
       return Value{};
     }},
    {"adoption-match", [](const Row& r) { return DateOrEmpty(r.subject->GetDate("DATE_MATCH")); }},
    {"placed-for-adoption",
     [](const Row& r) {
       const Adoption adoption = AdoptionAfter(r);
       return adoption.placed != nullptr ? Value::Of(adoption.placed->start) : Value{};
     }},
    {"adoption-order", [](const Row& r) { return DateOrEmpty(AdoptionAfter(r).order); }},
    {"adoption-reversed", [](const Row& r) { return DateOrEmpty(AdoptionAfter(r).reversed); }},
    {"adoption-reversed-reason", [](const Row& r) { return Code(AdoptionAfter(r).reversed_reason); }},
    {"fostering-for-adoption",
     [](const Row& r) {
       // A fostering-for-adoption placement (U2, U5) in the period of care.
       const std::optional<Date> care_start = CareStart(r);
       if (!care_start) return Value{};
       for (const Event* e : *r.care) {
         if (e->start >= *care_start && (e->Get("PLACE") == "U2" || e->Get("PLACE") == "U5")) return Value::Of(e->start);
       }
       return Value{};
     }},
};

Filler FindFiller(std::string_view source) {
  for (const NamedFiller& filler : kFillers) {
    if (filler.source == source) return filler.fill;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Which records make a row of each list

// Whether an event that starts on `start` and ends on `end` (none: still open) was open at any
// time from `from` to `to`.
bool OpenBetween(const Event& event, Date from, Date to) { return event.start <= to && (!event.end || *event.end >= from); }

std::vector<const Event*> Subjects(int list, const model::Chronology& chronology, const std::vector<const Event*>& care,
                                   Date from, Date to) {
  std::vector<const Event*> subjects;
  auto each = [&](EventKind kind, const std::function<bool(const Event&)>& take) {
    for (const Event& event : chronology.events()) {
      if (event.kind == kind && take(event)) subjects.push_back(&event);
    }
  };
  switch (list) {
    case 3:
      each(EventKind::kCinEpisode, [&](const Event& e) { return e.start >= from && e.start <= to; });
      break;
    case 4:
      each(EventKind::kAssessment, [&](const Event& e) { return OpenBetween(e, from, to); });
      break;
    case 5:
      each(EventKind::kSection47, [&](const Event& e) { return e.start >= from && e.start <= to; });
      break;
    case 6:
      each(EventKind::kCinEpisode, [&](const Event& e) { return OpenBetween(e, from, to); });
      break;
    case 7:
      each(EventKind::kCpPlan, [&](const Event& e) { return OpenBetween(e, from, to); });
      break;
    case 8: {
      // The child's latest episode of care in the period, once.
      const Event* latest = nullptr;
      for (const Event* episode : care) {
        if (OpenBetween(*episode, from, to)) latest = episode;
      }
      if (latest != nullptr) subjects.push_back(latest);
      break;
    }
    case 9: {
      // The care leaver's latest OC3 record in the year, or none when only a contact or a
      // pathway plan brings them in.
      const Event* outcomes = LatestOf(chronology, EventKind::kCareLeaverOutcomes, to.AddMonths(-12).AddDays(1), to);
      const bool worked_with = LatestOf(chronology, EventKind::kCareLeaverContact, from, to) != nullptr ||
                               LatestOf(chronology, EventKind::kPathwayPlan, from, to) != nullptr;
      if (outcomes != nullptr || worked_with) subjects.push_back(outcomes);
      break;
    }
    case 10:
      each(EventKind::kAdoptionDecision, [&](const Event& e) {
        if (e.start > to) return false;
        Row row;
        row.chronology = &chronology;
        row.subject = &e;
        const Adoption adoption = AdoptionAfter(row);
        std::optional<Date> ended = adoption.order;
        if (adoption.reversed && (!ended || *adoption.reversed < *ended)) ended = adoption.reversed;
        return !ended || *ended >= from;
      });
      break;
    default:
      break;  // lists 1, 2 and 11: nothing Cairn records
  }
  return subjects;
}

}  // namespace

std::vector<std::string_view> KnownSources() {
  std::vector<std::string_view> sources;
  for (const NamedFiller& filler : kFillers) sources.push_back(filler.source);
  return sources;
}

Result<Guidance> ParseGuidance(std::string_view toml_text, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(toml::table document, ParseToml(toml_text, source_name));
  const std::string source(source_name);
  if (const toml::key* unknown = TomlEntry::FirstUnknownKey(document, {"list", "codes"})) {
    return Status::InvalidArgument(source + " line " + std::to_string(unknown->source().begin.line) + ": '" +
                                   std::string(unknown->str()) + "' is not a section of the Annex A lists; use [[list]] or [codes.NAME]");
  }
  Guidance guidance;
  if (const toml::table* codes = document["codes"].as_table()) {
    for (const auto& [name, node] : *codes) {
      const toml::table* table = node.as_table();
      if (table == nullptr) {
        return Status::InvalidArgument(source + " line " + std::to_string(LineOf(node)) + ": codes." +
                                       std::string(name.str()) + " must be a table of code = \"value\"");
      }
      auto& map = guidance.codes[std::string(name.str())];
      for (const auto& [code, value] : *table) {
        const auto* text = value.as_string();
        if (text == nullptr || text->get().empty()) {
          return Status::InvalidArgument(source + " line " + std::to_string(LineOf(value)) + ": codes." +
                                         std::string(name.str()) + ", field " + QuoteText(code.str()) +
                                         ": must be the template's value in double quotes");
        }
        map[std::string(code.str())] = text->get();
      }
    }
  }
  const toml::array* lists = document["list"].as_array();
  if (lists == nullptr || lists->empty()) return Status::InvalidArgument(source + ": there are no [[list]] entries");
  for (const toml::node& node : *lists) {
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return Status::InvalidArgument(source + " line " + std::to_string(LineOf(node)) + ": each list must be a [[list]] table");
    }
    TomlEntry entry(source, "list " + std::to_string(guidance.lists.size() + 1), *table);
    CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"number", "title", "months", "covers", "unfilled", "column"}, "a list"));
    ListSpec list;
    CAIRN_ASSIGN_OR_RETURN(list.number, entry.RequiredInteger("number", 1, 99, "a list number"));
    entry.set_label("list " + std::to_string(list.number));
    const int expected = guidance.lists.empty() ? 1 : guidance.lists.back().number + 1;
    if (list.number != expected) {
      return entry.Error("number", "lists must be numbered in order from 1; this one should be " + std::to_string(expected) + ".");
    }
    list.sheet = "List " + std::to_string(list.number);
    CAIRN_ASSIGN_OR_RETURN(list.title, entry.RequiredString("title", "say what the list holds."));
    CAIRN_ASSIGN_OR_RETURN(list.months, entry.RequiredInteger("months", 1, 60, "a number of months"));
    CAIRN_ASSIGN_OR_RETURN(list.covers, entry.RequiredString("covers", "say which records make a row."));
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> unfilled, entry.OptionalString("unfilled"));
    list.unfilled = unfilled.value_or("");
    const toml::array* columns = (*table)["column"].as_array();
    if (columns == nullptr || columns->empty()) return entry.Error("column", "a list needs its [[list.column]] entries.");
    for (const toml::node& column_node : *columns) {
      const toml::table* column_table = column_node.as_table();
      if (column_table == nullptr) return entry.ErrorAt(LineOf(column_node), "column", "each column must be a [[list.column]] table.");
      TomlEntry column_entry(source, entry.label() + ", column " + std::to_string(list.columns.size() + 1), *column_table);
      CAIRN_RETURN_IF_ERROR(column_entry.CheckKeys({"heading", "source", "blank", "codes"}, "a column"));
      ColumnSpec column;
      CAIRN_ASSIGN_OR_RETURN(column.heading, column_entry.RequiredString("heading", "give the template's heading."));
      CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> filled_from, column_entry.OptionalString("source"));
      CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> blank, column_entry.OptionalString("blank"));
      CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> codes, column_entry.OptionalString("codes"));
      if (filled_from.has_value() == blank.has_value()) {
        return column_entry.Error("source", "give either a source Cairn fills the column from, or `blank` saying why it cannot.");
      }
      column.source = filled_from.value_or("");
      column.blank = blank.value_or("");
      column.codes = codes.value_or("");
      if (!column.source.empty() && FindFiller(column.source) == nullptr) {
        return column_entry.Error("source", QuoteText(column.source) + " is not a source Cairn knows how to fill.");
      }
      if (!column.codes.empty() && !guidance.codes.contains(column.codes)) {
        return column_entry.Error("codes", "there is no [codes." + column.codes + "] table.");
      }
      list.columns.push_back(std::move(column));
    }
    guidance.lists.push_back(std::move(list));
  }
  return guidance;
}

Result<Guidance> LoadGuidance() {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "annex-a/lists.toml");
  if (resource == nullptr) return Status::Internal("the Annex A lists (data/annex-a/lists.toml) are not built into Cairn");
  return ParseGuidance(resource->text, "data/annex-a/lists.toml");
}

Lists BuildLists(const Guidance& guidance, const CouncilRecord& council, Date as_at, std::optional<int> months) {
  Directory directory;
  for (const model::Worker& worker : council.workers) directory.workers.emplace(worker.id, &worker);
  for (const model::Team& team : council.teams) directory.teams.emplace(team.id, &team);

  Lists lists;
  lists.as_at = as_at;
  for (const ListSpec& spec : guidance.lists) {
    Sheet sheet;
    sheet.spec = &spec;
    sheet.from = as_at.AddMonths(-months.value_or(spec.months)).AddDays(1);
    lists.sheets.push_back(std::move(sheet));
  }
  std::vector<Filler> fillers;
  std::set<std::tuple<int, std::string, std::string>> unmapped;

  auto visit = [&](const model::Chronology& original) {
    // Everything as it stood at the end of the as-at date: later events and later ends unknown.
    // Most chronologies hold nothing later, and are read as they are rather than copied.
    model::Chronology earlier;
    const bool changed = std::any_of(original.events().begin(), original.events().end(),
                                     [&](const Event& e) { return e.HasDateAfter(as_at); });
    if (changed) earlier = original.AsAt(as_at);
    const model::Chronology& chronology = changed ? earlier : original;
    const std::vector<const Event*> care = CareEpisodes(chronology);
    for (Sheet& sheet : lists.sheets) {
      const ListSpec& spec = *sheet.spec;
      for (const Event* subject : Subjects(spec.number, chronology, care, sheet.from, as_at)) {
        Row row{&chronology, subject, as_at, sheet.from, &directory, &care};
        std::vector<Value> cells;
        cells.reserve(spec.columns.size());
        for (const ColumnSpec& column : spec.columns) {
          Filler fill = column.source.empty() ? nullptr : FindFiller(column.source);
          // A row about nothing (a care leaver known only by a contact) has only the child's own fields.
          Value value = fill == nullptr ? Value{} : fill(row);
          if (value.kind == Value::Kind::kText && !column.codes.empty()) {
            const auto& table = guidance.codes.at(column.codes);
            auto found = table.find(value.text);
            if (found != table.end()) {
              value.text = found->second;
            } else if (value.text == "yes" || value.text == "no" || value.text == "unknown" || column.codes == "yes-no") {
              value = Value{};  // an answer the template's list has no place for
            } else {
              unmapped.emplace(spec.number, column.heading, value.text);
            }
          }
          cells.push_back(std::move(value));
        }
        sheet.rows.push_back(std::move(cells));
        sheet.children.push_back(chronology.child().la_child_id);
        sheet.dates.push_back(subject != nullptr ? subject->start : Date{});
      }
    }
  };
  if (!council.children) {
    for (const model::Chronology& chronology : council.chronologies) visit(chronology);
  } else {
    for (size_t index : *council.children) visit(council.chronologies[index]);
  }
  // By child, then by the row's first date, so the lists read the same whatever order the
  // record is held in.
  for (Sheet& sheet : lists.sheets) {
    std::vector<size_t> order(sheet.rows.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      if (sheet.children[a] != sheet.children[b]) return sheet.children[a] < sheet.children[b];
      return sheet.dates[a] < sheet.dates[b];
    });
    std::vector<std::vector<Value>> rows;
    std::vector<std::string> children;
    rows.reserve(order.size());
    for (size_t i : order) {
      rows.push_back(std::move(sheet.rows[i]));
      children.push_back(std::move(sheet.children[i]));
    }
    sheet.rows = std::move(rows);
    sheet.children = std::move(children);
    sheet.dates.clear();
  }
  for (const auto& [list, heading, code] : unmapped) lists.unmapped.push_back({list, heading, code});
  return lists;
}

}  // namespace cairn::returns::annex_a
