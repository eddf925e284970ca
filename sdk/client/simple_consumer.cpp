#include <berth/client/simple_consumer.hpp>

#include "common.hpp"
#include "connection.hpp"

#include <berth/wire/pop_bodies.hpp>

namespace berth::client {

using internal::frame;

namespace {
error moved_from() {
  return error{errc::closed, wire::status::ok, "the simple consumer was moved from"};
}
}  // namespace

class simple_consumer::impl {
 public:
  explicit impl(simple_consumer_options options) : options_(std::move(options)) {
    internal::connection_options c =
        internal::options_for(options_);
    conn_ = std::make_unique<internal::connection>(std::move(c));
  }

  simple_consumer_options options_;
  std::unique_ptr<internal::connection> conn_;
};

simple_consumer::simple_consumer(simple_consumer_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}
simple_consumer::~simple_consumer() = default;
simple_consumer::simple_consumer(simple_consumer&&) noexcept = default;
simple_consumer& simple_consumer::operator=(simple_consumer&&) noexcept = default;

result<void> simple_consumer::start() {
  if (!impl_) return failure(moved_from());
  if (impl_->options_.group.empty()) {
    return failure(errc::invalid_argument, "simple_consumer: the group is empty");
  }
  if (impl_->options_.topic.empty()) {
    return failure(errc::invalid_argument, "simple_consumer: the topic is empty");
  }
  if (impl_->options_.hold.count() < 0 || impl_->options_.hold.count() > UINT32_MAX) {
    return failure(errc::invalid_argument, "simple_consumer: hold is out of range");
  }
  return impl_->conn_->start();
}

void simple_consumer::shutdown() {
  if (impl_) impl_->conn_->shutdown();
}

result<std::vector<popped_message>> simple_consumer::receive(uint32_t max_messages,
                                                             std::chrono::milliseconds invisible) {
  if (!impl_) return failure(moved_from());
  if (invisible.count() < 0 || invisible.count() > UINT32_MAX) {
    return failure(errc::invalid_argument, "POP: the invisible duration is out of range");
  }
  const simple_consumer_options& o = impl_->options_;
  wire::pop_request req;
  req.group = o.group;
  req.topic = o.topic;
  req.queue_id = wire::any_queue;
  req.max_messages = max_messages;
  req.invisible_ms = static_cast<uint32_t>(invisible.count());
  req.hold_ms = static_cast<uint32_t>(o.hold.count());
  req.filter_type = static_cast<wire::filter_type>(o.filter.kind);
  req.expression = o.filter.text;
  req.fifo = o.fifo;
  req.max_attempts = o.max_attempts;
  result<frame> answer = impl_->conn_->call(wire::code::pop, req, o.hold + o.request_timeout);
  if (!answer) return failure(answer.error());
  result<wire::pop_response> p = internal::decode_response<wire::pop_response>(answer.value());
  if (!p) return failure(p.error());
  std::vector<popped_message> out;
  out.reserve(p.value().messages.size());
  for (const wire::popped_message& m : p.value().messages) {
    popped_message r;
    static_cast<received_message&>(r) = internal::to_received(m.message);
    r.receipt_handle = m.receipt_handle;
    r.attempt = m.attempt;
    r.invisible_until_ms = m.invisible_until_ms;
    out.push_back(std::move(r));
  }
  return out;
}

result<void> simple_consumer::ack(const popped_message& message) {
  if (!impl_) return failure(moved_from());
  const simple_consumer_options& o = impl_->options_;
  result<frame> answer = impl_->conn_->call(
      wire::code::ack, wire::ack_request{o.group, o.topic, message.receipt_handle},
      o.request_timeout);
  if (!answer) return failure(answer.error());
  return success();
}

result<void> simple_consumer::change_invisible(popped_message& message,
                                               std::chrono::milliseconds invisible) {
  if (!impl_) return failure(moved_from());
  if (invisible.count() < 0 || invisible.count() > UINT32_MAX) {
    return failure(errc::invalid_argument,
                   "CHANGE_INVISIBLE: the invisible duration is out of range");
  }
  const simple_consumer_options& o = impl_->options_;
  result<frame> answer = impl_->conn_->call(
      wire::code::change_invisible,
      wire::change_invisible_request{o.group, o.topic, message.receipt_handle,
                                     static_cast<uint32_t>(invisible.count())},
      o.request_timeout);
  if (!answer) return failure(answer.error());
  result<wire::change_invisible_response> c =
      internal::decode_response<wire::change_invisible_response>(answer.value());
  if (!c) return failure(c.error());
  message.receipt_handle = c.value().receipt_handle;
  message.invisible_until_ms = c.value().invisible_until_ms;
  return success();
}

}  // namespace berth::client
