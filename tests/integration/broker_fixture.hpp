// A real berthd on loopback, configured from a TOML string, for integration tests.
#pragma once

#include "process.hpp"

#include <berth/abi/berth_abi.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <memory>
#include <string>

namespace berth::test {

// The smallest useful broker: the memory store and the example ping transport on port 0.
inline std::string ping_broker_config(const temp_dir& dir, const std::string& name = "berth-test") {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "{}"
data_dir = "{}/data"
shutdown_timeout = "3s"

[plugins]
search_path = ["{}"]

[store]
plugin = "memory"

[[transport]]
plugin = "ping"
listen = "127.0.0.1:0"
)",
                     name, dir.path().string(), test_plugin_dir().string());
}

// A broker on the memory store with transport-tcp on a free loopback port, and `tables`
// (more TOML tables, e.g. an [auth] table) after them.
inline std::string memory_broker_config(const temp_dir& dir, const std::string& tables = "") {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-test"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
plugin = "memory"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"

{})",
                     dir.path().string(), tables);
}

// Start berthd with `config_text` (written to <dir>/berth.toml), `env` set over the test's
// environment, through `launcher` when one is given (a command that execs its arguments, such
// as setpriv or strace); wait until its transports listen.
class running_broker {
 public:
  running_broker(const temp_dir& dir, const std::string& config_text, const environment& env = {},
                 std::vector<std::string> launcher = {})
      : config_(dir.write("berth.toml", config_text)),
        process_(std::make_unique<child_process>(with_berthd(std::move(launcher)), dir.path(),
                                                 dir.path(), env)) {}

  // The endpoint of the first transport, parsed from berthd's log, or "" if it never started.
  std::string wait_for_endpoint(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const std::string marker = "listening on ";
    if (!process_->wait_for_output("' " + marker, timeout)) return {};
    const std::string err = process_->err();
    const auto at = err.find("' " + marker) + 2 + marker.size();
    return err.substr(at, err.find('\n', at) - at);
  }

  // The endpoint of the transport with id `id`, parsed from berthd's log; "" if it never
  // started.
  std::string wait_for_endpoint_of(const std::string& id,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const std::string marker = "transport '" + id + "' listening on ";
    if (!process_->wait_for_output(marker, timeout)) return {};
    const std::string err = process_->err();
    const auto at = err.find(marker) + marker.size();
    return err.substr(at, err.find('\n', at) - at);
  }

  // The admin listener's address, parsed from berthd's log; "" if it never started.
  std::string wait_for_admin_endpoint(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const std::string marker = "admin listener on http://";
    if (!process_->wait_for_output(marker, timeout)) return {};
    const std::string err = process_->err();
    const auto at = err.find(marker) + marker.size();
    return err.substr(at, err.find(' ', at) - at);
  }

  child_process& process() { return *process_; }
  // The config file berthd runs with: rewrite it, then SIGHUP.
  [[nodiscard]] const std::filesystem::path& config_file() const { return config_; }

 private:
  std::vector<std::string> with_berthd(std::vector<std::string> argv) const {
    argv.insert(argv.end(), {berthd_path().string(), "--config", config_.string()});
    return argv;
  }

  std::filesystem::path config_;
  std::unique_ptr<child_process> process_;
};

}  // namespace berth::test
