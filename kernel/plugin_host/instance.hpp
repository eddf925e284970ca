// One plugin instance: made by the plugin's create() from one validated config table, freed by
// its destroy(). Holds its library, so code and data of the plugin outlive every use of it;
// per-use objects (compiled filters, identities, ...) hold an instance_ptr for the same reason.
#pragma once

#include "common/result.hpp"
#include "config/broker_config.hpp"
#include "config/config_tree.hpp"
#include "plugin_host/host_context.hpp"
#include "plugin_host/library.hpp"

#include <memory>
#include <string>

namespace berth::kernel::plugin_host {

class plugin_instance {
 public:
  struct settings {
    std::string id;
    std::string log_level;  // "" = the broker's
    config::config_tree config;
  };

  // Calls the plugin's create(). Main thread. A failure carries the plugin's own message.
  static result<std::shared_ptr<plugin_instance>> create(library_ptr library, settings settings,
                                                         host_services& services);
  ~plugin_instance();
  plugin_instance(const plugin_instance&) = delete;
  plugin_instance& operator=(const plugin_instance&) = delete;

  [[nodiscard]] const std::string& id() const { return context_->id; }
  [[nodiscard]] config::plugin_kind kind() const { return library_->kind(); }
  [[nodiscard]] const library& plugin() const { return *library_; }
  [[nodiscard]] berth_instance* handle() const { return handle_; }
  [[nodiscard]] const log::logger_ptr& logger() const { return context_->logger; }

  // The plugin's reload hook (ABI 1.4): re-read the files it loaded. False, doing nothing, for a
  // plugin without one; a failure carries the plugin's message. Main thread.
  [[nodiscard]] bool can_reload() const;
  result<void> reload();

  // The kind's ops table; the caller knows the kind (checked).
  template <class Ops>
  [[nodiscard]] const Ops& ops() const {
    return *static_cast<const Ops*>(library_->descriptor().ops);
  }

 private:
  plugin_instance(library_ptr library, std::unique_ptr<berth_host_ctx> context);

  library_ptr library_;  // declared first: released last
  std::unique_ptr<berth_host_ctx> context_;
  berth_instance* handle_ = nullptr;
};

using instance_ptr = std::shared_ptr<plugin_instance>;

}  // namespace berth::kernel::plugin_host
