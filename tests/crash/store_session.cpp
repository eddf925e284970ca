#include "store_session.hpp"

#include "config/validate.hpp"
#include "plugin_host/library.hpp"

#include <toml++/toml.h>

#include <exception>

namespace berth::test::crash {

store_session::store_session(const std::filesystem::path& dir)
    : services_{metrics_, scheduler_, "berth-crash-driver", dir.string()} {}

store_session::~store_session() { instance_.reset(); }

const berth_store_ops& store_session::ops() const { return instance_->ops<berth_store_ops>(); }

result<std::unique_ptr<store_session>> store_session::open(const session_options& options) {
  auto library = kernel::plugin_host::load_library(options.plugin);
  if (!library) return failure(library.error().code, library.error().message);

  toml::table table;
  try {
    std::string text;
    for (const auto& [key, value] : options.settings) text += key + " = " + value + "\n";
    table = toml::parse(std::string_view(text), std::string_view("driver options"));
  } catch (const std::exception& e) {
    return failure(BERTH_E_INVALID, std::string("bad --set value: ") + e.what());
  }
  table.insert_or_assign("path", options.dir.string());

  kernel::config::config_tree tree;
  kernel::config::config_errors errors;
  const kernel::config::validate_context ctx{"driver options", "store", {}, {}};
  if (!kernel::config::validate_table(table, library.value()->schema(), ctx, tree, errors)) {
    std::string text;
    for (const auto& e : errors) text += (text.empty() ? "" : "; ") + e.to_string();
    return failure(BERTH_E_INVALID, text);
  }

  std::unique_ptr<store_session> session(new store_session(options.dir));
  auto instance = kernel::plugin_host::plugin_instance::create(
      library.value(), {"store-mmap-crash", "", std::move(tree)}, session->services_);
  if (!instance) return failure(instance.error().code, instance.error().message);
  session->instance_ = std::move(instance).value();
  return session;
}

}  // namespace berth::test::crash
