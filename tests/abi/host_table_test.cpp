// The host-services table as a plugin sees it: config reads by path and type, metrics,
// clocks, and post/cancel with exactly-one-of run or drop.
#include "plugin_host/host_context.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace berth::test {
namespace {

using namespace std::chrono_literals;
namespace cfg = kernel::config;

berth_str str(const std::string& s) { return berth_str{s.data(), s.size()}; }
std::string text(berth_str s) { return std::string(s.ptr, s.len); }

class host_table_test : public ::testing::Test {
 protected:
  host_table_test() {
    ctx_.kind = "filter";
    ctx_.id = "filter-probe-1";
    ctx_.services = &services_;
    ctx_.owner = 77;
    ctx_.logger = kernel::log::plugin("filter", "filter-probe-1", spdlog::level::warn);
    ctx_.config.set("name", cfg::config_node{BERTH_CONFIG_STRING, 0, 0, "probe"});
    ctx_.config.set("segment_size", cfg::config_node{BERTH_CONFIG_SIZE, 4 << 20, 0, ""});
    ctx_.config.set("timeout", cfg::config_node{BERTH_CONFIG_DURATION, 500'000'000, 0, ""});
    ctx_.config.set("tls", cfg::config_node{BERTH_CONFIG_TABLE, 1, 0, ""});
    ctx_.config.set("tls.certificate", cfg::config_node{BERTH_CONFIG_STRING, 0, 0, "a.pem"});
    ctx_.config.set("peers", cfg::config_node{BERTH_CONFIG_ARRAY, 1, 0, ""});
    ctx_.config.set("peers.0", cfg::config_node{BERTH_CONFIG_STRING, 0, 0, "10.0.0.1"});
  }

  berth_config_value get(const std::string& path, berth_status expected = BERTH_OK) {
    berth_config_value v{};
    EXPECT_EQ(host_->config_get(&ctx_, str(path), &v), expected) << path;
    return v;
  }

  kernel::metrics::registry metrics_;
  kernel::executor::scheduler scheduler_{2};
  kernel::plugin_host::host_services services_{metrics_, scheduler_, "berth-test", "/var/berth"};
  berth_host_ctx ctx_;
  const berth_host* host_ = kernel::plugin_host::host_table();
};

TEST_F(host_table_test, declares_its_size_and_version) {
  EXPECT_EQ(host_->struct_size, sizeof(berth_host));
  EXPECT_EQ(host_->abi_major, BERTH_ABI_MAJOR);
  EXPECT_EQ(host_->abi_minor, BERTH_ABI_MINOR);
}

TEST_F(host_table_test, config_values_by_path_and_type) {
  auto name = get("name");
  EXPECT_EQ(name.type, BERTH_CONFIG_STRING);
  EXPECT_EQ(text(name.string), "probe");
  EXPECT_EQ(get("segment_size").integer, 4 << 20);
  EXPECT_EQ(get("segment_size").type, BERTH_CONFIG_SIZE);
  EXPECT_EQ(get("timeout").integer, 500'000'000);
  EXPECT_EQ(get("tls").type, BERTH_CONFIG_TABLE);
  EXPECT_EQ(text(get("tls.certificate").string), "a.pem");
  EXPECT_EQ(get("peers").integer, 1);
  EXPECT_EQ(text(get("peers.0").string), "10.0.0.1");
}

TEST_F(host_table_test, absent_keys_are_none_and_paths_through_scalars_are_errors) {
  EXPECT_EQ(get("missing").type, BERTH_CONFIG_NONE);
  EXPECT_EQ(get("tls.private_key").type, BERTH_CONFIG_NONE);
  get("name.first", BERTH_E_NOT_FOUND);
  berth_config_value v{};
  EXPECT_EQ(host_->config_get(&ctx_, str("name"), nullptr), BERTH_E_INVALID);
  (void)v;
}

TEST_F(host_table_test, metrics_register_only_during_create_and_update_lock_free) {
  uint32_t id = 0;
  EXPECT_EQ(host_->metric_register(&ctx_, BERTH_METRIC_COUNTER, str("probe_total"), str("help"), &id),
            BERTH_E_INVALID);
  ctx_.creating = true;
  ASSERT_EQ(host_->metric_register(&ctx_, BERTH_METRIC_COUNTER, str("probe_total"), str("help"), &id),
            BERTH_OK);
  uint32_t again = 0;
  EXPECT_EQ(host_->metric_register(&ctx_, BERTH_METRIC_COUNTER, str("probe_total"), str("help"), &again),
            BERTH_OK);
  EXPECT_EQ(again, id);
  uint32_t clash = 0;
  EXPECT_EQ(host_->metric_register(&ctx_, BERTH_METRIC_GAUGE, str("probe_total"), str("help"), &clash),
            BERTH_E_INVALID);
  EXPECT_EQ(host_->metric_register(&ctx_, BERTH_METRIC_GAUGE, str("bad name!"), str("help"), &clash),
            BERTH_E_INVALID);
  ctx_.creating = false;
  host_->metric_add(&ctx_, id, 3);
  host_->metric_add(&ctx_, id, -10);  // counters never go down
  host_->metric_add(&ctx_, 9999, 1);  // unknown ids are ignored
  EXPECT_NE(metrics_.serialize().find(
                "berth_probe_total{instance=\"filter-probe-1\",kind=\"filter\"} 3"),
            std::string::npos)
      << metrics_.serialize();
}

TEST_F(host_table_test, clocks) {
  const uint64_t a = host_->now_ns(&ctx_, BERTH_CLOCK_MONOTONIC);
  const uint64_t b = host_->now_ns(&ctx_, BERTH_CLOCK_MONOTONIC);
  EXPECT_LE(a, b);
  const auto wall = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
  const uint64_t realtime = host_->now_ns(&ctx_, BERTH_CLOCK_REALTIME);
  EXPECT_LT(wall > realtime ? wall - realtime : realtime - wall, uint64_t{1'000'000'000});
}

struct task_probe {
  std::atomic<int> runs{0};
  std::atomic<int> drops{0};
  static void run(void* arg) { ++static_cast<task_probe*>(arg)->runs; }
  static void drop(void* arg) { ++static_cast<task_probe*>(arg)->drops; }
};

TEST_F(host_table_test, posted_task_runs_once) {
  task_probe probe;
  uint64_t id = 0;
  ASSERT_EQ(host_->post(&ctx_, 0, &task_probe::run, &task_probe::drop, &probe, &id), BERTH_OK);
  EXPECT_NE(id, 0u);
  for (int i = 0; i < 500 && probe.runs == 0; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(probe.runs, 1);
  EXPECT_EQ(probe.drops, 0);
  EXPECT_EQ(host_->cancel(&ctx_, id), 0) << "a task that ran cannot be cancelled";
}

TEST_F(host_table_test, cancelled_task_is_dropped_not_run) {
  task_probe probe;
  uint64_t id = 0;
  ASSERT_EQ(host_->post(&ctx_, 60'000'000'000ull, &task_probe::run, &task_probe::drop, &probe, &id),
            BERTH_OK);
  EXPECT_EQ(host_->cancel(&ctx_, id), 1);
  EXPECT_EQ(probe.drops, 1);
  EXPECT_EQ(host_->cancel(&ctx_, id), 0);
  EXPECT_EQ(probe.runs, 0);
}

TEST_F(host_table_test, retiring_an_owner_drops_its_pending_tasks) {
  task_probe probe;
  ASSERT_EQ(host_->post(&ctx_, 60'000'000'000ull, &task_probe::run, &task_probe::drop, &probe, nullptr),
            BERTH_OK);
  scheduler_.retire_owner(ctx_.owner);
  EXPECT_EQ(probe.drops, 1);
  EXPECT_EQ(probe.runs, 0);
}

TEST_F(host_table_test, post_after_shutdown_is_refused_and_calls_nothing) {
  scheduler_.shutdown();
  task_probe probe;
  EXPECT_EQ(host_->post(&ctx_, 0, &task_probe::run, &task_probe::drop, &probe, nullptr), BERTH_E_CLOSED);
  EXPECT_EQ(probe.runs + probe.drops, 0);
}

TEST_F(host_table_test, broker_facts) {
  EXPECT_EQ(text(host_->broker_name(&ctx_)), "berth-test");
  EXPECT_EQ(text(host_->data_dir(&ctx_)), "/var/berth");
  EXPECT_EQ(text(host_->instance_id(&ctx_)), "filter-probe-1");
}

}  // namespace
}  // namespace berth::test
