// A value met while evaluating an expression: what a literal, a property or a condition
// yields. Strings are views (into the message or the compiled program), so values are cheap to
// copy and never allocate. `error` is the state RocketMQ reaches by throwing: a failed
// conversion, which fails the whole evaluation.
#pragma once

#include <cstdint>
#include <string_view>

namespace berth::plugins::filter_sql {

// int32 and int64 stay apart because Java converts a string differently for each
// (Integer.valueOf against an int literal, Long.valueOf against a long one).
enum class value_type : uint8_t { null, boolean, int32, int64, float64, string, error };

struct value {
  value_type type = value_type::null;
  bool boolean = false;
  int64_t integer = 0;  // int32 and int64
  double number = 0;    // float64
  std::string_view text;

  [[nodiscard]] static constexpr value null() noexcept { return {}; }
  [[nodiscard]] static constexpr value error() noexcept { return make(value_type::error); }
  [[nodiscard]] static constexpr value truth(bool b) noexcept { value v = make(value_type::boolean);
    v.boolean = b;
    return v; }
  [[nodiscard]] static constexpr value int32(int32_t i) noexcept {
    value v = make(value_type::int32);
    v.integer = i;
    return v;
  }
  [[nodiscard]] static constexpr value int64(int64_t i) noexcept {
    value v = make(value_type::int64);
    v.integer = i;
    return v;
  }
  [[nodiscard]] static constexpr value float64(double d) noexcept {
    value v = make(value_type::float64);
    v.number = d;
    return v;
  }
  [[nodiscard]] static constexpr value string(std::string_view s) noexcept {
    value v = make(value_type::string);
    v.text = s;
    return v;
  }

  [[nodiscard]] static constexpr value make(value_type t) noexcept {
    value v;
    v.type = t;
    return v;
  }

  [[nodiscard]] constexpr bool is_null() const noexcept { return type == value_type::null; }
  [[nodiscard]] constexpr bool is_error() const noexcept { return type == value_type::error; }
  [[nodiscard]] constexpr bool is_true() const noexcept {
    return type == value_type::boolean && boolean;
  }
  [[nodiscard]] constexpr bool is_false() const noexcept {
    return type == value_type::boolean && !boolean;
  }
  [[nodiscard]] constexpr bool is_number() const noexcept {
    return type == value_type::int32 || type == value_type::int64 || type == value_type::float64;
  }
};

}  // namespace berth::plugins::filter_sql
