// berth_store_driver: opens a store-mmap directory in this process and either appends the
// crash tests' pattern messages to it (until killed, or a bounded count) or verifies
// everything in it. The crash tests run it as a child, kill it, damage its files and run it
// again; stdout carries one line per fact, stderr the store's own log.
//
//   berth_store_driver append --dir D [--threads T] [--batch B] [--count N] [--first-queue Q]
//                             [--print-messages] [common options]
//       Thread i appends batches of B messages to queue Q+i of topic "crash" (blocking
//       appends), N per thread or forever. After each acknowledged batch it prints
//       "ACK <queue> <last queue offset>" (preceded, with --print-messages, by
//       "MSG <queue> <queue offset> <log offset>" per message) and flushes. A refused append
//       prints "ERROR <queue> <status> <message>" and is tried once more; a second refusal (or
//       any inconsistency) ends the thread. Prints "READY <log end>" once the store is open and
//       "END <log end>" after a bounded run.
//   berth_store_driver verify --dir D [--queues N] [--acked Q:OFFSET]... [--expect Q:COUNT]...
//                             [common options]
//       Reads queues 0..N-1 from offset 0 and checks every message against the pattern, in
//       order, without gaps. Prints "QUEUE <q> <intact count>" per queue, "FAIL <why>" per
//       problem, then "OK" or "FAILED". --acked: the message at OFFSET was acknowledged, so
//       it and everything before it must be there; --expect: exactly COUNT messages.
//   common: --flush sync|async (sync) --segment-size SIZE (1MiB) --set KEY=TOML_VALUE...
//           --plugin PATH (the build tree's libberth-store-mmap.so)
//
// Exit codes: 0 fine, 1 verification failed, 2 an append failed, 3 the store did not open,
// 64 bad usage.
#include "message_pattern.hpp"
#include "process.hpp"
#include "store_session.hpp"

#include <atomic>
#include <charconv>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace berth::test::crash {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_verify_failed = 1;
constexpr int exit_append_failed = 2;
constexpr int exit_open_failed = 3;
constexpr int exit_usage = 64;

struct driver_options {
  std::string mode;
  session_options session;
  uint32_t threads = 1;
  uint32_t batch = 1;
  uint64_t count = 0;  // per thread; 0 = until killed
  uint32_t first_queue = 0;
  bool print_messages = false;
  uint32_t queues = 1;
  std::map<uint32_t, uint64_t> acked;     // queue -> last acknowledged queue offset
  std::map<uint32_t, uint64_t> expected;  // queue -> exact message count
};

// Lines to stdout, whole and flushed one at a time: the parent reads them after a SIGKILL.
class line_printer {
 public:
  void print(const std::string& text) {
    std::lock_guard lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }

 private:
  std::mutex mutex_;
};

line_printer out;

berth_str as_str(std::string_view s) noexcept { return {s.data(), s.size()}; }

// A one-line message: the store's errors never carry newlines, but be sure.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "Q:N" -> (Q, N)
std::optional<std::pair<uint32_t, uint64_t>> parse_pair(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto q = parse_number<uint32_t>(text.substr(0, colon));
  const auto n = parse_number<uint64_t>(text.substr(colon + 1));
  if (!q || !n) return std::nullopt;
  return std::pair{*q, *n};
}

void usage(const std::string& problem) {
  std::fprintf(stderr,
               "berth_store_driver: %s\n"
               "usage: berth_store_driver append|verify --dir DIR [--flush sync|async]\n"
               "         [--segment-size SIZE] [--set KEY=TOML_VALUE]... [--plugin PATH]\n"
               "       append: [--threads T] [--batch B] [--count N] [--first-queue Q]\n"
               "               [--print-messages]\n"
               "       verify: [--queues N] [--acked Q:OFFSET]... [--expect Q:COUNT]...\n",
               problem.c_str());
}

std::optional<driver_options> parse_args(int argc, char** argv) {
  driver_options o;
  if (argc < 2) {
    usage("no mode given");
    return std::nullopt;
  }
  o.mode = argv[1];
  if (o.mode != "append" && o.mode != "verify") {
    usage("unknown mode " + o.mode);
    return std::nullopt;
  }
  o.session.plugin = plugin_dir() / "libberth-store-mmap.so";
  std::string flush = "sync";
  std::string segment_size = "1MiB";
  // Retention and the disk-space guards stay out of the way: these tests check recovery, and
  // a busy build machine's disk must not delete or refuse anything.
  std::map<std::string, std::string> settings = {
      {"queue_file_entries", "4096"}, {"index_slots", "4096"},     {"index_entries", "65536"},
      {"disk_high_water", "1.0"},     {"disk_full", "1.0"},        {"retention", "\"1000h\""}};
  std::vector<std::pair<std::string, std::string>> extra;

  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string_view(argv[++i]);
    };
    std::optional<std::string_view> v;
    bool ok = true;
    if (arg == "--print-messages") {
      o.print_messages = true;
      continue;
    }
    if (!(v = value())) {
      usage(std::string(arg) + " needs a value");
      return std::nullopt;
    }
    if (arg == "--dir") {
      o.session.dir = std::string(*v);
    } else if (arg == "--plugin") {
      o.session.plugin = std::string(*v);
    } else if (arg == "--flush") {
      flush = *v;
    } else if (arg == "--segment-size") {
      segment_size = *v;
    } else if (arg == "--set") {
      const auto eq = v->find('=');
      ok = eq != std::string_view::npos && eq > 0;
      if (ok) extra.emplace_back(std::string(v->substr(0, eq)), std::string(v->substr(eq + 1)));
    } else if (arg == "--threads") {
      const auto n = parse_number<uint32_t>(*v);
      ok = n && *n > 0;
      o.threads = n.value_or(0);
    } else if (arg == "--batch") {
      const auto n = parse_number<uint32_t>(*v);
      ok = n && *n > 0;
      o.batch = n.value_or(0);
    } else if (arg == "--count") {
      const auto n = parse_number<uint64_t>(*v);
      ok = n.has_value();
      o.count = n.value_or(0);
    } else if (arg == "--first-queue") {
      const auto n = parse_number<uint32_t>(*v);
      ok = n.has_value();
      o.first_queue = n.value_or(0);
    } else if (arg == "--queues") {
      const auto n = parse_number<uint32_t>(*v);
      ok = n.has_value();
      o.queues = n.value_or(0);
    } else if (arg == "--acked" || arg == "--expect") {
      const auto p = parse_pair(*v);
      ok = p.has_value();
      if (ok) (arg == "--acked" ? o.acked : o.expected)[p->first] = p->second;
    } else {
      usage("unknown option " + std::string(arg));
      return std::nullopt;
    }
    if (!ok) {
      usage("bad value for " + std::string(arg) + ": " + std::string(*v));
      return std::nullopt;
    }
  }
  if (o.session.dir.empty()) {
    usage("--dir is required");
    return std::nullopt;
  }
  settings["flush"] = "\"" + flush + "\"";
  settings["segment_size"] = "\"" + segment_size + "\"";
  for (auto& [key, value] : extra) settings[key] = value;
  o.session.settings.assign(settings.begin(), settings.end());
  return o;
}

// ---- append ------------------------------------------------------------------------------

struct append_state {
  std::atomic<bool> failed{false};
};

// One thread's queue: append pattern messages at the offsets the store assigns, which must
// be the ones the pattern was made for (the queue's end when the thread started, onwards).
void append_queue(const store_session& store, const driver_options& o, uint32_t queue,
                  append_state& state) {
  const berth_store_ops& ops = store.ops();
  char message[1024] = {};
  berth_errbuf err{message, sizeof message};
  const std::string prefix = std::to_string(queue) + " ";
  auto fail = [&](const std::string& why) {
    out.print("ERROR " + prefix + one_line(why) + "\n");
    state.failed = true;
  };

  uint64_t min_offset = 0;
  uint64_t next = 0;
  const berth_status bounds =
      ops.queue_bounds(store.handle(), as_str(crash_topic), queue, &min_offset, &next, &err);
  if (bounds == BERTH_E_NOT_FOUND) {
    next = 0;
  } else if (bounds != BERTH_OK) {
    fail(std::to_string(bounds) + " queue_bounds: " + message);
    return;
  }

  uint64_t written = 0;
  int refusals = 0;
  while (o.count == 0 || written < o.count) {
    const auto n = static_cast<uint32_t>(
        o.count == 0 ? o.batch : std::min<uint64_t>(o.batch, o.count - written));
    std::deque<pattern_message> messages;
    std::vector<std::vector<berth_property>> properties(n);
    std::vector<berth_message_view> views(n);
    std::vector<const berth_message_view*> pointers(n);
    for (uint32_t i = 0; i < n; ++i) {
      messages.push_back(make_message(queue, next + i));
      views[i] = messages.back().view(properties[i]);
      pointers[i] = &views[i];
    }
    std::vector<berth_append_result> results(n);
    for (auto& r : results) r.struct_size = sizeof r;
    message[0] = '\0';
    const berth_status status = ops.append(store.handle(), pointers.data(), n, results.data(),
                                           sizeof(berth_append_result), nullptr, nullptr, &err);
    if (status != BERTH_OK) {
      // Refused: report it and try once more, which must be refused too once the store is
      // fenced; a refused batch is never acknowledged, so nothing is printed for it.
      fail(std::to_string(status) + " " + message);
      if (++refusals >= 2) return;
      continue;
    }
    std::string lines;
    for (uint32_t i = 0; i < n; ++i) {
      if (results[i].queue_offset != next + i) {
        fail("the store assigned queue offset " + std::to_string(results[i].queue_offset) +
             " to the message made for offset " + std::to_string(next + i));
        return;
      }
      if (o.print_messages) {
        lines += "MSG " + prefix + std::to_string(next + i) + " " +
                 std::to_string(results[i].log_offset) + "\n";
      }
    }
    next += n;
    written += n;
    lines += "ACK " + prefix + std::to_string(next - 1) + "\n";
    out.print(lines);
  }
}

int run_append(store_session& store, const driver_options& o) {
  berth_store_stats stats{};
  stats.struct_size = sizeof stats;
  store.ops().stats(store.handle(), &stats);
  out.print("READY " + std::to_string(stats.log_max_offset) + "\n");

  append_state state;
  std::vector<std::thread> threads;
  for (uint32_t i = 0; i < o.threads; ++i) {
    threads.emplace_back([&, i] { append_queue(store, o, o.first_queue + i, state); });
  }
  for (auto& t : threads) t.join();

  stats = {};
  stats.struct_size = sizeof stats;
  store.ops().stats(store.handle(), &stats);
  out.print("END " + std::to_string(stats.log_max_offset) + (stats.fenced != 0 ? " fenced" : "") +
            "\n");
  return state.failed ? exit_append_failed : exit_ok;
}

// ---- verify ------------------------------------------------------------------------------

// Read one queue from 0 and check every message; returns how many are intact, in order,
// before the first problem (which goes to `problems`).
uint64_t verify_queue(const store_session& store, uint32_t queue,
                      std::vector<std::string>& problems) {
  const berth_store_ops& ops = store.ops();
  char message[1024] = {};
  berth_errbuf err{message, sizeof message};
  const std::string at = "queue " + std::to_string(queue) + ": ";

  uint64_t min_offset = 0;
  uint64_t max_offset = 0;
  const berth_status bounds =
      ops.queue_bounds(store.handle(), as_str(crash_topic), queue, &min_offset, &max_offset, &err);
  if (bounds == BERTH_E_NOT_FOUND) return 0;
  if (bounds != BERTH_OK) {
    problems.push_back(at + "queue_bounds failed (" + std::to_string(bounds) + "): " + message);
    return 0;
  }
  if (min_offset != 0) {
    problems.push_back(at + "starts at offset " + std::to_string(min_offset) +
                       ", but nothing was ever deleted");
    return 0;
  }

  uint64_t offset = 0;
  uint64_t last_log_offset = 0;
  for (;;) {
    berth_read_request request{};
    request.struct_size = sizeof request;
    request.queue_id = queue;
    request.topic = as_str(crash_topic);
    request.offset = offset;
    request.max_messages = 256;
    request.max_bytes = uint64_t{4} << 20;
    berth_read_result* result = nullptr;
    message[0] = '\0';
    const berth_status status = ops.read(store.handle(), &request, &result, &err);
    if (status != BERTH_OK || result == nullptr) {
      problems.push_back(at + "read at offset " + std::to_string(offset) + " failed (" +
                         std::to_string(status) + "): " + message);
      return offset;
    }
    const uint32_t found = result->status;
    bool stop = found != BERTH_READ_FOUND;
    if (found == BERTH_READ_FOUND) {
      for (uint32_t i = 0; i < result->count && !stop; ++i) {
        const berth_message_view& view = *result->messages[i];
        std::string problem = check_message(view, queue, offset);
        if (problem.empty() && offset > 0 && view.log_offset <= last_log_offset) {
          problem = at + "offset " + std::to_string(offset) + " has log offset " +
                    std::to_string(view.log_offset) + ", not after its predecessor's " +
                    std::to_string(last_log_offset);
        }
        if (!problem.empty()) {
          problems.push_back(problem);
          stop = true;
          break;
        }
        last_log_offset = view.log_offset;
        ++offset;
      }
      if (!stop && (result->count == 0 || result->next_offset != offset)) {
        problems.push_back(at + "read returned " + std::to_string(result->count) +
                           " messages and next offset " + std::to_string(result->next_offset) +
                           ", expected next offset " + std::to_string(offset));
        stop = true;
      }
    } else if (found != BERTH_READ_END) {
      problems.push_back(at + "read at offset " + std::to_string(offset) + " returned status " +
                         std::to_string(found) + " (bounds [" + std::to_string(result->min_offset) +
                         ", " + std::to_string(result->max_offset) + "))");
    }
    ops.release(store.handle(), result);
    if (stop) break;
  }
  if (problems.empty() && offset != max_offset) {
    problems.push_back(at + "read ended at offset " + std::to_string(offset) +
                       ", but queue_bounds said the queue ends at " + std::to_string(max_offset));
  }
  return offset;
}

int run_verify(store_session& store, const driver_options& o) {
  std::vector<std::string> problems;
  char message[1024] = {};
  berth_errbuf err{message, sizeof message};
  if (const berth_status s = store.ops().sync(store.handle(), &err); s != BERTH_OK) {
    problems.push_back("sync after open failed (" + std::to_string(s) + "): " + message);
  }
  uint32_t queues = o.queues;
  for (const auto& [q, n] : o.acked) queues = std::max(queues, q + 1);
  for (const auto& [q, n] : o.expected) queues = std::max(queues, q + 1);

  for (uint32_t q = 0; q < queues; ++q) {
    std::vector<std::string> found;
    const uint64_t count = verify_queue(store, q, found);
    out.print("QUEUE " + std::to_string(q) + " " + std::to_string(count) + "\n");
    if (const auto it = o.acked.find(q); it != o.acked.end() && count <= it->second) {
      found.push_back("MISSING queue " + std::to_string(q) + ": offset " +
                      std::to_string(it->second) + " was acknowledged, but only " +
                      std::to_string(count) + " intact messages are there");
    }
    if (const auto it = o.expected.find(q); it != o.expected.end() && count != it->second) {
      found.push_back("queue " + std::to_string(q) + ": " + std::to_string(count) +
                      " intact messages, expected exactly " + std::to_string(it->second));
    }
    for (auto& p : found) problems.push_back(std::move(p));
  }
  for (const auto& p : problems) out.print("FAIL " + one_line(p) + "\n");
  out.print(problems.empty() ? "OK\n" : "FAILED " + std::to_string(problems.size()) + " problems\n");
  return problems.empty() ? exit_ok : exit_verify_failed;
}

int run(int argc, char** argv) {
  const std::optional<driver_options> o = parse_args(argc, argv);
  if (!o) return exit_usage;
  auto opened = store_session::open(o->session);
  if (!opened) {
    const std::string text = "OPEN FAILED (" + std::to_string(opened.error().code) +
                             "): " + one_line(opened.error().message) + "\n";
    std::fputs(text.c_str(), stderr);
    out.print(text);
    return exit_open_failed;
  }
  store_session& store = *opened.value();
  return o->mode == "append" ? run_append(store, *o) : run_verify(store, *o);
}

}  // namespace
}  // namespace berth::test::crash

// The drivers are SIGKILLed mid-run, and LeakSanitizer's exit-time scan of a verifier with a
// dozen mapped segments now and then crashes its own tracer thread ("Tracer caught signal 11"),
// failing a run whose checks all passed. The store's leaks are checked by its plugin and
// conformance tests under ASan; in the drivers only memory errors are. (Without LSan linked in,
// this hook is never called.)
extern "C" int __lsan_is_turned_off() { return 1; }

int main(int argc, char** argv) { return berth::test::crash::run(argc, argv); }
