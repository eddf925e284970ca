#include "admin/admin_views.hpp"

#include "topic/system_topics.hpp"
#include "topic/topic_view.hpp"

#include <berth/wire/records.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <sstream>

namespace berth::kernel::admin {
namespace {

using json = nlohmann::json;

view_error store_failed(const berth::error& e) {
  return {500, "internal", "the store could not answer: " + e.message};
}

int64_t ms_since_epoch(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string perm_text(uint8_t perm) {
  std::string out;
  if ((perm & wire::perm_read) != 0) out += 'r';
  if ((perm & wire::perm_write) != 0) out += 'w';
  return out.empty() ? "-" : out;
}

std::string_view model_text(wire::consume_model model) {
  return model == wire::consume_model::broadcasting ? "broadcasting" : "clustering";
}

std::string_view text(berth_str s) { return {s.ptr, s.len}; }

// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF),
// so that it can go into JSON as text.
bool is_utf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    size_t extra = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= bytes.size()) return false;  // cut short
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

json message_json(const berth_message_view& m) {
  json keys = json::array();
  std::istringstream words{std::string(text(m.keys))};
  for (std::string k; words >> k;) keys.push_back(k);
  json properties = json::object();
  for (uint32_t i = 0; i < m.property_count; ++i) {
    properties[std::string(text(m.properties[i].name))] = std::string(text(m.properties[i].value));
  }
  const std::string_view body(reinterpret_cast<const char*>(m.body.ptr), m.body.len);
  json out{{"id", std::string(text(m.message_id))},
           {"topic", std::string(text(m.topic))},
           {"queue", m.queue_id},
           {"queue_offset", m.queue_offset},
           {"tag", std::string(text(m.tags))},
           {"keys", std::move(keys)},
           {"properties", std::move(properties)},
           {"born_ms", m.born_time_ms},
           {"stored_ms", m.store_time_ms},
           {"born_host", std::string(text(m.born_host))},
           {"reconsume_times", m.reconsume_times},
           {"body_size", m.body.len}};
  if (is_utf8(body)) {
    out["body"] = std::string(body);
  } else {
    out["body"] = nullptr;
    out["body_base64"] = base64(body);
  }
  return out;
}

bool names_a_secret(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view word : {"secret", "password", "token", "passphrase"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

void redact(json& node) {
  if (node.is_object()) {
    for (auto& [key, value] : node.items()) {
      if (names_a_secret(key) && !value.is_object() && !value.is_array()) {
        value = "<redacted>";
      } else {
        redact(value);
      }
    }
  } else if (node.is_array()) {
    for (json& item : node) redact(item);
  }
}

json topic_json(std::string_view name, const topic::topic_view& t) {
  return json{{"name", std::string(name)},
              {"queues", t.settings.queues},
              {"perm", perm_text(t.settings.perm)},
              {"system", topic::is_system_topic(name)},
              {"messages", t.messages()},
              {"max_offset", t.max_offsets()}};
}

}  // namespace

view broker_view(const broker_parts& parts, bool ready) {
  const auto now = std::chrono::system_clock::now();
  json transports = json::array();
  for (const transport_info& t : parts.transports) {
    json entry{{"id", t.id}, {"plugin", t.plugin}, {"endpoint", t.endpoint}};
    if (!t.problem.empty()) entry["problem"] = t.problem;
    transports.push_back(std::move(entry));
  }
  json out{{"name", parts.config->broker.name},
           {"version", BERTH_VERSION},
           {"abi", fmt::format("{}.{}", BERTH_ABI_MAJOR, BERTH_ABI_MINOR)},
           {"started_at_ms", ms_since_epoch(parts.started_at)},
           {"uptime_ms", ms_since_epoch(now) - ms_since_epoch(parts.started_at)},
           {"ready", ready},
           {"data_dir", std::filesystem::absolute(parts.config->broker.data_dir).lexically_normal().string()},
           {"connections", parts.connections->size()},
           {"transports", std::move(transports)},
           {"store", nullptr}};
  if (parts.store != nullptr) {
    auto stats = parts.store->stats();
    if (!stats) return boost::outcome_v2::failure(store_failed(stats.error()));
    const store::store_stats& s = stats.value();
    out["store"] = json{{"plugin", parts.store->plugin_name()},
                        {"bytes_used", s.bytes_used},
                        {"bytes_free", s.bytes_free},
                        {"disk_full", s.disk_full != 0},
                        {"fenced", s.fenced != 0},
                        {"messages_appended", s.messages_appended},
                        {"log_min_offset", s.log_min_offset},
                        {"log_max_offset", s.log_max_offset}};
  }
  return out;
}

json plugins_view(const broker_parts& parts) {
  json list = json::array();
  for (const plugin_info& p : parts.plugins) {
    list.push_back(json{{"id", p.id},
                        {"kind", p.kind},
                        {"name", p.name},
                        {"version", p.version},
                        {"abi", p.abi},
                        {"library", p.library}});
  }
  return json{{"plugins", std::move(list)}};
}

json config_view(const config::broker_config& config) {
  std::ostringstream text;
  text << toml::json_formatter(*config.document);
  json out = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) return json::object();
  redact(out);
  return out;
}

view topics_view(const broker_parts& parts) {
  json list = json::array();
  for (const std::string& name : parts.topics->names()) {
    auto t = view_topic(*parts.topics, parts.store, name);
    if (!t) return boost::outcome_v2::failure(store_failed(t.error()));
    if (!t.value()) continue;  // deleted meanwhile
    list.push_back(topic_json(name, *t.value()));
  }
  return json{{"topics", std::move(list)}};
}

view topic_view(const broker_parts& parts, std::string_view name) {
  auto t = view_topic(*parts.topics, parts.store, name);
  if (!t) return boost::outcome_v2::failure(store_failed(t.error()));
  if (!t.value()) {
    return boost::outcome_v2::failure(
        view_error{404, "not_found", fmt::format("topic '{}' does not exist", name)});
  }
  json out = topic_json(name, *t.value());
  json queues = json::array();
  for (const topic::queue_range& q : t.value()->queues) {
    queues.push_back(
        json{{"queue", q.queue_id}, {"min_offset", q.min_offset}, {"max_offset", q.max_offset}});
  }
  out["queue_states"] = std::move(queues);
  return out;
}

view groups_view(const broker_parts& parts) {
  json list = json::array();
  for (const std::string& name : parts.groups->group_names()) {
    auto g = parts.groups->describe(name);
    if (!g) return boost::outcome_v2::failure(store_failed(g.error()));
    if (!g.value()) continue;  // gone meanwhile
    uint64_t lag = 0;
    for (const group::queue_lag& q : g.value()->queues) lag += q.lag;
    list.push_back(json{{"name", name},
                        {"model", model_text(g.value()->model)},
                        {"members", g.value()->members.size()},
                        {"lag", lag}});
  }
  return json{{"groups", std::move(list)}};
}

view group_view(const broker_parts& parts, std::string_view name) {
  auto g = parts.groups->describe(name);
  if (!g) return boost::outcome_v2::failure(store_failed(g.error()));
  if (!g.value()) {
    return boost::outcome_v2::failure(view_error{
        404, "not_found",
        fmt::format("group '{}' does not exist (no live consumer and no committed offset)", name)});
  }
  uint64_t lag = 0;
  json queues = json::array();
  for (const group::queue_lag& q : g.value()->queues) {
    lag += q.lag;
    queues.push_back(json{{"topic", q.topic},
                          {"queue", q.queue_id},
                          {"committed", q.committed == wire::no_offset ? json(nullptr)
                                                                       : json(q.committed)},
                          {"max_offset", q.max_offset},
                          {"lag", q.lag}});
  }
  return json{{"name", std::string(name)},
              {"model", model_text(g.value()->model)},
              {"members", g.value()->members},
              {"lag", lag},
              {"queues", std::move(queues)}};
}

view message_by_id_view(const broker_parts& parts, std::string_view id) {
  const auto not_found = [&] {
    return boost::outcome_v2::failure(
        view_error{404, "not_found", fmt::format("no message with id '{}'", id)});
  };
  if (parts.store == nullptr) return not_found();
  auto found = parts.store->lookup_id(id);
  if (!found) {
    if (found.error().code == BERTH_E_NOT_FOUND) return not_found();
    if (found.error().code == BERTH_E_INVALID) {
      return boost::outcome_v2::failure(view_error{400, "bad_request", found.error().message});
    }
    return boost::outcome_v2::failure(store_failed(found.error()));
  }
  if (found.value().empty()) return not_found();
  return json{{"messages", json::array({message_json(found.value()[0])})}};
}

view messages_by_key_view(const broker_parts& parts, std::string_view topic, std::string_view key,
                          uint32_t max) {
  if (!parts.topics->find(topic)) {
    return boost::outcome_v2::failure(
        view_error{404, "not_found", fmt::format("topic '{}' does not exist", topic)});
  }
  json list = json::array();
  if (parts.store == nullptr) return json{{"messages", std::move(list)}};
  store::key_query query;
  query.topic = topic;
  query.key = key;
  query.max_messages = max;
  auto found = parts.store->lookup_key(query);
  if (!found) {
    if (found.error().code == BERTH_E_NOT_FOUND) return json{{"messages", std::move(list)}};
    return boost::outcome_v2::failure(store_failed(found.error()));
  }
  for (const berth_message_view* m : found.value().messages()) list.push_back(message_json(*m));
  return json{{"messages", std::move(list)}};
}

}  // namespace berth::kernel::admin
