#include "store/message_builder.hpp"

#include "store/message_view.hpp"

#include <algorithm>

namespace berth::kernel::store {
namespace {

berth_str abi(const std::string& s) { return berth_str{s.data(), s.size()}; }

}  // namespace

message_builder::message_builder(std::string topic, uint32_t queue_id)
    : topic_(std::move(topic)), queue_id_(queue_id) {}

message_builder message_builder::copy_of(const berth_message_view& stored) {
  message_builder copy(std::string(text_of(stored.topic)), stored.queue_id);
  copy.tags(std::string(text_of(stored.tags)))
      .keys(std::string(text_of(stored.keys)))
      .body(std::span<const uint8_t>(stored.body.ptr, stored.body.len))
      .flag(stored.flag)
      .sys_flag(stored.sys_flag)
      .reconsume_times(stored.reconsume_times)
      .born_time_ms(stored.born_time_ms)
      .born_host(std::string(text_of(stored.born_host)));
  copy.properties_.reserve(stored.property_count);
  for (uint32_t i = 0; i < stored.property_count; ++i) {
    copy.property(std::string(text_of(stored.properties[i].name)),
                  std::string(text_of(stored.properties[i].value)));
  }
  return copy;
}

message_builder& message_builder::topic(std::string value) {
  topic_ = std::move(value);
  return *this;
}
message_builder& message_builder::queue_id(uint32_t value) {
  queue_id_ = value;
  return *this;
}
message_builder& message_builder::tags(std::string value) {
  tags_ = std::move(value);
  return *this;
}
message_builder& message_builder::keys(std::string value) {
  keys_ = std::move(value);
  return *this;
}
message_builder& message_builder::property(std::string name, std::string value) {
  properties_.emplace_back(std::move(name), std::move(value));
  return *this;
}
message_builder& message_builder::set_property(std::string_view name, std::string value) {
  erase_property(name);
  return property(std::string(name), std::move(value));
}
message_builder& message_builder::erase_property(std::string_view name) {
  std::erase_if(properties_, [name](const auto& p) { return p.first == name; });
  return *this;
}
const std::string* message_builder::find_property(std::string_view name) const {
  const auto it = std::find_if(properties_.begin(), properties_.end(),
                               [name](const auto& p) { return p.first == name; });
  return it == properties_.end() ? nullptr : &it->second;
}

message_builder& message_builder::body(std::string_view bytes) {
  body_.assign(bytes.begin(), bytes.end());
  return *this;
}
message_builder& message_builder::body(std::span<const uint8_t> bytes) {
  body_.assign(bytes.begin(), bytes.end());
  return *this;
}
message_builder& message_builder::body(std::vector<uint8_t> bytes) {
  body_ = std::move(bytes);
  return *this;
}
message_builder& message_builder::flag(uint32_t value) {
  flag_ = value;
  return *this;
}
message_builder& message_builder::sys_flag(uint32_t value) {
  sys_flag_ = value;
  return *this;
}
message_builder& message_builder::reconsume_times(uint32_t value) {
  reconsume_times_ = value;
  return *this;
}
message_builder& message_builder::born_time_ms(int64_t value) {
  born_time_ms_ = value;
  return *this;
}
message_builder& message_builder::born_host(std::string value) {
  born_host_ = std::move(value);
  return *this;
}
message_builder& message_builder::store_host(std::string value) {
  store_host_ = std::move(value);
  return *this;
}

const berth_message_view& message_builder::view() {
  abi_properties_.clear();
  abi_properties_.reserve(properties_.size());
  for (const auto& [name, value] : properties_) {
    abi_properties_.push_back(berth_property{abi(name), abi(value)});
  }
  view_ = berth_message_view{};
  view_.struct_size = sizeof view_;
  view_.queue_id = queue_id_;
  view_.topic = abi(topic_);
  view_.born_time_ms = born_time_ms_;
  view_.tags = abi(tags_);
  view_.keys = abi(keys_);
  view_.tag_hash = berth_tag_hash(view_.tags);
  view_.properties = abi_properties_.empty() ? nullptr : abi_properties_.data();
  view_.property_count = static_cast<uint32_t>(abi_properties_.size());
  view_.flag = flag_;
  view_.sys_flag = sys_flag_;
  view_.reconsume_times = reconsume_times_;
  view_.body = berth_bytes{body_.empty() ? nullptr : body_.data(), body_.size()};
  view_.born_host = abi(born_host_);
  view_.store_host = abi(store_host_);
  return view_;
}

std::vector<const berth_message_view*> views_of(std::span<message_builder> builders) {
  std::vector<const berth_message_view*> views;
  views.reserve(builders.size());
  for (message_builder& builder : builders) views.push_back(&builder.view());
  return views;
}

}  // namespace berth::kernel::store
