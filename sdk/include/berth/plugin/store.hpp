// Store plugins in C++: derive from store_plugin (open and recover in the constructor) and
//   BERTH_DEFINE_STORE_PLUGIN(my_store, "name", "1.0.0", "description", schema_json);
// Every hook may throw plugin_error(status, message); the adapter turns it into the ABI's
// status and error text.
#pragma once

#include <berth/abi/berth_store.h>
#include <berth/plugin/plugin.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::sdk {

namespace detail {
struct append_state;
}

// Completes one append. Fill the results first, then call it exactly once when append()
// returned normally (inline, before returning, is fine; so is any other thread); never when
// append() threw. Cheap to copy.
class append_ack {
 public:
  explicit append_ack(std::shared_ptr<detail::append_state> state) noexcept
      : state_(std::move(state)) {}
  void operator()(berth_status status, std::string_view error = {}) const noexcept;

 private:
  std::shared_ptr<detail::append_state> state_;
};

// What read() and the lookups return. The views may point into memory that a subclass (or
// `pins`) keeps alive; the batch is destroyed when the host releases it.
struct read_batch {
  virtual ~read_batch() = default;
  uint32_t status = BERTH_READ_FOUND;
  uint64_t next_offset = 0;
  uint64_t min_offset = 0;
  uint64_t max_offset = 0;
  std::vector<berth_message_view> messages;
  std::vector<std::shared_ptr<const void>> pins;  // whatever must outlive the views
};
using read_batch_ptr = std::unique_ptr<read_batch>;

// One read() call, with the host's tag-hash predicate.
struct read_request {
  std::string_view topic;
  uint32_t queue_id = 0;
  uint64_t offset = 0;
  uint32_t max_messages = 1;
  uint64_t max_bytes = 0;
  uint64_t max_scan = 0;  // 0 = the store's own cap
  berth_tag_hash_accept_fn accept = nullptr;
  void* accept_arg = nullptr;

  [[nodiscard]] bool accepts(uint64_t tag_hash) const {
    return accept == nullptr || accept(accept_arg, tag_hash) != 0;
  }
};

struct queue_range {
  uint64_t min_offset = 0;
  uint64_t max_offset = 0;
};

// The one arrival listener a store may have; notify() from the thread that makes messages
// visible. set() returns only once no call of the previous listener is running.
class arrival_listener {
 public:
  void set(berth_store_arrival_fn fn, void* arg) {
    std::lock_guard lock(mutex_);
    fn_ = fn;
    arg_ = arg;
  }
  void notify(std::string_view topic, uint32_t queue_id, uint64_t max_offset) {
    std::lock_guard lock(mutex_);
    if (fn_ != nullptr) fn_(arg_, abi_str(topic), queue_id, max_offset);
  }

 private:
  std::mutex mutex_;
  berth_store_arrival_fn fn_ = nullptr;
  void* arg_ = nullptr;
};

class store_plugin {
 public:
  virtual ~store_plugin() = default;
  // Durability and visibility barrier; throw plugin_error(BERTH_E_IO, cause) once fenced.
  virtual void sync() = 0;
  // Check the whole batch, then write it and fill results (one per message). Throw before
  // writing anything; once written, complete `ack` exactly once.
  virtual void append(std::span<const berth_message_view* const> messages,
                      std::span<berth_append_result> results, append_ack ack) = 0;
  virtual read_batch_ptr read(const read_request& request) = 0;
  // nullopt: the queue has never had a message.
  virtual std::optional<queue_range> queue_bounds(std::string_view topic, uint32_t queue_id) = 0;
  virtual std::optional<uint64_t> offset_by_time(std::string_view topic, uint32_t queue_id,
                                                 int64_t time_ms) = 0;
  // nullptr: no such message. Throw plugin_error(BERTH_E_INVALID, ...) for a malformed id.
  virtual read_batch_ptr lookup_id(std::string_view message_id) = 0;
  virtual read_batch_ptr lookup_key(std::string_view topic, std::string_view key,
                                    int64_t begin_ms, int64_t end_ms, uint32_t max_messages) = 0;
  virtual berth_retention_report run_retention(int64_t now_ms, uint32_t flags) = 0;
  virtual berth_store_stats stats() = 0;
  virtual void set_arrival_listener(berth_store_arrival_fn fn, void* arg) = 0;
};

namespace detail {

struct read_holder;

// What the host gets: the ABI result first, so that the pointer handed out converts back,
// and the holder that owns everything behind it. Kept apart from read_holder so that this
// part stays standard-layout whatever the standard library's containers are.
struct read_handout {
  berth_read_result abi{};
  read_holder* owner = nullptr;
};
static_assert(std::is_standard_layout_v<read_handout>);

// A read_batch as the host sees it.
struct read_holder {
  read_handout handout;
  read_batch_ptr batch;
  std::vector<const berth_message_view*> pointers;
};

inline berth_read_result* hand_out(read_batch_ptr batch) {
  auto holder = std::make_unique<read_holder>();
  holder->handout.owner = holder.get();
  holder->pointers.reserve(batch->messages.size());
  for (berth_message_view& view : batch->messages) {
    view.struct_size = sizeof(berth_message_view);
    holder->pointers.push_back(&view);
  }
  berth_read_result& abi = holder->handout.abi;
  abi.struct_size = sizeof(berth_read_result);
  abi.status = batch->status;
  abi.messages = holder->pointers.empty() ? nullptr : holder->pointers.data();
  abi.count = static_cast<uint32_t>(holder->pointers.size());
  abi.next_offset = batch->next_offset;
  abi.min_offset = batch->min_offset;
  abi.max_offset = batch->max_offset;
  holder->batch = std::move(batch);
  return &holder.release()->handout.abi;
}

// Copy what fits of `from` into a caller struct whose size is `to_size`, keeping its size.
template <class T>
void copy_sized(T* to, uint32_t to_size, const T& from) noexcept {
  if (to_size < sizeof(uint32_t)) return;
  const uint32_t keep = to_size;
  std::memcpy(static_cast<void*>(to), &from, std::min<size_t>(to_size, sizeof(T)));
  std::memcpy(static_cast<void*>(to), &keep, sizeof keep);
}

// One append in flight: the results the plugin fills, where the host wants them, and the
// host's done. The results reach the host exactly once, before done runs or when append()
// returns, whichever comes first; after done nothing touches the host's memory.
struct append_state {
  std::vector<berth_append_result> assigned;
  berth_append_result* results = nullptr;
  uint32_t result_size = 0;
  berth_store_done_fn done = nullptr;
  void* done_arg = nullptr;
  std::once_flag delivered;
  std::atomic<bool> acked{false};

  void deliver_results() noexcept {
    std::call_once(delivered, [&] {
      auto* out = reinterpret_cast<uint8_t*>(results);
      for (size_t i = 0; i < assigned.size(); ++i) {
        copy_sized(reinterpret_cast<berth_append_result*>(out + i * result_size), result_size,
                   assigned[i]);
      }
    });
  }
  void complete(berth_status status, const char* error) noexcept {
    if (acked.exchange(true)) return;  // a second call is a plugin bug; the host sees one
    // Delivered even when the acknowledgement failed: append() may not have returned yet,
    // and once done has run it must not write the host's results any more.
    deliver_results();
    done(done_arg, status, error);
  }
};

// Waits for an append's acknowledgement when the host asked append() to block.
struct blocking_ack {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  berth_status status = BERTH_OK;
  std::string error;

  static void complete(void* arg, berth_status status, const char* error) {
    auto* self = static_cast<blocking_ack*>(arg);
    std::lock_guard lock(self->mutex);
    self->status = status;
    self->error = error == nullptr ? "" : error;
    self->done = true;
    self->done_cv.notify_all();
  }
  berth_status wait(berth_errbuf* err) {
    std::unique_lock lock(mutex);
    done_cv.wait(lock, [&] { return done; });
    if (status != BERTH_OK) write_error(err, error);
    return status;
  }
};

}  // namespace detail

inline void append_ack::operator()(berth_status status, std::string_view error) const noexcept {
  char text[1024];
  const size_t n = std::min(error.size(), sizeof text - 1);
  error.copy(text, n);
  text[n] = '\0';
  state_->complete(status, text);
}

namespace detail {

template <class Impl>
struct store_adapter {
  static berth_status sync(berth_instance* instance, berth_errbuf* err) noexcept {
    return guarded(err, [&] { impl_of<Impl>(instance).sync(); });
  }

  static berth_status append(berth_instance* instance, const berth_message_view* const* messages,
                             uint32_t count, berth_append_result* results, uint32_t result_size,
                             berth_store_done_fn done, void* done_arg, berth_errbuf* err) noexcept {
    if (count > 0 && (messages == nullptr || results == nullptr)) {
      write_error(err, "append: messages and results must not be NULL");
      return BERTH_E_INVALID;
    }
    if (result_size < offsetof(berth_append_result, message_id) + BERTH_MESSAGE_ID_CAP) {
      write_error(err, "append: result_size is smaller than berth_append_result 1.2");
      return BERTH_E_INVALID;
    }
    std::unique_ptr<blocking_ack> waiter;
    if (done == nullptr) {
      waiter = std::make_unique<blocking_ack>();
      done = &blocking_ack::complete;
      done_arg = waiter.get();
    }
    auto state = std::make_shared<append_state>();
    state->results = results;
    state->result_size = result_size;
    state->done = done;
    state->done_arg = done_arg;
    berth_status status = guarded(err, [&] {
      state->assigned.resize(count);
      for (berth_append_result& r : state->assigned) r.struct_size = sizeof(berth_append_result);
      if (count == 0) {
        append_ack{state}(BERTH_OK);
        return;
      }
      impl_of<Impl>(instance).append(std::span(messages, count), std::span(state->assigned),
                                     append_ack{state});
    });
    // A plugin that acknowledged and then threw has stored the batch: done ran, so this is
    // a success for the host.
    if (status != BERTH_OK && state->acked.load()) status = BERTH_OK;
    if (status != BERTH_OK) return status;
    state->deliver_results();
    if (!waiter) return BERTH_OK;
    return waiter->wait(err);
  }

  static berth_status read(berth_instance* instance, const berth_read_request* request,
                           berth_read_result** out, berth_errbuf* err) noexcept {
    if (request == nullptr || out == nullptr ||
        !BERTH_HAS_FIELD(request, berth_read_request, accept_arg)) {
      write_error(err, "read: missing or short request");
      return BERTH_E_INVALID;
    }
    *out = nullptr;
    return guarded(err, [&] {
      read_request r;
      r.topic = view(request->topic);
      r.queue_id = request->queue_id;
      r.offset = request->offset;
      r.max_messages = std::max<uint32_t>(request->max_messages, 1);
      r.max_bytes = request->max_bytes;
      r.max_scan = request->max_scan;
      r.accept = request->accept;
      r.accept_arg = request->accept_arg;
      *out = hand_out(impl_of<Impl>(instance).read(r));
    });
  }

  static void release(berth_instance*, berth_read_result* result) noexcept {
    if (result != nullptr) delete reinterpret_cast<read_handout*>(result)->owner;
  }

  static berth_status queue_bounds(berth_instance* instance, berth_str topic, uint32_t queue_id,
                                   uint64_t* min_offset, uint64_t* max_offset,
                                   berth_errbuf* err) noexcept {
    return guarded(err, [&] {
      const std::optional<queue_range> range = impl_of<Impl>(instance).queue_bounds(view(topic), queue_id);
      if (!range) throw plugin_error(BERTH_E_NOT_FOUND, no_queue(topic, queue_id));
      if (min_offset != nullptr) *min_offset = range->min_offset;
      if (max_offset != nullptr) *max_offset = range->max_offset;
    });
  }

  static berth_status offset_by_time(berth_instance* instance, berth_str topic, uint32_t queue_id,
                                     int64_t time_ms, uint64_t* out, berth_errbuf* err) noexcept {
    return guarded(err, [&] {
      const std::optional<uint64_t> offset =
          impl_of<Impl>(instance).offset_by_time(view(topic), queue_id, time_ms);
      if (!offset) throw plugin_error(BERTH_E_NOT_FOUND, no_queue(topic, queue_id));
      if (out != nullptr) *out = *offset;
    });
  }

  static berth_status lookup_id(berth_instance* instance, berth_str message_id,
                                berth_read_result** out, berth_errbuf* err) noexcept {
    if (out == nullptr) return BERTH_E_INVALID;
    *out = nullptr;
    return guarded(err, [&] {
      read_batch_ptr found = impl_of<Impl>(instance).lookup_id(view(message_id));
      if (!found || found->messages.empty()) {
        throw plugin_error(BERTH_E_NOT_FOUND,
                           "no message with id '" + std::string(view(message_id)) + "'");
      }
      *out = hand_out(std::move(found));
    });
  }

  static berth_status lookup_key(berth_instance* instance, berth_str topic, berth_str key,
                                 int64_t begin_ms, int64_t end_ms, uint32_t max_messages,
                                 berth_read_result** out, berth_errbuf* err) noexcept {
    if (out == nullptr) return BERTH_E_INVALID;
    *out = nullptr;
    return guarded(err, [&] {
      read_batch_ptr found = impl_of<Impl>(instance).lookup_key(view(topic), view(key), begin_ms,
                                                                end_ms, max_messages);
      if (!found) found = std::make_unique<read_batch>();
      *out = hand_out(std::move(found));
    });
  }

  static berth_status run_retention(berth_instance* instance, int64_t now_ms, uint32_t flags,
                                    berth_retention_report* report, berth_errbuf* err) noexcept {
    return guarded(err, [&] {
      berth_retention_report done = impl_of<Impl>(instance).run_retention(now_ms, flags);
      done.struct_size = sizeof done;
      if (report != nullptr) copy_sized(report, report->struct_size, done);
    });
  }

  static void stats(berth_instance* instance, berth_store_stats* out) noexcept {
    if (out == nullptr) return;
    berth_store_stats filled{};
    berth_errbuf none{};
    if (guarded(&none, [&] { filled = impl_of<Impl>(instance).stats(); }) != BERTH_OK) return;
    filled.struct_size = sizeof filled;
    copy_sized(out, out->struct_size, filled);
  }

  static void set_arrival_listener(berth_instance* instance, berth_store_arrival_fn fn,
                                   void* arg) noexcept {
    berth_errbuf none{};
    (void)guarded(&none, [&] { impl_of<Impl>(instance).set_arrival_listener(fn, arg); });
  }

  static std::string no_queue(berth_str topic, uint32_t queue_id) {
    return "no queue " + std::to_string(queue_id) + " in topic '" + std::string(view(topic)) + "'";
  }

  static constexpr berth_store_ops ops{sizeof(berth_store_ops), &sync, &append, &read, &release,
                                       &queue_bounds, &offset_by_time, &lookup_id, &lookup_key,
                                       &run_retention, &stats, &set_arrival_listener};
};

}  // namespace detail
}  // namespace berth::sdk

#define BERTH_DEFINE_STORE_PLUGIN(IMPL, NAME, VERSION, DESCRIPTION, SCHEMA)                   \
  BERTH_PLUGIN_ENTRY((::berth::sdk::detail::describe<IMPL>(                                    \
      BERTH_KIND_STORE, NAME, VERSION, DESCRIPTION, SCHEMA,                                    \
      &::berth::sdk::detail::store_adapter<IMPL>::ops)))
