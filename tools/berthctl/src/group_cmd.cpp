// berthctl group list | describe | reset
#include "context.hpp"
#include "parse.hpp"

#include <fmt/format.h>

#include <memory>

namespace berth::tools {

namespace {

struct group_args {
  std::string group;
  std::string topic;
  std::string to;
  std::string to_time;
};

nlohmann::ordered_json queue_json(const client::group_queue_info& q) {
  return {{"topic", q.topic},
          {"queue", q.queue_id},
          {"committed", q.committed ? nlohmann::ordered_json(*q.committed) : nlohmann::ordered_json(nullptr)},
          {"max_offset", q.max_offset},
          {"lag", q.lag}};
}

std::string queue_table(const std::vector<client::group_queue_info>& queues) {
  table t({"TOPIC", "QUEUE", "COMMITTED", "MAX_OFFSET", "LAG"});
  for (const auto& q : queues) {
    t.add({q.topic, std::to_string(q.queue_id), q.committed ? std::to_string(*q.committed) : "-",
           std::to_string(q.max_offset), std::to_string(q.lag)});
  }
  return t.render();
}

int list(const context& ctx) {
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  auto names = admin->list_groups();
  if (!names) return fail("list groups", names.error());
  if (ctx.format() == output_format::json) {
    print(json_line({{"groups", names.value()}}));
    return exit_ok;
  }
  std::string out;
  for (const auto& n : names.value()) out += n + "\n";
  print(out);
  return exit_ok;
}

int describe(const context& ctx, const group_args& a) {
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  auto info = admin->describe_group(a.group);
  if (!info) return fail(fmt::format("describe group '{}'", a.group), info.error());
  const auto& g = info.value();
  const char* model = g.model == client::consume_model::broadcasting ? "broadcasting" : "clustering";
  uint64_t lag = 0;
  for (const auto& q : g.queues) lag += q.lag;
  if (ctx.format() == output_format::json) {
    nlohmann::ordered_json queues = nlohmann::ordered_json::array();
    for (const auto& q : g.queues) queues.push_back(queue_json(q));
    print(json_line({{"group", a.group},
                     {"model", model},
                     {"members", g.members},
                     {"lag", lag},
                     {"queues", queues}}));
    return exit_ok;
  }
  std::string members;
  for (const auto& m : g.members) members += (members.empty() ? "" : ", ") + m;
  print(fmt::format("group {}: {}, {} member(s){}{}, total lag {}\n", a.group, model,
                    g.members.size(), g.members.empty() ? "" : ": ", members, lag) +
        queue_table(g.queues));
  return exit_ok;
}

int reset(const context& ctx, const group_args& a) {
  client::reset_to to = client::reset_to::earliest;
  int64_t time_ms = 0;
  if (!a.to_time.empty()) {
    const auto t = parse_time(a.to_time);
    if (!t) return fail("usage", "--to-time: not a time: '" + a.to_time + "'", exit_usage);
    to = client::reset_to::time;
    time_ms = *t;
  } else if (a.to == "earliest") {
    to = client::reset_to::earliest;
  } else if (a.to == "latest") {
    to = client::reset_to::latest;
  } else {
    return fail("usage", "give --to earliest|latest or --to-time TIME", exit_usage);
  }
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  auto queues = admin->reset_group(a.group, a.topic, to, time_ms);
  if (!queues) {
    return fail(fmt::format("reset group '{}' on '{}'", a.group, a.topic), queues.error());
  }
  if (ctx.format() == output_format::json) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& q : queues.value()) rows.push_back(queue_json(q));
    print(json_line({{"group", a.group}, {"topic", a.topic}, {"queues", rows}}));
    return exit_ok;
  }
  print(fmt::format("reset group {} on topic {}; new offsets:\n", a.group, a.topic) +
        queue_table(queues.value()));
  return exit_ok;
}

}  // namespace

void add_group_commands(CLI::App& app, context& ctx) {
  auto* group = app.add_subcommand("group", "List, describe and reset consumer groups");
  group->require_subcommand(1);
  auto args = std::make_shared<group_args>();

  auto* l = group->add_subcommand("list", "List the groups the broker knows");
  l->callback([&ctx] { ctx.action = [&ctx] { return list(ctx); }; });

  auto* d = group->add_subcommand(
      "describe", "Show a group's members and, per queue, committed offset, max offset and lag");
  d->add_option("group", args->group, "Group name")->required();
  d->callback([&ctx, args] { ctx.action = [&ctx, args] { return describe(ctx, *args); }; });

  auto* r = group->add_subcommand(
      "reset", "Move a group's committed offsets on every queue of a topic; running consumers "
               "continue from there");
  r->add_option("group", args->group, "Group name")->required();
  r->add_option("--topic", args->topic, "Topic whose offsets move")->required();
  auto* to = r->add_option("--to", args->to, "earliest or latest")
                 ->check(CLI::IsMember({"earliest", "latest"}));
  auto* to_time = r->add_option("--to-time", args->to_time,
                                "The first message stored at or after this time: "
                                "2026-11-24T10:00:00Z, '2026-11-24 10:00:00' (local) or epoch ms")
                      ->type_name("TIME");
  to->excludes(to_time);
  to_time->excludes(to);
  r->callback([&ctx, args] { ctx.action = [&ctx, args] { return reset(ctx, *args); }; });
}

}  // namespace berth::tools
