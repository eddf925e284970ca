#include "mapped_file.hpp"

#include <berth/plugin/error.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace berth::store_mmap {
namespace {

std::string error_text(int err) {
  char buf[256];
  return ::strerror_r(err, buf, sizeof buf);  // the GNU variant returns the message
}

bool is_full(int err) noexcept { return err == ENOSPC || err == EDQUOT; }
bool is_unsupported(int err) noexcept { return err == EOPNOTSUPP || err == ENOSYS; }

[[noreturn]] void fail_io(const std::string& what, int err) {
  throw sdk::plugin_error(BERTH_E_IO, what + ": " + error_text(err));
}

[[noreturn]] void fail_allocate(const std::filesystem::path& path, uint64_t bytes, int err) {
  const std::string what = "cannot allocate " + std::to_string(bytes) + " bytes for " +
                           path.string() + ": " + error_text(err);
  if (is_full(err)) throw sdk::plugin_error(BERTH_E_FULL, "disk full: " + what);
  throw sdk::plugin_error(BERTH_E_IO, what);
}

uint64_t page_size() noexcept {
  const long n = ::sysconf(_SC_PAGESIZE);
  return n > 0 ? static_cast<uint64_t>(n) : 4096;
}

// A file being made by create(): undone (unmapped, closed, unlinked) unless released.
struct pending_file {
  std::filesystem::path path;
  int fd = -1;
  void* data = MAP_FAILED;
  uint64_t size = 0;
  bool keep = false;

  ~pending_file() {
    if (keep) return;
    if (data != MAP_FAILED) ::munmap(data, size);
    if (fd >= 0) ::close(fd);
    ::unlink(path.c_str());
  }
};

}  // namespace

mapped_file::mapped_file(std::filesystem::path path, int fd, uint8_t* data, uint64_t size) noexcept
    : path_(std::move(path)), fd_(fd), data_(data), size_(size) {}

std::shared_ptr<mapped_file> mapped_file::create(const std::filesystem::path& path,
                                                 uint64_t size) {
  if (size == 0 || size > static_cast<uint64_t>(PTRDIFF_MAX)) {
    throw sdk::plugin_error(BERTH_E_INVALID,
                            "create " + path.string() + ": bad size " + std::to_string(size));
  }
  // Made under a temporary name and renamed when whole, so that a crash half-way leaves a
  // "<name>.tmp" (which openers delete) rather than a short file under the real name.
  std::error_code exists_ec;
  if (std::filesystem::exists(path, exists_ec)) fail_io("create " + path.string(), EEXIST);
  const std::filesystem::path tmp = temporary_name(path);
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    if (is_full(err)) {
      throw sdk::plugin_error(BERTH_E_FULL, "disk full: create " + path.string() + ": " +
                                                error_text(err));
    }
    fail_io("create " + path.string(), err);
  }
  pending_file file{tmp, fd, MAP_FAILED, size, false};
  // Allocating up front means a write through the mapping can never hit ENOSPC (a SIGBUS).
  if (const int err = ::posix_fallocate(fd, 0, static_cast<off_t>(size)); err != 0) {
    fail_allocate(path, size, err);
  }
  // The size must be durable before the name is: a segment of the wrong size is refused.
  if (::fsync(fd) != 0) fail_io("fsync " + tmp.string(), errno);
  file.data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (file.data == MAP_FAILED) fail_io("mmap " + tmp.string(), errno);
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
    fail_io("rename " + tmp.string() + " to " + path.string(), errno);
  }
  file.path = path;
  sync_directory(path.parent_path());
  file.keep = true;
  return std::shared_ptr<mapped_file>(
      new mapped_file(path, fd, static_cast<uint8_t*>(file.data), size));
}

std::vector<std::pair<uint64_t, std::filesystem::path>> list_offset_files(
    const std::filesystem::path& dir, std::vector<std::string>& problems) {
  namespace fs = std::filesystem;
  std::vector<std::pair<uint64_t, fs::path>> found;
  (void)remove_interrupted_creations(dir);
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    if (ec != std::errc::no_such_file_or_directory) {
      problems.push_back(dir.string() + ": cannot list: " + ec.message());
    }
    return found;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    if (const auto start = parse_offset_file_name(path.filename().string())) {
      found.emplace_back(*start, path);
    } else {
      problems.push_back(path.string() + ": not a file of the store; ignored");
    }
  }
  if (ec) problems.push_back(dir.string() + ": listing stopped: " + ec.message());
  std::sort(found.begin(), found.end());
  return found;
}

void remove_file(const std::filesystem::path& path, std::vector<std::string>& problems) {
  std::error_code ec;
  if (!std::filesystem::remove(path, ec) && ec) {
    problems.push_back(path.string() + ": cannot remove: " + ec.message());
  }
}

std::filesystem::path temporary_name(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  return tmp;
}

size_t remove_interrupted_creations(const std::filesystem::path& dir) {
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 24 && name.ends_with(".tmp") &&
        parse_offset_file_name(std::string_view(name).substr(0, 20))) {
      std::filesystem::remove(entry.path(), ec);
      ++removed;
    }
  }
  return removed;
}

std::shared_ptr<mapped_file> mapped_file::open(const std::filesystem::path& path,
                                               uint64_t expected_size) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) fail_io("open " + path.string(), errno);
  struct closer {
    int fd;
    bool keep = false;
    ~closer() {
      if (!keep) ::close(fd);
    }
  } guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_io("stat " + path.string(), errno);
  if (!S_ISREG(st.st_mode)) {
    throw sdk::plugin_error(BERTH_E_IO, path.string() + ": not a regular file");
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (expected_size != 0 && size != expected_size) {
    throw sdk::plugin_error(BERTH_E_IO, path.string() + ": size " + std::to_string(size) +
                                            " bytes, expected " + std::to_string(expected_size) +
                                            " bytes");
  }
  if (size == 0) throw sdk::plugin_error(BERTH_E_IO, path.string() + ": empty file, cannot map");
  void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) fail_io("mmap " + path.string(), errno);
  guard.keep = true;
  return std::shared_ptr<mapped_file>(new mapped_file(path, fd, static_cast<uint8_t*>(data), size));
}

mapped_file::~mapped_file() {
  if (data_ != nullptr) ::munmap(data_, size_);
  if (fd_ >= 0) ::close(fd_);
  if (remove_on_close_) ::unlink(path_.c_str());
}

void mapped_file::sync(uint64_t /*from*/, uint64_t /*to*/) const {
  // Writes through a shared mapping are in the page cache, which fdatasync writes back; the
  // range is a hint this implementation does not need.
  if (::fdatasync(fd_) != 0) fail_io("fdatasync " + path_.string(), errno);
}

void mapped_file::zero_from(uint64_t from) const { zero_from(from, zero_method::zero_range); }

void mapped_file::zero_from(uint64_t from, zero_method first) const {
  if (from >= size_) return;
  const uint64_t page = page_size();
  const uint64_t aligned = std::min(size_, (from + page - 1) / page * page);
  // The partial page at the head is ours to clear; whole pages go to the file system.
  if (aligned > from) std::memset(data_ + from, 0, aligned - from);
  if (aligned < size_) zero_file_range(aligned, size_ - aligned, first);
  sync(from, size_);
}

void mapped_file::zero_file_range(uint64_t offset, uint64_t length, zero_method first) const {
  const auto off = static_cast<off_t>(offset);
  const auto len = static_cast<off_t>(length);
  if (first == zero_method::zero_range) {
    if (::fallocate(fd_, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off, len) == 0) return;
    if (!is_unsupported(errno)) fail_io("fallocate zero range " + path_.string(), errno);
  }
  if (first != zero_method::write_zeros) {
    if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len) == 0) {
      // Allocate the hole again, so writes through the mapping cannot meet ENOSPC later.
      if (const int err = ::posix_fallocate(fd_, off, len); err != 0) {
        fail_allocate(path_, length, err);
      }
      return;
    }
    if (!is_unsupported(errno)) fail_io("fallocate punch hole " + path_.string(), errno);
  }
  // pwrite rather than memset through the mapping: a full disk is an error, not a SIGBUS.
  const std::vector<char> zeros(std::min<uint64_t>(length, 1u << 16), 0);
  uint64_t done = 0;
  while (done < length) {
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(zeros.size(), length - done));
    const ssize_t n = ::pwrite(fd_, zeros.data(), chunk, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (is_full(errno)) fail_allocate(path_, length - done, errno);
      fail_io("write zeros " + path_.string(), errno);
    }
    done += static_cast<uint64_t>(n);
  }
}

int64_t mapped_file::modified_ms() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail_io("stat " + path_.string(), errno);
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

void mapped_file::advise_sequential() const noexcept {
  ::madvise(data_, size_, MADV_SEQUENTIAL);  // only a hint; failure changes nothing
}

void sync_directory(const std::filesystem::path& dir) {
  const std::filesystem::path target = dir.empty() ? std::filesystem::path(".") : dir;
  const int fd = ::open(target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_io("open directory " + target.string(), errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) fail_io("fsync directory " + target.string(), err);
}

std::string offset_file_name(uint64_t offset) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(offset));
  return buf;
}

std::optional<uint64_t> parse_offset_file_name(std::string_view name) {
  if (name.size() != 20) return std::nullopt;
  for (const char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
  if (ec != std::errc{} || end != name.data() + name.size()) return std::nullopt;  // > 2^64 - 1
  return value;
}

}  // namespace berth::store_mmap
