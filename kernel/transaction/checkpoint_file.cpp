#include "transaction/checkpoint_file.hpp"

#include "common/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace berth::kernel::transaction {
namespace {

using nlohmann::json;

auto damaged(const std::string& what, const std::string& problem) {
  return failure(BERTH_E_IO,
                 fmt::format("{}: {} (fix or delete the file: without it the next start scans "
                             "every stored half message)",
                             what, problem));
}

std::optional<uint64_t> number_of(const std::string& text) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

}  // namespace

std::filesystem::path checkpoint_file_path(const std::filesystem::path& data_dir) {
  return data_dir / "config" / "transactions.json";
}

std::string format_checkpoint(const checkpoint& c) {
  json checks = json::object();
  for (const auto& [offset, count] : c.checks) checks[std::to_string(offset)] = count;
  json doc = json::object();
  doc["version"] = checkpoint_file_version;
  doc["resolved_below"] = c.resolved_below;
  doc["ops_from"] = c.ops_from;
  doc["checks"] = std::move(checks);
  return doc.dump(1) + '\n';
}

result<checkpoint> parse_checkpoint(const std::string& text, const std::string& what) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return damaged(what, "not a JSON object");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() ||
      version->get<int64_t>() != checkpoint_file_version) {
    return damaged(what, fmt::format("version is not {}", checkpoint_file_version));
  }
  checkpoint out;
  for (const auto& [key, field] : {std::pair{"resolved_below", &out.resolved_below},
                                   std::pair{"ops_from", &out.ops_from}}) {
    const auto value = doc.find(key);
    if (value == doc.end() || !value->is_number_unsigned()) {
      return damaged(what, fmt::format("\"{}\" is not an offset", key));
    }
    *field = value->get<uint64_t>();
  }
  const auto checks = doc.find("checks");
  if (checks == doc.end() || !checks->is_object()) return damaged(what, "no \"checks\" object");
  for (const auto& [offset, count] : checks->items()) {
    const auto at = number_of(offset);
    if (!at || !count.is_number_unsigned() || count.get<uint64_t>() > UINT32_MAX) {
      return damaged(what, fmt::format("check count of half '{}' is not valid", offset));
    }
    out.checks[*at] = count.get<uint32_t>();
  }
  return out;
}

result<checkpoint> load_checkpoint(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return checkpoint{};
  std::ifstream in(file, std::ios::binary);
  if (!in) return failure(BERTH_E_IO, fmt::format("cannot read {}", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_checkpoint(text.str(), file.string());
}

result<void> save_checkpoint(const std::filesystem::path& file, const checkpoint& c) {
  return write_file_atomically(file, format_checkpoint(c));
}

}  // namespace berth::kernel::transaction
