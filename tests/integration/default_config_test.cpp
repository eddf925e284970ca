// berthd with no --config runs its built-in copy of config/berth.toml: the mmap store under
// ./data of the working directory. It opens, closes cleanly, and opens again from the
// clean-shutdown state.
#include "broker_fixture.hpp"

#include <csignal>
#include <filesystem>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

// Start berthd in `dir` without --config, wait until it runs, stop it with SIGTERM.
std::string run_default_broker_once(const temp_dir& dir) {
  child_process berthd({berthd_path().string()}, dir.path(), dir.path());
  EXPECT_TRUE(berthd.wait_for_output("berthd 'berth-1' started", 20s)) << berthd.err();
  berthd.signal(SIGTERM);
  EXPECT_EQ(berthd.wait_exit(10s), 0) << berthd.err();
  return berthd.err();
}

TEST(default_config, runs_the_mmap_store_under_data_and_reopens_after_a_clean_stop) {
  temp_dir dir;
  const std::string first = run_default_broker_once(dir);
  EXPECT_NE(first.find("[store.store-mmap] opened after a clean stop"), std::string::npos) << first;
  const std::filesystem::path store = dir.path() / "data" / "store";
  EXPECT_TRUE(std::filesystem::is_directory(store / "commitlog")) << first;
  EXPECT_TRUE(std::filesystem::exists(store / "checkpoint"));
  EXPECT_FALSE(std::filesystem::exists(store / "abort")) << "a clean stop removes the marker";

  const std::string second = run_default_broker_once(dir);
  EXPECT_NE(second.find("opened after a clean stop"), std::string::npos) << second;
}

TEST(default_config, a_broker_killed_while_running_is_recovered_at_the_next_start) {
  temp_dir dir;
  {
    child_process berthd({berthd_path().string()}, dir.path(), dir.path());
    ASSERT_TRUE(berthd.wait_for_output("berthd 'berth-1' started", 20s)) << berthd.err();
    berthd.signal(SIGKILL);
    (void)berthd.wait_exit(10s);
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "store" / "abort"));
  const std::string next = run_default_broker_once(dir);
  EXPECT_NE(next.find("recovered after an unclean stop"), std::string::npos) << next;
}

}  // namespace
}  // namespace berth::test
