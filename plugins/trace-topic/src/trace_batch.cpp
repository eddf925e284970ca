#include "trace_batch.hpp"

#include <set>

namespace berth::trace_topic {

std::vector<trace_message> pack(std::span<const trace_record> records, batch_limits limits) {
  std::vector<trace_message> out;
  std::set<std::string_view> keys_of_last;  // the keys already in out.back()
  for (const trace_record& r : records) {
    const std::string_view line = r.line();
    const std::string_view key = r.key();
    const bool new_key = !keys_of_last.contains(key);
    const bool fits = !out.empty() && out.back().records < limits.max_records &&
                      out.back().body.size() + line.size() <= limits.max_bytes &&
                      (!new_key || out.back().keys.size() + 1 + key.size() <= limits.max_key_bytes);
    if (!fits) {
      out.emplace_back();
      keys_of_last.clear();
    }
    trace_message& m = out.back();
    m.body.append(line);
    ++m.records;
    if (!keys_of_last.contains(key) && key.size() <= limits.max_key_bytes) {
      if (!m.keys.empty()) m.keys.push_back(' ');
      m.keys.append(key);
      keys_of_last.insert(key);
    }
  }
  return out;
}

}  // namespace berth::trace_topic
