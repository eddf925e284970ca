#include "program_text.hpp"

#include <sstream>

namespace berth::plugins::filter_sql {
namespace {

const char* name_of(opcode op) noexcept {
  switch (op) {
    case opcode::all_of: return "and";
    case opcode::any_of: return "or";
    case opcode::negation: return "not";
    case opcode::boolean_cast: return "cast";
    case opcode::equal: return "=";
    case opcode::not_equal: return "<>";
    case opcode::less: return "<";
    case opcode::less_equal: return "<=";
    case opcode::greater: return ">";
    case opcode::greater_equal: return ">=";
    case opcode::between: return "between";
    case opcode::not_between: return "not-between";
    case opcode::is_null: return "is-null";
    case opcode::is_not_null: return "is-not-null";
    case opcode::in_list: return "in";
    case opcode::not_in_list: return "not-in";
    case opcode::contains: return "contains";
    case opcode::not_contains: return "not-contains";
    case opcode::starts_with: return "startswith";
    case opcode::not_starts_with: return "not-startswith";
    case opcode::ends_with: return "endswith";
    case opcode::not_ends_with: return "not-endswith";
    default: return "?";
  }
}

void write_constant(std::ostream& out, const value& v) {
  switch (v.type) {
    case value_type::null: out << "NULL"; break;
    case value_type::boolean: out << (v.boolean ? "TRUE" : "FALSE"); break;
    case value_type::int32: out << v.integer; break;
    case value_type::int64: out << v.integer << 'L'; break;
    case value_type::float64: out << v.number << 'D'; break;
    case value_type::string: out << '\'' << v.text << '\''; break;
    case value_type::error: out << "ERROR"; break;
  }
}

void write(std::ostream& out, const program& p, uint32_t index) {
  const node& n = p.at(index);
  switch (n.op) {
    case opcode::constant: write_constant(out, p.constant_of(n)); return;
    case opcode::property: out << p.text(n.text); return;
    case opcode::tags: out << "TAGS"; return;
    case opcode::keys: out << "KEYS"; return;
    default: break;
  }
  out << '(' << name_of(n.op);
  switch (n.op) {
    case opcode::all_of:
    case opcode::any_of:
    case opcode::between:
    case opcode::not_between:
      for (const uint32_t child : p.children(n)) {
        out << ' ';
        write(out, p, child);
      }
      break;
    case opcode::in_list:
    case opcode::not_in_list:
      out << ' ';
      write(out, p, n.left);
      for (const text_slice item : p.list(n)) out << " '" << p.text(item) << '\'';
      break;
    case opcode::contains: case opcode::not_contains: case opcode::starts_with:
    case opcode::not_starts_with: case opcode::ends_with: case opcode::not_ends_with:
      out << ' ';
      write(out, p, n.left);
      out << " '" << p.text(n.text) << '\'';
      break;
    case opcode::negation: case opcode::boolean_cast: case opcode::is_null: case opcode::is_not_null:
      out << ' ';
      write(out, p, n.left);
      break;
    default:
      out << ' ';
      write(out, p, n.left);
      out << ' ';
      write(out, p, n.right);
      break;
  }
  out << ')';
}

}  // namespace

std::string to_text(const program& compiled) {
  std::ostringstream out;
  write(out, compiled, compiled.root());
  return out.str();
}

}  // namespace berth::plugins::filter_sql
