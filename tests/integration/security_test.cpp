// berthd needs no privilege: run by root, the test drops to nobody with no capabilities (as
// systemd's User= and empty CapabilityBoundingSet= do) and the broker still stores and serves
// on the mmap store; a port below 1024 is refused with a message saying so. The systemd unit
// the .deb installs runs it that way, hardened.
#include "broker_fixture.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/pull_consumer.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

constexpr uid_t nobody = 65534;

std::string mmap_broker_config(const temp_dir& dir, const std::string& listen) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-unprivileged"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
plugin = "mmap"
segment_size = "4MiB"
flush = "sync"

[[transport]]
plugin = "tcp"
listen = "{}"
)",
                     dir.path().string(), listen);
}

// As root: a launcher that drops to nobody with every capability gone, and the directory
// handed to nobody. Otherwise the test already runs unprivileged: no launcher.
std::vector<std::string> unprivileged_launcher(const temp_dir& dir) {
  if (::geteuid() != 0) return {};
  EXPECT_EQ(::chown(dir.path().c_str(), nobody, nobody), 0);
  return {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"};
}

// "Name:\tvalue" lines of /proc/<pid>/status.
std::map<std::string, std::string> process_status(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::map<std::string, std::string> fields;
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto value = line.find_first_not_of(" \t", colon + 1);
    fields[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
  }
  return fields;
}

TEST(unprivileged_broker, stores_and_serves_without_root_or_capabilities) {
  temp_dir dir;
  running_broker broker(dir, mmap_broker_config(dir, "127.0.0.1:0"), {},
                        unprivileged_launcher(dir));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();

  const auto status = process_status(broker.process().pid());
  const std::string uid = status.at("Uid");
  EXPECT_NE(uid.substr(0, uid.find('\t')), "0") << "berthd runs as uid " << uid;
  EXPECT_EQ(status.at("CapEff"), "0000000000000000");
  EXPECT_EQ(status.at("CapPrm"), "0000000000000000");

  client::admin_options admin_options;
  admin_options.endpoint = endpoint;
  client::admin admin(admin_options);
  ASSERT_TRUE(admin.start());
  ASSERT_TRUE(admin.create_topic("orders", 1));
  client::producer_options producer_options;
  producer_options.endpoint = endpoint;
  client::producer producer(producer_options);
  ASSERT_TRUE(producer.start());
  for (int i = 0; i < 10; ++i) {
    auto sent = producer.send(client::message("orders", fmt::format("message {}", i)));
    ASSERT_TRUE(sent) << sent.error().to_string();
  }
  client::pull_consumer_options consumer_options;
  consumer_options.endpoint = endpoint;
  consumer_options.group = "readers";
  client::pull_consumer consumer(consumer_options);
  ASSERT_TRUE(consumer.start());
  // Acknowledged messages become readable shortly after (the store's dispatcher): pull on
  // with a long poll until all ten came.
  size_t received = 0;
  uint64_t offset = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (received < 10 && std::chrono::steady_clock::now() < deadline) {
    auto pulled = consumer.pull("orders", 0, offset, 32, 1s);
    ASSERT_TRUE(pulled) << pulled.error().to_string();
    received += pulled.value().messages.size();
    offset = pulled.value().next_offset;
  }
  EXPECT_EQ(received, 10u);

  // What it wrote belongs to the user it runs as, and no other user may write to it.
  struct stat data {};
  ASSERT_EQ(::stat((dir.path() / "data").c_str(), &data), 0);
  if (::geteuid() == 0) {
    EXPECT_EQ(data.st_uid, nobody);
  }
  EXPECT_EQ(data.st_mode & S_IWOTH, 0u);
}

TEST(unprivileged_broker, a_port_below_1024_is_refused_with_the_reason) {
  std::ifstream start_file("/proc/sys/net/ipv4/ip_unprivileged_port_start");
  int first_unprivileged = 0;
  start_file >> first_unprivileged;
  if (first_unprivileged <= 1) GTEST_SKIP() << "this kernel lets any user bind any port";
  temp_dir dir;
  running_broker broker(dir, mmap_broker_config(dir, "127.0.0.1:1"), {},
                        unprivileged_launcher(dir));
  const std::optional<int> code = broker.process().wait_exit(10s);
  ASSERT_TRUE(code.has_value()) << broker.process().err();
  EXPECT_NE(*code, 0);
  const std::string err = broker.process().err();
  EXPECT_NE(err.find("127.0.0.1:1"), std::string::npos) << err;
  EXPECT_NE(err.find("ermission denied"), std::string::npos) << err;
}

// Key=value lines of the unit file; a key given twice keeps both values.
std::multimap<std::string, std::string> unit_settings(const std::string& path) {
  std::ifstream in(path);
  std::multimap<std::string, std::string> settings;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    const auto eq = line.find('=');
    if (eq != std::string::npos) settings.emplace(line.substr(0, eq), line.substr(eq + 1));
  }
  return settings;
}

TEST(systemd_unit, runs_berthd_as_an_unprivileged_user_without_capabilities) {
  const auto unit = unit_settings(BERTH_SOURCE_DIR "/config/berthd.service");
  ASSERT_FALSE(unit.empty());
  const auto one = [&](const std::string& key) {
    EXPECT_EQ(unit.count(key), 1u) << key;
    const auto it = unit.find(key);
    return it == unit.end() ? std::string("<missing>") : it->second;
  };
  EXPECT_NE(one("User"), "root");
  EXPECT_NE(one("User"), "");
  EXPECT_NE(one("Group"), "root");
  EXPECT_EQ(one("NoNewPrivileges"), "yes");
  EXPECT_EQ(one("CapabilityBoundingSet"), "");
  EXPECT_EQ(one("AmbientCapabilities"), "");
  EXPECT_EQ(one("ProtectSystem"), "strict");
  EXPECT_EQ(one("ReadWritePaths"), "/var/lib/berth");
  EXPECT_EQ(one("RestrictSUIDSGID"), "yes");
}

}  // namespace
}  // namespace berth::test
