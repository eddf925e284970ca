// Fuzzes what transport-grpc makes of a RocketMQ 5 client's request bytes before the kernel
// sees them (gRPC's own HTTP/2 and protobuf parsing are gRPC's). The first byte picks the
// request; the rest is its protobuf encoding:
//   0  SendMessageRequest: each message is refused with a code and a reason, or converted into
//      a native record that encodes into a SEND frame and decodes back to the same record;
//   1  AckMessageRequest / ChangeInvisibleDuration's receipt handles: a handle decodes to a
//      token, or is refused; a token re-encodes to a handle that decodes to the same token;
//   2  EndTransactionRequest / RecallMessageRequest: the transaction id and recall handle, as
//      offset tokens, the same way;
//   3  the `authorization` and `x-mq-date-time` headers (text split at the first NUL): parsed
//      into credentials, or refused with a reason.
#include "call_credentials.hpp"
#include "message_codec.hpp"
#include "tokens.hpp"

#include <apache/rocketmq/v2/service.pb.h>

#include <berth/wire/wire.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace tg = berth::transport_grpc;
namespace v2 = apache::rocketmq::v2;
namespace wire = berth::wire;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// The record goes to the kernel in a SEND frame: it must arrive as it left.
void check_native_round_trip(const wire::message& record) {
  std::vector<uint8_t> frame;
  wire::frame_builder b(frame, wire::request_header(wire::code::send, 1));
  record.encode(b.body());
  (void)b.finish();
  const wire::header_result h = wire::decode_header(frame, std::numeric_limits<size_t>::max());
  check(h.ok() && h.header.frame_size() == frame.size());
  wire::reader r(wire::frame_body(frame, h.header), h.header.code, h.header.kind);
  const wire::decoded<wire::message> back = wire::decode<wire::message>(r);
  check(back.ok() && r.at_end() && *back == record);
}

void fuzz_send(std::string_view bytes) {
  v2::SendMessageRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  const tg::send_limits limits{4u << 20};
  for (const v2::Message& message : request.messages()) {
    auto converted = tg::to_outgoing(message, limits);
    if (const auto* refused = std::get_if<tg::refusal>(&converted)) {
      check(refused->code != v2::OK && !refused->message.empty());
      continue;
    }
    const auto& out = std::get<tg::outgoing_message>(converted);
    check(!out.topic.empty() && !out.body.empty() && out.body.size() <= limits.max_body_size);
    std::vector<wire::property> storage;
    const wire::message record = out.record(storage);
    check(record.topic == out.topic && record.body.size() == out.body.size());
    check_native_round_trip(record);
  }
}

void check_receipt(const std::string& handle) {
  const auto token = tg::decode_receipt(handle);
  if (!token) return;
  const auto again = tg::decode_receipt(tg::encode_receipt(*token));
  check(again && again->native == token->native && again->queue_id == token->queue_id &&
        again->queue_offset == token->queue_offset &&
        again->from_retry_topic == token->from_retry_topic);
}

void fuzz_receipts(std::string_view bytes) {
  v2::AckMessageRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  for (const v2::AckMessageEntry& entry : request.entries()) check_receipt(entry.receipt_handle());
}

void check_offset_token(const std::string& text) {
  const auto token = tg::decode_offset_token(text);
  if (!token) return;
  const auto again = tg::decode_offset_token(tg::encode_offset_token(*token));
  check(again && again->offset == token->offset && again->id == token->id);
}

void fuzz_offset_tokens(std::string_view bytes) {
  v2::EndTransactionRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  check_offset_token(request.transaction_id());
  check_offset_token(request.message_id());
}

void fuzz_credentials(std::string_view text) {
  const size_t split = text.find('\0');
  const std::string_view authorization = text.substr(0, split);
  const std::optional<std::string_view> date_time =
      split == std::string_view::npos ? std::nullopt : std::optional(text.substr(split + 1));
  const auto parsed = tg::parse_call_credentials(authorization, date_time);
  if (const auto* why = std::get_if<std::string>(&parsed)) {
    check(!why->empty());
  } else if (const auto* credentials = std::get_if<tg::call_credentials>(&parsed)) {
    check(!credentials->access_key.empty() && !credentials->signature.empty());
    check(credentials->timestamp_ms == tg::parse_date_time(credentials->date_time));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: fuzz_send(rest); break;
    case 1: fuzz_receipts(rest); break;
    case 2: fuzz_offset_tokens(rest); break;
    default: fuzz_credentials(rest); break;
  }
  return 0;
}
