// Replacing a small file so that a crash leaves the old contents or the new ones, never a mix:
// a temp file beside it, fsync, rename over it, fsync of the directory. For the kernel's own
// metadata (topics.json, offsets.json), rewritten whole on change.
#pragma once

#include "common/result.hpp"

#include <filesystem>
#include <string_view>

namespace berth::kernel {

// Replace `file` with `text`, creating its directory when missing. Errors are BERTH_E_IO with
// a message naming the operation and the path.
result<void> write_file_atomically(const std::filesystem::path& file, std::string_view text);

}  // namespace berth::kernel
