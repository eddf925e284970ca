// The checks every group request makes before touching state, each answering with the
// status a client can act on: a valid group name, a topic that exists, a queue of it.
#pragma once

#include "topic/topic_table.hpp"

#include <berth/wire/codes.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace berth::kernel::group {

struct refusal {
  wire::status status = wire::status::invalid_argument;
  std::string message;
};

// INVALID_ARGUMENT unless `group` is a valid name (the topic name rules).
std::optional<refusal> check_group_name(std::string_view group);
// The topic's settings, or NO_TOPIC (never auto-created: a consumer does not create topics).
std::variant<topic::topic_settings, refusal> existing_topic(const topic::topic_table& topics,
                                                            std::string_view topic);
// The topic's settings when `queue` is one of its queues; else NO_TOPIC or NO_QUEUE.
std::variant<topic::topic_settings, refusal> existing_queue(const topic::topic_table& topics,
                                                            std::string_view topic,
                                                            uint32_t queue);

}  // namespace berth::kernel::group
