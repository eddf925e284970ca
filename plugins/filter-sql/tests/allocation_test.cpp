// match() allocates nothing: this binary replaces the global operator new with one that
// counts, and measures match() over expressions that use every kind of node.
#include "plugin_fixture.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<size_t> allocations{0};
}  // namespace

void* operator new(size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace berth::plugins::filter_sql::test {
namespace {

TEST_F(plugin_fixture, match_does_not_allocate) {
  const char* expressions[] = {
      "(region IN ('eu', 'us', 'ap', 'sa', 'af', 'oc') AND price BETWEEN 10 AND 100.5) "
      "OR (vip IS NOT NULL AND NOT (TAGS = 'test')) OR KEYS CONTAINS 'k2'",
      "a > b AND c NOT BETWEEN 1 AND 3000000000 AND d = TRUE AND e STARTSWITH 'x' "
      "AND f NOT ENDSWITH 'y' AND flag",
      "price > 5",  // ends in a conversion error
  };
  test_message m{{"region", "eu"}, {"price", "50"}, {"a", "2.5"}, {"b", "1e0"}, {"c", "7"},
                 {"d", "TRUE"}, {"e", "xyz"}, {"f", "abc"}, {"flag", "1"}};
  m.tags("prod").keys("k1 k2");
  test_message broken{{"price", "cheap"}};
  const berth_message_view& view = m.view();
  const berth_message_view& broken_view = broken.view();
  for (const char* text : expressions) {
    const size_t before_compile = allocations.load();
    const auto e = compile(text);
    ASSERT_TRUE(e) << last_error_;
    ASSERT_GT(allocations.load() - before_compile, 0u) << "the counting operator new is not in use";
    const size_t before = allocations.load();
    for (int i = 0; i < 1000; ++i) {
      (void)adapter::match(e.get(), &view);
      (void)adapter::match(e.get(), &broken_view);
      (void)adapter::match_tag_hash(e.get(), 42);
    }
    EXPECT_EQ(allocations.load() - before, 0u) << text;
  }
}

}  // namespace
}  // namespace berth::plugins::filter_sql::test
