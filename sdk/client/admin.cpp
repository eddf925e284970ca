#include <berth/client/admin.hpp>

#include "common.hpp"
#include "connection.hpp"

namespace berth::client {

using internal::frame;

class admin::impl {
 public:
  explicit impl(admin_options options) : options_(std::move(options)) {
    internal::connection_options c =
        internal::options_for(options_);
    conn_ = std::make_unique<internal::connection>(std::move(c));
  }

  // Send `request`, decode the ok answer as Response, hand it to `convert` while the frame
  // lives (the decoded views point into it).
  template <class Response, class Request, class Convert>
  auto call(wire::code c, const Request& request, Convert convert)
      -> result<decltype(convert(std::declval<const Response&>()))> {
    result<frame> answer = conn_->call(c, request, options_.request_timeout);
    if (!answer) return failure(answer.error());
    result<Response> body = internal::decode_response<Response>(answer.value());
    if (!body) return failure(body.error());
    return convert(body.value());
  }

  template <class Request>
  result<void> call_void(wire::code c, const Request& request) {
    result<frame> answer = conn_->call(c, request, options_.request_timeout);
    if (!answer) return failure(answer.error());
    return success();
  }

  admin_options options_;
  std::unique_ptr<internal::connection> conn_;
};

namespace {

std::vector<std::string> to_strings(const wire::name_list& l) {
  return std::vector<std::string>(l.names.begin(), l.names.end());
}

error moved_from() { return error{errc::closed, wire::status::ok, "the admin was moved from"}; }

}  // namespace

admin::admin(admin_options options) : impl_(std::make_unique<impl>(std::move(options))) {}
admin::~admin() = default;
admin::admin(admin&&) noexcept = default;
admin& admin::operator=(admin&&) noexcept = default;

result<void> admin::start() {
  if (!impl_) return failure(moved_from());
  return impl_->conn_->start();
}
void admin::shutdown() {
  if (impl_) impl_->conn_->shutdown();
}

result<void> admin::create_topic(std::string_view name, uint32_t queues, uint8_t perm) {
  if (!impl_) return failure(moved_from());
  return impl_->call_void(wire::code::topic_create, wire::topic_create_request{name, queues, perm});
}

result<std::vector<std::string>> admin::list_topics() {
  if (!impl_) return failure(moved_from());
  return impl_->call<wire::topic_list_response>(wire::code::topic_list, wire::empty_body{},
                                                to_strings);
}

result<topic_info> admin::describe_topic(std::string_view name) {
  if (!impl_) return failure(moved_from());
  return impl_->call<wire::topic_describe_response>(
      wire::code::topic_describe, wire::topic_describe_request{name},
      [name](const wire::topic_describe_response& d) { return internal::to_topic_info(name, d); });
}

result<void> admin::remove_topic(std::string_view name) {
  if (!impl_) return failure(moved_from());
  return impl_->call_void(wire::code::topic_delete, wire::topic_delete_request{name});
}

result<std::vector<std::string>> admin::list_groups() {
  if (!impl_) return failure(moved_from());
  return impl_->call<wire::group_list_response>(wire::code::group_list, wire::empty_body{},
                                                to_strings);
}

result<group_info> admin::describe_group(std::string_view group) {
  if (!impl_) return failure(moved_from());
  return impl_->call<wire::group_describe_response>(
      wire::code::group_describe, wire::group_describe_request{group},
      [group](const wire::group_describe_response& d) {
        group_info g;
        g.name = group;
        g.model = static_cast<consume_model>(d.model);
        g.members.assign(d.members.begin(), d.members.end());
        for (const wire::group_queue& q : d.queues) g.queues.push_back(internal::to_group_queue(q));
        return g;
      });
}

result<std::vector<group_queue_info>> admin::reset_group(std::string_view group,
                                                         std::string_view topic, reset_to to,
                                                         int64_t time_ms) {
  if (!impl_) return failure(moved_from());
  wire::group_reset_request req;
  req.group = group;
  req.topic = topic;
  req.to = static_cast<wire::reset_to>(to);
  req.time_ms = time_ms;
  return impl_->call<wire::group_reset_response>(wire::code::group_reset, req,
                                                 [](const wire::group_reset_response& r) {
                                                   std::vector<group_queue_info> out;
                                                   for (const wire::group_queue& q : r.queues)
                                                     out.push_back(internal::to_group_queue(q));
                                                   return out;
                                                 });
}

result<received_message> admin::message_by_id(std::string_view message_id) {
  if (!impl_) return failure(moved_from());
  return impl_->call<wire::message_by_id_response>(
      wire::code::message_by_id, wire::message_by_id_request{message_id},
      [](const wire::stored_message& m) { return internal::to_received(m); });
}

result<std::vector<received_message>> admin::messages_by_key(std::string_view topic,
                                                             std::string_view key, int64_t begin_ms,
                                                             int64_t end_ms, uint32_t max) {
  if (!impl_) return failure(moved_from());
  return impl_->call<wire::message_by_key_response>(
      wire::code::message_by_key, wire::message_by_key_request{topic, key, begin_ms, end_ms, max},
      [](const wire::stored_message_list& l) { return internal::to_received(l.messages); });
}

result<received_message> admin::message_at(std::string_view topic, uint32_t queue,
                                           uint64_t offset) {
  if (!impl_) return failure(moved_from());
  return impl_->call<wire::message_at_response>(
      wire::code::message_at, wire::message_at_request{topic, queue, offset},
      [](const wire::stored_message& m) { return internal::to_received(m); });
}

}  // namespace berth::client
