// <data_dir>/config/transactions.json: where a restart starts looking for unresolved halves,
// and how often each was checked back already. Rewritten whole (atomic_file) after each check
// round and at stop; resolutions themselves are durable in the op topic, so a lagging file
// only makes the next start scan a little more.
//
//   {"version": 1, "resolved_below": 120, "ops_from": 97, "checks": {"121": 3}}
#pragma once

#include "common/result.hpp"
#include "transaction/transaction_table.hpp"

#include <filesystem>
#include <string>

namespace berth::kernel::transaction {

inline constexpr int checkpoint_file_version = 1;

std::filesystem::path checkpoint_file_path(const std::filesystem::path& data_dir);

std::string format_checkpoint(const checkpoint& c);
// `what` names the text's origin in errors.
result<checkpoint> parse_checkpoint(const std::string& text, const std::string& what);

// Absent: the empty checkpoint (scan everything). Damaged: BERTH_E_IO naming the file.
result<checkpoint> load_checkpoint(const std::filesystem::path& file);
result<void> save_checkpoint(const std::filesystem::path& file, const checkpoint& c);

}  // namespace berth::kernel::transaction
