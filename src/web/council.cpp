#include "web/council.h"

#include <algorithm>
#include <atomic>

namespace cairn::web {

namespace {

// Process-wide, so a cache keyed by it can never mistake one council (or a council made again at
// the same address) for another.
uint64_t NextGeneration() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

Situation SituationOn(const model::Chronology& chronology, Date as_at) {
  const model::Event* open[4] = {};  // by Kind
  for (const model::Event& event : chronology.events()) {
    if (!event.IsOpenOn(as_at)) continue;
    switch (event.kind) {
      case model::EventKind::kLookedAfterEpisode: open[0] = &event; break;
      case model::EventKind::kCpPlan: open[1] = &event; break;
      case model::EventKind::kCinPlan: open[2] = &event; break;
      case model::EventKind::kCinEpisode: open[3] = &event; break;
      default: break;
    }
  }
  for (int kind = 0; kind < 4; ++kind) {
    if (open[kind] != nullptr) return {static_cast<Situation::Kind>(kind), open[kind]};
  }
  return {};
}

void Council::Build(const timescales::Evaluator& evaluator, std::vector<model::Chronology> chronologies,
                    access::CouncilDirectory directory, Date as_at, int threads) {
  evaluator_ = &evaluator;
  as_at_ = as_at;
  chronologies_ = std::move(chronologies);
  directory_ = std::move(directory);
  evaluation_ = std::make_unique<timescales::CouncilEvaluation>(evaluator, chronologies_, as_at, threads);
  places_.clear();
  places_.reserve(chronologies_.size());
  situations_.clear();
  situations_.reserve(chronologies_.size());
  for (const model::Chronology& chronology : chronologies_) {
    places_.push_back(directory_.PlaceOf(chronology, as_at));
    situations_.push_back(SituationOn(chronology, as_at));
  }
  directions_by_owner_.clear();
  audited_.clear();
  for (size_t i = 0; i < chronologies_.size(); ++i) IndexActionsAndAudits(i);
  generation_ = NextGeneration();
  std::lock_guard<std::mutex> lock(snapshots_mutex_);
  snapshots_.clear();
}

void Council::IndexActionsAndAudits(size_t index) {
  for (const model::Event& event : chronologies_[index].events()) {
    if (event.kind == model::EventKind::kCaseAudit) {
      const auto at = std::lower_bound(audited_.begin(), audited_.end(), index);
      if (at == audited_.end() || *at != index) audited_.insert(at, index);
    }
    if (!model::IsAssignedAction(event.kind)) continue;
    std::vector<size_t>& children = directions_by_owner_[std::string(event.Get("owner"))];
    if (std::find(children.begin(), children.end(), index) == children.end()) {
      children.insert(std::upper_bound(children.begin(), children.end(), index), index);
    }
  }
}

std::span<const size_t> Council::ChildrenWithDirectionsFor(std::string_view worker_id) const {
  auto found = directions_by_owner_.find(worker_id);
  return found == directions_by_owner_.end() ? std::span<const size_t>() : std::span<const size_t>(found->second);
}

void Council::Update(model::Chronology chronology) {
  const size_t index = evaluation_->Update(chronology);
  access::ChildPlace place = directory_.PlaceOf(chronology, as_at_);
  if (index == chronologies_.size()) {
    chronologies_.push_back(std::move(chronology));
    places_.push_back(std::move(place));
    situations_.emplace_back();
  } else {
    chronologies_[index] = std::move(chronology);
    places_[index] = std::move(place);
  }
  // After the move: the situation points into the chronology's own events. (A vector of
  // chronologies that grows moves each one, and its events' storage with it, so the others stay
  // valid.)
  situations_[index] = SituationOn(chronologies_[index], as_at_);
  for (auto& [owner, children] : directions_by_owner_) std::erase(children, index);
  std::erase(audited_, index);
  IndexActionsAndAudits(index);
  generation_ = NextGeneration();
  std::lock_guard<std::mutex> lock(snapshots_mutex_);
  snapshots_.clear();
}

void Council::EvaluateAt(Date as_at, int threads) {
  as_at_ = as_at;
  evaluation_->EvaluateAt(as_at, threads);
  for (size_t i = 0; i < chronologies_.size(); ++i) {
    places_[i] = directory_.PlaceOf(chronologies_[i], as_at);
    situations_[i] = SituationOn(chronologies_[i], as_at);
  }
  generation_ = NextGeneration();
  std::lock_guard<std::mutex> lock(snapshots_mutex_);
  snapshots_.clear();
}

std::optional<size_t> Council::Find(std::string_view la_child_id) const { return evaluation_->Find(la_child_id); }

CouncilView Council::At(Date date, int threads) const {
  if (date == as_at_) return CouncilView(*this, nullptr);
  // Worked out under the cache's lock: two requests for the same new date wait for one
  // evaluation rather than making two.
  std::lock_guard<std::mutex> lock(snapshots_mutex_);
  auto found = std::find_if(snapshots_.begin(), snapshots_.end(),
                            [date](const auto& snapshot) { return snapshot->as_at == date; });
  if (found != snapshots_.end()) {
    snapshots_.splice(snapshots_.begin(), snapshots_, found);
    return CouncilView(*this, snapshots_.front());
  }
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->as_at = date;
  snapshot->results = timescales::EvaluateCouncil(*evaluator_, evaluation_->children(), date, threads);
  snapshot->places.reserve(chronologies_.size());
  snapshot->situations.reserve(chronologies_.size());
  for (const model::Chronology& chronology : chronologies_) {
    snapshot->places.push_back(directory_.PlaceOf(chronology, date));
    snapshot->situations.push_back(SituationOn(chronology, date));
  }
  snapshots_.push_front(std::move(snapshot));
  if (snapshots_.size() > kSnapshotsKept) snapshots_.pop_back();
  return CouncilView(*this, snapshots_.front());
}

}  // namespace cairn::web
