#include "batch_check.hpp"

#include "store_fixture.hpp"

#include <berth/plugin/error.hpp>

#include <gtest/gtest.h>

#include <string>

namespace berth::plugins::store_memory::test {
namespace {

// The error check_batch() throws for `messages`, or "" when it accepts them.
std::string problem_of(const std::vector<test_message>& messages, uint64_t max_message_size = 64) {
  view_batch views(messages);
  try {
    check_batch(std::span(views.data(), views.size()), max_message_size);
    return {};
  } catch (const sdk::plugin_error& e) {
    EXPECT_EQ(e.status(), BERTH_E_INVALID);
    return e.what();
  }
}

test_message with_topic(std::string topic) {
  test_message m;
  m.topic = std::move(topic);
  return m;
}

TEST(topic_rules, accept_rocketmq_topic_characters) {
  EXPECT_EQ(topic_problem("Orders_2024-eu|retry%DLQ"), "");
  EXPECT_EQ(topic_problem(std::string(255, 'a')), "");
}

TEST(topic_rules, refuse_an_empty_topic) { EXPECT_EQ(topic_problem(""), "topic is empty"); }

TEST(topic_rules, refuse_a_topic_longer_than_255_bytes) {
  EXPECT_EQ(topic_problem(std::string(256, 'a')), "topic of 256 bytes is longer than 255");
}

TEST(topic_rules, name_the_first_character_outside_the_charset_and_its_position) {
  EXPECT_EQ(topic_problem("ab$c"), "topic has '$' at position 2; topics use only [A-Za-z0-9%_|-]");
  EXPECT_EQ(topic_problem("a b"),
            "topic has byte 0x20 at position 1; topics use only [A-Za-z0-9%_|-]");
  EXPECT_EQ(topic_problem("a.b"), "topic has '.' at position 1; topics use only [A-Za-z0-9%_|-]");
}

TEST(check_batch, accepts_a_batch_of_valid_messages) {
  EXPECT_EQ(problem_of({test_message{}, test_message{}}), "");
}

TEST(check_batch, names_the_index_of_the_first_bad_message) {
  EXPECT_EQ(problem_of({test_message{}, test_message{}, with_topic(""), with_topic("a b")}),
            "message 2 of the batch: topic is empty");
}

TEST(check_batch, refuses_a_body_over_max_message_size_with_both_sizes) {
  test_message big;
  big.body = std::string(65, 'x');
  EXPECT_EQ(problem_of({test_message{}, big}, 64),
            "message 1 of the batch: body of 65 bytes exceeds max_message_size (64)");
  big.body.resize(64);
  EXPECT_EQ(problem_of({big}, 64), "");
}

TEST(check_batch, refuses_a_null_view) {
  view_batch views({test_message{}});
  views.pointers().push_back(nullptr);
  EXPECT_THROW(check_batch(std::span(views.data(), 2), 64), sdk::plugin_error);
}

TEST(check_batch, refuses_a_view_shorter_than_the_struct_it_must_have) {
  view_batch views({test_message{}});
  auto* view = const_cast<berth_message_view*>(views.data()[0]);
  view->struct_size = offsetof(berth_message_view, body);
  try {
    check_batch(std::span(views.data(), 1), 64);
    FAIL() << "a short view was accepted";
  } catch (const sdk::plugin_error& e) {
    EXPECT_NE(std::string(e.what()).find("message 0 of the batch: struct_size"), std::string::npos)
        << e.what();
  }
}

TEST(check_batch, refuses_a_null_pointer_with_a_length) {
  view_batch views({test_message{}});
  auto* view = const_cast<berth_message_view*>(views.data()[0]);
  view->body = berth_bytes{nullptr, 4};
  try {
    check_batch(std::span(views.data(), 1), 64);
    FAIL() << "a NULL body with length 4 was accepted";
  } catch (const sdk::plugin_error& e) {
    EXPECT_STREQ(e.what(), "message 0 of the batch: body is NULL with length 4");
  }
}

}  // namespace
}  // namespace berth::plugins::store_memory::test
