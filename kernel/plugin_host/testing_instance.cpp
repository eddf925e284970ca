#include "plugin_host/testing_instance.hpp"

#include "config/validate.hpp"

#include <toml++/toml.h>

#include <utility>

namespace berth::kernel::plugin_host {

result<instance_ptr> instance_from_toml(const library_ptr& library, std::string_view toml_text,
                                        const std::string& id, host_services& services) {
  const std::string file = id + ".toml";
  toml::table table;
  try {
    table = toml::parse(toml_text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    return failure(BERTH_E_INVALID, file + ": syntax error: " + std::string(e.description()));
  }
  config::config_tree tree;
  config::config_errors errors;
  const config::validate_context ctx{file, std::string(config::to_string(library->kind())), {}, {}};
  if (!config::validate_table(table, library->schema(), ctx, tree, errors)) {
    return failure(BERTH_E_INVALID, errors.front().to_string());
  }
  return plugin_instance::create(library, {id, "", std::move(tree)}, services);
}

result<instance_ptr> instance_from_toml(const std::filesystem::path& path,
                                        std::string_view toml_text, const std::string& id,
                                        host_services& services) {
  auto library = load_library(path);
  if (!library) return failure(library.error().code, library.error().message);
  return instance_from_toml(library.value(), toml_text, id, services);
}

test_plugin::test_plugin(const std::filesystem::path& path, std::string id) : id_(std::move(id)) {
  auto loaded = load_library(path);
  if (loaded) library_ = std::move(loaded).value();
  else load_error_ = loaded.error().message;
}

result<instance_ptr> test_plugin::create(std::string_view toml_text) {
  if (!library_) return failure(BERTH_E_INVALID, load_error_);
  return instance_from_toml(library_, toml_text, id_, services_.services);
}

}  // namespace berth::kernel::plugin_host
