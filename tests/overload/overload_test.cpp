// Overload: a real berthd under four kinds of abuse, each beside a well-behaved client whose
// request latency is measured (latency_probe), with berthd's anonymous memory read from
// /proc before, during (peak) and after. File-backed pages (the mmap store's commit log) are
// not counted: they are the page cache's, not a leak.
//
//   a. 1,000 idle connections          b. slowloris (frames trickling in)
//   c. a consumer that never reads     d. a producer flooding beyond the disk (BUSY)
//
// Each case prints one "[overload] ..." line; the figures are in docs/reliability.md
// style: RssAnon before -> peak -> after, the other client's p50/p99/max.
#include "overload_fixture.hpp"

#include "http_client.hpp"

#include <berth/client/producer.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

namespace berth::test {
namespace {

// A broker with transport-tcp on a free port; `store` and `transport` are extra lines of
// those tables, `broker` of [broker].
std::string overload_config(const temp_dir& dir, const std::string& store,
                            const std::string& transport = "", const std::string& broker = "") {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-overload"
data_dir = "{}/data"
shutdown_timeout = "3s"
{}

[store]
{}

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"
{}
)",
                     dir.path().string(), broker, store, transport);
}

// A raw non-blocking-capable TCP connection to "127.0.0.1:port"; -1 on failure.
int connect_to(const std::string& endpoint) {
  const auto colon = endpoint.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(endpoint.substr(colon + 1))));
  ::inet_pton(AF_INET, endpoint.substr(0, colon).c_str(), &addr.sin_addr);
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True when the broker closed `fd` (end of stream or an error on a read that does not wait).
bool closed_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  uint8_t byte = 0;
  return ::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0;
}

// The sum of every sample of `name` (any labels) on berthd's /metrics; -1 when unreachable.
int64_t metric_sum(const std::string& admin, const std::string& name) {
  const auto metrics = http_get(admin, "/metrics");
  if (!metrics) return -1;
  int64_t sum = 0;
  size_t at = 0;
  while ((at = metrics->body.find(name, at)) != std::string::npos) {
    const bool line_start = at == 0 || metrics->body[at - 1] == '\n';
    const size_t after = at + name.size();
    at = metrics->body.find('\n', at);
    if (!line_start || after >= metrics->body.size() ||
        (metrics->body[after] != '{' && metrics->body[after] != ' ')) {
      continue;
    }
    const std::string line = metrics->body.substr(after, at - after);
    sum += static_cast<int64_t>(std::stod(line.substr(line.rfind(' ') + 1)));
  }
  return sum;
}

class overload : public ::testing::Test {
 protected:
  void start(const std::string& config) {
    broker = std::make_unique<running_broker>(dir, config);
    endpoint = broker->wait_for_endpoint();
    ASSERT_FALSE(endpoint.empty()) << broker->process().err();
    pid = broker->process().pid();
  }
  // The probe, warmed up (its topic created, first requests out of the way), then measured
  // from now.
  void start_probe() {
    probe = std::make_unique<latency_probe>(endpoint, "probe");
    std::this_thread::sleep_for(300ms);
    probe->restart();
  }
  void expect_alive() {
    ASSERT_FALSE(broker->process().wait_exit(0ms)) << "berthd died: " << broker->process().err();
  }

  temp_dir dir;
  std::unique_ptr<running_broker> broker;
  std::string endpoint;
  pid_t pid = -1;
  std::unique_ptr<latency_probe> probe;
};

// a. 1,000 connections that say nothing: berthd holds them (raising its own open-files limit
// from the 512 it is started with), they cost a bounded amount each, and the other client is
// served as before.
TEST_F(overload, a_thousand_idle_connections) {
  constexpr size_t idle = 1000;
  rlimit original{};
  ::getrlimit(RLIMIT_NOFILE, &original);
  if (original.rlim_max < idle + 200) GTEST_SKIP() << "hard open-files limit " << original.rlim_max;
  set_open_files(512);  // what berthd inherits: below what it must hold
  start(overload_config(dir, "plugin = \"memory\""));
  set_open_files(original.rlim_max);
  ASSERT_NO_FATAL_FAILURE();
  EXPECT_TRUE(broker->process().wait_for_output("open files limit raised from 512 to", 5s))
      << broker->process().err();
  start_probe();
  const memory_sample before = memory_of(pid);
  const size_t files_before = open_files_of(pid);
  memory_watch watch(pid);

  std::vector<int> fds;
  fds.reserve(idle);
  for (size_t i = 0; i < idle; ++i) {
    const int fd = connect_to(endpoint);
    ASSERT_GE(fd, 0) << "connection " << i;
    fds.push_back(fd);
  }
  // Until berthd has accepted them all.
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (open_files_of(pid) < files_before + idle && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(open_files_of(pid), files_before + idle);
  std::this_thread::sleep_for(1500ms);  // idle, while the other client works
  const memory_sample during = memory_of(pid);
  size_t closed = 0;
  for (int fd : fds) closed += closed_now(fd) ? 1u : 0u;
  EXPECT_EQ(closed, 0u) << "idle connections were closed before idle_timeout";
  const latency_probe::report r = probe->summary();
  probe->stop();
  for (int fd : fds) ::close(fd);
  std::this_thread::sleep_for(500ms);
  watch.stop();
  const memory_sample after = memory_of(pid);
  expect_alive();

  const double per_connection =
      static_cast<double>(std::max<int64_t>(0, during.rss_anon - before.rss_anon)) * 1024.0 /
      static_cast<double>(idle);
  print_summary("a. 1000 idle connections", before, watch.peak(), after, r,
                fmt::format("{:.0f} bytes of RssAnon per idle connection", per_connection));
  expect_latency_bounded(r);
  // Stated bound: 32 KiB per idle connection (measured: ~7 KiB, a session's 4 KiB first read
  // buffer, its socket and strand state; it was ~35 KiB with a 32 KiB buffer from the start).
  EXPECT_LT(per_connection, 32.0 * 1024 * slack());
}

// b. Slowloris: 256 clients announce an 8 MiB frame and trickle it a byte at a time. Each is
// cut after request_timeout (300 ms here), none gets memory for the size it announced, and
// the other client is served meanwhile.
TEST_F(overload, b_slowloris_clients_are_cut_and_hold_little) {
  constexpr size_t slow = 256;
  const auto request_timeout = 300ms;
  set_open_files(4096);
  start(overload_config(dir, "plugin = \"memory\"", "request_timeout = \"300ms\""));
  ASSERT_NO_FATAL_FAILURE();
  start_probe();
  const memory_sample before = memory_of(pid);
  memory_watch watch(pid);

  // A real SEND frame with an 8 MiB body: each client sends its first 64 bytes, then one byte
  // every 50 ms.
  const std::string big(8u << 20, 's');
  wire::message m;
  m.topic = "slow";
  m.body = bytes_of(big);
  const std::vector<uint8_t> frame = request_frame(wire::code::send, 1, m);
  std::vector<int> fds;
  std::vector<size_t> sent(slow, 64);
  const auto began = std::chrono::steady_clock::now();
  for (size_t i = 0; i < slow; ++i) {
    const int fd = connect_to(endpoint);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::send(fd, frame.data(), 64, MSG_NOSIGNAL), 64);
    fds.push_back(fd);
  }
  std::vector<std::optional<std::chrono::milliseconds>> cut(slow);
  size_t open = slow;
  const auto give_up = began + request_timeout + 3s * slack();
  while (open > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(50ms);
    for (size_t i = 0; i < slow; ++i) {
      if (cut[i]) continue;
      const bool gone = closed_now(fds[i]) ||
                        ::send(fds[i], frame.data() + sent[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0;
      if (gone) {
        cut[i] = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - began);
        --open;
      } else {
        ++sent[i];
      }
    }
  }
  const memory_sample during = watch.peak();
  const latency_probe::report r = probe->summary();
  probe->stop();
  for (int fd : fds) ::close(fd);
  std::this_thread::sleep_for(300ms);
  watch.stop();
  const memory_sample after = memory_of(pid);
  expect_alive();

  std::chrono::milliseconds latest{0};
  for (const auto& c : cut) {
    if (c) latest = std::max(latest, *c);
  }
  const double per_connection =
      static_cast<double>(std::max<int64_t>(0, during.rss_anon - before.rss_anon)) * 1024.0 /
      static_cast<double>(slow);
  print_summary("b. slowloris x256 (8 MiB frames, 1 byte / 50 ms)", before, watch.peak(), after,
                r,
                fmt::format("{} of {} cut, the last {} ms after it began (request_timeout 300 ms); "
                            "{:.0f} bytes of RssAnon per slow client at the peak",
                            slow - open, slow, latest.count(), per_connection));
  EXPECT_EQ(open, 0u) << "slow clients still connected after " << (request_timeout + 3s).count()
                      << " ms";
  expect_latency_bounded(r);
  // Stated bound: 256 KiB per slow client (what it sent, twice over, plus the read buffer;
  // measured ~40 KiB), i.e. far below the 8 MiB each announced.
  EXPECT_LT(per_connection, 256.0 * 1024 * slack());
}

// c. A consumer pipelines PULLs of 1 MiB messages and never reads its socket: the broker stops
// reading it once max_pending_bytes (16 MiB, the default) of answers wait, holds no copy of
// them (bodies go from the mapped commit log), and serves the other client.
TEST_F(overload, c_a_consumer_that_never_reads) {
  start(overload_config(dir, "plugin = \"mmap\"\nsegment_size = \"64MiB\""));
  ASSERT_NO_FATAL_FAILURE();
  {
    wire_client producer(endpoint);
    const std::string body(1u << 20, 'c');
    wire::message m;
    m.topic = "big";
    m.queue_id = 0;
    m.body = bytes_of(body);
    for (int i = 0; i < 24; ++i) {
      const auto answer = producer.call(wire::code::send, m);
      ASSERT_TRUE(answer);
      ASSERT_EQ(header_of(*answer).status, wire::status::ok) << error_text(*answer);
    }
  }
  std::this_thread::sleep_for(200ms);  // visible to reads
  start_probe();
  const memory_sample before = memory_of(pid);
  memory_watch watch(pid);

  const std::string admin = broker->wait_for_admin_endpoint();
  const int64_t frames_before = metric_sum(admin, "berth_tcp_frames_received_total");
  const int fd = connect_to(endpoint);
  ASSERT_GE(fd, 0);
  const int small = 64 << 10;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  wire::pull_request pull;
  pull.group = "never-reads";
  pull.topic = "big";
  pull.queue_id = 0;
  pull.offset = 0;
  pull.max_messages = 8;
  pull.max_bytes = 8u << 20;
  pull.expression = "*";
  const std::vector<uint8_t> request = request_frame(wire::code::pull, 1, pull);
  // Pipeline pulls until the broker has not taken a byte for a second (it stopped reading).
  int64_t requests = 0;
  size_t partial = 0;
  auto last_progress = std::chrono::steady_clock::now();
  const auto stop_at = last_progress + 6s;
  while (std::chrono::steady_clock::now() - last_progress < 1s &&
         std::chrono::steady_clock::now() < stop_at) {
    const ssize_t n = ::send(fd, request.data() + partial, request.size() - partial, MSG_NOSIGNAL);
    if (n > 0) {
      partial += static_cast<size_t>(n);
      if (partial == request.size()) {
        partial = 0;
        ++requests;
      }
      last_progress = std::chrono::steady_clock::now();
    } else {
      std::this_thread::sleep_for(5ms);
    }
  }
  const bool stopped_reading = std::chrono::steady_clock::now() < stop_at;
  std::this_thread::sleep_for(1s);  // the other client goes on while the consumer is stuck
  const memory_sample during = memory_of(pid);
  const latency_probe::report r = probe->summary();
  probe->stop();
  // The frames berthd read meanwhile: the consumer's pulls it took (and the probe's sends).
  const int64_t frames_read =
      metric_sum(admin, "berth_tcp_frames_received_total") - frames_before -
      static_cast<int64_t>(r.requests);
  // The answers waiting are the messages asked for (not refusals): the first is 8 MiB.
  uint32_t first_length = 0;
  {
    uint8_t length[4];
    size_t got = 0;
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (got < 4 && std::chrono::steady_clock::now() < until) {
      const ssize_t n = ::recv(fd, length + got, 4 - got, MSG_DONTWAIT);
      if (n > 0) got += static_cast<size_t>(n);
      else std::this_thread::sleep_for(5ms);
    }
    if (got == 4) first_length = wire::peek_length(length, 1u << 30).header.length;
  }
  ::close(fd);
  std::this_thread::sleep_for(500ms);
  watch.stop();
  const memory_sample after = memory_of(pid);
  expect_alive();

  print_summary("c. consumer that never reads (PULLs of 8 x 1 MiB)", before, watch.peak(), after,
                r,
                fmt::format("{} pipelined pulls went into the sockets, berthd read about {} of "
                            "them and stopped reading: {}; first answer {} bytes; RssFile peak "
                            "{:.1f} MiB",
                            requests, frames_read, stopped_reading ? "yes" : "no", first_length,
                            mib(watch.peak().rss_file)));
  EXPECT_GT(first_length, 4u << 20) << "the pulls were not answered with their messages";
  // Stated bound: berthd stops reading within about two read buffers' worth of pulls (a
  // 32 KiB buffer holds ~500; pulls are answered on another thread, so the pause comes when
  // their answers, 16 MiB of them, are queued); the other ~52,000 wait in the sockets.
  EXPECT_LT(frames_read, 1000) << "berthd kept reading pulls it could not answer";
  EXPECT_TRUE(stopped_reading) << "the broker kept reading pulls it could not answer";
  expect_latency_bounded(r);
  // Stated bound: 64 MiB of anonymous growth (max_pending_bytes is 16 MiB of answers, and
  // their bodies are the commit log's file pages, not copies).
  EXPECT_LT(during.rss_anon - before.rss_anon, static_cast<int64_t>(64 * 1024 * slack()));
}

// d. Producers pipelining 1 MiB batches under flush = "sync" as fast as the socket takes
// them: the broker admits at most produce_max_pending_bytes (4 MiB here) of appends waiting
// for fdatasync and answers the rest BUSY, so memory and the other client's latency stay
// bounded and berthd keeps running. The other client's sends are sync sends too: each waits
// for an fdatasync of the disk the flood keeps busy (and that other processes share), so its
// stated bound is p99 < 1 s (max < 2 s); without the bound its p99 passes 1 s.
//
// BERTH_OVERLOAD_UNBOUNDED=1 runs it with the bound out of reach (16 GiB, 1 h) and checks
// nothing: the baseline the notes compare with.
TEST_F(overload, d_a_producer_flooding_beyond_the_disk_gets_busy) {
  const bool unbounded = std::getenv("BERTH_OVERLOAD_UNBOUNDED") != nullptr;
  start(overload_config(dir, "plugin = \"mmap\"\nflush = \"sync\"\nsegment_size = \"256MiB\"",
                        "",
                        unbounded ? "produce_max_pending_bytes = \"16GiB\"\nproduce_max_pending_wait = \"1h\""
                                  : "produce_max_pending_bytes = \"4MiB\"\nproduce_max_pending_wait = \"200ms\""));
  ASSERT_NO_FATAL_FAILURE();
  start_probe();
  const memory_sample before = memory_of(pid);
  memory_watch watch(pid);

  const std::string body(256u << 10, 'f');
  wire::send_batch_request batch;
  for (int i = 0; i < 4; ++i) {
    wire::message m;
    m.topic = "flood";
    m.queue_id = i;
    m.body = bytes_of(body);
    batch.messages.push_back(m);
  }
  for (auto& m : batch.messages) m.queue_id = 1;
  const std::vector<uint8_t> frame = request_frame(wire::code::send_batch, 1, batch);

  constexpr int floods = 3;
  const auto flood_for = 3s;
  std::atomic<size_t> requests{0}, ok{0}, busy{0}, other{0};
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<wire_client>> clients;
  for (int c = 0; c < floods; ++c) clients.push_back(std::make_unique<wire_client>(endpoint));
  std::atomic<bool> writing{true};
  std::mutex words_mutex;
  std::string busy_words;  // the first BUSY's message
  for (int c = 0; c < floods; ++c) {
    wire_client& client = *clients[static_cast<size_t>(c)];
    threads.emplace_back([&] {
      try {
        while (writing) {
          client.send(frame);
          ++requests;
        }
      } catch (const std::exception&) {
      }
    });
    threads.emplace_back([&] {
      // Answers until the writer stopped and every request it sent is answered (or 10 s).
      const auto until = std::chrono::steady_clock::now() + flood_for + 10s;
      while (std::chrono::steady_clock::now() < until) {
        if (!writing && ok + busy + other >= requests) break;
        auto answer = client.read_frame(500ms);
        if (!answer) continue;
        const wire::status s = header_of(*answer).status;
        if (s == wire::status::ok) {
          ++ok;
        } else if (s == wire::status::busy) {
          if (busy++ == 0) {
            std::lock_guard lock(words_mutex);
            busy_words = error_text(*answer);
          }
        } else {
          ++other;
        }
      }
    });
  }
  // A C++ client producer in the flood (retries = 5): BUSY answers are retried after 100 ms x
  // attempt, so its sends go through (the BUSY it got: the counter less the flood's).
  std::atomic<size_t> client_ok{0}, client_failed{0};
  std::string client_error;
  std::thread client_thread([&] {
    client::producer_options o;
    o.endpoint = endpoint;
    o.retries = 5;
    client::producer p(o);
    if (!p.start()) return;
    const std::string payload(1u << 20, 'k');
    while (writing) {
      auto sent = p.send(client::message("client", payload));
      if (sent) {
        ++client_ok;
      } else {
        ++client_failed;
        std::lock_guard lock(words_mutex);
        client_error = sent.error().message;
      }
    }
  });
  std::this_thread::sleep_for(flood_for);
  writing = false;
  client_thread.join();
  const latency_probe::report r = probe->summary();
  probe->stop();
  for (auto& t : threads) t.join();
  clients.clear();
  std::this_thread::sleep_for(300ms);
  watch.stop();
  const memory_sample after = memory_of(pid);
  expect_alive();

  const std::string admin = broker->wait_for_admin_endpoint();
  const int64_t counted = metric_sum(admin, "berth_produce_busy_total");
  const int64_t over_bytes = metric_sum(admin, "berth_produce_busy_total{limit=\"bytes\"}");
  const memory_sample peak = watch.peak();
  print_summary(
      unbounded ? "d. flood, admission bound out of reach (baseline)"
                : "d. flood: 3 producers pipelining 1 MiB batches, flush sync",
      before, peak, after, r,
      fmt::format("flood {} requests: {} ok ({:.0f} MiB/s stored), {} BUSY, {} other; "
                  "berth_produce_busy_total {} ({} over bytes, the rest over wait); RssFile "
                  "peak {:.1f} MiB",
                  requests.load(), ok.load(),
                  static_cast<double>(ok.load()) / std::chrono::duration<double>(flood_for).count(),
                  busy.load(), other.load(), counted, over_bytes, mib(peak.rss_file)));
  if (unbounded) return;
  std::printf("[overload] d. a BUSY answer says: %s\n", busy_words.c_str());
  std::printf("[overload] d. the C++ client producer (1 MiB sends, retries = 5) in the flood: "
              "%zu sent, %zu failed, %lld BUSY answers retried%s%s\n",
              client_ok.load(), client_failed.load(),
              static_cast<long long>(counted - static_cast<int64_t>(busy.load())),
              client_error.empty() ? "" : ": ",
              client_error.c_str());
  EXPECT_GT(client_ok.load(), 0u) << "the client producer's retries did not get it through";
  EXPECT_NE(busy_words.find("produce_max_pending_"), std::string::npos) << busy_words;
  EXPECT_NE(busy_words.find("retry"), std::string::npos) << busy_words;
  EXPECT_GT(busy.load(), 0u) << "the flood was never answered BUSY";
  EXPECT_GT(ok.load(), 0u) << "nothing of the flood was stored";
  EXPECT_EQ(other.load(), 0u);
  EXPECT_GE(counted, static_cast<int64_t>(busy.load()));
  expect_latency_bounded(r, std::chrono::milliseconds(static_cast<int64_t>(1000 * slack())));
  // Stated bound: 96 MiB of anonymous growth (4 MiB admitted, each connection's frame being
  // read, answers, the allocator's slack); the commit log's pages are file-backed.
  EXPECT_LT(peak.rss_anon - before.rss_anon, static_cast<int64_t>(96 * 1024 * slack()));
}

}  // namespace
}  // namespace berth::test
