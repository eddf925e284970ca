#include "delivery/pull_service.hpp"

#include "delivery/message_reply.hpp"
#include "group/request_checks.hpp"
#include "protocol/store_status.hpp"

#include <berth/wire/bodies.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace berth::kernel::delivery {

struct pull_service::parked {
  explicit parked(protocol::responder to) : answer(std::move(to)) {}

  protocol::responder answer;
  std::string group;
  std::string topic;
  uint32_t queue = 0;
  uint64_t offset = 0;
  uint32_t max_messages = 0;
  uint32_t scan_window = 0;  // queue entries a read may examine
  uint32_t max_bytes = 0;
  filter::filter_ptr filter;
  clock::time_point received = clock::now();
  clock::time_point deadline;
  // Guarded by the service's mutex.
  bool waiting = false;
  executor::task_id timer = 0;
};

namespace {

// Room left in a frame for everything but the messages' bytes.
constexpr uint64_t frame_overhead = 64u << 10;

// How many more entries than it may answer with a pull under a SQL or Lua filter examines.
constexpr uint32_t filtered_scan_factor = 8;

void answer_without_messages(const protocol::responder& answer, wire::pull_status status,
                             uint64_t next_offset, uint64_t min_offset, uint64_t max_offset) {
  wire::pull_response out;
  out.status = status;
  out.next_offset = next_offset;
  out.min_offset = min_offset;
  out.max_offset = max_offset;
  answer.ok(out);
}

}  // namespace

pull_service::pull_service(topic::topic_table& topics, store::store& store,
                           offset::offset_table& offsets, filter::filter_registry& filters,
                           executor::scheduler& scheduler, pull_settings settings)
    : topics_(topics),
      store_(store),
      offsets_(offsets),
      filters_(filters),
      scheduler_(scheduler),
      settings_(settings) {}

pull_service::~pull_service() { stop(); }

void pull_service::add_handlers(protocol::router& routes) {
  routes.add(wire::code::pull, [this](const protocol::request& req,
                                      const protocol::responder& answer) { pull(req, answer); });
}

void pull_service::pull(const protocol::request& req, const protocol::responder& answer) {
  auto body = wire::decode<wire::pull_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  if (auto bad = group::check_group_name(body->group)) return answer.fail(bad->status, bad->message);
  auto found = group::existing_queue(topics_, body->topic, body->queue_id);
  if (const auto* why = std::get_if<group::refusal>(&found)) {
    return answer.fail(why->status, why->message);
  }
  const topic::topic_settings& settings = std::get<topic::topic_settings>(found);
  if ((settings.perm & wire::perm_read) == 0) {
    return answer.fail(wire::status::no_permission,
                       fmt::format("topic '{}' may not be read (perm {})", body->topic,
                                   settings.perm));
  }
  auto compiled = filters_.compile(body->group, body->filter_type, body->expression);
  if (const auto* refused = std::get_if<filter::refusal>(&compiled)) {
    return answer.fail(refused->status, refused->message);
  }
  if (body->commit &&
      offsets_.commit(body->group, body->topic, body->queue_id, body->commit_offset) &&
      tracing()) {
    settings_.traces->commit_event(body->group, body->topic, body->queue_id,
                                   body->commit_offset, *answer.connection());
  }

  auto p = std::make_shared<parked>(answer);
  p->group = std::string(body->group);
  p->topic = std::string(body->topic);
  p->queue = body->queue_id;
  p->offset = body->offset;
  p->max_messages = body->max_messages == 0 ? settings_.default_messages
                                            : std::min(body->max_messages, settings_.max_messages);
  const uint64_t frame_room = answer.connection()->max_frame_size() > frame_overhead
                                  ? answer.connection()->max_frame_size() - frame_overhead
                                  : frame_overhead;
  p->max_bytes = static_cast<uint32_t>(std::min<uint64_t>(
      body->max_bytes == 0 ? settings_.default_bytes : body->max_bytes, frame_room));
  p->filter = std::get<filter::filter_ptr>(std::move(compiled));
  // A tag filter skips other entries by hash, unread; a filter that must read each message
  // examines a wider window so that a selective one still fills its answer.
  p->scan_window = body->filter_type == wire::filter_type::tag || p->filter->takes_all()
                       ? p->max_messages
                       : std::min(p->max_messages * filtered_scan_factor, settings_.max_messages);
  p->deadline = clock::now() + std::min<std::chrono::milliseconds>(
                                   std::chrono::milliseconds(body->hold_ms), settings_.max_hold);
  serve(p);
}

void pull_service::serve(const parked_ptr& p) {
  store::read_query query;
  query.topic = p->topic;
  query.queue_id = p->queue;
  query.offset = p->offset;
  query.max_messages = p->scan_window;
  query.max_bytes = p->max_bytes;
  if (!p->filter->takes_all()) {
    query.accept = [p](uint64_t hash) { return p->filter->may_match(hash); };
  }
  auto read = store_.read(query);
  if (!read) {
    return p->answer.fail(protocol::status_of_store_error(read.error().code),
                          read.error().message);
  }
  store::read_result& r = read.value();
  const bool may_wait = clock::now() < p->deadline;
  switch (r.status()) {
    case BERTH_READ_FOUND: {
      std::vector<const berth_message_view*> chosen;
      for (const berth_message_view* m : r.messages()) {
        if (chosen.size() == p->max_messages) break;
        if (p->filter->matches(*m)) chosen.push_back(m);
      }
      if (chosen.empty()) break;  // the filter took none: as if none matched
      // A full answer ends after its last message; otherwise after all that was examined.
      const uint64_t next = chosen.size() == p->max_messages ? chosen.back()->queue_offset + 1
                                                             : r.next_offset();
      const uint64_t min = r.min_offset(), max = r.max_offset();
      if (tracing()) {
        settings_.traces->message_events(BERTH_TRACE_DELIVER, chosen, p->group,
                                         *p->answer.connection(), clock::now() - p->received);
      }
      if (settings_.traffic != nullptr) settings_.traffic->consumed(p->group, p->topic, chosen);
      return answer_with_messages(p->answer, std::move(r), chosen, message_layout::list,
                                  [&](wire::writer& w) {
                                    w.u8(static_cast<uint8_t>(wire::pull_status::found));
                                    w.u64(next);
                                    w.u64(min);
                                    w.u64(max);
                                  });
    }
    case BERTH_READ_END:
      if (may_wait) return park(p);
      return answer_without_messages(p->answer, wire::pull_status::no_new_message, p->offset,
                                     r.min_offset(), r.max_offset());
    case BERTH_READ_NO_QUEUE:
      if (p->offset == 0) {
        if (may_wait) return park(p);
        return answer_without_messages(p->answer, wire::pull_status::no_new_message, 0, 0, 0);
      }
      return answer_without_messages(p->answer, wire::pull_status::offset_moved, 0, 0, 0);
    case BERTH_READ_BEFORE_START:
      return answer_without_messages(p->answer, wire::pull_status::offset_moved, r.min_offset(),
                                     r.min_offset(), r.max_offset());
    case BERTH_READ_PAST_END:
      return answer_without_messages(p->answer, wire::pull_status::offset_moved, r.max_offset(),
                                     r.min_offset(), r.max_offset());
    case BERTH_READ_NONE_MATCHED:
      break;
    default:
      return p->answer.fail(wire::status::internal,
                            fmt::format("the store answered a read with status {}", r.status()));
  }
  // Nothing matched the filter up to next_offset: wait there for more, or say so.
  p->offset = std::max(p->offset, r.next_offset());
  if (may_wait && p->offset >= r.max_offset()) return park(p);
  answer_without_messages(p->answer, wire::pull_status::no_match, p->offset, r.min_offset(),
                          r.max_offset());
}

void pull_service::park(const parked_ptr& p) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) {
      return p->answer.fail(wire::status::shutting_down, "the broker is stopping");
    }
    waiting_[{p->topic, p->queue}].push_back(p);
    p->waiting = true;
    const auto hold = std::max(p->deadline - clock::now(), clock::duration::zero());
    p->timer = scheduler_.post(owner_, hold, [this, p] {
      if (claim(p)) serve(p);  // the hold ended: serve() answers without waiting again
    });
  }
  // A message that landed between the read and the parking woke nobody: look again.
  auto bounds = store_.bounds_or_empty(p->topic, p->queue);
  if (bounds && bounds.value().max_offset > p->offset && claim(p)) serve(p);
}

bool pull_service::claim(const parked_ptr& p) {
  std::lock_guard lock(mutex_);
  if (!p->waiting) return false;
  p->waiting = false;
  if (const auto it = waiting_.find({p->topic, p->queue}); it != waiting_.end()) {
    std::erase(it->second, p);
    if (it->second.empty()) waiting_.erase(it);
  }
  if (p->timer != 0) scheduler_.cancel(p->timer);  // no-op when it is the timer running
  p->timer = 0;
  return true;
}

void pull_service::arrived(std::string_view topic, uint32_t queue, uint64_t max_offset) {
  std::vector<parked_ptr> woken;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    const auto it = waiting_.find({std::string(topic), queue});
    if (it == waiting_.end()) return;
    std::erase_if(it->second, [&](const parked_ptr& p) {
      if (p->offset >= max_offset) return false;
      p->waiting = false;
      if (p->timer != 0) scheduler_.cancel(p->timer);
      p->timer = 0;
      woken.push_back(p);
      return true;
    });
    if (it->second.empty()) waiting_.erase(it);
  }
  // Off the store's thread: the listener must not call into the store.
  for (parked_ptr& p : woken) {
    scheduler_.post(owner_, std::chrono::nanoseconds(0), [this, p = std::move(p)] { serve(p); });
  }
}

void pull_service::stop() {
  std::vector<parked_ptr> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [key, list] : waiting_) {
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
}

size_t pull_service::parked_count() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [key, list] : waiting_) n += list.size();
  return n;
}

}  // namespace berth::kernel::delivery
