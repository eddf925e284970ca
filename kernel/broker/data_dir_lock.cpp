#include "broker/data_dir_lock.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace berth::kernel::broker {

result<data_dir_lock> data_dir_lock::acquire(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return failure(BERTH_E_IO, fmt::format("data directory {}: cannot create: {}", dir.string(),
                                            ec.message()));
  }
  const std::filesystem::path file = dir / "lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return failure(BERTH_E_IO, fmt::format("{}: cannot open: {}", file.string(), std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int cause = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    ::close(fd);
    if (cause == EWOULDBLOCK) {
      return failure(BERTH_E_BUSY,
                     fmt::format("data directory {} is in use by another berthd (pid {})",
                                 dir.string(), n > 0 ? std::string(holder, static_cast<size_t>(n)) : "?"));
    }
    return failure(BERTH_E_IO, fmt::format("{}: cannot lock: {}", file.string(), std::strerror(cause)));
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is only a courtesy for the "in use" message; the lock itself holds.
  }
  return data_dir_lock(fd);
}

data_dir_lock::data_dir_lock(data_dir_lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

data_dir_lock::~data_dir_lock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace berth::kernel::broker
