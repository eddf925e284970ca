// The loader's refusals as a user meets them: a real berthd with a config naming a bad plugin
// exits non-zero with one clear line, having started nothing (or torn down what it made).
#include "process.hpp"

#include <berth/abi/berth_abi.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace berth::test {
namespace {

struct refusal_case {
  std::string plugin;    // filter plugin name in the config
  int exit_code;         // 2: refused while composing; 1: failed while starting
  std::string expected;  // a substring of the one error line
};

// Names the case in test output instead of gtest's byte dump.
void PrintTo(const refusal_case& c, std::ostream* out) { *out << "plugin " << c.plugin; }

class berthd_refusal : public ::testing::TestWithParam<refusal_case> {};

std::string config_with_filter(const temp_dir& dir, const std::string& plugin) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "refusal"
data_dir = "{}/data"

[plugins]
search_path = ["{}"]

[store]
plugin = "memory"
log_level = "debug"

[[filter]]
plugin = "{}"
)",
                     dir.path().string(), test_plugin_dir().string(), plugin);
}

std::vector<std::string> error_lines(const std::string& err) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < err.size()) {
    const size_t end = err.find('\n', start);
    const std::string line = err.substr(start, end - start);
    if (line.rfind("berthd: ", 0) == 0) lines.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

TEST_P(berthd_refusal, exits_non_zero_with_one_clear_error) {
  const refusal_case& c = GetParam();
  temp_dir dir;
  const auto config = dir.write("berth.toml", config_with_filter(dir, c.plugin));
  const auto result = run({berthd_path().string(), "--config", config.string()}, dir.path());
  EXPECT_EQ(result.exit_code, c.exit_code) << result.err;
  const auto lines = error_lines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_NE(lines[0].find(c.expected), std::string::npos) << lines[0];
  EXPECT_EQ(result.err.find("started:"), std::string::npos) << "nothing may start: " << result.err;
  EXPECT_EQ(result.err.find("terminate called"), std::string::npos) << result.err;
  if (c.exit_code == 1) {
    // The store was created before the failing filter and must have been torn down again.
    EXPECT_NE(result.err.find("[store.store-memory] destroyed"), std::string::npos) << result.err;
  } else {
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "data")) << "nothing may be created";
  }
}


INSTANTIATE_TEST_SUITE_P(
    abi, berthd_refusal,
    ::testing::Values(
        refusal_case{"newermajor", 2,
                     fmt::format("plugin has ABI {}.0, this berthd has ABI {}.{}: rebuild the "
                                 "plugin against Berth SDK {}.x",
                                 BERTH_ABI_MAJOR + 1, BERTH_ABI_MAJOR, BERTH_ABI_MINOR,
                                 BERTH_ABI_MAJOR)},
        refusal_case{"noentry", 2, "not a Berth plugin: it does not export berth_plugin_entry"},
        refusal_case{"mismatch", 2, "descriptor says filter 'other' but the file name says filter 'mismatch'"},
        refusal_case{"nosuchplugin", 2, "no filter plugin 'nosuchplugin': libberth-filter-nosuchplugin.so is not in "},
        refusal_case{"createfails", 1, "failed to start: threshold must be below 100, got 250"},
        refusal_case{"throws", 1, "failed to start: cannot open rules file /nonexistent/rules.txt"}),
    [](const ::testing::TestParamInfo<refusal_case>& param) { return param.param.plugin; });

TEST(berthd_refusal_location, error_names_file_line_and_key) {
  temp_dir dir;
  const auto config = dir.write("berth.toml", config_with_filter(dir, "newermajor"));
  const auto result = run({berthd_path().string(), "--config", config.string()}, dir.path());
  const auto lines = error_lines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_EQ(lines[0].rfind("berthd: " + config.string() + ":16:10: filter[0].plugin: ", 0), 0u)
      << lines[0];
}

TEST(berthd_refusal_location, corrupt_library_is_refused) {
  temp_dir dir;
  dir.write("plugins/libberth-filter-corrupt.so", std::string(4096, '\x7f'));
  std::string text = config_with_filter(dir, "corrupt");
  text.replace(text.find(test_plugin_dir().string()), test_plugin_dir().string().size(),
               (dir.path() / "plugins").string());
  const auto config = dir.write("berth.toml", text);
  const auto result = run({berthd_path().string(), "--config", config.string()}, dir.path());
  EXPECT_EQ(result.exit_code, 2) << result.err;
  const auto lines = error_lines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_NE(lines[0].find("libberth-filter-corrupt.so: cannot load: "), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace berth::test
