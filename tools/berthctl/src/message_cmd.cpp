// berthctl message get | find: look messages up by id, or by key within a time range.
#include "context.hpp"
#include "parse.hpp"

#include <fmt/format.h>

#include <limits>
#include <memory>

namespace berth::tools {

namespace {

struct message_args {
  std::string id;
  std::string topic;
  std::string key;
  std::string begin;
  std::string end;
  uint32_t max = 64;
};

int get(const context& ctx, const message_args& a) {
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  auto m = admin->message_by_id(a.id);
  if (!m) return fail(fmt::format("get message '{}'", a.id), m.error());
  print(ctx.format() == output_format::json ? json_line(message_json(m.value()))
                                            : message_block(m.value()));
  return exit_ok;
}

int find(const context& ctx, const message_args& a) {
  int64_t begin = 0;
  int64_t end = std::numeric_limits<int64_t>::max();
  if (!a.begin.empty()) {
    const auto t = parse_time(a.begin);
    if (!t) return fail("usage", "--begin: not a time: '" + a.begin + "'", exit_usage);
    begin = *t;
  }
  if (!a.end.empty()) {
    const auto t = parse_time(a.end);
    if (!t) return fail("usage", "--end: not a time: '" + a.end + "'", exit_usage);
    end = *t;
  }
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  auto found = admin->messages_by_key(a.topic, a.key, begin, end, a.max);
  if (!found) {
    return fail(fmt::format("find key '{}' in '{}'", a.key, a.topic), found.error());
  }
  if (ctx.format() == output_format::json) {
    std::string out;
    for (const auto& m : found.value()) out += json_line(message_json(m));
    print(out);
    return exit_ok;
  }
  table t({"ID", "QUEUE", "OFFSET", "TAG", "STORED", "BODY"});
  for (const auto& m : found.value()) {
    t.add({m.message_id, std::to_string(m.queue_id), std::to_string(m.queue_offset),
           m.tags.empty() ? "-" : m.tags, format_time(m.store_time_ms), printable(m.body, 40)});
  }
  print(t.render());
  return exit_ok;
}

}  // namespace

void add_message_commands(CLI::App& app, context& ctx) {
  auto* msg = app.add_subcommand("message", "Look messages up by id or by key");
  msg->require_subcommand(1);
  auto args = std::make_shared<message_args>();

  auto* g = msg->add_subcommand("get", "Print one message, every field, by its id");
  g->add_option("id", args->id, "Message id (as send printed it)")->required();
  g->callback([&ctx, args] { ctx.action = [&ctx, args] { return get(ctx, *args); }; });

  auto* f = msg->add_subcommand(
      "find", "List the messages of a topic sent with a key, stored within [--begin, --end]");
  f->add_option("--topic", args->topic, "Topic")->required();
  f->add_option("--key", args->key, "Key the messages were sent with")->required();
  f->add_option("--begin", args->begin,
                "Earliest store time: 2026-11-24T10:00:00Z, '2026-11-24 10:00:00' (local) or "
                "epoch ms (default: the beginning)")
      ->type_name("TIME");
  f->add_option("--end", args->end, "Latest store time, same formats (default: no limit)")
      ->type_name("TIME");
  f->add_option("--max", args->max, "At most this many messages")->capture_default_str();
  f->callback([&ctx, args] { ctx.action = [&ctx, args] { return find(ctx, *args); }; });
}

}  // namespace berth::tools
