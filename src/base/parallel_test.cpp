#include "base/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <vector>

namespace cairn {
namespace {

TEST(ParallelFor, GivesEveryIndexToExactlyOneCall) {
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{31}, std::size_t{32}, std::size_t{1000}}) {
    for (const int threads : {1, 2, 3, 8}) {
      std::vector<std::atomic<int>> seen(n);
      std::mutex mutex;
      std::set<int> workers;
      ParallelFor(n, threads, [&](int worker, std::size_t begin, std::size_t end) {
        ASSERT_LT(begin, end);
        ASSERT_LE(end, n);
        for (std::size_t i = begin; i < end; ++i) seen[i].fetch_add(1);
        std::lock_guard<std::mutex> lock(mutex);
        workers.insert(worker);
      });
      for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i].load(), 1) << "index " << i << " of " << n;
      for (int worker : workers) {
        EXPECT_GE(worker, 0);
        EXPECT_LT(worker, threads);
      }
    }
  }
}

TEST(ParallelFor, OneBatchOrOneThreadRunsOnTheCallersThreadAlone) {
  int calls = 0;
  ParallelFor(10, 4, [&](int worker, std::size_t begin, std::size_t end) {
    ++calls;  // no other thread: no race
    EXPECT_EQ(worker, 0);
    EXPECT_EQ(begin, 0u);
    EXPECT_EQ(end, 10u);
  });
  EXPECT_EQ(calls, 1);
  calls = 0;
  ParallelFor(1000, 1, [&](int, std::size_t begin, std::size_t end) {
    ++calls;
    EXPECT_EQ(begin, 0u);
    EXPECT_EQ(end, 1000u);
  });
  EXPECT_EQ(calls, 1);
}

TEST(ParallelFor, TheBatchSizeIsKept) {
  std::atomic<int> calls{0};
  ParallelFor(100, 2, [&](int, std::size_t begin, std::size_t end) {
    calls.fetch_add(1);
    EXPECT_EQ(begin % 10, 0u);
    EXPECT_LE(end - begin, 10u);
  }, 10);
  EXPECT_EQ(calls.load(), 10);
}

TEST(CoreThreads, IsBetweenOneAndTheLimit) {
  EXPECT_EQ(CoreThreads(1), 1);
  EXPECT_GE(CoreThreads(64), 1);
  EXPECT_LE(CoreThreads(64), 64);
  EXPECT_EQ(CoreThreads(0), 1);
}

}  // namespace
}  // namespace cairn
