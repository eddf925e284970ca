#include "wire_samples.hpp"

#include <berth/wire/properties.hpp>

#include <cstdio>

namespace berth::bench::micro {
namespace {

constexpr int64_t born_time_ms = 1'765'000'000'000;

// 32 hex digits, like the client's UNIQ_KEY and the broker's message ids.
std::string hex_id(uint64_t high, uint64_t low) {
  char text[33];
  std::snprintf(text, sizeof text, "%016llX%016llX", static_cast<unsigned long long>(high),
                static_cast<unsigned long long>(low));
  return text;
}

wire::bytes_view bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

send_sample::send_sample(size_t count, size_t body_bytes) : body_(body_bytes, 'x') {
  batch_.messages.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const std::string& key = unique_keys_.emplace_back(hex_id(0x0A00000700002A11, i));
    wire::message m;
    m.topic = "orders";
    m.queue_id = 3;
    m.tags = "TagA";
    m.keys = "order-1042";
    m.properties.push_back(wire::property{wire::properties::unique_key, key});
    m.born_time_ms = born_time_ms;
    m.body = bytes_of(body_);
    batch_.messages.push_back(std::move(m));
  }
}

size_t send_sample::body_bytes() const { return body_.size() * batch_.messages.size(); }

pull_sample::pull_sample(size_t count, size_t body_bytes) : body_(body_bytes, 'x') {
  answer_.status = wire::pull_status::found;
  answer_.min_offset = 0;
  answer_.next_offset = 1000 + count;
  answer_.max_offset = 5000;
  answer_.messages.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    wire::stored_message m;
    m.topic = "orders";
    m.queue_id = 3;
    m.queue_offset = 1000 + i;
    m.log_offset = (1000 + i) * 240;
    m.message_id = ids_.emplace_back(hex_id(0x0A0000010000276F, m.log_offset));
    m.tags = "TagA";
    m.keys = "order-1042";
    m.properties.push_back(
        wire::property{wire::properties::unique_key, ids_.emplace_back(hex_id(0x0A00000700002A11, i))});
    m.born_time_ms = born_time_ms;
    m.store_time_ms = born_time_ms + 1;
    m.born_host = "10.0.0.7:51234";
    m.store_host = "10.0.0.1:10911";
    m.body = bytes_of(body_);
    answer_.messages.push_back(std::move(m));
  }
}

}  // namespace berth::bench::micro
