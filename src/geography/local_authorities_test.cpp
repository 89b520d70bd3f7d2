#include "geography/local_authorities.h"

#include <gtest/gtest.h>

namespace cairn::geography {
namespace {

TEST(GeographyLocalAuthorities, TheEmbeddedListKnowsCouncilsAndTheirDistricts) {
  Result<const LocalAuthorities*> list = LocalAuthorities::Embedded();
  ASSERT_TRUE(list.ok()) << list.status().message();
  const Council* sefton = (*list)->CouncilByNumber("343");
  ASSERT_NE(sefton, nullptr);
  EXPECT_EQ(sefton->ons, "E08000014");
  EXPECT_EQ(sefton->name, "Sefton");
  EXPECT_EQ((*list)->CouncilByOns("E08000014"), sefton);
  EXPECT_EQ((*list)->CouncilByNumber("999"), nullptr);
  // A metropolitan borough is its own upper tier; a shire district's is its county.
  EXPECT_EQ((*list)->UpperTierOf("E08000014"), "E08000014");
  EXPECT_EQ((*list)->UpperTierOf("E07000117"), "E10000017");  // Burnley, Lancashire
  EXPECT_EQ((*list)->UpperTierOf("S12000036"), "");           // Scotland is not in the list
  EXPECT_GT((*list)->councils().size(), 150u);
  EXPECT_GT((*list)->districts().size(), 300u);
  // Every district's upper tier in England is a council the list knows.
  for (const District& district : (*list)->districts()) {
    if (district.ons[0] != 'E') continue;
    EXPECT_NE((*list)->CouncilByOns(district.upper_tier), nullptr) << district.ons << " " << district.name;
  }
}

TEST(GeographyLocalAuthorities, MistakesInTheFileNameTheLineAndField) {
  Result<LocalAuthorities> bad_number = LocalAuthorities::Parse(
      "[[council]]\nnumber = \"34\"\nons = \"E08000014\"\nname = \"Sefton\"\n", "la.toml");
  ASSERT_FALSE(bad_number.ok());
  EXPECT_NE(bad_number.status().message().find("la.toml line 2"), std::string::npos) << bad_number.status().message();
  EXPECT_NE(bad_number.status().message().find("'number'"), std::string::npos) << bad_number.status().message();
  Result<LocalAuthorities> no_tier =
      LocalAuthorities::Parse("[[district]]\nons = \"E07000117\"\nname = \"Burnley\"\n", "la.toml");
  ASSERT_FALSE(no_tier.ok());
  EXPECT_NE(no_tier.status().message().find("upper_tier"), std::string::npos) << no_tier.status().message();
  Result<LocalAuthorities> twice = LocalAuthorities::Parse(
      "[[district]]\nons = \"E07000117\"\nname = \"A\"\nupper_tier = \"E10000017\"\n"
      "[[district]]\nons = \"E07000117\"\nname = \"B\"\nupper_tier = \"E10000017\"\n",
      "la.toml");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("listed twice"), std::string::npos) << twice.status().message();
  Result<LocalAuthorities> unknown = LocalAuthorities::Parse(
      "[[district]]\nons = \"E07000117\"\nname = \"A\"\nupper_tier = \"E10000017\"\ncolour = \"red\"\n", "la.toml");
  EXPECT_FALSE(unknown.ok());
}

}  // namespace
}  // namespace cairn::geography
