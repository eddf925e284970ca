#include "load_options.hpp"

#include <CLI/CLI.hpp>

namespace berth::bench::compare {

std::string load_options::host() const { return server.substr(0, server.rfind(':')); }

int load_options::port() const { return std::stoi(server.substr(server.rfind(':') + 1)); }

void add_load_options(CLI::App& app, load_options& o) {
  app.add_option("--server", o.server, "host:port of the server")->capture_default_str();
  app.add_option("--stream", o.stream, "stream (NATS: also its subject; Redis: the key)")
      ->capture_default_str();
  app.add_option("--producers", o.producers, "producer threads, a connection each")
      ->capture_default_str();
  app.add_option("--consumers", o.consumers, "consumer threads, a connection each")
      ->capture_default_str();
  app.add_option("--size", o.size, "body bytes (at least 8: the send time)")
      ->check(CLI::Range(8u, 16u << 20))
      ->capture_default_str();
  app.add_option("--in-flight", o.in_flight, "unanswered sends per producer")
      ->check(CLI::Range(1u, 65536u))
      ->capture_default_str();
  app.add_flag("--sync", o.sync, "one send at a time, waiting for its answer");
  app.add_option("--rate", o.rate, "messages per second over all producers (0: unlimited)")
      ->capture_default_str();
  app.add_option("--seconds", o.seconds, "how long producers send")->capture_default_str();
  app.add_option("--messages", o.messages, "at most this many messages in all (0: no limit)")
      ->capture_default_str();
  app.add_option("--group", o.group,
                 "consumers read the stream from its start as this new group (a backlog)");
  app.add_option("--fetch", o.fetch, "messages per fetch / XREADGROUP COUNT")
      ->check(CLI::Range(1u, 65536u))
      ->capture_default_str();
}

}  // namespace berth::bench::compare
