#include "options.hpp"

#include <berth/client/producer.hpp>

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
  EXPECT_EQ(o.messages, 0u);
  EXPECT_EQ(o.deliver_after, std::chrono::milliseconds(0));
  EXPECT_FALSE(o.pop);
}

TEST(bench_options, every_option) {
  const auto r = parse_bench_options(
      {"--server", "10.0.0.1:9", "--topic", "t", "--queues", "8", "--producers", "4",
       "--consumers", "2", "--size", "1024", "--batch", "16", "--rate", "1000", "--duration",
       "1m30s", "--in-flight", "8", "--sync", "--group", "g", "--from", "earliest", "--timeout",
       "500ms", "--output", "json", "--messages", "1000000"});
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
  EXPECT_EQ(o.messages, 1'000'000u);
}

TEST(bench_options, pop_consumers_and_timed_messages) {
  const auto r = parse_bench_options(
      {"--consumers", "2", "--pop", "--deliver-after", "5.5s", "--producers", "0"});
  ASSERT_TRUE(r.options.has_value()) << r.err;
  EXPECT_TRUE(r.options->pop);
  EXPECT_EQ(r.options->consumers, 2u);
  EXPECT_EQ(r.options->deliver_after, std::chrono::milliseconds(5500));
  const auto hour = parse_bench_options({"--deliver-after", "1h", "--messages", "1000000"});
  ASSERT_TRUE(hour.options.has_value()) << hour.err;
  EXPECT_EQ(hour.options->deliver_after, std::chrono::hours(1));
  // "0" is the default: messages go out at once.
  const auto now = parse_bench_options({"--deliver-after", "0"});
  ASSERT_TRUE(now.options.has_value()) << now.err;
  EXPECT_EQ(now.options->deliver_after, std::chrono::milliseconds(0));
}

TEST(bench_options, refusals_and_help) {
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--size", "4"}, {"--duration", "10"}, {"--batch", "0"},
        {"--producers", "0"}, {"--output", "xml"}, {"--rate", "-1"}, {"--bogus"},
        {"--from", "middle"}, {"--deliver-after", "soon"},
        {"--deliver-after", "5s", "--batch", "4"}, {"--pop"},
        {"--pop", "--consumers", "1", "--from", "earliest"}, {"--messages", "-1"},
        {"--messages", "many"}}) {
    const auto r = parse_bench_options(bad);
    EXPECT_FALSE(r.options.has_value()) << bad[0];
    EXPECT_EQ(r.exit_code, 2) << bad[0];
    EXPECT_FALSE(r.err.empty()) << bad[0];
  }
  const auto h = parse_bench_options({"--help"});
  EXPECT_FALSE(h.options.has_value());
  EXPECT_EQ(h.exit_code, 0);
  for (const char* option : {"--in-flight", "--deliver-after", "--pop", "--messages"}) {
    EXPECT_NE(h.out.find(option), std::string::npos) << option;
  }
}

TEST(bench_options, tls_flags_and_the_connection_mode) {
  auto r = parse_bench_options({"--ca", "ca.pem", "--connections", "500", "--producers", "4"});
  ASSERT_TRUE(r.options.has_value()) << r.err;
  EXPECT_TRUE(r.options->tls.enabled) << "a CA turns TLS on";
  EXPECT_EQ(r.options->tls.ca_file, "ca.pem");
  EXPECT_EQ(r.options->connections, 500u);
  const auto o = r.options->client_options<client::producer_options>();
  EXPECT_EQ(o.tls.ca_file, "ca.pem");
  EXPECT_EQ(o.endpoint, "127.0.0.1:10911");

  r = parse_bench_options({"--tls", "--cert", "c.pem", "--key", "c.key", "--server-name", "b"});
  ASSERT_TRUE(r.options.has_value()) << r.err;
  EXPECT_TRUE(r.options->tls.enabled);
  EXPECT_EQ(r.options->tls.cert_file, "c.pem");
  EXPECT_EQ(r.options->tls.server_name, "b");
  EXPECT_FALSE(parse_bench_options({}).options->tls.enabled);

  r = parse_bench_options({"--connections", "10", "--consumers", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--connections"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace berth::tools
