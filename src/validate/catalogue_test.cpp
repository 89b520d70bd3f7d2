#include "validate/catalogue.h"

#include <set>

#include <gtest/gtest.h>

namespace cairn::validate {
namespace {

// The public validators' registries hold these many rules per collection year (counted from
// their rule folders: additions, modifications and deletions year on year).
TEST(ValidateCatalogue, EachYearHasTheRulesTheValidatorsRegister) {
  Result<const Catalogue*> catalogue = Catalogue::Embedded();
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
  EXPECT_EQ((*catalogue)->RuleSet(ReturnKind::kSsda903, 2023).size(), 293u);
  EXPECT_EQ((*catalogue)->RuleSet(ReturnKind::kSsda903, 2024).size(), 312u);
  EXPECT_EQ((*catalogue)->RuleSet(ReturnKind::kSsda903, 2025).size(), 305u);
  EXPECT_EQ((*catalogue)->RuleSet(ReturnKind::kSsda903, 2026).size(), 311u);
  EXPECT_EQ((*catalogue)->RuleSet(ReturnKind::kSsda903, 2027).size(), 322u);
  EXPECT_EQ((*catalogue)->RuleSet(ReturnKind::kCinCensus, 2023).size(), 105u);
  EXPECT_EQ((*catalogue)->RuleSet(ReturnKind::kCinCensus, 2024).size(), 105u);
  EXPECT_EQ((*catalogue)->RuleSet(ReturnKind::kCinCensus, 2025).size(), 109u);
  EXPECT_EQ((*catalogue)->RuleSet(ReturnKind::kCinCensus, 2026).size(), 109u);
  // Rules the 2024/25 set deleted are gone from it and back in no later year.
  EXPECT_NE((*catalogue)->Find(ReturnKind::kSsda903, "445", 2024), nullptr);
  EXPECT_EQ((*catalogue)->Find(ReturnKind::kSsda903, "445", 2025), nullptr);
  EXPECT_EQ((*catalogue)->Find(ReturnKind::kSsda903, "445", 2027), nullptr);
  // Queries are marked.
  const RuleInfo* query = (*catalogue)->Find(ReturnKind::kCinCensus, "8675Q", 2026);
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query->type, RuleType::kQuery);
}

TEST(ValidateCatalogue, RuleSetsAreInCodeOrderAndEveryRuleHasItsWords) {
  Result<const Catalogue*> catalogue = Catalogue::Embedded();
  ASSERT_TRUE(catalogue.ok());
  const std::vector<const RuleInfo*> set = (*catalogue)->RuleSet(ReturnKind::kSsda903, 2026);
  ASSERT_GE(set.size(), 3u);
  EXPECT_EQ(set[0]->code, "101");
  std::set<std::string> codes;
  for (const RuleInfo* rule : set) {
    EXPECT_FALSE(rule->message.empty()) << rule->code;
    EXPECT_TRUE(codes.insert(rule->code).second) << "two versions of " << rule->code << " in one year";
  }
}

void NoRule(const Return&, RuleOutput&) {}

TEST(ValidateCatalogue, BadDataIsRefusedWithItsLine) {
  const std::string one = "[[rule]]\ncode = \"1\"\nyears = [2023, 2024]\ntype = \"error\"\ntables = []\nfields = []\n"
                          "message = \"m\"\n";
  const std::string cin = "[[rule]]\ncode = \"100\"\nyears = [2023, 2026]\ntype = \"error\"\nmodule = \"Header\"\n"
                          "fields = []\nmessage = \"m\"\n";
  EXPECT_TRUE(Catalogue::Parse(one, cin, {}, {}).ok());
  // Two versions whose years overlap.
  Result<Catalogue> overlap = Catalogue::Parse(one + "\n" + one, cin, {}, {});
  ASSERT_FALSE(overlap.ok());
  EXPECT_NE(overlap.status().message().find("line 11"), std::string::npos) << overlap.status().message();
  // A type that is neither error nor query.
  std::string bad_type = one;
  bad_type.replace(bad_type.find("\"error\""), 7, "\"fatal\"");
  Result<Catalogue> typed = Catalogue::Parse(bad_type, cin, {}, {});
  ASSERT_FALSE(typed.ok());
  EXPECT_NE(typed.status().message().find("line 4"), std::string::npos) << typed.status().message();
  // Logic for a version the data does not have.
  const RuleLogic stray[] = {{"1", 2025, &NoRule}};
  EXPECT_FALSE(Catalogue::Parse(one, cin, stray, {}).ok());
  const RuleLogic twice[] = {{"1", 2023, &NoRule}, {"1", 2023, &NoRule}};
  EXPECT_FALSE(Catalogue::Parse(one, cin, twice, {}).ok());
}

}  // namespace
}  // namespace cairn::validate
