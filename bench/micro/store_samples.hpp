// Messages as the kernel hands them to a store's append (berth_message_view): one topic and
// queue, a tag, a key, a UNIQ_KEY property, hosts and a body, like a producer's SEND after
// the broker stamped it.
#pragma once

#include <berth/abi/berth_message.h>

#include <cstddef>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace berth::bench::micro {

class message_views {
 public:
  // `count` messages of `body_bytes`; message i is tagged tag_of(i).
  message_views(size_t count, size_t body_bytes,
                const std::function<std::string(size_t)>& tag_of = {});
  message_views(const message_views&) = delete;
  message_views& operator=(const message_views&) = delete;

  // Pointers to the views, as store append takes them.
  [[nodiscard]] std::span<const berth_message_view* const> all() const { return pointers_; }
  // Bytes of the bodies alone.
  [[nodiscard]] size_t body_bytes() const { return body_.size() * views_.size(); }

 private:
  std::string body_;
  std::deque<std::string> texts_;  // tags and property values; a deque keeps views valid
  std::deque<berth_property> properties_;
  std::vector<berth_message_view> views_;
  std::vector<const berth_message_view*> pointers_;
};

}  // namespace berth::bench::micro
