// A compiled SQL92 expression: a flat vector of nodes that refer to each other by index, with
// every string (property names, literals, IN lists) in one text pool. Built once by the
// parser, then only read: evaluation walks it without allocating, from any thread.
#pragma once

#include "value.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace berth::plugins::filter_sql {

enum class opcode : uint8_t {
  // operands
  constant,   // the node's constant
  property,   // the user property named by `text`; NULL when absent
  tags,       // the message's tag; NULL when empty
  keys,       // the message's keys; NULL when empty
  // conditions over conditions
  all_of,        // AND of children[first, first + count)
  any_of,        // OR of children[first, first + count)
  negation,      // NOT left
  boolean_cast,  // a property used as a condition: NULL when absent, else FALSE
  // comparisons of left and right
  equal, not_equal, less, less_equal, greater, greater_equal,
  // BETWEEN: children[first] BETWEEN children[first + 1] AND children[first + 2]
  between, not_between,
  is_null, is_not_null,  // of left
  // left (a property) IN the sorted strings list[first, first + count)
  in_list, not_in_list,
  // left against the string `text`
  contains, not_contains, starts_with, not_starts_with, ends_with, not_ends_with,
};

// A string in the program's text pool (offsets, so the pool may grow while parsing).
struct text_slice {
  uint32_t offset = 0;
  uint32_t length = 0;
};

struct node {
  opcode op = opcode::constant;
  uint32_t left = 0;
  uint32_t right = 0;
  uint32_t first = 0;  // into children() or list() depending on op
  uint32_t count = 0;
  text_slice text;
  value constant;  // for opcode::constant; a string constant's text is `text`
};

// A node of the given opcode, every other field at its default.
[[nodiscard]] inline node node_of(opcode op) noexcept {
  node n;
  n.op = op;
  return n;
}

class program {
 public:
  // ---- building (the parser) ----
  uint32_t add(const node& n);
  text_slice intern(std::string_view s);
  // Appends child node indices; returns the first slot.
  uint32_t add_children(std::span<const uint32_t> children);
  // Appends strings sorted and without duplicates; returns {first slot, count}.
  std::pair<uint32_t, uint32_t> add_sorted_list(std::span<const std::string> strings);
  void set_root(uint32_t root) noexcept { root_ = root; }
  [[nodiscard]] node& at(uint32_t index) { return nodes_[index]; }

  // ---- reading (the evaluator) ----
  [[nodiscard]] const node& at(uint32_t index) const noexcept { return nodes_[index]; }
  [[nodiscard]] uint32_t root() const noexcept { return root_; }
  [[nodiscard]] size_t size() const noexcept { return nodes_.size(); }
  [[nodiscard]] std::string_view text(text_slice s) const noexcept {
    return std::string_view(pool_).substr(s.offset, s.length);
  }
  [[nodiscard]] std::span<const uint32_t> children(const node& n) const noexcept {
    return std::span<const uint32_t>(children_).subspan(n.first, n.count);
  }
  [[nodiscard]] std::span<const text_slice> list(const node& n) const noexcept {
    return std::span<const text_slice>(list_).subspan(n.first, n.count);
  }
  // The constant of a constant node, its string resolved in the pool.
  [[nodiscard]] value constant_of(const node& n) const noexcept {
    value v = n.constant;
    if (v.type == value_type::string) v.text = text(n.text);
    return v;
  }

 private:
  std::vector<node> nodes_;
  std::vector<uint32_t> children_;
  std::vector<text_slice> list_;
  std::string pool_;
  uint32_t root_ = 0;
};

}  // namespace berth::plugins::filter_sql
