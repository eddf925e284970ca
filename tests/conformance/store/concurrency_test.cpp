// Appenders and readers racing: every message ends up exactly once in its queue, in each
// appender's order, and readers never see a torn view or a gap.
#include "conformance_fixture.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace berth::conformance {
namespace {

constexpr uint32_t appenders = 4;
constexpr uint32_t readers = 2;
constexpr uint32_t queues = 4;
constexpr uint32_t per_appender = 800;

uint64_t fnv1a(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (const char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// "<appender> <seq> <queue> <padding>|<checksum of what precedes the bar>"
std::string make_body(uint32_t appender, uint32_t seq, uint32_t queue) {
  const std::string head = fmt::format("{} {} {} {}", appender, seq, queue,
                                       std::string((seq * 37 + appender) % 300, 'p'));
  return fmt::format("{}|{:016x}", head, fnv1a(head));
}

struct body_fields {
  uint32_t appender = 0, seq = 0, queue = 0;
};

// The fields of an intact body, or nullopt when the checksum does not hold.
std::optional<body_fields> parse_body(std::string_view body) {
  const size_t bar = body.rfind('|');
  if (bar == std::string_view::npos || body.size() - bar != 17) return std::nullopt;
  if (fmt::format("{:016x}", fnv1a(body.substr(0, bar))) != body.substr(bar + 1)) return std::nullopt;
  body_fields f;
  if (std::sscanf(std::string(body.substr(0, bar)).c_str(), "%u %u %u", &f.appender, &f.seq,
                  &f.queue) != 3) {
    return std::nullopt;
  }
  return f;
}

// What one reader thread saw, checked as it went.
class tail_reader {
 public:
  explicit tail_reader(kernel::store::store& store) : store_(store) {}

  // One pass over every queue; true when every queue was at its end.
  bool pass() {
    bool all_at_end = true;
    for (uint32_t q = 0; q < queues; ++q) {
      auto r = store_.read({.topic = "race", .queue_id = q, .offset = next_[q], .max_messages = 16});
      if (!r) return problem(fmt::format("read failed: {}", r.error().message));
      if (r.value().status() == BERTH_READ_FOUND) {
        all_at_end = false;
        check(q, r.value());
      } else if (r.value().status() != BERTH_READ_END && r.value().status() != BERTH_READ_NO_QUEUE) {
        problem(fmt::format("queue {} at {}: status {}", q, next_[q], r.value().status()));
      }
    }
    return all_at_end;
  }

  [[nodiscard]] uint64_t seen(uint32_t q) const { return next_[q]; }
  [[nodiscard]] const std::vector<std::string>& problems() const { return problems_; }

 private:
  void check(uint32_t q, const read_result& r) {
    for (const berth_message_view* v : r.messages()) {
      if (v->queue_offset != next_[q]) {
        problem(fmt::format("queue {}: expected offset {}, saw {}", q, next_[q], v->queue_offset));
      }
      next_[q] = v->queue_offset + 1;
      const auto f = parse_body(body_text(*v));
      if (!f || f->queue != q || text(v->topic) != "race" || v->queue_id != q) {
        problem(fmt::format("queue {} offset {}: torn or misplaced message", q, v->queue_offset));
        continue;
      }
      auto [last, fresh] = last_seq_.try_emplace({q, f->appender}, f->seq);
      if (!fresh && f->seq <= last->second) {
        problem(fmt::format("queue {}: appender {} seq {} after {}", q, f->appender, f->seq, last->second));
      }
      last->second = f->seq;
    }
    if (r.next_offset() != next_[q]) {
      problem(fmt::format("queue {}: next_offset {} after offset {}", q, r.next_offset(), next_[q] - 1));
    }
  }
  bool problem(std::string what) {
    if (problems_.size() < 10) problems_.push_back(std::move(what));
    return false;
  }

  kernel::store::store& store_;
  std::array<uint64_t, queues> next_{};
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> last_seq_;
  std::vector<std::string> problems_;
};

}  // namespace

TEST_F(store_conformance, concurrent_appenders_and_readers_see_every_message_once_in_order) {
  std::atomic<bool> appending{true};
  std::mutex mutex;
  std::vector<std::string> append_errors;

  std::vector<tail_reader> tails(readers, tail_reader(store()));
  std::vector<std::thread> threads;
  for (uint32_t r = 0; r < readers; ++r) {
    threads.emplace_back([&, r] {
      // Tail until a pass that began after the appenders stopped finds every queue at its end.
      for (;;) {
        const bool stopped = !appending.load();
        if (tails[r].pass()) {
          if (stopped) break;
          std::this_thread::yield();
        }
      }
    });
  }
  std::vector<std::thread> writers;
  for (uint32_t a = 0; a < appenders; ++a) {
    writers.emplace_back([&, a] {
      for (uint32_t seq = 0; seq < per_appender;) {
        std::vector<message_builder> batch;
        const uint32_t size = 1 + (seq * 7 + a) % 8;
        for (uint32_t i = 0; i < size && seq < per_appender; ++i, ++seq) {
          const uint32_t q = (seq + a) % queues;
          batch.push_back(message("race", q, make_body(a, seq, q)));
        }
        auto done = store().append(kernel::store::views_of(batch));
        if (!done) {
          std::lock_guard lock(mutex);
          append_errors.push_back(done.error().message);
          return;
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  sync_ok();  // everything appended is visible before the readers' last pass
  appending = false;
  for (std::thread& t : threads) t.join();

  ASSERT_TRUE(append_errors.empty()) << append_errors.front();
  for (uint32_t r = 0; r < readers; ++r) {
    for (const std::string& p : tails[r].problems()) ADD_FAILURE() << "reader " << r << ": " << p;
  }

  // Afterwards: each message exactly once in its queue, each appender's messages in order.
  std::set<std::pair<uint32_t, uint32_t>> present;
  uint64_t total = 0;
  for (uint32_t q = 0; q < queues; ++q) {
    const std::vector<message_copy> all = read_all("race", q);
    total += all.size();
    for (uint32_t r = 0; r < readers; ++r) EXPECT_EQ(tails[r].seen(q), all.size()) << "reader " << r;
    std::map<uint32_t, uint32_t> last;
    for (size_t i = 0; i < all.size(); ++i) {
      ASSERT_EQ(all[i].queue_offset, i) << "queue " << q;
      const auto f = parse_body(std::string_view(reinterpret_cast<const char*>(all[i].body.data()),
                                                 all[i].body.size()));
      ASSERT_TRUE(f) << "queue " << q << " offset " << i << ": body damaged";
      EXPECT_EQ(f->queue, q);
      EXPECT_TRUE(present.insert({f->appender, f->seq}).second)
          << "appender " << f->appender << " seq " << f->seq << " stored twice";
      if (last.contains(f->appender)) {
        EXPECT_GT(f->seq, last[f->appender]) << "queue " << q;
      }
      last[f->appender] = f->seq;
    }
  }
  EXPECT_EQ(total, uint64_t{appenders} * per_appender);
  EXPECT_EQ(present.size(), size_t{appenders} * per_appender);
}

}  // namespace berth::conformance
