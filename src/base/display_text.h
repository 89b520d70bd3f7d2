// Text that came from outside Cairn, made safe to show or to carry in XML.
//
// A return can hold any bytes. Echoed raw, an ESC byte drives the analyst's terminal (it can
// hide lines or retitle the window), and bytes that are not UTF-8, or control characters XML 1.0
// has no way to write, make a CIN census file that the DfE's upload refuses.
#pragma once

#include <string>
#include <string_view>

namespace cairn {

// `text` with every control character (C0, DEL and C1, line breaks and tabs included) and every
// byte that is not part of well-formed UTF-8 written as \xNN, and backslashes doubled, so it
// prints on one line and only as itself. Well-formed UTF-8 otherwise passes unchanged.
std::string EscapeForDisplay(std::string_view text);

// What someone typed, as a message quotes it: in single quotes, at most 40 bytes (then "..."),
// escaped as EscapeForDisplay does, so a client's value can be named without flooding or driving
// the terminal or page that shows the message.
std::string QuoteForDisplay(std::string_view text);

// Whether XML 1.0 can carry `text` as element content: well-formed UTF-8 whose characters are
// all in XML's Char production (tab, line feed, carriage return, U+0020-U+D7FF, U+E000-U+FFFD,
// U+10000-U+10FFFF). ESC, NUL, form feed, U+FFFE and U+FFFF are not.
bool XmlCanCarry(std::string_view text);

// Text safe inside an XML document (a workbook): bytes that XML 1.0 forbids (controls other
// than tab, line feed and carriage return) become spaces; invalid UTF-8 becomes U+FFFD.
std::string XmlSafeText(std::string_view text);

// Escapes text for HTML (& < > " '), for the few places that build HTML outside a template
// (the web's tables, the printed pack).
std::string EscapeHtml(std::string_view text);

// A figure to one decimal place, halves away from zero (9 of 16 is 56.25%, shown 56.3), the
// one rounding every page, download and JSON line of Cairn's uses. printf's %.1f would round a
// half that binary holds exactly to even (56.2), so a page and `cairn indicators` could differ.
double RoundToOneDecimal(double value);
std::string OneDecimal(double value);

}  // namespace cairn
