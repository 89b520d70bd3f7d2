// Inside the CIN census reader: how a file is held while it is read. Not part of the returns API;
// here so that the tests can read a file in windows small enough to matter.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "returns/cin_census/cin_census_runs.h"
#include "returns/import_batch.h"

namespace cairn::returns::cin_census {

// A file mapped read-only into memory. Its text can be read anywhere at any time; Release hands
// pages the reader has finished with back to the system (MADV_DONTNEED), so they no longer count
// in the process's memory, and a page read again afterwards is read again from the file. So a
// reader that releases the text behind it holds a window of the file, not the file, while every
// offset into the text stays good. The file must not be cut short while it is mapped (reading a
// page past its new end would stop the process): a council's return being imported is not being
// written.
class MappedText {
 public:
  // The file at `path` mapped; kNotFound / kIoError naming the path, as ReadCinCensus says.
  static Result<MappedText> Open(const std::string& path);

  MappedText(MappedText&& other) noexcept;
  MappedText& operator=(MappedText&& other) noexcept;
  MappedText(const MappedText&) = delete;
  MappedText& operator=(const MappedText&) = delete;
  ~MappedText();

  std::string_view text() const { return {data_, size_}; }

  // Gives back the whole pages inside [begin, end) (with `whole_pages_around`, every page it
  // touches). Offsets past the end are clamped; an empty range does nothing.
  void Release(size_t begin, size_t end, bool whole_pages_around = false) const;

 private:
  MappedText(const char* data, size_t size) : data_(data), size_(size) {}
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// ReadCinCensus, with the text behind the reader given back every `window_bytes` (ReadCinCensus
// uses 16 MiB), and the outline scanned `scan_bytes` ahead of the children read (0: the usual 4
// MiB). Whatever the window and the stretch, the batch is the same as reading the file's text
// whole with ReadCinCensusText (with `files` set to {path}), and so is an error. With a `sink`,
// as ReadCinCensusInRuns.
Result<ImportBatch> ReadCinCensusInWindows(const std::string& path, size_t window_bytes,
                                           const ChildrenSink& sink = {}, size_t run_children = 0,
                                           size_t scan_bytes = 0);

}  // namespace cairn::returns::cin_census
