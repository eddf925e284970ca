// Cost per match of the tag, SQL92 and Lua filters, through the ABI as the broker calls them
// (kernel/filter's message_filter), on one message with a tag, keys and six properties.
// Plugins are found like berthd finds them (bin/../lib/berth); the setup is filter_fixture,
// shared with berth-micro-bench.
#include "filter_fixture.hpp"

#include <benchmark/benchmark.h>

namespace berth::bench {
namespace {

void tag_list(benchmark::State& state) {
  run_matches(state, wire::filter_type::tag, "TagA || TagB || TagC", true);
}
void tag_hash_only(benchmark::State& state) {
  // The consume-queue fast path alone: an entry whose tag is not subscribed is skipped here.
  const auto filter = compile_filter(wire::filter_type::tag, "TagA || TagC");
  const std::string_view other_tag = "TagB";
  const uint64_t other = berth_tag_hash(berth_str{other_tag.data(), other_tag.size()});
  for (auto _ : state) benchmark::DoNotOptimize(filter->may_match(other));
}
void sql_three_terms(benchmark::State& state) {
  run_matches(state, wire::filter_type::sql, sql_three_terms_expression, true);
}
void lua_small_function(benchmark::State& state) {
  run_matches(state, wire::filter_type::lua,
              "return function(m) return m.tag == 'TagB' and m.properties.region == 'eu' end", true);
}

BENCHMARK(tag_list);
BENCHMARK(tag_hash_only);
BENCHMARK(sql_three_terms);
BENCHMARK(sql_three_terms)->Threads(2);
BENCHMARK(lua_small_function);
BENCHMARK(lua_small_function)->Threads(2);

}  // namespace
}  // namespace berth::bench

BENCHMARK_MAIN();
