// SIGHUP's outcome: what was reloaded, what failed, and which changed settings wait for a
// restart. broker::reload() fills it and logs it; berthd also tells systemd from it.
#pragma once

#include <string>
#include <vector>

namespace berth::kernel::broker {

struct reload_report {
  // The broker's log level before and after ("info", "debug"); equal when unchanged.
  std::string log_level_before;
  std::string log_level_after;
  std::vector<std::string> reloaded;       // "transport-tls-1: certificates"
  std::vector<std::string> failed;         // ids of instances that kept what they had
  std::vector<std::string> needs_restart;  // changed in the file, not applied: "broker.data_dir"
};

// The one info line: "reloaded: log_level info -> debug; transport-tls-1: certificates",
// "reloaded: nothing", with "; failed: <ids>" after it when an instance refused.
std::string summary(const reload_report& report);

}  // namespace berth::kernel::broker
