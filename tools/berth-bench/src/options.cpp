#include "options.hpp"

#include "parse.hpp"
#include "connect_flags.hpp"

#include <CLI/CLI.hpp>

namespace berth::tools {

parse_outcome parse_bench_options(const std::vector<std::string>& args) {
  bench_options o;
  std::string duration = "10s";
  std::string timeout = "10s";
  std::string output = "text";
  std::string from = "latest";
  std::string deliver_after = "0";
  CLI::App app{
      "berth-bench: load generator for a Berth broker. Producers send with a bounded window of "
      "asynchronous sends (or one at a time with --sync, or SEND_BATCH with --batch); consumers "
      "(one group) measure end-to-end latency from the send time carried in "
      "each body. Prints progress each second to stderr and a report at the end. With "
      "--deliver-after every message is a timed one and consumers report how late each was "
      "delivered; with --pop the consumers pop and ack (simple_consumer)."};
  app.name("berth-bench");
  app.add_option("--server", o.server, "Broker endpoint HOST:PORT")->capture_default_str();
  app.add_option("--topic", o.topic, "Topic (created if missing)")->capture_default_str();
  app.add_option("--queues", o.queues, "Queues of the topic when it is created")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--producers", o.producers, "Producer threads, one connection each")
      ->capture_default_str()
      ->check(CLI::Range(0u, 256u));
  app.add_option("--consumers", o.consumers,
                 "Consumers in one group: push consumers, or pop consumers with --pop")
      ->capture_default_str()
      ->check(CLI::Range(0u, 256u));
  app.add_option("--size", o.size, "Body bytes (at least 8: the send time)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{8}, size_t{64} << 20));
  app.add_option("--batch", o.batch, "Messages per SEND_BATCH (1: single SENDs)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 4096u));
  app.add_option("--rate", o.rate, "Messages per second over all producers (0: unlimited)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--duration", duration, "How long producers send (500ms, 10s, 2m)")
      ->capture_default_str();
  app.add_option("--messages", o.messages,
                 "Messages over all producers, then they stop (0: until --duration ends; with a "
                 "count, --duration still bounds the run)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--in-flight", o.in_flight,
                 "Asynchronous sends (messages, or batches with --batch) outstanding per producer")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100'000u));
  app.add_flag("--sync", o.sync, "Each producer waits for every send (in-flight 1, blocking API)");
  app.add_option("--deliver-after", deliver_after,
                 "Send timed messages, each to be delivered this long after its send (5s, 1h; "
                 "millisecond precision; 0: at once); consumers report the lateness of each "
                 "delivery")
      ->capture_default_str();
  app.add_flag("--pop", o.pop,
               "Consumers pop (simple_consumer: up to 32 messages at a time, invisible 30 s) "
               "and ack each message, instead of push consumers pulling");
  app.add_option("--buckets", o.buckets,
                 "Give each message the property bucket = its number % N, for --sql filters "
                 "that select 1/N of them (0: no property)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 1'000'000u));
  app.add_option("--sql", o.sql,
                 "Consumers subscribe with this SQL92 filter, evaluated by the broker (e.g. "
                 "\"bucket = 0\"; the broker's config needs [[filter]] plugin = \"sql\")");
  app.add_option("--group", o.group, "Consumer group (default: berth-bench-<pid>)");
  app.add_option("--from", from,
                 "Where push consumers start on queues the group has no offset for: latest or "
                 "earliest (earliest with --producers 0 measures consuming a backlog); not "
                 "with --pop")
      ->capture_default_str()
      ->check(CLI::IsMember({"earliest", "latest"}));
  app.add_option("--connections", o.connections,
                 "Connection mode: open N connections (connect, TLS handshake, HELLO, one "
                 "request, close), --producers at a time, and report connections per second; "
                 "sends no messages")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--timeout", timeout, "Request timeout")->capture_default_str();
  add_tls_flags(app, o.tls);
  add_credential_flags(app, o.credentials);
  app.add_option("--output", output, "text or json (one JSON object)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));

  parse_outcome r;
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    r.out = app.help();
    return r;
  } catch (const CLI::ParseError& e) {
    r.exit_code = 2;
    r.err = e.what();
    return r;
  }
  const auto d = parse_duration(duration);
  if (!d || d->count() <= 0) {
    r.exit_code = 2;
    r.err = "--duration: not a duration: '" + duration + "' (use 500ms, 10s, 2m)";
    return r;
  }
  const auto t = parse_duration(timeout);
  if (!t || t->count() <= 0) {
    r.exit_code = 2;
    r.err = "--timeout: not a duration: '" + timeout + "' (use 500ms, 10s, 2m)";
    return r;
  }
  const auto after = parse_duration(deliver_after);
  if (!after) {
    r.exit_code = 2;
    r.err = "--deliver-after: not a duration: '" + deliver_after + "' (use 500ms, 10s, 2m)";
    return r;
  }
  if (after->count() > 0 && o.batch > 1) {
    r.exit_code = 2;
    r.err = "--deliver-after: the broker refuses timed messages in a batch (use --batch 1)";
    return r;
  }
  if (o.pop && o.consumers == 0) {
    r.exit_code = 2;
    r.err = "--pop: no consumers (add --consumers N)";
    return r;
  }
  if (o.pop && app.count("--from") > 0) {
    r.exit_code = 2;
    r.err = "--from: not with --pop (a new pop group starts at each queue's first message)";
    return r;
  }
  if (o.connections > 0 && (o.producers == 0 || o.consumers > 0)) {
    r.exit_code = 2;
    r.err = "--connections: needs --producers N (connections at a time) and no --consumers";
    return r;
  }
  if (o.producers == 0 && o.consumers == 0) {
    r.exit_code = 2;
    r.err = "nothing to do: --producers and --consumers are both 0";
    return r;
  }
  o.duration = *d;
  o.timeout = *t;
  o.deliver_after = *after;
  o.json = output == "json";
  o.from_earliest = from == "earliest";
  settle_tls_flags(o.tls);
  r.options = o;
  return r;
}

}  // namespace berth::tools
