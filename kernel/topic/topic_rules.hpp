// What a topic may be: its name, queue count and perm. Each check returns why a value is
// refused (naming the field), or "" when it is valid.
#pragma once

#include <berth/wire/records.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace berth::kernel::topic {

// RocketMQ's bound on a topic name; the stores refuse longer names too.
inline constexpr std::size_t max_name_bytes = 255;
// A cap on queues per topic: each queue costs the store a consume queue (files, index memory),
// and RocketMQ deployments rarely go past a few hundred. Raising it is a compatible change.
inline constexpr std::uint32_t max_queues = 1024;
// The perm bits a topic may carry: read (4) and write (2). 0 is allowed: a fenced topic.
inline constexpr std::uint8_t valid_perm_bits = wire::perm_read | wire::perm_write;

struct topic_settings {
  std::uint32_t queues = 0;
  std::uint8_t perm = wire::default_perm;

  bool operator==(const topic_settings&) const = default;
};

// 1..255 bytes of [A-Za-z0-9%_|-], RocketMQ's charset (the stores apply the same rule).
[[nodiscard]] std::string name_problem(std::string_view name);
// 1..max_queues.
[[nodiscard]] std::string queues_problem(std::uint32_t queues);
// Only the bits of valid_perm_bits.
[[nodiscard]] std::string perm_problem(std::uint8_t perm);
// The first problem of the three, in that order.
[[nodiscard]] std::string topic_problem(std::string_view name, const topic_settings& settings);

// "queues=8 perm=6", for messages and logs.
[[nodiscard]] std::string describe(const topic_settings& settings);

}  // namespace berth::kernel::topic
