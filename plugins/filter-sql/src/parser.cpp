#include "parser.hpp"

#include "compile_error.hpp"
#include "lexer.hpp"
#include "literal.hpp"
#include "operand.hpp"
#include "operand_checks.hpp"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace berth::plugins::filter_sql {
namespace {

std::optional<opcode> binary_opcode(token_kind kind) noexcept {
  switch (kind) {
    case token_kind::greater: return opcode::greater;
    case token_kind::greater_equal: return opcode::greater_equal;
    case token_kind::less: return opcode::less;
    case token_kind::less_equal: return opcode::less_equal;
    default: return std::nullopt;
  }
}

// CONTAINS / STARTSWITH / ENDSWITH, plain or after NOT.
std::optional<opcode> search_opcode(token_kind kind, bool negated) noexcept {
  switch (kind) {
    case token_kind::kw_contains: return negated ? opcode::not_contains : opcode::contains;
    case token_kind::kw_startswith: return negated ? opcode::not_starts_with : opcode::starts_with;
    case token_kind::kw_endswith: return negated ? opcode::not_ends_with : opcode::ends_with;
    default: return std::nullopt;
  }
}

class parser {
 public:
  parser(std::string_view text, const compile_limits& limits)
      : text_(text), limits_(limits), tokens_(tokenize(text)) {}

  program run() {
    if (current().kind == token_kind::end) fail_at(current().column, "the expression is empty");
    operand filter = parse_or();
    if (current().kind != token_kind::end) {
      fail_at(current().column, "expected AND, OR or the end, found " + describe(current()));
    }
    filter = as_condition(filter, "the filter must be a condition");
    program_.set_root(filter.node);
    return std::move(program_);
  }

 private:
  // ---- tokens ----
  [[nodiscard]] const token& current() const noexcept { return tokens_[pos_]; }
  [[nodiscard]] const token& following() const noexcept {
    return tokens_[std::min(pos_ + 1, tokens_.size() - 1)];
  }
  const token& take() noexcept {
    const token& t = tokens_[pos_];
    if (t.kind != token_kind::end) ++pos_;
    return t;
  }
  const token& expect(token_kind kind, const std::string& what) {
    if (current().kind != kind) {
      fail_at(current().column, "expected " + what + ", found " + describe(current()));
    }
    return take();
  }

  // The source text from `first` to the last token taken.
  [[nodiscard]] std::string_view source_from(const token& first) const noexcept {
    const token& last = tokens_[pos_ - 1];
    const size_t begin = first.column - 1;
    const size_t end = last.column - 1 + last.text.size();
    return text_.substr(begin, end - begin);
  }

  // ---- depth ----
  uint32_t deeper(std::initializer_list<uint32_t> child_depths, uint32_t column) const {
    const uint32_t depth = 1 + std::max(child_depths);
    if (depth > limits_.max_depth) fail_deep(column);
    return depth;
  }
  [[noreturn]] void fail_deep(uint32_t column) const {
    fail_at(column, "expression nested deeper than max_depth (" +
                        std::to_string(limits_.max_depth) + ")");
  }
  // Parentheses and unary operators recurse; refuse before the stack grows past the limit.
  // Everything inside `nesting` open ones is at least nesting + 1 deep.
  struct nesting_guard {
    parser& p;
    nesting_guard(parser& owner, uint32_t column) : p(owner) {
      if (++p.nesting_ >= p.limits_.max_depth) p.fail_deep(column);
    }
    ~nesting_guard() { --p.nesting_; }
    nesting_guard(const nesting_guard&) = delete;
    nesting_guard& operator=(const nesting_guard&) = delete;
  };

  // ---- building ----
  operand make(const node& n, operand_kind kind, const token& first, uint32_t depth) {
    operand o;
    o.node = program_.add(n);
    o.kind = kind;
    o.type = n.constant.type;
    o.column = first.column;
    o.depth = depth;
    o.source = source_from(first);
    return o;
  }
  operand condition(node n, std::initializer_list<const operand*> operands, const token& first,
                    uint32_t operator_column) {
    uint32_t depth = 0;
    for (const operand* o : operands) depth = std::max(depth, o->depth);
    return make(n, operand_kind::condition, first, deeper({depth}, operator_column));
  }
  const token& first_token_of(const operand& o) const noexcept {
    // Operands begin at a token; find it by column (tokens are in column order).
    const auto it = std::lower_bound(tokens_.begin(), tokens_.end(), o.column,
                                     [](const token& t, uint32_t c) { return t.column < c; });
    return *it;
  }

  // A property used where a condition is needed becomes a boolean cast; anything else that is
  // not a condition is refused.
  operand as_condition(const operand& o, std::string_view needed_by) {
    check_condition(o, needed_by);
    if (o.kind != operand_kind::property) return o;
    node cast = node_of(opcode::boolean_cast);
    cast.left = o.node;
    operand result = make(cast, operand_kind::condition, first_token_of(o), deeper({o.depth}, o.column));
    result.source = o.source;
    return result;
  }

  // ---- grammar ----
  // OR and AND chains become one node with every operand as a child.
  template <class Next>
  operand parse_chain(token_kind joiner, opcode op, const char* needed_by, Next next) {
    const token& first = current();
    operand head = (this->*next)();
    if (current().kind != joiner) return head;
    std::vector<operand> parts{as_condition(head, needed_by)};
    uint32_t operator_column = current().column;
    while (current().kind == joiner) {
      take();
      parts.push_back(as_condition((this->*next)(), needed_by));
    }
    std::vector<uint32_t> children;
    uint32_t depth = 0;
    for (const operand& part : parts) {
      children.push_back(part.node);
      depth = std::max(depth, part.depth);
    }
    node n = node_of(op);
    n.first = program_.add_children(children);
    n.count = static_cast<uint32_t>(children.size());
    return make(n, operand_kind::condition, first, deeper({depth}, operator_column));
  }

  operand parse_or() {
    return parse_chain(token_kind::kw_or, opcode::any_of, "OR needs a condition on each side",
                       &parser::parse_and);
  }
  operand parse_and() {
    return parse_chain(token_kind::kw_and, opcode::all_of, "AND needs a condition on each side",
                       &parser::parse_equality);
  }

  operand parse_equality() {
    const token& first = current();
    operand left = parse_comparison();
    for (;;) {
      const token& op = current();
      if (op.kind == token_kind::equal || op.kind == token_kind::not_equal) {
        take();
        const operand right = parse_operand_after(op, &parser::parse_comparison);
        const std::string spelling = "'" + std::string(op.text) + "'";
        check_equatable(left, right, spelling);
        node n = node_of(op.kind == token_kind::equal ? opcode::equal : opcode::not_equal);
        n.left = left.node;
        n.right = right.node;
        left = condition(n, {&left, &right}, first, op.column);
      } else if (op.kind == token_kind::kw_is) {
        take();
        const bool negated = current().kind == token_kind::kw_not;
        if (negated) take();
        expect(token_kind::kw_null, negated ? "NULL after IS NOT" : "NULL or NOT NULL after IS");
        node n = node_of(negated ? opcode::is_not_null : opcode::is_null);
        n.left = left.node;
        left = condition(n, {&left}, first, op.column);
      } else {
        return left;
      }
    }
  }

  // NOT before BETWEEN, IN, CONTAINS, STARTSWITH or ENDSWITH negates that operator.
  [[nodiscard]] bool negated_operator_follows() const noexcept {
    if (current().kind != token_kind::kw_not) return false;
    switch (following().kind) {
      case token_kind::kw_between:
      case token_kind::kw_in:
      case token_kind::kw_contains:
      case token_kind::kw_startswith:
      case token_kind::kw_endswith: return true;
      default: return false;
    }
  }

  operand parse_comparison() {
    const token& first = current();
    operand left = parse_unary();
    for (;;) {
      const token& op = current();
      if (const auto code = binary_opcode(op.kind)) {
        take();
        const std::string spelling = "'" + std::string(op.text) + "'";
        check_orderable(left, spelling);
        const operand right = parse_operand_after(op, &parser::parse_unary);
        check_orderable(right, spelling);
        node n = node_of(*code);
        n.left = left.node;
        n.right = right.node;
        left = condition(n, {&left, &right}, first, op.column);
        continue;
      }
      const bool negated = negated_operator_follows();
      if (negated) take();
      const token& keyword = current();
      const std::string spelling = negated ? "NOT " + upper(keyword.text) : upper(keyword.text);
      if (const auto code = search_opcode(keyword.kind, negated)) {
        take();
        node n = node_of(*code);
        n.left = left.node;
        n.text = program_.intern(string_literal(expect(token_kind::string, "a string after " + spelling)));
        left = condition(n, {&left}, first, keyword.column);
      } else if (keyword.kind == token_kind::kw_between) {
        take();
        left = parse_between(left, first, keyword, negated, spelling);
      } else if (keyword.kind == token_kind::kw_in) {
        take();
        left = parse_in(left, first, keyword, negated, spelling);
      } else {
        return left;
      }
    }
  }

  operand parse_between(const operand& subject, const token& first, const token& keyword,
                        bool negated, const std::string& spelling) {
    check_orderable(subject, spelling);
    const operand low = parse_operand_after(keyword, &parser::parse_unary);
    check_orderable(low, spelling);
    const token& and_token = expect(token_kind::kw_and, "AND after the lower bound of " + spelling);
    const operand high = parse_operand_after(and_token, &parser::parse_unary);
    check_orderable(high, spelling);
    check_between_bounds(program_, low, high, spelling);
    node n = node_of(negated ? opcode::not_between : opcode::between);
    const uint32_t operands[] = {subject.node, low.node, high.node};
    n.first = program_.add_children(operands);
    n.count = 3;
    return condition(n, {&subject, &low, &high}, first, keyword.column);
  }

  operand parse_in(const operand& subject, const token& first, const token& keyword, bool negated,
                   const std::string& spelling) {
    check_in_subject(subject, spelling);
    expect(token_kind::left_paren, "'(' after " + spelling);
    std::vector<std::string> items;
    for (;;) {
      items.push_back(string_literal(expect(token_kind::string, "a string in the " + spelling + " list")));
      if (current().kind != token_kind::comma) break;
      take();
    }
    expect(token_kind::right_paren, "',' or ')' in the " + spelling + " list");
    node n = node_of(negated ? opcode::not_in_list : opcode::in_list);
    n.left = subject.node;
    std::tie(n.first, n.count) = program_.add_sorted_list(items);
    return condition(n, {&subject}, first, keyword.column);
  }

  // The operand that must follow `op`, with a clear message when nothing does.
  operand parse_operand_after(const token& op, operand (parser::*next)()) {
    if (!starts_expression(current().kind)) {
      std::string what = "expected an expression after " + describe(op);
      if (current().kind != token_kind::end) what += ", found " + describe(current());
      fail_at(current().column, what);
    }
    return (this->*next)();
  }

  static bool starts_expression(token_kind kind) noexcept {
    switch (kind) {
      case token_kind::identifier: case token_kind::integer: case token_kind::floating:
      case token_kind::string: case token_kind::kw_true: case token_kind::kw_false:
      case token_kind::kw_null: case token_kind::kw_not: case token_kind::left_paren:
      case token_kind::plus: case token_kind::minus: return true;
      default: return false;
    }
  }

  operand parse_unary() {
    const token& op = current();
    if (op.kind == token_kind::plus || op.kind == token_kind::minus) {
      take();
      const nesting_guard guard(*this, op.column);
      const operand inner = parse_operand_after(op, &parser::parse_unary);
      check_signed(inner, describe(op));
      node folded = node_of(opcode::constant);
      folded.constant = program_.constant_of(program_.at(inner.node));
      if (op.kind == token_kind::minus) negate(folded.constant);
      return make(folded, operand_kind::constant, op, deeper({inner.depth}, op.column));
    }
    if (op.kind == token_kind::kw_not) {
      take();
      const nesting_guard guard(*this, op.column);
      const operand inner = as_condition(parse_operand_after(op, &parser::parse_unary),
                                         "NOT needs a condition");
      node n = node_of(opcode::negation);
      n.left = inner.node;
      return condition(n, {&inner}, op, op.column);
    }
    return parse_primary();
  }

  static void negate(value& v) noexcept {
    if (v.type == value_type::float64) v.number = -v.number;
    else v.integer = -v.integer;  // literals are at most INT64_MAX: never overflows
  }

  operand parse_primary() {
    const token& t = current();
    switch (t.kind) {
      case token_kind::integer: take(); return constant(t, integer_literal(t));
      case token_kind::floating: take(); return constant(t, float_literal(t));
      case token_kind::kw_true: take(); return constant(t, value::truth(true));
      case token_kind::kw_false: take(); return constant(t, value::truth(false));
      case token_kind::kw_null: take(); return constant(t, value::null());
      case token_kind::string: {
        take();
        node n = node_of(opcode::constant);
        n.constant = value::string({});
        n.text = program_.intern(string_literal(t));
        return make(n, operand_kind::constant, t, 1);
      }
      case token_kind::identifier: take(); return property(t);
      case token_kind::left_paren: return parenthesized();
      case token_kind::end: fail_at(t.column, "expected an expression at the end");
      default: fail_at(t.column, "expected an expression, found " + describe(t));
    }
  }

  operand constant(const token& t, const value& v) {
    node n = node_of(opcode::constant);
    n.constant = v;
    return make(n, operand_kind::constant, t, 1);
  }

  // TAGS and KEYS (exactly so spelled) are the message's tag and keys; other names are user
  // properties.
  operand property(const token& t) {
    node n = node_of(opcode::property);
    if (t.text == "TAGS") n.op = opcode::tags;
    else if (t.text == "KEYS") n.op = opcode::keys;
    else n.text = program_.intern(t.text);
    return make(n, operand_kind::property, t, 1);
  }

  operand parenthesized() {
    const token& open = take();
    const nesting_guard guard(*this, open.column);
    operand inner = parse_operand_after(open, &parser::parse_or);
    if (current().kind != token_kind::right_paren) {
      fail_at(current().column, "expected ')' to close the '(' at col " +
                                    std::to_string(open.column) + ", found " + describe(current()));
    }
    take();
    inner.depth = deeper({inner.depth}, open.column);
    inner.column = open.column;
    inner.source = source_from(open);
    return inner;
  }

  static std::string upper(std::string_view word) {
    std::string out(word);
    for (char& c : out) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
  }

  std::string_view text_;
  compile_limits limits_;
  std::vector<token> tokens_;
  size_t pos_ = 0;
  uint32_t nesting_ = 0;
  program program_;
};

}  // namespace

program compile_expression(std::string_view text, const compile_limits& limits) {
  if (text.size() > limits.max_expression_bytes) {
    fail_at(static_cast<uint32_t>(std::min<uint64_t>(limits.max_expression_bytes + 1, UINT32_MAX)),
            "expression is longer than max_expression_bytes (" +
                std::to_string(limits.max_expression_bytes) + ")");
  }
  return parser(text, limits).run();
}

}  // namespace berth::plugins::filter_sql
