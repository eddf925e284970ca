// berthd with no --config runs its built-in copy of config/berth.toml: the mmap store under
// ./data of the working directory and the native protocol on 127.0.0.1:10911. It serves, closes
// cleanly, and opens again from the clean-shutdown state.
#include "broker_fixture.hpp"
#include "wire_client.hpp"

#include <berth/wire/bodies.hpp>

#include <csignal>
#include <filesystem>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

// Start berthd in `dir` without --config, wait until it runs, stop it with SIGTERM.
std::string run_default_broker_once(const temp_dir& dir) {
  child_process berthd({berthd_path().string()}, dir.path(), dir.path());
  EXPECT_TRUE(berthd.wait_for_output("berthd 'berth-1' started", 20s)) << berthd.err();
  EXPECT_NE(berthd.err().find("listening on 127.0.0.1:10911"), std::string::npos) << berthd.err();
  {
    wire_client client("127.0.0.1:10911");
    const auto hello = client.call(wire::code::hello, wire::hello_request{"default-test", "1", 1});
    EXPECT_TRUE(hello && header_of(*hello).status == wire::status::ok);
    const auto topic = client.call(wire::code::topic_create, wire::topic_create_request{"t", 1, 6});
    EXPECT_TRUE(topic && header_of(*topic).status == wire::status::ok);
  }
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
  EXPECT_NE(second.find("1 topic(s) loaded"), std::string::npos) << second;
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
