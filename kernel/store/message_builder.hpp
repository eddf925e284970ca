// message_builder: owns the text, properties and body of one message to append and produces
// the berth_message_view a store's append() reads. The view borrows from the builder: it stays
// valid until the builder is changed, moved or destroyed (call view() again after a change).
#pragma once

#include <berth/abi/berth_message.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::kernel::store {

class message_builder {
 public:
  message_builder() = default;
  message_builder(std::string topic, uint32_t queue_id);
  // A copy of a stored message's contents (what a producer sent: topic, queue, tags, keys,
  // properties, body, flags, born time and host, reconsume times), to append again elsewhere:
  // the fields a store assigns are not copied.
  static message_builder copy_of(const berth_message_view& stored);

  message_builder& topic(std::string value);
  message_builder& queue_id(uint32_t value);
  message_builder& tags(std::string value);
  message_builder& keys(std::string value);  // space-separated
  message_builder& property(std::string name, std::string value);  // appended, as given
  // Replace every property called `name` by one with `value` (appended when there was none).
  message_builder& set_property(std::string_view name, std::string value);
  message_builder& erase_property(std::string_view name);
  // The value of the first property called `name`, or null.
  [[nodiscard]] const std::string* find_property(std::string_view name) const;
  message_builder& body(std::string_view bytes);
  message_builder& body(std::span<const uint8_t> bytes);
  message_builder& body(std::vector<uint8_t> bytes);
  message_builder& flag(uint32_t value);
  message_builder& sys_flag(uint32_t value);
  message_builder& reconsume_times(uint32_t value);
  message_builder& born_time_ms(int64_t value);
  message_builder& born_host(std::string value);
  message_builder& store_host(std::string value);

  // The view over the builder's current contents, with tag_hash computed from the tags. The
  // fields a store assigns (offsets, store time, message id) are zero.
  const berth_message_view& view();

  [[nodiscard]] const std::string& topic() const { return topic_; }
  [[nodiscard]] uint32_t queue_id() const { return queue_id_; }
  [[nodiscard]] uint32_t reconsume_times() const { return reconsume_times_; }
  [[nodiscard]] const std::string& tags() const { return tags_; }
  [[nodiscard]] const std::vector<uint8_t>& body() const { return body_; }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& properties() const {
    return properties_;
  }

 private:
  std::string topic_;
  uint32_t queue_id_ = 0;
  std::string tags_;
  std::string keys_;
  std::vector<std::pair<std::string, std::string>> properties_;
  std::vector<uint8_t> body_;
  uint32_t flag_ = 0;
  uint32_t sys_flag_ = 0;
  uint32_t reconsume_times_ = 0;
  int64_t born_time_ms_ = 0;
  std::string born_host_;
  std::string store_host_;

  // What view() hands out; rebuilt by every call.
  std::vector<berth_property> abi_properties_;
  berth_message_view view_{};
};

// Pointers to the views of `builders`, ready for store::append. Valid while the builders are
// unchanged.
std::vector<const berth_message_view*> views_of(std::span<message_builder> builders);

}  // namespace berth::kernel::store
