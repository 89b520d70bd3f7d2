#include "base/handover.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace cairn {
namespace {

TEST(Handover, EveryItemArrivesInOrderAndNoMoreThanCapacityWait) {
  Handover<int> handover(2);
  std::atomic<int> put{0};
  std::thread maker([&] {
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE(handover.Put(i));
      put = i + 1;
    }
    handover.Finish();
  });
  std::vector<int> taken;
  while (std::optional<int> item = handover.Take()) {
    // At most the two waiting, and the one being put, are ahead of what has been taken.
    EXPECT_LE(put.load(), static_cast<int>(taken.size()) + 1 + 2);
    taken.push_back(*item);
  }
  maker.join();
  ASSERT_EQ(taken.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(taken[static_cast<std::size_t>(i)], i);
  EXPECT_FALSE(handover.Take().has_value()) << "finished and empty stays empty";
}

TEST(Handover, AStoppedUserReleasesAWaitingMaker) {
  Handover<int> handover(1);
  std::atomic<int> refused_at{-1};
  std::thread maker([&] {
    for (int i = 0; i < 100; ++i) {
      if (!handover.Put(i)) {
        refused_at = i;
        break;
      }
    }
    handover.Finish();
  });
  EXPECT_EQ(handover.Take(), 0);
  handover.Stop();
  maker.join();  // would hang if the maker stayed waiting for room
  EXPECT_GE(refused_at.load(), 1);
  EXPECT_TRUE(handover.stopped());
  EXPECT_FALSE(handover.Put(7));
}

TEST(Handover, AMakerThatFinishesEarlyEndsTheUsersWait) {
  Handover<int> handover(3);
  std::thread maker([&] { handover.Finish(); });
  EXPECT_FALSE(handover.Take().has_value());
  maker.join();
}

TEST(Handover, ItemsGivenBackReachTheMakerOnItsOwnThread) {
  Handover<std::vector<int>> handover(2);
  std::vector<std::thread::id> freed_on;
  size_t given_back_total = 0;
  std::thread maker([&] {
    for (int i = 0; i < 50; ++i) {
      for (std::vector<int>& spent : handover.TakeSpent()) {
        given_back_total += spent.size();
        freed_on.push_back(std::this_thread::get_id());
      }
      if (!handover.Put(std::vector<int>(10, i))) {
        ADD_FAILURE() << "the user stopped taking";
        break;
      }
    }
    handover.Finish();
  });
  size_t taken = 0;
  while (std::optional<std::vector<int>> item = handover.Take()) {
    taken += item->size();
    handover.GiveBack(std::move(*item));
  }
  maker.join();
  EXPECT_EQ(taken, 500u);
  // What the maker had not yet taken back is still there, each item given back once.
  size_t left = 0;
  for (const std::vector<int>& spent : handover.TakeSpent()) left += spent.size();
  EXPECT_EQ(given_back_total + left, 500u);
  for (std::thread::id id : freed_on) EXPECT_NE(id, std::this_thread::get_id());
  EXPECT_TRUE(handover.TakeSpent().empty()) << "taken once";
}

}  // namespace
}  // namespace cairn
