#include "pop/pop_service.hpp"

#include "common/atomic_file.hpp"
#include "delivery/dead_letter.hpp"
#include "delivery/message_reply.hpp"
#include "group/request_checks.hpp"
#include "log/logger.hpp"
#include "pop/pop_key.hpp"
#include "protocol/store_status.hpp"
#include "store/message_view.hpp"
#include "topic/system_topics.hpp"

#include <berth/wire/pop_bodies.hpp>
#include <berth/wire/properties.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace berth::kernel::pop {

using clock = std::chrono::steady_clock;

struct pop_service::parked {
  explicit parked(protocol::responder to) : answer(std::move(to)) {}

  protocol::responder answer;
  std::string group;
  std::string topic;
  int32_t queue = wire::any_queue;
  uint32_t max_messages = 0;
  int64_t invisible_ms = 0;
  bool fifo = false;
  uint32_t max_attempts = 0;
  filter::filter_ptr filter;
  clock::time_point received = clock::now();
  clock::time_point deadline;
  uint64_t arrivals_seen = 0;
  // Guarded by parked_mutex_.
  bool waiting = false;
  executor::task_id timer = 0;
};

// One message handed out by a pop, with what keeps its view valid.
struct pop_service::handed_out {
  std::shared_ptr<store::read_result> read;
  const berth_message_view* view = nullptr;
  std::string handle;
  uint32_t attempt = 0;
  int64_t deadline_ms = 0;
};

struct pop_service::dead_letter_job {
  pop_queue_key key;
  uint64_t offset = 0;
  uint64_t nonce = 0;
};

namespace {

log::logger_ptr logger() { return log::module("pop"); }

// Room left in a frame for everything but the messages' bytes.
constexpr uint64_t frame_overhead = 64u << 10;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view message_group_of(const berth_message_view& m) {
  return store::property_of(m, wire::properties::message_group).value_or(std::string_view{});
}

}  // namespace

result<std::unique_ptr<pop_service>> pop_service::open(const std::filesystem::path& data_dir,
                                                       topic::topic_table& topics,
                                                       store::store& store,
                                                       offset::offset_table& offsets,
                                                       filter::filter_registry& filters,
                                                       executor::scheduler& scheduler,
                                                       pop_settings settings) {
  auto key = load_or_create_key(pop_key_path(data_dir));
  if (!key) return boost::outcome_v2::failure(key.error());
  auto states = load_pop_states(pop_state_path(data_dir));
  if (!states) return boost::outcome_v2::failure(states.error());
  logger()->info("pop state of {} queue(s) loaded from {}", states.value().size(),
                 pop_state_path(data_dir).string());
  std::unique_ptr<pop_service> made(new pop_service(pop_state_path(data_dir), key.value(),
                                                    std::move(states).value(), topics, store,
                                                    offsets, filters, scheduler, settings));
  made->schedule_sweep();
  return made;
}

pop_service::pop_service(std::filesystem::path state_file, const secret_key& key,
                         pop_states states, topic::topic_table& topics, store::store& store,
                         offset::offset_table& offsets, filter::filter_registry& filters,
                         executor::scheduler& scheduler, pop_settings settings)
    : state_file_(std::move(state_file)),
      codec_(key),
      topics_(topics),
      store_(store),
      offsets_(offsets),
      filters_(filters),
      scheduler_(scheduler),
      settings_(settings),
      states_(std::move(states)),
      nonces_(std::random_device{}()),
      last_sweep_ms_(wall_ms()),
      last_save_(clock::now()) {
  // The state file is the authority: the committed offsets follow it (offsets.json may be
  // older or newer after a crash; the pop state errs on the side of delivering again).
  for (const auto& [key_, state] : states_) publish_committed(key_, state);
}

pop_service::~pop_service() {
  stop();
  save(false);  // what acks came between stop() and the transports' end
}

void pop_service::add_handlers(protocol::router& routes) {
  routes.add(wire::code::pop, [this](const protocol::request& req,
                                     const protocol::responder& answer) { pop(req, answer); });
  routes.add(wire::code::ack, [this](const protocol::request& req,
                                     const protocol::responder& answer) { ack(req, answer); });
  routes.add(wire::code::change_invisible,
             [this](const protocol::request& req, const protocol::responder& answer) {
               change_invisible(req, answer);
             });
}

// ---- POP -------------------------------------------------------------------------------------

void pop_service::pop(const protocol::request& req, const protocol::responder& answer) {
  auto body = wire::decode<wire::pop_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  if (auto bad = group::check_group_name(body->group)) {
    return answer.fail(bad->status, bad->message);
  }
  if (body->queue_id < wire::any_queue) {
    return answer.fail(wire::status::invalid_argument,
                       fmt::format("queue_id {}: a queue id or -1 (any)", body->queue_id));
  }
  auto found = body->queue_id == wire::any_queue
                   ? group::existing_topic(topics_, body->topic)
                   : group::existing_queue(topics_, body->topic,
                                           static_cast<uint32_t>(body->queue_id));
  if (const auto* why = std::get_if<group::refusal>(&found)) {
    return answer.fail(why->status, why->message);
  }
  const topic::topic_settings& settings = std::get<topic::topic_settings>(found);
  if ((settings.perm & wire::perm_read) == 0) {
    return answer.fail(wire::status::no_permission,
                       fmt::format("topic '{}' may not be read (perm {})", body->topic,
                                   settings.perm));
  }
  if (body->max_messages < 1 || body->max_messages > 32) {
    return answer.fail(wire::status::invalid_argument,
                       fmt::format("max_messages {}: 1 to 32", body->max_messages));
  }
  const std::chrono::milliseconds invisible(body->invisible_ms);
  if (invisible < settings_.min_invisible || invisible > settings_.max_invisible) {
    return answer.fail(wire::status::invalid_argument,
                       fmt::format("invisible_ms {}: {} to {} ms", body->invisible_ms,
                                   settings_.min_invisible.count(),
                                   settings_.max_invisible.count()));
  }
  if (body->max_attempts > settings_.max_attempts_limit) {
    return answer.fail(wire::status::invalid_argument,
                       fmt::format("max_attempts {}: 1 to {}, or 0 for the broker default ({})",
                                   body->max_attempts, settings_.max_attempts_limit,
                                   settings_.default_max_attempts));
  }
  auto compiled = filters_.compile(body->group, body->filter_type, body->expression);
  if (const auto* refused = std::get_if<filter::refusal>(&compiled)) {
    return answer.fail(refused->status, refused->message);
  }

  auto p = std::make_shared<parked>(answer);
  p->group = std::string(body->group);
  p->topic = std::string(body->topic);
  p->queue = body->queue_id;
  p->max_messages = body->max_messages;
  p->invisible_ms = invisible.count();
  p->fifo = body->fifo;
  p->max_attempts = body->max_attempts == 0 ? settings_.default_max_attempts : body->max_attempts;
  p->filter = std::get<filter::filter_ptr>(std::move(compiled));
  p->deadline = clock::now() + std::min<std::chrono::milliseconds>(
                                   std::chrono::milliseconds(body->hold_ms), settings_.max_hold);
  serve(p);
}

void pop_service::serve(const parked_ptr& p) {
  {
    std::lock_guard lock(parked_mutex_);
    p->arrivals_seen = arrivals_.try_emplace(p->topic, 0).first->second;
  }
  std::vector<handed_out> out;
  bool look_again = false;
  {
    std::lock_guard lock(mutex_);
    const auto settings = topics_.find(p->topic);
    if (!settings) {
      return p->answer.fail(wire::status::no_topic,
                            fmt::format("topic '{}' does not exist", p->topic));
    }
    std::vector<uint32_t> queues;
    if (p->queue != wire::any_queue) {
      queues.push_back(static_cast<uint32_t>(p->queue));
    } else {
      const uint32_t first = settings->queues == 0 ? 0 : rotation_++ % settings->queues;
      for (uint32_t i = 0; i < settings->queues; ++i) {
        queues.push_back((first + i) % settings->queues);
      }
    }
    // One group pops a topic in one mode at a time (docs: fifo is a per-request flag).
    for (const uint32_t q : queues) {
      const pop_queue_state& state = state_of({p->group, p->topic, q});
      if (state.has_delivered() && state.fifo() != p->fifo) {
        return p->answer.fail(
            wire::status::invalid_argument,
            fmt::format("fifo={}: group '{}' has messages of topic '{}' in flight from pops "
                        "with fifo={}; one group pops a topic in one mode",
                        p->fifo, p->group, p->topic, state.fifo()));
      }
    }
    const uint64_t frame = p->answer.connection()->max_frame_size();
    uint64_t bytes_left = frame > 2 * frame_overhead ? frame - frame_overhead : frame_overhead;
    const int64_t now = wall_ms();
    for (const uint32_t q : queues) {
      if (out.size() >= p->max_messages) break;
      take(p, {p->group, p->topic, q}, now, out, bytes_left);
    }
    // Then the group's retry topic: messages resent from its dead letters, or handed back by
    // its push consumers (SEND_BACK). Not for FIFO pops: retries have no place in a message
    // group's order.
    if (!p->fifo && p->queue == wire::any_queue && out.size() < p->max_messages) {
      std::string retries = topic::retry_topic_of(p->group);
      if (topics_.find(retries)) take(p, {p->group, std::move(retries), 0}, now, out, bytes_left);
    }
    if (out.empty() && clock::now() < p->deadline) {
      // Parked while mutex_ is held: an ack or expiry after this wakes it.
      std::lock_guard parked_lock(parked_mutex_);
      if (stopped_) {
        return p->answer.fail(wire::status::shutting_down, "the broker is stopping");
      }
      const auto it = arrivals_.find(p->topic);
      if ((it == arrivals_.end() ? 0 : it->second) != p->arrivals_seen) {
        look_again = true;  // a message landed while we read
      } else {
        waiting_[p->topic].push_back(p);
        p->waiting = true;
        const auto hold = std::max(p->deadline - clock::now(), clock::duration::zero());
        p->timer = scheduler_.post(owner_, hold, [this, p] {
          if (claim(p)) serve(p);  // the hold ended: answered, empty or not
        });
        return;
      }
    }
  }
  if (look_again) {
    scheduler_.post(owner_, std::chrono::nanoseconds(0), [this, p] { serve(p); });
    return;
  }
  if (p->answer.request().oneway()) return;
  wire::pop_response response;
  response.messages.reserve(out.size());
  std::vector<wire::property> properties;
  for (const handed_out& d : out) {
    wire::popped_message m;
    m.receipt_handle = d.handle;
    m.attempt = d.attempt;
    m.invisible_until_ms = d.deadline_ms;
    m.message = delivery::to_wire(*d.view, properties);
    if (topic::is_retry_topic(m.message.topic)) {  // shown under the topic it was sent to
      m.message.topic = store::property_of(*d.view, wire::properties::retry_topic)
                            .value_or(m.message.topic);
    }
    m.message.reconsume_times = d.attempt - 1;
    response.messages.push_back(std::move(m));
  }
  if (tracing() || settings_.traffic != nullptr) {
    std::vector<const berth_message_view*> views;
    views.reserve(out.size());
    for (const handed_out& d : out) views.push_back(d.view);
    if (tracing()) {
      settings_.traces->message_events(BERTH_TRACE_DELIVER, views, p->group,
                                       *p->answer.connection(), clock::now() - p->received);
    }
    if (settings_.traffic != nullptr) settings_.traffic->consumed(p->group, p->topic, views);
  }
  p->answer.ok(response);
}

pop_queue_state& pop_service::state_of(const pop_queue_key& key) {
  const auto committed = offsets_.find(std::get<0>(key), std::get<1>(key), std::get<2>(key));
  auto it = states_.find(key);
  const auto ours = committed_.find(key);
  const bool moved_by_others =
      it != states_.end() && committed && (ours == committed_.end() || ours->second != *committed);
  if (it == states_.end() || moved_by_others) {
    uint64_t start = 0;
    if (committed) {
      start = *committed;
    } else if (auto bounds = store_.bounds_or_empty(std::get<1>(key), std::get<2>(key))) {
      start = bounds.value().min_offset;  // a new group starts at the queue's first message
    }
    if (moved_by_others) {
      logger()->info("group '{}' topic '{}' queue {}: committed offset moved to {} from "
                     "outside; its pop state starts there again",
                     std::get<0>(key), std::get<1>(key), std::get<2>(key), start);
    }
    it = states_.insert_or_assign(key, pop_queue_state(start)).first;
    publish_committed(key, it->second);
  }
  return it->second;
}

void pop_service::take(const parked_ptr& p, const pop_queue_key& key, int64_t now_ms,
                       std::vector<handed_out>& out, uint64_t& bytes_left) {
  pop_queue_state& state = state_of(key);
  const uint32_t queue = std::get<2>(key);
  const auto room = [&] { return out.size() < p->max_messages && bytes_left > 0; };
  const auto read_at = [&](uint64_t offset, uint32_t max) -> std::shared_ptr<store::read_result> {
    store::read_query query;
    query.topic = std::get<1>(key);
    query.queue_id = queue;
    query.offset = offset;
    query.max_messages = max;
    query.max_bytes = std::max<uint64_t>(bytes_left, 1);
    if (!p->filter->takes_all()) {
      query.accept = [p](uint64_t hash) { return p->filter->may_match(hash); };
    }
    auto read = store_.read(query);
    if (!read) {
      logger()->warn("pop: reading '{}' queue {} at {}: {}", std::get<1>(key), queue, offset,
                     read.error().message);
      return nullptr;
    }
    return std::make_shared<store::read_result>(std::move(read).value());
  };

  // Expired and held-back messages first, lowest offset first.
  for (const uint64_t offset : state.ready(now_ms, p->fifo)) {
    if (!room()) break;
    auto read = read_at(offset, 1);
    if (!read) break;
    if (read->status() == BERTH_READ_BEFORE_START) {
      state.finish(offset);  // gone to retention: nothing is left to deliver
      continue;
    }
    if (!read->found() || (*read)[0].queue_offset != offset) continue;  // other tags
    const berth_message_view& m = (*read)[0];
    if (!p->filter->matches(m)) continue;  // another filter's consumer
    hand_out(p, key, state, read, m, now_ms, out, bytes_left);
  }

  // Then new messages from the pop position.
  while (room() && state.unfinished() < settings_.max_unfinished_per_queue) {
    auto read = read_at(state.next(), 32);
    if (!read) break;
    const uint64_t before = state.next();
    switch (read->status()) {
      case BERTH_READ_FOUND: {
        bool whole = true;
        for (const berth_message_view* m : read->messages()) {
          if (!room() || state.unfinished() >= settings_.max_unfinished_per_queue) {
            whole = false;
            break;
          }
          const std::string_view message_group = message_group_of(*m);
          if (!p->filter->matches(*m)) {
            state.skip_to(m->queue_offset + 1);  // not the group's: finished for it
          } else if (p->fifo && state.blocked(message_group)) {
            state.hold_back(m->queue_offset, std::string(message_group));
          } else {
            hand_out(p, key, state, read, *m, now_ms, out, bytes_left);
          }
        }
        if (whole) state.skip_to(read->next_offset());
        break;
      }
      case BERTH_READ_NONE_MATCHED: state.skip_to(read->next_offset()); break;
      case BERTH_READ_BEFORE_START: state.start_at_least(read->min_offset()); break;
      case BERTH_READ_PAST_END:
        // The queue is shorter than the pop position (the topic was made again): start over.
        state = pop_queue_state(read->max_offset());
        break;
      default: break;  // END, NO_QUEUE: nothing more
    }
    if (state.next() <= before) break;
  }
  publish_committed(key, state);
}

void pop_service::hand_out(const parked_ptr& p, const pop_queue_key& key, pop_queue_state& state,
                           const std::shared_ptr<store::read_result>& read,
                           const berth_message_view& m, int64_t now_ms,
                           std::vector<handed_out>& out, uint64_t& bytes_left) {
  const uint64_t nonce = next_nonce();
  const int64_t deadline = now_ms + p->invisible_ms;
  const pop_entry& e = state.deliver(m.queue_offset, message_group_of(m), deadline, nonce,
                                     p->max_attempts, p->fifo);
  receipt r;
  r.scope = scope_of(std::get<0>(key), std::get<1>(key));
  r.queue = std::get<2>(key);
  r.offset = m.queue_offset;
  r.nonce = nonce;
  r.deadline_ms = deadline;
  out.push_back({read, &m, codec_.encode(r), e.attempt, deadline});
  const uint64_t size = m.body.len + 1024;
  bytes_left = bytes_left > size ? bytes_left - size : 0;
  ++changes_;
}

void pop_service::publish_committed(const pop_queue_key& key, const pop_queue_state& state) {
  const uint64_t committed = state.committed();
  auto [it, added] = committed_.try_emplace(key, committed);
  if (!added && it->second == committed) return;
  it->second = committed;
  offsets_.commit(std::get<0>(key), std::get<1>(key), std::get<2>(key), committed);
  ++changes_;
}

uint64_t pop_service::next_nonce() { return nonces_(); }

// ---- ACK, CHANGE_INVISIBLE ---------------------------------------------------------------------

std::optional<pop_service::verified_receipt> pop_service::verified(
    std::string_view group, std::string_view topic, std::string_view handle,
    const protocol::responder& answer) {
  if (auto bad = group::check_group_name(group)) {
    answer.fail(bad->status, bad->message);
    return std::nullopt;
  }
  auto decoded = codec_.decode(handle);
  if (const auto* why = std::get_if<std::string>(&decoded)) {
    answer.fail(wire::status::invalid_handle, *why);
    return std::nullopt;
  }
  const receipt r = std::get<receipt>(decoded);
  if (r.scope == scope_of(group, topic)) return verified_receipt{r, std::string(topic)};
  std::string retries = topic::retry_topic_of(group);
  if (r.scope == scope_of(group, retries)) return verified_receipt{r, std::move(retries)};
  answer.fail(wire::status::invalid_handle,
              fmt::format("the receipt handle was not given to group '{}' for topic '{}'", group,
                          topic));
  return std::nullopt;
}

void pop_service::ack(const protocol::request& req, const protocol::responder& answer) {
  const auto received = clock::now();
  auto body = wire::decode<wire::ack_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  const auto v = verified(body->group, body->topic, body->receipt_handle, answer);
  if (!v) return;
  const receipt* r = &v->r;
  {
    std::lock_guard lock(mutex_);
    const pop_queue_key key{std::string(body->group), v->topic, r->queue};
    const auto it = states_.find(key);
    const handle_state now =
        it == states_.end() ? handle_state::stale : it->second.check(r->offset, r->nonce);
    if (now == handle_state::finished) {
      return answer.fail(wire::status::already_acked,
                         fmt::format("queue {} offset {} of topic '{}' is already acknowledged "
                                     "(or dead-lettered) for group '{}'",
                                     r->queue, r->offset, body->topic, body->group));
    }
    if (now == handle_state::stale) {
      return answer.fail(wire::status::stale_handle,
                         fmt::format("queue {} offset {}: the handle is stale (the message was "
                                     "delivered again or its invisible time changed since)",
                                     r->queue, r->offset));
    }
    it->second.finish(r->offset);
    publish_committed(key, it->second);
    ++changes_;
    if (it->second.fifo()) wake(body->group, v->topic);  // its message group may go on
  }
  answer.ok();
  if (tracing()) trace_ack(body->group, v->topic, *r, *answer.connection(), received);
}

void pop_service::trace_ack(std::string_view group, std::string_view topic, const receipt& r,
                            const protocol::connection& client,
                            std::chrono::steady_clock::time_point received) {
  // The event names the message: read it (only when a tracer is loaded).
  store::read_query query;
  query.topic = topic;
  query.queue_id = r.queue;
  query.offset = r.offset;
  query.max_messages = 1;
  auto read = store_.read(query);
  if (!read || read.value().status() != BERTH_READ_FOUND || read.value().messages().empty() ||
      read.value().messages().front()->queue_offset != r.offset) {
    return;  // gone (retention) since it was delivered: nothing to name
  }
  settings_.traces->message_events(BERTH_TRACE_ACK, read.value().messages().first(1), group,
                                   client, clock::now() - received);
}

void pop_service::change_invisible(const protocol::request& req,
                                   const protocol::responder& answer) {
  auto body = wire::decode<wire::change_invisible_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  const auto v = verified(body->group, body->topic, body->receipt_handle, answer);
  if (!v) return;
  const receipt* r = &v->r;
  if (std::chrono::milliseconds(body->invisible_ms) > settings_.max_invisible) {
    return answer.fail(wire::status::invalid_argument,
                       fmt::format("invisible_ms {}: 0 to {} ms", body->invisible_ms,
                                   settings_.max_invisible.count()));
  }
  std::string handle;
  int64_t deadline = 0;
  {
    std::lock_guard lock(mutex_);
    const pop_queue_key key{std::string(body->group), v->topic, r->queue};
    const auto it = states_.find(key);
    const handle_state now =
        it == states_.end() ? handle_state::stale : it->second.check(r->offset, r->nonce);
    if (now == handle_state::finished) {
      return answer.fail(wire::status::already_acked,
                         fmt::format("queue {} offset {} is already acknowledged", r->queue,
                                     r->offset));
    }
    if (now == handle_state::stale) {
      return answer.fail(wire::status::stale_handle,
                         fmt::format("queue {} offset {}: the handle is stale", r->queue,
                                     r->offset));
    }
    receipt renewed = *r;
    renewed.nonce = next_nonce();
    renewed.deadline_ms = deadline = wall_ms() + static_cast<int64_t>(body->invisible_ms);
    it->second.change_deadline(r->offset, renewed.deadline_ms, renewed.nonce);
    handle = codec_.encode(renewed);
    ++changes_;
    if (body->invisible_ms == 0) wake(body->group, body->topic);  // pops of the topic it shows
  }
  answer.ok(wire::change_invisible_response{handle, deadline});
}

// ---- parking ---------------------------------------------------------------------------------

void pop_service::unpark_if(std::string_view topic,
                            const std::function<bool(const parked_ptr&)>& wanted,
                            std::vector<parked_ptr>& woken) {
  const auto it = waiting_.find(topic);
  if (it == waiting_.end()) return;
  std::erase_if(it->second, [&](const parked_ptr& p) {
    if (!wanted(p)) return false;
    p->waiting = false;
    if (p->timer != 0) scheduler_.cancel(p->timer);
    p->timer = 0;
    woken.push_back(p);
    return true;
  });
  if (it->second.empty()) waiting_.erase(it);
}

void pop_service::serve_soon(std::vector<parked_ptr> woken) {
  for (parked_ptr& p : woken) {
    scheduler_.post(owner_, std::chrono::nanoseconds(0), [this, p = std::move(p)] { serve(p); });
  }
}

void pop_service::wake(std::string_view group, std::string_view topic) {
  std::vector<parked_ptr> woken;
  {
    std::lock_guard lock(parked_mutex_);
    unpark_if(topic, [&](const parked_ptr& p) { return p->group == group; }, woken);
  }
  serve_soon(std::move(woken));
}

bool pop_service::claim(const parked_ptr& p) {
  std::lock_guard lock(parked_mutex_);
  if (!p->waiting) return false;
  p->waiting = false;
  if (const auto it = waiting_.find(p->topic); it != waiting_.end()) {
    std::erase(it->second, p);
    if (it->second.empty()) waiting_.erase(it);
  }
  if (p->timer != 0) scheduler_.cancel(p->timer);
  p->timer = 0;
  return true;
}

void pop_service::arrived(std::string_view topic, uint32_t queue, uint64_t max_offset) {
  (void)max_offset;
  std::vector<parked_ptr> woken;
  {
    std::lock_guard lock(parked_mutex_);
    if (stopped_) return;
    // Counted only for topics someone pops, so that plain producing costs one lookup.
    if (const auto a = arrivals_.find(topic); a != arrivals_.end()) ++a->second;
    unpark_if(
        topic,
        [&](const parked_ptr& p) {
          return p->queue == wire::any_queue || static_cast<uint32_t>(p->queue) == queue;
        },
        woken);
    // A group's retry topic grew: its pops of any topic may hand the retry out (serve()).
    if (topic::is_retry_topic(topic)) {
      const std::string_view group = topic.substr(topic::retry_prefix.size());
      std::vector<std::string> topics;
      for (const auto& [t, list] : waiting_) topics.push_back(t);
      for (const std::string& t : topics) {
        unpark_if(
            t,
            [&](const parked_ptr& p) {
              return p->group == group && !p->fifo && p->queue == wire::any_queue;
            },
            woken);
      }
    }
  }
  // Off the store's thread: the listener must not call into the store.
  serve_soon(std::move(woken));
}

size_t pop_service::parked_count() const {
  std::lock_guard lock(parked_mutex_);
  size_t n = 0;
  for (const auto& [topic, list] : waiting_) n += list.size();
  return n;
}

// ---- sweep: expiry, dead letters, saving -------------------------------------------------------

void pop_service::schedule_sweep() {
  scheduler_.post(owner_, settings_.sweep_interval, [this] {
    sweep();
    schedule_sweep();
  });
}

void pop_service::sweep() {
  std::vector<dead_letter_job> jobs;
  {
    std::lock_guard lock(mutex_);
    const int64_t now = wall_ms();
    for (auto& [key, state] : states_) {
      if (state.unfinished() == 0) continue;
      if (state.expired_between(last_sweep_ms_, now)) wake(std::get<0>(key), std::get<1>(key));
      for (const uint64_t offset : state.due_for_dead_letters(now)) {
        state.set_dead_lettering(offset, true);
        jobs.push_back({key, offset, state.entries().at(offset).nonce});
      }
    }
    last_sweep_ms_ = now;
  }
  for (const dead_letter_job& job : jobs) dead_letter(job);
  if (clock::now() - last_save_ >= settings_.save_interval) save(false);
}

void pop_service::dead_letter(const dead_letter_job& job) {
  const auto& [group, topic, queue] = job.key;
  store::read_query query;
  query.topic = topic;
  query.queue_id = queue;
  query.offset = job.offset;
  query.max_messages = 1;
  auto read = store_.read(query);
  if (!read || !read.value().found() || read.value()[0].queue_offset != job.offset) {
    const bool gone = read && read.value().status() == BERTH_READ_BEFORE_START;
    logger()->warn("group '{}' topic '{}' queue {} offset {}: {}", group, topic, queue,
                   job.offset,
                   gone ? "gone to retention before its dead-letter copy was made"
                        : "cannot read it for its dead-letter copy (retried)");
    return dead_lettered(job, gone);
  }
  delivery::send_to_dead_letters(
      topics_, store_, group, read.value()[0], [this, job](result<store::appended> stored) {
        if (!stored) {
          logger()->warn("group '{}' offset {}: the dead-letter copy failed (retried): {}",
                         std::get<0>(job.key), job.offset, stored.error().message);
        }
        const bool ok = stored.has_value();
        // Off the store's thread: dead_lettered() takes the service's lock.
        scheduler_.post(owner_, std::chrono::nanoseconds(0),
                        [this, job, ok] { dead_lettered(job, ok); });
      });
}

void pop_service::dead_lettered(const dead_letter_job& job, bool stored) {
  std::lock_guard lock(mutex_);
  const auto it = states_.find(job.key);
  if (it == states_.end()) return;
  pop_queue_state& state = it->second;
  const auto entry = state.entries().find(job.offset);
  if (entry == state.entries().end() || entry->second.nonce != job.nonce) return;
  if (!stored) {
    state.set_dead_lettering(job.offset, false);  // the next sweep tries again
    return;
  }
  state.finish(job.offset);
  publish_committed(job.key, state);
  ++changes_;
  wake(std::get<0>(job.key), std::get<1>(job.key));
}

void pop_service::save(bool force) {
  std::lock_guard saving(save_mutex_);
  std::string text;
  uint64_t changes = 0;
  {
    std::lock_guard lock(mutex_);
    last_save_ = clock::now();
    if (!force && changes_ == saved_changes_) return;
    changes = changes_;
    text = format_pop_states(states_);
  }
  if (auto written = write_file_atomically(state_file_, text); !written) {
    logger()->error("cannot save the pop state (kept in memory, retried): {}",
                    written.error().message);
    return;
  }
  std::lock_guard lock(mutex_);
  saved_changes_ = changes;
}

void pop_service::stop() {
  std::vector<parked_ptr> dropped;
  {
    std::lock_guard lock(parked_mutex_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [topic, list] : waiting_) {
      for (parked_ptr& p : list) {
        p->waiting = false;
        dropped.push_back(std::move(p));
      }
    }
    waiting_.clear();
  }
  scheduler_.retire_owner(owner_);
  for (const parked_ptr& p : dropped) {
    p->answer.fail(wire::status::shutting_down, "the broker is stopping");
  }
  save(true);
}

}  // namespace berth::kernel::pop
