// Writing a file so that a reader sees the old file or the whole new one, never part of it, and
// so that nobody who can write to the target folder can make Cairn write somewhere else.
//
// Every file Cairn writes (returns, findings, rejects, reports) goes through here:
//
//   CAIRN_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create("out/findings.csv"));
//   CAIRN_RETURN_IF_ERROR(file.Append(text));
//   CAIRN_RETURN_IF_ERROR(file.Commit());   // flushed to disk, then renamed into place
//
// The contract:
//  * The temporary file is created in the target's own folder (so the rename cannot cross file
//    systems) under an unpredictable name, with O_CREAT|O_EXCL|O_NOFOLLOW: a name planted in
//    advance, a symbolic link included, makes creation fail rather than be followed.
//  * It is created with mode 0600 unless another mode is asked for: Cairn's files hold
//    children's records, and a umask cannot widen that.
//  * The target must be absent or a regular file. A symbolic link, a folder, a device (such as
//    /dev/null) or a FIFO at the target is refused with a message saying so, before anything is
//    written; the rename replaces the name itself and never writes through a link.
//  * Until Commit() succeeds, the target is untouched. Destroying an AtomicFile that was not
//    committed removes its temporary file, so a failure at any step leaves nothing behind.
//  * Flush() puts every byte on disk (fsync) and closes the temporary file; after it, Commit()
//    only renames, which on a local file system does not fail for want of space. Callers that
//    must not fail after a database commit (an import's findings) Flush() before committing and
//    Commit() after.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn {

inline constexpr mode_t kPrivateFileMode = 0600;

class AtomicFile {
 public:
  // IoError naming `path` when the folder is missing or not writable, or when something other
  // than a regular file is at `path`.
  static Result<AtomicFile> Create(const std::string& path, mode_t mode = kPrivateFileMode);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  // Appends bytes to the temporary file. IoError (disk full, ...) naming the target.
  Status Append(std::string_view bytes);
  // The temporary file as a stdio stream, for writers that stream (nullptr after Flush()).
  // Errors on it are found by Flush().
  std::FILE* stream() { return file_; }

  // Writes everything out, fsyncs and closes the temporary file. IoError if any write failed.
  Status Flush();
  // Flush() if not yet done, then renames the temporary file over the target and fsyncs the
  // folder. FailedPrecondition if already committed.
  Status Commit();

  const std::string& path() const { return path_; }

 private:
  AtomicFile(std::string path, std::string temporary, std::FILE* file)
      : path_(std::move(path)), temporary_(std::move(temporary)), file_(file) {}
  void Discard();

  std::string path_;
  std::string temporary_;  // empty once committed or discarded
  std::FILE* file_ = nullptr;
  bool failed_ = false;
};

// Create, Append and Commit in one call.
Status WriteFileAtomically(const std::string& path, std::string_view contents, mode_t mode = kPrivateFileMode);

// Whether `path` could be written by AtomicFile, checked before long work starts: its folder
// exists and is writable, and nothing but a regular file is at `path`. `what` names the file in
// the message ("the findings file").
Status CheckWritablePath(const std::string& path, std::string_view what);

}  // namespace cairn
