// The checks a batch passes before anything of it is stored.
#pragma once

#include <berth/abi/berth_message.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace berth::plugins::store_memory {

// RocketMQ's bound on a topic name.
inline constexpr size_t max_topic_bytes = 255;

// Why `topic` is not a valid topic name (empty, longer than max_topic_bytes, or a character
// outside [A-Za-z0-9%_|-]); empty when it is valid.
[[nodiscard]] std::string topic_problem(std::string_view topic);

// Check every message of a batch; throws plugin_error(BERTH_E_INVALID,
// "message <index> of the batch: <reason>") for the first bad one (index from 0).
void check_batch(std::span<const berth_message_view* const> messages, uint64_t max_message_size);

}  // namespace berth::plugins::store_memory
