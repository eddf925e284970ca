// redis_load: the Redis Streams side of bench/compare, with hiredis (0.14) used as its
// documentation recommends: producers pipeline XADD (redisAppendCommandArgv, up to
// --in-flight unanswered, answers read with redisGetReply); --sync and --rate send one XADD
// at a time (at a light rate the pipeline would only hold commands back); a backlog is read
// by a consumer group (XREADGROUP COUNT, then one XACK of the batch's ids pipelined with the
// next read); live consumers XREAD BLOCK. Prints one JSON object (load_report.hpp).
#include "load_options.hpp"
#include "load_report.hpp"
#include "load_run.hpp"

#include <CLI/CLI.hpp>
#include <hiredis/hiredis.h>

#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace compare = berth::bench::compare;

namespace {

struct reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

// One connection; commands as lists of arguments, binary-safe.
class redis_client {
 public:
  redis_client() = default;
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;
  ~redis_client() {
    if (c_ != nullptr) redisFree(c_);
  }

  bool connect(const compare::load_options& o, std::string& why) {
    c_ = redisConnect(o.host().c_str(), o.port());
    if (c_ != nullptr && c_->err == 0) return true;
    why = "connect to " + o.server + ": " + (c_ != nullptr ? c_->errstr : "out of memory");
    return false;
  }

  // Queues a command in the output buffer; it goes out when a reply is awaited.
  bool append(const std::vector<std::string_view>& args) {
    to_argv(args);
    return redisAppendCommandArgv(c_, static_cast<int>(argv_.size()), argv_.data(),
                                  lens_.data()) == REDIS_OK;
  }

  // The next reply; null when the connection failed (why()).
  reply_ptr reply() {
    void* r = nullptr;
    if (redisGetReply(c_, &r) != REDIS_OK) return nullptr;
    return reply_ptr(static_cast<redisReply*>(r));
  }

  reply_ptr command(const std::vector<std::string_view>& args) {
    return append(args) ? reply() : nullptr;
  }

  [[nodiscard]] std::string why() const { return c_->errstr; }

 private:
  void to_argv(const std::vector<std::string_view>& args) {
    argv_.clear();
    lens_.clear();
    for (auto a : args) {
      argv_.push_back(a.data());
      lens_.push_back(a.size());
    }
  }

  redisContext* c_ = nullptr;
  std::vector<const char*> argv_;
  std::vector<size_t> lens_;
};

// A failure as text: the connection's, or the server's error reply.
std::string failed(const redis_client& c, const reply_ptr& r) {
  if (!r) return c.why();
  return r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len) : std::string();
}

// With --group, the consumer group that reads the stream from its start (stream made if new).
bool prepare(const compare::load_options& o, std::string& why) {
  if (o.group.empty()) return true;
  redis_client c;
  if (!c.connect(o, why)) return false;
  auto r = c.command({"XGROUP", "CREATE", o.stream, o.group, "0", "MKSTREAM"});
  why = failed(c, r);
  if (!why.empty()) why = "XGROUP CREATE " + o.group + ": " + why;
  return why.empty();
}

void produce(unsigned index, compare::load_context& ctx) {
  const compare::load_options& o = ctx.options;
  redis_client c;
  std::string why;
  if (!c.connect(o, why)) {
    ctx.error(why);
    return;
  }
  std::string body(o.size, 'x');
  const std::vector<std::string_view> xadd{"XADD", o.stream, "*", "d", body};
  const bool one_at_a_time = o.sync || o.rate > 0;
  std::deque<int64_t> unanswered;  // send times, in order: Redis answers in order
  for (;;) {
    const size_t window = one_at_a_time ? 1 : o.in_flight;
    while (unanswered.size() < window && ctx.sending() && ctx.claim(1) == 1) {
      ctx.sent_at_rate(index);
      compare::stamp(body);
      if (!c.append(xadd)) {
        ctx.error("XADD: " + c.why());
        return;
      }
      unanswered.push_back(compare::now_ns());
    }
    if (unanswered.empty()) return;
    auto r = c.reply();
    if (!r) {
      ctx.error("XADD: " + c.why());
      return;
    }
    if (r->type == REDIS_REPLY_ERROR) {
      ctx.error("XADD: " + failed(c, r));
    } else {
      ctx.acked(index, unanswered.front());
    }
    unanswered.pop_front();
  }
}

// Records the entries of an XREAD / XREADGROUP reply (one stream); returns their ids.
std::vector<std::string> record_entries(const redisReply& r, unsigned index,
                                        compare::load_context& ctx) {
  std::vector<std::string> ids;
  if (r.type != REDIS_REPLY_ARRAY || r.elements == 0) return ids;  // nil: nothing new
  const redisReply& stream = *r.element[0];
  if (stream.elements < 2) return ids;
  const redisReply& entries = *stream.element[1];
  for (size_t i = 0; i < entries.elements; ++i) {
    const redisReply& entry = *entries.element[i];
    if (entry.elements < 2) continue;
    ids.emplace_back(entry.element[0]->str, entry.element[0]->len);
    const redisReply& fields = *entry.element[1];
    if (fields.elements >= 2) ctx.received(index, fields.element[1]->str, fields.element[1]->len);
  }
  return ids;
}

// A backlog through the group: read a batch, then ack it and read the next in one round trip.
void consume_backlog(unsigned index, compare::load_context& ctx) {
  const compare::load_options& o = ctx.options;
  redis_client c;
  std::string why;
  const bool connected = c.connect(o, why);
  ctx.ready();
  if (!connected) {
    ctx.error(why);
    return;
  }
  const std::string name = o.group + "-" + std::to_string(index);
  const std::string count = std::to_string(o.fetch);
  const std::vector<std::string_view> read{"XREADGROUP", "GROUP", o.group, name, "COUNT", count,
                                           "BLOCK", "200", "STREAMS", o.stream, ">"};
  auto r = c.command(read);
  while (!ctx.stopping()) {
    if (!r || r->type == REDIS_REPLY_ERROR) {
      ctx.error("XREADGROUP: " + failed(c, r));
      return;
    }
    const auto ids = record_entries(*r, index, ctx);
    if (ids.empty()) {
      r = c.command(read);
      continue;
    }
    std::vector<std::string_view> ack{"XACK", o.stream, o.group};
    ack.insert(ack.end(), ids.begin(), ids.end());
    if (!c.append(ack) || !c.append(read)) {
      ctx.error("XACK: " + c.why());
      return;
    }
    if (auto a = c.reply(); !a || a->type == REDIS_REPLY_ERROR) {
      ctx.error("XACK: " + failed(c, a));
      return;
    }
    r = c.reply();
  }
}

// Live: XREAD BLOCK from the stream's last entry as it was before the producers started.
void consume_live(unsigned index, compare::load_context& ctx) {
  const compare::load_options& o = ctx.options;
  redis_client c;
  std::string why;
  if (!c.connect(o, why)) {
    ctx.ready();
    ctx.error(why);
    return;
  }
  std::string last = "0-0";
  if (auto r = c.command({"XREVRANGE", o.stream, "+", "-", "COUNT", "1"});
      r && r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
    last.assign(r->element[0]->element[0]->str, r->element[0]->element[0]->len);
  }
  ctx.ready();
  const std::string count = std::to_string(o.fetch);
  while (!ctx.stopping()) {
    auto r = c.command({"XREAD", "COUNT", count, "BLOCK", "200", "STREAMS", o.stream, last});
    if (!r || r->type == REDIS_REPLY_ERROR) {
      ctx.error("XREAD: " + failed(c, r));
      return;
    }
    if (const auto ids = record_entries(*r, index, ctx); !ids.empty()) last = ids.back();
  }
}

}  // namespace

int main(int argc, char** argv) {
  compare::load_options o;
  o.server = "127.0.0.1:6379";
  CLI::App app{"Redis Streams load for bench/compare; prints one JSON object"};
  compare::add_load_options(app, o);
  CLI11_PARSE(app, argc, argv);

  std::string why;
  if (!prepare(o, why)) {
    std::fprintf(stderr, "redis_load: %s\n", why.c_str());
    return 1;
  }
  const auto result =
      compare::run_load(o, produce, o.group.empty() ? consume_live : consume_backlog);
  std::printf("%s\n", compare::format_load_json(o, result).c_str());
  return result.errors == 0 ? 0 : 1;
}
