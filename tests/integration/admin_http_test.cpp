// The admin listener of a real berthd over real sockets: health and readiness, metrics that
// move when messages flow, the JSON API, and what it answers to bad requests.
#include "http_client.hpp"
#include "messaging_fixture.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <csignal>
#include <fstream>

namespace berth::test {
namespace {

using json = nlohmann::json;

// The value of the sample `name{labels}` in Prometheus text; -1 when absent.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class admin_http : public messaging_test {
 protected:
  void SetUp() override {
    messaging_test::SetUp();
    admin = broker->wait_for_admin_endpoint();
    ASSERT_FALSE(admin.empty()) << broker->process().err();
  }

  json get_json(const std::string& target, unsigned expected_status = 200) {
    const auto answer = http_get(admin, target);
    if (!answer) {
      ADD_FAILURE() << "no answer to " << target;
      return {};
    }
    EXPECT_EQ(answer->status, expected_status) << target << ": " << answer->body;
    EXPECT_EQ(answer->headers.at("content-type"), "application/json") << target;
    return json::parse(answer->body);
  }

  std::string metrics() {
    const auto answer = http_get(admin, "/metrics");
    if (!answer) return {};
    EXPECT_EQ(answer->status, 200u);
    EXPECT_EQ(answer->headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    return answer->body;
  }

  void commit(wire_client& c, std::string_view group, std::string_view topic, uint32_t queue,
              uint64_t offset) {
    expect_ok(c.call(wire::code::commit_offset, wire::commit_offset_request{group, topic, queue, offset}));
  }

  std::string admin;
};

TEST_F(admin_http, healthz_and_readyz_answer_without_credentials) {
  const auto health = http_get(admin, "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200u);
  EXPECT_EQ(health->body, "ok\n");
  const json ready = get_json("/readyz");
  EXPECT_EQ(ready["ready"], true);
  ASSERT_EQ(ready["checks"].size(), 3u) << ready.dump();
  EXPECT_EQ(ready["checks"][1]["name"], "store");
  EXPECT_EQ(ready["checks"][1]["detail"], "recovered");
  EXPECT_EQ(ready["checks"][2]["name"], "transport transport-tcp-1");
  EXPECT_EQ(ready["checks"][2]["detail"], "listening on " + endpoint);
}

TEST_F(admin_http, metrics_move_when_messages_flow) {
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  const std::string before = metrics();
  EXPECT_EQ(sample(before, "berth_topic_messages_in_total{topic=\"orders\"}"), -1);
  EXPECT_EQ(sample(before, "berth_ready"), 1);
  EXPECT_EQ(sample(before, "berth_connections"), 1);

  for (int i = 0; i < 5; ++i) send(c, "orders", 0, "hello");
  (void)pull_visible(c, "orders", 0, 5);  // group "readers" is handed all five
  commit(c, "readers", "orders", 0, 2);

  const std::string after = metrics();
  EXPECT_EQ(sample(after, "berth_topic_messages_in_total{topic=\"orders\"}"), 5) << after;
  EXPECT_EQ(sample(after, "berth_topic_bytes_in_total{topic=\"orders\"}"), 25);
  EXPECT_EQ(sample(after, "berth_topic_messages{topic=\"orders\"}"), 5);
  EXPECT_GE(sample(after, "berth_group_messages_out_total{group=\"readers\",topic=\"orders\"}"), 5);
  EXPECT_EQ(sample(after, "berth_group_lag{group=\"readers\",topic=\"orders\"}"), 3);
  EXPECT_GE(sample(after, "berth_store_append_seconds_count"), 5);
  EXPECT_GT(sample(after, "berth_store_bytes_used"), 0);
  EXPECT_GT(sample(after, "berth_store_bytes_free"), 0);
  EXPECT_EQ(sample(after, "berth_store_disk_full"), 0);
  // Plugins' own counters come through the host table, named berth_<name> once.
  EXPECT_EQ(sample(after, "berth_store_mmap_messages_appended_total{instance=\"store-mmap\",kind=\"store\"}"), 5);
  EXPECT_EQ(after.find("berth_berth_"), std::string::npos);
}

TEST_F(admin_http, json_api_shows_topics_groups_and_messages) {
  wire_client c(endpoint);
  create_topic(c, "orders", 2);
  const std::string first_id(send(c, "orders", 0, "first", "TagA", "k1").message_id);
  send(c, "orders", 1, "second", "TagB", "k2");
  send(c, "orders", 1, "third", "TagB", "k2");
  (void)pull_visible(c, "orders", 0, 1);  // acknowledged is not yet visible: wait for it
  (void)pull_visible(c, "orders", 1, 2);
  commit(c, "readers", "orders", 1, 1);

  const json topics = get_json("/api/v1/topics");
  const auto orders = std::find_if(topics["topics"].begin(), topics["topics"].end(),
                                   [](const json& t) { return t["name"] == "orders"; });
  ASSERT_NE(orders, topics["topics"].end()) << topics.dump();
  EXPECT_EQ((*orders)["messages"], 3);
  EXPECT_EQ((*orders)["queues"], 2);
  EXPECT_EQ((*orders)["perm"], "rw");

  const json topic = get_json("/api/v1/topics/orders");
  ASSERT_EQ(topic["queue_states"].size(), 2u);
  EXPECT_EQ(topic["queue_states"][1]["max_offset"], 2);

  const json groups = get_json("/api/v1/groups");
  ASSERT_EQ(groups["groups"].size(), 1u) << groups.dump();
  EXPECT_EQ(groups["groups"][0]["name"], "readers");
  EXPECT_EQ(groups["groups"][0]["lag"], 2);  // queue 0: 1 never committed; queue 1: 1 behind

  const json group = get_json("/api/v1/groups/readers");
  ASSERT_EQ(group["queues"].size(), 2u) << group.dump();
  EXPECT_TRUE(group["queues"][0]["committed"].is_null());
  EXPECT_EQ(group["queues"][1]["committed"], 1);
  EXPECT_EQ(group["queues"][1]["lag"], 1);

  const json by_id = get_json("/api/v1/messages?id=" + first_id);
  ASSERT_EQ(by_id["messages"].size(), 1u);
  EXPECT_EQ(by_id["messages"][0]["body"], "first");
  EXPECT_EQ(by_id["messages"][0]["tag"], "TagA");
  EXPECT_EQ(by_id["messages"][0]["keys"], json::array({"k1"}));

  const json by_key = get_json("/api/v1/messages?topic=orders&key=k2");
  EXPECT_EQ(by_key["messages"].size(), 2u);

  const json broker_view = get_json("/api/v1/broker");
  EXPECT_EQ(broker_view["name"], "berth-messaging-test");
  EXPECT_EQ(broker_view["ready"], true);
  EXPECT_EQ(broker_view["store"]["plugin"], "mmap");
  EXPECT_EQ(broker_view["transports"][0]["endpoint"], endpoint);

  const json plugins = get_json("/api/v1/plugins");
  EXPECT_GE(plugins["plugins"].size(), 2u);
  const json config = get_json("/api/v1/config");
  EXPECT_EQ(config["store"]["segment_size"], "4MiB");
}

TEST_F(admin_http, unknown_things_are_404_with_a_reason) {
  EXPECT_EQ(get_json("/api/v1/topics/nope", 404)["message"], "topic 'nope' does not exist");
  EXPECT_EQ(get_json("/api/v1/groups/nobody", 404)["error"], "not_found");
  EXPECT_EQ(get_json("/api/v1/messages?id=7F00000100002A9F0000000000FFFFFF", 404)["error"],
            "not_found");
  EXPECT_EQ(get_json("/api/v1/messages", 400)["error"], "bad_request");
  EXPECT_EQ(get_json("/no/such/path", 404)["message"], "no such path: /no/such/path");
}

TEST_F(admin_http, wrong_methods_are_405_and_oversized_requests_413) {
  http_call post;
  post.method = "POST";
  post.target = "/api/v1/topics";
  post.body = R"({"name":"x"})";
  const auto refused = http_request(admin, post);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 405u);
  EXPECT_EQ(refused->headers.at("allow"), "GET");

  http_call huge;
  huge.method = "POST";
  huge.target = "/api/v1/topics";
  huge.body = std::string(100 * 1024, 'x');  // over the default 64 KiB
  const auto too_large = http_request(admin, huge);
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413u);

  // The data path went on serving throughout.
  wire_client c(endpoint);
  create_topic(c, "after", 1);
  send(c, "after", 0, "still here");
}

// Admin clients that connect and stall (half a request each, more connections than allowed)
// hold only the admin listener: producers and consumers are served as before.
TEST_F(admin_http, stalled_admin_clients_do_not_stall_the_data_path) {
  std::vector<std::unique_ptr<wire_client>> stalled;
  for (int i = 0; i < 80; ++i) {  // max_connections is 64
    stalled.push_back(std::make_unique<wire_client>(admin));
    try {
      stalled.back()->send(std::string("GET /metrics HTTP/1.1\r\nHost: x\r\n"));  // never ends
    } catch (const std::runtime_error&) {
      // one beyond max_connections, closed by the listener as it arrived
    }
  }
  wire_client c(endpoint);
  create_topic(c, "busy", 1);
  for (int i = 0; i < 20; ++i) send(c, "busy", 0, "through");
  const std::vector<uint8_t> frame = pull_visible(c, "busy", 0, 20);
  const auto pulled = body_of<wire::pull_response>(frame);
  ASSERT_TRUE(pulled);
  EXPECT_EQ(pulled->messages.size(), 20u);
  stalled.clear();  // once they are gone, the admin listener answers again
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (const auto ok = http_get(admin, "/healthz"); ok && ok->status == 200) return;
    std::this_thread::sleep_for(50ms);
  }
  FAIL() << "the admin listener did not answer after the stalled clients left";
}

// A transport that could not start (on_start_error = "disable") keeps the broker unready:
// /readyz names it, /healthz still says alive.
TEST(admin_readiness, a_disabled_transport_makes_the_broker_unready) {
  temp_dir dir;
  running_broker first(dir, memory_broker_config(dir));
  const std::string taken = first.wait_for_endpoint();
  ASSERT_FALSE(taken.empty()) << first.process().err();

  temp_dir other;
  const std::string tables = fmt::format(R"([[transport]]
plugin = "tcp"
listen = "{}"
on_start_error = "disable"
)",
                                         taken);
  running_broker second(other, memory_broker_config(other, tables));
  const std::string admin = second.wait_for_admin_endpoint();
  ASSERT_FALSE(admin.empty()) << second.process().err();
  ASSERT_TRUE(second.process().wait_for_output("started:", 10s)) << second.process().err();
  const auto ready = http_get(admin, "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503u);
  const json body = json::parse(ready->body);
  EXPECT_EQ(body["ready"], false);
  EXPECT_NE(body.dump().find("cannot listen on " + taken), std::string::npos) << body.dump();
  EXPECT_EQ(http_get(admin, "/healthz")->status, 200u);
  EXPECT_NE(http_get(admin, "/metrics")->body.find("\nberth_ready 0\n"), std::string::npos);
}

// The pids of `parent`'s children.
std::vector<pid_t> children_of(pid_t parent) {
  std::ifstream in(fmt::format("/proc/{0}/task/{0}/children", parent));
  std::vector<pid_t> out;
  for (pid_t pid = 0; in >> pid;) out.push_back(pid);
  return out;
}

// Startup made slow on purpose: strace holds the broker's first read of its topic table for
// 2 s, after the admin listener is up. Meanwhile /healthz says alive and /readyz "starting";
// once the broker started, /readyz flips to ready.
TEST(admin_readiness, readyz_says_starting_until_the_broker_has_recovered) {
  const char* strace = "/usr/bin/strace";
  if (::access(strace, X_OK) != 0) GTEST_SKIP() << "strace is not installed";
  temp_dir dir;
  const std::string config = memory_broker_config(dir);
  {
    running_broker once(dir, config);  // leaves a topic table to read at the next start
    const std::string endpoint = once.wait_for_endpoint();
    ASSERT_FALSE(endpoint.empty()) << once.process().err();
    wire_client c(endpoint);
    ASSERT_TRUE(c.call(wire::code::topic_create, wire::topic_create_request{"orders", 1, 6}));
    once.process().signal(SIGTERM);
    ASSERT_EQ(once.process().wait_exit(10s), 0) << once.process().err();
  }
  const auto topics_file = dir.path() / "data" / "config" / "topics.json";
  ASSERT_TRUE(std::filesystem::exists(topics_file));
  std::string asan = "detect_leaks=0";  // LeakSanitizer cannot ptrace a traced process
  if (const char* old = std::getenv("ASAN_OPTIONS"); old != nullptr && *old != '\0') {
    asan = std::string(old) + ":" + asan;
  }
  child_process traced({"/usr/bin/env", "ASAN_OPTIONS=" + asan, strace, "-f", "-o", "/dev/null",
                        "-e", "trace=openat", "-P", topics_file.string(), "-e",
                        "inject=openat:delay_enter=2000000", berthd_path().string(), "--config",
                        (dir.path() / "berth.toml").string()},
                       dir.path(), dir.path());
  const std::string marker = "admin listener on http://";
  ASSERT_TRUE(traced.wait_for_output(marker, 20s)) << traced.err();
  const std::string err = traced.err();
  const auto at = err.find(marker) + marker.size();
  const std::string admin = err.substr(at, err.find(' ', at) - at);

  const auto starting = http_get(admin, "/readyz");
  ASSERT_TRUE(starting);
  EXPECT_EQ(starting->status, 503u) << starting->body;
  EXPECT_NE(starting->body.find("starting"), std::string::npos) << starting->body;
  EXPECT_EQ(http_get(admin, "/healthz")->status, 200u);
  const auto api = http_get(admin, "/api/v1/topics");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 503u);
  EXPECT_NE(api->body.find("the broker is starting"), std::string::npos) << api->body;

  ASSERT_TRUE(traced.wait_for_output("started:", 20s)) << traced.err();
  const auto ready = http_get(admin, "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200u) << ready->body;

  // SIGTERM to berthd itself: strace would detach and leave it running.
  for (const pid_t child : children_of(traced.pid())) ::kill(child, SIGTERM);
  EXPECT_EQ(traced.wait_exit(15s), 0) << traced.err();
}

}  // namespace
}  // namespace berth::test
