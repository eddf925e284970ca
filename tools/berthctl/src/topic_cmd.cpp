// berthctl topic create | list | describe | delete
#include "context.hpp"
#include "parse.hpp"

#include <fmt/format.h>

#include <memory>

namespace berth::tools {

namespace {

struct topic_args {
  std::string name;
  uint32_t queues = 4;
  std::string perm = "rw";
};

int create(const context& ctx, const topic_args& a) {
  const auto perm = parse_perm(a.perm);
  if (!perm) return fail("usage", "--perm must be rw, r or w, not '" + a.perm + "'", exit_usage);
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  const std::string what = fmt::format("create topic '{}'", a.name);
  if (auto ok = admin->create_topic(a.name, a.queues, *perm); !ok) return fail(what, ok.error());
  if (ctx.format() == output_format::json) {
    print(json_line({{"topic", a.name}, {"queues", a.queues}, {"perm", format_perm(*perm)}}));
  } else {
    print(fmt::format("created topic {} ({} queues, {})\n", a.name, a.queues, format_perm(*perm)));
  }
  return exit_ok;
}

int list(const context& ctx) {
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  auto names = admin->list_topics();
  if (!names) return fail("list topics", names.error());
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  table t({"TOPIC", "QUEUES", "PERM", "MESSAGES"});
  for (const auto& name : names.value()) {
    auto info = admin->describe_topic(name);
    if (!info) {
      // Removed between the list and the describe: leave it out.
      if (info.error().code == client::errc::broker && info.error().status == wire::status::no_topic) {
        continue;
      }
      return fail(fmt::format("describe topic '{}'", name), info.error());
    }
    uint64_t messages = 0;
    for (const auto& q : info.value().queues) messages += q.max_offset - q.min_offset;
    rows.push_back({{"topic", name},
                    {"queues", info.value().queue_count},
                    {"perm", format_perm(info.value().perm)},
                    {"messages", messages}});
    t.add({name, std::to_string(info.value().queue_count), format_perm(info.value().perm),
           std::to_string(messages)});
  }
  if (ctx.format() == output_format::json) {
    print(json_line({{"topics", rows}}));
  } else {
    print(t.render());
  }
  return exit_ok;
}

int describe(const context& ctx, const topic_args& a) {
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  auto info = admin->describe_topic(a.name);
  if (!info) return fail(fmt::format("describe topic '{}'", a.name), info.error());
  const auto& ti = info.value();
  if (ctx.format() == output_format::json) {
    nlohmann::ordered_json queues = nlohmann::ordered_json::array();
    for (const auto& q : ti.queues) {
      queues.push_back({{"queue", q.queue_id},
                        {"min_offset", q.min_offset},
                        {"max_offset", q.max_offset},
                        {"messages", q.max_offset - q.min_offset}});
    }
    print(json_line({{"topic", ti.name.empty() ? a.name : ti.name},
                     {"queues", ti.queue_count},
                     {"perm", format_perm(ti.perm)},
                     {"queue_offsets", queues}}));
    return exit_ok;
  }
  table t({"QUEUE", "MIN_OFFSET", "MAX_OFFSET", "MESSAGES"});
  for (const auto& q : ti.queues) {
    t.add({std::to_string(q.queue_id), std::to_string(q.min_offset), std::to_string(q.max_offset),
           std::to_string(q.max_offset - q.min_offset)});
  }
  print(fmt::format("topic {}: {} queues, perm {}\n", a.name, ti.queue_count, format_perm(ti.perm)) +
        t.render());
  return exit_ok;
}

int remove(const context& ctx, const topic_args& a) {
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  if (auto ok = admin->remove_topic(a.name); !ok) {
    return fail(fmt::format("delete topic '{}'", a.name), ok.error());
  }
  if (ctx.format() == output_format::json) {
    print(json_line({{"topic", a.name}, {"deleted", true}}));
  } else {
    print(fmt::format("deleted topic {} (its stored messages stay until retention removes them)\n",
                      a.name));
  }
  return exit_ok;
}

}  // namespace

void add_topic_commands(CLI::App& app, context& ctx) {
  auto* topic = app.add_subcommand("topic", "Create, list, describe and delete topics");
  topic->require_subcommand(1);
  auto args = std::make_shared<topic_args>();

  auto* c = topic->add_subcommand("create",
                                  "Create a topic (succeeds if it exists with the same settings)");
  c->add_option("name", args->name, "Topic name")->required();
  c->add_option("--queues", args->queues, "Number of queues")->capture_default_str();
  c->add_option("--perm", args->perm, "rw (read and write), r (read only) or w (write only)")
      ->capture_default_str();
  c->callback([&ctx, args] { ctx.action = [&ctx, args] { return create(ctx, *args); }; });

  auto* l = topic->add_subcommand("list", "List topics with their queue count, perm and messages");
  l->callback([&ctx] { ctx.action = [&ctx] { return list(ctx); }; });

  auto* d = topic->add_subcommand("describe", "Show a topic's queues with their min/max offsets");
  d->add_option("name", args->name, "Topic name")->required();
  d->callback([&ctx, args] { ctx.action = [&ctx, args] { return describe(ctx, *args); }; });

  auto* r = topic->add_subcommand(
      "delete", "Delete a topic's metadata (stored messages stay until retention removes them)");
  r->add_option("name", args->name, "Topic name")->required();
  r->callback([&ctx, args] { ctx.action = [&ctx, args] { return remove(ctx, *args); }; });
}

}  // namespace berth::tools
