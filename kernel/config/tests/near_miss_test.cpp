#include "config/near_miss.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth::kernel::config {
namespace {

const std::vector<std::string> kKeys{"segment_size", "flush", "max_segments", "retention"};

TEST(ClosestMatch, FindsTyposByEditDistance) {
  EXPECT_EQ(closest_match("segmnet_size", kKeys), "segment_size");  // transposition
  EXPECT_EQ(closest_match("segment_sze", kKeys), "segment_size");   // deletion
  EXPECT_EQ(closest_match("flushh", kKeys), "flush");               // insertion
  EXPECT_EQ(closest_match("retentoin", kKeys), "retention");
}

TEST(ClosestMatch, IgnoresCase) {
  EXPECT_EQ(closest_match("SEGMENT_SIZE", kKeys), "segment_size");
  EXPECT_EQ(closest_match("Flush", kKeys), "flush");
}

TEST(ClosestMatch, RejectsWordsTooFarAway) {
  EXPECT_EQ(closest_match("colour", kKeys), std::nullopt);
  EXPECT_EQ(closest_match("size", kKeys), std::nullopt);
  EXPECT_EQ(closest_match("anything", std::vector<std::string>{}), std::nullopt);
}

TEST(ClosestMatch, ThresholdIsAThirdOfTheWordButAtLeastOne) {
  const std::vector<std::string> candidates{"ab"};
  EXPECT_EQ(closest_match("ax", candidates), "ab");    // 1 edit, len 2: allowed (min 1)
  EXPECT_EQ(closest_match("xy", candidates), std::nullopt);  // 2 edits
  const std::vector<std::string> long_word{"abcdefghi"};
  EXPECT_EQ(closest_match("abcdefgxx", long_word), "abcdefghi");  // 2 edits, len 9: 3 allowed
  EXPECT_EQ(closest_match("abcdefxxx", long_word), "abcdefghi");  // 3 edits
  EXPECT_EQ(closest_match("abcdexxxx", long_word), std::nullopt);  // 4 edits
}

TEST(ClosestMatch, TiesGoToTheEarlierCandidate) {
  EXPECT_EQ(closest_match("cat", std::vector<std::string>{"bat", "hat"}), "bat");
  EXPECT_EQ(closest_match("cat", std::vector<std::string>{"hat", "bat"}), "hat");
}

}  // namespace
}  // namespace berth::kernel::config
