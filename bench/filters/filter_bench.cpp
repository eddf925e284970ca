// Cost per match of the tag, SQL92 and Lua filters, through the ABI as the broker calls them
// (kernel/filter's message_filter), on one message with a tag, keys and six properties.
// Plugins are found like berthd finds them (bin/../lib/berth).
#include "filter/filter_registry.hpp"

#include "plugin_host/finder.hpp"
#include "plugin_host/testing_instance.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace berth::bench {
namespace {

namespace host = kernel::plugin_host;

// The broker's filter registry with the three plugins, made once.
struct filters {
  host::test_services runtime{"berth-bench", "/tmp"};
  kernel::filter::filter_registry registry{runtime.metrics};

  filters() {
    for (const char* name : {"tag", "sql", "lua"}) registry.add(instance(name));
  }

  host::instance_ptr instance(const char* name) {
    const auto path = host::find_plugin(host::default_search_path(), kernel::config::plugin_kind::filter, name);
    if (!path) die(std::string("no filter plugin '") + name + "' (build it first)");
    auto made = host::instance_from_toml(*path, "", name, runtime.services);
    if (!made) die(made.error().message);
    return made.value();
  }

  kernel::filter::filter_ptr compile(wire::filter_type type, std::string_view expression) {
    auto made = registry.compile("bench", type, expression);
    if (const auto* refused = std::get_if<kernel::filter::refusal>(&made)) die(refused->message);
    return std::get<kernel::filter::filter_ptr>(made);
  }

  [[noreturn]] static void die(const std::string& why) {
    std::fprintf(stderr, "berth-filter-bench: %s\n", why.c_str());
    std::exit(1);
  }
};

filters& loaded() {
  static filters f;
  return f;
}

berth_str text(std::string_view s) { return berth_str{s.data(), s.size()}; }

// An order event as a producer would tag and describe it.
struct sample_message {
  std::array<berth_property, 6> properties{{
      {text("region"), text("eu")},
      {text("amount"), text("250")},
      {text("currency"), text("EUR")},
      {text("customer"), text("c-1042")},
      {text("channel"), text("web")},
      {text("priority"), text("3")},
  }};
  std::string body = std::string(512, 'x');
  berth_message_view view{};

  sample_message() {
    view.struct_size = sizeof view;
    view.topic = text("orders");
    view.tags = text("TagB");
    view.tag_hash = berth_tag_hash(view.tags);
    view.keys = text("order-1 cust-7");
    view.properties = properties.data();
    view.property_count = static_cast<uint32_t>(properties.size());
    view.body = berth_bytes{reinterpret_cast<const uint8_t*>(body.data()), body.size()};
  }
};

void run_matches(benchmark::State& state, wire::filter_type type, std::string_view expression,
                 bool expected) {
  const auto filter = loaded().compile(type, expression);
  const sample_message m;
  for (auto _ : state) {
    const bool hit = filter->may_match(m.view.tag_hash) && filter->matches(m.view);
    benchmark::DoNotOptimize(hit);
    if (hit != expected) state.SkipWithError("unexpected verdict");
  }
}

void tag_list(benchmark::State& state) {
  run_matches(state, wire::filter_type::tag, "TagA || TagB || TagC", true);
}
void tag_hash_only(benchmark::State& state) {
  // The consume-queue fast path alone: an entry whose tag is not subscribed is skipped here.
  const auto filter = loaded().compile(wire::filter_type::tag, "TagA || TagC");
  const uint64_t other = berth_tag_hash(text("TagB"));
  for (auto _ : state) benchmark::DoNotOptimize(filter->may_match(other));
}
void sql_three_terms(benchmark::State& state) {
  run_matches(state, wire::filter_type::sql,
              "region = 'eu' AND amount > 100 AND TAGS IN ('TagA', 'TagB')", true);
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
