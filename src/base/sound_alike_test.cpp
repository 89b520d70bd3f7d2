#include "base/sound_alike.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(SoundAlikeTest, GivesTheStandardCodes) {
  EXPECT_EQ(Soundex("Robert"), "R163");
  EXPECT_EQ(Soundex("Rupert"), "R163");
  EXPECT_EQ(Soundex("Rubin"), "R150");
  EXPECT_EQ(Soundex("Ashcraft"), "A261");  // H between S and C: one code
  EXPECT_EQ(Soundex("Tymczak"), "T522");
  EXPECT_EQ(Soundex("Pfister"), "P236");   // P and F share a code: F is dropped
  EXPECT_EQ(Soundex("Lee"), "L000");
}

TEST(SoundAlikeTest, SpellingsThatSoundAlikeMatch) {
  EXPECT_EQ(Soundex("Smith"), Soundex("Smyth"));
  EXPECT_EQ(Soundex("Jon"), Soundex("John"));
  EXPECT_EQ(Soundex("O'Brien"), Soundex("OBrien"));
  EXPECT_EQ(Soundex("McDonald"), Soundex("MacDonald"));
  EXPECT_NE(Soundex("Smith"), Soundex("Jones"));
}

TEST(SoundAlikeTest, NoLettersNoCode) {
  EXPECT_EQ(Soundex(""), "");
  EXPECT_EQ(Soundex("123-'"), "");
  EXPECT_EQ(Soundex("\xC3\xA9"), "");  // é alone: no letter A-Z
}

}  // namespace
}  // namespace cairn
