// Clock: the test seam for "today". Every date-driven rule asks a Clock, never the system,
// so a test can evaluate a chronology as at any date.
#pragma once

#include <cstdint>
#include <ctime>

#include "base/date.h"

namespace cairn {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Date Today() const = 0;
  // Seconds since 1970-01-01 UTC, for session and lockout timers.
  virtual int64_t UnixSeconds() const { return static_cast<int64_t>(std::time(nullptr)); }
};

// Today's date in the machine's local time zone (councils in England run on UK time).
class SystemClock final : public Clock {
 public:
  Date Today() const override {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return Date::FromYmdOrDie(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
  }
};

// A clock that stands still until told to move: `seconds` 0 means the real time of day.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Date today, int64_t seconds = 0) : today_(today), seconds_(seconds) {}
  Date Today() const override { return today_; }
  int64_t UnixSeconds() const override { return seconds_ != 0 ? seconds_ : Clock::UnixSeconds(); }
  void Set(Date today) { today_ = today; }
  void SetUnixSeconds(int64_t seconds) { seconds_ = seconds; }
  void Advance(int64_t seconds) { seconds_ = UnixSeconds() + seconds; }

 private:
  Date today_;
  int64_t seconds_;
};

}  // namespace cairn
