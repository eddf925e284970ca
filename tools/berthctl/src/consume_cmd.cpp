// berthctl consume: a push consumer (clustering) in a group; prints each message as it comes,
// stops after --count messages or after --timeout without one, and commits what it printed.
#include "context.hpp"
#include "parse.hpp"

#include <berth/client/push_consumer.hpp>

#include <fmt/format.h>

#include <condition_variable>
#include <memory>
#include <mutex>

namespace berth::tools {

namespace {

struct consume_args {
  std::string topic;
  std::string group;
  std::string tag = "*";
  uint64_t count = 0;
  std::string timeout = "10s";
  std::string from = "latest";
};

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

  client::push_consumer_options o;
  o.endpoint = ctx.server;
  o.group = a.group;
  o.model = client::consume_model::clustering;
  o.from = a.from == "earliest" ? client::consume_from::earliest : client::consume_from::latest;
  o.threads = 1;  // one message at a time: lines come out whole and in the order processed
  o.hold = std::chrono::milliseconds(2000);
  o.request_timeout = ctx.timeout;
  // A message refused after --count is reached is handed back later; never within this run.
  o.retry_delay = std::chrono::hours(1);
  client::push_consumer consumer(o);
  if (auto ok = consumer.subscribe(a.topic, a.tag); !ok) {
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
  c->add_option("--tag", args->tag, "Tag filter: * (all) or \"TagA || TagB\"")
      ->capture_default_str();
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
  c->callback([&ctx, args] { ctx.action = [&ctx, args] { return consume(ctx, *args); }; });
}

}  // namespace berth::tools
