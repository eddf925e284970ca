// Preallocated mapped files on real files in a temporary directory.
#include "mapped_file.hpp"
#include "temp_dir_fixture.hpp"

#include <berth/plugin/error.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace berth::store_mmap {
namespace {

namespace fs = std::filesystem;

using test::contains;
using test::temp_dir;
using test::thrown_by;

// The file's bytes as the file system has them, read past the mapping.
std::vector<uint8_t> read_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << path;
  struct stat st {};
  ::fstat(fd, &st);
  std::vector<uint8_t> out(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return out;
}

uint64_t allocated_bytes(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

TEST(MappedFile, CreateAllocatesTheWholeFileZeroFilledAndMapsItShared) {
  temp_dir dir;
  const fs::path path = dir.path() / "seg";
  const uint64_t size = 256 * 1024;
  const mapped_file_ptr file = mapped_file::create(path, size);
  EXPECT_EQ(file->size(), size);
  EXPECT_EQ(file->path(), path);
  EXPECT_EQ(fs::file_size(path), size);
  EXPECT_GE(allocated_bytes(path), size);
  for (uint64_t i = 0; i < size; ++i) ASSERT_EQ(file->data()[i], 0) << i;

  std::memcpy(file->data() + 1000, "berth", 5);
  const std::vector<uint8_t> on_disk = read_file(path);
  EXPECT_EQ(std::memcmp(on_disk.data() + 1000, "berth", 5), 0);
  EXPECT_NO_THROW(file->sync(0, size));
  EXPECT_NO_THROW(file->advise_sequential());
}

TEST(MappedFile, CreateRefusesAFileThatExists) {
  temp_dir dir;
  const fs::path path = dir.path() / "seg";
  const mapped_file_ptr first = mapped_file::create(path, 4096);
  first->data()[0] = 7;
  const sdk::plugin_error e = thrown_by([&] { (void)mapped_file::create(path, 4096); });
  EXPECT_EQ(e.status(), BERTH_E_IO);
  EXPECT_EQ(std::string(e.what()), "create " + path.string() + ": File exists");
  EXPECT_EQ(first->data()[0], 7);  // and the existing file was left alone
  EXPECT_TRUE(fs::exists(path));
}

TEST(MappedFile, CreateThatCannotAllocateRemovesThePartialFile) {
  temp_dir dir;
  const fs::path path = dir.path() / "huge";
  // Past any file system's maximum file size: refused before anything is allocated.
  const uint64_t size = uint64_t{1} << 62;
  const sdk::plugin_error e = thrown_by([&] { (void)mapped_file::create(path, size); });
  EXPECT_TRUE(e.status() == BERTH_E_IO || e.status() == BERTH_E_FULL) << e.status();
  EXPECT_TRUE(contains(e.what(), "cannot allocate " + std::to_string(size) + " bytes for " +
                                     path.string() + ": "))
      << e.what();
  EXPECT_FALSE(fs::exists(path));
}

TEST(MappedFile, CreateInAMissingDirectoryNamesThePath) {
  temp_dir dir;
  const fs::path path = dir.path() / "missing" / "seg";
  const sdk::plugin_error e = thrown_by([&] { (void)mapped_file::create(path, 4096); });
  EXPECT_EQ(e.status(), BERTH_E_IO);
  EXPECT_EQ(std::string(e.what()), "create " + path.string() + ": No such file or directory");
}

TEST(MappedFile, OpenMapsWhatAnEarlierMappingWrote) {
  temp_dir dir;
  const fs::path path = dir.path() / "seg";
  {
    const mapped_file_ptr file = mapped_file::create(path, 8192);
    std::memcpy(file->data() + 8000, "tail", 4);
  }
  const mapped_file_ptr file = mapped_file::open(path, 8192);
  EXPECT_EQ(file->size(), 8192u);
  EXPECT_EQ(std::memcmp(file->data() + 8000, "tail", 4), 0);
  EXPECT_EQ(mapped_file::open(path)->size(), 8192u);  // no expectation: any size goes
}

TEST(MappedFile, OpenRefusesAWrongSizeNamingBothSizes) {
  temp_dir dir;
  const fs::path path = dir.path() / "seg";
  (void)mapped_file::create(path, 8192);
  const sdk::plugin_error e = thrown_by([&] { (void)mapped_file::open(path, 65536); });
  EXPECT_EQ(e.status(), BERTH_E_IO);
  EXPECT_EQ(std::string(e.what()), path.string() + ": size 8192 bytes, expected 65536 bytes");
}

TEST(MappedFile, OpenOfAMissingOrEmptyFileNamesThePath) {
  temp_dir dir;
  const fs::path missing = dir.path() / "missing";
  EXPECT_EQ(std::string(thrown_by([&] { (void)mapped_file::open(missing); }).what()),
            "open " + missing.string() + ": No such file or directory");
  const fs::path empty = dir.path() / "empty";
  ::close(::open(empty.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  EXPECT_EQ(std::string(thrown_by([&] { (void)mapped_file::open(empty); }).what()),
            empty.string() + ": empty file, cannot map");
}

TEST(MappedFile, RemoveOnCloseUnlinksWhenTheLastHolderLetsGo) {
  temp_dir dir;
  const fs::path path = dir.path() / "seg";
  mapped_file_ptr writer = mapped_file::create(path, 4096);
  mapped_file_ptr reader = writer;
  writer->data()[10] = 42;
  writer->remove_on_close();
  writer.reset();
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(reader->data()[10], 42);
  reader.reset();
  EXPECT_FALSE(fs::exists(path));
}

TEST(MappedFile, WithoutRemoveOnCloseTheFileStays) {
  temp_dir dir;
  const fs::path path = dir.path() / "seg";
  (void)mapped_file::create(path, 4096);
  EXPECT_TRUE(fs::exists(path));
}

TEST(MappedFile, ModifiedTimeIsTheFilesMtimeInMilliseconds) {
  temp_dir dir;
  const fs::path path = dir.path() / "seg";
  const mapped_file_ptr file = mapped_file::create(path, 4096);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(file->modified_ms(),
            static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000);
  EXPECT_GT(file->modified_ms(), int64_t{1'600'000'000'000});
}

// zero_from with each method as the first choice, at every kind of boundary.
class MappedFileZeroFrom : public ::testing::TestWithParam<mapped_file::zero_method> {};

TEST_P(MappedFileZeroFrom, ClearsTheTailInTheMappingAndOnDiskAndKeepsTheSpace) {
  temp_dir dir;
  const uint64_t size = 64 * 1024 + 100;  // not a page multiple: the last page is partial
  int n = 0;
  for (const uint64_t from : {uint64_t{0}, uint64_t{1}, uint64_t{4095}, uint64_t{4096},
                              uint64_t{5000}, uint64_t{65536}, size - 1, size}) {
    const fs::path path = dir.path() / ("seg" + std::to_string(n++));
    const mapped_file_ptr file = mapped_file::create(path, size);
    std::memset(file->data(), 0xAB, size);
    file->sync(0, size);
    file->zero_from_for_test(from, GetParam());
    for (uint64_t i = 0; i < size; ++i) {
      ASSERT_EQ(file->data()[i], i < from ? 0xAB : 0) << "from " << from << " byte " << i;
    }
    const std::vector<uint8_t> on_disk = read_file(path);
    ASSERT_EQ(on_disk.size(), size);
    for (uint64_t i = 0; i < size; ++i) {
      ASSERT_EQ(on_disk[i], i < from ? 0xAB : 0) << "from " << from << " byte " << i;
    }
    EXPECT_GE(allocated_bytes(path), size) << "from " << from;
    // The mapping still takes writes where it was cleared.
    file->data()[size - 1] = 1;
    EXPECT_EQ(read_file(path)[size - 1], 1);
  }
}

std::string method_name(const ::testing::TestParamInfo<mapped_file::zero_method>& method) {
  switch (method.param) {
    case mapped_file::zero_method::zero_range: return "ZeroRange";
    case mapped_file::zero_method::punch_hole: return "PunchHole";
    case mapped_file::zero_method::write_zeros: return "WriteZeros";
  }
  return "Unknown";
}

INSTANTIATE_TEST_SUITE_P(, MappedFileZeroFrom,
                         ::testing::Values(mapped_file::zero_method::zero_range,
                                           mapped_file::zero_method::punch_hole,
                                           mapped_file::zero_method::write_zeros),
                         method_name);

TEST(MappedFile, ZeroFromUsesTheBestMethodByDefault) {
  temp_dir dir;
  const mapped_file_ptr file = mapped_file::create(dir.path() / "seg", 3 * 4096);
  std::memset(file->data(), 0x5A, file->size());
  file->zero_from(100);
  EXPECT_EQ(file->data()[99], 0x5A);
  for (uint64_t i = 100; i < file->size(); ++i) ASSERT_EQ(file->data()[i], 0) << i;
}

TEST(MappedFile, SyncDirectoryOfAMissingDirectoryNamesIt) {
  temp_dir dir;
  EXPECT_NO_THROW(sync_directory(dir.path()));
  const fs::path missing = dir.path() / "missing";
  const sdk::plugin_error e = thrown_by([&] { sync_directory(missing); });
  EXPECT_EQ(e.status(), BERTH_E_IO);
  EXPECT_EQ(std::string(e.what()), "open directory " + missing.string() + ": No such file or directory");
}

TEST(MappedFile, OffsetFileNamesAreTwentyZeroPaddedDigits) {
  EXPECT_EQ(offset_file_name(0), "00000000000000000000");
  EXPECT_EQ(offset_file_name(1073741824), "00000000001073741824");
  EXPECT_EQ(offset_file_name(UINT64_MAX), "18446744073709551615");
}

TEST(MappedFile, ParseOffsetFileNameTakesExactlyTwentyDigits) {
  EXPECT_EQ(parse_offset_file_name("00000000000000000000"), uint64_t{0});
  EXPECT_EQ(parse_offset_file_name("00000000001073741824"), uint64_t{1073741824});
  EXPECT_EQ(parse_offset_file_name("18446744073709551615"), UINT64_MAX);
  for (const uint64_t v : {uint64_t{0}, uint64_t{65536}, uint64_t{123456789012345}, UINT64_MAX}) {
    EXPECT_EQ(parse_offset_file_name(offset_file_name(v)), v);
  }
  for (const char* bad : {"", "0", "0000000000000000000", "000000000000000000000",
                          "18446744073709551616", "99999999999999999999", "+0000000000000000000",
                          "-0000000000000000001", " 0000000000000000000", "0000000000000000000a",
                          "00000000000000000000.tmp", "checkpoint"}) {
    EXPECT_EQ(parse_offset_file_name(bad), std::nullopt) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace berth::store_mmap
