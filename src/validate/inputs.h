// Reading return files into the tables the rules read, as the public DfE validators read them.
//
// SSDA903 CSV tables are recognised by their columns, not their names (the same set of columns,
// any order, compared ignoring case), and every value is upper-cased, as the SSDA903 validator
// does. The previous year's tables (given apart) become "Header_last", "Episodes_last", ...
// Header gains the UASC column ("1" when the child has a UASC row, else "0") when both tables
// are given; Episodes gains PL_LA, PL_LOCATION and PL_DISTANCE when a postcode directory is.
//
// A CIN census XML file is flattened into ChildIdentifiers, ChildCharacteristics, Disabilities,
// CINdetails, Assessments, AssessmentFactorsList, CINplanDates, Section47,
// ChildProtectionPlans, Reviews and Header, with the validator's CINdetailsID, AssessmentID and
// CPPID (counting from 1 within their parent). Unlike the public validator, every
// CPPreviewDate of a Reviews element is a review (the validator reads only the first; the
// DfE's schema allows several). The census period comes from the header's ReferenceDate.
//
// Anything that stops a file being read (not CSV or XML, a table Cairn does not recognise, XML
// that is not well formed, two files for one table) is an error naming the file and, where
// there is one, the line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "validate/rule.h"

namespace cairn::validate {

struct ReturnFiles {
  std::vector<std::string> files;           // this year's: SSDA903 CSV tables or XML, a CIN census XML file
  std::vector<std::string> previous_files;  // last year's SSDA903 tables
  int year = 0;                             // collection year, 2026 = April 2025 to March 2026
  std::string la_ons;                       // "E08000014" (may be empty)
  std::string la_number;                    // "343" (may be empty)
};

struct LoadedReturns {
  std::optional<Return> ssda903;
  std::optional<Return> cin;
};

Result<LoadedReturns> LoadReturnFiles(const ReturnFiles& files);

// The same for text already in memory (the record's own exports, tests, fuzzing). `name` is
// the file name used to recognise the kind (.csv or .xml) and in messages.
struct ReturnText {
  std::string name;
  std::string text;
  bool previous_year = false;
};
Result<LoadedReturns> LoadReturnTexts(const std::vector<ReturnText>& texts, int year, const std::string& la_ons,
                                      const std::string& la_number);

// The SSDA903 tables' columns as the validator knows them (Header, Episodes, ...).
const std::vector<std::pair<std::string, std::vector<std::string>>>& Ssda903TableColumns();

}  // namespace cairn::validate
