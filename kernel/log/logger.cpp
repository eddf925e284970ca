#include "log/logger.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <atomic>
#include <mutex>
#include <set>

namespace berth::kernel::log {
namespace {

std::atomic<spdlog::level::level_enum> default_level_{spdlog::level::info};

// One sink for every logger, so lines from kernel and plugins interleave whole.
spdlog::sink_ptr shared_sink() {
  static const spdlog::sink_ptr sink = [] {
    auto s = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(spdlog::color_mode::automatic);
    s->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ [%n] %v");
    return s;
  }();
  return sink;
}

std::mutex& registry_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Plugin loggers whose instance set its own log_level: the broker's level does not apply.
std::set<std::string, std::less<>>& own_level_loggers() {
  static std::set<std::string, std::less<>> names;
  return names;
}

logger_ptr get_or_make(const std::string& name, spdlog::level::level_enum level) {
  std::lock_guard lock(registry_mutex());
  if (logger_ptr existing = spdlog::get(name)) return existing;
  auto made = std::make_shared<spdlog::logger>(name, shared_sink());
  made->set_level(level);
  made->flush_on(spdlog::level::warn);
  spdlog::register_logger(made);
  return made;
}

}  // namespace

std::optional<spdlog::level::level_enum> parse_level(std::string_view text) {
  if (text == "trace") return spdlog::level::trace;
  if (text == "debug") return spdlog::level::debug;
  if (text == "info") return spdlog::level::info;
  if (text == "warn") return spdlog::level::warn;
  if (text == "error") return spdlog::level::err;
  if (text == "critical") return spdlog::level::critical;
  if (text == "off") return spdlog::level::off;
  return std::nullopt;
}

std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "off";
  }
}

void set_default_level(spdlog::level::level_enum level) {
  std::lock_guard lock(registry_mutex());
  default_level_ = level;
  // Module loggers follow the broker's level; plugin loggers keep their own if they set one.
  spdlog::apply_all([level](const logger_ptr& l) {
    if (!own_level_loggers().contains(l->name())) l->set_level(level);
  });
}

spdlog::level::level_enum default_level() { return default_level_.load(); }

logger_ptr module(std::string_view name) { return get_or_make(std::string(name), default_level()); }

logger_ptr plugin(std::string_view kind, std::string_view id,
                  std::optional<spdlog::level::level_enum> level) {
  std::string name = std::string(kind) + "." + std::string(id);
  logger_ptr l = get_or_make(name, level.value_or(default_level()));
  std::lock_guard lock(registry_mutex());
  if (level) {
    own_level_loggers().insert(name);
  } else {
    own_level_loggers().erase(name);
  }
  l->set_level(level.value_or(default_level()));
  return l;
}

}  // namespace berth::kernel::log
