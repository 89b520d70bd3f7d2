// The DfE children in need census (CIN census) as XML: reading a council's file into
// chronologies, and writing chronologies out as one year's file. Layouts 2022/23 to 2025/26.
//
// THE FILE
//   Message > Header > CollectionDetails (Collection, Year, ReferenceDate) and Source (LEA, ...)
//           > Children > Child > ChildIdentifiers, ChildCharacteristics, CINdetails*
//   Each CINdetails (a cin-episode event) holds Assessments*, CINPlanDates*, Section47*,
//   ChildProtectionPlans* (each with Reviews > CPPreviewDate*) and, from 2025/26,
//   PreProceedingsandFGDM*: events whose parent is the episode (a CP review's is its plan).
//   Event fields carry the XML element names (model/event_kind.cpp); assessment factors are one
//   comma-separated AssessmentFactors field, in the order given.
//
// WHAT CHANGES BETWEEN YEARS (LayoutFor)
//   * The child's sex: GenderCurrent (1/2/0/9) up to 2023/24; Sex (M/F/U) from 2024/25. Found
//     from the DfE schemas for 2022/23 and 2023/24 (both GenderCurrent) and the DfE validator's
//     2024/25 rule 4180 (Sex, M/F/U). Both are kept in model::Child::sex as written.
//   * PreProceedingsandFGDM exists from 2025/26 only.
//
// READING (ReadCinCensus, ReadCinCensusText)
//   * The collection year is the one containing the header's ReferenceDate (2024-03-31 is in
//     2023/24, so 2024); ImportBatch::year_basis says so. No ReferenceDate, or one that is not
//     a date, is an error: nothing is read.
//   * XML that is not well formed is an error naming the file and line; so are an empty file,
//     a root element other than Message, no Children element, and a UTF-16 file.
//   * A record that cannot be read is left out and put in `rejected`, with its XML path
//     ("/Message/Children/Child[3]/CINdetails[1]/Assessments[2]"), line, field, value and the
//     record's XML exactly as in the file (cut at 64 KiB). The unit left out is the smallest
//     record holding the trouble: an assessment with a bad date loses that assessment only; a
//     CINdetails with no CINreferralDate loses the episode and everything in it; a child whose
//     LAchildID is missing, or whose PersonBirthDate, ExpectedPersonBirthDate or PersonDeathDate
//     is not a date, loses the whole child; a CPPreviewDate that is not a date loses that review.
//     Cannot be read means: a date that is not a YYYY-MM-DD date from 1900 to 2199, a missing
//     start date (CINreferralDate, AssessmentActualStartDate, CINPlanStartDate,
//     S47ActualStartDate, CPPstartDate, PPStartDate), a missing LAchildID, or one element given
//     twice with different values (Ethnicity excepted: the first is kept, with a finding).
//   * Keys, as the DfE validator and the store see them: a child is its LAchildID; an episode its
//     CINreferralDate within the child; an assessment, plan, enquiry or review its start date
//     within its parent. Two records with one key and the same XML are one record given twice:
//     the first is kept and the others are findings. With different XML, none of them can be
//     trusted: every one is rejected, naming the positions of the others.
//   * Values that break a DfE rule but can be read are kept exactly as given and reported in
//     `findings`: a code outside its list (data/codes/cin-census.toml), a retired assessment
//     factor, a yes/no flag that is not true/false/TRUE/FALSE/1/0, a count that is not a whole
//     number, a UPN of the wrong shape, dates out of order (closure before referral, an end before
//     its start, a module before its episode's referral, a review outside its plan, death before
//     birth), a start after the ReferenceDate, both or neither of PersonBirthDate and
//     ExpectedPersonBirthDate, a required element missing (ReferralSource, ReferralNFA,
//     ICPCnotRequired, categories of abuse, NumberOfPreviousCPP, Ethnicity, the sex element),
//     an element of another year's layout (Sex in 2023/24, PreProceedingsandFGDM before
//     2025/26), a ReferenceDate other than 31 March, a Collection other than CIN, an unknown
//     element, stray text between elements, an empty element (read as not given), an element
//     given twice with the same value, a disability given twice for a child (DfE rule 8794) or
//     a factor twice for an assessment (each read once), and factor 21 ("no factors") with others
//     (rule 8869).
//     A finding about a child that a later duplicate then rejects stays reported.
//   * Values are trimmed of surrounding spaces, tabs and line breaks; nothing else is changed.
//   * Every event gets provenance {"cin-census", {collection year}}. Children and events are in
//     file order (call model::Chronology::Sort for date order). A child with no readable episode
//     is still returned.
//   * Time is linear in the file. ReadCinCensus maps the file and gives back the text behind it
//     16 MiB at a time, so the text is never held whole; the children are parsed a megabyte at a
//     time. A 400,000-child England-scale file (550 MB) is read with the chronologies as the
//     peak (about 0.8 GB); ReadCinCensusInRuns (cin_census_runs.h) hands them over in runs
//     instead, as an import saves them.
//
// WRITING (WriteCinCensus, WriteCinCensusText)
//   For collection year Y (1 April Y-1 to 31 March Y), with Y from 2023 to 2026:
//   * A CIN episode is written if it was reported in Y (provenance), or is open at some time in
//     the year, or holds a module reported in Y. A module (assessment, CIN plan, section 47
//     enquiry, CP plan, pre-proceedings) of a written episode is written if reported in Y or if
//     its dates overlap the year (one-day records: the date is in the year; open-ended: started
//     by 31 March). A section 47 enquiry is also written in the year of its initial conference
//     (DateOfInitialCPC), when it began in an earlier year (DfE rules 8715, 8740). A CP review
//     of a written plan likewise: reported in Y or dated in the year. So a return read from a
//     file is written back whole, and data Cairn recorded itself follows the DfE's scope.
//   * An event reported in Y is written exactly as stored. Any other is written as it stood at
//     the end of 31 March Y (returns/year_end.h), as a council making the return then would
//     know it: a CINclosureDate after it is left out with ReasonForClosure, an
//     AssessmentAuthorisationDate with the AssessmentFactors (rule 8614), a CINPlanEndDate and
//     a CPPendDate alone, and any other date after 31 March (DateOfInitialCPC, pre-proceedings
//     dates) too. InitialCPCtarget is kept: the target is set when the enquiry starts.
//   * An initial conference is written once (DfE rule 2884): an episode not reported in Y leaves
//     out its own DateOfInitialCPC when a Section47 module written for the child carries the
//     same date; it keeps it for a conference with no enquiry in the return.
//   * A child is written if at least one of its episodes is; children with none are left out,
//     as are events with no place in the census (modules without an episode, other kinds).
//   * The header has Collection CIN, Year Y, ReferenceDate Y-03-31 and the Source from options.
//     The child's sex goes into the year's element, as stored (no 1/2 to M/F mapping); pre-
//     proceedings are written only from 2025/26. Values are written as stored (as above), dates
//     ISO, elements in the schema's order, children and events in chronology order.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "model/chronology.h"
#include "returns/import_batch.h"

namespace cairn::returns::cin_census {

// The collection years whose layouts Cairn knows: 2022/23 (2023) to 2025/26 (2026).
inline constexpr int kFirstLayoutYear = 2023;
inline constexpr int kLastLayoutYear = 2026;

struct Layout {
  int collection_year = 0;
  std::string_view sex_element;  // "GenderCurrent" to 2023/24, "Sex" from 2024/25
  bool pre_proceedings = false;  // PreProceedingsandFGDM, from 2025/26
};

// The layout of `collection_year`. Years before 2023 get the 2022/23 layout and years after 2026
// the 2025/26 one (the reader reads older and newer files with the nearest layout it knows).
Layout LayoutFor(int collection_year);

// "2023/24" for 2024.
std::string CollectionYearLabel(int collection_year);

// Reads the CIN census file at `path`. Messages and problems name the file by its file name
// alone; a file that cannot be opened is kNotFound or kIoError with the full path. Files over
// 4 GiB are refused. Otherwise as ReadCinCensusText.
Result<ImportBatch> ReadCinCensus(const std::string& path);

// Reads CIN census XML from memory (`source_name` names it in messages and problems). Every
// error is kInvalidArgument with a sentence naming the file and, where there is one, the line.
Result<ImportBatch> ReadCinCensusText(std::string_view text, std::string_view source_name);

// The Source part of the header. Only the LEA has no sensible default.
struct WriteOptions {
  std::string lea;  // the council's three-digit DfE LA code; required
  std::string source_level = "L";
  std::string software_code = "Cairn";
  std::string release;  // empty: Cairn's version
  std::string serial_no = "001";
  std::string date_time;  // "2025-05-01T10:00:00"; empty leaves DateTime out
  // The children are a simulated council's (the database's `synthetic` setting): an XML
  // comment after the declaration says so, which the DfE's schema ignores and a reader sees.
  bool synthetic = false;
};

// The year's file as text. kInvalidArgument when `collection_year` is outside 2023..2026 or
// options.lea is not three digits, or when a value to be written is not UTF-8 or holds a
// character XML 1.0 cannot carry (ESC, NUL, ...; see XmlCanCarry in base/display_text.h): the
// message names the child and element. No file that would not parse is ever written.
Result<std::string> WriteCinCensusText(const std::vector<model::Chronology>& children, int collection_year,
                                       const WriteOptions& options);

// Writes the year's file to `path`, creating its folder if needed. The file appears whole or not
// at all: it is written through AtomicFile (base/atomic_file.h: an unpredictable temporary name
// beside `path`, never through a link, mode 0600) and renamed into place. kIoError
// naming the path when the disk refuses; kInvalidArgument as for WriteCinCensusText.
Status WriteCinCensus(const std::vector<model::Chronology>& children, int collection_year, const std::string& path,
                      const WriteOptions& options);

// A CIN census code list (data/codes/cin-census.toml).
struct CodeList {
  std::string name;                                          // "ReferralSource"
  std::string source;                                        // where the list comes from
  std::vector<std::string> fields;                           // elements taking their values from it
  std::vector<std::pair<std::string, std::string>> codes;    // code and meaning, sorted by code
  std::vector<std::pair<std::string, std::string>> retired;  // code and why, sorted by code

  bool Contains(std::string_view code) const;
  // Why `code` is no longer valid, or "" when it is not a retired code.
  std::string_view RetiredBecause(std::string_view code) const;
};

struct CodeLists {
  std::vector<CodeList> lists;
  // The list `field` takes its values from, or nullptr when it has none.
  const CodeList* ForField(std::string_view field) const;
};

// The code lists compiled into Cairn, parsed once. An error only if that file is damaged, which
// is a fault in Cairn's build, not in anyone's data.
const Result<CodeLists>& CinCensusCodeLists();

}  // namespace cairn::returns::cin_census
