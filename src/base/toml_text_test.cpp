#include "base/toml_text.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn {
namespace {

toml::table Parse(std::string_view text) {
  Result<toml::table> table = ParseToml(text, "test.toml");
  EXPECT_TRUE(table.ok()) << table.status().message();
  return table.ok() ? std::move(table).value() : toml::table();
}

std::string MessageOf(const Status& status) {
  EXPECT_FALSE(status.ok());
  return status.message();
}

template <typename T>
std::string MessageOf(const Result<T>& result) {
  EXPECT_FALSE(result.ok());
  return result.ok() ? std::string() : result.status().message();
}

TEST(TomlTextTest, SyntaxErrorsNameFileLineAndColumn) {
  Result<toml::table> table = ParseToml("a = 1\nb = [\n", "broken.toml");
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(table.status().message().rfind("broken.toml line ", 0), 0u) << table.status().message();
  EXPECT_NE(table.status().message().find("this is not valid TOML"), std::string::npos);
}

TEST(TomlTextTest, JoinsAndQuotesAsMessagesDo) {
  EXPECT_EQ(JoinWithOr({"a"}), "a");
  EXPECT_EQ(JoinWithOr({"a", "b"}), "a or b");
  EXPECT_EQ(JoinWithOr({"a", "b", "c"}), "a, b or c");
  EXPECT_EQ(QuoteText("x"), "'x'");
}

TEST(TomlTextTest, ErrorsNameFileLineLabelAndField) {
  const toml::table root = Parse("[[thing]]\nname = \"a\"\n\ncount = \"many\"\n");
  const toml::table& table = *root["thing"].as_array()->get(0)->as_table();
  TomlEntry entry("test.toml", "thing 1", table);
  EXPECT_EQ(entry.line(), 1u);
  // At the field's own line when it is present, the table's otherwise.
  EXPECT_EQ(MessageOf(entry.Error("count", "is wrong.")), "test.toml line 4: thing 1, field 'count': is wrong.");
  EXPECT_EQ(MessageOf(entry.Error("colour", "is missing.")), "test.toml line 1: thing 1, field 'colour': is missing.");
  entry.set_label("thing 'a'");
  EXPECT_EQ(MessageOf(entry.Error("", "is wrong.")), "test.toml line 1: thing 'a': is wrong.");
  EXPECT_EQ(MessageOf(entry.ErrorAt(9, "name", "clashes.")), "test.toml line 9: thing 'a', field 'name': clashes.");
}

TEST(TomlTextTest, UnknownKeysAreRefusedWithTheOwnersWords) {
  const toml::table table = Parse("name = \"a\"\ncolour = \"red\"\n");
  const TomlEntry entry("test.toml", "thing 1", table);
  EXPECT_TRUE(entry.CheckKeys({"name", "colour"}).ok());
  EXPECT_EQ(MessageOf(entry.CheckKeys({"name", "size", "shape"})),
            "test.toml line 2: thing 1, field 'colour': there is no such field; use name, size or shape.");
  EXPECT_EQ(MessageOf(entry.CheckKeys({"name"}, "a 'round' thing")),
            "test.toml line 2: thing 1, field 'colour': a 'round' thing has no such field; use name.");
  const toml::key* unknown = TomlEntry::FirstUnknownKey(table, {"name"});
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->str(), "colour");
  EXPECT_EQ(TomlEntry::FirstUnknownKey(table, {"colour", "name"}), nullptr);
}

TEST(TomlTextTest, StringsMustBeNonEmptyText) {
  const toml::table table = Parse("name = \"a\"\nempty = \"\"\nnumber = 3\n");
  const TomlEntry entry("test.toml", "thing 1", table);
  EXPECT_EQ(*entry.OptionalString("name").value(), "a");
  EXPECT_FALSE(entry.OptionalString("absent").value().has_value());
  EXPECT_EQ(MessageOf(entry.OptionalString("empty")), "test.toml line 2: thing 1, field 'empty': is empty.");
  EXPECT_EQ(MessageOf(entry.OptionalString("number")),
            "test.toml line 3: thing 1, field 'number': must be text in double quotes, not the number 3.");
  EXPECT_EQ(entry.RequiredString("name", "give one.").value(), "a");
  EXPECT_EQ(MessageOf(entry.RequiredString("absent", "give one.")),
            "test.toml line 1: thing 1, field 'absent': is missing; give one.");
}

TEST(TomlTextTest, IntegersAndFlagsAreChecked) {
  const toml::table table = Parse("month = 13\nday = 4\nhalf = 1.5\nflag = true\nword = \"yes\"\n");
  const TomlEntry entry("test.toml", "thing 1", table);
  EXPECT_EQ(entry.RequiredInteger("day", 1, 31).value(), 4);
  EXPECT_FALSE(entry.OptionalInteger("absent", 1, 31).value().has_value());
  EXPECT_EQ(MessageOf(entry.OptionalInteger("month", 1, 12, "a month number")),
            "test.toml line 1: thing 1, field 'month': 13 is not a month number between 1 and 12.");
  EXPECT_EQ(MessageOf(entry.OptionalInteger("half", 1, 12)),
            "test.toml line 3: thing 1, field 'half': must be a whole number between 1 and 12, not a decimal number.");
  EXPECT_EQ(MessageOf(entry.RequiredInteger("absent", 1, 12, "a month number")),
            "test.toml line 1: thing 1, field 'absent': is missing; give a month number between 1 and 12.");
  EXPECT_EQ(entry.OptionalBool("flag").value(), std::optional<bool>(true));
  EXPECT_FALSE(entry.OptionalBool("absent").value().has_value());
  EXPECT_EQ(MessageOf(entry.OptionalBool("word")),
            "test.toml line 5: thing 1, field 'word': must be true or false, not 'yes'.");
}

TEST(TomlTextTest, StringListsHoldOnlyText) {
  const toml::table table = Parse("codes = [\"A\", \"B\"]\nnone = []\nmixed = [\"A\", 2]\nsingle = \"A\"\n");
  const TomlEntry entry("test.toml", "[settings]", table);
  EXPECT_EQ(entry.RequiredStringList("codes").value(), (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(entry.RequiredStringList("none").value().empty());
  EXPECT_EQ(MessageOf(entry.RequiredStringList("mixed")),
            "test.toml line 3: [settings], field 'mixed': every item must be text in double quotes; the number 2 is "
            "not.");
  EXPECT_NE(MessageOf(entry.RequiredStringList("single")).find("must be a list of text values"), std::string::npos);
  EXPECT_NE(MessageOf(entry.RequiredStringList("absent")).find("field 'absent': is missing"), std::string::npos);
}

}  // namespace
}  // namespace cairn
