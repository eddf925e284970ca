// dashboard_files(): the files cmake/BerthEmbedFiles.cmake built into the binary are the ones in
// kernel/admin/web, under the URL paths index.html refers to, with the right content types.
#include "admin/dashboard_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

namespace berth::kernel::admin {
namespace {

const static_file* find(std::string_view path) {
  for (const static_file& f : dashboard_files()) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

std::string source_file(const std::string& name) {
  std::ifstream in(std::filesystem::path(BERTH_DASHBOARD_SOURCE_DIR) / name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(dashboard_files, index_is_html_at_the_root) {
  const static_file* index = find("/");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<!doctype html>"), std::string_view::npos);
}

TEST(dashboard_files, index_refers_to_the_embedded_assets) {
  const static_file* index = find("/");
  ASSERT_NE(index, nullptr);
  EXPECT_NE(index->body.find(R"(src="/assets/app.js")"), std::string_view::npos);
  EXPECT_NE(index->body.find(R"(href="/assets/style.css")"), std::string_view::npos);

  const static_file* script = find("/assets/app.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->content_type, "application/javascript; charset=utf-8");
  const static_file* style = find("/assets/style.css");
  ASSERT_NE(style, nullptr);
  EXPECT_EQ(style->content_type, "text/css; charset=utf-8");
}

// The byte arrays round-trip exactly (non-ASCII characters included: app.js has some).
TEST(dashboard_files, bodies_are_the_source_files) {
  for (const auto& [path, name] : {std::pair{"/", "index.html"}, std::pair{"/assets/app.js", "app.js"},
                                   std::pair{"/assets/style.css", "style.css"}}) {
    const static_file* f = find(path);
    ASSERT_NE(f, nullptr) << path;
    EXPECT_EQ(f->body, source_file(name)) << path;
  }
}

TEST(dashboard_files, paths_are_unique) {
  std::set<std::string_view> paths;
  for (const static_file& f : dashboard_files()) {
    EXPECT_TRUE(paths.insert(f.path).second) << f.path;
  }
  EXPECT_EQ(paths.size(), 3U);
}

}  // namespace
}  // namespace berth::kernel::admin
