// Reading SQL text without a parser, shared by the backends: where literals, quoted identifiers,
// comments and PostgreSQL's dollar-quoted bodies start and end, so that `$N` placeholders and
// statement-ending semicolons are found only where SQL itself would see them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::store::sql_text {

bool IsSpace(char c);
bool IsDigit(char c);
// SQLite and PostgreSQL both allow '$' inside identifiers, and any non-ASCII byte.
bool IsIdentifierChar(char c);

// Where the comment starting at sql[i] ends (one past it), or i when no comment starts there.
size_t SkipComment(std::string_view sql, size_t i);
// Where the '...' literal or "..." identifier starting at sql[i] ends (one past its closing
// quote; a doubled quote stays inside), or i when none starts there.
size_t SkipQuoted(std::string_view sql, size_t i);
// Where the PostgreSQL dollar-quoted body starting at sql[i] ($$ ... $$ or $tag$ ... $tag$)
// ends, or i when none starts there. `$1` is a placeholder, never a dollar quote.
size_t SkipDollarQuoted(std::string_view sql, size_t i);

bool OnlySpaceCommentsAndSemicolons(std::string_view sql);

// The SQL on one line and short enough to read in an error message, in backquotes.
std::string Quoted(std::string_view sql);

// Why $index cannot be bound in `sql`, which has `count` parameters, in words for an error.
std::string NoSuchParameter(int index, std::string_view sql, int count);

// The highest N of a `$N` placeholder SQL would see (0 when there is none).
int HighestPlaceholder(std::string_view sql);

// A script's statements, split at the semicolons SQL would see, each without its semicolon;
// statements holding only spaces and comments are left out.
std::vector<std::string_view> SplitStatements(std::string_view script);

}  // namespace cairn::store::sql_text
