// The table over a temp data dir: changes persist atomically, a damaged file is refused, auto-
// creation follows its policy, and readers run while writers change the table.
#include "topic/topic_table.hpp"

#include "config/broker_config.hpp"
#include "process.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

namespace berth::kernel::topic {
namespace {

namespace fs = std::filesystem;

class topic_table_test : public ::testing::Test {
 protected:
  topic_table_ptr open(auto_create_policy policy = {}) {
    auto table = topic_table::open(dir.path(), policy);
    EXPECT_TRUE(table) << (table ? "" : table.error().message);
    return table ? std::move(table).value() : nullptr;
  }
  fs::path file() const { return dir.path() / "config" / "topics.json"; }
  void write_file(const std::string& text) const {
    fs::create_directories(file().parent_path());
    std::ofstream(file()) << text;
  }
  std::string read_file() const {
    std::ifstream in(file());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // The open() error for the current file.
  std::string refusal() const {
    auto table = topic_table::open(dir.path());
    EXPECT_FALSE(table);
    if (table) return {};
    EXPECT_EQ(table.error().code, errc::io);
    return table.error().message;
  }

  test::temp_dir dir;
};

TEST_F(topic_table_test, a_missing_file_is_an_empty_table) {
  const auto table = open();
  ASSERT_TRUE(table);
  EXPECT_EQ(table->size(), 0u);
  EXPECT_TRUE(table->names().empty());
  EXPECT_FALSE(table->find("orders"));
  EXPECT_EQ(table->file(), file());
  EXPECT_FALSE(fs::exists(file())) << "opening must not write";
}

TEST_F(topic_table_test, topics_survive_a_reopen) {
  {
    const auto table = open();
    ASSERT_TRUE(table->create("orders", {8, 6}));
    ASSERT_TRUE(table->create("audit", {1, 4}));
    ASSERT_TRUE(table->create("gone", {2, 6}));
    ASSERT_TRUE(table->remove("gone"));
  }
  const auto again = open();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->names(), (std::vector<std::string>{"audit", "orders"}));
  EXPECT_EQ(again->find("orders"), (topic_settings{8, 6}));
  EXPECT_EQ(again->find("audit"), (topic_settings{1, 4}));
  EXPECT_FALSE(again->find("gone"));
}

TEST_F(topic_table_test, the_file_has_a_version_and_every_topic) {
  const auto table = open();
  ASSERT_TRUE(table->create("orders", {8, 6}));
  const std::string text = read_file();
  EXPECT_NE(text.find("\"version\": 1"), std::string::npos) << text;
  EXPECT_NE(text.find("\"orders\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"queues\": 8"), std::string::npos) << text;
}

TEST_F(topic_table_test, a_write_leaves_no_temp_file) {
  const auto table = open();
  ASSERT_TRUE(table->create("orders", {8, 6}));
  ASSERT_TRUE(table->remove("orders"));
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(file().parent_path())) {
    entries.push_back(e.path().filename().string());
  }
  EXPECT_EQ(entries, std::vector<std::string>{"topics.json"});
}

TEST_F(topic_table_test, a_temp_file_left_by_a_crash_is_ignored_and_removed) {
  write_file(R"({"version": 1, "topics": {"kept": {"queues": 2, "perm": 6}}})");
  std::ofstream(file().string() + ".tmp") << "{\"version\": 1, \"topi";
  const auto table = open();
  ASSERT_TRUE(table);
  EXPECT_EQ(table->names(), std::vector<std::string>{"kept"});
  EXPECT_FALSE(fs::exists(file().string() + ".tmp"));
}

TEST_F(topic_table_test, a_damaged_file_is_refused_naming_it) {
  write_file("{\"version\": 1, \"topics\": {\"orders\": ");
  const std::string message = refusal();
  EXPECT_NE(message.find(file().string()), std::string::npos) << message;
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
}

TEST_F(topic_table_test, every_kind_of_damage_is_refused_with_its_reason) {
  const std::pair<std::string, std::string> cases[] = {
      {"[]", "not a JSON object"},
      {R"({"topics": {}})", "no \"version\""},
      {R"({"version": 2, "topics": {}})", "version 2 is not 1"},
      {R"({"version": 1})", "\"topics\" is missing"},
      {R"({"version": 1, "topics": {"a": 3}})", "topic 'a' is not an object"},
      {R"({"version": 1, "topics": {"a": {"perm": 6}}})", "topic 'a': queues is missing"},
      {R"({"version": 1, "topics": {"a": {"queues": 2}}})", "topic 'a': perm is missing"},
      {R"({"version": 1, "topics": {"a": {"queues": 0, "perm": 6}}})",
       "topic 'a': queues: 0 is out of range"},
      {R"({"version": 1, "topics": {"a.b": {"queues": 1, "perm": 6}}})", "topic 'a.b': topic:"},
      {R"({"version": 1, "topics": {"a": {"queues": 1, "perm": 9}}})", "topic 'a': perm: 9"},
  };
  for (const auto& [text, reason] : cases) {
    write_file(text);
    const std::string message = refusal();
    EXPECT_NE(message.find(file().string()), std::string::npos) << message;
    EXPECT_NE(message.find(reason), std::string::npos) << text << " -> " << message;
  }
}

TEST_F(topic_table_test, invalid_values_are_refused_naming_the_field) {
  const auto table = open();
  const auto expect_invalid = [&](std::string_view name, topic_settings s, std::string field) {
    auto made = table->create(name, s);
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().code, errc::invalid_argument);
    EXPECT_EQ(made.error().message.rfind(field + ":", 0), 0u) << made.error().message;
  };
  expect_invalid("", {4, 6}, "topic");
  expect_invalid("bad name", {4, 6}, "topic");
  expect_invalid("ok", {0, 6}, "queues");
  expect_invalid("ok", {2000, 6}, "queues");
  expect_invalid("ok", {4, 1}, "perm");
  EXPECT_EQ(table->size(), 0u);
  EXPECT_FALSE(fs::exists(file()));
}

TEST_F(topic_table_test, recreating_with_the_same_settings_is_ok_other_settings_are_not) {
  const auto table = open();
  EXPECT_EQ(table->create("orders", {8, 6}).value(), create_outcome::created);
  EXPECT_EQ(table->create("orders", {8, 6}).value(), create_outcome::unchanged);
  auto other = table->create("orders", {4, 6});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, errc::exists);
  EXPECT_EQ(other.error().message, "topic 'orders' exists with queues=8 perm=6, not queues=4 perm=6");
  EXPECT_EQ(table->find("orders"), (topic_settings{8, 6}));
}

TEST_F(topic_table_test, removing_an_unknown_topic_is_no_topic) {
  const auto table = open();
  auto removed = table->remove("never");
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, errc::no_topic);
  EXPECT_NE(removed.error().message.find("'never'"), std::string::npos);
}

TEST_F(topic_table_test, a_failed_write_changes_nothing) {
  const auto table = open();
  ASSERT_TRUE(table->create("orders", {8, 6}));
  // A directory where the temp file must go: the write fails.
  fs::create_directory(file().string() + ".tmp");
  auto made = table->create("more", {1, 6});
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, errc::io);
  EXPECT_NE(made.error().message.find("topics.json.tmp"), std::string::npos)
      << made.error().message;
  EXPECT_FALSE(table->find("more"));
  fs::remove(file().string() + ".tmp");
  EXPECT_EQ(open()->names(), std::vector<std::string>{"orders"});
}

TEST_F(topic_table_test, find_or_create_uses_default_queues_when_auto_creation_is_on) {
  const auto table = open({true, 7});
  auto made = table->find_or_create("fresh");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made.value(), (topic_settings{7, 6}));
  EXPECT_EQ(open()->find("fresh"), (topic_settings{7, 6})) << "auto-created topics persist";
  ASSERT_TRUE(table->create("made", {3, 4}));
  EXPECT_EQ(table->find_or_create("made").value(), (topic_settings{3, 4}));
}

TEST_F(topic_table_test, find_or_create_is_no_topic_when_auto_creation_is_off) {
  const auto table = open({false, 4});
  auto missing = table->find_or_create("fresh");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::no_topic);
  EXPECT_NE(missing.error().message.find("auto_create_topics"), std::string::npos);
  EXPECT_FALSE(table->find("fresh"));
  ASSERT_TRUE(table->create("made", {3, 6}));
  EXPECT_EQ(table->find_or_create("made").value(), (topic_settings{3, 6}));
}

TEST_F(topic_table_test, find_or_create_refuses_an_invalid_name) {
  const auto table = open();
  auto made = table->find_or_create("no spaces");
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, errc::invalid_argument);
}

TEST_F(topic_table_test, readers_see_whole_topics_while_writers_create_them) {
  const auto table = open({true, 2});
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        for (const std::string& name : table->names()) {
          const auto found = table->find(name);
          // Never deleted here: every listed topic is found, with settings a writer gave it.
          if (!found || (found->queues != 2 && found->queues != 5)) ++bad;
        }
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 25; ++i) {
        const std::string name = "t" + std::to_string(i);
        // Both writers race on the same names, one by each path.
        if (w == 0) {
          if (!table->find_or_create(name)) ++bad;
        } else if (auto made = table->create(name, {5, 6});
                   !made && made.error().code != errc::exists) {
          ++bad;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(table->size(), 25u);
  EXPECT_EQ(open()->size(), 25u);
}

TEST(topic_config_keys, broker_keys_feed_the_auto_create_policy) {
  auto defaults = config::parse_broker_config("[store]\nplugin = \"memory\"\n", "t.toml", {});
  ASSERT_TRUE(defaults);
  EXPECT_TRUE(defaults.value().broker.auto_create_topics);
  EXPECT_EQ(defaults.value().broker.default_queues, 4u);

  auto set = config::parse_broker_config(
      "[broker]\nauto_create_topics = false\ndefault_queues = 16\n[store]\nplugin = \"memory\"\n",
      "t.toml", {});
  ASSERT_TRUE(set);
  EXPECT_FALSE(set.value().broker.auto_create_topics);
  EXPECT_EQ(set.value().broker.default_queues, 16u);

  auto over = config::parse_broker_config(
      "[broker]\ndefault_queues = 1025\n[store]\nplugin = \"memory\"\n", "t.toml", {});
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().front().to_string().find("broker.default_queues"), std::string::npos)
      << over.error().front().to_string();
}

}  // namespace
}  // namespace berth::kernel::topic
