// berthd: the Berth broker. Parses the command line, composes the broker from its TOML config,
// runs until SIGTERM or SIGINT, and shuts down gracefully. SIGHUP re-reads the config file,
// applies its log level and makes plugins re-read their files (certificates, accounts)
// without a restart. Under systemd (Type=notify) it reports ready, reloading and stopping.
//
// Exit codes: 0 clean shutdown or successful check; 1 a failure while running or starting a
// plugin; 2 a usage, config or plugin-loading error (nothing was started).
#include "broker/broker.hpp"
#include "broker/composition.hpp"
#include "cli/describe.hpp"
#include "config/broker_config.hpp"
#include "log/logger.hpp"
#include "notify/notify.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <sys/resource.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace berth::kernel {
extern const char* const embedded_default_config;
}

namespace {

using namespace berth::kernel;

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_config = 2;

constexpr const char* embedded_name = "<built-in config/berth.toml>";


// Block the shutdown and reload signals in every thread (threads inherit the mask), so that
// the main thread alone receives them through sigwait.
sigset_t block_control_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a peer closing a socket is an error value, not a signal
  return set;
}

void print_errors(const config::config_errors& errors) {
  for (const auto& e : errors) std::fprintf(stderr, "berthd: %s\n", e.to_string().c_str());
}

// `file`, or the built-in config when it is empty.
berth::result<config::broker_config, config::config_errors> read_config(const std::string& file) {
  return file.empty() ? config::parse_broker_config(embedded_default_config, embedded_name,
                                                    std::filesystem::current_path())
                      : config::load_broker_config(file);
}

std::optional<config::broker_config> load(const std::string& file) {
  auto loaded = read_config(file);
  if (!loaded) {
    print_errors(loaded.error());
    return std::nullopt;
  }
  return std::move(loaded).value();
}

// The config read again for SIGHUP. A file with errors changes nothing: they are logged (the
// terminal may be long gone) and the broker runs on as it was.
std::optional<config::broker_config> reread(const std::string& file) {
  auto loaded = read_config(file);
  if (loaded) return std::move(loaded).value();
  const auto logger = log::module("broker");
  for (const auto& e : loaded.error()) logger->warn("{}", e.to_string());
  logger->warn("reload refused: {} has {} error(s) (above); nothing was reloaded, berthd runs "
               "on as it was",
               file.empty() ? embedded_name : file, loaded.error().size());
  return std::nullopt;
}

// A failure to tell systemd changes nothing in the broker: it is logged.
void tell(const berth::result<void>& told) {
  if (!told) log::module("broker")->warn("{}", told.error().message);
}

// STATUS= for systemd: "serving: transport-tcp-1 127.0.0.1:10911".
std::string serving_status(const broker::broker& b) {
  std::vector<std::string> endpoints;
  for (const auto& [id, endpoint] : b.endpoints()) endpoints.push_back(id + " " + endpoint);
  return endpoints.empty() ? "serving: no transport listens"
                           : fmt::format("serving: {}", fmt::join(endpoints, ", "));
}

// SIGHUP: systemd sees the reload begin and end; what changed is in the log (broker::reload).
void reload(broker::broker& b, const std::string& file) {
  log::module("broker")->info("received SIGHUP, reloading {}", file.empty() ? embedded_name : file);
  tell(notify::reloading());
  std::string status = serving_status(b);
  if (auto fresh = reread(file)) {
    const broker::reload_report report = b.reload(*fresh);
    if (!report.failed.empty()) {
      status += fmt::format(" (last reload failed for {})", fmt::join(report.failed, ", "));
    }
  } else {
    status += " (last reload refused: the config file has errors)";
  }
  tell(notify::ready(status));
}

// `quiet`: informational commands keep plugin-loading logs off stderr.
std::optional<broker::composition> compose(const std::string& file, bool quiet) {
  auto config = load(file);
  if (!config) return std::nullopt;
  if (auto level = log::parse_level(config->broker.log_level)) log::set_default_level(*level);
  if (quiet) log::set_default_level(spdlog::level::warn);
  auto plan = broker::compose(std::move(*config));
  if (!plan) {
    print_errors(plan.error());
    return std::nullopt;
  }
  return std::move(plan).value();
}

// Every connection is a descriptor: take the soft open-files limit up to the hard one (as
// nginx's worker_rlimit_nofile or a systemd LimitNOFILE would), so that a default soft limit
// of 1024 does not refuse connections below the transports' max_connections.
void raise_open_files_limit() {
  const auto logger = log::module("broker");
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    logger->warn("cannot read the open files limit: {}", std::strerror(errno));
    return;
  }
  if (limit.rlim_cur >= limit.rlim_max) {
    logger->info("open files limit: {} (the hard limit)", limit.rlim_cur);
    return;
  }
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    logger->warn("cannot raise the open files limit from {} to {}: {}", before, limit.rlim_max,
                 std::strerror(errno));
    return;
  }
  logger->info("open files limit raised from {} to {} (the hard limit)", before, limit.rlim_max);
}

int run(const std::string& file, const sigset_t& signals) {
  auto plan = compose(file, /*quiet=*/false);
  if (!plan) return exit_config;
  raise_open_files_limit();
  broker::broker b(std::move(*plan));
  if (auto started = b.start(); !started) {
    std::fprintf(stderr, "berthd: %s\n", started.error().message.c_str());
    return exit_failure;
  }
  tell(notify::ready(serving_status(b)));
  int received = 0;
  for (;;) {
    sigwait(&signals, &received);
    if (received != SIGHUP) break;
    reload(b, file);
  }
  log::module("broker")->info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
  tell(notify::stopping("stopping: draining connections, syncing the store"));
  b.stop();
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  const sigset_t signals = block_control_signals();

  CLI::App app{"berthd: the Berth message broker"};
  app.footer(
      "Signals: SIGTERM or SIGINT stop berthd gracefully. SIGHUP re-reads the config file "
      "(--config, else the built-in one): applies [broker] log_level, makes plugins re-read the "
      "files their config names (transport-tls: certificate, key, CA; auth-acl: accounts) "
      "without dropping connections, and logs what it reloaded and which changed settings need "
      "a restart; a file with errors changes nothing. Under systemd (Type=notify, as in the "
      "packaged berthd.service) berthd reports ready, reloading and stopping. Operating it: "
      "docs/operations.md.");
  app.set_version_flag("--version",
                       fmt::format("berthd {} (plugin ABI {}.{})", BERTH_VERSION, BERTH_ABI_MAJOR,
                                   BERTH_ABI_MINOR));
  std::string config_file;
  std::string check_file;
  bool list_plugins = false;
  std::vector<std::string> describe;
  app.add_option("-c,--config", config_file,
                 "Run with this TOML config (default: the built-in config/berth.toml)")
      ->check(CLI::ExistingFile);
  app.add_option("--check-config", check_file,
                 "Validate this config, load its plugins, print the composed broker, start nothing")
      ->check(CLI::ExistingFile);
  app.add_flag("--list-plugins", list_plugins,
               "List the plugins found in the search path (of --config, if given)");
  app.add_option("--describe-plugin", describe,
                 "Print a plugin's config keys, types, defaults and help")
      ->expected(2)
      ->type_name("KIND NAME");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? exit_ok : exit_config;
  }

  try {
    if (!check_file.empty()) {
      // The composed broker goes to stdout; stderr carries only errors.
      auto plan = compose(check_file, /*quiet=*/true);
      if (!plan) return exit_config;
      std::fputs(broker::describe(*plan).c_str(), stdout);
      return exit_ok;
    }
    if (list_plugins || !describe.empty()) {
      auto config = load(config_file);
      if (!config) return exit_config;
      const auto search_path = plugin_host::effective_search_path(config->plugins.search_path);
      log::set_default_level(spdlog::level::warn);  // keep load chatter out of the listing
      if (list_plugins) return cli::list_plugins(search_path, stdout) ? exit_ok : exit_config;
      return cli::describe_plugin(search_path, describe[0], describe[1], stdout) ? exit_ok
                                                                                : exit_config;
    }
    return run(config_file, signals);
  } catch (const std::exception& e) {
    // Anything thrown this far is a bug, not a user mistake: say so without a stack trace.
    std::fprintf(stderr, "berthd: internal error: %s\n", e.what());
    return exit_failure;
  }
}
