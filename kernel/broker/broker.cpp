#include "broker/broker.hpp"

#include "log/logger.hpp"
#include "protocol/hello.hpp"
#include "produce/recall_handler.hpp"
#include "produce/reply_handler.hpp"
#include "produce/send_handler.hpp"
#include "query/query_handlers.hpp"
#include "retry/send_back_handler.hpp"
#include "topic/system_topics.hpp"
#include "topic/topic_handlers.hpp"

#include <berth/abi/berth_store.h>
#include <berth/abi/berth_transport.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>

namespace berth::kernel::broker {
namespace {

log::logger_ptr logger() { return log::module("broker"); }

std::uint64_t monotonic_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

broker::broker(composition plan)
    : plan_(std::move(plan)),
      admin_(plan_.config.admin, auth_configured(), metrics_),
      // Deferred work is light (timers, housekeeping): one thread per core, at most two.
      scheduler_(std::clamp(std::thread::hardware_concurrency(), 1u, 2u)),
      connections_(routes_, metrics_),
      services_{metrics_, scheduler_, plan_.config.broker.name,
                plan_.config.broker.data_dir.string(), &connections_} {
  routes_.add(wire::code::hello,
              protocol::hello_handler({plan_.config.broker.name, BERTH_VERSION,
                                       protocol::default_max_message_size, auth_configured()},
                                      clients_));
  start_failures_metric_ =
      metrics_
          .add(metrics::metric_type::counter, "berth_plugin_start_failures_total",
               "Plugin instances that failed to start and were disabled (on_start_error = "
               "\"disable\")",
               {})
          .value();
}

broker::~broker() { stop(); }

result<void> broker::start() {
  auto locked = data_dir_lock::acquire(plan_.config.broker.data_dir);
  if (!locked) return boost::outcome_v2::failure(locked.error());
  lock_.emplace(std::move(locked).value());
  // Before the store opens, so that /readyz can say "starting" through a long recovery.
  if (auto listening = admin_.start(); !listening) {
    stop();
    return listening;
  }

  // In order; the first failure tears down what the earlier steps made.
  for (auto step : {&broker::load_topics, &broker::load_offsets, &broker::create_instances,
                    &broker::serve_requests, &broker::start_transports}) {
    if (auto done = (this->*step)(); !done) {
      stop();
      return done;
    }
  }
  running_ = true;
  admin_.serve(admin_parts(), gate_.get());
  logger()->info("berthd '{}' started: data_dir={}, {} plugin instance(s), {} transport(s)",
                 plan_.config.broker.name, plan_.config.broker.data_dir.string(),
                 instances_.size(), started_transports_.size());
  if (started_transports_.empty()) {
    logger()->warn("no [[transport]] is configured: this broker accepts no connections");
  }
  return success();
}

result<void> broker::load_topics() {
  const topic::auto_create_policy auto_create{plan_.config.broker.auto_create_topics,
                                              plan_.config.broker.default_queues};
  auto loaded = topic::topic_table::open(plan_.config.broker.data_dir, auto_create);
  if (!loaded) return failure(BERTH_E_IO, "cannot load the topics: " + loaded.error().message);
  topics_ = std::move(loaded).value();
  logger()->info("{} topic(s) loaded from {}", topics_->size(), topics_->file().string());
  return success();
}

result<void> broker::load_offsets() {
  auto loaded = offset::offset_table::open(offset::offset_file_path(plan_.config.broker.data_dir));
  if (!loaded) return failure(BERTH_E_IO, "cannot load the consumer offsets: " + loaded.error().message);
  offsets_ = std::move(loaded).value();
  logger()->info("offsets of {} group(s) loaded from {}", offsets_->groups().size(),
                 offsets_->file().string());
  return success();
}

bool broker::auth_configured() const {
  return std::any_of(plan_.plugins.begin(), plan_.plugins.end(), [](const resolved_plugin& p) {
    return p.library->kind() == config::plugin_kind::auth;
  });
}

result<void> broker::serve_requests() {
  // The store is always the first instance (composition.hpp); SEND appends to it and
  // TOPIC_DESCRIBE asks it for bounds.
  const auto is_store = [](const running_plugin& p) {
    return p.instance->kind() == config::plugin_kind::store;
  };
  if (const auto it = std::find_if(instances_.begin(), instances_.end(), is_store);
      it != instances_.end()) {
    auto wrapped = store::store::wrap(it->instance);
    if (!wrapped) return boost::outcome_v2::failure(wrapped.error());
    store_ = std::move(wrapped).value();
  }
  // A deleted topic takes the groups' offsets in it along (RocketMQ does the same): a topic
  // created again under the name starts its consumers by their start policy.
  topic::add_topic_handlers(routes_, *topics_, store_.get(),
                            [this](std::string_view topic) { offsets_->forget_topic(topic); });
  produce::add_reply_handler(routes_, clients_,
                             {protocol::default_max_message_size, plan_.config.broker.name});
  // Every request passes the gate: signatures and permissions, when [auth] is configured.
  plugin_host::instance_ptr auth_instance;
  for (const running_plugin& p : instances_) {
    if (p.instance->kind() == config::plugin_kind::auth) auth_instance = p.instance;
  }
  gate_ = std::make_unique<auth::auth_gate>(std::move(auth_instance), metrics_);
  routes_.set_gate([gate = gate_.get()](const protocol::connection_ptr& from,
                                        protocol::request& req, const protocol::responder& answer) {
    return gate->admit(from, req, answer);
  });
  connections_.set_authenticator([gate = gate_.get()](const protocol::connection_ptr& conn,
                                                      const berth_credentials& credentials,
                                                      std::string& reason) {
    return gate->authenticate_connection(conn, credentials, reason);
  });
  if (gate_->required()) logger()->info("requests must be signed: [auth] is configured");
  for (const running_plugin& p : instances_) traces_.add(p.instance);
  // Subscriptions' filters: the filter instances by type, expressions compiled once.
  for (const running_plugin& p : instances_) filters_.add(p.instance);
  if (!filters_.serves(wire::filter_type::tag)) {
    logger()->warn("no tag filter is loaded (libberth-filter-tag.so not found): subscriptions "
                   "to tag lists are refused, '*' is served");
  }
  groups_ = std::make_unique<group::group_service>(*topics_, store_.get(), *offsets_, filters_,
                                                   group::group_settings{.traces = &traces_});
  groups_->add_handlers(routes_);
  connections_.add_close_listener([this](const protocol::connection_ptr& gone) {
    clients_.forget(gone);
    if (groups_) groups_->disconnected(gone);
    if (transactions_) transactions_->disconnected(gone);
  });
  if (store_) {
    // Plugins' messages for the broker's own topics (trace-topic's records).
    own_topics_ = std::make_unique<produce::own_topic_writer>(*topics_, *store_);
    services_.own_topics.store(own_topics_.get());
    timer::timer_settings timing;
    timing.checkpoint_file = timer::timer_checkpoint_path(plan_.config.broker.data_dir);
    timing.max_delay =
        std::chrono::duration_cast<std::chrono::milliseconds>(plan_.config.broker.max_delay);
    auto timer = timer::timer_service::open(*topics_, *store_, scheduler_, std::move(timing));
    if (!timer) return failure(BERTH_E_IO, "cannot start the timer: " + timer.error().message);
    timer_ = std::move(timer).value();
    // Transactions: half messages come through SEND; END_TRANSACTION, check-back.
    const config::transaction_settings& tx = plan_.config.transaction;
    transactions_ = std::make_unique<transaction::transaction_service>(
        *topics_, *store_, scheduler_,
        transaction::transaction_settings{tx.check_interval, tx.timeout, tx.max_checks},
        plan_.config.broker.data_dir);
    if (auto started = transactions_->start(); !started) {
      return failure(started.error().code,
                     "cannot recover the transactions: " + started.error().message);
    }
    transactions_->add_handlers(routes_);
    produce::add_produce_handlers(routes_, *topics_, *store_,
                                  {protocol::default_max_message_size, transactions_.get(),
                                   &traces_, &traffic_,
                                   {plan_.config.broker.produce_max_pending_bytes,
                                    plan_.config.broker.produce_max_pending_wait},
                                   &metrics_},
                                  timer_.get());
    produce::add_recall_handler(routes_, *timer_);
    // A consumer's failed messages: retried through the timer, then dead letters.
    retry::add_send_back_handler(routes_, *topics_, *store_, *timer_,
                                 {plan_.config.broker.max_reconsume});
    query::add_query_handlers(routes_, *topics_, *store_);
    pulls_ = std::make_unique<delivery::pull_service>(*topics_, *store_, *offsets_, filters_,
                                                      scheduler_,
                                                      delivery::pull_settings{
                                                          .traces = &traces_, .traffic = &traffic_});
    pulls_->add_handlers(routes_);
    pop::pop_settings popping;
    popping.default_max_attempts = plan_.config.broker.max_reconsume + 1;  // the first + retries
    popping.traces = &traces_;
    popping.traffic = &traffic_;
    auto pops = pop::pop_service::open(plan_.config.broker.data_dir, *topics_, *store_,
                                       *offsets_, filters_, scheduler_, popping);
    if (!pops) return boost::outcome_v2::failure(pops.error());
    pops_ = std::move(pops).value();
    pops_->add_handlers(routes_);
    auto listening = store_->set_arrival_listener(
        [pulls = pulls_.get(), pops = pops_.get(), timer = timer_.get()](
            std::string_view topic, uint32_t queue, uint64_t max_offset) {
          pulls->arrived(topic, queue, max_offset);
          pops->arrived(topic, queue, max_offset);
          if (topic == topic::timer_topic) timer->arrived(max_offset);
        });
    if (!listening) return boost::outcome_v2::failure(listening.error());
  }
  schedule_housekeeping();
  return success();
}

void broker::schedule_housekeeping() {
  scheduler_.post(housekeeping_owner_, std::chrono::seconds(1), [this] {
    housekeeping();
    schedule_housekeeping();
  });
}

void broker::housekeeping() {
  if (groups_) groups_->expire_members(std::chrono::steady_clock::now());
  // Every tick (1 s) writes offsets.json when a commit changed it: a kill loses at most the
  // last second of commits (RocketMQ saves every 5 s; a crash loop with short lives then
  // never saves at all). An idle table costs nothing: save() skips an unchanged one.
  save_offsets();
}

void broker::save_offsets() {
  if (!offsets_) return;
  // Retried every second: a full or read-only disk is logged when it starts, when its cause
  // changes and when it ends, not at every retry.
  auto saved = offsets_->save();
  if (!saved && saved.error().message != offsets_save_failure_) {
    offsets_save_failure_ = saved.error().message;
    logger()->error("cannot save the consumer offsets (kept in memory, retried every second): {}",
                    offsets_save_failure_);
  } else if (saved && !offsets_save_failure_.empty()) {
    offsets_save_failure_.clear();
    logger()->info("consumer offsets saved again");
  }
}

result<void> broker::create_instances() {
  for (const resolved_plugin& p : plan_.plugins) {
    plugin_host::plugin_instance::settings settings{p.table.id, p.table.log_level, p.config};
    auto made = plugin_host::plugin_instance::create(p.library, std::move(settings), services_);
    // Authentication fails closed: a broker never runs open because its auth plugin broke.
    const bool may_skip = p.library->kind() != config::plugin_kind::auth;
    if (made) {
      instances_.push_back({std::move(made).value(), p.table.on_start_error});
    } else if (!may_skip || !tolerate_start_failure(p.table.on_start_error, made.error().message)) {
      return boost::outcome_v2::failure(made.error());
    } else if (p.library->kind() == config::plugin_kind::transport) {
      transport_states_.push_back({p.table.id, p.table.plugin, {}, made.error().message});
    }
  }
  return success();
}

bool broker::tolerate_start_failure(config::start_error_policy policy, const std::string& message) {
  if (policy != config::start_error_policy::disable) return false;
  logger()->warn("{} (disabled: on_start_error = \"disable\")", message);
  metrics_.add(start_failures_metric_, 1);
  return true;
}

result<void> broker::start_transports() {
  for (const auto& [instance, on_start_error] : instances_) {
    if (instance->kind() != config::plugin_kind::transport) continue;
    const auto& ops = instance->ops<berth_transport_ops>();
    std::array<char, 1024> message{};
    berth_errbuf err{message.data(), message.size()};
    const berth_status status = ops.start(instance->handle(), &err);
    if (status != BERTH_OK) {
      const std::string text = fmt::format("transport '{}' ({}) failed to start: {}", instance->id(),
                                           instance->plugin().path().string(),
                                           message[0] != '\0' ? message.data() : "no reason given");
      if (tolerate_start_failure(on_start_error, text)) {
        record_transport(instance, {}, text);
        continue;
      }
      return failure(status, text);
    }
    started_transports_.push_back(instance);
    std::array<char, 256> endpoint{};
    if (ops.endpoint(instance->handle(), endpoint.data(), endpoint.size()) == BERTH_OK) {
      endpoints_.emplace_back(instance->id(), endpoint.data());
      logger()->info("transport '{}' listening on {}", instance->id(), endpoint.data());
    }
    record_transport(instance, endpoint.data(), {});
  }
  return success();
}

void broker::record_transport(const plugin_host::instance_ptr& instance, std::string endpoint,
                              std::string problem) {
  transport_states_.push_back(
      {instance->id(), instance->plugin().name(), std::move(endpoint), std::move(problem)});
}

admin::broker_parts broker::admin_parts() const {
  admin::broker_parts parts;
  parts.config = &plan_.config;
  parts.topics = topics_.get();
  parts.store = store_.get();
  parts.groups = groups_.get();
  parts.connections = &connections_;
  for (const running_plugin& p : instances_) {
    const plugin_host::library& lib = p.instance->plugin();
    parts.plugins.push_back({p.instance->id(), std::string(config::to_string(lib.kind())),
                             lib.name(), lib.version(), lib.abi_version(), lib.path().string()});
  }
  parts.transports = transport_states_;
  parts.started_at = started_at_;
  return parts;
}

void broker::stop_transports() {
  const auto deadline = monotonic_ns() + static_cast<std::uint64_t>(
                                             plan_.config.broker.shutdown_timeout.count());
  for (auto it = started_transports_.rbegin(); it != started_transports_.rend(); ++it) {
    (*it)->ops<berth_transport_ops>().stop((*it)->handle(), deadline);
    logger()->info("transport '{}' stopped", (*it)->id());
  }
  started_transports_.clear();
}

void broker::stop_tracers() {
  traces_.clear();
  std::erase_if(instances_, [](const running_plugin& p) {
    return p.instance->kind() == config::plugin_kind::tracer;
  });
  services_.own_topics.store(nullptr);
  if (own_topics_) own_topics_->close();
}

void broker::sync_store() {
  for (const auto& [instance, on_start_error] : instances_) {
    if (instance->kind() != config::plugin_kind::store) continue;
    std::array<char, 1024> message{};
    berth_errbuf err{message.data(), message.size()};
    if (instance->ops<berth_store_ops>().sync(instance->handle(), &err) != BERTH_OK) {
      logger()->error("store '{}' failed to sync at shutdown: {}", instance->id(), message.data());
    }
  }
}

void broker::stop() {
  const bool was_running = running_;
  running_ = false;
  admin_.withdraw();  // /readyz says "stopping"; no API request reads what is torn down next
  connections_.stop_accepting();
  if (pulls_) pulls_->stop();  // parked pulls are told, while their connections are open
  if (pops_) pops_->stop();    // parked pops too; the pop state is saved
  stop_transports();
  if (transactions_) transactions_->stop();
  scheduler_.retire_owner(housekeeping_owner_);
  if (timer_) timer_->stop();  // its last deliveries done, its checkpoint saved
  save_offsets();
  stop_tracers();
  if (store_) (void)store_->set_arrival_listener({});
  sync_store();
  pulls_.reset();
  pops_.reset();  // saves the pop state again if acks came while the transports drained
  timer_.reset();
  groups_.reset();
  filters_.clear();
  gate_.reset();  // no frame arrives any more: the transports are stopped
  transactions_.reset();
  store_.reset();
  while (!instances_.empty()) {  // reverse creation order
    instances_.pop_back();
  }
  scheduler_.shutdown();
  admin_.stop();
  lock_.reset();
  if (was_running) logger()->info("berthd '{}' stopped", plan_.config.broker.name);
}

}  // namespace berth::kernel::broker
