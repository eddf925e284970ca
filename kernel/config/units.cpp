#include "config/units.hpp"

#include <array>
#include <cctype>
#include <limits>
#include <numeric>
#include <string>

namespace berth::kernel::config {
namespace {

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kNsPerUs = 1'000;
constexpr std::uint64_t kNsPerMs = 1'000'000;
constexpr std::uint64_t kNsPerS = 1'000'000'000;
constexpr std::uint64_t kNsPerM = 60 * kNsPerS;
constexpr std::uint64_t kNsPerH = 60 * kNsPerM;
constexpr std::uint64_t kNsPerD = 24 * kNsPerH;

struct unit {
  std::string_view name;
  std::uint64_t factor;
};

// Largest first within each family, so formatting can pick the first exact one.
constexpr std::array<unit, 4> kBinaryUnits{{{"TiB", kKiB * kKiB * kKiB * kKiB},
                                            {"GiB", kKiB * kKiB * kKiB},
                                            {"MiB", kKiB * kKiB},
                                            {"KiB", kKiB}}};
constexpr std::array<unit, 4> kDecimalUnits{{{"TB", 1'000'000'000'000},
                                             {"GB", 1'000'000'000},
                                             {"MB", 1'000'000},
                                             {"KB", 1'000}}};
constexpr std::array<unit, 4> kWholeTimeUnits{{{"d", kNsPerD}, {"h", kNsPerH}, {"m", kNsPerM},
                                               {"s", kNsPerS}}};
constexpr std::array<unit, 3> kSubsecondUnits{{{"ms", kNsPerMs}, {"us", kNsPerUs}, {"ns", 1}}};

constexpr std::string_view kSizeUnitList = "use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB";
constexpr std::string_view kDurationUnitList = "use ns, us, ms, s, m, h, d";

auto invalid(std::string message) { return failure(BERTH_E_INVALID, std::move(message)); }

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

std::string_view take_while(std::string_view& text, bool (*pred)(char)) {
  std::size_t n = 0;
  while (n < text.size() && pred(text[n])) ++n;
  const std::string_view taken = text.substr(0, n);
  text.remove_prefix(n);
  return taken;
}

void skip_spaces(std::string_view& text) {
  take_while(text, [](char c) { return c == ' '; });
}

// A non-negative decimal read exactly: value = whole + fraction / scale. Kept as integers so
// that "1.5GiB" is exact and "0.1B" can be rejected rather than rounded.
struct decimal {
  std::uint64_t whole = 0;
  std::uint64_t fraction = 0;
  std::uint64_t scale = 1;  // 10^(significant fraction digits)
};

result<std::uint64_t> parse_digits(std::string_view digits) {
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (__builtin_mul_overflow(value, 10u, &value) ||
        __builtin_add_overflow(value, static_cast<std::uint64_t>(c - '0'), &value)) {
      return invalid("too large");
    }
  }
  return value;
}

// Reads "<digits>[.<digits>]" from the front of `text`.
result<decimal> read_decimal(std::string_view& text) {
  BERTH_TRY(whole, parse_digits(take_while(text, is_digit)));
  decimal out{whole, 0, 1};
  if (text.empty() || text.front() != '.') return out;
  text.remove_prefix(1);
  std::string_view digits = take_while(text, is_digit);
  if (digits.empty()) return invalid("expected digits after '.'");
  while (!digits.empty() && digits.back() == '0') digits.remove_suffix(1);
  if (digits.size() > 18) return invalid("too many decimal places");
  BERTH_TRY(fraction, parse_digits(digits));
  out.fraction = fraction;
  for (std::size_t i = 0; i < digits.size(); ++i) out.scale *= 10;
  return out;
}

// value * factor, which must be a whole number of the base unit (`base_name`).
result<std::uint64_t> scale_exactly(const decimal& value, std::uint64_t factor,
                                    std::string_view base_name) {
  std::uint64_t total = 0;
  if (__builtin_mul_overflow(value.whole, factor, &total)) return invalid("too large");
  // fraction * factor / scale is whole only if scale/gcd divides the fraction.
  const std::uint64_t common = std::gcd(factor, value.scale);
  const std::uint64_t denominator = value.scale / common;
  if (value.fraction % denominator != 0) {
    return invalid("not a whole number of " + std::string(base_name));
  }
  const std::uint64_t part = value.fraction / denominator * (factor / common);
  if (__builtin_add_overflow(total, part, &total)) return invalid("too large");
  return total;
}

template <std::size_t N>
const unit* find_unit(const std::array<unit, N>& units, std::string_view name) {
  for (const unit& u : units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

std::uint64_t size_factor(std::string_view name) {
  if (name == "B") return 1;
  if (const unit* u = find_unit(kBinaryUnits, name)) return u->factor;
  if (const unit* u = find_unit(kDecimalUnits, name)) return u->factor;
  return 0;
}

std::uint64_t duration_factor(std::string_view name) {
  if (const unit* u = find_unit(kWholeTimeUnits, name)) return u->factor;
  if (const unit* u = find_unit(kSubsecondUnits, name)) return u->factor;
  return 0;
}

// The common start of both parsers: reject what is not a non-negative number up front.
result<void> check_leading_number(std::string_view text) {
  if (text.empty()) return invalid("empty");
  if (text.front() == '-') return invalid("negative");
  if (!is_digit(text.front())) return invalid("must start with a number");
  return success();
}

}  // namespace

result<std::uint64_t> parse_size(std::string_view text) {
  BERTH_TRY(check_leading_number(text));
  std::string_view rest = text;
  BERTH_TRY(number, read_decimal(rest));
  skip_spaces(rest);
  const std::string_view unit_name = rest.empty() ? std::string_view("B") : rest;
  const std::uint64_t factor = size_factor(unit_name);
  if (factor == 0) {
    return invalid("unknown unit '" + std::string(unit_name) + "' (" +
                   std::string(kSizeUnitList) + ")");
  }
  return scale_exactly(number, factor, "bytes");
}

result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  BERTH_TRY(check_leading_number(text));
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::string_view rest = text;
  std::uint64_t total = 0;
  while (!rest.empty()) {
    if (!is_digit(rest.front())) {
      return invalid("unexpected '" + std::string(1, rest.front()) + "'");
    }
    BERTH_TRY(number, read_decimal(rest));
    skip_spaces(rest);
    const std::string_view unit_name = take_while(rest, is_letter);
    if (unit_name.empty()) {
      if (rest.empty()) return invalid("missing unit (" + std::string(kDurationUnitList) + ")");
      return invalid("unexpected '" + std::string(1, rest.front()) + "'");
    }
    const std::uint64_t factor = duration_factor(unit_name);
    if (factor == 0) {
      return invalid("unknown unit '" + std::string(unit_name) + "' (" +
                     std::string(kDurationUnitList) + ")");
    }
    BERTH_TRY(part, scale_exactly(number, factor, "nanoseconds"));
    if (__builtin_add_overflow(total, part, &total) || total > kMax) return invalid("too large");
    skip_spaces(rest);
  }
  return std::chrono::nanoseconds(static_cast<std::int64_t>(total));
}

std::string format_size(std::uint64_t bytes) {
  if (bytes == 0) return "0B";
  for (const unit& u : kBinaryUnits) {
    if (bytes % u.factor == 0) return std::to_string(bytes / u.factor) + std::string(u.name);
  }
  for (const unit& u : kDecimalUnits) {
    if (bytes % u.factor == 0) return std::to_string(bytes / u.factor) + std::string(u.name);
  }
  return std::to_string(bytes) + "B";
}

std::string format_duration(std::chrono::nanoseconds value) {
  const std::int64_t count = value.count();
  if (count == 0) return "0s";
  std::string out = count < 0 ? "-" : "";
  // Magnitude without overflowing on the most negative value.
  std::uint64_t rest = count < 0 ? 0 - static_cast<std::uint64_t>(count)
                                 : static_cast<std::uint64_t>(count);
  // Whole seconds and above as a sequence ("1h30m"), what remains in one exact unit ("500ms").
  for (const unit& u : kWholeTimeUnits) {
    if (rest >= u.factor) {
      out += std::to_string(rest / u.factor) + std::string(u.name);
      rest %= u.factor;
    }
  }
  if (rest == 0) return out;
  for (const unit& u : kSubsecondUnits) {
    if (rest % u.factor == 0) return out + std::to_string(rest / u.factor) + std::string(u.name);
  }
  return out;  // unreachable: ns divides everything
}

}  // namespace berth::kernel::config
