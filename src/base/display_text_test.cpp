#include "base/display_text.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn {
namespace {

TEST(DisplayTextTest, OneDecimalRoundsHalvesAwayFromZero) {
  EXPECT_EQ(OneDecimal(9.0 / 16.0 * 100.0), "56.3");  // 56.25, exact in binary
  EXPECT_EQ(OneDecimal(56.24), "56.2");
  EXPECT_EQ(OneDecimal(-0.04), "0.0");
  EXPECT_EQ(OneDecimal(-2.25), "-2.3");
  EXPECT_EQ(OneDecimal(7.0), "7.0");
  EXPECT_DOUBLE_EQ(RoundToOneDecimal(0.25), 0.3);
}

TEST(DisplayTextTest, ControlCharactersAndBadBytesPrintAsThemselves) {
  EXPECT_EQ(EscapeForDisplay("plain caf\xC3\xA9"), "plain caf\xC3\xA9");
  EXPECT_EQ(EscapeForDisplay("\x1B[2Jhidden"), "\\x1B[2Jhidden");
  EXPECT_EQ(EscapeForDisplay("two\nlines\ttab"), "two\\x0Alines\\x09tab");
  EXPECT_EQ(EscapeForDisplay("bad \xFF byte"), "bad \\xFF byte");
  EXPECT_EQ(EscapeForDisplay("c1 \xC2\x9B" "31m"), "c1 \\xC2\\x9B31m");
  EXPECT_EQ(EscapeForDisplay("a\\x1B"), "a\\\\x1B");  // a literal backslash cannot pass for an escape
  EXPECT_EQ(EscapeForDisplay(std::string("nul\0", 4)), "nul\\x00");
}

TEST(DisplayTextTest, XmlCanCarryOnlyXmlCharacters) {
  EXPECT_TRUE(XmlCanCarry("A&B <1> caf\xC3\xA9 \xF0\x9F\x98\x80\t\r\n"));
  EXPECT_FALSE(XmlCanCarry("esc \x1B"));
  EXPECT_FALSE(XmlCanCarry("form\x0C" "feed"));
  EXPECT_FALSE(XmlCanCarry(std::string("nul\0", 4)));
  EXPECT_FALSE(XmlCanCarry("bad \xFF"));
  EXPECT_FALSE(XmlCanCarry("\xEF\xBF\xBE"));  // U+FFFE
  EXPECT_TRUE(XmlCanCarry("\xEF\xBF\xBD"));   // U+FFFD
}

}  // namespace
}  // namespace cairn

namespace cairn {
namespace {

TEST(QuoteForDisplay, QuotesEscapesAndShortensWhatWasTyped) {
  EXPECT_EQ(QuoteForDisplay("SW7"), "'SW7'");
  EXPECT_EQ(QuoteForDisplay("a\x1b]2;x"), "'a\\x1B]2;x'");
  const std::string long_text(50, 'x');
  EXPECT_EQ(QuoteForDisplay(long_text), "'" + std::string(40, 'x') + "...'");
}

}  // namespace
}  // namespace cairn
