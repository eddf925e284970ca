// berthctl send: send one message (or --count copies) and print where each was stored.
#include "context.hpp"
#include "parse.hpp"

#include <berth/client/producer.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

namespace berth::tools {

namespace {

struct send_args {
  std::string topic;
  std::string tag;
  std::vector<std::string> keys;
  std::vector<std::string> properties;
  std::optional<std::string> body;
  std::optional<std::string> file;
  uint32_t count = 1;
  std::optional<std::string> sharding_key;
  std::optional<std::string> message_group;
};

std::optional<std::string> read_all(const std::string& path) {
  if (path == "-") {
    std::ostringstream s;
    s << std::cin.rdbuf();
    return s.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int send(const context& ctx, const send_args& a) {
  client::message m;
  m.topic = a.topic;
  m.tags = a.tag;
  m.keys = a.keys;
  m.sharding_key = a.sharding_key;
  m.message_group = a.message_group;
  for (const auto& p : a.properties) {
    const auto kv = parse_property(p);
    if (!kv) return fail("usage", "--property must be name=value, not '" + p + "'", exit_usage);
    m.set_property(kv->first, kv->second);
  }
  if (a.file) {
    auto content = read_all(*a.file);
    if (!content) return fail("read " + *a.file, std::strerror(errno));
    m.body = std::move(*content);
  } else if (a.body) {
    m.body = *a.body;
  }

  client::producer_options o;
  o.endpoint = ctx.server;
  o.request_timeout = ctx.timeout;
  o.retries = 0;  // a person sees the failure; a retry could store the message twice
  client::producer p(o);
  if (auto ok = p.start(); !ok) return fail("connect to " + ctx.server, ok.error());
  for (uint32_t i = 0; i < a.count; ++i) {
    auto r = p.send(m);
    if (!r) return fail(fmt::format("send to '{}'", a.topic), r.error());
    const auto& s = r.value();
    if (ctx.format() == output_format::json) {
      print(json_line({{"id", s.message_id},
                       {"queue", s.queue_id},
                       {"offset", s.queue_offset},
                       {"store_timestamp", s.store_time_ms}}));
    } else {
      print(s.message_id + "\n");
    }
  }
  return exit_ok;
}

}  // namespace

void add_send_command(CLI::App& app, context& ctx) {
  auto args = std::make_shared<send_args>();
  auto* s = app.add_subcommand(
      "send",
      "Send a message (or --count copies of it); prints each message id (json: id, queue, "
      "offset)");
  s->add_option("--topic", args->topic, "Topic to send to")->required();
  s->add_option("--tag", args->tag, "The message's tag (consumers filter on it)");
  s->add_option("--key", args->keys, "A key to index the message by (repeatable; no spaces)")
      ->allow_extra_args(false)
      ->take_all();
  s->add_option("--property", args->properties, "A user property name=value (repeatable)")
      ->allow_extra_args(false)
      ->take_all()
      ->type_name("NAME=VALUE");
  auto* body = s->add_option("--body", args->body, "The body as text (default: empty)");
  s->add_option("--file", args->file, "Read the body from a file ('-': standard input)")
      ->excludes(body);
  s->add_option("--count", args->count, "Send this many copies, one after the other")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100'000'000u));
  s->add_option("--sharding-key", args->sharding_key,
                "Order by this key: every message with the same key goes to the same queue");
  s->add_option("--message-group", args->message_group,
                "FIFO message group (property __SHARDINGKEY): picks the queue like a sharding "
                "key; FIFO pops hand out a group's messages one at a time, in order");
  s->callback([&ctx, args] { ctx.action = [&ctx, args] { return send(ctx, *args); }; });
}

}  // namespace berth::tools
