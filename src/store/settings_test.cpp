#include "store/settings.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "store/migrations.h"
#include "store/test_database.h"

namespace cairn::store {
namespace {

class SettingsTest : public ::testing::TestWithParam<Backend> {};

TEST_P(SettingsTest, SetGetValidate) {
  TestDatabase database("cairn_settings_", GetParam());
  {
    auto db = Connection::Open(database.target());
    ASSERT_TRUE(db.ok()) << db.status().message();
    auto migrations = BuiltInMigrations();
    ASSERT_TRUE(migrations.ok() && Migrate(**db, *migrations).ok());

    auto missing = GetSetting(**db, "la-code");
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());

    ASSERT_TRUE(SetSetting(**db, "la-code", "343").ok());
    ASSERT_TRUE(SetSetting(**db, "la-code", "344").ok());  // replaces
    auto code = GetSetting(**db, "la-code");
    ASSERT_TRUE(code.ok() && code->has_value());
    EXPECT_EQ(**code, "344");

    EXPECT_FALSE(SetSetting(**db, "la-code", "34").ok());
    EXPECT_FALSE(SetSetting(**db, "la-code", "E08000014").ok());
    EXPECT_FALSE(SetSetting(**db, "population", "0").ok());
    EXPECT_FALSE(SetSetting(**db, "population", "-5").ok());
    EXPECT_TRUE(SetSetting(**db, "population", "55000").ok());
    const Status unknown = SetSetting(**db, "colour", "blue");
    EXPECT_FALSE(unknown.ok());
    EXPECT_NE(unknown.message().find("la-code"), std::string::npos) << "lists the known settings";

    auto all = AllSettings(**db);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 2u);
  }
}

CAIRN_TEST_ON_BOTH_BACKENDS(SettingsTest);

}  // namespace
}  // namespace cairn::store
