// The codec's results. Decoding never throws for bad input: it returns decoded<T>, holding
// either the value or a decode_error with the status to answer with and a message naming the
// field. Encoding throws encode_error for a value the format cannot carry (a str over 65535
// bytes, ...): that is a caller's bug, not input, and a truncated field would desynchronise
// the peer. This is a small expected-like type because C++20 has no std::expected and the
// codec must not depend on anything but the standard library.
#pragma once

#include <berth/wire/codes.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace berth::wire {

struct decode_error {
  wire::status status = wire::status::malformed_request;
  std::string message;  // e.g. "PULL: field 'topic': 3 bytes left, length says 40"

  bool operator==(const decode_error&) const = default;
};

template <class T>
class [[nodiscard]] decoded {
 public:
  // Implicit, so that a decoder can `return value;` or `return error;`.
  decoded(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  decoded(decode_error error) : state_(std::in_place_index<1>, std::move(error)) {}

  [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // The value; requires ok() (throws std::bad_variant_access otherwise).
  [[nodiscard]] T& value() & { return std::get<0>(state_); }
  [[nodiscard]] const T& value() const& { return std::get<0>(state_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The error; requires !ok() (throws std::bad_variant_access otherwise).
  [[nodiscard]] const decode_error& error() const& { return std::get<1>(state_); }

 private:
  std::variant<T, decode_error> state_;
};

class encode_error : public std::length_error {
 public:
  using std::length_error::length_error;
};

}  // namespace berth::wire
