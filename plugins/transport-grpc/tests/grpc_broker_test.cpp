// transport-grpc in a real berthd, driven by a gRPC C++ client: bad input gets the status a
// RocketMQ client understands (never a crash or a hang), and the broker goes on serving.
#include "broker_fixture.hpp"
#include "process.hpp"

#include <apache/rocketmq/v2/service.grpc.pb.h>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace berth::test {
namespace {

namespace v2 = apache::rocketmq::v2;
using namespace std::chrono_literals;

std::string grpc_config(const temp_dir& dir, const std::string& tables = "") {
  return memory_broker_config(dir, R"([[transport]]
plugin = "grpc"
listen = "127.0.0.1:0"
long_polling_timeout = "2s"
max_body_size = "64KiB"

)" + tables);
}

class grpc_broker_test : public ::testing::Test {
 protected:
  void start(const std::string& tables = "") {
    broker_ = std::make_unique<running_broker>(dir_, grpc_config(dir_, tables));
    tcp_ = broker_->wait_for_endpoint_of("transport-tcp-1");
    grpc_ = broker_->wait_for_endpoint_of("transport-grpc-1");
    ASSERT_FALSE(grpc_.empty()) << broker_->process().err();
    channel_ = grpc::CreateChannel(grpc_, grpc::InsecureChannelCredentials());
    stub_ = v2::MessagingService::NewStub(channel_);
  }

  void TearDown() override {
    if (!broker_) return;
    broker_->process().signal(SIGTERM);
    EXPECT_EQ(broker_->process().wait_exit(10s), 0) << broker_->process().err();
  }

  void create_topic(const std::string& name) {
    const run_result r = run({BERTHCTL_PATH, "--server", tcp_, "topic", "create", name}, dir_.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // A context as RocketMQ clients make it: their client id, a deadline.
  static std::unique_ptr<grpc::ClientContext> context(std::chrono::milliseconds deadline = 3s) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("x-mq-client-id", "test-client@1");
    ctx->set_deadline(std::chrono::system_clock::now() + deadline);
    return ctx;
  }

  v2::SendMessageResponse send(const v2::Message& m) {
    v2::SendMessageRequest req;
    *req.add_messages() = m;
    v2::SendMessageResponse resp;
    auto ctx = context();
    const grpc::Status s = stub_->SendMessage(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  static v2::Message message(const std::string& topic, std::string body) {
    v2::Message m;
    m.mutable_topic()->set_name(topic);
    m.set_body(std::move(body));
    m.mutable_system_properties()->set_message_id("0102FC0000000121F30B283B1100000000");
    m.mutable_system_properties()->set_message_type(v2::NORMAL);
    return m;
  }

  temp_dir dir_;
  std::unique_ptr<running_broker> broker_;
  std::string tcp_, grpc_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v2::MessagingService::Stub> stub_;
};

TEST_F(grpc_broker_test, a_malformed_protobuf_fails_its_call_and_the_broker_serves_the_next) {
  start();
  grpc::GenericStub generic(channel_);
  const char garbage[] = "\xff\xff\xff\xff\x0f\x12";
  grpc::Slice slice(garbage, sizeof garbage - 1);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  auto ctx = context();
  generic.UnaryCall(ctx.get(), "/apache.rocketmq.v2.MessagingService/SendMessage", {}, &request,
                    &response, [&](grpc::Status s) { done.set_value(s); });
  const grpc::Status s = done.get_future().get();
  EXPECT_FALSE(s.ok()) << "a body that is no SendMessageRequest was taken";

  // The same path with a valid (empty) request reaches the service: a business answer.
  grpc::Slice no_bytes(std::string{});
  grpc::ByteBuffer empty_request(&no_bytes, 1);
  std::promise<grpc::Status> answered;
  auto valid = context();
  generic.UnaryCall(valid.get(), "/apache.rocketmq.v2.MessagingService/SendMessage", {},
                    &empty_request, &response, [&](grpc::Status st) { answered.set_value(st); });
  ASSERT_TRUE(answered.get_future().get().ok());
  v2::SendMessageResponse parsed;
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& part : slices) {
    bytes.append(reinterpret_cast<const char*>(part.begin()), part.size());
  }
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.status().code(), v2::BAD_REQUEST) << parsed.status().message();

  v2::QueryRouteRequest route;
  route.mutable_topic()->set_name("missing");
  v2::QueryRouteResponse answer;
  auto next = context();
  ASSERT_TRUE(stub_->QueryRoute(next.get(), route, &answer).ok());
  EXPECT_EQ(answer.status().code(), v2::TOPIC_NOT_FOUND) << answer.status().message();
}

TEST_F(grpc_broker_test, bad_topics_and_oversized_bodies_get_rocketmq_codes) {
  start();
  create_topic("orders");
  auto bad = send(message("bad topic", "x"));
  ASSERT_EQ(bad.entries_size(), 1);
  EXPECT_EQ(bad.entries(0).status().code(), v2::ILLEGAL_TOPIC);
  EXPECT_EQ(bad.status().code(), v2::ILLEGAL_TOPIC);

  auto large = send(message("orders", std::string(64 * 1024 + 1, 'x')));
  EXPECT_EQ(large.entries(0).status().code(), v2::MESSAGE_BODY_TOO_LARGE);
  auto fine = send(message("orders", std::string(64 * 1024, 'x')));
  EXPECT_EQ(fine.entries(0).status().code(), v2::OK) << fine.entries(0).status().message();
  EXPECT_EQ(fine.entries(0).message_id(), "0102FC0000000121F30B283B1100000000");

  // Past gRPC's own limit (the body limit plus 1 MiB): refused by gRPC, the broker unharmed.
  v2::SendMessageRequest req;
  *req.add_messages() = message("orders", std::string(2 << 20, 'x'));
  v2::SendMessageResponse resp;
  auto ctx = context();
  EXPECT_EQ(stub_->SendMessage(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(send(message("orders", "after")).entries(0).status().code(), v2::OK);
}

TEST_F(grpc_broker_test, forged_and_malformed_receipt_handles_are_invalid) {
  start();
  create_topic("orders");
  for (const std::string handle : {"not a handle", "QUFBQUFBQUFB.0.0", ""}) {
    v2::AckMessageRequest req;
    req.mutable_group()->set_name("g");
    req.mutable_topic()->set_name("orders");
    auto* e = req.add_entries();
    e->set_message_id("m");
    e->set_receipt_handle(handle);
    v2::AckMessageResponse resp;
    auto ctx = context();
    ASSERT_TRUE(stub_->AckMessage(ctx.get(), req, &resp).ok());
    EXPECT_EQ(resp.status().code(), v2::INVALID_RECEIPT_HANDLE) << handle << ": "
                                                               << resp.status().message();
  }
}

TEST_F(grpc_broker_test, a_receive_ends_before_its_deadline_and_says_so_when_no_time_is_left) {
  start();
  create_topic("orders");
  const auto receive = [&](std::chrono::milliseconds deadline) {
    v2::ReceiveMessageRequest req;
    req.mutable_group()->set_name("g");
    req.mutable_message_queue()->mutable_topic()->set_name("orders");
    req.set_batch_size(8);
    req.mutable_invisible_duration()->set_seconds(30);
    req.mutable_long_polling_timeout()->set_seconds(20);  // capped by the broker's 2 s
    auto ctx = context(deadline);
    auto reader = stub_->ReceiveMessage(ctx.get(), req);
    std::vector<v2::ReceiveMessageResponse> out;
    v2::ReceiveMessageResponse r;
    while (reader->Read(&r)) out.push_back(r);
    EXPECT_TRUE(reader->Finish().ok());
    return out;
  };
  const auto began = std::chrono::steady_clock::now();
  auto empty = receive(10s);
  const auto waited = std::chrono::steady_clock::now() - began;
  ASSERT_FALSE(empty.empty());
  EXPECT_EQ(empty.front().status().code(), v2::MESSAGE_NOT_FOUND);
  EXPECT_TRUE(empty.back().has_delivery_timestamp());
  EXPECT_GE(waited, 1500ms);  // it held the long poll
  EXPECT_LT(waited, 8s);      // and ended with the broker's cap, not the client's 20 s

  auto hurried = receive(500ms);
  ASSERT_FALSE(hurried.empty());
  EXPECT_EQ(hurried.front().status().code(), v2::ILLEGAL_POLLING_TIME);
}

TEST_F(grpc_broker_test, calls_to_a_broker_with_accounts_need_a_valid_signature) {
  const auto accounts = dir_.write("accounts.toml", R"(
[[accounts]]
access_key = "app"
secret_key = "app-secret-0123456789"
topics = { "*" = "PUB|SUB" }
groups = { "*" = "PUB|SUB" }
)");
  start("[auth]\nplugin = \"acl\"\naccounts = \"" + accounts.string() + "\"\n");
  const auto route = [&](const std::string& authorization) {
    v2::QueryRouteRequest req;
    req.mutable_topic()->set_name("missing");
    v2::QueryRouteResponse resp;
    auto ctx = context();
    ctx->AddMetadata("x-mq-date-time", "20240913T063059Z");
    if (!authorization.empty()) ctx->AddMetadata("authorization", authorization);
    EXPECT_TRUE(stub_->QueryRoute(ctx.get(), req, &resp).ok());
    return resp.status();
  };
  EXPECT_EQ(route("").code(), v2::UNAUTHORIZED);
  EXPECT_EQ(route("MQv2-HMAC-SHA1 Credential=app, SignedHeaders=x-mq-date-time, "
                  "Signature=00112233445566778899AABBCCDDEEFF00112233")
                .code(),
            v2::UNAUTHORIZED);
  EXPECT_EQ(route("MQv2-HMAC-SHA1 Credential=nobody, Signature=00").code(), v2::UNAUTHORIZED);
  EXPECT_EQ(route("Basic abc").code(), v2::UNAUTHORIZED);
}

TEST_F(grpc_broker_test, sigterm_during_a_long_poll_ends_the_call_and_the_broker_promptly) {
  start();
  create_topic("orders");
  v2::ReceiveMessageRequest req;
  req.mutable_group()->set_name("g");
  req.mutable_message_queue()->mutable_topic()->set_name("orders");
  req.set_batch_size(8);
  req.mutable_invisible_duration()->set_seconds(30);
  auto ctx = context(30s);
  auto reader = stub_->ReceiveMessage(ctx.get(), req);
  std::this_thread::sleep_for(300ms);  // the pop is waiting in the kernel
  const auto began = std::chrono::steady_clock::now();
  broker_->process().signal(SIGTERM);
  EXPECT_EQ(broker_->process().wait_exit(10s), 0) << broker_->process().err();
  v2::ReceiveMessageResponse r;
  while (reader->Read(&r)) {
  }
  (void)reader->Finish();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 8s);
  broker_.reset();
}

}  // namespace
}  // namespace berth::test
