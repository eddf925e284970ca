#include <berth/client/push_consumer.hpp>

#include "common.hpp"
#include "connection.hpp"
#include "listener_pool.hpp"

#include <berth/wire/properties.hpp>
#include <berth/wire/lock_bodies.hpp>
#include <berth/wire/retry_bodies.hpp>

#include <algorithm>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace berth::client {

using internal::frame;
using namespace std::chrono_literals;

namespace {

constexpr uint32_t pull_max_bytes = 8u << 20;
constexpr std::chrono::milliseconds retry_after_failure = 1000ms;
constexpr std::chrono::milliseconds retry_after_disconnect = 100ms;
// Ordered mode: queue locks are renewed this often (the broker's lease is 60 s) and trusted
// this long after the last renewal (RocketMQ's client figures); a refused lock is asked again
// after lock_retry.
constexpr std::chrono::milliseconds lock_renewal = 20s;
constexpr std::chrono::milliseconds lock_trusted_for = 30s;
constexpr std::chrono::milliseconds lock_retry = 1s;

error moved_from() {
  return error{errc::closed, wire::status::ok, "the push consumer was moved from"};
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "*" alone, or tags joined by "||" (what the broker's tag filter takes).
result<void> check_tag_expression(std::string_view expression) {
  const std::string_view whole = trimmed(expression);
  if (whole == "*") return success();
  std::string_view rest = whole;
  for (;;) {
    const size_t bar = rest.find("||");
    const std::string_view tag = trimmed(rest.substr(0, bar));
    if (tag.empty() || tag == "*") {
      return failure(errc::invalid_argument,
                     "subscribe(): tag expression '" + std::string(expression) +
                         "': an empty tag or '*' between '||' (write '*' alone for every message)");
    }
    if (bar == std::string_view::npos) return success();
    rest.remove_prefix(bar + 2);
  }
}

// One queue this consumer reads: where the next pull starts, what was handed to the listener
// and not yet processed, what was committed. Everything but `dropped` belongs to the I/O
// thread; listener threads read `dropped` to skip the messages of a queue given away.
struct process_queue {
  process_queue(std::string t, uint32_t q, filter_expression f, bool retry)
      : topic(std::move(t)), queue_id(q), filter(std::move(f)), retries(retry) {}

  const std::string topic;
  const uint32_t queue_id;
  const filter_expression filter;
  const bool retries;  // a queue of the group's retry topic
  std::atomic<bool> dropped{false};

  bool started = false;  // next_offset is known
  bool pulling = false;  // a pull in flight or scheduled
  bool paused = false;   // too many messages waiting: pulls resume as they are processed
  uint64_t next_offset = 0;
  std::set<uint64_t> outstanding;                         // pulled, not yet processed successfully
  std::deque<std::shared_ptr<received_message>> backlog;  // ordered mode: in offset order
  bool in_service = false;  // ordered mode: the backlog's front is at the listener
  // Ordered clustering mode: the broker's lock on the queue (pulled and served only while held).
  bool locked = false;
  std::chrono::steady_clock::time_point lock_renewed;
  bool given_away = false;  // dropped by a rebalance (not replaced by an offsets reset)
  bool init_requested = false;  // where to start was asked for (after the first lock)
  std::optional<uint64_t> committed;
  bool committing = false;

  // The offset after the contiguous prefix of processed messages.
  [[nodiscard]] uint64_t progress() const {
    return outstanding.empty() ? next_offset : *outstanding.begin();
  }
};
using queue_ptr = std::shared_ptr<process_queue>;

struct subscription_state {
  std::string topic;
  filter_expression filter;
  bool retries = false;  // the group's retry topic, subscribed by the consumer itself
  std::map<uint32_t, queue_ptr> queues;
  uint64_t rebalance_seq = 0;  // answers to older QUERY_ASSIGNMENTs are ignored
  bool lock_retry_pending = false;
};

}  // namespace

class push_consumer::impl {
 public:
  explicit impl(push_consumer_options options) : options_(std::move(options)) {
    internal::connection_options c =
        internal::options_for(options_);
    conn_ = std::make_unique<internal::connection>(std::move(c));
    conn_->set_connected_handler([this](bool) { on_connected(); });
    conn_->set_push_handler([this](const frame& f) { on_push(f); });
  }

  ~impl() { shutdown(); }

  result<void> subscribe(std::string topic, filter_expression filter) {
    std::lock_guard lock(lifecycle_);
    if (started_ || shut_) {
      return failure(errc::invalid_argument, "subscribe(): only before start()");
    }
    if (topic.empty() || topic.size() > wire::max_str_bytes) {
      return failure(errc::invalid_argument, "subscribe(): the topic must be 1 to 65535 bytes");
    }
    if (filter.kind == filter_kind::tag) {
      if (filter.text.empty()) filter.text = "*";
      if (result<void> ok = check_tag_expression(filter.text); !ok) return ok;
    }
    for (subscription_state& s : subs_) {
      if (s.topic == topic) {
        s.filter = std::move(filter);
        return success();
      }
    }
    subscription_state s;
    s.topic = std::move(topic);
    s.filter = std::move(filter);
    subs_.push_back(std::move(s));
    return success();
  }

  void on_message(message_listener listener) {
    std::lock_guard lock(lifecycle_);
    if (!started_) listener_ = std::move(listener);
  }

  result<void> start() {
    std::lock_guard lock(lifecycle_);
    if (started_) return success();
    if (shut_) {
      return failure(errc::closed, "a push consumer cannot be started again after shutdown()");
    }
    if (options_.group.empty()) {
      return failure(errc::invalid_argument, "push_consumer: the group is empty");
    }
    if (subs_.empty()) return failure(errc::invalid_argument, "push_consumer: nothing subscribed");
    if (!listener_) {
      return failure(errc::invalid_argument, "push_consumer: no listener (on_message)");
    }
    if (options_.threads == 0 || options_.pull_batch == 0 || options_.max_cached_messages == 0) {
      return failure(errc::invalid_argument,
                     "push_consumer: threads, pull_batch and max_cached_messages must be positive");
    }
    if (options_.hold.count() < 0 || options_.hold.count() > UINT32_MAX ||
        options_.heartbeat_interval <= 0ms || options_.rebalance_interval <= 0ms ||
        options_.commit_interval <= 0ms || options_.retry_delay < 0ms ||
        options_.request_timeout <= 0ms) {
      return failure(errc::invalid_argument, "push_consumer: an interval is out of range");
    }
    if (options_.retry_delay_level < 0 || options_.retry_delay_level > 18) {
      return failure(errc::invalid_argument,
                     "push_consumer: retry_delay_level must be 0 (the broker's backoff) or 1..18");
    }
    if (clustering()) subscribe_to_retries();
    pool_ = std::make_unique<internal::listener_pool>(options_.threads);
    if (result<void> ok = conn_->start(); !ok) {
      pool_->stop();
      return ok;
    }
    if (result<void> ok = register_with_broker(); !ok) {
      conn_->shutdown();
      pool_->stop();
      return ok;
    }
    started_ = true;
    (void)conn_->post([this] {
      every(options_.heartbeat_interval, [this] { heartbeat(nullptr); });
      every(options_.rebalance_interval, [this] { rebalance_all(); });
      if (clustering()) every(options_.commit_interval, [this] { commit_all(); });
      if (uses_locks()) every(lock_renewal, [this] { lock_all(); });
    });
    return success();
  }

  void shutdown() {
    std::lock_guard lock(lifecycle_);
    if (shut_) return;
    shut_ = true;
    if (!started_ || conn_->on_io_thread()) {
      if (pool_) pool_->stop();
      conn_->shutdown();
      return;
    }
    // 1. No new pulls, timers or deliveries.
    on_io([this] { stopping_ = true; });
    // 2. The listeners running now finish; queued messages are dropped (their offsets stay
    //    outstanding, so the commit stops before them).
    pool_->stop();
    // 3. Commit the progress (the completions of step 2 were posted before this).
    if (clustering()) {
      auto all_done = std::make_shared<std::promise<void>>();
      std::future<void> committed = all_done->get_future();
      const bool posted = conn_->post([this, all_done] { commit_final(all_done); });
      if (posted) (void)committed.wait_for(options_.request_timeout + 1s);
    }
    // 4. Close; the broker sees the member leave.
    conn_->shutdown();
  }

  const std::string& client_id() const noexcept { return options_.client_id; }

  std::vector<owned_queue> owned_queues() const {
    std::lock_guard lock(owned_mutex_);
    return owned_;
  }

 private:
  bool clustering() const noexcept { return options_.model == consume_model::clustering; }
  // Failures go back to the broker; ordered queues keep theirs (one at a time, in order).
  bool sends_back() const noexcept { return clustering() && !options_.ordered; }
  // Ordered members of a group process only the queues the broker lets them hold.
  bool uses_locks() const noexcept { return clustering() && options_.ordered; }

  // Clustering members read the group's retry topic, where the broker returns failed messages.
  void subscribe_to_retries() {
    subscription_state s;
    s.topic = wire::retry_topic_of(options_.group);
    s.filter = filter_expression::tags("*");
    s.retries = true;
    subs_.push_back(std::move(s));
  }

  void report(const error& e) const {
    if (!options_.on_error || e.code == errc::closed) return;
    try {
      options_.on_error(e);
    } catch (...) {
      // a logger that throws loses the message, not the consumer
    }
  }

  // Run `fn` on the I/O thread and wait for it (not from the I/O thread).
  void on_io(std::function<void()> fn) {
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> ran = done->get_future();
    if (conn_->post([fn = std::move(fn), done] {
          fn();
          done->set_value();
        })) {
      (void)ran.wait_for(10s);
    }
  }

  void every(std::chrono::milliseconds interval, std::function<void()> fn) {
    conn_->post_after(interval, [this, interval, fn] {
      if (stopping_) return;
      fn();
      every(interval, fn);
    });
  }

  // ---- membership ------------------------------------------------------------------------

  void on_connected() {
    // First connection or a reconnect: register, then ask for the queues.
    heartbeat([this] { rebalance_all(); });
  }

  // Register once now, so that what the broker refuses for good fails start(): a SQL or Lua
  // expression it cannot parse (with the filter's message and column), a subscription it may
  // not allow (auth: unknown key, wrong secret, no SUB permission). An unreachable broker is no
  // reason to fail: the heartbeats that follow register (and report) once it is up.
  result<void> register_with_broker() {
    result<frame> answer =
        conn_->call(wire::code::heartbeat, heartbeat_request(), options_.request_timeout);
    if (answer || answer.error().code != errc::broker) return success();
    switch (answer.error().status) {
      case wire::status::invalid_filter:
      case wire::status::filter_unsupported:
      case wire::status::unauthenticated:
      case wire::status::forbidden:
      case wire::status::bad_signature:
      case wire::status::signature_expired:
        return failure(answer.error());
      default:
        return success();
    }
  }

  [[nodiscard]] wire::heartbeat_request heartbeat_request() const {
    wire::heartbeat_request hb;
    hb.client_id = options_.client_id;
    for (const subscription_state& s : subs_) {
      wire::subscription sub;
      sub.group = options_.group;
      sub.topic = s.topic;
      sub.model = static_cast<wire::consume_model>(options_.model);
      sub.filter_type = static_cast<wire::filter_type>(s.filter.kind);
      sub.expression = s.filter.text;
      hb.subscriptions.push_back(sub);
    }
    return hb;
  }

  void heartbeat(std::function<void()> then) {
    if (stopping_) return;
    conn_->async_call(wire::code::heartbeat, heartbeat_request(), options_.request_timeout,
                      [this, then = std::move(then)](result<frame> r) {
                        // A failed heartbeat is sent again at the next interval; the
                        // assignment is asked for either way.
                        if (!r) report(r.error());
                        if (then && !stopping_) then();
                      });
  }

  void on_push(const frame& f) {
    if (stopping_) return;
    if (f.header.code == wire::code::group_changed) {
      result<wire::group_changed_push> p = internal::decode_response<wire::group_changed_push>(f);
      if (!p || p.value().group != options_.group) return;
      for (subscription_state& s : subs_) {
        if (p.value().topic.empty() || s.topic == p.value().topic) rebalance(s);
      }
    } else if (f.header.code == wire::code::offsets_reset && clustering()) {
      result<wire::offsets_reset_push> p = internal::decode_response<wire::offsets_reset_push>(f);
      if (!p || p.value().group != options_.group) return;
      for (subscription_state& s : subs_) {
        if (s.topic == p.value().topic) restart_from_committed(s);
      }
    }
  }

  // An administrator moved the group's offsets: forget the positions in the topic's queues
  // (committing nothing, which would undo the reset) and continue from the committed offsets.
  void restart_from_committed(subscription_state& sub) {
    for (auto& [id, old] : sub.queues) {
      old->dropped = true;
      old->backlog.clear();
      auto pq = std::make_shared<process_queue>(sub.topic, id, sub.filter, sub.retries);
      old = pq;
      pq->init_requested = true;
      init(pq);
    }
    if (uses_locks()) lock(sub);
  }

  void rebalance_all() {
    for (subscription_state& s : subs_) rebalance(s);
  }

  void rebalance(subscription_state& sub) {
    if (stopping_) return;
    const uint64_t seq = ++sub.rebalance_seq;
    if (clustering()) {
      conn_->async_call(
          wire::code::query_assignment,
          wire::query_assignment_request{options_.group, sub.topic, options_.client_id},
          options_.request_timeout, [this, &sub, seq](result<frame> r) {
            if (!r) report(r.error());
            if (stopping_ || seq != sub.rebalance_seq || !r) return;
            result<wire::query_assignment_response> a =
                internal::decode_response<wire::query_assignment_response>(r.value());
            if (!a) return;
            apply(sub, std::set<uint32_t>(a.value().queue_ids.begin(), a.value().queue_ids.end()),
                  {});
          });
      return;
    }
    // Broadcasting: every queue of the topic.
    conn_->async_call(wire::code::topic_describe, wire::topic_describe_request{sub.topic},
                      options_.request_timeout, [this, &sub, seq](result<frame> r) {
                        if (!r) report(r.error());
                        if (stopping_ || seq != sub.rebalance_seq || !r) return;
                        result<wire::topic_describe_response> d =
                            internal::decode_response<wire::topic_describe_response>(r.value());
                        if (!d) return;
                        std::set<uint32_t> ids;
                        for (uint32_t q = 0; q < d.value().queues; ++q) ids.insert(q);
                        std::map<uint32_t, queue_info> bounds;
                        for (const wire::queue_state& q : d.value().queue_states) {
                          bounds[q.queue_id] = queue_info{q.queue_id, q.min_offset, q.max_offset};
                        }
                        apply(sub, ids, bounds);
                      });
  }

  void apply(subscription_state& sub, const std::set<uint32_t>& ids,
             const std::map<uint32_t, queue_info>& bounds) {
    for (auto it = sub.queues.begin(); it != sub.queues.end();) {
      if (ids.count(it->first) == 0) {
        drop(it->second);
        it = sub.queues.erase(it);
      } else {
        ++it;
      }
    }
    for (const uint32_t id : ids) {
      if (sub.queues.count(id) != 0) continue;
      auto pq = std::make_shared<process_queue>(sub.topic, id, sub.filter, sub.retries);
      sub.queues.emplace(id, pq);
      auto b = bounds.find(id);
      if (b != bounds.end()) {
        begin(pq, options_.from == consume_from::earliest ? b->second.min_offset
                                                          : b->second.max_offset);
      } else if (!uses_locks()) {
        init(pq);
      }  // ordered: once locked, when the previous owner has committed its last progress
    }
    publish_owned();
    if (uses_locks()) lock(sub);
  }

  void publish_owned() {
    std::vector<owned_queue> now;
    for (const subscription_state& s : subs_) {
      if (s.retries) continue;
      for (const auto& [id, pq] : s.queues) now.push_back(owned_queue{s.topic, id});
    }
    std::sort(now.begin(), now.end(), [](const owned_queue& a, const owned_queue& b) {
      return a.topic != b.topic ? a.topic < b.topic : a.queue_id < b.queue_id;
    });
    std::lock_guard lock(owned_mutex_);
    owned_ = std::move(now);
  }

  // A queue given away: stop pulling, commit what was processed, forget the rest.
  // Ordered: the message at the listener finishes first (consumed() then commits and unlocks),
  // so that the queue's new owner starts after it.
  void drop(const queue_ptr& pq) {
    pq->dropped = true;
    pq->given_away = true;
    pq->backlog.clear();
    if (!clustering() || (uses_locks() && pq->in_service)) return;
    commit(pq, true, uses_locks() ? std::function<void()>([this, pq] { unlock(pq); }) : nullptr);
  }

  // ---- queue locks (ordered clustering) --------------------------------------------------

  void lock_all() {
    for (subscription_state& s : subs_) lock(s);
  }

  // LOCK_QUEUES for every queue of the subscription: take or renew. Queues held now are pulled
  // and served; refused ones (still held by their previous owner) are asked again shortly.
  void lock(subscription_state& sub) {
    if (stopping_ || sub.queues.empty()) return;
    wire::queue_lock_request req;
    req.group = options_.group;
    req.topic = sub.topic;
    req.client_id = options_.client_id;
    for (const auto& [id, pq] : sub.queues) req.queue_ids.push_back(id);
    conn_->async_call(
        wire::code::lock_queues, req, options_.request_timeout, [this, &sub](result<frame> r) {
          if (stopping_) return;
          std::set<uint32_t> ids;
          bool refused = true;  // until the broker's answer says otherwise
          if (!r) {
            report(r.error());
          } else if (auto held = internal::decode_response<wire::queue_lock_response>(r.value())) {
            ids.insert(held.value().queue_ids.begin(), held.value().queue_ids.end());
            refused = false;
          }
          for (auto& [id, pq] : sub.queues) {
            if (ids.count(id) == 0) {
              refused = true;
              continue;
            }
            const bool was_locked = pq->locked;
            pq->locked = true;
            pq->lock_renewed = std::chrono::steady_clock::now();
            if (!pq->init_requested) {
              pq->init_requested = true;
              init(pq);
            } else if (!was_locked) {
              pull(pq);
              serve(pq);
            }
          }
          if (refused && !sub.lock_retry_pending) {
            sub.lock_retry_pending = true;
            conn_->post_after(lock_retry, [this, &sub] {
              sub.lock_retry_pending = false;
              lock(sub);
            });
          }
        });
  }

  void unlock(const queue_ptr& pq) {
    if (stopping_) return;  // closing the connection lets go of every lock
    for (const subscription_state& s : subs_) {
      if (s.topic == pq->topic && s.queues.count(pq->queue_id) != 0) return;  // ours again
    }
    conn_->async_call(
        wire::code::unlock_queues,
        wire::queue_lock_request{options_.group, pq->topic, options_.client_id, {pq->queue_id}},
        options_.request_timeout, [this](result<frame> r) {
          if (!r) report(r.error());
        });
  }

  bool lock_trusted(const process_queue& pq) const {
    return !uses_locks() ||
           (pq.locked && std::chrono::steady_clock::now() - pq.lock_renewed < lock_trusted_for);
  }

  // ---- where a queue starts --------------------------------------------------------------

  void init(const queue_ptr& pq) {
    if (pq->dropped || stopping_) return;
    if (!clustering()) return start_from_bounds(pq);
    conn_->async_call(wire::code::query_offset,
                      wire::query_offset_request{options_.group, pq->topic, pq->queue_id},
                      options_.request_timeout, [this, pq](result<frame> r) {
                        if (pq->dropped || stopping_) return;
                        if (!r) {
                          report(r.error());
                          return init_later(pq);
                        }
                        result<wire::query_offset_response> q =
                            internal::decode_response<wire::query_offset_response>(r.value());
                        if (!q) return init_later(pq);
                        if (!q.value().known) return start_from_bounds(pq);
                        pq->committed = q.value().offset;
                        begin(pq, q.value().offset);
                      });
  }

  // No committed offset: the queue's earliest or latest message, per consume_from.
  void start_from_bounds(const queue_ptr& pq) {
    conn_->async_call(wire::code::topic_describe, wire::topic_describe_request{pq->topic},
                      options_.request_timeout, [this, pq](result<frame> r) {
                        if (pq->dropped || stopping_) return;
                        if (!r) {
                          report(r.error());
                          return init_later(pq);
                        }
                        result<wire::topic_describe_response> d =
                            internal::decode_response<wire::topic_describe_response>(r.value());
                        if (!d) return init_later(pq);
                        uint64_t offset = 0;
                        for (const wire::queue_state& q : d.value().queue_states) {
                          if (q.queue_id != pq->queue_id) continue;
                          // The retry topic holds only this group's failures: all of them.
                          const bool earliest =
                              pq->retries || options_.from == consume_from::earliest;
                          offset = earliest ? q.min_offset : q.max_offset;
                        }
                        begin(pq, offset);
                      });
  }

  void init_later(const queue_ptr& pq) {
    conn_->post_after(retry_after_failure, [this, pq] { init(pq); });
  }

  void begin(const queue_ptr& pq, uint64_t offset) {
    pq->next_offset = offset;
    pq->started = true;
    pull(pq);
  }

  // ---- pulling ---------------------------------------------------------------------------

  void pull(const queue_ptr& pq) {
    if (pq->dropped || stopping_ || pq->pulling || !pq->started || !lock_trusted(*pq)) return;
    if (pq->outstanding.size() >= options_.max_cached_messages) {
      pq->paused = true;
      return;
    }
    pq->paused = false;
    pq->pulling = true;
    wire::pull_request req;
    req.group = options_.group;
    req.topic = pq->topic;
    req.queue_id = pq->queue_id;
    req.offset = pq->next_offset;
    req.max_messages = options_.pull_batch;
    req.max_bytes = pull_max_bytes;
    req.hold_ms = static_cast<uint32_t>(options_.hold.count());
    req.filter_type = static_cast<wire::filter_type>(pq->filter.kind);
    req.expression = pq->filter.text;
    conn_->async_call(wire::code::pull, req, options_.hold + options_.request_timeout,
                      [this, pq](result<frame> r) { pulled(pq, std::move(r)); });
  }

  void pull_later(const queue_ptr& pq, std::chrono::milliseconds delay) {
    pq->pulling = true;
    conn_->post_after(delay, [this, pq] {
      pq->pulling = false;
      pull(pq);
    });
  }

  void pulled(const queue_ptr& pq, result<frame> r) {
    pq->pulling = false;
    if (pq->dropped || stopping_) return;
    if (!r) {
      const errc e = r.error().code;
      if (e == errc::closed) return;
      report(r.error());
      // The request waited for the reconnect already; other failures (NO_TOPIC, a code the
      // broker does not serve yet, ...) are tried again a little later.
      pull_later(pq, e == errc::connection_lost || e == errc::timeout ? retry_after_disconnect
                                                                      : retry_after_failure);
      return;
    }
    result<wire::pull_response> p = internal::decode_response<wire::pull_response>(r.value());
    if (!p) {
      report(p.error());
      pull_later(pq, retry_after_failure);
      return;
    }
    if (p.value().status == wire::pull_status::found) {
      for (const wire::stored_message& m : p.value().messages) {
        if (m.queue_offset < pq->next_offset || pq->outstanding.count(m.queue_offset) != 0) {
          continue;  // already here
        }
        pq->outstanding.insert(m.queue_offset);
        auto msg = std::make_shared<received_message>(internal::to_received(m));
        if (pq->retries) restore_topic(*msg);
        deliver(pq, std::move(msg));
      }
    }
    pq->next_offset = p.value().next_offset;
    pull(pq);
  }

  // ---- the listener ----------------------------------------------------------------------

  void deliver(const queue_ptr& pq, std::shared_ptr<received_message> msg) {
    if (!options_.ordered) return submit(pq, std::move(msg));
    pq->backlog.push_back(std::move(msg));
    serve(pq);
  }

  // Ordered mode: one message of the queue at the listener at a time.
  void serve(const queue_ptr& pq) {
    if (pq->in_service || pq->backlog.empty() || stopping_ || !lock_trusted(*pq)) return;
    pq->in_service = true;
    submit(pq, pq->backlog.front());
  }

  void submit(const queue_ptr& pq, std::shared_ptr<received_message> msg) {
    pool_->submit([this, pq, msg = std::move(msg)] {
      consume_result result = consume_result::retry_later;  // not processed
      if (!pq->dropped) {
        try {
          result = listener_(*msg);
        } catch (...) {
          result = consume_result::retry_later;
        }
      }
      (void)conn_->post([this, pq, msg, result] { consumed(pq, msg, result); });
    });
  }

  void consumed(const queue_ptr& pq, const std::shared_ptr<received_message>& msg,
                consume_result result) {
    if (pq->dropped) {
      // Ordered and given away while at the listener: now the next owner may begin.
      if (uses_locks() && pq->given_away && pq->in_service) {
        pq->in_service = false;
        if (result == consume_result::success) pq->outstanding.erase(msg->queue_offset);
        commit(pq, true, [this, pq] { unlock(pq); });
      }
      return;
    }
    if (result == consume_result::success) {
      pq->outstanding.erase(msg->queue_offset);
      if (options_.ordered) {
        if (!pq->backlog.empty()) pq->backlog.pop_front();
        pq->in_service = false;
        serve(pq);
      }
      if (pq->paused) pull(pq);
      return;
    }
    if (sends_back()) return send_back(pq, msg);
    if (uses_locks() && options_.max_reconsume != 0 &&
        msg->reconsume_times >= options_.max_reconsume) {
      return send_back(pq, msg, wire::send_back_to_dead_letters);
    }
    retry_here(pq, msg);
  }

  // A message from the retry topic is shown under the topic it was first sent to.
  static void restore_topic(received_message& msg) {
    if (auto origin = msg.property(wire::properties::retry_topic)) msg.topic = std::string(*origin);
  }

  // The broker takes the message back (a retry later, or the dead letters): this queue is done
  // with it. If the broker cannot, the consumer retries it itself.
  // `delay_level` send_back_to_dead_letters: an ordered queue gives up on the message and goes
  // on (its retries were local).
  void send_back(const queue_ptr& pq, const std::shared_ptr<received_message>& msg,
                 std::optional<int32_t> delay_level = std::nullopt) {
    wire::send_back_request req;
    req.group = options_.group;
    req.topic = pq->topic;  // where it was read: the retry topic for a retry
    req.queue_id = pq->queue_id;
    req.queue_offset = msg->queue_offset;
    req.delay_level = delay_level.value_or(options_.retry_delay_level);
    req.max_reconsume = options_.max_reconsume;
    conn_->async_call(wire::code::send_back, req, options_.request_timeout,
                      [this, pq, msg](result<frame> r) {
                        if (!r) {
                          report(r.error());
                          if (pq->dropped) return consumed(pq, msg, consume_result::retry_later);
                          return retry_here(pq, msg);
                        }
                        consumed(pq, msg, consume_result::success);  // the broker has it now
                      });
  }

  void retry_here(const queue_ptr& pq, const std::shared_ptr<received_message>& msg) {
    ++msg->reconsume_times;
    conn_->post_after(options_.retry_delay, [this, pq, msg] {
      if (stopping_) return;
      // A queue given away meanwhile: consumed() lets its next owner begin.
      if (pq->dropped) return consumed(pq, msg, consume_result::retry_later);
      submit(pq, msg);
    });
  }

  // ---- committing ------------------------------------------------------------------------

  void commit_all() {
    for (subscription_state& s : subs_) {
      for (auto& [id, pq] : s.queues) commit(pq, false, nullptr);
    }
  }

  // COMMIT_OFFSET of the queue's progress, when it moved. `done` (if any) runs when the
  // broker answered, or at once when there is nothing to commit.
  void commit(const queue_ptr& pq, bool force, std::function<void()> done) {
    const uint64_t offset = pq->progress();
    if (!pq->started || (pq->committed && *pq->committed == offset) || (pq->committing && !force)) {
      if (done) done();
      return;
    }
    pq->committing = true;
    conn_->async_call(wire::code::commit_offset,
                      wire::commit_offset_request{options_.group, pq->topic, pq->queue_id, offset},
                      options_.request_timeout,
                      [this, pq, offset, done = std::move(done)](result<frame> r) {
                        pq->committing = false;
                        if (!r) report(r.error());
                        if (r && (!pq->committed || *pq->committed < offset)) {
                          pq->committed = offset;
                        }
                        if (done) done();
                      });
  }

  void commit_final(const std::shared_ptr<std::promise<void>>& all_done) {
    std::vector<queue_ptr> queues;
    for (subscription_state& s : subs_) {
      for (auto& [id, pq] : s.queues) queues.push_back(pq);
    }
    auto left = std::make_shared<size_t>(queues.size() + 1);
    auto one_done = [left, all_done] {
      if (--*left == 0) all_done->set_value();
    };
    for (const queue_ptr& pq : queues) commit(pq, true, one_done);
    one_done();
  }

  push_consumer_options options_;
  std::unique_ptr<internal::connection> conn_;
  std::unique_ptr<internal::listener_pool> pool_;
  message_listener listener_;
  std::mutex lifecycle_;
  bool started_ = false;
  bool shut_ = false;
  std::vector<subscription_state> subs_;  // fixed once started; the I/O thread's then
  bool stopping_ = false;                 // I/O thread
  mutable std::mutex owned_mutex_;
  std::vector<owned_queue> owned_;
};

push_consumer::push_consumer(push_consumer_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}
push_consumer::~push_consumer() = default;
push_consumer::push_consumer(push_consumer&&) noexcept = default;
push_consumer& push_consumer::operator=(push_consumer&&) noexcept = default;

result<void> push_consumer::subscribe(std::string topic, std::string expression) {
  return subscribe(std::move(topic), filter_expression::tags(std::move(expression)));
}

result<void> push_consumer::subscribe(std::string topic, filter_expression filter) {
  if (!impl_) return failure(moved_from());
  return impl_->subscribe(std::move(topic), std::move(filter));
}
void push_consumer::on_message(message_listener listener) {
  if (impl_) impl_->on_message(std::move(listener));
}
result<void> push_consumer::start() {
  if (!impl_) return failure(moved_from());
  return impl_->start();
}
void push_consumer::shutdown() {
  if (impl_) impl_->shutdown();
}
const std::string& push_consumer::client_id() const noexcept {
  static const std::string none;
  return impl_ ? impl_->client_id() : none;
}
std::vector<owned_queue> push_consumer::owned_queues() const {
  return impl_ ? impl_->owned_queues() : std::vector<owned_queue>{};
}

}  // namespace berth::client
