#include "http/router.h"

#include <gtest/gtest.h>

namespace cairn::http {
namespace {

TEST(RouterTest, MatchesLiteralsBeforeParametersAndNamesThem) {
  Router router;
  ASSERT_TRUE(router.Add(Method::kGet, "/", 0).ok());
  ASSERT_TRUE(router.Add(Method::kGet, "/children/{id}", 1).ok());
  ASSERT_TRUE(router.Add(Method::kGet, "/children/search", 2).ok());
  ASSERT_TRUE(router.Add(Method::kPost, "/children/{id}", 3).ok());
  RouteMatch match;
  ASSERT_EQ(router.Match(Method::kGet, "/", match), Router::Outcome::kMatched);
  EXPECT_EQ(match.route, 0u);
  ASSERT_EQ(router.Match(Method::kGet, "/children/C1", match), Router::Outcome::kMatched);
  EXPECT_EQ(match.route, 1u);
  EXPECT_EQ(match.Param("id"), "C1");
  ASSERT_EQ(router.Match(Method::kGet, "/children/search", match), Router::Outcome::kMatched);
  EXPECT_EQ(match.route, 2u);
  ASSERT_EQ(router.Match(Method::kHead, "/children/C1", match), Router::Outcome::kMatched);
  EXPECT_EQ(match.route, 1u);
  ASSERT_EQ(router.Match(Method::kPost, "/children/C1", match), Router::Outcome::kMatched);
  EXPECT_EQ(match.route, 3u);
  EXPECT_EQ(router.Match(Method::kPost, "/", match), Router::Outcome::kWrongMethod);
  EXPECT_EQ(router.Match(Method::kGet, "/children", match), Router::Outcome::kNoSuchPath);
  EXPECT_EQ(router.Match(Method::kGet, "/children/", match), Router::Outcome::kNoSuchPath);
  EXPECT_EQ(router.Match(Method::kGet, "/children/C1/extra", match), Router::Outcome::kNoSuchPath);
}

TEST(RouterTest, RefusesDuplicatesAndMalformedPatterns) {
  Router router;
  ASSERT_TRUE(router.Add(Method::kGet, "/a/{id}", 0).ok());
  EXPECT_FALSE(router.Add(Method::kGet, "/a/{id}", 1).ok());
  EXPECT_TRUE(router.Add(Method::kPost, "/a/{id}", 1).ok());
  EXPECT_FALSE(router.Add(Method::kGet, "a", 2).ok());
  EXPECT_FALSE(router.Add(Method::kGet, "/a//b", 2).ok());
}

}  // namespace
}  // namespace cairn::http
