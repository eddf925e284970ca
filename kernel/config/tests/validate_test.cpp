#include "config/validate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth::kernel::config {
namespace {

// A transport-like plugin schema: every type, a nested table, arrays and defaults.
constexpr std::string_view kPluginSchema = R"({"keys": {
  "listen": {"type": "string", "required": true, "help": "host:port to listen on"},
  "peers": {"type": "array", "items": "string"},
  "ports": {"type": "array", "items": "int", "default": [1, 2]},
  "weights": {"type": "array", "items": "float"},
  "backlog": {"type": "int", "default": 128, "min": 1, "max": 65535},
  "ratio": {"type": "float", "min": 0, "max": 1},
  "max_frame": {"type": "size", "default": "4MiB", "max": "1GiB"},
  "idle_timeout": {"type": "duration", "default": "60s", "min": "1ms"},
  "compress": {"type": "bool", "default": false},
  "mode": {"type": "enum", "values": ["plain", "tls"], "default": "plain"},
  "comment": {"type": "string"},
  "tls": {"type": "table", "keys": {
    "certificate": {"type": "string", "required": true, "help": "PEM certificate chain"},
    "private_key": {"type": "string", "required": true, "help": "PEM private key"},
    "verify_peer": {"type": "bool", "default": false}}}
}})";

const std::vector<std::string> kReserved{"plugin", "id", "log_level", "on_start_error"};

struct outcome {
  bool ok = false;
  config_tree tree;
  std::vector<std::string> errors;
};

outcome validate(std::string_view toml_text, std::string table_path = "transport[0]") {
  const schema spec = parse_schema(kPluginSchema).value();
  const toml::table table = toml::parse(toml_text, std::string_view("plugin.toml"));
  outcome out;
  config_errors errors;
  const validate_context ctx{"plugin.toml", std::move(table_path), {1, 1}, kReserved};
  out.ok = validate_table(table, spec, ctx, out.tree, errors);
  for (const config_error& e : errors) out.errors.push_back(e.to_string());
  return out;
}

using messages = std::vector<std::string>;

TEST(ValidateTable, StoresGivenValuesWithTheirTypes) {
  const outcome result = validate(R"(listen = "0.0.0.0:10911"
peers = ["a:1", "b:2"]
weights = [1, 2.5]
backlog = 64
ratio = 1
max_frame = 65536
idle_timeout = "1m30s"
compress = true
mode = "tls"
tls = { certificate = "c.pem", private_key = "k.pem" }
plugin = "tcp"
id = "main"
)");
  ASSERT_TRUE(result.ok) << testing::PrintToString(result.errors);
  const config_tree& tree = result.tree;

  EXPECT_EQ(tree.find("listen")->type, BERTH_CONFIG_STRING);
  EXPECT_EQ(tree.find("listen")->text, "0.0.0.0:10911");
  EXPECT_EQ(tree.find("peers")->type, BERTH_CONFIG_ARRAY);
  EXPECT_EQ(tree.find("peers")->integer, 2);
  EXPECT_EQ(tree.find("peers.0")->text, "a:1");
  EXPECT_EQ(tree.find("peers.1")->text, "b:2");
  EXPECT_EQ(tree.find("weights.0")->type, BERTH_CONFIG_FLOAT);
  EXPECT_EQ(tree.find("weights.0")->number, 1.0);
  EXPECT_EQ(tree.find("weights.1")->number, 2.5);
  EXPECT_EQ(tree.find("backlog")->type, BERTH_CONFIG_INT);
  EXPECT_EQ(tree.find("backlog")->integer, 64);
  EXPECT_EQ(tree.find("ratio")->type, BERTH_CONFIG_FLOAT);
  EXPECT_EQ(tree.find("ratio")->number, 1.0);
  EXPECT_EQ(tree.find("max_frame")->type, BERTH_CONFIG_SIZE);
  EXPECT_EQ(tree.find("max_frame")->integer, 65536);
  EXPECT_EQ(tree.find("idle_timeout")->type, BERTH_CONFIG_DURATION);
  EXPECT_EQ(tree.find("idle_timeout")->integer, 90'000'000'000);
  EXPECT_EQ(tree.find("compress")->type, BERTH_CONFIG_BOOL);
  EXPECT_EQ(tree.find("compress")->integer, 1);
  EXPECT_EQ(tree.find("mode")->type, BERTH_CONFIG_STRING);
  EXPECT_EQ(tree.find("mode")->text, "tls");
  EXPECT_EQ(tree.find("tls")->type, BERTH_CONFIG_TABLE);
  EXPECT_EQ(tree.find("tls")->integer, 3);
  EXPECT_EQ(tree.find("tls.certificate")->text, "c.pem");
  EXPECT_EQ(tree.find("tls.private_key")->text, "k.pem");
  EXPECT_EQ(tree.find("tls.verify_peer")->integer, 0);  // default inside a given table
  // Ignored keys are someone else's: neither reported nor stored.
  EXPECT_EQ(tree.find("plugin"), nullptr);
  EXPECT_EQ(tree.find("id"), nullptr);
}

TEST(ValidateTable, FillsDefaultsAndLeavesOptionalKeysAbsent) {
  const outcome result = validate(R"(listen = "x")");
  ASSERT_TRUE(result.ok) << testing::PrintToString(result.errors);
  const config_tree& tree = result.tree;
  EXPECT_EQ(tree.find("ports")->type, BERTH_CONFIG_ARRAY);
  EXPECT_EQ(tree.find("ports")->integer, 2);
  EXPECT_EQ(tree.find("ports.0")->type, BERTH_CONFIG_INT);
  EXPECT_EQ(tree.find("ports.1")->integer, 2);
  EXPECT_EQ(tree.find("backlog")->integer, 128);
  EXPECT_EQ(tree.find("max_frame")->integer, 4 << 20);
  EXPECT_EQ(tree.find("max_frame")->type, BERTH_CONFIG_SIZE);
  EXPECT_EQ(tree.find("idle_timeout")->integer, 60'000'000'000);
  EXPECT_EQ(tree.find("compress")->type, BERTH_CONFIG_BOOL);
  EXPECT_EQ(tree.find("mode")->text, "plain");
  // No default and not given: absent, as the host tells the plugin (BERTH_CONFIG_NONE).
  EXPECT_EQ(tree.find("peers"), nullptr);
  EXPECT_EQ(tree.find("ratio"), nullptr);
  EXPECT_EQ(tree.find("comment"), nullptr);
  // A table has no default: absent when not written, members included.
  EXPECT_EQ(tree.find("tls"), nullptr);
  EXPECT_EQ(tree.find("tls.verify_peer"), nullptr);
}

TEST(ValidateTable, NodesConvertToTheAbi) {
  const outcome result = validate(R"(listen = "x"
max_frame = "1MiB"
)");
  ASSERT_TRUE(result.ok);
  const config_node& listen = *result.tree.find("listen");
  const berth_config_value value = listen.to_abi();
  EXPECT_EQ(value.type, BERTH_CONFIG_STRING);
  EXPECT_EQ(std::string_view(value.string.ptr, value.string.len), "x");
  EXPECT_EQ(value.string.ptr, listen.text.data());  // borrowed from the tree, not copied
  const berth_config_value size = result.tree.find("max_frame")->to_abi();
  EXPECT_EQ(size.type, BERTH_CONFIG_SIZE);
  EXPECT_EQ(size.integer, 1 << 20);
  EXPECT_EQ(size.reserved0, 0u);
}

TEST(ValidateTable, NearMissHintsIncludeIgnoredKeys) {
  const outcome result = validate(R"(listen = "x"
lisen = "y"
plugn = "tcp"
colour = "red"
)");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.errors,
            (messages{"plugin.toml:2:1: transport[0].lisen: unknown key (did you mean 'listen'?)",
                    "plugin.toml:3:1: transport[0].plugn: unknown key (did you mean 'plugin'?)",
                    "plugin.toml:4:1: transport[0].colour: unknown key (valid keys: listen, "
                    "peers, ports, weights, backlog, ratio, max_frame, idle_timeout, compress, "
                    "mode, comment, tls, plugin, id, log_level, on_start_error)"}));
}

TEST(ValidateTable, ReportsEveryProblemInFileOrder) {
  const outcome result = validate(R"(peers = "a:1"
weights = [1, "x", 3]
backlog = 1.5
ratio = 2
max_frame = -1
idle_timeout = "0s"
compress = "yes"
mode = 1
listen = 1979-05-27
tls = { certificate = "c.pem", privat_key = "k.pem" }
)");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.errors,
            (messages{
                "plugin.toml:1:9: transport[0].peers: expected an array of strings, found a string",
                "plugin.toml:2:15: transport[0].weights[1]: expected a number, found a string",
                "plugin.toml:3:11: transport[0].backlog: expected an integer, found a "
                "floating-point number",
                "plugin.toml:4:9: transport[0].ratio: 2 is above the maximum 1",
                "plugin.toml:5:13: transport[0].max_frame: -1 is not a size: negative",
                "plugin.toml:6:16: transport[0].idle_timeout: 0s is below the minimum 1ms",
                "plugin.toml:7:12: transport[0].compress: expected a boolean, found a string",
                "plugin.toml:8:8: transport[0].mode: expected one of \"plain\", \"tls\", found an "
                "integer",
                "plugin.toml:9:10: transport[0].listen: expected a string, found a date/time",
                "plugin.toml:10:7: transport[0].tls.private_key: missing required value (PEM "
                "private key)",
                "plugin.toml:10:32: transport[0].tls.privat_key: unknown key (did you mean "
                "'private_key'?)"}));
}

TEST(ValidateTable, MissingRequiredPointsAtTheTable) {
  const outcome result = validate("backlog = 1\n");
  EXPECT_EQ(result.errors, (messages{"plugin.toml:1:1: transport[0].listen: missing required "
                                   "value (host:port to listen on)"}));
}

TEST(ValidateTable, SubTablesMayUseHeaders) {
  const outcome result = validate(R"(listen = "x"
[tls]
certificate = "c.pem"
private_key = "k.pem"
verify_peer = true
)");
  ASSERT_TRUE(result.ok) << testing::PrintToString(result.errors);
  EXPECT_EQ(result.tree.find("tls.verify_peer")->integer, 1);
}

TEST(ValidateTable, TableGivenAsValue) {
  const outcome result = validate("listen = \"x\"\ntls = \"on\"\n");
  EXPECT_EQ(result.errors,
            (messages{"plugin.toml:2:7: transport[0].tls: expected a table, found a string"}));
  EXPECT_EQ(result.tree.find("tls"), nullptr);
}

TEST(ValidateTable, WithoutTablePathKeysAreBare) {
  const outcome result = validate("listen = 5\n", "");
  EXPECT_EQ(result.errors,
            (messages{"plugin.toml:1:10: listen: expected a string, found an integer"}));
}

TEST(ValidateTable, AppendsToExistingErrors) {
  const schema spec = parse_schema(R"({"keys": {}})").value();
  const toml::table table =
      toml::parse(std::string_view("x = 1\n"), std::string_view("plugin.toml"));
  config_errors errors{config_error{"earlier.toml", 0, 0, "", "earlier", ""}};
  config_tree tree;
  const validate_context ctx{"plugin.toml", "filter[2]", {}, {}};
  EXPECT_FALSE(validate_table(table, spec, ctx, tree, errors));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "earlier");
  EXPECT_EQ(errors[1].to_string(),
            "plugin.toml:1:1: filter[2].x: unknown key (this table takes no keys)");
}

TEST(ValidateTable, EmptyTableAgainstEmptySchemaIsValid) {
  const schema spec = parse_schema("{}").value();
  config_errors errors;
  config_tree tree;
  EXPECT_TRUE(validate_table(toml::table{}, spec, validate_context{}, tree, errors));
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(tree.nodes().empty());
}

TEST(ConfigError, ToStringLeavesOutEmptyParts) {
  EXPECT_EQ((config_error{"a.toml", 3, 7, "store.flush", "bad", "fix it"}).to_string(),
            "a.toml:3:7: store.flush: bad (fix it)");
  EXPECT_EQ((config_error{"a.toml", 3, 7, "", "bad", ""}).to_string(), "a.toml:3:7: bad");
  EXPECT_EQ((config_error{"a.toml", 3, 0, "k", "bad", ""}).to_string(), "a.toml:3: k: bad");
  EXPECT_EQ((config_error{"a.toml", 0, 0, "store", "missing", "add it"}).to_string(),
            "a.toml: store: missing (add it)");
  EXPECT_EQ((config_error{"", 0, 0, "", "bad", ""}).to_string(), "bad");
}

}  // namespace
}  // namespace berth::kernel::config
