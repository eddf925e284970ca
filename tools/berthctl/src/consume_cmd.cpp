// berthctl consume: a push consumer (clustering) in a group; prints each message as it comes,
// stops after --count messages or after --timeout without one, and commits what it printed.
// With --pop, a simple consumer instead: the broker keeps what is in flight; each printed
// message is acked (unless --no-ack, or it is the Nth of --fail-every N, to show redelivery).
#include "context.hpp"
#include "input.hpp"
#include "parse.hpp"

#include <berth/client/push_consumer.hpp>
#include <berth/client/simple_consumer.hpp>

#include <fmt/format.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

namespace berth::tools {

namespace {

struct consume_args {
  std::string topic;
  std::string group;
  std::string tag = "*";
  std::string sql;
  std::string lua_file;  // a file with the script, or "@name" for an operator's named script
  uint64_t count = 0;
  std::string timeout = "10s";
  std::string from = "latest";
  bool pop = false;
  std::string invisible = "30s";
  bool fifo = false;
  bool no_ack = false;
  uint64_t fail_every = 0;
};

// The subscription's filter from --tag-filter, --sql or --lua-filter (at most one is given).
std::optional<client::filter_expression> filter_of(const consume_args& a) {
  if (!a.sql.empty()) return client::filter_expression::sql(a.sql);
  if (a.lua_file.empty()) return client::filter_expression::tags(a.tag);
  if (a.lua_file.starts_with('@')) return client::filter_expression::lua(a.lua_file);
  auto script = read_input(a.lua_file);
  if (!script) {
    fail("usage", "--lua-filter: cannot read '" + a.lua_file + "'", exit_usage);
    return std::nullopt;
  }
  return client::filter_expression::lua(std::move(*script));
}

int consume_pop(const context& ctx, const consume_args& a, const client::filter_expression& filter,
                std::chrono::milliseconds idle) {
  const auto invisible = parse_duration(a.invisible);
  if (!invisible) {
    return fail("usage", "--invisible: not a duration: '" + a.invisible + "' (use 30s, 2m)",
                exit_usage);
  }
  auto o = ctx.client_options<client::simple_consumer_options>();
  o.group = a.group;
  o.topic = a.topic;
  o.filter = filter;
  o.fifo = a.fifo;
  o.hold = idle.count() == 0 ? std::chrono::milliseconds(20'000)
                             : std::min<std::chrono::milliseconds>(idle, std::chrono::seconds(20));
  client::simple_consumer consumer(o);
  if (auto ok = consumer.start(); !ok) return fail("connect to " + ctx.server, ok.error());
  const bool json = ctx.format() == output_format::json;
  uint64_t printed = 0;
  auto last = std::chrono::steady_clock::now();
  for (;;) {
    if (a.count != 0 && printed >= a.count) break;
    if (idle.count() != 0 && std::chrono::steady_clock::now() - last >= idle) break;
    const uint64_t wanted = a.count == 0 ? 16 : std::min<uint64_t>(16, a.count - printed);
    auto got = consumer.receive(static_cast<uint32_t>(wanted), *invisible);
    if (!got) return fail(fmt::format("pop from '{}'", a.topic), got.error());
    for (const client::popped_message& m : got.value()) {
      if (json) {
        auto j = message_json(m);
        j["attempt"] = m.attempt;
        print(json_line(j));
      } else {
        print(fmt::format("attempt={} {}", m.attempt, message_line(m)));
      }
      ++printed;
      last = std::chrono::steady_clock::now();
      const bool failed = a.no_ack || (a.fail_every != 0 && printed % a.fail_every == 0);
      if (failed) continue;  // not acked: handed out again after --invisible
      if (auto acked = consumer.ack(m); !acked) {
        return fail(fmt::format("ack {}/{}@{}", m.topic, m.queue_id, m.queue_offset),
                    acked.error());
      }
    }
  }
  consumer.shutdown();
  return exit_ok;
}

int consume(const context& ctx, const consume_args& a) {
  const auto idle = parse_duration(a.timeout);
  if (!idle) {
    return fail("usage", "--timeout: not a duration: '" + a.timeout + "' (use 500ms, 10s, 2m)",
                exit_usage);
  }
  // Ask for the topic first: a missing topic or an unreachable broker is an error now, not a
  // silent wait.
  {
    auto admin = connect_admin(ctx);
    if (!admin) return exit_failed;
    if (auto info = admin->describe_topic(a.topic); !info) {
      return fail(fmt::format("consume from '{}'", a.topic), info.error());
    }
  }
  const auto filter = filter_of(a);
  if (!filter) return exit_usage;
  if (a.pop) return consume_pop(ctx, a, *filter, *idle);
  if (a.fifo || a.no_ack || a.fail_every != 0) {
    return fail("usage", "--fifo, --no-ack and --fail-every go with --pop", exit_usage);
  }

  auto o = ctx.client_options<client::push_consumer_options>();
  o.group = a.group;
  o.model = client::consume_model::clustering;
  o.from = a.from == "earliest" ? client::consume_from::earliest : client::consume_from::latest;
  o.threads = 1;  // one message at a time: lines come out whole and in the order processed
  // Ordered: a message refused below stays with this consumer (never handed back to the
  // broker's retry topic), and the commit stops before it.
  o.ordered = true;
  o.hold = std::chrono::milliseconds(2000);
  // A message refused after --count is reached is handed back later; never within this run.
  o.retry_delay = std::chrono::hours(1);
  client::push_consumer consumer(o);
  if (auto ok = consumer.subscribe(a.topic, *filter); !ok) {
    return fail(fmt::format("subscribe to '{}'", a.topic), ok.error());
  }

  std::mutex mu;
  std::condition_variable cv;
  uint64_t printed = 0;
  auto last = std::chrono::steady_clock::now();
  const bool json = ctx.format() == output_format::json;
  const uint64_t count = a.count;
  consumer.on_message([&](const client::received_message& m) {
    std::lock_guard lock(mu);
    // Past --count: not printed, so not processed; the commit stops before it.
    if (count != 0 && printed >= count) return client::consume_result::retry_later;
    print(json ? json_line(message_json(m)) : message_line(m));
    ++printed;
    last = std::chrono::steady_clock::now();
    cv.notify_all();
    return client::consume_result::success;
  });
  if (auto ok = consumer.start(); !ok) {
    return fail(fmt::format("start consumer of group '{}'", a.group), ok.error());
  }
  {
    std::unique_lock lock(mu);
    last = std::chrono::steady_clock::now();
    for (;;) {
      if (count != 0 && printed >= count) break;
      if (idle->count() == 0) {
        cv.wait(lock);
        continue;
      }
      const auto until = last + *idle;
      if (std::chrono::steady_clock::now() >= until) break;
      cv.wait_until(lock, until);
    }
  }
  consumer.shutdown();  // commits the offsets of what was printed
  return exit_ok;
}

}  // namespace

void add_consume_command(CLI::App& app, context& ctx) {
  auto args = std::make_shared<consume_args>();
  auto* c = app.add_subcommand(
      "consume",
      "Consume messages as a member of a group (clustering) and print them; stops after --count "
      "messages or --timeout without one, and commits what it printed");
  c->add_option("--topic", args->topic, "Topic to consume")->required();
  c->add_option("--group", args->group, "Consumer group")->required();
  auto* tag = c->add_option("--tag-filter,--tag", args->tag,
                            "Tag filter: * (all) or \"TagA || TagB\"")
                  ->capture_default_str();
  auto* sql = c->add_option("--sql", args->sql,
                            "SQL92 filter over user properties and TAGS, evaluated by the "
                            "broker: \"a > 5 AND region = 'eu'\" (docs/filters.md)")
                  ->type_name("EXPR");
  auto* lua = c->add_option("--lua-filter", args->lua_file,
                            "Lua filter: a file (- for stdin) whose chunk returns "
                            "function(msg) -> boolean, or @NAME for a script the broker's "
                            "operator registered (docs/filters.md)")
                  ->type_name("FILE");
  tag->excludes(sql)->excludes(lua);
  sql->excludes(lua);
  c->add_option("--count", args->count, "Stop after this many messages (0: no limit)")
      ->capture_default_str();
  c->add_option("--timeout", args->timeout,
                "Stop after this long without a message (0: never). The request timeout is "
                "the global --timeout, given before the subcommand")
      ->capture_default_str()
      ->type_name("DURATION");
  c->add_option("--from", args->from,
                "Where a queue the group has no offset for starts: earliest or latest")
      ->capture_default_str()
      ->check(CLI::IsMember({"earliest", "latest"}));
  c->add_flag("--pop", args->pop,
              "Pop instead (simple consumer): the broker keeps what is in flight, each printed "
              "message is acked; a new group starts at each queue's first message");
  c->add_option("--invisible", args->invisible,
                "With --pop: how long a popped message stays hidden from the group (1s..12h)")
      ->capture_default_str()
      ->type_name("DURATION");
  c->add_flag("--fifo", args->fifo,
              "With --pop: a message group's messages one at a time, in send order");
  c->add_flag("--no-ack", args->no_ack,
              "With --pop: ack nothing (every message is handed out again after --invisible)");
  c->add_option("--fail-every", args->fail_every,
                "With --pop: leave every Nth printed message unacked (it comes back with the "
                "next attempt)")
      ->type_name("N");
  c->callback([&ctx, args] { ctx.action = [&ctx, args] { return consume(ctx, *args); }; });
}

}  // namespace berth::tools
