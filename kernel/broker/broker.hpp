// The running broker: kernel services plus the plugin instances of one composition, created
// in order and torn down in reverse. A failure while starting tears down whatever was made,
// so nothing ever runs half-configured.
#pragma once

#include "admin/admin_service.hpp"
#include "auth/auth_gate.hpp"
#include "broker/composition.hpp"
#include "broker/data_dir_lock.hpp"
#include "broker/reload.hpp"
#include "delivery/pull_service.hpp"
#include "executor/scheduler.hpp"
#include "filter/filter_registry.hpp"
#include "group/group_service.hpp"
#include "metrics/registry.hpp"
#include "offset/offset_table.hpp"
#include "plugin_host/instance.hpp"
#include "pop/pop_service.hpp"
#include "produce/own_topic_writer.hpp"
#include "protocol/client_directory.hpp"
#include "protocol/connection_table.hpp"
#include "protocol/router.hpp"
#include "store/store.hpp"
#include "timer/timer_service.hpp"
#include "topic/topic_table.hpp"
#include "trace/trace_hub.hpp"
#include "transaction/transaction_service.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace berth::kernel::broker {

class broker {
 public:
  explicit broker(composition plan);
  ~broker();
  broker(const broker&) = delete;
  broker& operator=(const broker&) = delete;

  // Lock the data directory, load the topics, create every instance, start every transport.
  // On failure, all that was made is torn down again and the error says what failed.
  result<void> start();
  // Graceful shutdown: transports stop accepting and drain, the store syncs, instances are
  // destroyed in reverse order. Idempotent.
  void stop();
  // SIGHUP, with `fresh` the config file read again (reload.cpp): applies [broker] log_level,
  // has every instance with a reload hook re-read its files (certificates, accounts; one
  // that fails keeps what it had), and logs one info line saying what was reloaded, a warn
  // per failure, and a warn naming the changed settings that need a restart. Main thread.
  reload_report reload(const config::broker_config& fresh);

  [[nodiscard]] metrics::registry& metrics() { return metrics_; }
  // "id=endpoint" of every started transport.
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& endpoints() const {
    return endpoints_;
  }

 private:
  // One created instance and what to do if it fails to start.
  struct running_plugin {
    plugin_host::instance_ptr instance;
    config::start_error_policy on_start_error;
  };

  // An [auth] table is configured: every request but HELLO must be signed.
  [[nodiscard]] bool auth_configured() const;
  // Topics and committed offsets, before any plugin exists.
  result<void> load_topics();
  result<void> load_offsets();
  result<void> create_instances();
  // The topic handlers, once the table and the store exist (before any transport starts).
  result<void> serve_requests();
  // True (after logging and counting it) when `policy` says to run on without the plugin.
  bool tolerate_start_failure(config::start_error_policy policy, const std::string& message);
  result<void> start_transports();
  void stop_transports();
  // Tracers are told no more and destroyed (each flushes what it holds), then plugins may
  // append to the broker's own topics no more.
  void stop_tracers();
  void sync_store();
  // Every second: members that went silent leave; every few seconds: offsets are saved.
  void schedule_housekeeping();
  void housekeeping();
  void save_offsets();

  // The admin listener's view: what each configured transport does, and the broker's parts.
  void record_transport(const plugin_host::instance_ptr& instance, std::string endpoint,
                        std::string problem);
  [[nodiscard]] admin::broker_parts admin_parts() const;

  composition plan_;
  metrics::registry metrics_;
  metrics::traffic traffic_{metrics_};
  admin::admin_service admin_;  // started first, stopped last: /healthz answers throughout
  std::chrono::system_clock::time_point started_at_ = std::chrono::system_clock::now();
  std::vector<admin::transport_info> transport_states_;
  executor::scheduler scheduler_;
  // Requests from every transport's connections; the routes are set before any plugin exists.
  protocol::router routes_;
  protocol::client_directory clients_;
  protocol::connection_table connections_;
  plugin_host::host_services services_;
  std::optional<data_dir_lock> lock_;
  std::vector<running_plugin> instances_;  // creation order
  topic::topic_table_ptr topics_;
  store::store_ptr store_;  // the facade over the store instance (instances_ holds it too)
  filter::filter_registry filters_{metrics_};  // over the filter instances in instances_
  std::unique_ptr<auth::auth_gate> gate_;      // over the auth instance, if any
  trace::trace_hub traces_;                    // over the tracer instances
  std::unique_ptr<produce::own_topic_writer> own_topics_;  // null without a store
  offset::offset_table_ptr offsets_;
  std::unique_ptr<group::group_service> groups_;
  std::unique_ptr<delivery::pull_service> pulls_;  // null without a store
  std::unique_ptr<timer::timer_service> timer_;     // null without a store
  std::unique_ptr<transaction::transaction_service> transactions_;  // null without a store
  std::unique_ptr<pop::pop_service> pops_;         // null without a store
  executor::owner_id housekeeping_owner_ = executor::new_owner();
  std::string offsets_save_failure_;  // the last save's error; empty once one works
  std::vector<plugin_host::instance_ptr> started_transports_;
  std::vector<std::pair<std::string, std::string>> endpoints_;
  std::uint32_t start_failures_metric_ = 0;
  bool running_ = false;
};

}  // namespace berth::kernel::broker
