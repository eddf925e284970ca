// ReceiveMessage: a native POP held up to the long-polling time (never past the call's
// deadline), streamed back as RocketMQ does: a status, the messages, a delivery timestamp.
#include "message_codec.hpp"
#include "rpcs.hpp"
#include "tokens.hpp"

#include <berth/wire/pop_bodies.hpp>
#include <berth/wire/properties.hpp>

#include <algorithm>
#include <deque>
#include <mutex>

namespace berth::transport_grpc {
namespace {

using response = v2::ReceiveMessageResponse;

// Answer this much before the client's deadline, so that the stream ends in time.
constexpr int64_t deadline_margin_ms = 1000;
constexpr int64_t min_invisible_ms = 1000;
constexpr int64_t max_invisible_ms = 12LL * 3600 * 1000;

int64_t to_ms(const google::protobuf::Duration& d) {
  return d.seconds() * 1000 + d.nanos() / 1'000'000;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Writes the prepared responses one at a time, then finishes.
class receive_reactor final : public grpc::ServerWriteReactor<response> {
 public:
  // Answer with a status alone (and the delivery timestamp).
  void finish_with(v2::Code code, const std::string& message) {
    std::deque<response> out;
    set_status(out.emplace_back().mutable_status(), code, message);
    write_all(std::move(out));
  }

  // The status, then each message, then the delivery timestamp.
  void write_all(std::deque<response> out) {
    const int64_t now = now_ms();
    google::protobuf::Timestamp* ts = out.emplace_back().mutable_delivery_timestamp();
    ts->set_seconds(now / 1000);
    ts->set_nanos(static_cast<int32_t>(now % 1000) * 1'000'000);
    std::lock_guard lock(mutex_);
    queue_ = std::move(out);
    StartWrite(&queue_.front());
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
    queue_.pop_front();
    if (!ok || queue_.empty()) {
      // A failed write (the client went away) ends the call; unacked messages come back
      // after their invisible time.
      Finish(grpc::Status::OK);
      return;
    }
    StartWrite(&queue_.front());
  }

  void OnDone() override { delete this; }

 private:
  std::recursive_mutex mutex_;  // gRPC may run OnWriteDone inline from StartWrite
  std::deque<response> queue_;
};

wire::filter_type filter_of(const v2::FilterExpression& f) {
  return f.type() == v2::SQL ? wire::filter_type::sql : wire::filter_type::tag;
}

}  // namespace

grpc::ServerWriteReactor<response>* receive_message(gateway& g, ctx_t* ctx,
                                                    const v2::ReceiveMessageRequest* req) {
  auto* reactor = new receive_reactor();
  v2::Status failed;
  auto session = session_of(g, ctx, &failed);
  if (!session) {
    reactor->finish_with(failed.code(), failed.message());
    return reactor;
  }
  const std::string& group = req->group().name();
  const std::string& topic = req->message_queue().topic().name();
  if (group.empty()) {
    reactor->finish_with(v2::ILLEGAL_CONSUMER_GROUP, "the consumer group is empty");
    return reactor;
  }
  if (topic.empty()) {
    reactor->finish_with(v2::ILLEGAL_TOPIC, "the topic is empty");
    return reactor;
  }
  if (req->batch_size() <= 0) {
    reactor->finish_with(v2::BAD_REQUEST, "batch_size " + std::to_string(req->batch_size()) +
                                              " is not positive");
    return reactor;
  }
  const int64_t invisible = req->has_invisible_duration()
                                ? to_ms(req->invisible_duration())
                                : static_cast<int64_t>(g.config.default_invisible.count());
  if (invisible < min_invisible_ms || invisible > max_invisible_ms) {
    reactor->finish_with(v2::ILLEGAL_INVISIBLE_TIME,
                         "invisible duration " + std::to_string(invisible) +
                             " ms is outside 1 s .. 12 h");
    return reactor;
  }
  int64_t hold = req->has_long_polling_timeout() ? to_ms(req->long_polling_timeout())
                                                 : g.config.long_polling_timeout.count();
  hold = std::clamp<int64_t>(hold, 0, g.config.long_polling_timeout.count());
  hold = std::min(hold, remaining_ms(ctx) - deadline_margin_ms);
  if (hold < 0) {
    reactor->finish_with(v2::ILLEGAL_POLLING_TIME,
                         "the call's deadline leaves no time to wait for messages");
    return reactor;
  }

  wire::pop_request pop;
  pop.group = group;
  pop.topic = topic;
  pop.queue_id = wire::any_queue;  // RocketMQ, too, takes the queue only to pick the broker
  pop.max_messages = std::min<uint32_t>(static_cast<uint32_t>(req->batch_size()),
                                        g.config.max_receive_batch);
  pop.invisible_ms = static_cast<uint32_t>(invisible);
  pop.hold_ms = static_cast<uint32_t>(hold);
  pop.filter_type = filter_of(req->filter_expression());
  pop.expression = req->filter_expression().expression();
  pop.fifo = g.config.is_fifo_group(group);
  pop.max_attempts = g.config.max_delivery_attempts;
  session->link().call(wire::code::pop, pop, [reactor, invisible](const kernel_reply& reply) {
    if (!reply.ok()) return reactor->finish_with(code_of(reply.status), reply.error);
    auto popped = wire::decode<wire::pop_response>(reply.body, wire::code::pop, wire::kind::response);
    if (!popped) return reactor->finish_with(v2::INTERNAL_SERVER_ERROR, popped.error().message);
    if (popped->messages.empty()) {
      return reactor->finish_with(v2::MESSAGE_NOT_FOUND, "no new message");
    }
    std::deque<response> out;
    set_ok(out.emplace_back().mutable_status());
    for (const wire::popped_message& m : popped->messages) {
      delivery_facts facts;
      const bool from_retry = m.message.topic.starts_with("%RETRY%");
      facts.receipt_handle = encode_receipt(
          {std::string(m.receipt_handle), m.message.queue_id, m.message.queue_offset, from_retry});
      facts.attempt = m.attempt;
      facts.invisible_ms = invisible;
      to_v2(m.message, &facts, out.emplace_back().mutable_message());
    }
    reactor->write_all(std::move(out));
  });
  return reactor;
}

}  // namespace berth::transport_grpc
