// Reading a CIN census file without holding every child: the children are handed over in runs as
// they are read, for an import that saves them as it goes (returns/importer.cpp). An
// England-scale file (400,000 children) then never holds the file's text or every chronology at
// once: a window of the text (16 MiB) and a run of children.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/chronology.h"
#include "returns/import_batch.h"

namespace cairn::returns::cin_census {

// Takes a run of children, in file order, with where each one's details were read (one per
// child). It may move from both. `rejected_so_far` counts the records rejected up to here
// (ImportBatch::rejected). An error stops the reading, and ReadCinCensusInRuns returns it. A file
// found not to be well-formed (or otherwise unreadable) may have had children handed over before
// the fault was reached: the caller treats them as it treats any run before an error (an import
// rolls back).
using ChildrenSink = std::function<Status(std::vector<model::Chronology>& children,
                                          std::vector<DetailSource>& sources, size_t rejected_so_far)>;

// Reads the file at `path` as ReadCinCensus does (cin_census.h), but gives the children to `sink`
// as they are read rather than in the batch: in runs of about `run_children` or more (a run ends
// with a megabyte of the file, which the reader parses at a time; the last may be empty). The
// batch returned has no children or detail_sources; the rest (year, rejected, findings, files) is
// as ReadCinCensus returns it, and the runs hold, in order, exactly the children it would.
//   Except: a child handed over can still be rejected by a later Child with the same LAchildID and
// different content (the DfE keys span the file). So a batch returned with nothing rejected means
// every child handed over stands; one with anything rejected may have handed over a child that
// ReadCinCensus would have left out, and all-or-nothing callers discard the lot.
Result<ImportBatch> ReadCinCensusInRuns(const std::string& path, size_t run_children, const ChildrenSink& sink);

}  // namespace cairn::returns::cin_census
