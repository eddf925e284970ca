#include "filter_fixture.hpp"

#include "plugin_host/finder.hpp"
#include "plugin_host/testing_instance.hpp"

#include <cstdio>
#include <cstdlib>
#include <variant>

namespace berth::bench {
namespace {

namespace host = kernel::plugin_host;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "filter benchmark: %s\n", why.c_str());
  std::exit(1);
}

// The broker's filter registry with the three plugins.
struct filters {
  host::test_services runtime{"berth-bench", "/tmp"};
  kernel::filter::filter_registry registry{runtime.metrics};

  filters() {
    for (const char* name : {"tag", "sql", "lua"}) registry.add(instance(name));
  }

  host::instance_ptr instance(const char* name) {
    const auto path =
        host::find_plugin(host::default_search_path(), kernel::config::plugin_kind::filter, name);
    if (!path) die(std::string("no filter plugin '") + name + "' (build it first)");
    auto made = host::instance_from_toml(*path, "", name, runtime.services);
    if (!made) die(made.error().message);
    return made.value();
  }
};

berth_str text(std::string_view s) { return berth_str{s.data(), s.size()}; }

}  // namespace

kernel::filter::filter_registry& loaded_filters() {
  static filters f;
  return f.registry;
}

kernel::filter::filter_ptr compile_filter(wire::filter_type type, std::string_view expression) {
  auto made = loaded_filters().compile("bench", type, expression);
  if (const auto* refused = std::get_if<kernel::filter::refusal>(&made)) die(refused->message);
  return std::get<kernel::filter::filter_ptr>(made);
}

sample_message::sample_message()
    : properties{{
          {text("region"), text("eu")},
          {text("amount"), text("250")},
          {text("currency"), text("EUR")},
          {text("customer"), text("c-1042")},
          {text("channel"), text("web")},
          {text("priority"), text("3")},
      }},
      body(512, 'x') {
  view.struct_size = sizeof view;
  view.topic = text("orders");
  view.tags = text("TagB");
  view.tag_hash = berth_tag_hash(view.tags);
  view.keys = text("order-1 cust-7");
  view.properties = properties.data();
  view.property_count = static_cast<uint32_t>(properties.size());
  view.body = berth_bytes{reinterpret_cast<const uint8_t*>(body.data()), body.size()};
}

void run_matches(benchmark::State& state, wire::filter_type type, std::string_view expression,
                 bool expected) {
  const auto filter = compile_filter(type, expression);
  const sample_message m;
  for (auto _ : state) {
    const bool hit = filter->may_match(m.view.tag_hash) && filter->matches(m.view);
    benchmark::DoNotOptimize(hit);
    if (hit != expected) state.SkipWithError("unexpected verdict");
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace berth::bench
