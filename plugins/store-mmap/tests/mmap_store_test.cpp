// store-mmap as berthd runs it: libberth-store-mmap.so loaded by the kernel's store fixture,
// its TOML table validated against the plugin's schema, every call through the real ABI.
// Small segments (1 MiB) and small consume-queue and key-index files (64 entries) make a few
// MiB of messages cross every kind of file boundary. Each test owns one store directory
// (`path`), so that instances can be closed and reopened on the same data, and the files in
// it can be inspected or damaged between runs.
#include "checkpoint.hpp"
#include "mapped_file.hpp"
#include "record.hpp"

#include "log/logger.hpp"
#include "message_copy.hpp"
#include "process.hpp"
#include "store/message_builder.hpp"
#include "store/store.hpp"
#include "store_fixture.hpp"

#include <spdlog/sinks/base_sink.h>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace berth::store_mmap {
namespace {

namespace fs = std::filesystem;
using kernel::store::appended;
using kernel::store::key_query;
using kernel::store::message_builder;
using kernel::store::read_query;
using kernel::store::read_result;
using store_api = kernel::store::store;
using harness_ptr = std::unique_ptr<test::store_harness>;

constexpr uint64_t segment_bytes = uint64_t{1} << 20;
constexpr uint64_t queue_file_entries = 64;
constexpr int64_t hour_ms = int64_t{3600} * 1000;
constexpr const char* the_store_host = "127.0.0.1:10911";
constexpr const char* the_born_host = "10.1.2.3:40000";

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Poll `done` for up to `limit`.
template <class Pred>
bool eventually(Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// ---- what the store logs ----------------------------------------------------------------------

// Collects the lines of one logger (the plugin instance's), beside its usual stderr sink.
class captured_log final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    lines_.clear();
  }
  bool contains(std::string_view needle) {
    std::lock_guard lock(mutex_);
    return std::any_of(lines_.begin(), lines_.end(),
                       [&](const std::string& l) { return l.find(needle) != std::string::npos; });
  }
  std::string all() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const std::string& l : lines_) out += "  " + l + "\n";
    return out;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines_.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

// The instance logger the fixture gives every store-mmap instance ("store.store-mmap-1"); made
// here first, so that the capture is in place before any instance logs.
captured_log& store_log() {
  static const std::shared_ptr<captured_log> sink = [] {
    auto made = std::make_shared<captured_log>();
    kernel::log::plugin("store", "store-mmap-1", std::nullopt)->sinks().push_back(made);
    return made;
  }();
  return *sink;
}

// ---- messages ---------------------------------------------------------------------------------

struct queue_ref {
  std::string topic;
  uint32_t queue_id = 0;
  auto operator<=>(const queue_ref&) const = default;
};

std::ostream& operator<<(std::ostream& out, const queue_ref& q) {
  return out << q.topic << ":" << q.queue_id;
}

// One message as the test sent it, and what the store assigned to it.
struct sent_message {
  queue_ref queue;
  uint64_t index = 0;  // unique in the test: keys, tags and body follow from it
  std::string body;
  appended at;

  [[nodiscard]] std::string key() const { return fmt::format("key-{}", index); }
  [[nodiscard]] std::string unique_key() const { return fmt::format("uniq-{}", index); }
  [[nodiscard]] std::string tags() const { return fmt::format("tag{}", index % 3); }
};

// A body of `size` bytes that names its message; no byte is zero.
std::string body_for(uint64_t index, size_t size) {
  std::string body = fmt::format("message {} |", index);
  body.reserve(size);
  for (size_t i = body.size(); i < size; ++i) {
    body.push_back(static_cast<char>('!' + (index * 131 + i * 7) % 90));
  }
  body.resize(size);
  return body;
}

message_builder builder_for(const sent_message& m) {
  message_builder b(m.queue.topic, m.queue.queue_id);
  b.tags(m.tags())
      .keys(m.key())
      .property("seq", std::to_string(m.index))
      .property("UNIQ_KEY", m.unique_key())
      .body(m.body)
      .born_time_ms(1'000'000 + static_cast<int64_t>(m.index))
      .born_host(the_born_host)
      .store_host(the_store_host);
  return b;
}

// An owned copy of a message view, as the store conformance suite makes it too.
using stored_message = test::message_copy;

// The copy the store should serve of a message the test sent.
stored_message expected(const sent_message& s) {
  stored_message m;
  m.topic = s.queue.topic;
  m.queue_id = s.queue.queue_id;
  m.queue_offset = s.at.queue_offset;
  m.log_offset = s.at.log_offset;
  m.born_time_ms = 1'000'000 + static_cast<int64_t>(s.index);
  m.store_time_ms = s.at.store_time_ms;
  m.message_id = s.at.message_id;
  m.tags = s.tags();
  m.keys = s.key();
  const std::string tags = s.tags();
  m.tag_hash = berth_tag_hash(berth_str{tags.data(), tags.size()});
  m.properties = {{"seq", std::to_string(s.index)}, {"UNIQ_KEY", s.unique_key()}};
  m.body.assign(s.body.begin(), s.body.end());
  m.born_host = the_born_host;
  m.store_host = the_store_host;
  return m;
}

// A call that had to succeed did not: end the test with the plugin's own words.
[[noreturn]] void call_failed(std::string_view what, const berth::error& e) {
  throw std::runtime_error(fmt::format("{} failed with status {}: {}", what, e.code, e.message));
}

std::vector<stored_message> copies(const read_result& r) {
  std::vector<stored_message> out;
  for (const berth_message_view* v : r.messages()) out.push_back(stored_message::of(*v));
  return out;
}

// Append messages index first..first+count-1, spread round-robin over `queues`, in batches;
// bodies of 512 bytes to `max_body` bytes.
std::vector<sent_message> append_messages(store_api& store, const std::vector<queue_ref>& queues,
                                          uint64_t first, uint64_t count, size_t max_body = 8192,
                                          size_t batch_size = 16) {
  std::vector<sent_message> sent;
  for (uint64_t begin = first; begin < first + count; begin += batch_size) {
    const uint64_t end = std::min<uint64_t>(first + count, begin + batch_size);
    std::vector<sent_message> batch;
    std::vector<message_builder> builders;
    for (uint64_t i = begin; i < end; ++i) {
      sent_message m;
      m.queue = queues[i % queues.size()];
      m.index = i;
      m.body = body_for(i, 512 + (i * 2654435761u) % (max_body - 511));
      builders.push_back(builder_for(m));
      batch.push_back(std::move(m));
    }
    auto done = store.append(kernel::store::views_of(builders));
    if (!done) call_failed(fmt::format("append of messages {}..{}", begin, end - 1), done.error());
    if (done.value().size() != batch.size()) {
      throw std::runtime_error(fmt::format("append of {} messages gave {} results", batch.size(),
                                           done.value().size()));
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i].at = done.value()[i];
    std::move(batch.begin(), batch.end(), std::back_inserter(sent));
  }
  // Acknowledged messages become visible shortly after; sync() waits until they are.
  if (auto synced = store.sync(); !synced) call_failed("sync", synced.error());
  return sent;
}

std::map<queue_ref, std::vector<const sent_message*>> by_queue(const std::vector<sent_message>& all) {
  std::map<queue_ref, std::vector<const sent_message*>> out;
  for (const sent_message& m : all) out[m.queue].push_back(&m);
  for (auto& [q, list] : out) {
    std::sort(list.begin(), list.end(), [](const sent_message* a, const sent_message* b) {
      return a->at.queue_offset < b->at.queue_offset;
    });
  }
  return out;
}

// Every message of a queue from `from` to its current end, by repeated reads.
std::vector<stored_message> read_all(store_api& store, const queue_ref& q, uint64_t from) {
  std::vector<stored_message> all;
  for (uint64_t offset = from;;) {
    auto found = store.read({.topic = q.topic, .queue_id = q.queue_id, .offset = offset,
                             .max_messages = 64});
    if (!found) call_failed(fmt::format("read of {}:{} at {}", q.topic, q.queue_id, offset),
                            found.error());
    const read_result& batch = found.value();
    if (batch.status() != BERTH_READ_FOUND) break;
    if (batch.empty() || batch.next_offset() <= offset) {
      throw std::runtime_error(fmt::format("read of {}:{} at {} made no progress", q.topic,
                                           q.queue_id, offset));
    }
    for (const berth_message_view* v : batch.messages()) all.push_back(stored_message::of(*v));
    offset = batch.next_offset();
  }
  return all;
}

// The first queue offset of `list` whose record starts at or after log_min (list.size() when
// none): where retention must have moved the queue's start.
uint64_t expected_min(const std::vector<const sent_message*>& list, uint64_t log_min) {
  for (const sent_message* m : list) {
    if (m->at.log_offset >= log_min) return m->at.queue_offset;
  }
  return list.empty() ? 0 : list.back()->at.queue_offset + 1;
}

// Every message of `sent` at or after its queue's start (`log_min` decides which ones
// retention kept) reads back intact, the bounds are exact, and both lookups find each one.
void expect_serves(store_api& store, const std::vector<sent_message>& sent, uint64_t log_min = 0) {
  for (const auto& [q, list] : by_queue(sent)) {
    SCOPED_TRACE(fmt::format("queue {}:{}", q.topic, q.queue_id));
    const uint64_t min = expected_min(list, log_min);
    const uint64_t max = list.back()->at.queue_offset + 1;
    auto bounds = store.bounds(q.topic, q.queue_id);
    if (!bounds) call_failed("bounds", bounds.error());
    EXPECT_EQ(bounds.value().min_offset, min);
    EXPECT_EQ(bounds.value().max_offset, max);

    const std::vector<stored_message> got = read_all(store, q, min);
    std::vector<stored_message> want;
    for (const sent_message* m : list) {
      if (m->at.queue_offset >= min) want.push_back(expected(*m));
    }
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], want[i]) << "message " << i << " of the queue read back differently";
    }
  }
  for (const sent_message& m : sent) {
    const bool kept = m.at.log_offset >= log_min;
    auto by_id = store.lookup_id(m.at.message_id);
    if (kept) {
      if (!by_id) call_failed("lookup_id " + m.at.message_id, by_id.error());
      ASSERT_EQ(by_id.value().size(), 1u) << m.at.message_id;
      ASSERT_EQ(stored_message::of(by_id.value()[0]), expected(m));
    } else {
      ASSERT_FALSE(by_id) << "message " << m.index << " at log offset " << m.at.log_offset
                          << " is below the log start " << log_min << " but was found by id";
      EXPECT_EQ(by_id.error().code, BERTH_E_NOT_FOUND) << by_id.error().message;
    }
    for (const std::string& key : {m.key(), m.unique_key()}) {
      auto by_key = store.lookup_key({.topic = m.queue.topic, .key = key, .max_messages = 8});
      if (!by_key) call_failed("lookup_key " + key, by_key.error());
      if (kept) {
        ASSERT_EQ(by_key.value().size(), 1u) << "key " << key << " (duplicates or missing)";
        ASSERT_EQ(stored_message::of(by_key.value()[0]), expected(m));
      } else {
        ASSERT_EQ(by_key.value().size(), 0u) << "key " << key << " of a deleted message";
      }
    }
  }
}

// Everything the read side answers about `sent`, to compare two instances' answers.
struct answers {
  std::map<queue_ref, std::pair<uint64_t, uint64_t>> bounds;
  std::map<queue_ref, std::vector<stored_message>> messages;
  std::map<queue_ref, std::vector<uint64_t>> by_time;
  std::vector<std::vector<stored_message>> by_id;
  std::vector<std::vector<stored_message>> by_key;
};

answers collect_answers(store_api& store, const std::vector<sent_message>& sent) {
  answers a;
  std::set<int64_t> times{0, std::numeric_limits<int64_t>::max()};
  for (const sent_message& m : sent) {
    times.insert(m.at.store_time_ms - 1);
    times.insert(m.at.store_time_ms);
    times.insert(m.at.store_time_ms + 1);
  }
  for (const auto& [q, list] : by_queue(sent)) {
    auto bounds = store.bounds(q.topic, q.queue_id);
    if (!bounds) call_failed("bounds", bounds.error());
    a.bounds[q] = {bounds.value().min_offset, bounds.value().max_offset};
    a.messages[q] = read_all(store, q, bounds.value().min_offset);
    for (const int64_t t : times) {
      auto at = store.offset_by_time(q.topic, q.queue_id, t);
      if (!at) call_failed(fmt::format("offset_by_time {}", t), at.error());
      a.by_time[q].push_back(at.value());
    }
  }
  for (const sent_message& m : sent) {
    auto by_id = store.lookup_id(m.at.message_id);
    a.by_id.push_back(by_id ? copies(by_id.value()) : std::vector<stored_message>{});
    for (const std::string& key : {m.key(), m.unique_key()}) {
      auto by_key = store.lookup_key({.topic = m.queue.topic, .key = key, .max_messages = 8});
      if (!by_key) call_failed("lookup_key " + key, by_key.error());
      a.by_key.push_back(copies(by_key.value()));
    }
  }
  return a;
}

void expect_same_answers(const answers& before, const answers& after) {
  EXPECT_EQ(before.bounds, after.bounds);
  EXPECT_EQ(before.by_time, after.by_time);
  ASSERT_EQ(before.messages.size(), after.messages.size());
  for (const auto& [q, list] : before.messages) {
    ASSERT_TRUE(after.messages.contains(q)) << q;
    ASSERT_EQ(list, after.messages.at(q)) << "reads of " << q;
  }
  ASSERT_EQ(before.by_id.size(), after.by_id.size());
  for (size_t i = 0; i < before.by_id.size(); ++i) {
    ASSERT_EQ(before.by_id[i], after.by_id[i]) << "lookup_id of message " << i;
  }
  ASSERT_EQ(before.by_key.size(), after.by_key.size());
  for (size_t i = 0; i < before.by_key.size(); ++i) {
    ASSERT_EQ(before.by_key[i], after.by_key[i]) << "lookup_key number " << i;
  }
}

// Names in `dir` (sorted), empty when it does not exist.
std::vector<std::string> file_names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Path (relative), size and contents of every file under `root`: a failed open must leave it
// exactly as it was.
std::map<std::string, std::string> tree_contents(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string rel = fs::relative(entry.path(), root).string();
    if (entry.is_directory()) {
      out[rel + "/"] = "";
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    out[rel] = std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

berth_store_stats raw_stats(const test::store_harness& h) {
  berth_store_stats s{};
  s.struct_size = sizeof s;
  h.ops().stats(h.handle(), &s);
  return s;
}

// ---- the fixture ------------------------------------------------------------------------------

// TOML values by key; overrides replace the base settings.
using settings = std::map<std::string, std::string>;

class mmap_store_test : public ::testing::Test {
 protected:
  void SetUp() override { store_log().clear(); }

  // The store's directory (`path`); created by the first instance.
  [[nodiscard]] fs::path dir() const { return data_.path() / "store"; }
  [[nodiscard]] fs::path log_dir() const { return dir() / "commitlog"; }

  [[nodiscard]] std::string config(const settings& overrides = {}) const {
    settings s{
        {"path", "'" + dir().string() + "'"},
        {"segment_size", "\"1MiB\""},
        {"queue_file_entries", std::to_string(queue_file_entries)},
        {"index_slots", "16"},
        {"index_entries", "64"},
        // Whatever the build machine's disk holds, only the tests that ask for disk pressure
        // get it.
        {"disk_full", "1.0"},
        {"disk_high_water", "1.0"},
    };
    for (const auto& [key, value] : overrides) s[key] = value;
    std::string toml;
    for (const auto& [key, value] : s) toml += key + " = " + value + "\n";
    return toml;
  }

  result<harness_ptr> try_open(const settings& overrides = {}) const {
    return test::store_harness::open(test::store_plugin_path("mmap"), config(overrides));
  }

  harness_ptr open(const settings& overrides = {}) const {
    auto opened = try_open(overrides);
    if (!opened) call_failed("opening store-mmap", opened.error());
    return std::move(opened).value();
  }

  test::temp_dir data_;
};

// Test names read as sentences; the flush mode is the parameter.
class mmap_store_flush_test : public mmap_store_test,
                              public ::testing::WithParamInterface<const char*> {
 protected:
  [[nodiscard]] settings flush_mode(settings more = {}) const {
    more["flush"] = fmt::format("\"{}\"", GetParam());
    return more;
  }
};

INSTANTIATE_TEST_SUITE_P(flush, mmap_store_flush_test, ::testing::Values("sync", "async"),
                         [](const ::testing::TestParamInfo<const char*>& mode) {
                           return std::string(mode.param);
                         });

const std::vector<queue_ref> four_queues{{"orders", 0}, {"orders", 1}, {"orders", 7}, {"audit", 0}};

// ---- persistence ------------------------------------------------------------------------------

TEST_P(mmap_store_flush_test, reopen_after_clean_close_serves_every_message_and_continues_offsets) {
  std::vector<sent_message> sent;
  uint64_t log_end = 0;
  {
    harness_ptr h = open(flush_mode());
    sent = append_messages(h->store(), four_queues, 0, 400);
    const berth_store_stats s = raw_stats(*h);
    log_end = s.log_max_offset;
    ASSERT_GE(s.unit_count, 2u) << "the messages should span several segments";
    ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));
  }

  harness_ptr h = open(flush_mode());
  const berth_store_stats s = raw_stats(*h);
  EXPECT_EQ(s.log_min_offset, 0u);
  EXPECT_EQ(s.log_max_offset, log_end);
  EXPECT_EQ(s.visible_offset, log_end);
  EXPECT_EQ(s.queue_count, four_queues.size());
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));

  // New appends continue every queue where it ended, and the log after its end.
  std::vector<sent_message> more = append_messages(h->store(), four_queues, 400, 40);
  std::map<queue_ref, uint64_t> next;
  for (const sent_message& m : sent) next[m.queue] = std::max(next[m.queue], m.at.queue_offset + 1);
  std::set<std::string> ids;
  for (const sent_message& m : sent) ids.insert(m.at.message_id);
  for (const sent_message& m : more) {
    EXPECT_EQ(m.at.queue_offset, next[m.queue]++) << "message " << m.index << " in " << m.queue;
    EXPECT_GE(m.at.log_offset, log_end) << "message " << m.index << " reuses log space";
    EXPECT_TRUE(ids.insert(m.at.message_id).second) << "message id reused: " << m.at.message_id;
  }
  sent.insert(sent.end(), more.begin(), more.end());
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));

  // And once more, with the new messages in the log.
  h.reset();
  h = open(flush_mode());
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));
}

TEST_P(mmap_store_flush_test, clean_close_removes_the_abort_marker_and_leaves_a_checkpoint) {
  uint64_t log_end = 0;
  {
    harness_ptr h = open(flush_mode());
    EXPECT_TRUE(fs::exists(dir() / "abort")) << "a running store marks its directory";
    (void)append_messages(h->store(), four_queues, 0, 100);
    log_end = raw_stats(*h).log_max_offset;
  }
  EXPECT_FALSE(fs::exists(dir() / "abort"));
  ASSERT_TRUE(fs::exists(dir() / "checkpoint"));
  const checkpoint_read cp = read_checkpoint(dir());
  ASSERT_TRUE(cp.value) << cp.problem;
  EXPECT_EQ(cp.value->dispatched_offset, log_end) << "a clean close checkpoints the whole log";
  EXPECT_EQ(cp.value->segment_size, segment_bytes);

  harness_ptr h = open(flush_mode());
  EXPECT_TRUE(store_log().contains("opened after a clean stop")) << store_log().all();
  EXPECT_FALSE(store_log().contains("unclean")) << store_log().all();
}

TEST_P(mmap_store_flush_test, abort_marker_at_open_logs_recovery_and_everything_is_served) {
  std::vector<sent_message> sent;
  {
    harness_ptr h = open(flush_mode());
    sent = append_messages(h->store(), four_queues, 0, 300);
  }
  ASSERT_FALSE(fs::exists(dir() / "abort"));
  std::ofstream(dir() / "abort").flush();  // as a process killed mid-run leaves it
  ASSERT_TRUE(fs::exists(dir() / "abort"));
  store_log().clear();

  harness_ptr h = open(flush_mode());
  EXPECT_TRUE(store_log().contains("recovered after an unclean stop")) << store_log().all();
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));
  std::vector<sent_message> more = append_messages(h->store(), four_queues, 300, 20);
  for (const sent_message& m : more) EXPECT_GE(m.at.queue_offset, 300u / four_queues.size());
  sent.insert(sent.end(), more.begin(), more.end());
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));

  h.reset();
  EXPECT_FALSE(fs::exists(dir() / "abort")) << "the recovered run closed cleanly";
}

// ---- rebuild ----------------------------------------------------------------------------------

TEST_P(mmap_store_flush_test, deleted_consume_queues_and_index_are_rebuilt_from_the_log) {
  std::vector<sent_message> sent;
  answers before;
  {
    harness_ptr h = open(flush_mode());
    sent = append_messages(h->store(), four_queues, 0, 400);
    before = collect_answers(h->store(), sent);
  }
  ASSERT_FALSE(file_names(dir() / "consumequeue").empty());
  ASSERT_GT(file_names(dir() / "index").size(), 2u) << "the keys should fill several index files";
  fs::remove_all(dir() / "consumequeue");
  fs::remove_all(dir() / "index");
  fs::remove(dir() / "checkpoint");

  harness_ptr h = open(flush_mode());
  EXPECT_EQ(file_names(dir() / "consumequeue"), (std::vector<std::string>{"audit", "orders"}));
  EXPECT_FALSE(file_names(dir() / "index").empty());
  const answers after = collect_answers(h->store(), sent);
  ASSERT_NO_FATAL_FAILURE(expect_same_answers(before, after));
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));

  // The rebuilt queues take new messages where the old ones ended.
  const std::vector<sent_message> more = append_messages(h->store(), {{"orders", 7}}, 400, 1);
  EXPECT_EQ(more.front().at.queue_offset, 100u);
}

// ---- retention --------------------------------------------------------------------------------

class mmap_retention_test : public mmap_store_test {
 protected:
  // Append until the log holds at least `segments` segments.
  void fill(test::store_harness& h, uint64_t segments) {
    while (raw_stats(h).unit_count < segments) {
      std::vector<sent_message> more =
          append_messages(h.store(), four_queues, sent_.size(), 64, 8192);
      sent_.insert(sent_.end(), more.begin(), more.end());
    }
    auto synced = h.store().sync();
    if (!synced) call_failed("sync", synced.error());
  }

  std::vector<sent_message> sent_;
};

TEST_F(mmap_retention_test, expired_with_a_far_future_clock_deletes_every_segment_but_the_newest) {
  harness_ptr h = open();
  fill(*h, 5);
  const berth_store_stats before = raw_stats(*h);
  const uint64_t newest = before.log_max_offset - before.log_max_offset % segment_bytes;
  const std::vector<std::string> log_files = file_names(log_dir());
  const std::vector<std::string> index_files = file_names(dir() / "index");
  std::map<queue_ref, std::vector<std::string>> queue_files;
  for (const queue_ref& q : four_queues) {
    queue_files[q] = file_names(dir() / "consumequeue" / q.topic / std::to_string(q.queue_id));
    ASSERT_GE(queue_files[q].size(), 3u) << q << " should span several queue files";
  }

  auto report = h->store().run_retention(BERTH_RETENTION_EXPIRED, wall_ms() + 10 * 365 * 24 * hour_ms);
  if (!report) call_failed("run_retention", report.error());
  EXPECT_EQ(report.value().units_deleted, newest / segment_bytes);
  EXPECT_EQ(report.value().log_min_offset, newest);
  EXPECT_GE(report.value().bytes_freed, newest);
  const berth_store_stats after = raw_stats(*h);
  EXPECT_EQ(after.unit_count, 1u);
  EXPECT_EQ(after.log_min_offset, newest);
  EXPECT_EQ(after.log_max_offset, before.log_max_offset);

  // The commit log keeps the newest segment (and a preallocated next one, if made).
  for (const std::string& name : log_files) {
    const uint64_t start = parse_offset_file_name(name).value();
    EXPECT_EQ(fs::exists(log_dir() / name), start >= newest) << name;
  }
  // Index files whose every entry lies below the new start are gone; the newest stays.
  for (size_t i = 0; i + 1 < index_files.size(); ++i) {
    if (parse_offset_file_name(index_files[i + 1]).value() < newest) {
      EXPECT_FALSE(fs::exists(dir() / "index" / index_files[i])) << index_files[i];
    }
  }
  EXPECT_TRUE(fs::exists(dir() / "index" / index_files.back()));

  const auto queues = by_queue(sent_);
  for (const queue_ref& q : four_queues) {
    SCOPED_TRACE(fmt::format("queue {}:{}", q.topic, q.queue_id));
    const uint64_t min = expected_min(queues.at(q), newest);
    ASSERT_GT(min, queue_file_entries) << "retention should move the queue past a whole file";
    // Reads below the new start say so, and where to go on.
    for (const uint64_t below : {uint64_t{0}, min - 1}) {
      auto r = h->store().read({.topic = q.topic, .queue_id = q.queue_id, .offset = below});
      if (!r) call_failed("read below the start", r.error());
      EXPECT_EQ(r.value().status(), BERTH_READ_BEFORE_START) << "offset " << below;
      EXPECT_EQ(r.value().next_offset(), min);
      EXPECT_EQ(r.value().min_offset(), min);
      EXPECT_TRUE(r.value().empty());
    }
    // Queue files wholly below the new start are deleted, the others kept.
    const fs::path qdir = dir() / "consumequeue" / q.topic / std::to_string(q.queue_id);
    for (const std::string& name : queue_files[q]) {
      const uint64_t start = parse_offset_file_name(name).value();
      EXPECT_EQ(fs::exists(qdir / name), start + queue_file_entries > min) << qdir / name;
    }
  }
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent_, newest));

  // Nothing more to delete; appends and reads go on, on the same queues.
  auto again = h->store().run_retention(BERTH_RETENTION_EXPIRED, wall_ms() + 10 * 365 * 24 * hour_ms);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again.value().units_deleted, 0u);
  std::vector<sent_message> more = append_messages(h->store(), four_queues, sent_.size(), 16);
  sent_.insert(sent_.end(), more.begin(), more.end());
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent_, newest));

  // A restart sees the same start.
  h.reset();
  h = open();
  EXPECT_EQ(raw_stats(*h).log_min_offset, newest);
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent_, newest));
}

TEST_F(mmap_retention_test, expired_deletes_nothing_younger_than_the_retention_period) {
  harness_ptr h = open();
  fill(*h, 3);
  const berth_store_stats before = raw_stats(*h);

  for (const int64_t now : {int64_t{0}, wall_ms(), wall_ms() + 71 * hour_ms}) {
    auto report = h->store().run_retention(BERTH_RETENTION_EXPIRED, now);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report.value().units_deleted, 0u) << "now_ms " << now;
    EXPECT_EQ(report.value().bytes_freed, 0u) << "now_ms " << now;
    EXPECT_EQ(report.value().log_min_offset, 0u);
  }
  EXPECT_EQ(raw_stats(*h).unit_count, before.unit_count);
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent_));

  // Past the 72 h default, everything but the newest segment is due.
  auto report = h->store().run_retention(BERTH_RETENTION_EXPIRED, wall_ms() + 73 * hour_ms);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().units_deleted, before.unit_count - 1);
}

TEST_F(mmap_retention_test, oldest_deletes_exactly_one_segment_each_time) {
  harness_ptr h = open();
  fill(*h, 4);
  const berth_store_stats before = raw_stats(*h);

  for (uint64_t round = 1; round <= 2; ++round) {
    auto report = h->store().run_retention(BERTH_RETENTION_OLDEST);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report.value().units_deleted, 1u) << "round " << round;
    EXPECT_EQ(report.value().log_min_offset, round * segment_bytes);
    EXPECT_EQ(raw_stats(*h).unit_count, before.unit_count - round);
    EXPECT_FALSE(fs::exists(log_dir() / offset_file_name((round - 1) * segment_bytes)));
    EXPECT_TRUE(fs::exists(log_dir() / offset_file_name(round * segment_bytes)));
    ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent_, round * segment_bytes));
  }
}

// ---- disk protection --------------------------------------------------------------------------

TEST_F(mmap_store_test, disk_full_refuses_appends_with_a_clear_message_while_reads_go_on) {
  std::vector<sent_message> sent;
  {
    harness_ptr h = open();
    sent = append_messages(h->store(), four_queues, 0, 40);
  }
  store_log().clear();
  // Any use of the file system counts as full.
  harness_ptr h = open({{"disk_full", "0.0"}, {"housekeeping_interval", "\"20ms\""}});
  ASSERT_TRUE(eventually([&] { return raw_stats(*h).disk_full != 0; }));
  const berth_store_stats before = raw_stats(*h);

  sent_message extra;
  extra.queue = four_queues.front();
  extra.index = 999;
  extra.body = body_for(999, 100);
  std::vector<message_builder> batch{builder_for(extra)};
  auto refused = h->store().append(kernel::store::views_of(batch));
  ASSERT_FALSE(refused) << "an append on a full disk was accepted";
  EXPECT_EQ(refused.error().code, BERTH_E_FULL);
  EXPECT_TRUE(refused.error().message.starts_with("disk full:")) << refused.error().message;
  // The operator hears of it too.
  EXPECT_TRUE(eventually([&] { return store_log().contains("disk full:"); },
                         std::chrono::seconds(2)))
      << store_log().all();

  const berth_store_stats after = raw_stats(*h);
  EXPECT_EQ(after.log_max_offset, before.log_max_offset);
  EXPECT_EQ(after.messages_appended, 0u);
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));
}

TEST_F(mmap_store_test, disk_full_at_one_never_refuses_appends) {
  harness_ptr h = open({{"disk_full", "1.0"}, {"housekeeping_interval", "\"20ms\""}});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a few housekeeping rounds
  EXPECT_EQ(raw_stats(*h).disk_full, 0u);
  const std::vector<sent_message> sent = append_messages(h->store(), four_queues, 0, 20);
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));
}

TEST_F(mmap_store_test, above_high_water_the_housekeeper_deletes_old_segments_but_never_the_newest) {
  std::vector<sent_message> sent;
  uint64_t log_end = 0;
  {
    harness_ptr h = open();
    while (raw_stats(*h).unit_count < 4) {
      std::vector<sent_message> more = append_messages(h->store(), four_queues, sent.size(), 64);
      sent.insert(sent.end(), more.begin(), more.end());
    }
    log_end = raw_stats(*h).log_max_offset;
  }
  const uint64_t newest = log_end - log_end % segment_bytes;

  // Nothing has expired (72 h retention), but any disk use is above the high water.
  harness_ptr h = open({{"disk_high_water", "0.0"}, {"housekeeping_interval", "\"20ms\""}});
  ASSERT_TRUE(eventually([&] { return raw_stats(*h).unit_count == 1; }))
      << "segments left: " << raw_stats(*h).unit_count << "\n" << store_log().all();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // more rounds delete nothing more
  const berth_store_stats s = raw_stats(*h);
  EXPECT_EQ(s.unit_count, 1u);
  EXPECT_EQ(s.log_min_offset, newest);
  EXPECT_EQ(s.log_max_offset, log_end);
  EXPECT_TRUE(fs::exists(log_dir() / offset_file_name(newest)));
  EXPECT_FALSE(fs::exists(log_dir() / offset_file_name(0)));
  EXPECT_TRUE(store_log().contains("retention deleted")) << store_log().all();
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent, newest));

  // Appends go on; the housekeeper keeps trimming behind them, never the segment in use.
  for (int round = 0; round < 4; ++round) {
    std::vector<sent_message> more = append_messages(h->store(), four_queues, sent.size(), 64);
    sent.insert(sent.end(), more.begin(), more.end());
  }
  ASSERT_TRUE(eventually([&] { return raw_stats(*h).unit_count == 1; }));
  const berth_store_stats later = raw_stats(*h);
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent, later.log_min_offset));
}

// ---- bad configuration ------------------------------------------------------------------------

void expect_refused(const result<harness_ptr>& opened, std::initializer_list<std::string_view> words) {
  ASSERT_FALSE(opened) << "the config was accepted";
  EXPECT_EQ(opened.error().code, BERTH_E_INVALID);
  for (const std::string_view w : words) {
    EXPECT_NE(opened.error().message.find(w), std::string::npos)
        << "'" << w << "' missing from: " << opened.error().message;
  }
}

TEST_F(mmap_store_test, segment_size_below_the_minimum_is_refused_naming_the_key) {
  expect_refused(try_open({{"segment_size", "\"512KiB\""}}), {"segment_size", "minimum"});
  EXPECT_FALSE(fs::exists(dir())) << "validation comes before anything is made";
}

TEST_F(mmap_store_test, unknown_flush_mode_is_refused_naming_the_key_and_the_choices) {
  expect_refused(try_open({{"flush", "\"sometimes\""}}), {"flush", "sometimes", "sync", "async"});
  EXPECT_FALSE(fs::exists(dir()));
}

TEST_F(mmap_store_test, unknown_key_is_refused_naming_it) {
  expect_refused(try_open({{"segmant_size", "\"4MiB\""}}), {"segmant_size", "unknown key"});
  EXPECT_FALSE(fs::exists(dir()));
}

// ---- oversize messages ------------------------------------------------------------------------

TEST_F(mmap_store_test, body_over_max_message_size_fails_the_batch_naming_the_message) {
  harness_ptr h = open({{"max_message_size", "\"64KiB\""}});
  std::vector<message_builder> batch;
  for (uint64_t i = 0; i < 3; ++i) {
    sent_message m;
    m.queue = {"big", 0};
    m.index = i;
    m.body = body_for(i, i == 2 ? 64 * 1024 + 1 : 100);
    batch.push_back(builder_for(m));
  }
  auto refused = h->store().append(kernel::store::views_of(batch));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, BERTH_E_INVALID);
  EXPECT_NE(refused.error().message.find("message 2"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("max_message_size"), std::string::npos)
      << refused.error().message;

  // Nothing of the batch was stored, not even the good messages before the bad one.
  ASSERT_TRUE(h->store().sync());
  auto bounds = h->store().bounds("big", 0);
  ASSERT_FALSE(bounds);
  EXPECT_EQ(bounds.error().code, BERTH_E_NOT_FOUND);
  const berth_store_stats s = raw_stats(*h);
  EXPECT_EQ(s.messages_appended, 0u);
  EXPECT_EQ(s.log_max_offset, 0u);

  // A body of exactly max_message_size is fine.
  sent_message fits;
  fits.queue = {"big", 0};
  fits.index = 7;
  fits.body = body_for(7, 64 * 1024);
  std::vector<message_builder> one{builder_for(fits)};
  auto stored = h->store().append(kernel::store::views_of(one));
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored.value().front().queue_offset, 0u);
}

TEST_F(mmap_store_test, record_larger_than_a_segment_is_refused_and_one_that_just_fits_is_stored) {
  harness_ptr h = open();  // 1 MiB segments, max_message_size 4 MiB
  sent_message m;
  m.queue = {"huge", 0};
  m.index = 11;  // the same keys, tags and properties for every attempt below
  message_builder probe = builder_for(m);
  // The largest record a segment takes leaves room for the end-of-segment marker.
  const size_t overhead = encoded_size(probe.view());
  const size_t largest_body = segment_bytes - blank_size - overhead;

  m.body = body_for(11, largest_body + 1);
  std::vector<message_builder> too_big{builder_for(m)};
  auto refused = h->store().append(kernel::store::views_of(too_big));
  ASSERT_FALSE(refused) << "a record of " << segment_bytes - blank_size + 1 << " bytes was stored";
  EXPECT_EQ(refused.error().code, BERTH_E_INVALID);
  EXPECT_NE(refused.error().message.find("message 0"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("segment"), std::string::npos) << refused.error().message;
  EXPECT_EQ(raw_stats(*h).log_max_offset, 0u);

  // One small message first, so that the largest one has to roll to a fresh segment.
  std::vector<sent_message> sent = append_messages(h->store(), {{"huge", 0}}, 10, 1, 600);
  m.body = body_for(11, largest_body);
  std::vector<message_builder> fits{builder_for(m)};
  auto stored = h->store().append(kernel::store::views_of(fits));
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored.value().front().log_offset, segment_bytes);
  m.at = stored.value().front();
  sent.push_back(m);
  ASSERT_TRUE(h->store().sync());
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));

  h.reset();
  h = open();
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent));
}

// ---- files that do not belong -----------------------------------------------------------------

class mmap_bad_files_test : public mmap_store_test {
 protected:
  void SetUp() override {
    mmap_store_test::SetUp();
    harness_ptr h = open();
    while (raw_stats(*h).unit_count < 3) {
      std::vector<sent_message> more = append_messages(h->store(), four_queues, sent_.size(), 64);
      sent_.insert(sent_.end(), more.begin(), more.end());
    }
  }

  // Opening fails with BERTH_E_IO naming `file`, and leaves the store's files as they were.
  void expect_open_refused(const std::string& file) {
    const auto before = tree_contents(dir());
    auto opened = try_open();
    ASSERT_FALSE(opened) << "the store opened";
    EXPECT_EQ(opened.error().code, BERTH_E_IO) << opened.error().message;
    EXPECT_NE(opened.error().message.find(file), std::string::npos) << opened.error().message;
    EXPECT_FALSE(fs::exists(dir() / "abort"));
    const auto after = tree_contents(dir());
    EXPECT_TRUE(before == after) << "a refused open changed the store's files";
  }

  std::vector<sent_message> sent_;
};

TEST_F(mmap_bad_files_test, wrong_sized_segment_is_refused_naming_it_and_nothing_changes) {
  const std::string name = offset_file_name(segment_bytes);
  ASSERT_TRUE(fs::exists(log_dir() / name));
  fs::resize_file(log_dir() / name, segment_bytes / 2);
  ASSERT_NO_FATAL_FAILURE(expect_open_refused(name));

  fs::resize_file(log_dir() / name, segment_bytes + 4096);
  ASSERT_NO_FATAL_FAILURE(expect_open_refused(name));
}

TEST_F(mmap_bad_files_test, foreign_file_in_the_commit_log_is_refused_naming_it_and_nothing_changes) {
  std::ofstream(log_dir() / "notes.txt") << "not a segment";
  ASSERT_NO_FATAL_FAILURE(expect_open_refused("notes.txt"));

  // Once it is gone the store opens and serves everything.
  fs::remove(log_dir() / "notes.txt");
  harness_ptr h = open();
  ASSERT_NO_FATAL_FAILURE(expect_serves(h->store(), sent_));
}

// ---- sync flush -------------------------------------------------------------------------------

TEST_F(mmap_store_test, sync_flush_acknowledges_only_durable_appends_and_shows_only_durable_data) {
  harness_ptr h = open({{"flush", "\"sync\""}});
  constexpr int writers = 4;
  constexpr int batches = 40;
  std::atomic<int> running{writers};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  const auto fail = [&](std::string what) {
    std::lock_guard lock(failures_mutex);
    if (failures.size() < 20) failures.push_back(std::move(what));
  };

  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      const queue_ref q{"durable", static_cast<uint32_t>(w)};
      for (int b = 0; b < batches; ++b) {
        std::vector<sent_message> batch;
        std::vector<message_builder> builders;
        for (int i = 0; i < 4; ++i) {
          sent_message m;
          m.queue = q;
          m.index = static_cast<uint64_t>((w * batches + b) * 4 + i);
          m.body = body_for(m.index, 300 + m.index % 700);
          builders.push_back(builder_for(m));
          batch.push_back(std::move(m));
        }
        auto done = h->store().append(kernel::store::views_of(builders));
        if (!done) {
          fail("append failed: " + done.error().message);
          break;
        }
        const berth_store_stats s = raw_stats(*h);
        for (size_t i = 0; i < builders.size(); ++i) {
          const uint64_t end = done.value()[i].log_offset + encoded_size(builders[i].view());
          if (s.durable_offset < end) {
            fail(fmt::format("acked message ends at {} but durable_offset is {}", end,
                             s.durable_offset));
          }
        }
      }
      --running;
    });
  }

  uint64_t samples = 0;
  while (running.load() > 0) {
    // What a reader can see was durable before it became visible.
    const queue_ref q{"durable", static_cast<uint32_t>(samples % writers)};
    std::optional<uint64_t> visible_end;
    if (auto bounds = h->store().bounds(q.topic, q.queue_id); bounds && bounds.value().max_offset > 0) {
      auto r = h->store().read({.topic = q.topic, .queue_id = q.queue_id,
                                .offset = bounds.value().max_offset - 1, .max_messages = 1});
      if (r && r.value().found()) {
        visible_end = r.value()[0].log_offset + encoded_size(r.value()[0]);
      }
    }
    const berth_store_stats s = raw_stats(*h);
    if (s.visible_offset > s.durable_offset) {
      fail(fmt::format("visible_offset {} > durable_offset {}", s.visible_offset, s.durable_offset));
    }
    if (s.durable_offset > s.log_max_offset) {
      fail(fmt::format("durable_offset {} > log_max_offset {}", s.durable_offset, s.log_max_offset));
    }
    if (visible_end && *visible_end > s.durable_offset) {
      fail(fmt::format("a readable message ends at {} beyond durable_offset {}", *visible_end,
                       s.durable_offset));
    }
    ++samples;
  }
  for (std::thread& t : threads) t.join();

  for (const std::string& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(samples, 10u);
  ASSERT_TRUE(h->store().sync());
  const berth_store_stats s = raw_stats(*h);
  EXPECT_EQ(s.durable_offset, s.log_max_offset);
  EXPECT_EQ(s.visible_offset, s.log_max_offset);
  EXPECT_EQ(s.messages_appended, uint64_t{writers} * batches * 4);
  for (uint32_t w = 0; w < writers; ++w) {
    auto bounds = h->store().bounds("durable", w);
    ASSERT_TRUE(bounds);
    EXPECT_EQ(bounds.value().max_offset, uint64_t{batches} * 4);
  }
}

}  // namespace
}  // namespace berth::store_mmap
