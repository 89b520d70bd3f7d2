// Cairn's own random numbers for the synthetic council, so a seed gives the same council on every
// machine and standard library (std::*_distribution results differ between libraries).
//
//  * Rng is xoshiro256** (Blackman and Vigna, 2018) seeded through splitmix64. Every child and the
//    council's workforce get their own Rng derived from (seed, stream id), so what one child draws
//    never depends on how many numbers another child drew before it.
//  * Uniform() uses the top 53 bits, so it is exact and the same everywhere. The few draws that
//    need a logarithm or cosine (exponential gaps, the seasonal curve) go through <cmath>; those
//    are correctly rounded or within an ulp on every libm we build on, and a result would only
//    move if a uniform landed within 1e-16 of a threshold.
//  * Council-wide decisions (a plan's length, a referral's path) draw from streams that cover
//    [0, 1) more evenly than independent draws, so a 200,000-child council's figures sit close to
//    the profile's expectation instead of wandering by sampling noise:
//    - Stratified hands out shuffled blocks: every kBlock consecutive draws hold exactly one value
//      in each 1/kBlock slice, in random order.
//    - Quota chooses among categories by error diffusion (smooth weighted round robin): after n
//      choices each category has been chosen within one of n times its share, and choices of a
//      category are evenly spaced. For rare outcomes whose count at a date is a published figure
//      (plans open two years or more, children with an unsettled year in care).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace cairn::simulate {

// One step of splitmix64 (Steele, Lea and Flood, 2014): advances `state`, returns a mixed value.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A well-mixed 64-bit value from a seed and up to three stream ids.
inline uint64_t MixSeed(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  uint64_t state = seed;
  uint64_t h = SplitMix64(state);
  state = h ^ (a * 0xD6E8FEB86659FD93ULL);
  h = SplitMix64(state);
  state = h ^ (b * 0xA0761D6478BD642FULL);
  h = SplitMix64(state);
  state = h ^ (c * 0xE7037ED1A0B428DBULL);
  return SplitMix64(state);
}

class Rng {
 public:
  Rng() : Rng(0) {}
  explicit Rng(uint64_t seed) {
    uint64_t state = seed;
    for (uint64_t& word : s_) word = SplitMix64(state);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform on [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform on [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n); n > 0. Multiply-shift (Lemire); the bias is below 2^-32.
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * static_cast<uint64_t>(n)) >> 32); }
  // Uniform integer in [lo, hi] (inclusive).
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo + 1))); }
  bool Chance(double p) { return Uniform() < p; }
  // Exponential with the given mean.
  double Exponential(double mean) { return -mean * std::log1p(-Uniform()); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_{};
};

class Stratified {
 public:
  static constexpr int kBlock = 64;

  // The next uniform on [0, 1); refills (and reshuffles) from `rng` every kBlock draws.
  double Next(Rng& rng) {
    if (used_ == kBlock) Refill(rng);
    return block_[static_cast<size_t>(used_++)];
  }

 private:
  void Refill(Rng& rng) {
    for (int i = 0; i < kBlock; ++i) block_[static_cast<size_t>(i)] = (i + rng.Uniform()) / kBlock;
    for (int i = kBlock - 1; i > 0; --i) {
      const auto j = static_cast<size_t>(rng.Below(static_cast<uint32_t>(i + 1)));
      std::swap(block_[static_cast<size_t>(i)], block_[j]);
    }
    used_ = 0;
  }

  std::array<double, kBlock> block_{};
  int used_ = kBlock;
};

class Quota {
 public:
  // Starts each category's account at a random point, so different seeds interleave differently.
  void Seed(Rng& rng, size_t categories) {
    debt_.resize(categories);
    for (double& debt : debt_) debt = rng.Uniform() - 0.5;
  }
  // The next category for `shares` (one per category, adding up to 1), among the first
  // `allowed` categories (all when 0): a category that does not fit this time keeps its claim
  // for the next choice.
  size_t Next(const std::vector<double>& shares, size_t allowed = 0) {
    if (debt_.size() != shares.size()) debt_.assign(shares.size(), 0);
    if (allowed == 0 || allowed > shares.size()) allowed = shares.size();
    size_t best = 0;
    for (size_t i = 0; i < shares.size(); ++i) {
      debt_[i] += shares[i];
      if (i < allowed && debt_[i] > debt_[best]) best = i;
    }
    debt_[best] -= 1;
    return best;
  }

 private:
  std::vector<double> debt_;
};

}  // namespace cairn::simulate
