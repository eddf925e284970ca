#include "notify/notify.hpp"

#include <fmt/format.h>

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>

namespace berth::kernel::notify {
namespace {

// STATUS= is one line of the state string: a newline in it would start another assignment.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

// systemd (253+, Type=notify-reload) matches RELOADING=1 to the reload it asked for by this
// timestamp; older managers ignore it.
std::uint64_t monotonic_usec() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(now.tv_nsec) / 1'000u;
}

// sd_notify returns > 0 when sent, 0 without NOTIFY_SOCKET, < 0 (-errno) on failure. The
// socket is kept in the environment (unset_environment = 0): later states go there too.
result<void> send(const std::string& state) {
  const int sent = sd_notify(0, state.c_str());
  if (sent >= 0) return success();
  return failure(BERTH_E_IO, fmt::format("cannot tell the service manager '{}': {}",
                                         state.substr(0, state.find('\n')), std::strerror(-sent)));
}

}  // namespace

result<void> ready(std::string_view status) {
  return send(fmt::format("READY=1\nSTATUS={}", one_line(status)));
}

result<void> reloading() {
  return send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", monotonic_usec()));
}

result<void> stopping(std::string_view status) {
  return send(fmt::format("STOPPING=1\nSTATUS={}", one_line(status)));
}

}  // namespace berth::kernel::notify
