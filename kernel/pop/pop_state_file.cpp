#include "pop/pop_state_file.hpp"

#include "common/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <fstream>
#include <iterator>

namespace berth::kernel::pop {
namespace {

using nlohmann::json;

constexpr int file_version = 1;

}  // namespace

std::filesystem::path pop_state_path(const std::filesystem::path& data_dir) {
  return data_dir / "config" / "pop_state.json";
}

std::string format_pop_states(const pop_states& states) {
  json queues = json::array();
  for (const auto& [key, state] : states) {
    json entries = json::array();
    for (const auto& [offset, e] : state.entries()) {
      entries.push_back({{"offset", offset},
                         {"attempt", e.attempt},
                         {"deadline_ms", e.deadline_ms},
                         {"nonce", e.nonce},
                         {"max_attempts", e.max_attempts},
                         {"message_group", e.message_group}});
    }
    queues.push_back({{"group", std::get<0>(key)},
                      {"topic", std::get<1>(key)},
                      {"queue", std::get<2>(key)},
                      {"next", state.next()},
                      {"fifo", state.fifo()},
                      {"entries", std::move(entries)}});
  }
  return json{{"version", file_version}, {"queues", std::move(queues)}}.dump(1) + "\n";
}

result<pop_states> parse_pop_states(const std::string& text, const std::string& file) {
  const auto damaged = [&file](const std::string& problem) {
    return failure(BERTH_E_IO, fmt::format("{}: {} (fix or restore the file; berthd does not "
                                           "start without its pop state)",
                                           file, problem));
  };
  try {
    const json doc = json::parse(text);
    if (doc.at("version").get<int>() != file_version) {
      return damaged(fmt::format("version {} is not {}", doc.at("version").dump(), file_version));
    }
    pop_states out;
    for (const json& q : doc.at("queues")) {
      std::map<uint64_t, pop_entry> entries;
      for (const json& j : q.at("entries")) {
        pop_entry e;
        e.attempt = j.at("attempt").get<uint32_t>();
        e.deadline_ms = j.at("deadline_ms").get<int64_t>();
        e.nonce = j.at("nonce").get<uint64_t>();
        e.max_attempts = j.at("max_attempts").get<uint32_t>();
        e.message_group = j.at("message_group").get<std::string>();
        entries.emplace(j.at("offset").get<uint64_t>(), std::move(e));
      }
      const uint64_t next = q.at("next").get<uint64_t>();
      if (!entries.empty() && entries.rbegin()->first >= next) {
        return damaged(fmt::format("an entry at offset {} is not below the pop position {}",
                                   entries.rbegin()->first, next));
      }
      out.insert_or_assign(pop_queue_key{q.at("group").get<std::string>(),
                                         q.at("topic").get<std::string>(),
                                         q.at("queue").get<uint32_t>()},
                           pop_queue_state(next, q.at("fifo").get<bool>(), std::move(entries)));
    }
    return out;
  } catch (const json::exception& e) {
    return damaged(e.what());
  }
}

result<pop_states> load_pop_states(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return pop_states{};
    return failure(BERTH_E_IO, fmt::format("cannot read {}", file.string()));
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_pop_states(text, file.string());
}

result<void> save_pop_states(const std::filesystem::path& file, const pop_states& states) {
  return write_file_atomically(file, format_pop_states(states));
}

}  // namespace berth::kernel::pop
