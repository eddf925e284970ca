// berthctl trace get: the life of one message from the trace topic that trace-topic writes
// (docs/tracing.md): its produce, each delivery, each ack, and the first commit of each group
// past it.
#include "context.hpp"
#include "parse.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

namespace berth::tools {

namespace {

// Trace messages one lookup returns at most (a message seldom has more than a few).
constexpr uint32_t max_trace_messages = 64;

struct trace_args {
  std::string id;
  std::string topic = "RMQ_SYS_TRACE_TOPIC";
};

using record = nlohmann::ordered_json;

// The records in the trace messages stored under `key` that `keep` accepts.
template <class Keep>
std::optional<std::vector<record>> records_under(client::admin& admin, const trace_args& a,
                                                 const std::string& key, int64_t begin_ms,
                                                 Keep&& keep) {
  auto found = admin.messages_by_key(a.topic, key, begin_ms, std::numeric_limits<int64_t>::max(),
                                     max_trace_messages);
  if (!found) {
    fail(fmt::format("read trace records from '{}'", a.topic), found.error());
    return std::nullopt;
  }
  std::vector<record> out;
  for (const auto& m : found.value()) {
    std::istringstream lines(m.body);
    for (std::string line; std::getline(lines, line);) {
      record r = record::parse(line, nullptr, false);
      if (!r.is_discarded() && r.is_object() && keep(r)) out.push_back(std::move(r));
    }
  }
  return out;
}

int stage_order(const std::string& type) {
  static const std::map<std::string, int> order{
      {"produce", 0}, {"deliver", 1}, {"ack", 2}, {"commit", 3}};
  const auto it = order.find(type);
  return it == order.end() ? 4 : it->second;
}

std::string text_of(const record& r, const char* field) {
  const auto it = r.find(field);
  if (it == r.end()) return "-";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

int get(const context& ctx, const trace_args& a) {
  auto admin = connect_admin(ctx);
  if (!admin) return exit_failed;
  auto stages = records_under(*admin, a, a.id, 0, [&](const record& r) {
    return r.value("message_id", "") == a.id;
  });
  if (!stages) return exit_failed;
  if (stages->empty()) {
    return fail(fmt::format("trace '{}'", a.id),
                fmt::format("no trace records for this message in '{}' (is a [[tracer]] with "
                            "plugin = \"topic\" loaded? Records are written every flush_interval)",
                            a.topic));
  }
  // Where the message is: a group that committed past it there is done with it.
  record stored = stages->front();  // a copy: stages grows below
  for (const record& r : *stages) {
    if (r.value("type", "") == "produce") stored = r;
  }
  const std::string topic = stored.value("topic", "");
  const uint32_t queue = stored.value("queue_id", 0u);
  const uint64_t offset = stored.value("queue_offset", uint64_t{0});
  const int64_t since = stored.value("time_ms", int64_t{0});
  auto commits = records_under(*admin, a, fmt::format("commit:{}:{}", topic, queue), since,
                               [&](const record& r) {
                                 return r.value("type", "") == "commit" &&
                                        r.value("topic", "") == topic &&
                                        r.value("queue_id", 0u) == queue &&
                                        r.value("queue_offset", uint64_t{0}) > offset;
                               });
  if (!commits) return exit_failed;
  std::map<std::string, record> first_commit;  // per group
  for (record& c : *commits) {
    const std::string group = c.value("group", "");
    auto it = first_commit.find(group);
    if (it == first_commit.end() || c.value("time_ms", int64_t{0}) < it->second.value("time_ms", int64_t{0})) {
      first_commit[group] = std::move(c);
    }
  }
  for (auto& [group, c] : first_commit) stages->push_back(std::move(c));
  std::stable_sort(stages->begin(), stages->end(), [](const record& x, const record& y) {
    const auto tx = x.value("time_ms", int64_t{0}), ty = y.value("time_ms", int64_t{0});
    if (tx != ty) return tx < ty;
    return stage_order(x.value("type", "")) < stage_order(y.value("type", ""));
  });

  if (ctx.format() == output_format::json) {
    std::string out;
    for (const record& r : *stages) out += json_line(r);
    print(out);
    return exit_ok;
  }
  std::string head = fmt::format("message {}: {} queue {} offset {}", a.id, topic, queue, offset);
  if (stored.contains("tags")) head += " tag=" + text_of(stored, "tags");
  if (stored.contains("keys")) head += " keys=" + text_of(stored, "keys");
  if (stored.contains("traceparent")) head += "\ntraceparent " + text_of(stored, "traceparent");
  table t({"TIME", "STAGE", "GROUP", "CLIENT", "PRINCIPAL", "COST_US", "STATUS"});
  for (const record& r : *stages) {
    std::string stage = r.value("type", "?");
    if (stage == "commit") stage = fmt::format("commit (offset {})", text_of(r, "queue_offset"));
    t.add({format_time(r.value("time_ms", int64_t{0})), stage, text_of(r, "group"),
           text_of(r, "client"), text_of(r, "principal"), text_of(r, "cost_us"),
           r.value("status", 0) == 0 ? "ok" : text_of(r, "status")});
  }
  print(head + "\n" + t.render());
  return exit_ok;
}

}  // namespace

void add_trace_commands(CLI::App& app, context& ctx) {
  auto* trace = app.add_subcommand(
      "trace", "Follow messages through the broker (needs the trace-topic tracer loaded)");
  trace->require_subcommand(1);
  auto args = std::make_shared<trace_args>();

  auto* g = trace->add_subcommand(
      "get", "The life of one message: produced, each delivery, each ack, each group's commit");
  g->add_option("id", args->id, "Message id (as send printed it)")->required();
  g->add_option("--topic", args->topic, "The trace topic the tracer writes")
      ->capture_default_str();
  g->callback([&ctx, args] { ctx.action = [&ctx, args] { return get(ctx, *args); }; });
}

}  // namespace berth::tools
