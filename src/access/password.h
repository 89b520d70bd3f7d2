// Passwords and secret tokens. Passwords are hashed with Argon2id (libsodium), in libsodium's
// string form, which records the parameters used, so a hash made with weaker parameters is
// noticed at the next sign-in and replaced. Tokens (sessions, CSRF, one-time passwords) come
// from libsodium's random generator; only a BLAKE2b hash of a session token is ever stored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn::access {

// Argon2id cost. Interactive() is libsodium's interactive level (64 MiB, 2 passes), about a
// tenth of a second here; ForTests() is libsodium's minimum, for test suites that create many
// users. Both produce hashes Verify() reads.
struct PasswordCost {
  uint64_t operations = 0;
  size_t memory_bytes = 0;
  static PasswordCost Interactive();
  static PasswordCost ForTests();
};

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordCost cost = PasswordCost::Interactive()) : cost_(cost) {}

  // The Argon2id string for `password`; Internal only when the machine has no memory to spare.
  Result<std::string> Hash(std::string_view password) const;
  // Whether `password` matches `hash` (false for a malformed hash, never an error).
  bool Verify(std::string_view hash, std::string_view password) const;
  // Whether `hash` was made with other parameters than this hasher's (so should be remade).
  bool NeedsRehash(std::string_view hash) const;

 private:
  PasswordCost cost_;
};

// The password rules: at least 12 characters (and at most 1,024), valid UTF-8, not the username,
// and not one of the commonly used passwords that are tried first by anyone guessing. Returns a
// sentence saying what is wrong, for the person choosing it.
Status CheckPasswordPolicy(std::string_view password, std::string_view username);

inline constexpr size_t kMinPasswordLength = 12;

// A random token of `bytes` bytes, as lowercase hex.
std::string RandomToken(size_t bytes = 32);
// A random one-time password people can type: 20 characters of letters and digits, in groups.
std::string OneTimePassword();
// Lowercase hex BLAKE2b-256 of `token`: what is stored for a session.
std::string TokenHash(std::string_view token);
// Compares two strings in time that does not depend on where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace cairn::access
