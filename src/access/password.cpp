#include "access/password.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "base/json_text.h"

namespace cairn::access {
namespace {

void EnsureSodium() {
  static const int ready = sodium_init();  // idempotent and thread-safe
  (void)ready;
}

// The passwords most often found in breaches and tried first by anyone guessing; lower case
// (the check ignores case). A short list on purpose: length does the rest.
constexpr std::array<std::string_view, 40> kCommonPasswords = {
    "password",     "password1",    "password12",   "password123",  "password1234", "passw0rd",
    "123456789012", "1234567890",   "12345678910",  "qwertyuiop",   "qwerty123456", "qwertyuiop123",
    "iloveyou1234", "welcome12345", "welcome123",   "letmein12345", "changeme1234", "changeme",
    "administrator", "admin1234567", "football1234", "monkey123456", "sunshine1234", "princess1234",
    "abc123456789", "abcdefghijkl", "aaaaaaaaaaaa", "111111111111", "000000000000", "trustno11234",
    "liverpool123", "liverpoolfc1", "manchester12", "socialworker", "socialcare12", "children1234",
    "council12345", "summer202425", "winter202425", "spring202425"};

}  // namespace

PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::ForTests() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.operations, cost_.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("could not hash the password: the machine is out of memory");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(std::string_view hash, std::string_view password) const {
  EnsureSodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  char stored[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), stored);
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view hash) const {
  EnsureSodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  char stored[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), stored);
  return crypto_pwhash_str_needs_rehash(stored, cost_.operations, cost_.memory_bytes) != 0;
}

Status CheckPasswordPolicy(std::string_view password, std::string_view username) {
  if (!IsValidUtf8(password)) return Status::InvalidArgument("the password is not valid text (UTF-8)");
  if (password.size() < kMinPasswordLength) {
    return Status::InvalidArgument("the password must be at least " + std::to_string(kMinPasswordLength) +
                                   " characters long");
  }
  if (password.size() > 1024) return Status::InvalidArgument("the password must be at most 1,024 characters long");
  std::string lower(password);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string lower_user(username);
  std::transform(lower_user.begin(), lower_user.end(), lower_user.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (!lower_user.empty() && lower.find(lower_user) != std::string::npos) {
    return Status::InvalidArgument("the password must not contain the username");
  }
  if (std::find(kCommonPasswords.begin(), kCommonPasswords.end(), lower) != kCommonPasswords.end()) {
    return Status::InvalidArgument("that password is one of the most commonly used ones; choose another");
  }
  return Status::Ok();
}

std::string RandomToken(size_t bytes) {
  EnsureSodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.resize(bytes * 2);
  return hex;
}

std::string OneTimePassword() {
  EnsureSodium();
  // No 0/O, 1/l/I: read aloud or copied from a screen without mistakes.
  constexpr std::string_view kAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string password;
  for (int i = 0; i < 20; ++i) {
    if (i > 0 && i % 5 == 0) password += '-';
    password += kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
  }
  return password;
}

std::string TokenHash(std::string_view token) {
  EnsureSodium();
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, sizeof digest * 2);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cairn::access
