#include "transaction/transaction_ids.hpp"

#include <fmt/format.h>

#include <random>

namespace berth::kernel::transaction {

transaction_ids::transaction_ids() {
  std::random_device entropy;
  prefix_ = (static_cast<uint64_t>(entropy()) << 32) ^ entropy();
}

std::string transaction_ids::next() {
  return fmt::format("{:016X}{:016X}", prefix_, counter_.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace berth::kernel::transaction
