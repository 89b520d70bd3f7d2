#include "access/accounts.h"

#include <gtest/gtest.h>

#include "store/audit.h"
#include "store/test_database.h"

namespace cairn::access {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = database_.Open();
    ASSERT_NE(db_, nullptr);
    auto roles = RoleCatalogue::BuiltIn();
    ASSERT_TRUE(roles.ok());
    roles_ = std::move(*roles);
    accounts_ = std::make_unique<Accounts>(*db_, roles_, clock_, PasswordHasher(PasswordCost::ForTests()));
  }
  void TearDown() override {
    accounts_.reset();
    db_.reset();
  }
  int64_t AuditRows(const std::string& action) {
    store::AuditQuery query;
    auto rows = store::QueryAudit(*db_, query);
    int64_t count = 0;
    for (const auto& row : *rows) count += row.entry.action == action;
    return count;
  }

  store::TestDatabase database_{"cairn_accounts_", store::BackendOfThisRun()};
  FixedClock clock_{D(2025, 3, 31), 1'743'400'000};
  std::unique_ptr<store::Connection> db_;
  RoleCatalogue roles_;
  std::unique_ptr<Accounts> accounts_;
  const Actor cli_{"os:test", "cli", "test", "local"};
};

TEST_F(AccountsTest, AddingAUserChecksRoleScopeAndPassword) {
  EXPECT_FALSE(accounts_->AddUser({"ann", "wizard", "SW1", "", "", "a-long-password-1"}, cli_).ok());
  EXPECT_FALSE(accounts_->AddUser({"ann", "practitioner", "", "", "", "a-long-password-1"}, cli_).ok())
      << "a practitioner needs a worker id";
  EXPECT_FALSE(accounts_->AddUser({"ann", "team-manager", "", "", "", "a-long-password-1"}, cli_).ok());
  EXPECT_FALSE(accounts_->AddUser({"ann", "practitioner", "SW1", "", "", "short"}, cli_).ok());
  EXPECT_FALSE(accounts_->AddUser({"ann", "practitioner", "SW1", "", "", "Password1234"}, cli_).ok())
      << "a common password";
  EXPECT_FALSE(accounts_->AddUser({"ann", "practitioner", "SW1", "", "", "xxann-is-my-name"}, cli_).ok())
      << "the username inside";
  EXPECT_FALSE(accounts_->AddUser({"a n", "practitioner", "SW1", "", "", "a-long-password-1"}, cli_).ok());
  auto added = accounts_->AddUser({"ann", "practitioner", "SW1", "", "", "a-long-password-1"}, cli_);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_TRUE(added->one_time_password.empty());
  auto again = accounts_->AddUser({"ann", "director", "", "", "", "a-long-password-1"}, cli_);
  EXPECT_EQ(again.status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(AuditRows("user-add"), 1);
}

TEST_F(AccountsTest, AOneTimePasswordMustBeChanged) {
  auto added = accounts_->AddUser({"bob", "director", "", "", "", std::nullopt}, cli_);
  ASSERT_TRUE(added.ok());
  ASSERT_EQ(added->one_time_password.size(), 23u);
  auto signed_in = accounts_->SignInWithPassword("bob", added->one_time_password, cli_);
  ASSERT_TRUE(signed_in.ok());
  EXPECT_EQ(signed_in->outcome, Accounts::SignIn::Outcome::kSignedIn);
  EXPECT_TRUE(signed_in->must_change_password);
  EXPECT_TRUE(accounts_->ChangePassword(added->id, added->one_time_password, "a-new-password-9", cli_).ok());
  auto again = accounts_->SignInWithPassword("bob", "a-new-password-9", cli_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->must_change_password);
}

TEST_F(AccountsTest, StoredHashesAreArgon2idAndRehashedWhenTheCostChanges) {
  ASSERT_TRUE(accounts_->AddUser({"cat", "director", "", "", "", "a-long-password-1"}, cli_).ok());
  auto stored = store::FindUser(*db_, "cat");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ((*stored)->password_hash.find("a-long-password-1"), std::string::npos);
  // A server with the interactive cost re-hashes at the next sign-in.
  Accounts stronger(*db_, roles_, clock_, PasswordHasher(PasswordCost::Interactive()));
  ASSERT_EQ(stronger.SignInWithPassword("cat", "a-long-password-1", cli_)->outcome,
            Accounts::SignIn::Outcome::kSignedIn);
  auto rehashed = store::FindUser(*db_, "cat");
  EXPECT_NE((*rehashed)->password_hash, (*stored)->password_hash);
  EXPECT_FALSE(PasswordHasher(PasswordCost::Interactive()).NeedsRehash((*rehashed)->password_hash));
}

TEST_F(AccountsTest, DisablingEndsSessionsAndRefusesSignIn) {
  ASSERT_TRUE(accounts_->AddUser({"dan", "director", "", "", "", "a-long-password-1"}, cli_).ok());
  auto signed_in = accounts_->SignInWithPassword("dan", "a-long-password-1", cli_);
  ASSERT_TRUE(signed_in.ok());
  auto session = accounts_->Resume(signed_in->token);
  ASSERT_TRUE(session.ok() && session->has_value());
  ASSERT_TRUE(accounts_->SetDisabled("dan", true, cli_).ok());
  EXPECT_FALSE(accounts_->Resume(signed_in->token)->has_value());
  EXPECT_EQ(accounts_->SignInWithPassword("dan", "a-long-password-1", cli_)->outcome,
            Accounts::SignIn::Outcome::kRefused);
  ASSERT_TRUE(accounts_->SetDisabled("dan", false, cli_).ok());
  EXPECT_EQ(accounts_->SignInWithPassword("dan", "a-long-password-1", cli_)->outcome,
            Accounts::SignIn::Outcome::kSignedIn);
}

TEST_F(AccountsTest, OnlyTheTokensHashIsStored) {
  ASSERT_TRUE(accounts_->AddUser({"eve", "director", "", "", "", "a-long-password-1"}, cli_).ok());
  auto signed_in = accounts_->SignInWithPassword("eve", "a-long-password-1", cli_);
  ASSERT_TRUE(signed_in.ok());
  ASSERT_EQ(signed_in->token.size(), 64u);
  EXPECT_FALSE(store::FindSession(*db_, signed_in->token)->has_value());
  EXPECT_TRUE(store::FindSession(*db_, TokenHash(signed_in->token))->has_value());
}

TEST_F(AccountsTest, GrantsAreInForceUntilTheirLastDayOnly) {
  ASSERT_TRUE(accounts_->AddUser({"ins", "inspector", "", "", "", "a-long-password-1"}, cli_).ok());
  EXPECT_FALSE(accounts_->GrantAccess({"ins", Grant::Kind::kAll, "", D(2025, 3, 30), "past"}, cli_).ok());
  EXPECT_FALSE(accounts_->GrantAccess({"ins", Grant::Kind::kAll, "", D(2025, 4, 30), ""}, cli_).ok());
  EXPECT_FALSE(accounts_->GrantAccess({"nobody", Grant::Kind::kAll, "", D(2025, 4, 30), "x"}, cli_).ok());
  ASSERT_TRUE(accounts_->GrantAccess({"ins", Grant::Kind::kTeam, "T1", D(2025, 4, 30), "inspection"}, cli_).ok());
  auto user = store::FindUser(*db_, "ins");
  auto principal = accounts_->PrincipalOf(**user);
  ASSERT_TRUE(principal.ok());
  ASSERT_EQ(principal->grants.size(), 1u);
  clock_.Set(D(2025, 4, 30));
  EXPECT_EQ(accounts_->PrincipalOf(**user)->grants.size(), 1u) << "the last day counts";
  clock_.Set(D(2025, 5, 1));
  EXPECT_TRUE(accounts_->PrincipalOf(**user)->grants.empty()) << "expired";
  EXPECT_EQ(AuditRows("grant"), 1);
}

TEST_F(AccountsTest, RestrictionsNameExistingUsers) {
  ASSERT_TRUE(accounts_->AddUser({"fay", "director", "", "", "", "a-long-password-1"}, cli_).ok());
  EXPECT_FALSE(accounts_->Restrict("C1", {"ghost"}, "staff child", cli_).ok());
  EXPECT_FALSE(accounts_->Restrict("C1", {}, "staff child", cli_).ok());
  EXPECT_FALSE(accounts_->Restrict("C1", {"fay"}, "", cli_).ok());
  ASSERT_TRUE(accounts_->Restrict("C1", {"fay"}, "staff child", cli_).ok());
  auto restrictions = accounts_->LoadRestrictions();
  ASSERT_TRUE(restrictions.ok());
  EXPECT_TRUE(restrictions->IsRestricted("C1"));
  EXPECT_TRUE(restrictions->Allows("C1", "fay"));
  EXPECT_FALSE(restrictions->Allows("C1", "someone"));
  ASSERT_TRUE(accounts_->Unrestrict("C1", cli_).ok());
  EXPECT_FALSE(accounts_->LoadRestrictions()->IsRestricted("C1"));
  // The reason is free text: kept with the restriction, never in the audit trail.
  store::AuditQuery query;
  auto rows = store::QueryAudit(*db_, query);
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) EXPECT_EQ(row.entry.detail.find("staff child"), std::string::npos);
}

// The server's cache of sessions and restrictions: every change made elsewhere (here, through an
// Accounts without the cache, as the command line makes it) is seen by the next request, and a
// refreshed idle timer is not a change.
TEST_F(AccountsTest, ACachedSessionSeesEveryChangeMadeElsewhere) {
  ASSERT_TRUE(accounts_->AddUser({"ann", "practitioner", "SW1", "", "", "a-long-password-1"}, cli_).ok());
  ASSERT_TRUE(accounts_->AddUser({"bob", "director", "", "", "", "a-long-password-1"}, cli_).ok());
  auto signed_in = accounts_->SignInWithPassword("ann", "a-long-password-1", cli_);
  ASSERT_TRUE(signed_in.ok() && signed_in->outcome == Accounts::SignIn::Outcome::kSignedIn);
  AccessCache cache;
  // One Accounts per request, sharing the cache, as `cairn serve` does.
  auto request = [&]() {
    auto accounts = std::make_unique<Accounts>(*db_, roles_, clock_, PasswordHasher(PasswordCost::ForTests()));
    accounts->UseCache(&cache);
    return accounts;
  };
  auto resumed = request()->Resume(signed_in->token);
  ASSERT_TRUE(resumed.ok() && resumed->has_value());
  EXPECT_TRUE((*resumed)->principal.grants.empty());
  auto restrictions = request()->LoadRestrictions();
  ASSERT_TRUE(restrictions.ok());
  EXPECT_EQ(restrictions->size(), 0u);

  // A refreshed idle timer leaves the generation, and so the cache, alone.
  auto generation = store::AccessGeneration(*db_);
  ASSERT_TRUE(generation.ok());
  clock_.Advance(61);
  ASSERT_TRUE(request()->Resume(signed_in->token)->has_value());
  EXPECT_EQ(*store::AccessGeneration(*db_), *generation);

  // A grant and a restriction made elsewhere are in the next request's answers.
  ASSERT_TRUE(accounts_->GrantAccess({"ann", Grant::Kind::kChild, "C9", D(2025, 4, 30), "cover"}, cli_).ok());
  resumed = request()->Resume(signed_in->token);
  ASSERT_TRUE(resumed.ok() && resumed->has_value());
  ASSERT_EQ((*resumed)->principal.grants.size(), 1u);
  EXPECT_EQ((*resumed)->principal.grants[0].target, "C9");
  ASSERT_TRUE(accounts_->Restrict("C9", {"bob"}, "staff member's child", cli_).ok());
  restrictions = request()->LoadRestrictions();
  ASSERT_TRUE(restrictions.ok());
  EXPECT_TRUE(restrictions->IsRestricted("C9"));
  EXPECT_FALSE(restrictions->Allows("C9", "ann"));

  // The cache is really used: a change the triggers do not see (here, one made with them
  // dropped) is not noticed. This is why every access table has them.
  ASSERT_TRUE(request()->Resume(signed_in->token)->has_value());  // cached under today's generation
  // (PostgreSQL names a trigger's table when dropping it.)
  const std::string drop = db_->backend_name() == "postgresql" ? "DROP TRIGGER app_user_updated ON app_user; "
                                                                : "DROP TRIGGER app_user_updated; ";
  ASSERT_TRUE(db_->ExecuteScript(drop + "UPDATE app_user SET worker_id = 'SW2' WHERE username = 'ann'").ok());
  resumed = request()->Resume(signed_in->token);
  ASSERT_TRUE(resumed.ok() && resumed->has_value());
  EXPECT_EQ((*resumed)->principal.worker_id, "SW1");

  // Disabled elsewhere: the session is gone at the next request.
  ASSERT_TRUE(accounts_->SetDisabled("ann", true, cli_).ok());
  resumed = request()->Resume(signed_in->token);
  ASSERT_TRUE(resumed.ok());
  EXPECT_FALSE(resumed->has_value());
}

// One Accounts with the cache that changes access itself sees its own change at its next read.
TEST_F(AccountsTest, ACachedAccountsSeesItsOwnChange) {
  ASSERT_TRUE(accounts_->AddUser({"bob", "director", "", "", "", "a-long-password-1"}, cli_).ok());
  AccessCache cache;
  accounts_->UseCache(&cache);
  auto before = accounts_->LoadRestrictions();
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->IsRestricted("C9"));
  ASSERT_TRUE(accounts_->Restrict("C9", {"bob"}, "staff member's child", cli_).ok());
  auto after = accounts_->LoadRestrictions();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->IsRestricted("C9"));
  accounts_->UseCache(nullptr);  // the fixture's cache-free Accounts again for TearDown
}

}  // namespace
}  // namespace cairn::access
