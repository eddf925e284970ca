// The offset table over a temp data dir: commits survive a save and a reopen, a save writes
// only after a change, a damaged file is refused with its name, a deleted topic's offsets go.
#include "offset/offset_table.hpp"

#include "process.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace berth::kernel::offset {
namespace {

namespace fs = std::filesystem;

class offset_table_test : public ::testing::Test {
 protected:
  fs::path file() const { return offset_file_path(dir.path()); }
  offset_table_ptr open() const {
    auto table = offset_table::open(file());
    EXPECT_TRUE(table) << (table ? "" : table.error().message);
    return table ? std::move(table).value() : nullptr;
  }
  void write_file(const std::string& text) const {
    fs::create_directories(file().parent_path());
    std::ofstream(file()) << text;
  }
  std::string refusal() const {
    auto table = offset_table::open(file());
    return table ? "opened" : table.error().message;
  }

  berth::test::temp_dir dir;
};

TEST_F(offset_table_test, commits_survive_save_and_reopen) {
  {
    auto table = open();
    table->commit("billing", "orders", 0, 42);
    table->commit("billing", "orders", 3, 7);
    table->commit("audit", "orders", 0, 1);
    table->commit("billing", "orders", 0, 43);  // the latest commit wins
    ASSERT_TRUE(table->save());
  }
  auto table = open();
  EXPECT_EQ(table->find("billing", "orders", 0), 43u);
  EXPECT_EQ(table->find("billing", "orders", 3), 7u);
  EXPECT_EQ(table->find("audit", "orders", 0), 1u);
  EXPECT_EQ(table->find("billing", "orders", 1), std::nullopt);
  EXPECT_EQ(table->find("nobody", "orders", 0), std::nullopt);
  EXPECT_EQ(table->groups(), (std::vector<std::string>{"audit", "billing"}));
  EXPECT_EQ(table->of_group("billing").size(), 2u);
}

TEST_F(offset_table_test, no_file_means_no_offsets_and_no_write_until_a_change) {
  auto table = open();
  EXPECT_TRUE(table->groups().empty());
  ASSERT_TRUE(table->save());
  EXPECT_FALSE(fs::exists(file()));  // nothing changed: nothing written
  table->commit("g", "t", 0, 5);
  ASSERT_TRUE(table->save());
  EXPECT_TRUE(fs::exists(file()));
  fs::remove(file());
  ASSERT_TRUE(table->save());  // saved already: not written again
  EXPECT_FALSE(fs::exists(file()));
  table->commit("g", "t", 0, 5);  // the same offset is no change
  ASSERT_TRUE(table->save());
  EXPECT_FALSE(fs::exists(file()));
}

TEST_F(offset_table_test, a_damaged_file_is_refused_naming_it) {
  write_file("{\"version\": 1, \"groups\": {\"g\": {\"t\": {\"x\": 1}}}}");
  EXPECT_NE(refusal().find("queue 'x' has no valid offset"), std::string::npos) << refusal();
  EXPECT_NE(refusal().find(file().string()), std::string::npos) << refusal();
  write_file("not json");
  EXPECT_NE(refusal().find("not a JSON object"), std::string::npos) << refusal();
  write_file("{\"version\": 2, \"groups\": {}}");
  EXPECT_NE(refusal().find("version is not 1"), std::string::npos) << refusal();
}

TEST_F(offset_table_test, forgetting_a_topic_drops_its_offsets_and_empty_groups) {
  auto table = open();
  table->commit("a", "gone", 0, 1);
  table->commit("b", "gone", 0, 1);
  table->commit("b", "kept", 0, 2);
  table->forget_topic("gone");
  EXPECT_EQ(table->groups(), std::vector<std::string>{"b"});
  EXPECT_EQ(table->find("b", "kept", 0), 2u);
  EXPECT_FALSE(table->has_group("a"));
}

}  // namespace
}  // namespace berth::kernel::offset
