// Work handed from the thread that makes it to the thread that uses it, a few items at a time:
// the maker waits while the user is behind (so memory stays bounded), and gives up when the user
// does. Reading a CIN census and simulating a council both hand runs of children to the thread
// that owns the database connection, so that making and saving overlap.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace cairn {

template <typename T>
class Handover {
 public:
  explicit Handover(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  Handover(const Handover&) = delete;
  Handover& operator=(const Handover&) = delete;

  // The maker: waits for room, then hands `item` over. False (and `item` dropped) once the user
  // has stopped.
  bool Put(T item) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return ready_.size() < capacity_ || stopped_; });
    if (stopped_) return false;
    ready_.push_back(std::move(item));
    changed_.notify_all();
    return true;
  }

  // The maker: nothing more will come (after the last item, or after failing).
  void Finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }

  // The user: the next item, waiting for one; nothing once the maker has finished and every item
  // has been taken.
  std::optional<T> Take() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !ready_.empty() || finished_; });
    if (ready_.empty()) return std::nullopt;
    std::optional<T> item(std::move(ready_.front()));
    ready_.pop_front();
    changed_.notify_all();
    return item;
  }

  // The user: it will take nothing more (it failed); the maker's Put returns false from now on.
  void Stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    ready_.clear();
    changed_.notify_all();
  }

  bool stopped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopped_;
  }

  // The user: gives an item it has done with back, so that the maker lets go of it (TakeSpent) on
  // its own thread. Freeing a run of children's thousands of small allocations was a sixteenth of
  // what the saving thread of a large import did, while the reading thread had time to spare.
  void GiveBack(T item) {
    std::lock_guard<std::mutex> lock(mutex_);
    spent_.push_back(std::move(item));
  }

  // The maker: the items given back since it last asked, to let go of (or reuse).
  std::deque<T> TakeSpent() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::deque<T> spent;
    spent.swap(spent_);
    return spent;
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<T> ready_;
  std::deque<T> spent_;  // given back by the user, not yet taken by the maker
  bool finished_ = false;
  bool stopped_ = false;
};

}  // namespace cairn
