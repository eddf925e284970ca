#include "auth/access.hpp"

#include <berth/wire/body_types.hpp>

#include <algorithm>
#include <optional>
#include <type_traits>

namespace berth::kernel::auth {

namespace {

class check_list {
 public:
  // A topic, or the group whose retry or dead-letter topic it is.
  void topic(std::string_view name, uint32_t action) {
    for (std::string_view prefix : {wire::retry_topic_prefix, wire::dead_letter_topic_prefix}) {
      if (name.starts_with(prefix)) {
        add(BERTH_RESOURCE_GROUP, name.substr(prefix.size()), action);
        return;
      }
    }
    add(BERTH_RESOURCE_TOPIC, name, action);
  }
  void group(std::string_view name, uint32_t action) { add(BERTH_RESOURCE_GROUP, name, action); }
  void cluster(std::string_view name, uint32_t action) {
    add(BERTH_RESOURCE_CLUSTER, name, action);
  }
  // Consuming: the topic and the group, both SUB.
  void consume(std::string_view group_name, std::string_view topic_name) {
    group(group_name, BERTH_ACTION_SUB);
    topic(topic_name, BERTH_ACTION_SUB);
  }

  std::vector<access_check> checks;

 private:
  void add(uint32_t type, std::string_view name, uint32_t action) {
    const access_check c{type, name, action};
    if (std::find(checks.begin(), checks.end(), c) == checks.end()) checks.push_back(c);
  }
};

template <class T>
void needs(wire::code code, const T& body, check_list& out) {
  if constexpr (std::is_same_v<T, wire::heartbeat_request>) {
    for (const wire::subscription& s : body.subscriptions) out.consume(s.group, s.topic);
  } else if constexpr (std::is_same_v<T, wire::message>) {  // SEND and SEND_REPLY
    out.topic(body.topic, BERTH_ACTION_PUB);
  } else if constexpr (std::is_same_v<T, wire::recall_request>) {  // taking back what was sent
    out.topic(body.topic, BERTH_ACTION_PUB);
  } else if constexpr (std::is_same_v<T, wire::send_batch_request>) {
    for (const wire::message& m : body.messages) out.topic(m.topic, BERTH_ACTION_PUB);
  } else if constexpr (std::is_same_v<T, wire::pull_request> ||
                       std::is_same_v<T, wire::commit_offset_request> ||
                       std::is_same_v<T, wire::query_offset_request> ||
                       std::is_same_v<T, wire::query_assignment_request> ||
                       std::is_same_v<T, wire::send_back_request> ||
                       std::is_same_v<T, wire::queue_lock_request> ||
                       std::is_same_v<T, wire::pop_request> ||
                       std::is_same_v<T, wire::ack_request> ||
                       std::is_same_v<T, wire::change_invisible_request>) {
    out.consume(body.group, body.topic);
  } else if constexpr (std::is_same_v<T, wire::end_transaction_request> ||
                       std::is_same_v<T, wire::producer_register_request>) {
    out.group(body.producer_group, BERTH_ACTION_PUB);
  } else if constexpr (std::is_same_v<T, wire::topic_create_request>) {
    out.cluster(body.topic, BERTH_ACTION_CREATE);
  } else if constexpr (std::is_same_v<T, wire::topic_request>) {  // DESCRIBE and DELETE
    if (code == wire::code::topic_delete) {
      out.cluster(body.topic, BERTH_ACTION_DELETE);
    } else {
      out.topic(body.topic, BERTH_ACTION_GET);
    }
  } else if constexpr (std::is_same_v<T, wire::group_describe_request>) {
    out.group(body.group, BERTH_ACTION_GET);
  } else if constexpr (std::is_same_v<T, wire::group_reset_request>) {
    out.cluster(body.group, BERTH_ACTION_UPDATE);  // moving a group's offsets is an admin's act
  } else if constexpr (std::is_same_v<T, wire::message_by_id_request>) {
    out.cluster(body.message_id, BERTH_ACTION_GET);  // its topic is unknown until it is read
  } else if constexpr (std::is_same_v<T, wire::message_by_key_request> ||
                       std::is_same_v<T, wire::message_at_request>) {
    out.topic(body.topic, BERTH_ACTION_SUB);
  } else if constexpr (std::is_same_v<T, wire::empty_body>) {
    out.cluster({}, BERTH_ACTION_LIST);  // TOPIC_LIST, GROUP_LIST: names only
  } else if constexpr (std::is_same_v<T, wire::hello_request>) {
    (void)code;  // HELLO needs nothing: it is how a client learns the connection's nonce
  } else {
    // A new request code must say here what it needs before it compiles.
    static_assert(sizeof(T) == 0, "no access rule for this request body");
  }
}

}  // namespace

wire::decoded<std::vector<access_check>> checks_of(wire::code code,
                                                   std::span<const uint8_t> body) {
  std::optional<wire::decode_error> error;
  check_list out;
  const bool known = wire::visit_request_type(code, [&](auto type) {
    using T = typename decltype(type)::type;
    auto decoded = wire::decode<T>(body, code);
    if (!decoded) {
      error = decoded.error();
      return;
    }
    needs(code, *decoded, out);
  });
  if (error) return *error;
  if (!known) return wire::decode_error{wire::status::unknown_code, "no access rule for this code"};
  return std::move(out.checks);
}

std::string_view resource_name(uint32_t resource_type) {
  switch (resource_type) {
    case BERTH_RESOURCE_TOPIC: return "topic";
    case BERTH_RESOURCE_GROUP: return "group";
    default: return "cluster";
  }
}

std::string_view action_name(uint32_t action) {
  switch (action) {
    case BERTH_ACTION_PUB: return "PUB";
    case BERTH_ACTION_SUB: return "SUB";
    case BERTH_ACTION_CREATE: return "CREATE";
    case BERTH_ACTION_UPDATE: return "UPDATE";
    case BERTH_ACTION_DELETE: return "DELETE";
    case BERTH_ACTION_LIST: return "LIST";
    default: return "GET";
  }
}

}  // namespace berth::kernel::auth
