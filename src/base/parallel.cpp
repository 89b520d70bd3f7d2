#include "base/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace cairn {

void ParallelFor(std::size_t n, int threads, const std::function<void(int, std::size_t, std::size_t)>& body,
                 std::size_t batch) {
  batch = std::max<std::size_t>(batch, 1);
  const std::size_t workers =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), (n + batch - 1) / batch);
  if (workers <= 1) {
    if (n > 0) body(0, 0, n);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto work = [&](int worker) {
    for (;;) {
      const std::size_t begin = next.fetch_add(batch, std::memory_order_relaxed);
      if (begin >= n) return;
      body(worker, begin, std::min(n, begin + batch));
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t i = 1; i < workers; ++i) pool.emplace_back(work, static_cast<int>(i));
  work(0);
  for (std::thread& thread : pool) thread.join();
}

int CoreThreads(int most) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, std::min(cores, most));
}

}  // namespace cairn
