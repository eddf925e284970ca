#include "process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace berth::test {
namespace {

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The test's environment with `env` set over it, as "NAME=value" strings (built before fork:
// the child may only make async-signal-safe calls).
std::vector<std::string> merged_environment(const environment& env) {
  std::vector<std::string> out;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto name = text.substr(0, text.find('='));
    const bool replaced = std::any_of(env.begin(), env.end(),
                                      [&](const auto& e) { return e.first == name; });
    if (!replaced) out.emplace_back(text);
  }
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

}  // namespace

temp_dir::temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "berth-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path temp_dir::write(const std::string& name, std::string_view text) const {
  const auto file = path_ / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

child_process::child_process(std::vector<std::string> argv, const std::filesystem::path& workdir,
                             const std::filesystem::path& output_dir, const environment& env) {
  static int counter = 0;
  const std::string stem = "child-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
  out_file_ = output_dir / (stem + ".out");
  err_file_ = output_dir / (stem + ".err");
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> env_entries = merged_environment(env);
  std::vector<char*> envp;
  for (auto& e : env_entries) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Nothing to read: a child that reads its input (openssl s_client) sees its end at once.
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 ||
        ::dup2(err, 2) < 0 || ::chdir(workdir.c_str()) != 0) {
      ::_exit(126);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
}

child_process::~child_process() {
  if (!exit_code_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void child_process::signal(int signo) const {
  if (!exit_code_) ::kill(pid_, signo);
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

bool child_process::wait_for_output(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (err().find(needle) != std::string::npos || out().find(needle) != std::string::npos) return true;
    if (wait_exit(std::chrono::milliseconds(0))) {
      return err().find(needle) != std::string::npos || out().find(needle) != std::string::npos;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string child_process::out() const { return slurp(out_file_); }
std::string child_process::err() const { return slurp(err_file_); }

run_result run(std::vector<std::string> argv, const std::filesystem::path& workdir,
               std::chrono::milliseconds timeout) {
  return run(std::move(argv), workdir, environment{}, timeout);
}

run_result run(std::vector<std::string> argv, const std::filesystem::path& workdir,
               const environment& env, std::chrono::milliseconds timeout) {
  temp_dir outputs;
  child_process child(std::move(argv), workdir, outputs.path(), env);
  const auto code = child.wait_exit(timeout);
  return run_result{code.value_or(-1), child.out(), child.err()};
}

std::filesystem::path berthd_path() { return std::filesystem::path(BERTH_BUILD_DIR) / "bin" / "berthd"; }
std::filesystem::path test_plugin_dir() { return std::filesystem::path(BERTH_BUILD_DIR) / "tests" / "plugins"; }
std::filesystem::path plugin_dir() { return std::filesystem::path(BERTH_BUILD_DIR) / "lib" / "berth"; }

std::optional<std::string> request_line(const std::string& endpoint, const std::string& line,
                                        std::chrono::milliseconds timeout) {
  const auto colon = endpoint.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(endpoint.substr(colon + 1))));
  if (inet_pton(AF_INET, endpoint.substr(0, colon).c_str(), &addr.sin_addr) != 1) return std::nullopt;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  const std::string wire = line + "\n";
  if (::write(fd, wire.data(), wire.size()) != static_cast<ssize_t>(wire.size())) {
    ::close(fd);
    return std::nullopt;
  }
  std::string reply;
  pollfd pfd{fd, POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (reply.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
    char chunk[256];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) break;
    reply.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  const auto eol = reply.find('\n');
  if (eol == std::string::npos) return std::nullopt;
  return reply.substr(0, eol);
}

}  // namespace berth::test
