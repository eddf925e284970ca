#include "sync_counter.hpp"

#include <atomic>
#include <climits>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <unistd.h>

namespace berth::bench {
namespace {

std::atomic<uint64_t> commit_log_syncs{0};
std::atomic<uint64_t> other_syncs{0};

// Commit-log segments live in <store>/commitlog/.
bool is_commit_log(int fd) noexcept {
  char link[32];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[PATH_MAX];
  const ssize_t n = ::readlink(link, target, sizeof target - 1);
  if (n <= 0) return false;
  target[n] = '\0';
  return std::strstr(target, "/commitlog/") != nullptr;
}

using fdatasync_fn = int (*)(int);

fdatasync_fn real_fdatasync() noexcept {
  static const fdatasync_fn real = [] {
    fdatasync_fn fn = nullptr;
    void* symbol = ::dlsym(RTLD_NEXT, "fdatasync");
    std::memcpy(&fn, &symbol, sizeof fn);
    return fn;
  }();
  return real;
}

}  // namespace

sync_counts fdatasyncs_so_far() noexcept {
  return {commit_log_syncs.load(std::memory_order_relaxed),
          other_syncs.load(std::memory_order_relaxed)};
}

}  // namespace berth::bench

extern "C" int fdatasync(int fd) {
  using namespace berth::bench;
  (is_commit_log(fd) ? commit_log_syncs : other_syncs).fetch_add(1, std::memory_order_relaxed);
  return real_fdatasync()(fd);
}
