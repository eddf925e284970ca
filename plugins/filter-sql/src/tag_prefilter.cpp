#include "tag_prefilter.hpp"

#include <berth/abi/berth_message.h>
#include <berth/plugin/error.hpp>

#include <algorithm>
#include <utility>

namespace berth::plugins::filter_sql {
namespace {

uint64_t hash_of(std::string_view tag) noexcept { return berth_tag_hash(sdk::abi_str(tag)); }

bool is_tags(const program& compiled, uint32_t index) noexcept {
  return compiled.at(index).op == opcode::tags;
}

bool is_string_constant(const program& compiled, uint32_t index) noexcept {
  const node& n = compiled.at(index);
  return n.op == opcode::constant && n.constant.type == value_type::string;
}

}  // namespace

std::optional<tag_prefilter> tag_prefilter::of(const program& compiled) {
  const node& root = compiled.at(compiled.root());
  if (root.op == opcode::in_list && is_tags(compiled, root.left)) {
    std::vector<uint64_t> hashes;
    for (const text_slice item : compiled.list(root)) hashes.push_back(hash_of(compiled.text(item)));
    return tag_prefilter(std::move(hashes));
  }
  if (root.op == opcode::equal) {
    if (is_tags(compiled, root.left) && is_string_constant(compiled, root.right)) {
      return tag_prefilter({hash_of(compiled.text(compiled.at(root.right).text))});
    }
    if (is_tags(compiled, root.right) && is_string_constant(compiled, root.left)) {
      return tag_prefilter({hash_of(compiled.text(compiled.at(root.left).text))});
    }
  }
  return std::nullopt;
}

tag_prefilter::tag_prefilter(std::vector<uint64_t> hashes) : hashes_(std::move(hashes)) {
  std::sort(hashes_.begin(), hashes_.end());
}

int tag_prefilter::verdict(uint64_t tag_hash) const noexcept {
  if (tag_hash == 0) return 0;  // untagged: TAGS is NULL, and NULL never matches
  return std::binary_search(hashes_.begin(), hashes_.end(), tag_hash) ? -1 : 0;
}

}  // namespace berth::plugins::filter_sql
