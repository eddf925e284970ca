// Finding messages other than by queue offset: offset_by_time and lookup_key.
#include "conformance_fixture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace berth::conformance {

class store_lookups : public store_conformance {
 protected:
  // Append each message alone, waiting after each until the wall clock has moved on, so that
  // consecutive messages get different store times.
  std::vector<appended> append_spread(std::vector<message_builder> messages) {
    std::vector<appended> done;
    for (message_builder& m : messages) {
      done.push_back(append_one(std::move(m)));
      while (now_ms() <= done.back().store_time_ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    sync_ok();
    return done;
  }

  // n messages in topic `topic` queue 0, each with keys `keys(i)`.
  std::vector<appended> keyed(std::string topic, int n, const std::function<std::string(int)>& keys) {
    std::vector<message_builder> messages;
    for (int i = 0; i < n; ++i) {
      message_builder m = message(topic, 0, "k" + std::to_string(i));
      m.keys(keys(i));
      messages.push_back(std::move(m));
    }
    return append_spread(std::move(messages));
  }

  // The queue offsets a key lookup returned, in the order returned.
  static std::vector<uint64_t> offsets(const read_result& r) {
    std::vector<uint64_t> out;
    for (const berth_message_view* v : r.messages()) out.push_back(v->queue_offset);
    return out;
  }
};

TEST_F(store_lookups, offset_by_time_before_every_message_is_the_min_offset) {
  const std::vector<appended> done = keyed("clock", 3, [](int) { return ""; });
  auto offset = store().offset_by_time("clock", 0, done.front().store_time_ms - 60'000);
  ASSERT_TRUE(offset) << offset.error().message;
  EXPECT_EQ(offset.value(), 0u);
}

TEST_F(store_lookups, offset_by_time_after_every_message_is_the_max_offset) {
  const std::vector<appended> done = keyed("clock", 3, [](int) { return ""; });
  auto offset = store().offset_by_time("clock", 0, done.back().store_time_ms + 60'000);
  ASSERT_TRUE(offset) << offset.error().message;
  EXPECT_EQ(offset.value(), 3u);
}

TEST_F(store_lookups, offset_by_time_finds_the_first_message_at_or_after_each_time) {
  const std::vector<appended> done = keyed("clock", 6, [](int) { return ""; });
  // The expected answer from the store times the appends reported.
  const auto first_at_or_after = [&](int64_t t) {
    for (size_t i = 0; i < done.size(); ++i) {
      if (done[i].store_time_ms >= t) return static_cast<uint64_t>(i);
    }
    return static_cast<uint64_t>(done.size());
  };
  for (const appended& a : done) {
    for (const int64_t t : {a.store_time_ms, a.store_time_ms - 1, a.store_time_ms + 1}) {
      auto offset = store().offset_by_time("clock", 0, t);
      ASSERT_TRUE(offset) << offset.error().message;
      EXPECT_EQ(offset.value(), first_at_or_after(t))
          << "time " << t << " (message " << a.queue_offset << " stored at " << a.store_time_ms << ")";
    }
  }
}

TEST_F(store_lookups, offset_by_time_of_an_unknown_queue_is_not_found) {
  keyed("clock", 1, [](int) { return ""; });
  auto offset = store().offset_by_time("clock", 5, now_ms());
  ASSERT_FALSE(offset);
  EXPECT_EQ(offset.error().code, BERTH_E_NOT_FOUND) << offset.error().message;
}

TEST_F(store_lookups, lookup_key_finds_a_message_by_each_of_its_keys) {
  keyed("keys", 3, [](int i) { return fmt::format("order-{} customer-{} region-eu", i, i % 2); });
  for (int i = 0; i < 3; ++i) {
    const read_result r = lookup_key_ok({.topic = "keys", .key = fmt::format("order-{}", i)});
    ASSERT_EQ(r.size(), 1u) << "order-" << i;
    EXPECT_EQ(r[0].queue_offset, static_cast<uint64_t>(i));
    EXPECT_EQ(r.status(), BERTH_READ_FOUND);
  }
  EXPECT_EQ(offsets(lookup_key_ok({.topic = "keys", .key = "customer-1"})), std::vector<uint64_t>{1});
  EXPECT_EQ(offsets(lookup_key_ok({.topic = "keys", .key = "customer-0"})), (std::vector<uint64_t>{2, 0}));
  EXPECT_EQ(lookup_key_ok({.topic = "keys", .key = "region-eu"}).size(), 3u);
}

TEST_F(store_lookups, lookup_key_finds_a_message_by_its_uniq_key_property) {
  message_builder m = message("uniq", 0, "u");
  m.property("UNIQ_KEY", "7F0000010001ABCDEF").keys("other");
  append_one(m);
  append_one(message("uniq", 0, "v"));
  sync_ok();
  const read_result r = lookup_key_ok({.topic = "uniq", .key = "7F0000010001ABCDEF"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(body_text(r[0]), "u");
}

TEST_F(store_lookups, lookup_key_matches_whole_keys_only) {
  keyed("whole", 1, [](int) { return "order-17"; });
  EXPECT_EQ(lookup_key_ok({.topic = "whole", .key = "order"}).size(), 0u);
  EXPECT_EQ(lookup_key_ok({.topic = "whole", .key = "order-1"}).size(), 0u);
  EXPECT_EQ(lookup_key_ok({.topic = "whole", .key = "order-17"}).size(), 1u);
}

TEST_F(store_lookups, lookup_key_of_an_unknown_key_finds_nothing) {
  keyed("keys", 2, [](int) { return "known"; });
  const read_result r = lookup_key_ok({.topic = "keys", .key = "unknown"});
  EXPECT_EQ(r.size(), 0u);
}

TEST_F(store_lookups, lookup_key_searches_only_the_given_topic) {
  keyed("left", 2, [](int) { return "shared"; });
  keyed("right", 1, [](int) { return "shared"; });
  const read_result r = lookup_key_ok({.topic = "right", .key = "shared"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(text(r[0].topic), "right");
  EXPECT_EQ(lookup_key_ok({.topic = "nowhere", .key = "shared"}).size(), 0u);
}

TEST_F(store_lookups, lookup_key_returns_the_newest_first_and_at_most_max_messages) {
  keyed("recent", 6, [](int) { return "K"; });
  EXPECT_EQ(offsets(lookup_key_ok({.topic = "recent", .key = "K"})),
            (std::vector<uint64_t>{5, 4, 3, 2, 1, 0}));
  EXPECT_EQ(offsets(lookup_key_ok({.topic = "recent", .key = "K", .max_messages = 2})),
            (std::vector<uint64_t>{5, 4}));
}

TEST_F(store_lookups, lookup_key_returns_only_messages_stored_within_the_time_range) {
  const std::vector<appended> done = keyed("ranged", 6, [](int) { return "K"; });
  const int64_t begin = done[1].store_time_ms, end = done[3].store_time_ms;  // inclusive
  std::vector<uint64_t> expected;
  for (auto it = done.rbegin(); it != done.rend(); ++it) {
    if (it->store_time_ms >= begin && it->store_time_ms <= end) expected.push_back(it->queue_offset);
  }
  EXPECT_EQ(offsets(lookup_key_ok({.topic = "ranged", .key = "K", .begin_ms = begin, .end_ms = end})),
            expected);
  EXPECT_EQ(lookup_key_ok({.topic = "ranged", .key = "K", .begin_ms = done.back().store_time_ms + 1})
                .size(),
            0u);
  EXPECT_EQ(lookup_key_ok({.topic = "ranged", .key = "K", .begin_ms = 0,
                           .end_ms = done.front().store_time_ms - 1})
                .size(),
            0u);
}

}  // namespace berth::conformance
