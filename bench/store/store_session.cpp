#include "store_session.hpp"

#include "config/validate.hpp"
#include "log/logger.hpp"
#include "measure.hpp"
#include "plugin_host/finder.hpp"
#include "plugin_host/library.hpp"

#include <toml++/toml.h>

#include <sstream>

namespace berth::bench {

namespace {

constexpr const char* instance_id = "store-bench";

}  // namespace

store_session::store_session(const std::filesystem::path& data_dir)
    : services_{metrics_, scheduler_, "berth-bench", data_dir.string()},
      log_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)) {}

store_session::~store_session() {
  store_.reset();  // the instance goes first, while its scheduler still runs
}

std::unique_ptr<store_session> store_session::open(const std::filesystem::path& library,
                                                   const std::filesystem::path& data_dir,
                                                   const std::string& toml) {
  auto lib = expect(kernel::plugin_host::load_library(library), "load " + library.string());
  toml::table table;
  try {
    table = toml::parse(toml, std::string_view{"store.toml"});
  } catch (const toml::parse_error& e) {
    throw bench_error(std::string("store config does not parse: ") + e.what());
  }
  kernel::config::config_tree tree;
  kernel::config::config_errors errors;
  const kernel::config::validate_context ctx{"store.toml", "store", {}, {}};
  if (!kernel::config::validate_table(table, lib->schema(), ctx, tree, errors)) {
    throw bench_error(errors.front().to_string());
  }

  std::unique_ptr<store_session> session(new store_session(data_dir));
  // The instance's logger, made before create() so that the open report is captured too. The
  // sink stays for the logger's life: plugin threads may log at any time.
  kernel::log::plugin("store", instance_id, std::nullopt)->sinks().push_back(session->log_);
  const auto started = bench_clock::now();
  auto instance = expect(kernel::plugin_host::plugin_instance::create(
                             lib, {instance_id, "", std::move(tree)}, session->services_),
                         "open the store");
  session->open_seconds_ = seconds_since(started);
  session->store_ = expect(kernel::store::store::wrap(std::move(instance)), "wrap the store");
  return session;
}

std::vector<std::string> store_session::log_lines() const { return log_->last_formatted(); }

std::optional<double> store_session::metric(std::string_view name) const {
  const std::string full = "berth_" + std::string(name);
  std::istringstream text(metrics_.serialize());
  for (std::string line; std::getline(text, line);) {
    if (line.rfind(full, 0) != 0 || line.size() == full.size()) continue;
    if (line[full.size()] != '{' && line[full.size()] != ' ') continue;
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nullopt;
}

std::filesystem::path find_store_plugin(std::string_view name,
                                        const std::filesystem::path& plugin_dir) {
  const auto search = plugin_dir.empty() ? kernel::plugin_host::default_search_path()
                                         : kernel::plugin_host::path_list{plugin_dir};
  const auto found =
      kernel::plugin_host::find_plugin(search, kernel::config::plugin_kind::store, name);
  if (!found) {
    throw bench_error("no store plugin '" + std::string(name) + "' in " +
                      kernel::plugin_host::join_paths(search) + " (build it, or pass --plugin-dir)");
  }
  return *found;
}

}  // namespace berth::bench
