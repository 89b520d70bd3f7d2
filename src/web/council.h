// The council as the pages see it: every chronology, evaluated as at the server's date and kept
// in memory, and, on demand, as it stood on any earlier date (`?as-at=`). Not thread-safe by
// itself: WebApp reads it under a shared lock and changes it under an exclusive one; the cache of
// earlier dates has its own lock, so readers may fill it.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "access/scope.h"
#include "base/date.h"
#include "model/chronology.h"
#include "timescales/evaluator.h"

namespace cairn::web {

class CouncilView;

// What a child's case is on a date, the most intensive open service first.
struct Situation {
  enum class Kind { kLookedAfter, kChildProtection, kChildInNeedPlan, kChildInNeed, kNone };
  Kind kind = Kind::kNone;
  const model::Event* event = nullptr;  // the open event that says so
};
Situation SituationOn(const model::Chronology& chronology, Date as_at);

class Council {
 public:
  void Build(const timescales::Evaluator& evaluator, std::vector<model::Chronology> chronologies,
             access::CouncilDirectory directory, Date as_at, int threads);
  // One child changed (or is new): compacted, evaluated and placed again, alone. Earlier dates
  // are forgotten (they are worked out again when next asked for).
  void Update(model::Chronology chronology);
  void EvaluateAt(Date as_at, int threads);

  Date as_at() const { return as_at_; }
  // A number no other state of any council in this process has had: a new one with every Build,
  // Update and EvaluateAt. Figures worked out from the council are kept under it.
  uint64_t generation() const { return generation_; }
  size_t size() const { return chronologies_.size(); }
  std::optional<size_t> Find(std::string_view la_child_id) const;
  const model::Chronology& chronology(size_t index) const { return chronologies_[index]; }
  std::span<const model::Chronology> chronologies() const { return chronologies_; }
  // As at the council's date. Access is decided on these places whatever date a page shows:
  // who may see a child is a question about today.
  const timescales::ChildEvaluation& result(size_t index) const { return evaluation_->result(index); }
  const access::ChildPlace& place(size_t index) const { return places_[index]; }
  const Situation& situation(size_t index) const { return situations_[index]; }
  const access::CouncilDirectory& directory() const { return directory_; }
  // The children with a direction from management oversight or an action from a case audit owned
  // by this worker id, whatever its state (a worker's week looks only at these, not at every child).
  std::span<const size_t> ChildrenWithDirectionsFor(std::string_view worker_id) const;
  // The children with a case audit, in index order (the case audit figures look only at these).
  std::span<const size_t> ChildrenWithCaseAudits() const { return audited_; }

  // The council as it stood on `date` (on or before the council's date). The council's own date
  // costs nothing; an earlier one is evaluated whole (about 10 ms for a 55,000-population
  // council on two threads) and the last four are kept. Call under the shared lock.
  CouncilView At(Date date, int threads) const;

  // Every child's deadlines, drift and place as at one earlier date.
  struct Snapshot {
    Date as_at;
    std::vector<timescales::ChildEvaluation> results;
    std::vector<access::ChildPlace> places;
    std::vector<Situation> situations;
  };

 private:
  static constexpr size_t kSnapshotsKept = 4;  // about 15 MB each for a 55,000-population council

  Date as_at_;
  uint64_t generation_ = 0;
  std::vector<model::Chronology> chronologies_;
  std::unique_ptr<timescales::CouncilEvaluation> evaluation_;
  access::CouncilDirectory directory_;
  std::vector<access::ChildPlace> places_;
  // Worked out with the evaluation: every list page asks each child's, and it reads every event.
  std::vector<Situation> situations_;
  // Owner worker id -> the children holding a direction of theirs, each once, in index order.
  std::map<std::string, std::vector<size_t>, std::less<>> directions_by_owner_;
  std::vector<size_t> audited_;  // children with a case audit, in index order
  const timescales::Evaluator* evaluator_ = nullptr;

  // Adds the child at `index` to the indexes of owners' actions and of case audits.
  void IndexActionsAndAudits(size_t index);

  mutable std::mutex snapshots_mutex_;
  mutable std::list<std::shared_ptr<const Snapshot>> snapshots_;  // most recently used first
};

// What a page reads: the council as at one date. Valid while the council's shared lock is held.
class CouncilView {
 public:
  CouncilView(const Council& council, std::shared_ptr<const Council::Snapshot> snapshot)
      : council_(&council), snapshot_(std::move(snapshot)) {}

  Date as_at() const { return snapshot_ ? snapshot_->as_at : council_->as_at(); }
  bool past() const { return snapshot_ != nullptr; }
  // A child recorded after an earlier date's evaluation was made is not in it.
  size_t size() const { return snapshot_ ? snapshot_->results.size() : council_->size(); }
  std::optional<size_t> Find(std::string_view la_child_id) const {
    std::optional<size_t> index = council_->Find(la_child_id);
    return index && *index < size() ? index : std::nullopt;
  }
  std::span<const model::Chronology> chronologies() const { return council_->chronologies().first(size()); }
  const model::Chronology& chronology(size_t index) const { return council_->chronology(index); }
  const timescales::ChildEvaluation& result(size_t index) const {
    return snapshot_ ? snapshot_->results[index] : council_->result(index);
  }
  // Where the child sat on the view's date (for grouping and showing).
  const access::ChildPlace& place(size_t index) const {
    return snapshot_ ? snapshot_->places[index] : council_->place(index);
  }
  const Situation& situation(size_t index) const {
    return snapshot_ ? snapshot_->situations[index] : council_->situation(index);
  }
  // Where the child sits today (for access).
  const access::ChildPlace& current_place(size_t index) const { return council_->place(index); }
  const access::CouncilDirectory& directory() const { return council_->directory(); }

 private:
  const Council* council_;
  std::shared_ptr<const Council::Snapshot> snapshot_;
};

}  // namespace cairn::web
