// Clock: the test seam for "today". Every date-driven rule asks a Clock, never the system,
// so a test can evaluate a chronology as at any date.
#pragma once

#include <ctime>

#include "base/date.h"

namespace cairn {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Date Today() const = 0;
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

class FixedClock final : public Clock {
 public:
  explicit FixedClock(Date today) : today_(today) {}
  Date Today() const override { return today_; }
  void Set(Date today) { today_ = today; }

 private:
  Date today_;
};

}  // namespace cairn
