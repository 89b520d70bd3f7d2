#include "http/router.h"

namespace cairn::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (path == "/") segments.clear();
  return segments;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string_view RouteMatch::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

Status Router::Add(Method method, std::string_view pattern, size_t route) {
  if (pattern.empty() || pattern.front() != '/') {
    return Status::InvalidArgument("route pattern '" + std::string(pattern) + "' must start with '/'");
  }
  Entry entry{method, {}, route};
  for (std::string_view segment : SplitPath(pattern)) {
    if (segment.empty() && pattern != "/") {
      return Status::InvalidArgument("route pattern '" + std::string(pattern) + "' has an empty segment");
    }
    entry.segments.emplace_back(segment);
  }
  for (const Entry& existing : entries_) {
    if (existing.method == method && existing.segments == entry.segments) {
      return Status::InvalidArgument("route " + std::string(MethodName(method)) + " " + std::string(pattern) +
                                     " is registered twice");
    }
  }
  entries_.push_back(std::move(entry));
  return Status::Ok();
}

bool Router::MatchSegments(const Entry& entry, const std::vector<std::string_view>& segments, RouteMatch& match) {
  if (entry.segments.size() != segments.size()) return false;
  match.params.clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = entry.segments[i];
    if (IsParameter(want)) {
      if (segments[i].empty()) return false;
      match.params.emplace_back(want.substr(1, want.size() - 2), std::string(segments[i]));
    } else if (want != segments[i]) {
      return false;
    }
  }
  match.route = entry.route;
  return true;
}

Router::Outcome Router::Match(Method method, std::string_view path, RouteMatch& match) const {
  const std::vector<std::string_view> segments = SplitPath(path);
  const Method wanted = method == Method::kHead ? Method::kGet : method;
  bool path_known = false;
  // Literal routes win over parameter routes ("/children/new" before "/children/{id}").
  for (int pass = 0; pass < 2; ++pass) {
    for (const Entry& entry : entries_) {
      bool has_parameter = false;
      for (const std::string& segment : entry.segments) has_parameter = has_parameter || IsParameter(segment);
      if (has_parameter != (pass == 1)) continue;
      RouteMatch candidate;
      if (!MatchSegments(entry, segments, candidate)) continue;
      if (entry.method != wanted) {
        path_known = true;
        continue;
      }
      match = std::move(candidate);
      return Outcome::kMatched;
    }
  }
  return path_known ? Outcome::kWrongMethod : Outcome::kNoSuchPath;
}

}  // namespace cairn::http
