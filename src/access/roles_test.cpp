#include "access/roles.h"

#include <gtest/gtest.h>

namespace cairn::access {
namespace {

TEST(RolesTest, TheBuiltInRulesLoadAndHoldEveryRoleTheIssueNames) {
  auto catalogue = RoleCatalogue::BuiltIn();
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
  for (const char* id : {"practitioner", "team-manager", "service-manager", "director", "analyst", "elected-member",
                         "inspector", "admin"}) {
    EXPECT_NE(catalogue->Find(id), nullptr) << id;
  }
  EXPECT_EQ(catalogue->Find("practitioner")->scope, Scope::kAllocated);
  EXPECT_EQ(catalogue->Find("team-manager")->scope, Scope::kTeam);
  EXPECT_EQ(catalogue->Find("director")->scope, Scope::kAll);
  EXPECT_EQ(catalogue->Find("inspector")->scope, Scope::kNone);
  EXPECT_TRUE(catalogue->Find("elected-member")->aggregates_only);
  EXPECT_FALSE(catalogue->Find("elected-member")->Has("child.read"));
  EXPECT_FALSE(catalogue->Find("admin")->Has("child.read"));
  EXPECT_TRUE(catalogue->Find("admin")->Has("users.manage"));
  EXPECT_TRUE(catalogue->Find("team-manager")->Has("audit.read.scope"));
  EXPECT_FALSE(catalogue->Find("practitioner")->Has("audit.read.scope"));
}

TEST(RolesTest, MistakesInTheFileStopCairnWithTheLineAndField) {
  auto unknown_permission = RoleCatalogue::Parse(
      "[[role]]\nid = \"x\"\ntitle = \"X\"\nscope = \"all\"\nhome = \"council\"\npermissions = [\"child.reed\"]\n",
      "roles.toml");
  ASSERT_FALSE(unknown_permission.ok());
  EXPECT_NE(unknown_permission.status().message().find("roles.toml line 6"), std::string::npos)
      << unknown_permission.status().message();
  EXPECT_NE(unknown_permission.status().message().find("child.reed"), std::string::npos);

  auto unknown_scope = RoleCatalogue::Parse(
      "[[role]]\nid = \"x\"\ntitle = \"X\"\nscope = \"everyone\"\nhome = \"council\"\npermissions = []\n", "r.toml");
  ASSERT_FALSE(unknown_scope.ok());
  EXPECT_NE(unknown_scope.status().message().find("scope"), std::string::npos);

  auto unknown_key = RoleCatalogue::Parse(
      "[[role]]\nid = \"x\"\ntitle = \"X\"\nscope = \"all\"\nhome = \"council\"\npermissions = []\nsee_all = true\n",
      "r.toml");
  ASSERT_FALSE(unknown_key.ok());
  EXPECT_NE(unknown_key.status().message().find("see_all"), std::string::npos);

  auto twice = RoleCatalogue::Parse(
      "[[role]]\nid = \"x\"\ntitle = \"X\"\nscope = \"all\"\nhome = \"council\"\npermissions = []\n"
      "[[role]]\nid = \"x\"\ntitle = \"Y\"\nscope = \"all\"\nhome = \"council\"\npermissions = []\n",
      "r.toml");
  ASSERT_FALSE(twice.ok());

  auto leaky_aggregates = RoleCatalogue::Parse(
      "[[role]]\nid = \"m\"\ntitle = \"M\"\nscope = \"none\"\naggregates_only = true\nhome = \"members\"\n"
      "permissions = [\"aggregates.read\", \"child.read\"]\n",
      "r.toml");
  ASSERT_FALSE(leaky_aggregates.ok());
  EXPECT_NE(leaky_aggregates.status().message().find("aggregates_only"), std::string::npos);
}

}  // namespace
}  // namespace cairn::access
