// A folder readable by this user alone (mode 0700, from mkdtemp), removed when it goes out of
// scope. For files that hold children's data for a moment, such as a workbook that
// libxlsxwriter (which writes only to files) builds before it is sent or moved into place. The
// folder must be empty by then: remove what was written in it first.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace cairn {

class PrivateTempDir {
 public:
  // Under $TMPDIR, or /tmp; path() is "" when the folder could not be made.
  explicit PrivateTempDir(const char* prefix = "cairn-") {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~PrivateTempDir() {
    if (!path_.empty()) rmdir(path_.c_str());
  }
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace cairn
