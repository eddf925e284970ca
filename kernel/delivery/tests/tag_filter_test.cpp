// Tag expressions: "*" takes all, "A || B" takes exactly those tags, malformed lists are
// refused with the expression named.
#include "delivery/tag_filter.hpp"

#include <berth/abi/berth_message.h>

#include <gtest/gtest.h>

namespace berth::kernel::delivery {
namespace {

uint64_t hash(std::string_view tag) { return berth_tag_hash(berth_str{tag.data(), tag.size()}); }

tag_filter parsed(std::string_view expression) {
  std::string error;
  auto f = tag_filter::parse(expression, error);
  EXPECT_TRUE(f) << error;
  return f ? *f : tag_filter{};
}

TEST(tag_filter, star_and_empty_take_every_message) {
  for (const std::string_view e : {"*", "", "  * "}) {
    const tag_filter f = parsed(e);
    EXPECT_TRUE(f.takes_all());
    EXPECT_TRUE(f.may_match(hash("anything")));
    EXPECT_TRUE(f.matches("anything"));
    EXPECT_TRUE(f.matches(""));
  }
}

TEST(tag_filter, a_list_takes_exactly_its_tags) {
  const tag_filter f = parsed("TagA || TagB ||TagC");
  EXPECT_FALSE(f.takes_all());
  for (const std::string_view t : {"TagA", "TagB", "TagC"}) {
    EXPECT_TRUE(f.may_match(hash(t))) << t;
    EXPECT_TRUE(f.matches(t)) << t;
  }
  EXPECT_FALSE(f.may_match(hash("TagD")));
  EXPECT_FALSE(f.matches("TagD"));
  EXPECT_FALSE(f.matches(""));  // an untagged message is not TagA
  EXPECT_FALSE(f.matches("taga"));
}

TEST(tag_filter, empty_members_are_refused) {
  for (const std::string_view e : {"A ||", "|| A", "A || || B", "A || *"}) {
    std::string error;
    EXPECT_FALSE(tag_filter::parse(e, error)) << e;
    EXPECT_NE(error.find(std::string(e)), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace berth::kernel::delivery
