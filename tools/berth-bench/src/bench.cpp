#include "bench.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/push_consumer.hpp>
#include <berth/client/simple_consumer.hpp>

#include "pacer.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace berth::tools {

namespace {

using clock_type = std::chrono::steady_clock;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
      .count();
}

struct counters {
  std::atomic<uint64_t> claimed{0};  // messages producers took from --messages
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> acked{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> consumed{0};
  std::atomic<uint64_t> pop_acks{0};
  std::atomic<uint64_t> consume_errors{0};
  std::atomic<uint64_t> early{0};
  std::atomic<int64_t> last_ack_ns{0};
  std::atomic<int64_t> first_consume_ns{0};
  std::atomic<int64_t> last_consume_ns{0};
  std::mutex error_mu;
  std::string first_error;

  void error(const client::error& e) { count_error(errors, e); }
  void consume_error(const client::error& e) { count_error(consume_errors, e); }

 private:
  void count_error(std::atomic<uint64_t>& counter, const client::error& e) {
    counter.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(error_mu);
    if (first_error.empty()) first_error = e.to_string();
  }
};

// A histogram written from callbacks of one client (its I/O thread or listener threads).
struct latency_sink {
  std::mutex mu;
  log_histogram h;
  void record(int64_t ns, uint64_t times = 1) {
    std::lock_guard lock(mu);
    h.record(ns < 0 ? 0 : static_cast<uint64_t>(ns), times);
  }
};

// The async send window of one producer.
class window {
 public:
  explicit window(uint32_t size) : free_(size), size_(size) {}
  void acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return free_ > 0; });
    --free_;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      ++free_;
    }
    cv_.notify_all();
  }
  bool wait_empty(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return free_ == size_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint32_t free_;
  uint32_t size_;
};

// The send time into the body's first 8 bytes and, for timed messages, the delivery time:
// rounded up to the millisecond, so that it is never before send time + `after` and a
// delivery measured against that is early only if the broker delivered early.
void stamp(client::message& m, std::chrono::milliseconds after) {
  const int64_t t = now_ns();
  std::memcpy(m.body.data(), &t, sizeof t);
  if (after.count() > 0) {
    const int64_t wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
    m.deliver_at_ms = (wall_ns + 999'999) / 1'000'000 + after.count();
  }
}

// How many of the next `want` messages may still be sent under --messages (`limit`, 0: all).
uint32_t claim(std::atomic<uint64_t>& claimed, uint64_t limit, uint32_t want) {
  if (limit == 0) return want;
  const uint64_t before = claimed.fetch_add(want, std::memory_order_relaxed);
  if (before >= limit) return 0;
  return static_cast<uint32_t>(std::min<uint64_t>(want, limit - before));
}

void sleep_until_ns(int64_t at) {
  const int64_t now = now_ns();
  if (at > now) std::this_thread::sleep_for(std::chrono::nanoseconds(at - now));
}

void produce(const bench_options& o, unsigned index, uint32_t queue_count, int64_t stop_ns,
             counters& c, latency_sink& lat) {
  auto po = o.client_options<client::producer_options>();
  po.retries = 0;  // a failure is counted, not hidden
  client::producer p(po);
  if (auto ok = p.start(); !ok) {
    c.error(ok.error());
    return;
  }
  pacer pace(o.rate / o.producers, std::max(1.0, o.rate / o.producers / 100.0));
  client::message m(o.topic, std::string(o.size, 'x'));
  std::vector<client::message> batch;
  window win(o.sync ? 1 : o.in_flight);
  uint32_t next_queue = index;
  uint64_t sent_here = 0;  // numbers the messages for --buckets

  while (now_ns() < stop_ns) {
    sleep_until_ns(pace.reserve(now_ns(), o.batch));
    if (now_ns() >= stop_ns) break;
    const uint32_t count = claim(c.claimed, o.messages, o.batch);
    if (count == 0) break;
    if (o.batch > 1) {
      // SEND_BATCH goes to one queue: round-robin over them, one batch at a time.
      // The client encodes a batch before send_batch_async returns: one set of messages is
      // stamped again for each batch.
      if (batch.size() != count) batch.assign(count, m);
      const uint32_t queue = next_queue++ % queue_count;
      for (auto& b : batch) {
        b.queue_id = queue;
        stamp(b, o.deliver_after);
        if (o.buckets > 0) b.set_property("bucket", std::to_string(sent_here++ % o.buckets));
      }
      const int64_t start = now_ns();
      c.sent.fetch_add(count, std::memory_order_relaxed);
      // --in-flight batches outstanding (1 with --sync).
      win.acquire();
      p.send_batch_async(batch, [&c, &lat, &win, start, count](
                                    client::result<std::vector<client::send_receipt>> r) {
        const int64_t end = now_ns();
        if (r) {
          lat.record(end - start, count);
          c.acked.fetch_add(count, std::memory_order_relaxed);
          c.last_ack_ns.store(end, std::memory_order_relaxed);
        } else {
          for (uint32_t i = 0; i < count; ++i) c.error(r.error());
        }
        win.release();
      });
      continue;
    }
    stamp(m, o.deliver_after);
    if (o.buckets > 0) m.set_property("bucket", std::to_string(sent_here++ % o.buckets));
    const int64_t start = now_ns();
    c.sent.fetch_add(1, std::memory_order_relaxed);
    if (o.sync) {
      auto r = p.send(m);
      const int64_t end = now_ns();
      if (r) {
        lat.record(end - start);
        c.acked.fetch_add(1, std::memory_order_relaxed);
        c.last_ack_ns.store(end, std::memory_order_relaxed);
      } else {
        c.error(r.error());
      }
      continue;
    }
    win.acquire();
    p.send_async(m, [&c, &lat, &win, start](client::result<client::send_receipt> r) {
      const int64_t end = now_ns();
      if (r) {
        lat.record(end - start);
        c.acked.fetch_add(1, std::memory_order_relaxed);
        c.last_ack_ns.store(end, std::memory_order_relaxed);
      } else {
        c.error(r.error());
      }
      win.release();
    });
  }
  // Every outstanding send ends with an answer, a timeout or a lost connection.
  (void)win.wait_empty(o.timeout + std::chrono::seconds(5));
  p.shutdown();
}

// What consumers measure of each message they receive at `now`: end-to-end latency from the
// send time in its body and, for timed messages, lateness from the time it was due.
struct receipt_sinks {
  latency_sink e2e;
  latency_sink lateness;
};

class receipt_recorder {
 public:
  receipt_recorder(counters& c, int64_t run_start_ns, std::chrono::milliseconds deliver_after)
      : c_(c),
        run_start_ns_(run_start_ns),
        after_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(deliver_after).count()) {}

  void record(const std::string& body, int64_t now, receipt_sinks& sinks) {
    c_.consumed.fetch_add(1, std::memory_order_relaxed);
    int64_t unset = 0;
    c_.first_consume_ns.compare_exchange_strong(unset, now, std::memory_order_relaxed);
    c_.last_consume_ns.store(now, std::memory_order_relaxed);
    if (body.size() < sizeof(int64_t)) return;
    int64_t sent_at = 0;
    std::memcpy(&sent_at, body.data(), sizeof sent_at);
    // Only messages sent during this run (the clock is the machine's monotonic clock).
    if (sent_at < run_start_ns_ || sent_at > now) return;
    sinks.e2e.record(now - sent_at);
    if (after_ns_ == 0) return;
    const int64_t late = now - (sent_at + after_ns_);
    if (late < -early_tolerance_ns) c_.early.fetch_add(1, std::memory_order_relaxed);
    sinks.lateness.record(late);  // an early one counts as 0 late
  }

 private:
  // The monotonic and the wall clock may drift apart a little over a delay.
  static constexpr int64_t early_tolerance_ns = 1'000'000;
  counters& c_;
  int64_t run_start_ns_;
  int64_t after_ns_;
};

// One pop consumer: receive a batch, record and ack each message, until `stop`.
void pop_consume(client::simple_consumer& consumer, const std::atomic<bool>& stop, counters& c,
                 receipt_recorder& recorder, receipt_sinks& sinks) {
  while (!stop.load()) {
    auto got = consumer.receive(bench_options::pop_batch, bench_options::pop_invisible);
    if (!got) {
      c.consume_error(got.error());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // no busy loop on errors
      continue;
    }
    const int64_t now = now_ns();
    for (const client::popped_message& m : got.value()) {
      recorder.record(m.body, now, sinks);
      if (auto acked = consumer.ack(m); acked) {
        c.pop_acks.fetch_add(1, std::memory_order_relaxed);
      } else {
        c.consume_error(acked.error());
      }
    }
  }
}

std::string rate_text(uint64_t delta) { return fmt::format("{}/s", delta); }

}  // namespace

bool run_bench(const bench_options& o, bench_report& report, std::string& why) {
  // The topic: created with --queues, or as it is.
  uint32_t queue_count = o.queues;
  {
    client::admin admin(o.client_options<client::admin_options>());
    if (auto ok = admin.start(); !ok) {
      why = "connect to " + o.server + ": " + ok.error().to_string();
      return false;
    }
    if (auto ok = admin.create_topic(o.topic, o.queues); !ok) {
      if (ok.error().status != wire::status::topic_exists) {
        why = fmt::format("create topic '{}': {}", o.topic, ok.error().to_string());
        return false;
      }
    }
    auto info = admin.describe_topic(o.topic);
    if (!info) {
      why = fmt::format("describe topic '{}': {}", o.topic, info.error().to_string());
      return false;
    }
    queue_count = std::max<uint32_t>(1, info.value().queue_count);
  }

  counters c;
  const int64_t run_start_ns = now_ns();
  receipt_recorder recorder(c, run_start_ns, o.deliver_after);
  std::vector<std::unique_ptr<latency_sink>> producer_lat;
  std::vector<std::unique_ptr<receipt_sinks>> consumer_sinks;
  std::vector<std::unique_ptr<client::push_consumer>> consumers;
  std::vector<std::unique_ptr<client::simple_consumer>> pop_consumers;
  const std::string group =
      o.group.empty() ? fmt::format("berth-bench-{}", ::getpid()) : o.group;

  for (unsigned i = 0; i < o.consumers && o.pop; ++i) {
    auto so = o.client_options<client::simple_consumer_options>();
    so.group = group;
    so.topic = o.topic;
    if (!o.sql.empty()) so.filter = client::filter_expression::sql(o.sql);
    so.hold = std::chrono::milliseconds(1000);  // how late a consumer notices the run ended
    auto consumer = std::make_unique<client::simple_consumer>(so);
    if (auto ok = consumer->start(); !ok) {
      why = "start pop consumer: " + ok.error().to_string();
      return false;
    }
    consumer_sinks.push_back(std::make_unique<receipt_sinks>());
    pop_consumers.push_back(std::move(consumer));
  }
  for (unsigned i = 0; i < o.consumers && !o.pop; ++i) {
    auto co = o.client_options<client::push_consumer_options>();
    co.group = group;
    co.from = o.from_earliest ? client::consume_from::earliest : client::consume_from::latest;
    co.threads = 2;
    co.pull_batch = 64;
    co.max_cached_messages = 4096;
    co.hold = std::chrono::milliseconds(1000);
    co.heartbeat_interval = std::chrono::milliseconds(1000);
    co.rebalance_interval = std::chrono::milliseconds(2000);
    auto consumer = std::make_unique<client::push_consumer>(co);
    const auto filter = o.sql.empty() ? client::filter_expression::tags("*")
                                      : client::filter_expression::sql(o.sql);
    if (auto ok = consumer->subscribe(o.topic, filter); !ok) {
      why = "subscribe: " + ok.error().to_string();
      return false;
    }
    consumer_sinks.push_back(std::make_unique<receipt_sinks>());
    receipt_sinks& sinks = *consumer_sinks.back();
    consumer->on_message([&recorder, &sinks](const client::received_message& m) {
      recorder.record(m.body, now_ns(), sinks);
      return client::consume_result::success;
    });
    if (auto ok = consumer->start(); !ok) {
      why = "start consumer: " + ok.error().to_string();
      return false;
    }
    consumers.push_back(std::move(consumer));
  }
  // Producers start once the consumers own every queue, so that "latest" loses nothing.
  if (!consumers.empty()) {
    const auto until = clock_type::now() + std::chrono::seconds(15);
    for (;;) {
      size_t owned = 0;
      for (const auto& cons : consumers) owned += cons->owned_queues().size();
      if (owned >= queue_count) break;
      if (clock_type::now() >= until) {
        std::fprintf(stderr, "berth-bench: consumers own %zu of %u queues after 15 s; going on\n",
                     owned, queue_count);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  const int64_t start_ns = now_ns();
  const int64_t stop_ns = start_ns + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                         o.duration)
                                         .count();
  std::atomic<bool> done{false};
  std::atomic<bool> stop_popping{false};
  std::vector<std::thread> poppers;
  for (size_t i = 0; i < pop_consumers.size(); ++i) {
    poppers.emplace_back([&, i] {
      pop_consume(*pop_consumers[i], stop_popping, c, recorder, *consumer_sinks[i]);
    });
  }

  // Progress, once a second, on stderr.
  std::thread progress([&] {
    uint64_t last_sent = 0, last_acked = 0, last_consumed = 0;
    int seconds = 0;
    while (!done.load()) {
      for (int i = 0; i < 10 && !done.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (done.load()) break;
      ++seconds;
      const uint64_t s = c.sent.load(), a = c.acked.load(), k = c.consumed.load();
      std::fprintf(stderr, "[%3ds] sent %s  acked %s  consumed %s  errors %llu\n", seconds,
                   rate_text(s - last_sent).c_str(), rate_text(a - last_acked).c_str(),
                   rate_text(k - last_consumed).c_str(),
                   static_cast<unsigned long long>(c.errors.load()));
      last_sent = s;
      last_acked = a;
      last_consumed = k;
    }
  });

  std::vector<std::thread> producers;
  for (unsigned i = 0; i < o.producers; ++i) {
    producer_lat.push_back(std::make_unique<latency_sink>());
    latency_sink& lat = *producer_lat.back();
    producers.emplace_back([&o, i, queue_count, stop_ns, &c, &lat] {
      produce(o, i, queue_count, stop_ns, c, lat);
    });
  }
  for (auto& t : producers) t.join();
  // Producers end at --duration, or earlier once --messages are sent and acknowledged.
  const int64_t producers_end_ns = std::min(now_ns(), stop_ns);

  if (o.consumers > 0) {
    if (o.producers > 0) {
      // Let the consumers catch up with what was acknowledged (or go quiet for 3 s), timed
      // messages from the time the last ones are due.
      const int64_t due_ns =
          now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(o.deliver_after).count();
      const auto until = clock_type::now() + std::chrono::seconds(30) + o.deliver_after;
      int64_t quiet_since = due_ns;
      uint64_t last = c.consumed.load();
      while (c.consumed.load() < c.acked.load() && clock_type::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const uint64_t k = c.consumed.load();
        if (k != last) {
          last = k;
          quiet_since = std::max(now_ns(), due_ns);
        } else if (now_ns() - quiet_since > 3'000'000'000) {
          break;
        }
      }
    } else {
      // Consumers only: read the backlog for --duration, or until quiet for 2 s after it.
      while (now_ns() < stop_ns) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const int64_t last = c.last_consume_ns.load();
        if (last != 0 && now_ns() - last > 2'000'000'000) break;
      }
    }
  }
  done = true;
  progress.join();
  stop_popping = true;
  for (auto& t : poppers) t.join();  // each acks what it received last
  for (auto& cons : consumers) cons->shutdown();
  for (auto& cons : pop_consumers) cons->shutdown();

  report.sent = c.sent.load();
  report.produced = c.acked.load();
  report.consumed = c.consumed.load();
  report.errors = c.errors.load();
  report.pop_acks = c.pop_acks.load();
  report.consume_errors = c.consume_errors.load();
  report.early = c.early.load();
  report.first_error = c.first_error;
  report.produced_bytes = report.produced * o.size;
  const int64_t last_ack = c.last_ack_ns.load();
  report.produce_seconds = o.producers == 0 ? 0
                           : static_cast<double>(std::max(last_ack, producers_end_ns) - start_ns) /
                                 1e9;
  // Consumers may start reading (a backlog) while the others are still being assigned: count
  // from the first message consumed when that came before the producers started.
  const int64_t last_consume = c.last_consume_ns.load();
  const int64_t consume_start = std::min(start_ns, c.first_consume_ns.load());
  report.consume_seconds =
      last_consume == 0 ? 0 : static_cast<double>(last_consume - consume_start) / 1e9;
  for (auto& l : producer_lat) report.send_latency.merge(l->h);
  for (auto& s : consumer_sinks) {
    report.e2e_latency.merge(s->e2e.h);
    report.lateness.merge(s->lateness.h);
  }
  return true;
}

namespace {

double per_second(uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0.0;
}

std::string ms(uint64_t ns) { return fmt::format("{:.3f}", static_cast<double>(ns) / 1e6); }

}  // namespace

std::string format_report(const bench_options& o, const bench_report& r) {
  std::string s = fmt::format(
      "berth-bench: {} producer(s), {} {}consumer(s), {} B bodies, batch {}, {}, rate {}, "
      "{:.1f} s{}{}{}\n",
      o.producers, o.consumers, o.pop ? "pop " : "", o.size, o.batch,
      o.sync ? std::string("sync") : fmt::format("in-flight {}", o.in_flight),
      o.rate > 0 ? fmt::format("{:.0f}/s", o.rate) : std::string("unlimited"),
      static_cast<double>(o.duration.count()) / 1000.0,
      o.messages > 0 ? fmt::format(", at most {} msgs", o.messages) : std::string(),
      o.sql.empty() ? std::string() : fmt::format(", filter \"{}\"", o.sql),
      o.deliver_after.count() > 0
          ? fmt::format(", delivered after {:.3f} s",
                        static_cast<double>(o.deliver_after.count()) / 1000.0)
          : std::string());
  s += fmt::format("produced  {:>10} msgs  {:>12.1f} msgs/s  {:>8.2f} MB/s\n", r.produced,
                   per_second(r.produced, r.produce_seconds),
                   per_second(r.produced_bytes, r.produce_seconds) / 1e6);
  s += fmt::format("consumed  {:>10} msgs  {:>12.1f} msgs/s\n", r.consumed,
                   per_second(r.consumed, r.consume_seconds));
  if (o.pop) s += fmt::format("pop acks  {:>10} msgs\n", r.pop_acks);
  if (o.deliver_after.count() > 0) s += fmt::format("early     {:>10} msgs\n", r.early);
  s += fmt::format("errors    {:>10} send, {} consume{}\n", r.errors, r.consume_errors,
                   r.first_error.empty() ? "" : "  (first: " + r.first_error + ")");
  s += fmt::format("latency ms  {:>9} {:>9} {:>9} {:>9} {:>9}\n", "p50", "p99", "p99.9", "max",
                   "count");
  const auto row = [&](const char* name, const log_histogram& h) {
    return fmt::format("{:<11} {:>9} {:>9} {:>9} {:>9} {:>9}\n", name, ms(h.percentile(50)),
                       ms(h.percentile(99)), ms(h.percentile(99.9)), ms(h.max()), h.count());
  };
  s += row("send->ack", r.send_latency);
  s += row("end-to-end", r.e2e_latency);
  if (o.deliver_after.count() > 0) s += row("lateness", r.lateness);
  return s;
}

std::string format_report_json(const bench_options& o, const bench_report& r) {
  const auto lat = [](const log_histogram& h) {
    const auto to_ms = [](uint64_t ns) { return static_cast<double>(ns) / 1e6; };
    return nlohmann::json{{"count", h.count()},
                          {"p50_ms", to_ms(h.percentile(50))},
                          {"p99_ms", to_ms(h.percentile(99))},
                          {"p999_ms", to_ms(h.percentile(99.9))},
                          {"max_ms", to_ms(h.max())},
                          {"mean_ms", h.mean() / 1e6}};
  };
  const nlohmann::json j{
      {"producers", o.producers},
      {"consumers", o.consumers},
      {"size", o.size},
      {"batch", o.batch},
      {"in_flight", o.in_flight},
      {"sync", o.sync},
      {"pop", o.pop},
      {"messages", o.messages},
      {"buckets", o.buckets},
      {"sql", o.sql},
      {"deliver_after_ms", o.deliver_after.count()},
      {"rate", o.rate},
      {"duration_s", static_cast<double>(o.duration.count()) / 1000.0},
      {"sent", r.sent},
      {"produced", r.produced},
      {"produce_seconds", r.produce_seconds},
      {"produced_msgs_per_s", per_second(r.produced, r.produce_seconds)},
      {"produced_mb_per_s", per_second(r.produced_bytes, r.produce_seconds) / 1e6},
      {"consumed", r.consumed},
      {"consume_seconds", r.consume_seconds},
      {"consumed_msgs_per_s", per_second(r.consumed, r.consume_seconds)},
      {"errors", r.errors},
      {"pop_acks", r.pop_acks},
      {"consume_errors", r.consume_errors},
      {"early", r.early},
      {"first_error", r.first_error},
      {"send_ack_latency", lat(r.send_latency)},
      {"end_to_end_latency", lat(r.e2e_latency)},
      {"lateness", lat(r.lateness)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace berth::tools
