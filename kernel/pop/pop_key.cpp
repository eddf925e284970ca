#include "pop/pop_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace berth::kernel::pop {
namespace {

auto io_error(const std::filesystem::path& file, std::string_view what) {
  return failure(BERTH_E_IO, fmt::format("{} {}: {}", what, file.string(), std::strerror(errno)));
}

result<secret_key> read_key(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(file, "cannot open");
  secret_key key{};
  std::array<uint8_t, 33> buffer{};
  size_t got = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data() + got, buffer.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return io_error(file, "cannot read");
    }
    if (n == 0 || got + static_cast<size_t>(n) == buffer.size()) {
      got += static_cast<size_t>(n);
      break;
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got != key.size()) {
    return failure(BERTH_E_IO,
                   fmt::format("{} holds {}{} bytes, not {}: restore it (or delete it, which "
                               "invalidates every receipt handle given out)",
                               file.string(), got, got == buffer.size() ? " or more" : "",
                               key.size()));
  }
  std::copy_n(buffer.begin(), key.size(), key.begin());
  return key;
}

}  // namespace

std::filesystem::path pop_key_path(const std::filesystem::path& data_dir) {
  return data_dir / "config" / "pop.key";
}

result<secret_key> load_or_create_key(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) {
    return failure(BERTH_E_IO, fmt::format("cannot create {}: {}", file.parent_path().string(),
                                           ec.message()));
  }
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return read_key(file);
    return io_error(file, "cannot create");
  }
  secret_key key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    ::close(fd);
    ::unlink(file.c_str());
    return failure(BERTH_E_INTERNAL, "no random bytes for the pop key (OpenSSL RAND_bytes)");
  }
  const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(file.c_str());
    return io_error(file, "cannot write");
  }
  return key;
}

}  // namespace berth::kernel::pop
