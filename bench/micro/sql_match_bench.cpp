// SQL92 match: the 3-term expression of bench/filters (filter_fixture, shared with
// berth-filter-bench) against one message, through the ABI as the broker calls it.
#include "filter_fixture.hpp"

#include <benchmark/benchmark.h>

namespace berth::bench::micro {
namespace {

void sql_match_three_terms(benchmark::State& state) {
  run_matches(state, wire::filter_type::sql, sql_three_terms_expression, true);
}

BENCHMARK(sql_match_three_terms);

}  // namespace
}  // namespace berth::bench::micro
