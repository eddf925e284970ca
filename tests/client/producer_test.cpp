// producer against a real berthd: what is sent is what is stored (read back with
// pull_consumer), batches, async sends, ordering by sharding key, the message size limit on
// both sides, and a broker restart under a running producer.
#include "client_fixture.hpp"
#include "client_helpers.hpp"
#include "read_back.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/wire/properties.hpp>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <set>

namespace berth::test {
namespace {

using client::errc;
using client::message;
namespace props = wire::properties;

client::producer_options producer_at(const std::string& endpoint) {
  client::producer_options o;
  o.endpoint = endpoint;
  return o;
}

TEST(client_producer, round_trip_keeps_body_tags_keys_and_properties) {
  client_broker broker;
  create_topic(broker.endpoint(), "round-trip", 2);
  client::producer p(producer_at(broker.endpoint()));
  BERTH_ASSERT_OK(p.start());

  message m("round-trip", std::string("binary\0body\xff", 12));
  m.tags = "TagA";
  m.keys = {"order-1", "customer-7"};
  m.set_property("color", "blue").set_property("empty", "").set_property("utf8", "żółw");
  m.flag = 7;
  auto sent = p.send(m);
  BERTH_ASSERT_OK(sent);
  EXPECT_FALSE(sent.value().message_id.empty());
  EXPECT_GT(sent.value().store_time_ms, 0);

  client::pull_consumer reader(reader_options(broker.endpoint()));
  BERTH_ASSERT_OK(reader.start());
  auto got = reader.pull("round-trip", sent.value().queue_id, sent.value().queue_offset, 1, 5s);
  BERTH_ASSERT_OK(got);
  ASSERT_EQ(got.value().messages.size(), 1u);
  const client::received_message& r = got.value().messages.front();
  EXPECT_EQ(r.topic, "round-trip");
  EXPECT_EQ(r.body, m.body);
  EXPECT_EQ(r.tags, "TagA");
  EXPECT_EQ(r.keys, m.keys);
  EXPECT_EQ(r.flag, 7u);
  EXPECT_EQ(r.message_id, sent.value().message_id);
  EXPECT_EQ(r.queue_id, sent.value().queue_id);
  EXPECT_EQ(r.queue_offset, sent.value().queue_offset);
  EXPECT_EQ(r.store_time_ms, sent.value().store_time_ms);
  // The user's properties in order, then the producer's unique key.
  ASSERT_EQ(r.properties.size(), 4u);
  EXPECT_EQ(r.properties[0], (std::pair<std::string, std::string>{"color", "blue"}));
  EXPECT_EQ(r.properties[1], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ(r.properties[2], (std::pair<std::string, std::string>{"utf8", "żółw"}));
  EXPECT_EQ(r.properties[3].first, props::unique_key);
  EXPECT_EQ(r.properties[3].second.size(), 32u);
}

TEST(client_producer, batch_goes_to_one_queue_in_order) {
  client_broker broker;
  create_topic(broker.endpoint(), "batch", 4);
  client::producer p(producer_at(broker.endpoint()));
  BERTH_ASSERT_OK(p.start());

  std::vector<message> batch;
  for (int i = 0; i < 10; ++i) {
    message m("batch", "b" + std::to_string(i));
    m.queue_id = 3;
    batch.push_back(std::move(m));
  }
  auto sent = p.send_batch(batch);
  BERTH_ASSERT_OK(sent);
  ASSERT_EQ(sent.value().size(), 10u);
  std::set<std::string> unique_ids;
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(sent.value()[i].queue_id, 3u);
    EXPECT_EQ(sent.value()[i].queue_offset, sent.value()[0].queue_offset + i);
  }

  client::pull_consumer reader(reader_options(broker.endpoint()));
  BERTH_ASSERT_OK(reader.start());
  auto got = read_queue(reader, "batch", 3, 0, 10);
  BERTH_ASSERT_OK(got);
  ASSERT_EQ(got.value().size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(got.value()[i].body, "b" + std::to_string(i));
    unique_ids.insert(std::string(got.value()[i].property(props::unique_key).value_or("")));
  }
  EXPECT_EQ(unique_ids.size(), 10u);  // a unique key per message

  // A batch without a queue lets the broker pick one queue for all of it.
  std::vector<message> anywhere{message("batch", "x"), message("batch", "y")};
  auto picked = p.send_batch(anywhere);
  BERTH_ASSERT_OK(picked);
  EXPECT_EQ(picked.value()[0].queue_id, picked.value()[1].queue_id);
}

TEST(client_producer, batch_mixing_topics_or_queues_is_refused_before_sending) {
  client_broker broker;
  client::producer p(producer_at(broker.endpoint()));
  BERTH_ASSERT_OK(p.start());
  std::vector<message> topics{message("one", "a"), message("two", "b")};
  auto refused = p.send_batch(topics);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_argument);
  EXPECT_NE(refused.error().message.find("one topic"), std::string::npos)
      << refused.error().message;

  std::vector<message> queues{message("one", "a"), message("one", "b")};
  queues[0].queue_id = 0;
  queues[1].queue_id = 1;
  refused = p.send_batch(queues);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_argument);
  EXPECT_NE(refused.error().message.find("one queue"), std::string::npos)
      << refused.error().message;

  EXPECT_EQ(p.send_batch({}).error().code, errc::invalid_argument);
}

TEST(client_producer, async_sends_all_complete_once) {
  client_broker broker;
  create_topic(broker.endpoint(), "async", 4);
  client::producer p(producer_at(broker.endpoint()));
  BERTH_ASSERT_OK(p.start());

  constexpr int count = 300;
  std::mutex mutex;
  std::vector<client::result<client::send_receipt>> results;
  std::promise<void> all;
  for (int i = 0; i < count; ++i) {
    p.send_async(message("async", "m" + std::to_string(i)),
                 [&](client::result<client::send_receipt> r) {
                   std::lock_guard lock(mutex);
                   results.push_back(std::move(r));
                   if (results.size() == count) all.set_value();
                 });
  }
  ASSERT_EQ(all.get_future().wait_for(20s), std::future_status::ready);
  std::set<std::pair<uint32_t, uint64_t>> positions;
  std::lock_guard lock(mutex);
  for (const auto& r : results) {
    BERTH_ASSERT_OK(r);
    positions.emplace(r.value().queue_id, r.value().queue_offset);
  }
  EXPECT_EQ(positions.size(), size_t{count});

  client::pull_consumer reader(reader_options(broker.endpoint()));
  BERTH_ASSERT_OK(reader.start());
  auto got = read_topic(reader, "async", count);
  BERTH_ASSERT_OK(got);
  std::set<std::string> bodies;
  for (const auto& [q, msgs] : got.value()) {
    for (const auto& m : msgs) bodies.insert(m.body);
  }
  EXPECT_EQ(bodies.size(), size_t{count});
}

TEST(client_producer, async_batches_each_complete_once_with_a_receipt_per_message) {
  client_broker broker;
  create_topic(broker.endpoint(), "abatch", 4);
  client::producer p(producer_at(broker.endpoint()));
  BERTH_ASSERT_OK(p.start());

  // 40 batches of 8 in flight at once, one queue each in turn.
  constexpr int batches = 40;
  constexpr int per_batch = 8;
  std::mutex mutex;
  std::map<int, client::result<std::vector<client::send_receipt>>> results;
  std::promise<void> all;
  for (int b = 0; b < batches; ++b) {
    std::vector<message> batch;
    for (int i = 0; i < per_batch; ++i) {
      message m("abatch", std::to_string(b) + ":" + std::to_string(i));
      m.queue_id = static_cast<uint32_t>(b % 4);
      batch.push_back(std::move(m));
    }
    p.send_batch_async(batch, [&, b](client::result<std::vector<client::send_receipt>> r) {
      std::lock_guard lock(mutex);
      EXPECT_TRUE(results.emplace(b, std::move(r)).second) << "batch " << b << " completed twice";
      if (results.size() == batches) all.set_value();
    });
  }
  ASSERT_EQ(all.get_future().wait_for(20s), std::future_status::ready);
  std::lock_guard lock(mutex);
  for (const auto& [b, r] : results) {
    BERTH_ASSERT_OK(r);
    ASSERT_EQ(r.value().size(), size_t{per_batch});
    for (size_t i = 0; i < r.value().size(); ++i) {
      EXPECT_EQ(r.value()[i].queue_id, static_cast<uint32_t>(b % 4));
      EXPECT_EQ(r.value()[i].queue_offset, r.value()[0].queue_offset + i);  // together, in order
    }
  }

  client::pull_consumer reader(reader_options(broker.endpoint()));
  BERTH_ASSERT_OK(reader.start());
  auto got = read_topic(reader, "abatch", batches * per_batch);
  BERTH_ASSERT_OK(got);
  size_t received = 0;
  for (const auto& [q, msgs] : got.value()) received += msgs.size();
  EXPECT_EQ(received, size_t{batches * per_batch});
}

TEST(client_producer, an_async_batch_with_a_sharding_key_goes_to_the_keys_queue) {
  client_broker broker;
  create_topic(broker.endpoint(), "keyed", 8);
  client::producer p(producer_at(broker.endpoint()));
  BERTH_ASSERT_OK(p.start());

  // The queue count is not known yet: the batch asks for it first.
  std::vector<message> batch;
  for (int i = 0; i < 3; ++i) {
    message m("keyed", "k" + std::to_string(i));
    m.sharding_key = "order-17";
    batch.push_back(std::move(m));
  }
  std::promise<client::result<std::vector<client::send_receipt>>> answer;
  p.send_batch_async(batch, [&](client::result<std::vector<client::send_receipt>> r) {
    answer.set_value(std::move(r));
  });
  auto future = answer.get_future();
  ASSERT_EQ(future.wait_for(20s), std::future_status::ready);
  auto sent = future.get();
  BERTH_ASSERT_OK(sent);

  message single("keyed", "alone");
  single.sharding_key = "order-17";
  auto alone = p.send(single);
  BERTH_ASSERT_OK(alone);
  for (const client::send_receipt& r : sent.value()) EXPECT_EQ(r.queue_id, alone.value().queue_id);

  // Refused before anything is sent: answered at once, on this thread.
  std::vector<message> mixed{message("keyed", "a"), message("other", "b")};
  bool refused = false;
  p.send_batch_async(mixed, [&](client::result<std::vector<client::send_receipt>> r) {
    refused = !r && r.error().code == errc::invalid_argument;
  });
  EXPECT_TRUE(refused);
}

TEST(client_producer, a_sharding_key_keeps_its_messages_in_one_queue_in_order) {
  client_broker broker;
  create_topic(broker.endpoint(), "ordered", 8);
  client::producer p(producer_at(broker.endpoint()));
  BERTH_ASSERT_OK(p.start());

  const std::vector<std::string> keys{"alice", "bob", "carol", "dave", "erin", "frank"};
  std::map<std::string, std::vector<client::send_receipt>> by_key;
  for (int i = 0; i < 20; ++i) {
    for (const std::string& k : keys) {
      message m("ordered", k + ":" + std::to_string(i));
      m.sharding_key = k;
      auto r = p.send(m);
      BERTH_ASSERT_OK(r);
      by_key[k].push_back(r.value());
    }
  }
  std::set<uint32_t> used;
  for (const auto& [k, receipts] : by_key) {
    const uint32_t q = receipts.front().queue_id;
    used.insert(q);
    for (size_t i = 0; i < receipts.size(); ++i) {
      EXPECT_EQ(receipts[i].queue_id, q) << k;
      if (i > 0) {
        EXPECT_GT(receipts[i].queue_offset, receipts[i - 1].queue_offset) << k;
      }
    }
  }
  EXPECT_GT(used.size(), 1u);  // the keys spread over queues

  client::pull_consumer reader(reader_options(broker.endpoint()));
  BERTH_ASSERT_OK(reader.start());
  auto got = read_topic(reader, "ordered", 120);
  BERTH_ASSERT_OK(got);
  for (const auto& [q, msgs] : got.value()) {
    std::map<std::string, int> next;
    for (const auto& m : msgs) {
      const std::string key(m.property(props::sharding_key).value_or(""));
      ASSERT_FALSE(key.empty());
      EXPECT_EQ(m.body, key + ":" + std::to_string(next[key]++)) << "queue " << q;
      EXPECT_EQ(by_key[key].front().queue_id, q);
    }
  }
}

TEST(client_producer, a_sharding_key_on_an_unknown_topic_lets_the_broker_create_it) {
  client_broker broker;
  client::producer p(producer_at(broker.endpoint()));
  BERTH_ASSERT_OK(p.start());
  message m("auto-created", "first");
  m.sharding_key = "k";
  BERTH_ASSERT_OK(p.send(m));
  // Now the topic exists: the key's queue is its hash.
  auto second = p.send(m);
  BERTH_ASSERT_OK(second);
  auto third = p.send(m);
  BERTH_ASSERT_OK(third);
  EXPECT_EQ(second.value().queue_id, third.value().queue_id);
}

TEST(client_producer, an_oversized_message_is_refused_with_a_clear_error_on_either_side) {
  client_broker broker;
  const std::string big((4u << 20) + 1, 'x');
  {
    // Default: the broker's limit, learnt from HELLO, checked before sending.
    client::producer p(producer_at(broker.endpoint()));
    BERTH_ASSERT_OK(p.start());
    BERTH_ASSERT_OK(p.send(message("sizes", "warm-up")));
    auto refused = p.send(message("sizes", big));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, errc::invalid_argument);
    EXPECT_NE(refused.error().message.find("4194305 bytes is over the max message size of 4194304"),
              std::string::npos)
        << refused.error().message;
  }
  {
    // A client-side limit of its own.
    auto o = producer_at(broker.endpoint());
    o.max_message_size = 1024;
    client::producer p(o);
    BERTH_ASSERT_OK(p.start());
    auto refused = p.send(message("sizes", std::string(2000, 'y')));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, errc::invalid_argument);
    EXPECT_NE(refused.error().message.find("max_message_size"), std::string::npos)
        << refused.error().message;
    BERTH_EXPECT_OK(p.send(message("sizes", std::string(1024, 'y'))));
  }
  {
    // A client limit above the broker's: the broker refuses, the connection goes on.
    auto o = producer_at(broker.endpoint());
    o.max_message_size = 8u << 20;
    client::producer p(o);
    BERTH_ASSERT_OK(p.start());
    auto refused = p.send(message("sizes", big));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, errc::broker);
    EXPECT_EQ(refused.error().status, wire::status::message_too_large)
        << refused.error().to_string();
    EXPECT_NE(refused.error().message.find("SEND"), std::string::npos);
    BERTH_EXPECT_OK(p.send(message("sizes", "small")));
  }
}

TEST(client_producer, refuses_bad_input_before_sending) {
  client::producer_options o;
  o.endpoint = "no-port";
  client::producer bad(o);
  EXPECT_EQ(bad.start().error().code, errc::invalid_argument);

  client::producer idle;  // never started
  auto r = idle.send(message("t", "b"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::closed);

  client_broker broker;
  client::producer p(producer_at(broker.endpoint()));
  BERTH_ASSERT_OK(p.start());
  EXPECT_EQ(p.send(message("", "b")).error().code, errc::invalid_argument);
  message spaced("t", "b");
  spaced.keys = {"a b"};
  EXPECT_EQ(p.send(spaced).error().code, errc::invalid_argument);
  // The broker's own refusal keeps its status.
  auto bad_name = p.send(message("no.dots.allowed", "b"));
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().code, errc::broker);
  EXPECT_EQ(bad_name.error().status, wire::status::invalid_argument);
  p.shutdown();
  EXPECT_EQ(p.send(message("t", "b")).error().code, errc::closed);
}

TEST(client_producer, a_send_to_an_unreachable_broker_times_out_naming_it) {
  auto o = producer_at("127.0.0.1:" + std::to_string(free_port()));
  o.request_timeout = 300ms;
  o.retries = 1;
  client::producer p(o);
  BERTH_ASSERT_OK(p.start());
  const auto before = std::chrono::steady_clock::now();
  auto r = p.send(message("t", "b"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::timeout);
  EXPECT_NE(r.error().message.find("not connected to " + o.endpoint), std::string::npos)
      << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
}

TEST(client_producer, survives_a_broker_restart) {
  broker_settings s;
  s.port = free_port();
  s.sync_flush = true;
  client_broker broker(s);
  create_topic(broker.endpoint(), "restart", 4);
  auto o = producer_at(broker.endpoint());
  client::producer p(o);
  BERTH_ASSERT_OK(p.start());

  std::set<std::string> acknowledged;
  for (int i = 0; i < 20; ++i) {
    const std::string body = "before-" + std::to_string(i);
    auto r = p.send(message("restart", body));
    BERTH_ASSERT_OK(r);
    acknowledged.insert(body);
  }
  broker.stop(SIGKILL);
  // Sent while the broker is down: waits for the reconnect (or fails, never hangs).
  std::promise<client::result<client::send_receipt>> during;
  p.send_async(message("restart", "during"),
               [&](client::result<client::send_receipt> r) { during.set_value(std::move(r)); });
  broker.start();
  auto during_result = during.get_future().get();
  if (during_result) {
    acknowledged.insert("during");
  } else {
    // Only a failure that says it may be retried is acceptable.
    EXPECT_TRUE(during_result.error().retriable()) << during_result.error().to_string();
  }
  for (int i = 0; i < 20; ++i) {
    const std::string body = "after-" + std::to_string(i);
    auto r = p.send(message("restart", body));
    BERTH_ASSERT_OK(r);
    acknowledged.insert(body);
  }

  client::pull_consumer reader(reader_options(broker.endpoint()));
  BERTH_ASSERT_OK(reader.start());
  auto got = read_topic(reader, "restart", acknowledged.size());
  BERTH_ASSERT_OK(got);
  std::set<std::string> stored;
  for (const auto& [q, msgs] : got.value()) {
    for (const auto& m : msgs) stored.insert(m.body);
  }
  for (const std::string& body : acknowledged) EXPECT_EQ(stored.count(body), 1u) << body;
}

}  // namespace
}  // namespace berth::test
