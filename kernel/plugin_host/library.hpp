// One loaded plugin library: the dlopen handle, its checked descriptor and parsed schema.
// Every instance made from it holds a library_ptr, so the library stays mapped until the last
// object it made is gone.
#pragma once

#include "common/result.hpp"
#include "config/broker_config.hpp"
#include "config/schema.hpp"

#include <berth/abi/berth_abi.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace berth::kernel::plugin_host {

class library {
 public:
  library(boost::dll::shared_library handle, const berth_plugin* descriptor,
          std::filesystem::path path, config::schema schema);
  ~library();
  library(const library&) = delete;
  library& operator=(const library&) = delete;

  [[nodiscard]] const berth_plugin& descriptor() const { return *descriptor_; }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] config::plugin_kind kind() const;
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& version() const { return version_; }
  [[nodiscard]] const std::string& description() const { return description_; }
  [[nodiscard]] const config::schema& schema() const { return schema_; }
  [[nodiscard]] const std::string& schema_json() const { return schema_json_; }
  // "1.0": the ABI the plugin was built with.
  [[nodiscard]] std::string abi_version() const;

 private:
  boost::dll::shared_library handle_;
  const berth_plugin* descriptor_;
  std::filesystem::path path_;
  config::schema schema_;
  std::string name_, version_, description_, schema_json_;
};

using library_ptr = std::shared_ptr<const library>;

// The file name of a plugin: "libberth-<kind>-<name>.so".
std::string library_file_name(config::plugin_kind kind, std::string_view name);

// Load and check a plugin library: it must exist, load, export berth_plugin_entry, return a
// descriptor of this ABI major whose kind and name match the file name, with a complete ops
// table for its kind and a valid config schema. Every refusal names the file, and an ABI
// mismatch names both versions.
result<library_ptr> load_library(const std::filesystem::path& path);

}  // namespace berth::kernel::plugin_host
