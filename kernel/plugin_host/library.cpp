#include "plugin_host/library.hpp"

#include "log/logger.hpp"

#include <berth/abi/berth_auth.h>
#include <berth/abi/berth_filter.h>
#include <berth/abi/berth_store.h>
#include <berth/abi/berth_tracer.h>
#include <berth/abi/berth_transport.h>

#include <fmt/format.h>

#include <dlfcn.h>

#include <regex>
#include <system_error>

namespace berth::kernel::plugin_host {
namespace {

// The descriptor prefix every major keeps: struct_size, abi_major, abi_minor.
constexpr std::size_t frozen_prefix = offsetof(berth_plugin, abi_minor) + sizeof(uint16_t);

std::string host_abi() { return fmt::format("{}.{}", BERTH_ABI_MAJOR, BERTH_ABI_MINOR); }

// The file name says what the library must be: libberth-<kind>-<name>.so.
struct file_identity {
  std::string kind;
  std::string name;
};

std::optional<file_identity> identity_from_file(const std::filesystem::path& path) {
  static const std::regex pattern("libberth-(transport|store|filter|auth|tracer)-([a-z0-9_]+)\\.so");
  std::smatch m;
  const std::string file = path.filename().string();
  if (!std::regex_match(file, m, pattern)) return std::nullopt;
  return file_identity{m[1].str(), m[2].str()};
}

std::string_view kind_name(uint32_t kind) {
  switch (kind) {
    case BERTH_KIND_TRANSPORT: return "transport";
    case BERTH_KIND_STORE: return "store";
    case BERTH_KIND_FILTER: return "filter";
    case BERTH_KIND_AUTH: return "auth";
    case BERTH_KIND_TRACER: return "tracer";
    default: return "";
  }
}

// The members of each kind's table that every plugin of this major must provide.
template <class Ops>
bool has_all(const void* ops);

template <>
bool has_all<berth_transport_ops>(const void* p) {
  const auto* ops = static_cast<const berth_transport_ops*>(p);
  return BERTH_HAS_FIELD(ops, berth_transport_ops, endpoint) && ops->start && ops->stop &&
         ops->endpoint;
}
template <>
bool has_all<berth_store_ops>(const void* p) {
  const auto* ops = static_cast<const berth_store_ops*>(p);
  return BERTH_HAS_FIELD(ops, berth_store_ops, sync) && ops->sync;
}
template <>
bool has_all<berth_filter_ops>(const void* p) {
  const auto* ops = static_cast<const berth_filter_ops*>(p);
  return BERTH_HAS_FIELD(ops, berth_filter_ops, release) && ops->compile && ops->match &&
         ops->release;
}
template <>
bool has_all<berth_auth_ops>(const void* p) {
  const auto* ops = static_cast<const berth_auth_ops*>(p);
  return BERTH_HAS_FIELD(ops, berth_auth_ops, release_identity) && ops->authenticate &&
         ops->authorize && ops->identity_name && ops->release_identity;
}
template <>
bool has_all<berth_tracer_ops>(const void* p) {
  const auto* ops = static_cast<const berth_tracer_ops*>(p);
  return BERTH_HAS_FIELD(ops, berth_tracer_ops, on_event) && ops->on_event;
}

bool ops_complete(uint32_t kind, const void* ops) {
  switch (kind) {
    case BERTH_KIND_TRANSPORT: return has_all<berth_transport_ops>(ops);
    case BERTH_KIND_STORE: return has_all<berth_store_ops>(ops);
    case BERTH_KIND_FILTER: return has_all<berth_filter_ops>(ops);
    case BERTH_KIND_AUTH: return has_all<berth_auth_ops>(ops);
    case BERTH_KIND_TRACER: return has_all<berth_tracer_ops>(ops);
    default: return false;
  }
}

// Boost.DLL reports a failed load as a bare error code; the loader's own words (a missing
// dependency, "invalid ELF header", ...) are what a user needs, so ask the loader once more.
std::string dlopen_reason(const std::string& file, const std::error_code& fallback) {
  void* again = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (again != nullptr) {
    dlclose(again);
    return fallback.message();
  }
  const char* reason = dlerror();
  return reason != nullptr ? std::string(reason) : fallback.message();
}

std::string text_or_empty(const char* s) { return s == nullptr ? std::string{} : std::string(s); }

result<const berth_plugin*> checked_descriptor(const berth_plugin* d, const std::string& file,
                                               const file_identity& expected) {
  if (d == nullptr) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: berth_plugin_entry returned no descriptor (the plugin refused "
                               "this berthd's ABI {})", file, host_abi()));
  }
  if (d->struct_size < frozen_prefix) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: descriptor of {} bytes is too small to hold an ABI version",
                               file, d->struct_size));
  }
  if (d->abi_major != BERTH_ABI_MAJOR) {
    return failure(BERTH_E_UNSUPPORTED,
                   fmt::format("{}: plugin has ABI {}.{}, this berthd has ABI {}: rebuild the "
                               "plugin against Berth SDK {}.x",
                               file, d->abi_major, d->abi_minor, host_abi(), BERTH_ABI_MAJOR));
  }
  if (!BERTH_HAS_FIELD(d, berth_plugin, ops)) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: descriptor of {} bytes is truncated (ABI {}.{} needs {})", file,
                               d->struct_size, d->abi_major, d->abi_minor, sizeof(berth_plugin)));
  }
  const std::string_view kind = kind_name(d->kind);
  const std::string name = text_or_empty(d->name);
  if (kind != expected.kind || name != expected.name) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: descriptor says {} '{}' but the file name says {} '{}': rename "
                               "the file to libberth-{}-{}.so or fix the descriptor",
                               file, kind.empty() ? "unknown kind" : kind, name, expected.kind,
                               expected.name, kind.empty() ? "?" : kind, name));
  }
  if (d->create == nullptr || d->destroy == nullptr || d->ops == nullptr) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: descriptor lacks create, destroy or its ops table", file));
  }
  if (!ops_complete(d->kind, d->ops)) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: the {} ops table lacks hooks that ABI {}.0 requires", file,
                               kind, BERTH_ABI_MAJOR));
  }
  return d;
}

}  // namespace

library::library(boost::dll::shared_library handle, const berth_plugin* descriptor,
                 std::filesystem::path path, config::schema schema)
    : handle_(std::move(handle)),
      descriptor_(descriptor),
      path_(std::move(path)),
      schema_(std::move(schema)),
      name_(text_or_empty(descriptor->name)),
      version_(text_or_empty(descriptor->version)),
      description_(text_or_empty(descriptor->description)),
      schema_json_(text_or_empty(descriptor->config_schema)) {}

library::~library() {
  log::module("plugin_host")->debug("unloading {}", path_.string());
}

config::plugin_kind library::kind() const {
  return static_cast<config::plugin_kind>(descriptor_->kind);
}

std::string library::abi_version() const {
  return fmt::format("{}.{}", descriptor_->abi_major, descriptor_->abi_minor);
}

std::string library_file_name(config::plugin_kind kind, std::string_view name) {
  return fmt::format("libberth-{}-{}.so", config::to_string(kind), name);
}

result<library_ptr> load_library(const std::filesystem::path& path) {
  const std::string file = path.string();
  const auto expected = identity_from_file(path);
  if (!expected) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: not a plugin file name (expected libberth-<kind>-<name>.so)", file));
  }
  std::error_code fs_error;
  if (!std::filesystem::is_regular_file(path, fs_error)) {
    return failure(BERTH_E_NOT_FOUND, fmt::format("{}: no such plugin file", file));
  }

  boost::dll::shared_library handle;
  std::error_code load_error;
  // RTLD_LOCAL keeps plugins from interposing each other's symbols.
  handle.load(boost::dll::fs::path(file), boost::dll::load_mode::rtld_local |
                                              boost::dll::load_mode::rtld_now, load_error);
  if (load_error) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: cannot load: {}", file, dlopen_reason(file, load_error)));
  }
  if (!handle.has(BERTH_PLUGIN_ENTRY_SYMBOL)) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: not a Berth plugin: it does not export {}", file,
                               BERTH_PLUGIN_ENTRY_SYMBOL));
  }
  auto& entry = handle.get<const berth_plugin*(uint16_t, uint16_t)>(BERTH_PLUGIN_ENTRY_SYMBOL);
  auto checked = checked_descriptor(entry(BERTH_ABI_MAJOR, BERTH_ABI_MINOR), file, *expected);
  if (!checked) return boost::outcome_v2::failure(std::move(checked).error());
  const berth_plugin* descriptor = checked.value();

  auto schema = config::parse_schema(descriptor->config_schema == nullptr
                                         ? std::string_view("{\"keys\":{}}")
                                         : std::string_view(descriptor->config_schema));
  if (!schema) {
    return failure(BERTH_E_INVALID,
                   fmt::format("{}: invalid config schema: {}", file, schema.error().message));
  }
  auto made = std::make_shared<const library>(std::move(handle), descriptor, path,
                                              std::move(schema).value());
  log::module("plugin_host")
      ->info("loaded {}: {} '{}' version {} (ABI {})", file, kind_name(descriptor->kind),
             made->name(), made->version(), made->abi_version());
  return library_ptr(std::move(made));
}

}  // namespace berth::kernel::plugin_host
