#include "crash_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace berth::test::crash {
namespace {

std::vector<std::string> fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

uint64_t number(const std::string& text) { return std::stoull(text); }
uint32_t queue_number(const std::string& text) { return static_cast<uint32_t>(std::stoul(text)); }

}  // namespace

std::filesystem::path driver_path() {
  return std::filesystem::path(BERTH_BUILD_DIR) / "bin" / "berth_store_driver";
}

run_result run_driver(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  args.insert(args.begin(), driver_path().string());
  return run(std::move(args), std::filesystem::temp_directory_path(), timeout);
}

std::vector<std::string> whole_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t eol; (eol = text.find('\n', start)) != std::string_view::npos; start = eol + 1) {
    lines.emplace_back(text.substr(start, eol - start));
  }
  return lines;
}

std::map<uint32_t, uint64_t> acked_offsets(std::string_view out) {
  std::map<uint32_t, uint64_t> acked;
  for (const auto& line : whole_lines(out)) {
    const auto f = fields(line);
    if (f.size() == 3 && f[0] == "ACK") {
      auto& last = acked[queue_number(f[1])];
      last = std::max(last, number(f[2]));
    }
  }
  return acked;
}

std::map<uint32_t, uint64_t> queue_counts(std::string_view out) {
  std::map<uint32_t, uint64_t> counts;
  for (const auto& line : whole_lines(out)) {
    const auto f = fields(line);
    if (f.size() == 3 && f[0] == "QUEUE") counts[queue_number(f[1])] = number(f[2]);
  }
  return counts;
}

std::vector<appended_message> appended_messages(std::string_view out) {
  std::vector<appended_message> messages;
  for (const auto& line : whole_lines(out)) {
    const auto f = fields(line);
    if (f.size() == 4 && f[0] == "MSG") {
      messages.push_back({queue_number(f[1]), number(f[2]), number(f[3])});
    }
  }
  std::sort(messages.begin(), messages.end(),
            [](const auto& a, const auto& b) { return a.log_offset < b.log_offset; });
  return messages;
}

std::optional<uint64_t> log_end(std::string_view out) {
  for (const auto& line : whole_lines(out)) {
    const auto f = fields(line);
    if (f.size() >= 2 && f[0] == "END") return number(f[1]);
  }
  return std::nullopt;
}

std::vector<std::string> acked_args(const std::map<uint32_t, uint64_t>& acked) {
  std::vector<std::string> args;
  for (const auto& [q, o] : acked) {
    args.emplace_back("--acked");
    args.push_back(std::to_string(q) + ":" + std::to_string(o));
  }
  return args;
}

std::vector<std::filesystem::path> segments(const std::filesystem::path& store) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(store / "commitlog")) {
    found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

file_position locate(const std::filesystem::path& store, uint64_t log_offset) {
  std::optional<file_position> best;
  for (const auto& file : segments(store)) {
    const uint64_t start = std::stoull(file.filename().string());
    if (start <= log_offset) best = file_position{file, log_offset - start};
  }
  if (!best) throw std::runtime_error("no segment holds log offset " + std::to_string(log_offset));
  return *best;
}

std::string read_bytes(const std::filesystem::path& file, uint64_t position, size_t size) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(position));
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return bytes;
}

void write_bytes(const std::filesystem::path& file, uint64_t position, std::string_view bytes) {
  std::fstream io(file, std::ios::binary | std::ios::in | std::ios::out);
  io.seekp(static_cast<std::streamoff>(position));
  io.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  io.flush();
  if (!io) throw std::runtime_error("cannot write " + file.string());
}

void flip_bit(const std::filesystem::path& file, uint64_t position, unsigned bit) {
  std::string byte = read_bytes(file, position, 1);
  byte[0] = static_cast<char>(static_cast<unsigned char>(byte[0]) ^ (1u << (bit % 8)));
  write_bytes(file, position, byte);
}

uint32_t crc32c(std::string_view bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (const char c : bytes) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) != 0 ? 0x82F63B78u : 0u);
  }
  return ~crc;
}

uint64_t env_number(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return std::stoull(text);
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace berth::test::crash
