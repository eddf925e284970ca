#include "protocol/connection.hpp"

#include <cstddef>
#include <random>

namespace berth::kernel::protocol {

namespace {

std::string text(berth_str s) { return s.len == 0 ? std::string{} : std::string(s.ptr, s.len); }

void free_owned(void* arg) { delete static_cast<std::vector<uint8_t>*>(arg); }

}  // namespace

connection::connection(const berth_conn_ops& ops, void* conn_arg, const berth_conn_info& info,
                       std::string transport_id)
    : conn_arg_(conn_arg),
      peer_(text(info.peer)),
      local_(text(info.local)),
      transport_id_(std::move(transport_id)) {
  // Copy what the transport's struct has, no more (it may be older or newer than ours).
  ops_.struct_size = sizeof ops_;
  ops_.send = ops.send;
  ops_.close = ops.close;
  // BERTH_HAS_FIELD spelled out: the macro's NULL check on a reference trips -Wnonnull-compare.
  if (info.struct_size >= offsetof(berth_conn_info, max_frame_size) + sizeof info.max_frame_size) {
    max_frame_size_ = info.max_frame_size;
  }
  if (info.struct_size >= offsetof(berth_conn_info, tls_subject) + sizeof info.tls_subject) {
    tls_subject_ = text(info.tls_subject);
  }
  // Unpredictable, so that no signature can be made ahead for this connection.
  std::random_device random;
  for (size_t i = 0; i < auth_nonce_.size(); i += 4) {
    const uint32_t r = random();
    for (size_t j = 0; j < 4 && i + j < auth_nonce_.size(); ++j) {
      auth_nonce_[i + j] = static_cast<uint8_t>(r >> (8 * j));
    }
  }
}

bool connection::send(std::vector<uint8_t> frame) {
  auto* owned = new std::vector<uint8_t>(std::move(frame));
  const berth_iovec part{owned->data(), owned->size()};
  return send_parts(std::span(&part, 1), &free_owned, owned);
}

bool connection::send_parts(std::span<const berth_iovec> parts, berth_release_fn release,
                            void* release_arg) {
  {
    std::lock_guard lock(mutex_);
    if (open_) {
      ops_.send(conn_arg_, parts.data(), static_cast<uint32_t>(parts.size()), release, release_arg);
      return true;
    }
  }
  if (release != nullptr) release(release_arg);
  return false;
}

void connection::close(std::string_view reason) {
  std::lock_guard lock(mutex_);
  if (open_) ops_.close(conn_arg_, berth_str{reason.data(), reason.size()});
}

void connection::set_client_id(std::string id) {
  std::lock_guard lock(client_id_mutex_);
  client_id_ = std::move(id);
}

std::string connection::client_id() const {
  std::lock_guard lock(client_id_mutex_);
  return client_id_;
}

void connection::mark_closed() {
  std::lock_guard lock(mutex_);
  open_ = false;
}

bool connection::is_open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void connection::set_principal(std::string_view name) {
  std::lock_guard lock(client_id_mutex_);
  if (principal_ != name) principal_.assign(name);
}

void connection::set_transport_identity(std::shared_ptr<const berth_identity> identity) {
  std::lock_guard lock(client_id_mutex_);
  transport_identity_ = std::move(identity);
}

std::shared_ptr<const berth_identity> connection::transport_identity() const {
  std::lock_guard lock(client_id_mutex_);
  return transport_identity_;
}

std::string connection::principal() const {
  std::lock_guard lock(client_id_mutex_);
  return principal_;
}

bool connection::admit_signed_id(uint64_t id) {
  uint64_t last = last_signed_id_.load();
  while (id > last) {
    if (last_signed_id_.compare_exchange_weak(last, id)) return true;
  }
  return false;
}

}  // namespace berth::kernel::protocol
