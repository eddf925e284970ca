// Short runs of the real berth-bench against a real berthd (tcp, mmap store in a temp dir):
// push consumers, timed messages with their lateness, pop consumers, a message count; and
// over TLS, messages and the connection mode.
#include "broker_fixture.hpp"
#include "process.hpp"
#include "tls_fixture.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

std::string broker_config(const temp_dir& dir) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
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
                     dir.path().string());
}

// berth-bench with `args` (and --output json) against `endpoint`; its report, or a failure.
nlohmann::json bench(const temp_dir& dir, const std::string& endpoint,
                     std::vector<std::string> args) {
  std::vector<std::string> argv{BERTH_BENCH_PATH, "--server", endpoint, "--output", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = run(argv, dir.path(), 60s);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_TRUE(j.is_object()) << r.out << r.err;
  return j.is_object() ? j : nlohmann::json::object();
}

uint64_t count_of(const nlohmann::json& j, const char* name) {
  return j.contains(name) ? j[name].get<uint64_t>() : 0;
}

TEST(berth_bench_run, one_second_with_a_producer_and_a_consumer) {
  temp_dir dir;
  running_broker broker(dir, broker_config(dir));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();

  const auto j = bench(dir, endpoint,
                       {"--queues", "2", "--producers", "1", "--consumers", "1", "--duration",
                        "1s", "--rate", "2000"});
  ASSERT_FALSE(j.empty());
  EXPECT_GT(j["produced"].get<uint64_t>(), 0u) << j;
  EXPECT_GT(j["consumed"].get<uint64_t>(), 0u) << j;
  EXPECT_EQ(j["errors"].get<uint64_t>(), 0u) << j;
  EXPECT_EQ(j["consumed"], j["produced"]) << j;
  EXPECT_GT(j["produced_msgs_per_s"].get<double>(), 0.0);
  EXPECT_EQ(j["send_ack_latency"]["count"], j["produced"]);
  EXPECT_GT(j["end_to_end_latency"]["count"].get<uint64_t>(), 0u);
  EXPECT_GT(j["end_to_end_latency"]["p50_ms"].get<double>(), 0.0);
  EXPECT_EQ(j["lateness"]["count"].get<uint64_t>(), 0u) << "no timed messages, no lateness";
}

TEST(berth_bench_run, timed_messages_arrive_after_their_delay_and_report_lateness) {
  temp_dir dir;
  running_broker broker(dir, broker_config(dir));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();

  const auto j = bench(dir, endpoint,
                       {"--topic", "timed", "--queues", "2", "--producers", "1", "--consumers",
                        "1", "--duration", "1s", "--rate", "200", "--deliver-after", "1500ms"});
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(j["deliver_after_ms"].get<int64_t>(), 1500);
  EXPECT_GT(count_of(j, "produced"), 0u) << j;
  EXPECT_EQ(j["consumed"], j["produced"]) << j;
  EXPECT_EQ(count_of(j, "errors"), 0u) << j;
  EXPECT_EQ(count_of(j, "early"), 0u) << "the broker delivered before the time asked: " << j;
  EXPECT_EQ(j["lateness"]["count"], j["consumed"]) << j;
  // Every message waited its delay: end-to-end is at least 1.5 s (less the histogram's bucket
  // width, under 1 %), lateness is what is beyond.
  EXPECT_GE(j["end_to_end_latency"]["p50_ms"].get<double>(), 1500.0 * 0.99) << j;
  EXPECT_LT(j["lateness"]["p50_ms"].get<double>(),
            j["end_to_end_latency"]["p50_ms"].get<double>() - 1000.0)
      << j;
}

TEST(berth_bench_run, pop_consumers_ack_what_they_receive_live_and_from_a_backlog) {
  temp_dir dir;
  running_broker broker(dir, broker_config(dir));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();

  const auto live = bench(dir, endpoint,
                          {"--topic", "popped", "--queues", "4", "--producers", "1",
                           "--consumers", "2", "--pop", "--group", "live", "--duration", "1s",
                           "--rate", "1000"});
  ASSERT_FALSE(live.empty());
  EXPECT_TRUE(live["pop"].get<bool>());
  EXPECT_GT(count_of(live, "produced"), 0u) << live;
  EXPECT_EQ(live["consumed"], live["produced"]) << live;
  EXPECT_EQ(live["pop_acks"], live["consumed"]) << live;
  EXPECT_EQ(count_of(live, "consume_errors"), 0u) << live;
  EXPECT_EQ(live["end_to_end_latency"]["count"], live["consumed"]) << live;

  // A new pop group reads the topic from its first message: the whole backlog, each once.
  const auto backlog = bench(dir, endpoint,
                             {"--topic", "popped", "--producers", "0", "--consumers", "2",
                              "--pop", "--group", "later", "--duration", "20s"});
  ASSERT_FALSE(backlog.empty());
  EXPECT_EQ(backlog["consumed"], live["produced"]) << backlog;
  EXPECT_EQ(backlog["pop_acks"], live["produced"]) << backlog;
  EXPECT_GT(backlog["consumed_msgs_per_s"].get<double>(), 0.0) << backlog;
  EXPECT_EQ(count_of(backlog, "consume_errors"), 0u) << backlog;

  // Everything was acked: a third run of the same group finds nothing left.
  const auto again = bench(dir, endpoint,
                           {"--topic", "popped", "--producers", "0", "--consumers", "1", "--pop",
                            "--group", "later", "--duration", "2s"});
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(count_of(again, "consumed"), 0u) << again;
}

TEST(berth_bench_run, a_message_count_stops_the_producers_exactly) {
  temp_dir dir;
  running_broker broker(dir, broker_config(dir));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();

  const auto j = bench(dir, endpoint,
                       {"--topic", "counted", "--producers", "3", "--messages", "1000",
                        "--duration", "60s", "--deliver-after", "1h"});
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(count_of(j, "sent"), 1000u) << j;
  EXPECT_EQ(count_of(j, "produced"), 1000u) << j;
  EXPECT_EQ(count_of(j, "errors"), 0u) << j;
  // Done when the count was acknowledged, not when --duration ran out.
  EXPECT_LT(j["produce_seconds"].get<double>(), 30.0) << j;
  // Parked for an hour: a consumer that reads the topic from its start finds none of them.
  const auto read = bench(dir, endpoint,
                          {"--topic", "counted", "--producers", "0", "--consumers", "1",
                           "--from", "earliest", "--duration", "2s"});
  ASSERT_FALSE(read.empty());
  EXPECT_EQ(count_of(read, "consumed"), 0u) << read;
}

// Over TLS: messages, and the connection mode that measures the handshake rate.
class berth_bench_tls : public tls_fixture {};

TEST_F(berth_bench_tls, messages_and_connections_over_tls) {
  start();
  const std::string ca = ca_file_.string();
  auto j = bench(dir_, secure_,
                 {"--ca", ca, "--queues", "2", "--consumers", "1", "--messages", "500",
                  "--batch", "10", "--size", "1024"});
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(count_of(j, "produced"), 500u) << j;
  EXPECT_EQ(count_of(j, "consumed"), 500u) << j;

  j = bench(dir_, secure_, {"--ca", ca, "--connections", "20", "--producers", "2"});
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(count_of(j, "opened"), 20u) << j;
  EXPECT_EQ(count_of(j, "failed"), 0u) << j;
  EXPECT_TRUE(j["tls"].get<bool>());
  EXPECT_GT(j["connections_per_s"].get<double>(), 0.0) << j;
  EXPECT_EQ(j["connect_latency"]["count"].get<uint64_t>(), 20u) << j;
}

}  // namespace
}  // namespace berth::test
