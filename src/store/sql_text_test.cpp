#include "store/sql_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::store::sql_text {
namespace {

std::vector<std::string> Split(std::string_view script) {
  std::vector<std::string> out;
  for (std::string_view statement : SplitStatements(script)) out.emplace_back(statement);
  return out;
}

TEST(SqlTextTest, SplitsOnlyAtSemicolonsSqlWouldSee) {
  EXPECT_EQ(Split("SELECT 1; SELECT ';'; -- a; comment\nSELECT \"a;b\" FROM t; /* ; */"),
            (std::vector<std::string>{"SELECT 1", " SELECT ';'", " -- a; comment\nSELECT \"a;b\" FROM t"}));
  EXPECT_EQ(Split("SELECT 'it''s; fine'"), (std::vector<std::string>{"SELECT 'it''s; fine'"}));
  EXPECT_TRUE(Split("  ;; -- nothing\n").empty());
}

TEST(SqlTextTest, ADollarQuotedBodyIsOneStatementButAPlaceholderIsNotABody) {
  const std::string function =
      "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE g SET n = n + 1; RETURN NULL; END; $$";
  EXPECT_EQ(Split(function + "; SELECT 2"), (std::vector<std::string>{function, " SELECT 2"}));
  EXPECT_EQ(Split("SELECT $body$ ; $body$; SELECT 3").size(), 2u);
  EXPECT_EQ(Split("SELECT $1; SELECT $2").size(), 2u) << "$1 opens no body";
  EXPECT_EQ(Split("SELECT a$b; SELECT 4").size(), 2u) << "a$b is a name";
}

TEST(SqlTextTest, HighestPlaceholderCountsOnlyRealOnes) {
  EXPECT_EQ(HighestPlaceholder("SELECT 1"), 0);
  EXPECT_EQ(HighestPlaceholder("SELECT $2, $1, $10"), 10);
  EXPECT_EQ(HighestPlaceholder("SELECT '$7', \"$8\", a$9 -- $11\n/* $12 */"), 0);
  EXPECT_EQ(HighestPlaceholder("SELECT $$ $5 $$, $3"), 3);
}

TEST(SqlTextTest, QuotedIsOneShortLine) {
  EXPECT_EQ(Quoted("SELECT\n  1\tFROM   t "), "`SELECT 1 FROM t`");
  const std::string long_sql = "SELECT '" + std::string(200, 'x') + "'";
  const std::string quoted = Quoted(long_sql);
  EXPECT_LT(quoted.size(), 170u);
  EXPECT_NE(quoted.find("…"), std::string::npos);
}

}  // namespace
}  // namespace cairn::store::sql_text
