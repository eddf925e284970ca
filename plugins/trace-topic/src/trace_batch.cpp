#include "trace_batch.hpp"

#include <set>
#include <vector>

namespace berth::trace_topic {

std::vector<trace_message> pack(std::span<const trace_record> records, batch_limits limits) {
  std::vector<trace_message> out;
  std::set<std::string_view> keys_of_last;  // the keys already in out.back()
  // The record's keys that `keys_of_last` lacks, and their bytes with separators.
  const auto keys_missing = [&](const trace_record& r, std::vector<std::string_view>& fresh) {
    fresh.clear();
    size_t bytes = 0;
    std::string_view rest = r.keys();
    while (!rest.empty()) {
      const size_t space = rest.find(' ');
      const std::string_view key = rest.substr(0, space);
      if (!key.empty() && !keys_of_last.contains(key)) {
        fresh.push_back(key);
        bytes += key.size() + 1;
      }
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    return bytes;
  };
  std::vector<std::string_view> fresh;
  for (const trace_record& r : records) {
    const std::string_view line = r.line();
    const size_t fresh_bytes = keys_missing(r, fresh);
    const bool fits = !out.empty() && out.back().records + r.events() <= limits.max_records &&
                      out.back().body.size() + line.size() <= limits.max_bytes &&
                      out.back().keys.size() + fresh_bytes <= limits.max_key_bytes;
    if (!fits) {
      out.emplace_back();
      keys_of_last.clear();
      keys_missing(r, fresh);  // all of them, now
    }
    trace_message& m = out.back();
    m.body.append(line);
    m.records += r.events();
    for (const std::string_view key : fresh) {
      if (keys_of_last.contains(key) || m.keys.size() + key.size() + 1 > limits.max_key_bytes) {
        continue;
      }
      if (!m.keys.empty()) m.keys.push_back(' ');
      m.keys.append(key);
      keys_of_last.insert(key);
    }
  }
  return out;
}

}  // namespace berth::trace_topic
