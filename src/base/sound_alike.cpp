#include "base/sound_alike.h"

#include <cctype>

namespace cairn {
namespace {

// The digit for each letter A-Z; '0' for vowels and Y, '-' for H and W (which do not separate
// letters of the same code).
constexpr char kCodes[] = "0123012-02245501262301-202";

}  // namespace

std::string Soundex(std::string_view word) {
  std::string code;
  char previous = 0;
  for (const char raw : word) {
    const unsigned char c = static_cast<unsigned char>(std::toupper(static_cast<unsigned char>(raw)));
    if (c < 'A' || c > 'Z') continue;
    const char digit = kCodes[c - 'A'];
    if (code.empty()) {
      code += static_cast<char>(c);
      previous = digit;
      continue;
    }
    if (digit == '-') continue;  // H, W: the letters either side still merge
    if (digit != '0' && digit != previous) code += digit;
    previous = digit;
    if (code.size() == 4) break;
  }
  if (code.empty()) return code;
  code.resize(4, '0');
  return code;
}

}  // namespace cairn
