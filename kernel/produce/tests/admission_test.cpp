// The produce admission bound alone: bytes waiting, the oldest's wait, tickets given back.
#include "produce/admission.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace berth::kernel::produce {
namespace {

using namespace std::chrono_literals;
using clock = admission::clock;

TEST(produce_admission, lets_in_up_to_the_byte_limit_then_refuses_bytes) {
  auto gate_ptr = admission::create({1000, 1s});
  admission& gate = *gate_ptr;
  const auto t0 = clock::now();
  auto a = gate.try_admit(600, t0);
  ASSERT_TRUE(a.admitted);
  auto b = gate.try_admit(400, t0);  // exactly at the limit: in
  ASSERT_TRUE(b.admitted);
  EXPECT_EQ(gate.pending_bytes(), 1000u);
  auto c = gate.try_admit(1, t0);
  ASSERT_FALSE(c.admitted);
  ASSERT_TRUE(c.busy);
  EXPECT_EQ(c.busy->over, busy_refusal::limit::bytes);
  EXPECT_NE(c.busy->message.find("produce_max_pending_bytes"), std::string::npos) << c.busy->message;
  EXPECT_NE(c.busy->message.find("retry"), std::string::npos) << c.busy->message;
  // The store acknowledges the first: room again.
  a.admitted.reset();
  EXPECT_EQ(gate.pending_bytes(), 400u);
  EXPECT_TRUE(gate.try_admit(600, t0).admitted);
}

TEST(produce_admission, one_request_larger_than_the_limit_gets_in_when_nothing_waits) {
  auto gate_ptr = admission::create({1000, 1s});
  admission& gate = *gate_ptr;
  auto big = gate.try_admit(5000);
  ASSERT_TRUE(big.admitted);
  EXPECT_FALSE(gate.try_admit(1).admitted);
  big.admitted.reset();
  EXPECT_EQ(gate.pending_bytes(), 0u);
  EXPECT_EQ(gate.pending_appends(), 0u);
  EXPECT_TRUE(gate.try_admit(1).admitted);
}

TEST(produce_admission, refuses_while_the_oldest_waits_too_long) {
  auto gate_ptr = admission::create({1u << 30, 200ms});
  admission& gate = *gate_ptr;
  const auto t0 = clock::now();
  auto old = gate.try_admit(10, t0);
  ASSERT_TRUE(old.admitted);
  auto young = gate.try_admit(10, t0 + 150ms);
  ASSERT_TRUE(young.admitted);
  auto late = gate.try_admit(10, t0 + 250ms);
  ASSERT_TRUE(late.busy);
  EXPECT_EQ(late.busy->over, busy_refusal::limit::wait);
  EXPECT_NE(late.busy->message.find("produce_max_pending_wait"), std::string::npos)
      << late.busy->message;
  // The oldest is acknowledged: the next oldest (100 ms at t0+250) is within the limit.
  old.admitted.reset();
  EXPECT_TRUE(gate.try_admit(10, t0 + 250ms).admitted);
  // ...until it too is over it.
  EXPECT_TRUE(gate.try_admit(10, t0 + 400ms).busy);
}

TEST(produce_admission, acknowledgements_out_of_order_keep_the_oldest_right) {
  auto gate_ptr = admission::create({1u << 30, 100ms});
  admission& gate = *gate_ptr;
  const auto t0 = clock::now();
  auto first = gate.try_admit(1, t0);
  auto second = gate.try_admit(1, t0 + 90ms);
  second.admitted.reset();  // the younger one answered first
  EXPECT_TRUE(gate.try_admit(1, t0 + 150ms).busy);  // the first still waits, 150 ms
  first.admitted.reset();
  EXPECT_TRUE(gate.try_admit(1, t0 + 150ms).admitted);
}

TEST(produce_admission, concurrent_admits_and_releases_balance) {
  auto gate_ptr = admission::create({1u << 20, 10s});
  admission& gate = *gate_ptr;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        auto d = gate.try_admit(100);
        if (d.admitted) d.admitted.reset();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(gate.pending_bytes(), 0u);
  EXPECT_EQ(gate.pending_appends(), 0u);
}

}  // namespace
}  // namespace berth::kernel::produce
