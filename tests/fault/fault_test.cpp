// Faults injected into a real berthd on store-mmap under sync flush: a disk that fills up (past
// the disk_full ratio, and to a real ENOSPC), fdatasync failing with EIO and fallocate with
// ENOSPC (strace attached to the running broker), and a data directory made read-only while it
// runs and before it starts. In every case producers get a clear refusal instead of a hang,
// reads go on, nothing acknowledged is lost, and appends come back once the fault is gone (or,
// after a failed sync, after a restart).
#include "fault_fixture.hpp"

#include <csignal>

namespace berth::test::fault {
namespace {

constexpr size_t body_size = 32 * 1024;
constexpr size_t mib = 1024 * 1024;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Sends until one is acknowledged again or `timeout` passes; the time it took, or nullopt.
std::optional<std::chrono::milliseconds> time_until_accepted(producer& p,
                                                             std::chrono::milliseconds timeout) {
  const auto began = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - began < timeout) {
    const producer::outcome out = p.send_one();
    if (out.answered && out.status == wire::status::ok) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - began);
    }
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

struct broker_under_test {
  std::unique_ptr<running_broker> broker;
  std::string endpoint;
  std::string admin;
};

broker_under_test start_broker(const temp_dir& dir, const std::string& config) {
  broker_under_test b;
  b.broker = std::make_unique<running_broker>(dir, config);
  b.endpoint = b.broker->wait_for_endpoint();
  b.admin = b.broker->wait_for_admin_endpoint();
  return b;
}

void stop_broker(broker_under_test& b) {
  b.broker->process().signal(SIGTERM);
  EXPECT_TRUE(b.broker->process().wait_exit(15s).has_value()) << b.broker->process().err();
}

// ---- a disk that fills up ------------------------------------------------------------------

TEST(disk_full, past_the_ratio_appends_are_refused_reads_go_on_and_freeing_space_lets_them_in) {
  temp_dir dir;
  const fs::path disk = dir.path() / "disk";
  fs::create_directories(disk);
  mount_guard tmpfs;
  FAULT_MOUNT_OR_SKIP(tmpfs.mount_tmpfs(disk, "32m"));
  // 12 of 32 MiB taken by someone else; appends stop above 60% (19.2 MiB). High water at 1.0:
  // retention must not delete unconsumed segments to make room (it would, by design, below).
  write_filler(disk / "filler", 12 * mib);
  const fs::path data = disk / "data";
  auto b = start_broker(dir, fault_broker_config(data, "disk_full = 0.6\ndisk_high_water = 1.0"));
  ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();
  ASSERT_FALSE(b.admin.empty()) << b.broker->process().err();

  producer p(b.endpoint, "FaultDiskFull", 2, body_size);
  p.create_topic();
  // Paced (16 MiB/s at most): the ratio is checked every housekeeping interval, and unpaced
  // sends on a tmpfs would fill the last 12 MiB to a real ENOSPC between two checks.
  const producer::outcome refused = p.send_until_refused(4000, 2ms);
  ASSERT_TRUE(refused.answered) << "a SEND got no answer within 15 s\n" << b.broker->process().err();
  EXPECT_EQ(refused.status, wire::status::store_full)
      << wire::name(refused.status) << ": " << refused.message;
  EXPECT_TRUE(contains(refused.message, "disk full")) << refused.message;
  EXPECT_TRUE(contains(refused.message, (data / "store").string())) << refused.message;
  EXPECT_TRUE(contains(refused.message, "disk_full = 60%")) << refused.message;
  EXPECT_TRUE(contains(refused.message, "until space is freed")) << refused.message;
  EXPECT_GT(p.acked_count(), 100u);
  ::testing::Test::RecordProperty("acked_before_refusal", static_cast<int>(p.acked_count()));

  // Refused again at once, not after a wait.
  const auto again_began = std::chrono::steady_clock::now();
  const producer::outcome again = p.send_one();
  EXPECT_EQ(again.status, wire::status::store_full) << again.message;
  EXPECT_LT(std::chrono::steady_clock::now() - again_began, 1s);

  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());
  const http_answer ready = admin_get(b.admin, "/readyz");
  EXPECT_TRUE(contains(ready.body, "the disk is full")) << ready.body;
  const http_answer metrics = admin_get(b.admin, "/metrics");
  EXPECT_EQ(metric_value(metrics.body, "berth_store_disk_full"), 1) << metrics.body;
  EXPECT_TRUE(b.broker->process().wait_for_output("disk full: ", 1s));

  // Space comes back: housekeeping (every 100 ms here, 1 s by default) lets appends in.
  fs::remove(disk / "filler");
  const auto took = time_until_accepted(p, 5s);
  ASSERT_TRUE(took) << "appends still refused 5 s after space was freed\n"
                    << b.broker->process().err();
  EXPECT_LT(*took, 2s);
  ::testing::Test::RecordProperty("accepted_again_after_ms", static_cast<int>(took->count()));
  EXPECT_TRUE(b.broker->process().wait_for_output("disk space is back", 2s));
  EXPECT_EQ(metric_value(admin_get(b.admin, "/metrics").body, "berth_store_disk_full"), 0);
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());
}

TEST(disk_full, a_real_enospc_at_a_segment_roll_refuses_the_append_and_the_next_one_retries) {
  temp_dir dir;
  const fs::path disk = dir.path() / "disk";
  fs::create_directories(disk);
  mount_guard tmpfs;
  FAULT_MOUNT_OR_SKIP(tmpfs.mount_tmpfs(disk, "24m"));
  write_filler(disk / "filler", 8 * mib);
  const fs::path data = disk / "data";
  // The ratio guard off: the file system itself says no (fallocate of the next segment).
  auto b = start_broker(dir, fault_broker_config(data, "disk_full = 1.0\ndisk_high_water = 1.0"));
  ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();
  ASSERT_FALSE(b.admin.empty()) << b.broker->process().err();

  producer p(b.endpoint, "FaultEnospc", 2, body_size);
  p.create_topic();
  const producer::outcome refused = p.send_until_refused(4000);
  ASSERT_TRUE(refused.answered) << "a SEND got no answer within 15 s\n" << b.broker->process().err();
  EXPECT_EQ(refused.status, wire::status::store_full)
      << wire::name(refused.status) << ": " << refused.message;
  EXPECT_TRUE(contains(refused.message, "No space left on device")) << refused.message;
  EXPECT_TRUE(contains(refused.message, (data / "store" / "commitlog").string())) << refused.message;
  EXPECT_GT(p.acked_count(), 100u);
  ::testing::Test::RecordProperty("acked_before_refusal", static_cast<int>(p.acked_count()));

  const producer::outcome again = p.send_one();
  EXPECT_EQ(again.status, wire::status::store_full) << again.message;
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());
  EXPECT_TRUE(b.broker->process().wait_for_output("No space left on device", 1s))
      << "the broker must log the refusal\n" << b.broker->process().err();
  const http_answer ready = admin_get(b.admin, "/readyz");
  EXPECT_EQ(ready.status, 200u) << "a full disk does not fence\n" << ready.body;
  EXPECT_TRUE(contains(ready.body, "the disk is full")) << ready.body;
  const http_answer metrics = admin_get(b.admin, "/metrics");
  EXPECT_EQ(metric_value(metrics.body, "berth_store_disk_full"), 1) << metrics.body;
  EXPECT_EQ(metric_value(metrics.body, "berth_store_fenced"), 0) << metrics.body;

  fs::remove(disk / "filler");
  const auto took = time_until_accepted(p, 5s);
  ASSERT_TRUE(took) << "appends still refused 5 s after space was freed\n"
                    << b.broker->process().err();
  EXPECT_LT(*took, 1s);
  ::testing::Test::RecordProperty("accepted_again_after_ms", static_cast<int>(took->count()));
  EXPECT_EQ(metric_value(admin_get(b.admin, "/metrics").body, "berth_store_disk_full"), 0);
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  // And it all survives a restart.
  stop_broker(b);
  auto restarted = start_broker(dir, fault_broker_config(data, "disk_full = 1.0\ndisk_high_water = 1.0"));
  ASSERT_FALSE(restarted.endpoint.empty()) << restarted.broker->process().err();
  EXPECT_EQ(verify_acked(restarted.endpoint, p.topic(), p.acked()), p.acked_count());
}

// ---- syscalls failed under strace ----------------------------------------------------------

std::optional<fs::path> strace_or_skip_reason(std::string& reason) {
  const auto strace = find_program("strace");
  if (!strace) reason = "strace is not installed (scripts/install-deps.sh installs it)";
  return strace;
}

TEST(injected, fdatasync_eio_fences_the_store_reads_go_on_and_a_restart_keeps_every_ack) {
  std::string why;
  const auto strace = strace_or_skip_reason(why);
  if (!strace) GTEST_SKIP() << why;
  temp_dir dir;
  const fs::path data = dir.path() / "data";
  const std::string config = fault_broker_config(data, "");
  auto b = start_broker(dir, config);
  ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();
  ASSERT_FALSE(b.admin.empty()) << b.broker->process().err();

  producer p(b.endpoint, "FaultEio", 2, body_size);
  p.create_topic();
  for (int i = 0; i < 40; ++i) ASSERT_EQ(p.send_one().status, wire::status::ok);
  ASSERT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  temp_dir trace_dir;
  strace_injection eio(*strace, b.broker->process().pid(), "fdatasync", "EIO", trace_dir.path());
  if (!eio.attached()) {
    GTEST_SKIP() << "needs CAP_SYS_PTRACE to attach strace to berthd: " << eio.output();
  }
  const producer::outcome refused = p.send_one();
  ASSERT_TRUE(refused.answered) << b.broker->process().err();
  EXPECT_EQ(refused.status, wire::status::store_failed)
      << wire::name(refused.status) << ": " << refused.message;
  EXPECT_TRUE(contains(refused.message, "store fenced")) << refused.message;
  EXPECT_TRUE(contains(refused.message, "fdatasync")) << refused.message;
  EXPECT_TRUE(contains(refused.message, "Input/output error")) << refused.message;
  // Fenced for good: later appends are refused at once, with the same cause.
  const producer::outcome later = p.send_one();
  EXPECT_EQ(later.status, wire::status::store_failed) << later.message;
  EXPECT_TRUE(contains(later.message, "Input/output error")) << later.message;
  eio.stop();  // a sync would work again; the store must stay fenced all the same
  const producer::outcome after_detach = p.send_one();
  EXPECT_EQ(after_detach.status, wire::status::store_failed) << after_detach.message;

  EXPECT_TRUE(b.broker->process().wait_for_output("commit log fenced", 1s))
      << b.broker->process().err();
  const http_answer ready = admin_get(b.admin, "/readyz");
  EXPECT_EQ(ready.status, 503u) << ready.body;
  EXPECT_TRUE(contains(ready.body, "fenced")) << ready.body;
  EXPECT_EQ(metric_value(admin_get(b.admin, "/metrics").body, "berth_store_fenced"), 1);
  EXPECT_EQ(p.acked_count(), 40u);
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  stop_broker(b);
  auto restarted = start_broker(dir, config);
  ASSERT_FALSE(restarted.endpoint.empty()) << restarted.broker->process().err();
  EXPECT_EQ(verify_acked(restarted.endpoint, p.topic(), p.acked()), p.acked_count());
  EXPECT_EQ(admin_get(restarted.admin, "/readyz").status, 200u);
  producer more(restarted.endpoint, p.topic(), 2, body_size);
  EXPECT_EQ(more.send_one().status, wire::status::ok);
}

TEST(injected, fallocate_enospc_at_a_segment_roll_is_store_full_not_a_fence) {
  std::string why;
  const auto strace = strace_or_skip_reason(why);
  if (!strace) GTEST_SKIP() << why;
  temp_dir dir;
  const fs::path data = dir.path() / "data";
  auto b = start_broker(dir, fault_broker_config(data, ""));
  ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();
  ASSERT_FALSE(b.admin.empty()) << b.broker->process().err();

  // One message per queue first: the first segment, the queue and index files exist before
  // fallocate starts failing.
  producer p(b.endpoint, "FaultFallocate", 2, body_size);
  p.create_topic();
  for (int i = 0; i < 2; ++i) ASSERT_EQ(p.send_one().status, wire::status::ok);
  // Visible first: the dispatcher makes a queue's file after the ack of its first message.
  ASSERT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  temp_dir trace_dir;
  strace_injection enospc(*strace, b.broker->process().pid(), "fallocate", "ENOSPC",
                          trace_dir.path());
  if (!enospc.attached()) {
    GTEST_SKIP() << "needs CAP_SYS_PTRACE to attach strace to berthd: " << enospc.output();
  }
  // 32 KiB messages: the 1 MiB segment rolls within 32 of them.
  const producer::outcome refused = p.send_until_refused(100);
  ASSERT_TRUE(refused.answered) << b.broker->process().err();
  EXPECT_EQ(refused.status, wire::status::store_full)
      << wire::name(refused.status) << ": " << refused.message;
  EXPECT_TRUE(contains(refused.message, "No space left on device")) << refused.message;
  EXPECT_TRUE(contains(refused.message, "commitlog")) << refused.message;
  EXPECT_EQ(p.send_one().status, wire::status::store_full);

  const http_answer ready = admin_get(b.admin, "/readyz");
  EXPECT_EQ(ready.status, 200u) << "ENOSPC must not fence\n" << ready.body;
  EXPECT_EQ(metric_value(admin_get(b.admin, "/metrics").body, "berth_store_fenced"), 0);
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  enospc.stop();
  const auto took = time_until_accepted(p, 5s);
  ASSERT_TRUE(took) << "appends still refused 5 s after fallocate works again\n"
                    << b.broker->process().err();
  EXPECT_LT(*took, 1s);
  for (int i = 0; i < 40; ++i) ASSERT_EQ(p.send_one().status, wire::status::ok);
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());
}

TEST(injected, a_failed_queue_sync_holds_the_checkpoint_so_a_restart_rebuilds_the_entries) {
  std::string why;
  const auto strace = strace_or_skip_reason(why);
  if (!strace) GTEST_SKIP() << why;
  temp_dir dir;
  const fs::path data = dir.path() / "data";
  const fs::path store = data / "store";
  const std::string config = fault_broker_config(data, "");
  auto b = start_broker(dir, config);
  ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();

  producer p(b.endpoint, "FaultQueueSync", 1, 1024);
  p.create_topic();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(p.send_one().status, wire::status::ok);
  ASSERT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());
  const fs::path queue_file = store / "consumequeue" / p.topic() / "0" / "00000000000000000000";
  ASSERT_TRUE(fs::exists(queue_file));
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (checkpoint_offset(store).value_or(0) == 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_GT(checkpoint_offset(store).value_or(0), 0u) << "no checkpoint written";

  // Only the consume-queue file's fdatasync fails: the commit log syncs, appends go on.
  temp_dir trace_dir;
  strace_injection eio(*strace, b.broker->process().pid(), "fdatasync", "EIO", trace_dir.path(),
                       queue_file);
  if (!eio.attached()) {
    GTEST_SKIP() << "needs CAP_SYS_PTRACE to attach strace to berthd: " << eio.output();
  }
  for (int i = 0; i < 10; ++i) ASSERT_EQ(p.send_one().status, wire::status::ok);
  ASSERT_TRUE(b.broker->process().wait_for_output(
      "fdatasync " + queue_file.string() + ": Input/output error", 3s))
      << b.broker->process().err();
  const auto held = checkpoint_offset(store);
  ASSERT_TRUE(held);

  // The sync works again: a retry would succeed, but the entries it covered may be gone from
  // the disk, so the checkpoint must not move past them.
  eio.stop();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(p.send_one().status, wire::status::ok);
  std::this_thread::sleep_for(500ms);  // five housekeeping rounds
  EXPECT_EQ(checkpoint_offset(store), held);
  EXPECT_TRUE(contains(b.broker->process().err(), "checkpoint: not written any more after"))
      << b.broker->process().err();
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  stop_broker(b);
  EXPECT_EQ(checkpoint_offset(store), held);
  auto restarted = start_broker(dir, config);
  ASSERT_FALSE(restarted.endpoint.empty()) << restarted.broker->process().err();
  EXPECT_EQ(verify_acked(restarted.endpoint, p.topic(), p.acked()), p.acked_count());
}

TEST(injected, enospc_on_a_consume_queue_roll_refuses_appends_as_store_full_until_it_clears) {
  std::string why;
  const auto strace = strace_or_skip_reason(why);
  if (!strace) GTEST_SKIP() << why;
  temp_dir dir;
  const fs::path data = dir.path() / "data";
  // 64 entries per consume-queue file: queue 0's second file is made at its 65th message.
  auto b = start_broker(dir, fault_broker_config(data, "", 64));
  ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();
  ASSERT_FALSE(b.admin.empty()) << b.broker->process().err();

  producer p(b.endpoint, "FaultQueueRoll", 1, 1024);
  p.create_topic();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(p.send_one().status, wire::status::ok);
  ASSERT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());
  const fs::path next_file =
      data / "store" / "consumequeue" / p.topic() / "0" / "00000000000000000064.tmp";
  temp_dir trace_dir;
  strace_injection enospc(*strace, b.broker->process().pid(), "fallocate", "ENOSPC",
                          trace_dir.path(), next_file);
  if (!enospc.attached()) {
    GTEST_SKIP() << "needs CAP_SYS_PTRACE to attach strace to berthd: " << enospc.output();
  }
  // Message 65 is acknowledged (the log has room); its queue entry cannot be stored, so the
  // store refuses what follows rather than acknowledge messages nobody can read.
  producer::outcome refused;
  for (int i = 0; i < 200; ++i) {
    refused = p.send_one();
    if (!refused.answered || refused.status != wire::status::ok) break;
    if (p.acked_count() > 64) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(refused.answered) << b.broker->process().err();
  EXPECT_EQ(refused.status, wire::status::store_full)
      << wire::name(refused.status) << ": " << refused.message;
  EXPECT_TRUE(contains(refused.message, "dispatch stalled")) << refused.message;
  EXPECT_TRUE(contains(refused.message, "No space left on device")) << refused.message;
  EXPECT_LE(p.acked_count(), 80u) << "acknowledged while the queue could not take them";
  EXPECT_EQ(admin_get(b.admin, "/readyz").status, 200u);

  enospc.stop();
  const auto took = time_until_accepted(p, 5s);
  ASSERT_TRUE(took) << "appends still refused 5 s after fallocate works again\n"
                    << b.broker->process().err();
  EXPECT_LT(*took, 2s);
  EXPECT_TRUE(b.broker->process().wait_for_output("dispatch goes on", 1s));
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());
}

TEST(injected, ending_a_transaction_whose_half_cannot_be_indexed_is_answered_not_hung) {
  std::string why;
  const auto strace = strace_or_skip_reason(why);
  if (!strace) GTEST_SKIP() << why;
  temp_dir dir;
  const fs::path data = dir.path() / "data";
  auto b = start_broker(dir, fault_broker_config(data, "", 64));
  ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();

  wire_client c(b.endpoint);
  ASSERT_EQ(status_of(c.call(wire::code::topic_create, wire::topic_create_request{"orders", 1, 6})),
            wire::status::ok);
  const std::vector<wire::property> props{{"TRAN_MSG", "true"}, {"PGROUP", "tx-producers"}};
  // (message id, queue offset) of an acknowledged half.
  const auto send_half = [&]() -> std::optional<std::pair<std::string, uint64_t>> {
    wire::message m;
    m.topic = "orders";
    m.queue_id = 0;
    m.properties = props;
    const std::string body = "half";
    m.body = bytes_of(body);
    const auto answer = c.call(wire::code::send, m);
    if (!answer || header_of(*answer).status != wire::status::ok) return std::nullopt;
    const auto result = body_of<wire::send_result>(*answer);  // views into `answer`
    if (!result) return std::nullopt;
    return std::make_pair(std::string(result->message_id), result->queue_offset);
  };
  // 64 halves fill the half topic's first queue file; the 65th needs the next one.
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(send_half()) << b.broker->process().err();
  const fs::path half_queue = data / "store" / "consumequeue" / "RMQ_SYS_TRANS_HALF_TOPIC" / "0";
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (!fs::exists(half_queue / "00000000000000000000") && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(20ms);
  }
  std::this_thread::sleep_for(200ms);  // the 64th entry dispatched
  temp_dir trace_dir;
  strace_injection enospc(*strace, b.broker->process().pid(), "fallocate", "ENOSPC",
                          trace_dir.path(), half_queue / "00000000000000000064.tmp");
  if (!enospc.attached()) {
    GTEST_SKIP() << "needs CAP_SYS_PTRACE to attach strace to berthd: " << enospc.output();
  }
  const auto half = send_half();  // acknowledged: its entry is what cannot be stored
  ASSERT_TRUE(half) << b.broker->process().err();
  ASSERT_TRUE(b.broker->process().wait_for_output("dispatch stalled", 3s));

  // Ending it waits for the half to be readable: the answer must say why it is not, at once.
  const auto began = std::chrono::steady_clock::now();
  const auto ended = c.call(wire::code::end_transaction,
                            wire::end_transaction_request{"tx-producers", half->first,
                                                          half->second,
                                                          wire::transaction_resolution::commit,
                                                          false},
                            8s);
  ASSERT_TRUE(ended) << "END_TRANSACTION not answered within 8 s\n" << b.broker->process().err();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
  EXPECT_NE(header_of(*ended).status, wire::status::ok);
  EXPECT_TRUE(contains(error_text(*ended), "No space left on device"))
      << wire::name(header_of(*ended).status) << ": " << error_text(*ended);

  enospc.stop();
  EXPECT_TRUE(b.broker->process().wait_for_output("dispatch goes on", 3s))
      << b.broker->process().err();
}

// ---- a read-only data directory ------------------------------------------------------------

TEST(read_only, made_read_only_while_running_refuses_new_files_reads_go_on_and_rw_recovers) {
  temp_dir dir;
  const fs::path data = dir.path() / "data";
  const std::string config = fault_broker_config(data, "");
  auto b = start_broker(dir, config);
  ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();

  producer p(b.endpoint, "FaultReadOnly", 2, body_size);
  p.create_topic();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(p.send_one().status, wire::status::ok);
  // Visible first: the queue files of a queue's first message are made after its ack (by the
  // dispatcher), and could not be made once the directory is read-only.
  ASSERT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  mount_guard ro;
  FAULT_MOUNT_OR_SKIP(ro.bind_read_only(data));
  // Files already open stay writable: appends go on until a new segment must be made.
  const producer::outcome refused = p.send_until_refused(200);
  ASSERT_TRUE(refused.answered) << b.broker->process().err();
  EXPECT_EQ(refused.status, wire::status::store_failed)
      << wire::name(refused.status) << ": " << refused.message;
  EXPECT_TRUE(contains(refused.message, "Read-only file system")) << refused.message;
  EXPECT_TRUE(contains(refused.message, (data / "store" / "commitlog").string())) << refused.message;
  EXPECT_EQ(p.send_one().status, wire::status::store_failed);
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  // The checkpoint cannot be written either: said once, not every housekeeping interval.
  std::this_thread::sleep_for(1s);
  const std::string log = b.broker->process().err();
  EXPECT_EQ(count_of(log, "checkpoint.tmp: Read-only file system"), 1u) << log;
  // Config changes that need a file are refused with the cause.
  wire_client admin_client(b.endpoint);
  const auto created = admin_client.call(wire::code::topic_create,
                                         wire::topic_create_request{"FaultReadOnly2", 1, 6});
  ASSERT_TRUE(created);
  EXPECT_NE(header_of(*created).status, wire::status::ok);
  EXPECT_TRUE(contains(error_text(*created), "Read-only file system")) << error_text(*created);
  // A consumer's committed offset is kept in memory (offsets.json is written later, retried).
  const auto committed = admin_client.call(
      wire::code::commit_offset, wire::commit_offset_request{"fault-readers", p.topic(), 0, 5});
  ASSERT_TRUE(committed);
  EXPECT_EQ(header_of(*committed).status, wire::status::ok) << error_text(*committed);
  // offsets.json cannot be written: said once, and retried every second.
  EXPECT_TRUE(b.broker->process().wait_for_output("cannot save the consumer offsets", 3s))
      << b.broker->process().err();
  std::this_thread::sleep_for(1500ms);

  ro.unmount();
  const auto took = time_until_accepted(p, 5s);
  ASSERT_TRUE(took) << "appends still refused 5 s after the remount\n" << b.broker->process().err();
  EXPECT_LT(*took, 1s);
  EXPECT_TRUE(b.broker->process().wait_for_output("housekeeping works again", 2s))
      << b.broker->process().err();
  EXPECT_TRUE(b.broker->process().wait_for_output("consumer offsets saved again", 3s))
      << b.broker->process().err();
  EXPECT_EQ(count_of(b.broker->process().err(), "cannot save the consumer offsets"), 1u)
      << b.broker->process().err();
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  stop_broker(b);
  auto restarted = start_broker(dir, config);
  ASSERT_FALSE(restarted.endpoint.empty()) << restarted.broker->process().err();
  EXPECT_EQ(verify_acked(restarted.endpoint, p.topic(), p.acked()), p.acked_count());
  wire_client reader(restarted.endpoint);
  const auto offset = reader.call(wire::code::query_offset,
                                  wire::query_offset_request{"fault-readers", p.topic(), 0});
  ASSERT_TRUE(offset);
  auto known = body_of<wire::query_offset_response>(*offset);
  ASSERT_TRUE(known);
  EXPECT_TRUE(known->known);
  EXPECT_EQ(known->offset, 5u);
}

TEST(read_only, a_queue_first_written_while_read_only_stops_appends_instead_of_hiding_acks) {
  temp_dir dir;
  const fs::path data = dir.path() / "data";
  auto b = start_broker(dir, fault_broker_config(data, ""));
  ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();

  // Queues 0 and 1 are in use (their files exist); queue 2 gets its first message while the
  // directory is read-only, so its consume-queue file cannot be made.
  producer p(b.endpoint, "FaultNewQueue", 2, 1024);
  p.create_topic(3);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(p.send_one().status, wire::status::ok);
  ASSERT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());

  mount_guard ro;
  FAULT_MOUNT_OR_SKIP(ro.bind_read_only(data));
  const producer::outcome first = p.send_to(2);  // lands in the open segment: acknowledged
  EXPECT_EQ(first.status, wire::status::ok) << first.message;
  // From the moment the queue file fails, appends are refused, naming the cause; nothing is
  // acknowledged that readers cannot get to.
  producer::outcome refused;
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until) {
    refused = p.send_one();
    if (!refused.answered || refused.status != wire::status::ok) break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(refused.answered) << b.broker->process().err();
  EXPECT_EQ(refused.status, wire::status::store_failed)
      << wire::name(refused.status) << ": " << refused.message;
  EXPECT_TRUE(contains(refused.message, "Read-only file system")) << refused.message;
  EXPECT_TRUE(contains(refused.message, "consumequeue")) << refused.message;

  ro.unmount();
  const auto took = time_until_accepted(p, 5s);
  ASSERT_TRUE(took) << "appends still refused 5 s after the remount\n" << b.broker->process().err();
  EXPECT_LT(*took, 2s);
  EXPECT_EQ(verify_acked(b.endpoint, p.topic(), p.acked()), p.acked_count());
  const std::string log = b.broker->process().err();
  EXPECT_LE(count_of(log, "dispatch stalled"), 1u) << log;
}

TEST(read_only, berthd_on_a_read_only_data_dir_exits_naming_the_directory_and_the_cause) {
  temp_dir dir;
  const fs::path data = dir.path() / "data";
  const std::string config = fault_broker_config(data, "");
  {
    // A data directory that was used before (its lock and store files exist).
    auto b = start_broker(dir, config);
    ASSERT_FALSE(b.endpoint.empty()) << b.broker->process().err();
    stop_broker(b);
  }
  mount_guard ro;
  FAULT_MOUNT_OR_SKIP(ro.bind_read_only(data));
  const fs::path config_file = dir.write("berth.toml", config);
  const run_result r = run({berthd_path().string(), "--config", config_file.string()}, dir.path(), 20s);
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_NE(r.exit_code, -1) << "berthd did not exit\n" << r.err;
  EXPECT_TRUE(contains(r.err, data.string())) << r.err;
  EXPECT_TRUE(contains(r.err, "Read-only file system")) << r.err;
}

}  // namespace
}  // namespace berth::test::fault
