#include "delivery/message_reply.hpp"

#include "store/message_view.hpp"

#include <berth/wire/gather.hpp>

#include <optional>

namespace berth::kernel::delivery {
namespace {

using store::text_of;

// What a gathered frame's parts point into, freed by the transport's release.
struct gathered_frame {
  std::vector<uint8_t> buffer;
  std::optional<store::read_result> result;  // keeps the bodies valid
};

void release_frame(void* arg) { delete static_cast<gathered_frame*>(arg); }

}  // namespace

wire::stored_message to_wire(const berth_message_view& v, std::vector<wire::property>& properties) {
  properties.clear();
  properties.reserve(v.property_count);
  for (uint32_t i = 0; i < v.property_count; ++i) {
    properties.push_back({text_of(v.properties[i].name), text_of(v.properties[i].value)});
  }
  wire::stored_message m;
  m.topic = text_of(v.topic);
  m.queue_id = v.queue_id;
  m.queue_offset = v.queue_offset;
  m.log_offset = v.log_offset;
  m.message_id = text_of(v.message_id);
  m.tags = text_of(v.tags);
  m.keys = text_of(v.keys);
  m.properties = properties;
  m.flag = v.flag;
  m.sys_flag = v.sys_flag;
  m.reconsume_times = v.reconsume_times;
  m.born_time_ms = v.born_time_ms;
  m.store_time_ms = v.store_time_ms;
  m.born_host = text_of(v.born_host);
  m.store_host = text_of(v.store_host);
  if (v.body.len > 0) m.body = std::span<const uint8_t>(v.body.ptr, v.body.len);
  return m;
}

void answer_with_messages(const protocol::responder& answer, store::read_result result,
                          std::span<const berth_message_view* const> messages,
                          message_layout layout,
                          const std::function<void(wire::writer&)>& head) {
  if (answer.request().oneway()) return;
  auto frame = std::make_unique<gathered_frame>();
  wire::gather bodies;
  wire::frame_builder builder(frame->buffer, wire::response_header(answer.request()));
  wire::writer& w = builder.body();
  std::vector<wire::property> properties;
  if (head) head(w);
  if (layout == message_layout::list) w.count(messages.size());
  for (const berth_message_view* view : messages) to_wire(*view, properties).encode_gathered(w, bodies);
  (void)builder.finish_with_tail(bodies.external_bytes());

  std::vector<berth_iovec> parts;
  for (const std::span<const uint8_t> piece : bodies.pieces(frame->buffer)) {
    parts.push_back({piece.data(), piece.size()});
  }
  frame->result.emplace(std::move(result));
  gathered_frame* owned = frame.release();
  answer.connection()->send_parts(parts, &release_frame, owned);
}

}  // namespace berth::kernel::delivery
