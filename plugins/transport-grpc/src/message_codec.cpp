#include "message_codec.hpp"

#include <berth/wire/properties.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <chrono>

namespace berth::transport_grpc {
namespace {

namespace props = wire::properties;

// A delayed message's delivery time as RocketMQ 5 keeps it: the broker drops TIMER_DELIVER_MS
// once it acted on it, this one stays for the consumer to see.
constexpr std::string_view start_deliver_time = "__STARTDELIVERTIME";

// Property names the broker acts on or sets, and RocketMQ's own spellings of tag and keys:
// a user property may not take them.
constexpr std::array reserved_names{
    props::correlation_id, props::reply_to_client, props::message_ttl, props::unique_key,
    props::sharding_key, props::delay_level, props::deliver_at_ms, props::real_topic,
    props::real_queue, props::retry_topic, props::origin_message_id,
    props::dead_letter_origin_topic, props::dead_letter_origin_message_id,
    props::transaction_prepared, props::producer_group, props::transaction_id,
    props::transaction_check_times, props::message_group, std::string_view("TAGS"),
    std::string_view("KEYS"), std::string_view("MSG_REGION"), std::string_view("TRACE_ON"),
    start_deliver_time,
};

bool is_reserved(std::string_view name) {
  return std::find(reserved_names.begin(), reserved_names.end(), name) != reserved_names.end();
}

constexpr size_t max_topic_length = 127;
constexpr size_t max_message_group_bytes = 64;
constexpr size_t max_user_properties = 128;
constexpr size_t max_properties_bytes = 16 * 1024;
constexpr int64_t max_delivery_ahead_ms = 24LL * 3600 * 1000;

bool valid_topic(std::string_view name) {
  if (name.empty() || name.size() > max_topic_length) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '%' || c == '|' || c == '_' || c == '-';
  });
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c == ' ' || c == '\t'; });
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

int64_t to_ms(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000 + t.nanos() / 1'000'000;
}

void set_time(google::protobuf::Timestamp* out, int64_t ms) {
  out->set_seconds(ms / 1000);
  out->set_nanos(static_cast<int32_t>(ms % 1000) * 1'000'000);
}

void set_duration(google::protobuf::Duration* out, int64_t ms) {
  out->set_seconds(ms / 1000);
  out->set_nanos(static_cast<int32_t>(ms % 1000) * 1'000'000);
}

refusal refuse(v2::Code code, std::string message) { return refusal{code, std::move(message)}; }

std::string_view property(const wire::stored_message& m, std::string_view name) {
  for (const wire::property& p : m.properties) {
    if (p.name == name) return p.value;
  }
  return {};
}

}  // namespace

wire::message outgoing_message::record(std::vector<wire::property>& storage) const {
  storage.clear();
  storage.reserve(properties.size());
  for (const auto& [name, value] : properties) storage.push_back(wire::property{name, value});
  wire::message m;
  m.topic = topic;
  m.queue_id = queue_id;
  m.tags = tags;
  m.keys = keys;
  m.properties = storage;
  m.born_time_ms = born_time_ms;
  m.body = wire::bytes_view(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  return m;
}

std::variant<outgoing_message, refusal> to_outgoing(const v2::Message& in,
                                                    const send_limits& limits) {
  outgoing_message out;
  out.topic = in.topic().name();
  if (!valid_topic(out.topic)) {
    return refuse(v2::ILLEGAL_TOPIC, "topic '" + out.topic +
                                         "' is not 1 to 127 characters of [%|a-zA-Z0-9_-]");
  }
  const v2::SystemProperties& sys = in.system_properties();
  out.client_message_id = sys.message_id();
  if (blank(out.client_message_id) || out.client_message_id.size() > 128) {
    return refuse(v2::ILLEGAL_MESSAGE_ID, "the message id is blank or over 128 characters");
  }
  if (in.body().empty()) return refuse(v2::MESSAGE_BODY_EMPTY, "the message body is empty");
  if (in.body().size() > limits.max_body_size) {
    return refuse(v2::MESSAGE_BODY_TOO_LARGE,
                  "the body is " + std::to_string(in.body().size()) + " bytes, over the limit of " +
                      std::to_string(limits.max_body_size));
  }
  if (sys.has_tag()) {
    const std::string& tag = sys.tag();
    if (blank(tag) || has_control(tag) || tag.find('|') != std::string::npos) {
      return refuse(v2::ILLEGAL_MESSAGE_TAG, "tag '" + tag + "' is blank or holds '|' or a control character");
    }
    out.tags = tag;
  }
  for (const std::string& key : sys.keys()) {
    if (blank(key) || has_control(key) || key.find(' ') != std::string::npos) {
      return refuse(v2::ILLEGAL_MESSAGE_KEY, "key '" + key + "' is blank or holds a space or a control character");
    }
    if (!out.keys.empty()) out.keys += ' ';
    out.keys += key;
  }
  if (in.user_properties_size() > static_cast<int>(max_user_properties)) {
    return refuse(v2::MESSAGE_PROPERTIES_TOO_LARGE,
                  "more than " + std::to_string(max_user_properties) + " user properties");
  }
  size_t property_bytes = 0;
  for (const auto& [name, value] : in.user_properties()) {
    if (name.empty() || is_reserved(name) || has_control(name)) {
      return refuse(v2::ILLEGAL_MESSAGE_PROPERTY_KEY,
                    "user property '" + name + "' is empty or a name the broker reserves");
    }
    property_bytes += name.size() + value.size();
    out.properties.emplace_back(name, value);
  }
  if (property_bytes > max_properties_bytes) {
    return refuse(v2::MESSAGE_PROPERTIES_TOO_LARGE, "the user properties exceed 16 KiB");
  }
  // Sorted: a message's properties are in a stable order whatever the client's map order.
  std::sort(out.properties.begin(), out.properties.end());
  out.properties.emplace_back(props::unique_key, out.client_message_id);

  out.type = sys.message_type();
  if (sys.has_message_group()) {
    const std::string& group = sys.message_group();
    if (blank(group) || group.size() >= max_message_group_bytes || has_control(group)) {
      return refuse(v2::ILLEGAL_MESSAGE_GROUP, "message group '" + group +
                                                   "' is blank, a control character or 64 bytes or more");
    }
    out.properties.emplace_back(props::message_group, group);
    out.message_group = group;
    if (out.type == v2::MESSAGE_TYPE_UNSPECIFIED) out.type = v2::FIFO;
  }
  if (sys.has_delivery_timestamp()) {
    if (sys.has_message_group()) {
      return refuse(v2::MESSAGE_PROPERTY_CONFLICT_WITH_TYPE,
                    "a message has a message group or a delivery time, not both");
    }
    const int64_t at = to_ms(sys.delivery_timestamp());
    const int64_t now = static_cast<int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    if (at - now > max_delivery_ahead_ms) {
      return refuse(v2::ILLEGAL_DELIVERY_TIME, "the delivery time is more than a day ahead");
    }
    if (at > now) {
      out.properties.emplace_back(props::deliver_at_ms, std::to_string(at));
      out.parked = true;
    }
    out.properties.emplace_back(start_deliver_time, std::to_string(at));
    if (out.type == v2::MESSAGE_TYPE_UNSPECIFIED) out.type = v2::DELAY;
  }
  if (out.type == v2::TRANSACTION) {
    if (sys.has_delivery_timestamp() || sys.has_message_group()) {
      return refuse(v2::MESSAGE_PROPERTY_CONFLICT_WITH_TYPE,
                    "a transactional message has no delivery time and no message group");
    }
    out.properties.emplace_back(props::transaction_prepared, "true");
    // RocketMQ 5's producer group of a transaction is its topic.
    out.properties.emplace_back(props::producer_group, out.topic);
  }
  if (out.type == v2::MESSAGE_TYPE_UNSPECIFIED) out.type = v2::NORMAL;
  out.born_time_ms = sys.has_born_timestamp() ? to_ms(sys.born_timestamp()) : 0;
  out.body = in.body();
  return out;
}

std::string_view client_message_id(const wire::stored_message& m) {
  const std::string_view unique = property(m, props::unique_key);
  return unique.empty() ? m.message_id : unique;
}

std::string md5_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_md5(), nullptr);
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 0xF];
  }
  return hex;
}

void to_v2(const wire::stored_message& in, const delivery_facts* delivery, v2::Message* out) {
  const std::string_view retry_of = property(in, props::retry_topic);
  out->mutable_topic()->set_name(std::string(retry_of.empty() ? in.topic : retry_of));
  v2::SystemProperties* sys = out->mutable_system_properties();
  std::string_view group;
  std::string_view deliver_at;
  for (const wire::property& p : in.properties) {
    if (p.name == props::message_group) group = p.value;
    if (p.name == start_deliver_time) deliver_at = p.value;
    if (is_reserved(p.name)) continue;
    (*out->mutable_user_properties())[std::string(p.name)] = std::string(p.value);
  }
  if (!in.tags.empty()) sys->set_tag(std::string(in.tags));
  for (size_t at = 0; at < in.keys.size();) {
    size_t end = in.keys.find(' ', at);
    if (end == std::string_view::npos) end = in.keys.size();
    if (end > at) sys->add_keys(std::string(in.keys.substr(at, end - at)));
    at = end + 1;
  }
  sys->set_message_id(std::string(client_message_id(in)));
  const std::string_view body(reinterpret_cast<const char*>(in.body.data()), in.body.size());
  sys->mutable_body_digest()->set_type(v2::MD5);
  sys->mutable_body_digest()->set_checksum(md5_hex(body));
  sys->set_body_encoding(v2::IDENTITY);
  sys->set_message_type(!group.empty() ? v2::FIFO : !deliver_at.empty() ? v2::DELAY : v2::NORMAL);
  set_time(sys->mutable_born_timestamp(), in.born_time_ms);
  sys->set_born_host(std::string(in.born_host));
  set_time(sys->mutable_store_timestamp(), in.store_time_ms);
  sys->set_store_host(std::string(in.store_host));
  if (!deliver_at.empty()) {
    try {
      set_time(sys->mutable_delivery_timestamp(), std::stoll(std::string(deliver_at)));
    } catch (const std::exception&) {
      // Not a number: the broker would not have parked it; leave the field out.
    }
  }
  sys->set_queue_id(static_cast<int32_t>(in.queue_id));
  sys->set_queue_offset(static_cast<int64_t>(in.queue_offset));
  if (!group.empty()) sys->set_message_group(std::string(group));
  const std::string_view traceparent = property(in, "traceparent");
  if (!traceparent.empty()) sys->set_trace_context(std::string(traceparent));
  if (delivery != nullptr) {
    sys->set_receipt_handle(delivery->receipt_handle);
    sys->set_delivery_attempt(static_cast<int32_t>(delivery->attempt));
    set_duration(sys->mutable_invisible_duration(), delivery->invisible_ms);
  }
  out->set_body(std::string(body));
}

}  // namespace berth::transport_grpc
