// Every refusal names its field and says what is allowed.
#include "topic/topic_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace berth::kernel::topic {
namespace {

TEST(topic_rules, rocketmq_charset_names_are_valid) {
  EXPECT_EQ(name_problem("orders"), "");
  EXPECT_EQ(name_problem("A-z_0|9%x"), "");
  EXPECT_EQ(name_problem(std::string(max_name_bytes, 't')), "");
}

TEST(topic_rules, an_empty_name_is_refused) {
  EXPECT_EQ(name_problem(""), "topic: the name is empty");
}

TEST(topic_rules, a_long_name_is_refused_with_its_length) {
  EXPECT_EQ(name_problem(std::string(256, 't')),
            "topic: the name is 256 bytes long, more than 255");
}

TEST(topic_rules, a_bad_character_is_named_with_its_position) {
  EXPECT_EQ(name_problem("a.b"),
            "topic: '.' at position 1 is not allowed; use only A-Z a-z 0-9 % _ | -");
  EXPECT_EQ(name_problem("ab c"),
            "topic: byte 0x20 at position 2 is not allowed; use only A-Z a-z 0-9 % _ | -");
  EXPECT_EQ(name_problem("caf\xc3\xa9"),
            "topic: byte 0xc3 at position 3 is not allowed; use only A-Z a-z 0-9 % _ | -");
  EXPECT_NE(name_problem("a/b").find("'/'"), std::string::npos);
}

TEST(topic_rules, queue_counts_are_bounded) {
  EXPECT_EQ(queues_problem(1), "");
  EXPECT_EQ(queues_problem(max_queues), "");
  EXPECT_EQ(queues_problem(0), "queues: 0 is out of range 1..1024");
  EXPECT_EQ(queues_problem(1025), "queues: 1025 is out of range 1..1024");
}

TEST(topic_rules, perm_takes_only_read_and_write) {
  for (const uint8_t perm : std::initializer_list<uint8_t>{0, 2, 4, 6}) EXPECT_EQ(perm_problem(perm), "") << int{perm};
  EXPECT_EQ(perm_problem(1), "perm: 1 has bits other than read (4) and write (2)");
  EXPECT_EQ(perm_problem(14), "perm: 14 has bits other than read (4) and write (2)");
}

TEST(topic_rules, topic_problem_reports_the_first_bad_field) {
  EXPECT_EQ(topic_problem("ok", {4, 6}), "");
  EXPECT_EQ(topic_problem("", {0, 9}).rfind("topic:", 0), 0u);
  EXPECT_EQ(topic_problem("ok", {0, 9}).rfind("queues:", 0), 0u);
  EXPECT_EQ(topic_problem("ok", {4, 9}).rfind("perm:", 0), 0u);
}

}  // namespace
}  // namespace berth::kernel::topic
