// The wire status a client gets for a store's error code.
#pragma once

#include <berth/abi/berth_abi.h>
#include <berth/wire/codes.hpp>

namespace berth::kernel::protocol {

[[nodiscard]] constexpr wire::status status_of_store_error(berth_status s) noexcept {
  switch (s) {
    case BERTH_E_FULL: return wire::status::store_full;
    case BERTH_E_IO: return wire::status::store_failed;
    case BERTH_E_INVALID: return wire::status::invalid_argument;
    case BERTH_E_NOT_FOUND: return wire::status::not_found;
    case BERTH_E_CLOSED: return wire::status::shutting_down;
    default: return wire::status::internal;
  }
}

}  // namespace berth::kernel::protocol
