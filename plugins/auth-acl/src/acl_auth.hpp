// auth-acl: accounts with access and secret keys, requests signed with HMAC-SHA256 and checked
// against each account's permissions (docs/security.md).
//
// authenticate: the access key names an account; its allow list must hold the client's
// address; the signature must be the HMAC of the signed bytes under its secret; the signing
// time must be within clock_window of the broker's clock. authorize: PUB and SUB on topics
// and groups by the account's rules (and its roles'): a DENY that matches wins, else what the
// matching rules grant, else the default; GET on a topic or group needs PUB or SUB on it;
// CREATE, UPDATE, DELETE and GET on the cluster (topic administration, offset resets, lookups
// by id) need an admin account; LIST is every account's.
//
// The accounts file is re-read when it changes (checked every check_interval) and on SIGHUP;
// a file with a mistake is refused and the accounts before it stay in force.
#pragma once

#include "accounts.hpp"
#include "acl_config.hpp"

#include <berth/plugin/auth.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace berth::auth_acl {

class acl_auth final : public sdk::auth_plugin {
 public:
  explicit acl_auth(sdk::host& host);
  ~acl_auth() override;

  std::unique_ptr<sdk::identity> authenticate(const berth_credentials& credentials) override;
  void authorize(const sdk::identity& who, uint32_t resource_type, std::string_view resource,
                 uint32_t action) override;
  // SIGHUP (and a changed file): read the accounts again; throw to keep the old ones.
  void reload();

 private:
  struct file_stamp {
    std::filesystem::file_time_type modified{};
    uintmax_t size = 0;
    bool operator==(const file_stamp&) const = default;
  };

  [[nodiscard]] std::shared_ptr<const accounts> current() const;
  void install(std::shared_ptr<const accounts> next, const char* how);
  [[nodiscard]] file_stamp stamp() const;
  void schedule_check();
  void check_file();

  sdk::host& host_;
  const acl_config config_;
  sdk::metric reloads_failed_;
  // Read by every request on every network thread: an atomic pointer, not a mutex, so that
  // they never wait on each other.
  std::atomic<std::shared_ptr<const accounts>> accounts_;
  mutable std::mutex mutex_;  // loaded_stamp_, check_task_
  file_stamp loaded_stamp_;
  uint64_t check_task_ = 0;
  std::atomic<bool> stopping_{false};
};

}  // namespace berth::auth_acl
