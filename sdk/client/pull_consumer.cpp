#include <berth/client/pull_consumer.hpp>

#include "common.hpp"
#include "connection.hpp"

namespace berth::client {

using internal::frame;

namespace {
error moved_from() {
  return error{errc::closed, wire::status::ok, "the pull consumer was moved from"};
}
}  // namespace

class pull_consumer::impl {
 public:
  explicit impl(pull_consumer_options options) : options_(std::move(options)) {
    internal::connection_options c =
        internal::options_for(options_);
    conn_ = std::make_unique<internal::connection>(std::move(c));
  }

  pull_consumer_options options_;
  std::unique_ptr<internal::connection> conn_;
};

pull_consumer::pull_consumer(pull_consumer_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}
pull_consumer::~pull_consumer() = default;
pull_consumer::pull_consumer(pull_consumer&&) noexcept = default;
pull_consumer& pull_consumer::operator=(pull_consumer&&) noexcept = default;

result<void> pull_consumer::start() {
  if (!impl_) return failure(moved_from());
  if (impl_->options_.group.empty()) {
    return failure(errc::invalid_argument, "pull_consumer: the group is empty");
  }
  return impl_->conn_->start();
}

void pull_consumer::shutdown() {
  if (impl_) impl_->conn_->shutdown();
}

result<topic_info> pull_consumer::queues(std::string_view topic) {
  if (!impl_) return failure(moved_from());
  result<frame> answer =
      impl_->conn_->call(wire::code::topic_describe, wire::topic_describe_request{topic},
                         impl_->options_.request_timeout);
  if (!answer) return failure(answer.error());
  result<wire::topic_describe_response> d =
      internal::decode_response<wire::topic_describe_response>(answer.value());
  if (!d) return failure(d.error());
  return internal::to_topic_info(topic, d.value());
}

result<pull_result> pull_consumer::pull(std::string_view topic, uint32_t queue, uint64_t offset,
                                        uint32_t max_messages, std::chrono::milliseconds hold,
                                        std::string_view expression) {
  return pull(topic, queue, offset, max_messages, hold,
              filter_expression::tags(std::string(expression)));
}

result<pull_result> pull_consumer::pull(std::string_view topic, uint32_t queue, uint64_t offset,
                                        uint32_t max_messages, std::chrono::milliseconds hold,
                                        const filter_expression& filter) {
  if (!impl_) return failure(moved_from());
  if (hold.count() < 0 || hold.count() > UINT32_MAX) {
    return failure(errc::invalid_argument, "PULL: hold is out of range");
  }
  wire::pull_request req;
  req.group = impl_->options_.group;
  req.topic = topic;
  req.queue_id = queue;
  req.offset = offset;
  req.max_messages = max_messages;
  req.max_bytes = impl_->options_.max_bytes;
  req.hold_ms = static_cast<uint32_t>(hold.count());
  req.filter_type = static_cast<wire::filter_type>(filter.kind);
  req.expression = filter.text;
  result<frame> answer =
      impl_->conn_->call(wire::code::pull, req, hold + impl_->options_.request_timeout);
  if (!answer) return failure(answer.error());
  result<wire::pull_response> p = internal::decode_response<wire::pull_response>(answer.value());
  if (!p) return failure(p.error());
  pull_result out;
  out.status = static_cast<pull_status>(p.value().status);
  out.next_offset = p.value().next_offset;
  out.min_offset = p.value().min_offset;
  out.max_offset = p.value().max_offset;
  out.messages = internal::to_received(p.value().messages);
  return out;
}

result<void> pull_consumer::commit(std::string_view topic, uint32_t queue, uint64_t offset) {
  if (!impl_) return failure(moved_from());
  result<frame> answer =
      impl_->conn_->call(wire::code::commit_offset,
                         wire::commit_offset_request{impl_->options_.group, topic, queue, offset},
                         impl_->options_.request_timeout);
  if (!answer) return failure(answer.error());
  return success();
}

result<std::optional<uint64_t>> pull_consumer::committed(std::string_view topic, uint32_t queue) {
  if (!impl_) return failure(moved_from());
  result<frame> answer = impl_->conn_->call(
      wire::code::query_offset, wire::query_offset_request{impl_->options_.group, topic, queue},
      impl_->options_.request_timeout);
  if (!answer) return failure(answer.error());
  result<wire::query_offset_response> q =
      internal::decode_response<wire::query_offset_response>(answer.value());
  if (!q) return failure(q.error());
  if (!q.value().known) return std::optional<uint64_t>();
  return std::optional<uint64_t>(q.value().offset);
}

}  // namespace berth::client
