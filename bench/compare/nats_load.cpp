// nats_load: the NATS JetStream side of bench/compare, with the NATS C client (libnats 3.4)
// used as its documentation recommends: producers publish asynchronously under a window of
// unacknowledged messages (jsOptions.PublishAsync.MaxPending, js_PublishAsyncComplete at the
// end), --sync waits for each js_Publish; a backlog is read through one durable pull consumer
// with AckAll, acknowledging the last message of each fetched batch; live consumers are push
// subscriptions. Prints one JSON object (load_report.hpp).
#include "load_options.hpp"
#include "load_report.hpp"
#include "load_run.hpp"

#include <CLI/CLI.hpp>
#include <nats/nats.h>

#include <cstdio>
#include <string>

namespace compare = berth::bench::compare;

namespace {

std::string nats_error(natsStatus s, jsErrCode code = static_cast<jsErrCode>(0)) {
  std::string text = natsStatus_GetText(s);
  if (const char* last = nats_GetLastError(nullptr); last != nullptr && *last != '\0') {
    text += std::string(": ") + last;
  }
  if (code != 0) text += " (JetStream error " + std::to_string(code) + ")";
  return text;
}

// One connection and its JetStream context; `jo` may set the async publish callbacks.
class nats_client {
 public:
  nats_client() = default;
  nats_client(const nats_client&) = delete;
  nats_client& operator=(const nats_client&) = delete;
  ~nats_client() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
  }

  bool connect(const compare::load_options& o, jsOptions* jo, std::string& why) {
    const std::string url = "nats://" + o.server;
    natsOptions* opts = nullptr;
    natsStatus s = natsOptions_Create(&opts);
    if (s == NATS_OK) s = natsOptions_SetURL(opts, url.c_str());
    // At a fixed light rate each publish goes out at once, as the client's documentation
    // advises for latency; otherwise it buffers for throughput (its default).
    if (s == NATS_OK) s = natsOptions_SetSendAsap(opts, o.rate > 0 || o.sync);
    if (s == NATS_OK) s = natsConnection_Connect(&nc, opts);
    natsOptions_Destroy(opts);
    if (s == NATS_OK) s = natsConnection_JetStream(&js, nc, jo);
    if (s != NATS_OK) why = "connect to " + url + ": " + nats_error(s);
    return s == NATS_OK;
  }

  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
};

// The file-storage stream, made unless it exists; with --group, the durable pull consumer
// that reads it from the start and acknowledges all up to a sequence at once.
bool prepare(const compare::load_options& o, std::string& why) {
  nats_client c;
  if (!c.connect(o, nullptr, why)) return false;
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  if (js_GetStreamInfo(&si, c.js, o.stream.c_str(), nullptr, &jerr) == NATS_OK) {
    jsStreamInfo_Destroy(si);
  } else {
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    const char* subjects[] = {o.stream.c_str()};
    sc.Name = o.stream.c_str();
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    sc.Storage = js_FileStorage;
    if (natsStatus s = js_AddStream(&si, c.js, &sc, nullptr, &jerr); s != NATS_OK) {
      why = "add stream " + o.stream + ": " + nats_error(s, jerr);
      return false;
    }
    jsStreamInfo_Destroy(si);
  }
  if (o.group.empty()) return true;
  jsConsumerConfig cc;
  jsConsumerConfig_Init(&cc);
  cc.Durable = o.group.c_str();
  cc.DeliverPolicy = js_DeliverAll;
  cc.AckPolicy = js_AckAll;
  cc.MaxAckPending = 1 << 20;  // the consumers' batches, not this limit, set the pace
  jsConsumerInfo* ci = nullptr;
  if (natsStatus s = js_AddConsumer(&ci, c.js, o.stream.c_str(), &cc, nullptr, &jerr);
      s != NATS_OK) {
    why = "add consumer " + o.group + ": " + nats_error(s, jerr);
    return false;
  }
  jsConsumerInfo_Destroy(ci);
  return true;
}

struct producer_state {
  compare::load_context* ctx;
  unsigned index;
};

// Runs on the connection's delivery thread, once per published message.
void on_publish_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
  auto& p = *static_cast<producer_state*>(closure);
  if (pa != nullptr) {
    const auto len = static_cast<size_t>(natsMsg_GetDataLength(msg));
    p.ctx->acked(p.index, compare::stamped_at(natsMsg_GetData(msg), len));
  } else if (pae != nullptr) {
    p.ctx->error("publish: " + nats_error(pae->Err, pae->ErrCode) +
                 (pae->ErrText != nullptr ? std::string(" ") + pae->ErrText : std::string()));
  }
  natsMsg_Destroy(msg);
}

void produce(unsigned index, compare::load_context& ctx) {
  const compare::load_options& o = ctx.options;
  producer_state state{&ctx, index};
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.MaxPending = o.in_flight;
  jo.PublishAsync.AckHandler = on_publish_ack;
  jo.PublishAsync.AckHandlerClosure = &state;
  jo.PublishAsync.StallWait = 30'000;  // a full window waits for room, it is not an error
  nats_client c;
  std::string why;
  if (!c.connect(o, &jo, why)) {
    ctx.error(why);
    return;
  }
  std::string body(o.size, 'x');
  const char* subject = o.stream.c_str();
  while (ctx.sending() && ctx.claim(1) == 1) {
    ctx.sent_at_rate(index);
    compare::stamp(body);
    const int len = static_cast<int>(body.size());
    if (o.sync) {
      jsPubAck* pa = nullptr;
      jsErrCode jerr = static_cast<jsErrCode>(0);
      const int64_t sent = compare::now_ns();
      if (natsStatus s = js_Publish(&pa, c.js, subject, body.data(), len, nullptr, &jerr);
          s == NATS_OK) {
        ctx.acked(index, sent);
      } else {
        ctx.error("publish: " + nats_error(s, jerr));
      }
      jsPubAck_Destroy(pa);
    } else if (natsStatus s = js_PublishAsync(c.js, subject, body.data(), len, nullptr);
               s != NATS_OK) {
      ctx.error("publish async: " + nats_error(s));
    }
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = 30'000;
  if (natsStatus s = js_PublishAsyncComplete(c.js, &po); s != NATS_OK) {
    ctx.error("publish async complete: " + nats_error(s));
  }
}

// A backlog: fetch batches from the shared durable consumer, ack each batch's last message.
void consume_backlog(unsigned index, compare::load_context& ctx) {
  const compare::load_options& o = ctx.options;
  nats_client c;
  std::string why;
  if (!c.connect(o, nullptr, why)) {
    ctx.error(why);
    ctx.ready();
    return;
  }
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = o.stream.c_str();
  so.Consumer = o.group.c_str();
  natsSubscription* sub = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_PullSubscribe(&sub, c.js, o.stream.c_str(), o.group.c_str(), nullptr, &so,
                                  &jerr);
  ctx.ready();
  if (s != NATS_OK) {
    ctx.error("pull subscribe: " + nats_error(s, jerr));
    return;
  }
  while (!ctx.stopping()) {
    natsMsgList list{nullptr, 0};
    s = natsSubscription_Fetch(&list, sub, static_cast<int>(o.fetch), 200, &jerr);
    if (s == NATS_OK && list.Count > 0) {
      for (int i = 0; i < list.Count; ++i) {
        natsMsg* m = list.Msgs[i];
        ctx.received(index, natsMsg_GetData(m), static_cast<size_t>(natsMsg_GetDataLength(m)));
      }
      if (natsStatus a = natsMsg_Ack(list.Msgs[list.Count - 1], nullptr); a != NATS_OK) {
        ctx.error("ack: " + nats_error(a));
      }
    } else if (s != NATS_OK && s != NATS_TIMEOUT) {
      ctx.error("fetch: " + nats_error(s, jerr));
    }
    natsMsgList_Destroy(&list);
  }
  natsSubscription_Destroy(sub);
}

struct consumer_state {
  compare::load_context* ctx;
  unsigned index;
};

void on_message(natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
  auto& c = *static_cast<consumer_state*>(closure);
  c.ctx->received(c.index, natsMsg_GetData(m), static_cast<size_t>(natsMsg_GetDataLength(m)));
  natsMsg_Destroy(m);  // acknowledged by the library when this returns
}

// Live: an ephemeral push subscription for new messages.
void consume_live(unsigned index, compare::load_context& ctx) {
  const compare::load_options& o = ctx.options;
  nats_client c;
  std::string why;
  if (!c.connect(o, nullptr, why)) {
    ctx.error(why);
    ctx.ready();
    return;
  }
  consumer_state state{&ctx, index};
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = o.stream.c_str();
  so.Config.DeliverPolicy = js_DeliverNew;
  natsSubscription* sub = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s =
      js_Subscribe(&sub, c.js, o.stream.c_str(), on_message, &state, nullptr, &so, &jerr);
  ctx.ready();
  if (s != NATS_OK) {
    ctx.error("subscribe: " + nats_error(s, jerr));
    return;
  }
  while (!ctx.stopping()) compare::sleep_for_ms(20);
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
}

}  // namespace

int main(int argc, char** argv) {
  compare::load_options o;
  o.server = "127.0.0.1:4222";
  CLI::App app{"NATS JetStream load for bench/compare; prints one JSON object"};
  compare::add_load_options(app, o);
  CLI11_PARSE(app, argc, argv);

  std::string why;
  if (!prepare(o, why)) {
    std::fprintf(stderr, "nats_load: %s\n", why.c_str());
    return 1;
  }
  const auto result =
      compare::run_load(o, produce, o.group.empty() ? consume_live : consume_backlog);
  std::printf("%s\n", compare::format_load_json(o, result).c_str());
  nats_Close();
  return result.errors == 0 ? 0 : 1;
}
