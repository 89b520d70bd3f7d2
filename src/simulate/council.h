// One synthetic council's simulation (internal to simulate/; the public API is simulator.h).
//
// A Council runs in two phases:
//  1. Run(): a discrete-event simulation from `simulation_start` (18 years before the reporting
//     window, so every child alive in the window has their whole history and the stocks of
//     children in care and on plans are settled) to the as-at date. Each child's referral is an
//     event; handling it generates the whole CIN episode that follows (assessment, S47, plans,
//     a period of care) as compact records, and schedules the changes of service the episode
//     needs (assessment team, then CIN/CP, then children in care, ...). The workforce handles
//     those changes in date order: it allocates a worker, hires and loses staff weekly, and
//     re-allocates a departing worker's children.
//  2. Emit(): for each child with anything overlapping the window, turns the compact records into
//     a model::Chronology, adding the routine events (visits, reviews, core groups, health
//     checks, PEPs, missing episodes, supervision, care leavers' contact) from the child's own
//     random stream, and clips everything to the as-at date.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "base/working_day_calendar.h"
#include "geography/region_postcodes.h"
#include "model/chronology.h"
#include "simulate/names.h"
#include "simulate/profile.h"
#include "simulate/random.h"

namespace cairn::simulate::internal {

// A number of days sampled from a profile's distribution, rounded to whole days (never negative).
inline int Days(double value) { return static_cast<int>(std::lround(std::max(0.0, value))); }

enum class Service : uint8_t {
  kNone,
  kFrontDoor,
  kAssessment,
  kCinCp,
  kChildrenInCare,
  kCareLeavers,
  kDisabledChildren,
};
inline constexpr int kServiceCount = 7;

struct CouncilSpec {
  int number = 0;          // 0-based; part of every identifier, so councils never clash
  int64_t population = 0;  // children aged 0-17
  uint64_t seed = 0;
  Date simulation_start;        // history starts here (no events before it)
  Date window_start;            // first day of the reporting window
  Date as_at;                   // last day simulated and reported
  std::string la_code = "999";  // three digits, used in UPNs
  const geography::RegionPostcodes* postcodes = nullptr;  // real postcodes, or null for made-up
};

// ---- Compact structural records of one child's journey -------------------------------------

struct AssessmentRec {
  Date start;
  Date end;
  std::string factors;
};

struct Section47Rec {
  Date strategy;
  Date target;
  std::optional<Date> icpc;
  bool plan = false;
};

struct CpPlanRec {
  Date start;
  Date end;
  std::string initial_category;
  std::string latest_category;
  int previous = 0;
  std::vector<Date> reviews;
};

struct CinPlanRec {
  Date start;
  Date end;
};

struct CinEpisodeRec {
  Date referral;
  Date closure;
  std::string source;
  std::string need;
  std::string closure_reason;
  bool nfa = false;
  std::optional<AssessmentRec> assessment;
  std::optional<Section47Rec> s47;
  std::vector<CinPlanRec> cin_plans;
  std::optional<CpPlanRec> cp;
};

struct PlacementRec {
  Date start;
  Date end;
  std::string place;     // PLACE code as recorded (K3 starting before April 2024 is H5)
  std::string provider;  // PLACE_PROVIDER
  std::string postcode;  // PL_POST
  std::string urn;
  std::string end_reason;    // REASON_PLACE_CHANGE when the next placement follows
  bool same_carers = false;  // same carers as the placement before (RNE T or B)
};

struct CarePeriodRec {
  Date start;
  Date end;
  std::string cin_code;                             // CIN category of need N1-N8
  std::string rec;                                  // reason the period ended
  std::string route;                                // home, adoption, sgo, cao, eighteen, other
  std::vector<std::pair<Date, std::string>> legal;  // legal status from each date
  std::vector<PlacementRec> placements;
  // Adoption
  std::optional<Date> adoption_decision;
  std::optional<Date> match;
  std::optional<Date> placed;
  std::optional<Date> reversal;
  std::string reversal_reason;
  bool adopted = false;
  bool adopted_by_foster_carers = false;
  std::string prev_perm = "Z1";
  std::optional<Date> prev_perm_date;
};

struct AllocationRec {
  Date start;
  std::optional<Date> end;
  uint32_t worker = 0;
  std::string_view reason;  // SW_REASON when the allocation ended by a change of worker: static
                            // text or the profile's own, both outliving the council
};

struct EhcRec {
  Date request;
  Date decision;
  bool assess = false;
  std::optional<Date> plan;
};

struct ChildRec {
  uint32_t index = 0;  // in the council's child numbering (birth cohorts, then UASC arrivals)
  Date birth;
  std::optional<Date> death;
  bool uasc = false;
  std::string home_postcode;
  std::vector<CinEpisodeRec> episodes;
  std::vector<CarePeriodRec> care;
  std::vector<AllocationRec> allocations;
  std::optional<EhcRec> ehc;
  std::optional<Date> leaver_from;  // care leaver: personal adviser from 18 to 21
  std::optional<Date> leaver_to;
  int previous_cp = 0;
  // Live state during Run().
  int32_t current_allocation = -1;
  Service service = Service::kNone;
  Rng rng;
};

// ---- The workforce ----------------------------------------------------------------------------

enum class Role : uint8_t { kSocialWorker, kTeamManager, kPersonalAdviser };

struct WorkerRec {
  uint32_t serial = 0;
  uint32_t team = 0;
  Role role = Role::kSocialWorker;
  bool agency = false;
  bool leaving = false;  // a leaving date is scheduled
  Date started;
  std::optional<Date> left;
  std::vector<uint32_t> cases;  // child slots currently allocated
};

struct TeamRec {
  Service service = Service::kNone;
  int number = 0;                 // within its service
  std::vector<uint32_t> members;  // current social workers / personal advisers
  std::optional<uint32_t> manager;
  std::vector<std::pair<Date, uint32_t>> manager_history;  // from date, manager
};

// ---- The council --------------------------------------------------------------------------------

class Council {
 public:
  // `names` gives every child and worker a name; it must outlive the council.
  Council(const Profile& profile, const WorkingDayCalendar& calendar, const NameLists& names, CouncilSpec spec);

  // Phase 1. `progress` is called now and then with the date reached.
  void Run(const std::function<void(Date)>& progress = {});
  // Phase 2: each child with records overlapping the window, in order of first involvement.
  Status Emit(const std::function<Status(model::Chronology&&)>& sink);
  // Teams and workers as model values (ids unique across councils).
  void AppendWorkforce(std::vector<model::Team>& teams, std::vector<model::Worker>& workers) const;

  size_t involved_children() const { return children_.size(); }

 private:
  struct QueuedEvent {
    int32_t day;
    uint8_t order;  // same day: leavers, then service changes, then referrals, then HR
    uint8_t service;
    uint32_t subject;  // child slot, child index or worker
    uint64_t seq;
    bool operator>(const QueuedEvent& other) const {
      if (day != other.day) return day > other.day;
      if (order != other.order) return order > other.order;
      return seq > other.seq;
    }
  };
  enum Order : uint8_t { kWorkerLeaves = 0, kServiceChange = 1, kReferral = 2, kUascArrival = 3, kHrCycle = 4 };

  // Population (council.cpp)
  void SeedPopulation();
  uint32_t SlotFor(uint32_t index, Date birth, bool uasc);
  Date BirthOf(uint32_t index) const;
  double DemandMultiplier(Date date) const;
  Date AdjustReferralDate(Date date, Rng& rng) const;
  void Push(Date date, Order order, uint32_t subject, Service service = Service::kNone);

  // Journeys (journeys.cpp)
  void OnReferral(uint32_t slot, Date date, bool uasc_arrival);
  void GenerateCare(ChildRec& child, Date entry, bool uasc, CarePeriodRec& period);
  std::vector<PlacementRec> GeneratePlacements(ChildRec& child, CarePeriodRec& period, bool uasc);
  void ScheduleServices(uint32_t slot, std::vector<std::pair<Date, Service>> changes);

  // Workforce (workforce.cpp)
  void OnServiceChange(uint32_t slot, Date date, Service service);
  void OnWorkerLeaves(uint32_t worker, Date date);
  void OnHrCycle(Date date);
  void Allocate(uint32_t slot, Date date, Service service, std::optional<uint32_t> exclude);
  void EndAllocation(uint32_t slot, Date date, std::string_view reason);
  uint32_t Hire(Service service, Role role, Date date, std::optional<uint32_t> team = std::nullopt);
  uint32_t TeamForNewWorker(Service service, Date date);
  void ScheduleLeaver(uint32_t worker, Date date);
  // Social workers and team managers; personal advisers are not registered social workers, and
  // the agency share and social worker turnover leave them out.
  static bool IsRegisteredSocialWorker(const WorkerRec& worker) { return worker.role != Role::kPersonalAdviser; }

  // Emission (chronicle.cpp)
  std::optional<model::Chronology> Chronicle(const ChildRec& child) const;

 public:
  // Identifiers (used by chronicle.cpp and the simulator's tests through the chronologies).
  std::string ChildId(uint32_t index) const;
  std::string WorkerId(uint32_t worker) const;
  std::string TeamId(uint32_t team) const;
  const std::vector<WorkerRec>& workers() const { return workers_; }
  const std::vector<TeamRec>& teams() const { return teams_; }
  const Profile& profile() const { return profile_; }
  const WorkingDayCalendar& calendar() const { return calendar_; }
  const CouncilSpec& spec() const { return spec_; }
  std::optional<uint32_t> ManagerOn(uint32_t team, Date date) const;

 private:
  const Profile& profile_;
  const WorkingDayCalendar& calendar_;
  const NameLists& names_;
  CouncilSpec spec_;
  Rng council_rng_;    // the council-wide streams and quotas of journeys
  Rng workforce_rng_;  // allocation and staffing, kept apart so they never shift a journey

  // Population.
  uint32_t cohort_children_ = 0;  // children in birth cohorts; UASC arrivals are numbered after
  Date first_birth_;
  double birth_spacing_days_ = 0;
  std::vector<Date> uasc_births_;  // by index - cohort_children_
  std::vector<int32_t> slot_of_;   // child index -> slot in children_, or -1
  std::vector<ChildRec> children_;

  // Council-wide stratified streams, so totals sit close to the profile's expectations.
  enum Stream : int {
    kPathUnder1,
    kPath1To4,
    kPath5To9,
    kPath10To15,
    kPath16To17,
    kPathAfterCp,
    kAssessmentDuration,
    kPlanEnd,
    kCinDuration,
    kDisabledDuration,
    kStepDown,
    kRouteUnder1,
    kRoute1To4,
    kRoute5To9,
    kRoute10To15,
    kRoute16To17,
    kHomeDuration,
    kSgoDuration,
    kCaoDuration,
    kOtherDuration,
    kProceedings,
    kPlacementUnder5,
    kPlacement5To11,
    kPlacement12Plus,
    kRepeat,
    kRepeatGap,
    kIcpcTimely,
    kStreamCount
  };
  Stratified streams_[kStreamCount];
  double Draw(Stream stream) { return streams_[stream].Next(council_rng_); }
  // How many reviews a CP plan lasts (its length, by the review conference that ends it), and
  // which children in care at 31 March have an unsettled year (one Quota per year): evenly spread.
  std::vector<double> plan_review_shares_;
  Quota plan_reviews_;
  std::map<int, Quota> unsettled_years_;

  std::priority_queue<QueuedEvent, std::vector<QueuedEvent>, std::greater<QueuedEvent>> queue_;
  uint64_t seq_ = 0;

  // Workforce.
  std::vector<WorkerRec> workers_;
  std::vector<TeamRec> teams_;
  std::vector<uint32_t> service_teams_[kServiceCount];
  std::vector<uint32_t> service_workers_[kServiceCount];  // active case holders (not leaving)
  int64_t service_cases_[kServiceCount] = {};
  std::vector<uint32_t> active_;     // workers in post and not working their notice
  std::vector<int32_t> active_pos_;  // worker -> position in active_, or -1
  int64_t active_registered_ = 0;    // social workers and managers in post (notice included)
  int64_t active_agency_ = 0;
  double leaver_debt_permanent_ = 0;
  double leaver_debt_agency_ = 0;
  double leaver_debt_advisers_ = 0;
  double other_change_debt_ = 0;
};

// Identifier helpers shared by the council and its tests.
std::string FormatSerial(const char* prefix, int council, uint32_t serial, int digits);
// A UPN: check letter + LA number + 9 digits (DfE check letter, CIN rule 1510).
std::string MakeUpn(std::string_view la_code, uint64_t number);
char UpnCheckLetter(std::string_view last_twelve);

}  // namespace cairn::simulate::internal
