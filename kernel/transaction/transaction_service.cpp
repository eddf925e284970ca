#include "transaction/transaction_service.hpp"

#include "protocol/store_status.hpp"
#include "topic/system_topics.hpp"
#include "transaction/checkpoint_file.hpp"
#include "transaction/half_messages.hpp"

#include <berth/wire/properties.hpp>

#include <fmt/format.h>

namespace berth::kernel::transaction {
namespace {

namespace properties = wire::properties;

std::string_view property(const wire::message& m, std::string_view name) {
  for (const wire::property& p : m.properties) {
    if (p.name == name) return p.value;
  }
  return {};
}

bool has_property(const wire::message& m, std::string_view name) {
  for (const wire::property& p : m.properties) {
    if (p.name == name) return true;
  }
  return false;
}

}  // namespace

transaction_service::transaction_service(topic::topic_table& topics, store::store& store,
                                         executor::scheduler& scheduler,
                                         transaction_settings settings,
                                         std::filesystem::path data_dir)
    : topics_(topics),
      store_(store),
      scheduler_(scheduler),
      settings_(settings),
      checkpoint_file_(checkpoint_file_path(data_dir)),
      table_(std::make_unique<transaction_table>()) {}

transaction_service::~transaction_service() { stop(); }

result<void> transaction_service::start() {
  if (auto recovered = recover(); !recovered) return recovered;
  running_ = true;
  schedule_checks();
  return success();
}

void transaction_service::stop() {
  if (!running_) return;
  running_ = false;
  scheduler_.retire_owner(owner_);
  save_checkpoint_if_changed();
}

void transaction_service::add_handlers(protocol::router& routes) {
  routes.add(wire::code::end_transaction,
             [this](const protocol::request& req, const protocol::responder& answer) {
               end_transaction(req, answer);
             });
  routes.add(wire::code::producer_register,
             [this](const protocol::request& req, const protocol::responder& answer) {
               producer_register(req, answer);
             });
}

void transaction_service::disconnected(const protocol::connection_ptr& gone) {
  producers_.forget(gone);
}

std::optional<produce::refusal> transaction_service::refuse(const wire::message& half) const {
  if (property(half, properties::producer_group).empty()) {
    return produce::refusal{wire::status::invalid_argument,
                            fmt::format("a transactional message names its producer group in "
                                        "property {}",
                                        properties::producer_group)};
  }
  if (has_property(half, properties::delay_level) || has_property(half, properties::deliver_at_ms)) {
    return produce::refusal{wire::status::invalid_argument,
                            "transactional messages cannot be delayed"};
  }
  return std::nullopt;
}

void transaction_service::store_half(const wire::message& half,
                                     const produce::destination& where,
                                     const protocol::responder& answer) {
  if (auto made = topics_.ensure(topic::transaction_half_topic, {1, wire::default_perm}); !made) {
    return answer.fail(wire::status::internal, made.error().message);
  }
  std::string id = ids_.next();
  store::message_builder stored = half_of(half, where, id, answer.connection()->peer(),
                                          answer.connection()->local());
  std::string group(property(half, properties::producer_group));
  const berth_message_view* views[] = {&stored.view()};  // read during the call only
  table_->half_appending();
  store_.append_async(views, [this, answer, id = std::move(id), group = std::move(group)](
                                 result<std::vector<store::appended>> done) {
    if (!done) {
      table_->half_append_failed();
      return answer.fail(protocol::status_of_store_error(done.error().code),
                         done.error().message);
    }
    const store::appended& a = done.value().front();
    table_->half_appended({a.queue_offset, id, a.message_id, group, a.store_time_ms, 0, false});
    answer.ok(wire::send_result{id, 0, a.queue_offset, a.log_offset, a.store_time_ms});
  });
}

}  // namespace berth::kernel::transaction
