#include "parse.hpp"

#include <berth/client/types.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

namespace berth::tools {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos`.
std::optional<int> digits(std::string_view s, size_t& pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text == "0") return std::chrono::milliseconds(0);
  if (text.empty()) return std::nullopt;
  double total_ms = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) return std::nullopt;
    double number = 0;
    for (size_t i = start; i < pos; ++i) number = number * 10 + (text[i] - '0');
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      const size_t frac = pos;
      double scale = 0.1;
      while (pos < text.size() && is_digit(text[pos])) {
        number += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == frac) return std::nullopt;
    }
    const size_t unit_start = pos;
    while (pos < text.size() && !is_digit(text[pos])) ++pos;
    const std::string_view unit = text.substr(unit_start, pos - unit_start);
    double factor = 0;
    if (unit == "ms") {
      factor = 1;
    } else if (unit == "s") {
      factor = 1000;
    } else if (unit == "m") {
      factor = 60'000;
    } else if (unit == "h") {
      factor = 3'600'000;
    } else {
      return std::nullopt;
    }
    total_ms += number * factor;
    if (total_ms > 1e15) return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(total_ms)));
}

std::optional<int64_t> parse_time(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && is_digit(c);
  if (all_digits) {
    if (text.size() > 18) return std::nullopt;
    int64_t v = 0;
    for (char c : text) v = v * 10 + (c - '0');
    return v;
  }

  size_t pos = 0;
  std::tm tm{};
  const auto year = digits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  const auto month = digits(text, pos, 2);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  const auto day = digits(text, pos, 2);
  if (!day) return std::nullopt;
  int hour = 0, minute = 0, second = 0, millis = 0;
  bool zoned = false;
  int offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
    ++pos;
    const auto h = digits(text, pos, 2);
    if (!h || !expect(text, pos, ':')) return std::nullopt;
    const auto m = digits(text, pos, 2);
    if (!m) return std::nullopt;
    hour = *h;
    minute = *m;
    if (expect(text, pos, ':')) {
      const auto s = digits(text, pos, 2);
      if (!s) return std::nullopt;
      second = *s;
      if (expect(text, pos, '.') || expect(text, pos, ',')) {
        const size_t frac = pos;
        int scale = 100;
        while (pos < text.size() && is_digit(text[pos])) {
          millis += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == frac) return std::nullopt;
      }
    }
    if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
      zoned = true;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      const auto oh = digits(text, pos, 2);
      if (!oh) return std::nullopt;
      int om = 0;
      if (pos < text.size()) {
        expect(text, pos, ':');
        const auto m2 = digits(text, pos, 2);
        if (!m2) return std::nullopt;
        om = *m2;
      }
      if (*oh > 23 || om > 59) return std::nullopt;
      zoned = true;
      offset_minutes = sign * (*oh * 60 + om);
    }
  }
  if (pos != text.size()) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t seconds = 0;
  if (zoned) {
    seconds = ::timegm(&tm);
    seconds -= static_cast<std::time_t>(offset_minutes) * 60;
  } else {
    tm.tm_isdst = -1;
    seconds = std::mktime(&tm);
    if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  }
  // mktime/timegm normalise 31 February into March: refuse a date that moved.
  if (tm.tm_mday != *day || tm.tm_mon != *month - 1) return std::nullopt;
  return static_cast<int64_t>(seconds) * 1000 + millis;
}

std::string format_time(int64_t epoch_ms) {
  int64_t seconds = epoch_ms / 1000;
  int64_t millis = epoch_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

std::optional<std::pair<std::string, std::string>> parse_property(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return std::pair<std::string, std::string>(std::string(text.substr(0, eq)),
                                             std::string(text.substr(eq + 1)));
}

std::optional<uint8_t> parse_perm(std::string_view text) {
  if (text == "rw" || text == "wr") return client::perm_read_write;
  if (text == "r") return client::perm_read;
  if (text == "w") return client::perm_write;
  return std::nullopt;
}

std::string format_perm(uint8_t perm) {
  std::string s;
  if ((perm & client::perm_read) != 0) s += 'r';
  if ((perm & client::perm_write) != 0) s += 'w';
  return s.empty() ? "-" : s;
}

}  // namespace berth::tools
