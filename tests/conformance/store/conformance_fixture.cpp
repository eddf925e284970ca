#include "conformance_fixture.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>

namespace berth::conformance {
namespace {

plugin_under_test& target_storage() {
  static plugin_under_test plugin;
  return plugin;
}

// A call that had to succeed did not: end the test with the plugin's own words (GoogleTest
// reports an exception escaping a test body as that test's failure).
[[noreturn]] void call_failed(std::string_view what, const berth::error& e) {
  throw std::runtime_error(fmt::format("{} failed with status {}: {}", what, e.code, e.message));
}

}  // namespace

const plugin_under_test& target() { return target_storage(); }
void set_target(plugin_under_test plugin) { target_storage() = std::move(plugin); }

std::string_view text(berth_str s) {
  return s.len == 0 ? std::string_view{} : std::string_view{s.ptr, s.len};
}

std::string body_text(const berth_message_view& view) {
  return view.body.len == 0
             ? std::string{}
             : std::string(reinterpret_cast<const char*>(view.body.ptr), view.body.len);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void store_conformance::SetUp() {
  auto opened = test::store_harness::open(target().library, target().config);
  ASSERT_TRUE(opened) << "cannot open store plugin '" << target().name
                      << "': " << opened.error().message;
  harness_ = std::move(opened).value();
}

void store_conformance::TearDown() { harness_.reset(); }

std::unique_ptr<test::store_harness> store_conformance::open_another() {
  auto opened = test::store_harness::open(target().library, target().config);
  if (!opened) call_failed("opening a second instance", opened.error());
  return std::move(opened).value();
}

std::vector<appended> store_conformance::append_ok(std::vector<message_builder>& batch) {
  const std::vector<const berth_message_view*> views = kernel::store::views_of(batch);
  auto done = store().append(views);
  if (!done) call_failed("append", done.error());
  if (done.value().size() != batch.size()) {
    throw std::runtime_error(fmt::format("append of {} messages gave {} results", batch.size(),
                                         done.value().size()));
  }
  return std::move(done).value();
}

appended store_conformance::append_one(message_builder message) {
  std::vector<message_builder> batch;
  batch.push_back(std::move(message));
  return append_ok(batch).front();
}

void store_conformance::sync_ok() {
  auto done = store().sync();
  if (!done) call_failed("sync", done.error());
}

read_result store_conformance::read_ok(const read_query& query) {
  auto found = store().read(query);
  if (!found) call_failed(fmt::format("read of {}:{} at {}", query.topic, query.queue_id, query.offset),
                          found.error());
  return std::move(found).value();
}

read_result store_conformance::lookup_key_ok(const key_query& query) {
  auto found = store().lookup_key(query);
  if (!found) call_failed(fmt::format("lookup_key '{}' in '{}'", query.key, query.topic),
                          found.error());
  return std::move(found).value();
}

std::vector<message_copy> store_conformance::read_all(std::string_view topic, uint32_t queue_id,
                                                      uint64_t from) {
  std::vector<message_copy> all;
  for (uint64_t offset = from;;) {
    const read_result batch = read_ok({.topic = topic, .queue_id = queue_id, .offset = offset,
                                       .max_messages = 64});
    if (batch.status() != BERTH_READ_FOUND) break;
    if (batch.empty() || batch.next_offset() <= offset) {
      throw std::runtime_error(fmt::format("read of {}:{} at {} found {} messages and next "
                                           "offset {}: no progress", topic, queue_id, offset,
                                           batch.size(), batch.next_offset()));
    }
    for (const berth_message_view* view : batch.messages()) all.push_back(message_copy::of(*view));
    offset = batch.next_offset();
  }
  return all;
}

message_builder store_conformance::message(std::string topic, uint32_t queue_id,
                                           std::string_view body) {
  message_builder m(std::move(topic), queue_id);
  m.body(body);
  return m;
}

}  // namespace berth::conformance
