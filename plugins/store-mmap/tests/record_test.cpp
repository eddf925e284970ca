// The commit-log record codec: round trips, and decode() on damaged or arbitrary bytes.
#include "crc32c.hpp"
#include "record.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace berth::store_mmap {
namespace {

std::string_view sv(berth_str s) { return {s.ptr, s.len}; }

// A message that owns its bytes and lends them out as a berth_message_view.
struct test_message {
  std::string topic = "orders";
  std::string born_host = "10.0.0.7:51234";
  std::string store_host = "10.0.0.1:10911";
  std::string tags = "TagA";
  std::string keys = "order-1 customer-9";
  std::vector<std::pair<std::string, std::string>> properties{{"UNIQ_KEY", "7F00000100002A9F"},
                                                             {"WAIT", "true"}};
  std::vector<uint8_t> body{'h', 'e', 'l', 'l', 'o'};
  uint32_t queue_id = 3;
  int64_t born_time_ms = 1'700'000'000'123;
  uint32_t flag = 42;
  uint32_t sys_flag = 0x8;
  uint32_t reconsume_times = 2;

  std::vector<berth_property> abi_properties;

  berth_message_view view() {
    abi_properties.clear();
    for (const auto& [name, value] : properties) {
      abi_properties.push_back({{name.data(), name.size()}, {value.data(), value.size()}});
    }
    berth_message_view v{};
    v.struct_size = sizeof v;
    v.queue_id = queue_id;
    v.topic = {topic.data(), topic.size()};
    v.born_time_ms = born_time_ms;
    v.tags = {tags.data(), tags.size()};
    v.keys = {keys.data(), keys.size()};
    v.properties = abi_properties.empty() ? nullptr : abi_properties.data();
    v.property_count = static_cast<uint32_t>(abi_properties.size());
    v.flag = flag;
    v.sys_flag = sys_flag;
    v.reconsume_times = reconsume_times;
    v.body = {body.empty() ? nullptr : body.data(), body.size()};
    v.born_host = {born_host.data(), born_host.size()};
    v.store_host = {store_host.data(), store_host.size()};
    return v;
  }
};

constexpr record_stamp default_stamp{17, 4096, 1'700'000'000'999};

std::vector<uint8_t> encode_record(test_message& m, const record_stamp& stamp = default_stamp) {
  const berth_message_view v = m.view();
  EXPECT_EQ(encoding_error(v), "");
  std::vector<uint8_t> out(encoded_size(v));
  encode(v, stamp, out);
  return out;
}

// Decodes `bytes` and checks every field against the message it was made from.
void expect_round_trip(test_message& m) {
  const std::vector<uint8_t> bytes = encode_record(m);
  const decode_result r = decode(bytes, default_stamp.log_offset, true);
  ASSERT_EQ(r.status, decode_status::record) << r.reason;
  EXPECT_EQ(r.size, bytes.size());
  const decoded_record& rec = r.record;
  EXPECT_EQ(rec.total_size, bytes.size());
  EXPECT_EQ(rec.queue_id, m.queue_id);
  EXPECT_EQ(rec.queue_offset, default_stamp.queue_offset);
  EXPECT_EQ(rec.log_offset, default_stamp.log_offset);
  EXPECT_EQ(rec.born_time_ms, m.born_time_ms);
  EXPECT_EQ(rec.store_time_ms, default_stamp.store_time_ms);
  EXPECT_EQ(rec.flag, m.flag);
  EXPECT_EQ(rec.sys_flag, m.sys_flag);
  EXPECT_EQ(rec.reconsume_times, m.reconsume_times);
  EXPECT_EQ(rec.topic, m.topic);
  EXPECT_EQ(rec.born_host, m.born_host);
  EXPECT_EQ(rec.store_host, m.store_host);
  EXPECT_EQ(rec.tags, m.tags);
  EXPECT_EQ(rec.keys, m.keys);
  EXPECT_EQ(std::vector<uint8_t>(rec.body.begin(), rec.body.end()), m.body);
  ASSERT_EQ(rec.property_count, m.properties.size());
  std::vector<berth_property> props;
  parse_properties(rec, props);
  ASSERT_EQ(props.size(), m.properties.size());
  for (size_t i = 0; i < props.size(); ++i) {
    EXPECT_EQ(sv(props[i].name), m.properties[i].first) << i;
    EXPECT_EQ(sv(props[i].value), m.properties[i].second) << i;
  }
}

void store_u32(std::vector<uint8_t>& bytes, size_t at, uint32_t v) { std::memcpy(&bytes[at], &v, 4); }

// Recompute the crc after a deliberate change, so that only the structure checks can object.
void reseal(std::vector<uint8_t>& bytes) {
  store_u32(bytes, 8, crc32c(bytes.data() + 12, bytes.size() - 12));
}

TEST(Record, RoundTripsEveryField) {
  test_message m;
  expect_round_trip(m);
}

TEST(Record, RoundTripsAnEmptyBodyAndNoOptionalFields) {
  test_message m;
  m.body.clear();
  m.tags.clear();
  m.keys.clear();
  m.properties.clear();
  m.born_host.clear();
  m.store_host.clear();
  expect_round_trip(m);
  EXPECT_EQ(encoded_size(m.view()), record_header_size + m.topic.size() + 4);
}

TEST(Record, RoundTripsABigBody) {
  test_message m;
  m.body.resize(8 << 20);
  std::mt19937 rng(1);
  for (uint8_t& b : m.body) b = static_cast<uint8_t>(rng());
  expect_round_trip(m);
}

TEST(Record, RoundTripsManyProperties) {
  test_message m;
  m.properties.clear();
  for (int i = 0; i < 2000; ++i) {
    m.properties.emplace_back("key-" + std::to_string(i), std::string(static_cast<size_t>(i % 50), 'v'));
  }
  m.properties.emplace_back("", "");  // empty name and value are the format's business too
  expect_round_trip(m);
}

TEST(Record, RoundTripsAUnicodeTopicAndFieldsAtTheirLimits) {
  test_message m;
  m.topic = "заказы-注文-🚀";
  expect_round_trip(m);
  m.topic = std::string(max_topic_bytes, 't');
  m.born_host = std::string(max_host_bytes, 'b');
  m.store_host = std::string(max_host_bytes, 's');
  m.tags = std::string(max_tags_bytes, 'g');
  m.keys = std::string(max_keys_bytes, 'k');
  expect_round_trip(m);
}

TEST(Record, EncodingErrorNamesTheFieldOverItsLimit) {
  test_message m;
  EXPECT_EQ(encoding_error(m.view()), "");
  m.topic = std::string(max_topic_bytes + 1, 't');
  EXPECT_EQ(encoding_error(m.view()),
            "topic of 256 bytes is over the record format's limit of 255");
  m.topic = "t";
  m.keys = std::string(max_keys_bytes + 1, 'k');
  EXPECT_NE(encoding_error(m.view()).find("keys of 65536 bytes"), std::string::npos);
  m.keys.clear();
  m.properties = {{std::string(max_property_name_bytes + 1, 'n'), "v"}};
  EXPECT_NE(encoding_error(m.view()).find("property name"), std::string::npos);
}

TEST(Record, ToViewFillsTheMessageViewWithTheTagHash) {
  test_message m;
  const std::vector<uint8_t> bytes = encode_record(m);
  const decode_result r = decode(bytes, default_stamp.log_offset, false);
  ASSERT_EQ(r.status, decode_status::record) << r.reason;
  const berth_message_view v = to_view(r.record);
  EXPECT_EQ(v.struct_size, sizeof(berth_message_view));
  EXPECT_EQ(v.queue_id, m.queue_id);
  EXPECT_EQ(sv(v.topic), m.topic);
  EXPECT_EQ(v.queue_offset, default_stamp.queue_offset);
  EXPECT_EQ(v.log_offset, default_stamp.log_offset);
  EXPECT_EQ(v.born_time_ms, m.born_time_ms);
  EXPECT_EQ(v.store_time_ms, default_stamp.store_time_ms);
  EXPECT_EQ(v.message_id.len, 0u);
  EXPECT_EQ(sv(v.tags), m.tags);
  EXPECT_EQ(sv(v.keys), m.keys);
  EXPECT_EQ(v.tag_hash, berth_tag_hash(berth_str{m.tags.data(), m.tags.size()}));
  EXPECT_NE(v.tag_hash, 0u);
  EXPECT_EQ(v.properties, nullptr);
  EXPECT_EQ(v.property_count, 0u);
  EXPECT_EQ(v.flag, m.flag);
  EXPECT_EQ(v.sys_flag, m.sys_flag);
  EXPECT_EQ(v.reconsume_times, m.reconsume_times);
  EXPECT_EQ(v.body.ptr, r.record.body.data());
  EXPECT_EQ(v.body.len, m.body.size());
  EXPECT_EQ(sv(v.born_host), m.born_host);
  EXPECT_EQ(sv(v.store_host), m.store_host);

  m.tags.clear();
  const std::vector<uint8_t> untagged = encode_record(m);
  EXPECT_EQ(to_view(decode(untagged, default_stamp.log_offset, true).record).tag_hash, 0u);
}

TEST(Record, TakesOnlyItsOwnBytesFromALongerSpan) {
  test_message m;
  std::vector<uint8_t> bytes = encode_record(m);
  const size_t size = bytes.size();
  bytes.resize(size + 100, 0xEE);
  const decode_result r = decode(bytes, default_stamp.log_offset, true);
  ASSERT_EQ(r.status, decode_status::record) << r.reason;
  EXPECT_EQ(r.size, size);
}

TEST(Record, ZerosAndNothingReadAsTheEnd) {
  const std::vector<uint8_t> zeros(4096, 0);
  for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{4}, size_t{8}, size_t{4096}}) {
    const decode_result r = decode(std::span(zeros).first(n), 0, true);
    EXPECT_EQ(r.status, decode_status::end) << n;
    EXPECT_EQ(r.size, 0u) << n;
  }
}

TEST(Record, BlankMarkerRoundTrips) {
  for (uint32_t remaining : {uint32_t{8}, uint32_t{9}, uint32_t{4000}}) {
    std::vector<uint8_t> bytes(remaining, 0);
    encode_blank(remaining, bytes);
    const decode_result r = decode(bytes, 123, true);
    EXPECT_EQ(r.status, decode_status::blank) << remaining;
    EXPECT_EQ(r.size, remaining);
  }
}

TEST(Record, BlankMarkerClaimingMoreThanIsLeftIsCorrupt) {
  std::vector<uint8_t> bytes(100, 0);
  encode_blank(101, bytes);
  const decode_result r = decode(bytes, 900, true);
  EXPECT_EQ(r.status, decode_status::corrupt);
  EXPECT_EQ(r.reason,
            "record at log offset 900: end-of-segment marker says 101 bytes remain, but 100 do");
}

TEST(Record, EveryTruncationIsCorruptOrTheEndNeverARecord) {
  test_message m;
  const std::vector<uint8_t> bytes = encode_record(m);
  for (size_t n = 0; n < bytes.size(); ++n) {
    // A copy of exactly n bytes, so that ASan sees any read past them.
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    for (bool verify : {true, false}) {
      const decode_result r = decode(cut, default_stamp.log_offset, verify);
      EXPECT_TRUE(r.status == decode_status::corrupt || r.status == decode_status::end)
          << n << " bytes, verify " << verify;
      if (n >= 8) {
        EXPECT_NE(r.reason.find("truncated"), std::string::npos) << r.reason;
      }
    }
  }
}

TEST(Record, EverySingleBitFlipIsCaught) {
  test_message m;
  std::vector<uint8_t> bytes = encode_record(m);
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    const decode_result r = decode(bytes, default_stamp.log_offset, true);
    EXPECT_NE(r.status, decode_status::record) << "bit " << bit;
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
  EXPECT_EQ(decode(bytes, default_stamp.log_offset, true).status, decode_status::record);
}

TEST(Record, CrcMismatchNamesTheOffsetAndBothValues) {
  test_message m;
  std::vector<uint8_t> bytes = encode_record(m);
  uint32_t stored = 0;
  std::memcpy(&stored, &bytes[8], 4);
  bytes.back() ^= 0x01;
  const uint32_t computed = crc32c(bytes.data() + 12, bytes.size() - 12);
  char expected[128];
  std::snprintf(expected, sizeof expected,
                "record at log offset 4096: crc mismatch (stored 0x%08x, computed 0x%08x)", stored,
                computed);
  EXPECT_EQ(decode(bytes, 4096, true).reason, expected);
  // Without the crc check the damaged body goes unnoticed: that is what verify_crc=false means.
  EXPECT_EQ(decode(bytes, 4096, false).status, decode_status::record);
}

TEST(Record, ARecordAtAnotherLogOffsetIsCorruptWithOrWithoutTheCrc) {
  test_message m;
  const std::vector<uint8_t> bytes = encode_record(m);  // stamped for 4096
  for (bool verify : {true, false}) {
    const decode_result r = decode(bytes, 8192, verify);
    EXPECT_EQ(r.status, decode_status::corrupt);
    EXPECT_EQ(r.reason, "record at log offset 8192: names log offset 4096 (stale or misplaced record)");
  }
}

TEST(Record, BadMagicAndUndersizedRecordsAreCorrupt) {
  test_message m;
  std::vector<uint8_t> bytes = encode_record(m);
  store_u32(bytes, 4, 0xDAA320A7u);
  EXPECT_EQ(decode(bytes, 4096, false).reason, "record at log offset 4096: bad magic 0xdaa320a7");
  bytes = encode_record(m);
  store_u32(bytes, 0, 20);
  EXPECT_EQ(decode(bytes, 4096, false).reason,
            "record at log offset 4096: total size 20 is below the header size 76");
}

TEST(Record, LengthsThatDisagreeWithTheTotalSizeAreCorruptEvenWithAGoodCrc) {
  test_message m;
  std::vector<uint8_t> bytes = encode_record(m);
  bytes[72] = static_cast<uint8_t>(bytes[72] + 1);  // topic length
  reseal(bytes);
  const decode_result r = decode(bytes, 4096, true);
  EXPECT_EQ(r.status, decode_status::corrupt);
  EXPECT_NE(r.reason.find("field lengths add up to"), std::string::npos) << r.reason;
}

TEST(Record, PropertiesBlockThatDoesNotParseIsCorruptEvenWithAGoodCrc) {
  test_message m;
  m.body.clear();
  std::vector<uint8_t> bytes = encode_record(m);
  // The properties block starts after topic, hosts, tags and keys; its first word is the count.
  const size_t props = record_header_size + m.topic.size() + m.born_host.size() +
                       m.store_host.size() + m.tags.size() + m.keys.size();
  for (uint32_t count : {uint32_t{3}, uint32_t{1}, uint32_t{0xFFFFFFFF}}) {
    std::vector<uint8_t> damaged = bytes;
    store_u32(damaged, props, count);
    reseal(damaged);
    const decode_result r = decode(damaged, 4096, true);
    EXPECT_EQ(r.status, decode_status::corrupt) << count;
    EXPECT_NE(r.reason.find("propert"), std::string::npos) << r.reason;
  }
}

// What the fuzzer does, in small: decode() must be total on any bytes. Under ASan an
// out-of-bounds read fails this test; a "record" must lie wholly inside the input.
TEST(Record, ArbitraryAndMutatedBytesNeverCrashOrEscapeTheInput) {
  std::mt19937 rng(42);
  test_message m;
  const std::vector<uint8_t> valid = encode_record(m);
  for (int round = 0; round < 20000; ++round) {
    std::vector<uint8_t> input;
    if (round % 2 == 0) {
      input.resize(rng() % 200);
      for (uint8_t& b : input) b = static_cast<uint8_t>(rng());
      if (input.size() >= 8 && round % 4 == 0) store_u32(input, 4, record_magic);
    } else {
      input = valid;
      for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips) {
        input[rng() % input.size()] = static_cast<uint8_t>(rng());
      }
      input.resize(rng() % (input.size() + 1));
    }
    const decode_result r = decode(input, default_stamp.log_offset, false);
    if (r.status != decode_status::record) continue;
    const auto inside = [&](const void* p, size_t n) {
      const auto* b = static_cast<const uint8_t*>(p);
      return b >= input.data() && b + n <= input.data() + input.size();
    };
    ASSERT_LE(r.size, input.size());
    ASSERT_TRUE(inside(r.record.topic.data(), r.record.topic.size()));
    ASSERT_TRUE(inside(r.record.body.data(), r.record.body.size()));
    ASSERT_TRUE(inside(r.record.properties.data(), r.record.properties.size()));
    std::vector<berth_property> props;
    parse_properties(r.record, props);
    ASSERT_EQ(props.size(), r.record.property_count);
  }
}

}  // namespace
}  // namespace berth::store_mmap
