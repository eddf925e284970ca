// Delayed and timed messages against a real berthd (mmap store): the short delay levels and a
// millisecond delivery time are honoured within tolerance, nothing shows early, a timed message
// survives a clean restart and a kill -9, and bad delays are refused storing nothing.
#include "messaging_fixture.hpp"

namespace berth::test {
namespace {

using delay_test = messaging_test;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

wire::message delayed(std::string_view topic, uint32_t queue, std::string_view body,
                      std::vector<wire::property>& props) {
  wire::message m;
  m.topic = topic;
  m.queue_id = static_cast<int32_t>(queue);
  m.properties = props;
  m.body = bytes_of(body);
  return m;
}

// Every message in topic/queue once `count` are there (or what there is after `patience`).
std::vector<wire::stored_message> wait_for(wire_client& c, std::vector<uint8_t>& frame,
                                           std::string_view topic, uint32_t queue, size_t count,
                                           std::chrono::milliseconds patience) {
  const auto until = std::chrono::steady_clock::now() + patience;
  while (true) {
    auto answer = c.call(wire::code::pull, pull_at(topic, queue, 0));
    if (answer) {
      frame = std::move(*answer);
      auto body = body_of<wire::pull_response>(frame);
      if (body && (body->messages.size() >= count || std::chrono::steady_clock::now() >= until)) {
        return body->messages;
      }
    } else if (std::chrono::steady_clock::now() >= until) {
      return {};
    }
    std::this_thread::sleep_for(20ms);
  }
}

TEST_F(delay_test, the_short_levels_deliver_after_their_delay_and_not_before) {
  wire_client c(endpoint);
  create_topic(c, "later", 3);
  std::vector<int64_t> parked_at(3);
  for (uint32_t level = 1; level <= 3; ++level) {  // 1 s, 5 s, 10 s, one queue each
    const std::string level_text = std::to_string(level);  // the property views it
    std::vector<wire::property> props{{"DELAY", level_text}, {"color", "red"}};
    const auto answer = c.call(wire::code::send, delayed("later", level - 1, "level", props));
    expect_ok(answer);
    parked_at[level - 1] = body_of<wire::send_result>(*answer)->store_time_ms;
  }
  std::vector<uint8_t> frame;
  EXPECT_TRUE(wait_for(c, frame, "later", 0, 1, 500ms).empty()) << "level 1 came early";
  const int64_t delays[] = {1000, 5000, 10000};
  for (uint32_t q = 0; q < 3; ++q) {
    const auto got = wait_for(c, frame, "later", q, 1, 20s);
    ASSERT_EQ(got.size(), 1u) << "level " << q + 1 << " never came";
    const int64_t waited = got[0].store_time_ms - parked_at[q];
    // The delay counts from when the broker took the message, a few ms before the store
    // stamped the parked copy.
    EXPECT_GE(waited, delays[q] - 20) << "level " << q + 1;
    EXPECT_LE(waited, delays[q] + 1500) << "level " << q + 1;  // tolerance on a loaded machine
    EXPECT_EQ(got[0].topic, "later");
    // The user's property stays; the parking ones (DELAY, REAL_TOPIC, ...) are gone.
    ASSERT_EQ(got[0].properties.size(), 1u);
    EXPECT_EQ(got[0].properties[0].name, "color");
  }
}

TEST_F(delay_test, a_delivery_time_is_kept_to_the_millisecond) {
  wire_client c(endpoint);
  create_topic(c, "timed", 1);
  const int64_t at = now_ms() + 1500;
  const std::string at_text = std::to_string(at);  // the property views it
  std::vector<wire::property> props{{"TIMER_DELIVER_MS", at_text}};
  expect_ok(c.call(wire::code::send, delayed("timed", 0, "at", props)));
  std::vector<uint8_t> frame;
  const auto got = wait_for(c, frame, "timed", 0, 1, 10s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GE(got[0].store_time_ms, at);
  EXPECT_LE(got[0].store_time_ms, at + 1000);
}

TEST_F(delay_test, a_timed_message_survives_a_restart_and_is_delivered_once) {
  wire_client c(endpoint);
  create_topic(c, "timed", 1);
  std::vector<wire::property> soon{{"DELAY", "1"}};
  const std::string at_text = std::to_string(now_ms() + 4000);  // the property views it
  std::vector<wire::property> later{{"TIMER_DELIVER_MS", at_text}};
  expect_ok(c.call(wire::code::send, delayed("timed", 0, "soon", soon)));
  expect_ok(c.call(wire::code::send, delayed("timed", 0, "later", later)));
  std::vector<uint8_t> frame;
  ASSERT_EQ(wait_for(c, frame, "timed", 0, 1, 10s).size(), 1u);
  stop();
  start();
  wire_client again(endpoint);
  const auto got = wait_for(again, frame, "timed", 0, 2, 15s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(text_of(got[0].body), "soon");
  EXPECT_EQ(text_of(got[1].body), "later");
  std::this_thread::sleep_for(1500ms);  // nothing more comes: "soon" was not delivered again
  EXPECT_EQ(wait_for(again, frame, "timed", 0, 3, 0ms).size(), 2u);
}

TEST_F(delay_test, a_timed_message_survives_a_kill) {
  wire_client c(endpoint);
  create_topic(c, "timed", 1);
  const std::string at_text = std::to_string(now_ms() + 2500);  // the property views it
  std::vector<wire::property> later{{"TIMER_DELIVER_MS", at_text}};
  expect_ok(c.call(wire::code::send, delayed("timed", 0, "kept", later)));
  broker->process().signal(SIGKILL);
  broker->process().wait_exit(10s);
  broker.reset();
  start();
  wire_client again(endpoint);
  std::vector<uint8_t> frame;
  const auto got = wait_for(again, frame, "timed", 0, 1, 15s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(text_of(got[0].body), "kept");
}

TEST_F(delay_test, bad_delays_are_refused_and_nothing_is_stored) {
  wire_client c(endpoint);
  create_topic(c, "timed", 1);
  const std::vector<std::pair<std::string, std::string>> bad{
      {"DELAY", "19"}, {"TIMER_DELIVER_MS", std::to_string(now_ms() + 41LL * 86'400'000)}};
  for (const auto& [name, value] : bad) {
    std::vector<wire::property> props{{name, value}};
    const auto answer = c.call(wire::code::send, delayed("timed", 0, "x", props));
    EXPECT_EQ(status_of(answer), wire::status::invalid_delay) << name;
  }
  // Nothing was parked: the timer topic, made by the first parked message, does not exist.
  const auto described =
      c.call(wire::code::topic_describe, wire::topic_describe_request{"rmq_sys_wheel_timer"});
  EXPECT_EQ(status_of(described), wire::status::no_topic);
  std::vector<uint8_t> frame;
  EXPECT_TRUE(wait_for(c, frame, "timed", 0, 1, 0ms).empty());
}

}  // namespace
}  // namespace berth::test
