// The plugin loader against real libraries: what loads (older and newer minors), and the one
// clear error for each way a library can be wrong.
#include "loader_fixture.hpp"

#include "plugin_host/filter_calls.hpp"

#include <berth/abi/berth_filter.h>

#include <fmt/format.h>

#include <fstream>

namespace berth::test {
namespace {

using kernel::plugin_host::tag_hash_verdict;

const std::string host_abi = fmt::format("{}.{}", BERTH_ABI_MAJOR, BERTH_ABI_MINOR);

std::string compile_error(const berth_filter_ops& ops, berth_instance* instance, std::string_view text,
                          berth_filter_expr** out, berth_status* status) {
  char buf[256] = {};
  berth_errbuf err{buf, sizeof buf};
  *status = ops.compile(instance, berth_str{text.data(), text.size()}, out, &err);
  return buf;
}

TEST_F(loader_fixture, older_minor_plugin_loads_and_works_without_newer_members) {
  auto lib = load_ok("frozen10");
  ASSERT_TRUE(lib);
  EXPECT_EQ(lib->abi_version(), "1.0");
  auto instance = create(lib);
  ASSERT_TRUE(instance) << instance.error().message;
  const auto& ops = instance.value()->ops<berth_filter_ops>();

  berth_filter_expr* expr = nullptr;
  berth_status status = BERTH_OK;
  compile_error(ops, instance.value()->handle(), "red", &expr, &status);
  ASSERT_EQ(status, BERTH_OK);
  const auto red = message_with_tag("red");
  const auto blue = message_with_tag("blue");
  EXPECT_EQ(ops.match(expr, &red), 1);
  EXPECT_EQ(ops.match(expr, &blue), 0);
  // Its table ends before match_tag_hash: the host must not read past struct_size.
  EXPECT_FALSE(BERTH_HAS_FIELD(&ops, berth_filter_ops, match_tag_hash));
  EXPECT_EQ(tag_hash_verdict(&ops, expr, red.tag_hash), std::nullopt);
  ops.release(expr);
}

TEST_F(loader_fixture, newer_minor_plugin_loads_and_unknown_members_are_ignored) {
  auto lib = load_ok("newerminor");
  ASSERT_TRUE(lib);
  EXPECT_EQ(lib->abi_version(), fmt::format("{}.{}", BERTH_ABI_MAJOR, BERTH_ABI_MINOR + 7));
  EXPECT_GT(lib->descriptor().struct_size, sizeof(berth_plugin));
  auto instance = create(lib);
  ASSERT_TRUE(instance) << instance.error().message;
  const auto& ops = instance.value()->ops<berth_filter_ops>();
  EXPECT_GT(ops.struct_size, sizeof(berth_filter_ops));
  berth_filter_expr* expr = nullptr;
  berth_status status = BERTH_OK;
  EXPECT_EQ(compile_error(ops, instance.value()->handle(), "x", &expr, &status),
            "col 1: this test filter compiles nothing");
  EXPECT_EQ(status, BERTH_E_INVALID);
  // The member exists in its table but is NULL: no fast path, no crash.
  EXPECT_EQ(tag_hash_verdict(&ops, nullptr, 1), std::nullopt);
}

TEST_F(loader_fixture, current_sdk_plugin_offers_every_hook) {
  auto lib = load_ok("testtag");
  ASSERT_TRUE(lib);
  EXPECT_EQ(lib->abi_version(), host_abi);
  auto instance = create(lib, "throw_on_tag = \"bomb\"");
  ASSERT_TRUE(instance) << instance.error().message;
  const auto& ops = instance.value()->ops<berth_filter_ops>();
  berth_instance* handle = instance.value()->handle();

  berth_filter_expr* expr = nullptr;
  berth_status status = BERTH_OK;
  EXPECT_EQ(compile_error(ops, handle, "", &expr, &status), "col 1: empty tag");
  EXPECT_EQ(status, BERTH_E_INVALID);
  EXPECT_EQ(expr, nullptr);
  // max_expression_bytes defaults to 64B through the schema.
  EXPECT_EQ(compile_error(ops, handle, std::string(65, 'a'), &expr, &status),
            "col 65: expression too long");

  compile_error(ops, handle, "red", &expr, &status);
  ASSERT_EQ(status, BERTH_OK);
  const auto red = message_with_tag("red");
  const auto blue = message_with_tag("blue");
  const auto bomb = message_with_tag("bomb");
  EXPECT_EQ(ops.match(expr, &red), 1);
  EXPECT_EQ(ops.match(expr, &blue), 0);
  EXPECT_EQ(ops.match(expr, &bomb), -1) << "an exception in match() must become -1";
  EXPECT_EQ(tag_hash_verdict(&ops, expr, red.tag_hash), 1);
  EXPECT_EQ(tag_hash_verdict(&ops, expr, blue.tag_hash), 0);
  ops.release(expr);
  EXPECT_NE(metrics_.serialize().find(
                "berth_testtag_matches_total{instance=\"filter-test-1\",kind=\"filter\"} 1"),
            std::string::npos)
      << metrics_.serialize();
}

TEST_F(loader_fixture, the_reload_hook_is_called_and_its_failure_carries_the_plugins_message) {
  temp_dir dir;
  const auto rules = dir.write("rules.txt", "ok\n");
  auto lib = load_ok("testtag");
  ASSERT_TRUE(lib);
  auto instance = create(lib, "reload_file = \"" + rules.string() + "\"");
  ASSERT_TRUE(instance) << instance.error().message;
  ASSERT_TRUE(instance.value()->can_reload());
  EXPECT_TRUE(instance.value()->reload());
  EXPECT_NE(metrics_.serialize().find(
                "berth_testtag_reloads_total{instance=\"filter-test-1\",kind=\"filter\"} 1"),
            std::string::npos)
      << metrics_.serialize();
  dir.write("rules.txt", "fail\n");
  auto failed = instance.value()->reload();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message,
            "filter 'filter-test-1': reload failed, still running on what it had: the rules in " +
                rules.string() + " say fail");
}

TEST_F(loader_fixture, plugins_without_a_reload_hook_are_not_reloaded) {
  for (const char* name : {"frozen10", "newerminor"}) {
    auto lib = load_ok(name);
    ASSERT_TRUE(lib) << name;
    auto instance = create(lib);
    ASSERT_TRUE(instance) << instance.error().message;
    EXPECT_FALSE(instance.value()->can_reload()) << name;
    EXPECT_TRUE(instance.value()->reload()) << name;  // nothing to do is no failure
  }
}

TEST_F(loader_fixture, newer_major_is_refused_naming_both_versions) {
  const auto file = plugin("newermajor");
  EXPECT_EQ(load_error(file),
            fmt::format("{}: plugin has ABI {}.0, this berthd has ABI {}: rebuild the plugin "
                        "against Berth SDK {}.x",
                        file.string(), BERTH_ABI_MAJOR + 1, host_abi, BERTH_ABI_MAJOR));
}

TEST_F(loader_fixture, library_without_entry_symbol_is_refused) {
  const auto file = plugin("noentry");
  EXPECT_EQ(load_error(file),
            file.string() + ": not a Berth plugin: it does not export berth_plugin_entry");
}

TEST_F(loader_fixture, entry_returning_null_is_refused) {
  const auto file = plugin("nulldescriptor");
  EXPECT_EQ(load_error(file),
            fmt::format("{}: berth_plugin_entry returned no descriptor (the plugin refused this "
                        "berthd's ABI {})", file.string(), host_abi));
}

TEST_F(loader_fixture, descriptor_too_small_for_versions_is_refused) {
  const auto file = plugin("shortdescriptor");
  EXPECT_EQ(load_error(file),
            file.string() + ": descriptor of 4 bytes is too small to hold an ABI version");
}

TEST_F(loader_fixture, truncated_descriptor_is_refused) {
  const auto file = plugin("truncated");
  EXPECT_EQ(load_error(file), fmt::format("{}: descriptor of 16 bytes is truncated (ABI {} needs {})",
                                          file.string(), host_abi, sizeof(berth_plugin)));
}

TEST_F(loader_fixture, name_not_matching_file_is_refused) {
  const auto file = plugin("mismatch");
  EXPECT_EQ(load_error(file),
            file.string() + ": descriptor says filter 'other' but the file name says filter "
                            "'mismatch': rename the file to libberth-filter-other.so or fix the "
                            "descriptor");
}

TEST_F(loader_fixture, kind_not_matching_file_is_refused) {
  const auto file = plugin("wrongkind");
  EXPECT_EQ(load_error(file),
            file.string() + ": descriptor says transport 'wrongkind' but the file name says "
                            "filter 'wrongkind': rename the file to "
                            "libberth-transport-wrongkind.so or fix the descriptor");
}

TEST_F(loader_fixture, corrupt_file_is_refused_with_the_loader_reason) {
  temp_dir dir;
  std::string garbage(4096, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 7919u) & 0xff);
  const auto file = dir.write("libberth-filter-corrupt.so", garbage);
  const std::string error = load_error(file);
  EXPECT_EQ(error.rfind(file.string() + ": cannot load: ", 0), 0u) << error;
  EXPECT_NE(error.find("invalid ELF header"), std::string::npos) << error;
}

TEST_F(loader_fixture, missing_file_is_refused) {
  const auto file = test_plugin_dir() / "libberth-filter-nosuchplugin.so";
  EXPECT_EQ(load_error(file), file.string() + ": no such plugin file");
}

TEST_F(loader_fixture, file_not_named_like_a_plugin_is_refused) {
  temp_dir dir;
  const auto file = dir.write("libsomething.so", "x");
  EXPECT_EQ(load_error(file),
            file.string() + ": not a plugin file name (expected libberth-<kind>-<name>.so)");
}

TEST_F(loader_fixture, invalid_schema_is_refused) {
  const auto file = plugin("badschema");
  const std::string error = load_error(file);
  EXPECT_EQ(error.rfind(file.string() + ": invalid config schema: ", 0), 0u) << error;
  EXPECT_NE(error.find("colour"), std::string::npos) << error;
}

TEST_F(loader_fixture, create_failure_carries_the_plugin_message) {
  auto lib = load_ok("createfails");
  ASSERT_TRUE(lib);
  auto instance = create(lib);
  ASSERT_FALSE(instance);
  EXPECT_EQ(instance.error().code, BERTH_E_INVALID);
  EXPECT_EQ(instance.error().message,
            fmt::format("filter 'filter-test-1' ({}) failed to start: threshold must be below "
                        "100, got 250", plugin("createfails").string()));
}

TEST_F(loader_fixture, exception_in_create_becomes_an_error_not_a_crash) {
  auto lib = load_ok("throws");
  ASSERT_TRUE(lib);
  auto instance = create(lib);
  ASSERT_FALSE(instance);
  EXPECT_EQ(instance.error().code, BERTH_E_INTERNAL);
  EXPECT_EQ(instance.error().message,
            fmt::format("filter 'filter-test-1' ({}) failed to start: cannot open rules file "
                        "/nonexistent/rules.txt", plugin("throws").string()));
}

TEST_F(loader_fixture, library_stays_loaded_while_an_instance_lives) {
  std::weak_ptr<const kernel::plugin_host::library> weak;
  kernel::plugin_host::instance_ptr instance;
  {
    auto lib = load_ok("testtag");
    ASSERT_TRUE(lib);
    weak = lib;
    auto made = create(lib);
    ASSERT_TRUE(made);
    instance = made.value();
  }
  EXPECT_FALSE(weak.expired()) << "the instance must keep its library loaded";
  // Still callable: the code is mapped.
  berth_filter_expr* expr = nullptr;
  berth_status status = BERTH_OK;
  compile_error(instance->ops<berth_filter_ops>(), instance->handle(), "red", &expr, &status);
  EXPECT_EQ(status, BERTH_OK);
  instance->ops<berth_filter_ops>().release(expr);
  instance.reset();
  EXPECT_TRUE(weak.expired()) << "the library is released with its last instance";
}

}  // namespace
}  // namespace berth::test
