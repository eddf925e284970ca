#include "config/broker_config.hpp"
#include "config/schema.hpp"

#include <gtest/gtest.h>

#include <string>

namespace berth::kernel::config {
namespace {

std::string schema_error(std::string_view json) {
  auto parsed = parse_schema(json);
  return parsed ? "parsed" : parsed.error().message;
}

constexpr std::string_view kStoreSchema = R"({"keys": {
  "segment_size": {"type": "size", "default": "1GiB", "min": "1MiB", "max": "4GiB",
                   "help": "bytes per segment file"},
  "flush": {"type": "enum", "values": ["sync", "async"], "default": "sync"},
  "retention": {"type": "duration", "default": "72h", "min": "1s"},
  "compress": {"type": "bool", "default": false},
  "ratio": {"type": "float", "min": 0, "max": 1},
  "max_segments": {"type": "int", "default": 100, "min": 1},
  "peers": {"type": "array", "items": "string", "default": ["a", "b"]},
  "name": {"type": "string", "required": true, "help": "a name"},
  "tls": {"type": "table", "keys": {
    "certificate": {"type": "string", "required": true},
    "verify": {"type": "bool", "default": true}}}
}})";

TEST(ParseSchema, ReadsEveryFieldAndKeepsKeyOrder) {
  const schema parsed = parse_schema(kStoreSchema).value();
  ASSERT_EQ(parsed.keys.size(), 9u);
  const char* expected_order[] = {"segment_size", "flush", "retention", "compress", "ratio",
                                  "max_segments", "peers", "name", "tls"};
  for (std::size_t i = 0; i < parsed.keys.size(); ++i) {
    EXPECT_EQ(parsed.keys[i].name, expected_order[i]);
  }

  const key_spec* segment = parsed.find("segment_size");
  ASSERT_NE(segment, nullptr);
  EXPECT_EQ(segment->type, value_type::size);
  EXPECT_EQ(segment->help, "bytes per segment file");
  EXPECT_EQ(segment->default_json, "\"1GiB\"");
  EXPECT_EQ(segment->min, 1024.0 * 1024.0);
  EXPECT_EQ(segment->max, 4.0 * 1024 * 1024 * 1024);

  const key_spec* flush = parsed.find("flush");
  ASSERT_NE(flush, nullptr);
  EXPECT_EQ(flush->type, value_type::enumeration);
  EXPECT_EQ(flush->values, (std::vector<std::string>{"sync", "async"}));

  EXPECT_EQ(parsed.find("retention")->min, 1e9);
  EXPECT_EQ(parsed.find("compress")->default_json, "false");
  EXPECT_EQ(parsed.find("ratio")->default_json, "");
  EXPECT_EQ(parsed.find("max_segments")->default_json, "100");
  EXPECT_EQ(parsed.find("peers")->items, value_type::string);
  EXPECT_EQ(parsed.find("peers")->default_json, R"(["a","b"])");
  EXPECT_TRUE(parsed.find("name")->required);

  const key_spec* tls = parsed.find("tls");
  ASSERT_NE(tls, nullptr);
  ASSERT_EQ(tls->keys.size(), 2u);
  EXPECT_EQ(tls->keys[0].name, "certificate");
  EXPECT_TRUE(tls->keys[0].required);
  EXPECT_EQ(tls->keys[1].default_json, "true");
  EXPECT_EQ(parsed.find("nope"), nullptr);
}

TEST(ParseSchema, EmptySchemas) {
  EXPECT_TRUE(parse_schema(R"({"keys": {}})").value().keys.empty());
  EXPECT_TRUE(parse_schema("{}").value().keys.empty());
}

TEST(ParseSchema, TypeNames) {
  EXPECT_EQ(to_string(value_type::string), "string");
  EXPECT_EQ(to_string(value_type::boolean), "bool");
  EXPECT_EQ(to_string(value_type::integer), "int");
  EXPECT_EQ(to_string(value_type::floating), "float");
  EXPECT_EQ(to_string(value_type::size), "size");
  EXPECT_EQ(to_string(value_type::duration), "duration");
  EXPECT_EQ(to_string(value_type::enumeration), "enum");
  EXPECT_EQ(to_string(value_type::array), "array");
  EXPECT_EQ(to_string(value_type::table), "table");
}

TEST(ParseSchema, KernelSchemasAreValid) {
  EXPECT_EQ(schema_error(broker_table_schema_json()), "parsed");
  EXPECT_EQ(schema_error(plugins_table_schema_json()), "parsed");
  EXPECT_EQ(schema_error(reserved_plugin_keys_schema_json()), "parsed");
  const schema reserved = parse_schema(reserved_plugin_keys_schema_json()).value();
  ASSERT_EQ(reserved.keys.size(), 4u);
  EXPECT_EQ(reserved.keys[0].name, "plugin");
  EXPECT_TRUE(reserved.keys[0].required);
  EXPECT_EQ(reserved.keys[1].name, "id");
  EXPECT_EQ(reserved.keys[2].name, "log_level");
  EXPECT_EQ(reserved.keys[2].default_json, "");
  EXPECT_EQ(reserved.keys[3].name, "on_start_error");
  EXPECT_EQ(reserved.keys[3].default_json, "\"fail\"");
}

TEST(ParseSchema, DocumentErrors) {
  EXPECT_EQ(schema_error("{").rfind("schema is not valid JSON: ", 0), 0u);
  EXPECT_EQ(schema_error("[]"), "schema must be a JSON object with \"keys\"");
  EXPECT_EQ(schema_error(R"({"key": {}})"), "schema: unknown field 'key' (use \"keys\")");
  EXPECT_EQ(schema_error(R"({"keys": []})"), "schema: \"keys\" must be an object");
}

struct schema_case {
  const char* name;
  const char* json;
  const char* error;
};

class SchemaErrors : public testing::TestWithParam<schema_case> {};

TEST_P(SchemaErrors, NameTheKeyAndTheProblem) {
  EXPECT_EQ(schema_error(GetParam().json), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    ParseSchema, SchemaErrors,
    testing::Values(
        schema_case{"KeyNotObject", R"({"keys": {"a": "string"}})",
                    R"(schema key 'a': must be an object with "type")"},
        schema_case{"MissingType", R"({"keys": {"a": {"help": "x"}}})",
                    R"(schema key 'a': missing "type")"},
        schema_case{"UnknownType", R"({"keys": {"a": {"type": "text"}}})",
                    "schema key 'a': unknown type 'text' (use string, bool, int, float, size, "
                    "duration, enum, array, table)"},
        schema_case{"UnknownField", R"({"keys": {"a": {"type": "string", "defualt": "x"}}})",
                    "schema key 'a': unknown field 'defualt'"},
        schema_case{"EnumWithoutValues", R"({"keys": {"flush": {"type": "enum"}}})",
                    R"(schema key 'flush': enum needs "values")"},
        schema_case{"EnumEmptyValues", R"({"keys": {"flush": {"type": "enum", "values": []}}})",
                    R"(schema key 'flush': "values" must be a non-empty array of strings)"},
        schema_case{"ValuesOnString",
                    R"({"keys": {"a": {"type": "string", "values": ["x"]}}})",
                    R"(schema key 'a': "values" is only for enum)"},
        schema_case{"DefaultWrongType", R"({"keys": {"name": {"type": "string", "default": 5}}})",
                    "schema key 'name': default: expected a string, found 5"},
        schema_case{"DefaultBadSize",
                    R"({"keys": {"segment_size": {"type": "size", "default": "1Gb"}}})",
                    "schema key 'segment_size': default: \"1Gb\" is not a size: unknown unit "
                    "'Gb' (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)"},
        schema_case{"DefaultDurationAsNumber",
                    R"({"keys": {"timeout": {"type": "duration", "default": 10}}})",
                    "schema key 'timeout': default: expected a duration such as \"500ms\", "
                    "found 10"},
        schema_case{"DefaultNotInEnum",
                    R"({"keys": {"flush": {"type": "enum", "values": ["sync", "async"],
                                           "default": "fsync"}}})",
                    "schema key 'flush': default: \"fsync\" is not one of \"sync\", \"async\""},
        schema_case{"DefaultBelowMin",
                    R"({"keys": {"n": {"type": "int", "min": 1, "default": 0}}})",
                    "schema key 'n': default: 0 is below the minimum 1"},
        schema_case{"DefaultArrayItem",
                    R"({"keys": {"peers": {"type": "array", "items": "int",
                                           "default": [1, "x"]}}})",
                    "schema key 'peers': default: element 1: expected an integer, found \"x\""},
        schema_case{"RequiredWithDefault",
                    R"({"keys": {"a": {"type": "string", "required": true, "default": "x"}}})",
                    "schema key 'a': a required key cannot have a default"},
        schema_case{"MinNotASize", R"({"keys": {"s": {"type": "size", "min": "big"}}})",
                    "schema key 's': min: \"big\" is not a size: must start with a number"},
        schema_case{"MinOnString", R"({"keys": {"s": {"type": "string", "min": 1}}})",
                    R"(schema key 's': "min" is only for int, float, size and duration)"},
        schema_case{"MinAboveMax", R"({"keys": {"n": {"type": "int", "min": 5, "max": 1}}})",
                    "schema key 'n': min is above max"},
        schema_case{"BadItems", R"({"keys": {"a": {"type": "array", "items": "size"}}})",
                    R"(schema key 'a': "items" must be one of string, int, float, bool)"},
        schema_case{"TableWithoutKeys", R"({"keys": {"tls": {"type": "table"}}})",
                    R"(schema key 'tls': table needs "keys")"},
        schema_case{"TableWithDefault",
                    R"({"keys": {"tls": {"type": "table", "keys": {}, "default": {}}}})",
                    "schema key 'tls': default: a table takes no default value"},
        schema_case{"NestedKey",
                    R"({"keys": {"tls": {"type": "table", "keys": {
                          "certificate": {"type": "path"}}}}})",
                    "schema key 'tls.certificate': unknown type 'path' (use string, bool, int, "
                    "float, size, duration, enum, array, table)"},
        schema_case{"DottedName", R"({"keys": {"a.b": {"type": "string"}}})",
                    "schema key 'a.b': key names must be non-empty and without '.'"}),
    [](const testing::TestParamInfo<schema_case>& param) { return std::string(param.param.name); });

}  // namespace
}  // namespace berth::kernel::config
