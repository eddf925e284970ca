#include "topic/topic_file.hpp"

#include "common/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

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

  if (auto written = write_file_atomically(file, text); !written) {
    return topic_failure(errc::io, std::move(written).error().message);
  }
  return success();
}

}  // namespace berth::kernel::topic
