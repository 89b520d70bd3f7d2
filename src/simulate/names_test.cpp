#include "simulate/names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace cairn::simulate {
namespace {

bool Holds(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// A file with every list valid, with `replace` put in place of the line starting with its key.
std::string NamesFile(std::string_view key = "", std::string_view line = "") {
  const std::vector<std::pair<std::string, std::string>> lines = {
      {"preferred_name_percent", "preferred_name_percent = 10"},
      {"female_given", "female_given = [\"Olivia\", \"Zo\xC3\xAB\"]"},
      {"male_given", "male_given = [\"Noah\", \"Alfie-James\"]"},
      {"family", "family = [\n  \"Smith\",\n  \"O'Brien\",\n  \"Da Silva\",\n]"}};
  std::string text;
  for (const auto& [name, value] : lines) text += (name == key ? std::string(line) : value) + "\n";
  return text;
}

std::string ErrorOf(const std::string& text) {
  Result<NameLists> names = ParseNameLists(text, "names.toml");
  EXPECT_FALSE(names.ok()) << text;
  return names.ok() ? "" : names.status().message();
}

TEST(NameLists, TheBuiltInListsLoad) {
  Result<NameLists> names = LoadBuiltInNameLists();
  ASSERT_TRUE(names.ok()) << names.status().message();
  EXPECT_GE(names->female_given.size(), 100u);
  EXPECT_GE(names->male_given.size(), 100u);
  EXPECT_GE(names->family.size(), 200u);
  EXPECT_EQ(names->preferred_name_percent, 10);
  EXPECT_TRUE(Holds(names->female_given, "Zo\xC3\xAB"));
  EXPECT_TRUE(Holds(names->family, "O'Brien"));
  EXPECT_TRUE(Holds(names->family, "Smith-Jones"));
}

TEST(NameLists, ASmallFileReadsAsWritten) {
  Result<NameLists> names = ParseNameLists(NamesFile(), "names.toml");
  ASSERT_TRUE(names.ok()) << names.status().message();
  EXPECT_EQ(names->female_given, (std::vector<std::string>{"Olivia", "Zo\xC3\xAB"}));
  EXPECT_EQ(names->male_given, (std::vector<std::string>{"Noah", "Alfie-James"}));
  EXPECT_EQ(names->family, (std::vector<std::string>{"Smith", "O'Brien", "Da Silva"}));
}

TEST(NameLists, ErrorsNameTheFileLineListAndEntry) {
  EXPECT_EQ(ErrorOf(NamesFile("family", "family = [\n  \"Smith\",\n  \"Sm1th\",\n]")),
            "names.toml line 6: name lists, field 'family': entry 2 'Sm1th': holds '1', which no name has; a name is "
            "letters, with ', - or one space between its parts.");
  EXPECT_EQ(ErrorOf(NamesFile("family", "family = [\n  \"Smith\",\n  \"Smith\",\n]")),
            "names.toml line 6: name lists, field 'family': entry 2 'Smith': is in the list twice; name each name "
            "once.");
  for (const char* bad : {"\"\"", "\"-Ann\"", "\"Ann-\"", "\"Mary  Jane\"", "\"O''Brien\"", "\"Ann\\t\"",
                          "\"<script>\""}) {
    const std::string message = ErrorOf(NamesFile("male_given", std::string("male_given = [\"Noah\", ") + bad + "]"));
    EXPECT_NE(message.find("names.toml line 3: name lists, field 'male_given': entry 2 "), std::string::npos)
        << message;
  }
  EXPECT_NE(ErrorOf(NamesFile("female_given", "female_given = [\"Olivia\"]")).find("needs two names or more"),
            std::string::npos);
  EXPECT_NE(ErrorOf(NamesFile("female_given", "")).find("field 'female_given': is missing"), std::string::npos);
  EXPECT_NE(ErrorOf(NamesFile("female_given", "female_given = [\"Olivia\", 3]")).find("every item must be text"),
            std::string::npos);
  EXPECT_NE(ErrorOf(NamesFile("preferred_name_percent", "preferred_name_percent = 120")).find("120 is not"),
            std::string::npos);
  EXPECT_NE(ErrorOf(NamesFile() + "middle = [\"Ann\", \"Jo\"]\n").find("field 'middle': there is no such field"),
            std::string::npos);
  EXPECT_NE(ErrorOf("family = [").find("names.toml line 1"), std::string::npos);
}

TEST(NameDraws, GivenNamesFollowTheRecordedSexAndPreferredNamesDiffer) {
  const NameLists names = LoadBuiltInNameLists().value();
  const std::set<std::string> female(names.female_given.begin(), names.female_given.end());
  const std::set<std::string> male(names.male_given.begin(), names.male_given.end());
  Rng rng(MixSeed(1, 2, 3));
  int preferred = 0, unknown_female = 0;
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    const std::string_view sex = i % 3 == 0 ? "F" : i % 3 == 1 ? "M" : "U";
    const PersonName name = DrawChildName(names, sex, rng);
    const bool female_list = sex == "F" || (sex != "M" && female.contains(name.given));
    const std::set<std::string>& list = female_list ? female : male;
    EXPECT_TRUE(list.contains(name.given)) << sex << " " << name.given;
    EXPECT_TRUE(Holds(names.family, name.family)) << name.family;
    if (!name.preferred.empty()) {
      ++preferred;
      EXPECT_NE(name.preferred, name.given);
      EXPECT_TRUE(list.contains(name.preferred)) << name.preferred;
    }
    if (sex == "U" && female.contains(name.given)) ++unknown_female;
  }
  EXPECT_NEAR(preferred, kDraws / 10, kDraws / 100);
  EXPECT_NEAR(unknown_female, kDraws / 6, kDraws / 50);
}

TEST(NameDraws, TheSameStreamGivesTheSameNames) {
  const NameLists names = LoadBuiltInNameLists().value();
  Rng a(MixSeed(7, 0, 42, 5)), b(MixSeed(7, 0, 42, 5)), c(MixSeed(8, 0, 42, 5));
  std::string from_a, from_b, from_c;
  for (int i = 0; i < 50; ++i) {
    for (auto [rng, out] : {std::pair{&a, &from_a}, std::pair{&b, &from_b}, std::pair{&c, &from_c}}) {
      const PersonName name = DrawChildName(names, "F", *rng);
      *out += name.given + " " + name.preferred + " " + name.family + " " + DrawWorkerName(names, *rng) + "\n";
    }
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_c);
}

TEST(NameDraws, AWorkerIsGivenAndFamilyName) {
  const NameLists names = LoadBuiltInNameLists().value();
  Rng rng(MixSeed(3, 1, 4));
  for (int i = 0; i < 200; ++i) {
    const std::string name = DrawWorkerName(names, rng);
    bool split = false;
    for (const std::string& family : names.family) {
      if (name.size() > family.size() + 1 && name.ends_with(" " + family)) {
        const std::string given = name.substr(0, name.size() - family.size() - 1);
        split = split || Holds(names.female_given, given) || Holds(names.male_given, given);
      }
    }
    EXPECT_TRUE(split) << name;
  }
}

}  // namespace
}  // namespace cairn::simulate
