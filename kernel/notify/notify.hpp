// Tells the service manager where berthd is in its life (sd_notify, for systemd units with
// Type=notify): ready once the transports listen, reloading during SIGHUP, stopping at
// shutdown. Every call does nothing, successfully, when berthd was not started with
// NOTIFY_SOCKET (not under systemd, or under another Type).
#pragma once

#include "common/result.hpp"

#include <string_view>

namespace berth::kernel::notify {

// READY=1 with STATUS=`status` (shown by `systemctl status`): the broker serves. Also ends a
// reload.
result<void> ready(std::string_view status);

// RELOADING=1 with MONOTONIC_USEC=now: a reload began; ready() ends it.
result<void> reloading();

// STOPPING=1 with STATUS=`status`: the graceful shutdown began.
result<void> stopping(std::string_view status);

}  // namespace berth::kernel::notify
