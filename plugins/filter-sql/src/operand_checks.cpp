#include "operand_checks.hpp"

#include "compare.hpp"
#include "compile_error.hpp"

#include <string>

namespace berth::plugins::filter_sql {
namespace {

bool is_number_constant(const operand& o) noexcept {
  return o.kind == operand_kind::constant &&
         (o.type == value_type::int32 || o.type == value_type::int64 || o.type == value_type::float64);
}

}  // namespace

void check_condition(const operand& o, std::string_view needed_by) {
  if (o.is_condition() || o.kind == operand_kind::property) return;
  fail_at(o.column, std::string(needed_by) + ", not " + describe(o));
}

void check_orderable(const operand& o, std::string_view op) {
  if (o.kind == operand_kind::property || is_number_constant(o)) return;
  fail_at(o.column, std::string(op) + " cannot compare " + describe(o));
}

void check_equatable(const operand& left, const operand& right, std::string_view op) {
  for (const operand* o : {&left, &right}) {
    if (o->is_constant(value_type::null)) {
      fail_at(o->column, std::string(op) + " cannot compare with NULL: write " +
                             (op == "'='" ? "IS NULL" : "IS NOT NULL"));
    }
  }
  if (left.kind != operand_kind::constant || right.kind != operand_kind::constant) return;
  const bool left_boolean = left.type == value_type::boolean;
  const bool right_boolean = right.type == value_type::boolean;
  if (left_boolean == right_boolean) return;
  const operand& boolean = left_boolean ? left : right;
  const operand& other = left_boolean ? right : left;
  fail_at(right.column, describe(boolean) + " cannot be compared with " + describe(other));
}

void check_between_bounds(const program& compiled, const operand& low, const operand& high,
                          std::string_view op) {
  if (low.kind != operand_kind::constant || high.kind != operand_kind::constant) return;
  const value low_value = compiled.constant_of(compiled.at(low.node));
  const value high_value = compiled.constant_of(compiled.at(high.node));
  if (java_compare(high_value, low_value, comparison_kind::ordering).order < 0) {
    fail_at(low.column, std::string(op) + " bounds are reversed: " + std::string(low.source) +
                            " is above " + std::string(high.source));
  }
}

void check_in_subject(const operand& subject, std::string_view op) {
  if (subject.kind == operand_kind::property) return;
  fail_at(subject.column, std::string(op) + " needs a property on its left, not " + describe(subject));
}

void check_signed(const operand& o, std::string_view op) {
  if (is_number_constant(o)) return;
  fail_at(o.column, std::string(op) + " applies to numbers only, not " + describe(o));
}

}  // namespace berth::plugins::filter_sql
