#include "http/message.h"

#include <gtest/gtest.h>

namespace cairn::http {
namespace {

TEST(MessageTest, DecodesPathsAndQueries) {
  Request request;
  ASSERT_TRUE(ParseTarget("/search?q=O%27Brien+Jo&as-at=2025-03-31", request).ok());
  EXPECT_EQ(request.path, "/search");
  EXPECT_EQ(request.Query("q"), "O'Brien Jo");
  EXPECT_EQ(request.Query("as-at"), "2025-03-31");
  EXPECT_FALSE(request.Query("missing").has_value());
  ASSERT_TRUE(ParseTarget("/children/Z%C3%B6e", request).ok());
  EXPECT_EQ(request.path, "/children/Z\xC3\xB6" "e");
}

TEST(MessageTest, PercentEncodedValuesDecodeToThemselves) {
  const std::string value = "O'Brien & Jo/=?#%\xC3\xB6 +";
  const std::string encoded = PercentEncode(value);
  EXPECT_EQ(encoded.find_first_of(" &/=?#+'"), std::string::npos) << encoded;
  Request request;
  ASSERT_TRUE(ParseTarget("/search?q=" + encoded + "&x=1", request).ok());
  EXPECT_EQ(request.Query("q"), value);
  EXPECT_EQ(request.Query("x"), "1");
}

TEST(MessageTest, RefusesTraversalAndBadEncodings) {
  Request request;
  for (const char* target : {"/static/../cairn.db", "/static/%2e%2e/x", "/static/..%2fx", "/static/%2F", "/a/./b",
                             "/a\\b", "/a%5cb", "/a%", "/a%zz", "/a%00b", "/a?q=%ff%fe", "relative", ""}) {
    EXPECT_FALSE(ParseTarget(target, request).ok()) << target;
  }
}

TEST(MessageTest, ParsesFormsAndCookies) {
  auto form = ParseForm("username=ann&password=a%26b%3Dc&empty=&flag");
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(FormValue(*form, "username"), "ann");
  EXPECT_EQ(FormValue(*form, "password"), "a&b=c");
  EXPECT_EQ(FormValue(*form, "empty"), "");
  EXPECT_EQ(FormValue(*form, "flag"), "");
  Request request;
  request.headers.emplace_back("cookie", "a=1; cairn_session=abc; b=2");
  EXPECT_EQ(request.Cookie("cairn_session"), "abc");
  EXPECT_FALSE(request.Cookie("cairn").has_value());
  std::string many;
  for (int i = 0; i < 300; ++i) many += "f" + std::to_string(i) + "=1&";
  EXPECT_FALSE(ParseForm(many).ok());
}

TEST(MessageTest, EscapesHtml) {
  EXPECT_EQ(EscapeHtml("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
}

}  // namespace
}  // namespace cairn::http
