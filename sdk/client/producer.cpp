#include <berth/client/producer.hpp>

#include "common.hpp"
#include "connection.hpp"
#include "listener_pool.hpp"

#include <berth/wire/properties.hpp>
#include <berth/wire/transaction_bodies.hpp>

#include <future>
#include <optional>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace berth::client {

namespace props = wire::properties;
using internal::frame;
using namespace std::chrono_literals;

namespace {

const std::string empty_string;
// END_TRANSACTION answered BUSY (a check-back holds the transaction for a moment): asked again
// after end_busy_pause, for up to end_busy_patience.
constexpr std::chrono::milliseconds end_busy_pause = 20ms;
constexpr std::chrono::milliseconds end_busy_patience = 1000ms;

wire::transaction_resolution resolution_of(transaction_state s) {
  switch (s) {
    case transaction_state::commit: return wire::transaction_resolution::commit;
    case transaction_state::rollback: return wire::transaction_resolution::rollback;
    case transaction_state::unknown: break;
  }
  return wire::transaction_resolution::unknown;
}

// The user's decision; an exception counts as unknown.
template <class Fn>
transaction_state decided(Fn&& decide) {
  try {
    return decide();
  } catch (...) {
    return transaction_state::unknown;
  }
}

error moved_from() { return error{errc::closed, wire::status::ok, "the producer was moved from"}; }

// What picks the message's queue: its message group, else its sharding key (null: neither).
const std::string* ordering_key(const message& m) {
  if (m.message_group) return &*m.message_group;
  return m.sharding_key ? &*m.sharding_key : nullptr;
}

// One send (SEND or SEND_REPLY) through its attempts.
struct send_op {
  internal::prepared_message prepared;
  wire::code code = wire::code::send;
  int attempts_left = 0;
  send_callback done;
};

// One SEND_BATCH through its attempts.
struct batch_op {
  std::optional<internal::outgoing> encoded;        // the frame, when no queue count was needed
  std::vector<internal::prepared_message> prepared;  // else the messages, encoded once it is known
  size_t largest = 0;        // the largest body, checked against the connection's limit
  bool needs_route = false;  // a message's queue comes from its key: the queue count is needed
  int attempts_left = 0;
  batch_callback done;
};

}  // namespace

class producer::impl {
 public:
  explicit impl(producer_options options) : options_(std::move(options)) {
    internal::connection_options c =
        internal::options_for(options_);
    c.max_message_size = options_.max_message_size;
    c.limit_source = "producer_options::max_message_size";
    conn_ = std::make_unique<internal::connection>(std::move(c));
    conn_->set_push_handler([this](const frame& f) { on_push(f); });
    if (!options_.producer_group.empty()) {
      conn_->set_connected_handler([this](bool) { register_group(); });
    }
    if (options_.checker) checkers_ = std::make_unique<internal::listener_pool>(1);
  }

  ~impl() {
    if (checkers_) checkers_->stop();
    conn_->shutdown();
  }

  result<void> start() {
    if (options_.request_timeout <= 0ms) {
      return failure(errc::invalid_argument, "request_timeout must be positive");
    }
    if (options_.retries < 0) return failure(errc::invalid_argument, "retries must be >= 0");
    return conn_->start();
  }

  void shutdown() {
    if (checkers_) checkers_->stop();
    conn_->shutdown();
    // Requests still waiting for a reply end now.
    std::unordered_map<std::string, std::shared_ptr<std::promise<result<received_message>>>> left;
    {
      std::lock_guard lock(replies_mutex_);
      left.swap(replies_);
    }
    for (auto& [id, p] : left) p->set_value(failure(errc::closed, "the producer was shut down"));
  }

  const std::string& client_id() const noexcept { return options_.client_id; }

  // ---- SEND ----------------------------------------------------------------------------

  void send_async(const message& m, wire::code code, send_callback done) {
    if (result<void> ok = internal::check_message(m); !ok) {
      done(failure(ok.error()));
      return;
    }
    auto op = std::make_shared<send_op>();
    op->prepared = prepare(m);
    op->code = code;
    op->attempts_left = options_.retries;
    op->done = std::move(done);
    start_send(std::move(op));
  }

  result<send_receipt> send(const message& m, wire::code code) {
    if (conn_->on_io_thread()) return failure(internal::io_thread_refusal(wire::name(code)));
    auto promise = std::make_shared<std::promise<result<send_receipt>>>();
    std::future<result<send_receipt>> answer = promise->get_future();
    send_async(m, code, [promise](result<send_receipt> r) { promise->set_value(std::move(r)); });
    return answer.get();
  }

  result<std::vector<send_receipt>> send_batch(std::span<const message> messages) {
    if (conn_->on_io_thread()) return failure(internal::io_thread_refusal("SEND_BATCH"));
    auto promise = std::make_shared<std::promise<result<std::vector<send_receipt>>>>();
    auto answer = promise->get_future();
    send_batch_async(messages, [promise](result<std::vector<send_receipt>> r) {
      promise->set_value(std::move(r));
    });
    return answer.get();
  }

  void send_batch_async(std::span<const message> messages, batch_callback done) {
    if (messages.empty()) {
      return done(failure(errc::invalid_argument, "SEND_BATCH: the batch is empty"));
    }
    auto op = std::make_shared<batch_op>();
    const std::string& topic = messages.front().topic;
    for (size_t i = 0; i < messages.size(); ++i) {
      const message& m = messages[i];
      const auto which = [i] { return "SEND_BATCH: message " + std::to_string(i) + ": "; };
      if (result<void> ok = internal::check_message(m, which()); !ok) return done(failure(ok.error()));
      if (m.topic != topic) {
        return done(failure(errc::invalid_argument, which() + "topic '" + m.topic +
                                                         "' differs from the batch's '" + topic +
                                                         "' (a batch goes to one topic)"));
      }
      if (!m.queue_id && ordering_key(m) != nullptr) op->needs_route = true;
      op->largest = std::max(op->largest, m.body.size());
    }
    if (op->needs_route) {
      // Encoded once the queue count is known: the messages are kept until then.
      op->prepared.reserve(messages.size());
      for (const message& m : messages) op->prepared.push_back(prepare(m));
    } else {
      // Encoded now, straight from the caller's messages; the frame is kept for retries.
      std::vector<internal::send_extras> extras;
      extras.reserve(messages.size());
      for (const message& m : messages) extras.push_back(internal::extras_for(m, ids_));
      result<internal::outgoing> out = encode_batch(
          messages.size(), [&](size_t i) -> const message& { return messages[i]; },
          [&](size_t i) -> const internal::send_extras& { return extras[i]; }, std::nullopt,
          op->largest);
      if (!out) return done(failure(out.error()));
      op->encoded = std::move(out).value();
    }
    op->attempts_left = options_.retries;
    op->done = std::move(done);
    start_batch(std::move(op));
  }

  // ---- transactions --------------------------------------------------------------------

  result<transaction_receipt> send_in_transaction(const message& m, const local_transaction& local) {
    if (conn_->on_io_thread()) return failure(internal::io_thread_refusal("send_in_transaction"));
    if (options_.producer_group.empty()) {
      return failure(errc::invalid_argument,
                     "send_in_transaction: producer_options::producer_group is empty");
    }
    if (!local) return failure(errc::invalid_argument, "send_in_transaction: no local transaction");
    message half = m;
    half.set_property(props::transaction_prepared, "true");
    half.set_property(props::producer_group, options_.producer_group);
    result<send_receipt> sent = send(half, wire::code::send);
    if (!sent) return failure(sent.error());
    transaction_receipt out;
    out.half = sent.value();
    out.state = decided([&] { return local(m, out.half); });
    result<frame> ended = end_transaction(out);
    if (!ended) out.end_error = ended.error();
    return out;
  }

  // END_TRANSACTION for the half. BUSY means the broker's check-back of this transaction held
  // it for a moment and nothing was done: asked again shortly, for up to a second.
  result<frame> end_transaction(const transaction_receipt& tx) {
    const wire::end_transaction_request req{options_.producer_group, tx.half.message_id,
                                            tx.half.queue_offset, resolution_of(tx.state), false};
    const auto give_up = std::chrono::steady_clock::now() + end_busy_patience;
    for (;;) {
      result<frame> ended = conn_->call(wire::code::end_transaction, req, options_.request_timeout);
      const bool busy = !ended && ended.error().code == errc::broker &&
                        ended.error().status == wire::status::busy;
      if (!busy || std::chrono::steady_clock::now() >= give_up) return ended;
      std::this_thread::sleep_for(end_busy_pause);
    }
  }

  // ---- request / reply -----------------------------------------------------------------

  result<received_message> request(const message& m, std::chrono::milliseconds timeout) {
    if (conn_->on_io_thread()) return failure(internal::io_thread_refusal("request"));
    if (timeout <= 0ms) {
      return failure(errc::invalid_argument, "request: the timeout must be positive");
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string correlation = ids_.next();
    message req = m;
    req.set_property(props::correlation_id, correlation);
    req.set_property(props::reply_to_client, options_.client_id);
    req.set_property(props::message_ttl, std::to_string(timeout.count()));
    auto waiter = std::make_shared<std::promise<result<received_message>>>();
    std::future<result<received_message>> reply = waiter->get_future();
    {
      std::lock_guard lock(replies_mutex_);
      replies_.emplace(correlation, waiter);
    }
    send_async(req, wire::code::send, [this, correlation](result<send_receipt> sent) {
      if (!sent) complete_reply(correlation, failure(sent.error()));
    });
    if (reply.wait_until(deadline) == std::future_status::ready) return reply.get();
    bool mine = false;
    {
      std::lock_guard lock(replies_mutex_);
      mine = replies_.erase(correlation) > 0;
    }
    if (!mine) return reply.get();  // completed in between
    return failure(errc::timeout, "request: no reply with CORRELATION_ID " + correlation +
                                      " within " + std::to_string(timeout.count()) + " ms");
  }

  result<send_receipt> send_reply(const received_message& request, message reply) {
    const auto correlation = request.property(props::correlation_id);
    const auto requester = request.property(props::reply_to_client);
    if (!correlation || !requester) {
      return failure(errc::invalid_argument,
                     "SEND_REPLY: the request carries no CORRELATION_ID or REPLY_TO_CLIENT "
                     "property (it was not sent with producer::request())");
    }
    reply.set_property(props::correlation_id, *correlation);
    reply.set_property(props::reply_to_client, *requester);
    if (reply.topic.empty()) reply.topic = request.topic;
    return send(reply, wire::code::send_reply);
  }

 private:
  struct route {
    uint32_t queues = 0;
    std::chrono::steady_clock::time_point fetched;
  };

  internal::prepared_message prepare(const message& m) {
    return internal::prepared_message{m, internal::extras_for(m, ids_)};
  }

  std::optional<uint32_t> cached_queues(const std::string& topic) {
    std::lock_guard lock(routes_mutex_);
    auto it = routes_.find(topic);
    if (it == routes_.end()) return std::nullopt;
    if (std::chrono::steady_clock::now() - it->second.fetched > options_.route_refresh) {
      return std::nullopt;
    }
    return it->second.queues;
  }
  void remember_queues(const std::string& topic, uint32_t queues) {
    std::lock_guard lock(routes_mutex_);
    routes_[topic] = route{queues, std::chrono::steady_clock::now()};
  }
  void forget_queues(const std::string& topic) {
    std::lock_guard lock(routes_mutex_);
    routes_.erase(topic);
  }

  static int32_t shard(const std::string& key, uint32_t queues) {
    return static_cast<int32_t>(internal::fnv1a_64(key) % queues);
  }

  // The queue of a sharding key from a TOPIC_DESCRIBE answer: -1 (the broker picks, and
  // may create the topic) when the topic is unknown.
  // The topic's queue count from a TOPIC_DESCRIBE answer (remembered); nullopt when the
  // broker does not know the topic yet (then the broker picks the queue).
  result<std::optional<uint32_t>> queues_from_describe(const std::string& topic,
                                                       result<frame> answer) {
    if (!answer) {
      if (answer.error().code == errc::broker && answer.error().status == wire::status::no_topic) {
        return std::optional<uint32_t>();
      }
      return failure(answer.error());
    }
    result<wire::topic_describe_response> d =
        internal::decode_response<wire::topic_describe_response>(answer.value());
    if (!d) return failure(d.error());
    if (d.value().queues == 0) return std::optional<uint32_t>();
    remember_queues(topic, d.value().queues);
    return std::optional<uint32_t>(d.value().queues);
  }

  result<int32_t> queue_from_describe(const std::string& topic, const std::string& key,
                                      result<frame> answer) {
    result<std::optional<uint32_t>> n = queues_from_describe(topic, std::move(answer));
    if (!n) return failure(n.error());
    return n.value() ? shard(key, *n.value()) : wire::any_queue;
  }

  void start_send(std::shared_ptr<send_op> op) {
    const message& m = op->prepared.msg;
    if (m.queue_id) return attempt(std::move(op), static_cast<int32_t>(*m.queue_id));
    const std::string* key = ordering_key(m);
    if (key == nullptr) return attempt(std::move(op), wire::any_queue);
    if (auto n = cached_queues(m.topic)) return attempt(std::move(op), shard(*key, *n));
    conn_->async_call(wire::code::topic_describe, wire::topic_describe_request{m.topic},
                      options_.request_timeout, [this, op](result<frame> answer) mutable {
                        const message& msg = op->prepared.msg;
                        result<int32_t> q =
                            queue_from_describe(msg.topic, *ordering_key(msg), std::move(answer));
                        if (!q) return retry_or_fail(std::move(op), q.error());
                        attempt(std::move(op), q.value());
                      });
  }

  void attempt(std::shared_ptr<send_op> op, int32_t queue) {
    result<internal::outgoing> out =
        internal::encode_request(op->code, op->prepared.view(queue), op->prepared.msg.body.size());
    if (!out) return op->done(failure(out.error()));
    conn_->async_request(std::move(out).value(), options_.request_timeout,
                         [this, op](result<frame> answer) mutable {
                           if (!answer) return retry_or_fail(std::move(op), answer.error());
                           result<wire::send_result> r =
                               internal::decode_response<wire::send_result>(answer.value());
                           if (!r) return op->done(failure(r.error()));
                           op->done(internal::to_receipt(r.value()));
                         });
  }

  void retry_or_fail(std::shared_ptr<send_op> op, const error& e) {
    const bool no_queue = e.code == errc::broker && e.status == wire::status::no_queue &&
                          ordering_key(op->prepared.msg) != nullptr &&
                          !op->prepared.msg.queue_id;
    if (no_queue) forget_queues(op->prepared.msg.topic);
    if (op->attempts_left <= 0 || !(e.retriable() || no_queue)) return op->done(failure(e));
    const int attempt_no = options_.retries - op->attempts_left;
    --op->attempts_left;
    if (e.code == errc::broker &&
        (e.status == wire::status::busy || e.status == wire::status::store_full)) {
      // The broker asked for patience.
      conn_->post_after(
          backoff_delay(attempt_no), [this, op] { start_send(op); },
          [op] { op->done(failure(errc::closed, "the producer was shut down")); });
      return;
    }
    start_send(std::move(op));
  }

  static std::chrono::milliseconds backoff_delay(int attempt) {
    return std::chrono::milliseconds(100 * (attempt + 1));
  }

  // A batch whose queue depends on a sharding key needs the topic's queue count first.
  void start_batch(std::shared_ptr<batch_op> op) {
    if (!op->needs_route) return attempt_batch(std::move(op), std::nullopt);
    // Only a batch that needs the queue count keeps its messages (encoded later).
    const std::string& topic = op->prepared.front().msg.topic;
    if (auto n = cached_queues(topic)) return attempt_batch(std::move(op), *n);
    conn_->async_call(wire::code::topic_describe, wire::topic_describe_request{topic},
                      options_.request_timeout, [this, op](result<frame> answer) mutable {
                        const std::string& t = op->prepared.front().msg.topic;
                        result<std::optional<uint32_t>> n = queues_from_describe(t, std::move(answer));
                        if (!n) return retry_or_fail_batch(std::move(op), n.error());
                        attempt_batch(std::move(op), n.value());
                      });
  }

  // The SEND_BATCH frame of messages 0..count-1 (`message_at(i)`, `extras_at(i)`), to the
  // queue they agree on: each message's explicit queue, else its key's shard of `queues`,
  // else the broker's choice.
  template <class MessageAt, class ExtrasAt>
  result<internal::outgoing> encode_batch(size_t count, MessageAt message_at, ExtrasAt extras_at,
                                          std::optional<uint32_t> queues, size_t largest) const {
    std::optional<int32_t> queue;
    for (size_t i = 0; i < count; ++i) {
      const message& m = message_at(i);
      int32_t q = wire::any_queue;
      if (m.queue_id) {
        q = static_cast<int32_t>(*m.queue_id);
      } else if (const std::string* key = ordering_key(m); key != nullptr && queues) {
        q = shard(*key, *queues);
      }
      if (queue && *queue != q) {
        return failure(errc::invalid_argument,
                       "SEND_BATCH: message " + std::to_string(i) + ": goes to queue " +
                           std::to_string(q) + ", the batch's first message to " +
                           std::to_string(*queue) + " (a batch goes to one queue)");
      }
      queue = q;
    }
    wire::send_batch_request batch;
    batch.messages.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      batch.messages.push_back(internal::send_view(message_at(i), extras_at(i), *queue));
    }
    return internal::encode_request(wire::code::send_batch, batch, largest);
  }

  void attempt_batch(std::shared_ptr<batch_op> op, std::optional<uint32_t> queues) {
    internal::outgoing out;
    if (op->encoded) {
      // The last attempt may take the frame; an earlier one sends a copy.
      out = op->attempts_left > 0 ? *op->encoded : std::move(*op->encoded);
    } else {
      const auto& prepared = op->prepared;
      result<internal::outgoing> encoded = encode_batch(
          prepared.size(), [&](size_t i) -> const message& { return prepared[i].msg; },
          [&](size_t i) -> const internal::send_extras& { return prepared[i].extras; }, queues,
          op->largest);
      if (!encoded) return op->done(failure(encoded.error()));
      out = std::move(encoded).value();
    }
    conn_->async_request(std::move(out), options_.request_timeout,
                         [this, op](result<frame> answer) mutable {
                           if (!answer) return retry_or_fail_batch(std::move(op), answer.error());
                           result<wire::send_batch_response> body =
                               internal::decode_response<wire::send_batch_response>(answer.value());
                           if (!body) return op->done(failure(body.error()));
                           std::vector<send_receipt> receipts;
                           receipts.reserve(body.value().results.size());
                           for (const wire::send_result& r : body.value().results) {
                             receipts.push_back(internal::to_receipt(r));
                           }
                           op->done(std::move(receipts));
                         });
  }

  void retry_or_fail_batch(std::shared_ptr<batch_op> op, const error& e) {
    if (op->attempts_left <= 0 || !e.retriable()) return op->done(failure(e));
    const int attempt_no = options_.retries - op->attempts_left;
    --op->attempts_left;
    if (e.code == errc::broker) {  // BUSY, STORE_FULL: the broker asked for patience
      conn_->post_after(
          backoff_delay(attempt_no), [this, op] { start_batch(op); },
          [op] { op->done(failure(errc::closed, "the producer was shut down")); });
      return;
    }
    start_batch(std::move(op));
  }

  void register_group() {
    conn_->async_call(wire::code::producer_register,
                      wire::producer_register_request{options_.client_id, options_.producer_group},
                      options_.request_timeout, [](result<frame>) {
                        // A failure shows as check-backs not arriving; the next reconnect
                        // registers again.
                      });
  }

  // A check-back: the checker decides on its own thread, the answer goes out as
  // END_TRANSACTION (from_check).
  void on_check(const frame& f) {
    if (!checkers_) return;  // unanswered: the broker asks again
    result<wire::check_transaction_push> p = internal::decode_response<wire::check_transaction_push>(f);
    if (!p) return;
    auto check = std::make_shared<transaction_check>();
    check->transaction_id = std::string(p.value().transaction_id);
    check->half_offset = p.value().half_offset;
    check->half = internal::to_received(p.value().half);
    checkers_->submit([this, check] {
      const transaction_state state = decided([&] { return options_.checker(*check); });
      conn_->async_call(wire::code::end_transaction,
                        wire::end_transaction_request{options_.producer_group,
                                                      check->transaction_id, check->half_offset,
                                                      resolution_of(state), true},
                        options_.request_timeout, [](result<frame>) {
                          // Lost or refused: the broker checks back again.
                        });
    });
  }

  void on_push(const frame& f) {
    if (f.header.code == wire::code::check_transaction) return on_check(f);
    if (f.header.code != wire::code::reply) return;
    result<wire::stored_message> m = internal::decode_response<wire::stored_message>(f);
    if (!m) return;
    for (const wire::property& p : m.value().properties) {
      if (p.name == props::correlation_id) {
        complete_reply(std::string(p.value), internal::to_received(m.value()));
        return;
      }
    }
  }

  void complete_reply(const std::string& correlation, result<received_message> r) {
    std::shared_ptr<std::promise<result<received_message>>> waiter;
    {
      std::lock_guard lock(replies_mutex_);
      auto it = replies_.find(correlation);
      if (it == replies_.end()) return;  // late, or not ours
      waiter = std::move(it->second);
      replies_.erase(it);
    }
    waiter->set_value(std::move(r));
  }

  producer_options options_;
  std::unique_ptr<internal::connection> conn_;
  internal::unique_ids ids_;
  std::mutex routes_mutex_;
  std::unordered_map<std::string, route> routes_;
  std::mutex replies_mutex_;
  std::unordered_map<std::string, std::shared_ptr<std::promise<result<received_message>>>> replies_;
  std::unique_ptr<internal::listener_pool> checkers_;  // with a checker only
};

producer::producer(producer_options options) : impl_(std::make_unique<impl>(std::move(options))) {}
producer::~producer() = default;
producer::producer(producer&&) noexcept = default;
producer& producer::operator=(producer&&) noexcept = default;

result<void> producer::start() {
  if (!impl_) return failure(moved_from());
  return impl_->start();
}
void producer::shutdown() {
  if (impl_) impl_->shutdown();
}
const std::string& producer::client_id() const noexcept {
  return impl_ ? impl_->client_id() : empty_string;
}
result<send_receipt> producer::send(const message& m) {
  if (!impl_) return failure(moved_from());
  return impl_->send(m, wire::code::send);
}
void producer::send_async(const message& m, send_callback done) {
  if (!impl_) return done(failure(moved_from()));
  impl_->send_async(m, wire::code::send, std::move(done));
}
void producer::send_batch_async(std::span<const message> messages, batch_callback done) {
  if (!impl_) return done(failure(moved_from()));
  impl_->send_batch_async(messages, std::move(done));
}

result<std::vector<send_receipt>> producer::send_batch(std::span<const message> messages) {
  if (!impl_) return failure(moved_from());
  return impl_->send_batch(messages);
}
result<transaction_receipt> producer::send_in_transaction(const message& m,
                                                         const local_transaction& local) {
  if (!impl_) return failure(moved_from());
  return impl_->send_in_transaction(m, local);
}
result<received_message> producer::request(const message& m, std::chrono::milliseconds timeout) {
  if (!impl_) return failure(moved_from());
  return impl_->request(m, timeout);
}
result<send_receipt> producer::send_reply(const received_message& request, message reply) {
  if (!impl_) return failure(moved_from());
  return impl_->send_reply(request, std::move(reply));
}

}  // namespace berth::client
