// One preallocated, memory-mapped file of fixed size: a commit-log segment, a consume-queue
// file or an index file. Errors are thrown as sdk::plugin_error: BERTH_E_IO with the path and
// the system's reason, BERTH_E_FULL when the file system has no room (ENOSPC, EDQUOT).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::store_mmap {

class mapped_file {
 public:
  // Create `path` (which must not exist) with `size` bytes allocated on disk (fallocate, so
  // that writes through the mapping never meet ENOSPC or SIGBUS), zero-filled, mapped
  // read-write, and fsync the directory.
  static std::shared_ptr<mapped_file> create(const std::filesystem::path& path, uint64_t size);
  // Map an existing file read-write. With expected_size != 0 a file of another size is
  // refused (BERTH_E_IO naming both sizes).
  static std::shared_ptr<mapped_file> open(const std::filesystem::path& path,
                                           uint64_t expected_size = 0);
  ~mapped_file();  // unmaps; unlinks the file if remove_on_close() was called
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;

  [[nodiscard]] uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] uint64_t size() const noexcept { return size_; }
  [[nodiscard]] std::span<uint8_t> bytes() const noexcept { return {data_, size_}; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  // Make [from, to) stable on disk (fdatasync of the file; the range lets an implementation
  // use sync_file_range/msync). Throws BERTH_E_IO; the caller fences on it, never retries.
  void sync(uint64_t from, uint64_t to) const;
  // Zero [from, size()) on disk and in the mapping, keeping the space allocated (recovery
  // uses it to wipe everything after a cut, so stale records can never reappear).
  void zero_from(uint64_t from) const;
  // Unlink the file when the last reference goes (readers may still hold it).
  void remove_on_close() noexcept { remove_on_close_ = true; }
  // Last modification time of the file, milliseconds since the Unix epoch.
  [[nodiscard]] int64_t modified_ms() const;
  // Advise the kernel about access (sequential for writes, willneed before reads).
  void advise_sequential() const noexcept;

  // How zero_from() clears the page-aligned part, best first; each falls back to the next
  // when the file system does not support it.
  enum class zero_method { zero_range, punch_hole, write_zeros };
  // zero_from() starting at a given method, so tests reach the fallbacks on any file system.
  void zero_from_for_test(uint64_t from, zero_method first) const { zero_from(from, first); }

 private:
  mapped_file(std::filesystem::path path, int fd, uint8_t* data, uint64_t size) noexcept;
  void zero_from(uint64_t from, zero_method first) const;
  void zero_file_range(uint64_t offset, uint64_t length, zero_method first) const;

  std::filesystem::path path_;
  int fd_ = -1;
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  bool remove_on_close_ = false;
};

using mapped_file_ptr = std::shared_ptr<mapped_file>;

// The name create() makes a file under before renaming it into place: "<path>.tmp".
[[nodiscard]] std::filesystem::path temporary_name(const std::filesystem::path& path);
// Delete "<20 digits>.tmp" files in `dir`, left by a create() that a crash interrupted.
// Returns how many.
size_t remove_interrupted_creations(const std::filesystem::path& dir);

// The files in `dir` named by an offset, in offset order. Leftovers of interrupted creations
// are deleted; anything else is reported in `problems` and left alone. A missing directory
// has no files.
[[nodiscard]] std::vector<std::pair<uint64_t, std::filesystem::path>> list_offset_files(
    const std::filesystem::path& dir, std::vector<std::string>& problems);
// Remove a file, reporting a failure in `problems`.
void remove_file(const std::filesystem::path& path, std::vector<std::string>& problems);

// fsync a directory so that names created, renamed or removed in it are durable.
void sync_directory(const std::filesystem::path& dir);

// 20-digit zero-padded decimal: the name of a file that starts at `offset`.
[[nodiscard]] std::string offset_file_name(uint64_t offset);
// The offset a file name encodes, or nullopt for anything that is not 20 decimal digits.
[[nodiscard]] std::optional<uint64_t> parse_offset_file_name(std::string_view name);

}  // namespace berth::store_mmap
