#include "config/units.hpp"

#include <gtest/gtest.h>

#include <string>

namespace berth::kernel::config {
namespace {

using namespace std::chrono_literals;

std::string size_error(std::string_view text) {
  auto parsed = parse_size(text);
  return parsed ? "parsed: " + std::to_string(parsed.value()) : parsed.error().message;
}

std::string duration_error(std::string_view text) {
  auto parsed = parse_duration(text);
  return parsed ? "parsed: " + std::to_string(parsed.value().count()) : parsed.error().message;
}

TEST(ParseSize, BinaryAndDecimalUnits) {
  EXPECT_EQ(parse_size("64MiB").value(), 64ull << 20);
  EXPECT_EQ(parse_size("1GiB").value(), 1ull << 30);
  EXPECT_EQ(parse_size("2TiB").value(), 2ull << 40);
  EXPECT_EQ(parse_size("4KiB").value(), 4096u);
  EXPECT_EQ(parse_size("1KB").value(), 1000u);
  EXPECT_EQ(parse_size("1GB").value(), 1'000'000'000u);
  EXPECT_EQ(parse_size("3TB").value(), 3'000'000'000'000u);
  EXPECT_EQ(parse_size("512B").value(), 512u);
}

TEST(ParseSize, BareNumberIsBytes) {
  EXPECT_EQ(parse_size("0").value(), 0u);
  EXPECT_EQ(parse_size("123").value(), 123u);
  EXPECT_EQ(parse_size("18446744073709551615").value(), 18446744073709551615ull);
}

TEST(ParseSize, SpaceAndDecimals) {
  EXPECT_EQ(parse_size("1 KiB").value(), 1024u);
  EXPECT_EQ(parse_size("1.5GiB").value(), 1610612736u);
  EXPECT_EQ(parse_size("0.5KiB").value(), 512u);
  EXPECT_EQ(parse_size("1.25MB").value(), 1'250'000u);
  EXPECT_EQ(parse_size("2.000KiB").value(), 2048u);
}

TEST(ParseSize, Errors) {
  EXPECT_EQ(size_error(""), "empty");
  EXPECT_EQ(size_error("-1KiB"), "negative");
  EXPECT_EQ(size_error("GiB"), "must start with a number");
  EXPECT_EQ(size_error("64Gb"), "unknown unit 'Gb' (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)");
  EXPECT_EQ(size_error("64 mib"),
            "unknown unit 'mib' (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)");
  EXPECT_EQ(size_error("1.5"), "not a whole number of bytes");
  EXPECT_EQ(size_error("0.1KiB"), "not a whole number of bytes");
  EXPECT_EQ(size_error("1.KiB"), "expected digits after '.'");
  EXPECT_EQ(size_error("18446744073709551616"), "too large");
  EXPECT_EQ(size_error("16777216TiB"), "too large");
  EXPECT_EQ(size_error("1.0000000000000000001KiB"), "too many decimal places");
}

TEST(ParseDuration, SinglePart) {
  EXPECT_EQ(parse_duration("250ms").value(), 250ms);
  EXPECT_EQ(parse_duration("10s").value(), 10s);
  EXPECT_EQ(parse_duration("5m").value(), 5min);
  EXPECT_EQ(parse_duration("2h").value(), 2h);
  EXPECT_EQ(parse_duration("1d").value(), 24h);
  EXPECT_EQ(parse_duration("7us").value(), 7us);
  EXPECT_EQ(parse_duration("9ns").value(), 9ns);
  EXPECT_EQ(parse_duration("0s").value(), 0ns);
}

TEST(ParseDuration, SeveralPartsAndDecimals) {
  EXPECT_EQ(parse_duration("1h30m").value(), 90min);
  EXPECT_EQ(parse_duration("1h 30m").value(), 90min);
  EXPECT_EQ(parse_duration("1m30s500ms").value(), 90500ms);
  EXPECT_EQ(parse_duration("1.5s").value(), 1500ms);
  EXPECT_EQ(parse_duration("0.25h").value(), 15min);
  EXPECT_EQ(parse_duration("30 s").value(), 30s);
}

TEST(ParseDuration, Errors) {
  EXPECT_EQ(duration_error(""), "empty");
  EXPECT_EQ(duration_error("-1s"), "negative");
  EXPECT_EQ(duration_error("s"), "must start with a number");
  EXPECT_EQ(duration_error("30"), "missing unit (use ns, us, ms, s, m, h, d)");
  EXPECT_EQ(duration_error("1h30"), "missing unit (use ns, us, ms, s, m, h, d)");
  EXPECT_EQ(duration_error("10x"), "unknown unit 'x' (use ns, us, ms, s, m, h, d)");
  EXPECT_EQ(duration_error("10sec"), "unknown unit 'sec' (use ns, us, ms, s, m, h, d)");
  EXPECT_EQ(duration_error("1,5s"), "unexpected ','");
  EXPECT_EQ(duration_error("1.5ns"), "not a whole number of nanoseconds");
  EXPECT_EQ(duration_error("300000d"), "too large");
}

TEST(FormatSize, PicksTheLargestExactUnit) {
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(1), "1B");
  EXPECT_EQ(format_size(1023), "1023B");
  EXPECT_EQ(format_size(1536), "1536B");
  EXPECT_EQ(format_size(4096), "4KiB");
  EXPECT_EQ(format_size(64ull << 20), "64MiB");
  EXPECT_EQ(format_size(1ull << 30), "1GiB");
  EXPECT_EQ(format_size(3ull << 40), "3TiB");
  EXPECT_EQ(format_size(1'000'000), "1MB");
  EXPECT_EQ(format_size(5'000), "5KB");
}

TEST(FormatDuration, PicksTheLargestExactUnits) {
  EXPECT_EQ(format_duration(0ns), "0s");
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(10s), "10s");
  EXPECT_EQ(format_duration(90min), "1h30m");
  EXPECT_EQ(format_duration(24h), "1d");
  EXPECT_EQ(format_duration(24h + 1h + 1min + 1s), "1d1h1m1s");
  EXPECT_EQ(format_duration(1500ms), "1s500ms");
  EXPECT_EQ(format_duration(7us), "7us");
  EXPECT_EQ(format_duration(1001ns), "1001ns");
  EXPECT_EQ(format_duration(-2s), "-2s");
}

TEST(Units, FormatThenParseRoundTrips) {
  for (const std::uint64_t bytes : {0ull, 1ull, 1536ull, 4096ull, 1'000'000ull, 5ull << 40}) {
    EXPECT_EQ(parse_size(format_size(bytes)).value(), bytes) << bytes;
  }
  using ns_t = std::chrono::nanoseconds;
  for (const ns_t ns : {ns_t(0), ns_t(1500ms), ns_t(90min), ns_t(49h + 3ns)}) {
    EXPECT_EQ(parse_duration(format_duration(ns)).value(), ns) << ns.count();
  }
}

}  // namespace
}  // namespace berth::kernel::config
