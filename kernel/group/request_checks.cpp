#include "group/request_checks.hpp"

#include "topic/topic_rules.hpp"

#include <fmt/format.h>

namespace berth::kernel::group {

std::optional<refusal> check_group_name(std::string_view group) {
  const std::string text = topic::name_problem(group);
  if (text.empty()) return std::nullopt;
  std::string_view problem = text;
  constexpr std::string_view topic_prefix = "topic: ";  // the same rules, named for a group
  if (problem.starts_with(topic_prefix)) problem.remove_prefix(topic_prefix.size());
  return refusal{wire::status::invalid_argument, fmt::format("group: {}", problem)};
}

std::variant<topic::topic_settings, refusal> existing_topic(const topic::topic_table& topics,
                                                            std::string_view topic) {
  if (auto found = topics.find(topic)) return *found;
  return refusal{wire::status::no_topic, fmt::format("topic '{}' does not exist", topic)};
}

std::variant<topic::topic_settings, refusal> existing_queue(const topic::topic_table& topics,
                                                            std::string_view topic,
                                                            uint32_t queue) {
  auto found = existing_topic(topics, topic);
  if (const auto* settings = std::get_if<topic::topic_settings>(&found);
      settings != nullptr && queue >= settings->queues) {
    return refusal{wire::status::no_queue, fmt::format("topic '{}' has {} queue(s): no queue {}",
                                                       topic, settings->queues, queue)};
  }
  return found;
}

}  // namespace berth::kernel::group
