#include "message_pattern.hpp"

#include <algorithm>
#include <cstring>
#include <span>

namespace berth::test::crash {
namespace {

constexpr int64_t born_time_base_ms = 1'700'000'000'000;
constexpr std::string_view born_host = "127.0.0.1:40001";
constexpr std::string_view store_host = "127.0.0.1:10911";
constexpr size_t body_header = 16;   // queue offset, queue id, payload length
constexpr size_t body_trailer = 8;   // checksum

// SplitMix64: a small, well-mixed generator, so payloads differ byte for byte between
// neighbouring offsets and queues.
uint64_t next_random(uint64_t& state) noexcept {
  state += 0x9E3779B97F4A7C15ull;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

template <class T>
void put_le(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof value);  // the tests run on little-endian machines only
  out.append(bytes, sizeof bytes);
}

template <class T>
T get_le(const uint8_t* p) noexcept {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

berth_str as_str(std::string_view s) noexcept { return {s.data(), s.size()}; }
std::string_view as_view(berth_str s) { return {s.ptr == nullptr ? "" : s.ptr, s.len}; }

std::string where(uint32_t queue_id, uint64_t queue_offset, const berth_message_view& view) {
  return "queue " + std::to_string(queue_id) + " offset " + std::to_string(queue_offset) +
         " (log offset " + std::to_string(view.log_offset) + "): ";
}

std::string quoted(std::string_view s) {
  constexpr size_t shown = 60;
  std::string out = "\"";
  for (const char c : s.substr(0, shown)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > shown) out += "...";
  return out + "\"";
}

std::string hex64(uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 60; shift >= 0; shift -= 4) out += digits[(v >> shift) & 0xFu];
  return out;
}

// The body's own story: its checksum, then the (queue, offset) it names.
std::string body_problem(std::span<const uint8_t> body) {
  if (body.size() < body_header + min_payload + body_trailer) {
    return "body of " + std::to_string(body.size()) + " bytes is shorter than any written";
  }
  const size_t covered = body.size() - body_trailer;
  const uint64_t stored = get_le<uint64_t>(body.data() + covered);
  const uint64_t computed = fnv1a64(body.data(), covered);
  if (stored != computed) {
    return "body checksum mismatch (stored " + hex64(stored) + ", computed " + hex64(computed) +
           "): the body is damaged";
  }
  const auto payload = get_le<uint32_t>(body.data() + 12);
  if (body_header + payload + body_trailer != body.size()) {
    return "body names a payload of " + std::to_string(payload) + " bytes but is " +
           std::to_string(body.size()) + " bytes long";
  }
  return {};
}

}  // namespace

uint64_t fnv1a64(const void* data, size_t size) noexcept {
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

pattern_message make_message(uint32_t queue_id, uint64_t queue_offset) {
  pattern_message m;
  m.queue_id = queue_id;
  m.queue_offset = queue_offset;
  uint64_t state = (uint64_t{queue_id} << 48) ^ queue_offset ^ 0xC0FFEE1234567ull;
  const size_t payload = min_payload + next_random(state) % (max_payload - min_payload + 1);

  m.body.reserve(body_header + payload + body_trailer);
  put_le<uint64_t>(m.body, queue_offset);
  put_le<uint32_t>(m.body, queue_id);
  put_le<uint32_t>(m.body, static_cast<uint32_t>(payload));
  while (m.body.size() < body_header + payload) {
    const uint64_t r = next_random(state);
    const size_t take = std::min<size_t>(sizeof r, body_header + payload - m.body.size());
    m.body.append(reinterpret_cast<const char*>(&r), take);
  }
  put_le<uint64_t>(m.body, fnv1a64(m.body.data(), m.body.size()));

  m.tags = "tag" + std::to_string(queue_offset % 4);
  m.keys = "key-" + std::to_string(queue_id) + "-" + std::to_string(queue_offset) + " crash";
  m.properties = {{"crash.queue", std::to_string(queue_id)},
                  {"crash.offset", std::to_string(queue_offset)},
                  {"crash.payload", std::to_string(payload)}};
  return m;
}

berth_message_view pattern_message::view(std::vector<berth_property>& props) const {
  props.clear();
  for (const auto& [name, value] : properties) props.push_back({as_str(name), as_str(value)});
  berth_message_view v{};
  v.struct_size = sizeof v;
  v.queue_id = queue_id;
  v.topic = as_str(crash_topic);
  v.born_time_ms = born_time_base_ms + static_cast<int64_t>(queue_offset);
  v.tags = as_str(tags);
  v.keys = as_str(keys);
  v.tag_hash = berth_tag_hash(v.tags);
  v.properties = props.data();
  v.property_count = static_cast<uint32_t>(props.size());
  v.flag = queue_id;
  v.body = {reinterpret_cast<const uint8_t*>(body.data()), body.size()};
  v.born_host = as_str(born_host);
  v.store_host = as_str(store_host);
  return v;
}

std::string check_message(const berth_message_view& view, uint32_t queue_id,
                          uint64_t queue_offset) {
  const std::string at = where(queue_id, queue_offset, view);
  if (view.queue_offset != queue_offset) {
    return at + "served with queue offset " + std::to_string(view.queue_offset);
  }
  if (view.queue_id != queue_id) return at + "served with queue id " + std::to_string(view.queue_id);
  if (as_view(view.topic) != crash_topic) return at + "topic " + quoted(as_view(view.topic));

  const std::span<const uint8_t> body(view.body.ptr, view.body.len);
  if (std::string problem = body_problem(body); !problem.empty()) return at + problem;
  const auto named_offset = get_le<uint64_t>(body.data());
  const auto named_queue = get_le<uint32_t>(body.data() + 8);
  if (named_offset != queue_offset || named_queue != queue_id) {
    return at + "intact body of queue " + std::to_string(named_queue) + " offset " +
           std::to_string(named_offset) + " served here (misplaced message)";
  }

  const pattern_message expected = make_message(queue_id, queue_offset);
  if (body.size() != expected.body.size() ||
      std::memcmp(body.data(), expected.body.data(), body.size()) != 0) {
    return at + "body differs from the one written although its checksum holds";
  }
  if (as_view(view.tags) != expected.tags) return at + "tags " + quoted(as_view(view.tags));
  if (as_view(view.keys) != expected.keys) return at + "keys " + quoted(as_view(view.keys));
  if (view.born_time_ms != born_time_base_ms + static_cast<int64_t>(queue_offset)) {
    return at + "born time " + std::to_string(view.born_time_ms);
  }
  if (view.flag != queue_id) return at + "flag " + std::to_string(view.flag);
  if (as_view(view.born_host) != born_host) return at + "born host " + quoted(as_view(view.born_host));
  for (const auto& [name, value] : expected.properties) {
    bool found = false;
    for (uint32_t i = 0; i < view.property_count && view.properties != nullptr; ++i) {
      if (as_view(view.properties[i].name) != name) continue;
      found = true;
      if (as_view(view.properties[i].value) != value) {
        return at + "property " + name + " = " + quoted(as_view(view.properties[i].value)) +
               ", expected " + quoted(value);
      }
    }
    if (!found) return at + "property " + name + " missing";
  }
  return {};
}

}  // namespace berth::test::crash
