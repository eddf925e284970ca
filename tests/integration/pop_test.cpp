// POP, ACK and CHANGE_INVISIBLE against a real berthd over TCP (mmap store): acked messages
// stay acked, unacked ones come back with attempt + 1 and a new handle, handles are verified,
// max attempts lead to the dead-letter topic, the state survives a restart, long polling
// answers on arrival, and FIFO message groups are processed in send order by concurrent
// consumers that fail now and then.
#include "messaging_fixture.hpp"

#include <berth/wire/pop_bodies.hpp>
#include <berth/wire/properties.hpp>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <set>

namespace berth::test {
namespace {

using pop_test = messaging_test;

// A popped message, owning what the test looks at.
struct popped {
  std::string topic;
  std::string handle;
  uint32_t attempt = 0;
  uint32_t queue = 0;
  uint64_t offset = 0;
  uint32_t reconsume_times = 0;
  std::string body;
  std::string message_group;
};

struct pop_options {
  uint32_t max = 32;
  uint32_t invisible_ms = 1000;
  uint32_t hold_ms = 0;
  bool fifo = false;
  uint32_t max_attempts = 0;
  std::string_view group = "poppers";
  int32_t queue = -1;
};

wire::pop_request pop_request_of(std::string_view topic, const pop_options& o) {
  wire::pop_request r;
  r.group = o.group;
  r.topic = topic;
  r.queue_id = o.queue;
  r.max_messages = o.max;
  r.invisible_ms = o.invisible_ms;
  r.hold_ms = o.hold_ms;
  r.expression = "*";
  r.fifo = o.fifo;
  r.max_attempts = o.max_attempts;
  return r;
}

// The messages a POP returned; empty (and a test failure) when it was refused.
std::vector<popped> pop(wire_client& c, std::string_view topic, const pop_options& o = {}) {
  auto answer = c.call(wire::code::pop, pop_request_of(topic, o), std::chrono::seconds(30));
  std::vector<popped> out;
  if (!answer) {
    ADD_FAILURE() << "no answer to POP";
    return out;
  }
  if (header_of(*answer).status != wire::status::ok) {
    ADD_FAILURE() << "POP: " << wire::name(header_of(*answer).status) << ": "
                  << error_text(*answer);
    return out;
  }
  auto body = body_of<wire::pop_response>(*answer);
  if (!body) {
    ADD_FAILURE() << "POP response does not decode";
    return out;
  }
  for (const wire::popped_message& m : body->messages) {
    popped p;
    p.topic = m.message.topic;
    p.handle = m.receipt_handle;
    p.attempt = m.attempt;
    p.queue = m.message.queue_id;
    p.offset = m.message.queue_offset;
    p.reconsume_times = m.message.reconsume_times;
    p.body = text_of(m.message.body);
    for (const wire::property& prop : m.message.properties) {
      if (prop.name == wire::properties::message_group) p.message_group = prop.value;
    }
    out.push_back(std::move(p));
  }
  return out;
}

wire::status ack(wire_client& c, std::string_view topic, std::string_view handle,
                 std::string_view group = "poppers") {
  auto answer = c.call(wire::code::ack, wire::ack_request{group, topic, handle});
  return answer ? header_of(*answer).status : wire::status::internal;
}

std::optional<std::string> change_invisible(wire_client& c, std::string_view topic,
                                            std::string_view handle, uint32_t invisible_ms,
                                            std::string_view group = "poppers") {
  auto answer = c.call(wire::code::change_invisible,
                       wire::change_invisible_request{group, topic, handle, invisible_ms});
  if (!answer || header_of(*answer).status != wire::status::ok) return std::nullopt;
  auto body = body_of<wire::change_invisible_response>(*answer);
  if (!body) return std::nullopt;
  return std::string(body->receipt_handle);
}

std::optional<uint64_t> committed(wire_client& c, std::string_view topic, uint32_t queue,
                                  std::string_view group = "poppers") {
  auto answer = c.call(wire::code::query_offset, wire::query_offset_request{group, topic, queue});
  if (!answer) return std::nullopt;
  auto body = body_of<wire::query_offset_response>(*answer);
  if (!body || !body->known) return std::nullopt;
  return body->offset;
}

TEST_F(pop_test, acked_messages_are_not_delivered_again) {
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  for (int i = 0; i < 3; ++i) send(c, "orders", 0, fmt::format("m{}", i));
  pull_visible(c, "orders", 0, 3);
  const auto got = pop(c, "orders", {.hold_ms = 3000});
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].body, fmt::format("m{}", i));
    EXPECT_EQ(got[i].attempt, 1u);
    EXPECT_EQ(got[i].reconsume_times, 0u);
  }
  EXPECT_EQ(committed(c, "orders", 0), 0u);  // nothing finished yet
  for (const popped& p : got) EXPECT_EQ(ack(c, "orders", p.handle), wire::status::ok);
  EXPECT_EQ(committed(c, "orders", 0), 3u);
  std::this_thread::sleep_for(1500ms);  // past the invisible time
  EXPECT_TRUE(pop(c, "orders", {.hold_ms = 300}).empty());
}

TEST_F(pop_test, a_pop_hands_out_the_groups_retries_under_their_own_topic) {
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  send(c, "orders", 0, "fresh");
  pull_visible(c, "orders", 0, 1);
  const auto first = pop(c, "orders", {.hold_ms = 3000});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(ack(c, "orders", first[0].handle), wire::status::ok);

  // A parked pop wakes when the group's retry topic gets a message (what berthctl dlq resend
  // and a push consumer's SEND_BACK put there).
  const auto parked_at = std::chrono::steady_clock::now();
  auto later = std::async(std::launch::async, [&] {
    wire_client other(endpoint);
    return pop(other, "orders", {.hold_ms = 20000});
  });
  std::this_thread::sleep_for(300ms);
  create_topic(c, "%RETRY%poppers", 1);
  wire::message m;
  m.topic = "%RETRY%poppers";
  m.queue_id = 0;
  m.body = bytes_of("again");
  m.properties = {{wire::properties::retry_topic, "orders"}};
  expect_ok(c.call(wire::code::send, m));
  const auto got = later.get();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - parked_at, 15s) << "woken, not timed out";
  EXPECT_EQ(got[0].body, "again");
  EXPECT_EQ(got[0].topic, "orders") << "shown under the topic it was sent to";
  EXPECT_EQ(got[0].attempt, 1u);
  EXPECT_EQ(ack(c, "orders", got[0].handle), wire::status::ok) << "acked by its own topic";
  EXPECT_EQ(ack(c, "orders", got[0].handle), wire::status::already_acked);
  EXPECT_EQ(committed(c, "%RETRY%poppers", 0), 1u);
  EXPECT_EQ(committed(c, "orders", 0), 1u);
}

TEST_F(pop_test, an_unacked_message_comes_back_with_attempt_two_and_a_new_handle) {
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  send(c, "orders", 0, "once");
  pull_visible(c, "orders", 0, 1);
  const auto first = pop(c, "orders", {.hold_ms = 3000});
  ASSERT_EQ(first.size(), 1u);
  const auto started = std::chrono::steady_clock::now();
  const auto again = pop(c, "orders", {.hold_ms = 10000});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 500ms);  // hidden meanwhile
  EXPECT_EQ(again[0].body, "once");
  EXPECT_EQ(again[0].attempt, 2u);
  EXPECT_EQ(again[0].reconsume_times, 1u);
  EXPECT_NE(again[0].handle, first[0].handle);
  EXPECT_EQ(ack(c, "orders", first[0].handle), wire::status::stale_handle);
  EXPECT_EQ(ack(c, "orders", again[0].handle), wire::status::ok);
  EXPECT_EQ(ack(c, "orders", again[0].handle), wire::status::already_acked);
  EXPECT_EQ(committed(c, "orders", 0), 1u);
}

TEST_F(pop_test, change_invisible_extends_the_deadline_and_replaces_the_handle) {
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  send(c, "orders", 0, "slow");
  pull_visible(c, "orders", 0, 1);
  const auto got = pop(c, "orders", {.invisible_ms = 1000, .hold_ms = 3000});
  ASSERT_EQ(got.size(), 1u);
  const auto renewed = change_invisible(c, "orders", got[0].handle, 5000);
  ASSERT_TRUE(renewed);
  EXPECT_NE(*renewed, got[0].handle);
  // Well past the first deadline, the message is still hidden.
  EXPECT_TRUE(pop(c, "orders", {.hold_ms = 2500}).empty());
  EXPECT_EQ(ack(c, "orders", got[0].handle), wire::status::stale_handle);
  EXPECT_EQ(ack(c, "orders", *renewed), wire::status::ok);
}

TEST_F(pop_test, a_short_change_invisible_hands_the_message_out_again_at_once) {
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  send(c, "orders", 0, "nack");
  pull_visible(c, "orders", 0, 1);
  const auto got = pop(c, "orders", {.invisible_ms = 60000, .hold_ms = 3000});
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(change_invisible(c, "orders", got[0].handle, 0));
  const auto again = pop(c, "orders", {.hold_ms = 5000});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt, 2u);
}

TEST_F(pop_test, forged_and_foreign_handles_are_refused_and_change_nothing) {
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  send(c, "orders", 0, "precious");
  pull_visible(c, "orders", 0, 1);
  const auto got = pop(c, "orders", {.invisible_ms = 30000, .hold_ms = 3000});
  ASSERT_EQ(got.size(), 1u);
  const std::string& handle = got[0].handle;
  EXPECT_EQ(ack(c, "orders", "garbage!"), wire::status::invalid_handle);
  EXPECT_EQ(ack(c, "orders", handle.substr(0, handle.size() - 4)), wire::status::invalid_handle);
  std::string forged = handle;
  forged[10] = forged[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ack(c, "orders", forged), wire::status::invalid_handle);
  EXPECT_EQ(ack(c, "orders", handle, "other-group"), wire::status::invalid_handle);
  auto refused = c.call(wire::code::change_invisible,
                        wire::change_invisible_request{"poppers", "orders", forged, 0});
  ASSERT_TRUE(refused);
  EXPECT_EQ(header_of(*refused).status, wire::status::invalid_handle);
  EXPECT_NE(error_text(*refused).find("does not verify"), std::string::npos)
      << error_text(*refused);
  // Nothing changed: the message is still hidden, and the real handle still works.
  EXPECT_TRUE(pop(c, "orders", {.hold_ms = 200}).empty());
  EXPECT_EQ(committed(c, "orders", 0), 0u);
  EXPECT_EQ(ack(c, "orders", handle), wire::status::ok);
}

TEST_F(pop_test, bad_requests_get_invalid_argument) {
  wire_client c(endpoint);
  create_topic(c, "orders", 2);
  const auto status_of_pop = [&](const pop_options& o, std::string_view topic = "orders") {
    return status_of(c.call(wire::code::pop, pop_request_of(topic, o)));
  };
  EXPECT_EQ(status_of_pop({.invisible_ms = 999}), wire::status::invalid_argument);
  EXPECT_EQ(status_of_pop({.invisible_ms = 12 * 3600 * 1000 + 1}), wire::status::invalid_argument);
  EXPECT_EQ(status_of_pop({.max = 0}), wire::status::invalid_argument);
  EXPECT_EQ(status_of_pop({.max = 33}), wire::status::invalid_argument);
  EXPECT_EQ(status_of_pop({.queue = 2}), wire::status::no_queue);
  EXPECT_EQ(status_of_pop({.queue = -2}), wire::status::invalid_argument);
  EXPECT_EQ(status_of_pop({}, "nope"), wire::status::no_topic);
  EXPECT_EQ(status_of_pop({.max_attempts = 100000}), wire::status::invalid_argument);
  // One mode per group and topic while messages are in flight.
  send(c, "orders", 0, "x");
  pull_visible(c, "orders", 0, 1);
  ASSERT_EQ(pop(c, "orders", {.invisible_ms = 30000, .hold_ms = 3000, .fifo = true}).size(), 1u);
  EXPECT_EQ(status_of_pop({.fifo = false}), wire::status::invalid_argument);
}

TEST_F(pop_test, after_max_attempts_a_message_goes_to_the_dead_letter_topic) {
  wire_client c(endpoint);
  create_topic(c, "orders", 1);
  send(c, "orders", 0, "poison");
  pull_visible(c, "orders", 0, 1);
  const pop_options o{.invisible_ms = 1000, .hold_ms = 5000, .max_attempts = 2};
  ASSERT_EQ(pop(c, "orders", o).size(), 1u);
  const auto second = pop(c, "orders", o);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempt, 2u);
  // Not acked again: it expires and goes to %DLQ%poppers instead of a third delivery.
  EXPECT_TRUE(pop(c, "orders", {.hold_ms = 2500, .max_attempts = 2}).empty());
  const auto until = std::chrono::steady_clock::now() + 15s;
  std::optional<wire::pull_response> dead;
  std::vector<uint8_t> frame;
  while (std::chrono::steady_clock::now() < until) {
    auto answer = c.call(wire::code::pull, pull_at("%DLQ%poppers", 0, 0));
    if (answer && header_of(*answer).status == wire::status::ok) {
      frame = std::move(*answer);
      dead = body_of<wire::pull_response>(frame);
      if (dead && !dead->messages.empty()) break;
    }
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(dead && !dead->messages.empty()) << "nothing in %DLQ%poppers";
  EXPECT_EQ(text_of(dead->messages[0].body), "poison");
  EXPECT_EQ(ack(c, "orders", second[0].handle), wire::status::already_acked);
  const auto until_committed = std::chrono::steady_clock::now() + 5s;
  while (committed(c, "orders", 0) != 1u && std::chrono::steady_clock::now() < until_committed) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(committed(c, "orders", 0), 1u);
}

TEST_F(pop_test, pop_state_survives_a_restart) {
  std::string acked_handle;
  {
    wire_client c(endpoint);
    create_topic(c, "orders", 1);
    for (int i = 0; i < 3; ++i) send(c, "orders", 0, fmt::format("m{}", i));
    pull_visible(c, "orders", 0, 3);
    const auto got = pop(c, "orders", {.invisible_ms = 2000, .hold_ms = 3000});
    ASSERT_EQ(got.size(), 3u);
    acked_handle = got[0].handle;
    ASSERT_EQ(ack(c, "orders", acked_handle), wire::status::ok);
  }
  stop();
  start();
  wire_client c(endpoint);
  EXPECT_EQ(ack(c, "orders", acked_handle), wire::status::already_acked);  // same key, same state
  std::vector<popped> back;
  const auto until = std::chrono::steady_clock::now() + 15s;
  while (back.size() < 2 && std::chrono::steady_clock::now() < until) {
    for (popped& p : pop(c, "orders", {.invisible_ms = 30000, .hold_ms = 3000})) {
      back.push_back(std::move(p));
    }
  }
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].body, "m1");
  EXPECT_EQ(back[1].body, "m2");
  EXPECT_EQ(back[0].attempt, 2u);
  EXPECT_TRUE(pop(c, "orders", {.hold_ms = 300}).empty());  // m0 stays acked
}

TEST_F(pop_test, a_parked_pop_is_answered_when_a_message_lands) {
  wire_client c(endpoint);
  create_topic(c, "orders", 2);
  EXPECT_TRUE(pop(c, "orders", {.hold_ms = 100}).empty());
  auto later = std::async(std::launch::async, [this] {
    std::this_thread::sleep_for(500ms);
    wire_client producer(endpoint);
    send(producer, "orders", 1, "late");
  });
  const auto started = std::chrono::steady_clock::now();
  const auto got = pop(c, "orders", {.hold_ms = 20000});
  const auto waited = std::chrono::steady_clock::now() - started;
  later.get();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "late");
  EXPECT_LT(waited, 10s);  // answered on arrival, not at the end of the hold
}

// ---- FIFO ------------------------------------------------------------------------------------

constexpr int fifo_groups = 4;
constexpr int per_group = 12;

TEST_F(pop_test, fifo_message_groups_are_processed_in_send_order_by_concurrent_consumers) {
  {
    wire_client c(endpoint);
    create_topic(c, "fifo", 2);
    for (int seq = 0; seq < per_group; ++seq) {
      for (int g = 0; g < fifo_groups; ++g) {
        const std::string group = fmt::format("G{}", g);
        const std::string body = fmt::format("{}:{}", group, seq);
        wire::message m;
        m.topic = "fifo";
        m.queue_id = g % 2;  // a message group lives in one queue
        const std::vector<wire::property> props{{wire::properties::message_group, group}};
        m.properties = props;
        m.body = bytes_of(body);
        expect_ok(c.call(wire::code::send, m));
      }
    }
    pull_visible(c, "fifo", 0, fifo_groups / 2 * per_group);
    pull_visible(c, "fifo", 1, fifo_groups / 2 * per_group);
  }

  std::mutex mu;
  std::map<std::string, std::vector<int>> processed;  // message group → seqs, in ack order
  std::map<std::string, int> held;                    // message group → messages held now
  size_t most_groups_held = 0;
  std::atomic<int> done{0};
  std::atomic<int> failures{0};
  const auto deadline = std::chrono::steady_clock::now() + 90s;

  const auto consumer = [&] {
    wire_client c(endpoint);
    while (done.load() < fifo_groups * per_group && std::chrono::steady_clock::now() < deadline) {
      const auto got = pop(c, "fifo", {.max = 4, .invisible_ms = 1500, .hold_ms = 1000,
                                       .fifo = true});
      {
        std::lock_guard lock(mu);
        for (const popped& p : got) ++held[p.message_group];
        size_t groups = 0;
        for (const auto& [g, n] : held) groups += n > 0 ? 1 : 0;
        most_groups_held = std::max(most_groups_held, groups);
      }
      for (const popped& p : got) {
        const int seq = std::stoi(p.body.substr(p.body.find(':') + 1));
        const bool fail_first = p.attempt == 1 && (seq % 5 == 2 || seq % 5 == 4);
        if (fail_first) {
          ++failures;
          if (seq % 5 == 4) change_invisible(c, "fifo", p.handle, 0);  // nack at once
          // seq % 5 == 2: not acked; it comes back after its invisible time
        } else {
          size_t index = 0;
          {
            std::lock_guard lock(mu);
            index = processed[p.message_group].size();
            processed[p.message_group].push_back(seq);  // before the ack: the next of the
                                                        // group cannot come before it
          }
          if (ack(c, "fifo", p.handle) == wire::status::ok) {
            ++done;
          } else {
            std::lock_guard lock(mu);
            auto& list = processed[p.message_group];
            list.erase(list.begin() + static_cast<std::ptrdiff_t>(index));
          }
        }
        std::lock_guard lock(mu);
        --held[p.message_group];
      }
    }
  };
  std::vector<std::thread> consumers;
  for (int i = 0; i < 3; ++i) consumers.emplace_back(consumer);
  for (std::thread& t : consumers) t.join();

  EXPECT_EQ(done.load(), fifo_groups * per_group);
  EXPECT_GT(failures.load(), 0);
  std::vector<int> in_order(per_group);
  for (int i = 0; i < per_group; ++i) in_order[static_cast<size_t>(i)] = i;
  for (int g = 0; g < fifo_groups; ++g) {
    EXPECT_EQ(processed[fmt::format("G{}", g)], in_order) << "message group G" << g;
  }
  EXPECT_GE(most_groups_held, 2u) << "message groups did not proceed in parallel";
}

}  // namespace
}  // namespace berth::test
