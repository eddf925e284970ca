// What every berthctl command shares: the global options (--server, --output, --timeout and
// TLS), the exit codes, the one-line error report, and the action a parsed subcommand leaves
// to run.
#pragma once

#include "output.hpp"
#include "connect_flags.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/error.hpp>
#include <berth/client/tls.hpp>

#include <CLI/App.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace berth::tools {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;  // the broker refused, or it could not be reached
inline constexpr int exit_usage = 2;   // bad command line

struct context {
  std::string server = "127.0.0.1:10911";
  std::string output = "text";
  std::string timeout_text = "3s";
  std::chrono::milliseconds timeout{3000};
  client::tls_options tls;
  client::credentials credentials;
  std::function<int()> action;  // set by the subcommand that was given

  [[nodiscard]] output_format format() const {
    return output == "json" ? output_format::json : output_format::text;
  }
  // Any client's options (admin_options, producer_options, ...) with the global ones set.
  template <class Options>
  [[nodiscard]] Options client_options() const {
    return connection_options<Options>(server, timeout, tls, credentials);
  }
};

// "berthctl: <what>: <why>" on stderr, one line; returns exit_failed.
int fail(std::string_view what, const client::error& e);
int fail(std::string_view what, std::string_view why, int code = exit_failed);

// An admin connection to the server; on failure prints and returns nullopt.
std::optional<client::admin> connect_admin(const context& ctx);

// Registration of each command group on the app (one file each).
void add_topic_commands(CLI::App& app, context& ctx);
void add_send_command(CLI::App& app, context& ctx);
void add_consume_command(CLI::App& app, context& ctx);
void add_message_commands(CLI::App& app, context& ctx);
void add_group_commands(CLI::App& app, context& ctx);
void add_dlq_commands(CLI::App& app, context& ctx);
void add_trace_commands(CLI::App& app, context& ctx);

}  // namespace berth::tools
