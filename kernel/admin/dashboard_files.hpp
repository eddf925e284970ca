// The dashboard's static files, built into berthd (kernel/admin/web, embedded at build time by
// cmake/BerthEmbedFiles.cmake): no CDN, nothing fetched from elsewhere, works offline.
#pragma once

#include <span>
#include <string_view>

namespace berth::kernel::admin {

struct static_file {
  std::string_view path;          // URL path: "/" for index.html, "/assets/app.js", ...
  std::string_view content_type;
  std::string_view body;
};

// Every dashboard file, by URL path.
std::span<const static_file> dashboard_files();

}  // namespace berth::kernel::admin
