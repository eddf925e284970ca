// append_call against a scripted ops table: the done callback may come before append()
// filled the results (the SDK adapter acknowledges inside the plugin's append and copies the
// results afterwards), after append() returned on another thread, or never (refusal).
#include "store/append_call.hpp"
#include "store/message_builder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <thread>

namespace berth::kernel::store::detail {
namespace {

// What the scripted append does, and what it kept for later.
struct script {
  enum class mode { done_first, done_later, refuse } how = mode::done_first;
  berth_store_done_fn done = nullptr;
  void* done_arg = nullptr;
};

berth_status scripted_append(berth_instance* instance, const berth_message_view* const*,
                             uint32_t count, berth_append_result* results, uint32_t result_size,
                             berth_store_done_fn done, void* done_arg, berth_errbuf* err) {
  auto* s = reinterpret_cast<script*>(instance);
  if (s->how == script::mode::refuse) {
    std::strncpy(err->buf, "message 0: empty topic", err->cap - 1);
    return BERTH_E_INVALID;
  }
  if (s->how == script::mode::done_first) done(done_arg, BERTH_OK, nullptr);
  for (uint32_t i = 0; i < count; ++i) {
    auto* r = reinterpret_cast<berth_append_result*>(reinterpret_cast<uint8_t*>(results) +
                                                     size_t{i} * result_size);
    r->queue_offset = 10 + i;
    std::snprintf(r->message_id, sizeof r->message_id, "ID%u", i);
  }
  s->done = done;
  s->done_arg = done_arg;
  return BERTH_OK;
}

berth_store_ops scripted_ops() {
  berth_store_ops ops{};
  ops.struct_size = sizeof ops;
  ops.append = &scripted_append;
  return ops;
}

class append_call_order : public ::testing::Test {
 protected:
  void start(script::mode how) {
    script_.how = how;
    std::vector<message_builder> batch(2);
    const berth_store_ops ops = scripted_ops();
    append_call::start(ops, reinterpret_cast<berth_instance*>(&script_), "scripted",
                       views_of(batch), [this](result<std::vector<appended>> r) {
                         ++calls_;
                         outcome_.emplace(std::move(r));
                       });
  }

  script script_;
  int calls_ = 0;
  std::optional<result<std::vector<appended>>> outcome_;
};

TEST_F(append_call_order, done_before_the_results_are_filled_waits_for_append_to_return) {
  start(script::mode::done_first);
  ASSERT_EQ(calls_, 1);
  ASSERT_TRUE(*outcome_) << outcome_->error().message;
  ASSERT_EQ(outcome_->value().size(), 2u);
  EXPECT_EQ(outcome_->value()[1].queue_offset, 11u);
  EXPECT_EQ(outcome_->value()[1].message_id, "ID1");
}

TEST_F(append_call_order, done_after_append_returned_delivers_on_the_store_thread) {
  start(script::mode::done_later);
  EXPECT_EQ(calls_, 0) << "delivered before the store acknowledged";
  std::thread store_thread([&] { script_.done(script_.done_arg, BERTH_OK, nullptr); });
  store_thread.join();
  ASSERT_EQ(calls_, 1);
  ASSERT_TRUE(*outcome_);
  EXPECT_EQ(outcome_->value()[0].message_id, "ID0");
}

TEST_F(append_call_order, a_failed_acknowledgement_carries_the_status_and_message) {
  start(script::mode::done_later);
  std::string message = "fdatasync failed: EIO";
  script_.done(script_.done_arg, BERTH_E_IO, message.c_str());
  message.assign("overwritten");  // the text was valid for the call only
  ASSERT_EQ(calls_, 1);
  ASSERT_FALSE(*outcome_);
  EXPECT_EQ(outcome_->error().code, BERTH_E_IO);
  EXPECT_EQ(outcome_->error().message, "fdatasync failed: EIO");
}

TEST_F(append_call_order, a_refused_batch_is_delivered_inline_with_the_plugin_message) {
  start(script::mode::refuse);
  ASSERT_EQ(calls_, 1);
  ASSERT_FALSE(*outcome_);
  EXPECT_EQ(outcome_->error().code, BERTH_E_INVALID);
  EXPECT_EQ(outcome_->error().message, "message 0: empty topic");
  EXPECT_EQ(script_.done, nullptr);
}

}  // namespace
}  // namespace berth::kernel::store::detail
