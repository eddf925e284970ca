// Topic administration over TCP against a real berthd: create, list, describe and delete with
// every refusal's status, and topics that outlive a restart on the same data dir.
#include "broker_fixture.hpp"
#include "wire_client.hpp"

#include <berth/wire/bodies.hpp>
#include <berth/wire/reader.hpp>

#include <csignal>
#include <fstream>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

std::string topic_broker_config(const temp_dir& dir, const std::string& store_table) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-topic-test"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
{}

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"
)",
                     dir.path().string(), store_table);
}

class topic_admin_test : public ::testing::Test {
 protected:
  void start(const std::string& store_table = "plugin = \"memory\"") {
    broker_ = std::make_unique<running_broker>(dir_, topic_broker_config(dir_, store_table));
    const std::string endpoint = broker_->wait_for_endpoint();
    ASSERT_FALSE(endpoint.empty()) << broker_->process().err();
    client_ = std::make_unique<wire_client>(endpoint);
  }
  void stop() {
    client_.reset();
    broker_->process().signal(SIGTERM);
    EXPECT_EQ(broker_->process().wait_exit(10s), 0) << broker_->process().err();
    broker_.reset();
  }
  void TearDown() override {
    if (broker_) stop();
  }

  template <class Body>
  std::vector<uint8_t> call(wire::code code, const Body& body) {
    auto answer = client_->call(code, body);
    EXPECT_TRUE(answer) << "no answer to " << wire::name(code);
    if (!answer) return {};
    EXPECT_EQ(header_of(*answer).request_id, client_->last_request_id());
    return *answer;
  }
  wire::status create(std::string_view name, uint32_t queues, uint8_t perm = 6) {
    const auto answer = call(wire::code::topic_create, wire::topic_create_request{name, queues, perm});
    return answer.empty() ? wire::status::internal : header_of(answer).status;
  }
  std::vector<std::string> list() {
    const auto answer = call(wire::code::topic_list, wire::topic_list_request{});
    if (answer.empty()) return {};
    const wire::frame_header h = header_of(answer);
    EXPECT_EQ(h.status, wire::status::ok);
    auto body = wire::decode<wire::topic_list_response>(wire::frame_body(answer, h), h.code,
                                                        wire::kind::response);
    EXPECT_TRUE(body) << body.error().message;
    return body ? std::vector<std::string>(body->names.begin(), body->names.end())
                : std::vector<std::string>{};
  }
  std::vector<uint8_t> describe(std::string_view name) {
    return call(wire::code::topic_describe, wire::topic_describe_request{name});
  }
  static wire::topic_describe_response described(const std::vector<uint8_t>& answer) {
    const wire::frame_header h = header_of(answer);
    EXPECT_EQ(h.status, wire::status::ok);
    auto body = wire::decode<wire::topic_describe_response>(wire::frame_body(answer, h), h.code,
                                                            wire::kind::response);
    EXPECT_TRUE(body) << body.error().message;
    return body ? *body : wire::topic_describe_response{};
  }
  std::vector<uint8_t> remove(std::string_view name) {
    return call(wire::code::topic_delete, wire::topic_delete_request{name});
  }

  temp_dir dir_;
  std::unique_ptr<running_broker> broker_;
  std::unique_ptr<wire_client> client_;
};

TEST_F(topic_admin_test, create_list_describe_delete) {
  ASSERT_NO_FATAL_FAILURE(start());
  EXPECT_TRUE(list().empty());
  EXPECT_EQ(create("orders", 4), wire::status::ok);
  EXPECT_EQ(create("audit", 2, 4), wire::status::ok);
  EXPECT_EQ(list(), (std::vector<std::string>{"audit", "orders"}));

  const auto out = described(describe("orders"));
  EXPECT_EQ(out.queues, 4u);
  EXPECT_EQ(out.perm, 6);
  ASSERT_EQ(out.queue_states.size(), 4u);
  for (uint32_t q = 0; q < 4; ++q) {
    EXPECT_EQ(out.queue_states[q], (wire::queue_state{q, 0, 0})) << "never written: 0/0";
  }

  EXPECT_EQ(header_of(remove("orders")).status, wire::status::ok);
  EXPECT_EQ(list(), std::vector<std::string>{"audit"});
}

TEST_F(topic_admin_test, a_different_recreate_is_topic_exists_an_identical_one_ok) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_EQ(create("orders", 4), wire::status::ok);
  EXPECT_EQ(create("orders", 4), wire::status::ok);
  EXPECT_EQ(create("orders", 8), wire::status::topic_exists);
  EXPECT_EQ(create("orders", 4, 2), wire::status::topic_exists);
  EXPECT_EQ(described(describe("orders")).queues, 4u);
}

TEST_F(topic_admin_test, unknown_topics_are_no_topic) {
  ASSERT_NO_FATAL_FAILURE(start());
  const auto described_frame = describe("never");
  EXPECT_EQ(header_of(described_frame).status, wire::status::no_topic);
  EXPECT_NE(error_text(described_frame).find("never"), std::string::npos);
  EXPECT_EQ(header_of(remove("never")).status, wire::status::no_topic);
}

TEST_F(topic_admin_test, invalid_values_are_invalid_argument_and_the_connection_goes_on) {
  ASSERT_NO_FATAL_FAILURE(start());
  const auto bad_name = call(wire::code::topic_create, wire::topic_create_request{"a b", 4, 6});
  EXPECT_EQ(header_of(bad_name).status, wire::status::invalid_argument);
  EXPECT_NE(error_text(bad_name).find("topic:"), std::string::npos) << error_text(bad_name);
  EXPECT_EQ(create("x/y", 4), wire::status::invalid_argument);
  EXPECT_EQ(create(std::string(256, 'x'), 4), wire::status::invalid_argument);
  EXPECT_EQ(create("ok", 0), wire::status::invalid_argument);
  EXPECT_EQ(create("ok", 5000), wire::status::invalid_argument);
  EXPECT_EQ(create("ok", 4, 8), wire::status::invalid_argument);
  EXPECT_TRUE(list().empty());
  EXPECT_EQ(create("ok", 4), wire::status::ok);
}

TEST_F(topic_admin_test, topics_survive_a_restart_on_the_same_data_dir) {
  const std::string mmap = "plugin = \"mmap\"\nsegment_size = \"4MiB\"";
  ASSERT_NO_FATAL_FAILURE(start(mmap));
  ASSERT_EQ(create("orders", 3, 4), wire::status::ok);
  ASSERT_EQ(create("audit", 1), wire::status::ok);
  ASSERT_EQ(create("gone", 1), wire::status::ok);
  ASSERT_EQ(header_of(remove("gone")).status, wire::status::ok);
  ASSERT_NO_FATAL_FAILURE(stop());

  ASSERT_NO_FATAL_FAILURE(start(mmap));
  EXPECT_NE(broker_->process().err().find("2 topic(s) loaded"), std::string::npos)
      << broker_->process().err();
  EXPECT_EQ(list(), (std::vector<std::string>{"audit", "orders"}));
  const auto out = described(describe("orders"));
  EXPECT_EQ(out.queues, 3u);
  EXPECT_EQ(out.perm, 4);
  EXPECT_EQ(out.queue_states.size(), 3u);
}

TEST_F(topic_admin_test, a_damaged_topic_file_stops_the_start_naming_it) {
  const std::filesystem::path file = dir_.path() / "data" / "config" / "topics.json";
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "{\"version\": 1, \"topics\": ";
  running_broker broker(dir_, topic_broker_config(dir_, "plugin = \"memory\""));
  EXPECT_EQ(broker.process().wait_exit(10s), 1) << broker.process().err();
  EXPECT_NE(broker.process().err().find(file.string()), std::string::npos)
      << broker.process().err();
}

}  // namespace
}  // namespace berth::test
