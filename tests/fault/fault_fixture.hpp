// Fault injection against a real berthd on store-mmap: file systems mounted for the test (a
// small tmpfs that fills up, a read-only bind mount over the data directory), strace attached
// to the running broker to fail fdatasync or fallocate, and a producer/verifier that keeps
// count of what the broker acknowledged. Mounting needs CAP_SYS_ADMIN (root), strace needs
// CAP_SYS_PTRACE: without them the tests skip, saying which is missing.
#pragma once

#include "broker_fixture.hpp"
#include "http_client.hpp"
#include "messaging_fixture.hpp"
#include "wire_client.hpp"

#include <berth/wire/bodies.hpp>
#include <berth/wire/transaction_bodies.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace berth::test::fault {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A mount made by the test, undone at destruction even when the test failed (lazily when
// something still holds it, so the temp dir can go).
class mount_guard {
 public:
  mount_guard() = default;
  mount_guard(const mount_guard&) = delete;
  mount_guard& operator=(const mount_guard&) = delete;
  ~mount_guard() { unmount(); }

  // A tmpfs of `size` ("32m") at `dir`; "" or why not.
  std::string mount_tmpfs(const fs::path& dir, const std::string& size) {
    const std::string options = "size=" + size + ",mode=0755";
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      return "mount -t tmpfs " + dir.string() + ": " + std::strerror(errno);
    }
    dir_ = dir;
    return {};
  }

  // `dir` bound over itself, read-only (mount --bind d d; mount -o remount,bind,ro d). Files
  // already open stay writable through the mount underneath; new opens for writing get EROFS.
  std::string bind_read_only(const fs::path& dir) {
    if (::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return "mount --bind " + dir.string() + ": " + std::strerror(errno);
    }
    dir_ = dir;
    if (::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
      const std::string why = std::strerror(errno);
      unmount();
      return "mount -o remount,bind,ro " + dir.string() + ": " + why;
    }
    return {};
  }

  void unmount() {
    if (dir_.empty()) return;
    if (::umount2(dir_.c_str(), 0) != 0) ::umount2(dir_.c_str(), MNT_DETACH);
    dir_.clear();
  }

 private:
  fs::path dir_;
};

// Skips the test (with the missing privilege named) when the mount cannot be made.
#define FAULT_MOUNT_OR_SKIP(expr)                                                               \
  do {                                                                                          \
    const std::string why_ = (expr);                                                            \
    if (!why_.empty()) {                                                                        \
      GTEST_SKIP() << "needs CAP_SYS_ADMIN (root) to mount file systems for fault injection: " \
                   << why_;                                                                     \
    }                                                                                           \
  } while (false)

inline std::optional<fs::path> find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t colon = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, colon - start)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = colon + 1;
  }
  return std::nullopt;
}

// strace attached to every thread of a running process, failing `syscall` with `error` on
// each call from now on; detached (the process runs on untraced) by stop() or destruction.
class strace_injection {
 public:
  // `only_path`: fail only the calls on that file (strace -P), all calls when empty.
  strace_injection(const fs::path& strace, pid_t pid, const std::string& syscall,
                   const std::string& error, const fs::path& out_dir,
                   const fs::path& only_path = {})
      : process_(arguments(strace, pid, syscall, error, only_path), out_dir, out_dir) {}

  // True once strace says it attached; "" or its output.
  bool attached(std::chrono::milliseconds timeout = 10s) {
    return process_.wait_for_output("attached", timeout);
  }
  void stop() {
    if (stopped_) return;
    stopped_ = true;
    process_.signal(SIGTERM);  // strace detaches from its tracees and exits
    (void)process_.wait_exit(10s);
  }
  ~strace_injection() { stop(); }
  [[nodiscard]] std::string output() const { return process_.err(); }

 private:
  static std::vector<std::string> arguments(const fs::path& strace, pid_t pid,
                                            const std::string& syscall, const std::string& error,
                                            const fs::path& only_path) {
    std::vector<std::string> args{strace.string(), "-f", "-p", std::to_string(pid), "-o",
                                  "/dev/null", "-e", "trace=" + syscall, "-e",
                                  "inject=" + syscall + ":error=" + error};
    if (!only_path.empty()) args.insert(args.end(), {"-P", only_path.string()});
    return args;
  }

  child_process process_;
  bool stopped_ = false;
};

// berthd on store-mmap with 1 MiB segments, sync flush, small queue and index files and a
// fast housekeeping; `store_keys` are more [store] keys.
inline std::string fault_broker_config(const fs::path& data_dir, const std::string& store_keys,
                                       unsigned queue_file_entries = 8192) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-fault-test"
data_dir = "{}"
shutdown_timeout = "3s"

[store]
plugin = "mmap"
segment_size = "1MiB"
flush = "sync"
queue_file_entries = {}
index_slots = 1024
index_entries = 8192
housekeeping_interval = "100ms"
{}

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"
)",
                     data_dir.string(), queue_file_entries, store_keys);
}

// A body that says which message it is, padded to `size` bytes.
inline std::string body_for(uint32_t queue, uint64_t n, size_t size) {
  std::string body = fmt::format("fault-test queue {} message {} ", queue, n);
  body.resize(std::max(size, body.size()), static_cast<char>('a' + n % 26));
  return body;
}

inline wire::status status_of(const std::optional<std::vector<uint8_t>>& answer) {
  return answer ? header_of(*answer).status : wire::status::internal;
}

// Sends numbered messages to the queues of one topic in turn and remembers each
// acknowledgement; the verifier then reads every queue back.
class producer {
 public:
  producer(const std::string& endpoint, std::string topic, uint32_t queues, size_t body_size)
      : client_(endpoint), topic_(std::move(topic)), queues_(queues), body_size_(body_size) {}

  // The topic with `queues` queues (default: the ones this producer takes turns on).
  void create_topic(uint32_t queues = 0) {
    const uint32_t count = queues != 0 ? queues : queues_;
    const auto answer =
        client_.call(wire::code::topic_create, wire::topic_create_request{topic_, count, 6});
    ASSERT_TRUE(answer) << "no answer to TOPIC_CREATE";
    ASSERT_EQ(header_of(*answer).status, wire::status::ok) << error_text(*answer);
  }

  struct outcome {
    wire::status status = wire::status::internal;
    std::string message;  // of a refusal
    bool answered = false;
  };

  // One SEND to the next queue; an acknowledged message is remembered.
  outcome send_one() { return send_to(static_cast<uint32_t>(sent_ % queues_)); }

  // One SEND to `queue` (which may be past the queues this producer takes turns on).
  outcome send_to(uint32_t queue) {
    const std::string body = body_for(queue, sent_, body_size_);
    wire::message m;
    m.topic = topic_;
    m.queue_id = static_cast<int32_t>(queue);
    m.tags = "TagA";
    m.body = bytes_of(body);
    const auto answer = client_.call(wire::code::send, m, 15s);
    outcome out;
    if (!answer) return out;
    out.answered = true;
    out.status = header_of(*answer).status;
    if (out.status == wire::status::ok) {
      auto result = body_of<wire::send_result>(*answer);
      if (result) acked_[queue][result->queue_offset] = body;
      ++sent_;
    } else {
      out.message = error_text(*answer);
      ++sent_;  // a refused message may still be stored (unacknowledged): numbers stay unique
    }
    return out;
  }

  // Sends until a refusal or `limit` sends, `pause` after each; the refusal (or the last ok).
  outcome send_until_refused(size_t limit, std::chrono::milliseconds pause = 0ms) {
    outcome last;
    for (size_t i = 0; i < limit; ++i) {
      last = send_one();
      if (!last.answered || last.status != wire::status::ok) return last;
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    }
    return last;
  }

  [[nodiscard]] size_t acked_count() const {
    size_t n = 0;
    for (const auto& [q, messages] : acked_) n += messages.size();
    return n;
  }
  [[nodiscard]] const std::map<uint32_t, std::map<uint64_t, std::string>>& acked() const {
    return acked_;
  }
  [[nodiscard]] const std::string& topic() const { return topic_; }
  [[nodiscard]] uint32_t queues() const { return queues_; }
  wire_client& client() { return client_; }

 private:
  wire_client client_;
  std::string topic_;
  uint32_t queues_;
  size_t body_size_;
  uint64_t sent_ = 0;
  std::map<uint32_t, std::map<uint64_t, std::string>> acked_;
};

// Reads every queue of `topic` from 0 through `endpoint` and checks that each acknowledged
// message is there with its body; returns how many acknowledged messages were found. Gives
// the dispatcher up to `settle` to make the last acknowledged ones visible.
inline size_t verify_acked(const std::string& endpoint, const std::string& topic,
                           const std::map<uint32_t, std::map<uint64_t, std::string>>& acked,
                           std::chrono::milliseconds settle = 5s) {
  wire_client client(endpoint);
  size_t found = 0;
  for (const auto& [queue, messages] : acked) {
    if (messages.empty()) continue;
    const uint64_t last = messages.rbegin()->first;
    std::map<uint64_t, std::string> seen;
    uint64_t offset = 0;
    const auto until = std::chrono::steady_clock::now() + settle;
    while (offset <= last) {
      const auto answer = client.call(wire::code::pull, pull_at(topic, queue, offset), 10s);
      if (!answer) {
        ADD_FAILURE() << "no answer to PULL of queue " << queue << " at " << offset;
        break;
      }
      if (header_of(*answer).status != wire::status::ok) {
        ADD_FAILURE() << "PULL of queue " << queue << " at " << offset << ": "
                      << wire::name(header_of(*answer).status) << " " << error_text(*answer);
        break;
      }
      auto body = body_of<wire::pull_response>(*answer);
      if (!body) break;
      for (const wire::stored_message& m : body->messages) seen[m.queue_offset] = text_of(m.body);
      if (body->messages.empty()) {
        if (std::chrono::steady_clock::now() > until) break;
        std::this_thread::sleep_for(20ms);
        continue;
      }
      offset = body->next_offset;
    }
    for (const auto& [offset_acked, text] : messages) {
      const auto it = seen.find(offset_acked);
      if (it == seen.end()) {
        ADD_FAILURE() << "queue " << queue << " offset " << offset_acked
                      << " was acknowledged but is not there";
      } else if (it->second != text) {
        ADD_FAILURE() << "queue " << queue << " offset " << offset_acked
                      << " holds another body than the one acknowledged";
      } else {
        ++found;
      }
    }
  }
  return found;
}

// The admin endpoint's answer to `target` ("" body and status 0 when it did not answer).
inline http_answer admin_get(const std::string& admin, const std::string& target) {
  const auto answer = http_get(admin, target);
  return answer ? *answer : http_answer{};
}

// The value of an unlabelled Prometheus sample `name`, or -1.
inline double metric_value(const std::string& metrics_text, const std::string& name) {
  size_t at = 0;
  while ((at = metrics_text.find(name + " ", at)) != std::string::npos) {
    if (at == 0 || metrics_text[at - 1] == '\n') {
      return std::stod(metrics_text.substr(at + name.size() + 1));
    }
    at += name.size();
  }
  return -1;
}

inline size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The dispatched offset recorded in store-mmap's checkpoint file (u64 at byte 8), or nullopt.
inline std::optional<uint64_t> checkpoint_offset(const fs::path& store) {
  std::ifstream in(store / "checkpoint", std::ios::binary);
  char bytes[16] = {};
  if (!in.read(bytes, sizeof bytes)) return std::nullopt;
  uint64_t value = 0;
  std::memcpy(&value, bytes + 8, sizeof value);  // little-endian, as the machines we run on
  return value;
}

// Writes `bytes` of zeros to `file` (to take space on a tmpfs).
inline void write_filler(const fs::path& file, size_t bytes) {
  std::ofstream out(file, std::ios::binary);
  const std::string chunk(1 << 20, '\0');
  for (size_t done = 0; done < bytes; done += chunk.size()) {
    out.write(chunk.data(), static_cast<std::streamsize>(std::min(chunk.size(), bytes - done)));
  }
}

}  // namespace berth::test::fault
