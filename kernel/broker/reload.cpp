// broker::reload(): what SIGHUP changes in a running broker. Only what is safe to change
// under load is applied (the log level, and the files plugins re-read through their reload
// hook); everything else in the file is compared with what the broker started with and
// named, so the operator knows a restart is still due.
#include "broker/broker.hpp"
#include "broker/reload.hpp"

#include "config/config_diff.hpp"
#include "log/logger.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace berth::kernel::broker {
namespace {

log::logger_ptr logger() { return log::module("broker"); }

// The settings reload() applies; a change to any other waits for a restart.
constexpr std::array<std::string_view, 1> applied_at_run_time{"broker.log_level"};

// What the reload hook of a kind re-reads (berth_abi.h: files the instance's config names):
// a transport its certificates and keys, an authenticator its accounts.
std::string_view reloaded_files(config::plugin_kind kind) {
  switch (kind) {
    case config::plugin_kind::transport: return "certificates";
    case config::plugin_kind::auth: return "accounts";
    default: return "files";
  }
}

// Every instance with a reload hook, in creation order. A failure is logged at warn with the
// instance and the plugin's reason; that instance runs on with what it had.
void reload_instances(const std::vector<plugin_host::instance_ptr>& instances,
                      reload_report& report) {
  for (const plugin_host::instance_ptr& instance : instances) {
    if (!instance->can_reload()) continue;
    if (auto done = instance->reload(); !done) {
      logger()->warn("{}", done.error().message);
      report.failed.push_back(instance->id());
    } else {
      report.reloaded.push_back(fmt::format("{}: {}", instance->id(),
                                            reloaded_files(instance->kind())));
    }
  }
}

std::vector<std::string> restart_needed(const config::broker_config& running,
                                        const config::broker_config& fresh) {
  std::vector<std::string> changed = config::changed_settings(running, fresh);
  std::erase_if(changed, [](const std::string& name) {
    return std::find(applied_at_run_time.begin(), applied_at_run_time.end(), name) !=
           applied_at_run_time.end();
  });
  return changed;
}

}  // namespace

std::string summary(const reload_report& report) {
  std::vector<std::string> parts;
  if (report.log_level_before != report.log_level_after) {
    parts.push_back(fmt::format("log_level {} -> {}", report.log_level_before,
                                report.log_level_after));
  }
  parts.insert(parts.end(), report.reloaded.begin(), report.reloaded.end());
  std::string line = parts.empty() ? "reloaded: nothing"
                                   : fmt::format("reloaded: {}", fmt::join(parts, "; "));
  if (!report.failed.empty()) {
    line += fmt::format("; failed: {} (each kept what it had)", fmt::join(report.failed, ", "));
  }
  return line;
}

reload_report broker::reload(const config::broker_config& fresh) {
  reload_report report;
  const spdlog::level::level_enum before = log::default_level();
  const spdlog::level::level_enum after = log::parse_level(fresh.broker.log_level).value_or(before);
  report.log_level_before = log::level_name(before);
  report.log_level_after = log::level_name(after);

  std::vector<plugin_host::instance_ptr> instances;
  for (const running_plugin& p : instances_) instances.push_back(p.instance);
  reload_instances(instances, report);
  report.needs_restart = restart_needed(plan_.config, fresh);

  // The line announcing a new level is logged under the more verbose of the two levels, so
  // that it shows whether the level went up or down.
  log::set_default_level(std::min(before, after));
  logger()->info("{}", summary(report));
  log::set_default_level(after);
  if (!report.needs_restart.empty()) {
    logger()->warn("changed in {} but needs a restart to apply: {} (check the file with "
                   "berthd --check-config first)",
                   fresh.file, fmt::join(report.needs_restart, ", "));
  }
  return report;
}

}  // namespace berth::kernel::broker
