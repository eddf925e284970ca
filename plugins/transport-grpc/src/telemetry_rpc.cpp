// Telemetry: the client's Settings come in and the broker's go back at once (a client's
// startup waits for them); the stream stays open for the client's life and carries the
// broker's commands (transaction check-backs).
#include "rpcs.hpp"

#include <deque>
#include <mutex>

namespace berth::transport_grpc {
namespace {

using command = v2::TelemetryCommand;

void set_duration(google::protobuf::Duration* out, int64_t ms) {
  out->set_seconds(ms / 1000);
  out->set_nanos(static_cast<int32_t>(ms % 1000) * 1'000'000);
}

// The broker's answer to a client's Settings: the client's own, completed with what the
// broker decides (limits, retry policy, long polling, FIFO).
v2::Settings answer_settings(const gateway& g, const v2::Settings& in) {
  v2::Settings out = in;
  v2::RetryPolicy* backoff = out.mutable_backoff_policy();
  if (in.has_publishing()) {
    backoff->set_max_attempts(3);
    v2::Publishing* pub = out.mutable_publishing();
    pub->set_max_body_size(static_cast<int32_t>(g.config.max_body_size));
    pub->set_validate_message_type(false);  // a topic takes every message type
  } else if (in.has_subscription()) {
    backoff->set_max_attempts(static_cast<int32_t>(g.config.max_delivery_attempts));
    v2::Subscription* sub = out.mutable_subscription();
    sub->set_fifo(g.config.is_fifo_group(sub->group().name()));
    sub->set_receive_batch_size(static_cast<int32_t>(g.config.max_receive_batch));
    set_duration(sub->mutable_long_polling_timeout(), g.config.long_polling_timeout.count());
  }
  v2::ExponentialBackoff* exp = backoff->mutable_exponential_backoff();
  set_duration(exp->mutable_initial(), 1000);
  set_duration(exp->mutable_max(), 60'000);
  exp->set_multiplier(2);
  out.mutable_metric()->set_on(false);
  return out;
}

class telemetry_reactor final
    : public grpc::ServerBidiReactor<command, command> {
 public:
  telemetry_reactor(gateway& g, std::shared_ptr<client_session> session)
      : g_(g), session_(std::move(session)), sink_(std::make_shared<sink>(this)) {
    session_->attach(sink_);
    StartRead(&incoming_);
  }

  // Refuse the stream with a status alone (the client's startup fails with it).
  static telemetry_reactor* refusing(gateway& g, const v2::Status& status) {
    auto* r = new telemetry_reactor(g);
    command c;
    *c.mutable_status() = status;
    r->write(c);
    r->finish_after_writes();
    return r;
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (shutdown) or went away
      finish_after_writes();
      return;
    }
    handle(incoming_);
    StartRead(&incoming_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
    outgoing_.pop_front();
    if (!ok) {
      outgoing_.clear();
      finish_locked();
      return;
    }
    if (!outgoing_.empty()) {
      StartWrite(&outgoing_.front());
    } else if (finishing_) {
      finish_locked();
    }
  }

  void OnDone() override {
    if (session_) session_->detach(sink_.get());
    sink_->reactor_gone();
    delete this;
  }

  void write(const command& c) {
    std::lock_guard lock(mutex_);
    if (finishing_) return;
    outgoing_.push_back(c);
    if (outgoing_.size() == 1) StartWrite(&outgoing_.front());
  }

 private:
  // What the session holds: a writer that outlives the reactor safely.
  class sink final : public command_sink {
   public:
    explicit sink(telemetry_reactor* r) : reactor_(r) {}
    void write(const command& c) override {
      std::lock_guard lock(mutex_);
      if (reactor_ != nullptr) reactor_->write(c);
    }
    void close() override {
      std::lock_guard lock(mutex_);
      if (reactor_ != nullptr) reactor_->finish_after_writes();
    }
    void reactor_gone() {
      std::lock_guard lock(mutex_);
      reactor_ = nullptr;
    }

   private:
    std::mutex mutex_;
    telemetry_reactor* reactor_;
  };

  explicit telemetry_reactor(gateway& g) : g_(g), sink_(std::make_shared<sink>(this)) {}

  void handle(const command& in) {
    if (session_) session_->touch();
    if (!in.has_settings()) return;  // thread stack traces, verification results: nothing to do
    const v2::Settings& settings = in.settings();
    if (!settings.has_publishing() && !settings.has_subscription()) {
      command refusal;
      set_status(refusal.mutable_status(), v2::UNRECOGNIZED_CLIENT_TYPE,
                 "Settings name neither publishing nor subscription");
      write(refusal);
      return;
    }
    session_->set_settings(settings);
    if (settings.has_publishing()) {
      for (const v2::Resource& topic : settings.publishing().topics()) {
        register_producer_group(*session_, topic.name());
      }
    }
    command reply;
    set_ok(reply.mutable_status());
    *reply.mutable_settings() = answer_settings(g_, settings);
    write(reply);
  }

  void finish_after_writes() {
    std::lock_guard lock(mutex_);
    finishing_ = true;
    if (outgoing_.empty()) finish_locked();
  }

  void finish_locked() {
    if (finished_) return;
    finished_ = true;
    finishing_ = true;
    Finish(grpc::Status::OK);
  }

  gateway& g_;
  std::shared_ptr<client_session> session_;
  std::shared_ptr<sink> sink_;
  command incoming_;
  // Recursive: should gRPC run a reaction inline from StartWrite, it finds the lock held.
  std::recursive_mutex mutex_;
  std::deque<command> outgoing_;
  bool finishing_ = false;
  bool finished_ = false;
};

}  // namespace

grpc::ServerBidiReactor<command, command>* telemetry(gateway& g, ctx_t* ctx) {
  v2::Status failed;
  auto session = session_of(g, ctx, &failed);
  if (!session) return telemetry_reactor::refusing(g, failed);
  return new telemetry_reactor(g, std::move(session));
}

}  // namespace berth::transport_grpc
