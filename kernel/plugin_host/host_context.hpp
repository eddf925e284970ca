// The kernel's side of berth_host_ctx: everything the host-services table needs to serve one
// plugin instance. Defined here, opaque to plugins.
#pragma once

#include "config/config_tree.hpp"
#include "executor/scheduler.hpp"
#include "log/logger.hpp"
#include "metrics/registry.hpp"

#include <berth/abi/berth_host.h>

#include <atomic>
#include <string>

namespace berth::kernel::plugin_host {

class connection_sink;
class own_topic_sink;

// Kernel services shared by every instance.
struct host_services {
  metrics::registry& metrics;
  executor::scheduler& scheduler;
  std::string broker_name;
  std::string data_dir;
  connection_sink* connections = nullptr;  // transports' connections go here; none: refused
  // Plugins' messages for the broker's own topics; set once the store is ready.
  std::atomic<own_topic_sink*> own_topics{nullptr};
};

// The host-services table handed to every plugin (static storage).
const berth_host* host_table();

}  // namespace berth::kernel::plugin_host

struct berth_host_ctx {
  std::string kind;         // "transport"
  std::string id;           // "transport-tcp-1"
  berth::kernel::config::config_tree config;
  berth::kernel::log::logger_ptr logger;
  berth::kernel::plugin_host::host_services* services = nullptr;
  berth::kernel::executor::owner_id owner = 0;
  std::atomic<bool> creating{false};  // metric_register is allowed only inside create()
};
