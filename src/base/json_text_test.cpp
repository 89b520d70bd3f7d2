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

// The scan reads eight bytes at a time: every byte that needs care is found at every position of
// a word, next to every neighbour (the borrow trick it uses could hide one behind another), in
// strings of every length around a word's.
TEST(JsonTextTest, EveryByteNeedingCareIsFoundAtEveryPositionOfAWord) {
  const std::string special[] = {"\"", "\\", std::string(1, '\0'), "\x1f", "\n", "\x7f", "\xC3\xA9", "\x80"};
  for (size_t length = 1; length <= 24; ++length) {
    for (size_t at = 0; at < length; ++at) {
      for (const std::string& odd : special) {
        for (char neighbour : {'a', ' ', '!', '#', '[', ']', '~'}) {
          std::string text(length, neighbour);
          text.replace(at, 1, odd);
          std::string out = "x";
          const bool ok = AppendJsonString(text, out);
          if (odd == "\x80") {
            EXPECT_FALSE(ok) << length << " " << at;
            continue;
          }
          ASSERT_TRUE(ok) << length << " " << at;
          EXPECT_EQ(out, "x" + nlohmann::json(text).dump()) << length << " " << at << " " << int(odd[0]);
        }
      }
    }
  }
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
