// Cairn's small router: method and path pattern to a route number. Patterns are literal
// segments and {name} parameters ("/children/{id}"); a parameter matches one whole, non-empty
// segment. HEAD is answered by a GET route. Kept apart from RESTinio so routes can be tested and
// listed (the role-matrix test walks every one) without a server.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "http/message.h"

namespace cairn::http {

struct RouteMatch {
  size_t route = 0;
  std::vector<std::pair<std::string, std::string>> params;  // name, value (decoded)

  std::string_view Param(std::string_view name) const;
};

class Router {
 public:
  // A pattern already added for the method, or a malformed one, is InvalidArgument.
  Status Add(Method method, std::string_view pattern, size_t route);

  enum class Outcome { kMatched, kNoSuchPath, kWrongMethod };
  Outcome Match(Method method, std::string_view path, RouteMatch& match) const;

 private:
  struct Entry {
    Method method;
    std::vector<std::string> segments;  // "{id}" for a parameter
    size_t route;
  };
  static bool MatchSegments(const Entry& entry, const std::vector<std::string_view>& segments, RouteMatch& match);
  std::vector<Entry> entries_;
};

}  // namespace cairn::http
