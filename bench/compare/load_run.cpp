#include "load_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

namespace berth::bench::compare {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void sleep_for_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

void stamp(std::string& body) {
  const int64_t t = now_ns();
  std::memcpy(body.data(), &t, sizeof t);
}

int64_t stamped_at(const void* data, size_t len) {
  int64_t t = 0;
  if (data == nullptr || len < sizeof t) return 0;
  std::memcpy(&t, data, sizeof t);
  return t;
}

void latency_sink::record(int64_t ns, uint64_t times) {
  std::lock_guard lock(mu);
  h.record(ns < 0 ? 0 : static_cast<uint64_t>(ns), times);
}

load_context::load_context(const load_options& o, unsigned producers, unsigned consumers)
    : options(o), run_start_ns_(now_ns()), next_send_ns_(producers, 0) {
  for (unsigned i = 0; i < producers; ++i) send_ack_.push_back(std::make_unique<latency_sink>());
  for (unsigned i = 0; i < consumers; ++i) end_to_end_.push_back(std::make_unique<latency_sink>());
}

uint32_t load_context::claim(uint32_t want) {
  if (options.messages == 0) return want;
  const uint64_t before = claimed_.fetch_add(want, std::memory_order_relaxed);
  if (before >= options.messages) return 0;
  return static_cast<uint32_t>(std::min<uint64_t>(want, options.messages - before));
}

void load_context::sent_at_rate(unsigned producer) {
  if (options.rate <= 0) return;
  // Each producer sends on its own fixed schedule; one that fell behind does not burst.
  const auto period = static_cast<int64_t>(1e9 * options.producers / options.rate);
  int64_t& next = next_send_ns_[producer];
  const int64_t now = now_ns();
  next = std::max(next + period, now);
  std::this_thread::sleep_for(std::chrono::nanoseconds(next - now));
}

void load_context::acked(unsigned producer, int64_t sent_ns, uint64_t count) {
  const int64_t now = now_ns();
  send_ack_[producer]->record(now - sent_ns, count);
  produced_.fetch_add(count, std::memory_order_relaxed);
  last_ack_ns_.store(now, std::memory_order_relaxed);
}

void load_context::error(const std::string& what) {
  errors_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(error_mu_);
  if (first_error_.empty()) first_error_ = what;
}

void load_context::ready() { ready_.fetch_add(1); }

void load_context::received(unsigned consumer, const void* body, size_t len) {
  const int64_t now = now_ns();
  consumed_.fetch_add(1, std::memory_order_relaxed);
  int64_t unset = 0;
  first_consume_ns_.compare_exchange_strong(unset, now, std::memory_order_relaxed);
  last_consume_ns_.store(now, std::memory_order_relaxed);
  // Only messages sent during this run have a meaningful end-to-end time.
  const int64_t sent = stamped_at(body, len);
  if (sent >= run_start_ns_ && sent <= now) end_to_end_[consumer]->record(now - sent);
}

namespace {

// Until consumers have what was acknowledged, or heard nothing for 3 s (at most 30 s).
void wait_for_catch_up(const std::atomic<uint64_t>& consumed, uint64_t produced) {
  const int64_t until = now_ns() + 30'000'000'000;
  int64_t quiet_since = now_ns();
  uint64_t last = consumed.load();
  while (consumed.load() < produced && now_ns() < until) {
    sleep_for_ms(20);
    if (consumed.load() != last) {
      last = consumed.load();
      quiet_since = now_ns();
    } else if (now_ns() - quiet_since > 3'000'000'000) {
      return;
    }
  }
}

}  // namespace

load_result run_load(const load_options& o, const load_role& produce, const load_role& consume) {
  load_context ctx(o, o.producers, o.consumers);
  std::vector<std::thread> consumers;
  for (unsigned i = 0; i < o.consumers; ++i) {
    consumers.emplace_back([&, i] { consume(i, ctx); });
  }
  const int64_t ready_by = now_ns() + 15'000'000'000;
  while (ctx.ready_.load() < o.consumers && now_ns() < ready_by) sleep_for_ms(5);

  ctx.start_ns_ = now_ns();
  ctx.stop_ns_ = ctx.start_ns_ + static_cast<int64_t>(o.seconds * 1e9);
  std::vector<std::thread> producers;
  for (unsigned i = 0; i < o.producers; ++i) {
    producers.emplace_back([&, i] { produce(i, ctx); });
  }
  for (auto& t : producers) t.join();
  const int64_t producers_end_ns = std::min(now_ns(), ctx.stop_ns_);

  if (o.consumers > 0 && o.producers > 0) {
    wait_for_catch_up(ctx.consumed_, ctx.produced_.load());
  } else if (o.consumers > 0) {
    // A backlog alone: read for --seconds at most, or until 2 s without a message.
    while (now_ns() < ctx.stop_ns_) {
      sleep_for_ms(20);
      const int64_t last = ctx.last_consume_ns_.load();
      if (last != 0 && now_ns() - last > 2'000'000'000) break;
    }
  }
  ctx.stop_consumers_ = true;
  for (auto& t : consumers) t.join();

  load_result r;
  r.produced = ctx.produced_.load();
  r.consumed = ctx.consumed_.load();
  r.errors = ctx.errors_.load();
  r.first_error = ctx.first_error_;
  if (o.producers > 0) {
    r.produce_seconds =
        static_cast<double>(std::max(ctx.last_ack_ns_.load(), producers_end_ns) - ctx.start_ns_) /
        1e9;
  }
  // As berth-bench: from the first message when that came before the producers started.
  const int64_t last_consume = ctx.last_consume_ns_.load();
  const int64_t first_consume = ctx.first_consume_ns_.load();
  const int64_t consume_start =
      first_consume == 0 ? ctx.start_ns_ : std::min(ctx.start_ns_, first_consume);
  if (last_consume != 0) {
    r.consume_seconds = static_cast<double>(last_consume - consume_start) / 1e9;
  }
  for (auto& s : ctx.send_ack_) r.send_ack.merge(s->h);
  for (auto& s : ctx.end_to_end_) r.end_to_end.merge(s->h);
  if (ctx.ready_.load() < o.consumers) {
    std::fprintf(stderr, "%u of %u consumers were ready after 15 s\n", ctx.ready_.load(),
                 o.consumers);
  }
  return r;
}

}  // namespace berth::bench::compare
