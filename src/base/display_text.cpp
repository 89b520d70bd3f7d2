#include "base/display_text.h"

#include <fmt/format.h>

#include <cmath>

#include "base/json_text.h"

namespace cairn {
namespace {

void AppendHex(unsigned char byte, std::string& out) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  out += "\\x";
  out += kDigits[byte >> 4];
  out += kDigits[byte & 0xF];
}

}  // namespace

std::string QuoteForDisplay(std::string_view text) {
  return "'" + EscapeForDisplay(text.substr(0, 40)) + (text.size() > 40 ? "...'" : "'");
}

std::string EscapeForDisplay(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) {
      AppendHex(byte, out);
      ++i;
      continue;
    }
    if (byte == '\\') {
      out += "\\\\";
      ++i;
      continue;
    }
    if (byte < 0x80) {
      out += static_cast<char>(byte);
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      AppendHex(byte, out);
      ++i;
      continue;
    }
    // C1 controls (U+0080-U+009F, C2 80-C2 9F) act on terminals as ESC sequences do.
    if (byte == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      AppendHex(byte, out);
      AppendHex(static_cast<unsigned char>(text[i + 1]), out);
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

bool XmlCanCarry(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') return false;
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    // U+FFFE and U+FFFF (EF BF BE, EF BF BF); surrogates are already not well-formed UTF-8.
    if (length == 3 && byte == 0xEF && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        static_cast<unsigned char>(text[i + 2]) >= 0xBE) {
      return false;
    }
    i += length;
  }
  return true;
}

std::string XmlSafeText(std::string_view text) {
  if (XmlCanCarry(text)) return std::string(text);
  std::string safe;
  safe.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      safe += (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7f ? ' ' : text[i];
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      safe += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    std::string_view sequence = text.substr(i, length);
    // U+FFFE, U+FFFF and C1 controls are well-formed UTF-8 that XML 1.0 still cannot carry.
    if (XmlCanCarry(sequence)) {
      safe += sequence;
    } else {
      safe += ' ';
    }
    i += length;
  }
  return safe;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

double RoundToOneDecimal(double value) { return std::round(value * 10.0) / 10.0; }

std::string OneDecimal(double value) {
  const double rounded = RoundToOneDecimal(value);
  return fmt::format("{:.1f}", rounded == 0.0 ? 0.0 : rounded);  // no "-0.0"
}

}  // namespace cairn
