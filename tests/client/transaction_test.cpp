// Transactional sends against a real berthd: a commit is visible once, a rollback never, an
// unknown one is resolved by the producer's checker when the broker checks back.
#include "read_back.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/wire/properties.hpp>

#include <atomic>

namespace berth::test {
namespace {

using client::transaction_state;
namespace props = wire::properties;

// Check-backs every 200 ms for halves older than 0 s: a test waits a moment, not 30 s.
broker_settings quick_checks() {
  broker_settings s;
  s.extra_tables = "\n[transaction]\ncheck_interval = \"200ms\"\ntimeout = \"0s\"\nmax_checks = 50\n";
  return s;
}

class client_transaction : public ::testing::Test {
 protected:
  void SetUp() override {
    client::admin_options a;
    a.endpoint = broker.endpoint();
    admin = std::make_unique<client::admin>(a);
    ASSERT_TRUE(admin->start());
    BERTH_ASSERT_OK(admin->create_topic("orders", 1));
    client::pull_consumer_options c;
    c.endpoint = broker.endpoint();
    c.group = "readers";
    reader = std::make_unique<client::pull_consumer>(c);
    ASSERT_TRUE(reader->start());
  }

  client::producer producer(client::transaction_checker checker = {}) {
    client::producer_options o;
    o.endpoint = broker.endpoint();
    o.producer_group = "tx-producers";
    o.checker = std::move(checker);
    client::producer p(o);
    EXPECT_TRUE(p.start());
    return p;
  }
  uint64_t stored() {
    auto info = admin->describe_topic("orders");
    return info && !info.value().queues.empty() ? info.value().queues[0].max_offset : 0;
  }

  client_broker broker{quick_checks()};
  std::unique_ptr<client::admin> admin;
  std::unique_ptr<client::pull_consumer> reader;
};

TEST_F(client_transaction, a_committed_transaction_is_visible_once) {
  client::producer p = producer();
  client::message m("orders", "paid");
  m.set_property("order", "7");
  std::atomic<int> runs{0};
  auto r = p.send_in_transaction(m, [&](const client::message& sent, const client::send_receipt& half) {
    ++runs;
    EXPECT_EQ(sent.body, "paid");
    EXPECT_FALSE(half.message_id.empty());
    EXPECT_EQ(stored(), 0u);  // the half is not visible yet
    return transaction_state::commit;
  });
  BERTH_ASSERT_OK(r);
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(r.value().state, transaction_state::commit);
  EXPECT_FALSE(r.value().end_error) << r.value().end_error->to_string();
  auto read = read_queue(*reader, "orders", 0, 0, 1);
  BERTH_ASSERT_OK(read);
  ASSERT_EQ(read.value().size(), 1u);
  const client::received_message& got = read.value()[0];
  EXPECT_EQ(got.body, "paid");
  EXPECT_EQ(got.property("order"), "7");
  EXPECT_EQ(got.property(props::transaction_id), r.value().half.message_id);
  EXPECT_FALSE(got.property(props::transaction_prepared));
  EXPECT_FALSE(got.property(props::real_topic));
}

TEST_F(client_transaction, a_rolled_back_transaction_is_never_visible) {
  client::producer p = producer();
  auto r = p.send_in_transaction(client::message("orders", "cancelled"),
                                 [](const client::message&, const client::send_receipt&) {
                                   return transaction_state::rollback;
                                 });
  BERTH_ASSERT_OK(r);
  EXPECT_FALSE(r.value().end_error);
  std::this_thread::sleep_for(500ms);  // a few check rounds: nothing may appear
  EXPECT_EQ(stored(), 0u);
}

TEST_F(client_transaction, an_unknown_transaction_is_resolved_by_the_checker) {
  std::atomic<int> checks{0};
  std::string seen_id;
  std::mutex seen_mutex;
  client::producer p = producer([&](const client::transaction_check& check) {
    std::lock_guard lock(seen_mutex);
    seen_id = check.transaction_id;
    ++checks;
    EXPECT_EQ(check.half.body, "maybe");
    EXPECT_EQ(check.half.property(props::real_topic), "orders");
    return transaction_state::commit;
  });
  auto r = p.send_in_transaction(client::message("orders", "maybe"),
                                 [](const client::message&, const client::send_receipt&) {
                                   return transaction_state::unknown;
                                 });
  BERTH_ASSERT_OK(r);
  EXPECT_TRUE(eventually([&] { return stored() == 1; })) << broker.log();
  EXPECT_GE(checks.load(), 1);
  {
    std::lock_guard lock(seen_mutex);
    EXPECT_EQ(seen_id, r.value().half.message_id);
  }
  std::this_thread::sleep_for(500ms);  // more check rounds: still exactly one
  EXPECT_EQ(stored(), 1u);
}

TEST_F(client_transaction, a_local_transaction_that_throws_counts_as_unknown) {
  client::producer p = producer([](const client::transaction_check&) {
    return transaction_state::rollback;
  });
  auto r = p.send_in_transaction(client::message("orders", "x"),
                                 [](const client::message&, const client::send_receipt&)
                                     -> transaction_state { throw std::runtime_error("boom"); });
  BERTH_ASSERT_OK(r);
  EXPECT_EQ(r.value().state, transaction_state::unknown);
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(stored(), 0u);
}

TEST_F(client_transaction, without_a_producer_group_nothing_is_sent) {
  client::producer_options o;
  o.endpoint = broker.endpoint();
  client::producer p(o);
  ASSERT_TRUE(p.start());
  auto r = p.send_in_transaction(client::message("orders", "x"),
                                 [](const client::message&, const client::send_receipt&) {
                                   return transaction_state::commit;
                                 });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, client::errc::invalid_argument);
  EXPECT_EQ(stored(), 0u);
}

}  // namespace
}  // namespace berth::test
