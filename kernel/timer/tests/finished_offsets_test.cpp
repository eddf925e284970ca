#include "timer/finished_offsets.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::timer {
namespace {

TEST(finished_offsets, the_low_water_mark_waits_for_the_lowest_unfinished_offset) {
  finished_offsets f(10);
  EXPECT_EQ(f.low_water(), 10u);
  EXPECT_TRUE(f.finished(9));
  f.finish(12);
  f.finish(11);
  EXPECT_EQ(f.low_water(), 10u);
  EXPECT_TRUE(f.finished(12));
  EXPECT_FALSE(f.finished(13));
  f.finish(10);
  EXPECT_EQ(f.low_water(), 13u);
  f.finish(5);  // below the mark: already finished
  EXPECT_EQ(f.low_water(), 13u);
}

TEST(finished_offsets, long_runs_across_words_advance_the_mark) {
  finished_offsets f(0);
  for (uint64_t o = 1000; o > 0; --o) f.finish(o);
  EXPECT_EQ(f.low_water(), 0u);
  f.finish(0);
  EXPECT_EQ(f.low_water(), 1001u);
  f.finish(1001);
  EXPECT_EQ(f.low_water(), 1002u);
  EXPECT_FALSE(f.finished(5000));
}

}  // namespace
}  // namespace berth::kernel::timer
