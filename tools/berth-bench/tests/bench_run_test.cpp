// One short run of the real berth-bench against a real berthd (tcp, mmap store in a temp dir).
#include "broker_fixture.hpp"
#include "process.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

TEST(berth_bench_run, one_second_with_a_producer_and_a_consumer) {
  temp_dir dir;
  running_broker broker(dir, fmt::format(R"([broker]
name = "berth-bench-test"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
plugin = "mmap"
segment_size = "64MiB"
flush = "async"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"
)",
                                         dir.path().string()));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();

  const auto r = run({BERTH_BENCH_PATH, "--server", endpoint, "--queues", "2", "--producers", "1",
                      "--consumers", "1", "--duration", "1s", "--rate", "2000", "--output",
                      "json"},
                     dir.path(), 40s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_GT(j["produced"].get<uint64_t>(), 0u) << r.out;
  EXPECT_GT(j["consumed"].get<uint64_t>(), 0u) << r.out;
  EXPECT_EQ(j["errors"].get<uint64_t>(), 0u) << r.out;
  EXPECT_EQ(j["consumed"], j["produced"]) << r.out;
  EXPECT_GT(j["produced_msgs_per_s"].get<double>(), 0.0);
  EXPECT_EQ(j["send_ack_latency"]["count"], j["produced"]);
  EXPECT_GT(j["end_to_end_latency"]["count"].get<uint64_t>(), 0u);
  EXPECT_GT(j["end_to_end_latency"]["p50_ms"].get<double>(), 0.0);
}

}  // namespace
}  // namespace berth::test
