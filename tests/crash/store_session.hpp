// One opened store-mmap instance inside the driver process: the kernel services a plugin
// needs, the loaded library, and the instance made from a validated config table, exactly as
// berthd makes it (plugin_host), without the rest of the broker.
#pragma once

#include "common/result.hpp"
#include "executor/scheduler.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/host_context.hpp"
#include "plugin_host/instance.hpp"

#include <berth/abi/berth_store.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace berth::test::crash {

struct session_options {
  std::filesystem::path plugin;  // libberth-store-mmap.so
  std::filesystem::path dir;     // the store's `path`
  // Further keys of the store's table as TOML source: {"flush", "\"sync\""}, ...
  std::vector<std::pair<std::string, std::string>> settings;
};

class store_session {
 public:
  // Load the library and create the instance (which opens and recovers the store). A failure
  // carries the loader's or the plugin's message.
  static result<std::unique_ptr<store_session>> open(const session_options& options);
  ~store_session();
  store_session(const store_session&) = delete;
  store_session& operator=(const store_session&) = delete;

  [[nodiscard]] const berth_store_ops& ops() const;
  [[nodiscard]] berth_instance* handle() const { return instance_->handle(); }

  // Close the store now (clean stop); the session is unusable afterwards.
  void close() { instance_.reset(); }

 private:
  explicit store_session(const std::filesystem::path& dir);

  kernel::metrics::registry metrics_;
  kernel::executor::scheduler scheduler_{1};
  kernel::plugin_host::host_services services_;
  kernel::plugin_host::instance_ptr instance_;  // declared last: destroyed first
};

}  // namespace berth::test::crash
