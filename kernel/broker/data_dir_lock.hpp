// An exclusive lock on <data_dir>/lock, so that two brokers never share one data directory.
#pragma once

#include "common/result.hpp"

#include <filesystem>

namespace berth::kernel::broker {

class data_dir_lock {
 public:
  // Creates the directory if needed, then takes the lock without waiting.
  static result<data_dir_lock> acquire(const std::filesystem::path& dir);
  data_dir_lock(data_dir_lock&& other) noexcept;
  data_dir_lock& operator=(data_dir_lock&&) = delete;
  data_dir_lock(const data_dir_lock&) = delete;
  ~data_dir_lock();

 private:
  explicit data_dir_lock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace berth::kernel::broker
