// UTF-8 checking and JSON string writing, for code that writes JSON by hand on a hot path (the
// store writes a million event field objects in an import) or must refuse text JSON cannot hold.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cairn {

// Length of the UTF-8 sequence starting at text[i] (a byte of 0x80 or more), or 0 when it is
// not well formed: overlong forms, surrogates and code points past U+10FFFF are refused, as
// JSON parsers refuse them.
size_t Utf8SequenceLength(std::string_view text, size_t i);

// Whether `text` is well-formed UTF-8 (ASCII included).
bool IsValidUtf8(std::string_view text);

// Appends `text` as a JSON string exactly as nlohmann::json::dump() writes it (", \ and control
// characters escaped, the rest as is), so JSON keeps one format whichever wrote it. False, with
// `out` part-written, when `text` is not UTF-8, which JSON cannot hold.
bool AppendJsonString(std::string_view text, std::string& out);

// AppendJsonString for text kept byte for byte from outside (imported ids, names): a byte that
// does not belong to a well-formed UTF-8 sequence is written as U+FFFD, one per byte, rather than
// losing the whole value or writing JSON no parser accepts.
void AppendJsonStringRepairingUtf8(std::string_view text, std::string& out);

}  // namespace cairn
