#include "config/config_error.hpp"

namespace berth::kernel::config {

std::string config_error::to_string() const {
  // Location first, compiler style, so editors and terminals can jump to it.
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  if (!out.empty()) out += ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  if (!hint.empty()) out += " (" + hint + ')';
  return out;
}

}  // namespace berth::kernel::config
