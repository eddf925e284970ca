#include "pacer.hpp"

#include <gtest/gtest.h>

namespace berth::tools {
namespace {

constexpr int64_t s = 1'000'000'000;

TEST(pacer, unlimited_never_waits) {
  pacer p(0);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(p.reserve(5 * s), 5 * s);
}

TEST(pacer, spaces_messages_at_the_rate) {
  pacer p(1000);  // one per ms
  const int64_t t0 = 100 * s;
  int64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    const int64_t at = p.reserve(t0);  // all asked at once: they are spread out
    if (i > 0) {
      EXPECT_EQ(at - last, 1'000'000) << i;
    }
    last = at;
  }
  EXPECT_LE(last - t0, 999 * 1'000'000);
  EXPECT_GE(last - t0, 998 * 1'000'000);
}

TEST(pacer, batches_book_their_size_and_fractions_add_up) {
  pacer p(3);  // 333 333 333.3 ns apart
  const int64_t t0 = 10 * s;
  const int64_t first = p.reserve(t0, 3);
  const int64_t second = p.reserve(t0, 3);
  EXPECT_EQ(second - first, s);  // three messages = one second, no rounding drift
  int64_t at = 0;
  for (int i = 0; i < 300; ++i) at = p.reserve(t0);
  EXPECT_NEAR(static_cast<double>(at - second), 100.0 * s + 2.0 * s / 3.0, 2.0);
}

TEST(pacer, average_rate_over_a_simulated_run) {
  // A sender that sleeps until each reserved time sends rate * seconds messages.
  pacer p(5000, 50);
  int64_t now = 0;
  int sent = 0;
  while (now < 2 * s) {
    const int64_t at = p.reserve(now);
    if (at > now) now = at;
    if (now >= 2 * s) break;
    ++sent;
  }
  EXPECT_NEAR(sent, 10'000, 51);
}

TEST(pacer, catch_up_after_a_stall_is_bounded_by_the_burst) {
  pacer p(1000, 10);
  (void)p.reserve(0);
  // Ten seconds idle: only the burst (10 messages) may go at once, then the pace holds.
  const int64_t now = 10 * s;
  int immediate = 0;
  for (int i = 0; i < 100; ++i) {
    if (p.reserve(now) <= now) ++immediate;
  }
  EXPECT_GE(immediate, 10);
  EXPECT_LE(immediate, 11);
}

}  // namespace
}  // namespace berth::tools
