// berthctl dlq list | resend: a consumer group's dead letters (%DLQ%<group>), the messages it
// failed max_reconsume times. `list` reads them without consuming; `resend` sends one again to
// the group's retry topic, where the group's consumers get it with a fresh set of retries.
#include "context.hpp"
#include "parse.hpp"

#include <berth/client/producer.hpp>
#include <berth/client/pull_consumer.hpp>
#include <berth/wire/properties.hpp>
#include <berth/wire/retry_bodies.hpp>

#include <fmt/format.h>

#include <memory>

namespace berth::tools {

namespace {

namespace properties = wire::properties;

struct dlq_args {
  std::string group;
  std::string id;
  uint64_t from = 0;
  uint32_t max = 64;
};

std::string property_or(const client::received_message& m, std::string_view name,
                        std::string fallback) {
  const auto value = m.property(name);
  return value ? std::string(*value) : fallback;
}

bool no_topic(const client::error& e) {
  return e.code == client::errc::broker && e.status == wire::status::no_topic;
}

int list(const context& ctx, const dlq_args& a) {
  const std::string topic = wire::dead_letter_topic_of(a.group);
  auto o = ctx.client_options<client::pull_consumer_options>();
  o.group = "berthctl-dlq";  // reads only: nothing is committed for it
  client::pull_consumer reader(o);
  if (auto ok = reader.start(); !ok) return fail("connect to " + ctx.server, ok.error());
  auto info = reader.queues(topic);
  if (!info && no_topic(info.error())) {
    if (ctx.format() == output_format::text) {
      print(fmt::format("group '{}' has no dead letters\n", a.group));
    }
    return exit_ok;
  }
  if (!info) return fail(fmt::format("list dead letters of '{}'", a.group), info.error());
  std::vector<client::received_message> letters;
  for (const client::queue_info& q : info.value().queues) {
    uint64_t offset = std::max(a.from, q.min_offset);
    while (offset < q.max_offset && letters.size() < a.max) {
      auto r = reader.pull(topic, q.queue_id, offset, a.max - static_cast<uint32_t>(letters.size()));
      if (!r) return fail(fmt::format("read dead letters of '{}'", a.group), r.error());
      for (auto& m : r.value().messages) letters.push_back(std::move(m));
      if (r.value().next_offset <= offset) break;
      offset = r.value().next_offset;
    }
  }
  if (ctx.format() == output_format::json) {
    std::string out;
    for (const auto& m : letters) out += json_line(message_json(m));
    print(out);
    return exit_ok;
  }
  table t({"OFFSET", "ID", "ORIGIN_TOPIC", "ORIGIN_ID", "RETRIES", "STORED", "BODY"});
  for (const auto& m : letters) {
    t.add({std::to_string(m.queue_offset), m.message_id,
           property_or(m, properties::dead_letter_origin_topic, "-"),
           property_or(m, properties::dead_letter_origin_message_id, "-"),
           std::to_string(m.reconsume_times), format_time(m.store_time_ms),
           printable(m.body, 40)});
  }
  print(t.render());
  return exit_ok;
}

// The dead letter as a new message for the group's retry topic: the same body, tags, keys and
// properties; RETRY_TOPIC and ORIGIN_MESSAGE_ID name where it first came from, so consumers
// see it under its own topic; the DLQ bookkeeping is left behind.
client::message resend_copy(const std::string& group, const client::received_message& letter) {
  client::message m(wire::retry_topic_of(group), letter.body);
  m.tags = letter.tags;
  m.keys = letter.keys;
  m.flag = letter.flag;
  for (const auto& [name, value] : letter.properties) {
    if (name == properties::dead_letter_origin_topic ||
        name == properties::dead_letter_origin_message_id) {
      continue;
    }
    m.set_property(name, value);
  }
  m.set_property(properties::retry_topic,
                 property_or(letter, properties::dead_letter_origin_topic, letter.topic));
  m.set_property(properties::origin_message_id,
                 property_or(letter, properties::dead_letter_origin_message_id, letter.message_id));
  return m;
}

int resend(const context& ctx, const dlq_args& a) {
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  auto letter = admin->message_by_id(a.id);
  if (!letter) return fail(fmt::format("find dead letter '{}'", a.id), letter.error());
  const std::string dlq = wire::dead_letter_topic_of(a.group);
  if (letter.value().topic != dlq) {
    return fail(fmt::format("resend '{}'", a.id),
                fmt::format("the message is in topic '{}', not in '{}': not a dead letter of "
                            "group '{}'",
                            letter.value().topic, dlq, a.group));
  }
  // The group's retry topic has one queue; a group whose consumers never ran has none yet.
  const std::string retry_topic = wire::retry_topic_of(a.group);
  if (auto info = admin->describe_topic(retry_topic); !info) {
    if (!no_topic(info.error())) return fail("describe " + retry_topic, info.error());
    if (auto made = admin->create_topic(retry_topic, 1); !made) {
      return fail("create " + retry_topic, made.error());
    }
  }
  auto o = ctx.client_options<client::producer_options>();
  o.retries = 0;  // a person sees the failure; a retry could send the message twice
  client::producer p(o);
  if (auto ok = p.start(); !ok) return fail("connect to " + ctx.server, ok.error());
  const client::message copy = resend_copy(a.group, letter.value());
  auto sent = p.send(copy);
  if (!sent) return fail(fmt::format("resend '{}' to '{}'", a.id, copy.topic), sent.error());
  if (ctx.format() == output_format::json) {
    nlohmann::ordered_json j;
    j["dead_letter"] = a.id;
    j["topic"] = copy.topic;
    j["message_id"] = sent.value().message_id;
    print(json_line(j));
  } else {
    print(fmt::format("resent {} to {} as {}\n", a.id, copy.topic, sent.value().message_id));
  }
  return exit_ok;
}

}  // namespace

void add_dlq_commands(CLI::App& app, context& ctx) {
  auto* dlq = app.add_subcommand("dlq", "A consumer group's dead letters: list, resend");
  dlq->require_subcommand(1);
  auto args = std::make_shared<dlq_args>();

  auto* l = dlq->add_subcommand(
      "list", "List the messages GROUP failed max_reconsume times (%DLQ%GROUP), oldest first");
  l->add_option("group", args->group, "Consumer group")->required();
  l->add_option("--from", args->from, "First offset in the dead-letter queue")
      ->capture_default_str();
  l->add_option("--max", args->max, "At most this many messages")->capture_default_str();
  l->callback([&ctx, args] { ctx.action = [&ctx, args] { return list(ctx, *args); }; });

  auto* r = dlq->add_subcommand(
      "resend", "Send dead letter ID to GROUP again (through %RETRY%GROUP, retries counted anew)");
  r->add_option("group", args->group, "Consumer group")->required();
  r->add_option("id", args->id, "The dead letter's id (as dlq list prints it)")->required();
  r->callback([&ctx, args] { ctx.action = [&ctx, args] { return resend(ctx, *args); }; });
}

}  // namespace berth::tools
