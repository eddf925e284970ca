// <data_dir>/config/pop_state.json: every queue's pop state (pop position, FIFO mode, the
// unfinished entries with their attempts, deadlines and handle nonces), so that a restart
// forgets no acknowledgement and loses no in-flight message. Written whole and atomically
// (common/atomic_file.hpp) by pop_service.
#pragma once

#include "common/result.hpp"
#include "pop/pop_queue_state.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <tuple>

namespace berth::kernel::pop {

// (group, topic, queue).
using pop_queue_key = std::tuple<std::string, std::string, uint32_t>;
using pop_states = std::map<pop_queue_key, pop_queue_state, std::less<>>;

std::string format_pop_states(const pop_states& states);
// The states in `text`; an error saying what is wrong where (`file` names it).
result<pop_states> parse_pop_states(const std::string& text, const std::string& file);

// Read `file`; no file: no states.
result<pop_states> load_pop_states(const std::filesystem::path& file);
result<void> save_pop_states(const std::filesystem::path& file, const pop_states& states);

std::filesystem::path pop_state_path(const std::filesystem::path& data_dir);

}  // namespace berth::kernel::pop
