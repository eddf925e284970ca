#include "common.hpp"

#include <berth/wire/properties.hpp>

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <random>

namespace berth::client::internal {

std::string default_client_id() {
  static std::atomic<uint32_t> counter{0};
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::string id = host[0] != '\0' ? std::string(host.data()) : std::string("localhost");
  id += '@';
  id += std::to_string(::getpid());
  id += '#';
  id += std::to_string(++counter);
  return id;
}

unique_ids::unique_ids() {
  std::random_device rd;
  prefix_ = (uint64_t{rd()} << 32) ^ uint64_t { rd() } ^ static_cast<uint64_t>(::getpid());
}

std::string unique_ids::next() {
  const uint32_t n = ++counter_;
  const auto t = static_cast<uint64_t>(now_ms());
  // Uppercase hex of prefix (16 digits), time (8) and counter (8), by hand: snprintf was a
  // tenth of a producer's CPU at high rates.
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out(32, '0');
  const auto put = [&](size_t at, uint64_t v, int digits_n) {
    for (int i = digits_n - 1; i >= 0; --i, v >>= 4) out[at + static_cast<size_t>(i)] = digits[v & 0xF];
  };
  put(0, prefix_, 16);
  put(16, static_cast<uint32_t>(t), 8);
  put(24, n, 8);
  return out;
}

int64_t now_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> split_keys(std::string_view keys) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < keys.size()) {
    const size_t space = keys.find(' ', at);
    const size_t end = space == std::string_view::npos ? keys.size() : space;
    if (end > at) out.emplace_back(keys.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

result<void> check_message(const message& m, std::string_view prefix) {
  auto refuse = [&](std::string what) {
    return failure(errc::invalid_argument, std::string(prefix) + what);
  };
  if (m.topic.empty()) return refuse("the topic is empty");
  if (m.topic.size() > wire::max_str_bytes) return refuse("the topic is over 65535 bytes");
  if (m.tags.size() > wire::max_str_bytes) return refuse("the tags are over 65535 bytes");
  size_t keys = 0;
  for (const std::string& k : m.keys) {
    if (k.empty()) return refuse("a key is empty");
    if (k.find(' ') != std::string::npos) {
      return refuse("key '" + k + "' contains a space (keys travel space-separated)");
    }
    keys += k.size() + 1;
  }
  if (keys > wire::max_str_bytes) return refuse("the keys are over 65535 bytes together");
  for (const auto& [name, value] : m.properties) {
    if (name.empty()) return refuse("a property name is empty");
    if (name.size() > wire::max_str_bytes) {
      return refuse("property name '" + name.substr(0, 32) + "...' is over 65535 bytes");
    }
  }
  if (m.sharding_key && m.sharding_key->empty()) return refuse("the sharding key is empty");
  if (m.message_group && m.message_group->empty()) return refuse("the message group is empty");
  if (m.queue_id && *m.queue_id > static_cast<uint32_t>(INT32_MAX)) {
    return refuse("queue id " + std::to_string(*m.queue_id) + " is out of range");
  }
  return success();
}

send_extras extras_for(const message& m, unique_ids& ids) {
  namespace props = wire::properties;
  send_extras x;
  if (!m.property(props::unique_key)) x.properties.emplace_back(props::unique_key, ids.next());
  if (m.sharding_key) x.properties.emplace_back(props::sharding_key, *m.sharding_key);
  if (m.delay_level) x.properties.emplace_back(props::delay_level, std::to_string(*m.delay_level));
  if (m.deliver_at_ms) {
    x.properties.emplace_back(props::deliver_at_ms, std::to_string(*m.deliver_at_ms));
  }
  if (m.message_group) x.properties.emplace_back(props::message_group, *m.message_group);
  for (const std::string& k : m.keys) {
    if (!x.keys.empty()) x.keys += ' ';
    x.keys += k;
  }
  x.born_time_ms = now_ms();
  return x;
}

wire::message send_view(const message& m, const send_extras& x, int32_t queue_id) {
  wire::message w;
  w.topic = m.topic;
  w.queue_id = queue_id;
  w.tags = m.tags;
  w.keys = x.keys;
  w.properties.reserve(m.properties.size() + x.properties.size());
  // In place of the message's property of the same name, else after its own.
  const auto added = [&](std::string_view name) -> const std::string* {
    for (const auto& [n, v] : x.properties) {
      if (n == name) return &v;
    }
    return nullptr;
  };
  for (const auto& [name, value] : m.properties) {
    const std::string* replaced = x.properties.empty() ? nullptr : added(name);
    w.properties.push_back({name, replaced != nullptr ? *replaced : value});
  }
  for (const auto& [name, value] : x.properties) {
    if (!m.property(name)) w.properties.push_back({name, value});
  }
  w.flag = m.flag;
  w.born_time_ms = x.born_time_ms;
  w.body = std::span(reinterpret_cast<const uint8_t*>(m.body.data()), m.body.size());
  return w;
}

received_message to_received(const wire::stored_message& m) {
  received_message r;
  r.topic = m.topic;
  r.queue_id = m.queue_id;
  r.queue_offset = m.queue_offset;
  r.log_offset = m.log_offset;
  r.message_id = m.message_id;
  r.tags = m.tags;
  r.keys = split_keys(m.keys);
  r.properties.reserve(m.properties.size());
  for (const wire::property& p : m.properties) r.properties.emplace_back(p.name, p.value);
  r.flag = m.flag;
  r.sys_flag = m.sys_flag;
  r.reconsume_times = m.reconsume_times;
  r.born_time_ms = m.born_time_ms;
  r.store_time_ms = m.store_time_ms;
  r.born_host = m.born_host;
  r.store_host = m.store_host;
  r.body.assign(reinterpret_cast<const char*>(m.body.data()), m.body.size());
  return r;
}

std::vector<received_message> to_received(const std::vector<wire::stored_message>& list) {
  std::vector<received_message> out;
  out.reserve(list.size());
  for (const wire::stored_message& m : list) out.push_back(to_received(m));
  return out;
}

send_receipt to_receipt(const wire::send_result& r) {
  return send_receipt{std::string(r.message_id), r.queue_id, r.queue_offset, r.log_offset,
                      r.store_time_ms};
}

topic_info to_topic_info(std::string_view name, const wire::topic_describe_response& d) {
  topic_info t;
  t.name = name;
  t.queue_count = d.queues;
  t.perm = d.perm;
  t.queues.reserve(d.queue_states.size());
  for (const wire::queue_state& q : d.queue_states) {
    t.queues.push_back(queue_info{q.queue_id, q.min_offset, q.max_offset});
  }
  return t;
}

group_queue_info to_group_queue(const wire::group_queue& q) {
  group_queue_info g;
  g.topic = q.topic;
  g.queue_id = q.queue_id;
  if (q.committed != wire::no_offset) g.committed = q.committed;
  g.max_offset = q.max_offset;
  g.lag = q.lag;
  return g;
}

}  // namespace berth::client::internal
