// Reading a stored message's view (berth_message_view) from the kernel: its text fields as
// string_views and its properties by name. Everything borrows from the view.
#pragma once

#include <berth/abi/berth_message.h>

#include <optional>
#include <string_view>

namespace berth::kernel::store {

inline std::string_view text_of(berth_str s) {
  return s.len == 0 ? std::string_view{} : std::string_view(s.ptr, s.len);
}

// The value of the message's first property called `name`, if it has one.
std::optional<std::string_view> property_of(const berth_message_view& view, std::string_view name);

}  // namespace berth::kernel::store
