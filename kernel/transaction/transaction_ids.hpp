// Transaction ids: 32 hex digits, a random prefix drawn once per broker run and a counter, so
// that ids never repeat, neither within a run nor across restarts.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace berth::kernel::transaction {

class transaction_ids {
 public:
  transaction_ids();
  std::string next();

 private:
  uint64_t prefix_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace berth::kernel::transaction
