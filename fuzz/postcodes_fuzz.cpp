// Fuzz target for the ONS Postcode Directory reader (src/geography/postcode_directory.h).
//
// Any bytes go to ReadOnsPostcodeText as the ONS CSV. It must return (never crash or hang), and
// keep the header's promises; on a violation the target prints what broke and aborts.
//  * An error is InvalidArgument and names the file ("fuzz.csv line N..." or "fuzz.csv: ...").
//  * Every row kept has a postcode in normal form (non-empty, no space, no lower-case letter,
//    NormalisePostcode leaves it as it is); lines increase and stay within the text; a grid
//    reference is from 0 to 9,999,999; a district is never "nan"; no more rows are kept than
//    counted.
//  * Reading again keeping only the first postcode keeps exactly the rows with that postcode.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "geography/postcode_directory.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "postcodes_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

int64_t CountLines(std::string_view text) {
  int64_t lines = 1;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  return lines;
}

struct Kept {
  std::string postcode;
  int64_t line;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const int64_t last_line = CountLines(text);
  std::vector<Kept> kept;
  cairn::geography::OnsReadOptions options;
  options.progress_every = 3;
  int64_t progress_heard = 0;
  options.progress = [&progress_heard](int64_t rows) {
    Check(rows == progress_heard + 3, "progress counts up by progress_every", std::to_string(rows));
    progress_heard = rows;
  };
  const auto check_row = [&kept, last_line](const cairn::geography::OnsPostcodeRow& row) {
    const std::string postcode(row.postcode);
    Check(!postcode.empty(), "a postcode is not empty");
    for (char c : postcode) Check(c != ' ' && !(c >= 'a' && c <= 'z'), "a postcode is normalised", postcode);
    Check(cairn::geography::NormalisePostcode(postcode) == postcode, "normalising is idempotent", postcode);
    Check(row.line >= 2 && row.line <= last_line, "a row's line is within the text", std::to_string(row.line));
    Check(kept.empty() || row.line > kept.back().line, "lines increase", std::to_string(row.line));
    for (const auto& value : {row.easting, row.northing}) {
      if (value) Check(*value >= 0 && *value <= 9'999'999, "a grid reference is within the grid");
    }
    Check(row.district != "nan", "a district is never nan");
    kept.push_back({postcode, row.line});
    return cairn::Status::Ok();
  };
  const cairn::Result<int64_t> rows = cairn::geography::ReadOnsPostcodeText(text, "fuzz.csv", options, check_row);
  if (!rows.ok()) {
    Check(rows.status().code() == cairn::Status::Code::kInvalidArgument, "an error is InvalidArgument");
    Check(rows.status().message().starts_with("fuzz.csv line ") || rows.status().message().starts_with("fuzz.csv: "),
          "an error names the file", rows.status().message());
    return 0;
  }
  Check(static_cast<int64_t>(kept.size()) == *rows, "every row counted is kept when nothing is wanted");
  Check(progress_heard == *rows / 3 * 3, "progress is heard every progress_every rows");
  if (kept.empty()) return 0;

  const std::set<std::string, std::less<>> wanted = {kept.front().postcode};
  std::vector<int64_t> lines;
  cairn::geography::OnsReadOptions only;
  only.wanted = &wanted;
  const cairn::Result<int64_t> again = cairn::geography::ReadOnsPostcodeText(
      text, "fuzz.csv", only, [&lines](const cairn::geography::OnsPostcodeRow& row) {
        lines.push_back(row.line);
        return cairn::Status::Ok();
      });
  Check(again.ok() && *again == *rows, "reading again counts the same rows");
  std::vector<int64_t> expected;
  for (const Kept& row : kept) {
    if (row.postcode == kept.front().postcode) expected.push_back(row.line);
  }
  Check(lines == expected, "a wanted set keeps exactly the rows of its postcodes");
  return 0;
}
