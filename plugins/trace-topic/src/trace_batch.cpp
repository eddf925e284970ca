#include "trace_batch.hpp"

#include <set>

namespace berth::trace_topic {

std::vector<trace_message> pack(std::span<const trace_record> records, std::string_view broker,
                                batch_limits limits) {
  std::vector<trace_message> out;
  std::set<std::string> keys_of_last;  // the keys already in out.back()
  for (const trace_record& r : records) {
    std::string line = to_json_line(r, broker);
    line.push_back('\n');
    std::string key = lookup_key(r);
    const bool new_key = out.empty() || !keys_of_last.contains(key);
    const bool fits = !out.empty() && out.back().records < limits.max_records &&
                      out.back().body.size() + line.size() <= limits.max_bytes &&
                      (!new_key || out.back().keys.size() + 1 + key.size() <= limits.max_key_bytes);
    if (!fits) {
      out.emplace_back();
      keys_of_last.clear();
    }
    trace_message& m = out.back();
    m.body += line;
    ++m.records;
    if (!keys_of_last.contains(key) && key.size() <= limits.max_key_bytes) {
      if (!m.keys.empty()) m.keys.push_back(' ');
      m.keys += key;
      keys_of_last.insert(std::move(key));
    }
  }
  return out;
}

}  // namespace berth::trace_topic
