#include "kernel_link.hpp"

#include <berth/wire/bodies.hpp>
#include <berth/wire/reader.hpp>

#include <boost/asio/post.hpp>

namespace berth::transport_grpc {

// Frames the kernel sends are bounded by the store's limits; this only guards the decoder.
constexpr size_t max_answer_length = size_t{1} << 30;

std::shared_ptr<kernel_link> kernel_link::open(const sdk::connection_port& port,
                                               boost::asio::thread_pool& executor,
                                               const std::string& peer, const std::string& local,
                                               push_fn on_push, std::string& refusal) {
  std::shared_ptr<kernel_link> link(new kernel_link(port, executor, std::move(on_push)));
  const berth_conn_info info = sdk::connection_info(peer, local, max_answer_length);
  sdk::connection_port::opened opened = port.open(info, link->ops_, link.get());
  if (opened.conn == nullptr) {
    refusal = opened.reason;
    link->closed_ = true;
    return nullptr;
  }
  link->conn_ = opened.conn;
  return link;
}

kernel_link::kernel_link(const sdk::connection_port& port, boost::asio::thread_pool& executor,
                         push_fn on_push)
    : port_(port), executor_(executor), on_push_(std::move(on_push)) {
  ops_.struct_size = sizeof ops_;
  ops_.send = &kernel_link::on_send;
  ops_.close = &kernel_link::on_close;
}

kernel_link::~kernel_link() { close(); }

void kernel_link::close() {
  if (closed_.exchange(true)) return;
  {
    // After conn_closed returns the kernel makes no call with this link.
    std::lock_guard lock(frame_mutex_);
    if (conn_ != nullptr) port_.closed(conn_);
  }
  fail_pending("the client's session ended");
}

berth_status kernel_link::authenticate(const berth_credentials& credentials, std::string& reason) {
  // Under the frame lock: requests sent after this call are the ones that run as the identity.
  std::lock_guard lock(frame_mutex_);
  if (closed_.load()) {
    reason = "the client's session ended";
    return BERTH_E_CLOSED;
  }
  return port_.authenticate(conn_, credentials, reason);
}

void kernel_link::submit(uint64_t id, std::vector<uint8_t> frame, reply_fn done) {
  {
    std::lock_guard lock(pending_mutex_);
    pending_.emplace(id, std::move(done));
  }
  {
    std::lock_guard lock(frame_mutex_);
    if (!closed_.load()) {
      port_.frame(conn_, frame);
      return;
    }
  }
  fail_pending("the client's session ended");
}

void kernel_link::fail_pending(const std::string& why) {
  std::unordered_map<uint64_t, reply_fn> orphans;
  {
    std::lock_guard lock(pending_mutex_);
    orphans.swap(pending_);
  }
  for (auto& [id, done] : orphans) {
    boost::asio::post(executor_, [done = std::move(done), why] {
      done(kernel_reply{wire::status::shutting_down, {}, why});
    });
  }
}

void kernel_link::on_send(void* arg, const berth_iovec* parts, uint32_t count,
                          berth_release_fn release, void* release_arg) {
  auto* link = static_cast<kernel_link*>(arg);
  // One copy: the frame may come in parts (message bodies gathered from the store), and the
  // callback runs later, on the executor.
  size_t size = 0;
  for (uint32_t i = 0; i < count; ++i) size += parts[i].len;
  std::vector<uint8_t> frame;
  frame.reserve(size);
  for (uint32_t i = 0; i < count; ++i) {
    const auto* p = static_cast<const uint8_t*>(parts[i].base);
    frame.insert(frame.end(), p, p + parts[i].len);
  }
  if (release != nullptr) release(release_arg);
  link->deliver(std::move(frame));
}

void kernel_link::deliver(std::vector<uint8_t> frame) {
  const wire::header_result h = wire::decode_header(frame, max_answer_length);
  if (!h.ok() || frame.size() != h.header.frame_size()) return;  // the kernel's frames are whole
  if (h.header.kind == wire::kind::push) {
    auto self = weak_from_this().lock();  // null while the link is being destroyed
    if (!self) return;
    boost::asio::post(executor_, [self, code = h.header.code, frame = std::move(frame)] {
      if (self->on_push_) {
        self->on_push_(code, std::span<const uint8_t>(frame).subspan(wire::header_size));
      }
    });
    return;
  }
  reply_fn done;
  {
    std::lock_guard lock(pending_mutex_);
    const auto it = pending_.find(h.header.request_id);
    if (it == pending_.end()) return;
    done = std::move(it->second);
    pending_.erase(it);
  }
  boost::asio::post(executor_, [done = std::move(done), status = h.header.status,
                                frame = std::move(frame)] {
    kernel_reply reply;
    reply.status = status;
    reply.body = std::span<const uint8_t>(frame).subspan(wire::header_size);
    if (status != wire::status::ok) {
      auto text = wire::decode<wire::error_response>(reply.body, wire::code::hello);
      reply.error = text ? std::string(text->message) : std::string(wire::name(status));
    }
    done(reply);
  });
}

void kernel_link::on_close(void* arg, berth_str /*reason*/) {
  // The kernel asks to close (shutdown). Not from inside its call: conn_closed may wait for it.
  auto self = static_cast<kernel_link*>(arg)->weak_from_this().lock();
  if (!self) return;
  boost::asio::post(self->executor_, [self] { self->close(); });
}

}  // namespace berth::transport_grpc
