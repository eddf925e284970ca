// Transactional messages against a real berthd over TCP (mmap store): a commit is visible to a
// consumer exactly once, a rollback never; an unknown transaction is resolved by check-back;
// one never answered is parked after max_checks; a half survives a restart; bad
// END_TRANSACTIONs get their specific errors and store nothing.
#include "messaging_fixture.hpp"

#include <berth/wire/properties.hpp>
#include <berth/wire/transaction_bodies.hpp>

namespace berth::test {
namespace {

namespace properties = wire::properties;
using wire::transaction_resolution;

// A sent half message, owning its id (a send_result views into its frame).
struct half_ref {
  std::string message_id;
  uint64_t queue_offset = 0;
};

class transaction_test : public messaging_test {
 protected:
  void SetUp() override {}  // each test starts its broker with its own [transaction] table

  void start_with(std::string_view check_interval, uint32_t max_checks) {
    transaction_table = fmt::format("\n[transaction]\ncheck_interval = \"{}\"\ntimeout = \"0s\"\n"
                                    "max_checks = {}\n",
                                    check_interval, max_checks);
    restart();
  }
  void restart() {
    broker = std::make_unique<running_broker>(dir, messaging_broker_config(dir) + transaction_table);
    endpoint = broker->wait_for_endpoint();
    ASSERT_FALSE(endpoint.empty()) << broker->process().err();
  }

  half_ref send_half(wire_client& c, std::string_view body) {
    const std::vector<wire::property> props{{properties::transaction_prepared, "true"},
                                            {properties::producer_group, "tx-producers"}};
    wire::message m;
    m.topic = "orders";
    m.queue_id = 0;
    m.properties = props;
    m.body = bytes_of(body);
    last_send = c.call(wire::code::send, m);
    expect_ok(last_send);
    auto r = body_of<wire::send_result>(*last_send);
    return r ? half_ref{std::string(r->message_id), r->queue_offset} : half_ref{};
  }
  std::optional<std::vector<uint8_t>> end(wire_client& c, const half_ref& half,
                                          transaction_resolution how, bool from_check = false) {
    return c.call(wire::code::end_transaction,
                  wire::end_transaction_request{"tx-producers", half.message_id, half.queue_offset,
                                                how, from_check});
  }
  // How many messages `topic` queue 0 holds, once nothing more arrives for a moment.
  uint64_t stored(wire_client& c, std::string_view topic = "orders") {
    auto answer = c.call(wire::code::topic_describe, wire::topic_request{topic});
    if (!answer || header_of(*answer).status != wire::status::ok) return 0;
    auto d = body_of<wire::topic_describe_response>(*answer);
    return d && !d->queue_states.empty() ? d->queue_states[0].max_offset : 0;
  }
  bool eventually_stored(wire_client& c, uint64_t count, std::string_view topic = "orders") {
    const auto until = std::chrono::steady_clock::now() + 15s;
    while (stored(c, topic) < count && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(20ms);
    }
    return stored(c, topic) >= count;
  }
  // The bodies a consumer pulls from orders queue 0.
  std::vector<std::string> consumed(wire_client& c) {
    std::vector<std::string> out;
    auto answer = c.call(wire::code::pull, pull_at("orders", 0, 0));
    if (!answer) return out;
    auto pulled = body_of<wire::pull_response>(*answer);
    if (!pulled) return out;
    for (const auto& m : pulled->messages) out.push_back(text_of(m.body));
    return out;
  }
  void register_producer(wire_client& c) {
    expect_ok(c.call(wire::code::producer_register,
                     wire::producer_register_request{"it-producer", "tx-producers"}));
  }
  // The next CHECK_TRANSACTION pushed to `c` (copied out of its frame).
  std::optional<std::pair<std::string, uint64_t>> next_check(wire_client& c) {
    auto frame = c.next_push(15s);
    if (!frame) return std::nullopt;
    EXPECT_EQ(header_of(*frame).code, wire::code::check_transaction);
    auto push = body_of<wire::check_transaction_push>(*frame);
    if (!push) return std::nullopt;
    return std::pair{std::string(push->transaction_id), push->half_offset};
  }

  std::string transaction_table;
};

TEST_F(transaction_test, a_commit_is_visible_exactly_once) {
  start_with("30s", 15);
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  const half_ref half = send_half(c, "paid");
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(consumed(c).empty());  // invisible until committed
  expect_ok(end(c, half, transaction_resolution::commit));
  ASSERT_TRUE(eventually_stored(c, 1));
  EXPECT_EQ(consumed(c), std::vector<std::string>{"paid"});
  EXPECT_EQ(status_of(end(c, half, transaction_resolution::commit)),
            wire::status::transaction_resolved);
  EXPECT_EQ(status_of(end(c, half, transaction_resolution::rollback)),
            wire::status::transaction_resolved);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(consumed(c), std::vector<std::string>{"paid"});
}

TEST_F(transaction_test, a_rollback_is_never_visible) {
  start_with("200ms", 15);
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  const half_ref half = send_half(c, "cancelled");
  expect_ok(end(c, half, transaction_resolution::rollback));
  EXPECT_EQ(status_of(end(c, half, transaction_resolution::commit)),
            wire::status::transaction_resolved);
  std::this_thread::sleep_for(1s);  // check rounds pass: nothing appears
  EXPECT_EQ(stored(c), 0u);
  EXPECT_TRUE(consumed(c).empty());
}

TEST_F(transaction_test, an_unknown_transaction_is_committed_by_check_back) {
  start_with("200ms", 15);
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  wire_client producer(endpoint);
  register_producer(producer);
  const half_ref half = send_half(c, "checked");
  expect_ok(end(c, half, transaction_resolution::unknown));
  const auto check = next_check(producer);
  ASSERT_TRUE(check) << broker->process().err();
  EXPECT_EQ(check->first, half.message_id);
  EXPECT_EQ(check->second, half.queue_offset);
  expect_ok(producer.call(wire::code::end_transaction,
                          wire::end_transaction_request{"tx-producers", check->first, check->second,
                                                        transaction_resolution::commit, true}));
  ASSERT_TRUE(eventually_stored(c, 1));
  EXPECT_EQ(consumed(c), std::vector<std::string>{"checked"});
}

TEST_F(transaction_test, a_transaction_never_answered_is_parked_after_max_checks) {
  start_with("200ms", 2);
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  wire_client producer(endpoint);
  register_producer(producer);
  const half_ref half = send_half(c, "abandoned");
  for (int i = 0; i < 2; ++i) {
    const auto check = next_check(producer);
    ASSERT_TRUE(check) << broker->process().err();
    expect_ok(producer.call(wire::code::end_transaction,
                            wire::end_transaction_request{"tx-producers", check->first,
                                                          check->second,
                                                          transaction_resolution::unknown, true}));
  }
  ASSERT_TRUE(eventually_stored(c, 1, "TRANS_CHECK_MAX_TIME_TOPIC")) << broker->process().err();
  EXPECT_EQ(stored(c), 0u);
  EXPECT_EQ(status_of(end(c, half, transaction_resolution::commit)),
            wire::status::transaction_resolved);
  EXPECT_NE(broker->process().err().find(half.message_id), std::string::npos);
  EXPECT_NE(broker->process().err().find("tx-producers"), std::string::npos);
}

TEST_F(transaction_test, a_half_survives_a_restart_and_is_resolved_after_it) {
  start_with("30s", 15);
  half_ref half;
  half_ref rolled_back;
  {
    wire_client c(endpoint);
    create_topic(c, "orders", 1);
    half = send_half(c, "survivor");
    rolled_back = send_half(c, "gone");
    expect_ok(end(c, rolled_back, transaction_resolution::rollback));
  }
  broker->process().signal(SIGKILL);
  (void)broker->process().wait_exit(10s);
  restart();
  wire_client c(endpoint);
  EXPECT_EQ(status_of(end(c, rolled_back, transaction_resolution::commit)),
            wire::status::transaction_resolved);
  const auto committed = end(c, half, transaction_resolution::commit);
  ASSERT_EQ(status_of(committed), wire::status::ok)
      << error_text(*committed) << "\n" << broker->process().err();
  ASSERT_TRUE(eventually_stored(c, 1));
  EXPECT_EQ(consumed(c), std::vector<std::string>{"survivor"});
  stop();
  restart();
  wire_client again(endpoint);
  EXPECT_EQ(status_of(end(again, half, transaction_resolution::commit)),
            wire::status::transaction_resolved);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(consumed(again), std::vector<std::string>{"survivor"});
}

TEST_F(transaction_test, unknown_or_malformed_end_transactions_store_nothing) {
  start_with("30s", 15);
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  const half_ref half = send_half(c, "pending");
  half_ref unknown = half;
  unknown.message_id = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";
  EXPECT_EQ(status_of(end(c, unknown, transaction_resolution::commit)),
            wire::status::unknown_transaction);
  EXPECT_EQ(status_of(c.call(wire::code::end_transaction,
                             wire::end_transaction_request{"someone-else", half.message_id,
                                                           half.queue_offset,
                                                           transaction_resolution::commit, false})),
            wire::status::unknown_transaction);
  EXPECT_EQ(status_of(c.call(wire::code::end_transaction, wire::topic_request{"x"})),
            wire::status::malformed_request);
  const std::vector<wire::property> delayed{{properties::transaction_prepared, "true"},
                                            {properties::producer_group, "tx-producers"},
                                            {properties::delay_level, "2"}};
  wire::message m;
  m.topic = "orders";
  m.properties = delayed;
  EXPECT_EQ(status_of(c.call(wire::code::send, m)), wire::status::invalid_argument);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(stored(c), 0u);
  EXPECT_EQ(stored(c, "RMQ_SYS_TRANS_OP_HALF_TOPIC"), 0u);
}

}  // namespace
}  // namespace berth::test
