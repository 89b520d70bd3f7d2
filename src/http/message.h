// HTTP requests and responses as plain values, and the parsing of what a client sends (paths,
// query strings, form bodies, cookies). Nothing here knows RESTinio: server.cpp converts its
// requests into these, so the rest of Cairn (and the fuzzers) never include it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/display_text.h"
#include "base/status.h"

namespace cairn::http {

enum class Method { kGet, kHead, kPost, kOther };
std::string_view MethodName(Method method);

// Limits on what a client may send; beyond them the server answers 413, 414 or 431.
struct Limits {
  size_t max_target = 4096;        // request target (path and query)
  size_t max_header_bytes = 16384;  // every header name and value together
  size_t max_headers = 64;
  size_t max_body = 65536;
};

struct Request {
  Method method = Method::kGet;
  std::string target;  // as sent: path and query, still percent-encoded
  std::string path;    // decoded path, without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case, in order
  std::string body;
  std::string client;  // the client's address, "127.0.0.1"

  // The first header of that (lower-case) name, or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The first query parameter of that name, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
  // A cookie's value, or nullopt.
  std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  void SetHeader(std::string name, std::string value);
};

std::string_view ReasonPhrase(int status);

// Percent-decodes `text` ('+' as space when `plus_is_space`). A malformed escape or a result
// that is not valid UTF-8, or holds a NUL or other control character, is InvalidArgument.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Splits a request target into its decoded path and query parameters. The path must start with
// '/', and may not hold "." or ".." segments or an encoded '/' (path traversal); violations are
// InvalidArgument with a sentence for the 400 page.
Status ParseTarget(std::string_view target, Request& request);

// application/x-www-form-urlencoded (a query string or a form body): name=value pairs in order.
Result<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body);

// The first value of `name` among form fields, or nullopt.
std::optional<std::string_view> FormValue(const std::vector<std::pair<std::string, std::string>>& form,
                                          std::string_view name);

// Percent-encodes a query value: every byte but A-Z a-z 0-9 - . _ ~ as %XX.
std::string PercentEncode(std::string_view text);

// base/display_text.h's, here too because most of its users build pages.
using ::cairn::EscapeHtml;

}  // namespace cairn::http
