#include "delivery/tag_filter.hpp"

#include <berth/abi/berth_message.h>

namespace berth::kernel::delivery {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<tag_filter> tag_filter::parse(std::string_view expression, std::string& error) {
  tag_filter out;
  const std::string_view whole = trimmed(expression);
  if (whole.empty() || whole == "*") return out;
  std::string_view rest = whole;
  while (true) {
    const size_t bar = rest.find("||");
    const std::string_view tag = trimmed(rest.substr(0, bar));
    if (tag.empty() || tag == "*") {
      error = "tag expression '" + std::string(expression) +
              "': an empty tag or '*' between '||' (write '*' alone for every message)";
      return std::nullopt;
    }
    out.tags_.emplace(tag);
    out.hashes_.insert(berth_tag_hash(berth_str{tag.data(), tag.size()}));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 2);
  }
  return out;
}

bool tag_filter::may_match(uint64_t tag_hash) const {
  return takes_all() || hashes_.contains(tag_hash);
}

bool tag_filter::matches(std::string_view tag) const {
  return takes_all() || tags_.contains(tag);
}

}  // namespace berth::kernel::delivery
