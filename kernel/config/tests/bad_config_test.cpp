// Each bad config and the exact text a user sees for it: file, line, column, key, message
// and hint. The columns are what an editor shows (1-based), pointing at the offending value,
// or at the key when the key itself is wrong.
#include "config/broker_config.hpp"
#include "config/validate.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace berth::kernel::config {
namespace {

// Stand-ins for the schemas real plugins publish.
const std::map<std::string, std::string, std::less<>> kPluginSchemas{
    {"mmap", R"({"keys": {
       "segment_size": {"type": "size", "default": "1GiB", "min": "1MiB"},
       "flush": {"type": "enum", "values": ["sync", "async"], "default": "sync"}}})"},
    {"memory", R"({"keys": {}})"},
    {"tcp", R"({"keys": {
       "listen": {"type": "string", "required": true, "help": "host:port to listen on"},
       "backlog": {"type": "int", "default": 128, "min": 1, "max": 65535},
       "tls": {"type": "table", "keys": {
         "certificate": {"type": "string", "required": true},
         "private_key": {"type": "string", "required": true}}}}})"}};

std::vector<std::string> to_strings(const config_errors& errors) {
  std::vector<std::string> out;
  for (const config_error& e : errors) out.push_back(e.to_string());
  return out;
}

// What berthd --check-config does: the kernel tables, then each plugin table against its
// plugin's schema with the reserved keys left to the kernel.
std::vector<std::string> check_config(std::string_view text) {
  auto parsed = parse_broker_config(text, "bad.toml", "/etc/berth");
  if (!parsed) return to_strings(parsed.error());
  const schema reserved = parse_schema(reserved_plugin_keys_schema_json()).value();
  std::vector<std::string> reserved_names;
  for (const key_spec& key : reserved.keys) reserved_names.push_back(key.name);

  config_errors errors;
  for (const plugin_table& table : parsed.value().plugin_tables) {
    const auto it = kPluginSchemas.find(table.plugin);
    if (it == kPluginSchemas.end()) return {"test has no schema for plugin " + table.plugin};
    config_tree tree;
    const validate_context ctx{"bad.toml", table.path, table.position, reserved_names};
    validate_table(*table.table, parse_schema(it->second).value(), ctx, tree, errors);
  }
  return to_strings(errors);
}

struct bad_config {
  const char* name;
  const char* text;
  std::vector<std::string> expected;
};

void PrintTo(const bad_config& c, std::ostream* os) { *os << c.name; }

class BadConfig : public testing::TestWithParam<bad_config> {};

TEST_P(BadConfig, GivesTheExactError) {
  EXPECT_EQ(check_config(GetParam().text), GetParam().expected) << GetParam().text;
}

const bad_config kBadConfigs[] = {
    {"WrongType", "[broker]\nname = 1\n",
     {"bad.toml:2:8: broker.name: expected a string, found an integer",
      "bad.toml: store: missing required table (add [store] with plugin = \"mmap\" or "
      "\"memory\")"}},
    {"UnknownKeyWithHint", "[store]\nplugin = \"mmap\"\nsegmnet_size = \"1GiB\"\n",
     {"bad.toml:3:1: store.segmnet_size: unknown key (did you mean 'segment_size'?)"}},
    {"UnknownKeyWithoutHint", "[broker]\ncolour = \"red\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:1: broker.colour: unknown key (valid keys: name, data_dir, log_level, "
      "shutdown_timeout, auto_create_topics, default_queues, max_delay, max_reconsume, "
      "produce_max_pending_bytes, produce_max_pending_wait)"}},
    {"UnknownKeyInReservedPart", "[store]\nplugin = \"mmap\"\non_start_eror = \"disable\"\n",
     {"bad.toml:3:1: store.on_start_eror: unknown key (did you mean 'on_start_error'?)"}},
    {"UnknownTableWithHint", "[store]\nplugin = \"memory\"\n\n[[trasnport]]\nplugin = \"tcp\"\n",
     {"bad.toml:4:3: trasnport: unknown table (did you mean 'transport'?)"}},
    {"UnknownTableWithoutHint", "[metrics]\nport = 9090\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:1:2: metrics: unknown table (valid tables: broker, plugins, transaction, admin, "
      "store, auth, transport, filter, tracer)"}},
    {"AdminUnknownKey", "[admin]\nlisen = \"127.0.0.1:1\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:1: admin.lisen: unknown key (did you mean 'listen'?)"}},
    {"AdminBadListen", "[admin]\nlisten = \"localhost:10980\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:10: admin.listen: listen: \"localhost:10980\" is not an IP address (expected "
      "address:port, e.g. \"127.0.0.1:10980\")"}},
    {"TransactionUnknownKey", "[transaction]\ncheck_intervall = \"5s\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:1: transaction.check_intervall: unknown key (did you mean 'check_interval'?)"}},
    {"TransactionZeroChecks", "[transaction]\nmax_checks = 0\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:14: transaction.max_checks: 0 is below the minimum 1"}},
    {"TransactionBadDuration", "[transaction]\ntimeout = 6\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:11: transaction.timeout: expected a duration such as \"500ms\", found an "
      "integer"}},
    {"TopLevelKey", "name = \"berth-1\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:1:1: name: unknown key (top-level keys belong in a table such as [broker])"}},
    {"BadSizeUnit", "[store]\nplugin = \"mmap\"\nsegment_size = \"64Gb\"\n",
     {"bad.toml:3:16: store.segment_size: \"64Gb\" is not a size: unknown unit 'Gb' (use B, "
      "KiB, MiB, GiB, TiB, KB, MB, GB, TB)"}},
    {"BadDuration", "[broker]\nshutdown_timeout = \"10 secs\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:20: broker.shutdown_timeout: \"10 secs\" is not a duration: unknown unit "
      "'secs' (use ns, us, ms, s, m, h, d)"}},
    {"DurationMissingUnit", "[broker]\nshutdown_timeout = \"30\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:20: broker.shutdown_timeout: \"30\" is not a duration: missing unit (use ns, "
      "us, ms, s, m, h, d)"}},
    {"DurationAsInteger", "[broker]\nshutdown_timeout = 30\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:20: broker.shutdown_timeout: expected a duration such as \"500ms\", found an "
      "integer"}},
    {"SizeBelowMinimum", "[store]\nplugin = \"mmap\"\nsegment_size = \"64KiB\"\n",
     {"bad.toml:3:16: store.segment_size: 64KiB is below the minimum 1MiB"}},
    {"IntAboveMaximum",
     "[store]\nplugin = \"memory\"\n[[transport]]\nplugin = \"tcp\"\nlisten = \":1\"\n"
     "backlog = 70000\n",
     {"bad.toml:6:11: transport[0].backlog: 70000 is above the maximum 65535"}},
    {"EnumWithHint", "[store]\nplugin = \"mmap\"\nflush = \"fsync\"\n",
     {"bad.toml:3:9: store.flush: \"fsync\" is not one of \"sync\", \"async\" (did you mean "
      "'sync'?)"}},
    {"EnumWithoutHint", "[broker]\nlog_level = \"verbose\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:13: broker.log_level: \"verbose\" is not one of \"trace\", \"debug\", "
      "\"info\", \"warn\", \"error\", \"critical\", \"off\""}},
    {"MissingStore", "[broker]\nname = \"b\"\n",
     {"bad.toml: store: missing required table (add [store] with plugin = \"mmap\" or "
      "\"memory\")"}},
    {"MissingPluginKey",
     "[store]\nplugin = \"memory\"\n\n[[transport]]\nid = \"plain\"\nlisten = \":1\"\n",
     {"bad.toml:4:1: transport[0].plugin: missing required value (the plugin to load, e.g. "
      "plugin = \"tcp\")"}},
    {"MissingStorePluginKey", "[store]\nsegment_size = \"1GiB\"\n",
     {"bad.toml:1:1: store.plugin: missing required value (the plugin to load, e.g. plugin = "
      "\"mmap\")"}},
    {"MissingPluginRequiredKey", "[store]\nplugin = \"memory\"\n[[transport]]\nplugin = \"tcp\"\n",
     {"bad.toml:3:1: transport[0].listen: missing required value (host:port to listen on)"}},
    {"StoreAsArrayOfTables", "[[store]]\nplugin = \"mmap\"\n\n[[store]]\nplugin = \"memory\"\n",
     {"bad.toml:1:1: store: must be a single table [store], not an array of tables"}},
    {"TransportAsSingleTable",
     "[store]\nplugin = \"memory\"\n[transport]\nplugin = \"tcp\"\nlisten = \":1\"\n",
     {"bad.toml:3:1: transport: must be an array of tables [[transport]], not a single table"}},
    {"TransportAsValue", "transport = \"tcp\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:1:13: transport: expected an array of tables [[transport]], found a string"}},
    {"DuplicateId",
     "[store]\nplugin = \"memory\"\n[[transport]]\nid = \"edge\"\nplugin = \"tcp\"\n"
     "listen = \":1\"\n[[transport]]\nplugin = \"tcp\"\nid = \"edge\"\nlisten = \":2\"\n",
     {"bad.toml:9:6: transport[1].id: duplicate id \"edge\" (first used by transport[0])"}},
    {"DuplicateGeneratedId",
     "[store]\nplugin = \"memory\"\n[[transport]]\nplugin = \"tcp\"\nlisten = \":1\"\n"
     "[[transport]]\nplugin = \"tcp\"\nid = \"transport-tcp-1\"\nlisten = \":2\"\n",
     {"bad.toml:8:6: transport[1].id: duplicate id \"transport-tcp-1\" (first used by "
      "transport[0])"}},
    {"BadPluginName", "[store]\nplugin = \"MMap\"\n",
     {"bad.toml:2:10: store.plugin: \"MMap\" is not a valid plugin name (use only a-z, 0-9 "
      "and _)"}},
    {"BadId", "[store]\nplugin = \"mmap\"\nid = \"my store\"\n",
     {"bad.toml:3:6: store.id: \"my store\" is not a valid id (use only a-z, 0-9, _ and -)"}},
    {"BadOnStartError", "[store]\nplugin = \"mmap\"\non_start_error = \"ignore\"\n",
     {"bad.toml:3:18: store.on_start_error: \"ignore\" is not one of \"fail\", \"disable\""}},
    {"SyntaxError", "[store]\nplugin = \"mmap\"\nflush = \n",
     {"bad.toml:3:9: syntax error: Error while parsing key-value pair: expected value, saw "
      "'\\n'"}},
    {"SyntaxErrorUnterminatedString", "[store]\nplugin = \"mmap\n",
     {"bad.toml:2:15: syntax error: Error while parsing string: unescaped control characters "
      "other than TAB (U+0009) are explicitly prohibited"}},
    {"StoreTwice", "[store]\nplugin = \"mmap\"\n\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:4:1: syntax error: Error while parsing table header: cannot redefine existing "
      "table 'store'"}},
    {"TransportArrayWithValue", "transport = [1, { plugin = \"tcp\", listen = \":1\" }]\n"
     "[store]\nplugin = \"memory\"\n",
     {"bad.toml:1:14: transport[0]: expected a table, found an integer"}},
    {"NegativeDuration", "[broker]\nshutdown_timeout = \"-5s\"\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:20: broker.shutdown_timeout: \"-5s\" is not a duration: negative"}},
    {"NestedKeyInInlineTable",
     "[store]\nplugin = \"memory\"\n[[transport]]\nplugin = \"tcp\"\nlisten = \":1\"\n"
     "tls = { certificate = \"c.pem\", privte_key = \"k.pem\" }\n",
     {"bad.toml:6:7: transport[0].tls.private_key: missing required value",
      "bad.toml:6:32: transport[0].tls.privte_key: unknown key (did you mean 'private_key'?)"}},
    {"SearchPathElementWrongType",
     "[plugins]\nsearch_path = [\"lib\", \"/opt/berth\", 3]\n[store]\nplugin = \"memory\"\n",
     {"bad.toml:2:37: plugins.search_path[2]: expected a string, found an integer"}},
    {"SeveralErrorsInFileOrder",
     "[broker]\nlog_level = \"inf\"\n[store]\nplugin = \"mmap\"\nflush = \"fsync\"\n"
     "[[transport]]\nlisten = \":1\"\n",
     {"bad.toml:2:13: broker.log_level: \"inf\" is not one of \"trace\", \"debug\", \"info\", "
      "\"warn\", \"error\", \"critical\", \"off\" (did you mean 'info'?)",
      "bad.toml:6:1: transport[0].plugin: missing required value (the plugin to load, e.g. "
      "plugin = \"tcp\")"}},
};

INSTANTIATE_TEST_SUITE_P(Config, BadConfig, testing::ValuesIn(kBadConfigs),
                         [](const testing::TestParamInfo<bad_config>& param) {
                           return std::string(param.param.name);
                         });

}  // namespace
}  // namespace berth::kernel::config
