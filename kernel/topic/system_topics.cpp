#include "topic/system_topics.hpp"

namespace berth::kernel::topic {

bool is_system_topic(std::string_view name) {
  return name.starts_with("rmq_sys_") || name.starts_with("RMQ_SYS_") ||
         name == transaction_check_exhausted_topic;
}

}  // namespace berth::kernel::topic
