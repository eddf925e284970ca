// A JSON object written field by field into a string, for records written on the hot path:
// no intermediate document, no allocation beyond the output's. Strings are escaped as JSON
// requires, and bytes that are not UTF-8 (a tag is whatever the producer sent) become U+FFFD.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace berth::trace_topic {

class json_line {
 public:
  explicit json_line(std::string& out) : out_(out) { out_.push_back('{'); }

  void field(std::string_view name, std::string_view value);
  void field(std::string_view name, uint64_t value);
  void field(std::string_view name, int64_t value);
  // A field whose value is an array: the caller writes the items (each a json_line on the same
  // string, separated by item_separator()), then array_end().
  void array_begin(std::string_view name) {
    this->name(name);
    out_.push_back('[');
  }
  void item_separator() { out_.push_back(','); }
  void array_end() { out_.push_back(']'); }
  // The closing brace.
  void close() { out_.push_back('}'); }

 private:
  void name(std::string_view n);

  std::string& out_;
  bool first_ = true;
};

// `text` as the inside of a JSON string (no quotes) appended to `out`.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace berth::trace_topic
