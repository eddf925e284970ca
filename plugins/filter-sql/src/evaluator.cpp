#include "evaluator.hpp"

#include "compare.hpp"

#include <algorithm>

namespace berth::plugins::filter_sql {
namespace {

value present_or_null(std::string_view text) noexcept {
  return text.empty() ? value::null() : value::string(text);
}

class evaluator {
 public:
  evaluator(const program& compiled, const sdk::message& message) noexcept
      : program_(compiled), message_(message) {}

  value run(uint32_t index) const noexcept {
    const node& n = program_.at(index);
    switch (n.op) {
      case opcode::constant: return program_.constant_of(n);
      case opcode::property: return property(n);
      case opcode::tags: return present_or_null(message_.tags());
      case opcode::keys: return present_or_null(message_.keys());
      case opcode::all_of: return all_of(n);
      case opcode::any_of: return any_of(n);
      case opcode::negation: return negation(n);
      case opcode::boolean_cast: return boolean_cast(n);
      case opcode::equal: return compare(n, comparison_kind::equality, [](int c) { return c == 0; });
      case opcode::not_equal: return compare(n, comparison_kind::equality, [](int c) { return c != 0; });
      case opcode::less: return compare(n, comparison_kind::ordering, [](int c) { return c < 0; });
      case opcode::less_equal: return compare(n, comparison_kind::ordering, [](int c) { return c <= 0; });
      case opcode::greater: return compare(n, comparison_kind::ordering, [](int c) { return c > 0; });
      case opcode::greater_equal: return compare(n, comparison_kind::ordering, [](int c) { return c >= 0; });
      case opcode::between: return between(n);
      case opcode::not_between: return not_between(n);
      case opcode::is_null: return is_null(n, true);
      case opcode::is_not_null: return is_null(n, false);
      case opcode::in_list: return in_list(n, true);
      case opcode::not_in_list: return in_list(n, false);
      case opcode::contains: return search(n, true, &contains);
      case opcode::not_contains: return search(n, false, &contains);
      case opcode::starts_with: return search(n, true, &starts_with);
      case opcode::not_starts_with: return search(n, false, &starts_with);
      case opcode::ends_with: return search(n, true, &ends_with);
      case opcode::not_ends_with: return search(n, false, &ends_with);
    }
    return value::error();
  }

 private:
  value property(const node& n) const noexcept {
    const auto found = message_.property(program_.text(n.text));
    return found ? value::string(*found) : value::null();
  }

  // AND, as RocketMQ's LogicExpression chained left to right: the first FALSE (or error)
  // decides without evaluating the rest; otherwise NULL if any was NULL.
  value all_of(const node& n) const noexcept {
    bool saw_null = false;
    for (const uint32_t child : program_.children(n)) {
      const value v = run(child);
      if (v.is_error() || v.is_false()) return v;
      saw_null = saw_null || v.is_null();
    }
    return saw_null ? value::null() : value::truth(true);
  }

  // OR: the first TRUE (or error) decides; otherwise NULL if any was NULL.
  value any_of(const node& n) const noexcept {
    bool saw_null = false;
    for (const uint32_t child : program_.children(n)) {
      const value v = run(child);
      if (v.is_error() || v.is_true()) return v;
      saw_null = saw_null || v.is_null();
    }
    return saw_null ? value::null() : value::truth(false);
  }

  value negation(const node& n) const noexcept {
    const value v = run(n.left);
    if (v.type != value_type::boolean) return v;  // NULL stays NULL, errors go up
    return value::truth(!v.boolean);
  }

  // A string is never a Boolean in Java, so a present property casts to FALSE.
  value boolean_cast(const node& n) const noexcept {
    const value v = run(n.left);
    if (v.is_null() || v.is_error() || v.type == value_type::boolean) return v;
    return value::truth(false);
  }

  // Either operand NULL gives NULL (SQL, and the reference; see docs/filters.md).
  template <class Verdict>
  value compare(const node& n, comparison_kind kind, Verdict verdict) const noexcept {
    const value left = run(n.left);
    if (left.is_error()) return left;
    const value right = run(n.right);
    if (right.is_error()) return right;
    return compare_values(left, right, kind, verdict);
  }

  template <class Verdict>
  static value compare_values(const value& left, const value& right, comparison_kind kind,
                              Verdict verdict) noexcept {
    if (left.is_null() || right.is_null()) return value::null();
    const comparison c = java_compare(left, right, kind);
    if (c.failed) return value::error();
    return value::truth(verdict(c.order));
  }

  // v BETWEEN lo AND hi is (v >= lo) AND (v <= hi), evaluated as RocketMQ's AND would.
  value between(const node& n) const noexcept {
    const auto operands = program_.children(n);
    const value v = run(operands[0]);
    if (v.is_error()) return v;
    const value low = run(operands[1]);
    if (low.is_error()) return low;
    const value above_low = compare_values(v, low, comparison_kind::ordering, [](int c) { return c >= 0; });
    if (above_low.is_error() || above_low.is_false()) return above_low;
    const value high = run(operands[2]);
    if (high.is_error()) return high;
    const value below_high = compare_values(v, high, comparison_kind::ordering, [](int c) { return c <= 0; });
    if (below_high.is_error() || below_high.is_false()) return below_high;
    return above_low.is_null() || below_high.is_null() ? value::null() : value::truth(true);
  }

  // v NOT BETWEEN lo AND hi is (v < lo) OR (v > hi).
  value not_between(const node& n) const noexcept {
    const auto operands = program_.children(n);
    const value v = run(operands[0]);
    if (v.is_error()) return v;
    const value low = run(operands[1]);
    if (low.is_error()) return low;
    const value below_low = compare_values(v, low, comparison_kind::ordering, [](int c) { return c < 0; });
    if (below_low.is_error() || below_low.is_true()) return below_low;
    const value high = run(operands[2]);
    if (high.is_error()) return high;
    const value above_high = compare_values(v, high, comparison_kind::ordering, [](int c) { return c > 0; });
    if (above_high.is_error() || above_high.is_true()) return above_high;
    return below_low.is_null() || above_high.is_null() ? value::null() : value::truth(false);
  }

  value is_null(const node& n, bool wanted_null) const noexcept {
    const value v = run(n.left);
    if (v.is_error()) return v;
    return value::truth(v.is_null() == wanted_null);
  }

  value in_list(const node& n, bool wanted_in) const noexcept {
    const value v = run(n.left);
    if (v.type != value_type::string) return v.is_error() ? v : value::null();
    const auto items = program_.list(n);
    const bool found = std::binary_search(
        items.begin(), items.end(), v.text,
        [this](const auto& a, const auto& b) { return text_of(a) < text_of(b); });
    return value::truth(found == wanted_in);
  }

  // CONTAINS and friends: FALSE for an empty search string or a value that is not a string
  // (NULL included), in both the plain and the NOT form, as RocketMQ does.
  value search(const node& n, bool wanted, bool (*test)(std::string_view, std::string_view)) const noexcept {
    const std::string_view needle = program_.text(n.text);
    if (needle.empty()) return value::truth(false);
    const value v = run(n.left);
    if (v.is_error()) return v;
    if (v.type != value_type::string) return value::truth(false);
    return value::truth(test(v.text, needle) == wanted);
  }

  static bool contains(std::string_view haystack, std::string_view needle) noexcept {
    return haystack.find(needle) != std::string_view::npos;
  }
  static bool starts_with(std::string_view haystack, std::string_view needle) noexcept {
    return haystack.starts_with(needle);
  }
  static bool ends_with(std::string_view haystack, std::string_view needle) noexcept {
    return haystack.ends_with(needle);
  }

  std::string_view text_of(std::string_view s) const noexcept { return s; }
  std::string_view text_of(text_slice s) const noexcept { return program_.text(s); }

  const program& program_;
  const sdk::message& message_;
};

}  // namespace

value evaluate(const program& compiled, const sdk::message& message) noexcept {
  return evaluator(compiled, message).run(compiled.root());
}

}  // namespace berth::plugins::filter_sql
