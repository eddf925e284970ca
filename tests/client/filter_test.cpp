// Filters end to end: one topic carries mixed messages (tags, a region and an amount
// property, bodies of two sizes); consumers subscribed with a tag list, a SQL92 expression and
// a Lua function each receive exactly their subset, through push, pull and pop. Bad
// expressions are refused when the consumer starts, with the filter's column, and a Lua
// filter that never finishes costs its own consumer its messages, nobody else's.
#include "client_fixture.hpp"
#include "client_helpers.hpp"

#include <berth/client/pull_consumer.hpp>
#include <berth/client/push_consumer.hpp>
#include <berth/client/simple_consumer.hpp>

#include <functional>
#include <mutex>
#include <set>

namespace berth::test {
namespace {

using client::filter_expression;

constexpr const char* topic = "mixed";
constexpr int message_count = 60;

struct sample {
  std::string body;
  std::string tag;
  std::string region;  // "" when the message has none
  int amount = 0;
};

// Message i: tag a/b/c by i % 3, region eu/us/none by i % 4 (0, 1 eu; 2 us; 3 none),
// amount i, and a longer body for every fifth message.
sample sample_at(int i) {
  sample s;
  s.body = "m" + std::to_string(i) + (i % 5 == 0 ? std::string(40, '.') : std::string());
  s.tag = std::string(1, static_cast<char>('a' + i % 3));
  s.region = i % 4 < 2 ? "eu" : i % 4 == 2 ? "us" : "";
  s.amount = i;
  return s;
}

std::set<std::string> bodies_where(const std::function<bool(const sample&)>& wanted) {
  std::set<std::string> out;
  for (int i = 0; i < message_count; ++i) {
    if (const sample s = sample_at(i); wanted(s)) out.insert(s.body);
  }
  return out;
}

std::string broker_tables() {
  return "[[filter]]\nplugin = \"sql\"\n\n[[filter]]\nplugin = \"lua\"\ninstruction_limit = 20000\n";
}

class filter_test : public ::testing::Test {
 protected:
  filter_test() : broker_(broker_settings{0, false, broker_tables()}) {
    create_topic(broker_.endpoint(), topic, 2);
    client::producer p = started_producer(broker_.endpoint());
    for (int i = 0; i < message_count; ++i) {
      const sample s = sample_at(i);
      client::message m(topic, s.body);
      m.tags = s.tag;
      if (!s.region.empty()) m.set_property("region", s.region);
      m.set_property("amount", std::to_string(s.amount));
      BERTH_EXPECT_OK(p.send(m));
    }
  }

  // Everything a push consumer in `group` with `filter` receives until `expected` bodies came
  // and one more second passed without anything else.
  std::set<std::string> pushed(const std::string& group, const filter_expression& filter,
                               size_t expected) {
    client::push_consumer c(consumer_options(broker_.endpoint(), group));
    std::mutex mu;
    std::set<std::string> seen;
    size_t deliveries = 0;
    c.on_message([&](const client::received_message& m) {
      std::lock_guard lock(mu);
      seen.insert(m.body);
      ++deliveries;
      return client::consume_result::success;
    });
    EXPECT_TRUE(c.subscribe(topic, filter));
    EXPECT_TRUE(c.start());
    const auto count = [&] {
      std::lock_guard lock(mu);
      return seen.size();
    };
    EXPECT_TRUE(eventually([&] { return count() >= expected; }, 20s)) << group << ": " << count();
    std::this_thread::sleep_for(1s);  // anything beyond the subset would arrive meanwhile
    c.shutdown();
    std::lock_guard lock(mu);
    EXPECT_EQ(deliveries, seen.size()) << group << ": a message was delivered twice";
    return seen;
  }

  client_broker broker_;
};

TEST_F(filter_test, tag_sql_and_lua_push_consumers_each_receive_exactly_their_subset) {
  const auto tagged = bodies_where([](const sample& s) { return s.tag == "a" || s.tag == "c"; });
  EXPECT_EQ(pushed("by-tag", filter_expression::tags("a || c"), tagged.size()), tagged);

  const auto sql = bodies_where([](const sample& s) { return s.region == "eu" && s.amount > 20; });
  EXPECT_EQ(pushed("by-sql", filter_expression::sql("region = 'eu' AND amount > 20"), sql.size()),
            sql);

  // Missing properties are NULL: "region <> 'eu'" takes the us messages, not those without one.
  const auto not_eu = bodies_where([](const sample& s) { return s.region == "us"; });
  EXPECT_EQ(pushed("by-sql-null", filter_expression::sql("region <> 'eu'"), not_eu.size()), not_eu);

  const auto lua = bodies_where([](const sample& s) {
    return s.tag == "b" && s.body.size() > 10;
  });
  EXPECT_EQ(pushed("by-lua", filter_expression::lua(R"(
    return function(msg)
      return msg.tag == "b" and msg.body_size > 10
    end)"),
                   lua.size()),
            lua);
}

TEST_F(filter_test, pull_and_pop_apply_sql_filters_too) {
  const auto wanted = bodies_where([](const sample& s) {
    return s.tag == "b" && s.amount >= 10 && s.amount <= 40;
  });
  const filter_expression filter =
      filter_expression::sql("TAGS = 'b' AND amount BETWEEN 10 AND 40");

  client::pull_consumer_options po;
  po.endpoint = broker_.endpoint();
  po.group = "puller";
  client::pull_consumer puller(po);
  BERTH_ASSERT_OK(puller.start());
  std::set<std::string> pulled;
  for (uint32_t queue = 0; queue < 2; ++queue) {
    uint64_t offset = 0;
    for (int round = 0; round < 100; ++round) {
      // Held: the store may not have indexed the last sends yet.
      auto r = puller.pull(topic, queue, offset, 8, 2s, filter);
      ASSERT_TRUE(r) << r.error().to_string();
      for (const auto& m : r.value().messages) pulled.insert(m.body);
      if (r.value().status == client::pull_status::no_new_message) break;
      offset = r.value().next_offset;
    }
  }
  EXPECT_EQ(pulled, wanted);

  client::simple_consumer_options so;
  so.endpoint = broker_.endpoint();
  so.group = "popper";
  so.topic = topic;
  so.filter = filter;
  so.hold = 500ms;
  client::simple_consumer popper(so);
  BERTH_ASSERT_OK(popper.start());
  std::set<std::string> popped;
  for (int round = 0; round < 20 && popped.size() < wanted.size(); ++round) {
    auto got = popper.receive(16, 30s);
    ASSERT_TRUE(got) << got.error().to_string();
    for (const auto& m : got.value()) {
      popped.insert(m.body);
      BERTH_EXPECT_OK(popper.ack(m));
    }
  }
  EXPECT_EQ(popped, wanted);
  auto more = popper.receive(16, 30s);
  ASSERT_TRUE(more) << more.error().to_string();
  EXPECT_TRUE(more.value().empty()) << more.value().size() << " more than the subset";
}

// start() fails with the broker's answer; `what` is expected in its message.
void expect_refused_at_start(const std::string& endpoint, const filter_expression& filter,
                             wire::status status, const std::string& what) {
  client::push_consumer c(consumer_options(endpoint, "refused"));
  c.on_message([](const client::received_message&) { return client::consume_result::success; });
  BERTH_ASSERT_OK(c.subscribe(topic, filter));
  auto started = c.start();
  ASSERT_FALSE(started) << filter.text;
  EXPECT_EQ(started.error().code, client::errc::broker);
  EXPECT_EQ(started.error().status, status) << started.error().to_string();
  EXPECT_NE(started.error().message.find(what), std::string::npos) << started.error().to_string();
}

TEST_F(filter_test, bad_expressions_are_refused_at_start_with_the_filters_column) {
  expect_refused_at_start(broker_.endpoint(), filter_expression::sql("amount > "),
                          wire::status::invalid_filter, "sql filter: col ");
  expect_refused_at_start(broker_.endpoint(), filter_expression::sql("region > 'eu'"),
                          wire::status::invalid_filter, "sql filter: col ");
  expect_refused_at_start(broker_.endpoint(), filter_expression::lua("return function(m) retur"),
                          wire::status::invalid_filter, "lua filter: col ");
  // The sandbox: no os, io or load, at the top level of the chunk.
  expect_refused_at_start(broker_.endpoint(), filter_expression::lua("os.exit(1)"),
                          wire::status::invalid_filter, "lua filter");
  expect_refused_at_start(broker_.endpoint(), filter_expression::lua("io.write('x')"),
                          wire::status::invalid_filter, "lua filter");
  // The broker still serves: a good subscription works after all that.
  const auto all_b = bodies_where([](const sample& s) { return s.tag == "b"; });
  EXPECT_EQ(pushed("after-refusals", filter_expression::sql("TAGS = 'b'"), all_b.size()), all_b);
}

TEST_F(filter_test, a_lua_filter_that_never_ends_starves_only_its_own_consumer) {
  // Every evaluation runs out of its instruction budget: no match, counted, logged.
  client::push_consumer looping(consumer_options(broker_.endpoint(), "looping"));
  std::atomic<int> received{0};
  looping.on_message([&](const client::received_message&) {
    ++received;
    return client::consume_result::success;
  });
  BERTH_ASSERT_OK(looping.subscribe(topic, filter_expression::lua(
                                               "return function(m) while true do end end")));
  BERTH_ASSERT_OK(looping.start());
  // Meanwhile, and after it, a well-behaved consumer gets all of its messages.
  const auto all_c = bodies_where([](const sample& s) { return s.tag == "c"; });
  EXPECT_EQ(pushed("well-behaved", filter_expression::lua(
                                       "return function(m) return m.tag == 'c' end"),
                   all_c.size()),
            all_c);
  looping.shutdown();
  EXPECT_EQ(received.load(), 0);
}

}  // namespace
}  // namespace berth::test
