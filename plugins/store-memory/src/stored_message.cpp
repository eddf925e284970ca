#include "stored_message.hpp"

#include <berth/plugin/error.hpp>
#include <berth/plugin/message_id.hpp>

#include <algorithm>
#include <cstring>
#include <span>
#include <string>

namespace berth::plugins::store_memory {
namespace {

constexpr char empty_text[] = "";

// Copies fields one after the other into a buffer sized for all of them.
class buffer_writer {
 public:
  explicit buffer_writer(uint8_t* at) noexcept : at_(at) {}

  berth_bytes put(const uint8_t* data, size_t len) noexcept {
    if (len == 0) return berth_bytes{reinterpret_cast<const uint8_t*>(empty_text), 0};
    std::memcpy(at_, data, len);
    const berth_bytes copied{at_, len};
    at_ += len;
    return copied;
  }
  berth_str put(berth_str text) noexcept {
    const berth_bytes copied = put(reinterpret_cast<const uint8_t*>(text.ptr), text.len);
    return berth_str{reinterpret_cast<const char*>(copied.ptr), copied.len};
  }
  berth_str put(std::string_view text) noexcept { return put(sdk::abi_str(text)); }

 private:
  uint8_t* at_;
};

std::span<const berth_property> properties_of(const berth_message_view& message) noexcept {
  if (message.property_count == 0) return {};
  return {message.properties, message.property_count};
}

// The keys a message is indexed under, each once, in the order they appear.
std::vector<std::string_view> keys_to_index(std::string_view keys,
                                            std::span<const berth_property> properties) {
  std::vector<std::string_view> found;
  const auto add = [&found](std::string_view key) {
    if (!key.empty() && std::find(found.begin(), found.end(), key) == found.end()) {
      found.push_back(key);
    }
  };
  size_t start = 0;
  while (start < keys.size()) {
    size_t end = keys.find(' ', start);
    if (end == std::string_view::npos) end = keys.size();
    add(keys.substr(start, end - start));
    start = end + 1;
  }
  for (const berth_property& property : properties) {
    if (sdk::view(property.name) == unique_key_property) add(sdk::view(property.value));
  }
  return found;
}

}  // namespace

uint64_t accounted_size(const berth_message_view& message) noexcept {
  uint64_t size = message_overhead + message.body.len + message.topic.len + message.tags.len +
                  message.keys.len + message.born_host.len + message.store_host.len;
  for (const berth_property& property : properties_of(message)) {
    size += property.name.len + property.value.len;
  }
  return size;
}

stored_message::stored_message(const berth_message_view& from, const message_stamp& stamp)
    : size_(accounted_size(from)) {
  const std::string id = sdk::make_message_id(sdk::view(from.store_host), stamp.log_offset);
  const std::span<const berth_property> properties = properties_of(from);
  // Everything but the fixed overhead is copied, plus the id.
  bytes_ = std::make_unique_for_overwrite<uint8_t[]>(size_ - message_overhead + id.size());
  buffer_writer out(bytes_.get());

  view_.struct_size = sizeof view_;
  view_.queue_id = from.queue_id;
  view_.topic = out.put(from.topic);
  view_.queue_offset = stamp.queue_offset;
  view_.log_offset = stamp.log_offset;
  view_.born_time_ms = from.born_time_ms;
  view_.store_time_ms = stamp.store_time_ms;
  view_.message_id = out.put(std::string_view(id));
  view_.tags = out.put(from.tags);
  view_.keys = out.put(from.keys);
  view_.tag_hash = berth_tag_hash(view_.tags);
  properties_.reserve(properties.size());
  for (const berth_property& property : properties) {
    const berth_str name = out.put(property.name);
    properties_.push_back(berth_property{name, out.put(property.value)});
  }
  view_.properties = properties_.empty() ? nullptr : properties_.data();
  view_.property_count = static_cast<uint32_t>(properties_.size());
  view_.flag = from.flag;
  view_.sys_flag = from.sys_flag;
  view_.reconsume_times = from.reconsume_times;
  view_.body = out.put(from.body.ptr, from.body.len);
  view_.born_host = out.put(from.born_host);
  view_.store_host = out.put(from.store_host);
  index_keys_ = keys_to_index(sdk::view(view_.keys), properties_);
}

std::string_view stored_message::topic() const noexcept { return sdk::view(view_.topic); }

std::string_view stored_message::message_id() const noexcept {
  return sdk::view(view_.message_id);
}

}  // namespace berth::plugins::store_memory
