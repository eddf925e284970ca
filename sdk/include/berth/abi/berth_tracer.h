/* berth_tracer.h: the tracer kind. The kernel reports where every message went. */
#ifndef BERTH_TRACER_H
#define BERTH_TRACER_H

#include "berth_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BERTH_TRACE_PRODUCE 1u /* a message was stored */
#define BERTH_TRACE_DELIVER 2u /* a message was handed to a consumer */
#define BERTH_TRACE_ACK 3u     /* a consumer acknowledged a message (POP's ACK) */
#define BERTH_TRACE_COMMIT 4u  /* since 1.6: a group committed its offset on a queue: every
                                  message below queue_offset is done for it (no message id) */

/* One event, borrowed for the duration of on_event(): copy what you keep. */
typedef struct berth_trace_event {
  uint32_t struct_size;
  uint32_t type;          /* BERTH_TRACE_* */
  int64_t time_ms;        /* when it happened, Unix epoch milliseconds */
  berth_str topic;
  uint32_t queue_id;
  berth_status status;    /* BERTH_OK or why the operation failed */
  uint64_t queue_offset;
  berth_str message_id;
  berth_str tags;
  berth_str keys;
  berth_str group;        /* consumer group; empty for produce */
  berth_str client;       /* "ip:port" of the client */
  berth_str principal;    /* authenticated identity; empty without auth */
  uint64_t body_size;
  uint64_t latency_us;    /* time the broker spent on the operation */
  berth_str traceparent;  /* since 1.6: the message's W3C traceparent property, if it has one */
  /* New members only here, at the end. */
} berth_trace_event;

typedef struct berth_tracer_ops {
  uint32_t struct_size;
  /* Record one event. Any thread, concurrently, on the hot path: must never block; a tracer
   * that cannot keep up drops events and counts the drops. Never called for messages a plugin
   * stored with berth_host.append (traces are not traced). */
  void (*on_event)(berth_instance *instance, const berth_trace_event *event);
  /* Since 1.6, optional (NULL: the kernel calls on_event for each). The events of one request
   * at once (a SEND_BATCH's messages, a PULL's answer), in order, under on_event's rules: a
   * tracer may record them together (they mostly share topic, queue, client and cost). */
  void (*on_events)(berth_instance *instance, const berth_trace_event *const *events,
                    uint32_t count);
  /* New members only here, at the end. */
} berth_tracer_ops;

#ifdef __cplusplus
}
#endif

#endif /* BERTH_TRACER_H */
