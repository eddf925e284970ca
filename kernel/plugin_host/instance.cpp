#include "plugin_host/instance.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>

namespace berth::kernel::plugin_host {
plugin_instance::plugin_instance(library_ptr library, std::unique_ptr<berth_host_ctx> context)
    : library_(std::move(library)), context_(std::move(context)) {}

result<std::shared_ptr<plugin_instance>> plugin_instance::create(library_ptr library,
                                                                 settings settings,
                                                                 host_services& services) {
  auto context = std::make_unique<berth_host_ctx>();
  context->kind = std::string(config::to_string(library->kind()));
  context->id = settings.id;
  context->config = std::move(settings.config);
  context->services = &services;
  context->owner = executor::new_owner();
  std::optional<spdlog::level::level_enum> level;
  if (!settings.log_level.empty()) level = log::parse_level(settings.log_level);
  context->logger = log::plugin(context->kind, context->id, level);

  std::shared_ptr<plugin_instance> made(new plugin_instance(library, std::move(context)));
  std::array<char, 1024> message{};
  berth_errbuf err{message.data(), message.size()};
  berth_instance* handle = nullptr;
  made->context_->creating = true;
  const berth_status status =
      library->descriptor().create(host_table(), made->context_.get(), &handle, &err);
  made->context_->creating = false;
  if (status != BERTH_OK || handle == nullptr) {
    const std::string reason = message[0] != '\0' ? std::string(message.data())
                               : status == BERTH_OK ? std::string("create() returned no instance")
                                                    : std::string("no reason given");
    if (handle != nullptr) library->descriptor().destroy(handle);  // a plugin bug, cleaned up
    services.scheduler.retire_owner(made->context_->owner);
    return failure(status == BERTH_OK ? BERTH_E_INTERNAL : status,
                   fmt::format("{} '{}' ({}) failed to start: {}", made->context_->kind,
                               made->context_->id, library->path().string(), reason));
  }
  made->handle_ = handle;
  return made;
}

bool plugin_instance::can_reload() const {
  const berth_plugin* d = &library_->descriptor();
  return BERTH_HAS_FIELD(d, berth_plugin, reload) && d->reload != nullptr;
}

result<void> plugin_instance::reload() {
  if (!can_reload()) return success();
  std::array<char, 1024> message{};
  berth_errbuf err{message.data(), message.size()};
  const berth_status status = library_->descriptor().reload(handle_, &err);
  if (status == BERTH_OK) return success();
  return failure(status, fmt::format("{} '{}': reload failed, still running on what it had: {}",
                                     context_->kind, context_->id,
                                     message[0] != '\0' ? message.data() : "no reason given"));
}

plugin_instance::~plugin_instance() {
  // No task of this instance may run once it is gone, and none may be left to run later.
  context_->services->scheduler.retire_owner(context_->owner);
  if (handle_ != nullptr) library_->descriptor().destroy(handle_);
  context_->logger->debug("destroyed");
}

}  // namespace berth::kernel::plugin_host
