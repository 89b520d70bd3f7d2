#include "base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace cairn {
namespace {

TEST(StatusTest, DefaultIsOk) {
  const Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), Status::Code::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status.ToString(), "ok");
  EXPECT_EQ(status, Status::Ok());
}

TEST(StatusTest, EachFactoryGivesItsCodeAndMessage) {
  const std::vector<std::pair<Status, Status::Code>> cases = {
      {Status::InvalidArgument("m"), Status::Code::kInvalidArgument},
      {Status::NotFound("m"), Status::Code::kNotFound},
      {Status::AlreadyExists("m"), Status::Code::kAlreadyExists},
      {Status::FailedPrecondition("m"), Status::Code::kFailedPrecondition},
      {Status::DataLoss("m"), Status::Code::kDataLoss},
      {Status::IoError("m"), Status::Code::kIoError},
      {Status::Internal("m"), Status::Code::kInternal},
  };
  for (const auto& [status, code] : cases) {
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(status.code(), code);
    EXPECT_EQ(status.message(), "m");
    EXPECT_EQ(status.ToString(), "m");  // the message alone, no code prefix
  }
}

TEST(StatusTest, EqualityComparesCodeAndMessage) {
  EXPECT_EQ(Status::NotFound("child 12"), Status::NotFound("child 12"));
  EXPECT_NE(Status::NotFound("child 12"), Status::NotFound("child 13"));
  EXPECT_NE(Status::NotFound("child 12"), Status::InvalidArgument("child 12"));
  EXPECT_NE(Status::NotFound("x"), Status::Ok());
}

TEST(StatusTest, WithContextPrefixesAnErrorAndKeepsItsCode) {
  const Status status = Status::InvalidArgument("line 12, field DECOM: '31/02/2024' is not a date");
  const Status with_context = status.WithContext("import episodes.csv");
  EXPECT_EQ(with_context.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(with_context.message(), "import episodes.csv: line 12, field DECOM: '31/02/2024' is not a date");
  EXPECT_EQ(status.message(), "line 12, field DECOM: '31/02/2024' is not a date");  // the original is unchanged
  EXPECT_EQ(with_context.WithContext("cairn import").message(),
            "cairn import: import episodes.csv: line 12, field DECOM: '31/02/2024' is not a date");
}

TEST(StatusTest, WithContextLeavesOkAlone) {
  const Status status = Status::Ok().WithContext("import episodes.csv");
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.message(), "");
}

TEST(ResultTest, HoldsAValue) {
  Result<int> result = 42;
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), 42);
  EXPECT_EQ(*result, 42);
  EXPECT_TRUE(result.status().ok());
  EXPECT_EQ(result.value_or(7), 42);
  *result = 43;
  EXPECT_EQ(result.value(), 43);
}

TEST(ResultTest, HoldsAnError) {
  const Result<int> result = Status::NotFound("no child with id 12");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status(), Status::NotFound("no child with id 12"));
  EXPECT_EQ(result.value_or(7), 7);
}

TEST(ResultTest, ReadingTheValueOfAnErrorIsAProgrammerError) {
  const Result<int> result = Status::Internal("x");
  EXPECT_THROW((void)result.value(), std::bad_variant_access);
}

TEST(ResultTest, ArrowReachesMembers) {
  Result<std::string> result = std::string("Sefton");
  EXPECT_EQ(result->size(), 6u);
  result->append(" Council");
  EXPECT_EQ(*result, "Sefton Council");
}

TEST(ResultTest, MoveOnlyValuesCanBeTakenOut) {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(5);
  ASSERT_TRUE(result.ok());
  std::unique_ptr<int> taken = std::move(result).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 5);
}

// ------------------------------------------------------------------ the macros

Status Check(bool good, int& calls) {
  ++calls;
  return good ? Status::Ok() : Status::InvalidArgument("check " + std::to_string(calls) + " failed");
}

Status CheckTwice(bool first, bool second, int& calls, bool& reached_end) {
  CAIRN_RETURN_IF_ERROR(Check(first, calls));
  CAIRN_RETURN_IF_ERROR(Check(second, calls));
  reached_end = true;
  return Status::Ok();
}

TEST(StatusMacroTest, ReturnIfErrorStopsAtTheFirstErrorAndEvaluatesOnce) {
  int calls = 0;
  bool reached_end = false;
  EXPECT_TRUE(CheckTwice(true, true, calls, reached_end).ok());
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(reached_end);

  calls = 0;
  reached_end = false;
  EXPECT_EQ(CheckTwice(false, true, calls, reached_end), Status::InvalidArgument("check 1 failed"));
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(reached_end);

  calls = 0;
  EXPECT_EQ(CheckTwice(true, false, calls, reached_end), Status::InvalidArgument("check 2 failed"));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(reached_end);
}

Result<int> ParseCount(const std::string& text, int& calls) {
  ++calls;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("'" + text + "' is not a count");
  }
  return std::stoi(text);
}

// Two CAIRN_ASSIGN_OR_RETURN in one function, one declaring and one assigning.
Result<int> SumOfCounts(const std::string& a, const std::string& b, int& calls) {
  CAIRN_ASSIGN_OR_RETURN(const int first, ParseCount(a, calls));
  int second = 0;
  CAIRN_ASSIGN_OR_RETURN(second, ParseCount(b, calls));
  return first + second;
}

TEST(StatusMacroTest, AssignOrReturnUnwrapsOrReturnsTheError) {
  int calls = 0;
  Result<int> sum = SumOfCounts("2", "40", calls);
  ASSERT_TRUE(sum.ok()) << sum.status().message();
  EXPECT_EQ(*sum, 42);
  EXPECT_EQ(calls, 2);

  calls = 0;
  sum = SumOfCounts("two", "40", calls);
  EXPECT_EQ(sum.status(), Status::InvalidArgument("'two' is not a count"));
  EXPECT_EQ(calls, 1);  // the second call never happens

  calls = 0;
  sum = SumOfCounts("2", "", calls);
  EXPECT_EQ(sum.status(), Status::InvalidArgument("'' is not a count"));
  EXPECT_EQ(calls, 2);
}

Result<std::unique_ptr<int>> MakeBox(int value) {
  if (value < 0) return Status::InvalidArgument("negative");
  return std::make_unique<int>(value);
}

Status UseBox(int value, int& seen) {
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<int> box, MakeBox(value));
  seen = *box;
  return Status::Ok();
}

TEST(StatusMacroTest, AssignOrReturnMovesMoveOnlyValuesAndWorksInStatusFunctions) {
  int seen = 0;
  EXPECT_TRUE(UseBox(9, seen).ok());
  EXPECT_EQ(seen, 9);
  EXPECT_EQ(UseBox(-1, seen), Status::InvalidArgument("negative"));
  EXPECT_EQ(seen, 9);
}

}  // namespace
}  // namespace cairn
