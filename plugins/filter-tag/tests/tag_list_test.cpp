// Tag expressions: "*" takes all, "A || B" takes exactly those tags (by hash first, then by
// the tag itself), malformed lists are refused with the column of the bad member.
#include "tag_list.hpp"

#include <berth/abi/berth_message.h>

#include <gtest/gtest.h>

namespace berth::plugins::filter_tag {
namespace {

uint64_t hash(std::string_view tag) { return berth_tag_hash(berth_str{tag.data(), tag.size()}); }

tag_list parsed(std::string_view expression) {
  std::string error;
  auto list = tag_list::parse(expression, error);
  EXPECT_TRUE(list) << error;
  return list ? *list : tag_list{};
}

TEST(tag_list, star_and_empty_take_every_message) {
  for (const std::string_view e : {"*", "", "  * "}) {
    const tag_list f = parsed(e);
    EXPECT_TRUE(f.takes_all());
    EXPECT_EQ(f.hash_verdict(hash("anything")), 1);
    EXPECT_TRUE(f.matches("anything"));
    EXPECT_TRUE(f.matches(""));
  }
}

TEST(tag_list, a_list_takes_exactly_its_tags) {
  const tag_list f = parsed("TagA || TagB ||TagC");
  EXPECT_FALSE(f.takes_all());
  for (const std::string_view t : {"TagA", "TagB", "TagC"}) {
    EXPECT_TRUE(f.matches(t)) << t;
  }
  EXPECT_FALSE(f.matches("TagD"));
  EXPECT_FALSE(f.matches(""));  // an untagged message is not TagA
  EXPECT_FALSE(f.matches("taga"));
  EXPECT_FALSE(f.matches("TagA "));
}

TEST(tag_list, a_known_hash_is_only_a_candidate_and_an_unknown_one_is_refused) {
  const tag_list f = parsed("TagA||TagB");
  // Another tag with TagA's hash (a collision) must still be checked by its name.
  EXPECT_EQ(f.hash_verdict(hash("TagA")), -1);
  EXPECT_EQ(f.hash_verdict(hash("TagB")), -1);
  EXPECT_EQ(f.hash_verdict(hash("TagC")), 0);
  EXPECT_EQ(f.hash_verdict(0), 0);  // untagged
}

TEST(tag_list, malformed_lists_are_refused_with_the_column) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"A ||", "col 5:"}, {"|| A", "col 1:"}, {"A || || B", "col 5:"},
      {"A || *", "col 6:"}, {"A | B", "col 3:"}};
  for (const auto& [expression, column] : cases) {
    std::string error;
    EXPECT_FALSE(tag_list::parse(expression, error)) << expression;
    EXPECT_EQ(error.rfind(column, 0), 0u) << expression << " -> " << error;
  }
}

}  // namespace
}  // namespace berth::plugins::filter_tag
