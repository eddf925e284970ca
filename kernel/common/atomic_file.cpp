#include "common/atomic_file.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace berth::kernel {
namespace {

auto os_failure(std::string_view what, const std::filesystem::path& path, int error) {
  return failure(BERTH_E_IO,
                 fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(error)));
}

// A closing file descriptor that never leaks on an early return.
class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  // close() reports errors (e.g. a deferred write failure); the destructor cannot.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

result<void> write_all(int fd, std::string_view text, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_failure("write", path, errno);
    done += static_cast<std::size_t>(n);
  }
  return success();
}

result<void> write_temp(const std::filesystem::path& tmp, std::string_view text) {
  fd_guard fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return os_failure("create", tmp, errno);
  BERTH_TRY(write_all(fd.get(), text, tmp));
  if (::fsync(fd.get()) != 0) return os_failure("fsync", tmp, errno);
  if (fd.close() != 0) return os_failure("close", tmp, errno);
  return success();
}

}  // namespace

result<void> write_file_atomically(const std::filesystem::path& file, std::string_view text) {
  const std::filesystem::path dir = file.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return os_failure("create", dir, ec.value());

  std::filesystem::path tmp = file;
  tmp += ".tmp";
  if (auto written = write_temp(tmp, text); !written) {
    ::unlink(tmp.c_str());  // a half-written temp file is no use to anyone
    return written;
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    return os_failure("rename into", file, error);
  }
  // The rename is durable only once the directory entry is.
  fd_guard dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) return os_failure("open", dir, errno);
  if (::fsync(dir_fd.get()) != 0) return os_failure("fsync", dir, errno);
  return success();
}

}  // namespace berth::kernel
