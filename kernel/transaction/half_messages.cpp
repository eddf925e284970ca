#include "transaction/half_messages.hpp"

#include "store/message_view.hpp"
#include "topic/system_topics.hpp"

#include <berth/wire/properties.hpp>

#include <charconv>

namespace berth::kernel::transaction {

namespace properties = wire::properties;
using store::property_of;
using store::text_of;

store::message_builder half_of(const wire::message& sent, const produce::destination& where,
                               std::string_view transaction_id, std::string_view peer,
                               std::string_view local) {
  store::message_builder half(std::string(topic::transaction_half_topic), 0);
  half.tags(std::string(sent.tags))
      .keys(std::string(sent.keys))
      .body(sent.body)
      .flag(sent.flag)
      .born_time_ms(sent.born_time_ms)
      .born_host(std::string(peer))
      .store_host(std::string(local));
  for (const wire::property& p : sent.properties) {
    half.property(std::string(p.name), std::string(p.value));
  }
  half.set_property(properties::real_topic, where.topic);
  half.set_property(properties::real_queue, std::to_string(where.queue));
  half.set_property(properties::transaction_id, std::string(transaction_id));
  if (half.find_property(properties::unique_key) == nullptr) {
    half.set_property(properties::unique_key, std::string(transaction_id));
  }
  return half;
}

std::optional<store::message_builder> committed_copy_of(const berth_message_view& half) {
  const auto topic = property_of(half, properties::real_topic);
  const auto queue_text = property_of(half, properties::real_queue);
  if (!topic || topic->empty() || !queue_text) return std::nullopt;
  uint32_t queue = 0;
  const auto [end, ec] =
      std::from_chars(queue_text->data(), queue_text->data() + queue_text->size(), queue);
  if (ec != std::errc() || end != queue_text->data() + queue_text->size()) return std::nullopt;
  store::message_builder real = store::message_builder::copy_of(half);
  real.topic(std::string(*topic)).queue_id(queue).sys_flag(0);
  for (const std::string_view name :
       {properties::transaction_prepared, properties::producer_group, properties::real_topic,
        properties::real_queue, properties::transaction_check_times}) {
    real.erase_property(name);
  }
  return real;
}

store::message_builder parked_copy_of(const berth_message_view& half) {
  store::message_builder parked = store::message_builder::copy_of(half);
  parked.topic(std::string(topic::transaction_check_exhausted_topic)).queue_id(0);
  return parked;
}

store::message_builder op_record(std::span<const uint64_t> half_offsets) {
  std::string body;
  for (const uint64_t offset : half_offsets) {
    if (!body.empty()) body += ',';
    body += std::to_string(offset);
  }
  store::message_builder op(std::string(topic::transaction_op_topic), 0);
  op.tags(std::string(op_tag)).body(std::string_view(body));
  return op;
}

std::vector<uint64_t> half_offsets_of(const berth_message_view& op) {
  std::vector<uint64_t> out;
  const std::string_view body(reinterpret_cast<const char*>(op.body.ptr), op.body.len);
  size_t start = 0;
  while (start <= body.size() && !body.empty()) {
    const size_t comma = std::min(body.find(',', start), body.size());
    const std::string_view entry = body.substr(start, comma - start);
    uint64_t offset = 0;
    const auto [end, ec] = std::from_chars(entry.data(), entry.data() + entry.size(), offset);
    if (ec == std::errc() && end == entry.data() + entry.size() && !entry.empty()) {
      out.push_back(offset);
    }
    start = comma + 1;
  }
  return out;
}

bool is_transaction(const berth_message_view& half, std::string_view id,
                    std::string_view producer_group) {
  if (id.empty()) return false;
  const bool same_id = property_of(half, properties::transaction_id) == id ||
                       text_of(half.message_id) == id;
  return same_id && property_of(half, properties::producer_group) == producer_group;
}

}  // namespace berth::kernel::transaction
