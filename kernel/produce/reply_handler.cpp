#include "produce/reply_handler.hpp"

#include <berth/wire/bodies.hpp>
#include <berth/wire/properties.hpp>

#include <fmt/format.h>

#include <chrono>

namespace berth::kernel::produce {
namespace {

std::string_view property(const wire::message& m, std::string_view name) {
  for (const wire::property& p : m.properties) {
    if (p.name == name) return p.value;
  }
  return {};
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void send_reply(protocol::client_directory& clients, const reply_settings& settings,
                const protocol::request& req, const protocol::responder& answer) {
  auto reply = wire::decode<wire::send_reply_request>(req.body, req.header.code);
  if (!reply) return answer.fail(reply.error().status, reply.error().message);
  const std::string_view correlation = property(*reply, wire::properties::correlation_id);
  const std::string_view requester = property(*reply, wire::properties::reply_to_client);
  if (correlation.empty() || requester.empty()) {
    return answer.fail(wire::status::invalid_argument,
                       fmt::format("a reply carries the request's {} and {} properties",
                                   wire::properties::correlation_id,
                                   wire::properties::reply_to_client));
  }
  if (reply->body.size() > settings.max_message_size) {
    return answer.fail(wire::status::message_too_large,
                       fmt::format("the reply's body is {} bytes, more than max_message_size {}",
                                   reply->body.size(), settings.max_message_size));
  }
  const protocol::connection_ptr to = clients.find(requester);
  if (!to) {
    return answer.fail(wire::status::not_found,
                       fmt::format("the requester '{}' is not connected", requester));
  }
  const std::string_view unique = property(*reply, wire::properties::unique_key);
  wire::stored_message pushed;
  pushed.topic = reply->topic;
  pushed.message_id = unique.empty() ? correlation : unique;
  pushed.tags = reply->tags;
  pushed.keys = reply->keys;
  pushed.properties = reply->properties;
  pushed.flag = reply->flag;
  pushed.born_time_ms = reply->born_time_ms;
  pushed.store_time_ms = now_ms();
  pushed.born_host = answer.connection()->peer();
  pushed.store_host = settings.broker_name;
  pushed.body = reply->body;
  if (!to->send(protocol::push_frame(wire::code::reply, pushed))) {
    return answer.fail(wire::status::not_found,
                       fmt::format("the requester '{}' disconnected", requester));
  }
  wire::send_result out;
  out.message_id = pushed.message_id;
  out.store_time_ms = pushed.store_time_ms;
  answer.ok(out);
}

}  // namespace

void add_reply_handler(protocol::router& routes, protocol::client_directory& clients,
                       reply_settings settings) {
  routes.add(wire::code::send_reply,
             [&clients, settings = std::move(settings)](const protocol::request& req,
                                                        const protocol::responder& answer) {
               send_reply(clients, settings, req, answer);
             });
}

}  // namespace berth::kernel::produce
