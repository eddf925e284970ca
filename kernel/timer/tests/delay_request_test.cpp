#include "timer/delay_request.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::timer {
namespace {

using namespace std::chrono_literals;
constexpr int64_t now = 1'700'000'000'000;

delay_request parse(std::optional<std::string_view> level, std::optional<std::string_view> time) {
  return parse_delay_request(level, time, now, default_max_delay);
}
std::string refusal(const delay_request& r) {
  return std::holds_alternative<delay_refused>(r) ? std::get<delay_refused>(r).reason : "";
}

TEST(delay_request, the_eighteen_levels_are_rocketmqs) {
  const std::array<milliseconds, 18> expected{1s, 5s, 10s, 30s, 1min, 2min, 3min, 4min, 5min,
                                              6min, 7min, 8min, 9min, 10min, 20min, 30min, 1h, 2h};
  for (int level = 1; level <= 18; ++level) {
    EXPECT_EQ(delay_of_level(level), expected[static_cast<size_t>(level - 1)]) << level;
    const auto r = parse(std::to_string(level), std::nullopt);
    ASSERT_TRUE(std::holds_alternative<deliver_at>(r)) << refusal(r);
    EXPECT_EQ(std::get<deliver_at>(r).time_ms, now + expected[static_cast<size_t>(level - 1)].count());
  }
  EXPECT_FALSE(delay_of_level(0));
  EXPECT_FALSE(delay_of_level(19));
}

TEST(delay_request, no_property_is_no_delay) {
  EXPECT_TRUE(std::holds_alternative<no_delay>(parse(std::nullopt, std::nullopt)));
}

TEST(delay_request, a_delivery_time_is_kept_to_the_millisecond_and_the_past_is_due_at_once) {
  auto r = parse(std::nullopt, std::to_string(now + 1234));
  ASSERT_TRUE(std::holds_alternative<deliver_at>(r));
  EXPECT_EQ(std::get<deliver_at>(r).time_ms, now + 1234);
  r = parse(std::nullopt, std::to_string(now - 5000));
  ASSERT_TRUE(std::holds_alternative<deliver_at>(r));
  EXPECT_EQ(std::get<deliver_at>(r).time_ms, now - 5000);
  const auto edge = now + default_max_delay.count();
  EXPECT_TRUE(std::holds_alternative<deliver_at>(parse(std::nullopt, std::to_string(edge))));
}

TEST(delay_request, each_bad_value_is_refused_with_its_own_reason) {
  EXPECT_NE(refusal(parse("0", std::nullopt)).find("'0' is not one of 1..18"), std::string::npos);
  EXPECT_NE(refusal(parse("19", std::nullopt)).find("'19'"), std::string::npos);
  EXPECT_NE(refusal(parse("-1", std::nullopt)).find("1..18"), std::string::npos);
  EXPECT_NE(refusal(parse("3x", std::nullopt)).find("'3x'"), std::string::npos);
  EXPECT_NE(refusal(parse("", std::nullopt)).find("1..18"), std::string::npos);
  EXPECT_NE(refusal(parse("3", "123")).find("not both"), std::string::npos);
  EXPECT_NE(refusal(parse(std::nullopt, "soon")).find("not a Unix time"), std::string::npos);
  EXPECT_NE(refusal(parse(std::nullopt, "-5")).find("not a Unix time"), std::string::npos);
  const auto far = std::to_string(now + default_max_delay.count() + 1);
  EXPECT_NE(refusal(parse(std::nullopt, far)).find("over the broker's maximum of 3456000 s"),
            std::string::npos)
      << refusal(parse(std::nullopt, far));
}

}  // namespace
}  // namespace berth::kernel::timer
