#include "store_samples.hpp"

#include <cstdio>
#include <string_view>

namespace berth::bench::micro {
namespace {

berth_str text(std::string_view s) { return berth_str{s.data(), s.size()}; }

}  // namespace

message_views::message_views(size_t count, size_t body_bytes,
                             const std::function<std::string(size_t)>& tag_of)
    : body_(body_bytes, 'x') {
  views_.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    char unique_key[33];
    std::snprintf(unique_key, sizeof unique_key, "0A00000700002A11%016zX", i);
    berth_property& p = properties_.emplace_back();
    p.name = text("UNIQ_KEY");
    p.value = text(texts_.emplace_back(unique_key));

    berth_message_view v{};
    v.struct_size = sizeof v;
    v.topic = text("orders");
    v.queue_id = 3;
    v.tags = text(texts_.emplace_back(tag_of ? tag_of(i) : "TagA"));
    v.tag_hash = berth_tag_hash(v.tags);
    v.keys = text("order-1042");
    v.properties = &p;
    v.property_count = 1;
    v.born_time_ms = 1'765'000'000'000;
    v.body = berth_bytes{reinterpret_cast<const uint8_t*>(body_.data()), body_.size()};
    v.born_host = text("10.0.0.7:51234");
    v.store_host = text("10.0.0.1:10911");
    views_.push_back(v);
  }
  for (const berth_message_view& v : views_) pointers_.push_back(&v);
}

}  // namespace berth::bench::micro
