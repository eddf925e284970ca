#include "client_registry.hpp"

#include <berth/wire/bodies.hpp>

#include <algorithm>

namespace berth::transport_grpc {

void client_session::set_settings(const v2::Settings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
}

v2::Settings client_session::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void client_session::attach(const std::shared_ptr<command_sink>& sink) {
  std::lock_guard lock(mutex_);
  sinks_.push_back(sink);
}

void client_session::detach(const command_sink* sink) {
  std::lock_guard lock(mutex_);
  std::erase_if(sinks_, [&](const std::weak_ptr<command_sink>& s) {
    const auto held = s.lock();
    return !held || held.get() == sink;
  });
  last_seen_ = std::chrono::steady_clock::now();
}

bool client_session::send_command(const v2::TelemetryCommand& command) {
  std::shared_ptr<command_sink> sink;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sinks_.rbegin(); it != sinks_.rend() && !sink; ++it) sink = it->lock();
  }
  if (!sink) return false;
  sink->write(command);
  return true;
}

bool client_session::has_stream() const {
  std::lock_guard lock(mutex_);
  return std::any_of(sinks_.begin(), sinks_.end(),
                     [](const std::weak_ptr<command_sink>& s) { return !s.expired(); });
}

void client_session::close_streams() {
  std::vector<std::shared_ptr<command_sink>> open;
  {
    std::lock_guard lock(mutex_);
    for (const auto& s : sinks_) {
      if (auto held = s.lock()) open.push_back(std::move(held));
    }
  }
  for (const auto& sink : open) sink->close();
}

bool client_session::first_producer_group(const std::string& group) {
  std::lock_guard lock(mutex_);
  return producer_groups_.insert(group).second;
}

void client_session::touch() {
  std::lock_guard lock(mutex_);
  last_seen_ = std::chrono::steady_clock::now();
}

std::chrono::steady_clock::time_point client_session::last_seen() const {
  std::lock_guard lock(mutex_);
  return last_seen_;
}

std::shared_ptr<client_session> client_registry::session(const std::string& client_id,
                                                         const std::string& peer,
                                                         const std::string& local,
                                                         std::string& refusal) {
  std::lock_guard lock(mutex_);
  if (closed_) {
    refusal = "the broker is shutting down";
    return nullptr;
  }
  if (const auto it = sessions_.find(client_id); it != sessions_.end() && !it->second->link().closed()) {
    it->second->touch();
    return it->second;
  }
  // The link's pushes find the session through a weak pointer set once it exists.
  auto slot = std::make_shared<std::weak_ptr<client_session>>();
  auto link = kernel_link::open(
      port_, executor_, peer, local,
      [slot, handler = on_push_](wire::code code, std::span<const uint8_t> body) {
        if (auto s = slot->lock(); s && handler) handler(s, code, body);
      },
      refusal);
  if (!link) return nullptr;
  auto created = std::make_shared<client_session>(client_id, link);
  *slot = created;
  sessions_[client_id] = created;
  // Named to the kernel (its logs, its client directory) as RocketMQ names it.
  link->call(wire::code::hello,
             wire::hello_request{created->client_id(), "rocketmq-grpc", wire::protocol_version},
             [](const kernel_reply&) {});
  return created;
}

void client_registry::forget_client(const std::string& client_id) {
  std::vector<std::shared_ptr<client_session>> gone;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      const std::string& key = it->first;
      const bool of_client = key == client_id || (key.starts_with(client_id) &&
                                                  key.size() > client_id.size() &&
                                                  key[client_id.size()] == '\n');
      if (of_client) {
        gone.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& s : gone) s->link().close();
}

void client_registry::sweep(std::chrono::milliseconds idle) {
  const auto cutoff = std::chrono::steady_clock::now() - idle;
  std::vector<std::shared_ptr<client_session>> gone;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (!it->second->has_stream() && it->second->last_seen() < cutoff) {
        gone.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& s : gone) s->link().close();
}

void client_registry::close_all() {
  std::unordered_map<std::string, std::shared_ptr<client_session>> gone;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    gone.swap(sessions_);
  }
  for (const auto& [id, s] : gone) {
    s->close_streams();
    s->link().close();
  }
}

size_t client_registry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace berth::transport_grpc
