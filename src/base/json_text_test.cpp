#include "base/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cairn {
namespace {

TEST(JsonTextTest, Utf8IsCheckedAsJsonParsersCheckIt) {
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // cut short
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

TEST(JsonTextTest, StringsAreWrittenAsNlohmannWritesThem) {
  for (std::string_view text : {std::string_view("a \"quote\" and \\ backslash"), std::string_view("tab\tnew\nline"),
                                std::string_view("\x01\x1f control", 10), std::string_view("caf\xC3\xA9")}) {
    std::string out;
    ASSERT_TRUE(AppendJsonString(text, out));
    EXPECT_EQ(out, nlohmann::json(std::string(text)).dump()) << text;
  }
  std::string out;
  EXPECT_FALSE(AppendJsonString("bad \xFF byte", out));
}

}  // namespace
}  // namespace cairn

namespace cairn {
namespace {

TEST(JsonTextRepair, ABadByteBecomesTheReplacementCharacterAndTheRestIsKept) {
  std::string out = "[";
  AppendJsonStringRepairingUtf8("ok \"q\"", out);
  out += ',';
  AppendJsonStringRepairingUtf8(std::string("a\xff" "b\xC3\xB6"), out);
  out += ']';
  EXPECT_EQ(out, "[\"ok \\\"q\\\"\",\"a\xEF\xBF\xBD" "b\xC3\xB6\"]");
}

}  // namespace
}  // namespace cairn
