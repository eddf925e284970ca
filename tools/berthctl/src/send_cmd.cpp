// berthctl send: send one message (or --count copies) and print where each was stored.
#include "context.hpp"
#include "input.hpp"
#include "parse.hpp"

#include <berth/client/producer.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <thread>

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
  std::optional<int> delay_level;
  std::optional<std::string> deliver_at;
  // Transactions: how the local transaction ends, the producer group, how check-backs are
  // answered, and how long to stay connected to answer them.
  std::optional<std::string> transaction;
  std::string producer_group;
  std::optional<std::string> check_answer;
  std::string wait_text = "0s";
  std::optional<std::string> message_group;
};

client::transaction_state state_of(const std::string& text) {
  if (text == "commit") return client::transaction_state::commit;
  if (text == "rollback") return client::transaction_state::rollback;
  return client::transaction_state::unknown;
}

std::string_view name_of(client::transaction_state s) {
  switch (s) {
    case client::transaction_state::commit: return "commit";
    case client::transaction_state::rollback: return "rollback";
    case client::transaction_state::unknown: break;
  }
  return "unknown";
}

void print_sent(const context& ctx, const client::send_receipt& s) {
  if (ctx.format() == output_format::json) {
    print(json_line({{"id", s.message_id},
                     {"queue", s.queue_id},
                     {"offset", s.queue_offset},
                     {"store_timestamp", s.store_time_ms}}));
  } else {
    print(s.message_id + "\n");
  }
}

// A check-back answered: "checked <id> <answer>" (json: check, answer).
void print_checked(const context& ctx, const std::string& id, client::transaction_state s) {
  if (ctx.format() == output_format::json) {
    print(json_line({{"check", id}, {"answer", std::string(name_of(s))}}));
  } else {
    print(fmt::format("checked {} {}\n", id, name_of(s)));
  }
}

int send(const context& ctx, const send_args& a) {
  client::message m;
  m.topic = a.topic;
  m.tags = a.tag;
  m.keys = a.keys;
  m.sharding_key = a.sharding_key;
  m.delay_level = a.delay_level;
  if (a.deliver_at) {
    // "+DURATION" is relative to now; anything else is a time as --to-time takes it.
    if (a.deliver_at->starts_with('+')) {
      const auto after = parse_duration(std::string_view(*a.deliver_at).substr(1));
      if (!after) return fail("usage", "--deliver-at +DURATION: bad duration '" + *a.deliver_at + "'", exit_usage);
      m.deliver_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch() + *after)
                            .count();
    } else if (auto at = parse_time(*a.deliver_at)) {
      m.deliver_at_ms = *at;
    } else {
      return fail("usage", "--deliver-at: '" + *a.deliver_at + "' is no time", exit_usage);
    }
  }
  m.message_group = a.message_group;
  for (const auto& p : a.properties) {
    const auto kv = parse_property(p);
    if (!kv) return fail("usage", "--property must be name=value, not '" + p + "'", exit_usage);
    m.set_property(kv->first, kv->second);
  }
  if (a.file) {
    auto content = read_input(*a.file);
    if (!content) return fail("read " + *a.file, std::strerror(errno));
    m.body = std::move(*content);
  } else if (a.body) {
    m.body = *a.body;
  }

  const auto wait = parse_duration(a.wait_text);
  if (!wait) return fail("usage", "--wait must be a duration such as 10s, not '" + a.wait_text + "'", exit_usage);

  auto o = ctx.client_options<client::producer_options>();
  o.retries = 0;  // a person sees the failure; a retry could store the message twice
  o.producer_group = a.producer_group;
  if (a.check_answer) {
    const client::transaction_state answer = state_of(*a.check_answer);
    o.checker = [&ctx, answer](const client::transaction_check& check) {
      print_checked(ctx, check.transaction_id, answer);
      return answer;
    };
  }
  client::producer p(o);
  if (auto ok = p.start(); !ok) return fail("connect to " + ctx.server, ok.error());
  for (uint32_t i = 0; i < a.count; ++i) {
    if (!a.transaction) {
      auto r = p.send(m);
      if (!r) return fail(fmt::format("send to '{}'", a.topic), r.error());
      print_sent(ctx, r.value());
      continue;
    }
    const client::transaction_state decided = state_of(*a.transaction);
    auto r = p.send_in_transaction(
        m, [decided](const client::message&, const client::send_receipt&) { return decided; });
    if (!r) return fail(fmt::format("send to '{}'", a.topic), r.error());
    print_sent(ctx, r.value().half);
    if (r.value().end_error) {
      return fail(fmt::format("end transaction '{}' ({})", r.value().half.message_id,
                              name_of(decided)),
                  *r.value().end_error);
    }
  }
  // Stay connected to answer check-backs (the broker asks a connected producer of the group).
  if (wait->count() > 0) std::this_thread::sleep_for(*wait);
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
  auto* level = s->add_option("--delay-level", args->delay_level,
                              "Deliver after RocketMQ's delay level L: 1=1s 2=5s 3=10s 4=30s "
                              "5..14=1m..10m 15=20m 16=30m 17=1h 18=2h (the broker checks it)")
                   ->type_name("L");
  s->add_option("--deliver-at", args->deliver_at,
                "Deliver at TIME (epoch ms or 2026-11-24T10:00:00Z) or after +DURATION (+90s)")
      ->type_name("TIME")
      ->excludes(level);
  const auto states = CLI::IsMember({"commit", "rollback", "unknown"});
  auto* transaction =
      s->add_option("--transaction", args->transaction,
                    "Send as a transaction's half message and end it so: commit, rollback, or "
                    "unknown (left to the broker's check-back)")
          ->check(states);
  auto* group = s->add_option("--producer-group", args->producer_group,
                              "The producer group of the transaction (with --transaction)");
  transaction->needs(group);
  group->needs(transaction);
  s->add_option("--check-answer", args->check_answer,
                "Answer the broker's check-backs so: commit, rollback or unknown (while "
                "connected, see --wait)")
      ->check(states)
      ->needs(transaction);
  s->add_option("--wait", args->wait_text,
                "Stay connected this long after sending (e.g. 10s), answering check-backs")
      ->capture_default_str();
  s->add_option("--message-group", args->message_group,
                "FIFO message group (property __SHARDINGKEY): picks the queue like a sharding "
                "key; FIFO pops hand out a group's messages one at a time, in order");
  s->callback([&ctx, args] { ctx.action = [&ctx, args] { return send(ctx, *args); }; });
}

}  // namespace berth::tools
