// Helpers for one call into a store plugin: the error buffer it writes into, the berth::error
// made from its status and message, and the conversion of its append results.
#pragma once

#include "common/result.hpp"
#include "store/types.hpp"

#include <berth/abi/berth_store.h>

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::kernel::store::detail {

// The buffer a plugin writes its error message into. Lives on the caller's stack.
class error_buffer {
 public:
  error_buffer() = default;
  error_buffer(const error_buffer&) = delete;
  error_buffer& operator=(const error_buffer&) = delete;

  berth_errbuf* abi() { return &abi_; }
  [[nodiscard]] std::string_view text() const { return std::string_view(text_.data()); }

 private:
  std::array<char, 1024> text_{};
  berth_errbuf abi_{text_.data(), text_.size()};
};

// The error of a failed call: the plugin's status and its own message (or, when it wrote
// none, which plugin and operation failed).
berth::error call_error(berth_status status, std::string_view message, std::string_view plugin,
                        std::string_view operation);

// "store plugin '<name>' predates ABI 1.2: no <operation>"
berth::error predates_error(std::string_view plugin, std::string_view abi_version,
                            std::string_view operation);

// A berth::error as the failure of any berth::result.
inline auto fail(berth::error e) { return boost::outcome_v2::failure(std::move(e)); }

// Result slots for `count` messages, each with struct_size set.
std::vector<berth_append_result> append_slots(size_t count);
std::vector<appended> to_appended(std::span<const berth_append_result> slots);

}  // namespace berth::kernel::store::detail
