#include "output.hpp"

#include "parse.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace berth::tools {

std::string table::render() const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
    }
    out += line;
    out += '\n';
  }
  return out;
}

std::string json_line(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

nlohmann::ordered_json message_json(const client::received_message& m) {
  nlohmann::ordered_json props = nlohmann::ordered_json::object();
  for (const auto& [k, v] : m.properties) props[k] = v;
  return nlohmann::ordered_json{{"id", m.message_id},
                        {"topic", m.topic},
                        {"queue", m.queue_id},
                        {"offset", m.queue_offset},
                        {"tag", m.tags},
                        {"keys", m.keys},
                        {"properties", props},
                        {"body", m.body},
                        {"born_timestamp", m.born_time_ms},
                        {"store_timestamp", m.store_time_ms},
                        {"born_host", m.born_host},
                        {"store_host", m.store_host},
                        {"reconsume_times", m.reconsume_times}};
}

std::string printable(const std::string& bytes, size_t limit) {
  std::string out;
  const size_t shown = std::min(bytes.size(), limit);
  for (size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\' || c == '"') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (shown < bytes.size()) out += fmt::format("...({} bytes)", bytes.size());
  return out;
}

namespace {

std::string join_keys(const std::vector<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) {
    if (!s.empty()) s += ',';
    s += k;
  }
  return s;
}

std::string join_props(const client::property_list& props) {
  std::string s;
  for (const auto& [k, v] : props) {
    if (!s.empty()) s += ' ';
    s += k + "=" + printable(v, 80);
  }
  return s;
}

}  // namespace

std::string message_line(const client::received_message& m) {
  return fmt::format("{} {}/{}@{} tag={} keys={} props={{{}}} born={} stored={} body=\"{}\"\n",
                     m.message_id, m.topic, m.queue_id, m.queue_offset,
                     m.tags.empty() ? "-" : m.tags, m.keys.empty() ? "-" : join_keys(m.keys),
                     join_props(m.properties), format_time(m.born_time_ms),
                     format_time(m.store_time_ms), printable(m.body, 200));
}

std::string message_block(const client::received_message& m) {
  table t({"id:", m.message_id});
  t.add({"topic:", m.topic});
  t.add({"queue:", std::to_string(m.queue_id)});
  t.add({"offset:", std::to_string(m.queue_offset)});
  t.add({"tag:", m.tags.empty() ? "-" : m.tags});
  t.add({"keys:", m.keys.empty() ? "-" : join_keys(m.keys)});
  t.add({"properties:", m.properties.empty() ? "-" : join_props(m.properties)});
  t.add({"born:", fmt::format("{} ({} ms) from {}", format_time(m.born_time_ms),
                              m.born_time_ms, m.born_host)});
  t.add({"stored:", fmt::format("{} ({} ms) on {}", format_time(m.store_time_ms),
                                m.store_time_ms, m.store_host)});
  t.add({"reconsumed:", std::to_string(m.reconsume_times)});
  t.add({"body:", fmt::format("{} bytes", m.body.size())});
  return t.render() + printable(m.body, 64 * 1024) + "\n";
}

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace berth::tools
