// berthctl: administer a Berth broker (topics, groups, message lookups) and send or consume
// messages from the command line. docs/berthctl.md describes every command.
#include "context.hpp"
#include "parse.hpp"
#include "connect_flags.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <string>

namespace berth::tools {

int fail(std::string_view what, const client::error& e) {
  return fail(what, e.to_string());
}

int fail(std::string_view what, std::string_view why, int code) {
  std::string line = fmt::format("berthctl: {}: {}", what, why);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "%s\n", line.c_str());
  return code;
}

std::optional<client::admin> connect_admin(const context& ctx) {
  client::admin a(ctx.client_options<client::admin_options>());
  if (auto ok = a.start(); !ok) {
    fail("connect to " + ctx.server, ok.error());
    return std::nullopt;
  }
  return a;
}

namespace {

int run(int argc, char** argv) {
  context ctx;
  CLI::App app{"berthctl: administer a Berth broker, send and consume messages"};
  app.name("berthctl");
  // Global options may also be given after the subcommand (`berthctl topic list --output json`).
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--server", ctx.server, "Broker endpoint HOST:PORT")
      ->capture_default_str()
      ->type_name("HOST:PORT");
  app.add_option("--output", ctx.output, "text (tables for people) or json (for scripts)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--timeout", ctx.timeout_text,
                 "How long to wait for each answer of the broker (500ms, 10s, 2m)")
      ->capture_default_str()
      ->type_name("DURATION");
  add_tls_flags(app, ctx.tls);
  add_credential_flags(app, ctx.credentials);

  add_topic_commands(app, ctx);
  add_send_command(app, ctx);
  add_consume_command(app, ctx);
  add_message_commands(app, ctx);
  add_group_commands(app, ctx);
  add_dlq_commands(app, ctx);
  add_trace_commands(app, ctx);
  // Subcommand help shows its own options; say where the global ones are.
  std::vector<CLI::App*> pending = app.get_subcommands([](CLI::App*) { return true; });
  while (!pending.empty()) {
    CLI::App* sub = pending.back();
    pending.pop_back();
    sub->footer(
        "Global options (before or after the subcommand): --server HOST:PORT, --output "
        "text|json, --timeout DURATION, --tls, --ca FILE, --cert FILE, --key FILE, "
        "--server-name NAME, --access-key KEY, --secret-key SECRET; see berthctl --help.");
    for (CLI::App* s : sub->get_subcommands([](CLI::App*) { return true; })) pending.push_back(s);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return exit_ok;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return fail("usage", std::string(e.what()) + " (see --help)", exit_usage);
  }
  const auto timeout = parse_duration(ctx.timeout_text);
  if (!timeout || timeout->count() <= 0) {
    return fail("usage", "--timeout: not a duration: '" + ctx.timeout_text + "' (use 500ms, 10s, 2m)",
                exit_usage);
  }
  ctx.timeout = *timeout;
  settle_tls_flags(ctx.tls);
  if (!ctx.action) return fail("usage", "no command given (see --help)", exit_usage);
  return ctx.action();
}

}  // namespace
}  // namespace berth::tools

int main(int argc, char** argv) {
  try {
    return berth::tools::run(argc, argv);
  } catch (const std::exception& e) {
    return berth::tools::fail("internal error", e.what());
  }
}
