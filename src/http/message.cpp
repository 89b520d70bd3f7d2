#include "http/message.h"

#include <algorithm>

#include "base/json_text.h"

namespace cairn::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kOther: return "OTHER";
  }
  return "OTHER";
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Query(std::string_view name) const { return FormValue(query, name); }

std::optional<std::string> Request::Cookie(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      size_t equals = pair.find('=');
      if (equals == std::string_view::npos) continue;
      if (pair.substr(0, equals) == name) return std::string(pair.substr(equals + 1));
    }
  }
  return std::nullopt;
}

void Response::SetHeader(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (key == name) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return Status::InvalidArgument("a '%' escape is cut short");
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return Status::InvalidArgument("a '%' escape is not two hex digits");
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (!IsValidUtf8(out)) return Status::InvalidArgument("the text is not valid UTF-8");
  for (unsigned char c : out) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return Status::InvalidArgument("the text holds a control character");
    }
    if (c == 0x7f) return Status::InvalidArgument("the text holds a control character");
  }
  return out;
}

Status ParseTarget(std::string_view target, Request& request) {
  if (target.empty() || target.front() != '/') return Status::InvalidArgument("the request path must start with '/'");
  const size_t question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  // An encoded slash or backslash could smuggle a ".." past the segment check below.
  for (size_t i = 0; i + 2 < raw_path.size(); ++i) {
    if (raw_path[i] == '%' && raw_path[i + 1] == '2' && (raw_path[i + 2] == 'f' || raw_path[i + 2] == 'F')) {
      return Status::InvalidArgument("the path holds an encoded '/'");
    }
    if (raw_path[i] == '%' && raw_path[i + 1] == '5' && (raw_path[i + 2] == 'c' || raw_path[i + 2] == 'C')) {
      return Status::InvalidArgument("the path holds an encoded '\\'");
    }
  }
  CAIRN_ASSIGN_OR_RETURN(std::string path, PercentDecode(raw_path, /*plus_is_space=*/false));
  if (path.find('\\') != std::string::npos) return Status::InvalidArgument("the path holds a '\\'");
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string_view segment = std::string_view(path).substr(start, end - start);
    if (segment == "." || segment == "..") return Status::InvalidArgument("the path holds a '.' or '..' segment");
    start = end + 1;
  }
  request.path = std::move(path);
  request.query.clear();
  if (question != std::string_view::npos) {
    CAIRN_ASSIGN_OR_RETURN(request.query, ParseForm(target.substr(question + 1)));
  }
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> fields;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    if (fields.size() >= 256) return Status::InvalidArgument("too many fields");
    const size_t equals = pair.find('=');
    Result<std::string> name = PercentDecode(pair.substr(0, equals), /*plus_is_space=*/true);
    if (!name.ok()) return name.status().WithContext("a field name");
    std::string value;
    if (equals != std::string_view::npos) {
      Result<std::string> decoded = PercentDecode(pair.substr(equals + 1), /*plus_is_space=*/true);
      if (!decoded.ok()) return decoded.status().WithContext("field '" + EscapeHtml(*name) + "'");
      value = std::move(*decoded);
    }
    fields.emplace_back(std::move(*name), std::move(value));
  }
  return fields;
}

std::optional<std::string_view> FormValue(const std::vector<std::pair<std::string, std::string>>& form,
                                          std::string_view name) {
  for (const auto& [key, value] : form) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') || byte == '-' ||
        byte == '.' || byte == '_' || byte == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

}  // namespace cairn::http
