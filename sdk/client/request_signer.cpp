#include "request_signer.hpp"

#include <berth/wire/frame.hpp>
#include <berth/wire/signing.hpp>
#include <berth/wire/writer.hpp>

namespace berth::client::internal {

result<std::unique_ptr<request_signer>> request_signer::make(const credentials& c) {
  if (c.access_key.empty() || c.secret_key.empty()) {
    return failure(errc::invalid_argument,
                   "credentials need both an access key and a secret key");
  }
  if (c.access_key.size() > wire::max_access_key_bytes) {
    return failure(errc::invalid_argument, "the access key is longer than " +
                                               std::to_string(wire::max_access_key_bytes) +
                                               " bytes");
  }
  return std::unique_ptr<request_signer>(new request_signer(c.access_key, c.secret_key));
}

request_signer::request_signer(std::string access_key, const std::string& secret_key)
    : access_key_(std::move(access_key)), hmac_(secret_key) {}

size_t request_signer::overhead() const noexcept {
  return 2 + access_key_.size() + 8 + 4 + wire::signature_size;
}

void request_signer::append_signed(std::span<const uint8_t> frame, std::span<const uint8_t> nonce,
                                   int64_t now_ms, std::vector<uint8_t>& out) const {
  wire::frame_header h = wire::decode_header(frame, frame.size()).header;
  const std::span<const uint8_t> body = frame.subspan(wire::header_size);
  h.flags |= wire::flag_signed;
  const wire::signed_prefix prefix(h, now_ms, nonce, access_key_);
  const crypto::mac mac = hmac_.sign({prefix.bytes(), body});
  wire::frame_builder b(out, h);
  wire::signature_block{access_key_, now_ms, wire::bytes_view(std::span<const uint8_t>(mac))}
      .encode(b.body());
  b.body().raw(body);
  (void)b.finish();
}

}  // namespace berth::client::internal
