#include "scenarios.hpp"

#include "config/units.hpp"
#include "store/message_builder.hpp"
#include "store_session.hpp"
#include "sync_counter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace berth::bench {
namespace {

using kernel::store::message_builder;
namespace fs = std::filesystem;

constexpr const char* topic = "BenchTopic";

uint64_t size_of(const std::string& text) {
  return expect(kernel::config::parse_size(text), "size '" + text + "'");
}

std::string store_toml(const bench_options& o, std::string_view flush) {
  return fmt::format("segment_size = \"{}\"\nflush = \"{}\"\n", o.segment_size, flush);
}

[[noreturn]] void fail_errno(const std::string& what) {
  throw bench_error(what + ": " + std::strerror(errno));
}

// `count` copies of one message for `queue` (a pseudo-random body) and their views.
struct batch {
  std::vector<message_builder> builders;
  std::vector<const berth_message_view*> views;

  batch(uint32_t queue, uint32_t count, uint32_t body_size) {
    std::vector<uint8_t> body(body_size);
    uint64_t x = 0x9E3779B97F4A7C15ull + queue;
    for (uint8_t& b : body) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      b = static_cast<uint8_t>(x);
    }
    const auto born = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    message_builder m{topic, queue};
    m.tags("bench").born_host("127.0.0.1:50000").store_host("127.0.0.1:10911");
    m.born_time_ms(born.count()).body(std::move(body));
    builders.assign(count, m);
    views = kernel::store::views_of(builders);
  }
  batch(batch&&) = default;  // the builders' heap block moves whole: the views stay valid
  batch(const batch&) = delete;
  batch& operator=(const batch&) = delete;
  batch& operator=(batch&&) = delete;
};

// Runs fn(i) on n threads. The first exception sets `stop` (so the others end) and is
// rethrown once all have joined.
void run_threads(unsigned n, std::atomic<bool>& stop, const std::function<void(unsigned)>& fn) {
  std::mutex mutex;
  std::exception_ptr first;
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      try {
        fn(i);
      } catch (...) {
        stop = true;
        std::lock_guard lock(mutex);
        if (!first) first = std::current_exception();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

// Every byte of a body, summed as 64-bit words (vectorizes; the point is to load it all).
uint64_t touch(berth_bytes body) {
  uint64_t sum = 0;
  size_t i = 0;
  for (; i + 8 <= body.len; i += 8) {
    uint64_t word;
    std::memcpy(&word, body.ptr + i, sizeof word);
    sum += word;
  }
  for (; i < body.len; ++i) sum += body.ptr[i];
  return sum;
}

// Sync and drop the page cache of every file under `dir`, so the next open reads the disk.
void evict_page_cache(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_errno("open " + entry.path().string());
    const bool ok = ::fdatasync(fd) == 0 && ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
    ::close(fd);
    if (!ok) fail_errno("evict " + entry.path().string());
  }
}

// From store-mmap's open report: "... N records scanned from offset F, ...".
struct scan_report {
  uint64_t records = 0;
  uint64_t from = 0;
  bool found = false;
};

scan_report parse_scan(const std::vector<std::string>& lines) {
  scan_report r;
  for (const std::string& line : lines) {
    const auto at = line.find(" records scanned from offset ");
    if (at == std::string::npos) continue;
    const auto start = line.rfind(' ', at - 1) + 1;
    r.records = std::stoull(line.substr(start, at - start));
    r.from = std::stoull(line.substr(at + std::strlen(" records scanned from offset ")));
    r.found = true;
  }
  return r;
}

}  // namespace

report run_append_async(const bench_options& o) {
  auto session = store_session::open(o.plugin, o.data_dir, store_toml(o, "async"));
  kernel::store::store& store = session->store();
  const uint64_t limit = o.seconds > 0 ? UINT64_MAX : size_of(o.bytes);
  const auto deadline = o.seconds > 0 ? bench_clock::now() + std::chrono::duration_cast<
                                                                 bench_clock::duration>(
                                                                 std::chrono::duration<double>(o.seconds))
                                      : bench_clock::time_point::max();
  std::atomic<bool> stop{false};
  const auto started = bench_clock::now();
  run_threads(o.threads, stop, [&](unsigned t) {
    const batch b(t, o.batch, o.body_size);
    for (uint64_t n = 1; !stop.load(std::memory_order_relaxed); ++n) {
      expect(store.append(b.views), "append");
      if (n % 8 == 0 && (bench_clock::now() >= deadline ||
                         expect(store.stats(), "stats").bytes_appended >= limit)) {
        stop = true;
      }
    }
  });
  const double written_s = seconds_since(started);
  expect(store.sync(), "sync");
  const double total_s = seconds_since(started);

  const auto s = expect(store.stats(), "stats");
  const double log_mb_s = static_cast<double>(s.bytes_appended) / total_s / mb;
  const double body_mb_s =
      static_cast<double>(s.messages_appended) * o.body_size / total_s / mb;
  const double msgs_s = static_cast<double>(s.messages_appended) / total_s;
  report r;
  r.line = fmt::format(
      "append-async: {:.0f} MB/s of log ({:.0f} MB/s of bodies), {:.0f} msg/s: {:.2f} GB in "
      "{:.2f} s including the final sync ({:.2f} s); {} thread(s), batches of {}, {} B bodies",
      log_mb_s, body_mb_s, msgs_s, static_cast<double>(s.bytes_appended) / gb, total_s,
      total_s - written_s, o.threads, o.batch, o.body_size);
  r.values = {{"mb_s", log_mb_s},         {"body_mb_s", body_mb_s},
              {"msgs_s", msgs_s},         {"bytes", s.bytes_appended},
              {"messages", s.messages_appended}, {"seconds", total_s},
              {"final_sync_s", total_s - written_s}, {"threads", o.threads},
              {"batch", o.batch}};
  return r;
}

report run_append_sync(const bench_options& o) {
  auto session = store_session::open(o.plugin, o.data_dir, store_toml(o, "sync"));
  kernel::store::store& store = session->store();
  {
    const batch warm(0, 1, o.body_size);  // the first append makes the first segment
    expect(store.append(warm.views), "append");
  }
  const auto run_for = std::chrono::duration_cast<bench_clock::duration>(
      std::chrono::duration<double>(o.seconds));
  std::vector<std::vector<uint64_t>> latencies(o.threads);
  std::atomic<bool> stop{false};
  const sync_counts syncs_before = fdatasyncs_so_far();
  const auto started = bench_clock::now();
  const auto deadline = started + run_for;
  run_threads(o.threads, stop, [&](unsigned t) {
    const batch b(t, 1, o.body_size);
    std::vector<uint64_t>& mine = latencies[t];
    mine.reserve(1 << 20);
    while (!stop.load(std::memory_order_relaxed)) {
      const auto call = bench_clock::now();
      expect(store.append(b.views), "append");
      const auto back = bench_clock::now();
      mine.push_back(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(back - call).count()));
      if (back >= deadline) break;
    }
  });
  const double elapsed = seconds_since(started);
  const sync_counts syncs_after = fdatasyncs_so_far();

  std::vector<uint64_t> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const latency_summary lat = summarize(all);
  const uint64_t syncs = syncs_after.commit_log - syncs_before.commit_log;
  const double msgs_s = static_cast<double>(lat.count) / elapsed;
  const double syncs_s = static_cast<double>(syncs) / elapsed;
  const double per_sync = syncs == 0 ? 0.0 : static_cast<double>(lat.count) / static_cast<double>(syncs);
  // The store's own count, published by its housekeeper (every second).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const double metric = session->metric("store_mmap_syncs_total").value_or(-1);

  report r;
  r.line = fmt::format(
      "append-sync: {:.0f} msg/s, latency p50 {:.0f} us, p99 {:.0f} us, max {:.0f} us; "
      "{} commit-log fdatasyncs ({:.0f}/s, {:.1f} messages per sync); {} threads, {} B "
      "bodies, {:.1f} s (store metric store_mmap_syncs_total: {:.0f})",
      msgs_s, lat.p50_us, lat.p99_us, lat.max_us, syncs, syncs_s, per_sync, o.threads,
      o.body_size, elapsed, metric);
  r.values = {{"msgs_s", msgs_s},       {"p50_us", lat.p50_us},
              {"p99_us", lat.p99_us},   {"max_us", lat.max_us},
              {"messages", lat.count},  {"syncs", syncs},
              {"syncs_s", syncs_s},     {"messages_per_sync", per_sync},
              {"other_syncs", syncs_after.other - syncs_before.other},
              {"syncs_metric", metric}, {"threads", o.threads},
              {"seconds", elapsed}};
  return r;
}

report run_read(const bench_options& o) {
  auto session = store_session::open(o.plugin, o.data_dir, store_toml(o, "async"));
  kernel::store::store& store = session->store();
  if (o.queues == 0 || o.batch == 0) throw bench_error("--queues and --batch must be positive");

  std::vector<batch> batches;
  for (uint32_t q = 0; q < o.queues; ++q) batches.emplace_back(q, o.batch, o.body_size);
  const auto fill_started = bench_clock::now();
  for (uint64_t done = 0, i = 0; done < o.messages; ++i) {
    const auto n = static_cast<size_t>(std::min<uint64_t>(o.batch, o.messages - done));
    const auto& views = batches[i % o.queues].views;
    expect(store.append(std::span(views).first(n)), "append");
    done += n;
  }
  expect(store.sync(), "sync");
  const double fill_s = seconds_since(fill_started);

  std::atomic<uint64_t> messages{0}, body_bytes{0}, checksum{0};
  std::atomic<bool> stop{false};
  const auto started = bench_clock::now();
  run_threads(o.threads, stop, [&](unsigned t) {
    uint64_t count = 0, bytes = 0, sum = 0;
    for (uint32_t q = t; q < o.queues && !stop; q += o.threads) {
      kernel::store::read_query query{.topic = topic, .queue_id = q};
      query.max_messages = o.max_messages;
      for (;;) {
        const auto got = expect(store.read(query), "read");
        if (!got.found()) {
          if (got.status() == BERTH_READ_END) break;
          throw bench_error(fmt::format("read queue {} at {}: status {}", q, query.offset,
                                        got.status()));
        }
        for (const berth_message_view* m : got.messages()) {
          sum += touch(m->body);
          bytes += m->body.len;
        }
        count += got.size();
        query.offset = got.next_offset();
      }
    }
    messages += count;
    body_bytes += bytes;
    checksum += sum;
  });
  const double elapsed = seconds_since(started);
  if (messages != o.messages) {
    throw bench_error(fmt::format("read {} messages back, {} were written", messages.load(),
                                  o.messages));
  }

  const double msgs_s = static_cast<double>(messages) / elapsed;
  const double gb_s = static_cast<double>(body_bytes) / elapsed / gb;
  report r;
  r.line = fmt::format(
      "read: {:.0f} msg/s, {:.2f} GB/s of bodies: {} messages ({:.2f} GB) from {} queues in "
      "{:.2f} s, {} per read, {} thread(s), warm page cache (written in {:.2f} s just before)",
      msgs_s, gb_s, messages.load(), static_cast<double>(body_bytes) / gb, o.queues, elapsed,
      o.max_messages, o.threads, fill_s);
  r.values = {{"msgs_s", msgs_s},       {"gb_s", gb_s},
              {"messages", messages.load()}, {"seconds", elapsed},
              {"fill_s", fill_s},       {"checksum", checksum.load()},
              {"threads", o.threads}};
  return r;
}

void run_fill(const bench_options& o) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the parent
  auto session = store_session::open(o.plugin, o.data_dir, store_toml(o, "async"));
  kernel::store::store& store = session->store();
  const uint64_t target = size_of(o.bytes) - (uint64_t{64} << 10);  // stay in the last segment
  std::vector<batch> batches;
  for (uint32_t q = 0; q < o.queues; ++q) batches.emplace_back(q, o.batch, o.body_size);
  for (uint64_t i = 0; expect(store.stats(), "stats").log_max_offset < target; ++i) {
    expect(store.append(batches[i % o.queues].views), "append");
  }
  expect(store.sync(), "sync");
  // Let the housekeeper (every second by default) write a checkpoint at the end.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const std::string end = std::to_string(expect(store.stats(), "stats").log_max_offset) + "\n";
  if (::write(o.ready_fd, end.data(), end.size()) != static_cast<ssize_t>(end.size())) {
    fail_errno("report to the parent");
  }
  for (;;) ::pause();
}

report run_recovery(const bench_options& o, const fs::path& self) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) fail_errno("pipe");
  // Everything the child needs is made before fork(): it only execs.
  const std::vector<std::string> args{
      self.string(),   "fill",         "--data-dir",  o.data_dir.string(),
      "--plugin",      o.plugin.string(), "--bytes",  o.bytes,
      "--segment-size", o.segment_size, "--queues",   std::to_string(o.queues),
      "--batch",       std::to_string(o.batch), "--body-size", std::to_string(o.body_size),
      "--ready-fd",    std::to_string(pipe_fds[1])};
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child < 0) fail_errno("fork");
  if (child == 0) {
    ::fcntl(pipe_fds[1], F_SETFD, 0);  // the write end survives exec
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  const auto fill_started = bench_clock::now();
  std::string line;
  char c = 0;
  while (::read(pipe_fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(pipe_fds[0]);
  const double fill_s = seconds_since(fill_started);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (line.empty()) throw bench_error("the fill child failed (see its messages above)");
  const uint64_t written_end = std::stoull(line);

  const fs::path store_dir = o.data_dir / "store";
  if (!fs::exists(store_dir / "abort")) throw bench_error("no abort marker after SIGKILL");
  if (o.rebuild) {
    fs::remove_all(store_dir / "consumequeue");
    fs::remove_all(store_dir / "index");
    fs::remove(store_dir / "checkpoint");
  }
  if (o.cold) evict_page_cache(store_dir);

  auto session = store_session::open(o.plugin, o.data_dir, store_toml(o, "async"));
  const double open_s = session->open_seconds();
  const auto s = expect(session->store().stats(), "stats");
  if (s.log_max_offset != written_end) {
    throw bench_error(fmt::format("recovered log ends at {}, the child wrote up to {}",
                                  s.log_max_offset, written_end));
  }
  const scan_report scan = parse_scan(session->log_lines());
  if (!scan.found) throw bench_error("store-mmap's open report (records scanned) not found");
  const uint64_t log_bytes = s.log_max_offset - s.log_min_offset;
  const uint64_t scanned = s.log_max_offset - scan.from;
  const uint64_t skipped = scan.from - s.log_min_offset;
  const double scan_gb_s = static_cast<double>(scanned) / open_s / gb;
  const std::string variant = std::string(o.rebuild ? "full rebuild" : "from checkpoint") +
                              (o.cold ? ", cold cache" : ", warm cache");

  report r;
  r.line = fmt::format(
      "recovery ({}): {:.2f} s to open a {:.2f} GB log after SIGKILL; scanned {:.2f} GB "
      "({} records) at {:.2f} GB/s, the checkpoint let it skip {:.2f} GB; {} segments of {}",
      variant, open_s, static_cast<double>(log_bytes) / gb, static_cast<double>(scanned) / gb,
      scan.records, scan_gb_s, static_cast<double>(skipped) / gb, s.unit_count,
      o.segment_size);
  r.values = {{"seconds", open_s},         {"log_bytes", log_bytes},
              {"scanned_bytes", scanned},  {"skipped_bytes", skipped},
              {"records", scan.records},   {"scan_gb_s", scan_gb_s},
              {"rebuild", o.rebuild},      {"cold", o.cold},
              {"segments", s.unit_count},  {"fill_s", fill_s}};
  return r;
}

report run_fsync_rate(const bench_options& o) {
  const fs::path path = o.data_dir / "fsync-rate";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail_errno("create " + path.string());
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } guard{fd};
  constexpr off_t file_size = off_t{64} << 20;
  // Preallocated as store-mmap preallocates its segments (unwritten extents); --prefill
  // writes it once, for the overwrite case.
  if (const int err = ::posix_fallocate(fd, 0, file_size); err != 0) {
    errno = err;
    fail_errno("fallocate " + path.string());
  }
  if (o.prefill) {
    const std::vector<char> zeros(1 << 20, 0);
    for (off_t at = 0; at < file_size; at += static_cast<off_t>(zeros.size())) {
      if (::pwrite(fd, zeros.data(), zeros.size(), at) < 0) fail_errno("prefill");
    }
  }
  if (::fsync(fd) != 0) fail_errno("fsync");

  const std::vector<char> record(o.body_size, 'x');
  std::vector<uint64_t> samples;
  samples.reserve(1 << 20);
  off_t at = 0;
  const auto started = bench_clock::now();
  const auto deadline = started + std::chrono::duration_cast<bench_clock::duration>(
                                      std::chrono::duration<double>(o.seconds));
  for (auto now = started; now < deadline;) {
    if (::pwrite(fd, record.data(), record.size(), at) != static_cast<ssize_t>(record.size())) {
      fail_errno("write");
    }
    if (::fdatasync(fd) != 0) fail_errno("fdatasync");
    const auto back = bench_clock::now();
    samples.push_back(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(back - now).count()));
    now = back;
    at += static_cast<off_t>(record.size());
    if (at + static_cast<off_t>(record.size()) > file_size) at = 0;
  }
  const double elapsed = seconds_since(started);
  const latency_summary lat = summarize(samples);
  const double syncs_s = static_cast<double>(lat.count) / elapsed;

  report r;
  r.line = fmt::format(
      "fsync-rate: {:.0f} fdatasyncs/s, latency p50 {:.0f} us, p99 {:.0f} us, max {:.0f} us "
      "({} B write + fdatasync, {} file, {:.1f} s)",
      syncs_s, lat.p50_us, lat.p99_us, lat.max_us, o.body_size,
      o.prefill ? "prefilled" : "fallocated", elapsed);
  r.values = {{"syncs_s", syncs_s},  {"p50_us", lat.p50_us}, {"p99_us", lat.p99_us},
              {"max_us", lat.max_us}, {"syncs", lat.count},   {"prefill", o.prefill}};
  return r;
}

}  // namespace berth::bench
