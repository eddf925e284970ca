// Fuzzes the commit-log record codec, the code that reads whatever a crash or a bad disk left
// in a segment. Two halves:
//   - arbitrary bytes at an arbitrary log offset: decode() must classify them (record, end,
//     blank, corrupt) without reading out of bounds, and a "record" must be self-consistent;
//   - a message built from the input, encoded, then damaged at fuzzer-chosen bytes: an
//     undamaged record decodes to exactly what was encoded, a damaged one is never served as
//     a valid record (the crc catches it).
#include "record.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace bs = berth::store_mmap;

namespace {

berth_str str(const std::string& s) { return berth_str{s.data(), s.size()}; }

void check(bool ok) {
  if (!ok) std::abort();
}

void decode_anything(FuzzedDataProvider& in) {
  const uint64_t offset = in.ConsumeIntegral<uint64_t>();
  const bool verify = in.ConsumeBool();
  const std::vector<uint8_t> bytes = in.ConsumeRemainingBytes<uint8_t>();
  const bs::decode_result r = bs::decode(bytes, offset, verify);
  if (r.status != bs::decode_status::record) return;
  check(r.size <= bytes.size() && r.record.log_offset == offset);
  std::vector<berth_property> properties;
  bs::parse_properties(r.record, properties);
  check(properties.size() == r.record.property_count);
  (void)bs::to_view(r.record);
}

void round_trip(FuzzedDataProvider& in) {
  const std::string topic = in.ConsumeRandomLengthString(300);
  const std::string tags = in.ConsumeRandomLengthString(64);
  const std::string keys = in.ConsumeRandomLengthString(64);
  const std::string host = in.ConsumeRandomLengthString(64);
  std::vector<std::string> names(in.ConsumeIntegralInRange<size_t>(0, 8));
  std::vector<std::string> values(names.size());
  std::vector<berth_property> properties;
  for (size_t i = 0; i < names.size(); ++i) {
    names[i] = in.ConsumeRandomLengthString(32);
    values[i] = in.ConsumeRandomLengthString(64);
    properties.push_back({str(names[i]), str(values[i])});
  }
  const std::vector<uint8_t> body = in.ConsumeBytes<uint8_t>(in.ConsumeIntegralInRange<size_t>(0, 4096));
  if (topic.size() > bs::max_topic_bytes || host.size() > bs::max_host_bytes) return;

  berth_message_view m{};
  m.struct_size = sizeof m;
  m.topic = str(topic);
  m.queue_id = in.ConsumeIntegral<uint32_t>();
  m.tags = str(tags);
  m.keys = str(keys);
  m.born_host = str(host);
  m.store_host = str(host);
  m.born_time_ms = in.ConsumeIntegral<int64_t>();
  m.flag = in.ConsumeIntegral<uint32_t>();
  m.properties = properties.empty() ? nullptr : properties.data();
  m.property_count = static_cast<uint32_t>(properties.size());
  m.body = berth_bytes{body.data(), body.size()};
  const bs::record_stamp stamp{in.ConsumeIntegral<uint64_t>(), in.ConsumeIntegral<uint64_t>(),
                               in.ConsumeIntegral<int64_t>()};

  std::vector<uint8_t> record(bs::encoded_size(m));
  bs::encode(m, stamp, record);
  std::vector<uint8_t> damaged = record;
  const size_t flips = in.ConsumeIntegralInRange<size_t>(0, 4);
  for (size_t i = 0; i < flips && !damaged.empty(); ++i) {
    const size_t at = in.ConsumeIntegralInRange<size_t>(0, damaged.size() - 1);
    damaged[at] ^= in.ConsumeIntegralInRange<uint8_t>(1, 255);
  }
  const bs::decode_result r = bs::decode(damaged, stamp.log_offset, true);
  if (damaged != record) {
    check(r.status != bs::decode_status::record);
    return;
  }
  check(r.status == bs::decode_status::record && r.size == record.size());
  check(r.record.topic == topic && r.record.tags == tags && r.record.keys == keys);
  check(r.record.queue_offset == stamp.queue_offset && r.record.log_offset == stamp.log_offset);
  check(r.record.store_time_ms == stamp.store_time_ms && r.record.born_time_ms == m.born_time_ms);
  check(r.record.body.size() == body.size() &&
        std::equal(body.begin(), body.end(), r.record.body.begin()));
  std::vector<berth_property> decoded;
  bs::parse_properties(r.record, decoded);
  check(decoded.size() == properties.size());
  for (size_t i = 0; i < decoded.size(); ++i) {
    check(std::string_view(decoded[i].name.ptr, decoded[i].name.len) == names[i]);
    check(std::string_view(decoded[i].value.ptr, decoded[i].value.len) == values[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) {
    round_trip(in);
  } else {
    decode_anything(in);
  }
  return 0;
}
