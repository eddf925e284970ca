// Kernel logging: one named spdlog logger per module ("plugin_host", "broker", ...) and one per
// plugin instance ("transport.plain"), all writing to one stderr sink with one format.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace berth::kernel::log {

using logger_ptr = std::shared_ptr<spdlog::logger>;

// Parse "trace" ... "critical", "off". nullopt for anything else.
std::optional<spdlog::level::level_enum> parse_level(std::string_view text);
// The config spelling of a level ("warn", not spdlog's "warning"): parse_level's inverse.
std::string_view level_name(spdlog::level::level_enum level);

// The default level for kernel module loggers and for plugin loggers without their own; the
// loggers made before the call follow it too (SIGHUP applies a new [broker] log_level).
void set_default_level(spdlog::level::level_enum level);
spdlog::level::level_enum default_level();

// The logger of a kernel module, created on first use at the default level.
logger_ptr module(std::string_view name);

// A plugin instance's logger, named "<kind>.<id>", at `level` (or the default).
logger_ptr plugin(std::string_view kind, std::string_view id,
                  std::optional<spdlog::level::level_enum> level);

}  // namespace berth::kernel::log
