// Fuzz target for the parsing of what an HTTP client sends (src/http/message.h).
//
// The bytes are used three ways: as a request target for ParseTarget, as a form body for
// ParseForm, and (split at the first '\n') as a cookie name and a Cookie header for
// Request::Cookie. Each must return (never crash or hang), and whatever it returns must keep the
// header's promises; on a violation the target prints what broke and aborts, which libFuzzer
// reports as a crash and saves as a reproducer.
//  * Decoded text (path, field names and values) is valid UTF-8 with no NUL or other control
//    character but tab, CR and LF; an error carries a message.
//  * A parsed path starts with '/', holds no '\' and no "." or ".." segment, so no target can
//    name a file outside /static/.
//  * A form has at most 256 fields; percent-encoding every field again and parsing the result
//    gives back the same fields in the same order.
//  * A cookie's value holds no ';', and "name=value" appears in the header as sent.
//  * EscapeHtml of any decoded text holds none of < > " ' and no '&' but the start of an entity.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"

namespace {

using cairn::http::EscapeHtml;
using cairn::http::ParseForm;
using cairn::http::ParseTarget;
using cairn::http::Request;
using Fields = std::vector<std::pair<std::string, std::string>>;

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "http_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

// Valid UTF-8 as RFC 3629 has it: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    unsigned min = 0;
    unsigned code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      length = 2, min = 0x80, code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3, min = 0x800, code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4, min = 0x10000, code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

void CheckDecoded(std::string_view text, const char* what) {
  Check(IsUtf8(text), what, "is not valid UTF-8");
  for (unsigned char c : text) {
    Check(!((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f), what, "holds a control character");
  }
  const std::string escaped = EscapeHtml(text);
  for (size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    Check(c != '<' && c != '>' && c != '"' && c != '\'', "EscapeHtml left a special character in", escaped);
    if (c == '&') {
      const std::string_view rest = std::string_view(escaped).substr(i);
      Check(rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;") ||
                rest.starts_with("&quot;") || rest.starts_with("&#39;"),
            "EscapeHtml left a bare '&' in", escaped);
    }
  }
}

std::string Encode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

void CheckFields(const Fields& fields, const char* what) {
  Check(fields.size() <= 256, what, "has more than 256 fields");
  for (const auto& [name, value] : fields) {
    CheckDecoded(name, "a field name");
    CheckDecoded(value, "a field value");
  }
  std::string again;
  for (const auto& [name, value] : fields) {
    if (!again.empty()) again += '&';
    again += Encode(name) + "=" + Encode(value);
  }
  auto reparsed = ParseForm(again);
  Check(reparsed.ok(), "re-encoded fields do not parse:", reparsed.status().message());
  Check(*reparsed == fields, "re-encoded fields parse differently:", again);
}

void FuzzTarget(std::string_view text) {
  Request request;
  const cairn::Status status = ParseTarget(text, request);
  if (!status.ok()) {
    Check(!status.message().empty(), "ParseTarget failed without a message");
    return;
  }
  const std::string& path = request.path;
  Check(!path.empty() && path.front() == '/', "path does not start with '/':", path);
  Check(path.find('\\') == std::string::npos, "path holds a backslash:", path);
  CheckDecoded(path, "the path");
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string_view segment = std::string_view(path).substr(start, end - start);
    Check(segment != "." && segment != "..", "path holds a dot segment:", path);
    start = end + 1;
  }
  CheckFields(request.query, "the query");
  if (text.find('?') == std::string_view::npos) Check(request.query.empty(), "a query without '?'");
}

void FuzzForm(std::string_view text) {
  auto fields = ParseForm(text);
  if (!fields.ok()) {
    Check(!fields.status().message().empty(), "ParseForm failed without a message");
    return;
  }
  CheckFields(*fields, "the form");
}

void FuzzCookie(std::string_view text) {
  const size_t newline = text.find('\n');
  const std::string_view name = newline == std::string_view::npos ? std::string_view("cairn_session")
                                                                   : text.substr(0, newline);
  const std::string_view header = newline == std::string_view::npos ? text : text.substr(newline + 1);
  Request request;
  request.headers.emplace_back("cookie", std::string(header));
  const std::optional<std::string> value = request.Cookie(name);
  if (!value) return;
  Check(value->find(';') == std::string::npos, "cookie value holds ';':", *value);
  Check(header.find(std::string(name) + "=" + *value) != std::string_view::npos,
        "cookie name=value is not in the header:", *value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;  // targets beyond 4096 bytes are refused before parsing
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzTarget(text);
  FuzzForm(text);
  FuzzCookie(text);
  return 0;
}
