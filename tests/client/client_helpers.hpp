// What many client tests do first: make a topic, start a producer, send numbered messages,
// configure a push consumer for quick tests (short heartbeats, rebalances and commits).
#pragma once

#include "client_fixture.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/push_consumer.hpp>

#include <string>
#include <vector>

namespace berth::test {

inline void create_topic(const std::string& endpoint, const std::string& topic, uint32_t queues) {
  client::admin_options o;
  o.endpoint = endpoint;
  client::admin a(o);
  BERTH_ASSERT_OK(a.start());
  BERTH_ASSERT_OK(a.create_topic(topic, queues));
}

inline client::producer started_producer(const std::string& endpoint) {
  client::producer_options o;
  o.endpoint = endpoint;
  client::producer p(o);
  EXPECT_TRUE(p.start());
  return p;
}

// Bodies prefix0 .. prefix<n-1>, in order, each acknowledged.
inline void send_all(client::producer& p, const std::string& topic, const std::string& prefix,
                     int n) {
  for (int i = 0; i < n; ++i) {
    auto r = p.send(client::message(topic, prefix + std::to_string(i)));
    ASSERT_TRUE(r) << r.error().to_string();
  }
}

// For each i < per_key, one message per key, "<key>:<i>", sent with the key as sharding key
// (so every key's messages share a queue, in order).
inline void send_by_key(client::producer& p, const std::string& topic,
                        const std::vector<std::string>& keys, int per_key) {
  for (int i = 0; i < per_key; ++i) {
    for (const std::string& k : keys) {
      client::message m(topic, k + ":" + std::to_string(i));
      m.sharding_key = k;
      BERTH_ASSERT_OK(p.send(m));
    }
  }
}

// From the earliest offset, with heartbeats and rebalances every second and commits every
// 200 ms, so that tests see group changes quickly.
inline client::push_consumer_options consumer_options(const std::string& endpoint,
                                                      const std::string& group) {
  client::push_consumer_options o;
  o.endpoint = endpoint;
  o.group = group;
  o.from = client::consume_from::earliest;
  o.hold = std::chrono::seconds(5);
  o.heartbeat_interval = std::chrono::seconds(1);
  o.rebalance_interval = std::chrono::seconds(1);
  o.commit_interval = std::chrono::milliseconds(200);
  return o;
}

}  // namespace berth::test
