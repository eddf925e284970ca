#include "histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace berth::tools {
namespace {

TEST(log_histogram, buckets_are_contiguous_and_narrow) {
  // Every bucket starts where the previous ends, and is at most 1/128 of its values wide.
  for (size_t i = 1; i < 7424; ++i) {
    ASSERT_EQ(log_histogram::lowest_of(i),
              log_histogram::lowest_of(i - 1) + log_histogram::width_of(i - 1))
        << i;
    if (log_histogram::lowest_of(i) >= 128) {
      ASSERT_LE(log_histogram::width_of(i) * 128, log_histogram::lowest_of(i)) << i;
    }
  }
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{255},
                     uint64_t{256}, uint64_t{1'000'000}, uint64_t{123'456'789'012},
                     UINT64_MAX}) {
    const size_t i = log_histogram::index_of(v);
    EXPECT_GE(v, log_histogram::lowest_of(i)) << v;
    EXPECT_LE(v - log_histogram::lowest_of(i), log_histogram::width_of(i) - 1) << v;
  }
  EXPECT_EQ(log_histogram::index_of(UINT64_MAX), 7423u);
}

TEST(log_histogram, records_counts_min_max_mean) {
  log_histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  h.record(10);
  h.record(20, 3);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h.min(), 10u);
  EXPECT_EQ(h.max(), 20u);
  EXPECT_DOUBLE_EQ(h.mean(), 17.5);
  EXPECT_EQ(h.percentile(25), 10u);  // small values are exact
  EXPECT_EQ(h.percentile(50), 20u);
  EXPECT_EQ(h.percentile(100), 20u);
}

// Percentiles against the exact ones of the sorted values, for a spread of distributions.
void expect_within_one_percent(std::vector<uint64_t> values) {
  log_histogram h;
  for (uint64_t v : values) h.record(v);
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const auto rank = std::max<size_t>(
        1, static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size()))));
    const uint64_t exact = values[rank - 1];
    const uint64_t got = h.percentile(p);
    const double err = std::abs(static_cast<double>(got) - static_cast<double>(exact)) /
                       static_cast<double>(std::max<uint64_t>(exact, 1));
    EXPECT_LE(err, 0.01) << "p" << p << " exact " << exact << " got " << got;
  }
}

TEST(log_histogram, percentiles_within_one_percent) {
  std::mt19937_64 rng(42);
  std::vector<uint64_t> uniform, lognormal, wide;
  std::uniform_int_distribution<uint64_t> u(1'000, 5'000'000);
  std::lognormal_distribution<double> ln(13.0, 1.5);  // ~0.4 ms median, long tail
  std::uniform_int_distribution<int> exp(0, 50);
  for (int i = 0; i < 100'000; ++i) {
    uniform.push_back(u(rng));
    lognormal.push_back(static_cast<uint64_t>(ln(rng)) + 1);
    wide.push_back((uint64_t{1} << exp(rng)) + u(rng));
  }
  expect_within_one_percent(uniform);
  expect_within_one_percent(lognormal);
  expect_within_one_percent(wide);
}

TEST(log_histogram, merge_equals_recording_everything_in_one) {
  log_histogram a, b, all;
  for (uint64_t v = 1; v < 50'000; v += 7) {
    (v % 2 == 0 ? a : b).record(v * 13);
    all.record(v * 13);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (double p : {50.0, 99.0, 99.9}) EXPECT_EQ(a.percentile(p), all.percentile(p));
  log_histogram empty;
  a.merge(empty);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  a.reset();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.max(), 0u);
}

}  // namespace
}  // namespace berth::tools
