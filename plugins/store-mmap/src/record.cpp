#include "record.hpp"

#include "crc32c.hpp"

#include <bit>
#include <cassert>
#include <cstdio>
#include <cstring>
#include <type_traits>

namespace berth::store_mmap {
namespace {

// Field positions; the table in record.hpp and the README say the same.
namespace at {
constexpr size_t total_size = 0;
constexpr size_t magic = 4;
constexpr size_t crc = 8;
constexpr size_t crc_covered = 12;  // the crc covers [12, total_size)
constexpr size_t queue_id = 12;
constexpr size_t log_offset = 16;
constexpr size_t queue_offset = 24;
constexpr size_t born_time = 32;
constexpr size_t store_time = 40;
constexpr size_t flag = 48;
constexpr size_t sys_flag = 52;
constexpr size_t reconsume_times = 56;
constexpr size_t body_size = 60;
constexpr size_t properties_size = 64;
constexpr size_t tags_size = 68;
constexpr size_t keys_size = 70;
constexpr size_t topic_size = 72;
constexpr size_t born_host_size = 73;
constexpr size_t store_host_size = 74;
constexpr size_t reserved = 75;
constexpr size_t variable = 76;
}  // namespace at

template <class T>
void store_le(uint8_t* p, T value) noexcept {
  if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
    for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
  } else {
    std::memcpy(p, &value, sizeof value);
  }
}

template <class T>
T load_le(const uint8_t* p) noexcept {
  T value;
  if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (size_t i = 0; i < sizeof(T); ++i) u = static_cast<U>(u | (U{p[i]} << (8 * i)));
    value = static_cast<T>(u);
  } else {
    std::memcpy(&value, p, sizeof value);
  }
  return value;
}

// Sequential writer over a buffer whose size encoded_size() computed.
struct writer {
  uint8_t* p;
  template <class T>
  void put(T value) noexcept {
    store_le(p, value);
    p += sizeof(T);
  }
  void put(const void* data, size_t n) noexcept {
    if (n > 0) std::memcpy(p, data, n);  // data may be null when n is 0
    p += n;
  }
};

size_t properties_size(const berth_message_view& m) noexcept {
  size_t n = sizeof(uint32_t);
  for (uint32_t i = 0; i < m.property_count; ++i) {
    n += sizeof(uint16_t) + m.properties[i].name.len + sizeof(uint32_t) + m.properties[i].value.len;
  }
  return n;
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string_view text_at(const uint8_t* p, size_t n) noexcept {
  return {reinterpret_cast<const char*>(p), n};
}

berth_str abi(std::string_view s) noexcept { return {s.data(), s.size()}; }

// Walk an encoded properties block without trusting it: the count of entries when it is
// well formed and fills the block exactly, or an explanation.
bool check_properties(std::span<const uint8_t> block, uint32_t& count, std::string& why) {
  if (block.size() < sizeof(uint32_t)) {
    why = "properties block of " + std::to_string(block.size()) + " bytes has no count";
    return false;
  }
  count = load_le<uint32_t>(block.data());
  size_t pos = sizeof(uint32_t);
  // Each entry takes at least 6 bytes, so a huge count runs out of bytes quickly.
  for (uint32_t i = 0; i < count; ++i) {
    const size_t left = block.size() - pos;
    if (left < sizeof(uint16_t)) {
      why = "property " + std::to_string(i) + " of " + std::to_string(count) + " is truncated";
      return false;
    }
    const size_t name_len = load_le<uint16_t>(block.data() + pos);
    if (left - sizeof(uint16_t) < name_len + sizeof(uint32_t)) {
      why = "property " + std::to_string(i) + " name overruns the properties block";
      return false;
    }
    pos += sizeof(uint16_t) + name_len;
    const size_t value_len = load_le<uint32_t>(block.data() + pos);
    pos += sizeof(uint32_t);
    if (block.size() - pos < value_len) {
      why = "property " + std::to_string(i) + " value overruns the properties block";
      return false;
    }
    pos += value_len;
  }
  if (pos != block.size()) {
    why = std::to_string(block.size() - pos) + " bytes after the last property";
    return false;
  }
  return true;
}

decode_result corrupt(uint64_t log_offset, const std::string& why) {
  decode_result r;
  r.status = decode_status::corrupt;
  r.reason = "record at log offset " + std::to_string(log_offset) + ": " + why;
  return r;
}

}  // namespace

const size_t record_header_size = at::variable;

size_t encoded_size(const berth_message_view& m) noexcept {
  return record_header_size + m.topic.len + m.born_host.len + m.store_host.len + m.tags.len +
         m.keys.len + properties_size(m) + m.body.len;
}

std::string encoding_error(const berth_message_view& m) {
  auto over = [](const char* what, size_t size, size_t limit) {
    return std::string(what) + " of " + std::to_string(size) + " bytes is over the record " +
           "format's limit of " + std::to_string(limit);
  };
  if (m.topic.len > max_topic_bytes) return over("topic", m.topic.len, max_topic_bytes);
  if (m.born_host.len > max_host_bytes) return over("born host", m.born_host.len, max_host_bytes);
  if (m.store_host.len > max_host_bytes) return over("store host", m.store_host.len, max_host_bytes);
  if (m.tags.len > max_tags_bytes) return over("tags", m.tags.len, max_tags_bytes);
  if (m.keys.len > max_keys_bytes) return over("keys", m.keys.len, max_keys_bytes);
  if (m.property_count > 0 && m.properties == nullptr) return "properties missing";
  for (uint32_t i = 0; i < m.property_count; ++i) {
    if (m.properties[i].name.len > max_property_name_bytes) {
      return over("property name", m.properties[i].name.len, max_property_name_bytes);
    }
  }
  // Each part is bounded by max_record_bytes here, so the sum cannot wrap.
  if (m.body.len > max_record_bytes) return over("record", m.body.len, max_record_bytes);
  if (properties_size(m) > max_record_bytes) return over("record", properties_size(m), max_record_bytes);
  if (encoded_size(m) > max_record_bytes) return over("record", encoded_size(m), max_record_bytes);
  return {};
}

void encode(const berth_message_view& m, const record_stamp& stamp,
            std::span<uint8_t> out) noexcept {
  const size_t size = encoded_size(m);
  assert(out.size() == size);  // and the caller checked encoding_error()
  writer w{out.data()};
  w.put(static_cast<uint32_t>(size));
  w.put(record_magic);
  w.put(uint32_t{0});  // crc, filled last
  w.put(m.queue_id);
  w.put(stamp.log_offset);
  w.put(stamp.queue_offset);
  w.put(m.born_time_ms);
  w.put(stamp.store_time_ms);
  w.put(m.flag);
  w.put(m.sys_flag);
  w.put(m.reconsume_times);
  w.put(static_cast<uint32_t>(m.body.len));
  w.put(static_cast<uint32_t>(properties_size(m)));
  w.put(static_cast<uint16_t>(m.tags.len));
  w.put(static_cast<uint16_t>(m.keys.len));
  w.put(static_cast<uint8_t>(m.topic.len));
  w.put(static_cast<uint8_t>(m.born_host.len));
  w.put(static_cast<uint8_t>(m.store_host.len));
  w.put(uint8_t{0});  // reserved
  w.put(m.topic.ptr, m.topic.len);
  w.put(m.born_host.ptr, m.born_host.len);
  w.put(m.store_host.ptr, m.store_host.len);
  w.put(m.tags.ptr, m.tags.len);
  w.put(m.keys.ptr, m.keys.len);
  w.put(m.property_count);
  for (uint32_t i = 0; i < m.property_count; ++i) {
    const berth_property& prop = m.properties[i];
    w.put(static_cast<uint16_t>(prop.name.len));
    w.put(prop.name.ptr, prop.name.len);
    w.put(static_cast<uint32_t>(prop.value.len));
    w.put(prop.value.ptr, prop.value.len);
  }
  w.put(m.body.ptr, m.body.len);
  assert(w.p == out.data() + size);
  store_le(out.data() + at::crc, crc32c(out.data() + at::crc_covered, size - at::crc_covered));
}

void encode_blank(uint32_t remaining, std::span<uint8_t> out) noexcept {
  assert(remaining >= blank_size && out.size() >= blank_size);
  store_le(out.data(), remaining);
  store_le(out.data() + 4, blank_magic);
}

decode_result decode(std::span<const uint8_t> bytes, uint64_t log_offset, bool verify_crc) {
  const uint8_t* p = bytes.data();
  const size_t avail = bytes.size();
  if (avail < sizeof(uint32_t)) {
    for (size_t i = 0; i < avail; ++i) {
      if (p[i] != 0) {
        return corrupt(log_offset, "truncated: " + std::to_string(avail) +
                                       " bytes left, too few for a record size");
      }
    }
    return {};  // end
  }
  const uint32_t total = load_le<uint32_t>(p + at::total_size);
  if (total == 0) return {};  // preallocated zeros: nothing written here yet
  if (avail < blank_size) {
    return corrupt(log_offset, "truncated: " + std::to_string(avail) +
                                   " bytes left, too few for a record header");
  }
  const uint32_t magic = load_le<uint32_t>(p + at::magic);
  if (magic == blank_magic) {
    if (total < blank_size || total > avail) {
      return corrupt(log_offset, "end-of-segment marker says " + std::to_string(total) +
                                     " bytes remain, but " + std::to_string(avail) + " do");
    }
    decode_result r;
    r.status = decode_status::blank;
    r.size = total;
    return r;
  }
  if (magic != record_magic) return corrupt(log_offset, "bad magic " + hex32(magic));
  if (total < record_header_size) {
    return corrupt(log_offset, "total size " + std::to_string(total) +
                                   " is below the header size " +
                                   std::to_string(record_header_size));
  }
  if (total > avail) {
    return corrupt(log_offset, "truncated: total size " + std::to_string(total) + " but only " +
                                   std::to_string(avail) + " bytes left in the segment");
  }
  if (verify_crc) {
    const uint32_t stored = load_le<uint32_t>(p + at::crc);
    const uint32_t computed = crc32c(p + at::crc_covered, total - at::crc_covered);
    if (stored != computed) {
      return corrupt(log_offset, "crc mismatch (stored " + hex32(stored) + ", computed " +
                                     hex32(computed) + ")");
    }
  }
  const uint64_t named = load_le<uint64_t>(p + at::log_offset);
  if (named != log_offset) {
    return corrupt(log_offset, "names log offset " + std::to_string(named) +
                                   " (stale or misplaced record)");
  }
  if (p[at::reserved] != 0) return corrupt(log_offset, "reserved byte is not zero");

  const size_t body_len = load_le<uint32_t>(p + at::body_size);
  const size_t props_len = load_le<uint32_t>(p + at::properties_size);
  const size_t tags_len = load_le<uint16_t>(p + at::tags_size);
  const size_t keys_len = load_le<uint16_t>(p + at::keys_size);
  const size_t topic_len = p[at::topic_size];
  const size_t born_len = p[at::born_host_size];
  const size_t store_len = p[at::store_host_size];
  // Every length is at most 32 bits wide, so this 64-bit sum cannot wrap.
  const uint64_t sum = uint64_t{record_header_size} + topic_len + born_len + store_len + tags_len +
                       keys_len + props_len + body_len;
  if (sum != total) {
    return corrupt(log_offset, "field lengths add up to " + std::to_string(sum) +
                                   " bytes, but total size is " + std::to_string(total));
  }

  decode_result r;
  decoded_record& rec = r.record;
  const uint8_t* v = p + at::variable;
  rec.topic = text_at(v, topic_len);
  v += topic_len;
  rec.born_host = text_at(v, born_len);
  v += born_len;
  rec.store_host = text_at(v, store_len);
  v += store_len;
  rec.tags = text_at(v, tags_len);
  v += tags_len;
  rec.keys = text_at(v, keys_len);
  v += keys_len;
  rec.properties = {v, props_len};
  v += props_len;
  rec.body = {v, body_len};
  std::string why;
  if (!check_properties(rec.properties, rec.property_count, why)) return corrupt(log_offset, why);

  rec.total_size = total;
  rec.queue_id = load_le<uint32_t>(p + at::queue_id);
  rec.queue_offset = load_le<uint64_t>(p + at::queue_offset);
  rec.log_offset = named;
  rec.born_time_ms = load_le<int64_t>(p + at::born_time);
  rec.store_time_ms = load_le<int64_t>(p + at::store_time);
  rec.flag = load_le<uint32_t>(p + at::flag);
  rec.sys_flag = load_le<uint32_t>(p + at::sys_flag);
  rec.reconsume_times = load_le<uint32_t>(p + at::reconsume_times);
  r.status = decode_status::record;
  r.size = total;
  return r;
}

void parse_properties(const decoded_record& record, std::vector<berth_property>& out) {
  // decode() checked the block; stay bounded anyway for records built by hand.
  const std::span<const uint8_t> block = record.properties;
  if (block.size() < sizeof(uint32_t)) return;
  const uint32_t count = load_le<uint32_t>(block.data());
  size_t pos = sizeof(uint32_t);
  for (uint32_t i = 0; i < count; ++i) {
    if (block.size() - pos < sizeof(uint16_t)) return;
    const size_t name_len = load_le<uint16_t>(block.data() + pos);
    pos += sizeof(uint16_t);
    if (block.size() - pos < name_len + sizeof(uint32_t)) return;
    const std::string_view name = text_at(block.data() + pos, name_len);
    pos += name_len;
    const size_t value_len = load_le<uint32_t>(block.data() + pos);
    pos += sizeof(uint32_t);
    if (block.size() - pos < value_len) return;
    out.push_back({abi(name), abi(text_at(block.data() + pos, value_len))});
    pos += value_len;
  }
}

berth_message_view to_view(const decoded_record& record) noexcept {
  berth_message_view view{};
  view.struct_size = sizeof(berth_message_view);
  view.queue_id = record.queue_id;
  view.topic = abi(record.topic);
  view.queue_offset = record.queue_offset;
  view.log_offset = record.log_offset;
  view.born_time_ms = record.born_time_ms;
  view.store_time_ms = record.store_time_ms;
  view.tags = abi(record.tags);
  view.keys = abi(record.keys);
  view.tag_hash = berth_tag_hash(view.tags);
  view.flag = record.flag;
  view.sys_flag = record.sys_flag;
  view.reconsume_times = record.reconsume_times;
  view.body = {record.body.data(), record.body.size()};
  view.born_host = abi(record.born_host);
  view.store_host = abi(record.store_host);
  return view;
}

}  // namespace berth::store_mmap
