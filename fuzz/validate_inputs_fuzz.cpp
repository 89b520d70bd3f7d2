// Fuzz target for the validator (src/validate/): reading return files into tables, and every
// rule of the year run on whatever was read.
//
// The first byte chooses how the rest is given: as an SSDA903 CSV table of this year, of the
// previous year, as a CIN census XML file, or split at the first form feed into one CSV table
// and one CIN file. The second byte picks the collection year (2023 to 2027). Reading must
// return (an error names the file); when it succeeds, every rule with logic runs, and every
// finding points at a table the return has, a row within it, and a rule of the set.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "validate/catalogue.h"
#include "validate/inputs.h"
#include "validate/validator.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "validate_inputs_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void CheckReport(const cairn::validate::Return& data, const cairn::validate::Report& report) {
  for (const cairn::validate::Finding& finding : report.findings) {
    if (finding.rule == nullptr) Fail("a finding without its rule");
    if (!finding.row()) continue;
    const cairn::validate::Table* table = data.Find(finding.table());
    if (table != finding.where) Fail("a finding in a table the return lacks", std::string(finding.table()));
    if (*finding.row() >= table->rows()) Fail("a finding past the table's end", finding.rule->code);
    if (finding.values().size() != finding.columns().size()) Fail("a value for each column", finding.rule->code);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int mode = data[0] % 4;
  const int year = 2023 + data[1] % 5;
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  std::vector<cairn::validate::ReturnText> texts;
  switch (mode) {
    case 0: texts.push_back({"table.csv", std::string(text), false}); break;
    case 1: texts.push_back({"last.csv", std::string(text), true}); break;
    case 2: texts.push_back({"cin.xml", std::string(text), false}); break;
    default: {
      const std::size_t split = text.find('\f');
      texts.push_back({"table.csv", std::string(text.substr(0, split)), false});
      if (split != std::string_view::npos) texts.push_back({"cin.xml", std::string(text.substr(split + 1)), false});
    }
  }
  cairn::Result<cairn::validate::LoadedReturns> loaded =
      cairn::validate::LoadReturnTexts(texts, year, "E08000014", "343");
  if (!loaded.ok()) {
    const std::string message = loaded.status().message();  // status() is a copy
    if (message.find(".csv") == std::string::npos && message.find(".xml") == std::string::npos) {
      Fail("an error that names no file", message);
    }
    return 0;
  }
  cairn::Result<const cairn::validate::Catalogue*> catalogue = cairn::validate::Catalogue::Embedded();
  if (!catalogue.ok()) Fail("the built-in catalogue", catalogue.status().message());
  for (const auto* returned : {&loaded->ssda903, &loaded->cin}) {
    if (!returned->has_value()) continue;
    const cairn::validate::Return& one = **returned;
    const auto rules = (*catalogue)->RuleSet(one.kind, cairn::validate::RuleSetYear(one.kind, year));
    CheckReport(one, cairn::validate::Validate(one, **catalogue, rules, 1));
  }
  return 0;
}
