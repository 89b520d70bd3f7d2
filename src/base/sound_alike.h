// Names that sound alike: American Soundex (a letter and three digits), so a search for "Jon
// Smyth" finds "John Smith". Letters outside A-Z (accents, apostrophes, hyphens) are skipped, so
// "O'Brien" codes as "OBRIEN".
#pragma once

#include <string>
#include <string_view>

namespace cairn {

// "R163" for "Robert" and "Rupert"; "" when the word holds no letter A-Z.
std::string Soundex(std::string_view word);

}  // namespace cairn
