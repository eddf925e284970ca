#include "config/validate.hpp"

#include "config/diagnostics.hpp"
#include "config/json_value.hpp"
#include "config/units.hpp"
#include "config/value_rules.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace berth::kernel::config {
namespace {

constexpr auto kMaxInt = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// One key, named twice: as the user reads it in messages and as the plugin reads it in the
// tree.
struct key_path {
  std::string error_key;  // "transport[0].tls.certificate", "plugins.search_path[2]"
  std::string tree_key;   // "tls.certificate", "search_path.2"

  [[nodiscard]] key_path member(std::string_view name) const {
    return {join(error_key, name), join(tree_key, name)};
  }
  [[nodiscard]] key_path element(std::size_t index) const {
    const std::string i = std::to_string(index);
    return {error_key + '[' + i + ']', tree_key + '.' + i};
  }

 private:
  static std::string join(const std::string& prefix, std::string_view name) {
    return prefix.empty() ? std::string(name) : prefix + '.' + std::string(name);
  }
};

// A float key takes `1` as well as `1.0`: TOML tells them apart, users rarely mean to.
std::optional<double> as_number(const toml::node& node) {
  if (const auto* v = node.as_floating_point()) return v->get();
  if (const auto* v = node.as_integer()) return static_cast<double>(v->get());
  return std::nullopt;
}

bool contains(std::span<const std::string> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Walks one table (and its sub-tables) against key specs, storing values and reporting
// problems. Every check reports and carries on, so the user sees all mistakes at once.
class validator {
 public:
  validator(const std::string& file, config_tree& out, config_errors& errors)
      : file_(file), out_(out), errors_(errors) {}

  // Returns how many keys of this table were stored (its TABLE node's count).
  std::int64_t check_table(const toml::table& table, std::span<const key_spec> keys,
                           const key_path& at, const toml::source_position& where,
                           std::span<const std::string> ignored) {
    report_unknown_keys(table, keys, at, ignored);
    std::int64_t stored = 0;
    for (const key_spec& spec : keys) {
      if (check_key(table, spec, at.member(spec.name), where)) ++stored;
    }
    return stored;
  }

 private:
  void report_unknown_keys(const toml::table& table, std::span<const key_spec> keys,
                           const key_path& at, std::span<const std::string> ignored) {
    std::vector<std::string> valid;
    for (const key_spec& spec : keys) valid.push_back(spec.name);
    valid.insert(valid.end(), ignored.begin(), ignored.end());
    for (const auto& [key, node] : table) {
      if (contains(valid, key.str())) continue;
      std::string hint = did_you_mean(key.str(), valid);
      if (hint.empty()) {
        hint = valid.empty() ? "this table takes no keys" : "valid keys: " + plain_list(valid);
      }
      report(key.source().begin, at.member(key.str()), "unknown key", std::move(hint));
    }
  }

  // Given value, else default, else (if required) an error. True when something was stored.
  bool check_key(const toml::table& table, const key_spec& spec, const key_path& at,
                 const toml::source_position& where) {
    if (const toml::node* node = table.get(spec.name)) return store_value(*node, spec, at);
    if (!spec.default_json.empty()) return store_default(spec, at, where);
    if (spec.required) report(where, at, "missing required value", spec.help);
    return false;
  }

  bool store_value(const toml::node& node, const key_spec& spec, const key_path& at) {
    if (spec.type == value_type::array) return store_array(node, spec, at);
    if (spec.type == value_type::table) return store_table(node, spec, at);
    std::optional<config_node> value = scalar(node, spec, at);
    if (!value) return false;
    out_.set(at.tree_key, std::move(*value));
    return true;
  }

  bool store_array(const toml::node& node, const key_spec& spec, const key_path& at) {
    const toml::array* array = node.as_array();
    if (array == nullptr) return wrong_type(node, spec, at);
    key_spec item;
    item.type = spec.items;
    bool ok = true;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const key_path element_at = at.element(i);
      std::optional<config_node> value = scalar(*array->get(i), item, element_at);
      if (value) {
        out_.set(element_at.tree_key, std::move(*value));
      } else {
        ok = false;
      }
    }
    if (!ok) return false;
    const auto count = static_cast<std::int64_t>(array->size());
    out_.set(at.tree_key, config_node{BERTH_CONFIG_ARRAY, count, 0, {}});
    return true;
  }

  bool store_table(const toml::node& node, const key_spec& spec, const key_path& at) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return wrong_type(node, spec, at);
    const std::int64_t count = check_table(*table, spec.keys, at, table->source().begin, {});
    out_.set(at.tree_key, config_node{BERTH_CONFIG_TABLE, count, 0, {}});
    return true;
  }

  bool store_default(const key_spec& spec, const key_path& at,
                     const toml::source_position& where) {
    // parse_schema has checked every default; a hand-built schema may still be wrong.
    const auto value = nlohmann::ordered_json::parse(spec.default_json, nullptr, false);
    auto stored = store_json_value(spec, value, at.tree_key, out_);
    if (!stored) report(where, at, "bad default in schema: " + stored.error().message);
    return static_cast<bool>(stored);
  }

  std::optional<config_node> scalar(const toml::node& node, const key_spec& spec,
                                    const key_path& at) {
    switch (spec.type) {
      case value_type::string:
        if (const auto* v = node.as_string()) {
          return config_node{BERTH_CONFIG_STRING, 0, 0, v->get()};
        }
        break;
      case value_type::boolean:
        if (const auto* v = node.as_boolean()) {
          return config_node{BERTH_CONFIG_BOOL, v->get() ? 1 : 0, 0, {}};
        }
        break;
      case value_type::integer:
        if (const auto* v = node.as_integer()) {
          return bounded(node, spec, at, static_cast<double>(v->get()),
                         config_node{BERTH_CONFIG_INT, v->get(), 0, {}});
        }
        break;
      case value_type::floating:
        if (const std::optional<double> number = as_number(node)) {
          return bounded(node, spec, at, *number, config_node{BERTH_CONFIG_FLOAT, 0, *number, {}});
        }
        break;
      case value_type::size:
        if (node.is_string() || node.is_integer()) return size(node, spec, at);
        break;
      case value_type::duration:
        if (node.is_string()) return duration(node, spec, at);
        break;
      case value_type::enumeration:
        if (const auto* v = node.as_string()) return enumeration(node, spec, at, v->get());
        break;
      case value_type::array:
      case value_type::table: break;  // not scalars: handled by store_value
    }
    wrong_type(node, spec, at);
    return std::nullopt;
  }

  // A size is a string with a unit or an integer number of bytes.
  std::optional<config_node> size(const toml::node& node, const key_spec& spec,
                                  const key_path& at) {
    std::uint64_t bytes = 0;
    if (const auto* integer = node.as_integer()) {
      if (integer->get() < 0) {
        return reject(node, at, std::to_string(integer->get()) + " is not a size: negative");
      }
      bytes = static_cast<std::uint64_t>(integer->get());
    } else {
      const std::string& text = node.as_string()->get();
      auto parsed = parse_size(text);
      if (!parsed) {
        return reject(node, at, quote(text) + " is not a size: " + parsed.error().message);
      }
      bytes = parsed.value();
      if (bytes > kMaxInt) return reject(node, at, quote(text) + " is not a size: too large");
    }
    const auto count = static_cast<std::int64_t>(bytes);
    return bounded(node, spec, at, static_cast<double>(count),
                   config_node{BERTH_CONFIG_SIZE, count, 0, {}});
  }

  std::optional<config_node> duration(const toml::node& node, const key_spec& spec,
                                      const key_path& at) {
    const std::string& text = node.as_string()->get();
    auto parsed = parse_duration(text);
    if (!parsed) {
      return reject(node, at, quote(text) + " is not a duration: " + parsed.error().message);
    }
    const std::int64_t ns = parsed.value().count();
    return bounded(node, spec, at, static_cast<double>(ns),
                   config_node{BERTH_CONFIG_DURATION, ns, 0, {}});
  }

  std::optional<config_node> enumeration(const toml::node& node, const key_spec& spec,
                                         const key_path& at, const std::string& text) {
    if (auto problem = check_enum(spec, text)) {
      return reject(node, at, std::move(problem->message), std::move(problem->hint));
    }
    return config_node{BERTH_CONFIG_STRING, 0, 0, text};
  }

  std::optional<config_node> bounded(const toml::node& node, const key_spec& spec,
                                     const key_path& at, double value, config_node result) {
    if (auto problem = range_problem(spec, value)) return reject(node, at, std::move(*problem));
    return result;
  }

  std::nullopt_t reject(const toml::node& node, const key_path& at, std::string message,
                        std::string hint = {}) {
    report(node.source().begin, at, std::move(message), std::move(hint));
    return std::nullopt;
  }

  bool wrong_type(const toml::node& node, const key_spec& spec, const key_path& at) {
    reject(node, at, "expected " + describe_expected(spec) + ", found " + describe_found(node));
    return false;
  }

  void report(const toml::source_position& where, const key_path& at, std::string message,
              std::string hint = {}) {
    errors_.push_back(make_error(file_, where, at.error_key, std::move(message), std::move(hint)));
  }

  const std::string& file_;
  config_tree& out_;
  config_errors& errors_;
};

}  // namespace

bool validate_table(const toml::table& table, const schema& spec, const validate_context& ctx,
                    config_tree& out, config_errors& errors) {
  config_errors found;
  validator(ctx.file, out, found)
      .check_table(table, spec.keys, key_path{ctx.table_path, ""}, ctx.table_position,
                   ctx.ignored_keys);
  sort_by_position(found);
  const bool ok = found.empty();
  errors.insert(errors.end(), std::make_move_iterator(found.begin()),
                std::make_move_iterator(found.end()));
  return ok;
}

}  // namespace berth::kernel::config
