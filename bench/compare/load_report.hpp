// A run's result as one JSON object with the field names of `berth-bench --output json`
// (tools/berth-bench/src/bench.cpp, format_report_json), so run.sh reads all three alike.
#pragma once

#include "load_options.hpp"
#include "load_run.hpp"

#include <string>

namespace berth::bench::compare {

std::string format_load_json(const load_options& o, const load_result& r);

}  // namespace berth::bench::compare
