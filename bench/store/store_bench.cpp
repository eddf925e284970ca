// berth-store-bench: measures the store-mmap plugin through the kernel's store facade, one
// scenario per invocation, and prints one result line (or, with --json, one JSON object).
//
//   berth-store-bench append-async [--bytes 2GiB | --seconds S] [--threads 1] [--batch 32]
//   berth-store-bench append-sync  [--seconds 10] [--threads 16]
//   berth-store-bench read         [--messages 1000000] [--queues 8] [--max-messages 32]
//   berth-store-bench recovery     [--bytes 1GiB] [--segment-size 256MiB] [--rebuild] [--cold]
//   berth-store-bench fsync-rate   [--seconds 3] [--prefill]
//
// Each run works in a fresh berth-bench-XXXXXX directory inside --dir (default: the current
// directory, so that its file system is the one measured), removed afterwards unless --keep.
// What the numbers mean: docs/benchmarks.md.
#include "log/logger.hpp"
#include "scenarios.hpp"
#include "store_session.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <functional>
#include <map>

namespace {

using namespace berth::bench;

struct scenario {
  bench_options options;
  std::function<report(const bench_options&)> run;
  bool needs_plugin = true;
};

// Adds the named options of one scenario, bound to its own defaults.
void add_options(CLI::App& cmd, bench_options& o, std::initializer_list<std::string_view> names) {
  const auto has = [&](std::string_view n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  if (has("bytes")) cmd.add_option("--bytes", o.bytes, "Commit-log bytes to write")->capture_default_str();
  if (has("seconds")) cmd.add_option("--seconds", o.seconds, "How long to run")->capture_default_str();
  if (has("threads")) cmd.add_option("--threads", o.threads, "Appender (or reader) threads")->capture_default_str()->check(CLI::PositiveNumber);
  if (has("batch")) cmd.add_option("--batch", o.batch, "Messages per append")->capture_default_str()->check(CLI::PositiveNumber);
  if (has("body-size")) cmd.add_option("--body-size", o.body_size, "Message body bytes")->capture_default_str()->check(CLI::PositiveNumber);
  if (has("segment-size")) cmd.add_option("--segment-size", o.segment_size, "store-mmap segment_size")->capture_default_str();
  if (has("messages")) cmd.add_option("--messages", o.messages, "Messages to write and read back")->capture_default_str();
  if (has("queues")) cmd.add_option("--queues", o.queues, "Queues the messages are spread over")->capture_default_str()->check(CLI::PositiveNumber);
  if (has("max-messages")) cmd.add_option("--max-messages", o.max_messages, "Messages per read")->capture_default_str()->check(CLI::PositiveNumber);
  if (has("rebuild")) cmd.add_flag("--rebuild", o.rebuild, "Delete consumequeue/, index/ and checkpoint before opening");
  if (has("cold")) cmd.add_flag("--cold", o.cold, "Drop the store's files from the page cache before opening");
  if (has("prefill")) cmd.add_flag("--prefill", o.prefill, "Write the file once first (overwrite instead of unwritten extents)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"berth-store-bench: store-mmap measurements (docs/benchmarks.md)"};
  app.require_subcommand(1);
  app.fallthrough();
  std::string parent_dir;
  std::string plugin_dir;
  bool json = false;
  bool keep = false;
  app.add_option("--dir", parent_dir,
                 "Where to make the work directory (default: the current directory)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--plugin-dir", plugin_dir,
                 "Where libberth-store-mmap.so is (default: as berthd: ../lib/berth)")
      ->check(CLI::ExistingDirectory);
  app.add_flag("--json", json, "Print the result as one JSON object (the line goes to stderr)");
  app.add_flag("--keep", keep, "Keep the work directory");

  std::map<std::string, scenario> scenarios;
  const auto add = [&](const std::string& name, const std::string& help, scenario s,
                       std::initializer_list<std::string_view> names) -> CLI::App* {
    auto [it, _] = scenarios.emplace(name, std::move(s));
    CLI::App* cmd = app.add_subcommand(name, help);
    add_options(*cmd, it->second.options, names);
    return cmd;
  };
  add("append-async", "flush=async: batches from one or more appenders, final sync timed",
      {{.bytes = "2GiB", .threads = 1}, run_append_async},
      {"bytes", "seconds", "threads", "batch", "body-size", "segment-size"});
  add("append-sync", "flush=sync: single-message blocking appends from many threads",
      {{.seconds = 10, .threads = 16}, run_append_sync},
      {"seconds", "threads", "body-size", "segment-size"});
  add("read", "write N messages over Q queues, then read them all back (warm cache)",
      {{.threads = 1}, run_read},
      {"messages", "queues", "max-messages", "batch", "threads", "body-size", "segment-size"});
  std::filesystem::path self;
  add("recovery", "SIGKILL a child that wrote the log, then time the open",
      {{.segment_size = "256MiB", .bytes = "1GiB"},
       [&](const bench_options& o) { return run_recovery(o, self); }},
      {"bytes", "segment-size", "rebuild", "cold", "queues", "batch", "body-size"});
  add("fsync-rate", "baseline: write + fdatasync in a loop on a preallocated file",
      {{.seconds = 3}, run_fsync_rate, false}, {"seconds", "body-size", "prefill"});
  // recovery's child, not for people.
  bench_options fill{.segment_size = "256MiB", .bytes = "1GiB"};
  std::string fill_plugin, fill_data_dir;
  CLI::App* fill_cmd = app.add_subcommand("fill", "")->group("");
  add_options(*fill_cmd, fill, {"bytes", "segment-size", "queues", "batch", "body-size"});
  fill_cmd->add_option("--plugin", fill_plugin)->required();
  fill_cmd->add_option("--data-dir", fill_data_dir)->required();
  fill_cmd->add_option("--ready-fd", fill.ready_fd)->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    std::error_code ec;
    self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (fill_cmd->parsed()) {
      fill.plugin = fill_plugin;
      fill.data_dir = fill_data_dir;
      run_fill(fill);
    }
    const std::string name = app.get_subcommands().front()->get_name();
    scenario& s = scenarios.at(name);
    const work_dir dir(parent_dir.empty() ? std::filesystem::current_path()
                                          : std::filesystem::path(parent_dir), keep);
    s.options.data_dir = dir.path();
    if (s.needs_plugin) s.options.plugin = find_store_plugin("mmap", plugin_dir);
    report r = s.run(s.options);
    if (json) {
      r.values["scenario"] = name;
      r.values["line"] = r.line;
      std::fprintf(stderr, "%s\n", r.line.c_str());
      std::printf("%s\n", r.values.dump().c_str());
    } else {
      std::printf("%s\n", r.line.c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "berth-store-bench: %s\n", e.what());
    return 1;
  }
}
