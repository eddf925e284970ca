#include "timer/timer_service.hpp"

#include "log/logger.hpp"
#include "store/message_view.hpp"
#include "topic/system_topics.hpp"

#include <berth/wire/properties.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <string>

namespace berth::kernel::timer {
namespace {

namespace properties = wire::properties;
using store::property_of;
using store::text_of;

log::logger_ptr logger() { return log::module("timer"); }

// Parked messages read per store call while loading, and delivered per append.
constexpr uint32_t load_batch = 512;
constexpr size_t deliver_batch = 128;
// A delivery the store refused is tried again this much later.
constexpr int64_t retry_after_ms = 1000;
// When the message was (last) parked, on the service's clock: a parked message is parked again
// roll_after later.
constexpr std::string_view parked_at_ms = "TIMER_PARKED_MS";
// A recall's tombstone: the timer-queue offset of the message it recalls.
constexpr std::string_view recall_of = "TIMER_RECALL_OFFSET";

int64_t system_now_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> number_in(std::optional<std::string_view> text) {
  if (!text) return std::nullopt;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  return value;
}

// The copy that goes to the real topic: the parking properties removed.
store::message_builder released(const berth_message_view& parked, std::string real_topic,
                                uint32_t queue) {
  store::message_builder copy = store::message_builder::copy_of(parked);
  copy.topic(std::move(real_topic)).queue_id(queue);
  for (std::string_view name : {properties::real_topic, properties::real_queue,
                                properties::deliver_at_ms, properties::delay_level,
                                parked_at_ms}) {
    copy.erase_property(name);
  }
  return copy;
}

}  // namespace

result<std::unique_ptr<timer_service>> timer_service::open(topic::topic_table& topics,
                                                           store::store& store,
                                                           executor::scheduler& scheduler,
                                                           timer_settings settings) {
  auto restored = load_timer_checkpoint(settings.checkpoint_file);
  if (!restored) return std::move(restored).error();
  std::unique_ptr<timer_service> service(
      new timer_service(topics, store, scheduler, std::move(settings), restored.value()));
  auto bounds = store.bounds_or_empty(topic::timer_topic, 0);
  if (!bounds) return std::move(bounds).error();
  {
    std::lock_guard lock(service->work_mutex_);
    const uint64_t start = std::max(restored.value().low_water, bounds.value().min_offset);
    if (start > restored.value().low_water) {
      logger()->error("timer queue offsets {}..{} were removed by the store's retention before "
                      "they were delivered",
                      restored.value().low_water, start - 1);
    }
    service->finished_ = finished_offsets(start);
    service->loaded_to_ = start;
    service->quiet_ = {start, start, restored.value().fired_to_ms};
    service->arrived_to_ = bounds.value().max_offset;
    BERTH_TRY(service->load_arrivals());
    logger()->info("{} timed message(s) pending (timer queue {}..{})", service->wheel_.size(),
                   start, bounds.value().max_offset);
  }
  if (service->settings_.automatic) service->request_run(service->now_ms());
  return service;
}

timer_service::timer_service(topic::topic_table& topics, store::store& store,
                             executor::scheduler& scheduler, timer_settings settings,
                             timer_checkpoint restored)
    : topics_(topics),
      store_(store),
      scheduler_(scheduler),
      settings_(std::move(settings)),
      owner_(executor::new_owner()),
      restored_(restored),
      wheel_(settings_.clock ? settings_.clock() : system_now_ms()) {}

timer_service::~timer_service() { stop(); }

int64_t timer_service::now_ms() const {
  return settings_.clock ? settings_.clock() : system_now_ms();
}

void timer_service::park(store::message_builder message, int64_t deliver_ms,
                         std::function<void(result<store::appended>)> done) {
  // Created on first use: a broker that never parks a message lists no timer topic.
  if (auto made = topics_.ensure(topic::timer_topic, {1, wire::default_perm}); !made) {
    return done(failure(BERTH_E_IO, "cannot create the timer topic: " + made.error().message));
  }
  message.set_property(properties::real_topic, message.topic());
  message.set_property(properties::real_queue, std::to_string(message.queue_id()));
  message.set_property(properties::deliver_at_ms, std::to_string(deliver_ms));
  message.set_property(parked_at_ms, std::to_string(now_ms()));
  message.erase_property(properties::delay_level);
  message.topic(std::string(topic::timer_topic)).queue_id(0);
  const berth_message_view* views[] = {&message.view()};  // read during the call only
  store_.append_async(views, [done = std::move(done)](result<std::vector<store::appended>> r) {
    if (!r) return done(std::move(r).error());
    done(std::move(r).value().front());
  });
}

result<void> timer_service::check_recallable(std::string_view topic, uint64_t offset,
                                              std::string_view message_id) {
  BERTH_TRY(load_arrivals());
  const auto not_found = [&](std::string_view why) {
    return failure(BERTH_E_NOT_FOUND,
                   fmt::format("no delayed message of topic '{}' is parked at timer offset {} "
                               "with id '{}': {}",
                               topic, offset, message_id, why));
  };
  if (offset >= loaded_to_) return not_found("no such offset");
  if (finished_.finished(offset)) return not_found("it was delivered (or parked again)");
  if (recalled_.count(offset) != 0) return not_found("it was recalled already");
  auto read = store_.read({.topic = topic::timer_topic, .queue_id = 0, .offset = offset,
                           .max_messages = 1});
  if (!read) return std::move(read).error();
  if (!read.value().found() || read.value()[0].queue_offset != offset) {
    return not_found("the store no longer has it");
  }
  const berth_message_view& parked = read.value()[0];
  if (property_of(parked, recall_of)) return not_found("that offset is a recall");
  if (property_of(parked, properties::real_topic).value_or("") != topic) {
    return not_found("it belongs to another topic");
  }
  if (text_of(parked.message_id) != message_id &&
      property_of(parked, properties::unique_key).value_or("") != message_id) {
    return not_found("its id differs");
  }
  return success();
}

void timer_service::recall(std::string_view topic, uint64_t offset, std::string_view message_id,
                           std::function<void(result<void>)> done) {
  {
    std::lock_guard lock(work_mutex_);
    if (auto ok = check_recallable(topic, offset, message_id); !ok) return done(std::move(ok));
    recalled_.insert(offset);  // from now on no run delivers it
  }
  store::message_builder tombstone(std::string(topic::timer_topic), 0);
  tombstone.set_property(recall_of, std::to_string(offset));
  tombstone.set_property(properties::deliver_at_ms, std::to_string(now_ms()));
  tombstone.set_property(parked_at_ms, std::to_string(now_ms()));
  const berth_message_view* views[] = {&tombstone.view()};
  store_.append_async(views, [this, offset, done = std::move(done)](
                                 result<std::vector<store::appended>> stored) {
    if (!stored) {
      std::lock_guard lock(work_mutex_);
      recalled_.erase(offset);  // not durable: it stays pending, as the caller is told
      return done(std::move(stored).error());
    }
    note_arrival(stored.value().front().queue_offset + 1);
    done(success());
  });
}

void timer_service::note_arrival(uint64_t max_offset) {
  uint64_t seen = arrived_to_.load(std::memory_order_relaxed);
  while (seen < max_offset && !arrived_to_.compare_exchange_weak(seen, max_offset)) {
  }
}

void timer_service::arrived(uint64_t max_offset) {
  note_arrival(max_offset);
  if (settings_.automatic) request_run(std::numeric_limits<int64_t>::min());
}

int64_t timer_service::fire_time(const berth_message_view& parked) const {
  const auto deliver = number_in(property_of(parked, properties::deliver_at_ms));
  if (!deliver) {
    logger()->warn("timer queue offset {} has no valid {}: delivered at once",
                   parked.queue_offset, properties::deliver_at_ms);
    return parked.store_time_ms;
  }
  const int64_t parked_at =
      number_in(property_of(parked, parked_at_ms)).value_or(parked.store_time_ms);
  return std::min(*deliver, parked_at + settings_.roll_after.count());
}

bool timer_service::note_tombstone(const berth_message_view& parked) {
  const auto target = number_in(property_of(parked, recall_of));
  if (!target) return false;
  // Nothing to deliver for the tombstone itself; the message it names is skipped when due.
  finished_.finish(parked.queue_offset);
  const auto recalled = static_cast<uint64_t>(*target);
  if (!finished_.finished(recalled)) recalled_.insert(recalled);
  return true;
}

void timer_service::add_parked(const berth_message_view& parked) {
  const uint64_t offset = parked.queue_offset;
  if (finished_.finished(offset)) return;
  if (note_tombstone(parked)) return;  // before the restart rule: its recall must be seen
  const int64_t fire = fire_time(parked);
  if (offset < restored_.loaded_to && fire <= restored_.fired_to_ms) {
    finished_.finish(offset);  // delivered (or parked again) before the restart
    return;
  }
  wheel_.add({fire, offset});
}

result<void> timer_service::load_arrivals() {
  const uint64_t target = arrived_to_.load();
  while (loaded_to_ < target) {
    auto read = store_.read({.topic = topic::timer_topic,
                             .queue_id = 0,
                             .offset = loaded_to_,
                             .max_messages = load_batch,
                             .max_bytes = 16u << 20});
    if (!read) return std::move(read).error();
    for (const berth_message_view* parked : read.value().messages()) add_parked(*parked);
    if (read.value().next_offset() <= loaded_to_) break;  // nothing readable yet
    loaded_to_ = read.value().next_offset();
  }
  return success();
}

size_t timer_service::deliver(const std::vector<timer_wheel::entry>& due, int64_t now) {
  size_t moved = 0;
  std::optional<int64_t> earliest_failed;
  for (size_t first = 0; first < due.size(); first += deliver_batch) {
    const size_t last = std::min(due.size(), first + deliver_batch);
    std::vector<store::message_builder> copies;
    std::vector<uint64_t> copied;
    for (size_t i = first; i < last; ++i) {
      const uint64_t offset = due[i].offset;
      if (recalled_.erase(offset) != 0) {  // recalled: finished without a delivery
        finished_.finish(offset);
        continue;
      }
      auto read = store_.read({.topic = topic::timer_topic, .queue_id = 0, .offset = offset,
                               .max_messages = 1});
      if (!read || !read.value().found() || read.value()[0].queue_offset != offset) {
        logger()->error("timer queue offset {} cannot be read back ({}): it is lost", offset,
                        read ? "removed by retention" : read.error().message);
        finished_.finish(offset);
        continue;
      }
      const berth_message_view& parked = read.value()[0];
      const auto deliver_at = number_in(property_of(parked, properties::deliver_at_ms));
      if (deliver_at && *deliver_at > now) {  // parked long: park a fresh copy
        copies.push_back(store::message_builder::copy_of(parked));
        copies.back().set_property(parked_at_ms, std::to_string(now));
      } else {
        const std::string real(property_of(parked, properties::real_topic).value_or(""));
        const auto settings = topics_.find(real);
        if (!settings) {
          logger()->warn("timed message at timer queue offset {}: topic '{}' no longer exists; "
                         "dropped", offset, real);
          finished_.finish(offset);
          continue;
        }
        const auto queue = number_in(property_of(parked, properties::real_queue)).value_or(0);
        copies.push_back(released(parked, real,
                                  static_cast<uint32_t>(static_cast<uint64_t>(queue) %
                                                        settings->queues)));
      }
      copied.push_back(offset);
    }
    if (copies.empty()) continue;
    auto appended = store_.append(store::views_of(copies));
    if (!appended) {
      logger()->error("cannot deliver {} timed message(s), tried again in {} ms: {}",
                      copies.size(), retry_after_ms, appended.error().message);
      for (size_t i = first; i < last; ++i) {
        if (std::find(copied.begin(), copied.end(), due[i].offset) == copied.end()) continue;
        earliest_failed = std::min(earliest_failed.value_or(due[i].fire_ms), due[i].fire_ms);
        wheel_.add({now + retry_after_ms, due[i].offset});
      }
      continue;
    }
    for (uint64_t offset : copied) finished_.finish(offset);
    for (size_t i = 0; i < copies.size(); ++i) {  // parked again: load the fresh copy
      if (copies[i].topic() == topic::timer_topic) note_arrival(appended.value()[i].queue_offset + 1);
    }
    moved += copied.size();
  }
  // Every entry loaded so far that fires before `now` is finished, except the failed ones.
  const int64_t fired_to = earliest_failed ? *earliest_failed - 1 : now;
  if (wheel_.next_wake_ms() != std::numeric_limits<int64_t>::min()) {
    quiet_.loaded_to = loaded_to_;
    quiet_.fired_to_ms = std::max(quiet_.fired_to_ms, fired_to);
    if (earliest_failed) quiet_.fired_to_ms = std::min(quiet_.fired_to_ms, fired_to);
  }
  if (!due.empty()) dirty_ = true;
  return moved;
}

size_t timer_service::run_due() {
  std::lock_guard lock(work_mutex_);
  if (auto loaded = load_arrivals(); !loaded) {
    logger()->error("cannot load parked messages (tried again): {}", loaded.error().message);
  }
  const int64_t now = now_ms();
  const size_t moved = deliver(wheel_.take_due(now), now);
  pending_.store(wheel_.size(), std::memory_order_relaxed);
  if (dirty_ && now - last_save_ms_ >= settings_.checkpoint_interval.count()) save_checkpoint();
  return moved;
}

void timer_service::save_checkpoint() {
  const timer_checkpoint c{finished_.low_water(), quiet_.loaded_to, quiet_.fired_to_ms};
  if (auto saved = save_timer_checkpoint(settings_.checkpoint_file, c); !saved) {
    logger()->error("cannot save the timer checkpoint (tried again): {}", saved.error().message);
    return;
  }
  dirty_ = false;
  last_save_ms_ = now_ms();
}

std::optional<int64_t> timer_service::next_run_ms(int64_t now) const {
  std::optional<int64_t> next = wheel_.next_wake_ms();
  if (dirty_) next = std::min(next.value_or(INT64_MAX), last_save_ms_ + settings_.checkpoint_interval.count());
  if (arrived_to_.load() > loaded_to_) next = now;
  if (next || !wheel_.empty()) next = std::min(next.value_or(INT64_MAX), now + settings_.max_sleep.count());
  return next;
}

void timer_service::request_run(int64_t at_ms) {
  std::lock_guard lock(schedule_mutex_);
  if (stopped_) return;
  if (wake_task_ != 0 && wake_at_ms_ <= at_ms) return;
  // A task that already started will run and schedule the next run itself.
  if (wake_task_ != 0 && !scheduler_.cancel(wake_task_)) return;
  const int64_t delay = std::max<int64_t>(0, at_ms == std::numeric_limits<int64_t>::min()
                                                 ? 0
                                                 : at_ms - now_ms());
  wake_at_ms_ = at_ms;
  wake_task_ = scheduler_.post(owner_, milliseconds(delay), [this] { on_wake(); });
}

void timer_service::on_wake() {
  {
    std::lock_guard lock(schedule_mutex_);
    wake_task_ = 0;
  }
  run_due();
  std::optional<int64_t> next;
  {
    std::lock_guard lock(work_mutex_);
    next = next_run_ms(now_ms());
  }
  if (next) request_run(*next);
}

void timer_service::stop() {
  {
    std::lock_guard lock(schedule_mutex_);
    if (stopped_) return;
    stopped_ = true;
    if (wake_task_ != 0) scheduler_.cancel(wake_task_);
    wake_task_ = 0;
  }
  scheduler_.retire_owner(owner_);
  std::lock_guard lock(work_mutex_);
  save_checkpoint();
}

}  // namespace berth::kernel::timer
