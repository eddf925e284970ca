#include "lexer.hpp"

#include "compile_error.hpp"

#include <array>
#include <utility>

namespace berth::plugins::filter_sql {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_identifier_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool is_identifier_part(char c) noexcept { return is_identifier_start(c) || is_digit(c); }
char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool equals_upper(std::string_view word, std::string_view keyword) noexcept {
  if (word.size() != keyword.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (upper(word[i]) != keyword[i]) return false;
  }
  return true;
}

constexpr std::array<std::pair<std::string_view, token_kind>, 12> keywords{{
    {"NOT", token_kind::kw_not},         {"AND", token_kind::kw_and},
    {"OR", token_kind::kw_or},           {"BETWEEN", token_kind::kw_between},
    {"IN", token_kind::kw_in},           {"IS", token_kind::kw_is},
    {"TRUE", token_kind::kw_true},       {"FALSE", token_kind::kw_false},
    {"NULL", token_kind::kw_null},       {"CONTAINS", token_kind::kw_contains},
    {"STARTSWITH", token_kind::kw_startswith}, {"ENDSWITH", token_kind::kw_endswith},
}};

class lexer {
 public:
  explicit lexer(std::string_view text) : text_(text) {}

  std::vector<token> run() {
    std::vector<token> tokens;
    for (;;) {
      skip_space_and_comments();
      if (at_end()) break;
      tokens.push_back(next());
    }
    tokens.push_back(token{token_kind::end, {}, column(text_.size())});
    return tokens;
  }

 private:
  [[nodiscard]] bool at_end() const noexcept { return pos_ >= text_.size(); }
  [[nodiscard]] char peek(size_t ahead = 0) const noexcept {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  [[nodiscard]] static uint32_t column(size_t offset) noexcept {
    return static_cast<uint32_t>(offset + 1);
  }
  token make(token_kind kind, size_t start) const {
    return token{kind, text_.substr(start, pos_ - start), column(start)};
  }

  void skip_space_and_comments() {
    while (!at_end()) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else if (c == '-' && peek(1) == '-') {
        while (!at_end() && peek() != '\n' && peek() != '\r') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        const size_t start = pos_;
        const size_t close = text_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) fail_at(column(start), "unterminated comment: '/*' has no '*/'");
        pos_ = close + 2;
      } else {
        return;
      }
    }
  }

  token next() {
    const size_t start = pos_;
    const char c = peek();
    if (is_identifier_start(c)) return word(start);
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return number(start);
    if (c == '\'') return string_literal(start);
    return punctuation(start);
  }

  token word(size_t start) {
    while (!at_end() && is_identifier_part(peek())) ++pos_;
    const std::string_view text = text_.substr(start, pos_ - start);
    for (const auto& [spelling, kind] : keywords) {
      if (equals_upper(text, spelling)) return make(kind, start);
    }
    return make(token_kind::identifier, start);
  }

  void skip_digits() noexcept {
    while (!at_end() && is_digit(peek())) ++pos_;
  }

  // 0 | [1-9][0-9]* [lL]?, or a float: 1.5, 1., .5, 1e5, 1.5E-3.
  token number(size_t start) {
    skip_digits();
    bool floating = false;
    if (peek() == '.') {
      floating = true;
      ++pos_;
      skip_digits();
    }
    const bool signed_exponent = (peek(1) == '+' || peek(1) == '-') && is_digit(peek(2));
    if ((peek() == 'e' || peek() == 'E') && (is_digit(peek(1)) || signed_exponent)) {
      floating = true;
      pos_ += signed_exponent ? 2 : 1;
      skip_digits();
    }
    const std::string_view digits = text_.substr(start, pos_ - start);
    if (!floating && (peek() == 'l' || peek() == 'L')) ++pos_;
    if (is_identifier_part(peek()) || peek() == '.') {
      while (!at_end() && (is_identifier_part(peek()) || peek() == '.')) ++pos_;
      fail_at(column(start), "malformed number '" + std::string(text_.substr(start, pos_ - start)) + "'");
    }
    if (!floating && digits.size() > 1 && digits[0] == '0') {
      fail_at(column(start), "malformed number '" + std::string(text_.substr(start, pos_ - start)) +
                                 "': an integer cannot start with 0");
    }
    return make(floating ? token_kind::floating : token_kind::integer, start);
  }

  // '...' with '' standing for one quote.
  token string_literal(size_t start) {
    ++pos_;
    for (;;) {
      if (at_end()) fail_at(column(start), "unterminated string literal");
      if (peek() == '\'') {
        if (peek(1) != '\'') break;
        ++pos_;
      }
      ++pos_;
    }
    ++pos_;
    return make(token_kind::string, start);
  }

  token punctuation(size_t start) {
    const char c = peek();
    const char d = peek(1);
    const auto take = [&](size_t length, token_kind kind) {
      pos_ += length;
      return make(kind, start);
    };
    switch (c) {
      case '=': return take(1, token_kind::equal);
      case '<':
        if (d == '>') return take(2, token_kind::not_equal);
        if (d == '=') return take(2, token_kind::less_equal);
        return take(1, token_kind::less);
      case '>':
        if (d == '=') return take(2, token_kind::greater_equal);
        return take(1, token_kind::greater);
      case '(': return take(1, token_kind::left_paren);
      case ')': return take(1, token_kind::right_paren);
      case ',': return take(1, token_kind::comma);
      case '+': return take(1, token_kind::plus);
      case '-': return take(1, token_kind::minus);
      case '!':
        if (d == '=') fail_at(column(start), "unexpected '!=': write '<>' for not equal");
        break;
      case '"': fail_at(column(start), "unexpected '\"': string literals take single quotes");
      default: break;
    }
    if (static_cast<unsigned char>(c) >= 0x80) fail_at(column(start), "unexpected non-ASCII character");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fail_at(column(start), "unexpected control character");
    fail_at(column(start), "unexpected character '" + std::string(1, c) + "'");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<token> tokenize(std::string_view text) { return lexer(text).run(); }

}  // namespace berth::plugins::filter_sql
