#include "checkpoint.hpp"

#include "byte_fields.hpp"
#include "crc32c.hpp"
#include "mapped_file.hpp"

#include <berth/plugin/error.hpp>

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace berth::store_mmap {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t checkpoint_magic = 0x504B4342u;  // "BCKP"
constexpr uint16_t checkpoint_version = 1;
constexpr size_t checkpoint_size = 40;
constexpr size_t at_magic = 0;
constexpr size_t at_version = 4;
constexpr size_t at_length = 6;
constexpr size_t at_dispatched = 8;
constexpr size_t at_store_time = 16;
constexpr size_t at_segment_size = 24;
constexpr size_t at_reserved = 32;
constexpr size_t at_crc = 36;
static_assert(at_crc + 4 == checkpoint_size);

constexpr const char* file_name = "checkpoint";
constexpr const char* tmp_name = "checkpoint.tmp";
constexpr const char* abort_name = "abort";

std::string error_text(int err) { return std::error_code(err, std::generic_category()).message(); }

[[noreturn]] void fail(const std::string& what, int err) {
  const berth_status status = err == ENOSPC || err == EDQUOT ? BERTH_E_FULL : BERTH_E_IO;
  throw sdk::plugin_error(status, what + ": " + error_text(err));
}

// Closes on every path; close() errors are the caller's to check via release().
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
  int release() noexcept { return std::exchange(fd, -1); }
};

void write_all(int fd, const uint8_t* data, size_t size, const fs::path& path) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write " + path.string(), errno);
    }
    done += static_cast<size_t>(n);
  }
}

void fsync_and_close(fd_guard& file, const fs::path& path) {
  if (::fsync(file.fd) != 0) fail("fsync " + path.string(), errno);
  if (::close(file.release()) != 0) fail("close " + path.string(), errno);
}

// Why `bytes` are not a checkpoint this build wrote, or "" when they are.
std::string content_problem(const uint8_t* bytes, size_t size) {
  if (size >= 4 && get_field<uint32_t>(bytes + at_magic) != checkpoint_magic) {
    return "not a Berth checkpoint (bad magic)";
  }
  if (size < checkpoint_size) {
    return "truncated: " + std::to_string(size) + " bytes, expected " +
           std::to_string(checkpoint_size);
  }
  if (size > checkpoint_size) {
    return "size " + std::to_string(size) + " bytes or more, expected " +
           std::to_string(checkpoint_size);
  }
  if (const auto v = get_field<uint16_t>(bytes + at_version); v != checkpoint_version) {
    return "version " + std::to_string(v) + ", this build reads " +
           std::to_string(checkpoint_version);
  }
  if (get_field<uint16_t>(bytes + at_length) != checkpoint_size) return "bad length field";
  if (get_field<uint32_t>(bytes + at_crc) != crc32c(bytes, at_crc)) return "checksum mismatch";
  return {};
}

}  // namespace

checkpoint_read read_checkpoint(const std::filesystem::path& dir) {
  const fs::path path = dir / file_name;
  checkpoint_read result;
  fd_guard file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    if (errno != ENOENT) result.problem = path.string() + ": " + error_text(errno);
    return result;
  }
  // One byte more than a checkpoint, to tell a longer file from ours.
  std::array<uint8_t, checkpoint_size + 1> bytes{};
  size_t size = 0;
  while (size < bytes.size()) {
    const ssize_t n = ::read(file.fd, bytes.data() + size, bytes.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      result.problem = path.string() + ": read: " + error_text(errno);
      return result;
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  if (std::string why = content_problem(bytes.data(), size); !why.empty()) {
    result.problem = path.string() + ": " + why;
    return result;
  }
  checkpoint value;
  value.dispatched_offset = get_field<uint64_t>(bytes.data() + at_dispatched);
  value.last_store_time_ms = get_field<int64_t>(bytes.data() + at_store_time);
  value.segment_size = get_field<uint64_t>(bytes.data() + at_segment_size);
  result.value = value;
  return result;
}

void write_checkpoint(const std::filesystem::path& dir, const checkpoint& value) {
  std::array<uint8_t, checkpoint_size> bytes{};
  set_field(bytes.data() + at_magic, checkpoint_magic);
  set_field(bytes.data() + at_version, checkpoint_version);
  set_field(bytes.data() + at_length, static_cast<uint16_t>(checkpoint_size));
  set_field(bytes.data() + at_dispatched, value.dispatched_offset);
  set_field(bytes.data() + at_store_time, value.last_store_time_ms);
  set_field(bytes.data() + at_segment_size, value.segment_size);
  set_field(bytes.data() + at_reserved, uint32_t{0});
  set_field(bytes.data() + at_crc, crc32c(bytes.data(), at_crc));

  const fs::path tmp = dir / tmp_name;
  const fs::path path = dir / file_name;
  try {
    fd_guard file{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (file.fd < 0) fail("create " + tmp.string(), errno);
    write_all(file.fd, bytes.data(), bytes.size(), tmp);
    fsync_and_close(file, tmp);
    // The rename swaps old for new in one step; the directory sync makes the swap durable.
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename " + tmp.string(), errno);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  sync_directory(dir);
}

bool abort_marker_exists(const std::filesystem::path& dir) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(dir / abort_name, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) return true;  // unsure: assume unclean
  return fs::exists(status);
}

void create_abort_marker(const std::filesystem::path& dir) {
  const fs::path path = dir / abort_name;
  fd_guard file{::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644)};
  if (file.fd < 0) fail("create " + path.string(), errno);
  fsync_and_close(file, path);
  sync_directory(dir);
}

void remove_abort_marker(const std::filesystem::path& dir) {
  const fs::path path = dir / abort_name;
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return;
    fail("remove " + path.string(), errno);
  }
  sync_directory(dir);
}

}  // namespace berth::store_mmap
