#include "base/json_text.h"

#include <cstdint>
#include <cstring>

namespace cairn {

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t at) { return at < text.size() ? static_cast<unsigned char>(text[at]) : 0u; };
  const auto follows = [&](size_t at, unsigned low = 0x80, unsigned high = 0xBF) {
    return byte(at) >= low && byte(at) <= high;
  };
  const unsigned lead = byte(i);
  if (lead >= 0xC2 && lead <= 0xDF) return follows(i + 1) ? 2 : 0;
  if (lead == 0xE0) return follows(i + 1, 0xA0) && follows(i + 2) ? 3 : 0;
  if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) return follows(i + 1) && follows(i + 2) ? 3 : 0;
  if (lead == 0xED) return follows(i + 1, 0x80, 0x9F) && follows(i + 2) ? 3 : 0;
  if (lead == 0xF0) return follows(i + 1, 0x90) && follows(i + 2) && follows(i + 3) ? 4 : 0;
  if (lead >= 0xF1 && lead <= 0xF3) return follows(i + 1) && follows(i + 2) && follows(i + 3) ? 4 : 0;
  if (lead == 0xF4) return follows(i + 1, 0x80, 0x8F) && follows(i + 2) && follows(i + 3) ? 4 : 0;
  return 0;
}

namespace {

// The first position at or after `from` holding a byte a JSON string cannot carry as it is: below
// 0x20, '"', '\\', or 0x80 and above (the start of a character to check); text.size() if none.
// Eight bytes at a time: a child's page writes some 40 KB of strings, and a byte-at-a-time scan
// was an eighth of the server's time.
size_t PlainUntil(std::string_view text, size_t from) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  // Whether some byte of x is zero (or, for below, less than n), for bytes under 0x80: the usual
  // borrow trick, where a byte can only be flagged above a byte that truly matches.
  const auto any_zero = [](uint64_t x) { return ((x - kOnes) & ~x & kHighs) != 0; };
  const auto any_below = [](uint64_t x, uint64_t n) { return ((x - kOnes * n) & ~x & kHighs) != 0; };
  size_t i = from;
  while (i + 8 <= text.size()) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    if ((word & kHighs) != 0 || any_below(word, 0x20) || any_zero(word ^ (kOnes * '"')) ||
        any_zero(word ^ (kOnes * '\\'))) {
      break;
    }
    i += 8;
  }
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    ++i;
  }
  return i;
}

}  // namespace

bool AppendJsonString(std::string_view text, std::string& out) {
  // Nearly every string a page writes (codes, dates, titles) is plain ASCII with nothing to
  // escape: found so, it is copied whole.
  size_t i = PlainUntil(text, 0);
  if (i == text.size()) {
    out.reserve(out.size() + text.size() + 2);
    out += '"';
    out.append(text);
    out += '"';
    return true;
  }
  out += '"';
  size_t plain = 0;  // start of the run not yet copied (everything before i is plain)
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text, i);
      if (length == 0) return false;
      i += length;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      i = PlainUntil(text, i + 1);
      continue;
    }
    out.append(text.substr(plain, i - plain));
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      }
    }
    plain = ++i;
  }
  out.append(text.substr(plain));
  out += '"';
  return true;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

void AppendJsonStringRepairingUtf8(std::string_view text, std::string& out) {
  const size_t mark = out.size();
  if (AppendJsonString(text, out)) return;
  out.resize(mark);  // refused part-way: drop what it wrote and write a repaired copy
  std::string repaired;
  repaired.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      repaired += text[i++];
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      repaired += "\xEF\xBF\xBD";
      ++i;
    } else {
      repaired.append(text.substr(i, length));
      i += length;
    }
  }
  AppendJsonString(repaired, out);
}

}  // namespace cairn
