#include "offset/offset_file.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <charconv>
#include <limits>

namespace berth::kernel::offset {
namespace {

using nlohmann::json;

auto damaged(const std::string& what, const std::string& problem) {
  return failure(BERTH_E_IO, fmt::format("{}: {} (fix or restore the file; berthd does not "
                                         "start without its consumer offsets)",
                                         what, problem));
}

std::optional<uint32_t> queue_id_of(const std::string& text) {
  uint32_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return id;
}

}  // namespace

std::string format_offsets(const offset_map& offsets) {
  json groups = json::object();
  for (const auto& [group, queues] : offsets) {
    json& topics = groups[group] = json::object();
    for (const auto& [key, offset] : queues) {
      topics[key.first][std::to_string(key.second)] = offset;
    }
  }
  json doc = json::object();
  doc["version"] = offset_file_version;
  doc["groups"] = std::move(groups);
  return doc.dump(1) + '\n';
}

result<offset_map> parse_offsets(const std::string& text, const std::string& what) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return damaged(what, "not a JSON object");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() ||
      version->get<int64_t>() != offset_file_version) {
    return damaged(what, fmt::format("version is not {}", offset_file_version));
  }
  const auto groups = doc.find("groups");
  if (groups == doc.end() || !groups->is_object()) return damaged(what, "no \"groups\" object");
  offset_map out;
  for (const auto& [group, topics] : groups->items()) {
    if (!topics.is_object()) return damaged(what, fmt::format("group '{}' is not an object", group));
    queue_offsets& mine = out[group];
    for (const auto& [topic, queues] : topics.items()) {
      if (!queues.is_object()) {
        return damaged(what, fmt::format("group '{}', topic '{}' is not an object", group, topic));
      }
      for (const auto& [queue, offset] : queues.items()) {
        const auto id = queue_id_of(queue);
        if (!id || !offset.is_number_unsigned()) {
          return damaged(what, fmt::format("group '{}', topic '{}': queue '{}' has no valid offset",
                                           group, topic, queue));
        }
        mine[{topic, *id}] = offset.get<uint64_t>();
      }
    }
  }
  return out;
}

}  // namespace berth::kernel::offset
