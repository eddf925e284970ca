// The filter registry with real filter libraries loaded through the plugin host: type to
// instance mapping, compile errors as statuses, the shared cache, the tag-hash fast path with
// its string check, and evaluation errors counted.
#include "filter/filter_registry.hpp"

#include "plugin_host/testing_instance.hpp"

#include <gtest/gtest.h>

#include <string>

namespace berth::kernel::filter {
namespace {

uint64_t hash(std::string_view tag) { return berth_tag_hash(berth_str{tag.data(), tag.size()}); }

berth_message_view tagged(std::string_view tag) {
  berth_message_view v{};
  v.struct_size = sizeof v;
  v.topic = berth_str{"orders", 6};
  v.tags = berth_str{tag.data(), tag.size()};
  v.tag_hash = hash(tag);
  return v;
}

class filter_registry_test : public ::testing::Test {
 protected:
  // An instance of the library at `path`, with `id`, from `toml_text`.
  plugin_host::instance_ptr instance(const char* path, const std::string& id,
                                     const std::string& toml_text = "") {
    auto made = plugin_host::instance_from_toml(path, toml_text, id, services_.services);
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? made.value() : nullptr;
  }

  filter_ptr compiled(std::string_view group, wire::filter_type type, std::string_view expr) {
    auto made = registry_.compile(group, type, expr);
    if (const auto* refused = std::get_if<refusal>(&made)) {
      ADD_FAILURE() << refused->message;
      return nullptr;
    }
    return std::get<filter_ptr>(made);
  }

  refusal refused(std::string_view group, wire::filter_type type, std::string_view expr) {
    auto made = registry_.compile(group, type, expr);
    EXPECT_TRUE(std::holds_alternative<refusal>(made)) << expr;
    return std::holds_alternative<refusal>(made) ? std::get<refusal>(made) : refusal{};
  }

  plugin_host::test_services services_;
  filter_registry registry_{services_.metrics, 2};
};

TEST_F(filter_registry_test, star_takes_everything_even_without_a_tag_plugin) {
  EXPECT_FALSE(registry_.serves(wire::filter_type::tag));
  for (const std::string_view e : {"*", "", " * "}) {
    const filter_ptr f = compiled("g", wire::filter_type::tag, e);
    ASSERT_TRUE(f);
    EXPECT_TRUE(f->takes_all());
    EXPECT_TRUE(f->matches(tagged("")));
  }
  EXPECT_EQ(registry_.cached(), 0u);  // nothing was compiled
  const refusal r = refused("g", wire::filter_type::tag, "A || B");
  EXPECT_EQ(r.status, wire::status::filter_unsupported);
  EXPECT_NE(r.message.find("no tag filter"), std::string::npos) << r.message;
}

TEST_F(filter_registry_test, the_tag_plugin_serves_tag_lists_by_hash_then_by_tag) {
  registry_.add(instance(BERTH_FILTER_TAG_LIBRARY, "filter-tag-1"));
  ASSERT_TRUE(registry_.serves(wire::filter_type::tag));
  const filter_ptr f = compiled("g", wire::filter_type::tag, "TagA || TagB");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->takes_all());
  EXPECT_TRUE(f->may_match(hash("TagA")));
  EXPECT_FALSE(f->may_match(hash("TagC")));
  EXPECT_TRUE(f->matches(tagged("TagB")));
  EXPECT_FALSE(f->matches(tagged("TagC")));
  // A message whose tag hash collides with TagA's is let through by the hash, refused by name.
  berth_message_view collision = tagged("Zebra");
  collision.tag_hash = hash("TagA");
  EXPECT_TRUE(f->may_match(collision.tag_hash));
  EXPECT_FALSE(f->matches(collision));
}

TEST_F(filter_registry_test, a_bad_expression_is_refused_with_the_plugins_column) {
  registry_.add(instance(BERTH_FILTER_TAG_LIBRARY, "filter-tag-1"));
  const refusal r = refused("g", wire::filter_type::tag, "A || || B");
  EXPECT_EQ(r.status, wire::status::invalid_filter);
  EXPECT_EQ(r.message.rfind("tag filter: col 5:", 0), 0u) << r.message;
  EXPECT_EQ(registry_.cached(), 0u);
}

TEST_F(filter_registry_test, types_without_a_plugin_and_unknown_types_are_refused) {
  registry_.add(instance(BERTH_FILTER_TAG_LIBRARY, "filter-tag-1"));
  EXPECT_EQ(refused("g", wire::filter_type::sql, "a > 1").status, wire::status::filter_unsupported);
  EXPECT_EQ(refused("g", wire::filter_type::lua, "return x").status,
            wire::status::filter_unsupported);
  EXPECT_EQ(refused("g", static_cast<wire::filter_type>(9), "x").status,
            wire::status::invalid_argument);
}

TEST_F(filter_registry_test, an_instance_named_by_id_serves_the_type) {
  // The ABI tests' filter, configured as the broker's "sql" filter.
  registry_.add(instance(BERTH_FILTER_TESTTAG_LIBRARY, "sql"));
  EXPECT_TRUE(registry_.serves(wire::filter_type::sql));
  EXPECT_FALSE(registry_.serves(wire::filter_type::tag));
  const filter_ptr f = compiled("g", wire::filter_type::sql, "TagA");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->matches(tagged("TagA")));
  EXPECT_FALSE(f->matches(tagged("TagB")));
}

TEST_F(filter_registry_test, compiled_expressions_are_shared_per_group_and_evicted_when_unused) {
  registry_.add(instance(BERTH_FILTER_TAG_LIBRARY, "filter-tag-1"));
  const filter_ptr a = compiled("g1", wire::filter_type::tag, "A");
  EXPECT_EQ(compiled("g1", wire::filter_type::tag, "A"), a);
  const filter_ptr other_group = compiled("g2", wire::filter_type::tag, "A");
  EXPECT_NE(other_group, a);
  EXPECT_EQ(registry_.cached(), 2u);
  // A third entry evicts the least recently used: g1's "A".
  const filter_ptr b = compiled("g1", wire::filter_type::tag, "B");
  EXPECT_EQ(registry_.cached(), 2u);
  EXPECT_NE(compiled("g1", wire::filter_type::tag, "A"), a);  // compiled again
  EXPECT_TRUE(a->matches(tagged("A")));  // the evicted one still works for who holds it
}

TEST_F(filter_registry_test, evaluation_errors_count_as_no_match_and_are_counted) {
  registry_.add(instance(BERTH_FILTER_TESTTAG_LIBRARY, "sql", "throw_on_tag = \"boom\""));
  const filter_ptr f = compiled("g", wire::filter_type::sql, "boom");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->matches(tagged("boom")));
  EXPECT_FALSE(f->matches(tagged("boom")));
  const std::string text = services_.metrics.serialize();
  EXPECT_NE(text.find("berth_filter_errors_total{filter=\"sql\"} 2"), std::string::npos) << text;
}

}  // namespace
}  // namespace berth::kernel::filter
