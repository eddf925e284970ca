// Real processes for tests: spawn berthd (or anything), capture its stdout and stderr in files,
// signal it, wait for it with a bound, read what it printed.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace berth::test {

// A fresh directory under the system temp dir, removed with everything in it at destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Write `text` to `name` inside the directory and return its path.
  std::filesystem::path write(const std::string& name, std::string_view text) const;

 private:
  std::filesystem::path path_;
};

// Environment variables (name, value) set for a child on top of the test's own environment.
using environment = std::vector<std::pair<std::string, std::string>>;

class child_process {
 public:
  // Start argv[0] with argv in `workdir`; input is empty (/dev/null), output goes to files
  // inside `output_dir`. The child inherits the test's environment with `env` set over it.
  child_process(std::vector<std::string> argv, const std::filesystem::path& workdir,
                const std::filesystem::path& output_dir, const environment& env = {});
  ~child_process();  // SIGKILLs and reaps a child still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void signal(int signo) const;
  // The exit code (128 + signal when killed by one), or nullopt if still running at timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // Poll stderr+stdout until `needle` appears; false on timeout or when the child exited first.
  bool wait_for_output(std::string_view needle, std::chrono::milliseconds timeout);
  [[nodiscard]] std::string out() const;
  [[nodiscard]] std::string err() const;
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::filesystem::path out_file_, err_file_;
};

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Run to completion (SIGKILL after `timeout`, reported as exit code -1).
run_result run(std::vector<std::string> argv, const std::filesystem::path& workdir,
               std::chrono::milliseconds timeout = std::chrono::seconds(20));
// The same with `env` set over the test's environment.
run_result run(std::vector<std::string> argv, const std::filesystem::path& workdir,
               const environment& env, std::chrono::milliseconds timeout);

// Paths of the build tree under test (set by CMake).
std::filesystem::path berthd_path();
std::filesystem::path test_plugin_dir();
std::filesystem::path plugin_dir();

// A TCP client for line protocols: connect to "ip:port", send a line, read one line back.
std::optional<std::string> request_line(const std::string& endpoint, const std::string& line,
                                        std::chrono::milliseconds timeout);

}  // namespace berth::test
