// auth-acl's keys, read once at create().
#pragma once

#include <berth/plugin/host.hpp>

#include <chrono>
#include <string>

namespace berth::auth_acl {

extern const char* const acl_schema;

struct acl_config {
  std::string accounts;  // the accounts file
  std::chrono::nanoseconds clock_window{std::chrono::minutes(5)};
  std::chrono::nanoseconds check_interval{std::chrono::seconds(2)};  // 0: only on SIGHUP
};

acl_config read_acl_config(const sdk::host& host);

}  // namespace berth::auth_acl
