// Reading return files into the tables the rules read, as the public DfE validators read them.
//
// SSDA903 CSV tables are recognised by their columns, not their names (the same set of columns,
// any order, compared ignoring case), and every value is upper-cased, as the SSDA903 validator
// does. The previous year's tables (given apart) become "Header_last", "Episodes_last", ...
// Header gains the UASC column ("1" when the child has a UASC row, else "0") when both tables
// are given; Episodes (and Episodes_last) gain PL_LA, PL_LOCATION and PL_DISTANCE when a postcode
// directory is (AddPostcodeColumns says how).
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
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "validate/rule.h"

namespace cairn::geography {
class PostcodeDirectory;
}

namespace cairn::validate {

struct ReturnFiles {
  std::vector<std::string> files;           // this year's: SSDA903 CSV tables or XML, a CIN census XML file
  std::vector<std::string> previous_files;  // last year's SSDA903 tables
  int year = 0;                             // collection year, 2026 = April 2025 to March 2026
  std::string la_ons;                       // "E08000014" (may be empty)
  std::string la_number;                    // "343" (may be empty)
  // The postcodes the episodes name (PostcodesNeeded), for PL_LA, PL_LOCATION and PL_DISTANCE;
  // without one those columns are absent and the rules that read them say so.
  const geography::PostcodeDirectory* postcodes = nullptr;
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
                                      const std::string& la_number,
                                      const geography::PostcodeDirectory* postcodes = nullptr);

// Every postcode (normalised: upper case, no spaces) the SSDA903 episodes name, HOME_POST and
// PL_POST of Episodes and Episodes_last, so that a caller can read just those from the ONS file
// or the database (a return names a few thousand of the country's 2.7 million).
std::set<std::string, std::less<>> PostcodesNeeded(const LoadedReturns& loaded);

// Adds "Episodes_earlier" to an SSDA903 return: the rows of `episodes`, each an Episodes table
// as CSV text of a year before last year's, stacked. Only the record holds them (a return's
// files carry two years), and only rules whose DfE text asks about a child's whole care history
// read them (1001 and 1002 on care leavers); InvalidArgument naming the text when one is not an
// Episodes table.
Status AddEarlierEpisodes(Return& ssda903, const std::vector<ReturnText>& episodes);

// Adds the columns the DfE's SSDA903 validator derives from the postcodes to Episodes and
// Episodes_last, exactly as it derives them (lac_validator/datastore.py):
//   PL_LA        the upper-tier authority (ONS code) of PL_POST's district; "SCO", "NIR" or "WAL"
//                for a district in Scotland, Northern Ireland or Wales; blank when PL_POST is
//                blank, not in the directory, or its district is unknown or not in Cairn's list
//                (data/geography/local-authorities.toml);
//   PL_LOCATION  "IN" when PL_LA is the council's own (Return::la_ons), else "OUT"; blank when
//                PL_POST's district is unknown;
//   PL_DISTANCE  miles between HOME_POST and PL_POST (geography::DistanceInMiles), rounded to
//                one decimal as numpy rounds and written as pandas prints a float ("12.3",
//                "5.0"); blank when either has no grid reference.
// Replaces the columns if the tables have them already. The Return keeps a copy of the directory
// (pass the few postcodes the return names, PostcodesNeeded) for the rules that ask whether a
// postcode exists (392c).
Status AddPostcodeColumns(Return& ssda903, const geography::PostcodeDirectory& postcodes);

// A distance in miles as the validator's PL_DISTANCE holds it: rounded half to even at one
// decimal (numpy's round) and printed as Python prints a float: 12.25 -> "12.2", 5 -> "5.0".
std::string FormatPlacementDistance(double miles);

// The SSDA903 tables' columns as the validator knows them (Header, Episodes, ...).
const std::vector<std::pair<std::string, std::vector<std::string>>>& Ssda903TableColumns();

}  // namespace cairn::validate
