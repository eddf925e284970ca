// What the filter benchmarks share (berth-filter-bench and berth-micro-bench): the broker's
// filter registry with the tag, SQL92 and Lua plugins loaded the way berthd loads them
// (bin/../lib/berth), a sample message, and the timed loop of one match.
#pragma once

#include "filter/filter_registry.hpp"

#include <berth/abi/berth_message.h>

#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <string_view>

namespace berth::bench {

// The registry, made once per process on first use; exits with a message if a plugin is
// missing (build berth-filter-tag, -sql and -lua first).
kernel::filter::filter_registry& loaded_filters();

// Compile `expression` as a subscription would; exits on a refusal.
kernel::filter::filter_ptr compile_filter(wire::filter_type type, std::string_view expression);

// An order event as a producer would tag and describe it: tag TagB, two keys, six
// properties (region=eu, amount=250, ...) and a 512 B body.
struct sample_message {
  sample_message();
  sample_message(const sample_message&) = delete;
  sample_message& operator=(const sample_message&) = delete;

  std::array<berth_property, 6> properties;
  std::string body;
  berth_message_view view{};
};

// The timed loop: may_match(tag_hash) then matches(view), as the broker calls them; an
// error in the run when the verdict is not `expected`.
void run_matches(benchmark::State& state, wire::filter_type type, std::string_view expression,
                 bool expected);

// The 3-term SQL92 expression of docs/benchmarks.md, which matches sample_message.
inline constexpr std::string_view sql_three_terms_expression =
    "region = 'eu' AND amount > 100 AND TAGS IN ('TagA', 'TagB')";

}  // namespace berth::bench
