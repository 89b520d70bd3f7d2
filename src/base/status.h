// Status and Result<T>: expected failures as values, across module boundaries.
//
// A Status is either ok or carries a code and a message written for a council's
// analyst ("episodes.csv line 12, field DECOM: '31/02/2024' is not a date").
// Result<T> holds either a T or a non-ok Status. Exceptions are reserved for
// programmer errors; calling value() on a failed Result is one.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cairn {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,     // the caller passed something malformed
    kNotFound,            // a named thing does not exist
    kAlreadyExists,       // a key that must be unique is taken
    kFailedPrecondition,  // the world is not in the state the call needs
    kDataLoss,            // stored data is damaged or was changed behind our back
    kIoError,             // the operating system or the database refused
    kInternal,            // a bug in Cairn
  };

  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }
  static Status NotFound(std::string message) { return Status(Code::kNotFound, std::move(message)); }
  static Status AlreadyExists(std::string message) { return Status(Code::kAlreadyExists, std::move(message)); }
  static Status FailedPrecondition(std::string message) { return Status(Code::kFailedPrecondition, std::move(message)); }
  static Status DataLoss(std::string message) { return Status(Code::kDataLoss, std::move(message)); }
  static Status IoError(std::string message) { return Status(Code::kIoError, std::move(message)); }
  static Status Internal(std::string message) { return Status(Code::kInternal, std::move(message)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "ok", or the message alone: messages are written to stand on their own.
  std::string ToString() const { return ok() ? std::string("ok") : message_; }

  // A copy whose message is prefixed with where it happened ("import episodes.csv: ...").
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

  friend bool operator==(const Status& a, const Status& b) { return a.code_ == b.code_ && a.message_ == b.message_; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit on purpose: `return value;` and `return Status::NotFound(...)` both read naturally.
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(state_).ok() && "a Result built from a Status must carry an error");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }

  // The error; an ok Status when the Result holds a value.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(state_); }

  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace cairn

#define CAIRN_CONCAT_INNER(a, b) a##b
#define CAIRN_CONCAT(a, b) CAIRN_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` (a Status) is not ok.
#define CAIRN_RETURN_IF_ERROR(expr)              \
  do {                                           \
    ::cairn::Status cairn_status_ = (expr);      \
    if (!cairn_status_.ok()) return cairn_status_; \
  } while (false)

// `CAIRN_ASSIGN_OR_RETURN(auto x, MakeX());` unwraps a Result or returns its Status.
#define CAIRN_ASSIGN_OR_RETURN(lhs, expr) CAIRN_ASSIGN_OR_RETURN_IMPL(CAIRN_CONCAT(cairn_result_, __LINE__), lhs, expr)
#define CAIRN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
