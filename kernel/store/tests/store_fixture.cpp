#include "store_fixture.hpp"

#include "config/validate.hpp"
#include "plugin_host/library.hpp"

#include <toml++/toml.h>

#include <fmt/format.h>

namespace berth::test {

store_harness::store_harness()
    : services_{metrics_, scheduler_, "berth-test", data_.path().string()} {}

store_harness::~store_harness() {
  store_.reset();  // the instance goes first, while its scheduler and data dir still exist
}

result<std::unique_ptr<store_harness>> store_harness::open(const std::filesystem::path& library,
                                                           std::string_view toml_text) {
  auto lib = kernel::plugin_host::load_library(library);
  if (!lib) return failure(lib.error().code, lib.error().message);

  toml::table table;
  try {
    table = toml::parse(toml_text, std::string_view{"store.toml"});
  } catch (const toml::parse_error& e) {
    return failure(BERTH_E_INVALID, fmt::format("store config does not parse: {}", e.what()));
  }
  kernel::config::config_tree tree;
  kernel::config::config_errors errors;
  const kernel::config::validate_context ctx{"store.toml", "store", {}, {}};
  if (!kernel::config::validate_table(table, lib.value()->schema(), ctx, tree, errors)) {
    return failure(BERTH_E_INVALID, errors.front().to_string());
  }

  std::unique_ptr<store_harness> harness(new store_harness());
  const std::string id = "store-" + lib.value()->name() + "-1";
  auto instance = kernel::plugin_host::plugin_instance::create(lib.value(), {id, "", tree},
                                                               harness->services_);
  if (!instance) return failure(instance.error().code, instance.error().message);
  auto wrapped = kernel::store::store::wrap(instance.value());
  if (!wrapped) return failure(wrapped.error().code, wrapped.error().message);
  harness->store_ = std::move(wrapped).value();
  return harness;
}

const berth_store_ops& store_harness::ops() const {
  return store_->instance()->ops<berth_store_ops>();
}

std::filesystem::path store_plugin_path(std::string_view name) {
  return plugin_dir() / ("libberth-store-" + std::string(name) + ".so");
}

}  // namespace berth::test
