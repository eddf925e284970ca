// Java's valueOf rules for property values compared with numeric and boolean literals.
#include "java_number.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace berth::plugins::filter_sql::test {
namespace {

TEST(java_int, takes_an_optional_sign_and_digits_within_32_bits) {
  EXPECT_EQ(parse_java_int("0"), 0);
  EXPECT_EQ(parse_java_int("+17"), 17);
  EXPECT_EQ(parse_java_int("-17"), -17);
  EXPECT_EQ(parse_java_int("007"), 7);
  EXPECT_EQ(parse_java_int("2147483647"), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(parse_java_int("-2147483648"), std::numeric_limits<int32_t>::min());
}

TEST(java_int, refuses_spaces_fractions_overflow_and_empty_text) {
  for (const char* bad : {"", "+", "-", " 1", "1 ", "1.0", "1e3", "0x10", "2147483648",
                          "-2147483649", "1L", "abc", "--1"}) {
    EXPECT_FALSE(parse_java_int(bad)) << bad;
  }
}

TEST(java_long, covers_64_bits_and_no_more) {
  EXPECT_EQ(parse_java_long("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parse_java_long("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(parse_java_long("2147483648"), 2147483648LL);
  EXPECT_FALSE(parse_java_long("9223372036854775808"));
  EXPECT_FALSE(parse_java_long("-9223372036854775809"));
  EXPECT_FALSE(parse_java_long("12L"));
}

TEST(java_double, reads_decimals_exponents_suffixes_and_trims) {
  EXPECT_EQ(parse_java_double("1.5"), 1.5);
  EXPECT_EQ(parse_java_double(".5"), 0.5);
  EXPECT_EQ(parse_java_double("5."), 5.0);
  EXPECT_EQ(parse_java_double("5E2"), 500.0);
  EXPECT_EQ(parse_java_double("5.5e-3"), 0.0055);
  EXPECT_EQ(parse_java_double("+2"), 2.0);
  EXPECT_EQ(parse_java_double("-2.5"), -2.5);
  EXPECT_EQ(parse_java_double("  7 \t"), 7.0);
  EXPECT_EQ(parse_java_double("3f"), 3.0);
  EXPECT_EQ(parse_java_double("3.5D"), 3.5);
  EXPECT_EQ(parse_java_double("0x1.8p1"), 3.0);
  EXPECT_EQ(parse_java_double("-0X10P0"), -16.0);
}

TEST(java_double, reads_nan_and_infinity_spelled_as_java_does) {
  EXPECT_TRUE(std::isnan(*parse_java_double("NaN")));
  EXPECT_EQ(parse_java_double("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_FALSE(parse_java_double("nan"));
  EXPECT_FALSE(parse_java_double("inf"));
  EXPECT_FALSE(parse_java_double("infinity"));
}

TEST(java_double, saturates_out_of_range_values_like_java) {
  EXPECT_EQ(parse_java_double("1e400"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_java_double("-1e400"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_java_double("1e-400"), 0.0);
  EXPECT_EQ(parse_java_double("0.0000000001e-400"), 0.0);
  EXPECT_EQ(parse_java_double("10000000000e99999999999"), std::numeric_limits<double>::infinity());
}

TEST(java_double, refuses_what_java_refuses) {
  for (const char* bad : {"", " ", ".", "e5", "1e", "1e+", "1.2.3", "1 2", "0x", "0x1",
                          "0x1.8", "1ff", "1x", "abc", "+-1", "1,5"}) {
    EXPECT_FALSE(parse_java_double(bad)) << bad;
  }
}

TEST(java_boolean, is_true_only_for_true_in_any_case) {
  EXPECT_TRUE(parse_java_boolean("true"));
  EXPECT_TRUE(parse_java_boolean("TrUe"));
  EXPECT_FALSE(parse_java_boolean("yes"));
  EXPECT_FALSE(parse_java_boolean(" true"));
  EXPECT_FALSE(parse_java_boolean("1"));
}

TEST(java_double_compare, orders_negative_zero_below_zero_and_nan_above_all) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_LT(java_double_compare(1.0, 2.0), 0);
  EXPECT_GT(java_double_compare(2.0, 1.0), 0);
  EXPECT_EQ(java_double_compare(2.0, 2.0), 0);
  EXPECT_LT(java_double_compare(-0.0, 0.0), 0);
  EXPECT_GT(java_double_compare(nan, inf), 0);
  EXPECT_EQ(java_double_compare(nan, -nan), 0);
  EXPECT_LT(java_double_compare(inf, nan), 0);
}

}  // namespace
}  // namespace berth::plugins::filter_sql::test
