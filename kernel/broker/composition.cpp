#include "broker/composition.hpp"

#include "config/near_miss.hpp"
#include "config/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace berth::kernel::broker {
namespace {

const std::array<std::string, 4> reserved_keys{"plugin", "id", "log_level", "on_start_error"};

config::config_error plugin_error(const config::broker_config& cfg, const config::plugin_table& t,
                                  std::string message, std::string hint = {}) {
  return config::config_error{cfg.file,
                              static_cast<std::uint32_t>(t.plugin_position.line),
                              static_cast<std::uint32_t>(t.plugin_position.column),
                              t.path + ".plugin", std::move(message), std::move(hint)};
}

// Find and load the library of one table, or say why not.
std::optional<plugin_host::library_ptr> resolve_library(const config::broker_config& cfg,
                                                        const plugin_host::path_list& search_path,
                                                        const config::plugin_table& t,
                                                        config::config_errors& errors) {
  const auto path = plugin_host::find_plugin(search_path, t.kind, t.plugin);
  if (!path) {
    const auto names = plugin_host::available_names(search_path, t.kind);
    const auto near = config::closest_match(t.plugin, names);
    std::string hint = near ? fmt::format("did you mean '{}'?", *near)
                       : names.empty() ? std::string{}
                                       : fmt::format("available: {}", fmt::join(names, ", "));
    errors.push_back(plugin_error(
        cfg, t,
        fmt::format("no {} plugin '{}': {} is not in {}", config::to_string(t.kind), t.plugin,
                    plugin_host::library_file_name(t.kind, t.plugin),
                    plugin_host::join_paths(search_path)),
        std::move(hint)));
    return std::nullopt;
  }
  auto loaded = plugin_host::load_library(*path);
  if (!loaded) {
    errors.push_back(plugin_error(cfg, t, loaded.error().message));
    return std::nullopt;
  }
  return loaded.value();
}

// The tag filter serves RocketMQ's basic subscriptions, so it is loaded with its defaults when
// no [[filter]] names it. Without its library (a trimmed install) tag lists are refused with
// FILTER_UNSUPPORTED and "*" is still served: the broker logs that at start.
void add_builtin_tag_filter(composition& plan) {
  const bool configured = std::any_of(plan.plugins.begin(), plan.plugins.end(),
                                      [](const resolved_plugin& p) {
                                        return p.table.kind == config::plugin_kind::filter &&
                                               (p.table.plugin == "tag" || p.table.id == "tag");
                                      });
  if (configured) return;
  const auto path = plugin_host::find_plugin(plan.search_path, config::plugin_kind::filter, "tag");
  if (!path) return;
  auto library = plugin_host::load_library(*path);
  if (!library) return;
  static const toml::table empty;
  config::plugin_table table;
  table.kind = config::plugin_kind::filter;
  table.plugin = "tag";
  table.id = "tag";
  table.path = "filter (built in)";
  table.table = &empty;
  config::config_tree tree;
  config::config_errors errors;
  const config::validate_context ctx{"(built in)", table.path, {}, reserved_keys};
  if (!config::validate_table(empty, library.value()->schema(), ctx, tree, errors)) return;
  // After the configured filters, before tracers and transports (creation order).
  const auto first_later = std::find_if(plan.plugins.begin(), plan.plugins.end(),
                                        [](const resolved_plugin& p) {
                                          return p.table.kind == config::plugin_kind::tracer ||
                                                 p.table.kind == config::plugin_kind::transport;
                                        });
  plan.plugins.insert(first_later, resolved_plugin{table, library.value(), std::move(tree)});
}

}  // namespace

result<composition, config::config_errors> compose(config::broker_config config) {
  composition plan;
  plan.search_path = plugin_host::effective_search_path(config.plugins.search_path);
  config::config_errors errors;
  for (const config::plugin_table& t : config.plugin_tables) {
    auto library = resolve_library(config, plan.search_path, t, errors);
    if (!library) continue;
    config::config_tree tree;
    const config::validate_context ctx{config.file, t.path, t.position, reserved_keys};
    if (config::validate_table(*t.table, (*library)->schema(), ctx, tree, errors)) {
      plan.plugins.push_back(resolved_plugin{t, *library, std::move(tree)});
    }
  }
  if (!errors.empty()) return boost::outcome_v2::failure(std::move(errors));
  add_builtin_tag_filter(plan);
  plan.config = std::move(config);
  return plan;
}

std::string describe(const composition& plan) {
  std::string out = fmt::format("{}: OK\n", plan.config.file);
  out += fmt::format("broker    name={} data_dir={} log_level={}\n", plan.config.broker.name,
                     plan.config.broker.data_dir.string(), plan.config.broker.log_level);
  out += fmt::format("plugins   search_path={}\n", plugin_host::join_paths(plan.search_path));
  for (const resolved_plugin& p : plan.plugins) {
    out += fmt::format("{:<9} {:<24} plugin={} version={} abi={} file={}\n",
                       config::to_string(p.table.kind), p.table.id, p.library->name(),
                       p.library->version(), p.library->abi_version(),
                       p.library->path().string());
  }
  return out;
}

}  // namespace berth::kernel::broker
