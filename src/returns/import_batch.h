// What a returns reader hands to the importer: the chronologies it read, what it could not
// read, and what it read but a DfE rule would question.
#pragma once

#include <string>
#include <vector>

#include "model/chronology.h"

namespace cairn::returns {

// One thing wrong with one value, located so a council analyst can find it.
struct Problem {
  std::string file;      // file name as given
  int line = 0;          // 1-based line where the record starts (CSV; XML where known); 0 if none
  std::string location;  // XML path ("/Message/Children/Child[3]/CINdetails[1]/Assessments[2]"), or the table
  std::string field;     // DECOM, CPPstartDate, ...
  std::string value;     // the offending value, as found (shortened if huge)
  std::string message;   // why, as a sentence
  std::string child;     // the LA child id when known
  std::string record;    // the whole source record (CSV line or XML fragment) for a rejects file

  // "episodes.csv line 12, field DECOM, value '31/02/2024': ... (child 566910)"
  std::string ToString() const;
};

// Where a child's own details (date of birth, UPN, ethnicity, ...) were read: the SSDA903 Header
// record, or the CIN census <ChildIdentifiers>. A finding that two returns disagree names both.
struct DetailSource {
  std::string file;  // file name as given in messages
  int line = 0;      // 1-based; 0 if not known
};

struct ImportBatch {
  std::string source;        // "ssda903" or "cin-census"
  int collection_year = 0;   // the year the collection ends, as stated or inferred
  std::string year_basis;    // how the year was found: "ReferenceDate 2024-03-31 in the header", ...
  std::vector<std::string> files;
  // One chronology per child, children and events in the order read. Events carry provenance
  // {source, {collection_year}}. Parent links point within each chronology.
  std::vector<model::Chronology> children;
  // Where each child's details were read, one per child in `children` (same order), or empty
  // when the reader does not know.
  std::vector<DetailSource> detail_sources;
  // Records that could not be read (not a date, missing key, duplicate key, wrong field count).
  // They are NOT in `children`. Any here fails an all-or-nothing import.
  std::vector<Problem> rejected;
  // Values that were read and kept but break a DfE validation rule (a code outside the year's
  // list, dates out of order, a missing placement postcode). Reported, never "fixed".
  std::vector<Problem> findings;
};

}  // namespace cairn::returns
