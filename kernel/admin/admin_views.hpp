// The admin API's JSON (docs/admin-api.md): the broker, its plugins and config, topics with
// their queues' offsets, groups with their lag and members, stored messages. Each view reads
// the broker's parts as they are now, from the admin thread.
#pragma once

#include "common/result.hpp"
#include "config/broker_config.hpp"
#include "group/group_service.hpp"
#include "protocol/connection_table.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berth::kernel::admin {

struct plugin_info {
  std::string id;
  std::string kind;
  std::string name;
  std::string version;
  std::string abi;
  std::string library;
};

// A configured transport: listening on `endpoint`, or disabled (its start failed with
// on_start_error = "disable") with `problem` saying why.
struct transport_info {
  std::string id;
  std::string plugin;
  std::string endpoint;
  std::string problem;
};

// What the admin API reads; owned by the broker, alive from serve() to withdraw().
struct broker_parts {
  const config::broker_config* config = nullptr;
  const topic::topic_table* topics = nullptr;
  store::store* store = nullptr;  // null: no store
  const group::group_service* groups = nullptr;
  const protocol::connection_table* connections = nullptr;
  std::vector<plugin_info> plugins;
  std::vector<transport_info> transports;
  std::chrono::system_clock::time_point started_at;
};

// A view that could not be made: a status code for HTTP and the reason.
struct view_error {
  unsigned status = 500;  // 404, 400, 500, 503
  std::string code;       // "not_found", "bad_request", "internal"
  std::string message;
};
using view = result<nlohmann::json, view_error>;

[[nodiscard]] view broker_view(const broker_parts& parts, bool ready);
[[nodiscard]] nlohmann::json plugins_view(const broker_parts& parts);
// The config as parsed, secrets replaced by "<redacted>" (keys naming a secret, password,
// token or passphrase).
[[nodiscard]] nlohmann::json config_view(const config::broker_config& config);
[[nodiscard]] view topics_view(const broker_parts& parts);
[[nodiscard]] view topic_view(const broker_parts& parts, std::string_view name);
[[nodiscard]] view groups_view(const broker_parts& parts);
[[nodiscard]] view group_view(const broker_parts& parts, std::string_view name);
[[nodiscard]] view message_by_id_view(const broker_parts& parts, std::string_view id);
[[nodiscard]] view messages_by_key_view(const broker_parts& parts, std::string_view topic,
                                        std::string_view key, uint32_t max);

}  // namespace berth::kernel::admin
