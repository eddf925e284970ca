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
#include <set>
#include <sstream>

namespace berth::tools {

namespace {

// Trace messages one lookup returns at most (the broker's cap), and lookups for one key.
constexpr uint32_t page_size = 64;
constexpr int max_pages = 32;
// The plugin's position keys: records of messages with the same offset / 16 share one
// (docs/tracing.md).
constexpr uint64_t position_span = 16;

struct trace_args {
  std::string id;
  std::string topic = "RMQ_SYS_TRACE_TOPIC";
};

using record = nlohmann::ordered_json;

// The records of one line: a line listing messages (a request's messages share it) gives one
// record per message, its shared fields with the message's own.
std::vector<record> records_of_line(record line) {
  const auto messages = line.find("messages");
  if (messages == line.end() || !messages->is_array()) return {std::move(line)};
  record shared = line;
  shared.erase("messages");
  std::vector<record> out;
  for (const record& m : *messages) {
    if (!m.is_object()) continue;
    record r = shared;
    for (const auto& [name, value] : m.items()) r[name] = value;
    out.push_back(std::move(r));
  }
  return out;
}

// The records that `keep` accepts in the trace messages stored under `key` since `begin_ms`,
// newest pages first until none is left.
template <class Keep>
std::optional<std::vector<record>> records_under(client::admin& admin, const trace_args& a,
                                                 const std::string& key, int64_t begin_ms,
                                                 Keep&& keep) {
  std::vector<record> out;
  std::set<std::string> seen;  // trace messages already read (pages overlap at their edges)
  int64_t end_ms = std::numeric_limits<int64_t>::max();
  for (int page = 0; page < max_pages; ++page) {
    auto found = admin.messages_by_key(a.topic, key, begin_ms, end_ms, page_size);
    if (!found) {
      fail(fmt::format("read trace records from '{}'", a.topic), found.error());
      return std::nullopt;
    }
    size_t fresh = 0;
    for (const auto& m : found.value()) {
      end_ms = std::min(end_ms, m.store_time_ms);
      if (!seen.insert(m.message_id).second) continue;
      ++fresh;
      std::istringstream lines(m.body);
      for (std::string line; std::getline(lines, line);) {
        record parsed = record::parse(line, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object()) continue;
        for (record& r : records_of_line(std::move(parsed))) {
          if (keep(r)) out.push_back(std::move(r));
        }
      }
    }
    if (found.value().size() < page_size || fresh == 0) break;
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
  // Records are found by where the message is: find it first.
  auto message = admin->message_by_id(a.id);
  if (!message) return fail(fmt::format("trace '{}': find the message", a.id), message.error());
  const std::string topic = message.value().topic;
  const uint32_t queue = message.value().queue_id;
  const uint64_t offset = message.value().queue_offset;
  const int64_t since = message.value().store_time_ms;
  const std::string key = fmt::format("{}:{}:{}", topic, queue, offset / position_span);
  auto stages = records_under(*admin, a, key, since, [&](const record& r) {
    return r.value("message_id", "") == a.id;
  });
  if (!stages) return exit_failed;
  if (stages->empty()) {
    return fail(fmt::format("trace '{}'", a.id),
                fmt::format("no trace records for this message in '{}' (is a [[tracer]] with "
                            "plugin = \"topic\" loaded? Records are written every flush_interval)",
                            a.topic));
  }
  record stored = stages->front();  // a copy: stages grows below
  for (const record& r : *stages) {
    if (r.value("type", "") == "produce") stored = r;
  }
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
