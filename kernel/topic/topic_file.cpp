#include "topic/topic_file.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

namespace berth::kernel::topic {
namespace {

using nlohmann::json;

auto damaged(const std::filesystem::path& file, const std::string& problem) {
  return topic_failure(errc::io,
                       fmt::format("{}: {} (fix or restore the file; berthd does not start "
                                   "without its topics)",
                                   file.string(), problem));
}

auto os_failure(const std::string& what, const std::filesystem::path& path, int error) {
  return topic_failure(errc::io, fmt::format("cannot {} {}: {}", what, path.string(),
                                             std::strerror(error)));
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

// One topic's entry, or why it is not valid.
std::string read_entry(const std::string& name, const json& entry, topic_settings& out) {
  if (!entry.is_object()) return fmt::format("topic '{}' is not an object", name);
  const auto queues = entry.find("queues");
  if (queues == entry.end() || !queues->is_number_unsigned() ||
      queues->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
    return fmt::format("topic '{}': queues is missing or not a count", name);
  }
  out.queues = queues->get<std::uint32_t>();
  const auto perm = entry.find("perm");
  if (perm == entry.end() || !perm->is_number_unsigned() || perm->get<std::uint64_t>() > 255) {
    return fmt::format("topic '{}': perm is missing or not a number 0..255", name);
  }
  out.perm = perm->get<std::uint8_t>();
  const std::string problem = topic_problem(name, out);
  return problem.empty() ? problem : fmt::format("topic '{}': {}", name, problem);
}

topic_result<void> write_all(int fd, const std::string& text, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_failure("write", path, errno);
    done += static_cast<std::size_t>(n);
  }
  return success();
}

topic_result<void> write_temp(const std::filesystem::path& tmp, const std::string& text) {
  fd_guard fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return os_failure("create", tmp, errno);
  BERTH_TRY(write_all(fd.get(), text, tmp));
  if (::fsync(fd.get()) != 0) return os_failure("fsync", tmp, errno);
  if (fd.close() != 0) return os_failure("close", tmp, errno);
  return success();
}

}  // namespace

std::filesystem::path topic_file_path(const std::filesystem::path& data_dir) {
  return data_dir / "config" / "topics.json";
}

topic_result<topic_map> load_topic_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (ec) return os_failure("read", file, ec.value());
    return topic_map{};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return os_failure("read", file, errno);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return os_failure("read", file, errno);

  const json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return damaged(file, "not valid JSON");
  if (!doc.is_object()) return damaged(file, "not a JSON object");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) {
    return damaged(file, "no \"version\"");
  }
  if (version->get<std::int64_t>() != topic_file_version) {
    return damaged(file, fmt::format("version {} is not {}, the version this berthd reads",
                                     version->get<std::int64_t>(), topic_file_version));
  }
  const auto topics = doc.find("topics");
  if (topics == doc.end() || !topics->is_object()) {
    return damaged(file, "\"topics\" is missing or not an object");
  }
  topic_map out;
  for (const auto& [name, entry] : topics->items()) {
    topic_settings settings;
    if (std::string problem = read_entry(name, entry, settings); !problem.empty()) {
      return damaged(file, problem);
    }
    out.emplace(name, settings);
  }
  return out;
}

topic_result<void> save_topic_file(const std::filesystem::path& file, const topic_map& topics) {
  json doc = json::object();
  doc["version"] = topic_file_version;
  json& entries = doc["topics"] = json::object();
  for (const auto& [name, settings] : topics) {
    entries[name] = {{"queues", settings.queues}, {"perm", settings.perm}};
  }
  const std::string text = doc.dump(2) + '\n';

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

}  // namespace berth::kernel::topic
