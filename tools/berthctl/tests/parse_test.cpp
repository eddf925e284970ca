// The pure helpers of berthctl: durations, times, properties, perms, tables.
#include "output.hpp"
#include "parse.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace berth::tools {
namespace {

using std::chrono::milliseconds;

TEST(parse_duration, units_and_sums) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("10s"), milliseconds(10'000));
  EXPECT_EQ(parse_duration("2m"), milliseconds(120'000));
  EXPECT_EQ(parse_duration("1h"), milliseconds(3'600'000));
  EXPECT_EQ(parse_duration("1m30s"), milliseconds(90'000));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1'500));
  EXPECT_EQ(parse_duration("0"), milliseconds(0));
  EXPECT_EQ(parse_duration("0s"), milliseconds(0));
}

TEST(parse_duration, refuses_malformed) {
  for (const char* bad : {"", "10", "s", "10x", "-5s", "1.s", "ms", "10 s", "5sec", "1e3ms"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(parse_time, epoch_milliseconds) {
  EXPECT_EQ(parse_time("1764000000000"), 1764000000000);
  EXPECT_EQ(parse_time("0"), 0);
}

TEST(parse_time, iso_8601_utc_and_offsets) {
  // 2026-11-24T10:00:00Z = 1795514400 s since the epoch.
  EXPECT_EQ(parse_time("2026-11-24T10:00:00Z"), 1795514400000);
  EXPECT_EQ(parse_time("2026-11-24T10:00:00.250Z"), 1795514400250);
  EXPECT_EQ(parse_time("2026-11-24T12:00:00+02:00"), 1795514400000);
  EXPECT_EQ(parse_time("2026-11-24T12:00:00+0200"), 1795514400000);
  EXPECT_EQ(parse_time("2026-11-24T05:00:00-05"), 1795514400000);
  EXPECT_EQ(parse_time("2026-11-24T10:00Z"), 1795514400000);
  EXPECT_EQ(parse_time("1970-01-01T00:00:00Z"), 0);
}

class parse_time_local : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_ = tz;
    had_ = std::getenv("TZ") != nullptr;
    ::setenv("TZ", "CET-1", 1);  // UTC+1 all year: needs no tz database
    ::tzset();
  }
  void TearDown() override {
    if (had_) {
      ::setenv("TZ", saved_.c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  std::string saved_;
  bool had_ = false;
};

TEST_F(parse_time_local, without_zone_is_local_time) {
  EXPECT_EQ(parse_time("2026-11-24 11:00:00"), 1795514400000);
  EXPECT_EQ(parse_time("2026-11-24T11:00:00"), 1795514400000);
  EXPECT_EQ(parse_time("2026-11-24 11:00"), 1795514400000);
  EXPECT_EQ(parse_time("2026-11-24"), 1795514400000 - 11 * 3'600'000);
}

TEST(parse_time, refuses_malformed) {
  for (const char* bad : {"", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-24T25:00:00Z", "2026-11-24T10:00:00Q", "2026-11-24X10:00",
                          "2026/11/24", "-5", "2026-11-24T10:00:00.Z", "2026-11-24T10"}) {
    EXPECT_FALSE(parse_time(bad).has_value()) << bad;
  }
}

TEST(format_time, utc_with_milliseconds_and_round_trip) {
  EXPECT_EQ(format_time(1795514400250), "2026-11-24T10:00:00.250Z");
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(parse_time(format_time(1795514400250)), 1795514400250);
}

TEST(parse_property, splits_at_first_equals) {
  EXPECT_EQ(parse_property("a=b"), (std::pair<std::string, std::string>{"a", "b"}));
  EXPECT_EQ(parse_property("a=b=c"), (std::pair<std::string, std::string>{"a", "b=c"}));
  EXPECT_EQ(parse_property("a="), (std::pair<std::string, std::string>{"a", ""}));
  EXPECT_FALSE(parse_property("=b").has_value());
  EXPECT_FALSE(parse_property("ab").has_value());
}

TEST(parse_perm, both_ways) {
  EXPECT_EQ(parse_perm("rw"), 6);
  EXPECT_EQ(parse_perm("r"), 4);
  EXPECT_EQ(parse_perm("w"), 2);
  EXPECT_FALSE(parse_perm("x").has_value());
  EXPECT_EQ(format_perm(6), "rw");
  EXPECT_EQ(format_perm(4), "r");
  EXPECT_EQ(format_perm(0), "-");
}

TEST(output, table_aligns_columns) {
  table t({"A", "LONGER"});
  t.add({"wide cell", "x"});
  EXPECT_EQ(t.render(), "A          LONGER\nwide cell  x\n");
}

TEST(output, printable_escapes_and_cuts) {
  EXPECT_EQ(printable("a\nb\x01", 100), "a\\nb\\x01");
  EXPECT_EQ(printable("abcdef", 3), "abc...(6 bytes)");
}

}  // namespace
}  // namespace berth::tools
