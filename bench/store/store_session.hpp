// store_session: one store plugin instance made the way berthd makes it: the library from the
// plugin search path, the [store] table validated against the plugin's schema, create() with
// the kernel's services (metrics, scheduler, data dir), wrapped in the kernel's store facade.
// Also keeps what the plugin logged (for the recovery report) and how long create() took
// (for store-mmap: open plus recovery).
#pragma once

#include "executor/scheduler.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/host_context.hpp"
#include "store/store.hpp"

#include <spdlog/sinks/ringbuffer_sink.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::bench {

class store_session {
 public:
  // `toml` is the body of the [store] table, without the reserved `plugin` key. Throws
  // bench_error with the kernel's message on any failure.
  static std::unique_ptr<store_session> open(const std::filesystem::path& library,
                                             const std::filesystem::path& data_dir,
                                             const std::string& toml);
  ~store_session();
  store_session(const store_session&) = delete;
  store_session& operator=(const store_session&) = delete;

  [[nodiscard]] kernel::store::store& store() { return *store_; }
  // Wall time of the plugin's create().
  [[nodiscard]] double open_seconds() const { return open_seconds_; }
  // The plugin's log lines so far (the last 64).
  [[nodiscard]] std::vector<std::string> log_lines() const;
  // The value of a metric the plugin registered ("berth_" + its name), if it is there.
  [[nodiscard]] std::optional<double> metric(std::string_view name) const;

 private:
  explicit store_session(const std::filesystem::path& data_dir);

  kernel::metrics::registry metrics_;
  kernel::executor::scheduler scheduler_{1};
  kernel::plugin_host::host_services services_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_;
  kernel::store::store_ptr store_;
  double open_seconds_ = 0;
};

// libberth-store-<name>.so in `plugin_dir`, or (when empty) where berthd looks:
// BERTH_PLUGIN_PATH, then <dir of this program>/../lib/berth.
std::filesystem::path find_store_plugin(std::string_view name,
                                        const std::filesystem::path& plugin_dir);

}  // namespace berth::bench
