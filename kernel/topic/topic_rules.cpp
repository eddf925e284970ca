#include "topic/topic_rules.hpp"

#include <fmt/format.h>

namespace berth::kernel::topic {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '%' || c == '_' || c == '|' || c == '-';
}

// A character as a user can read it, even when it is a control byte or part of UTF-8.
std::string shown(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", byte);
}

}  // namespace

std::string name_problem(std::string_view name) {
  if (name.empty()) return "topic: the name is empty";
  if (name.size() > max_name_bytes) {
    return fmt::format("topic: the name is {} bytes long, more than {}", name.size(),
                       max_name_bytes);
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!name_char(name[i])) {
      return fmt::format("topic: {} at position {} is not allowed; use only A-Z a-z 0-9 % _ | -",
                         shown(name[i]), i);
    }
  }
  return {};
}

std::string queues_problem(std::uint32_t queues) {
  if (queues >= 1 && queues <= max_queues) return {};
  return fmt::format("queues: {} is out of range 1..{}", queues, max_queues);
}

std::string perm_problem(std::uint8_t perm) {
  if ((perm & ~valid_perm_bits) == 0) return {};
  return fmt::format("perm: {} has bits other than read (4) and write (2)", perm);
}

std::string topic_problem(std::string_view name, const topic_settings& settings) {
  std::string problem = name_problem(name);
  if (problem.empty()) problem = queues_problem(settings.queues);
  if (problem.empty()) problem = perm_problem(settings.perm);
  return problem;
}

std::string describe(const topic_settings& settings) {
  return fmt::format("queues={} perm={}", settings.queues, settings.perm);
}

}  // namespace berth::kernel::topic
