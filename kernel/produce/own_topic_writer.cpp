#include "produce/own_topic_writer.hpp"

#include "topic/system_topics.hpp"

#include <berth/abi/berth_message.h>

#include <chrono>
#include <set>
#include <vector>

namespace berth::kernel::produce {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

own_topic_writer::own_topic_writer(topic::topic_table& topics, store::store& store)
    : topics_(topics), store_(store) {}

berth_status own_topic_writer::append(std::span<const berth_message_view* const> messages,
                                      std::string& reason) noexcept {
  try {
    std::lock_guard lock(mutex_);
    if (closed_) {
      reason = "the broker is stopping";
      return BERTH_E_CLOSED;
    }
    return append_open(messages, reason);
  } catch (const std::exception& e) {
    reason = e.what();
    return BERTH_E_INTERNAL;
  }
}

berth_status own_topic_writer::append_open(std::span<const berth_message_view* const> messages,
                                           std::string& reason) {
  if (messages.empty()) return BERTH_OK;
  std::set<std::string_view> topics;
  for (const berth_message_view* m : messages) {
    if (m == nullptr) {
      reason = "append: a message is missing";
      return BERTH_E_INVALID;
    }
    const std::string_view topic(m->topic.ptr, m->topic.len);
    if (!topic::is_system_topic(topic)) {
      reason = "append: '" + std::string(topic) +
               "' is not one of the broker's own topics (rmq_sys_ or RMQ_SYS_)";
      return BERTH_E_INVALID;
    }
    topics.insert(topic);
  }
  for (const std::string_view topic : topics) {
    if (auto made = topics_.ensure(topic, {1, wire::default_perm}); !made) {
      reason = "append: cannot make topic '" + std::string(topic) + "': " + made.error().message;
      return BERTH_E_INVALID;
    }
  }
  // The plugin names what the message says; the kernel says where and when it is kept.
  const int64_t now = now_ms();
  std::vector<berth_message_view> records;
  records.reserve(messages.size());
  std::vector<const berth_message_view*> views;
  views.reserve(messages.size());
  for (const berth_message_view* m : messages) {
    berth_message_view& v = records.emplace_back();
    v.struct_size = sizeof v;
    v.queue_id = 0;
    v.topic = m->topic;
    v.born_time_ms = now;
    v.tags = m->tags;
    v.keys = m->keys;
    v.tag_hash = berth_tag_hash(m->tags);
    v.properties = m->properties;
    v.property_count = m->property_count;
    v.flag = m->flag;
    v.body = m->body;
    views.push_back(&v);
  }
  auto stored = store_.append(views);
  if (!stored) {
    reason = stored.error().message;
    return stored.error().code;
  }
  return BERTH_OK;
}

void own_topic_writer::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

}  // namespace berth::kernel::produce
