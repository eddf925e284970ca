// How berthctl prints: aligned tables and readable lines for people (--output text), one JSON
// object per line for scripts (--output json). Everything goes through these helpers so that
// every command prints the same way.
#pragma once

#include <berth/client/message.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace berth::tools {

enum class output_format { text, json };

// Columns separated by two spaces, each as wide as its widest cell; the header row first.
class table {
 public:
  explicit table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  [[nodiscard]] std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// One line of JSON (invalid UTF-8 in bodies is replaced, never an exception).
[[nodiscard]] std::string json_line(const nlohmann::ordered_json& j);

// Every field of a received message as a JSON object: id, topic, queue, offset, tag, keys,
// properties, body, born/store timestamps (ms) and hosts, reconsume_times.
[[nodiscard]] nlohmann::ordered_json message_json(const client::received_message& m);
// One readable line: "<id> <topic>/<queue>@<offset> tag=... keys=... props={...} born=...
// body=..." (the body quoted, non-printable bytes escaped, cut at 200 bytes).
[[nodiscard]] std::string message_line(const client::received_message& m);
// "field: value" lines, aligned, the whole body last.
[[nodiscard]] std::string message_block(const client::received_message& m);

// A body as a person can read it: printable ASCII kept, the rest as \n, \t, \xNN; at most
// `limit` bytes shown, then "...(N bytes)".
[[nodiscard]] std::string printable(const std::string& bytes, size_t limit);

// Write and flush stdout (a consumer's lines appear as they come).
void print(const std::string& text);

}  // namespace berth::tools
