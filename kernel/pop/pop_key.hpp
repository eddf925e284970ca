// The broker's secret for receipt handles: 32 random bytes in <data_dir>/config/pop.key,
// created (mode 0600) on first start and kept, so that handles stay valid across restarts.
#pragma once

#include "common/result.hpp"
#include "pop/receipt_handle.hpp"

#include <filesystem>

namespace berth::kernel::pop {

// The key in `file`, made first when there is none. A file of another size is an error
// naming it (a new key would silently invalidate every handle given out).
result<secret_key> load_or_create_key(const std::filesystem::path& file);

std::filesystem::path pop_key_path(const std::filesystem::path& data_dir);

}  // namespace berth::kernel::pop
