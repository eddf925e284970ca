#include "timer/timer_checkpoint.hpp"

#include "common/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace berth::kernel::timer {
namespace {

using nlohmann::json;
constexpr int checkpoint_version = 1;

}  // namespace

result<timer_checkpoint> load_timer_checkpoint(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return timer_checkpoint{};
    return failure(BERTH_E_IO, "cannot read " + file.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    const json doc = json::parse(text.str());
    if (doc.at("version").get<int>() != checkpoint_version) {
      return failure(BERTH_E_IO, file.string() + ": version " + doc.at("version").dump() +
                                     " is not " + std::to_string(checkpoint_version));
    }
    return timer_checkpoint{doc.at("low_water").get<uint64_t>(),
                            doc.at("loaded_to").get<uint64_t>(),
                            doc.at("fired_to_ms").get<int64_t>()};
  } catch (const json::exception& e) {
    return failure(BERTH_E_IO, file.string() + " is damaged: " + e.what());
  }
}

result<void> save_timer_checkpoint(const std::filesystem::path& file, const timer_checkpoint& c) {
  const json doc = {{"version", checkpoint_version},
                    {"low_water", c.low_water},
                    {"loaded_to", c.loaded_to},
                    {"fired_to_ms", c.fired_to_ms}};
  return write_file_atomically(file, doc.dump() + "\n");
}

}  // namespace berth::kernel::timer
