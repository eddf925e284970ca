#include "tag_list.hpp"

#include <berth/abi/berth_message.h>

namespace berth::plugins::filter_tag {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// `part` without surrounding blanks, and how many leading blanks went.
std::string_view trimmed(std::string_view part, size_t& leading) {
  leading = 0;
  while (!part.empty() && is_blank(part.front())) {
    part.remove_prefix(1);
    ++leading;
  }
  while (!part.empty() && is_blank(part.back())) part.remove_suffix(1);
  return part;
}

}  // namespace

std::optional<tag_list> tag_list::parse(std::string_view expression, std::string& error) {
  tag_list out;
  size_t leading = 0;
  if (const std::string_view whole = trimmed(expression, leading); whole.empty() || whole == "*") {
    return out;
  }
  size_t start = 0;  // of the current member in `expression`
  while (true) {
    const size_t bar = expression.find("||", start);
    const std::string_view member =
        expression.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    const std::string_view tag = trimmed(member, leading);
    const size_t column = start + (tag.empty() ? 0 : leading) + 1;
    if (tag.empty() || tag == "*") {
      error = "col " + std::to_string(column) +
              ": an empty tag or '*' between '||' (write '*' alone for every message)";
      return std::nullopt;
    }
    if (tag.find('|') != std::string_view::npos) {
      error = "col " + std::to_string(column + tag.find('|')) + ": a single '|' (tags are separated by '||')";
      return std::nullopt;
    }
    out.tags_.emplace(tag);
    out.hashes_.insert(berth_tag_hash(berth_str{tag.data(), tag.size()}));
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  return out;
}

int tag_list::hash_verdict(uint64_t tag_hash) const {
  if (takes_all()) return 1;
  return hashes_.contains(tag_hash) ? -1 : 0;
}

bool tag_list::matches(std::string_view tag) const {
  return takes_all() || tags_.contains(tag);
}

}  // namespace berth::plugins::filter_tag
