// A memory_store driven through the real ABI: the SDK's create/destroy trampolines and its
// berth_store_ops table, over a fake_host. Tests describe messages as test_message values and
// get read results back as owning pointers.
#pragma once

#include "memory_store.hpp"
#include "stored_message.hpp"

#include <berth/plugin/message_id.hpp>
#include <berth/plugin/store.hpp>
#include <berth/plugin/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace berth::plugins::store_memory::test {

struct test_message {
  std::string topic = "orders";
  uint32_t queue_id = 0;
  std::string tags;
  std::string keys;
  std::string body = "hello";
  std::vector<std::pair<std::string, std::string>> properties;
  std::string born_host = "10.0.0.2:50000";
  std::string store_host = "127.0.0.1:10911";
};

// What a test_message counts against max_bytes, written out from the README's rule.
inline uint64_t expected_size(const test_message& m) {
  uint64_t size = message_overhead + m.topic.size() + m.tags.size() + m.keys.size() +
                  m.body.size() + m.born_host.size() + m.store_host.size();
  for (const auto& [name, value] : m.properties) size += name.size() + value.size();
  return size;
}

// ABI views over its own copy of some test_messages, valid while the batch lives.
class view_batch {
 public:
  explicit view_batch(std::vector<test_message> messages) : messages_(std::move(messages)) {
    properties_.reserve(messages_.size());
    views_.reserve(messages_.size());
    for (const test_message& m : messages_) {
      auto& properties = properties_.emplace_back();
      for (const auto& [name, value] : m.properties) {
        properties.push_back(berth_property{sdk::abi_str(name), sdk::abi_str(value)});
      }
      berth_message_view view{};
      view.struct_size = sizeof view;
      view.topic = sdk::abi_str(m.topic);
      view.queue_id = m.queue_id;
      view.born_time_ms = 1'600'000'000'000;
      view.tags = sdk::abi_str(m.tags);
      view.keys = sdk::abi_str(m.keys);
      view.properties = properties.empty() ? nullptr : properties.data();
      view.property_count = static_cast<uint32_t>(properties.size());
      view.flag = 7;
      view.body = berth_bytes{reinterpret_cast<const uint8_t*>(m.body.data()), m.body.size()};
      view.born_host = sdk::abi_str(m.born_host);
      view.store_host = sdk::abi_str(m.store_host);
      views_.push_back(view);
    }
    for (berth_message_view& view : views_) pointers_.push_back(&view);
  }
  view_batch(const view_batch&) = delete;  // the views point into this object's members
  view_batch& operator=(const view_batch&) = delete;
  [[nodiscard]] const berth_message_view* const* data() const { return pointers_.data(); }
  [[nodiscard]] uint32_t size() const { return static_cast<uint32_t>(pointers_.size()); }
  [[nodiscard]] std::vector<const berth_message_view*>& pointers() { return pointers_; }

 private:
  std::vector<test_message> messages_;  // never resized: the views point into it
  std::vector<std::vector<berth_property>> properties_;
  std::vector<berth_message_view> views_;
  std::vector<const berth_message_view*> pointers_;
};

inline std::string text(berth_str s) { return std::string(sdk::view(s)); }
inline std::string body_text(const berth_message_view& v) {
  return v.body.len == 0 ? std::string{}
                         : std::string(reinterpret_cast<const char*>(v.body.ptr), v.body.len);
}

class store_fixture : public ::testing::Test {
 protected:
  using adapter = sdk::detail::store_adapter<memory_store>;
  using lifecycle = sdk::detail::lifecycle<memory_store>;

  struct releaser {
    berth_instance* instance;
    void operator()(berth_read_result* result) const { adapter::ops.release(instance, result); }
  };
  using result_ptr = std::unique_ptr<berth_read_result, releaser>;

  struct append_outcome {
    berth_status status = BERTH_OK;
    std::string error;
    std::vector<berth_append_result> results;
  };

  store_fixture() {
    host_.set_size("max_bytes", 1u << 20);
    host_.set_size("max_message_size", 4096);
    host_.set_duration("retention", std::chrono::hours(1));
    host_.set_duration("retention_check_interval", std::chrono::seconds(10));
  }
  ~store_fixture() override { close(); }

  // Create the instance from the config set so far; a failure fails the test.
  void open() {
    std::array<char, 512> message{};
    berth_errbuf err{message.data(), message.size()};
    ASSERT_EQ(lifecycle::create(host_.table(), host_.context(), &store_, &err), BERTH_OK)
        << message.data();
  }
  void close() {
    if (store_ != nullptr) lifecycle::destroy(store_);
    store_ = nullptr;
  }

  append_outcome append(const std::vector<test_message>& messages) {
    view_batch views(messages);
    return append_views(views);
  }
  append_outcome append_views(const view_batch& views) {
    append_outcome out;
    out.results.resize(views.size());
    std::array<char, 512> message{};
    berth_errbuf err{message.data(), message.size()};
    out.status = adapter::ops.append(store_, views.data(), views.size(), out.results.data(),
                                     sizeof(berth_append_result), nullptr, nullptr, &err);
    out.error = message.data();
    return out;
  }
  // Append one message; the test fails unless it is stored.
  berth_append_result append_ok(const test_message& m = {}) {
    append_outcome out = append({m});
    EXPECT_EQ(out.status, BERTH_OK) << out.error;
    return out.results.empty() ? berth_append_result{} : out.results.front();
  }

  result_ptr read(const std::string& topic, uint32_t queue_id, uint64_t offset,
                  uint32_t max_messages = 32, uint64_t max_bytes = UINT64_MAX,
                  uint64_t max_scan = 0, berth_tag_hash_accept_fn accept = nullptr,
                  void* accept_arg = nullptr) {
    berth_read_request request{};
    request.struct_size = sizeof request;
    request.topic = sdk::abi_str(topic);
    request.queue_id = queue_id;
    request.offset = offset;
    request.max_messages = max_messages;
    request.max_bytes = max_bytes;
    request.max_scan = max_scan;
    request.accept = accept;
    request.accept_arg = accept_arg;
    berth_read_result* out = nullptr;
    std::array<char, 512> message{};
    berth_errbuf err{message.data(), message.size()};
    EXPECT_EQ(adapter::ops.read(store_, &request, &out, &err), BERTH_OK) << message.data();
    return result_ptr(out, releaser{store_});
  }

  // lookup_id: the status, and the result when there is one.
  std::pair<berth_status, result_ptr> lookup_id(const std::string& id,
                                                std::string* error = nullptr) {
    berth_read_result* out = nullptr;
    std::array<char, 512> message{};
    berth_errbuf err{message.data(), message.size()};
    const berth_status status = adapter::ops.lookup_id(store_, sdk::abi_str(id), &out, &err);
    if (error != nullptr) *error = message.data();
    return {status, result_ptr(out, releaser{store_})};
  }

  result_ptr lookup_key(const std::string& topic, const std::string& key, int64_t begin_ms,
                        int64_t end_ms, uint32_t max_messages = 32) {
    berth_read_result* out = nullptr;
    std::array<char, 512> message{};
    berth_errbuf err{message.data(), message.size()};
    EXPECT_EQ(adapter::ops.lookup_key(store_, sdk::abi_str(topic), sdk::abi_str(key), begin_ms,
                                      end_ms, max_messages, &out, &err),
              BERTH_OK)
        << message.data();
    return result_ptr(out, releaser{store_});
  }

  berth_retention_report retention(int64_t now_ms, uint32_t flags = BERTH_RETENTION_EXPIRED) {
    berth_retention_report report{};
    report.struct_size = sizeof report;
    std::array<char, 512> message{};
    berth_errbuf err{message.data(), message.size()};
    EXPECT_EQ(adapter::ops.run_retention(store_, now_ms, flags, &report, &err), BERTH_OK)
        << message.data();
    return report;
  }

  berth_store_stats stats() {
    berth_store_stats out{};
    out.struct_size = sizeof out;
    adapter::ops.stats(store_, &out);
    return out;
  }

  // [min, max) of a queue; {-1, -1} as unsigned when the store does not know it.
  std::pair<uint64_t, uint64_t> bounds(const std::string& topic, uint32_t queue_id) {
    uint64_t min = UINT64_MAX;
    uint64_t max = UINT64_MAX;
    (void)adapter::ops.queue_bounds(store_, sdk::abi_str(topic), queue_id, &min, &max, nullptr);
    return {min, max};
  }

  sdk::testing::fake_host host_;
  berth_instance* store_ = nullptr;
};

}  // namespace berth::plugins::store_memory::test
