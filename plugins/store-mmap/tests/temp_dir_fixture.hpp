// What the unit tests of store-mmap's files share: a temporary directory per test, and the
// plugin_error a call throws.
#pragma once

#include <berth/plugin/error.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace berth::store_mmap::test {

// A fresh directory berth-<name>-XXXXXX under the system temp dir, removed with everything in
// it at destruction.
class temp_dir {
 public:
  explicit temp_dir(std::string_view name = "store-mmap") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("berth-" + std::string(name) + "-XXXXXX"))
            .string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The exception `fn` throws, or a failure when it throws none.
inline sdk::plugin_error thrown_by(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const sdk::plugin_error& e) {
    return e;
  }
  ADD_FAILURE() << "no plugin_error thrown";
  return sdk::plugin_error(BERTH_OK, "");
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace berth::store_mmap::test
