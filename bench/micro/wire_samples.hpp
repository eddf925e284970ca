// The messages the codec benchmarks encode and decode, shaped like the real ones: a SEND as
// the producer prepares it (topic, tag, one key, a UNIQ_KEY property, born time, body), and
// the stored messages of a PULL answer as the broker fills them from the store.
#pragma once

#include <berth/wire/bodies.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace berth::bench::micro {

// `count` messages of `body_bytes` each, to one topic and queue, each with its own UNIQ_KEY.
// The wire records are views into this object: keep it alive while they are used.
class send_sample {
 public:
  send_sample(size_t count, size_t body_bytes);
  send_sample(const send_sample&) = delete;
  send_sample& operator=(const send_sample&) = delete;

  [[nodiscard]] const wire::message& one() const { return batch_.messages.front(); }
  [[nodiscard]] const wire::send_batch_request& batch() const { return batch_; }
  [[nodiscard]] size_t body_bytes() const;

 private:
  std::string body_;
  std::deque<std::string> unique_keys_;  // a deque: views into it stay valid while it grows
  wire::send_batch_request batch_;
};

// A PULL answer (status FOUND) with `count` stored messages of `body_bytes` each.
class pull_sample {
 public:
  pull_sample(size_t count, size_t body_bytes);
  pull_sample(const pull_sample&) = delete;
  pull_sample& operator=(const pull_sample&) = delete;

  [[nodiscard]] const wire::pull_response& answer() const { return answer_; }

 private:
  std::string body_;
  std::deque<std::string> ids_;
  wire::pull_response answer_;
};

// The whole frame of `body` (a request, or a response to a request of `code`), bodies
// included: what a receiver's decoder is given.
template <class Body>
std::vector<uint8_t> whole_frame(const wire::frame_header& header, const Body& body) {
  std::vector<uint8_t> out;
  wire::frame_builder b(out, header);
  body.encode(b.body());
  (void)b.finish();
  return out;
}

}  // namespace berth::bench::micro
