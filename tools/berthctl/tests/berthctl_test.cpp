// The real berthctl binary, run as a user would, against a real berthd on loopback: the tcp
// transport and the mmap store in a temp dir. One broker for the whole suite.
#include "broker_fixture.hpp"
#include "process.hpp"
#include "wire_client.hpp"

#include <berth/wire/retry_bodies.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace berth::test {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

std::string broker_config(const temp_dir& dir) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berthctl-test"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
plugin = "mmap"
segment_size = "8MiB"
flush = "async"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"

[[filter]]
plugin = "sql"

[[filter]]
plugin = "lua"

[transaction]
check_interval = "200ms"
timeout = "0s"
max_checks = 50
)",
                     dir.path().string());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class berthctl_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<temp_dir>();
    broker_ = std::make_unique<running_broker>(*dir_, broker_config(*dir_));
    endpoint_ = broker_->wait_for_endpoint();
  }
  static void TearDownTestSuite() {
    broker_.reset();
    dir_.reset();
  }
  void SetUp() override { ASSERT_FALSE(endpoint_.empty()) << broker_->process().err(); }

  // berthctl --server <broker> args...
  static run_result ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {BERTHCTL_PATH, "--server", endpoint_});
    return run(std::move(args), dir_->path(), 30s);
  }
  static json ctl_json(std::vector<std::string> args) {
    args.insert(args.begin(), {"--output", "json"});
    const auto r = ctl(std::move(args));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
    return json::parse(r.out, nullptr, false);
  }
  static std::vector<json> ctl_json_lines(std::vector<std::string> args) {
    args.insert(args.begin(), {"--output", "json"});
    const auto r = ctl(std::move(args));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<json> out;
    for (const auto& line : lines_of(r.out)) out.push_back(json::parse(line, nullptr, false));
    return out;
  }

  static std::unique_ptr<temp_dir> dir_;
  static std::unique_ptr<running_broker> broker_;
  static std::string endpoint_;
};

std::unique_ptr<temp_dir> berthctl_test::dir_;
std::unique_ptr<running_broker> berthctl_test::broker_;
std::string berthctl_test::endpoint_;

TEST_F(berthctl_test, topic_create_list_describe_delete) {
  auto r = ctl({"topic", "create", "t-admin", "--queues", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "created topic t-admin (3 queues, rw)\n");
  EXPECT_EQ(r.err, "");

  r = ctl({"topic", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("TOPIC", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("t-admin"), std::string::npos) << r.out;

  const auto list = ctl_json({"topic", "list"});
  bool found = false;
  for (const auto& t : list["topics"]) {
    if (t["topic"] == "t-admin") {
      found = true;
      EXPECT_EQ(t["queues"], 3);
      EXPECT_EQ(t["perm"], "rw");
    }
  }
  EXPECT_TRUE(found) << list.dump();

  const auto d = ctl_json({"topic", "describe", "t-admin"});
  EXPECT_EQ(d["queues"], 3);
  ASSERT_EQ(d["queue_offsets"].size(), 3u) << d.dump();
  for (const auto& q : d["queue_offsets"]) {
    EXPECT_EQ(q["min_offset"], 0);
    EXPECT_EQ(q["max_offset"], 0);
  }
  r = ctl({"topic", "describe", "t-admin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("QUEUE  MIN_OFFSET  MAX_OFFSET"), std::string::npos) << r.out;

  r = ctl({"topic", "delete", "t-admin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = ctl({"topic", "describe", "t-admin"});
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(berthctl_test, send_consume_describe_reset_get_find) {
  ASSERT_EQ(ctl({"topic", "create", "orders", "--queues", "2"}).exit_code, 0);
  const int64_t before = now_ms();
  std::map<std::string, json> sent;  // id -> {queue, offset}
  for (int i = 0; i < 3; ++i) {
    const auto lines = ctl_json_lines({"send", "--topic", "orders", "--tag", "created", "--key",
                                       "order-1", "--key", "k" + std::to_string(i), "--property",
                                       "region=eu", "--property", "n=" + std::to_string(i),
                                       "--body", "hello " + std::to_string(i)});
    ASSERT_EQ(lines.size(), 1u);
    sent[lines[0]["id"].get<std::string>()] = lines[0];
  }
  const int64_t after = now_ms();
  ASSERT_EQ(sent.size(), 3u);

  // Text output: the id alone on a line.
  ASSERT_EQ(ctl({"topic", "create", "notes", "--queues", "1"}).exit_code, 0);
  auto r = ctl({"send", "--topic", "notes", "--body", "text"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text_id = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(r.out, text_id + "\n");
  EXPECT_FALSE(text_id.empty());

  // Consume all three, every field checked.
  auto consumed = ctl_json_lines({"consume", "--topic", "orders", "--group", "billing", "--count",
                                  "3", "--from", "earliest", "--timeout", "15s"});
  ASSERT_EQ(consumed.size(), 3u);
  for (const auto& m : consumed) {
    const auto id = m["id"].get<std::string>();
    ASSERT_TRUE(sent.count(id)) << m.dump();
    EXPECT_EQ(m["topic"], "orders");
    EXPECT_EQ(m["queue"], sent[id]["queue"]);
    EXPECT_EQ(m["offset"], sent[id]["offset"]);
    EXPECT_EQ(m["tag"], "created");
    const auto body = m["body"].get<std::string>();
    ASSERT_EQ(body.rfind("hello ", 0), 0u) << body;
    const std::string n = body.substr(6);
    EXPECT_EQ(m["keys"], json::array({"order-1", "k" + n}));
    EXPECT_EQ(m["properties"]["region"], "eu");
    EXPECT_EQ(m["properties"]["n"], n);
    EXPECT_GE(m["born_timestamp"].get<int64_t>(), before);
    EXPECT_LE(m["born_timestamp"].get<int64_t>(), after);
    EXPECT_GE(m["store_timestamp"].get<int64_t>(), before);
    EXPECT_LE(m["store_timestamp"].get<int64_t>(), after + 1000);
  }

  // The consume committed what it printed: no lag left.
  auto g = ctl_json({"group", "describe", "billing"});
  uint64_t committed_total = 0;
  for (const auto& q : g["queues"]) {
    if (q["topic"] != "orders") continue;
    ASSERT_FALSE(q["committed"].is_null()) << g.dump();
    EXPECT_EQ(q["committed"], q["max_offset"]) << g.dump();
    EXPECT_EQ(q["lag"], 0);
    committed_total += q["committed"].get<uint64_t>();
  }
  EXPECT_EQ(committed_total, 3u) << g.dump();
  r = ctl({"group", "describe", "billing"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("QUEUE  COMMITTED  MAX_OFFSET  LAG"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("%RETRY%billing"), std::string::npos)
      << "the group's retry topic, read by its consumers, is listed too: " << r.out;
  r = ctl({"group", "list"});
  EXPECT_NE(r.out.find("billing"), std::string::npos) << r.out;

  // Reset to earliest: the same three again.
  r = ctl({"group", "reset", "billing", "--topic", "orders", "--to", "earliest"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  consumed = ctl_json_lines({"consume", "--topic", "orders", "--group", "billing", "--count", "3",
                             "--timeout", "15s"});
  ASSERT_EQ(consumed.size(), 3u);
  for (const auto& m : consumed) EXPECT_TRUE(sent.count(m["id"].get<std::string>())) << m.dump();

  // Nothing new: consume stops after its idle timeout with no output.
  r = ctl({"consume", "--topic", "orders", "--group", "billing", "--timeout", "1s"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");

  // message get by a printed id.
  const std::string id = sent.begin()->first;
  const auto got = ctl_json({"message", "get", id});
  EXPECT_EQ(got["id"], id);
  EXPECT_EQ(got["topic"], "orders");
  EXPECT_EQ(got["offset"], sent[id]["offset"]);
  r = ctl({"message", "get", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("id:"), std::string::npos);
  EXPECT_NE(r.out.find(id), std::string::npos);

  // message find by key, with and without a time range.
  auto found = ctl_json_lines({"message", "find", "--topic", "orders", "--key", "order-1"});
  EXPECT_EQ(found.size(), 3u);
  found = ctl_json_lines({"message", "find", "--topic", "orders", "--key", "k1", "--begin",
                          std::to_string(before - 1000), "--end", "2100-01-01T00:00:00Z"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["body"], "hello 1");
  found = ctl_json_lines({"message", "find", "--topic", "orders", "--key", "k1", "--end",
                          std::to_string(before - 60'000)});
  EXPECT_TRUE(found.empty());
}

TEST_F(berthctl_test, consume_pop_acks_what_it_prints_and_fail_every_shows_redelivery) {
  ASSERT_EQ(ctl({"topic", "create", "popped", "--queues", "2"}).exit_code, 0);
  std::set<uint32_t> queues;
  for (int i = 0; i < 3; ++i) {
    const auto lines = ctl_json_lines({"send", "--topic", "popped", "--message-group", "cart-7",
                                       "--body", "step " + std::to_string(i)});
    ASSERT_EQ(lines.size(), 1u);
    queues.insert(lines[0]["queue"].get<uint32_t>());
  }
  EXPECT_EQ(queues.size(), 1u);  // one message group, one queue

  // The 2nd printed message is not acked: it comes back as the 4th, with attempt 2.
  auto lines = ctl_json_lines({"consume", "--pop", "--topic", "popped", "--group", "pg",
                               "--invisible", "1s", "--fail-every", "2", "--count", "4",
                               "--timeout", "20s"});
  ASSERT_EQ(lines.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(lines[static_cast<size_t>(i)]["attempt"], 1) << lines[static_cast<size_t>(i)];
    EXPECT_EQ(lines[static_cast<size_t>(i)]["body"], "step " + std::to_string(i));
  }
  EXPECT_EQ(lines[3]["attempt"], 2);
  EXPECT_EQ(lines[3]["id"], lines[1]["id"]);
  const json unacked_id = lines[3]["id"];
  // The 4th was not acked either: a third attempt, acked this time.
  lines = ctl_json_lines({"consume", "--pop", "--topic", "popped", "--group", "pg", "--invisible",
                          "1s", "--count", "1", "--timeout", "20s"});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["attempt"], 3);
  EXPECT_EQ(lines[0]["id"], unacked_id);
  auto r = ctl({"consume", "--pop", "--topic", "popped", "--group", "pg", "--timeout", "2s"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  // Text lines say the attempt; --fifo goes with --pop only.
  ASSERT_EQ(ctl({"send", "--topic", "popped", "--body", "t"}).exit_code, 0);
  r = ctl({"consume", "--pop", "--fifo", "--topic", "popped", "--group", "pg2", "--count", "1",
           "--timeout", "20s", "--no-ack"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("attempt=1 ", 0), 0u) << r.out;
  r = ctl({"consume", "--fifo", "--topic", "popped", "--group", "pg3", "--timeout", "1s"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = ctl({"consume", "--pop", "--topic", "popped", "--group", "pg4", "--invisible", "10ms",
           "--timeout", "1s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("INVALID_ARGUMENT"), std::string::npos) << r.err;
}

TEST_F(berthctl_test, consume_filters_by_tag_sql_or_lua_and_refuses_a_bad_expression) {
  ASSERT_EQ(ctl({"topic", "create", "filtered", "--queues", "1"}).exit_code, 0);
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(ctl({"send", "--topic", "filtered", "--tag", i % 2 == 0 ? "even" : "odd",
                   "--property", "n=" + std::to_string(i), "--body", "b" + std::to_string(i)})
                  .exit_code,
              0);
  }
  const auto bodies = [](const std::vector<json>& lines) {
    std::vector<std::string> out;
    for (const json& l : lines) out.push_back(l["body"].get<std::string>());
    return out;
  };
  using list = std::vector<std::string>;
  EXPECT_EQ(bodies(ctl_json_lines({"consume", "--topic", "filtered", "--group", "by-sql",
                                   "--from", "earliest", "--sql", "n >= 3", "--timeout", "5s"})),
            (list{"b3", "b4", "b5"}));
  EXPECT_EQ(bodies(ctl_json_lines({"consume", "--topic", "filtered", "--group", "by-tag",
                                   "--from", "earliest", "--tag-filter", "odd", "--timeout",
                                   "3s"})),
            (list{"b1", "b3", "b5"}));
  const auto script = dir_->write("even_small.lua",
                                  "return function(m)\n"
                                  "  return m.tag == 'even' and tonumber(m.properties.n) < 4\n"
                                  "end\n");
  EXPECT_EQ(bodies(ctl_json_lines({"consume", "--topic", "filtered", "--group", "by-lua",
                                   "--from", "earliest", "--lua-filter", script.string(),
                                   "--timeout", "5s"})),
            (list{"b0", "b2"}));
  EXPECT_EQ(bodies(ctl_json_lines({"consume", "--pop", "--topic", "filtered", "--group",
                                   "by-sql-pop", "--sql", "TAGS = 'odd' AND n < 3", "--timeout",
                                   "3s"})),
            (list{"b1"}));

  // A bad expression: the broker's message with the column, exit 1; two filters: usage.
  auto r = ctl({"consume", "--topic", "filtered", "--group", "bad", "--sql", "n >", "--timeout",
                "1s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("INVALID_FILTER"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sql filter: col "), std::string::npos) << r.err;
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  r = ctl({"consume", "--topic", "filtered", "--group", "bad", "--sql", "n > 1", "--tag-filter",
           "odd"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = ctl({"consume", "--topic", "filtered", "--group", "bad", "--lua-filter", "/no/such.lua"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(berthctl_test, failures_exit_non_zero_with_one_stderr_line) {
  auto r = ctl({"topic", "describe", "no-such-topic"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("berthctl: describe topic 'no-such-topic': broker NO_TOPIC", 0), 0u)
      << r.err;

  r = ctl({"message", "get", "no-such-id"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;

  // Nothing listens on the port of a socket bound and closed just now.
  r = run({BERTHCTL_PATH, "--server", "127.0.0.1:1", "--timeout", "1s", "topic", "list"},
          dir_->path(), 20s);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("berthctl: list topics: ", 0), 0u) << r.err;

  // Usage errors: exit 2, one line.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--timeout", "soon", "topic", "list"},
        std::vector<std::string>{"topic", "create"},
        std::vector<std::string>{"nonsense"},
        std::vector<std::string>{"message", "find", "--topic", "t", "--key", "k", "--begin", "x"},
        std::vector<std::string>{"group", "reset", "g", "--topic", "t"}}) {
    r = ctl(bad);
    EXPECT_EQ(r.exit_code, 2) << bad[0];
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  }
}

TEST_F(berthctl_test, send_with_a_delay_is_consumed_only_once_due) {
  ASSERT_EQ(ctl({"topic", "create", "delayed", "--queues", "1"}).exit_code, 0);
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(ctl({"send", "--topic", "delayed", "--body", "one second", "--delay-level", "1"}).exit_code, 0);
  ASSERT_EQ(ctl({"send", "--topic", "delayed", "--body", "two seconds", "--deliver-at", "+2s"}).exit_code, 0);
  const auto got = ctl_json_lines({"consume", "--topic", "delayed", "--group", "late-readers",
                                   "--from", "earliest", "--count", "2", "--timeout", "20s"});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["body"], "one second");
  EXPECT_EQ(got[1]["body"], "two seconds");
  EXPECT_GE(std::chrono::steady_clock::now() - sent, 1900ms);

  auto r = ctl({"send", "--topic", "delayed", "--body", "x", "--delay-level", "19"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("INVALID_DELAY"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'19' is not one of 1..18"), std::string::npos) << r.err;
  r = ctl({"send", "--topic", "delayed", "--body", "x", "--deliver-at", "+soon"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = ctl({"send", "--topic", "delayed", "--body", "x", "--deliver-at", "+1s", "--delay-level", "1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(berthctl_test, send_in_a_transaction_commit_rollback_and_check_back) {
  ASSERT_EQ(ctl({"topic", "create", "tx-orders", "--queues", "1"}).exit_code, 0);
  const auto stored = [] {
    const auto d = ctl_json({"topic", "describe", "tx-orders"});
    return d["queue_offsets"][0]["max_offset"].get<int64_t>();
  };
  auto r = ctl({"send", "--topic", "tx-orders", "--body", "committed", "--transaction", "commit",
                "--producer-group", "ctl-tx"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
  r = ctl({"send", "--topic", "tx-orders", "--body", "rolled back", "--transaction", "rollback",
           "--producer-group", "ctl-tx"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stored(), 1);

  // Unknown: berthctl stays connected for --wait and answers the check-back with commit.
  const auto checked = ctl_json_lines({"send", "--topic", "tx-orders", "--body", "checked",
                                       "--transaction", "unknown", "--producer-group", "ctl-tx",
                                       "--check-answer", "commit", "--wait", "3s"});
  ASSERT_GE(checked.size(), 2u);
  const std::string id = checked[0]["id"];
  EXPECT_EQ(checked[1]["check"], id);
  EXPECT_EQ(checked[1]["answer"], "commit");
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (stored() < 2 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(stored(), 2);

  const auto consumed = ctl_json_lines({"consume", "--topic", "tx-orders", "--group", "tx-readers",
                                        "--count", "2", "--from", "earliest", "--timeout", "15s"});
  ASSERT_EQ(consumed.size(), 2u);
  EXPECT_EQ(consumed[0]["body"], "committed");
  EXPECT_EQ(consumed[1]["body"], "checked");
}

TEST_F(berthctl_test, a_transaction_needs_its_producer_group) {
  const auto r = ctl({"send", "--topic", "tx-orders", "--transaction", "commit"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("producer-group"), std::string::npos) << r.err;
  EXPECT_EQ(ctl({"send", "--topic", "tx-orders", "--transaction", "maybe", "--producer-group",
                 "g"}).exit_code,
            2);
}

TEST_F(berthctl_test, dlq_list_shows_a_groups_dead_letters_and_resend_returns_one_to_it) {
  auto r = ctl({"dlq", "list", "mourners"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "group 'mourners' has no dead letters\n");

  ASSERT_EQ(ctl({"topic", "create", "t-dlq", "--queues", "1"}).exit_code, 0);
  for (const char* body : {"first", "second"}) {
    r = ctl({"send", "--topic", "t-dlq", "--body", body, "--key", std::string("k-") + body});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The group gives up on "second" (offset 1): what a consumer's last failed retry does.
  wire_client c(endpoint_);
  const auto answer = c.call(wire::code::send_back,
                             wire::send_back_request{"mourners", "t-dlq", 0, 1,
                                                     wire::send_back_to_dead_letters, 0});
  ASSERT_TRUE(answer);
  ASSERT_EQ(wire::decode_header(*answer, 1u << 20).header.status, wire::status::ok);

  // Stored is not yet readable: the dead letter's queue entry is written by the store's
  // dispatcher a moment later.
  const auto until = std::chrono::steady_clock::now() + 5s;
  do {
    r = ctl({"dlq", "list", "mourners"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  } while (lines_of(r.out).size() < 2 && std::chrono::steady_clock::now() < until);
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0].rfind("OFFSET", 0), 0u) << r.out;
  EXPECT_NE(lines[1].find("t-dlq"), std::string::npos) << r.out;
  EXPECT_NE(lines[1].find("second"), std::string::npos) << r.out;

  const auto letters = ctl_json_lines({"dlq", "list", "mourners"});
  ASSERT_EQ(letters.size(), 1u);
  const std::string id = letters[0]["id"];
  EXPECT_EQ(letters[0]["topic"], "%DLQ%mourners");
  EXPECT_EQ(letters[0]["body"], "second");

  // Resent, it reaches the group's consumers through the retry topic, under its own topic.
  r = ctl({"dlq", "resend", "mourners", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("resent " + id + " to %RETRY%mourners as ", 0), 0u) << r.out;
  const auto got = ctl_json_lines({"consume", "--topic", "t-dlq", "--group", "mourners",
                                   "--from", "latest", "--count", "1", "--timeout", "20s"});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["body"], "second");
  EXPECT_EQ(got[0]["topic"], "t-dlq");
  EXPECT_EQ(got[0]["keys"], json::array({"k-second"}));

  // Only dead letters of that group can be resent.
  const auto first = ctl_json_lines({"message", "find", "--topic", "t-dlq", "--key", "k-first"});
  ASSERT_EQ(first.size(), 1u);
  r = ctl({"dlq", "resend", "mourners", first[0]["id"]});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a dead letter of group 'mourners'"), std::string::npos) << r.err;
}

TEST_F(berthctl_test, help_on_every_subcommand) {
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"--help"}, {"topic", "create", "--help"}, {"send", "--help"},
        {"consume", "--help"}, {"message", "find", "--help"}, {"group", "reset", "--help"},
        {"dlq", "list", "--help"}, {"dlq", "resend", "--help"}}) {
    const auto r = ctl(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[0];
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
  EXPECT_NE(ctl({"topic", "create", "--help"}).out.find("--queues"), std::string::npos);
  EXPECT_NE(ctl({"consume", "--help"}).out.find("--from"), std::string::npos);
}

}  // namespace
}  // namespace berth::test
