#include "pop/pop_state_file.hpp"

#include "process.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace berth::kernel::pop {
namespace {

pop_states sample() {
  pop_states states;
  pop_queue_state a(5);
  a.deliver(5, "orders-1", 1700000000000, 42, 17, true);
  a.hold_back(6, "orders-1");
  a.deliver(7, "", 1700000000500, 43, 17, true);
  a.finish(7);
  states.emplace(pop_queue_key{"g1", "orders", 0}, std::move(a));
  states.emplace(pop_queue_key{"g2", "orders", 3}, pop_queue_state(100));
  return states;
}

TEST(PopStateFile, SavedStatesLoadBackTheSame) {
  test::temp_dir dir;
  const auto file = pop_state_path(dir.path());
  ASSERT_TRUE(save_pop_states(file, sample()));
  auto loaded = load_pop_states(file);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded.value().size(), 2u);
  const pop_queue_state& a = loaded.value().at({"g1", "orders", 0});
  EXPECT_EQ(a.next(), 8u);
  EXPECT_EQ(a.committed(), 5u);
  EXPECT_TRUE(a.fifo());
  EXPECT_EQ(a.entries(), sample().at({"g1", "orders", 0}).entries());
  EXPECT_EQ(a.check(5, 42), handle_state::current);
  EXPECT_EQ(a.check(7, 43), handle_state::finished);
  EXPECT_EQ(loaded.value().at({"g2", "orders", 3}).committed(), 100u);
}

TEST(PopStateFile, NoFileIsNoState) {
  test::temp_dir dir;
  auto loaded = load_pop_states(pop_state_path(dir.path()));
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded.value().empty());
}

TEST(PopStateFile, DamageIsAnErrorNamingTheFile) {
  auto parsed = parse_pop_states("{\"version\":1,\"queues\":[{\"group\":\"g\"}]}", "x.json");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message.rfind("x.json: ", 0), 0u) << parsed.error().message;
  auto inverted = parse_pop_states(
      R"({"version":1,"queues":[{"group":"g","topic":"t","queue":0,"next":3,"fifo":false,)"
      R"("entries":[{"offset":3,"attempt":1,"deadline_ms":0,"nonce":1,"max_attempts":2,)"
      R"("message_group":""}]}]})",
      "y.json");
  ASSERT_FALSE(inverted);
  EXPECT_NE(inverted.error().message.find("not below the pop position"), std::string::npos);
  EXPECT_FALSE(parse_pop_states("{\"version\":2,\"queues\":[]}", "z.json"));
  EXPECT_FALSE(parse_pop_states("not json", "z.json"));
}

}  // namespace
}  // namespace berth::kernel::pop
