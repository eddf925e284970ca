// Reading what was sent, with pull_consumer: every message of a topic, queue by queue.
#pragma once

#include "client_fixture.hpp"

#include <berth/client/pull_consumer.hpp>

#include <map>
#include <vector>

namespace berth::test {

// Acknowledged messages become visible to reads shortly after the acknowledgement (the
// store's dispatcher indexes them): wait until the topic holds at least `count` messages.
inline client::result<client::topic_info> wait_visible(client::pull_consumer& c,
                                                       const std::string& topic, size_t count) {
  client::result<client::topic_info> info = client::failure(client::errc::timeout, "not asked");
  (void)eventually([&] {
    info = c.queues(topic);
    if (!info) return false;
    size_t total = 0;
    for (const auto& q : info.value().queues) total += q.max_offset - q.min_offset;
    return total >= count;
  });
  return info;
}

// Every message of `queue` from `from` up to the queue's max offset once it holds `count`.
inline client::result<std::vector<client::received_message>> read_queue(client::pull_consumer& c,
                                                                        const std::string& topic,
                                                                        uint32_t queue,
                                                                        uint64_t from = 0,
                                                                        size_t count = 0) {
  std::vector<client::received_message> out;
  uint64_t max = 0;
  (void)eventually([&] {
    auto info = c.queues(topic);
    if (!info) return false;
    for (const auto& q : info.value().queues) {
      if (q.queue_id == queue) max = q.max_offset;
    }
    return max >= from + count;
  });
  uint64_t offset = from;
  while (offset < max) {
    auto r = c.pull(topic, queue, offset, 64);
    if (!r) return client::failure(r.error());
    for (auto& m : r.value().messages) out.push_back(std::move(m));
    if (r.value().next_offset <= offset) break;
    offset = r.value().next_offset;
  }
  return out;
}

// Every message of the topic by queue, once it holds at least `count`.
inline client::result<std::map<uint32_t, std::vector<client::received_message>>> read_topic(
    client::pull_consumer& c, const std::string& topic, size_t count = 0) {
  std::map<uint32_t, std::vector<client::received_message>> out;
  auto info = wait_visible(c, topic, count);
  if (!info) return client::failure(info.error());
  for (const auto& q : info.value().queues) {
    auto msgs = read_queue(c, topic, q.queue_id, q.min_offset);
    if (!msgs) return client::failure(msgs.error());
    out[q.queue_id] = std::move(msgs).value();
  }
  return out;
}

inline client::pull_consumer_options reader_options(const std::string& endpoint,
                                                    const std::string& group = "reader") {
  client::pull_consumer_options o;
  o.endpoint = endpoint;
  o.group = group;
  return o;
}

}  // namespace berth::test
