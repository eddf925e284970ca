// Errors at the plugin boundary: a plugin throws berth::sdk::plugin_error (or anything
// derived from std::exception); the trampolines turn it into a status code and a message in
// the host's buffer. Exceptions never cross the C ABI.
#pragma once

#include <berth/abi/berth_abi.h>

#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

namespace berth::sdk {

class plugin_error : public std::runtime_error {
 public:
  plugin_error(berth_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  [[nodiscard]] berth_status status() const noexcept { return status_; }

 private:
  berth_status status_;
};

// Copy `message` into the host's buffer, truncated and always NUL-terminated.
inline void write_error(berth_errbuf* err, std::string_view message) noexcept {
  if (err == nullptr || err->buf == nullptr || err->cap == 0) return;
  const size_t n = message.size() < err->cap - 1 ? message.size() : err->cap - 1;
  std::memcpy(err->buf, message.data(), n);
  err->buf[n] = '\0';
}

// Run `body`, mapping every exception to a status and a message. The one place where the SDK
// catches: every trampoline goes through it.
template <class Body>
berth_status guarded(berth_errbuf* err, Body&& body) noexcept {
  try {
    body();
    return BERTH_OK;
  } catch (const plugin_error& e) {
    write_error(err, e.what());
    return e.status() == BERTH_OK ? BERTH_E_INTERNAL : e.status();
  } catch (const std::bad_alloc&) {
    write_error(err, "out of memory");
    return BERTH_E_NOMEM;
  } catch (const std::exception& e) {
    write_error(err, e.what());
    return BERTH_E_INTERNAL;
  } catch (...) {
    write_error(err, "unknown exception");
    return BERTH_E_INTERNAL;
  }
}

// For hooks without an error buffer: swallow anything, report `on_error`.
template <class Result, class Body>
Result guarded_value(Result on_error, Body&& body) noexcept {
  try {
    return body();
  } catch (...) {
    return on_error;
  }
}

inline std::string_view view(berth_str s) noexcept {
  return s.len == 0 ? std::string_view{} : std::string_view{s.ptr, s.len};
}
inline berth_str abi_str(std::string_view s) noexcept { return berth_str{s.data(), s.size()}; }

}  // namespace berth::sdk
