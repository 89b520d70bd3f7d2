#include "store/sql_text.h"

#include <charconv>
#include <climits>

namespace cairn::store::sql_text {
namespace {

constexpr size_t kMaxSqlInMessage = 160;

bool IsTagChar(char c) { return IsIdentifierChar(c) && c != '$'; }

// The next position after sql[i] that is not inside a literal, identifier, comment or body.
size_t SkipOpaque(std::string_view sql, size_t i) {
  if (size_t after = SkipQuoted(sql, i); after != i) return after;
  if (size_t after = SkipComment(sql, i); after != i) return after;
  if (size_t after = SkipDollarQuoted(sql, i); after != i) return after;
  return i;
}

}  // namespace

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

size_t SkipComment(std::string_view sql, size_t i) {
  if (sql.substr(i, 2) == "--") {
    const size_t newline = sql.find('\n', i + 2);
    return newline == std::string_view::npos ? sql.size() : newline + 1;
  }
  if (sql.substr(i, 2) == "/*") {
    const size_t close = sql.find("*/", i + 2);
    return close == std::string_view::npos ? sql.size() : close + 2;
  }
  return i;
}

size_t SkipQuoted(std::string_view sql, size_t i) {
  if (i >= sql.size() || (sql[i] != '\'' && sql[i] != '"')) return i;
  const char quote = sql[i];
  size_t j = i + 1;
  while (j < sql.size()) {
    if (sql[j] != quote) {
      ++j;
    } else if (j + 1 < sql.size() && sql[j + 1] == quote) {
      j += 2;
    } else {
      return j + 1;
    }
  }
  return sql.size();
}

size_t SkipDollarQuoted(std::string_view sql, size_t i) {
  if (i >= sql.size() || sql[i] != '$') return i;
  if (i > 0 && IsIdentifierChar(sql[i - 1])) return i;  // a$b is an identifier
  size_t j = i + 1;
  if (j < sql.size() && IsDigit(sql[j])) return i;  // $1 is a placeholder
  while (j < sql.size() && IsTagChar(sql[j])) ++j;
  if (j >= sql.size() || sql[j] != '$') return i;
  const std::string_view tag = sql.substr(i, j - i + 1);  // "$$" or "$body$"
  const size_t close = sql.find(tag, j + 1);
  return close == std::string_view::npos ? sql.size() : close + tag.size();
}

bool OnlySpaceCommentsAndSemicolons(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (IsSpace(sql[i]) || sql[i] == ';') {
      ++i;
      continue;
    }
    const size_t after = SkipComment(sql, i);
    if (after == i) return false;
    i = after;
  }
  return true;
}

std::string Quoted(std::string_view sql) {
  std::string line;
  bool pending_space = false;
  for (char c : sql) {
    if (IsSpace(c)) {
      pending_space = !line.empty();
      continue;
    }
    if (pending_space) line += ' ';
    pending_space = false;
    line += c;
  }
  if (line.size() > kMaxSqlInMessage) {
    size_t cut = kMaxSqlInMessage - 1;
    // Never cut a UTF-8 sequence in half.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line.resize(cut);
    line += "…";
  }
  return "`" + line + "`";
}

std::string NoSuchParameter(int index, std::string_view sql, int count) {
  std::string has;
  if (count == 0) {
    has = "it takes no parameters";
  } else if (count == 1) {
    has = "its only parameter is $1";
  } else {
    has = "its parameters are $1 to $" + std::to_string(count);
  }
  return "could not bind $" + std::to_string(index) + " in SQL " + Quoted(sql) + ": " + has;
}

int HighestPlaceholder(std::string_view sql) {
  int highest = 0;
  size_t i = 0;
  while (i < sql.size()) {
    if (size_t after = SkipOpaque(sql, i); after != i) {
      i = after;
      continue;
    }
    if (sql[i] == '$' && i + 1 < sql.size() && IsDigit(sql[i + 1]) && (i == 0 || !IsIdentifierChar(sql[i - 1]))) {
      size_t j = i + 1;
      while (j < sql.size() && IsDigit(sql[j])) ++j;
      int number = 0;
      const auto [end, error] = std::from_chars(sql.data() + i + 1, sql.data() + j, number);
      if (error != std::errc() || end != sql.data() + j) number = INT_MAX;
      if (number > highest) highest = number;
      i = j;
      continue;
    }
    ++i;
  }
  return highest;
}

std::vector<std::string_view> SplitStatements(std::string_view script) {
  std::vector<std::string_view> statements;
  size_t start = 0;
  size_t i = 0;
  const auto finish = [&](size_t end) {
    const std::string_view statement = script.substr(start, end - start);
    if (!OnlySpaceCommentsAndSemicolons(statement)) statements.push_back(statement);
  };
  while (i < script.size()) {
    if (size_t after = SkipOpaque(script, i); after != i) {
      i = after;
      continue;
    }
    if (script[i] == ';') {
      finish(i);
      start = i + 1;
    }
    ++i;
  }
  finish(script.size());
  return statements;
}

}  // namespace cairn::store::sql_text
