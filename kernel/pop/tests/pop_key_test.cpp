#include "pop/pop_key.hpp"

#include "process.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

namespace berth::kernel::pop {
namespace {

TEST(PopKey, MadeOnceWithOwnerOnlyModeAndKept) {
  test::temp_dir dir;
  const auto file = pop_key_path(dir.path());
  auto first = load_or_create_key(file);
  ASSERT_TRUE(first) << first.error().message;
  struct stat st{};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  auto again = load_or_create_key(file);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(first.value(), again.value());
  EXPECT_NE(first.value(), secret_key{});
}

TEST(PopKey, AFileOfAnotherSizeIsAnErrorNamingIt) {
  test::temp_dir dir;
  const auto file = pop_key_path(dir.path());
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "short";
  auto loaded = load_or_create_key(file);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find(file.string()), std::string::npos);
  EXPECT_NE(loaded.error().message.find("holds 5 bytes"), std::string::npos);
}

}  // namespace
}  // namespace berth::kernel::pop
