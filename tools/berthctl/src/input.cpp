#include "input.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace berth::tools {

std::optional<std::string> read_input(const std::string& path) {
  if (path == "-") {
    std::ostringstream s;
    s << std::cin.rdbuf();
    return s.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace berth::tools
