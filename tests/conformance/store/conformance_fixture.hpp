// The store conformance suite's fixture: every test gets a fresh instance of the plugin under
// test (chosen on the command line, see main.cpp) with its own temp data dir, and helpers that
// fail the test with the plugin's message when a call that should work does not.
#pragma once

#include "message_copy.hpp"
#include "store/message_builder.hpp"
#include "store/store.hpp"
#include "store_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace berth::conformance {

using kernel::store::appended;
using kernel::store::key_query;
using kernel::store::message_builder;
using kernel::store::read_query;
using kernel::store::read_result;

// The plugin under test, as main() found it on the command line.
struct plugin_under_test {
  std::string name;              // "memory"
  std::string config;            // TOML body of its [store] table
  std::filesystem::path library;
};
const plugin_under_test& target();
void set_target(plugin_under_test plugin);

// An owned copy of a message view, to compare after (or while) the store's memory changes.
using test::message_copy;

std::string_view text(berth_str s);
std::string body_text(const berth_message_view& view);
int64_t now_ms();

class store_conformance : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  kernel::store::store& store() { return harness_->store(); }
  test::store_harness& harness() { return *harness_; }
  // A second, independent instance of the same plugin with its own data dir.
  std::unique_ptr<test::store_harness> open_another();

  // Append one batch and wait; a failure fails the test and returns no results.
  std::vector<appended> append_ok(std::vector<message_builder>& batch);
  appended append_one(message_builder message);
  void sync_ok();
  // A read or lookup that must succeed (at the ABI level: any BERTH_READ_* status).
  read_result read_ok(const read_query& query);
  read_result lookup_key_ok(const key_query& query);
  // Every message of a queue from `from` to its current end, by repeated reads.
  std::vector<message_copy> read_all(std::string_view topic, uint32_t queue_id, uint64_t from = 0);

  // A message with the given body; everything else empty.
  static message_builder message(std::string topic, uint32_t queue_id, std::string_view body);

 private:
  std::unique_ptr<test::store_harness> harness_;
};

}  // namespace berth::conformance
