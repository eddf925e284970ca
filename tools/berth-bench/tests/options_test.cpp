#include "options.hpp"

#include <gtest/gtest.h>

namespace berth::tools {
namespace {

TEST(bench_options, defaults) {
  const auto r = parse_bench_options({});
  ASSERT_TRUE(r.options.has_value()) << r.err;
  const auto& o = *r.options;
  EXPECT_EQ(o.server, "127.0.0.1:10911");
  EXPECT_EQ(o.topic, "bench");
  EXPECT_EQ(o.producers, 1u);
  EXPECT_EQ(o.consumers, 0u);
  EXPECT_EQ(o.size, 128u);
  EXPECT_EQ(o.batch, 1u);
  EXPECT_EQ(o.rate, 0.0);
  EXPECT_EQ(o.duration, std::chrono::seconds(10));
  EXPECT_EQ(o.in_flight, 64u);
  EXPECT_FALSE(o.sync);
  EXPECT_FALSE(o.json);
  EXPECT_FALSE(o.from_earliest);
}

TEST(bench_options, every_option) {
  const auto r = parse_bench_options(
      {"--server", "10.0.0.1:9", "--topic", "t", "--queues", "8", "--producers", "4",
       "--consumers", "2", "--size", "1024", "--batch", "16", "--rate", "1000", "--duration",
       "1m30s", "--in-flight", "8", "--sync", "--group", "g", "--from", "earliest", "--timeout",
       "500ms", "--output", "json"});
  ASSERT_TRUE(r.options.has_value()) << r.err;
  const auto& o = *r.options;
  EXPECT_EQ(o.server, "10.0.0.1:9");
  EXPECT_EQ(o.topic, "t");
  EXPECT_EQ(o.queues, 8u);
  EXPECT_EQ(o.producers, 4u);
  EXPECT_EQ(o.consumers, 2u);
  EXPECT_EQ(o.size, 1024u);
  EXPECT_EQ(o.batch, 16u);
  EXPECT_EQ(o.rate, 1000.0);
  EXPECT_EQ(o.duration, std::chrono::seconds(90));
  EXPECT_EQ(o.in_flight, 8u);
  EXPECT_TRUE(o.sync);
  EXPECT_EQ(o.group, "g");
  EXPECT_TRUE(o.from_earliest);
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(500));
  EXPECT_TRUE(o.json);
}

TEST(bench_options, refusals_and_help) {
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--size", "4"}, {"--duration", "10"}, {"--batch", "0"},
        {"--producers", "0"}, {"--output", "xml"}, {"--rate", "-1"}, {"--bogus"},
        {"--from", "middle"}}) {
    const auto r = parse_bench_options(bad);
    EXPECT_FALSE(r.options.has_value()) << bad[0];
    EXPECT_EQ(r.exit_code, 2) << bad[0];
    EXPECT_FALSE(r.err.empty());
  }
  const auto h = parse_bench_options({"--help"});
  EXPECT_FALSE(h.options.has_value());
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--in-flight"), std::string::npos);
}

}  // namespace
}  // namespace berth::tools
