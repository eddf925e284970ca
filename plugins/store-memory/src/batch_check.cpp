#include "batch_check.hpp"

#include <berth/plugin/error.hpp>

#include <array>
#include <cstdio>

namespace berth::plugins::store_memory {
namespace {

bool topic_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '%' || c == '_' || c == '|' || c == '-';
}

std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7F) return std::string("'") + c + "'";
  std::array<char, 8> hex{};
  std::snprintf(hex.data(), hex.size(), "0x%02X", byte);
  return std::string("byte ") + hex.data();
}

// A field the view says has `len` bytes at NULL.
std::string null_field(const char* field, size_t len) {
  return std::string(field) + " is NULL with length " + std::to_string(len);
}

// Why one message cannot be stored; empty when it can.
std::string message_problem(const berth_message_view* message, uint64_t max_message_size) {
  if (message == nullptr) return "the view is NULL";
  if (!BERTH_HAS_FIELD(message, berth_message_view, store_host)) {
    return "struct_size " + std::to_string(message->struct_size) +
           " is smaller than berth_message_view (" + std::to_string(sizeof(berth_message_view)) +
           ")";
  }
  const struct {
    const char* name;
    const void* ptr;
    size_t len;
  } fields[] = {{"topic", message->topic.ptr, message->topic.len},
                {"tags", message->tags.ptr, message->tags.len},
                {"keys", message->keys.ptr, message->keys.len},
                {"body", message->body.ptr, message->body.len},
                {"born_host", message->born_host.ptr, message->born_host.len},
                {"store_host", message->store_host.ptr, message->store_host.len}};
  for (const auto& field : fields) {
    if (field.ptr == nullptr && field.len != 0) return null_field(field.name, field.len);
  }
  if (message->properties == nullptr && message->property_count != 0) {
    return "properties is NULL with count " + std::to_string(message->property_count);
  }
  for (uint32_t i = 0; i < message->property_count; ++i) {
    const berth_property& property = message->properties[i];
    if ((property.name.ptr == nullptr && property.name.len != 0) ||
        (property.value.ptr == nullptr && property.value.len != 0)) {
      return null_field(("property " + std::to_string(i)).c_str(),
                        property.name.len + property.value.len);
    }
  }
  std::string problem = topic_problem(sdk::view(message->topic));
  if (!problem.empty()) return problem;
  if (message->body.len > max_message_size) {
    return "body of " + std::to_string(message->body.len) + " bytes exceeds max_message_size (" +
           std::to_string(max_message_size) + ")";
  }
  return {};
}

}  // namespace

std::string topic_problem(std::string_view topic) {
  if (topic.empty()) return "topic is empty";
  if (topic.size() > max_topic_bytes) {
    return "topic of " + std::to_string(topic.size()) + " bytes is longer than " +
           std::to_string(max_topic_bytes);
  }
  for (size_t i = 0; i < topic.size(); ++i) {
    if (!topic_char(topic[i])) {
      return "topic has " + describe_char(topic[i]) + " at position " + std::to_string(i) +
             "; topics use only [A-Za-z0-9%_|-]";
    }
  }
  return {};
}

void check_batch(std::span<const berth_message_view* const> messages, uint64_t max_message_size) {
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string problem = message_problem(messages[i], max_message_size);
    if (!problem.empty()) {
      throw sdk::plugin_error(BERTH_E_INVALID,
                              "message " + std::to_string(i) + " of the batch: " + problem);
    }
  }
}

}  // namespace berth::plugins::store_memory
