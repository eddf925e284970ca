// The operator's scripts from script_dir, selected with "@name".
#include "filter_fixture.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace berth::plugins::filter_lua::test {
namespace {

namespace fs = std::filesystem;

class named_scripts_test : public filter_fixture {
 protected:
  named_scripts_test()
      : dir_(fs::temp_directory_path() /
             ("berth-filter-lua-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("eu.lua", "return function(m) return m.properties.region == 'eu' end");
    write("vip.lua", "local tier = 'gold'\nreturn function(m) return m.properties.tier == tier end");
    write("notes.txt", "not a script");
    host_.set_string("script_dir", dir_.string());
  }
  ~named_scripts_test() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  static test_message with(const std::string& name, const std::string& value) {
    test_message m;
    m.properties = {{name, value}};
    return m;
  }

  fs::path dir_;
};

TEST_F(named_scripts_test, at_name_selects_the_operators_script) {
  const auto eu = compile("@eu");
  EXPECT_TRUE(matches(*eu, with("region", "eu")));
  EXPECT_FALSE(matches(*eu, with("region", "us")));
  const auto vip = compile("  @vip \n");
  EXPECT_TRUE(matches(*vip, with("tier", "gold")));
  EXPECT_FALSE(matches(*vip, with("tier", "silver")));
}

TEST_F(named_scripts_test, an_unknown_name_is_refused_with_the_available_ones) {
  EXPECT_EQ(compile_error("@notes"), "col 1: no named script 'notes'; available: eu, vip");
  EXPECT_EQ(compile_error("@"), "col 1: no named script ''; available: eu, vip");
}

TEST_F(named_scripts_test, without_client_scripts_only_named_ones_compile) {
  host_.set_bool("allow_client_scripts", false);
  EXPECT_TRUE(compile("@eu"));
  EXPECT_EQ(compile_error("return function(m) return true end"),
            "col 1: client scripts are not accepted here (allow_client_scripts = false); use a "
            "named script: @name, one of: eu, vip");
}

TEST_F(named_scripts_test, runtime_errors_of_a_named_script_name_it) {
  write("broken_later.lua", "return function(m) return m.nosuch end");
  const auto expr = compile("@broken_later");
  EXPECT_FALSE(matches(*expr, test_message{}));
  ASSERT_EQ(host_.logs().size(), 2u);  // the info line at creation, then the error
  EXPECT_NE(host_.logs()[1].find("lua filter @broken_later: runtime error: line 1: msg has no "
                                 "field 'nosuch'"),
            std::string::npos)
      << host_.logs()[1];
}

TEST_F(named_scripts_test, a_broken_script_fails_the_plugins_creation_naming_the_file) {
  write("bad.lua", "return function(m)\n  return = 1\nend");
  try {
    static_cast<void>(filter());
    FAIL() << "created with a broken named script";
  } catch (const sdk::plugin_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "named script '" + (dir_ / "bad.lua").string() +
                  "': col 20: line 2: unexpected symbol near '='");
  }
}

TEST_F(named_scripts_test, a_script_dir_that_is_not_a_folder_fails_creation) {
  host_.set_string("script_dir", (dir_ / "nosuch").string());
  try {
    static_cast<void>(filter());
    FAIL() << "created with a missing script_dir";
  } catch (const sdk::plugin_error& e) {
    EXPECT_EQ(std::string(e.what()), "script_dir '" + (dir_ / "nosuch").string() + "' is not a folder");
  }
}

TEST_F(named_scripts_test, without_a_script_dir_there_are_none) {
  host_.set_string("script_dir", "");
  EXPECT_EQ(compile_error("@eu"), "col 1: no named script 'eu'; available: none");
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test
