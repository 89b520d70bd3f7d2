// The SSDA903 return (children looked after): reading a council's CSV tables or XML file into
// chronologies, and writing a collection year's CSV tables back out.
//
// READING. Both readers hand back an ImportBatch (returns/import_batch.h):
//  * One chronology per child of the Header table (XML: per CHILD), in the order met. The
//    Header and UASC tables fill the Child (a UPN that is a code for why the UPN is not known,
//    UN1-UN5, goes into Child::upn_unknown); every other record becomes one event whose fields
//    carry the return's own names (model/event_kind.cpp). Values are trimmed and otherwise kept
//    exactly as given (codes are not upper-cased); dates are dd/mm/YYYY in the return and ISO
//    in the event. OC2, OC3 and PrevPerm records are dated 31 March of the collection year.
//    Every event's provenance is {"ssda903", {collection year}}. Events are in date order.
//  * `rejected`: records that cannot be loaded, each naming file, line (XML: line and path in
//    `location`), field and value, with the record as found. They are: a key date (DECOM,
//    REVIEW, MIS_START, ...) blank or not a date; any other date that is not a date (the model
//    holds only real dates); a blank CHILD; a child who is not in the Header table; a CSV row
//    with the wrong number of fields; records sharing a key (CHILD and key date; Reviews add
//    REVIEW_CODE, Missing MISSING, SWEpisodes SW_ID; Header, UASC, OC2, OC3 and PrevPerm are
//    one per child) but differing in content — all of them, each naming the others; a CSV file
//    that cannot be parsed or whose columns are not those of any table. The rest of the batch
//    is still read, so an importer may load what was readable.
//  * `findings`: values read and kept that break a DfE validation rule (the rule is named in
//    the message): a code outside the year's list (data/codes/ssda903.toml); an end before its
//    start; a date after the end of the collection year; an event before the child's birth; a
//    DOB after the end of the year; a table's DOB (or UASC's SEX) differing from the Header's;
//    missing HOME_POST or PL_POST where rule 392b wants them; DEC and REC not both given or
//    both blank; a malformed UPN; an exact repeat of an earlier record (loaded once).
//  * The collection year is the one passed in or, failing that, the year containing the
//    latest DECOM; `year_basis` says which. With neither, the read fails (kInvalidArgument).
//
// WRITING. See WriteSsda903Csv for what a year's return contains.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/chronology.h"
#include "returns/import_batch.h"

namespace cairn::returns {

// A named text: a CSV file's name (as used in messages) and its contents.
struct Ssda903CsvText {
  std::string name;  // "episodes.csv"
  std::string text;

  friend bool operator==(const Ssda903CsvText&, const Ssda903CsvText&) = default;
};

// Reads SSDA903 CSV files. Each is recognised by its exact set of columns (header names
// trimmed and compared upper-cased, in any order), never by its file name; two files holding
// the same table are read as one. `collection_year` is the year the collection ends (2018 for
// 1 April 2017 to 31 March 2018). An error Status only when no batch can be made at all: no
// paths, a file that cannot be opened (kNotFound / kIoError, naming the path), a year outside
// 1901-2199, or no year given and no DECOM to infer it from.
Result<ImportBatch> ReadSsda903Csv(const std::vector<std::string>& paths, std::optional<int> collection_year);

// The same, from texts already in memory (tests, uploads). Names are used in messages.
Result<ImportBatch> ReadSsda903CsvTexts(const std::vector<Ssda903CsvText>& files, std::optional<int> collection_year);

// Reads the SSDA903 XML form: EXPSSDA903 > CHILD > HEADER (with nested AMISSING, AREVIEW,
// PERMANENCE, OC2, AD_PLACED; AD1, OC3 and UASC items directly in HEADER) and EPISODE (PL is
// PLACE). It has no SWEpisodes or DoLo. Problems give the line and the element's path
// ("/EXPSSDA903/CHILD[12]/EPISODE[2]") in Problem::location. A file that is not well-formed
// XML, or whose root is not EXPSSDA903, is a kInvalidArgument error naming the file, line,
// column and byte offset. UASC is 1, or DUC is given, for a UASC child.
Result<ImportBatch> ReadSsda903Xml(const std::string& path, std::optional<int> collection_year);
Result<ImportBatch> ReadSsda903XmlText(std::string_view text, std::string_view source_name,
                                       std::optional<int> collection_year);

// The twelve CSV tables of collection year `collection_year` (the year it ends), in the DfE's
// column order, dates dd/mm/YYYY:
// header.csv, episodes.csv, reviews.csv, uasc.csv, oc2.csv, oc3.csv, ad1.csv,
// placed_for_adoption.csv, previous_permanence.csv, missing.csv, sw_episodes.csv, dolo.csv.
// Each table has its header line even when it has no rows.
//
// An event is written when its provenance says it was reported in that year. Events from any
// source other than "ssda903" (recorded in Cairn, simulated) are also written when the DfE's
// scope takes them, for the year 1 April Y-1 to 31 March Y:
//  * looked-after episodes and placed-for-adoption records overlapping the year;
//  * missing episodes, social worker allocations and DoLo orders overlapping the year, for a
//    child with a looked-after episode overlapping it (the 903 is about looked-after children;
//    Cairn records allocations and missing episodes for every child);
//  * reviews dated in the year; OC2 and OC3 records dated 31 March Y; PrevPerm records dated in
//    the year (31 March, or the child's death when it comes first);
//  * AD1 when the child left care in the year adopted (an episode with DEC in the year and REC
//    E11 or E12; [adoption] in data/codes/ssda903.toml), not in the year of the decision alone
//    (DfE rule 602).
// An event reported in the year is written exactly as stored. Any other is written as it stood
// at the end of 31 March Y (returns/year_end.h): a DEC after it is blank, with REC and
// REASON_PLACE_CHANGE; likewise SW_DEC with SW_REASON, DATE_PLACED_CEASED with
// REASON_PLACED_CEASED, MIS_END and DOLO_END; any other date after 31 March (DATE_MATCH) is blank.
// Tables about a period of care (placed for adoption, reviews, AD1, OC2, PrevPerm, missing,
// social workers, DoLo) are written only for a child with a looked-after episode overlapping the
// year (DfE rule 1012), and placed-for-adoption records only from the period of care that
// overlaps the year (a decision from an earlier period, ended by adoption, is not this one's:
// rules 1003, 559); OC3 is written for care leavers whether or not they were looked after.
// SW_REASON is written as the DfE means it, why the worker's episode began: Cairn records on an
// allocation why it ended, so an allocation not reported in the year gets the reason recorded on
// the child's allocation that ended within 7 days of its start (by 31 March), or FCONTA (first
// contact or a new referral) when none did.
// PLACE is written under the year's code list (data/codes/ssda903.toml): a code the DfE renamed
// (H5, semi-independent living, is K3, supported accommodation, from 2025/26) is written as the
// year's list names it, so an H5 placement open on 1 April 2025 is K3 from the 2025/26 return on,
// and a K3 placement is H5 in 2024/25's.
// Header lists every child with a row in another table: UPN, or the child's UPN-unknown code
// (UN1-UN5) when there is none; MOTHER and MC_DOB only for a child looked after in the year
// (rule 628). UASC lists those of them who are UASC or whose DUC is in the year or later (rule
// 104), with their DUC. Rows follow the order of `children`, then date.
// Fails (kInvalidArgument) only for a year outside 1901-2199, or a value holding a NUL byte,
// which no CSV reader would take (the message names the child).
Result<std::vector<Ssda903CsvText>> FormatSsda903Csv(const std::vector<model::Chronology>& children,
                                                     int collection_year);

// FormatSsda903Csv, written into `out_dir` (created if need be). Every file is written through
// AtomicFile (base/atomic_file.h: an unpredictable temporary name, never through a link, mode
// 0600) and all of them are on disk before the first is renamed into place, so a failure leaves
// no table changed. kIoError naming the folder or file on failure.
Status WriteSsda903Csv(const std::vector<model::Chronology>& children, int collection_year,
                       const std::string& out_dir);

}  // namespace cairn::returns
