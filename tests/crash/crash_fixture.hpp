// Helpers for the crash tests: run berth_store_driver, read what it printed, find and damage
// store-mmap's files. The driver's output format is described at the top of store_driver.cpp.
#pragma once

#include "process.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::test::crash {

std::filesystem::path driver_path();

// Run the driver to completion: argv after the program name.
run_result run_driver(std::vector<std::string> args,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

// ---- reading the driver's output (only whole lines count: a SIGKILL may cut the last one) --
std::vector<std::string> whole_lines(std::string_view text);
// queue -> last acknowledged queue offset ("ACK q o")
std::map<uint32_t, uint64_t> acked_offsets(std::string_view out);
// queue -> intact count ("QUEUE q n")
std::map<uint32_t, uint64_t> queue_counts(std::string_view out);
struct appended_message {
  uint32_t queue = 0;
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
};
// "MSG q o l" lines, in log order.
std::vector<appended_message> appended_messages(std::string_view out);
// The log end printed on "END <offset>".
std::optional<uint64_t> log_end(std::string_view out);
// "--acked q:o" for each entry.
std::vector<std::string> acked_args(const std::map<uint32_t, uint64_t>& acked);

// ---- the store's files ----------------------------------------------------------------------
// Commit-log segments, oldest first.
std::vector<std::filesystem::path> segments(const std::filesystem::path& store);
struct file_position {
  std::filesystem::path file;
  uint64_t position = 0;
};
// The segment holding `log_offset` and the position in it.
file_position locate(const std::filesystem::path& store, uint64_t log_offset);

std::string read_bytes(const std::filesystem::path& file, uint64_t position, size_t size);
void write_bytes(const std::filesystem::path& file, uint64_t position, std::string_view bytes);
void flip_bit(const std::filesystem::path& file, uint64_t position, unsigned bit);

// CRC32C (Castagnoli), the record checksum of store-mmap, for forging a valid record.
uint32_t crc32c(std::string_view bytes);

// An environment variable as a number, or `fallback`.
uint64_t env_number(const char* name, uint64_t fallback);
bool contains(std::string_view haystack, std::string_view needle);

}  // namespace berth::test::crash
