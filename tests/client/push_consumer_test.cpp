// push_consumer against a real berthd: steady-state delivery, rebalancing in a group whose
// members come and go, broadcasting, ordered mode, offsets across a restart (retry_later:
// consumer_retry_test.cpp).
#include "client_fixture.hpp"
#include "client_helpers.hpp"
#include "read_back.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/push_consumer.hpp>

#include <map>
#include <mutex>
#include <set>

namespace berth::test {
namespace {

using client::consume_result;
using client::message;

// What listeners saw: per body, which consumers and how often.
class tally {
 public:
  client::message_listener listener(const std::string& who) {
    return [this, who](const client::received_message& m) {
      std::lock_guard lock(mutex_);
      seen_[m.body].push_back(who);
      return consume_result::success;
    };
  }
  size_t distinct() const {
    std::lock_guard lock(mutex_);
    return seen_.size();
  }
  size_t distinct_by(const std::string& who) const {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& [body, whos] : seen_) {
      if (std::find(whos.begin(), whos.end(), who) != whos.end()) ++n;
    }
    return n;
  }
  std::vector<std::string> deliveries(const std::string& body) const {
    std::lock_guard lock(mutex_);
    auto it = seen_.find(body);
    return it == seen_.end() ? std::vector<std::string>{} : it->second;
  }
  bool has(const std::string& body) const {
    std::lock_guard lock(mutex_);
    return seen_.count(body) != 0;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> seen_;
};

TEST(client_push_consumer, every_message_is_consumed_once_in_steady_state) {
  client_broker broker;
  create_topic(broker.endpoint(), "steady", 4);
  tally seen;
  client::push_consumer c(consumer_options(broker.endpoint(), "steady-group"));
  BERTH_ASSERT_OK(c.subscribe("steady"));
  c.on_message(seen.listener("c"));
  BERTH_ASSERT_OK(c.start());
  EXPECT_TRUE(eventually([&] { return c.owned_queues().size() == 4; })) << broker.log();

  client::producer p = started_producer(broker.endpoint());
  send_all(p, "steady", "m", 200);
  ASSERT_TRUE(eventually([&] { return seen.distinct() == 200; }, 20s)) << seen.distinct();
  c.shutdown();
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(seen.deliveries("m" + std::to_string(i)).size(), 1u) << i;
  }
  // Shutdown committed everything.
  client::pull_consumer reader(reader_options(broker.endpoint(), "steady-group"));
  BERTH_ASSERT_OK(reader.start());
  auto info = reader.queues("steady");
  BERTH_ASSERT_OK(info);
  for (const auto& q : info.value().queues) {
    auto committed = reader.committed("steady", q.queue_id);
    BERTH_ASSERT_OK(committed);
    EXPECT_EQ(committed.value(), std::optional<uint64_t>(q.max_offset)) << "queue " << q.queue_id;
  }
}

TEST(client_push_consumer, a_group_rebalances_as_members_join_and_leave) {
  client_broker broker;
  constexpr uint32_t queues = 6;
  create_topic(broker.endpoint(), "shared", queues);
  client::producer p = started_producer(broker.endpoint());
  tally seen;
  std::map<std::string, std::unique_ptr<client::push_consumer>> members;
  auto join = [&](const std::string& name) {
    auto c =
        std::make_unique<client::push_consumer>(consumer_options(broker.endpoint(), "sharing"));
    ASSERT_TRUE(c->subscribe("shared"));
    c->on_message(seen.listener(name));
    BERTH_ASSERT_OK(c->start());
    members[name] = std::move(c);
  };
  // The members' queues split the topic: disjoint, all of them.
  auto settled = [&] {
    std::set<uint32_t> owned;
    size_t total = 0;
    for (const auto& [name, c] : members) {
      const auto mine = c->owned_queues();
      if (mine.empty()) return false;
      total += mine.size();
      for (const auto& q : mine) owned.insert(q.queue_id);
    }
    return total == queues && owned.size() == queues;
  };

  join("c1");
  ASSERT_TRUE(eventually(settled));
  send_all(p, "shared", "a", 60);
  join("c2");
  send_all(p, "shared", "b", 60);
  join("c3");
  send_all(p, "shared", "c", 60);
  ASSERT_TRUE(eventually(settled, 15s)) << broker.log();
  // c1 leaves: its queues go to the others.
  members.at("c1")->shutdown();
  members.erase("c1");
  send_all(p, "shared", "d", 60);
  ASSERT_TRUE(eventually(settled, 15s)) << broker.log();
  // Every message of the phases with members coming and going is consumed (some maybe twice).
  std::string missing;
  EXPECT_TRUE(eventually(
      [&] {
        for (const char* phase : {"a", "b", "c", "d"}) {
          for (int i = 0; i < 60; ++i) {
            missing = phase + std::to_string(i);
            if (!seen.has(missing)) return false;
          }
        }
        return true;
      },
      15s))
      << "not consumed: " << missing;
  // Settled: each message goes to exactly one member.
  send_all(p, "shared", "e", 90);
  ASSERT_TRUE(eventually(
      [&] {
        for (int i = 0; i < 90; ++i) {
          if (!seen.has("e" + std::to_string(i))) return false;
        }
        return true;
      },
      15s));
  for (auto& [name, c] : members) c->shutdown();
  std::set<std::string> consumers;
  for (int i = 0; i < 90; ++i) {
    const auto who = seen.deliveries("e" + std::to_string(i));
    EXPECT_EQ(who.size(), 1u) << "e" << i;
    if (!who.empty()) consumers.insert(who.front());
  }
  EXPECT_EQ(consumers, (std::set<std::string>{"c2", "c3"}));
}

TEST(client_push_consumer, broadcasting_gives_every_consumer_every_message) {
  client_broker broker;
  create_topic(broker.endpoint(), "news", 3);
  tally seen;
  std::vector<std::unique_ptr<client::push_consumer>> consumers;
  for (const std::string name : {"b1", "b2"}) {
    auto o = consumer_options(broker.endpoint(), "listeners");
    o.model = client::consume_model::broadcasting;
    auto c = std::make_unique<client::push_consumer>(o);
    BERTH_ASSERT_OK(c->subscribe("news"));
    c->on_message(seen.listener(name));
    BERTH_ASSERT_OK(c->start());
    EXPECT_TRUE(eventually([&] { return c->owned_queues().size() == 3; }));
    consumers.push_back(std::move(c));
  }
  client::producer p = started_producer(broker.endpoint());
  send_all(p, "news", "n", 50);
  EXPECT_TRUE(
      eventually([&] { return seen.distinct_by("b1") == 50 && seen.distinct_by("b2") == 50; }, 15s))
      << seen.distinct_by("b1") << " " << seen.distinct_by("b2");
  for (auto& c : consumers) c->shutdown();
  for (int i = 0; i < 50; ++i) {
    auto who = seen.deliveries("n" + std::to_string(i));
    std::sort(who.begin(), who.end());
    EXPECT_EQ(who, (std::vector<std::string>{"b1", "b2"})) << i;
  }
}

TEST(client_push_consumer, ordered_mode_processes_each_queue_in_offset_order_one_at_a_time) {
  client_broker broker;
  create_topic(broker.endpoint(), "sequenced", 4);
  client::producer p = started_producer(broker.endpoint());
  const std::vector<std::string> keys{"k1", "k2", "k3", "k4", "k5", "k6"};
  constexpr int per_key = 40;
  send_by_key(p, "sequenced", keys, per_key);
  std::mutex mutex;
  std::map<std::string, std::vector<int>> order;
  std::map<uint32_t, int> busy;  // listeners running per queue
  std::map<uint32_t, uint64_t> last_offset;
  int overlaps = 0, backwards = 0, total = 0;
  auto o = consumer_options(broker.endpoint(), "sequencers");
  o.ordered = true;
  o.threads = 4;
  o.pull_batch = 8;
  client::push_consumer c(o);
  BERTH_ASSERT_OK(c.subscribe("sequenced"));
  c.on_message([&](const client::received_message& m) {
    {
      std::lock_guard lock(mutex);
      if (busy[m.queue_id]++ != 0) ++overlaps;
      auto last = last_offset.find(m.queue_id);
      if (last != last_offset.end() && m.queue_offset <= last->second) ++backwards;
      last_offset[m.queue_id] = m.queue_offset;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // widen any overlap
    std::lock_guard lock(mutex);
    --busy[m.queue_id];
    const auto colon = m.body.find(':');
    order[m.body.substr(0, colon)].push_back(std::stoi(m.body.substr(colon + 1)));
    ++total;
    return consume_result::success;
  });
  BERTH_ASSERT_OK(c.start());
  ASSERT_TRUE(eventually(
      [&] {
        std::lock_guard lock(mutex);
        return total >= per_key * static_cast<int>(keys.size());
      },
      20s));
  c.shutdown();
  std::lock_guard lock(mutex);
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(backwards, 0);
  for (const std::string& k : keys) {
    std::vector<int> expected(per_key);
    for (int i = 0; i < per_key; ++i) expected[static_cast<size_t>(i)] = i;
    EXPECT_EQ(order[k], expected) << k;
  }
}

TEST(client_push_consumer, ordered_queues_change_hands_without_overlap_or_repeats) {
  client_broker broker;
  create_topic(broker.endpoint(), "handover", 4);
  client::producer p = started_producer(broker.endpoint());
  const std::vector<std::string> keys{"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"};
  constexpr int per_key = 40;
  send_by_key(p, "handover", keys, per_key);
  // One tally over all members: a queue processed by two at once, or a message processed
  // again (the next owner starting before the last one committed), shows here.
  std::mutex mutex;
  std::map<std::string, std::vector<int>> order;
  std::map<uint32_t, int> busy;
  int overlaps = 0, total = 0;
  std::set<std::string> who_worked;
  auto listener = [&](const std::string& who) {
    return [&, who](const client::received_message& m) {
      {
        std::lock_guard lock(mutex);
        if (busy[m.queue_id]++ != 0) ++overlaps;
        who_worked.insert(who);
      }
      std::this_thread::sleep_for(15ms);  // slow enough for members to join midway
      std::lock_guard lock(mutex);
      --busy[m.queue_id];
      const auto colon = m.body.find(':');
      order[m.body.substr(0, colon)].push_back(std::stoi(m.body.substr(colon + 1)));
      ++total;
      return consume_result::success;
    };
  };
  const auto processed = [&] {
    std::lock_guard lock(mutex);
    return total;
  };
  auto o = consumer_options(broker.endpoint(), "handlers");
  o.ordered = true;
  o.threads = 4;
  o.pull_batch = 4;
  std::vector<std::unique_ptr<client::push_consumer>> members;
  for (const std::string who : {"a", "b", "c"}) {
    members.push_back(std::make_unique<client::push_consumer>(o));
    BERTH_ASSERT_OK(members.back()->subscribe("handover"));
    members.back()->on_message(listener(who));
    BERTH_ASSERT_OK(members.back()->start());
    const int before = processed();
    ASSERT_TRUE(eventually([&] { return processed() >= before + 40; }, 20s));
  }
  ASSERT_TRUE(eventually([&] { return processed() >= per_key * static_cast<int>(keys.size()); },
                         60s));
  for (auto& m : members) m->shutdown();
  std::lock_guard lock(mutex);
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(total, per_key * static_cast<int>(keys.size())) << "nothing processed twice";
  EXPECT_GE(who_worked.size(), 2u) << "queues did change hands";
  for (const std::string& k : keys) {
    std::vector<int> expected(per_key);
    for (int i = 0; i < per_key; ++i) expected[static_cast<size_t>(i)] = i;
    EXPECT_EQ(order[k], expected) << k;
  }
}

TEST(client_push_consumer, offsets_survive_a_broker_restart) {
  broker_settings s;
  s.port = free_port();
  s.sync_flush = true;
  client_broker broker(s);
  create_topic(broker.endpoint(), "durable", 2);
  {
    client::producer p = started_producer(broker.endpoint());
    send_all(p, "durable", "old", 30);
  }
  tally first;
  {
    client::push_consumer c(consumer_options(broker.endpoint(), "keepers"));
    BERTH_ASSERT_OK(c.subscribe("durable"));
    c.on_message(first.listener("first"));
    BERTH_ASSERT_OK(c.start());
    ASSERT_TRUE(eventually([&] { return first.distinct() == 30; }, 15s));
    c.shutdown();  // commits
  }
  broker.stop(SIGTERM);
  broker.start();
  tally second;
  client::push_consumer c(consumer_options(broker.endpoint(), "keepers"));
  BERTH_ASSERT_OK(c.subscribe("durable"));
  c.on_message(second.listener("second"));
  BERTH_ASSERT_OK(c.start());
  client::producer p = started_producer(broker.endpoint());
  send_all(p, "durable", "new", 10);
  ASSERT_TRUE(eventually(
      [&] {
        for (int i = 0; i < 10; ++i) {
          if (!second.has("new" + std::to_string(i))) return false;
        }
        return true;
      },
      15s))
      << broker.log();
  c.shutdown();
  int reread = 0;
  for (int i = 0; i < 30; ++i) reread += second.has("old" + std::to_string(i)) ? 1 : 0;
  EXPECT_EQ(reread, 0);
}

TEST(client_push_consumer, keeps_consuming_across_a_broker_restart) {
  broker_settings s;
  s.port = free_port();
  s.sync_flush = true;
  client_broker broker(s);
  create_topic(broker.endpoint(), "resilient", 2);
  tally seen;
  auto o = consumer_options(broker.endpoint(), "resilients");
  client::push_consumer c(o);
  BERTH_ASSERT_OK(c.subscribe("resilient"));
  c.on_message(seen.listener("c"));
  BERTH_ASSERT_OK(c.start());
  {
    client::producer p = started_producer(broker.endpoint());
    send_all(p, "resilient", "x", 10);
  }
  ASSERT_TRUE(eventually([&] { return seen.distinct() == 10; }, 15s));
  broker.stop(SIGKILL);
  broker.start();
  client::producer p = started_producer(broker.endpoint());
  send_all(p, "resilient", "y", 10);
  EXPECT_TRUE(eventually([&] { return seen.distinct() == 20; }, 15s)) << seen.distinct();
  c.shutdown();
}

TEST(client_push_consumer, follows_an_administrators_reset) {
  client_broker broker;
  create_topic(broker.endpoint(), "replayed", 2);
  client::producer p = started_producer(broker.endpoint());
  send_all(p, "replayed", "r", 20);
  tally seen;
  client::push_consumer c(consumer_options(broker.endpoint(), "replayers"));
  BERTH_ASSERT_OK(c.subscribe("replayed"));
  c.on_message(seen.listener("c"));
  BERTH_ASSERT_OK(c.start());
  ASSERT_TRUE(eventually([&] { return seen.distinct() == 20; }, 15s));
  // Everything committed, then the administrator rewinds the group.
  client::pull_consumer reader(reader_options(broker.endpoint(), "replayers"));
  BERTH_ASSERT_OK(reader.start());
  ASSERT_TRUE(eventually([&] {
    auto q0 = reader.committed("replayed", 0);
    auto q1 = reader.committed("replayed", 1);
    return q0 && q1 && q0.value().value_or(0) + q1.value().value_or(0) == 20;
  }));
  client::admin_options ao;
  ao.endpoint = broker.endpoint();
  client::admin a(ao);
  BERTH_ASSERT_OK(a.start());
  BERTH_ASSERT_OK(a.reset_group("replayers", "replayed", client::reset_to::earliest));
  EXPECT_TRUE(eventually(
      [&] {
        for (int i = 0; i < 20; ++i) {
          if (seen.deliveries("r" + std::to_string(i)).size() < 2) return false;
        }
        return true;
      },
      15s))
      << broker.log();
  c.shutdown();
}

TEST(client_push_consumer, a_consumer_started_before_its_topic_exists_begins_once_it_does) {
  client_broker broker;
  tally seen;
  std::mutex mutex;
  std::vector<client::error> errors;
  auto o = consumer_options(broker.endpoint(), "early-birds");
  o.on_error = [&](const client::error& e) {
    std::lock_guard lock(mutex);
    errors.push_back(e);
  };
  client::push_consumer c(o);
  BERTH_ASSERT_OK(c.subscribe("later"));
  c.on_message(seen.listener("c"));
  BERTH_ASSERT_OK(c.start());
  // The broker refuses the registration while the topic does not exist.
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return !errors.empty();
  }));
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(errors.front().status, wire::status::no_topic) << errors.front().to_string();
  }
  client::producer p = started_producer(broker.endpoint());
  send_all(p, "later", "l", 10);  // creates the topic
  EXPECT_TRUE(eventually([&] { return seen.distinct() == 10; }, 15s)) << seen.distinct();
  c.shutdown();
}

TEST(client_push_consumer, start_refuses_an_incomplete_setup) {
  client::push_consumer no_group(consumer_options("127.0.0.1:1", ""));
  EXPECT_EQ(no_group.start().error().code, client::errc::invalid_argument);
  client::push_consumer no_sub(consumer_options("127.0.0.1:1", "g"));
  no_sub.on_message([](const client::received_message&) { return consume_result::success; });
  EXPECT_EQ(no_sub.start().error().code, client::errc::invalid_argument);
  client::push_consumer no_listener(consumer_options("127.0.0.1:1", "g"));
  ASSERT_TRUE(no_listener.subscribe("t"));
  EXPECT_EQ(no_listener.start().error().code, client::errc::invalid_argument);
  client::push_consumer bad_filter(consumer_options("127.0.0.1:1", "g"));
  EXPECT_EQ(bad_filter.subscribe("t", "A || ").error().code, client::errc::invalid_argument);
  EXPECT_EQ(bad_filter.subscribe("t", "A || *").error().code, client::errc::invalid_argument);
  BERTH_EXPECT_OK(bad_filter.subscribe("t", " A ||B "));
}

}  // namespace
}  // namespace berth::test
