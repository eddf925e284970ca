// Each forbidden facility is refused both at the top level (compile fails) and inside the
// function (no match, the error counted).
#include "filter_fixture.hpp"

namespace berth::plugins::filter_lua::test {
namespace {

using sandbox_test = filter_fixture;

// Statements that must raise in a filter.
const std::vector<std::string> kForbidden = {
    "local _ = io.write",
    "local _ = os.time()",
    "require('os')",
    "local _ = package.loaded",
    "load('return 1')",
    "loadstring('return 1')",
    "dofile('/etc/passwd')",
    "loadfile('/etc/passwd')",
    "local _ = debug.getinfo(1)",
    "collectgarbage()",
    "local _ = print",
    "local _ = coroutine.create",
    "string.dump(function() end)",
    "string.gsub('a', 'a', 'b')",
    "string.match('a', 'a')",
    "string.gmatch('a', 'a')",
    "local _ = ('a'):gsub('a', 'b')",
    "local _ = ('a'):match('(a*)*b')",
    "rawset(_ENV, 'x', 1)",
    "x = 1",
    "_ENV.y = 2",
    "string.upper = nil",
    "table.insert = print",
    "math.pi = 3",
    "utf8.x = 1",
    "table.insert(string, 'x')",
    "local _ = getmetatable('').__index.upper",
    "getmetatable('').__index = {}",
    "setmetatable(_ENV, {})",
    "setmetatable(string, {})",
    "setmetatable({}, {__gc = function() end})",
    "local _ = _G",
};

TEST_F(sandbox_test, every_forbidden_facility_fails_the_top_level) {
  for (const std::string& statement : kForbidden) {
    const auto error = compile_error(statement + "\nreturn function(m) return true end");
    ASSERT_TRUE(error.has_value()) << statement;
    EXPECT_TRUE(error->starts_with("col 1: ")) << statement << " -> " << *error;
  }
}

TEST_F(sandbox_test, every_forbidden_facility_fails_the_call_and_is_counted) {
  int64_t expected = 0;
  for (const std::string& statement : kForbidden) {
    const auto expr = compile("return function(m)\n" + statement + "\nreturn true end");
    EXPECT_FALSE(matches(*expr, tagged("a"))) << statement;
    EXPECT_EQ(errors(), ++expected) << statement;
  }
  EXPECT_EQ(host_.metric("lua_filter_runtime_errors_total"), expected);
}

TEST_F(sandbox_test, unknown_globals_are_named_in_the_error) {
  EXPECT_EQ(compile_error("local _ = io\nreturn function(m) return true end"),
            "col 1: line 1: 'io' is not available in a filter");
  EXPECT_EQ(compile_error("\nlocal x = string.gsub\nreturn function(m) return true end"),
            "col 2: line 2: 'string.gsub' is not available in a filter");
  EXPECT_EQ(compile_error("y = 1\nreturn function(m) return true end"),
            "col 1: line 1: assigning the global 'y' is not allowed in a filter (globals are "
            "read-only: use a local)");
  EXPECT_EQ(compile_error("string.upper = 1\nreturn function(m) return true end"),
            "col 1: line 1: 'string' is read-only in a filter");
}

TEST_F(sandbox_test, the_library_views_hide_their_tables) {
  const auto expr = compile(R"(
    return function(m)
      return getmetatable("") == false and getmetatable(string) == false
         and getmetatable(_ENV) == false and getmetatable(m) == false
         and rawget(string, "upper") == nil and next(string) == nil
    end)");
  EXPECT_TRUE(matches(*expr, tagged("a")));
  EXPECT_EQ(errors(), 0);
}

TEST_F(sandbox_test, find_is_always_plain) {
  const auto expr = compile(R"(
    return function(m)
      local a, b = string.find("x(a*)*b", "(a*)*", 1, false)
      return a == 2 and b == 6 and ("a.c"):find(".") == 2 and string.find("abc", "", 10) == nil
         and string.find("abc", "c", -1) == 3 and string.find("abc", "", 2) == 2
    end)");
  EXPECT_TRUE(matches(*expr, tagged("a")));
  EXPECT_EQ(errors(), 0);
}

TEST_F(sandbox_test, rep_of_nothing_many_times_returns_at_once) {
  const auto expr = compile(
      "return function(m) return string.rep('', 1 << 62) == '' and ('x'):rep(3) == 'xxx' end");
  EXPECT_TRUE(matches(*expr, tagged("a")));
}

TEST_F(sandbox_test, bytecode_is_refused) {
  const std::string binary = "\x1bLua\x54";
  const auto error = compile_error(binary);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("attempt to load a binary chunk"), std::string::npos) << *error;
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test
