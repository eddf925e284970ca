#include "produce/send_handler.hpp"

#include "protocol/store_status.hpp"
#include "topic/system_topics.hpp"

#include <berth/abi/berth_message.h>
#include <berth/wire/bodies.hpp>
#include <berth/wire/properties.hpp>
#include <berth/wire/reader.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace berth::kernel::produce {

namespace {

using protocol::status_of_store_error;

berth_str abi_str(std::string_view s) { return berth_str{s.data(), s.size()}; }

wire::status status_of_topic_error(topic::errc e) {
  switch (e) {
    case topic::errc::invalid_argument: return wire::status::invalid_argument;
    case topic::errc::no_topic: return wire::status::no_topic;
    case topic::errc::exists:
    case topic::errc::io: break;
  }
  return wire::status::internal;
}

// A traced append: the fields of each message the PRODUCE event reports, kept until the store
// answers, and the time it started.
class produce_trace {
 public:
  produce_trace(const trace::trace_hub& hub, const protocol::connection& client,
                const std::string& topic, uint32_t queue,
                const std::vector<berth_message_view>& records)
      : hub_(hub), topic_(topic), queue_(queue), client_(client.peer()),
        principal_(client.principal()), started_(std::chrono::steady_clock::now()) {
    messages_.reserve(records.size());
    for (const berth_message_view& v : records) {
      messages_.push_back({std::string(v.tags.ptr, v.tags.len), std::string(v.keys.ptr, v.keys.len),
                           std::string(trace::traceparent_of(v.properties, v.property_count)),
                           v.body.len});
    }
  }

  void report(const result<std::vector<store::appended>>& done) const {
    const auto cost = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    std::vector<berth_trace_event> events;
    events.reserve(messages_.size());
    for (size_t i = 0; i < messages_.size(); ++i) {
      const traced_message& m = messages_[i];
      berth_trace_event& e = events.emplace_back(trace::new_event(BERTH_TRACE_PRODUCE));
      e.topic = abi_str(topic_);
      e.queue_id = queue_;
      e.tags = abi_str(m.tags);
      e.keys = abi_str(m.keys);
      e.traceparent = abi_str(m.traceparent);
      e.client = abi_str(client_);
      e.principal = abi_str(principal_);
      e.body_size = m.body_size;
      e.latency_us = static_cast<uint64_t>(cost.count());
      if (done && i < done.value().size()) {
        const store::appended& a = done.value()[i];
        e.queue_offset = a.queue_offset;
        e.message_id = abi_str(a.message_id);
      } else {
        e.status = done ? BERTH_E_INTERNAL : done.error().code;
      }
    }
    std::vector<const berth_trace_event*> pointers;
    pointers.reserve(events.size());
    for (const berth_trace_event& e : events) pointers.push_back(&e);
    hub_.emit_all(pointers);
  }

 private:
  struct traced_message {
    std::string tags, keys, traceparent;
    uint64_t body_size = 0;
  };
  const trace::trace_hub& hub_;
  std::string topic_;
  uint32_t queue_;
  std::string client_;
  std::string principal_;
  std::chrono::steady_clock::time_point started_;
  std::vector<traced_message> messages_;
};

class send_handler {
 public:
  send_handler(topic::topic_table& topics, store::store& store, produce_settings settings,
               timer::timer_service* timer)
      : topics_(topics), store_(store), settings_(settings), timer_(timer),
        admission_(admission::create(settings.admission)) {
    if (settings_.metrics != nullptr) {
      const char* help =
          "SEND and SEND_BATCH answered BUSY: the appends waiting for the store were over a "
          "[broker] produce_max_pending_* limit";
      busy_bytes_metric_ = settings_.metrics
                               ->add(metrics::metric_type::counter, "berth_produce_busy_total",
                                     help, {{"limit", "bytes"}})
                               .value();
      busy_wait_metric_ = settings_.metrics
                              ->add(metrics::metric_type::counter, "berth_produce_busy_total",
                                    help, {{"limit", "wait"}})
                              .value();
    }
  }

  // The place of this request among the appends waiting for the store, or null after
  // answering BUSY.
  admission::ticket_ptr admit(const protocol::request& req, const protocol::responder& answer) {
    auto decision = admission_->try_admit(req.body.size());
    if (decision.busy) {
      if (settings_.metrics != nullptr) {
        settings_.metrics->add(decision.busy->over == busy_refusal::limit::bytes
                                   ? busy_bytes_metric_
                                   : busy_wait_metric_,
                               1);
      }
      answer.fail(wire::status::busy, decision.busy->message);
      return nullptr;
    }
    return std::move(decision.admitted);
  }

  void send(const protocol::request& req, const protocol::responder& answer) {
    auto ticket = admit(req, answer);
    if (!ticket) return;
    auto decoded = wire::decode<wire::message>(req.body, req.header.code);
    if (!decoded) return answer.fail(decoded.error().status, decoded.error().message);
    const std::vector<wire::message> one{std::move(decoded).value()};
    const bool half = is_half_message(one.front());
    if (half && settings_.halves == nullptr) {
      return answer.fail(wire::status::invalid_argument,
                         "this broker takes no transactional messages");
    }
    if (half) {
      if (auto refused = settings_.halves->refuse(one.front())) {
        return answer.fail(refused->status, refused->message);
      }
    }
    const auto where = place(one, false);
    if (const auto* refused = std::get_if<refusal>(&where)) {
      return answer.fail(refused->status, refused->message);
    }
    const auto& to = std::get<destination>(where);
    if (half) return settings_.halves->store_half(one.front(), to, answer);
    const auto delayed = delay_of(one.front());
    if (const auto* refused = std::get_if<refusal>(&delayed)) {
      return answer.fail(refused->status, refused->message);
    }
    if (const auto at = std::get<std::optional<int64_t>>(delayed)) {
      return park(one.front(), to.queue, *at, answer);
    }
    append(one, to, answer, false, std::move(ticket));
  }

  void send_batch(const protocol::request& req, const protocol::responder& answer) {
    auto ticket = admit(req, answer);
    if (!ticket) return;
    auto decoded = wire::decode<wire::send_batch_request>(req.body, req.header.code);
    if (!decoded) return answer.fail(decoded.error().status, decoded.error().message);
    for (size_t i = 0; i < decoded->messages.size(); ++i) {
      if (is_half_message(decoded->messages[i])) {
        return answer.fail(wire::status::invalid_argument,
                           "message " + std::to_string(i) +
                               " of the batch: a transactional message is sent alone (SEND)");
      }
      if (asks_delay(decoded->messages[i])) {
        return answer.fail(wire::status::invalid_delay,
                           "message " + std::to_string(i) +
                               " of the batch: a batch cannot carry delayed messages: send "
                               "them one by one");
      }
    }
    const auto where = place(decoded->messages, true);
    if (const auto* refused = std::get_if<refusal>(&where)) {
      return answer.fail(refused->status, refused->message);
    }
    append(decoded->messages, std::get<destination>(where), answer, true, std::move(ticket));
  }

 private:
  // The checks every SEND and SEND_BATCH passes, in order, and the queue it goes to.
  std::variant<destination, refusal> place(const std::vector<wire::message>& messages,
                                           bool batch) {
    if (messages.empty()) return refusal{wire::status::invalid_argument, "the batch is empty"};
    const wire::message& first = messages.front();
    const std::string topic(first.topic);
    if (topic::is_system_topic(topic)) {
      return refusal{wire::status::no_permission,
                     "topic '" + topic + "' is the broker's own: producers may not send to it"};
    }
    auto settings = topics_.find_or_create(topic);
    if (!settings) {
      return refusal{status_of_topic_error(settings.error().code), settings.error().message};
    }
    if ((settings.value().perm & wire::perm_write) == 0) {
      return refusal{wire::status::no_permission,
                     "topic '" + topic + "' does not take messages (perm " +
                         std::to_string(settings.value().perm) + ")"};
    }
    const uint32_t queues = settings.value().queues;
    uint32_t queue = 0;
    if (first.queue_id < 0) {
      queue = static_cast<uint32_t>(next_queue_.fetch_add(1, std::memory_order_relaxed) % queues);
    } else if (static_cast<uint32_t>(first.queue_id) >= queues) {
      return refusal{wire::status::no_queue,
                     "queue " + std::to_string(first.queue_id) + " of topic '" + topic +
                         "': the topic has " + std::to_string(queues) + " queues"};
    } else {
      queue = static_cast<uint32_t>(first.queue_id);
    }
    for (size_t i = 0; i < messages.size(); ++i) {
      const wire::message& m = messages[i];
      const auto which = [&] {
        return batch ? "message " + std::to_string(i) + " of the batch: " : std::string();
      };
      if (m.topic != first.topic || m.queue_id != first.queue_id) {
        return refusal{wire::status::invalid_argument,
                       which() + "a batch goes to one topic and queue, as its first message"};
      }
      if (m.body.size() > settings_.max_message_size) {
        return refusal{wire::status::message_too_large,
                       which() + "body of " + std::to_string(m.body.size()) +
                           " bytes is over the limit of " +
                           std::to_string(settings_.max_message_size)};
      }
    }
    return destination{topic, queue};
  }

  // Build the store's views and append without waiting; answer from the acknowledgement.
  void append(const std::vector<wire::message>& messages, const destination& to,
              const protocol::responder& answer, bool batch, admission::ticket_ptr ticket) {
    const std::string& topic = to.topic;
    const uint32_t queue = to.queue;
    size_t property_count = 0;
    for (const wire::message& m : messages) property_count += m.properties.size();
    // The store reads the views during append_async only, so they point straight into the
    // request frame: no copy of a body, and two allocations per batch, not per message.
    std::vector<berth_property> properties;
    properties.reserve(property_count);
    std::vector<berth_message_view> records(messages.size());
    std::vector<const berth_message_view*> views(messages.size());
    const std::string& peer = answer.connection()->peer();
    const std::string& local = answer.connection()->local();
    for (size_t i = 0; i < messages.size(); ++i) {
      const wire::message& m = messages[i];
      berth_message_view& v = records[i];
      v.struct_size = sizeof v;
      v.queue_id = queue;
      v.topic = abi_str(topic);
      v.born_time_ms = m.born_time_ms;
      v.tags = abi_str(m.tags);
      v.keys = abi_str(m.keys);
      v.tag_hash = berth_tag_hash(v.tags);
      v.properties = properties.data() + properties.size();
      v.property_count = static_cast<uint32_t>(m.properties.size());
      for (const wire::property& p : m.properties) {
        properties.push_back({abi_str(p.name), abi_str(p.value)});
      }
      v.flag = m.flag;
      v.body = berth_bytes{m.body.data(), m.body.size()};
      v.born_host = abi_str(peer);
      v.store_host = abi_str(local);
      views[i] = &v;
    }
    // Traced: what the event needs of each message, copied (the views die with the request).
    std::shared_ptr<produce_trace> traced;
    if (settings_.traces != nullptr && settings_.traces->active()) {
      traced = std::make_shared<produce_trace>(*settings_.traces, *answer.connection(), topic,
                                               queue, records);
    }
    uint64_t bytes = 0;
    for (const wire::message& m : messages) bytes += m.body.size();
    // The ticket holds this append's place until the store answers (given back at the first
    // line of the callback, not when the store drops it).
    store_.append_async(views, [answer, queue, batch, traced, traffic = settings_.traffic, topic,
                                bytes, began = std::chrono::steady_clock::now(),
                                ticket = std::move(ticket)](
                                   result<std::vector<store::appended>> done) mutable {
      ticket.reset();
      if (traced) traced->report(done);
      if (!done) {
        return answer.fail(status_of_store_error(done.error().code), done.error().message);
      }
      if (traffic != nullptr) {
        traffic->append_latency(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
        traffic->produced(topic, done.value().size(), bytes);
      }
      wire::send_batch_response out;
      out.results.reserve(done.value().size());
      for (const store::appended& a : done.value()) {
        out.results.push_back({a.message_id, queue, a.queue_offset, a.log_offset, a.store_time_ms});
      }
      if (batch) return answer.ok(out);
      answer.ok(out.results.front());
    });
  }

  static std::optional<std::string_view> find(const wire::message& m, std::string_view name) {
    for (const wire::property& p : m.properties) {
      if (p.name == name) return p.value;
    }
    return std::nullopt;
  }
  static bool asks_delay(const wire::message& m) {
    return find(m, wire::properties::delay_level) || find(m, wire::properties::deliver_at_ms);
  }

  // When `m` is due, if it asks for a time still ahead; why not, if its delay is refused.
  std::variant<std::optional<int64_t>, refusal> delay_of(const wire::message& m) const {
    const auto level = find(m, wire::properties::delay_level);
    const auto time = find(m, wire::properties::deliver_at_ms);
    if (!level && !time) return std::optional<int64_t>();
    if (timer_ == nullptr) {
      return refusal{wire::status::invalid_delay, "this broker does not deliver delayed messages"};
    }
    const int64_t now = timer_->now_ms();
    const auto asked = timer::parse_delay_request(level, time, now, timer_->max_delay());
    if (const auto* refused = std::get_if<timer::delay_refused>(&asked)) {
      return refusal{wire::status::invalid_delay, refused->reason};
    }
    const int64_t at = std::get<timer::deliver_at>(asked).time_ms;
    return at > now ? std::optional<int64_t>(at) : std::optional<int64_t>();
  }

  // Park one message until `at`; answered with where the parked copy went.
  void park(const wire::message& m, uint32_t queue, int64_t at, const protocol::responder& answer) {
    store::message_builder parked(std::string(m.topic), queue);
    parked.tags(std::string(m.tags))
        .keys(std::string(m.keys))
        .flag(m.flag)
        .born_time_ms(m.born_time_ms)
        .born_host(answer.connection()->peer())
        .store_host(answer.connection()->local())
        .body(m.body);
    for (const wire::property& p : m.properties) {
      parked.property(std::string(p.name), std::string(p.value));
    }
    timer_->park(std::move(parked), at, [answer, queue](result<store::appended> done) {
      if (!done) return answer.fail(status_of_store_error(done.error().code), done.error().message);
      const store::appended& a = done.value();
      answer.ok(wire::send_result{a.message_id, queue, a.queue_offset, a.log_offset, a.store_time_ms});
    });
  }

  topic::topic_table& topics_;
  store::store& store_;
  const produce_settings settings_;
  timer::timer_service* const timer_;
  const std::shared_ptr<admission> admission_;
  uint32_t busy_bytes_metric_ = 0;
  uint32_t busy_wait_metric_ = 0;
  std::atomic<uint64_t> next_queue_{0};  // round robin for queue_id -1
};

}  // namespace

bool is_half_message(const wire::message& m) {
  for (const wire::property& p : m.properties) {
    if (p.name == wire::properties::transaction_prepared) return p.value == "true";
  }
  return false;
}

void add_produce_handlers(protocol::router& routes, topic::topic_table& topics,
                          store::store& store, produce_settings settings,
                          timer::timer_service* timer) {
  auto handler = std::make_shared<send_handler>(topics, store, settings, timer);
  routes.add(wire::code::send, [handler](const protocol::request& req,
                                         const protocol::responder& answer) {
    handler->send(req, answer);
  });
  routes.add(wire::code::send_batch, [handler](const protocol::request& req,
                                               const protocol::responder& answer) {
    handler->send_batch(req, answer);
  });
}

}  // namespace berth::kernel::produce
