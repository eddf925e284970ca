#include "store/message_view.hpp"

namespace berth::kernel::store {

std::optional<std::string_view> property_of(const berth_message_view& view,
                                            std::string_view name) {
  for (uint32_t i = 0; i < view.property_count; ++i) {
    if (text_of(view.properties[i].name) == name) return text_of(view.properties[i].value);
  }
  return std::nullopt;
}

}  // namespace berth::kernel::store
