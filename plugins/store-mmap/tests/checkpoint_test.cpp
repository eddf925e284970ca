// The checkpoint file and the abort marker on a real directory: a round trip, and every way a
// checkpoint can be unusable reads as "none" with a reason instead of a wrong value.
#include "checkpoint.hpp"

#include <berth/plugin/error.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

namespace berth::store_mmap {
namespace {

namespace fs = std::filesystem;

class Checkpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "berth-checkpoint-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  [[nodiscard]] fs::path path() const { return dir_ / "checkpoint"; }
  [[nodiscard]] std::vector<char> bytes() const {
    std::ifstream in(path(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void replace_with(const std::vector<char>& content) const {
    std::ofstream out(path(), std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }

  static constexpr checkpoint sample{123456789012345ULL, 1700000000123, uint64_t{1} << 30};
  fs::path dir_;
};

void expect_same(const checkpoint& got, const checkpoint& want) {
  EXPECT_EQ(got.dispatched_offset, want.dispatched_offset);
  EXPECT_EQ(got.last_store_time_ms, want.last_store_time_ms);
  EXPECT_EQ(got.segment_size, want.segment_size);
}

TEST_F(Checkpoint, WrittenValueReadsBack) {
  write_checkpoint(dir_, sample);
  const auto read = read_checkpoint(dir_);
  ASSERT_TRUE(read.value.has_value()) << read.problem;
  EXPECT_EQ(read.problem, "");
  expect_same(*read.value, sample);
  EXPECT_FALSE(fs::exists(dir_ / "checkpoint.tmp"));
}

TEST_F(Checkpoint, NewerWriteReplacesTheOlder) {
  write_checkpoint(dir_, sample);
  const checkpoint later{999, -5, 4096};  // a store time before the epoch survives too
  write_checkpoint(dir_, later);
  const auto read = read_checkpoint(dir_);
  ASSERT_TRUE(read.value.has_value()) << read.problem;
  expect_same(*read.value, later);
}

TEST_F(Checkpoint, MissingFileReadsAsNoneWithoutAProblem) {
  const auto read = read_checkpoint(dir_);
  EXPECT_FALSE(read.value.has_value());
  EXPECT_EQ(read.problem, "");
}

TEST_F(Checkpoint, TruncatedFileReadsAsNoneWithAProblem) {
  write_checkpoint(dir_, sample);
  const auto whole = bytes();
  for (size_t keep : {size_t{0}, size_t{3}, size_t{20}, whole.size() - 1}) {
    replace_with({whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(keep)});
    const auto read = read_checkpoint(dir_);
    EXPECT_FALSE(read.value.has_value()) << keep << " bytes";
    EXPECT_NE(read.problem.find("truncated"), std::string::npos) << read.problem;
    EXPECT_NE(read.problem.find(path().string()), std::string::npos) << read.problem;
  }
}

TEST_F(Checkpoint, AnyFlippedBitReadsAsNoneWithAProblem) {
  write_checkpoint(dir_, sample);
  const auto whole = bytes();
  for (size_t at = 0; at < whole.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = whole;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
      replace_with(damaged);
      const auto read = read_checkpoint(dir_);
      EXPECT_FALSE(read.value.has_value()) << "byte " << at << " bit " << bit;
      EXPECT_FALSE(read.problem.empty()) << "byte " << at << " bit " << bit;
    }
  }
}

TEST_F(Checkpoint, ForeignContentReadsAsNoneWithAProblem) {
  // A RocketMQ checkpoint: 4 KiB of longs.
  std::vector<char> rocketmq(4096, 0);
  rocketmq[7] = 1;
  replace_with(rocketmq);
  auto read = read_checkpoint(dir_);
  EXPECT_FALSE(read.value.has_value());
  EXPECT_NE(read.problem.find("not a Berth checkpoint"), std::string::npos) << read.problem;

  const std::string text = "dispatched_offset = 12\n";
  replace_with({text.begin(), text.end()});
  read = read_checkpoint(dir_);
  EXPECT_FALSE(read.value.has_value());
  EXPECT_FALSE(read.problem.empty());

  // Ours, with junk appended.
  write_checkpoint(dir_, sample);
  auto longer = bytes();
  longer.push_back('x');
  replace_with(longer);
  read = read_checkpoint(dir_);
  EXPECT_FALSE(read.value.has_value());
  EXPECT_NE(read.problem.find("expected 40"), std::string::npos) << read.problem;
}

TEST_F(Checkpoint, TmpLeftByAnInterruptedWriteIsIgnored) {
  write_checkpoint(dir_, sample);
  std::ofstream(dir_ / "checkpoint.tmp", std::ios::binary) << "half a checkp";
  auto read = read_checkpoint(dir_);
  ASSERT_TRUE(read.value.has_value()) << read.problem;
  expect_same(*read.value, sample);

  const checkpoint later{777, 8, 4096};
  write_checkpoint(dir_, later);  // writes over the leftover
  read = read_checkpoint(dir_);
  ASSERT_TRUE(read.value.has_value()) << read.problem;
  expect_same(*read.value, later);
  EXPECT_FALSE(fs::exists(dir_ / "checkpoint.tmp"));
}

TEST_F(Checkpoint, WriteIntoAMissingDirectoryThrowsIo) {
  try {
    write_checkpoint(dir_ / "absent", sample);
    FAIL() << "no exception";
  } catch (const sdk::plugin_error& e) {
    EXPECT_EQ(e.status(), BERTH_E_IO);
    EXPECT_NE(std::string(e.what()).find("absent"), std::string::npos) << e.what();
  }
}

TEST_F(Checkpoint, UnreadableCheckpointIsAProblemNotAnAbsence) {
  fs::create_directory(path());  // exists, but no file can be read from it
  const auto read = read_checkpoint(dir_);
  EXPECT_FALSE(read.value.has_value());
  EXPECT_FALSE(read.problem.empty());
}

TEST_F(Checkpoint, AbortMarkerIsCreatedAndRemoved) {
  EXPECT_FALSE(abort_marker_exists(dir_));
  create_abort_marker(dir_);
  EXPECT_TRUE(abort_marker_exists(dir_));
  EXPECT_TRUE(fs::exists(dir_ / "abort"));
  create_abort_marker(dir_);  // already there: still fine
  remove_abort_marker(dir_);
  EXPECT_FALSE(abort_marker_exists(dir_));
  EXPECT_NO_THROW(remove_abort_marker(dir_));  // already gone
  EXPECT_THROW(create_abort_marker(dir_ / "absent"), sdk::plugin_error);
}

}  // namespace
}  // namespace berth::store_mmap
