#include "config/broker_config.hpp"

#include "config/diagnostics.hpp"
#include "config/listen_address.hpp"
#include "config/schema.hpp"
#include "config/validate.hpp"
#include "config/value_rules.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <map>
#include <optional>
#include <system_error>
#include <utility>

namespace berth::kernel::config {
namespace {

// A top-level table that holds plugin instances.
struct role {
  std::string_view name;
  plugin_kind kind;
  bool repeated;             // [[name]], zero or more; otherwise [name], at most one
  std::string_view example;  // a plugin of this kind, for hints
};

// In the order plugin_tables lists them.
constexpr std::array<role, 5> kRoles{{{"store", plugin_kind::store, false, "mmap"},
                                      {"auth", plugin_kind::auth, false, "acl"},
                                      {"filter", plugin_kind::filter, true, "tag"},
                                      {"tracer", plugin_kind::tracer, true, "topic"},
                                      {"transport", plugin_kind::transport, true, "tcp"}}};

const std::vector<std::string>& table_names() {
  static const std::vector<std::string> names{"broker", "plugins",   "transaction", "admin",
                                              "store",  "auth",      "transport",   "filter",
                                              "tracer"};
  return names;
}

const std::vector<std::string>& reserved_keys() {
  static const std::vector<std::string> names{"plugin", "id", "log_level", "on_start_error"};
  return names;
}

const role* find_role(std::string_view name) {
  const auto it = std::find_if(kRoles.begin(), kRoles.end(),
                               [&](const role& r) { return r.name == name; });
  return it == kRoles.end() ? nullptr : &*it;
}

// The kernel's schemas are constants of this program: failing to parse them is a bug caught
// by the tests, so value() (which terminates on error) is right.
const schema& broker_schema() {
  static const schema parsed = parse_schema(broker_table_schema_json()).value();
  return parsed;
}

const schema& plugins_schema() {
  static const schema parsed = parse_schema(plugins_table_schema_json()).value();
  return parsed;
}

const schema& transaction_schema() {
  static const schema parsed = parse_schema(transaction_table_schema_json()).value();
  return parsed;
}

const schema& admin_schema() {
  static const schema parsed = parse_schema(admin_table_schema_json()).value();
  return parsed;
}

// The reserved keys, with a `plugin` help text naming a plugin of this kind, so that a
// missing `plugin` gets a hint the user can copy.
schema reserved_schema_for(const role& r) {
  static const schema parsed = parse_schema(reserved_plugin_keys_schema_json()).value();
  schema out = parsed;
  for (key_spec& key : out.keys) {
    if (key.name == "plugin") {
      key.help = "the plugin to load, e.g. plugin = \"" + std::string(r.example) + '"';
    }
  }
  return out;
}

// Plugin names become file names (libberth-<kind>-<plugin>.so) and ids become log prefixes
// and metric labels: both keep to lowercase letters, digits and a little punctuation.
struct name_rule {
  std::string_view key;          // "plugin" or "id"
  std::string_view what;         // for "... is not a valid <what>"
  std::string_view punctuation;  // allowed besides a-z and 0-9
  std::string_view hint;
};

constexpr name_rule kPluginName{"plugin", "plugin name", "_", "use only a-z, 0-9 and _"};
constexpr name_rule kInstanceId{"id", "id", "_-", "use only a-z, 0-9, _ and -"};

bool follows(const name_rule& rule, std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           rule.punctuation.find(c) != std::string_view::npos;
  });
}

std::string tree_text(const config_tree& tree, std::string_view key) {
  const config_node* node = tree.find(key);
  return node == nullptr ? std::string() : node->text;
}

std::shared_ptr<toml::table> parse_document(std::string_view text, const std::string& file,
                                            config_errors& errors) {
  try {
    return std::make_shared<toml::table>(toml::parse(text, file));
  } catch (const toml::parse_error& e) {
    errors.push_back(make_error(file, e.source().begin, "",
                                "syntax error: " + std::string(e.description())));
    return nullptr;
  }
}

// Reads one parsed document: the shape of its top level, the kernel tables, and the reserved
// keys of each plugin table. Every problem goes to `errors`; reading carries on past them.
class config_reader {
 public:
  config_reader(const std::string& file, const toml::table& document, config_errors& errors)
      : file_(file), document_(document), errors_(errors) {}

  void check_top_level() {
    for (const auto& [key, node] : document_) {
      const std::string name(key.str());
      if (name == "broker" || name == "plugins" || name == "transaction" || name == "admin") {
        check_single_table(name, node);
      } else if (const role* r = find_role(name)) {
        r->repeated ? check_table_array(name, node) : check_single_table(name, node);
      } else {
        report_unknown_table(key, node);
      }
    }
    if (!document_.contains("store")) {
      errors_.push_back(config_error{file_, 0, 0, "store", "missing required table",
                                     "add [store] with plugin = \"mmap\" or \"memory\""});
    }
  }

  broker_settings read_broker() {
    const config_tree tree = read_kernel_table("broker", broker_schema());
    broker_settings out;
    out.name = tree_text(tree, "name");
    out.data_dir = tree_text(tree, "data_dir");
    out.log_level = tree_text(tree, "log_level");
    if (const config_node* timeout = tree.find("shutdown_timeout")) {
      out.shutdown_timeout = std::chrono::nanoseconds(timeout->integer);
    }
    if (const config_node* auto_create = tree.find("auto_create_topics")) {
      out.auto_create_topics = auto_create->integer != 0;
    }
    if (const config_node* queues = tree.find("default_queues")) {
      out.default_queues = static_cast<std::uint32_t>(queues->integer);  // 1..1024 by the schema
    }
    if (const config_node* max_delay = tree.find("max_delay")) {
      out.max_delay = std::chrono::nanoseconds(max_delay->integer);
    }
    if (const config_node* max_reconsume = tree.find("max_reconsume")) {
      out.max_reconsume = static_cast<std::uint32_t>(max_reconsume->integer);  // 0..1000
    }
    if (const config_node* bytes = tree.find("produce_max_pending_bytes")) {
      out.produce_max_pending_bytes = static_cast<std::uint64_t>(bytes->integer);
    }
    if (const config_node* wait = tree.find("produce_max_pending_wait")) {
      out.produce_max_pending_wait = std::chrono::nanoseconds(wait->integer);
    }
    return out;
  }

  plugin_settings read_plugins(const std::filesystem::path& base_dir) {
    const config_tree tree = read_kernel_table("plugins", plugins_schema());
    plugin_settings out;
    const config_node* paths = tree.find("search_path");
    for (std::int64_t i = 0; paths != nullptr && i < paths->integer; ++i) {
      std::filesystem::path entry = tree_text(tree, "search_path." + std::to_string(i));
      // Relative to the config file, so a config and its plugins can move together.
      if (entry.is_relative() && !base_dir.empty()) entry = (base_dir / entry).lexically_normal();
      out.search_path.push_back(std::move(entry));
    }
    return out;
  }

  transaction_settings read_transaction() {
    const config_tree tree = read_kernel_table("transaction", transaction_schema());
    transaction_settings out;
    if (const config_node* interval = tree.find("check_interval")) {
      out.check_interval = std::chrono::nanoseconds(interval->integer);
    }
    if (const config_node* timeout = tree.find("timeout")) {
      out.timeout = std::chrono::nanoseconds(timeout->integer);
    }
    if (const config_node* checks = tree.find("max_checks")) {
      out.max_checks = static_cast<std::uint32_t>(checks->integer);  // 1..1000 by the schema
    }
    return out;
  }

  admin_settings read_admin() {
    const config_tree tree = read_kernel_table("admin", admin_schema());
    admin_settings out;
    if (const config_node* enabled = tree.find("enabled")) out.enabled = enabled->integer != 0;
    out.listen = tree_text(tree, "listen");
    // Checked here, so that --check-config catches it rather than the start.
    if (out.enabled) {
      if (auto address = parse_listen_address(out.listen); !address) {
        const toml::node* node = document_.at_path("admin.listen").node();
        errors_.push_back(make_error(file_, node != nullptr ? node->source().begin
                                                            : toml::source_position{},
                                     "admin.listen", address.error().message));
      }
    }
    if (const config_node* size = tree.find("max_request_size")) {
      out.max_request_size = static_cast<std::uint64_t>(size->integer);
    }
    if (const config_node* idle = tree.find("idle_timeout")) {
      out.idle_timeout = std::chrono::nanoseconds(idle->integer);
    }
    if (const config_node* most = tree.find("max_connections")) {
      out.max_connections = static_cast<std::uint32_t>(most->integer);  // 1..10000
    }
    return out;
  }

  std::vector<plugin_table> read_plugin_tables() {
    std::vector<plugin_table> out;
    for (const role& r : kRoles) {
      std::map<std::string, int, std::less<>> per_plugin;  // for "<kind>-<plugin>-<n>"
      for_each_table(r, [&](const toml::table& table, std::string path) {
        plugin_table entry = read_plugin_table(r, table, std::move(path));
        const int n = ++per_plugin[entry.plugin];
        if (entry.id.empty() && !entry.plugin.empty()) entry.id = default_id(r, entry.plugin, n);
        out.push_back(std::move(entry));
      });
    }
    check_unique_ids(out);
    return out;
  }

 private:
  void check_single_table(const std::string& name, const toml::node& node) {
    if (node.is_table()) return;
    if (node.is_array_of_tables()) {
      report(node.source().begin, name,
             "must be a single table [" + name + "], not an array of tables");
    } else {
      report(node.source().begin, name, "expected a table, found " + describe_found(node));
    }
  }

  void check_table_array(const std::string& name, const toml::node& node) {
    if (node.is_table()) {
      report(node.source().begin, name,
             "must be an array of tables [[" + name + "]], not a single table");
      return;
    }
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      report(node.source().begin, name,
             "expected an array of tables [[" + name + "]], found " + describe_found(node));
      return;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      if (!element.is_table()) {
        report(element.source().begin, name + '[' + std::to_string(i) + ']',
               "expected a table, found " + describe_found(element));
      }
    }
  }

  void report_unknown_table(const toml::key& key, const toml::node& node) {
    if (node.is_table() || node.is_array_of_tables()) {
      std::string hint = did_you_mean(key.str(), table_names());
      if (hint.empty()) hint = "valid tables: " + plain_list(table_names());
      report(key.source().begin, std::string(key.str()), "unknown table", std::move(hint));
    } else {
      report(key.source().begin, std::string(key.str()), "unknown key",
             "top-level keys belong in a table such as [broker]");
    }
  }

  // Validated with defaults; a missing or misshapen table gets the defaults alone (its shape
  // has been reported by check_top_level).
  config_tree read_kernel_table(const std::string& name, const schema& spec) {
    static const toml::table empty;
    const toml::table* table = document_.get_as<toml::table>(name);
    if (table == nullptr) table = &empty;
    config_tree tree;
    validate_context ctx{file_, name, table->source().begin, {}};
    validate_table(*table, spec, ctx, tree, errors_);
    return tree;
  }

  // Calls fn(table, path) for each well-shaped table of the role, in file order.
  template <class Fn>
  void for_each_table(const role& r, Fn&& fn) {
    const std::string name(r.name);
    if (!r.repeated) {
      if (const toml::table* table = document_.get_as<toml::table>(name)) fn(*table, name);
      return;
    }
    const toml::array* array = document_.get_as<toml::array>(name);
    for (std::size_t i = 0; array != nullptr && i < array->size(); ++i) {
      if (const toml::table* table = array->get_as<toml::table>(i)) {
        fn(*table, name + '[' + std::to_string(i) + ']');
      }
    }
  }

  // Only the reserved keys are checked here: the rest belong to the plugin's schema.
  plugin_table read_plugin_table(const role& r, const toml::table& table, std::string path) {
    std::vector<std::string> plugin_keys;
    for (const auto& [key, node] : table) {
      const auto& reserved = reserved_keys();
      if (std::find(reserved.begin(), reserved.end(), key.str()) == reserved.end()) {
        plugin_keys.emplace_back(key.str());
      }
    }
    config_tree tree;
    const validate_context ctx{file_, path, table.source().begin, plugin_keys};
    validate_table(table, reserved_schema_for(r), ctx, tree, errors_);

    plugin_table out;
    out.kind = r.kind;
    out.plugin = checked_name(table, tree, path, kPluginName);
    out.id = checked_name(table, tree, path, kInstanceId);
    out.log_level = tree_text(tree, "log_level");
    out.on_start_error = tree_text(tree, "on_start_error") == "disable"
                             ? start_error_policy::disable
                             : start_error_policy::fail;
    out.path = std::move(path);
    out.table = &table;
    out.position = table.source().begin;
    if (const toml::node* plugin = table.get("plugin")) {
      out.plugin_position = plugin->source().begin;
    }
    return out;
  }

  // The value of `plugin` or `id` when it follows its rule; "" (and an error) otherwise.
  std::string checked_name(const toml::table& table, const config_tree& tree,
                           const std::string& path, const name_rule& rule) {
    if (tree.find(rule.key) == nullptr) return {};  // absent, or of the wrong type (reported)
    std::string name = tree_text(tree, rule.key);
    if (follows(rule, name)) return name;
    report(table.get(rule.key)->source().begin, path + '.' + std::string(rule.key),
           quote(name) + " is not a valid " + std::string(rule.what), std::string(rule.hint));
    return {};
  }

  static std::string default_id(const role& r, const std::string& plugin, int n) {
    std::string id = std::string(r.name) + '-' + plugin;
    return r.repeated ? id + '-' + std::to_string(n) : id;
  }

  void check_unique_ids(const std::vector<plugin_table>& tables) {
    std::map<std::string, const plugin_table*, std::less<>> first_use;
    for (const plugin_table& entry : tables) {
      if (entry.id.empty()) continue;
      const auto [it, inserted] = first_use.emplace(entry.id, &entry);
      if (inserted) continue;
      const toml::node* id = entry.table->get("id");
      report(id != nullptr ? id->source().begin : entry.position, entry.path + ".id",
             "duplicate id " + quote(entry.id), "first used by " + it->second->path);
    }
  }

  void report(const toml::source_position& where, std::string key, std::string message,
              std::string hint = {}) {
    errors_.push_back(
        make_error(file_, where, std::move(key), std::move(message), std::move(hint)));
  }

  const std::string& file_;
  const toml::table& document_;
  config_errors& errors_;
};

result<std::string, std::error_code> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  // fopen succeeds on a directory on Linux; say what is wrong instead of reading nothing.
  if (std::filesystem::is_directory(path, ec)) {
    return std::make_error_code(std::errc::is_a_directory);
  }
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) return std::error_code(errno, std::generic_category());
  std::string text;
  std::array<char, 64 * 1024> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get())) {
    text.append(buffer.data(), n);
  }
  if (std::ferror(file.get()) != 0) return std::error_code(errno, std::generic_category());
  return text;
}

}  // namespace

std::string_view to_string(plugin_kind kind) {
  for (const role& r : kRoles) {
    if (r.kind == kind) return r.name;
  }
  return "unknown";
}

result<broker_config, config_errors> parse_broker_config(std::string_view text, std::string file,
                                                         const std::filesystem::path& base_dir) {
  config_errors errors;
  std::shared_ptr<toml::table> document = parse_document(text, file, errors);
  if (!document) return boost::outcome_v2::failure(std::move(errors));

  broker_config config;
  config_reader reader(file, *document, errors);
  reader.check_top_level();
  config.broker = reader.read_broker();
  config.plugins = reader.read_plugins(base_dir);
  config.transaction = reader.read_transaction();
  config.admin = reader.read_admin();
  config.plugin_tables = reader.read_plugin_tables();
  if (!errors.empty()) {
    sort_by_position(errors);
    return boost::outcome_v2::failure(std::move(errors));
  }
  config.file = std::move(file);
  config.document = std::move(document);
  return config;
}

result<broker_config, config_errors> load_broker_config(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) {
    return boost::outcome_v2::failure(config_errors{
        config_error{file.string(), 0, 0, "", "cannot read: " + text.error().message(), ""}});
  }
  return parse_broker_config(text.value(), file.string(), file.parent_path());
}

}  // namespace berth::kernel::config
