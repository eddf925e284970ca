// How schema types and their values are described in messages, and the checks every value
// passes whatever its source (a schema default in JSON or a TOML value): bounds and enum
// membership. Private to kernel/config.
#pragma once

#include "config/schema.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace berth::kernel::config {

// `"text"`, as values are quoted in messages.
std::string quote(std::string_view text);

// `"a", "b"`: the accepted values of an enum.
std::string quoted_list(std::span<const std::string> values);

// `a, b`: names in order.
std::string plain_list(std::span<const std::string> names);

// What a key of this spec accepts, for "expected <...>, found <...>": "a string", "an array of
// strings", `one of "sync", "async"`, `a size such as "64MiB"`.
std::string describe_expected(const key_spec& spec);

// A value in the key's own unit as the user would write it: "1GiB" for sizes, "500ms" for
// durations, the plain number otherwise.
std::string format_value(value_type type, double value);

// "<value> is below the minimum <min>" / "... above the maximum <max>", or nothing.
std::optional<std::string> range_problem(const key_spec& spec, double value);

struct enum_problem {
  std::string message;  // `"fsync" is not one of "sync", "async"`
  std::string hint;     // "did you mean 'sync'?" or empty
};

// Nothing when `value` is one of the spec's values.
std::optional<enum_problem> check_enum(const key_spec& spec, std::string_view value);

// "did you mean 'x'?" when `word` is a near miss of one of `candidates`, else empty.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

}  // namespace berth::kernel::config
