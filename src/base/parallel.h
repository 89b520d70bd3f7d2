// Work split over a few threads: the evaluator's children, and the chronology images a load
// decodes. The caller's thread works too, so one thread means no thread is started.
#pragma once

#include <cstddef>
#include <functional>

namespace cairn {

// Runs `body(worker, begin, end)` over [0, n) in batches of `batch` on up to `threads` threads
// (fewer when there are fewer batches); `worker` numbers the thread, 0 being the caller's. Every
// index is given to exactly one call; which thread gets which batch is not fixed.
void ParallelFor(std::size_t n, int threads, const std::function<void(int, std::size_t, std::size_t)>& body,
                 std::size_t batch = 32);

// The threads worth using for work that keeps every core busy: the machine's cores, at most
// `most`.
int CoreThreads(int most);

}  // namespace cairn
