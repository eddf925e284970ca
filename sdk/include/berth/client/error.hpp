// What a client call returns: a value or an error, never an exception. Redpanda's shape:
// an errc that says what kind of failure it was (the broker answered with a status, the
// answer did not come in time, the connection dropped, ...), the wire status when the
// broker gave one, and a message a person can act on.
#pragma once

#include <berth/wire/codes.hpp>

#include <boost/outcome/result.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace berth::client {

enum class errc : uint8_t {
  broker = 1,            // the broker answered with an error status (error::status says which)
  timeout = 2,           // no answer before the request's deadline
  connection_lost = 3,   // the connection dropped after the request went out: it may or may
                         // not have been carried out
  closed = 4,            // the client is not started, or shut down
  invalid_argument = 5,  // refused by the client before anything was sent
  protocol = 6,          // the broker's answer did not decode: a version mismatch or a bug
};

[[nodiscard]] constexpr std::string_view name(errc e) noexcept {
  switch (e) {
    case errc::broker: return "broker";
    case errc::timeout: return "timeout";
    case errc::connection_lost: return "connection_lost";
    case errc::closed: return "closed";
    case errc::invalid_argument: return "invalid_argument";
    case errc::protocol: return "protocol";
  }
  return "unknown";
}

struct error {
  errc code = errc::broker;
  wire::status status = wire::status::ok;  // the broker's status when code is errc::broker
  std::string message;

  // "broker NO_TOPIC: topic 'x' does not exist", "timeout: SEND: no answer within 3000 ms".
  [[nodiscard]] std::string to_string() const {
    std::string s(name(code));
    if (code == errc::broker) {
      s += ' ';
      s += wire::name(status);
    }
    s += ": ";
    s += message;
    return s;
  }

  // Whether sending the same request again may succeed (a producer retries these).
  [[nodiscard]] bool retriable() const noexcept {
    return code == errc::connection_lost || code == errc::timeout ||
           (code == errc::broker &&
            (status == wire::status::busy || status == wire::status::store_full));
  }
};

// Boost.Outcome's result, as the kernel uses it: value() on an error terminates (check first,
// or use has_value()/has_error()).
template <class T>
using result = boost::outcome_v2::result<T, error, boost::outcome_v2::policy::terminate>;

[[nodiscard]] inline auto failure(errc code, std::string message) {
  return boost::outcome_v2::failure(error{code, wire::status::ok, std::move(message)});
}
[[nodiscard]] inline auto failure(error e) { return boost::outcome_v2::failure(std::move(e)); }
[[nodiscard]] inline auto success() { return boost::outcome_v2::success(); }

}  // namespace berth::client
