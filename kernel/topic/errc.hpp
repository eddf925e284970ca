// What can go wrong with a topic operation, as a value: the handlers map each code to its wire
// status, and the broker turns a load failure into a start failure.
#pragma once

#include "common/result.hpp"

#include <cstdint>
#include <string>

namespace berth::kernel::topic {

enum class errc : std::uint8_t {
  invalid_argument,  // a bad name, queue count or perm; the message names the field
  exists,            // created before with other settings
  no_topic,          // unknown, and not auto-created
  io,                // topics.json could not be read, parsed or written; the message names it
};

struct topic_error {
  errc code = errc::io;
  std::string message;
};

template <class T>
using topic_result = berth::result<T, topic_error>;

inline auto topic_failure(errc code, std::string message) {
  return boost::outcome_v2::failure(topic_error{code, std::move(message)});
}

}  // namespace berth::kernel::topic
