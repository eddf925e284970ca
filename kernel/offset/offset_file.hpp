// The format of offsets.json: one object per group, one per topic, queue id → offset.
//
//   {"version": 1, "groups": {"billing": {"orders": {"0": 42, "1": 17}}}}
#pragma once

#include "common/result.hpp"
#include "offset/offset_table.hpp"

#include <string>

namespace berth::kernel::offset {

// The format this berthd writes and reads; a file of another version is refused.
inline constexpr int offset_file_version = 1;

std::string format_offsets(const offset_map& offsets);
// `what` names the text's origin in errors (the file's path).
result<offset_map> parse_offsets(const std::string& text, const std::string& what);

}  // namespace berth::kernel::offset
