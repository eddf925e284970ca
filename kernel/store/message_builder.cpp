#include "store/message_builder.hpp"

namespace berth::kernel::store {
namespace {

berth_str abi(const std::string& s) { return berth_str{s.data(), s.size()}; }

}  // namespace

message_builder::message_builder(std::string topic, uint32_t queue_id)
    : topic_(std::move(topic)), queue_id_(queue_id) {}

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
