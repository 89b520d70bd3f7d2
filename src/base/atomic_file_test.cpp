#include "base/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cairn {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_atomic_file_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Contents(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  size_t FilesInFolder() const {
    size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_)) ++count;
    return count;
  }

  std::filesystem::path dir_;
};

TEST_F(AtomicFileTest, WritesTheWholeFilePrivately) {
  const std::string path = (dir_ / "findings.csv").string();
  ASSERT_TRUE(WriteFileAtomically(path, "a,b\r\n1,2\r\n").ok());
  EXPECT_EQ(Contents(path), "a,b\r\n1,2\r\n");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(FilesInFolder(), 1u);  // no temporary file left beside it

  ASSERT_TRUE(WriteFileAtomically(path, "replaced", 0644).ok());
  EXPECT_EQ(Contents(path), "replaced");
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST_F(AtomicFileTest, TheTargetIsUntouchedUntilCommitAndNothingIsLeftWithoutOne) {
  const std::string path = (dir_ / "cin.xml").string();
  ASSERT_TRUE(WriteFileAtomically(path, "old").ok());
  {
    Result<AtomicFile> file = AtomicFile::Create(path);
    ASSERT_TRUE(file.ok()) << file.status().message();
    ASSERT_TRUE(file->Append("new, half written").ok());
    ASSERT_TRUE(file->Flush().ok());
    EXPECT_EQ(Contents(path), "old");
    // Destroyed without Commit(): a failure after the write.
  }
  EXPECT_EQ(Contents(path), "old");
  EXPECT_EQ(FilesInFolder(), 1u);
}

TEST_F(AtomicFileTest, NeverWritesThroughOrOverALink) {
  const std::filesystem::path victim = dir_ / "victim.txt";
  std::ofstream(victim) << "keep me";
  const std::filesystem::path link = dir_ / "header.csv";
  std::filesystem::create_symlink(victim, link);
  Status status = WriteFileAtomically(link.string(), "children's records");
  EXPECT_EQ(status.code(), Status::Code::kIoError);
  EXPECT_NE(status.message().find("symbolic link"), std::string::npos) << status.message();
  EXPECT_EQ(Contents(victim), "keep me");
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(FilesInFolder(), 2u);
}

TEST_F(AtomicFileTest, RefusesDevicesFoldersAndPipes) {
  EXPECT_EQ(WriteFileAtomically("/dev/null", "x").code(), Status::Code::kIoError);
  EXPECT_EQ(WriteFileAtomically(dir_.string(), "x").code(), Status::Code::kIoError);
  const std::string fifo = (dir_ / "pipe").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Status status = WriteFileAtomically(fifo, "x");
  EXPECT_NE(status.message().find("not a regular file"), std::string::npos) << status.message();
  struct stat info {};
  ASSERT_EQ(::lstat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
}

TEST_F(AtomicFileTest, TemporaryNamesAreNotPredictable) {
  const std::string path = (dir_ / "out.csv").string();
  Result<AtomicFile> first = AtomicFile::Create(path);
  Result<AtomicFile> second = AtomicFile::Create(path);
  ASSERT_TRUE(first.ok() && second.ok());
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) names.push_back(entry.path().filename());
  ASSERT_EQ(names.size(), 2u);
  EXPECT_NE(names[0], names[1]);
  for (const std::string& name : names) {
    EXPECT_NE(name, "out.csv.tmp");
    EXPECT_EQ(name.find(std::to_string(::getpid())), std::string::npos) << name;
  }
}

TEST_F(AtomicFileTest, CheckWritablePathSaysWhatIsWrongAndLeavesNothing) {
  EXPECT_TRUE(CheckWritablePath((dir_ / "findings.csv").string(), "the findings file").ok());
  EXPECT_EQ(FilesInFolder(), 0u);
  Status missing = CheckWritablePath((dir_ / "no-such-folder" / "f.csv").string(), "the findings file");
  EXPECT_EQ(missing.code(), Status::Code::kIoError);
  EXPECT_NE(missing.message().find("the findings file"), std::string::npos) << missing.message();
  EXPECT_NE(missing.message().find("does not exist"), std::string::npos) << missing.message();
}

}  // namespace
}  // namespace cairn
