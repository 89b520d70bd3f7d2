#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

namespace cairn {
namespace {

std::string Folder(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// Refuses anything at `path` that is not a regular file, without following a link.
Status CheckTarget(const std::string& path, std::string_view what) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::IoError(std::string(what) + " " + path + " cannot be checked: " + std::strerror(errno));
  }
  if (S_ISREG(info.st_mode)) return Status::Ok();
  std::string is;
  if (S_ISLNK(info.st_mode)) {
    is = "is a symbolic link; Cairn never writes through or over a link, so give the real path";
  } else if (S_ISDIR(info.st_mode)) {
    is = "is a folder; give a file name";
  } else {
    is = "is not a regular file (a device, pipe or socket); give the path of a file";
  }
  return Status::IoError(std::string(what) + " " + path + " " + is);
}

// An unpredictable new file in `folder`, created exclusively (a planted name or link fails).
Result<std::pair<std::string, int>> CreateTemporary(const std::string& path, std::string_view what) {
  std::string name = std::filesystem::path(path).filename().string();
  if (name.size() > 64) name.resize(64);  // the temporary name must stay within NAME_MAX
  std::string templ = Folder(path) + "/." + name + ".cairn-XXXXXX";
  // mkostemp opens with O_CREAT|O_EXCL (which never follows a link at the last component),
  // mode 0600, and a random suffix.
  const int fd = ::mkostemp(templ.data(), O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    const int error = errno;
    std::error_code ec;
    if (!std::filesystem::is_directory(Folder(path), ec)) {
      return Status::IoError(std::string(what) + " " + path + " cannot be written: the folder " + Folder(path) +
                             " does not exist");
    }
    return Status::IoError(std::string(what) + " " + path + " cannot be written: " + std::strerror(error));
  }
  return std::make_pair(std::move(templ), fd);
}

void SyncFolder(const std::string& path) {
  const int fd = ::open(Folder(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // durability of the name is best effort; the data itself was synced
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

Result<AtomicFile> AtomicFile::Create(const std::string& path, mode_t mode) {
  if (path.empty()) return Status::InvalidArgument("no file name was given");
  CAIRN_RETURN_IF_ERROR(CheckTarget(path, "the file"));
  CAIRN_ASSIGN_OR_RETURN(auto created, CreateTemporary(path, "the file"));
  auto& [temporary, fd] = created;
  if (mode != kPrivateFileMode && ::fchmod(fd, mode) != 0) {
    const int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    return Status::IoError("could not set the permissions of " + path + ": " + std::strerror(error));
  }
  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) {
    const int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    return Status::IoError("could not write " + path + ": " + std::strerror(error));
  }
  return AtomicFile(path, std::move(temporary), file);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temporary_(std::exchange(other.temporary_, std::string())),
      file_(std::exchange(other.file_, nullptr)),
      failed_(other.failed_) {}

AtomicFile::~AtomicFile() { Discard(); }

void AtomicFile::Discard() {
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  temporary_.clear();
}

Status AtomicFile::Append(std::string_view bytes) {
  if (file_ == nullptr) return Status::FailedPrecondition("cannot add to " + path_ + " once it is flushed");
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    failed_ = true;
    return Status::IoError("could not write " + path_ + ": " + std::strerror(errno) + " (is the disk full?)");
  }
  return Status::Ok();
}

Status AtomicFile::Flush() {
  if (temporary_.empty()) return Status::FailedPrecondition(path_ + " was already written or given up");
  if (file_ == nullptr) return Status::Ok();
  bool ok = !failed_ && std::ferror(file_) == 0;
  ok = std::fflush(file_) == 0 && ok;
  ok = ::fsync(::fileno(file_)) == 0 && ok;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) {
    failed_ = true;
    Discard();
    return Status::IoError("could not write " + path_ + " (is the disk full?); nothing was written there");
  }
  return Status::Ok();
}

Status AtomicFile::Commit() {
  CAIRN_RETURN_IF_ERROR(Flush());
  // Checked again: something may have been put at the target while the file was written.
  Status target = CheckTarget(path_, "the file");
  if (!target.ok()) {
    Discard();
    return target;
  }
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    Discard();
    return Status::IoError("could not put " + path_ + " in place: " + std::strerror(error));
  }
  temporary_.clear();
  SyncFolder(path_);
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view contents, mode_t mode) {
  CAIRN_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path, mode));
  CAIRN_RETURN_IF_ERROR(file.Append(contents));
  return file.Commit();
}

Status CheckWritablePath(const std::string& path, std::string_view what) {
  if (path.empty()) return Status::InvalidArgument(std::string(what) + " has no name");
  CAIRN_RETURN_IF_ERROR(CheckTarget(path, what));
  // The honest test of a folder is to create a file in it (access() says yes to root even on a
  // read-only disk).
  CAIRN_ASSIGN_OR_RETURN(auto created, CreateTemporary(path, what));
  ::close(created.second);
  ::unlink(created.first.c_str());
  return Status::Ok();
}

}  // namespace cairn
