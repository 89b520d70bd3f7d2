#include "base/embedded.h"

#include "base/json_text.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

namespace cairn::embedded {
// Embedded for this test only (src/CMakeLists.txt): tests/embed/every_byte.bin.
const std::vector<Resource>& EmbedFixture();
}  // namespace cairn::embedded

namespace cairn::embedded {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The generator must carry any byte through unchanged: NUL, bytes above 0x7f, quotes,
// backslashes, and ')"', which would end a raw string literal.
TEST(Embedded, EveryByteValueComesThroughUnchanged) {
  const Resource* fixture = Find(EmbedFixture(), "every_byte.bin");
  ASSERT_NE(fixture, nullptr);
  const std::string expected = ReadFile(CAIRN_SOURCE_DIR "/tests/embed/every_byte.bin");
  ASSERT_GE(expected.size(), 256u);
  EXPECT_EQ(fixture->text.size(), expected.size());
  EXPECT_EQ(fixture->text, expected);
  for (int byte = 0; byte < 256; ++byte) {
    EXPECT_EQ(static_cast<unsigned char>(fixture->text[byte]), byte) << "byte " << byte;
  }
  // The view stops at the file's end; the terminating NUL is not part of the text.
  EXPECT_EQ(fixture->text.substr(fixture->text.size() - 3), "x)\"");
}

TEST(Embedded, StaticHoldsTheBrowserBundleAndStylesheet) {
  const Resource* script = Find(Static(), "app.js");
  const Resource* style = Find(Static(), "cairn.css");
  ASSERT_NE(script, nullptr);
  ASSERT_NE(style, nullptr);
  EXPECT_EQ(Static().size(), 2u);
  EXPECT_NE(script->text.find("X-CSRF-Token"), std::string_view::npos);
  EXPECT_NE(style->text.find(".status-overdue"), std::string_view::npos);
  // esbuild escapes non-ASCII characters in strings but not in regular expressions (Plot has
  // arrows in one), so the bundle is UTF-8, not ASCII: it must be served with charset=utf-8.
  EXPECT_TRUE(IsValidUtf8(script->text));
  EXPECT_TRUE(IsValidUtf8(style->text));
}

TEST(Embedded, FindAnswersNullForAnUnknownPath) {
  EXPECT_EQ(Find(Static(), "missing.js"), nullptr);
}

}  // namespace
}  // namespace cairn::embedded
