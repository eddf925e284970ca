// Every failed call is counted; the log gets at most one line per error_log_interval and
// compiled expression, saying how many were not logged.
#include "filter_fixture.hpp"

namespace berth::plugins::filter_lua::test {
namespace {

using namespace std::chrono_literals;

using error_log_test = filter_fixture;

const char* const kFailing = "return function(m) error('bad ' .. m.tag) end";

TEST_F(error_log_test, errors_are_counted_every_time_and_logged_once_per_interval) {
  const auto expr = compile(kFailing);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(matches(*expr, tagged("t" + std::to_string(i))));
  EXPECT_EQ(errors(), 5);
  ASSERT_EQ(host_.logs().size(), 1u);
  EXPECT_EQ(host_.logs()[0], std::to_string(BERTH_LOG_WARN) +
                                 " lua filter script \"return function(m) error('bad ' .. m.tag) end\": "
                                 "runtime error: line 1: bad t0 (counted as no match)");

  host_.advance(9s);
  EXPECT_FALSE(matches(*expr, tagged("t5")));
  EXPECT_EQ(host_.logs().size(), 1u);

  host_.advance(1s);
  EXPECT_FALSE(matches(*expr, tagged("t6")));
  ASSERT_EQ(host_.logs().size(), 2u);
  EXPECT_NE(host_.logs()[1].find("line 1: bad t6 (counted as no match; 5 more errors since the "
                                 "last line were not logged)"),
            std::string::npos)
      << host_.logs()[1];
  EXPECT_EQ(errors(), 7);
}

TEST_F(error_log_test, each_compiled_expression_has_its_own_interval) {
  const auto first = compile(kFailing);
  const auto second = compile(kFailing);
  EXPECT_FALSE(matches(*first, tagged("a")));
  EXPECT_FALSE(matches(*second, tagged("b")));
  EXPECT_FALSE(matches(*first, tagged("c")));
  EXPECT_EQ(host_.logs().size(), 2u);
  EXPECT_EQ(errors(), 3);
}

TEST_F(error_log_test, a_zero_interval_logs_every_error) {
  host_.set_duration("error_log_interval", 0s);
  const auto expr = compile(kFailing);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(matches(*expr, tagged("x")));
  EXPECT_EQ(host_.logs().size(), 3u);
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test
