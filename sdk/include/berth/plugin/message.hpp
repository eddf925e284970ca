// berth::sdk::message: a read-only C++ view over berth_message_view. Borrowed, like the view.
#pragma once

#include <berth/abi/berth_message.h>
#include <berth/plugin/error.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace berth::sdk {

class message {
 public:
  explicit message(const berth_message_view& view) noexcept : view_(view) {}

  [[nodiscard]] std::string_view topic() const noexcept { return sdk::view(view_.topic); }
  [[nodiscard]] std::string_view tags() const noexcept { return sdk::view(view_.tags); }
  [[nodiscard]] std::string_view keys() const noexcept { return sdk::view(view_.keys); }
  [[nodiscard]] std::string_view message_id() const noexcept { return sdk::view(view_.message_id); }
  [[nodiscard]] uint32_t queue_id() const noexcept { return view_.queue_id; }
  [[nodiscard]] uint64_t queue_offset() const noexcept { return view_.queue_offset; }
  [[nodiscard]] uint64_t tag_hash() const noexcept { return view_.tag_hash; }
  [[nodiscard]] int64_t born_time_ms() const noexcept { return view_.born_time_ms; }
  [[nodiscard]] int64_t store_time_ms() const noexcept { return view_.store_time_ms; }
  [[nodiscard]] uint32_t reconsume_times() const noexcept { return view_.reconsume_times; }
  [[nodiscard]] std::span<const uint8_t> body() const noexcept {
    return view_.body.len == 0 ? std::span<const uint8_t>{}
                               : std::span<const uint8_t>{view_.body.ptr, view_.body.len};
  }
  [[nodiscard]] std::span<const berth_property> properties() const noexcept {
    return view_.property_count == 0
               ? std::span<const berth_property>{}
               : std::span<const berth_property>{view_.properties, view_.property_count};
  }
  // The value of a user property, if the message has it.
  [[nodiscard]] std::optional<std::string_view> property(std::string_view name) const noexcept {
    for (const berth_property& p : properties()) {
      if (sdk::view(p.name) == name) return sdk::view(p.value);
    }
    return std::nullopt;
  }
  [[nodiscard]] const berth_message_view& abi() const noexcept { return view_; }

 private:
  const berth_message_view& view_;
};

}  // namespace berth::sdk
