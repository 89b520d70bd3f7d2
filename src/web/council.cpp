#include "web/council.h"

#include <algorithm>

namespace cairn::web {

void Council::Build(const timescales::Evaluator& evaluator, std::vector<model::Chronology> chronologies,
                    access::CouncilDirectory directory, Date as_at, int threads) {
  evaluator_ = &evaluator;
  as_at_ = as_at;
  chronologies_ = std::move(chronologies);
  directory_ = std::move(directory);
  evaluation_ = std::make_unique<timescales::CouncilEvaluation>(evaluator, chronologies_, as_at, threads);
  places_.clear();
  places_.reserve(chronologies_.size());
  for (const model::Chronology& chronology : chronologies_) places_.push_back(directory_.PlaceOf(chronology, as_at));
  ++generation_;
  std::lock_guard<std::mutex> lock(snapshots_mutex_);
  snapshots_.clear();
}

void Council::Update(model::Chronology chronology) {
  const size_t index = evaluation_->Update(chronology);
  access::ChildPlace place = directory_.PlaceOf(chronology, as_at_);
  if (index == chronologies_.size()) {
    chronologies_.push_back(std::move(chronology));
    places_.push_back(std::move(place));
  } else {
    chronologies_[index] = std::move(chronology);
    places_[index] = std::move(place);
  }
  ++generation_;
  std::lock_guard<std::mutex> lock(snapshots_mutex_);
  snapshots_.clear();
}

void Council::EvaluateAt(Date as_at, int threads) {
  as_at_ = as_at;
  evaluation_->EvaluateAt(as_at, threads);
  for (size_t i = 0; i < chronologies_.size(); ++i) places_[i] = directory_.PlaceOf(chronologies_[i], as_at);
  ++generation_;
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
  for (const model::Chronology& chronology : chronologies_) {
    snapshot->places.push_back(directory_.PlaceOf(chronology, date));
  }
  snapshots_.push_front(std::move(snapshot));
  if (snapshots_.size() > kSnapshotsKept) snapshots_.pop_back();
  return CouncilView(*this, snapshots_.front());
}

}  // namespace cairn::web
